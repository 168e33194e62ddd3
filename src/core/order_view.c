/*
 * order_view.c - releasing an order view.
 */
#include "core/order_view.h"
#include "core/return_view.h"

#include <stdlib.h>
#include <string.h>

void order_view_clear(struct order_view *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->change_count; i++)
        free(v->changes[i].lines);
    for (size_t i = 0; i < v->shipment_count; i++)
        free(v->shipments[i].lines);
    free(v->lines);
    free(v->history);
    free(v->changes);
    free(v->shipments);
    free(v->invoices);
    memset(v, 0, sizeof(*v));
}

void return_view_clear(struct return_view *v)
{
    if (!v)
        return;
    free(v->lines);
    free(v->history);
    memset(v, 0, sizeof(*v));
}
