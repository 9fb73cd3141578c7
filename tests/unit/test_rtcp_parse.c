/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/* Unit tests for rtcp_parse: compound validity (RFC 3550 A.2), SR/RR/SDES/BYE/APP/XR, RTT. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rtcp_parse.h"

static struct rtcp_info info;

/* Parse a copy of exactly len bytes so ASan would catch a read past the end. */
static int
parse_exact(const uint8_t *pkt, uint32_t len, uint32_t flags)
{
	uint8_t *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, pkt, len);
	rc = rtcp_parse(copy, len, flags, &info);
	free(copy);
	return rc;
}

/*
 * Compound SR + SDES: SR (RC=1, length 12) from SSRC 0x01020304, NTP 0xe1234567.80000000,
 * RTP ts 160000, 500 packets, 80000 octets; report block about SSRC 0xaabbccdd: fraction 25,
 * cumulative lost 3, ext highest seq 0x0001000a, jitter 42, LSR 0xb7052000, DLSR 0x00054000.
 * SDES (SC=1, length 6): chunk for 0x01020304 with CNAME "abc@example.co" (14 octets), then
 * four null octets ending the chunk on a 32-bit boundary.
 */
static const uint8_t sr_sdes[] = {
	0x81, 0xc8, 0x00, 0x0c, 0x01, 0x02, 0x03, 0x04,
	0xe1, 0x23, 0x45, 0x67, 0x80, 0x00, 0x00, 0x00,
	0x00, 0x02, 0x71, 0x00, 0x00, 0x00, 0x01, 0xf4, 0x00, 0x01, 0x38, 0x80,
	0xaa, 0xbb, 0xcc, 0xdd, 0x19, 0x00, 0x00, 0x03, 0x00, 0x01, 0x00, 0x0a,
	0x00, 0x00, 0x00, 0x2a, 0xb7, 0x05, 0x20, 0x00, 0x00, 0x05, 0x40, 0x00,
	0x81, 0xca, 0x00, 0x06, 0x01, 0x02, 0x03, 0x04,
	0x01, 0x0e, 'a', 'b', 'c', '@', 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o',
	0x00, 0x00, 0x00, 0x00,
};

static void
test_sr_sdes(void **state)
{
	(void)state;
	assert_int_equal(parse_exact(sr_sdes, sizeof(sr_sdes), 0), RTCP_OK);
	assert_int_equal(info.n_packets, 2);
	assert_true(info.types & RTCP_TYPE_BIT(RTCP_PT_SR));
	assert_true(info.types & RTCP_TYPE_BIT(RTCP_PT_SDES));
	assert_int_equal(info.sender_ssrc, 0x01020304);
	assert_true(info.has_sr);
	assert_int_equal(info.sr.ntp_sec, 0xe1234567);
	assert_int_equal(info.sr.ntp_frac, 0x80000000);
	assert_int_equal(info.sr.rtp_ts, 160000);
	assert_int_equal(info.sr.packet_count, 500);
	assert_int_equal(info.sr.octet_count, 80000);
	assert_int_equal(info.n_rb, 1);
	assert_int_equal(info.rb[0].reporter_ssrc, 0x01020304);
	assert_int_equal(info.rb[0].ssrc, 0xaabbccdd);
	assert_int_equal(info.rb[0].fraction_lost, 25);
	assert_int_equal(info.rb[0].cum_lost, 3);
	assert_int_equal(info.rb[0].ext_high_seq, 0x0001000a);
	assert_int_equal(info.rb[0].jitter, 42);
	assert_int_equal(info.rb[0].lsr, 0xb7052000);
	assert_int_equal(info.rb[0].dlsr, 0x00054000);
	assert_int_equal(info.n_sdes, 1);
	assert_int_equal(info.sdes[0].type, RTCP_SDES_CNAME);
	assert_int_equal(info.sdes[0].len, 14);
	assert_memory_equal(sr_sdes + info.sdes[0].off, "abc@example.co", 14);
	assert_int_equal(rtcp_ntp_mid32_of(info.sr.ntp_sec, info.sr.ntp_frac), 0x45678000);
}

static void
test_truncations(void **state)
{
	uint32_t n;

	(void)state;
	/* Every strict prefix fails: lengths must add up exactly. */
	for (n = 0; n < sizeof(sr_sdes); n++)
		if (n != 52) /* 52 = the SR alone, a valid compound of one */
			assert_int_not_equal(parse_exact(sr_sdes, n, 0), RTCP_OK);
	assert_int_equal(parse_exact(sr_sdes, 3, 0), RTCP_ERR_TOO_SHORT);
	assert_int_equal(parse_exact(sr_sdes, 51, 0), RTCP_ERR_LENGTH);
	/* SR complete, 2 octets of the next header: leftover shorter than a header. */
	assert_int_equal(parse_exact(sr_sdes, 54, 0), RTCP_ERR_TOO_SHORT);
	assert_int_equal(info.err_offset, 52);
	/* SR complete and nothing else: valid. */
	assert_int_equal(parse_exact(sr_sdes, 52, 0), RTCP_OK);
}

static void
test_length_mismatch(void **state)
{
	uint8_t v[sizeof(sr_sdes) + 4];

	(void)state;
	/* SDES length field says 7 words but only 6 are there. */
	memcpy(v, sr_sdes, sizeof(sr_sdes));
	v[55] = 0x07;
	assert_int_equal(parse_exact(v, sizeof(sr_sdes), 0), RTCP_ERR_LENGTH);
	/* Four trailing octets that are not a valid header (version 0). */
	memcpy(v, sr_sdes, sizeof(sr_sdes));
	memset(v + sizeof(sr_sdes), 0, 4);
	assert_int_equal(parse_exact(v, sizeof(v), 0), RTCP_ERR_VERSION);
	/* SR length too small for its RC=1 report block (length 6 instead of 12). */
	memcpy(v, sr_sdes, sizeof(sr_sdes));
	v[3] = 0x06;
	assert_int_not_equal(parse_exact(v, 28, 0), RTCP_OK);
	assert_int_equal(parse_exact(v, 28, 0), RTCP_ERR_SR_RR);
}

static void
test_version(void **state)
{
	uint8_t v[sizeof(sr_sdes)];

	(void)state;
	memcpy(v, sr_sdes, sizeof(v));
	v[0] = 0x41; /* first packet version 1 */
	assert_int_equal(parse_exact(v, sizeof(v), 0), RTCP_ERR_VERSION);
	memcpy(v, sr_sdes, sizeof(v));
	v[52] = 0xc1; /* second packet version 3 */
	assert_int_equal(parse_exact(v, sizeof(v), 0), RTCP_ERR_VERSION);
	assert_int_equal(info.err_offset, 52);
}

/* A lone SDES (no SR/RR first): RFC 5506 reduced-size RTCP, same chunk as above */
static const uint8_t sdes_only[] = {
	0x81, 0xca, 0x00, 0x06, 0x01, 0x02, 0x03, 0x04,
	0x01, 0x0e, 'a', 'b', 'c', '@', 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o',
	0x00, 0x00, 0x00, 0x00,
};

static void
test_first_packet_rule(void **state)
{
	(void)state;
	assert_int_equal(parse_exact(sdes_only, sizeof(sdes_only), 0), RTCP_ERR_FIRST_PT);
	assert_int_equal(parse_exact(sdes_only, sizeof(sdes_only), RTCP_PARSE_F_REDUCED_SIZE),
		RTCP_OK);
	assert_true(info.reduced_size);
	assert_int_equal(info.n_sdes, 1);
}

/*
 * RR (RC=0, length 1) from 0x0a0b0c0d, then BYE (SC=1, length 3) for 0x0a0b0c0d with the
 * reason "bye" (length octet 3, 'b' 'y' 'e', no padding needed: 1 + 3 = 4 octets)
 */
static const uint8_t rr_bye[] = {
	0x80, 0xc9, 0x00, 0x01, 0x0a, 0x0b, 0x0c, 0x0d,
	0x81, 0xcb, 0x00, 0x02, 0x0a, 0x0b, 0x0c, 0x0d, 0x03, 'b', 'y', 'e',
};

static void
test_rr_bye(void **state)
{
	uint8_t v[sizeof(rr_bye)];

	(void)state;
	assert_int_equal(parse_exact(rr_bye, sizeof(rr_bye), 0), RTCP_OK);
	assert_false(info.has_sr);
	assert_int_equal(info.n_rb, 0);
	assert_int_equal(info.n_bye, 1);
	assert_int_equal(info.bye_ssrc[0], 0x0a0b0c0d);
	assert_true(info.has_bye_reason);
	assert_int_equal(info.bye_reason_len, 3);
	assert_memory_equal(rr_bye + info.bye_reason_off, "bye", 3);
	/* Reason length 4 overruns the packet. */
	memcpy(v, rr_bye, sizeof(v));
	v[16] = 4;
	assert_int_equal(parse_exact(v, sizeof(v), 0), RTCP_ERR_BYE);
	/* SC=3 but room for 2 SSRCs (the reason octets) only. */
	memcpy(v, rr_bye, sizeof(v));
	v[8] = 0x83;
	assert_int_equal(parse_exact(v, sizeof(v), 0), RTCP_ERR_BYE);
	/* SC=2: the second SSRC is the reason octets, no reason left: valid. */
	v[8] = 0x82;
	assert_int_equal(parse_exact(v, sizeof(v), 0), RTCP_OK);
	assert_int_equal(info.n_bye, 2);
	assert_false(info.has_bye_reason);
}

/*
 * RR + BYE where the BYE (last) is padded: SC=1, length 2, SSRC, then 4 octets of padding whose
 * last octet is the count 4 (P bit set)
 */
static const uint8_t rr_bye_padded[] = {
	0x80, 0xc9, 0x00, 0x01, 0x0a, 0x0b, 0x0c, 0x0d,
	0xa1, 0xcb, 0x00, 0x02, 0x0a, 0x0b, 0x0c, 0x0d, 0x00, 0x00, 0x00, 0x04,
};

static void
test_padding(void **state)
{
	uint8_t v[sizeof(rr_bye_padded)];

	(void)state;
	assert_int_equal(parse_exact(rr_bye_padded, sizeof(rr_bye_padded), 0), RTCP_OK);
	assert_int_equal(info.n_bye, 1);
	assert_false(info.has_bye_reason);
	memcpy(v, rr_bye_padded, sizeof(v));
	v[sizeof(v) - 1] = 0; /* count 0 */
	assert_int_equal(parse_exact(v, sizeof(v), 0), RTCP_ERR_PADDING);
	v[sizeof(v) - 1] = 3; /* not a multiple of 4 */
	assert_int_equal(parse_exact(v, sizeof(v), 0), RTCP_ERR_PADDING);
	v[sizeof(v) - 1] = 12; /* more than the body */
	assert_int_equal(parse_exact(v, sizeof(v), 0), RTCP_ERR_PADDING);
	v[sizeof(v) - 1] = 8; /* the whole body is padding: no room left for the SSRC */
	assert_int_equal(parse_exact(v, sizeof(v), 0), RTCP_ERR_BYE);
}

/*
 * RR, BYE with the P bit set (SC=1, length 2: SSRC + 4 padding octets, count 4), then another
 * RR: the padded packet is not the last one
 */
static const uint8_t rr_bye_padded_rr[] = {
	0x80, 0xc9, 0x00, 0x01, 0x0a, 0x0b, 0x0c, 0x0d,
	0xa1, 0xcb, 0x00, 0x02, 0x0a, 0x0b, 0x0c, 0x0d, 0x00, 0x00, 0x00, 0x04,
	0x80, 0xc9, 0x00, 0x01, 0x0a, 0x0b, 0x0c, 0x0d,
};

static void
test_padding_position(void **state)
{
	uint8_t v[sizeof(rr_bye_padded)];

	(void)state;
	/* P set on the first packet (the RR): A.2 forbids it. */
	memcpy(v, rr_bye_padded, sizeof(v));
	v[0] = 0xa0;
	assert_int_equal(parse_exact(v, sizeof(v), 0), RTCP_ERR_FIRST_PADDING);
	assert_int_equal(parse_exact(v, sizeof(v), RTCP_PARSE_F_REDUCED_SIZE),
		RTCP_ERR_FIRST_PADDING);
	/* P set on a middle packet. */
	assert_int_equal(parse_exact(rr_bye_padded_rr, sizeof(rr_bye_padded_rr), 0),
		RTCP_ERR_PADDING_NOT_LAST);
	assert_int_equal(info.err_offset, 8);
}

/*
 * RR with one report block whose cumulative lost is 0xffffff (-1), then APP (subtype 5,
 * length 3) from 0x0a0b0c0d named "QOSR" with 4 data octets
 */
static const uint8_t rr_app[] = {
	0x81, 0xc9, 0x00, 0x07, 0x0a, 0x0b, 0x0c, 0x0d,
	0x11, 0x11, 0x11, 0x11, 0x00, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x10,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x85, 0xcc, 0x00, 0x03, 0x0a, 0x0b, 0x0c, 0x0d, 'Q', 'O', 'S', 'R',
	0xde, 0xad, 0xbe, 0xef,
};

static void
test_cum_lost_sign_and_app(void **state)
{
	uint8_t v[sizeof(rr_app)];

	(void)state;
	assert_int_equal(parse_exact(rr_app, sizeof(rr_app), 0), RTCP_OK);
	assert_int_equal(info.rb[0].cum_lost, -1);
	assert_int_equal(info.rb[0].lsr, 0);
	assert_true(info.has_app);
	assert_int_equal(info.app_subtype, 5);
	assert_memory_equal(info.app_name, "QOSR", 4);
	assert_int_equal(info.app_data_len, 4);
	assert_int_equal(rr_app[info.app_data_off], 0xde);
	memcpy(v, rr_app, sizeof(v));
	v[13] = 0x80; /* 0x80ffff: most negative side */
	v[14] = 0x00;
	v[15] = 0x00;
	assert_int_equal(parse_exact(v, sizeof(v), 0), RTCP_OK);
	assert_int_equal(info.rb[0].cum_lost, -8388608);
	v[13] = 0x7f;
	v[14] = 0xff;
	v[15] = 0xff;
	assert_int_equal(parse_exact(v, sizeof(v), 0), RTCP_OK);
	assert_int_equal(info.rb[0].cum_lost, 8388607);
	/* APP of length 1 (SSRC only, no name). */
	memcpy(v, rr_app, sizeof(v));
	v[35] = 0x01;
	assert_int_equal(parse_exact(v, 40, 0), RTCP_ERR_APP);
}

/*
 * SDES errors: RR (RC=0) then SDES with one chunk whose CNAME item claims 20 octets but the
 * packet (length 3) holds only 8 after the SSRC
 */
static const uint8_t sdes_overrun[] = {
	0x80, 0xc9, 0x00, 0x01, 0x0a, 0x0b, 0x0c, 0x0d,
	0x81, 0xca, 0x00, 0x03, 0x0a, 0x0b, 0x0c, 0x0d, 0x01, 0x14, 'a', 'b', 'c', 'd', 0, 0,
};

/* SDES chunk without the terminating null octet: RR, then SDES CNAME "ab" filling the packet */
static const uint8_t sdes_no_end[] = {
	0x80, 0xc9, 0x00, 0x01, 0x0a, 0x0b, 0x0c, 0x0d,
	0x81, 0xca, 0x00, 0x02, 0x0a, 0x0b, 0x0c, 0x0d, 0x01, 0x02, 'a', 'b',
};

/* SDES with SC=2 but one chunk: RR, then SDES chunk with an empty item list (4 null octets) */
static const uint8_t sdes_missing_chunk[] = {
	0x80, 0xc9, 0x00, 0x01, 0x0a, 0x0b, 0x0c, 0x0d,
	0x82, 0xca, 0x00, 0x02, 0x0a, 0x0b, 0x0c, 0x0d, 0x00, 0x00, 0x00, 0x00,
};

static void
test_sdes_errors(void **state)
{
	(void)state;
	assert_int_equal(parse_exact(sdes_overrun, sizeof(sdes_overrun), 0), RTCP_ERR_SDES);
	assert_int_equal(parse_exact(sdes_no_end, sizeof(sdes_no_end), 0), RTCP_ERR_SDES);
	assert_int_equal(parse_exact(sdes_missing_chunk, sizeof(sdes_missing_chunk), 0),
		RTCP_ERR_SDES);
}

/*
 * RR (RC=0) + XR (length 17) from 0x0a0b0c0d with three blocks:
 *  RRT (BT 4, length 2): NTP 0x00000e10.40000000;
 *  DLRR (BT 5, length 3): SSRC 0x11111111, LRR 0x0e104000, DLRR 0x00008000 (0.5 s);
 *  VoIP metrics (BT 7, length 8) about 0x11111111: loss 5, discard 2, burst density 10,
 *  gap density 1, burst 120 ms, gap 5000 ms, RTT 80 ms, end system 40 ms, signal -20 dBm,
 *  noise -60 dBm, RERL 127, Gmin 16, R 85, ext R 127, MOS-LQ 41, MOS-CQ 40, RX config 0x80,
 *  JB nominal 40, maximum 80, absolute maximum 200.
 */
static const uint8_t rr_xr[] = {
	0x80, 0xc9, 0x00, 0x01, 0x0a, 0x0b, 0x0c, 0x0d,
	0x80, 0xcf, 0x00, 0x11, 0x0a, 0x0b, 0x0c, 0x0d,
	0x04, 0x00, 0x00, 0x02, 0x00, 0x00, 0x0e, 0x10, 0x40, 0x00, 0x00, 0x00,
	0x05, 0x00, 0x00, 0x03, 0x11, 0x11, 0x11, 0x11, 0x0e, 0x10, 0x40, 0x00,
	0x00, 0x00, 0x80, 0x00,
	0x07, 0x00, 0x00, 0x08, 0x11, 0x11, 0x11, 0x11, 0x05, 0x02, 0x0a, 0x01,
	0x00, 0x78, 0x13, 0x88, 0x00, 0x50, 0x00, 0x28, 0xec, 0xc4, 0x7f, 0x10,
	0x55, 0x7f, 0x29, 0x28, 0x80, 0x00, 0x00, 0x28, 0x00, 0x50, 0x00, 0xc8,
};

static void
test_xr(void **state)
{
	uint8_t v[sizeof(rr_xr)];

	(void)state;
	assert_int_equal(parse_exact(rr_xr, sizeof(rr_xr), 0), RTCP_OK);
	assert_int_equal(info.xr_ssrc, 0x0a0b0c0d);
	assert_true(info.xr_types & (1u << RTCP_XR_RRT));
	assert_true(info.xr_types & (1u << RTCP_XR_DLRR));
	assert_true(info.xr_types & (1u << RTCP_XR_VOIP));
	assert_true(info.has_rrt);
	assert_int_equal(info.rrt_ntp_sec, 0xe10);
	assert_int_equal(info.rrt_ntp_frac, 0x40000000);
	assert_int_equal(info.n_dlrr, 1);
	assert_int_equal(info.dlrr[0].ssrc, 0x11111111);
	assert_int_equal(info.dlrr[0].lrr, 0x0e104000);
	assert_int_equal(info.dlrr[0].dlrr, 0x8000);
	assert_true(info.has_voip);
	assert_int_equal(info.voip.loss_rate, 5);
	assert_int_equal(info.voip.discard_rate, 2);
	assert_int_equal(info.voip.burst_density, 10);
	assert_int_equal(info.voip.gap_density, 1);
	assert_int_equal(info.voip.burst_duration, 120);
	assert_int_equal(info.voip.gap_duration, 5000);
	assert_int_equal(info.voip.round_trip_delay, 80);
	assert_int_equal(info.voip.end_system_delay, 40);
	assert_int_equal(info.voip.signal_level, -20);
	assert_int_equal(info.voip.noise_level, -60);
	assert_int_equal(info.voip.rerl, 127);
	assert_int_equal(info.voip.gmin, 16);
	assert_int_equal(info.voip.r_factor, 85);
	assert_int_equal(info.voip.mos_lq, 41);
	assert_int_equal(info.voip.mos_cq, 40);
	assert_int_equal(info.voip.rx_config, 0x80);
	assert_int_equal(info.voip.jb_nominal, 40);
	assert_int_equal(info.voip.jb_maximum, 80);
	assert_int_equal(info.voip.jb_abs_max, 200);
	/* VoIP block claiming 9 words overruns the packet. */
	memcpy(v, rr_xr, sizeof(v));
	v[47] = 0x09;
	assert_int_equal(parse_exact(v, sizeof(v), 0), RTCP_ERR_XR);
	/* VoIP block of 7 words (wrong size) followed by a 4-octet unknown block header. */
	v[47] = 0x07;
	v[76] = 0x2a; /* block type 42 ... */
	v[77] = 0x00;
	v[78] = 0x00; /* ... of length 0 */
	v[79] = 0x00;
	assert_int_equal(parse_exact(v, sizeof(v), 0), RTCP_ERR_XR);
	/* RRT block of length 3: wrong size. */
	memcpy(v, rr_xr, sizeof(v));
	v[19] = 0x03;
	assert_int_equal(parse_exact(v, sizeof(v), 0), RTCP_ERR_XR);
	/* Unknown block types are skipped by length: turn the DLRR into type 9. */
	memcpy(v, rr_xr, sizeof(v));
	v[28] = 0x09;
	assert_int_equal(parse_exact(v, sizeof(v), 0), RTCP_OK);
	assert_int_equal(info.n_dlrr, 0);
	assert_true(info.xr_types & (1u << 9));
}

/* RR (RC=0) + generic NACK (RTPFB 205, FMT 1, length 3): sender, media SSRC, one FCI */
static const uint8_t rr_nack[] = {
	0x80, 0xc9, 0x00, 0x01, 0x0a, 0x0b, 0x0c, 0x0d,
	0x81, 0xcd, 0x00, 0x03, 0x0a, 0x0b, 0x0c, 0x0d, 0x11, 0x11, 0x11, 0x11,
	0x00, 0x10, 0x00, 0x00,
};

/* RR (RC=0) + PSFB (206) of length 0: no room for the two SSRCs */
static const uint8_t rr_psfb_short[] = {
	0x80, 0xc9, 0x00, 0x01, 0x0a, 0x0b, 0x0c, 0x0d,
	0x81, 0xce, 0x00, 0x00,
};

static void
test_feedback(void **state)
{
	(void)state;
	assert_int_equal(parse_exact(rr_nack, sizeof(rr_nack), 0), RTCP_OK);
	assert_int_equal(info.n_other, 1);
	assert_true(info.types & RTCP_TYPE_BIT(RTCP_PT_RTPFB));
	assert_int_equal(parse_exact(rr_psfb_short, sizeof(rr_psfb_short), 0), RTCP_ERR_FB);
}

static void
test_bounded_report_blocks(void **state)
{
	/* RR with RC=31 (the maximum) report blocks: 8 + 31 * 24 = 752 octets. */
	uint8_t v[8 + 31 * 24];
	int i;

	(void)state;
	memset(v, 0, sizeof(v));
	v[0] = 0x80 | 31;
	v[1] = RTCP_PT_RR;
	v[2] = (uint8_t)(((sizeof(v) / 4) - 1) >> 8);
	v[3] = (uint8_t)((sizeof(v) / 4) - 1);
	for (i = 0; i < 31; i++)
		v[8 + i * 24 + 3] = (uint8_t)i; /* SSRC of block i */
	assert_int_equal(parse_exact(v, sizeof(v), 0), RTCP_OK);
	assert_int_equal(info.n_rb, RTCP_MAX_RB);
	assert_int_equal(info.rb_dropped, 31 - RTCP_MAX_RB);
	assert_int_equal(info.rb[RTCP_MAX_RB - 1].ssrc, RTCP_MAX_RB - 1);
}

static void
test_rtt(void **state)
{
	uint32_t rtt = 0;

	(void)state;
	/* RFC 3550 6.4.1 example: A 46864.500, LSR 46853.125, DLSR 5.250 -> 6.125 s. */
	assert_int_equal(rtcp_rtt(0xb7108000, 0xb7052000, 0x00054000, &rtt), 0);
	assert_int_equal(rtt, 0x00062000);
	assert_int_equal(rtcp_q16_to_us(rtt), 6125000);
	/* No SR yet (LSR 0). */
	assert_int_equal(rtcp_rtt(0xb7108000, 0, 0, &rtt), -EINVAL);
	/* DLSR longer than the time since the SR: clocks do not match. */
	assert_int_equal(rtcp_rtt(0xb7108000, 0xb7052000, 0x00100000, &rtt), -ERANGE);
	/* A before LSR (report from the "future"). */
	assert_int_equal(rtcp_rtt(0xb7000000, 0xb7052000, 0, &rtt), -ERANGE);
	/* Across the 18.2-hour wrap of the middle 32 bits. */
	assert_int_equal(rtcp_rtt(0x00001000, 0xfffff000, 0x00000800, &rtt), 0);
	assert_int_equal(rtt, 0x1800);
	/* Unix epoch = NTP 2208988800 s = 0x83aa7e80; 1.5 s later: fraction 0x8000 in mid32. */
	assert_int_equal(rtcp_ntp_mid32(0), 0x7e800000);
	assert_int_equal(rtcp_ntp_mid32(1500000000ull), 0x7e818000);
	/* A middlebox computes its half loop from its own SR and RR arrival times. */
	assert_int_equal(rtcp_rtt(rtcp_ntp_mid32(10250000000ull), rtcp_ntp_mid32(10000000000ull),
				 0x2000, &rtt), 0);
	assert_true(rtcp_q16_to_us(rtt) >= 124990 && rtcp_q16_to_us(rtt) <= 125010);
}

static void
test_status_names(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < RTCP_STATUS_MAX; i++)
		assert_string_not_equal(rtcp_status_name(i), "unknown");
	assert_string_equal(rtcp_status_name(RTCP_ERR_FIRST_PT), "first_not_sr_rr");
	assert_string_equal(rtcp_status_name(RTCP_STATUS_MAX), "unknown");
	assert_string_equal(rtcp_status_name(-3), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sr_sdes),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_length_mismatch),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_first_packet_rule),
		cmocka_unit_test(test_rr_bye),
		cmocka_unit_test(test_padding),
		cmocka_unit_test(test_padding_position),
		cmocka_unit_test(test_cum_lost_sign_and_app),
		cmocka_unit_test(test_sdes_errors),
		cmocka_unit_test(test_xr),
		cmocka_unit_test(test_feedback),
		cmocka_unit_test(test_bounded_report_blocks),
		cmocka_unit_test(test_rtt),
		cmocka_unit_test(test_status_names),
	};

	return cmocka_run_group_tests_name("rtcp_parse", tests, NULL, NULL);
}
