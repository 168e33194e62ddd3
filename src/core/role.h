/*
 * role.h - who a user is to the hub: a buyer's user, a seller's user, an operator.
 */
#ifndef EOS_CORE_ROLE_H
#define EOS_CORE_ROLE_H

enum role {
    ROLE_BUYER = 0,  /* a customer party's system or user: sees only its own party */
    ROLE_SELLER = 1, /* the seller's ERP or clerk: sees its own customers */
    ROLE_ADMIN = 2,  /* an operator: everything */
};

#define ROLE_COUNT 3

/* Bit of a role in a permission mask. */
#define ROLE_BIT(r) (1u << (r))

/* "BUYER", "SELLER", "ADMIN". */
const char *role_name(enum role r);

/* Parses a role name; returns -1 when unknown. */
int role_parse(const char *name);

#endif
