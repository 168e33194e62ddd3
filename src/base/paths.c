/*
 * paths.c - locating resource directories relative to the executable.
 */
#include "base/paths.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "base/str.h"

static int is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int path_resource(char *out, size_t size, const char *env, const char *name)
{
    const char *from_env = env ? getenv(env) : NULL;
    char exe[4096];
    char *dir;
    ssize_t n;

    if (!str_empty(from_env)) {
        if (!str_copy(out, size, from_env) || !is_dir(out))
            return eos_err_set(EOS_ENOTFOUND, env, "%s is not a directory", env);
        return 0;
    }
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        dir = dirname(exe);
        snprintf(out, size, "%s/../../%s", dir, name);
        if (is_dir(out))
            return 0;
        snprintf(out, size, "%s/../share/eos-hub/%s", dir, name);
        if (is_dir(out))
            return 0;
    }
    snprintf(out, size, "%s", name);
    if (is_dir(out))
        return 0;
    return eos_err_set(EOS_ENOTFOUND, env, "cannot find the %s directory; set %s", name, env);
}
