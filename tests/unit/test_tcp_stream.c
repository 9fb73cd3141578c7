/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Unit tests for dataplane/tcp_stream.c, with sip_msg_parse() framing the
 * messages the way the worker does. Every SIP message is hand-written here.
 * Segment payloads are copied into malloc'd buffers of exactly their length
 * before they are fed, so AddressSanitizer builds catch any read past len.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sip_parse.h"
#include "tcp_stream.h"

/* ---- messages ------------------------------------------------------------------------------ */

/* An OPTIONS request over TCP with an empty body (Content-Length 0). */
static const char msg_options[] = "OPTIONS sip:carol@chicago.example.com SIP/2.0\r\n"
				  "Via: SIP/2.0/TCP 192.0.2.4:5060;branch=z9hG4bKnashds1\r\n"
				  "Max-Forwards: 70\r\n"
				  "To: <sip:carol@chicago.example.com>\r\n"
				  "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
				  "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
				  "CSeq: 63104 OPTIONS\r\n"
				  "Content-Length: 0\r\n"
				  "\r\n";

/* A 200 OK response over TCP with a 13-byte text body ("hello, world!"). */
static const char msg_200_body[] = "SIP/2.0 200 OK\r\n"
				   "Via: SIP/2.0/TCP 192.0.2.4:5060;branch=z9hG4bKnashds1\r\n"
				   "To: <sip:carol@chicago.example.com>;tag=93810874\r\n"
				   "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
				   "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
				   "CSeq: 63104 OPTIONS\r\n"
				   "Content-Type: text/plain\r\n"
				   "Content-Length: 13\r\n"
				   "\r\n"
				   "hello, world!";

/* A BYE request over TCP, no body. */
static const char msg_bye[] = "BYE sip:carol@chicago.example.com SIP/2.0\r\n"
			      "Via: SIP/2.0/TCP 192.0.2.4:5060;branch=z9hG4bKnashds9\r\n"
			      "Max-Forwards: 70\r\n"
			      "To: <sip:carol@chicago.example.com>;tag=93810874\r\n"
			      "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
			      "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
			      "CSeq: 63105 BYE\r\n"
			      "Content-Length: 0\r\n"
			      "\r\n";

/* A MESSAGE request whose headers announce a 2000-byte body (bigger than small buffers). */
static const char msg_big_hdr[] = "MESSAGE sip:carol@chicago.example.com SIP/2.0\r\n"
				  "Via: SIP/2.0/TCP 192.0.2.4:5060;branch=z9hG4bKbig1\r\n"
				  "Max-Forwards: 70\r\n"
				  "To: <sip:carol@chicago.example.com>\r\n"
				  "From: <sip:alice@atlanta.example.com>;tag=77\r\n"
				  "Call-ID: big-1@pc33.atlanta.example.com\r\n"
				  "CSeq: 1 MESSAGE\r\n"
				  "Content-Type: text/plain\r\n"
				  "Content-Length: 2000\r\n"
				  "\r\n";

/* A short 100 Trying response over TCP (under 200 bytes, fits the small buffers). */
static const char msg_100[] = "SIP/2.0 100 Trying\r\n"
			      "Via: SIP/2.0/TCP 192.0.2.4;branch=z9hG4bKa1\r\n"
			      "To: <sip:c@example.com>\r\n"
			      "From: <sip:a@example.com>;tag=1\r\n"
			      "Call-ID: c1@example.com\r\n"
			      "CSeq: 1 INVITE\r\n"
			      "Content-Length: 0\r\n"
			      "\r\n";

/* Two keep-alive CRLF pairs (RFC 5626 4.4.1 "ping") between messages. */
static const char keepalive[] = "\r\n\r\n";

/* ---- helpers ------------------------------------------------------------------------------- */

#define MAX_SEEN 16

/* What a drain of the stream framed, the way the worker's loop does it. */
struct seen {
	unsigned int n;		 /* messages framed (keep-alives not counted) */
	unsigned int keepalives; /* keep-alive runs framed */
	unsigned int skips;	 /* oversized messages handed to tcp_stream_skip() */
	unsigned int losses;	 /* MALFORMED: tcp_stream_lose() called */
	uint32_t len[MAX_SEEN];
	uint8_t first[MAX_SEEN]; /* first byte of each framed message */
	uint16_t status[MAX_SEEN];
	uint8_t method[MAX_SEEN];
};

/* Feed one segment through an exact-size copy of its payload. */
static int
feed(struct tcp_stream *s, uint32_t seq, uint8_t flags, const void *data, uint32_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	int r;

	assert_non_null(copy);
	if (len)
		memcpy(copy, data, len);
	r = tcp_stream_segment(s, seq, flags, len ? copy : NULL, len);
	free(copy);
	return r;
}

/* Frame and consume every complete message, as the worker's loop in tcp_stream.h does. */
static void
drain(struct tcp_stream *s, struct seen *sn)
{
	struct sip_msg m;

	for (;;) {
		uint32_t n;
		const uint8_t *p = tcp_stream_data(s, &n);
		int r;

		if (n == 0)
			return;
		r = sip_msg_parse(p, n, SIP_TRANSPORT_STREAM, &m);
		if (r > 0) {
			if (m.kind == SIP_KIND_KEEPALIVE) {
				sn->keepalives++;
			} else {
				if (sn->n < MAX_SEEN) {
					sn->len[sn->n] = (uint32_t)r;
					sn->first[sn->n] = p[0];
					sn->status[sn->n] = m.status;
					sn->method[sn->n] = m.method;
				}
				sn->n++;
			}
			assert_int_equal(tcp_stream_consume(s, (uint32_t)r), 0);
		} else if (r == SIP_PARSE_NEED_MORE) {
			if (m.msg_len > tcp_stream_cap(s)) {
				assert_int_equal(tcp_stream_skip(s, m.msg_len), 0);
				sn->skips++;
			}
			return;
		} else {
			tcp_stream_lose(s);
			sn->losses++;
			return;
		}
	}
}

struct fixture {
	struct tcp_stream st;
	uint8_t *buf;
	uint32_t cap;
};

static struct fixture *
fx_new(uint32_t cap)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->buf = malloc(cap ? cap : 1);
	assert_non_null(f->buf);
	f->cap = cap;
	assert_int_equal(tcp_stream_init(&f->st, f->buf, cap), 0);
	return f;
}

static void
fx_free(struct fixture *f)
{
	free(f->buf);
	free(f);
}

#define L(s) ((uint32_t)(sizeof(s) - 1))

/* ---- tests --------------------------------------------------------------------------------- */

static void
test_init_and_args(void **state)
{
	struct tcp_stream st;
	uint8_t b[8];

	(void)state;
	assert_true(sizeof(struct tcp_stream) <= 32);
	assert_int_equal(tcp_stream_init(NULL, b, 8), -EINVAL);
	assert_int_equal(tcp_stream_init(&st, NULL, 8), -EINVAL);
	assert_int_equal(tcp_stream_init(&st, b, TCP_STREAM_CAP_MAX + 1), -EINVAL);
	assert_int_equal(tcp_stream_init(&st, NULL, 0), 0);
	assert_int_equal(tcp_stream_state(&st), TCP_STREAM_S_INIT);
	assert_int_equal(tcp_stream_segment(NULL, 0, 0, b, 1), -EINVAL);
	assert_int_equal(tcp_stream_segment(&st, 0, 0, NULL, 1), -EINVAL);
	/* No buffer: the first payload overflows. */
	assert_int_equal(tcp_stream_segment(&st, 5, 0, b, 1), TCP_SEG_OVERFLOW);
	assert_int_equal(tcp_stream_init(&st, b, sizeof(b)), 0);
	assert_int_equal(tcp_stream_consume(&st, 1), -EINVAL);
	assert_int_equal(tcp_stream_avail(&st), 0);
	assert_int_equal(tcp_stream_head_seq(&st), 0);
	assert_string_equal(tcp_seg_result_name(TCP_SEG_HELD), "ooo_held");
	assert_string_equal(tcp_seg_result_name(TCP_SEG_RST_IGNORED), "rst_ignored");
	assert_string_equal(tcp_seg_result_name(-1), "unknown");
	assert_string_equal(tcp_seg_result_name(TCP_SEG_MAX), "unknown");
}

static void
test_sip_start_line(void **state)
{
	/* Start lines that begin a message, each followed by a header to show it continues. */
	static const char *const yes[] = {
		"INVITE sip:bob@biloxi.example.com SIP/2.0\r\nVia: x\r\n",
		"SIP/2.0 180 Ringing\r\n",
		"SIP/2.0 699 x",
		"NEWMETHOD sip:x SIP/2.0\n",
		"!interesting-Method0123456789_*+`.%indeed'~ "
		"sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/"
		";;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com SIP/2.0\r\n",
	};
	/* Segment starts that are not start lines (body text, header lines, partial lines). */
	static const char *const no[] = {
		"Via: SIP/2.0/TCP 192.0.2.4\r\n",
		"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n",
		"SIP/2.0 1x0 OK\r\n",
		"SIP/2.0 099 x\r\n",
		"INVITE sip:bob@biloxi.example.com SIP/2.0", /* line end not in the segment */
		"INVITE  sip:bob SIP/2.0\r\n",		     /* two SPs */
		"INVITE sip:bob SIP/2.1\r\n",
		"INVITE sip:bob\r\n",
		" INVITE sip:bob SIP/2.0\r\n",
		"\r\n\r\n",
		"",
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(
			tcp_stream_sip_start((const uint8_t *)yes[i], (uint32_t)strlen(yes[i])));
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(tcp_stream_sip_start((const uint8_t *)no[i], (uint32_t)strlen(no[i])));
	assert_false(tcp_stream_sip_start(NULL, 10));
}

static void
test_in_order(void **state)
{
	struct fixture *f = fx_new(4096);
	struct seen sn = {0};
	uint32_t isn = 1000;

	(void)state;
	/* SYN: payload starts at ISN + 1. */
	assert_int_equal(feed(&f->st, isn, TCP_STREAM_SYN, NULL, 0), TCP_SEG_SYN);
	assert_int_equal(tcp_stream_state(&f->st), TCP_STREAM_S_OPEN);
	assert_int_equal(tcp_stream_head_seq(&f->st), isn + 1);
	/* A retransmitted SYN changes nothing. */
	assert_int_equal(feed(&f->st, isn, TCP_STREAM_SYN, NULL, 0), TCP_SEG_DUPLICATE);
	assert_int_equal(feed(&f->st, isn + 1, 0, msg_options, L(msg_options)), TCP_SEG_APPENDED);
	drain(&f->st, &sn);
	assert_int_equal(sn.n, 1);
	assert_int_equal(sn.len[0], L(msg_options));
	assert_int_equal(sn.method[0], SIP_METHOD_OPTIONS);
	assert_int_equal(tcp_stream_avail(&f->st), 0);
	assert_int_equal(tcp_stream_head_seq(&f->st), isn + 1 + L(msg_options));
	/* A pure ACK (no payload) in order. */
	assert_int_equal(feed(&f->st, isn + 1 + L(msg_options), 0, NULL, 0), TCP_SEG_EMPTY);
	assert_int_equal(
		feed(&f->st, isn + 1 + L(msg_options), 0, msg_bye, L(msg_bye)), TCP_SEG_APPENDED);
	drain(&f->st, &sn);
	assert_int_equal(sn.n, 2);
	assert_int_equal(sn.method[1], SIP_METHOD_BYE);
	assert_int_equal(sn.losses, 0);
	fx_free(f);
}

/* Two messages back to back, cut in two at every byte, then in three at every pair of bytes. */
static void
test_split_every_byte(void **state)
{
	uint32_t n1 = L(msg_200_body), n = n1 + L(msg_bye), i, j;
	char *all = malloc(n);

	(void)state;
	assert_non_null(all);
	memcpy(all, msg_200_body, n1);
	memcpy(all + n1, msg_bye, L(msg_bye));
	for (i = 1; i < n; i++) {
		struct fixture *f = fx_new(2048);
		struct seen sn = {0};
		uint32_t seq = 0xfffffe00u; /* also crosses the 2^32 wrap for some cuts */

		assert_int_equal(feed(&f->st, seq, 0, all, i), TCP_SEG_APPENDED);
		drain(&f->st, &sn);
		assert_int_equal(sn.n, i >= n1 ? 1 : 0);
		assert_int_equal(feed(&f->st, seq + i, 0, all + i, n - i), TCP_SEG_APPENDED);
		drain(&f->st, &sn);
		assert_int_equal(sn.n, 2);
		assert_int_equal(sn.len[0], n1);
		assert_int_equal(sn.status[0], 200);
		assert_int_equal(sn.len[1], L(msg_bye));
		assert_int_equal(sn.method[1], SIP_METHOD_BYE);
		assert_int_equal(tcp_stream_avail(&f->st), 0);
		assert_int_equal(tcp_stream_head_seq(&f->st), seq + n);
		fx_free(f);
	}
	for (i = 1; i < n; i += 7) {
		for (j = i + 1; j < n; j++) {
			struct fixture *f = fx_new(1024);
			struct seen sn = {0};

			feed(&f->st, 7, TCP_STREAM_SYN, NULL, 0);
			assert_int_equal(feed(&f->st, 8, 0, all, i), TCP_SEG_APPENDED);
			drain(&f->st, &sn);
			assert_int_equal(feed(&f->st, 8 + i, 0, all + i, j - i), TCP_SEG_APPENDED);
			drain(&f->st, &sn);
			assert_int_equal(feed(&f->st, 8 + j, 0, all + j, n - j), TCP_SEG_APPENDED);
			drain(&f->st, &sn);
			assert_int_equal(sn.n, 2);
			assert_int_equal(sn.len[0], n1);
			assert_int_equal(sn.len[1], L(msg_bye));
			fx_free(f);
		}
	}
	free(all);
}

static void
test_several_per_segment(void **state)
{
	struct fixture *f = fx_new(4096);
	struct seen sn = {0};
	char seg[2048];
	uint32_t n = 0;

	(void)state;
	/* One segment: OPTIONS, a keep-alive, the 200 OK with a body, a BYE, then half a BYE. */
	memcpy(seg + n, msg_options, L(msg_options));
	n += L(msg_options);
	memcpy(seg + n, keepalive, L(keepalive));
	n += L(keepalive);
	memcpy(seg + n, msg_200_body, L(msg_200_body));
	n += L(msg_200_body);
	memcpy(seg + n, msg_bye, L(msg_bye));
	n += L(msg_bye);
	memcpy(seg + n, msg_bye, 40);
	n += 40;
	assert_int_equal(feed(&f->st, 1, 0, seg, n), TCP_SEG_APPENDED);
	drain(&f->st, &sn);
	assert_int_equal(sn.n, 3);
	assert_int_equal(sn.keepalives, 1);
	assert_int_equal(sn.len[1], L(msg_200_body));
	assert_int_equal(tcp_stream_avail(&f->st), 40); /* the half BYE waits */
	assert_int_equal(feed(&f->st, 1 + n, 0, msg_bye + 40, L(msg_bye) - 40), TCP_SEG_APPENDED);
	drain(&f->st, &sn);
	assert_int_equal(sn.n, 4);
	assert_int_equal(sn.len[3], L(msg_bye));
	fx_free(f);
}

static void
test_retransmissions_and_overlaps(void **state)
{
	struct fixture *f = fx_new(4096);
	struct seen sn = {0};
	uint32_t a = L(msg_options), b = L(msg_bye);

	(void)state;
	feed(&f->st, 99, TCP_STREAM_SYN, NULL, 0);
	assert_int_equal(feed(&f->st, 100, 0, msg_options, 60), TCP_SEG_APPENDED);
	/* Exact retransmission of buffered, not yet consumed bytes. */
	assert_int_equal(feed(&f->st, 100, 0, msg_options, 60), TCP_SEG_DUPLICATE);
	/* Part of it again. */
	assert_int_equal(feed(&f->st, 110, 0, msg_options + 10, 20), TCP_SEG_DUPLICATE);
	/* Overlapping retransmission: bytes 30..a, of which 60..a are new (trimmed). */
	assert_int_equal(feed(&f->st, 130, 0, msg_options + 30, a - 30), TCP_SEG_APPENDED);
	drain(&f->st, &sn);
	assert_int_equal(sn.n, 1);
	assert_int_equal(sn.len[0], a);
	/* The whole OPTIONS again after it was consumed: ignored. */
	assert_int_equal(feed(&f->st, 100, 0, msg_options, a), TCP_SEG_DUPLICATE);
	/* A repacketised retransmission: the end of the OPTIONS (consumed) + the whole BYE. */
	{
		/* Last 20 bytes of the OPTIONS followed by the BYE. */
		char seg[1024];

		memcpy(seg, msg_options + a - 20, 20);
		memcpy(seg + 20, msg_bye, b);
		assert_int_equal(feed(&f->st, 100 + a - 20, 0, seg, 20 + b), TCP_SEG_APPENDED);
	}
	drain(&f->st, &sn);
	assert_int_equal(sn.n, 2);
	assert_int_equal(sn.method[1], SIP_METHOD_BYE);
	assert_int_equal(sn.losses, 0);
	assert_int_equal(tcp_stream_head_seq(&f->st), 100 + a + b);
	fx_free(f);
}

static void
test_out_of_order(void **state)
{
	struct fixture *f = fx_new(4096);
	struct seen sn = {0};
	uint32_t a = L(msg_options), seq = 5000;

	(void)state;
	feed(&f->st, seq - 1, TCP_STREAM_SYN, NULL, 0);
	/* OPTIONS in four pieces [0,40) [40,80) [80,120) [120,end); the first one is late. */
	assert_int_equal(feed(&f->st, seq + 40, 0, msg_options + 40, 40), TCP_SEG_HELD);
	assert_int_equal(tcp_stream_avail(&f->st), 0);
	/* Bytes 150.. would open a second hole after the block [40,80): dropped. */
	assert_int_equal(
		feed(&f->st, seq + 150, 0, msg_options + 150, a - 150), TCP_SEG_OOO_DROPPED);
	/* Adjacent pieces extend the block. */
	assert_int_equal(feed(&f->st, seq + 80, 0, msg_options + 80, 40), TCP_SEG_HELD);
	assert_int_equal(feed(&f->st, seq + 120, 0, msg_options + 120, a - 120), TCP_SEG_HELD);
	/* A retransmission inside the held block. */
	assert_int_equal(feed(&f->st, seq + 50, 0, msg_options + 50, 10), TCP_SEG_HELD);
	/* The late first piece merges everything. */
	assert_int_equal(feed(&f->st, seq, 0, msg_options, 40), TCP_SEG_APPENDED);
	assert_int_equal(tcp_stream_avail(&f->st), a);
	drain(&f->st, &sn);
	assert_int_equal(sn.n, 1);
	assert_int_equal(sn.len[0], a);

	/* Late piece overlapping the block start: BYE split at 30, block is 20..end. */
	seq += a;
	assert_int_equal(feed(&f->st, seq + 20, 0, msg_bye + 20, L(msg_bye) - 20), TCP_SEG_HELD);
	assert_int_equal(feed(&f->st, seq, 0, msg_bye, 30), TCP_SEG_APPENDED);
	drain(&f->st, &sn);
	assert_int_equal(sn.n, 2);
	assert_int_equal(sn.len[1], L(msg_bye));
	fx_free(f);
}

static void
test_ooo_fin(void **state)
{
	struct fixture *f = fx_new(4096);
	struct seen sn = {0};
	uint32_t b = L(msg_bye);

	(void)state;
	feed(&f->st, 0xffffffffu, TCP_STREAM_SYN, NULL, 0); /* ISN 2^32-1: data at seq 0 */
	/* The second half of the BYE carries the FIN and comes first: held with it. */
	assert_int_equal(feed(&f->st, 50, TCP_STREAM_FIN, msg_bye + 50, b - 50), TCP_SEG_HELD);
	assert_false(tcp_stream_closed(&f->st));
	assert_int_equal(feed(&f->st, 0, 0, msg_bye, 50), TCP_SEG_CLOSED);
	assert_true(tcp_stream_closed(&f->st));
	/* Bytes stay readable after the FIN. */
	drain(&f->st, &sn);
	assert_int_equal(sn.n, 1);
	assert_int_equal(sn.len[0], b);
	assert_int_equal(feed(&f->st, b, 0, msg_bye, 10), TCP_SEG_AFTER_CLOSE);
	fx_free(f);

	/* A bare FIN right after the held block is remembered too. */
	f = fx_new(4096);
	memset(&sn, 0, sizeof(sn));
	feed(&f->st, 9, TCP_STREAM_SYN, NULL, 0);
	assert_int_equal(feed(&f->st, 30, 0, msg_bye + 20, b - 20), TCP_SEG_HELD);
	assert_int_equal(feed(&f->st, 10 + b, TCP_STREAM_FIN, NULL, 0), TCP_SEG_HELD);
	assert_int_equal(feed(&f->st, 10, 0, msg_bye, 20), TCP_SEG_CLOSED);
	drain(&f->st, &sn);
	assert_int_equal(sn.n, 1);
	fx_free(f);
}

static void
test_seq_wrap(void **state)
{
	struct fixture *f = fx_new(1024);
	struct seen sn = {0};
	uint32_t a = L(msg_options), b = L(msg_bye);
	uint32_t isn = 0xffffffffu - 100; /* the OPTIONS crosses 2^32 */

	(void)state;
	assert_int_equal(feed(&f->st, isn, TCP_STREAM_SYN, NULL, 0), TCP_SEG_SYN);
	assert_int_equal(feed(&f->st, isn + 1, 0, msg_options, 80), TCP_SEG_APPENDED);
	/* Held across the wrap, then filled. */
	assert_int_equal(feed(&f->st, isn + 1 + 150, 0, msg_options + 150, a - 150), TCP_SEG_HELD);
	assert_int_equal(feed(&f->st, isn + 1 + 80, 0, msg_options + 80, 70), TCP_SEG_APPENDED);
	/* A stale duplicate from before the wrap. */
	assert_int_equal(feed(&f->st, isn + 1, 0, msg_options, 80), TCP_SEG_DUPLICATE);
	drain(&f->st, &sn);
	assert_int_equal(sn.n, 1);
	assert_int_equal(feed(&f->st, isn + 1 + a, 0, msg_bye, b), TCP_SEG_APPENDED);
	drain(&f->st, &sn);
	assert_int_equal(sn.n, 2);
	assert_true(isn + 1 + a + b < 1000u); /* really wrapped */
	assert_int_equal(tcp_stream_head_seq(&f->st), isn + 1 + a + b);
	fx_free(f);
}

static void
test_overflow_and_resync(void **state)
{
	/* A 256-byte buffer: the MESSAGE's headers (308 bytes) do not fit. */
	struct fixture *f = fx_new(256);
	struct seen sn = {0};
	uint32_t h = L(msg_big_hdr), seq = 1;
	/* 300 bytes of body text, a stand-in for a large message/cpim body. */
	char body[300];

	(void)state;
	memset(body, 'x', sizeof(body));
	assert_true(h > 256);
	/* Headers arrive in two segments; neither alone gives a size to the parser. */
	assert_int_equal(feed(&f->st, seq, 0, msg_big_hdr, 200), TCP_SEG_APPENDED);
	drain(&f->st, &sn);
	assert_int_equal(sn.n, 0);
	seq += 200;
	/* The rest does not fit next to the incomplete message: stream lost. */
	assert_int_equal(feed(&f->st, seq, 0, msg_big_hdr + 200, h - 200), TCP_SEG_OVERFLOW);
	assert_int_equal(tcp_stream_state(&f->st), TCP_STREAM_S_LOST);
	assert_int_equal(tcp_stream_avail(&f->st), 0);
	seq += h - 200;
	/* Body bytes do not start a message: skipped. */
	assert_int_equal(feed(&f->st, seq, 0, body, sizeof(body)), TCP_SEG_RESYNC_SKIP);
	seq += sizeof(body);
	/* An old retransmission beginning with the start line is before the resync point. */
	assert_int_equal(feed(&f->st, 1, 0, msg_big_hdr, 100), TCP_SEG_RESYNC_SKIP);
	/* The next message starts a segment: back in sync. */
	assert_int_equal(feed(&f->st, seq, 0, msg_100, 60), TCP_SEG_RESYNCED);
	assert_int_equal(tcp_stream_state(&f->st), TCP_STREAM_S_OPEN);
	assert_int_equal(
		feed(&f->st, seq + 60, 0, msg_100 + 60, L(msg_100) - 60), TCP_SEG_APPENDED);
	drain(&f->st, &sn);
	assert_int_equal(sn.n, 1);
	assert_int_equal(sn.status[0], 100);
	assert_int_equal(sn.losses, 0);
	fx_free(f);
}

static void
test_overflow_resync_fits(void **state)
{
	struct fixture *f = fx_new(512);
	struct seen sn = {0};
	uint32_t seq = 10;
	/* 500 bytes that never complete a message (a header line with no end). */
	char junk[500];

	(void)state;
	memset(junk, 'a', sizeof(junk));
	memcpy(junk, "OPTIONS sip:x SIP/2.0\r\nX-Long: ", 31);
	assert_int_equal(feed(&f->st, seq, 0, junk, sizeof(junk)), TCP_SEG_APPENDED);
	drain(&f->st, &sn);
	assert_int_equal(sn.n, 0);
	seq += sizeof(junk);
	/* A real message arrives, does not fit behind the junk: lost, but it resyncs at once. */
	assert_int_equal(feed(&f->st, seq, 0, msg_bye, L(msg_bye)), TCP_SEG_OVERFLOW);
	assert_int_equal(tcp_stream_state(&f->st), TCP_STREAM_S_OPEN);
	drain(&f->st, &sn);
	assert_int_equal(sn.n, 1);
	assert_int_equal(sn.method[0], SIP_METHOD_BYE);
	fx_free(f);
}

static void
test_skip_oversized(void **state)
{
	struct fixture *f = fx_new(512);
	struct seen sn = {0};
	uint32_t h = L(msg_big_hdr), seq = 0x7ffffff0u, total = h + 2000;
	/* 2000 bytes of body, sent as four 500-byte segments. */
	char body[500];

	(void)state;
	memset(body, 'y', sizeof(body));
	assert_int_equal(feed(&f->st, seq, 0, msg_big_hdr, h), TCP_SEG_APPENDED);
	drain(&f->st, &sn);
	/* The parser knows the size (h + 2000) > 512: the worker skips the message. */
	assert_int_equal(sn.skips, 1);
	assert_int_equal(tcp_stream_state(&f->st), TCP_STREAM_S_SKIP);
	assert_int_equal(feed(&f->st, seq + h, 0, body, 500), TCP_SEG_SKIPPED);
	/* The second body segment is lost: a hole inside the skipped range does not matter. */
	assert_int_equal(feed(&f->st, seq + h + 1000, 0, body, 500), TCP_SEG_SKIPPED);
	/* A late piece of the skipped range (the lost segment, resent) changes nothing. */
	assert_int_equal(feed(&f->st, seq + h + 500, 0, body, 300), TCP_SEG_SKIPPED);
	/* The last body segment and the next message in one segment. */
	{
		/* 500 body bytes then a complete BYE. */
		char seg[1024];

		memcpy(seg, body, 500);
		memcpy(seg + 500, msg_bye, L(msg_bye));
		assert_int_equal(
			feed(&f->st, seq + h + 1500, 0, seg, 500 + L(msg_bye)), TCP_SEG_APPENDED);
	}
	assert_int_equal(tcp_stream_state(&f->st), TCP_STREAM_S_OPEN);
	drain(&f->st, &sn);
	assert_int_equal(sn.n, 1);
	assert_int_equal(sn.method[0], SIP_METHOD_BYE);
	assert_int_equal(tcp_stream_head_seq(&f->st), seq + total + L(msg_bye));
	/* skip() errors: too large, and on a stream that is not OPEN. */
	assert_int_equal(tcp_stream_skip(&f->st, 1u << 31), -EINVAL);
	fx_free(f);

	/* A message skipped entirely by a later segment that starts past its end. */
	f = fx_new(512);
	memset(&sn, 0, sizeof(sn));
	assert_int_equal(feed(&f->st, 1, 0, msg_big_hdr, h), TCP_SEG_APPENDED);
	drain(&f->st, &sn);
	assert_int_equal(sn.skips, 1);
	assert_int_equal(feed(&f->st, 1 + total, 0, msg_options, L(msg_options)), TCP_SEG_APPENDED);
	drain(&f->st, &sn);
	assert_int_equal(sn.n, 1);
	assert_int_equal(sn.method[0], SIP_METHOD_OPTIONS);
	fx_free(f);
}

static void
test_mid_connection_and_lose(void **state)
{
	struct fixture *f = fx_new(4096);
	struct seen sn = {0};
	uint32_t a = L(msg_options), seq = 777777;

	(void)state;
	/* Started mid-connection: a pure ACK does not anchor the stream... */
	assert_int_equal(feed(&f->st, seq - 50, 0, NULL, 0), TCP_SEG_EMPTY);
	assert_int_equal(tcp_stream_state(&f->st), TCP_STREAM_S_INIT);
	/* ...the first payload does, here the tail of a message (its last 30 bytes). */
	assert_int_equal(feed(&f->st, seq, 0, msg_options + a - 30, 30), TCP_SEG_APPENDED);
	drain(&f->st, &sn);
	/* The parser sees garbage, the worker declares the stream lost. */
	assert_int_equal(sn.losses, 1);
	assert_int_equal(tcp_stream_state(&f->st), TCP_STREAM_S_LOST);
	assert_int_equal(tcp_stream_avail(&f->st), 0);
	assert_int_equal(feed(&f->st, seq + 30, 0, msg_options, a), TCP_SEG_RESYNCED);
	drain(&f->st, &sn);
	assert_int_equal(sn.n, 1);
	/* A FIN on a lost stream still closes it. */
	tcp_stream_lose(&f->st);
	assert_int_equal(feed(&f->st, seq + 30 + a, TCP_STREAM_FIN, "x", 1), TCP_SEG_CLOSED);
	tcp_stream_lose(&f->st);
	assert_true(tcp_stream_closed(&f->st));
	fx_free(f);

	/*
	 * Garbage and a FIN on an open stream: the bytes stay readable after the close, the
	 * parser finds them malformed, and lose() drops them (else they would be parsed again
	 * after every later segment); the stream stays closed. Found by fuzz_tcp_stream.
	 */
	f = fx_new(4096);
	memset(&sn, 0, sizeof(sn));
	assert_int_equal(feed(&f->st, seq, TCP_STREAM_SYN, NULL, 0), TCP_SEG_SYN);
	assert_int_equal(
		feed(&f->st, seq + 1, TCP_STREAM_FIN, "garbage\r\n\r\n", 11), TCP_SEG_CLOSED);
	assert_int_equal(tcp_stream_avail(&f->st), 11);
	drain(&f->st, &sn);
	assert_int_equal(sn.losses, 1);
	assert_int_equal(tcp_stream_avail(&f->st), 0);
	assert_true(tcp_stream_closed(&f->st));
	assert_int_equal(feed(&f->st, seq + 12, 0, "y", 1), TCP_SEG_AFTER_CLOSE);
	assert_int_equal(tcp_stream_avail(&f->st), 0);
	fx_free(f);
}

static void
test_gap(void **state)
{
	struct fixture *f = fx_new(8192);
	struct seen sn = {0};
	uint32_t a = L(msg_options), b = L(msg_bye), seq = 1, i;
	int r = 0;

	(void)state;
	/* The first 20 bytes of the OPTIONS never arrive (lost before a mirror port). */
	assert_int_equal(feed(&f->st, seq, 0, msg_options, 10), TCP_SEG_APPENDED);
	assert_int_equal(feed(&f->st, seq + 20, 0, msg_options + 20, a - 20), TCP_SEG_HELD);
	/* Then a BYE in 11-byte pieces; each extends the held block until the limit. */
	for (i = 0; i * 11 < b; i++) {
		uint32_t n = b - i * 11 < 11 ? b - i * 11 : 11;

		r = feed(&f->st, seq + a + i * 11, 0, msg_bye + i * 11, n);
		if (r != TCP_SEG_HELD)
			break;
	}
	/* The block begins inside the OPTIONS: no start line, the stream is lost. */
	assert_int_equal(r, TCP_SEG_GAP);
	assert_int_equal(i + 2, TCP_STREAM_HOLE_SEGS + 1);
	assert_int_equal(tcp_stream_state(&f->st), TCP_STREAM_S_LOST);
	fx_free(f);

	/* Same with a block that begins with a start line: the stream jumps to it. */
	f = fx_new(8192);
	assert_int_equal(feed(&f->st, seq, 0, msg_options, 10), TCP_SEG_APPENDED);
	assert_int_equal(feed(&f->st, seq + a, 0, msg_bye, 11), TCP_SEG_HELD);
	for (i = 1; i * 11 < b; i++) {
		uint32_t n = b - i * 11 < 11 ? b - i * 11 : 11;

		r = feed(&f->st, seq + a + i * 11, 0, msg_bye + i * 11, n);
		if (r != TCP_SEG_HELD)
			break;
	}
	assert_int_equal(r, TCP_SEG_GAP);
	assert_int_equal(tcp_stream_state(&f->st), TCP_STREAM_S_OPEN);
	/* The segment that triggered the gap was stored after the jump. */
	for (i++; i * 11 < b; i++) {
		uint32_t n = b - i * 11 < 11 ? b - i * 11 : 11;

		assert_int_equal(
			feed(&f->st, seq + a + i * 11, 0, msg_bye + i * 11, n), TCP_SEG_APPENDED);
	}
	drain(&f->st, &sn);
	assert_int_equal(sn.n, 1);
	assert_int_equal(sn.method[0], SIP_METHOD_BYE);
	assert_int_equal(sn.losses, 0);
	fx_free(f);
}

static void
test_fin_rst_restart(void **state)
{
	struct fixture *f = fx_new(4096);
	struct seen sn = {0};
	uint32_t a = L(msg_options);

	(void)state;
	/* SYN carrying data (TCP Fast Open): the data starts at ISN + 1. */
	assert_int_equal(feed(&f->st, 41, TCP_STREAM_SYN, msg_options, a), TCP_SEG_SYN);
	assert_int_equal(tcp_stream_avail(&f->st), a);
	/* Data + FIN in one segment: appended, then closed. */
	assert_int_equal(feed(&f->st, 42 + a, TCP_STREAM_FIN, msg_bye, L(msg_bye)), TCP_SEG_CLOSED);
	drain(&f->st, &sn);
	assert_int_equal(sn.n, 2);
	assert_int_equal(
		feed(&f->st, 42 + a, TCP_STREAM_FIN, msg_bye, L(msg_bye)), TCP_SEG_AFTER_CLOSE);
	assert_int_equal(feed(&f->st, 1, TCP_STREAM_RST, NULL, 0), TCP_SEG_AFTER_CLOSE);
	/* The same port pair reused: a new SYN restarts the stream. */
	assert_int_equal(feed(&f->st, 90000, TCP_STREAM_SYN, NULL, 0), TCP_SEG_RESTART);
	assert_int_equal(feed(&f->st, 90001, 0, msg_options, 30), TCP_SEG_APPENDED);
	/* A blind RST far from the stream is ignored... */
	assert_int_equal(
		feed(&f->st, 90001 + 0x40000000u, TCP_STREAM_RST, NULL, 0), TCP_SEG_RST_IGNORED);
	assert_false(tcp_stream_closed(&f->st));
	/* ...one near the next expected byte closes it. */
	assert_int_equal(feed(&f->st, 90031, TCP_STREAM_RST, NULL, 0), TCP_SEG_CLOSED);
	assert_true(tcp_stream_closed(&f->st));
	fx_free(f);

	/* A SYN ahead of an open stream is a new connection. */
	f = fx_new(4096);
	feed(&f->st, 1, TCP_STREAM_SYN, NULL, 0);
	assert_int_equal(feed(&f->st, 2, 0, msg_options, 30), TCP_SEG_APPENDED);
	assert_int_equal(feed(&f->st, 5000, TCP_STREAM_SYN, NULL, 0), TCP_SEG_RESTART);
	assert_int_equal(tcp_stream_avail(&f->st), 0);
	assert_int_equal(tcp_stream_head_seq(&f->st), 5001);
	/* A stale SYN behind it is not. */
	assert_int_equal(feed(&f->st, 1, TCP_STREAM_SYN, NULL, 0), TCP_SEG_DUPLICATE);
	/* A bare FIN in order closes. */
	assert_int_equal(feed(&f->st, 5001, TCP_STREAM_FIN, NULL, 0), TCP_SEG_CLOSED);
	fx_free(f);

	/* FIN before anything: closed; RST on a fresh stream: closed. */
	f = fx_new(64);
	assert_int_equal(feed(&f->st, 3, TCP_STREAM_FIN, NULL, 0), TCP_SEG_CLOSED);
	assert_int_equal(tcp_stream_init(&f->st, f->buf, f->cap), 0);
	assert_int_equal(feed(&f->st, 3, TCP_STREAM_RST, NULL, 0), TCP_SEG_CLOSED);
	fx_free(f);
}

/* Compaction: the unconsumed tail moves to the front when the end of the buffer is reached. */
static void
test_compaction(void **state)
{
	uint32_t a = L(msg_options), b = L(msg_bye), seq = 1, k;
	struct fixture *f = fx_new(a + 100);
	struct seen sn = {0};

	(void)state;
	for (k = 0; k < 20; k++) {
		/* A full OPTIONS plus the first 50 bytes of a BYE, then the rest of the BYE. */
		char seg[1024];

		memcpy(seg, msg_options, a);
		memcpy(seg + a, msg_bye, 50);
		assert_int_equal(feed(&f->st, seq, 0, seg, a + 50), TCP_SEG_APPENDED);
		drain(&f->st, &sn);
		assert_int_equal(tcp_stream_avail(&f->st), 50);
		assert_int_equal(
			feed(&f->st, seq + a + 50, 0, msg_bye + 50, b - 50), TCP_SEG_APPENDED);
		drain(&f->st, &sn);
		seq += a + b;
	}
	assert_int_equal(sn.n, 40);
	assert_int_equal(sn.losses, 0);
	fx_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_and_args),
		cmocka_unit_test(test_sip_start_line),
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_split_every_byte),
		cmocka_unit_test(test_several_per_segment),
		cmocka_unit_test(test_retransmissions_and_overlaps),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_ooo_fin),
		cmocka_unit_test(test_seq_wrap),
		cmocka_unit_test(test_overflow_and_resync),
		cmocka_unit_test(test_overflow_resync_fits),
		cmocka_unit_test(test_skip_oversized),
		cmocka_unit_test(test_mid_connection_and_lose),
		cmocka_unit_test(test_gap),
		cmocka_unit_test(test_fin_rst_restart),
		cmocka_unit_test(test_compaction),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
