/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Per-flow RTP/RTCP state and the log of finished streams.
 *
 * A flow classified as media (announced by SDP, or unsignalled RTP found by probation) gets a
 * struct media_flow from its worker's pool: one RTP stream per direction (rtp_stats) and the
 * RTCP bookkeeping of that direction. When a stream ends (its flow expires, its SSRC changes,
 * the capture ends) its report is written to the worker's stream log, so every stream seen is
 * reported even after its flow is gone.
 *
 * Round trip from RTCP: vpep sits between the endpoints and their clocks are not its own, so
 * it times the loop it can see: an SR passes at T1 (vpep's clock); the RR that answers it
 * (LSR = that SR's middle 32 NTP bits) passes at T2 with DLSR; T2 - T1 - DLSR is the round
 * trip between vpep and the receiver. The two directions' loops add up to the end-to-end
 * round trip.
 *
 * Pure module: memory comes from the caller, no DPDK, time is an argument.
 */

#ifndef MEDIA_FLOW_H
#define MEDIA_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "media_expect.h"
#include "mos.h"
#include "rtcp_parse.h"
#include "rtp_stats.h"

#define MEDIA_NIL UINT32_MAX
/* Packets in a row an unsignalled stream needs before it is called RTP (never one). */
#define MEDIA_PROBATION 4

/* Endpoints of a flow, in its direction 0 (lo -> hi) order. */
struct media_endpoints {
	uint8_t family;
	uint8_t addr[2][16]; /* [0]: the lo side, [1]: the hi side */
	uint16_t port[2];
};

/* Streams kept at once per direction: a second SSRC (e.g. DTMF sent as its own stream, as
 * sipp does) must not end the first; a third ends the least recently active. */
#define MEDIA_SLOTS 2

struct media_slot {
	struct rtp_stream rtp;
	uint64_t last_ns;
	bool used;
	uint8_t pt;               /* the first voice payload type (reported) */
	uint8_t pad[6];
};

struct media_dir {
	struct media_slot slot[MEDIA_SLOTS];
	bool probing;              /* unsignalled candidate: not validated yet */
	uint8_t probe_ok;          /* packets in a row that looked like RTP (saturating) */
	uint8_t probe_restarts;    /* runs broken by a sequence or SSRC jump */
	uint64_t probe_start_ns;   /* first packet of the current run */
	uint16_t probe_seq;
	uint32_t probe_ssrc;
	uint32_t probe_ts;
	uint32_t rtcp_packets;     /* compound RTCP packets sent this way */
	uint32_t rtcp_sr, rtcp_rr, rtcp_bad;
	uint32_t last_sr_mid32;    /* the last SR sent this way: middle NTP bits... */
	uint64_t last_sr_ns;       /* ...and when vpep saw it */
	int64_t loop_us;           /* vpep <-> the receiver of this direction, -1 unknown */
};

struct media_flow {
	uint64_t call;             /* call handle, 0: unsignalled */
	struct media_endpoints ep;
	uint8_t kind;              /* enum media_kind */
	uint8_t te_pt;
	uint8_t media_idx;
	uint8_t is_video;
	uint8_t n_pt;
	uint8_t in_use;
	uint8_t last_pt;           /* payload type of the latest RTP packet (voip.c) */
	uint8_t pad;
	uint32_t next_free;
	struct {
		uint8_t pt;
		uint32_t clock;
		char name[16];
	} pt[MEDIA_EXPECT_MAX_PT];
	struct media_dir dir[2];
};

/* A finished (or, at report time, current) stream. */
struct media_stream_record {
	uint64_t call;
	uint8_t family;
	uint8_t pt;
	uint8_t signalled;
	uint8_t is_video;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	char codec[16];
	struct rtp_stream_report rep;
	struct mos_result mos;
	int64_t rtt_us;            /* end-to-end round trip, -1 unknown */
	uint32_t rtcp_sr, rtcp_rr; /* RTCP the sender of this stream sent */
	uint64_t bytes;            /* RTP payload bytes on the wire (IP and UDP included) */
	uint32_t markers;          /* packets with the marker bit */
	uint32_t pt_changes;       /* payload type changes within the stream */
};

/* Counters a worker keeps for media packets (named for the stats JSON). */
#define MEDIA_COUNTERS(X) \
	X(rtp_packets, "RTP packets accounted to a stream") \
	X(rtp_bad_header, "packets on an RTP flow that are not valid RTP") \
	X(rtp_ssrc_changes, "streams ended by a new SSRC in the same direction") \
	X(rtcp_packets, "compound RTCP packets") \
	X(rtcp_bad, "RTCP packets failing the RFC 3550 A.2 checks") \
	X(rtcp_rtt_samples, "round-trip samples from SR/RR pairs") \
	X(unsignalled_validated, "flows found to be RTP without SDP") \
	X(unsignalled_rejected, "RTP candidates that failed probation") \
	X(stream_log_full, "finished streams not logged: the log was full") \
	X(media_pool_full, "media flows not analysed: the pool was full")

enum media_ctr {
#define MEDIA_CTR_ENUM(n, d) MEDIA_CTR_##n,
	MEDIA_COUNTERS(MEDIA_CTR_ENUM)
#undef MEDIA_CTR_ENUM
	MEDIA_CTR_MAX
};

const char *media_ctr_name(enum media_ctr c);

struct media_pool {
	struct media_flow *flows;
	uint32_t capacity;
	uint32_t free_head;
	uint32_t used;
	struct media_stream_record *log;
	uint32_t log_cap;
	uint32_t log_n;
	struct mos_config mos;
	uint64_t probe_min_ns;     /* an unsignalled run must last this long (0: MEDIA_PROBATION
				    * packets are enough) */
	uint64_t ctr[MEDIA_CTR_MAX];
};

/* Bytes of memory a pool of `flows` media flows and `log_cap` log records needs. */
size_t media_pool_mem_size(uint32_t flows, uint32_t log_cap);

/* Set up a pool in mem (media_pool_mem_size() bytes, zeroed). */
void media_pool_init(struct media_pool *p, void *mem, uint32_t flows, uint32_t log_cap,
		const struct mos_config *mos);

/*
 * Take a media flow for a flow with endpoints ep. info: what SDP said (NULL: an unsignalled
 * RTP candidate, on probation). Returns its id or MEDIA_NIL (pool full, counted).
 */
uint32_t media_flow_alloc(struct media_pool *p, const struct media_expect_info *info,
		const struct media_endpoints *ep);

/*
 * Account one UDP payload travelling in direction dir (0: lo -> hi) at time now_ns.
 * Returns 0; for an unsignalled candidate, 1 once it is validated as RTP and -1 when it is
 * rejected (the caller then frees it and stops treating the flow as media).
 */
int media_flow_packet(struct media_pool *p, uint32_t id, uint8_t dir, const uint8_t *payload,
		uint32_t len, uint32_t wire_len, uint64_t now_ns);

/* End a flow: its streams go to the log. */
void media_flow_free(struct media_pool *p, uint32_t id);

/*
 * What SDP says about a flow arrived (a candidate turns out signalled) or changed (a
 * re-INVITE): take info's call, kind and payload types; running streams keep their counts.
 */
void media_flow_signal(struct media_pool *p, uint32_t id, const struct media_expect_info *info);

/* The flow can give pt its clock rate (SDP, telephone-event, or RFC 3551 static). */
bool media_flow_knows_pt(const struct media_flow *f, uint8_t pt);

/* End a candidate that was never validated: nothing is logged. */
void media_flow_discard(struct media_pool *p, uint32_t id);

/* Report a live flow's streams into out (up to 2 * MEDIA_SLOTS); returns how many. */
unsigned int media_flow_records(const struct media_pool *p, uint32_t id,
		struct media_stream_record *out);

/* The flow's state (for reporting). */
static inline const struct media_flow *
media_flow_get(const struct media_pool *p, uint32_t id)
{
	return &p->flows[id];
}

#endif /* MEDIA_FLOW_H */
