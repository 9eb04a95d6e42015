/* SPDX-License-Identifier: MIT */
/*
 * The embedded migrations, generated at build time from
 * src/store/sql/{sqlite,pg}/NNNN_name.sql. Each table ends with {0, 0, 0}.
 */
#ifndef MU_STORE_MIGRATIONS_H
#define MU_STORE_MIGRATIONS_H

struct mu_migration {
    int version;      /* NNNN from the file name; 1, 2, 3 ... without gaps */
    const char *name; /* file name without .sql */
    const char *sql;  /* the whole script, run in one transaction */
};

extern const struct mu_migration mu_migrations_sqlite[];
extern const struct mu_migration mu_migrations_pg[];

#endif
