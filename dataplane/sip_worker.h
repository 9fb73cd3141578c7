/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * SIP in a worker: framing messages out of datagrams and TCP streams, counting them, feeding
 * the worker's call table, and publishing the media the calls announce.
 *
 * Placement. Over UDP the dispatcher steers a datagram that starts with a SIP start line by a
 * hash of its Call-ID (worker.c, sip_steer_hash()), so every UDP message of a call reaches one
 * worker, in arrival order, whatever 5-tuple carried it (a response may come back on another
 * port than the request left from: RFC 3261 18.2.2 without rport). A UDP 5-tuple shared by
 * many calls (a trunk between two proxies) therefore has an entry on each worker that owns one
 * of its calls. Over TCP the connection's worker frames the stream (tcp_stream.h) and keeps the
 * calls it carries in its own table. The media a call announces goes to the process-wide
 * expectation table (media_expect.h), so the worker that gets the RTP finds the call.
 *
 * Everything is bounded: a fixed call table per worker (counted eviction), a fixed pool of TCP
 * stream buffers (a TCP flow without one is counted and not framed), no allocation per packet.
 */

#ifndef SIP_WORKER_H
#define SIP_WORKER_H

#include <stdint.h>

#include <jansson.h>

#include "call_table.h"
#include "sip_parse.h"
#include "tcp_stream.h"
#include "vpep_ipc.h"

/* Counters besides the per-method, per-code and per-error arrays; second column: JSON name. */
#define SIPW_CTR_LIST(X)                                                                           \
	X(MESSAGES, "messages")			/* SIP messages framed (requests + responses) */    \
	X(KEEPALIVES, "keepalives")		/* CRLF keep-alives (RFC 5626) */                   \
	X(MALFORMED, "malformed")		/* messages that did not parse (see malformed) */   \
	X(NOT_SIP, "not_sip")			/* payloads on a SIP flow without a start line */   \
	X(EXTRA_IN_DATAGRAM, "extra_in_datagram") /* 2nd+ message in one datagram */               \
	X(TRAILING_DISCARDED, "trailing_discarded") /* datagram octets after a message, not SIP */ \
	X(UNREADABLE, "unreadable")		/* payload too large to linearise */                \
	X(SDP_MALFORMED, "sdp_malformed")	/* SDP bodies sdp_parse() refused */                \
	X(TCP_NO_BUFFER, "tcp_no_buffer")	/* TCP flows left unframed: stream pool empty */    \
	X(TCP_MSG_SKIPPED, "tcp_msg_skipped")	/* TCP messages larger than the buffer */          \
	X(TCP_RESYNC, "tcp_framing_lost")	/* framing lost on a TCP stream */                  \
	X(EXPECT_ADDED, "expectations_added")	/* media endpoints published */                     \
	X(EXPECT_DELETED, "expectations_withdrawn")                                                 \
	X(EXPECT_FULL, "expectations_full")	/* publications the table refused */                \
	X(EXPECT_STALE, "expectations_not_ours") /* withdrawals of an endpoint re-published since */

#define SIPW_CTR_ENUM_(id, name) SIPW_CTR_##id,
enum sipw_ctr { SIPW_CTR_LIST(SIPW_CTR_ENUM_) SIPW_CTR_MAX };
#undef SIPW_CTR_ENUM_

#define SIP_STATUS_MIN 100
#define SIP_STATUS_MAX 699

/* Per-worker SIP counters; plain, written by the worker, summed by the control thread. */
struct sip_stats {
	uint64_t ctr[SIPW_CTR_MAX];
	uint64_t requests[SIP_METHOD_MAX];
	uint64_t responses[SIP_STATUS_MAX - SIP_STATUS_MIN + 1];
	uint64_t errors[SIP_ERR_MAX];
	uint64_t tcp_segments[TCP_SEG_MAX];
};

struct sip_tcp_slot {
	struct tcp_stream st[2]; /* [flow direction] */
	uint32_t next_free;
	uint32_t pad;
};

struct sip_conf {
	uint32_t calls;      /* call table capacity per worker */
	uint32_t tcp_flows;  /* TCP flows framed at once per worker */
	uint32_t tcp_buffer; /* bytes per TCP direction (largest message held) */
	struct call_table_conf ct;
};

/* A call this worker admitted to policy (policy_call_admit): released with its media. */
struct sip_call_gate {
	uint64_t handle; /* 0: none */
	uint64_t start_ns;
	uint8_t family;  /* caller's signalling address (per-source call counts) */
	uint8_t addr[16];
};

struct sip_worker {
	unsigned int worker_id;
	struct call_table ct;
	void *ct_mem;
	struct sip_tcp_slot *tcp;
	uint8_t *tcp_buf;
	uint32_t tcp_n;
	uint32_t tcp_free;
	uint32_t tcp_cap;
	uint64_t next_tick_ns;
	struct sip_stats st;
	uint8_t hint;           /* enum policy_sip_hint for the packet being handled */
	struct sip_call_gate *gates; /* per call slot: the call admitted to policy, if any */
	struct vpep_ipc_admission adm_ev; /* scratch: the admission event being built */
	struct call_update upd; /* scratch, a few KiB: one message's changes */
	struct sip_msg msg;     /* scratch */
	struct sdp_session sdp; /* scratch */
};

#define SIP_TCP_NONE UINT32_MAX

/* Defaults of struct sip_conf. Inline: the config loader must not pull the SIP worker (and
 * with it the policy and the process globals) into every program that reads a config. */
static inline void
sip_conf_default(struct sip_conf *c)
{
	__builtin_memset(c, 0, sizeof(*c));
	c->calls = 8192;
	c->tcp_flows = 512;
	c->tcp_buffer = 8192;
	call_table_conf_default(&c->ct);
}

/* Bytes sip_worker_init() takes (besides struct sip_worker itself). */
size_t sip_worker_mem_size(const struct sip_conf *c);

/*
 * Set up sw with memory from alloc(ctx, bytes) (zeroed, cache-aligned; the caller frees it
 * with sip_worker_free()). Returns 0 or -ENOMEM / -EINVAL.
 */
int sip_worker_init(struct sip_worker *sw, unsigned int worker_id, const struct sip_conf *c,
		void *(*alloc)(void *ctx, size_t bytes), void *ctx);
void sip_worker_free(struct sip_worker *sw, void (*release)(void *ptr));

/* A handle naming a call across workers (media_expect_info.call): worker, slot, generation. */
static inline uint64_t
sip_call_handle(unsigned int worker, struct call_ref ref)
{
	return ((uint64_t)(worker + 1) << 56) | ((uint64_t)ref.gen << 24) | (ref.slot & 0xffffff);
}

static inline int
sip_call_handle_split(uint64_t h, unsigned int *worker, struct call_ref *ref)
{
	if (h == 0)
		return -1;
	*worker = (unsigned int)(h >> 56) - 1;
	ref->gen = (uint32_t)(h >> 24);
	ref->slot = (uint32_t)(h & 0xffffff);
	return 0;
}

/*
 * The hash the dispatcher steers a UDP SIP datagram by, or 0 when the payload does not start
 * with a SIP start line carrying a Call-ID (then the 5-tuple decides). Cheap when it is not
 * SIP: the first byte rules out RTP and most binary protocols.
 */
uint32_t sip_steer_hash(const uint8_t *p, uint32_t len);

/* Signalling 5-tuple of a packet, for the call record. */
struct call_sig;

/* One UDP datagram payload of a SIP flow. */
void sip_worker_datagram(struct sip_worker *sw, const uint8_t *p, uint32_t len,
		const struct call_sig *sig, uint64_t now_ns);

/*
 * One TCP segment of a SIP flow: *slot is the flow's stream slot (SIP_TCP_NONE: one is taken
 * now), dir the flow direction, seq and flags from the TCP header.
 */
void sip_worker_segment(struct sip_worker *sw, uint32_t *slot, uint8_t dir, uint32_t seq,
		uint8_t tcp_flags, const uint8_t *p, uint32_t len, const struct call_sig *sig,
		uint64_t now_ns);

/* A SIP TCP flow ends: its stream slot returns to the pool. */
void sip_worker_tcp_release(struct sip_worker *sw, uint32_t slot);

/* Timers (setup/session timeouts, expectation withdrawal); cheap to call every loop. */
void sip_worker_tick(struct sip_worker *sw, uint64_t now_ns);

/* End of input: calls still up are closed as active_at_end. */
void sip_worker_finish(struct sip_worker *sw, uint64_t now_ns);

/* The call a media handle names, if this worker owns it and it is still there. */
const struct call *sip_worker_call(const struct sip_worker *sw, uint64_t handle);

/* JSON of one call (docs/calls.md), with its media streams attached later by the caller. */
json_t *sip_call_json(const struct call *c, uint64_t handle, uint64_t now_ns);

/* Add a worker's SIP counters and call-table counters into the sums (for the JSON). */
void sip_stats_add(struct sip_stats *sum, struct call_table_stats *cts,
		const struct sip_worker *sw);
json_t *sip_stats_json(const struct sip_stats *sum, const struct call_table_stats *cts);

#endif /* SIP_WORKER_H */
