/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * libFuzzer target for rtp_hdr_parse() and rtp_stats.
 *
 * 1. The whole input, copied into a buffer of exactly its size, is parsed as one RTP packet;
 *    on success the reported offsets must lie inside the input and add up.
 * 2. The input is then read as a script driving one stream: a 4-octet preamble (probation,
 *    jitter buffer, voice PT, telephone-event PT) and 10-octet records (seq 2, timestamp 4,
 *    PT|marker 1, arrival step in units of 0.25 ms 2, flags 1: SSRC mismatch 0x80, clock step
 *    back 0x40, clock jump 0x60, payload length 0x7f). Every packet goes through
 *    rtp_stream_update() and the invariants are checked after each one: expected >= lost,
 *    received <= packets, packets == received + duplicates + te_duplicates + packets outside the
 *    sequence accounting (probation restarts and unconfirmed jumps), and the report is finite.
 *
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Idataplane \
 *        dataplane/rtp_parse.c dataplane/rtp_pt.c dataplane/rtp_stats.c tests/fuzz/fuzz_rtp.c \
 *        -o fuzz_rtp
 * Replay: ./fuzz_rtp -runs=0 tests/fuzz/corpus/rtp
 */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtp_parse.h"
#include "rtp_pt.h"
#include "rtp_stats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                        \
	do {                                                                                \
		if (!(cond)) {                                                              \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                            \
		}                                                                           \
	} while (0)

static void
check_parse(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1);
	struct rtp_hdr_info h;
	int rc;

	CHECK(buf != NULL);
	if (size)
		memcpy(buf, data, size);
	rc = rtp_hdr_parse(buf, (uint32_t)size, &h);
	CHECK(rc >= 0 && rc < RTP_PARSE_STATUS_MAX);
	CHECK(rtp_parse_status_name(rc) != NULL);
	if (rc == RTP_PARSE_OK) {
		CHECK(h.payload_off >= RTP_HDR_LEN);
		CHECK((uint64_t)h.payload_off + h.payload_len + h.pad_len == size);
		CHECK(h.payload_off == RTP_HDR_LEN + 4u * h.cc +
				(h.extension ? RTP_EXT_HDR_LEN + 4u * h.ext_words : 0));
		CHECK(!rtp_is_rtcp(buf, (uint32_t)size));
		CHECK(h.pt < 64 || h.pt > 95);
	}
	if (rc == RTP_PARSE_IS_RTCP)
		CHECK(rtp_is_rtcp(buf, (uint32_t)size));
	free(buf);
}

static void
check_stream(const struct rtp_stream *s)
{
	struct rtp_stream_report r;

	rtp_stream_report(s, &r);
	CHECK(r.lost <= r.expected);
	CHECK(r.received <= r.packets);
	CHECK((uint64_t)r.received + r.duplicates + r.te_duplicates <= r.packets);
	CHECK(r.te_packets <= r.packets);
	CHECK(r.reordered <= r.received);
	CHECK(!rtp_stream_validated(s) || r.expected > 0);
	CHECK(isfinite(r.max_delta_ms) && r.max_delta_ms >= 0);
	CHECK(isfinite(r.mean_jitter_ms) && r.mean_jitter_ms >= 0);
	CHECK(isfinite(r.max_jitter_ms) && r.max_jitter_ms >= 0);
	CHECK(r.mean_jitter_ms <= r.max_jitter_ms * (1 + 1e-9) + 1e-9);
	CHECK(s->max_burst < RTP_MAX_DROPOUT);
}

static void
drive_stream(const uint8_t *data, size_t size)
{
	struct rtp_stream s;
	uint64_t now = 1000000000ull;
	uint32_t ssrc = 0x5eed;
	size_t off = 4;

	if (size < 4)
		return;
	rtp_stream_init(&s, ssrc, (data[2] & 0x80) ? 48000 : 8000, 96 + (data[2] & 0x1f),
			(data[3] & 0x80) ? RTP_PT_NONE : (uint8_t)(96 + (data[3] & 0x1f)));
	(void)rtp_stream_set_probation(&s, (uint8_t)(1 + (data[0] & 0x0f)));
	rtp_stream_set_jb(&s, (uint16_t)(10 + data[1]));
	for (; off + 10 <= size; off += 10) {
		const uint8_t *p = data + off;
		struct rtp_hdr_info h;
		int rc;

		memset(&h, 0, sizeof(h));
		h.ssrc = (p[9] & 0x80) ? ssrc + 1 : ssrc; /* sometimes the wrong SSRC */
		h.seq = (uint16_t)(p[0] << 8 | p[1]);
		h.timestamp = (uint32_t)p[2] << 24 | (uint32_t)p[3] << 16 | (uint32_t)p[4] << 8 | p[5];
		h.pt = p[6] & 0x7f;
		h.marker = p[6] >> 7;
		h.payload_len = p[9] & 0x7f;
		/*
		 * Arrival may stand still, step back (bit 6) or jump anywhere (bits 6 and 5): a
		 * caller's clock must be handled, not trusted.
		 */
		if ((p[9] & 0x60) == 0x60)
			now = (uint64_t)p[7] << 56 | (uint64_t)p[8] << 40 | (uint64_t)p[2] << 8;
		else if (p[9] & 0x40)
			now -= (uint64_t)(p[7] << 8 | p[8]) * 250000ull;
		else
			now += (uint64_t)(p[7] << 8 | p[8]) * 250000ull;
		rc = rtp_stream_update(&s, &h, now, 12u + h.payload_len);
		CHECK(rc >= 0 || h.ssrc != ssrc);
		check_stream(&s);
	}
	{
		uint32_t lost_iv;

		(void)rtp_stream_interval(&s, &lost_iv);
		CHECK(lost_iv <= rtp_stream_expected(&s));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_parse(data, size);
	drive_stream(data, size);
	return 0;
}
