/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <errno.h>
#include <string.h>

#include "rtp_pt.h"
#include "rtp_stats.h"

/* rtp_stream.flags */
#define RTP_STREAM_F_STARTED (1u << 0) /* first packet seen */
#define RTP_STREAM_F_VALID   (1u << 1) /* probation passed */
#define RTP_STREAM_F_TS_REF  (1u << 2) /* ref_ts is set */
#define RTP_STREAM_F_JIT_REF (1u << 3) /* jit_ref_ns is set */
#define RTP_STREAM_F_CLK_REF (1u << 4) /* clk_ref_ns, transit_ns and floor_ns are set */
/* What the steady-state path needs: a validated stream with every timing reference set. */
#define RTP_STREAM_F_STEADY \
	(RTP_STREAM_F_STARTED | RTP_STREAM_F_VALID | RTP_STREAM_F_TS_REF | RTP_STREAM_F_JIT_REF | \
	 RTP_STREAM_F_CLK_REF)

/* pt_map packing */
#define PTMAP_VALID    (1u << 31)
#define PTMAP_TE       (1u << 30)
#define PTMAP_PT_SHIFT 23
#define PTMAP_CLOCK    ((1u << 23) - 1)

#define NS_PER_S  1000000000ull
#define NS_PER_MS 1000000ull

/*
 * The floor of the transit time follows a rising transit by 1/2^12 of the distance per packet
 * (about 80 s at 50 packets/s): fast enough for a 100 ppm clock drift, slow enough that a delay
 * spike does not drag the floor up with it.
 */
#define FLOOR_RISE_SHIFT 12

/*
 * The "in time sequence" anchor (first_ts) is moved forward once the stream's timestamps are
 * 2^30 units past it, so that a call longer than 2^31 timestamp units (12.4 h at 48 kHz) keeps
 * its timing statistics. tshark 4.0 never moves it.
 */
#define TS_ANCHOR_MOVE (1u << 30)

static inline uint32_t
ptmap_pack(uint8_t pt, uint32_t clock, bool te)
{
	return PTMAP_VALID | (te ? PTMAP_TE : 0) | ((uint32_t)(pt & 0x7f) << PTMAP_PT_SHIFT) |
	       (clock & PTMAP_CLOCK);
}

void
rtp_stream_init(struct rtp_stream *s, uint32_t ssrc, uint32_t clock_rate, uint8_t pt, uint8_t te_pt)
{
	memset(s, 0, sizeof(*s));
	s->ssrc = ssrc;
	s->jb_ms = RTP_STREAM_DEFAULT_JB_MS;
	s->min_sequential = RTP_MIN_SEQUENTIAL;
	s->bad_seq = RTP_SEQ_MOD + 1;
	if (pt <= 127 && clock_rate > 0 && clock_rate <= PTMAP_CLOCK)
		s->pt_map[0] = ptmap_pack(pt, clock_rate, false);
	if (te_pt <= 127 && te_pt != pt)
		(void)rtp_stream_map_pt(s, te_pt, 8000, true);
}

/* Cache the clock of last_pt for the steady-state path; a new clock voids the step memo. */
static inline void
set_fast_clock(struct rtp_stream *s, uint32_t clock)
{
	if (clock != s->fast_clock) {
		s->fast_clock = clock;
		s->memo_ts_diff = 0;
		s->memo_ns = 0;
	}
}

int
rtp_stream_map_pt(struct rtp_stream *s, uint8_t pt, uint32_t clock_rate, bool tel_event)
{
	unsigned int i, free_slot = RTP_STREAM_MAX_PT;

	if (pt > 127 || clock_rate == 0 || clock_rate > PTMAP_CLOCK)
		return -EINVAL;
	for (i = 0; i < RTP_STREAM_MAX_PT; i++) {
		uint32_t e = s->pt_map[i];

		if (!(e & PTMAP_VALID)) {
			if (free_slot == RTP_STREAM_MAX_PT)
				free_slot = i;
			continue;
		}
		if (((e >> PTMAP_PT_SHIFT) & 0x7f) == pt) {
			s->pt_map[i] = ptmap_pack(pt, clock_rate, tel_event);
			set_fast_clock(s, 0);
			return 0;
		}
	}
	if (free_slot == RTP_STREAM_MAX_PT)
		return -ENOSPC;
	s->pt_map[free_slot] = ptmap_pack(pt, clock_rate, tel_event);
	/* The map changed: the next packet looks its payload type up again. */
	set_fast_clock(s, 0);
	return 0;
}

int
rtp_stream_set_probation(struct rtp_stream *s, uint8_t min_sequential)
{
	if (min_sequential < 1 || min_sequential > RTP_MAX_SEQUENTIAL)
		return -EINVAL;
	s->min_sequential = min_sequential;
	return 0;
}

void
rtp_stream_set_jb(struct rtp_stream *s, uint16_t jb_ms)
{
	s->jb_ms = jb_ms ? jb_ms : 1;
}

/* Clock of a payload type and whether it is a telephone event; clock 0 = unknown. */
static inline uint32_t
pt_clock(const struct rtp_stream *s, uint8_t pt, bool *te)
{
	unsigned int i;

	for (i = 0; i < RTP_STREAM_MAX_PT; i++) {
		uint32_t e = s->pt_map[i];

		if ((e & PTMAP_VALID) && ((e >> PTMAP_PT_SHIFT) & 0x7f) == pt) {
			*te = (e & PTMAP_TE) != 0;
			/* Events carry the start of the event, not a sampling instant: no clock. */
			return *te ? 0 : (e & PTMAP_CLOCK);
		}
	}
	*te = false;
	return rtp_pt_static_clock(pt);
}

/* ---- sequence numbers: RFC 3550 A.1 with a duplicate bitmap ---- */

static inline void
seen_shift(struct rtp_stream *s, uint32_t n)
{
	/* Slide the window up by n sequence numbers; bit 0 is max_seq. */
	if (n >= 128) {
		s->seen[0] = s->seen[1] = 0;
	} else if (n >= 64) {
		s->seen[1] = s->seen[0] << (n - 64);
		s->seen[0] = 0;
	} else if (n > 0) {
		s->seen[1] = (s->seen[1] << n) | (s->seen[0] >> (64 - n));
		s->seen[0] <<= n;
	}
}

/* Test and set bit d (distance below max_seq); returns the previous value. */
static inline bool
seen_test_set(struct rtp_stream *s, uint32_t d)
{
	uint64_t bit = 1ull << (d & 63);
	uint64_t *w = &s->seen[d >> 6];
	bool was = (*w & bit) != 0;

	*w |= bit;
	return was;
}

/*
 * Start a sequence epoch at seq, counting the n packets that led to it (the probation run, or
 * the two packets of a confirmed jump) as already received: A.1 discards them, but they are
 * real packets and tshark counts them. cycles starts at one RTP_SEQ_MOD so that base_ext =
 * cycles + seq - (n - 1) cannot underflow when the run crossed 0.
 */
static void
seq_epoch_start(struct rtp_stream *s, uint16_t seq, uint32_t n)
{
	uint32_t i;

	s->cycles = RTP_SEQ_MOD;
	s->max_seq = seq;
	s->base_ext = s->cycles + seq - (n - 1);
	s->bad_seq = RTP_SEQ_MOD + 1;
	s->seen[0] = s->seen[1] = 0;
	for (i = 0; i < n && i < RTP_DUP_WINDOW; i++)
		(void)seen_test_set(s, i);
	s->received += n;
}

static uint32_t
seq_update(struct rtp_stream *s, uint16_t seq, bool te)
{
	uint16_t udelta = (uint16_t)(seq - s->max_seq);

	if (!(s->flags & RTP_STREAM_F_VALID)) {
		/*
		 * Probation (A.1): count consecutive packets; a break restarts the count at this
		 * packet. s->probation counts the packets still needed.
		 */
		if (seq == s->max_seq && s->probation < s->min_sequential) {
			/* The last probation packet again (a mirror port's copy, an event end). */
			if (te)
				s->te_duplicates++;
			else
				s->duplicates++;
			return RTP_PKT_PROBATION | RTP_PKT_DUPLICATE;
		}
		if (seq == (uint16_t)(s->max_seq + 1)) {
			s->probation--;
			s->max_seq = seq;
			if (s->probation == 0) {
				seq_epoch_start(s, seq, s->min_sequential);
				s->flags |= RTP_STREAM_F_VALID;
				return RTP_PKT_VALIDATED | RTP_PKT_IN_ORDER;
			}
		} else {
			s->probation = s->min_sequential - 1;
			s->max_seq = seq;
		}
		return RTP_PKT_PROBATION;
	}

	if (udelta == 0) {
		/* A.1 takes this as in order; it is the highest packet again: a duplicate. */
		if (te)
			s->te_duplicates++;
		else
			s->duplicates++;
		return RTP_PKT_DUPLICATE;
	}
	if (udelta < RTP_MAX_DROPOUT) {
		uint32_t flags = RTP_PKT_IN_ORDER;

		if (seq < s->max_seq)
			s->cycles += RTP_SEQ_MOD;
		if (udelta > 1) {
			uint32_t gap = udelta - 1u;

			s->loss_bursts++;
			s->burst_lost += gap;
			if (gap > s->max_burst)
				s->max_burst = gap;
			flags |= RTP_PKT_GAP;
		}
		seen_shift(s, udelta);
		s->seen[0] |= 1;
		s->max_seq = seq;
		s->bad_seq = RTP_SEQ_MOD + 1;
		s->received++;
		return flags;
	}
	if (udelta <= RTP_SEQ_MOD - RTP_MAX_MISORDER) {
		/* A big jump: believe it only if the next packet continues from here. */
		if (seq == s->bad_seq) {
			/* Close the epoch: what it expected stays expected. */
			s->expected_closed += s->cycles + s->max_seq - s->base_ext + 1;
			seq_epoch_start(s, seq, 2);
			s->resyncs++;
			return RTP_PKT_RESYNC | RTP_PKT_IN_ORDER;
		}
		s->bad_seq = (uint16_t)(seq + 1);
		s->bad_jumps++;
		return RTP_PKT_BAD_JUMP;
	}
	/* Within MAX_MISORDER below max_seq: the window (128 >= 100) says which it is. */
	if (seen_test_set(s, (uint16_t)(s->max_seq - seq))) {
		if (te)
			s->te_duplicates++;
		else
			s->duplicates++;
		return RTP_PKT_DUPLICATE;
	}
	s->reordered++;
	s->received++;
	if (s->burst_lost > 0)
		s->burst_lost--;
	return RTP_PKT_REORDERED;
}

/* ---- timing ---- */

static inline uint64_t
absdiff_s64(int64_t v)
{
	return v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
}

/*
 * Signed arrival difference, bounded to +-2^50 ns (13 days): a caller whose clock jumps must
 * not drive the signed sums below into overflow.
 */
#define ELAPSED_MAX (1ll << 50)

static inline int64_t
elapsed_ns(uint64_t now, uint64_t ref)
{
	if (now >= ref)
		return now - ref > (uint64_t)ELAPSED_MAX ? ELAPSED_MAX : (int64_t)(now - ref);
	return ref - now > (uint64_t)ELAPSED_MAX ? -ELAPSED_MAX : -(int64_t)(ref - now);
}

/* ns a timestamp difference of ts_diff units represents at clock Hz. */
static inline int64_t
ts_to_ns(int32_t ts_diff, uint32_t clock)
{
	/* |ts_diff| < 2^31 and 1e9 < 2^30: the product fits in 61 bits. */
	return (int64_t)ts_diff * (int64_t)NS_PER_S / (int64_t)clock;
}

/* A.8: J += (|D| - J) / 16, kept as 16 * J in ns (RFC 3550's own scaled form); the sum
 * never goes below zero, so unsigned is fine. expect: the timestamp step since ref_ts in ns. */
static inline void
jitter_step(struct rtp_stream *s, uint64_t now, int64_t expect)
{
	int64_t d = elapsed_ns(now, s->jit_ref_ns) - expect;

	s->jitter_q4 = s->jitter_q4 + absdiff_s64(d) - (s->jitter_q4 >> 4);
}

/* Transit relative to the first clocked packet, for the jitter buffer; returns
 * RTP_PKT_JB_LATE when a jb_ms buffer would have dropped the packet (never comfort noise). */
static inline uint32_t
transit_step(struct rtp_stream *s, uint64_t now, int64_t expect, bool cn)
{
	s->transit_ns += elapsed_ns(now, s->clk_ref_ns) - expect;
	/* Keep the sum bounded whatever the caller's clock does. */
	if (s->transit_ns > ELAPSED_MAX || s->transit_ns < -ELAPSED_MAX)
		s->transit_ns = s->floor_ns = 0;
	if (s->transit_ns < s->floor_ns)
		s->floor_ns = s->transit_ns;
	else
		s->floor_ns += (s->transit_ns - s->floor_ns) >> FLOOR_RISE_SHIFT;
	if (!cn && s->transit_ns - s->floor_ns > (int64_t)s->jb_ms * (int64_t)NS_PER_MS) {
		s->jb_late++;
		return RTP_PKT_JB_LATE;
	}
	return 0;
}

static uint32_t
timing_update(struct rtp_stream *s, const struct rtp_hdr_info *h, uint64_t now, uint32_t clock,
	bool te, bool dup, bool cn, bool prev_cn)
{
	uint32_t flags = 0;
	uint64_t delta;
	bool sampled = false;

	/*
	 * tshark 4.0 rule: only packets whose timestamp is not before the stream's first one
	 * take part in the timing statistics; others (a timestamp reset, an event packet that
	 * reuses an old timestamp) are skipped and do not move the references.
	 */
	if ((int32_t)(h->timestamp - s->first_ts) < 0)
		return RTP_PKT_WRONG_TS;
	if (h->timestamp - s->first_ts >= TS_ANCHOR_MOVE)
		s->first_ts += TS_ANCHOR_MOVE / 2;

	delta = now > s->delta_ref_ns ? now - s->delta_ref_ns : 0;
	s->delta_ref_ns = now;

	if (!te && !dup) {
		int64_t expect = 0;

		if (clock != 0)
			expect = ts_to_ns((int32_t)(h->timestamp - s->ref_ts), clock);
		if (clock != 0 && (s->flags & RTP_STREAM_F_TS_REF) &&
			(s->flags & RTP_STREAM_F_JIT_REF)) {
			jitter_step(s, now, expect);
			sampled = true;
		}
		if (clock != 0) {
			if (s->flags & RTP_STREAM_F_CLK_REF) {
				flags |= transit_step(s, now, expect, cn);
			} else {
				s->transit_ns = s->floor_ns = 0;
			}
			s->clk_ref_ns = now;
			s->ref_ts = h->timestamp;
			s->flags |= RTP_STREAM_F_TS_REF | RTP_STREAM_F_CLK_REF;
		}
		/*
		 * tshark moves its arrival reference on packets of unknown clock too (but not
		 * the timestamp reference); doing the same keeps the jitter in agreement.
		 */
		s->jit_ref_ns = now;
		s->flags |= RTP_STREAM_F_JIT_REF;
	}

	/*
	 * tshark's "regular packet": not the first, no marker (a talkspurt start after
	 * silence), not comfort noise and not the packet right after it.
	 */
	if (!h->marker && !cn && !prev_cn) {
		if (delta > s->max_delta_ns)
			s->max_delta_ns = delta;
		if (sampled) {
			if (s->jitter_q4 > s->max_jitter_q4)
				s->max_jitter_q4 = s->jitter_q4;
			s->jitter_sum_q4 += s->jitter_q4;
			s->jitter_samples++;
		}
	}
	return flags;
}

static void
timing_first(
	struct rtp_stream *s, const struct rtp_hdr_info *h, uint64_t now, uint32_t clock, bool te)
{
	s->first_ts = h->timestamp;
	s->delta_ref_ns = now;
	if (te)
		return;
	/* Like tshark, the first packet is the timestamp reference even with an unknown clock. */
	s->ref_ts = h->timestamp;
	s->jit_ref_ns = now;
	s->flags |= RTP_STREAM_F_TS_REF | RTP_STREAM_F_JIT_REF;
	if (clock != 0) {
		s->clk_ref_ns = now;
		s->transit_ns = s->floor_ns = 0;
		s->flags |= RTP_STREAM_F_CLK_REF;
	}
}

int
rtp_stream_update_ref(
	struct rtp_stream *s, const struct rtp_hdr_info *h, uint64_t arrival_ns, uint32_t wire_len)
{
	uint32_t ret = 0, clock;
	bool te, cn, prev_cn, dup;

	if (h->ssrc != s->ssrc)
		return -EINVAL;

	clock = pt_clock(s, h->pt, &te);
	cn = h->pt == 13 || h->pt == 19;
	s->packets++;
	s->bytes += wire_len;
	s->last_ns = arrival_ns;
	if (h->marker)
		s->markers++;
	if (te) {
		s->te_packets++;
		ret |= RTP_PKT_TEL_EVENT;
	} else if (cn) {
		s->cn_packets++;
		ret |= RTP_PKT_CN;
	} else if (clock == 0) {
		s->unknown_pt++;
		ret |= RTP_PKT_UNKNOWN_PT;
	}

	if (!(s->flags & RTP_STREAM_F_STARTED)) {
		s->flags |= RTP_STREAM_F_STARTED;
		s->last_pt = h->pt;
		set_fast_clock(s, te || cn ? 0 : clock);
		/* A.1 init: max_seq = seq - 1 so the first packet is "in sequence". */
		s->max_seq = (uint16_t)(h->seq - 1);
		s->probation = s->min_sequential;
		ret |= RTP_PKT_FIRST | seq_update(s, h->seq, te);
		s->first_ns = arrival_ns;
		timing_first(s, h, arrival_ns, clock, te);
		return (int)ret;
	}

	if (h->pt != s->last_pt) {
		s->pt_changes++;
		ret |= RTP_PKT_PT_CHANGE;
	}
	prev_cn = s->last_pt == 13 || s->last_pt == 19;
	s->last_pt = h->pt;
	set_fast_clock(s, te || cn ? 0 : clock);

	ret |= seq_update(s, h->seq, te);
	dup = (ret & RTP_PKT_DUPLICATE) != 0;
	if (ret & RTP_PKT_RESYNC) {
		/* The sender restarted: its timestamps restart too, so re-anchor the timing. */
		s->flags &= ~(RTP_STREAM_F_TS_REF | RTP_STREAM_F_JIT_REF | RTP_STREAM_F_CLK_REF);
		timing_first(s, h, arrival_ns, clock, te);
		return (int)ret;
	}
	ret |= timing_update(s, h, arrival_ns, clock, te, dup, cn, prev_cn);
	if (ret & RTP_PKT_WRONG_TS)
		s->wrong_ts++;
	return (int)ret;
}

/*
 * The steady state of a stream: the next sequence number, the payload type of the previous
 * packet (a clocked voice type: fast_clock), its timestamp within the anchor's range. What
 * rtp_stream_update_ref() does for such a packet, without the branches that cannot apply:
 * seq_update() with a step of one and timing_update() of a clocked voice packet with every
 * reference set (prev_cn is false: the previous packet had this payload type).
 */
static int
update_steady(struct rtp_stream *s, const struct rtp_hdr_info *h, uint64_t now,
		uint32_t wire_len, uint32_t clock)
{
	uint32_t ret = RTP_PKT_IN_ORDER, ts_diff = h->timestamp - s->ref_ts;
	uint64_t delta;
	int64_t expect;

	s->packets++;
	s->bytes += wire_len;
	s->last_ns = now;
	s->markers += h->marker;

	/* seq_update(), step 1: max_seq + 1 is below max_seq only when it wraps to 0. */
	if (h->seq == 0)
		s->cycles += RTP_SEQ_MOD;
	seen_shift(s, 1);
	s->seen[0] |= 1;
	s->max_seq = h->seq;
	s->bad_seq = RTP_SEQ_MOD + 1;
	s->received++;

	/* timing_update() */
	delta = now > s->delta_ref_ns ? now - s->delta_ref_ns : 0;
	s->delta_ref_ns = now;
	if (ts_diff == s->memo_ts_diff) {
		expect = s->memo_ns;
	} else {
		expect = ts_to_ns((int32_t)ts_diff, clock);
		if (expect > 0 && expect <= UINT32_MAX) {
			s->memo_ts_diff = ts_diff;
			s->memo_ns = (uint32_t)expect;
		}
	}
	jitter_step(s, now, expect);
	ret |= transit_step(s, now, expect, false);
	s->clk_ref_ns = now;
	s->ref_ts = h->timestamp;
	s->jit_ref_ns = now;
	if (!h->marker) {
		if (delta > s->max_delta_ns)
			s->max_delta_ns = delta;
		if (s->jitter_q4 > s->max_jitter_q4)
			s->max_jitter_q4 = s->jitter_q4;
		s->jitter_sum_q4 += s->jitter_q4;
		s->jitter_samples++;
	}
	return (int)ret;
}

int
rtp_stream_update(
	struct rtp_stream *s, const struct rtp_hdr_info *h, uint64_t arrival_ns, uint32_t wire_len)
{
	/* Unsigned: a timestamp before first_ts is 2^31 or more, out of range as well. */
	if (h->ssrc == s->ssrc && s->fast_clock != 0 && h->pt == s->last_pt &&
			h->seq == (uint16_t)(s->max_seq + 1) &&
			(s->flags & RTP_STREAM_F_STEADY) == RTP_STREAM_F_STEADY &&
			h->timestamp - s->first_ts < TS_ANCHOR_MOVE)
		return update_steady(s, h, arrival_ns, wire_len, s->fast_clock);
	return rtp_stream_update_ref(s, h, arrival_ns, wire_len);
}

bool
rtp_stream_validated(const struct rtp_stream *s)
{
	return (s->flags & RTP_STREAM_F_VALID) != 0;
}

uint32_t
rtp_stream_ext_max(const struct rtp_stream *s)
{
	if (!(s->flags & RTP_STREAM_F_VALID))
		return s->max_seq;
	/* Remove the one-cycle offset seq_epoch_start() adds. */
	return s->cycles - RTP_SEQ_MOD + s->max_seq;
}

uint32_t
rtp_stream_expected(const struct rtp_stream *s)
{
	if (!(s->flags & RTP_STREAM_F_VALID))
		return 0;
	return s->expected_closed + (s->cycles + s->max_seq - s->base_ext + 1);
}

uint32_t
rtp_stream_lost(const struct rtp_stream *s)
{
	uint32_t expected = rtp_stream_expected(s);

	/* received can exceed expected only through late packets from before base_ext. */
	return expected > s->received ? expected - s->received : 0;
}

uint8_t
rtp_stream_interval(struct rtp_stream *s, uint32_t *lost_interval)
{
	uint32_t expected = rtp_stream_expected(s);
	uint32_t exp_iv = expected - s->expected_prior;
	uint32_t rcv_iv = s->received - s->received_prior;
	uint32_t lost_iv = exp_iv > rcv_iv ? exp_iv - rcv_iv : 0;

	s->expected_prior = expected;
	s->received_prior = s->received;
	if (lost_interval != NULL)
		*lost_interval = lost_iv;
	if (exp_iv == 0 || lost_iv == 0)
		return 0;
	return (uint8_t)(((uint64_t)lost_iv << 8) / exp_iv > 255
				 ? 255
				 : ((uint64_t)lost_iv << 8) / exp_iv);
}

/* The clock jitter_ts is expressed in: the first non-event mapped PT, else the last PT's. */
static uint32_t
voice_clock(const struct rtp_stream *s)
{
	unsigned int i;
	bool te;

	for (i = 0; i < RTP_STREAM_MAX_PT; i++) {
		uint32_t e = s->pt_map[i];

		if ((e & PTMAP_VALID) && !(e & PTMAP_TE))
			return e & PTMAP_CLOCK;
	}
	return pt_clock(s, s->last_pt, &te);
}

void
rtp_stream_report(const struct rtp_stream *s, struct rtp_stream_report *r)
{
	uint64_t jitter_ns = s->jitter_q4 >> 4;

	memset(r, 0, sizeof(*r));
	r->ssrc = s->ssrc;
	r->packets = s->packets;
	r->expected = rtp_stream_expected(s);
	r->received = s->received;
	r->lost = rtp_stream_lost(s);
	r->duplicates = s->duplicates;
	r->te_packets = s->te_packets;
	r->te_duplicates = s->te_duplicates;
	r->reordered = s->reordered;
	r->jb_late = s->jb_late;
	r->ext_highest_seq = rtp_stream_ext_max(s);
	r->clock_rate = voice_clock(s);
	if (r->clock_rate != 0)
		r->jitter_ts = (uint32_t)(jitter_ns * r->clock_rate / NS_PER_S);
	r->validated = rtp_stream_validated(s);
	r->loss_fraction = r->expected ? (double)r->lost / r->expected : 0.0;
	r->max_delta_ms = (double)s->max_delta_ns / 1e6;
	r->jitter_ms = (double)s->jitter_q4 / 16e6;
	r->max_jitter_ms = (double)s->max_jitter_q4 / 16e6;
	if (s->jitter_samples)
		r->mean_jitter_ms = (double)s->jitter_sum_q4 / s->jitter_samples / 16e6;
	if (s->last_ns > s->first_ns) {
		r->duration_s = (double)(s->last_ns - s->first_ns) / 1e9;
		r->bitrate_bps = (double)s->bytes * 8 / r->duration_s;
	}
}
