/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Per-stream RTP statistics: one struct rtp_stream per SSRC and direction.
 *
 * What it measures, per packet, with integer arithmetic only:
 *  - RFC 3550 A.1 sequence validation: a new source is on probation until min_sequential
 *    packets arrived in sequence (rtp_stream_validated() tells the dataplane when it may call a
 *    flow "unsignalled RTP": never on one packet); a jump of MAX_DROPOUT or more is only
 *    believed when the next packet continues it (resynchronisation, "bad_seq").
 *  - RFC 3550 A.3 expected and lost, with duplicates removed first: a 128-entry bitmap of the
 *    sequence numbers at and below the highest one tells a duplicate (counted in duplicates,
 *    never in received) from a reordered late packet (counted in reordered and received). So
 *    lost is never negative, unlike A.1/A.3 and tshark, which count duplicates as received.
 *  - Loss runs for the E-model's BurstR (2-state model): number of gaps and packets in them.
 *  - RFC 3550 A.8 interarrival jitter, computed in nanoseconds (so it can be reported in ms
 *    without the rounding of 8 kHz timestamp units) with the clock rate of each packet's
 *    payload type; mean and max jitter; max delta between packets. The exact rules follow
 *    tshark 4.0's RTP stream analysis so the numbers agree with it (docs/rtp-quality.md).
 *  - Packets a fixed jitter buffer of jb_ms would have discarded as late (effective loss
 *    for the MOS).
 *  - RFC 4733 telephone-event packets (the PT given to rtp_stream_init() or mapped as such)
 *    share the sequence space (they fill it, so they are not loss) but go to their own
 *    counters: their duplicates (the end packet is sent three times) are te_duplicates, and
 *    they never touch jitter, transit or the voice duplicate count.
 *
 * Time is an argument (arrival_ns, any epoch, must not run backwards by design: a backwards
 * step is treated as zero delta). The dataplane gets microsecond timestamps from net_pcap;
 * pass them times 1000.
 *
 * Contract: no allocation, no I/O, no global state; the struct is plain data that can be
 * copied, zeroed and kept in a flow entry.
 */

#ifndef RTP_STATS_H
#define RTP_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "rtp_parse.h"

#define RTP_SEQ_MOD            (1u << 16)
#define RTP_MAX_DROPOUT        3000 /* RFC 3550 A.1 */
#define RTP_MAX_MISORDER       100  /* RFC 3550 A.1 */
#define RTP_MIN_SEQUENTIAL     2    /* RFC 3550 A.1 default probation */
#define RTP_MAX_SEQUENTIAL     16   /* upper bound accepted by rtp_stream_set_probation() */
#define RTP_DUP_WINDOW         128  /* bits of sequence history (>= RTP_MAX_MISORDER) */
#define RTP_STREAM_MAX_PT      4    /* payload types with an explicit clock per stream */
#define RTP_STREAM_DEFAULT_JB_MS 60 /* nominal jitter buffer for the late-packet count */

/* Bits returned by rtp_stream_update() describing the packet just accounted. */
#define RTP_PKT_FIRST      (1u << 0)  /* first packet of the stream */
#define RTP_PKT_PROBATION  (1u << 1)  /* source not yet validated (A.1 probation) */
#define RTP_PKT_VALIDATED  (1u << 2)  /* this packet completed probation */
#define RTP_PKT_IN_ORDER   (1u << 3)  /* new highest sequence number */
#define RTP_PKT_GAP        (1u << 4)  /* ...and packets before it are missing */
#define RTP_PKT_DUPLICATE  (1u << 5)  /* sequence number seen before */
#define RTP_PKT_REORDERED  (1u << 6)  /* late but new: fills an earlier gap */
#define RTP_PKT_BAD_JUMP   (1u << 7)  /* jump of >= MAX_DROPOUT, not believed yet */
#define RTP_PKT_RESYNC     (1u << 8)  /* jump confirmed: sequence space restarted */
#define RTP_PKT_TEL_EVENT  (1u << 9)  /* telephone-event payload type */
#define RTP_PKT_CN         (1u << 10) /* comfort noise (PT 13 or 19) */
#define RTP_PKT_UNKNOWN_PT (1u << 11) /* no clock known for this PT: no jitter sample */
#define RTP_PKT_PT_CHANGE  (1u << 12) /* PT differs from the previous packet's */
#define RTP_PKT_WRONG_TS   (1u << 13) /* timestamp before the stream's first: timing skipped */
#define RTP_PKT_JB_LATE    (1u << 14) /* a jb_ms jitter buffer would have dropped it */

/*
 * The per-stream state. Field order puts what every packet touches first; counters that only
 * reports read come last. 256 bytes on LP64 (the unit test keeps it within 256).
 */
struct rtp_stream {
	/* Identity and configuration (written by init/setters, read per packet). */
	uint32_t ssrc;
	uint32_t pt_map[RTP_STREAM_MAX_PT]; /* packed: valid<<31 | te<<30 | pt<<23 | clock */
	uint16_t jb_ms;
	uint8_t min_sequential;
	uint8_t flags;   /* RTP_STREAM_F_*, internal */
	uint8_t last_pt;
	uint8_t probation;
	uint16_t max_seq;

	/* RFC 3550 A.1 state, extended to 32 bits: ext = cycles + seq. */
	uint32_t cycles;   /* wraps seen, times 65536, plus one 65536 offset (see .c) */
	uint32_t base_ext; /* extended sequence number of the first counted packet */
	uint32_t bad_seq;  /* sequence number expected after a big jump, or RTP_SEQ_MOD + 1 */
	uint32_t received; /* unique packets in the sequence space (voice + telephone-event) */
	uint32_t expected_closed; /* expected packets of sequence epochs closed by a resync */
	uint64_t seen[RTP_DUP_WINDOW / 64]; /* bit i of the window: max_seq - i was received */

	/* Timing (nanoseconds unless said otherwise). */
	uint32_t first_ts;     /* RTP timestamp that decides "in time sequence" */
	uint32_t ref_ts;       /* timestamp of the last clocked packet (jitter reference) */
	uint64_t delta_ref_ns; /* arrival of the last in-time packet of any kind */
	uint64_t jit_ref_ns;   /* arrival of the last in-time packet that is not an event */
	uint64_t clk_ref_ns;   /* arrival of the last clocked packet (transit reference) */
	uint64_t first_ns;
	uint64_t last_ns;
	uint64_t jitter_q4;    /* current A.8 jitter, ns * 16 */
	uint64_t max_jitter_q4;
	uint64_t jitter_sum_q4;
	uint64_t max_delta_ns;
	int64_t transit_ns;    /* transit of the last clocked packet relative to the first */
	int64_t floor_ns;      /* slowly rising minimum of transit_ns */
	uint32_t jitter_samples;

	/* Counters. */
	uint32_t packets;        /* every packet accounted, whatever it was */
	uint32_t te_packets;
	uint32_t cn_packets;
	uint32_t unknown_pt;
	uint32_t duplicates;     /* duplicates of voice (non-event) packets */
	uint32_t te_duplicates;  /* duplicates of telephone-event packets */
	uint32_t reordered;
	uint32_t bad_jumps;
	uint32_t resyncs;
	uint32_t markers;
	uint32_t pt_changes;
	uint32_t wrong_ts;
	uint32_t jb_late;
	uint32_t loss_bursts;    /* gaps seen (transitions received -> lost) */
	uint32_t burst_lost;     /* packets missing in those gaps, minus late fills */
	uint32_t max_burst;      /* longest gap in packets */
	uint32_t expected_prior; /* for rtp_stream_interval() (RFC 3550 A.3) */
	uint32_t received_prior;
	/* Clock of last_pt when it is a clocked voice type (not an event, not comfort noise),
	 * else 0: lets a packet of the same payload type skip the payload type lookup. */
	uint32_t fast_clock;
	uint64_t bytes;

	/*
	 * Last timestamp step and the nanoseconds it stands for at fast_clock (0: none): a
	 * steady stream repeats its step, and this spares the division per packet. A cache,
	 * not state: results never depend on it (rtp_stream_update_ref() does not keep it).
	 */
	uint32_t memo_ts_diff;
	uint32_t memo_ns;
};

/* Report in plain units, computed by rtp_stream_report() (floats are fine off the hot path). */
struct rtp_stream_report {
	uint32_t ssrc;
	uint32_t packets;       /* all packets, as tshark's "Pkts" */
	uint32_t expected;      /* A.3 expected (0 before validation) */
	uint32_t received;      /* unique packets in the sequence space */
	uint32_t lost;          /* max(0, expected - received) */
	uint32_t duplicates;
	uint32_t te_packets;
	uint32_t te_duplicates;
	uint32_t reordered;
	uint32_t jb_late;
	uint32_t ext_highest_seq; /* extended highest sequence number (RTCP RR semantics) */
	uint32_t jitter_ts;     /* A.8 jitter in timestamp units of the voice clock (RR field) */
	uint32_t clock_rate;    /* the voice clock used for jitter_ts */
	bool validated;
	double loss_fraction;   /* lost / expected, 0 if nothing expected */
	double max_delta_ms;
	double jitter_ms;       /* current value */
	double mean_jitter_ms;  /* average of the per-packet jitter samples */
	double max_jitter_ms;
	double duration_s;      /* last - first arrival */
	double bitrate_bps;     /* bytes * 8 / duration */
};

/*
 * Initialise s for a stream of SSRC ssrc whose voice payload type pt (dynamic or static) runs
 * at clock_rate Hz, as learned from SDP (a=rtpmap). te_pt is the telephone-event payload type
 * from the same SDP, or RTP_PT_NONE. Static payload types not mapped explicitly use the RFC 3551
 * clock (rtp_pt_static_clock()); other dynamic ones count as unknown (no jitter sample). pt may
 * be RTP_PT_NONE when only static types are expected. Probation defaults to RTP_MIN_SEQUENTIAL
 * and the jitter buffer to RTP_STREAM_DEFAULT_JB_MS.
 */
void rtp_stream_init(struct rtp_stream *s, uint32_t ssrc, uint32_t clock_rate, uint8_t pt,
		uint8_t te_pt);

/*
 * Add (or replace) the clock of one more payload type, e.g. a second codec of the same SDP or
 * a telephone-event/16000. clock_rate must be below 2^23. Returns 0, -EINVAL for a bad PT or
 * clock, -ENOSPC when RTP_STREAM_MAX_PT types are mapped already.
 */
int rtp_stream_map_pt(struct rtp_stream *s, uint8_t pt, uint32_t clock_rate, bool tel_event);

/*
 * Packets in sequence needed before the source is validated (1..RTP_MAX_SEQUENTIAL). Only
 * effective before the first packet. Returns 0 or -EINVAL.
 */
int rtp_stream_set_probation(struct rtp_stream *s, uint8_t min_sequential);

/* Nominal jitter buffer depth for the late-packet count (1..65535 ms). */
void rtp_stream_set_jb(struct rtp_stream *s, uint16_t jb_ms);

/*
 * Account one packet parsed by rtp_hdr_parse(). arrival_ns is the capture/receive time,
 * wire_len what the caller wants in the byte counter (e.g. the IP length). Returns a mask of
 * RTP_PKT_* bits, or -EINVAL (nothing accounted) if h->ssrc is not the stream's SSRC.
 */
int rtp_stream_update(struct rtp_stream *s, const struct rtp_hdr_info *h, uint64_t arrival_ns,
		uint32_t wire_len);

/*
 * rtp_stream_update() without its steady-state fast path (a packet of the same SSRC and
 * payload type with the next sequence number): the reference the unit tests compare the fast
 * path with. Same results and same state, except the memo_* cache.
 */
int rtp_stream_update_ref(struct rtp_stream *s, const struct rtp_hdr_info *h,
		uint64_t arrival_ns, uint32_t wire_len);

/* True once probation passed: the flow carries a plausible RTP stream. */
bool rtp_stream_validated(const struct rtp_stream *s);

/* A.3 expected packets (0 before validation) and lost packets (never negative). */
uint32_t rtp_stream_expected(const struct rtp_stream *s);
uint32_t rtp_stream_lost(const struct rtp_stream *s);

/* Extended highest sequence number received (cycles in the upper 16 bits). */
uint32_t rtp_stream_ext_max(const struct rtp_stream *s);

/*
 * RFC 3550 A.3 interval statistics for a receiver report: loss fraction since the previous
 * call as an 8-bit fixed-point number (the RR "fraction lost"), and packets lost in the
 * interval (negative values are clamped to 0). Updates the interval baseline.
 */
uint8_t rtp_stream_interval(struct rtp_stream *s, uint32_t *lost_interval);

/* Fill a report in plain units. */
void rtp_stream_report(const struct rtp_stream *s, struct rtp_stream_report *r);

#endif /* RTP_STATS_H */
