/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * The dataplane's end of the vpep-ctrl link (include/vpep_ipc.h): a Unix stream socket owned
 * by the control thread.
 *
 * Workers never touch the socket. Admission and call-end events go from the worker that owns
 * the call to the control thread through one MP/SC ring (a full ring drops the event, counted);
 * decisions go from the control thread to the owning worker through that worker's op ring and
 * are applied there (policy_call_decide()), the outcome coming back on a results ring. An
 * eventfd wakes the control thread when a worker queued something, so a decision's round trip
 * does not wait for a polling period.
 *
 * One vpep-ctrl at a time: a second connection is refused (closed, counted). When vpep-ctrl
 * goes away nothing changes in the dataplane: gates stay, calls stay; the next vpep-ctrl asks
 * for them with RESYNC_REQ.
 */

#ifndef DP_IPC_H
#define DP_IPC_H

#include <stdbool.h>
#include <stdint.h>

#include "vpep_ipc.h"

struct dp_worker;

/* Listen on path (an existing socket file is replaced). 0 or -errno with a message. */
int dp_ipc_init(const char *path, unsigned int n_workers, char *err, size_t err_len);
void dp_ipc_free(void);

/* Is a vpep-ctrl connected (it said HELLO)? Workers read this to decide whether to ask. */
bool dp_ipc_attached(void);

/*
 * Control thread: wait up to timeout_us for socket or worker activity, then serve it all.
 * stats_json(): the stats document as text (malloc'd) for STATS_REQ.
 */
void dp_ipc_poll(uint64_t timeout_us, char *(*stats_json)(void));

/* Workers: queue an event for vpep-ctrl (dropped and counted when the ring is full). */
void dp_ipc_admission(const struct vpep_ipc_admission *a);
void dp_ipc_call_end(const struct vpep_ipc_call_end *e);

/* Worker loop: apply the decisions queued for this worker's calls. */
void dp_ipc_worker_ops(struct dp_worker *w);

struct dp_ipc_stats {
	uint64_t connections;
	uint64_t refused;	/* a second vpep-ctrl while one is connected */
	uint64_t disconnects;
	uint64_t msgs_in, msgs_out;
	uint64_t protocol_errors; /* bad magic/version/length: the connection is closed */
	uint64_t events_dropped;  /* worker events lost to a full ring */
	uint64_t events_unsent;   /* events with no vpep-ctrl connected (not queued) */
	uint64_t decisions, decisions_failed;
	uint64_t resyncs;
};
void dp_ipc_stats(struct dp_ipc_stats *st);

#endif /* DP_IPC_H */
