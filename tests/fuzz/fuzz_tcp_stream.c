/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * libFuzzer target for tcp_stream, with sip_msg_parse() (stream mode)
 * framing and consuming messages between segments as the worker does.
 *
 * Input layout: byte 0 picks the mode (bit 0) and the buffer capacity
 * (bits 1-3: 32 << n bytes, 32..4096); then, by mode:
 *
 *  - mode 0, free segments: a sequence of records
 *      seq delta (2 bytes, signed, relative to the previous segment's seq),
 *      flags (1 byte: FIN/SYN/RST bits), len (1 byte), len payload bytes;
 *    payloads are arbitrary, so retransmissions may disagree with what was
 *    buffered (TCP forbids it, peers do it).
 *  - mode 1, consistent stream: 4 bytes of ISN, 2 bytes of content length
 *    L, L content bytes (the byte stream the peer sends), then records
 *      offset (2 bytes, modulo L), len (1 byte), flags (1 byte, FIN only);
 *    each record sends content[offset, offset+len) at ISN + 1 + offset, so
 *    any byte the stream hands out in sync must equal the content at its
 *    sequence number.
 *
 * Each payload is copied into a malloc'd buffer of exactly its size. Checked
 * after every segment and every consume:
 *  - result in range; unconsumed bytes <= capacity, offsets inside the buffer
 *    (held block included);
 *  - while the stream stays in sync (no SYN/restart/resync/gap/overflow in
 *    between), the sequence number of the first unconsumed byte never moves
 *    backwards (serial order), and it moves by exactly what was consumed when
 *    no segment came in between;
 *  - mode 1: every unconsumed byte equals the content at its sequence number.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip_parse.h"
#include "tcp_stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c);      \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

struct ctx {
	struct tcp_stream st;
	uint8_t *buf;
	uint32_t cap;
	/* mode 1 */
	const uint8_t *content;
	uint32_t content_len;
	uint32_t base; /* sequence number of content[0] */
	bool consistent;
	/* monotonic head */
	bool in_sync;
	uint32_t head_seq;
};

static void
check_layout(const struct ctx *c)
{
	const struct tcp_stream *s = &c->st;

	CHECK(s->head <= s->tail);
	CHECK(s->tail <= s->cap);
	CHECK(tcp_stream_avail(s) <= c->cap);
	if (s->state == TCP_STREAM_S_OPEN && s->ooo.len) {
		CHECK((uint32_t)s->ooo.off > 0);
		CHECK(s->tail + s->ooo.off + s->ooo.len <= s->cap);
	}
	if (s->state == TCP_STREAM_S_LOST || s->state == TCP_STREAM_S_SKIP ||
		s->state == TCP_STREAM_S_INIT)
		CHECK(tcp_stream_avail(s) == 0);
}

static void
check_content(const struct ctx *c)
{
	uint32_t n, off;
	const uint8_t *p = tcp_stream_data(&c->st, &n);

	if (!c->consistent || n == 0)
		return;
	off = tcp_stream_head_seq(&c->st) - c->base;
	CHECK(off <= c->content_len && n <= c->content_len - off);
	CHECK(memcmp(p, c->content + off, n) == 0);
}

/* Track the head sequence: forward only while in sync. */
static void
check_head(struct ctx *c, bool resynced)
{
	enum tcp_stream_state st = tcp_stream_state(&c->st);
	bool sync = st == TCP_STREAM_S_OPEN || st == TCP_STREAM_S_SKIP;
	uint32_t h = tcp_stream_head_seq(&c->st);

	if (sync && c->in_sync && !resynced)
		CHECK((int32_t)(h - c->head_seq) >= 0);
	c->in_sync = sync;
	c->head_seq = h;
}

static void
drain(struct ctx *c)
{
	struct sip_msg m;
	int guard = 0;

	for (;;) {
		uint32_t n, before;
		const uint8_t *p = tcp_stream_data(&c->st, &n);
		int r;

		if (n == 0)
			return;
		CHECK(++guard < 100000);
		r = sip_msg_parse(p, n, SIP_TRANSPORT_STREAM, &m);
		if (r > 0) {
			CHECK((uint32_t)r <= n);
			before = tcp_stream_head_seq(&c->st);
			CHECK(tcp_stream_consume(&c->st, (uint32_t)r) == 0);
			CHECK(tcp_stream_head_seq(&c->st) - before == (uint32_t)r);
		} else if (r == SIP_PARSE_NEED_MORE) {
			if (m.msg_len > tcp_stream_cap(&c->st)) {
				before = tcp_stream_head_seq(&c->st);
				CHECK(tcp_stream_skip(&c->st, m.msg_len) == 0);
				CHECK(tcp_stream_state(&c->st) == TCP_STREAM_S_SKIP);
				CHECK(tcp_stream_head_seq(&c->st) - before == n);
			}
			return;
		} else {
			CHECK(r == SIP_PARSE_MALFORMED);
			tcp_stream_lose(&c->st);
			CHECK(tcp_stream_avail(&c->st) == 0);
			return;
		}
		check_layout(c);
		check_content(c);
		check_head(c, false);
	}
}

static void
segment(struct ctx *c, uint32_t seq, uint8_t flags, const uint8_t *src, uint32_t len)
{
	uint8_t *p = malloc(len ? len : 1);
	int r;
	bool resynced;

	if (len)
		memcpy(p, src, len);
	r = tcp_stream_segment(&c->st, seq, flags, len ? p : NULL, len);
	free(p);
	CHECK(r >= 0 && r < TCP_SEG_MAX);
	CHECK(strcmp(tcp_seg_result_name(r), "unknown") != 0);
	resynced = r == TCP_SEG_SYN || r == TCP_SEG_RESTART || r == TCP_SEG_RESYNCED ||
		   r == TCP_SEG_GAP || r == TCP_SEG_OVERFLOW || r == TCP_SEG_CLOSED;
	check_layout(c);
	check_content(c);
	check_head(c, resynced);
	drain(c);
}

static void
run_free(struct ctx *c, const uint8_t *d, size_t n)
{
	size_t i = 0;
	uint32_t seq = 1000;

	while (i + 4 <= n) {
		int16_t delta = (int16_t)(d[i] | d[i + 1] << 8);
		uint8_t flags = d[i + 2];
		uint32_t len = d[i + 3];

		i += 4;
		if (len > n - i)
			len = (uint32_t)(n - i);
		seq += (uint32_t)(int32_t)delta;
		segment(c, seq, flags & 0x07, d + i, len);
		i += len;
	}
}

static void
run_consistent(struct ctx *c, const uint8_t *d, size_t n)
{
	size_t i;
	uint32_t isn, clen;

	if (n < 6)
		return;
	isn = (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
	clen = (uint32_t)(d[4] | d[5] << 8);
	i = 6;
	if (clen > n - i)
		clen = (uint32_t)(n - i);
	if (clen == 0)
		return;
	c->content = d + i;
	c->content_len = clen;
	c->base = isn + 1;
	c->consistent = true;
	i += clen;
	segment(c, isn, TCP_STREAM_SYN, NULL, 0);
	while (i + 4 <= n) {
		uint32_t off = (uint32_t)(d[i] | d[i + 1] << 8) % clen;
		uint32_t len = d[i + 2];
		uint8_t flags = d[i + 3] & TCP_STREAM_FIN;

		i += 4;
		if (len > clen - off)
			len = clen - off;
		/* A FIN is only where the content ends, as TCP puts it. */
		if (off + len != clen)
			flags = 0;
		segment(c, c->base + off, flags, c->content + off, len);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctx c;

	if (size < 1)
		return 0;
	memset(&c, 0, sizeof(c));
	c.cap = 32u << ((data[0] >> 1) & 7);
	c.buf = malloc(c.cap);
	CHECK(tcp_stream_init(&c.st, c.buf, c.cap) == 0);
	if (data[0] & 1)
		run_consistent(&c, data + 1, size - 1);
	else
		run_free(&c, data + 1, size - 1);
	check_layout(&c);
	free(c.buf);
	return 0;
}
