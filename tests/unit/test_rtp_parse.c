/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/* Unit tests for rtp_parse (RTP fixed header, RFC 5761 demux) and rtp_pt (codec table). */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "rtp_parse.h"
#include "rtp_pt.h"

/* Parse a copy of exactly len bytes so ASan would catch a read past the end. */
static int
parse_exact(const uint8_t *pkt, uint32_t len, struct rtp_hdr_info *h)
{
	uint8_t *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, pkt, len);
	rc = rtp_hdr_parse(copy, len, h);
	free(copy);
	return rc;
}

/* V=2, no P/X/CC, M=1, PT 8 (PCMA), seq 0x1234, ts 0x00000a00, SSRC 0xdeadbeef, 4 payload bytes */
static const uint8_t pcma_marker[] = {
	0x80, 0x88, 0x12, 0x34, 0x00, 0x00, 0x0a, 0x00, 0xde, 0xad, 0xbe, 0xef,
	0xd5, 0xd5, 0xd5, 0xd5,
};

static void
test_basic_fields(void **state)
{
	struct rtp_hdr_info h;

	(void)state;
	assert_int_equal(parse_exact(pcma_marker, sizeof(pcma_marker), &h), RTP_PARSE_OK);
	assert_int_equal(h.pt, 8);
	assert_int_equal(h.marker, 1);
	assert_int_equal(h.seq, 0x1234);
	assert_int_equal(h.timestamp, 0xa00);
	assert_int_equal(h.ssrc, 0xdeadbeef);
	assert_int_equal(h.cc, 0);
	assert_int_equal(h.padding, 0);
	assert_int_equal(h.extension, 0);
	assert_int_equal(h.payload_off, 12);
	assert_int_equal(h.payload_len, 4);
}

/* Header only (12 bytes), PT 0, no payload: a valid, empty RTP packet */
static const uint8_t header_only[] = {
	0x80, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0xa0, 0x11, 0x22, 0x33, 0x44,
};

static void
test_too_short(void **state)
{
	struct rtp_hdr_info h;
	uint32_t n;

	(void)state;
	assert_int_equal(parse_exact(header_only, sizeof(header_only), &h), RTP_PARSE_OK);
	assert_int_equal(h.payload_len, 0);
	for (n = 0; n < RTP_HDR_LEN; n++)
		assert_int_equal(parse_exact(header_only, n, &h), RTP_PARSE_TOO_SHORT);
}

/* Version 1 header (first octet 0x40) otherwise like header_only */
static const uint8_t version1[] = {
	0x40, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0xa0, 0x11, 0x22, 0x33, 0x44,
};

static void
test_bad_version(void **state)
{
	struct rtp_hdr_info h;
	uint8_t v[sizeof(version1)];

	(void)state;
	assert_int_equal(parse_exact(version1, sizeof(version1), &h), RTP_PARSE_BAD_VERSION);
	memcpy(v, version1, sizeof(v));
	v[0] = 0xc0; /* version 3 */
	assert_int_equal(parse_exact(v, sizeof(v), &h), RTP_PARSE_BAD_VERSION);
	v[0] = 0x00; /* version 0 */
	assert_int_equal(parse_exact(v, sizeof(v), &h), RTP_PARSE_BAD_VERSION);
}

/* CC=2 with both CSRCs present (0x01020304, 0x05060708) and 2 payload bytes */
static const uint8_t csrc2[] = {
	0x82, 0x00, 0x00, 0x05, 0x00, 0x00, 0x01, 0x00, 0xaa, 0xbb, 0xcc, 0xdd,
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x7f, 0x7f,
};

static void
test_csrc(void **state)
{
	struct rtp_hdr_info h;

	(void)state;
	assert_int_equal(parse_exact(csrc2, sizeof(csrc2), &h), RTP_PARSE_OK);
	assert_int_equal(h.cc, 2);
	assert_int_equal(h.csrc_off, 12);
	assert_int_equal(h.payload_off, 20);
	assert_int_equal(h.payload_len, 2);
	/* One CSRC octet short: 19 bytes cannot hold 12 + 8. */
	assert_int_equal(parse_exact(csrc2, 19, &h), RTP_PARSE_CSRC_TRUNC);
	/* Exactly the header and CSRCs, no payload. */
	assert_int_equal(parse_exact(csrc2, 20, &h), RTP_PARSE_OK);
	assert_int_equal(h.payload_len, 0);
}

/* CC=15 (maximum) claimed in a 12-byte packet: the CSRC list cannot fit */
static const uint8_t csrc15_trunc[] = {
	0x8f, 0x00, 0x00, 0x05, 0x00, 0x00, 0x01, 0x00, 0xaa, 0xbb, 0xcc, 0xdd,
};

static void
test_csrc_max_trunc(void **state)
{
	struct rtp_hdr_info h;

	(void)state;
	assert_int_equal(parse_exact(csrc15_trunc, sizeof(csrc15_trunc), &h),
		RTP_PARSE_CSRC_TRUNC);
	/* The fixed fields were still decoded for counting. */
	assert_int_equal(h.ssrc, 0xaabbccdd);
	assert_int_equal(h.cc, 15);
}

/*
 * X=1: extension header profile 0xbede (RFC 8285 one-byte), length 1 word, one word of
 * extension data, then 3 payload bytes
 */
static const uint8_t ext1[] = {
	0x90, 0x60, 0x00, 0x07, 0x00, 0x00, 0x02, 0x00, 0x01, 0x02, 0x03, 0x04,
	0xbe, 0xde, 0x00, 0x01, 0x10, 0xff, 0x00, 0x00, 0x41, 0x42, 0x43,
};

static void
test_extension(void **state)
{
	struct rtp_hdr_info h;

	(void)state;
	assert_int_equal(parse_exact(ext1, sizeof(ext1), &h), RTP_PARSE_OK);
	assert_int_equal(h.extension, 1);
	assert_int_equal(h.pt, 96);
	assert_int_equal(h.ext_profile, 0xbede);
	assert_int_equal(h.ext_words, 1);
	assert_int_equal(h.ext_off, 12);
	assert_int_equal(h.payload_off, 20);
	assert_int_equal(h.payload_len, 3);
	/* Extension header itself truncated (only 2 of its 4 bytes). */
	assert_int_equal(parse_exact(ext1, 14, &h), RTP_PARSE_EXT_TRUNC);
	/* Extension body truncated (header says 1 word, 3 bytes present). */
	assert_int_equal(parse_exact(ext1, 19, &h), RTP_PARSE_EXT_TRUNC);
	/* Exactly the extension, no payload. */
	assert_int_equal(parse_exact(ext1, 20, &h), RTP_PARSE_OK);
	assert_int_equal(h.payload_len, 0);
}

/* X=1 with an extension length of 0xffff words in a 16-byte packet: must not overflow */
static const uint8_t ext_huge[] = {
	0x90, 0x00, 0x00, 0x07, 0x00, 0x00, 0x02, 0x00, 0x01, 0x02, 0x03, 0x04,
	0x10, 0x00, 0xff, 0xff,
};

static void
test_extension_huge(void **state)
{
	struct rtp_hdr_info h;

	(void)state;
	assert_int_equal(parse_exact(ext_huge, sizeof(ext_huge), &h), RTP_PARSE_EXT_TRUNC);
}

/* P=1: 2 payload bytes then 3 padding bytes whose last octet is the count (3) */
static const uint8_t padded[] = {
	0xa0, 0x00, 0x00, 0x09, 0x00, 0x00, 0x03, 0x00, 0x01, 0x02, 0x03, 0x04,
	0x55, 0x66, 0x00, 0x00, 0x03,
};

static void
test_padding(void **state)
{
	struct rtp_hdr_info h;
	uint8_t v[sizeof(padded)];

	(void)state;
	assert_int_equal(parse_exact(padded, sizeof(padded), &h), RTP_PARSE_OK);
	assert_int_equal(h.padding, 1);
	assert_int_equal(h.pad_len, 3);
	assert_int_equal(h.payload_len, 2);
	memcpy(v, padded, sizeof(v));
	v[sizeof(v) - 1] = 0; /* count 0: malformed */
	assert_int_equal(parse_exact(v, sizeof(v), &h), RTP_PARSE_PAD_ZERO);
	v[sizeof(v) - 1] = 5; /* the whole payload is padding: allowed */
	assert_int_equal(parse_exact(v, sizeof(v), &h), RTP_PARSE_OK);
	assert_int_equal(h.payload_len, 0);
	v[sizeof(v) - 1] = 6; /* would eat into the header */
	assert_int_equal(parse_exact(v, sizeof(v), &h), RTP_PARSE_PAD_OVERFLOW);
	v[sizeof(v) - 1] = 0xff;
	assert_int_equal(parse_exact(v, sizeof(v), &h), RTP_PARSE_PAD_OVERFLOW);
}

/* P=1 on a header-only packet: the last header octet (SSRC low byte 0x04) is read as count */
static const uint8_t padded_header_only[] = {
	0xa0, 0x00, 0x00, 0x09, 0x00, 0x00, 0x03, 0x00, 0x01, 0x02, 0x03, 0x04,
};

static void
test_padding_no_room(void **state)
{
	struct rtp_hdr_info h;

	(void)state;
	assert_int_equal(parse_exact(padded_header_only, sizeof(padded_header_only), &h),
		RTP_PARSE_PAD_OVERFLOW);
}

/*
 * The 0xAAAAAAAA packet of the nDPI fuzz capture: V=2 P=1 CC=10, marker, PT 42; the 40 CSRC
 * bytes fit but the padding count 0xaa is larger than what follows
 */
static void
test_fuzz_capture_packet(void **state)
{
	uint8_t v[60];
	struct rtp_hdr_info h;

	(void)state;
	memset(v, 0xaa, sizeof(v));
	assert_int_equal(parse_exact(v, sizeof(v), &h), RTP_PARSE_PAD_OVERFLOW);
	assert_int_equal(h.cc, 10);
	assert_int_equal(h.pt, 42);
}

/* An RTCP RR (V=2, RC=0, PT 201, length 1) on an rtcp-mux port */
static const uint8_t rtcp_rr[] = {
	0x80, 0xc9, 0x00, 0x01, 0x12, 0x34, 0x56, 0x78,
	0x00, 0x00, 0x00, 0x00,
};

static void
test_rtcp_demux(void **state)
{
	struct rtp_hdr_info h;
	uint8_t v[sizeof(pcma_marker)];
	unsigned int b;

	(void)state;
	assert_true(rtp_is_rtcp(rtcp_rr, sizeof(rtcp_rr)));
	assert_false(rtp_is_rtcp(rtcp_rr, 1));
	assert_int_equal(parse_exact(rtcp_rr, sizeof(rtcp_rr), &h), RTP_PARSE_IS_RTCP);
	assert_false(rtp_is_rtcp(pcma_marker, sizeof(pcma_marker)));
	memcpy(v, pcma_marker, sizeof(v));
	/* Every second octet 192..223 is RTCP (SR 200 ... XR 207 and the rest of the range). */
	for (b = 0; b < 256; b++) {
		v[1] = (uint8_t)b;
		if (b >= 192 && b <= 223) {
			assert_true(rtp_is_rtcp(v, sizeof(v)));
			assert_int_equal(parse_exact(v, sizeof(v), &h), RTP_PARSE_IS_RTCP);
		} else {
			assert_false(rtp_is_rtcp(v, sizeof(v)));
		}
	}
	/* PT 64..95 without marker: reserved, not RTP. */
	v[1] = 72;
	assert_int_equal(parse_exact(v, sizeof(v), &h), RTP_PARSE_PT_RESERVED);
	v[1] = 95;
	assert_int_equal(parse_exact(v, sizeof(v), &h), RTP_PARSE_PT_RESERVED);
	v[1] = 96;
	assert_int_equal(parse_exact(v, sizeof(v), &h), RTP_PARSE_OK);
	v[1] = 63;
	assert_int_equal(parse_exact(v, sizeof(v), &h), RTP_PARSE_OK);
	/* A version-1 packet with an RTCP-looking second octet is neither. */
	v[0] = 0x40;
	v[1] = 200;
	assert_false(rtp_is_rtcp(v, sizeof(v)));
}

/*
 * The plain header (first octet 0x80: V=2, no padding, extension or CSRC) is parsed inline by
 * rtp_hdr_parse(): every second octet and the lengths around 12 give what the general parser
 * rtp_hdr_parse_any() gives, and what the checks say. Packet: 0x80, <every value>, seq
 * 0x1234, ts 0x01020304, SSRC 0xA1B2C3D4, then payload octets 0xEE.
 */
static void
test_plain_header_every_second_octet(void **state)
{
	uint8_t p[14] = { 0x80, 0, 0x12, 0x34, 0x01, 0x02, 0x03, 0x04, 0xA1, 0xB2, 0xC3, 0xD4,
		0xEE, 0xEE };
	struct rtp_hdr_info h, g;
	unsigned int b1, len;

	(void)state;
	for (b1 = 0; b1 < 256; b1++) {
		for (len = 11; len <= sizeof(p); len++) {
			uint8_t pt = b1 & 0x7f;
			int rc, want;

			p[1] = (uint8_t)b1;
			want = len < 12			? RTP_PARSE_TOO_SHORT :
			       b1 >= 192 && b1 <= 223	? RTP_PARSE_IS_RTCP :
			       pt >= 64 && pt <= 95	? RTP_PARSE_PT_RESERVED :
							  RTP_PARSE_OK;
			rc = rtp_hdr_parse(p, len, &h);
			assert_int_equal(rc, want);
			/* the inline case and the general parser agree field by field */
			assert_int_equal(rtp_hdr_parse_any(p, len, &g), rc);
			assert_memory_equal(&h, &g, sizeof(h));
			if (rc != RTP_PARSE_OK)
				continue;
			assert_int_equal(h.pt, pt);
			assert_int_equal(h.marker, b1 >> 7);
			assert_int_equal(h.seq, 0x1234);
			assert_int_equal(h.timestamp, 0x01020304);
			assert_int_equal(h.ssrc, 0xA1B2C3D4);
			assert_int_equal(h.padding | h.extension | h.cc | h.pad_len, 0);
			assert_int_equal(h.ext_profile | h.ext_words | h.ext_off, 0);
			assert_int_equal(h.csrc_off, 12);
			assert_int_equal(h.payload_off, 12);
			assert_int_equal(h.payload_len, len - 12);
		}
	}
}

static void
test_status_names(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < RTP_PARSE_STATUS_MAX; i++) {
		assert_non_null(rtp_parse_status_name(i));
		assert_string_not_equal(rtp_parse_status_name(i), "unknown");
	}
	assert_string_equal(rtp_parse_status_name(RTP_PARSE_OK), "ok");
	assert_string_equal(rtp_parse_status_name(RTP_PARSE_PAD_OVERFLOW), "pad_overflow");
	assert_string_equal(rtp_parse_status_name(-1), "unknown");
	assert_string_equal(rtp_parse_status_name(RTP_PARSE_STATUS_MAX), "unknown");
}

/* ---- rtp_pt ---- */

static void
test_static_pts(void **state)
{
	const struct rtp_codec *c;
	unsigned int pt;

	(void)state;
	c = rtp_pt_static(0);
	assert_non_null(c);
	assert_string_equal(c->name, "PCMU");
	assert_int_equal(c->clock_rate, 8000);
	c = rtp_pt_static(8);
	assert_string_equal(c->name, "PCMA");
	c = rtp_pt_static(9);
	assert_string_equal(c->name, "G722");
	assert_int_equal(c->clock_rate, 8000); /* RFC 3551 4.5.2: 8000 despite 16 kHz audio */
	c = rtp_pt_static(18);
	assert_string_equal(c->name, "G729");
	assert_int_equal(c->ie, 11);
	assert_int_equal(c->bpl_x10, 190);
	c = rtp_pt_static(13);
	assert_true(c->flags & RTP_CODEC_F_CN);
	c = rtp_pt_static(34);
	assert_string_equal(c->name, "H263");
	assert_int_equal(c->media, RTP_MEDIA_VIDEO);
	assert_null(rtp_pt_static(20));
	assert_null(rtp_pt_static(27));
	assert_null(rtp_pt_static(35));
	assert_null(rtp_pt_static(96));
	assert_null(rtp_pt_static(255));
	/* The flat clock table and the codec table agree for every static PT. */
	for (pt = 0; pt < 128; pt++) {
		c = rtp_pt_static((uint8_t)pt);
		assert_int_equal(rtp_pt_static_clock((uint8_t)pt), c ? c->clock_rate : 0);
	}
	assert_int_equal(rtp_pt_static_clock(16), 11025);
	assert_int_equal(rtp_pt_static_clock(10), 44100);
	assert_int_equal(rtp_pt_static_clock(200), 0);
}

static void
test_codec_by_name(void **state)
{
	const struct rtp_codec *c;

	(void)state;
	c = rtp_codec_by_name("opus", 4);
	assert_non_null(c);
	assert_int_equal(c->clock_rate, 48000);
	c = rtp_codec_by_name("OPUS", 4);
	assert_non_null(c);
	c = rtp_codec_by_name("telephone-event/8000", 15); /* not NUL-terminated at len */
	assert_non_null(c);
	assert_true(rtp_codec_is_telephone_event(c));
	assert_false(rtp_codec_is_telephone_event(rtp_codec_by_name("PCMU", 4)));
	assert_false(rtp_codec_is_telephone_event(NULL));
	assert_non_null(rtp_codec_by_name("iLBC", 4));
	assert_non_null(rtp_codec_by_name("AMR-WB", 6));
	assert_string_equal(rtp_codec_by_name("amr", 3)->name, "AMR"); /* not AMR-WB */
	assert_non_null(rtp_codec_by_name("H264", 4));
	assert_non_null(rtp_codec_by_name("VP8", 3));
	assert_non_null(rtp_codec_by_name("speex", 5));
	assert_non_null(rtp_codec_by_name("GSM", 3));
	assert_null(rtp_codec_by_name("PCM", 3));    /* prefix only */
	assert_null(rtp_codec_by_name("PCMUX", 5));  /* longer */
	assert_null(rtp_codec_by_name("", 0));
	assert_null(rtp_codec_by_name(NULL, 4));
}

static void
test_codec_table_consistent(void **state)
{
	unsigned int i;
	bool seen_g711 = false;

	(void)state;
	for (i = 0; i < rtp_codec_count(); i++) {
		const struct rtp_codec *c = rtp_codec_at(i);

		assert_non_null(c->name);
		assert_true(c->clock_rate > 0);
		if (c->emodel_src != RTP_EMODEL_NONE) {
			assert_true(c->ie >= 0 && c->ie < 95);
			assert_true(c->bpl_x10 > 0);
		}
		if (strcmp(c->name, "PCMA") == 0) {
			assert_int_equal(c->emodel_src, RTP_EMODEL_G113);
			assert_int_equal(c->bpl_x10, 251);
			seen_g711 = true;
		}
	}
	assert_true(seen_g711);
	assert_null(rtp_codec_at(rtp_codec_count()));
}

static void
test_bandwidth(void **state)
{
	(void)state;
	/* G.711 20 ms: 160 + 12 + 8 + 20 = 200 bytes * 50 pps = 80 kbit/s (IPv4). */
	assert_int_equal(rtp_codec_ip_bps(rtp_pt_static(0), 0, false), 80000);
	/* IPv6 adds 20 bytes per packet: 88 kbit/s. */
	assert_int_equal(rtp_codec_ip_bps(rtp_pt_static(8), 20, true), 88000);
	/* G.729 20 ms: 20 + 40 = 60 bytes * 50 = 24 kbit/s; 10 ms: 50 bytes * 100 = 40 kbit/s. */
	assert_int_equal(rtp_codec_ip_bps(rtp_pt_static(18), 20, false), 24000);
	assert_int_equal(rtp_codec_ip_bps(rtp_pt_static(18), 10, false), 40000);
	/* No bitrate (CN, video): 0. */
	assert_int_equal(rtp_codec_ip_bps(rtp_pt_static(13), 20, false), 0);
	assert_int_equal(rtp_codec_ip_bps(NULL, 20, false), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_fields),
		cmocka_unit_test(test_plain_header_every_second_octet),
		cmocka_unit_test(test_too_short),
		cmocka_unit_test(test_bad_version),
		cmocka_unit_test(test_csrc),
		cmocka_unit_test(test_csrc_max_trunc),
		cmocka_unit_test(test_extension),
		cmocka_unit_test(test_extension_huge),
		cmocka_unit_test(test_padding),
		cmocka_unit_test(test_padding_no_room),
		cmocka_unit_test(test_fuzz_capture_packet),
		cmocka_unit_test(test_rtcp_demux),
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_static_pts),
		cmocka_unit_test(test_codec_by_name),
		cmocka_unit_test(test_codec_table_consistent),
		cmocka_unit_test(test_bandwidth),
	};

	return cmocka_run_group_tests_name("rtp_parse", tests, NULL, NULL);
}
