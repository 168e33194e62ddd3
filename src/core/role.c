/*
 * role.c - role names.
 */
#include "core/role.h"

#include <string.h>

static const char *const names[ROLE_COUNT] = {"BUYER", "SELLER", "ADMIN"};

const char *role_name(enum role r)
{
    return (unsigned)r < ROLE_COUNT ? names[r] : "?";
}

int role_parse(const char *name)
{
    for (int i = 0; i < ROLE_COUNT; i++)
        if (name && strcmp(name, names[i]) == 0)
            return i;
    return -1;
}
