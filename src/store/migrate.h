/*
 * migrate.h - applies schema/NNN_name.sql files in order and records them.
 */
#ifndef EOS_STORE_MIGRATE_H
#define EOS_STORE_MIGRATE_H

#include "store/db.h"

/* Creates the configured database if missing, then applies every migration
 * of schema_dir not yet recorded in schema_migration, in file name order,
 * recording each one after it succeeded. Running it again applies nothing.
 * *applied_out (may be NULL) gets the number applied now. Progress lines go
 * to the log. */
int store_migrate(const struct db_config *cfg, const char *schema_dir, int *applied_out);

/* Drops the configured database (tests only: eosctl never calls it). */
int store_drop_database(const struct db_config *cfg);

#endif
