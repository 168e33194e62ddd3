/*
 * order_map.h - orders from service structs into response XML structs.
 * Everything is allocated in the request's gSOAP memory (freed by soap_end).
 */
#ifndef EOS_API_ORDER_MAP_H
#define EOS_API_ORDER_MAP_H

#include "core/order_view.h"
#include "soapH.h"

/* Fills o from the view. Returns SOAP_OK or SOAP_EOM. */
int map_order(struct soap *soap, const struct order_view *v, struct eos__Order *o);

/* Fills a summary from a header. */
void map_order_summary(struct soap *soap, const struct order_header *h, struct eos__OrderSummary *s);

/* The XML enum of an order status. */
enum eos__OrderStatus map_order_status(struct soap *soap, enum order_status s);

#endif
