/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Unit tests for mos: the G.107 R -> MOS curve at published points, the simplified delay
 * impairment, Ie_eff with G.113 Ie/Bpl values (hand-computed), BurstR of the 2-state model, and
 * the composition from a stream's counters with the basis flags.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <string.h>

#include "mos.h"
#include "rtp_pt.h"
#include "rtp_stats.h"

#define assert_near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

static void
test_r_to_mos(void **state)
{
	(void)state;
	/* G.107 default parameters: R = 93.2 -> MOS 4.41. */
	assert_near(mos_from_r(93.2), 4.409, 0.001);
	/* Widely tabulated points of the Annex B curve. */
	assert_near(mos_from_r(90.0), 4.339, 0.001); /* 1 + 3.15 + 90*30*10*7e-6 */
	assert_near(mos_from_r(80.0), 4.024, 0.001);
	assert_near(mos_from_r(70.0), 3.597, 0.001);
	assert_near(mos_from_r(60.0), 3.100, 0.001);
	assert_near(mos_from_r(50.0), 2.575, 0.001);
	/* Limits. */
	assert_near(mos_from_r(100.0), 4.5, 1e-9);
	assert_near(mos_from_r(120.0), 4.5, 1e-9);
	assert_near(mos_from_r(0.0), 1.0, 1e-9);
	assert_near(mos_from_r(-10.0), 1.0, 1e-9);
	assert_near(mos_from_r(3.0), 1.0, 1e-9); /* the cubic dips below 1 here */
}

static void
test_delay_impairment(void **state)
{
	(void)state;
	assert_near(mos_id(0.0), 0.0, 1e-12);
	assert_near(mos_id(-5.0), 0.0, 1e-12);
	assert_near(mos_id(100.0), 2.4, 1e-9);
	assert_near(mos_id(177.3), 0.024 * 177.3, 1e-9);
	/* Past the knee: 0.024 * 200 + 0.11 * 22.7 = 7.297. */
	assert_near(mos_id(200.0), 7.297, 1e-9);
	/* 400 ms one way: 9.6 + 0.11 * 222.7 = 34.097. */
	assert_near(mos_id(400.0), 34.097, 1e-9);
}

static void
test_ie_eff(void **state)
{
	(void)state;
	/* No loss: Ie itself. */
	assert_near(mos_ie_eff(11, 19.0, 0.0, 1.0), 11.0, 1e-12);
	/* G.711 + PLC (Ie 0, Bpl 25.1), 2 % random: 95 * 2 / 27.1 = 7.0111. */
	assert_near(mos_ie_eff(0, 25.1, 2.0, 1.0), 7.0111, 1e-4);
	/* Same loss, BurstR 2: 95 * 2 / (1 + 25.1) = 7.2797. */
	assert_near(mos_ie_eff(0, 25.1, 2.0, 2.0), 7.2797, 1e-4);
	/* G.729A + VAD (Ie 11, Bpl 19), 1 %: 11 + 84 / 20 = 15.2. */
	assert_near(mos_ie_eff(11, 19.0, 1.0, 1.0), 15.2, 1e-9);
	/* G.723.1 6.3k (Ie 15, Bpl 16.1), 3 %: 15 + 80 * 3 / 19.1 = 27.565. */
	assert_near(mos_ie_eff(15, 16.1, 3.0, 1.0), 27.5654, 1e-4);
	/* G.711 without PLC (Bpl 4.3), 1 %: 95 / 5.3 = 17.92. */
	assert_near(mos_ie_eff(0, 4.3, 1.0, 1.0), 17.9245, 1e-4);
	/* 100 % loss approaches 95 from below for any codec. */
	assert_true(mos_ie_eff(0, 25.1, 100.0, 1.0) < 95.0);
	assert_true(mos_ie_eff(0, 25.1, 100.0, 1.0) > 75.0);
	/* BurstR below 1 is taken as 1. */
	assert_near(mos_ie_eff(0, 25.1, 2.0, 0.5), 7.0111, 1e-4);
}

static void
test_burst_r(void **state)
{
	(void)state;
	assert_near(mos_burst_r(1000, 0, 0), 1.0, 1e-12);
	/* Random 10 % loss: 90 gaps holding 100 packets among 900 received -> 1. */
	assert_near(mos_burst_r(900, 90, 100), 1.0, 1e-9);
	/* Ten bursts of ten: p = 10/900, q = 10/100 -> 1 / 0.1111 = 9. */
	assert_near(mos_burst_r(900, 10, 100), 9.0, 1e-9);
	/* Alternating single losses ("gappy") would be 0.667: clamped to 1. */
	assert_near(mos_burst_r(50, 50, 50), 1.0, 1e-12);
}

static void
test_compute_hand(void **state)
{
	struct mos_config cfg;
	struct mos_input in;
	struct mos_result r;
	double expect_r;

	(void)state;
	mos_config_default(&cfg);
	memset(&in, 0, sizeof(in));
	in.codec = rtp_pt_static(8); /* PCMA: G.113 Ie 0, Bpl 25.1, ptime 20, look-ahead 0.125 */
	in.expected = 1000;
	in.received = 980;
	in.lost = 20;
	in.loss_bursts = 20;
	in.burst_lost = 20;
	in.rtt_us = 100000; /* RTCP RTT 100 ms -> 50 ms one way */
	assert_int_equal(mos_compute(&in, &cfg, &r), 0);
	/* Ta = 50 + 20 + 0.125 + 60 = 130.125 ms; Id = 3.123; Ppl 2 %, BurstR 1/(20/980+1) < 1 -> 1. */
	assert_near(r.delay_ms, 130.125, 1e-9);
	assert_near(r.id, 0.024 * 130.125, 1e-9);
	assert_near(r.ppl, 2.0, 1e-9);
	assert_near(r.burst_r, 1.0, 1e-12);
	assert_near(r.ie_eff, 7.0111, 1e-4);
	expect_r = 93.2 - 0.024 * 130.125 - 95.0 * 2.0 / 27.1;
	assert_near(r.r_factor, expect_r, 1e-9);
	assert_near(r.mos, mos_from_r(expect_r), 1e-12);
	assert_true(r.basis & MOS_F_RTT);
	assert_false(r.basis & MOS_F_DELAY_DEFAULT);
	assert_true(r.basis & MOS_F_LOSS_SEQ);
	assert_true(r.basis & MOS_F_BURST);
	assert_false(r.basis & MOS_F_LOSS_JB);
	assert_false(r.basis & (MOS_F_CODEC_DEFAULT | MOS_F_CODEC_ASSUMED | MOS_F_NIC_DROPS |
				MOS_F_FEW_PACKETS));

	/* No RTT: the configured default delay, flagged. Jitter-buffer discards add to loss. */
	cfg.default_delay_ms = 40.0;
	in.rtt_us = -1;
	in.jb_late = 10;
	in.nic_drops = 3;
	assert_int_equal(mos_compute(&in, &cfg, &r), 0);
	assert_near(r.delay_ms, 40.0 + 20.125 + 60.0, 1e-9);
	assert_near(r.ppl, 3.0, 1e-9);
	assert_true(r.basis & MOS_F_DELAY_DEFAULT);
	assert_true(r.basis & MOS_F_LOSS_JB);
	assert_true(r.basis & MOS_F_NIC_DROPS);
	assert_int_equal(mos_compute(NULL, &cfg, &r), -EINVAL);
}

static void
test_codecs(void **state)
{
	static const char *const names[] = {"PCMU", "PCMA", "G722", "G729", "opus", "iLBC", "GSM",
		"AMR", "speex"};
	struct mos_config cfg;
	struct mos_input in;
	struct mos_result r;
	unsigned int i;
	double r_g711 = 0, r_g729 = 0;

	(void)state;
	mos_config_default(&cfg);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct rtp_codec *c = rtp_codec_by_name(names[i], (uint32_t)strlen(names[i]));

		assert_non_null(c);
		memset(&in, 0, sizeof(in));
		in.codec = c;
		in.expected = in.received = 3000;
		in.rtt_us = 0;
		in.ptime_ms = 20;
		assert_int_equal(mos_compute(&in, &cfg, &r), 0);
		assert_true(r.mos >= 1.0 && r.mos <= 4.5);
		if (strcmp(c->name, "PCMA") == 0 || strcmp(c->name, "PCMU") == 0) {
			assert_false(r.basis & (MOS_F_CODEC_ASSUMED | MOS_F_CODEC_DEFAULT));
			r_g711 = r.r_factor;
		} else if (strcmp(c->name, "G729") == 0) {
			assert_false(r.basis & (MOS_F_CODEC_ASSUMED | MOS_F_CODEC_DEFAULT));
			assert_near(r.ie_eff, 11.0, 1e-12);
			r_g729 = r.r_factor;
		} else if (strcmp(c->name, "speex") == 0) {
			assert_true(r.basis & MOS_F_CODEC_DEFAULT);
		} else {
			/* G.722, opus, iLBC, GSM (Bpl), AMR: vpep's documented assumptions. */
			assert_true(r.basis & MOS_F_CODEC_ASSUMED);
		}
	}
	/* G.729 costs its Ie of 11 plus 5 ms of look-ahead against G.711. */
	assert_near(r_g711 - r_g729, 11.0 + 0.024 * (5.0 - 0.125), 1e-9);
}

static void
test_from_stream(void **state)
{
	struct rtp_stream s;
	struct mos_config cfg;
	struct mos_input in;
	struct mos_result r;
	uint16_t seq;

	(void)state;
	mos_config_default(&cfg);
	rtp_stream_init(&s, 1, 8000, 0, RTP_PT_NONE);
	/* 100 packets, a burst of 5 lost (40..44) and 2 single losses (70, 90). */
	for (seq = 0; seq < 100; seq++) {
		struct rtp_hdr_info h;

		if ((seq >= 40 && seq <= 44) || seq == 70 || seq == 90)
			continue;
		memset(&h, 0, sizeof(h));
		h.ssrc = 1;
		h.seq = seq;
		h.timestamp = (uint32_t)seq * 160;
		rtp_stream_update(&s, &h, (uint64_t)seq * 20000000ull, 200);
	}
	memset(&in, 0, sizeof(in));
	mos_input_from_stream(&in, &s);
	assert_int_equal(in.expected, 100);
	assert_int_equal(in.lost, 7);
	assert_int_equal(in.loss_bursts, 3);
	assert_int_equal(in.burst_lost, 7);
	in.codec = rtp_pt_static(0);
	in.rtt_us = -1;
	assert_int_equal(mos_compute(&in, &cfg, &r), 0);
	assert_near(r.ppl, 7.0, 1e-9);
	/* p = 3/93, q = 3/7: BurstR = 1 / 0.4609 = 2.17. */
	assert_near(r.burst_r, 1.0 / (3.0 / 93.0 + 3.0 / 7.0), 1e-9);
	assert_true(r.basis & MOS_F_BURST);
	assert_true(r.basis & MOS_F_DELAY_DEFAULT);
	assert_true(r.mos < mos_from_r(93.2));
	/* 100 expected < min_packets 50? no: 100 >= 50, so not flagged; a short stream is. */
	assert_false(r.basis & MOS_F_FEW_PACKETS);
	in.expected = 10;
	in.lost = 0;
	assert_int_equal(mos_compute(&in, &cfg, &r), 0);
	assert_true(r.basis & MOS_F_FEW_PACKETS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_r_to_mos),
		cmocka_unit_test(test_delay_impairment),
		cmocka_unit_test(test_ie_eff),
		cmocka_unit_test(test_burst_r),
		cmocka_unit_test(test_compute_hand),
		cmocka_unit_test(test_codecs),
		cmocka_unit_test(test_from_stream),
	};

	return cmocka_run_group_tests_name("mos", tests, NULL, NULL);
}
