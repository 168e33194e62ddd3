/*
 * returns.c - return states and transitions, as tables.
 */
#include "core/returns.h"

#include <string.h>

#include "base/err.h"

static const char *const status_names[RETURN_STATUS_COUNT] = {
    [RETURN_REQUESTED] = "REQUESTED", [RETURN_ACCEPTED] = "ACCEPTED",
    [RETURN_REJECTED] = "REJECTED",   [RETURN_RECEIVED] = "RECEIVED",
    [RETURN_REFUNDED] = "REFUNDED",
};

static const char *const action_names[RETURN_ACTION_COUNT] = {
    [RETURN_ACT_ACCEPT] = "ACCEPT",   [RETURN_ACT_REJECT] = "REJECT",
    [RETURN_ACT_UNREJECT] = "UNREJECT", [RETURN_ACT_RECEIVE] = "RECEIVE",
    [RETURN_ACT_REFUND] = "REFUND",
};

/* [from][action] -> to + 1; 0 is a refusal, so an unwritten cell allows nothing. */
static const unsigned char transitions[RETURN_STATUS_COUNT][RETURN_ACTION_COUNT] = {
    [RETURN_REQUESTED] = {[RETURN_ACT_ACCEPT] = RETURN_ACCEPTED + 1,
                          [RETURN_ACT_REJECT] = RETURN_REJECTED + 1},
    [RETURN_REJECTED] = {[RETURN_ACT_UNREJECT] = RETURN_REQUESTED + 1},
    [RETURN_ACCEPTED] = {[RETURN_ACT_RECEIVE] = RETURN_RECEIVED + 1},
    [RETURN_RECEIVED] = {[RETURN_ACT_REFUND] = RETURN_REFUNDED + 1},
};

const char *return_status_name(enum return_status s)
{
    return (unsigned)s < RETURN_STATUS_COUNT ? status_names[s] : "?";
}

const char *return_action_name(enum return_action a)
{
    return (unsigned)a < RETURN_ACTION_COUNT ? action_names[a] : "?";
}

int return_status_parse(const char *name)
{
    for (int i = 0; name && i < RETURN_STATUS_COUNT; i++)
        if (strcmp(name, status_names[i]) == 0)
            return i;
    return -1;
}

int return_action_parse(const char *name)
{
    for (int i = 0; name && i < RETURN_ACTION_COUNT; i++)
        if (strcmp(name, action_names[i]) == 0)
            return i;
    return -1;
}

int return_transition(enum return_status from, enum return_action action,
                      enum return_status *to)
{
    unsigned char cell;

    if ((unsigned)from >= RETURN_STATUS_COUNT || (unsigned)action >= RETURN_ACTION_COUNT)
        return eos_err_set(EOS_EINTERNAL, NULL, "internal error");
    cell = transitions[from][action];
    if (cell == 0)
        return eos_err_set(EOS_ETRANSITION, "action", "cannot %s a return that is %s",
                           action_names[action], status_names[from]);
    *to = (enum return_status)(cell - 1);
    return 0;
}

bool return_is_open(enum return_status s)
{
    return s == RETURN_REQUESTED || s == RETURN_ACCEPTED;
}
