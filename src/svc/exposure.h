/*
 * exposure.h - how much of an order counts against the buyer's credit.
 */
#ifndef EOS_SVC_EXPOSURE_H
#define EOS_SVC_EXPOSURE_H

#include "core/money.h"
#include "core/order.h"

/* An open order weighs what is not yet invoiced; closed ones weigh nothing
 * (once invoiced, the amount is a receivable instead). The account's
 * open_order_amount is the sum of this over the buyer's orders: every change
 * adds order_open_amount(after) - order_open_amount(before). */
static inline money_t order_open_amount(enum order_status s, money_t total, money_t invoiced)
{
    if (!order_is_open(s))
        return 0;
    return total > invoiced ? total - invoiced : 0;
}

#endif
