/*
 * returns.h - the rules of a customer return: its states and the one table of
 * allowed transitions (CONTRACT.md: REQUESTED -> ACCEPTED | REJECTED,
 * UNREJECT back to REQUESTED, ACCEPTED -> RECEIVED -> REFUNDED).
 */
#ifndef EOS_CORE_RETURNS_H
#define EOS_CORE_RETURNS_H

#include <stdbool.h>

enum return_status {
    RETURN_REQUESTED = 0, /* asked for by the buyer, not yet decided */
    RETURN_ACCEPTED = 1,  /* the seller takes the goods back */
    RETURN_REJECTED = 2,  /* the seller refuses (may be un-rejected) */
    RETURN_RECEIVED = 3,  /* the goods are back: the order's returned quantities grew */
    RETURN_REFUNDED = 4,  /* the credit was posted to the buyer's account; final */
};
#define RETURN_STATUS_COUNT 5

enum return_action {
    RETURN_ACT_ACCEPT = 0,
    RETURN_ACT_REJECT = 1,
    RETURN_ACT_UNREJECT = 2,
    RETURN_ACT_RECEIVE = 3,
    RETURN_ACT_REFUND = 4,
};
#define RETURN_ACTION_COUNT 5

const char *return_status_name(enum return_status s);
const char *return_action_name(enum return_action a);
int return_status_parse(const char *name);  /* -1 when unknown */
int return_action_parse(const char *name);  /* -1 when unknown */

/* The state an action leads to; EOS_ETRANSITION (naming both) when the
 * action is not allowed from `from`. */
int return_transition(enum return_status from, enum return_action action,
                      enum return_status *to);

/* True while the return holds quantities against the order's shipped ones
 * without having received them yet (REQUESTED, ACCEPTED). */
bool return_is_open(enum return_status s);

#endif
