/*
 * bench_client.h - eos-bench's scenarios over SOAP, on the hub's own
 * generated client stubs (soap_call___eos__*).
 *
 * Each client thread keeps one gSOAP context with a keep-alive connection and
 * signs every request as its own bench user (HTTP Basic, or a UsernameToken
 * with PasswordText; see --auth). Request structures are built once per
 * thread and reused; the response memory is freed after every call.
 *
 *   echo      GetServiceInfo (anonymous): the hub's E, or eos-bench-echo's R
 *   submit    SubmitOrder with --lines lines, a new buyerOrderNo every time
 *   status    GetOrderStatus of random orders of the thread's buyer (found
 *             with ListOrders when the thread opens)
 *   download  thread 0 is the seller's ERP: DownloadOrders (maxOrders --batch)
 *             then AcknowledgeOrders of the batch, counting orders; the other
 *             threads submit orders meanwhile (reported apart)
 */
#ifndef EOS_TOOLS_BENCH_CLIENT_H
#define EOS_TOOLS_BENCH_CLIENT_H

#include "tools/bench_run.h"

extern const struct bench_scenario bench_echo;
extern const struct bench_scenario bench_submit;
extern const struct bench_scenario bench_status;
extern const struct bench_scenario bench_download;

#endif
