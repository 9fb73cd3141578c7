/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Unit tests for media_flow: signalled streams get the SDP's clocks, unsignalled RTP is only
 * believed after a run of packets (and never when something else shows up), streams of two
 * SSRCs in one direction stay apart, RTCP SR/RR pairs give the round trip vpep can see, and
 * finished streams reach the log with a MOS.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "media_flow.h"
#include "rtcp_parse.h"

#define MS 1000000ull

static struct media_pool pool;
static void *mem;

static int
setup(void **state)
{
	struct mos_config mc;

	(void)state;
	mos_config_default(&mc);
	mem = calloc(1, media_pool_mem_size(4, 16));
	media_pool_init(&pool, mem, 4, 16, &mc);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	free(mem);
	return 0;
}

static const struct media_endpoints ep = {
	.family = 4,
	.addr = { { 10, 0, 0, 1 }, { 10, 0, 0, 2 } },
	.port = { 40000, 50000 },
};

/* An RTP packet: version 2, payload type pt, sequence, timestamp, SSRC, 160 bytes of PCMU. */
static uint32_t
rtp(uint8_t *b, uint8_t pt, uint16_t seq, uint32_t ts, uint32_t ssrc)
{
	memset(b, 0xd5, 172);
	b[0] = 0x80;
	b[1] = pt;
	b[2] = (uint8_t)(seq >> 8);
	b[3] = (uint8_t)seq;
	b[4] = (uint8_t)(ts >> 24), b[5] = (uint8_t)(ts >> 16), b[6] = (uint8_t)(ts >> 8), b[7] = (uint8_t)ts;
	b[8] = (uint8_t)(ssrc >> 24), b[9] = (uint8_t)(ssrc >> 16), b[10] = (uint8_t)(ssrc >> 8), b[11] = (uint8_t)ssrc;
	return 172;
}

static void
test_signalled_stream(void **state)
{
	struct media_expect_info info;
	struct media_stream_record r;
	uint8_t b[200];
	uint32_t id, i;

	(void)state;
	memset(&info, 0, sizeof(info));
	info.call = 77;
	info.kind = MEDIA_RTP;
	info.te_pt = 101;
	info.n_pt = 2;
	info.pt[0].pt = 0, info.pt[0].clock = 8000, strcpy(info.pt[0].name, "PCMU");
	info.pt[1].pt = 101, info.pt[1].clock = 8000, strcpy(info.pt[1].name, "telephone-event");
	id = media_flow_alloc(&pool, &info, &ep);
	assert_int_not_equal(id, MEDIA_NIL);
	/* 50 packets, 20 ms apart, one missing (seq 10) */
	for (i = 0; i < 50; i++) {
		if (i == 10)
			continue;
		assert_int_equal(media_flow_packet(&pool, id, 0, b, rtp(b, 0, (uint16_t)(1000 + i), 160 * i, 0xabc),
					200, (uint64_t)i * 20 * MS), 0);
	}
	assert_int_equal(media_flow_records(&pool, id, &r), 1);
	assert_int_equal(r.call, 77);
	assert_int_equal(r.rep.ssrc, 0xabc);
	assert_int_equal(r.rep.packets, 49);
	assert_int_equal(r.rep.lost, 1);
	assert_int_equal(r.pt, 0);
	assert_string_equal(r.codec, "PCMU");
	assert_int_equal(r.sport, 40000);
	assert_int_equal(r.dport, 50000);
	assert_true(r.mos.mos > 3.5 && r.mos.mos < 4.5);
	media_flow_free(&pool, id);
	assert_int_equal(pool.log_n, 1);
	assert_int_equal(pool.log[0].rep.packets, 49);
	pool.log_n = 0;
}

static void
test_unsignalled_probation(void **state)
{
	uint8_t b[200];
	uint32_t id;
	int rc, i;

	(void)state;
	/* three good packets are not enough; the fourth validates */
	id = media_flow_alloc(&pool, NULL, &ep);
	for (i = 0; i < 3; i++)
		assert_int_equal(media_flow_packet(&pool, id, 1, b, rtp(b, 8, (uint16_t)(7 + i), 160 * i, 5), 200,
						 (uint64_t)i * 20 * MS), 0);
	rc = media_flow_packet(&pool, id, 1, b, rtp(b, 8, 10, 480, 5), 200, 60 * MS);
	assert_int_equal(rc, 1);
	media_flow_free(&pool, id);
	assert_int_equal(pool.log_n, 1);
	pool.log_n = 0;

	/* a sequence break during probation starts the run over; the fourth break rejects */
	id = media_flow_alloc(&pool, NULL, &ep);
	assert_int_equal(media_flow_packet(&pool, id, 0, b, rtp(b, 8, 1, 0, 5), 200, 0), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(media_flow_packet(&pool, id, 0, b,
					 rtp(b, 8, (uint16_t)(9 + 10 * i), 160, 5), 200, MS), 0);
	assert_int_equal(media_flow_packet(&pool, id, 0, b, rtp(b, 8, 99, 160, 5), 200, MS), -1);
	media_flow_discard(&pool, id);
	assert_int_equal(pool.log_n, 0);

	/* something that is not RTP at all (a DNS-like header) rejects at once */
	id = media_flow_alloc(&pool, NULL, &ep);
	memset(b, 0, sizeof(b));
	b[0] = 0x12;
	assert_int_equal(media_flow_packet(&pool, id, 0, b, 40, 60, 0), -1);
	media_flow_free(&pool, id);

	/* an RTCP payload type (200 = SR, PT 72 after the marker bit) on a candidate rejects */
	id = media_flow_alloc(&pool, NULL, &ep);
	assert_int_equal(media_flow_packet(&pool, id, 0, b, rtp(b, 200, 1, 0, 5), 200, 0), -1);
	media_flow_free(&pool, id);
	assert_true(pool.ctr[MEDIA_CTR_unsignalled_rejected] >= 3);
	assert_int_equal(pool.ctr[MEDIA_CTR_unsignalled_validated], 1);
	pool.log_n = 0;
}

/* Without SDP a run must also last probe_min_ns: a short burst of RTP never validates. */
static void
test_unsignalled_min_duration(void **state)
{
	uint8_t b[200];
	uint32_t id;
	int i;

	(void)state;
	pool.probe_min_ns = 500 * MS;
	id = media_flow_alloc(&pool, NULL, &ep);
	for (i = 0; i < 25; i++) /* 0 .. 480 ms */
		assert_int_equal(media_flow_packet(&pool, id, 0, b,
					 rtp(b, 8, (uint16_t)i, 160 * (uint32_t)i, 5), 200,
					 (uint64_t)i * 20 * MS), 0);
	assert_int_equal(media_flow_packet(&pool, id, 0, b, rtp(b, 8, 25, 160 * 25, 5), 200,
				 500 * MS), 1);
	media_flow_free(&pool, id);
	assert_int_equal(pool.log_n, 1);
	assert_int_equal(pool.log[0].rep.packets, 26);
	pool.log_n = 0;
	pool.probe_min_ns = 0;
}

/* A candidate whose SDP turns up becomes signalled media and learns the payload types. */
static void
test_late_signalling(void **state)
{
	struct media_expect_info info;
	struct media_stream_record r[4];
	uint8_t b[200];
	uint32_t id;
	int i;

	(void)state;
	id = media_flow_alloc(&pool, NULL, &ep);
	assert_false(media_flow_knows_pt(&pool.flows[id], 111));
	assert_true(media_flow_knows_pt(&pool.flows[id], 0)); /* static PCMU */
	for (i = 0; i < 2; i++)
		assert_int_equal(media_flow_packet(&pool, id, 0, b,
					 rtp(b, 111, (uint16_t)i, 960 * (uint32_t)i, 9), 200,
					 (uint64_t)i * 20 * MS), 0);
	memset(&info, 0, sizeof(info));
	info.call = 0x0100000000000001ull;
	info.kind = MEDIA_RTP;
	info.te_pt = 0xff;
	info.n_pt = 1;
	info.pt[0].pt = 111;
	info.pt[0].clock = 48000;
	strcpy(info.pt[0].name, "opus");
	media_flow_signal(&pool, id, &info);
	assert_true(media_flow_knows_pt(&pool.flows[id], 111));
	assert_false(pool.flows[id].dir[0].probing);
	for (i = 2; i < 10; i++)
		assert_int_equal(media_flow_packet(&pool, id, 0, b,
					 rtp(b, 111, (uint16_t)i, 960 * (uint32_t)i, 9), 200,
					 (uint64_t)i * 20 * MS), 0);
	assert_int_equal(media_flow_records(&pool, id, r), 1);
	assert_true(r[0].signalled);
	assert_int_equal(r[0].rep.packets, 10); /* the packets before the SDP still count */
	assert_string_equal(r[0].codec, "opus");
	media_flow_free(&pool, id);
	pool.log_n = 0;
}

static void
test_two_ssrcs_one_direction(void **state)
{
	struct media_stream_record r[4];
	uint8_t b[200];
	uint32_t id, i;
	unsigned int n;

	(void)state;
	/* voice (SSRC 1) and DTMF events sent as their own stream (SSRC 2), interleaved */
	id = media_flow_alloc(&pool, NULL, &ep);
	pool.flows[id].dir[0].probing = false;
	for (i = 0; i < 20; i++) {
		media_flow_packet(&pool, id, 0, b, rtp(b, 8, (uint16_t)i, 160 * i, 1), 200, i * 20 * MS);
		if (i % 4 == 0)
			media_flow_packet(&pool, id, 0, b, rtp(b, 101, (uint16_t)(500 + i / 4), 160 * i, 2),
					200, i * 20 * MS + 1);
	}
	n = media_flow_records(&pool, id, r);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].rep.packets + r[1].rep.packets, 25);
	assert_int_equal(r[0].rep.lost + r[1].rep.lost, 0);
	assert_int_equal(pool.ctr[MEDIA_CTR_rtp_ssrc_changes], 0);
	/* a third SSRC ends the least recently active one, which goes to the log */
	media_flow_packet(&pool, id, 0, b, rtp(b, 8, 1, 0, 3), 200, 900 * MS);
	assert_int_equal(pool.ctr[MEDIA_CTR_rtp_ssrc_changes], 1);
	assert_int_equal(pool.log_n, 1);
	assert_int_equal(pool.log[0].rep.ssrc, 2);
	media_flow_free(&pool, id);
	pool.log_n = 0;
}

/* An RTCP SR from ssrc with NTP time (sec, frac) and no report block; 28 bytes. */
static uint32_t
sr(uint8_t *b, uint32_t ssrc, uint32_t sec, uint32_t frac)
{
	memset(b, 0, 28);
	b[0] = 0x80, b[1] = 200, b[3] = 6;
	b[4] = (uint8_t)(ssrc >> 24), b[7] = (uint8_t)ssrc;
	b[8] = (uint8_t)(sec >> 24), b[9] = (uint8_t)(sec >> 16), b[10] = (uint8_t)(sec >> 8), b[11] = (uint8_t)sec;
	b[12] = (uint8_t)(frac >> 24), b[13] = (uint8_t)(frac >> 16), b[14] = (uint8_t)(frac >> 8), b[15] = (uint8_t)frac;
	return 28;
}

/* An RTCP RR from ssrc with one report block (about about_ssrc) carrying lsr and dlsr. */
static uint32_t
rr(uint8_t *b, uint32_t ssrc, uint32_t about_ssrc, uint32_t lsr, uint32_t dlsr)
{
	memset(b, 0, 32);
	b[0] = 0x81, b[1] = 201, b[3] = 7;
	b[7] = (uint8_t)ssrc;
	b[11] = (uint8_t)about_ssrc;
	b[24] = (uint8_t)(lsr >> 24), b[25] = (uint8_t)(lsr >> 16), b[26] = (uint8_t)(lsr >> 8), b[27] = (uint8_t)lsr;
	b[28] = (uint8_t)(dlsr >> 24), b[29] = (uint8_t)(dlsr >> 16), b[30] = (uint8_t)(dlsr >> 8), b[31] = (uint8_t)dlsr;
	return 32;
}

static void
test_rtcp_round_trip(void **state)
{
	struct media_expect_info info;
	uint8_t b[64];
	uint32_t id, lsr;

	(void)state;
	memset(&info, 0, sizeof(info));
	info.kind = MEDIA_RTCP;
	info.call = 5;
	id = media_flow_alloc(&pool, &info, &ep);
	/* SR from side 0 at t = 1 s (NTP 0x10002:0x8000 -> mid32 0x00028000) */
	media_flow_packet(&pool, id, 0, b, sr(b, 1, 0x10002, 0x80000000), 28, 1000 * MS);
	lsr = rtcp_ntp_mid32_of(0x10002, 0x80000000);
	/* RR from side 1 at t = 1.5 s, DLSR 0.45 s (29491 / 65536 s): loop about 50 ms */
	media_flow_packet(&pool, id, 1, b, rr(b, 2, 1, lsr, 29491), 32, 1500 * MS);
	assert_int_equal(pool.ctr[MEDIA_CTR_rtcp_rtt_samples], 1);
	assert_true(pool.flows[id].dir[0].loop_us > 49000 && pool.flows[id].dir[0].loop_us < 51000);
	/* an RR with an LSR vpep never saw gives no sample */
	media_flow_packet(&pool, id, 1, b, rr(b, 2, 1, 0x12345678, 10), 32, 1600 * MS);
	assert_int_equal(pool.ctr[MEDIA_CTR_rtcp_rtt_samples], 1);
	/* a broken compound is counted */
	b[0] = 0x40;
	media_flow_packet(&pool, id, 1, b, 32, 32, 1700 * MS);
	assert_int_equal(pool.ctr[MEDIA_CTR_rtcp_bad], 1);
	assert_int_equal(pool.flows[id].dir[0].rtcp_sr, 1);
	assert_int_equal(pool.flows[id].dir[1].rtcp_rr, 2);
	media_flow_free(&pool, id);
}

static void
test_pool_full(void **state)
{
	uint32_t ids[4], i;

	(void)state;
	for (i = 0; i < 4; i++)
		ids[i] = media_flow_alloc(&pool, NULL, &ep);
	assert_int_equal(media_flow_alloc(&pool, NULL, &ep), MEDIA_NIL);
	assert_int_equal(pool.ctr[MEDIA_CTR_media_pool_full], 1);
	for (i = 0; i < 4; i++)
		media_flow_free(&pool, ids[i]);
	assert_int_equal(pool.used, 0);
	assert_int_not_equal(media_flow_alloc(&pool, NULL, &ep), MEDIA_NIL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signalled_stream),
		cmocka_unit_test(test_unsignalled_probation),
		cmocka_unit_test(test_unsignalled_min_duration),
		cmocka_unit_test(test_late_signalling),
		cmocka_unit_test(test_two_ssrcs_one_direction),
		cmocka_unit_test(test_rtcp_round_trip),
		cmocka_unit_test(test_pool_full),
	};

	return cmocka_run_group_tests_name("media_flow", tests, setup, teardown);
}
