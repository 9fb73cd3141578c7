/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Unit tests for rtp_stats: RFC 3550 A.1 probation and resynchronisation, A.3 expected/lost,
 * duplicates vs reordering, wrap-around, loss runs, A.8 jitter against hand-computed values,
 * max delta rules, telephone-event separation, jitter-buffer lateness.
 *
 * Packets are built as struct rtp_hdr_info directly (rtp_parse has its own tests); one test
 * goes through rtp_hdr_parse() to check the two fit together.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rtp_parse.h"
#include "rtp_pt.h"
#include "rtp_stats.h"

#define SSRC 0x11223344u
#define MS   1000000ull /* ns */

static struct rtp_hdr_info
pkt(uint16_t seq, uint32_t ts, uint8_t pt, uint8_t marker)
{
	struct rtp_hdr_info h;

	memset(&h, 0, sizeof(h));
	h.ssrc = SSRC;
	h.seq = seq;
	h.timestamp = ts;
	h.pt = pt;
	h.marker = marker;
	h.payload_off = 12;
	h.payload_len = 160;
	return h;
}

/* Feed PCMU packet seq at ts = seq * 160 and arrival = seq * 20 ms. */
static int
feed(struct rtp_stream *s, uint16_t seq)
{
	struct rtp_hdr_info h = pkt(seq, (uint32_t)seq * 160, 0, 0);

	return rtp_stream_update(s, &h, 1000 * MS + (uint64_t)seq * 20 * MS, 200);
}

static void
init_pcmu(struct rtp_stream *s)
{
	rtp_stream_init(s, SSRC, 8000, 0, RTP_PT_NONE);
}

static void
test_struct_size(void **state)
{
	(void)state;
	printf("sizeof(struct rtp_stream) = %zu\n", sizeof(struct rtp_stream));
	assert_true(sizeof(struct rtp_stream) <= 256);
}

static void
test_probation(void **state)
{
	struct rtp_stream s;
	int r;

	(void)state;
	init_pcmu(&s);
	r = feed(&s, 100);
	assert_true(r & RTP_PKT_FIRST);
	assert_true(r & RTP_PKT_PROBATION);
	assert_false(rtp_stream_validated(&s));
	assert_int_equal(rtp_stream_expected(&s), 0);
	r = feed(&s, 101);
	assert_true(r & RTP_PKT_VALIDATED);
	assert_true(rtp_stream_validated(&s));
	/* Both probation packets count (A.1 would drop the first). */
	assert_int_equal(rtp_stream_expected(&s), 2);
	assert_int_equal(s.received, 2);
	assert_int_equal(rtp_stream_lost(&s), 0);
	assert_int_equal(rtp_stream_ext_max(&s), 101);
}

static void
test_single_packet_never_valid(void **state)
{
	struct rtp_stream s;

	(void)state;
	init_pcmu(&s);
	feed(&s, 7);
	assert_false(rtp_stream_validated(&s));
	assert_int_equal(s.packets, 1);
	assert_int_equal(rtp_stream_lost(&s), 0);
}

static void
test_probation_restart(void **state)
{
	struct rtp_stream s;
	int r;

	(void)state;
	init_pcmu(&s);
	feed(&s, 10);
	r = feed(&s, 20); /* not consecutive: probation restarts at 20 */
	assert_true(r & RTP_PKT_PROBATION);
	assert_false(rtp_stream_validated(&s));
	r = feed(&s, 21);
	assert_true(r & RTP_PKT_VALIDATED);
	assert_int_equal(rtp_stream_expected(&s), 2);
	assert_int_equal(s.packets, 3);
}

static void
test_probation_longer(void **state)
{
	struct rtp_stream s;

	(void)state;
	init_pcmu(&s);
	assert_int_equal(rtp_stream_set_probation(&s, 0), -EINVAL);
	assert_int_equal(rtp_stream_set_probation(&s, RTP_MAX_SEQUENTIAL + 1), -EINVAL);
	assert_int_equal(rtp_stream_set_probation(&s, 4), 0);
	feed(&s, 1);
	feed(&s, 2);
	feed(&s, 3);
	assert_false(rtp_stream_validated(&s));
	assert_true(feed(&s, 4) & RTP_PKT_VALIDATED);
	assert_int_equal(rtp_stream_expected(&s), 4);
	assert_int_equal(s.received, 4);
}

static void
test_probation_duplicate(void **state)
{
	struct rtp_stream s;

	(void)state;
	/* A mirror port delivering every packet twice: 5 5 6 6 7 7 */
	init_pcmu(&s);
	feed(&s, 5);
	assert_true(feed(&s, 5) & RTP_PKT_DUPLICATE);
	assert_true(feed(&s, 6) & RTP_PKT_VALIDATED);
	assert_true(feed(&s, 6) & RTP_PKT_DUPLICATE);
	feed(&s, 7);
	feed(&s, 7);
	assert_int_equal(s.packets, 6);
	assert_int_equal(s.duplicates, 3);
	assert_int_equal(rtp_stream_expected(&s), 3);
	assert_int_equal(rtp_stream_lost(&s), 0);
}

static void
test_wrap(void **state)
{
	struct rtp_stream s;
	uint16_t seq = 65533;
	int i;

	(void)state;
	init_pcmu(&s);
	for (i = 0; i < 6; i++)
		feed(&s, seq++); /* 65533 65534 65535 0 1 2 */
	assert_int_equal(rtp_stream_expected(&s), 6);
	assert_int_equal(rtp_stream_lost(&s), 0);
	assert_int_equal(rtp_stream_ext_max(&s), 65536 + 2);
	assert_int_equal(s.loss_bursts, 0);
}

static void
test_wrap_probation_across_zero(void **state)
{
	struct rtp_stream s;

	(void)state;
	/* Probation run 65535, 0 validates across the wrap. */
	init_pcmu(&s);
	feed(&s, 65535);
	assert_true(feed(&s, 0) & RTP_PKT_VALIDATED);
	feed(&s, 1);
	assert_int_equal(rtp_stream_expected(&s), 3);
	assert_int_equal(rtp_stream_lost(&s), 0);
}

static void
test_wrap_with_loss(void **state)
{
	struct rtp_stream s;
	int r;

	(void)state;
	init_pcmu(&s);
	feed(&s, 65530);
	feed(&s, 65531);
	r = feed(&s, 3); /* 65532..65535, 0, 1, 2 lost: 7 */
	assert_true(r & RTP_PKT_GAP);
	assert_int_equal(rtp_stream_expected(&s), 10);
	assert_int_equal(rtp_stream_lost(&s), 7);
	assert_int_equal(s.max_burst, 7);
}

static void
test_loss_and_bursts(void **state)
{
	struct rtp_stream s;
	static const uint16_t seqs[] = {1, 2, 3, 5, 6, 9, 10};
	unsigned int i;
	uint32_t lost_iv;

	(void)state;
	init_pcmu(&s);
	for (i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++)
		feed(&s, seqs[i]);
	assert_int_equal(rtp_stream_expected(&s), 10);
	assert_int_equal(rtp_stream_lost(&s), 3);
	assert_int_equal(s.loss_bursts, 2);
	assert_int_equal(s.burst_lost, 3);
	assert_int_equal(s.max_burst, 2);
	/* RR fraction lost: 3 of 10 = 76.8/256 -> 76. */
	assert_int_equal(rtp_stream_interval(&s, &lost_iv), 76);
	assert_int_equal(lost_iv, 3);
	/* Next interval: 11, 12 with no loss. */
	feed(&s, 11);
	feed(&s, 12);
	assert_int_equal(rtp_stream_interval(&s, &lost_iv), 0);
	assert_int_equal(lost_iv, 0);
}

static void
test_duplicates_not_loss(void **state)
{
	struct rtp_stream s;
	int r;

	(void)state;
	init_pcmu(&s);
	feed(&s, 1);
	feed(&s, 2);
	feed(&s, 3);
	r = feed(&s, 3); /* duplicate of the highest */
	assert_true(r & RTP_PKT_DUPLICATE);
	r = feed(&s, 2); /* duplicate below the highest */
	assert_true(r & RTP_PKT_DUPLICATE);
	r = feed(&s, 1);
	assert_true(r & RTP_PKT_DUPLICATE);
	feed(&s, 4);
	assert_int_equal(s.duplicates, 3);
	assert_int_equal(s.packets, 7);
	assert_int_equal(rtp_stream_expected(&s), 4);
	assert_int_equal(rtp_stream_lost(&s), 0); /* A.3 with duplicates counted would say -3 */
}

static void
test_reordering(void **state)
{
	struct rtp_stream s;
	int r;

	(void)state;
	init_pcmu(&s);
	feed(&s, 1);
	feed(&s, 2);
	feed(&s, 4);
	assert_int_equal(rtp_stream_lost(&s), 1);
	r = feed(&s, 3); /* late, fills the gap */
	assert_true(r & RTP_PKT_REORDERED);
	assert_int_equal(rtp_stream_lost(&s), 0);
	assert_int_equal(s.reordered, 1);
	assert_int_equal(s.burst_lost, 0);
	r = feed(&s, 3); /* now it is a duplicate */
	assert_true(r & RTP_PKT_DUPLICATE);
	feed(&s, 5);
	assert_int_equal(rtp_stream_expected(&s), 5);
	assert_int_equal(s.duplicates, 1);
}

static void
test_reorder_window_edges(void **state)
{
	struct rtp_stream s;
	uint16_t i;

	(void)state;
	init_pcmu(&s);
	feed(&s, 1000);
	feed(&s, 1001);
	/* Jump 99 ahead (< MAX_DROPOUT): 98 lost. */
	feed(&s, 1100);
	assert_int_equal(rtp_stream_lost(&s), 98);
	/* 99 below the highest is still within MAX_MISORDER: a late packet, not a duplicate. */
	assert_true(feed(&s, 1001 + 0) & RTP_PKT_DUPLICATE);
	for (i = 1002; i < 1100; i++)
		assert_true(feed(&s, i) & RTP_PKT_REORDERED);
	assert_int_equal(rtp_stream_lost(&s), 0);
	assert_int_equal(s.reordered, 98);
	/* 128-bit window: shifting by 64 and by more than 128 keeps the bookkeeping right. */
	feed(&s, 1164);
	assert_true(feed(&s, 1100) & RTP_PKT_DUPLICATE);
	assert_true(feed(&s, 1101) & RTP_PKT_REORDERED);
	feed(&s, 1400);
	assert_true(feed(&s, 1399) & RTP_PKT_REORDERED);
	assert_true(feed(&s, 1400) & RTP_PKT_DUPLICATE);
}

static void
test_big_jump_resync(void **state)
{
	struct rtp_stream s;
	uint16_t i;
	int r;

	(void)state;
	init_pcmu(&s);
	for (i = 1; i <= 5; i++)
		feed(&s, i);
	r = feed(&s, 20000); /* >= MAX_DROPOUT: not believed yet */
	assert_true(r & RTP_PKT_BAD_JUMP);
	assert_int_equal(s.bad_jumps, 1);
	assert_int_equal(rtp_stream_expected(&s), 5);
	r = feed(&s, 20001); /* continues: the source restarted */
	assert_true(r & RTP_PKT_RESYNC);
	assert_int_equal(s.resyncs, 1);
	feed(&s, 20002);
	/* Old epoch (5) plus the new one (20000..20002), both jump packets counted. */
	assert_int_equal(rtp_stream_expected(&s), 8);
	assert_int_equal(s.received, 8);
	assert_int_equal(rtp_stream_lost(&s), 0);
	feed(&s, 20004);
	assert_int_equal(rtp_stream_lost(&s), 1);
}

static void
test_big_jump_not_confirmed(void **state)
{
	struct rtp_stream s;
	int r;

	(void)state;
	init_pcmu(&s);
	feed(&s, 1);
	feed(&s, 2);
	r = feed(&s, 40000); /* a stray packet from elsewhere */
	assert_true(r & RTP_PKT_BAD_JUMP);
	r = feed(&s, 3); /* the stream goes on */
	assert_true(r & RTP_PKT_IN_ORDER);
	assert_int_equal(s.resyncs, 0);
	assert_int_equal(rtp_stream_expected(&s), 3);
	assert_int_equal(rtp_stream_lost(&s), 0);
	/* A packet far behind (beyond MAX_MISORDER) also counts as a bad jump. */
	r = feed(&s, (uint16_t)(3 - 500));
	assert_true(r & RTP_PKT_BAD_JUMP);
}

/*
 * A.8 by hand: 8 kHz, 160 units per packet, arrivals 0, 20, 41, 60 ms.
 * D(1,2) = 0 -> J = 0; D(2,3) = 1 ms -> J = 1/16 = 0.0625 ms;
 * D(3,4) = |19 - 20| = 1 ms -> J = 0.0625 + (1 - 0.0625)/16 = 0.12109375 ms.
 * max = 0.12109375, mean = (0 + 0.0625 + 0.12109375) / 3, max delta = 21 ms.
 */
static void
test_jitter_by_hand(void **state)
{
	static const uint64_t arr_ms[] = {0, 20, 41, 60};
	struct rtp_stream s;
	struct rtp_stream_report r;
	unsigned int i;

	(void)state;
	init_pcmu(&s);
	for (i = 0; i < 4; i++) {
		struct rtp_hdr_info h = pkt((uint16_t)(i + 1), 1000 + i * 160, 0, 0);

		rtp_stream_update(&s, &h, 5000 * MS + arr_ms[i] * MS, 200);
	}
	rtp_stream_report(&s, &r);
	assert_true(r.jitter_ms > 0.12109375 - 1e-6 && r.jitter_ms < 0.12109375 + 1e-6);
	assert_true(r.max_jitter_ms > 0.12109375 - 1e-6 && r.max_jitter_ms < 0.12109375 + 1e-6);
	assert_true(r.mean_jitter_ms > 0.06119791 - 1e-6 && r.mean_jitter_ms < 0.06119792 + 1e-6);
	assert_true(r.max_delta_ms > 21.0 - 1e-9 && r.max_delta_ms < 21.0 + 1e-9);
	/* RR jitter in timestamp units: 0.121 ms * 8 = 0.97 -> 0 (integer). */
	assert_int_equal(r.jitter_ts, 0);
	assert_int_equal(r.clock_rate, 8000);
	assert_true(r.duration_s > 0.059 && r.duration_s < 0.061);
}

/* Constant 2 ms skew every other packet at 48 kHz (opus): jitter in ts units for the RR. */
static void
test_jitter_ts_units(void **state)
{
	struct rtp_stream s;
	struct rtp_stream_report r;
	uint16_t i;

	(void)state;
	rtp_stream_init(&s, SSRC, 48000, 96, 101);
	for (i = 0; i < 200; i++) {
		struct rtp_hdr_info h = pkt(i, (uint32_t)i * 960, 96, 0);
		uint64_t t = (uint64_t)i * 20 * MS + ((i & 1) ? 2 * MS : 0);

		rtp_stream_update(&s, &h, t, 100);
	}
	rtp_stream_report(&s, &r);
	/* |D| is 2 ms on every packet after the first: J converges to 2 ms = 96 units. */
	assert_true(r.jitter_ms > 1.99 && r.jitter_ms <= 2.0);
	assert_true(r.jitter_ts >= 95 && r.jitter_ts <= 96);
	assert_int_equal(r.clock_rate, 48000);
	/* Deltas alternate 22 and 18 ms. */
	assert_true(r.max_delta_ms > 22.0 - 1e-9 && r.max_delta_ms < 22.0 + 1e-9);
}

static void
test_marker_cn_excluded_from_delta(void **state)
{
	struct rtp_stream s;
	struct rtp_stream_report r;
	struct rtp_hdr_info h;

	(void)state;
	init_pcmu(&s);
	h = pkt(1, 0, 0, 0);
	rtp_stream_update(&s, &h, 0, 200);
	h = pkt(2, 160, 0, 0);
	rtp_stream_update(&s, &h, 20 * MS, 200);
	/* Talkspurt after 500 ms of silence, marker set: its delta does not count. */
	h = pkt(3, 160 + 4000, 0, 1);
	rtp_stream_update(&s, &h, 520 * MS, 200);
	h = pkt(4, 160 + 4160, 0, 0);
	rtp_stream_update(&s, &h, 540 * MS, 200);
	rtp_stream_report(&s, &r);
	assert_true(r.max_delta_ms < 20.0 + 1e-9);
	/* Comfort noise (PT 13) and the packet after it do not count either. */
	h = pkt(5, 160 + 4320, 13, 0);
	assert_true(rtp_stream_update(&s, &h, 840 * MS, 20) & RTP_PKT_CN);
	h = pkt(6, 160 + 8000, 0, 0);
	rtp_stream_update(&s, &h, 1040 * MS, 200);
	rtp_stream_report(&s, &r);
	assert_true(r.max_delta_ms < 20.0 + 1e-9);
	assert_int_equal(s.cn_packets, 1);
	assert_int_equal(s.markers, 1);
	assert_int_equal(s.pt_changes, 2);
	/* A regular packet after that: 300 ms late, counted. */
	h = pkt(7, 160 + 8160, 0, 0);
	rtp_stream_update(&s, &h, 1340 * MS, 200);
	rtp_stream_report(&s, &r);
	assert_true(r.max_delta_ms > 300.0 - 1e-9 && r.max_delta_ms < 300.0 + 1e-9);
}

static void
test_telephone_event_separate(void **state)
{
	struct rtp_stream s, ref;
	struct rtp_stream_report r, rr;
	struct rtp_hdr_info h;
	uint16_t seq;
	int ret;

	(void)state;
	rtp_stream_init(&s, SSRC, 8000, 8, 101);
	rtp_stream_init(&ref, SSRC, 8000, 8, 101);
	/* Voice 1..10 with 0.5 ms wobble. */
	for (seq = 1; seq <= 10; seq++) {
		h = pkt(seq, (uint32_t)seq * 160, 8, 0);
		rtp_stream_update(&s, &h, (uint64_t)seq * 20 * MS + (seq & 1) * MS / 2, 172);
		rtp_stream_update(&ref, &h, (uint64_t)seq * 20 * MS + (seq & 1) * MS / 2, 172);
	}
	/*
	 * RFC 4733 digit: seq 11..13 all carry the event start timestamp 1760; the end packet
	 * (13) is sent three times. They arrive at odd moments.
	 */
	h = pkt(11, 1760, 101, 1);
	ret = rtp_stream_update(&s, &h, 213 * MS, 16);
	assert_true(ret & RTP_PKT_TEL_EVENT);
	h = pkt(12, 1760, 101, 0);
	rtp_stream_update(&s, &h, 236 * MS, 16);
	h = pkt(13, 1760, 101, 0);
	rtp_stream_update(&s, &h, 251 * MS, 16);
	ret = rtp_stream_update(&s, &h, 252 * MS, 16);
	assert_true(ret & RTP_PKT_DUPLICATE);
	rtp_stream_update(&s, &h, 253 * MS, 16);
	/* Voice resumes at seq 14 with its own timeline. */
	for (seq = 14; seq <= 20; seq++) {
		h = pkt(seq, (uint32_t)seq * 160, 8, 0);
		rtp_stream_update(&s, &h, (uint64_t)seq * 20 * MS + (seq & 1) * MS / 2, 172);
	}
	rtp_stream_report(&s, &r);
	assert_int_equal(r.packets, 22);
	assert_int_equal(r.te_packets, 5);
	assert_int_equal(r.te_duplicates, 2);
	assert_int_equal(r.duplicates, 0);
	assert_int_equal(r.lost, 0); /* events fill 11..13 */
	assert_int_equal(r.expected, 20);
	/* Jitter: the events did not count; compare with voice 1..10 then 14..20 alone. */
	for (seq = 14; seq <= 20; seq++) {
		h = pkt(seq, (uint32_t)seq * 160, 8, 0);
		rtp_stream_update(&ref, &h, (uint64_t)seq * 20 * MS + (seq & 1) * MS / 2, 172);
	}
	rtp_stream_report(&ref, &rr);
	assert_true(r.max_jitter_ms > rr.max_jitter_ms - 1e-9 &&
		    r.max_jitter_ms < rr.max_jitter_ms + 1e-9);
	assert_true(r.jitter_ms > rr.jitter_ms - 1e-9 && r.jitter_ms < rr.jitter_ms + 1e-9);
	assert_int_equal(r.jb_late, 0);
}

static void
test_telephone_event_only_stream(void **state)
{
	struct rtp_stream s;
	struct rtp_stream_report r;
	struct rtp_hdr_info h;
	uint16_t seq;

	(void)state;
	/* sipp's DTMF: its own SSRC, 8 events 7984..7991, the last one three times. */
	rtp_stream_init(&s, SSRC, 8000, 8, 101);
	for (seq = 7984; seq <= 7991; seq++) {
		h = pkt(seq, 13280, 101, seq == 7984);
		rtp_stream_update(&s, &h, (uint64_t)(seq - 7984) * 20 * MS, 16);
	}
	rtp_stream_update(&s, &h, 141 * MS, 16);
	rtp_stream_update(&s, &h, 142 * MS, 16);
	rtp_stream_report(&s, &r);
	assert_int_equal(r.packets, 10);
	assert_int_equal(r.lost, 0);
	/* tshark says lost -2: lost - duplicates - te_duplicates. */
	assert_int_equal((int)r.lost - (int)r.duplicates - (int)r.te_duplicates, -2);
	assert_true(r.max_jitter_ms == 0.0);
	assert_true(r.max_delta_ms > 20.0 - 1e-9 && r.max_delta_ms < 20.0 + 1e-9);
}

static void
test_unknown_pt_and_wrong_ts(void **state)
{
	struct rtp_stream s;
	struct rtp_hdr_info h;
	int ret;

	(void)state;
	init_pcmu(&s);
	feed(&s, 10);
	feed(&s, 11);
	h = pkt(12, 12 * 160, 99, 0); /* dynamic PT nobody mapped */
	ret = rtp_stream_update(&s, &h, 1000 * MS + 12 * 20 * MS, 200);
	assert_true(ret & RTP_PKT_UNKNOWN_PT);
	assert_int_equal(s.unknown_pt, 1);
	assert_int_equal(s.jitter_samples, 1); /* only packet 11 sampled */
	h = pkt(13, 5, 0, 0); /* timestamp before the first (1600): timing skipped */
	ret = rtp_stream_update(&s, &h, 1000 * MS + 13 * 20 * MS, 200);
	assert_true(ret & RTP_PKT_WRONG_TS);
	assert_int_equal(s.wrong_ts, 1);
	assert_int_equal(s.jitter_samples, 1);
	assert_int_equal(rtp_stream_lost(&s), 0);
}

static void
test_timestamp_wrap(void **state)
{
	struct rtp_stream s;
	struct rtp_stream_report r;
	uint16_t i;

	(void)state;
	init_pcmu(&s);
	/* RTP timestamps crossing 2^32 are still in time sequence (serial arithmetic). */
	for (i = 0; i < 10; i++) {
		struct rtp_hdr_info h = pkt(i, 0xfffffc00u + (uint32_t)i * 160, 0, 0);

		assert_false(rtp_stream_update(&s, &h, (uint64_t)i * 20 * MS, 200) &
			     RTP_PKT_WRONG_TS);
	}
	rtp_stream_report(&s, &r);
	assert_true(r.max_jitter_ms < 1e-9);
	assert_int_equal(s.jitter_samples, 9);
}

static void
test_jitter_buffer_late(void **state)
{
	struct rtp_stream s;
	uint16_t i;
	int ret;

	(void)state;
	init_pcmu(&s);
	rtp_stream_set_jb(&s, 40);
	for (i = 0; i < 50; i++) {
		struct rtp_hdr_info h = pkt(i, (uint32_t)i * 160, 0, 0);
		/* Packet 30 is held up 60 ms (> 40 ms buffer), packet 31 by 30 ms (fits). */
		uint64_t extra = i == 30 ? 60 * MS : (i == 31 ? 30 * MS : 0);

		ret = rtp_stream_update(&s, &h, (uint64_t)i * 20 * MS + extra, 200);
		assert_int_equal((ret & RTP_PKT_JB_LATE) != 0, i == 30);
	}
	assert_int_equal(s.jb_late, 1);
}

static void
test_pt_map_and_errors(void **state)
{
	struct rtp_stream s;
	struct rtp_hdr_info h;

	(void)state;
	rtp_stream_init(&s, SSRC, 48000, 96, 101);
	assert_int_equal(rtp_stream_map_pt(&s, 128, 8000, false), -EINVAL);
	assert_int_equal(rtp_stream_map_pt(&s, 97, 0, false), -EINVAL);
	assert_int_equal(rtp_stream_map_pt(&s, 97, 1u << 23, false), -EINVAL);
	assert_int_equal(rtp_stream_map_pt(&s, 97, 16000, false), 0);
	assert_int_equal(rtp_stream_map_pt(&s, 98, 8000, true), 0);
	assert_int_equal(rtp_stream_map_pt(&s, 99, 8000, false), -ENOSPC);
	assert_int_equal(rtp_stream_map_pt(&s, 97, 32000, false), 0); /* replace */
	h = pkt(1, 0, 0, 0);
	h.ssrc = SSRC + 1;
	assert_int_equal(rtp_stream_update(&s, &h, 0, 100), -EINVAL);
	assert_int_equal(s.packets, 0);
	h.ssrc = SSRC;
	h.pt = 98;
	assert_true(rtp_stream_update(&s, &h, 0, 100) & RTP_PKT_TEL_EVENT);
}

/* A real RTP packet through rtp_hdr_parse, then the stream: V=2 PT 0 seq 1 ts 160 SSRC */
static const uint8_t wire_pkt[] = {
	0x80, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0xa0, 0x11, 0x22, 0x33, 0x44,
	0xff, 0xff, 0xff, 0xff,
};

static void
test_parse_then_stats(void **state)
{
	struct rtp_stream s;
	struct rtp_hdr_info h;

	(void)state;
	init_pcmu(&s);
	assert_int_equal(rtp_hdr_parse(wire_pkt, sizeof(wire_pkt), &h), RTP_PARSE_OK);
	assert_true(rtp_stream_update(&s, &h, 0, sizeof(wire_pkt) + 28) & RTP_PKT_FIRST);
	assert_int_equal(s.bytes, sizeof(wire_pkt) + 28);
}

/* xorshift32: a fixed, portable sequence for the randomised test below */
static uint32_t
rnd(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/*
 * rtp_stream_update() (with its steady-state fast path) against rtp_stream_update_ref() (without
 * it): the same return value and the same state after every packet, over long random streams
 * that mostly run in order (the fast path) and now and then lose, repeat, reorder, jump,
 * change payload type (mapped, static, comfort noise, telephone-event, unknown), set the
 * marker, step their timestamps oddly, wrap the sequence number, or get a new PT map.
 */
static void
test_fast_path_equals_reference(void **state)
{
	static const uint8_t pts[] = { 0, 0, 8, 13, 101, 96, 97, 18 };
	uint32_t x = 0x12345678;
	unsigned int run;

	(void)state;
	for (run = 0; run < 64; run++) {
		struct rtp_stream a, b;
		struct rtp_stream_report ra, rb;
		uint16_t seq = (uint16_t)rnd(&x);
		uint32_t ts = rnd(&x);
		uint64_t now = 1000 * MS + (uint64_t)(rnd(&x) % 1000) * MS;
		uint8_t pt = 0;
		unsigned int i, fast = 0;

		rtp_stream_init(&a, SSRC, 8000, 0, 101);
		(void)rtp_stream_map_pt(&a, 97, 16000, false);
		if (run & 1)
			rtp_stream_set_jb(&a, 20);
		if (run & 2)
			(void)rtp_stream_set_probation(&a, 4);
		b = a;
		for (i = 0; i < 4000; i++) {
			uint32_t r = rnd(&x) % 1000;
			struct rtp_hdr_info h;
			int ra_rc, rb_rc;

			/* mostly the next packet, 20 ms and 160 units on, arrival jittered */
			seq++;
			ts += 160;
			now += 20 * MS + (rnd(&x) % 4000) * 1000 - 2000 * 1000;
			if (r < 10)
				seq += (uint16_t)(rnd(&x) % 5); /* loss */
			else if (r < 20)
				seq--; /* duplicate */
			else if (r < 28)
				seq -= (uint16_t)(rnd(&x) % 120); /* late or reordered */
			else if (r < 31)
				seq += (uint16_t)(3000 + rnd(&x) % 60000); /* big jump */
			else if (r < 40)
				pt = pts[rnd(&x) % sizeof(pts)];
			else if (r < 100)
				pt = 0; /* events, comfort noise and codec changes end */
			else if (r < 44)
				ts += rnd(&x) % 100000; /* a silence or a clock step */
			else if (r < 47)
				ts -= rnd(&x); /* timestamp reset */
			else if (r < 49)
				now -= (uint64_t)(rnd(&x) % 50) * MS; /* arrival clock backwards */
			else if (r < 50) {
				/* a re-INVITE maps one more payload type */
				(void)rtp_stream_map_pt(&a, 96, 8000, false);
				(void)rtp_stream_map_pt(&b, 96, 8000, false);
			}
			else if (r < 52)
				ts += 1u << 30; /* past the anchor window */
			h = pkt(seq, ts, pt, r % 97 == 0);
			if (r == 999)
				h.ssrc ^= 1; /* another source: refused by both */
			ra_rc = rtp_stream_update(&a, &h, now, 200);
			rb_rc = rtp_stream_update_ref(&b, &h, now, 200);
			assert_int_equal(ra_rc, rb_rc);
			assert_memory_equal(&a, &b, offsetof(struct rtp_stream, memo_ts_diff));
			fast += ra_rc == RTP_PKT_IN_ORDER;
		}
		/* a good part were plain in-order packets, the fast path's case */
		assert_true(fast > 1000);
		rtp_stream_report(&a, &ra);
		rtp_stream_report(&b, &rb);
		assert_memory_equal(&ra, &rb, sizeof(ra));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_struct_size),
		cmocka_unit_test(test_probation),
		cmocka_unit_test(test_single_packet_never_valid),
		cmocka_unit_test(test_probation_restart),
		cmocka_unit_test(test_probation_longer),
		cmocka_unit_test(test_probation_duplicate),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_wrap_probation_across_zero),
		cmocka_unit_test(test_wrap_with_loss),
		cmocka_unit_test(test_loss_and_bursts),
		cmocka_unit_test(test_duplicates_not_loss),
		cmocka_unit_test(test_reordering),
		cmocka_unit_test(test_reorder_window_edges),
		cmocka_unit_test(test_big_jump_resync),
		cmocka_unit_test(test_big_jump_not_confirmed),
		cmocka_unit_test(test_jitter_by_hand),
		cmocka_unit_test(test_jitter_ts_units),
		cmocka_unit_test(test_marker_cn_excluded_from_delta),
		cmocka_unit_test(test_telephone_event_separate),
		cmocka_unit_test(test_telephone_event_only_stream),
		cmocka_unit_test(test_unknown_pt_and_wrong_ts),
		cmocka_unit_test(test_timestamp_wrap),
		cmocka_unit_test(test_jitter_buffer_late),
		cmocka_unit_test(test_pt_map_and_errors),
		cmocka_unit_test(test_parse_then_stats),
		cmocka_unit_test(test_fast_path_equals_reference),
	};

	return cmocka_run_group_tests_name("rtp_stats", tests, NULL, NULL);
}
