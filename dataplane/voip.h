/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Application awareness in a worker: deciding a flow's class, and the per-class handlers
 * (SIP and calls, RTP/RTCP statistics, POP3 and HTTP counters).
 *
 * The flow table caches the class in each flow (flow_entry.app_class, FLOW_APP_UNDECIDED until
 * decided) and the index of the flow's application state (flow_entry.app_ref) in one of this
 * worker's pools. voip_burst() runs once per burst after the packets' flows were resolved;
 * undecided flows go through classification (SDP expectations, signatures, RTP probation), a
 * decided flow goes straight to its handler, and "unknown" costs nothing.
 */

#ifndef VOIP_H
#define VOIP_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>
#include <rte_mbuf.h>

#include "media_flow.h"
#include "pkt_parse.h"
#include "vpep_classes.h"

struct dp_worker;

/* Per-class totals, counted when a flow ends (or at shutdown) by its final class. */
struct voip_class_stats {
	uint64_t flows;
	uint64_t packets;
	uint64_t bytes;
};

#include "http_msg.h"
#include "pop3.h"

struct sip_worker;
typedef struct hs_scratch hs_scratch_t;

/* Per-flow state of the text protocols counted per message (POP3, HTTP and CWMP). */
struct app_slot {
	union {
		struct pop3_state pop3;
		struct http_msg_state http;
	} u;
	uint32_t next_seq[2]; /* next expected TCP sequence number per flow direction */
	uint8_t seq_known;    /* bit d: next_seq[d] is valid */
	uint8_t client_dir;   /* flow direction the client sends in (POP3) */
	uint8_t pad[2];
	uint32_t next_free;
};

struct voip_worker {
	struct sip_worker *sip;
	struct media_pool media;
	void *media_mem;
	struct voip_class_stats classes[VPEP_CLASS_MAX];
	uint64_t undecided_flows; /* flows that ended before their class was decided */
	uint32_t scan_packets;     /* payload packets a flow may be examined for */
	hs_scratch_t *scratch;     /* this worker's Hyperscan scratch */
	uint64_t scan_errors;      /* Hyperscan failures (flow left undecided for that packet) */
	struct app_slot *apps;     /* POP3/HTTP flow state pool */
	uint32_t apps_n;
	uint32_t apps_free;
	uint64_t apps_full;        /* flows classified but not analysed: pool empty */
	uint64_t app_gaps;         /* TCP sequence gaps reported to the analysers */
	uint64_t app_retrans;      /* retransmitted segments not fed twice */
	struct pop3_counters pop3;
	struct http_msg_counters http;
	uint64_t late_signalled;   /* RTP candidates upgraded when their SDP came in */
	uint64_t late_sip;         /* UDP flows decided unknown that turned out to carry SIP */
	uint64_t pt_refreshed;     /* payload type maps refreshed after a codec change */
};

/* Process-wide setup (the media expectation table); after the worker count is known. */
int voip_global_init(unsigned int n_workers, int socket, char *err, size_t err_len);
void voip_global_free(void);

/* Per-worker state; hooks the worker's flow table. */
int voip_worker_init(struct dp_worker *w, char *err, size_t err_len);
void voip_worker_free(struct dp_worker *w);

/*
 * The n packets of a burst in arrival order, after their flows were touched and accounted:
 * packet k belongs to flow idx[k] (FLOW_NIL: untracked, skipped), travels in direction
 * dir[k] of it, arrived at now_ns[k]. Payloads are read from the mbufs (linearised when
 * chained). One call per burst, so the per-packet work runs in one loop. sip_hint: NULL, or
 * n bytes that receive the SIP protection verdict on each packet (enum policy_sip_hint) for
 * the policy pass that follows.
 */
void voip_burst(struct dp_worker *w, unsigned int n, const uint32_t *idx, const uint8_t *dir,
		struct rte_mbuf *const *pkts, const struct pkt_meta *meta, const uint64_t *now_ns,
		uint8_t *sip_hint);

/* Once per worker loop: the RCU quiescent report (and later, SIP work from other workers). */
void voip_loop(struct dp_worker *w);

/* At shutdown, after the workers stopped: account every flow still in the table. */
void voip_worker_finish(struct dp_worker *w);

/*
 * Add the VoIP sections (classes, calls_summary, calls, rtp_streams, media counters) to the
 * stats document. calls_summary counts every call; calls lists at most calls_max of them
 * (active first, then the most recent; calls_omitted says how many were left out) and
 * rtp_streams the streams of the listed calls and of no held call, at most 4 * calls_max
 * (rtp_streams_omitted).
 */
void voip_stats_json(json_t *doc, uint32_t calls_max);

/* Name of a flow's class ("sip"), or "undecided" while classification goes on. */
const char *voip_flow_class_name(uint16_t app_class);

/* The VoIP lines of --summary: classes, calls by end reason, streams and MOS, SIP. */
void voip_summary(FILE *f);

/* Signatures loaded (for the start-up line). */
unsigned int voip_signature_count(void);

#endif /* VOIP_H */
