/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Unit tests for dataplane/http_msg.c: request methods and response status classes counted
 * once per message however the bytes are segmented, message framing (Content-Length, chunked,
 * HEAD/1xx/204/304, end of connection, CONNECT and Upgrade tunnels), pipelining, malformed
 * messages (lost framing and resynchronisation), and the CWMP namespace across segments.
 * Every message is hand-written here. Each segment is copied into a malloc'd buffer of
 * exactly its length before it is fed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http_msg.h"

#define CLI 0
#define SRV 1

struct sess {
	struct http_msg_state s;
	struct http_msg_counters c;
};

static void
start(struct sess *x)
{
	memset(x, 0, sizeof(*x));
	http_msg_init(&x->s);
}

static void
feed_n(struct sess *x, unsigned int dir, const char *p, size_t n)
{
	uint8_t *b = malloc(n ? n : 1);

	assert_non_null(b);
	memcpy(b, p, n);
	http_msg_input(&x->s, dir, b, (uint32_t)n, &x->c);
	free(b);
}

static void
feed(struct sess *x, unsigned int dir, const char *p)
{
	feed_n(x, dir, p, strlen(p));
}

/* Feed p in segments of k bytes. */
static void
feed_k(struct sess *x, unsigned int dir, const char *p, size_t k)
{
	size_t i, n = strlen(p);

	for (i = 0; i < n; i += k)
		feed_n(x, dir, p + i, n - i < k ? n - i : k);
}

#define CTR(x, id) ((x)->c.v[HTTP_MSG_CTR_##id])

/* ---- a conversation ------------------------------------------------------------------------ */

/* Requests of every named method (and one other token), pipelined, with bodies. */
static const char requests[] = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
			       "HEAD /a HTTP/1.1\r\nHost: h\r\n\r\n"
			       "POST /form HTTP/1.1\r\nHost: h\r\nContent-Length: 7\r\n\r\nx=1&y=2"
			       "PUT /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
			       "4;ext=1\r\nabcd\r\n0\r\nTrailer-Field: x\r\n\r\n"
			       "DELETE /a HTTP/1.1\r\nHost: h\r\n\r\n"
			       "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n"
			       "TRACE / HTTP/1.1\r\nHost: h\r\n\r\n"
			       "PATCH /a HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n";

/* Their responses: every status class, HEAD/204/304 without a body, chunked, Content-Length. */
static const char responses[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
				"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n" /* HEAD: no body */
				"HTTP/1.1 100 Continue\r\n\r\n"
				"HTTP/1.1 302 Found\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n"
				"HTTP/1.1 201 Created\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
				"a\r\n0123456789\r\n0\r\n\r\n"
				"HTTP/1.1 204 No Content\r\n\r\n"
				"HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nno!"
				"HTTP/1.1 304 Not Modified\r\n\r\n"
				"HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n";

static void
check_conversation(const struct sess *x)
{
	assert_int_equal(CTR(x, REQ_GET), 1);
	assert_int_equal(CTR(x, REQ_HEAD), 1);
	assert_int_equal(CTR(x, REQ_POST), 1);
	assert_int_equal(CTR(x, REQ_PUT), 1);
	assert_int_equal(CTR(x, REQ_DELETE), 1);
	assert_int_equal(CTR(x, REQ_OPTIONS), 1);
	assert_int_equal(CTR(x, REQ_TRACE), 1);
	assert_int_equal(CTR(x, REQ_PATCH), 1);
	assert_int_equal(CTR(x, REQ_CONNECT), 0);
	assert_int_equal(CTR(x, REQ_OTHER), 0);
	assert_int_equal(CTR(x, RESP_1XX), 1);
	assert_int_equal(CTR(x, RESP_2XX), 4);
	assert_int_equal(CTR(x, RESP_3XX), 2);
	assert_int_equal(CTR(x, RESP_4XX), 1);
	assert_int_equal(CTR(x, RESP_5XX), 1);
	assert_int_equal(CTR(x, RESP_INVALID), 0);
	assert_int_equal(CTR(x, FRAMING_LOST), 0);
	assert_int_equal(CTR(x, UNSOLICITED), 0);
	assert_int_equal(CTR(x, PIPELINE_OVERFLOW), 0);
	assert_int_equal(CTR(x, REQ_BAD_VERSION), 0);
}

/* Eight pipelined requests and their nine responses (one interim), whole. */
static void
test_conversation(void **state)
{
	struct sess x;

	(void)state;
	start(&x);
	feed(&x, CLI, requests);
	feed(&x, SRV, responses);
	check_conversation(&x);
}

/* The same in segments of 1, 2, 3, 7 and 64 bytes: the same counts. */
static void
test_conversation_segmented(void **state)
{
	static const size_t ks[] = {1, 2, 3, 7, 64};
	struct sess x;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
		start(&x);
		feed_k(&x, CLI, requests, ks[i]);
		feed_k(&x, SRV, responses, ks[i]);
		check_conversation(&x);
	}
}

/* Request and response in alternation, the direction numbers swapped: the same counts. */
static void
test_direction_free(void **state)
{
	struct sess x;

	(void)state;
	start(&x);
	feed(&x, 1, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
	feed(&x, 0, "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok");
	feed(&x, 1, "BREW /pot HTTP/1.1\r\nHost: a\r\n\r\n");
	feed(&x, 0, "HTTP/1.1 418 I'm a teapot\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(CTR(&x, REQ_GET), 1);
	assert_int_equal(CTR(&x, REQ_OTHER), 1);
	assert_int_equal(CTR(&x, RESP_2XX), 1);
	assert_int_equal(CTR(&x, RESP_4XX), 1);
	assert_int_equal(CTR(&x, UNSOLICITED), 0);
}

/* A body delimited by the end of the connection: nothing after it is counted. */
static void
test_body_to_eof(void **state)
{
	struct sess x;

	(void)state;
	start(&x);
	feed(&x, CLI, "GET / HTTP/1.0\r\n\r\n");
	feed(&x, SRV, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nbody\r\n");
	feed(&x, SRV, "HTTP/1.1 500 Looks like a response\r\n\r\n");
	assert_int_equal(CTR(&x, RESP_2XX), 1);
	assert_int_equal(CTR(&x, RESP_5XX), 0);
	/* a response Transfer-Encoding other than chunked last: also to the end */
	start(&x);
	feed(&x, CLI, "GET / HTTP/1.1\r\n\r\n");
	feed(&x, SRV, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n\x1f\x8b\r\n");
	assert_int_equal(CTR(&x, FRAMING_LOST), 0);
}

/* CONNECT 2xx and 101 Switching Protocols: the rest of the connection is not HTTP. */
static void
test_tunnels(void **state)
{
	struct sess x;

	(void)state;
	start(&x);
	feed(&x, CLI, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
	feed(&x, SRV, "HTTP/1.1 200 Connection established\r\n\r\n");
	feed(&x, CLI, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03GET / HTTP/1.1\r\n\r\n");
	feed(&x, SRV, "HTTP/1.1 200 OK\r\n\r\n");
	assert_int_equal(CTR(&x, REQ_CONNECT), 1);
	assert_int_equal(CTR(&x, REQ_GET), 0);
	assert_int_equal(CTR(&x, RESP_2XX), 1);
	assert_int_equal(CTR(&x, TUNNELS), 1);
	assert_int_equal(CTR(&x, FRAMING_LOST), 0);
	assert_true(x.s.flags & HTTP_MSG_F_TUNNEL);

	/* a refused CONNECT: still HTTP */
	start(&x);
	feed(&x, CLI, "CONNECT example.com:443 HTTP/1.1\r\n\r\n");
	feed(&x, SRV, "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n");
	feed(&x, CLI, "CONNECT example.com:443 HTTP/1.1\r\nProxy-Authorization: x\r\n\r\n");
	assert_int_equal(CTR(&x, REQ_CONNECT), 2);
	assert_int_equal(CTR(&x, TUNNELS), 0);

	/* WebSocket upgrade */
	start(&x);
	feed(&x, CLI,
		"GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
	feed(&x, SRV,
		"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05hello");
	feed(&x, CLI, "\x81\x85\x00\x00\x00\x00hello");
	assert_int_equal(CTR(&x, RESP_1XX), 1);
	assert_int_equal(CTR(&x, TUNNELS), 1);
	assert_int_equal(CTR(&x, FRAMING_LOST), 0);
}

/* Malformed messages: lost framing, then the next strict start line resynchronises. */
static void
test_malformed(void **state)
{
	struct sess x;

	(void)state;
	/* a Content-Length that is not a number */
	start(&x);
	feed(&x, CLI,
		"POST / HTTP/1.1\r\nContent-Length: 12abc\r\n\r\nwhatever bytes\r\n"
		"GET /next HTTP/1.1\r\n\r\n");
	assert_int_equal(CTR(&x, REQ_POST), 1);
	assert_int_equal(CTR(&x, FRAMING_LOST), 1);
	assert_int_equal(CTR(&x, RESYNC), 1);
	assert_int_equal(CTR(&x, REQ_GET), 1);
	/* conflicting Content-Length values */
	start(&x);
	feed(&x, CLI, "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd");
	assert_int_equal(CTR(&x, FRAMING_LOST), 1);
	/* the same value twice is fine */
	start(&x);
	feed(&x, CLI,
		"POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc"
		"GET / HTTP/1.1\r\n\r\n");
	assert_int_equal(CTR(&x, FRAMING_LOST), 0);
	assert_int_equal(CTR(&x, REQ_GET), 1);
	/* a bad chunk size, and a chunk not followed by CRLF */
	start(&x);
	feed(&x, SRV, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
	assert_int_equal(CTR(&x, FRAMING_LOST), 1);
	assert_int_equal(CTR(&x, UNSOLICITED), 1);
	start(&x);
	feed(&x, SRV, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabcd\r\n");
	assert_int_equal(CTR(&x, FRAMING_LOST), 1);
	/* a chunk size over 2^62 */
	start(&x);
	feed(&x, SRV, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n");
	assert_int_equal(CTR(&x, FRAMING_LOST), 1);
	/* a request with a Transfer-Encoding the server cannot frame */
	start(&x);
	feed(&x, CLI, "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n\x1f\x8b");
	assert_int_equal(CTR(&x, FRAMING_LOST), 1);
	/* a line that is not a start line where one is expected */
	start(&x);
	feed(&x, CLI, "hello there\r\nGET / HTTP/1.1\r\n\r\n");
	assert_int_equal(CTR(&x, FRAMING_LOST), 1);
	assert_int_equal(CTR(&x, RESYNC), 1);
	assert_int_equal(CTR(&x, REQ_GET), 1);
	/* invalid status lines: counted, then the framing is lost */
	start(&x);
	feed(&x, SRV,
		"HTTP/1.1 999 What\r\n\r\nHTTP/1.1 abc\r\n\r\nHTTP/1.1 200 OK\r\n"
		"Content-Length: 0\r\n\r\n");
	assert_int_equal(CTR(&x, RESP_INVALID), 1);
	assert_int_equal(CTR(&x, RESYNC), 1);
	assert_int_equal(CTR(&x, RESP_2XX), 1);
	/* a known method without HTTP/1.x (HTTP/0.9 style) */
	start(&x);
	feed(&x, CLI, "GET /index.html\r\n\r\n");
	assert_int_equal(CTR(&x, REQ_GET), 1);
	assert_int_equal(CTR(&x, REQ_BAD_VERSION), 1);
	/* the lower-case version is not HTTP (RFC 9112 2.3: HTTP-name is case-sensitive) */
	start(&x);
	feed(&x, SRV, "http/1.1 200 OK\r\n\r\n");
	assert_int_equal(CTR(&x, RESP_2XX), 0);
	assert_int_equal(CTR(&x, FRAMING_LOST), 1);
	/* binary garbage */
	start(&x);
	feed_n(&x, CLI, "\x00\x01\x02\n\xff\xfe\n\n", 8);
	assert_int_equal(CTR(&x, FRAMING_LOST), 1);
}

/* A gap reported by the caller loses the framing until the next start line. */
static void
test_gap(void **state)
{
	struct sess x;

	(void)state;
	start(&x);
	feed(&x, SRV, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst part");
	http_msg_gap(&x.s, SRV, &x.c);
	assert_int_equal(CTR(&x, FRAMING_LOST), 1);
	feed(&x, SRV,
		"...rest of a body...\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(CTR(&x, RESYNC), 1);
	assert_int_equal(CTR(&x, RESP_4XX), 1);
	/* a second gap while lost is not a second loss */
	http_msg_gap(&x.s, SRV, &x.c);
	http_msg_gap(&x.s, SRV, &x.c);
	assert_int_equal(CTR(&x, FRAMING_LOST), 2);
	http_msg_gap(NULL, 0, &x.c);
	http_msg_gap(&x.s, 2, &x.c);
}

/* 100 Continue before the final response; responses with nothing pending; overflow. */
static void
test_interim_and_queue(void **state)
{
	struct sess x;
	unsigned int i;

	(void)state;
	start(&x);
	feed(&x, CLI, "POST /u HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
	feed(&x, SRV, "HTTP/1.1 100 Continue\r\n\r\n");
	feed(&x, CLI, "abc");
	feed(&x, SRV, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(CTR(&x, RESP_1XX), 1);
	assert_int_equal(CTR(&x, RESP_2XX), 1);
	assert_int_equal(CTR(&x, UNSOLICITED), 0);
	feed(&x, SRV, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(CTR(&x, UNSOLICITED), 1);

	start(&x);
	for (i = 0; i < HTTP_MSG_QUEUE + 2; i++)
		feed(&x, CLI, "GET / HTTP/1.1\r\n\r\n");
	assert_int_equal(CTR(&x, REQ_GET), HTTP_MSG_QUEUE + 2);
	assert_int_equal(CTR(&x, PIPELINE_OVERFLOW), 2);
}

/* Lines longer than anything kept: saturating lengths, no overflow. */
static void
test_long_lines(void **state)
{
	/* static: gcc -O2 with ASan sees the NULL path past assert_non_null() of a malloc and
	 * warns (-Warray-bounds) on the memset below */
	static char big[70000 + 64 + 1];
	struct sess x;

	(void)state;
	start(&x);
	/* a 70000-byte header value, then the end of the headers */
	strcpy(big, "GET / HTTP/1.1\r\nCookie: ");
	memset(big + strlen(big), 'c', 70000);
	strcpy(big + 24 + 70000, "\r\n\r\n");
	feed(&x, CLI, big);
	feed(&x, CLI, "GET /2 HTTP/1.1\r\n\r\n");
	assert_int_equal(CTR(&x, REQ_GET), 2);
	assert_int_equal(CTR(&x, FRAMING_LOST), 0);
	/* a 70000-byte request target: the version is found at the end of the line */
	start(&x);
	strcpy(big, "GET /");
	memset(big + 5, 'p', 70000);
	strcpy(big + 5 + 70000, " HTTP/1.1\r\n\r\n");
	feed_k(&x, CLI, big, 1000);
	assert_int_equal(CTR(&x, REQ_GET), 1);
	assert_int_equal(CTR(&x, REQ_BAD_VERSION), 0);
	/* a Content-Length too long to have been seen whole: bad */
	start(&x);
	feed(&x, CLI,
		"POST / HTTP/1.1\r\nContent-Length:                                     1\r\n\r\n");
	assert_int_equal(CTR(&x, FRAMING_LOST), 1);
}

/* The CWMP namespace, whole, split across segments and directions, or beyond the limit. */
static void
test_cwmp(void **state)
{
	static const char ns[] = "xmlns:cwmp=\"urn:dslforum-org:cwmp-1-0\"";
	struct sess x;
	size_t cut;
	char *pad;

	(void)state;
	assert_true(http_msg_is_cwmp((const uint8_t *)ns, (uint32_t)strlen(ns)));
	assert_false(http_msg_is_cwmp((const uint8_t *)ns, (uint32_t)strlen(ns) - 2));
	assert_false(http_msg_is_cwmp(NULL, 0));
	/* every split point */
	for (cut = 1; cut < strlen(ns); cut++) {
		start(&x);
		feed(&x, CLI, "POST /acs HTTP/1.1\r\nContent-Length: 38\r\n\r\n");
		feed_n(&x, CLI, ns, cut);
		assert_false(http_msg_cwmp_seen(&x.s) && cut < strlen(ns) - 1);
		feed_n(&x, CLI, ns + cut, strlen(ns) - cut);
		assert_true(http_msg_cwmp_seen(&x.s));
	}
	/* "uurn:..." (a false start right before the real one) */
	start(&x);
	feed(&x, SRV, "uurn:dslforum-org:cwmp-1-");
	feed(&x, SRV, "2");
	assert_true(http_msg_cwmp_seen(&x.s));
	/* past HTTP_MSG_CWMP_SCAN_MAX bytes nothing is searched */
	start(&x);
	pad = malloc(HTTP_MSG_CWMP_SCAN_MAX + 1);
	assert_non_null(pad);
	memset(pad, 'x', HTTP_MSG_CWMP_SCAN_MAX);
	pad[HTTP_MSG_CWMP_SCAN_MAX] = '\0';
	feed(&x, SRV, pad);
	feed(&x, SRV, ns);
	assert_false(http_msg_cwmp_seen(&x.s));
	free(pad);
}

/* Names, lookups and arguments refused. */
static void
test_names(void **state)
{
	struct http_msg_counters c;
	struct http_msg_state s;
	unsigned int i;

	(void)state;
	assert_string_equal(http_msg_ctr_name(HTTP_MSG_CTR_REQ_GET), "http_req_get");
	assert_string_equal(http_msg_ctr_name(HTTP_MSG_CTR_RESP_5XX), "http_resp_5xx");
	assert_string_equal(http_msg_ctr_name(HTTP_MSG_CTR_MAX), "?");
	for (i = 0; i < HTTP_MSG_CTR_MAX; i++)
		assert_true(strncmp(http_msg_ctr_name(i), "http_", 5) == 0);
	assert_string_equal(http_msg_method_name(HTTP_MSG_METHOD_PATCH), "PATCH");
	assert_string_equal(http_msg_method_name(HTTP_MSG_METHOD_MAX), "?");
	assert_int_equal(
		http_msg_method_lookup((const uint8_t *)"OPTIONS", 7), HTTP_MSG_METHOD_OPTIONS);
	/* methods are case-sensitive */
	assert_int_equal(http_msg_method_lookup((const uint8_t *)"get", 3), HTTP_MSG_METHOD_OTHER);
	assert_int_equal(http_msg_method_lookup((const uint8_t *)"GETS", 4), HTTP_MSG_METHOD_OTHER);

	http_msg_init(&s);
	memset(&c, 0, sizeof(c));
	http_msg_input(NULL, 0, (const uint8_t *)"x", 1, &c);
	http_msg_input(&s, 2, (const uint8_t *)"x", 1, &c);
	http_msg_input(&s, 0, NULL, 1, &c);
	http_msg_input(&s, 0, (const uint8_t *)"x", 1, NULL);
	for (i = 0; i < HTTP_MSG_CTR_MAX; i++)
		assert_int_equal(c.v[i], 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conversation),
		cmocka_unit_test(test_conversation_segmented),
		cmocka_unit_test(test_direction_free),
		cmocka_unit_test(test_body_to_eof),
		cmocka_unit_test(test_tunnels),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_gap),
		cmocka_unit_test(test_interim_and_queue),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_cwmp),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("http_msg", tests, NULL, NULL);
}
