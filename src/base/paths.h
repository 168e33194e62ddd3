/*
 * paths.h - where the hub's files (schema/, wsdl/) are found at run time.
 */
#ifndef EOS_BASE_PATHS_H
#define EOS_BASE_PATHS_H

#include <stddef.h>

/* Finds the directory `name` (e.g. "schema"): the environment variable env if
 * set, else beside the source tree the binary was built in (<exe>/../../name),
 * else an installed copy (<exe>/../share/eos-hub/name), else ./name.
 * Returns 0 and the path in out, or EOS_ENOTFOUND. */
int path_resource(char *out, size_t size, const char *env, const char *name);

#endif
