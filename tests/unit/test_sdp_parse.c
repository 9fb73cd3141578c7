/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Unit tests for dataplane/sdp_parse.c.
 *
 * Each description is copied into a malloc'd buffer of exactly its length
 * (no NUL terminator) before parsing, so ASan catches any read past len.
 * The textual address parsers are checked against libc inet_pton().
 * The test_capture_* tests read SDP bodies from captures of the shared
 * corpus at run time (corpus_frames.c, libpcap) and are skipped when
 * ../shared/corpus is absent; every other description here is hand-written.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "corpus_frames.h"
#include "sdp_parse.h"

struct ps {
	uint8_t *buf;
	uint32_t len;
	int ret;
	struct sdp_session sdp;
};

static struct ps *
ps_parse_n(const void *data, size_t n)
{
	struct ps *ps = calloc(1, sizeof(*ps));

	assert_non_null(ps);
	ps->buf = malloc(n ? n : 1);
	assert_non_null(ps->buf);
	memcpy(ps->buf, data, n);
	ps->len = (uint32_t)n;
	ps->ret = sdp_parse(ps->buf, ps->len, &ps->sdp);
	return ps;
}

static struct ps *
ps_parse(const char *s)
{
	return ps_parse_n(s, strlen(s));
}

static void
ps_free(struct ps *ps)
{
	free(ps->buf);
	free(ps);
}

/* Expect ps to have parsed without error. */
static struct ps *
check_ok(struct ps *ps)
{
	if (ps->ret != SDP_PARSE_OK)
		print_error("unexpected %s at %u: \"%.20s\"\n", sdp_err_name(ps->sdp.err),
			ps->sdp.err_off, (const char *)ps->buf + ps->sdp.err_off);
	assert_int_equal(ps->ret, SDP_PARSE_OK);
	return ps;
}

static struct ps *
expect_ok(const char *s)
{
	return check_ok(ps_parse(s));
}

static void
expect_err(const char *s, enum sdp_error err)
{
	struct ps *ps = ps_parse(s);

	if (ps->ret != SDP_PARSE_MALFORMED || ps->sdp.err != err)
		print_error("got %d/%s, expected %s for:\n%s\n", ps->ret, sdp_err_name(ps->sdp.err),
			sdp_err_name(err), s);
	assert_int_equal(ps->ret, SDP_PARSE_MALFORMED);
	assert_string_equal(sdp_err_name(ps->sdp.err), sdp_err_name(err));
	assert_true(ps->sdp.err_off < ps->len);
	ps_free(ps);
}

static void
check_str(const uint8_t *buf, struct sdp_str s, const char *expect)
{
	size_t n = strlen(expect);

	if (s.len != n || memcmp(buf + s.off, expect, n) != 0) {
		print_error("got \"%.*s\", expected \"%s\"\n", (int)s.len,
			(const char *)buf + s.off, expect);
		fail();
	}
}

static void
check_ip4(const struct sdp_conn *c, const char *text)
{
	uint8_t a[4];

	assert_non_null(c);
	assert_int_equal(c->af, SDP_AF_IP4);
	assert_int_equal(inet_pton(AF_INET, text, a), 1);
	assert_memory_equal(c->addr, a, 4);
}

static void
check_ip6(const struct sdp_conn *c, const char *text)
{
	uint8_t a[16];

	assert_non_null(c);
	assert_int_equal(c->af, SDP_AF_IP6);
	assert_int_equal(inet_pton(AF_INET6, text, a), 1);
	assert_memory_equal(c->addr, a, 16);
}

/* Session header shared by many tests: v=, o=, s=, t= and a session-level c=. */
#define HDR "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"

/*
 * Reference offer (hand-written for these tests, shaped like a SIP load
 * generator's default offer): v/o/s/c/t at session level with a session id
 * and a version above 2^31, one audio stream offering PCMA and
 * telephone-event, an fmtp range list, no direction attribute.
 */
static const char ref_offer[] = "v=0\r\n"
				"o=vpep 2718281828 3141592653 IN IP4 198.51.100.7\r\n"
				"s=Unit call\r\n"
				"c=IN IP4 198.51.100.7\r\n"
				"t=0 0\r\n"
				"m=audio 31000 RTP/AVP 8 100\r\n"
				"a=rtpmap:8 PCMA/8000\r\n"
				"a=rtpmap:100 telephone-event/8000\r\n"
				"a=fmtp:100 0-9,12\r\n";

static void
test_basic_offer(void **state)
{
	struct ps *ps = expect_ok(ref_offer);
	const struct sdp_session *s = &ps->sdp;
	const struct sdp_media *m = &s->media[0];

	(void)state;
	assert_int_equal(s->sess_id, 2718281828u);
	assert_int_equal(s->sess_version, 3141592653u);
	check_str(ps->buf, s->origin_user, "vpep");
	check_str(ps->buf, s->sess_id_text, "2718281828");
	check_str(ps->buf, s->origin_addr, "198.51.100.7");
	check_str(ps->buf, s->name, "Unit call");
	check_ip4(&s->conn, "198.51.100.7");
	assert_int_equal(s->conn.ttl, 0);
	assert_int_equal(s->conn.naddr, 1);
	assert_int_equal(s->t_start, 0);
	assert_int_equal(s->t_stop, 0);
	assert_int_equal(s->flags, 0);
	assert_int_equal(s->nmedia, 1);
	assert_int_equal(s->nmedia_total, 1);
	assert_int_equal(m->type, SDP_MEDIA_AUDIO);
	check_str(ps->buf, m->type_text, "audio");
	assert_int_equal(m->port, 31000);
	assert_int_equal(m->nports, 1);
	assert_int_equal(m->proto, SDP_PROTO_RTP_AVP);
	assert_true(m->flags & SDP_MF_RTP);
	check_str(ps->buf, m->fmt_text, "8 100");
	assert_int_equal(m->nfmt, 2);
	assert_int_equal(m->fmt[0], 8);
	assert_int_equal(m->fmt[1], 100);
	assert_int_equal(m->nrtpmap, 2);
	assert_int_equal(m->rtpmap[0].pt, 8);
	check_str(ps->buf, m->rtpmap[0].enc, "PCMA");
	assert_int_equal(m->rtpmap[0].clock, 8000);
	assert_int_equal(m->rtpmap[0].channels, 0);
	assert_int_equal(m->rtpmap[1].pt, 100);
	assert_true(m->rtpmap[1].telephone_event);
	assert_true(m->flags & SDP_MF_TELEPHONE_EVENT);
	assert_int_equal(m->te_pt, 100);
	assert_int_equal(m->nfmtp, 1);
	assert_int_equal(m->fmtp[0].pt, 100);
	check_str(ps->buf, m->fmtp[0].params, "0-9,12");
	assert_int_equal(m->conn.af, SDP_AF_NONE);
	assert_ptr_equal(sdp_media_conn(s, 0), &s->conn);
	assert_int_equal(sdp_media_dir(s, 0), SDP_DIR_SENDRECV);
	assert_int_equal(sdp_media_rtcp_port(s, 0), 31001);
	assert_ptr_equal(sdp_media_rtcp_conn(s, 0), &s->conn);
	assert_false(sdp_media_is_hold(s, 0));
	assert_false(sdp_media_is_disabled(s, 0));
	assert_ptr_equal(sdp_media_rtpmap(s, 0, 100), &m->rtpmap[1]);
	assert_null(sdp_media_rtpmap(s, 0, 0));
	/* out-of-range media indexes are safe */
	assert_null(sdp_media_conn(s, 1));
	assert_int_equal(sdp_media_rtcp_port(s, 5), 0);
	assert_false(sdp_media_is_hold(s, 8));
	assert_false(sdp_media_is_disabled(s, 100));
	assert_null(sdp_media_rtpmap(s, 9, 0));
	ps_free(ps);
}

static void
test_every_line_type(void **state)
{
	struct ps *ps;

	(void)state;
	/* One of every RFC 4566 line type, in the RFC's order. */
	ps = expect_ok("v=0\r\n"
		       "o=jdoe 2890844526 2890842807 IN IP4 10.47.16.5\r\n"
		       "s=SDP Seminar\r\n"
		       "i=A Seminar on the session description protocol\r\n"
		       "u=http://www.example.com/seminars/sdp.pdf\r\n"
		       "e=j.doe@example.com (Jane Doe)\r\n"
		       "p=+1 617 555-6011\r\n"
		       "c=IN IP4 224.2.17.12/127\r\n"
		       "b=AS:2000\r\n"
		       "t=2873397496 2873404696\r\n"
		       "r=7d 1h 0 25h\r\n"
		       "z=2882844526 -1h 2898848070 0\r\n"
		       "k=clear:secret\r\n"
		       "a=recvonly\r\n"
		       "m=audio 49170 RTP/AVP 0\r\n"
		       "i=media title\r\n"
		       "c=IN IP4 224.2.17.13/64\r\n"
		       "b=TIAS:64000\r\n"
		       "k=prompt\r\n"
		       "a=mid:a1\r\n"
		       "m=video 51372/2 RTP/AVP 99\r\n"
		       "b=AS:256\r\n"
		       "a=rtpmap:99 h263-1998/90000\r\n"
		       "a=sendonly\r\n"
		       "x=an unknown line type\r\n");
	assert_int_equal(ps->sdp.t_start, 2873397496u);
	assert_int_equal(ps->sdp.t_stop, 2873404696u);
	assert_int_equal(ps->sdp.bw_as, 2000);
	check_str(ps->buf, ps->sdp.name, "SDP Seminar");
	assert_int_equal(ps->sdp.conn.ttl, 127);
	check_ip4(&ps->sdp.conn, "224.2.17.12");
	assert_int_equal(ps->sdp.dir, SDP_DIR_RECVONLY);
	assert_int_equal(ps->sdp.nmedia, 2);
	check_ip4(sdp_media_conn(&ps->sdp, 0), "224.2.17.13");
	assert_int_equal(ps->sdp.media[0].conn.ttl, 64);
	assert_int_equal(ps->sdp.media[0].bw_tias, 64000);
	check_str(ps->buf, ps->sdp.media[0].mid, "a1");
	assert_int_equal(sdp_media_dir(&ps->sdp, 0), SDP_DIR_RECVONLY);
	assert_int_equal(ps->sdp.media[1].port, 51372);
	assert_int_equal(ps->sdp.media[1].nports, 2);
	assert_int_equal(ps->sdp.media[1].bw_as, 256);
	assert_int_equal(ps->sdp.media[1].rtpmap[0].clock, 90000);
	check_ip4(sdp_media_conn(&ps->sdp, 1), "224.2.17.12");
	assert_int_equal(sdp_media_dir(&ps->sdp, 1), SDP_DIR_SENDONLY);
	ps_free(ps);
}

static void
test_ipv4_ipv6_connection(void **state)
{
	/* c= lines, and the family, address (NULL: host name), TTL and count each must give. */
	static const struct {
		const char *line;
		int af;
		const char *addr; /* for inet_pton; NULL = FQDN */
		uint8_t ttl;
		uint16_t naddr;
	} t[] = {
		{"c=IN IP4 192.0.2.10", SDP_AF_IP4, "192.0.2.10", 0, 1},
		{"c=IN IP4 224.2.1.1/127/3", SDP_AF_IP4, "224.2.1.1", 127, 3},
		{"c=IN IP4 0.0.0.0", SDP_AF_IP4, "0.0.0.0", 0, 1},
		{"c=IN IP4 255.255.255.255", SDP_AF_IP4, "255.255.255.255", 0, 1},
		{"c=IN IP6 2001:db8::1", SDP_AF_IP6, "2001:db8::1", 0, 1},
		{"c=IN IP6 ::1", SDP_AF_IP6, "::1", 0, 1},
		{"c=IN IP6 ::", SDP_AF_IP6, "::", 0, 1},
		{"c=IN IP6 FF15::101/3", SDP_AF_IP6, "ff15::101", 0, 3},
		{"c=IN IP6 ::ffff:192.0.2.128", SDP_AF_IP6, "::ffff:192.0.2.128", 0, 1},
		{"c=IN IP6 2001:DB8:0:0:1:0:0:1", SDP_AF_IP6, "2001:db8::1:0:0:1", 0, 1},
		{"c=IN IP6 fe80::1:2:3:4:5:6", SDP_AF_IP6, "fe80:0:1:2:3:4:5:6", 0, 1},
		/* sipp 3.6.1 writes IPv6 in brackets (not RFC 4566, tolerated) */
		{"c=IN IP6 [::1]", SDP_AF_IP6, "::1", 0, 1},
		{"c=in ip4 192.0.2.11", SDP_AF_IP4, "192.0.2.11", 0, 1},
		{"c=IN IP4 media.example.com", SDP_AF_IP4, NULL, 0, 1},
		{"c=IN IP6 media6.example.com", SDP_AF_IP6, NULL, 0, 1},
	};
	unsigned int i;
	char s[512];

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct ps *ps;

		/* A one-media description whose only c= line is t[i].line. */
		snprintf(s, sizeof(s),
			"v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\n%s\r\nt=0 0\r\n"
			"m=audio 4000 RTP/AVP 0\r\n",
			t[i].line);
		ps = expect_ok(s);
		assert_int_equal(ps->sdp.conn.af, t[i].af);
		if (t[i].addr == NULL) {
			assert_true(ps->sdp.conn.fqdn);
		} else if (t[i].af == SDP_AF_IP4) {
			check_ip4(&ps->sdp.conn, t[i].addr);
			assert_false(ps->sdp.conn.fqdn);
		} else {
			check_ip6(&ps->sdp.conn, t[i].addr);
		}
		assert_int_equal(ps->sdp.conn.ttl, t[i].ttl);
		assert_int_equal(ps->sdp.conn.naddr, t[i].naddr);
		ps_free(ps);
	}
}

static void
test_connection_errors(void **state)
{
	/* Malformed c= lines. */
	static const char *const bad[] = {
		"c=IN IP4",  /* truncated */
		"c=IN IP4 ", /* truncated, trailing SP */
		"c=IN",
		"c=IN IP4 192.0.2", /* three octets */
		"c=IN IP4 192.0.2.256",
		"c=IN IP4 192.0.2.1.5",
		"c=IN IP4 1.2.3.4/",	  /* empty ttl */
		"c=IN IP4 224.2.1.1/256", /* ttl > 255 */
		"c=IN IP4 224.2.1.1/1/0", /* zero addresses */
		"c=IN IP4 224.2.1.1/1/2/3",
		"c=IN IP6 1:2:3:4:5:6:7:8:9",
		"c=IN IP6 1::2::3",
		"c=IN IP6 :::",
		"c=IN IP6 ::1/64/2", /* IPv6 has no TTL */
		"c=IN IP6 12345::1",
		"c=IN IP6 ::1%eth0",
		"c=IN IP6 [::1",
		"c=IN IP7 192.0.2.1",
		"c=ATM NSAP 47.0005.80.ffe100.0000.f21a.26d8.0020ea000ee0.00",
		"c=IN IP4 192.0.2.1 extra",
		"c=IN IP4 bad_host!",
	};
	unsigned int i;
	char s[512];

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* A description whose session-level c= line is bad[i]. */
		snprintf(s, sizeof(s),
			"v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\n%s\r\nt=0 0\r\n"
			"m=audio 4000 RTP/AVP 0\r\n",
			bad[i]);
		expect_err(s, SDP_ERR_BAD_CONNECTION);
	}
}

static void
test_addr_parsers_vs_inet_pton(void **state)
{
	/* IPv4 strings, good and bad, compared with inet_pton(). */
	static const char *const v4[] = {
		"0.0.0.0",
		"1.2.3.4",
		"255.255.255.255",
		"10.0.0.1",
		"172.16.254.1",
		"1.2.3",
		"1.2.3.4.5",
		"256.1.1.1",
		"1..2.3",
		".1.2.3",
		"1.2.3.",
		"a.b.c.d",
		"1.2.3.4 ",
		" 1.2.3.4",
		"1.2.3.-4",
		"",
		"1234.1.1.1",
		"1.2.3.4/8",
	};
	/* IPv6 strings, good and bad, compared with inet_pton(). */
	static const char *const v6[] = {
		"::",
		"::1",
		"1::",
		"2001:db8::1",
		"2001:0db8:0000:0000:0000:ff00:0042:8329",
		"fe80::1:2:3:4:5:6",
		"1:2:3:4:5:6:7:8",
		"1:2:3:4:5:6:7::",
		"::2:3:4:5:6:7:8",
		"::ffff:1.2.3.4",
		"64:ff9b::192.0.2.33",
		"1:2:3:4:5:6:1.2.3.4",
		"A:B:C:D:E:F:a:b",
		"1:2:3:4:5:6:7:8:9",
		"1::2::3",
		":::",
		":1:2:3:4:5:6:7:8",
		"1:2:3:4:5:6:7:8:",
		"12345::",
		"g::1",
		"1:2:3:4:5:6:7:1.2.3.4",
		"::1.2.3",
		"::256.1.1.1",
		":",
		"",
		"1:",
		"::1.2.3.4:5",
		"1:2:3:4:5:6:7",
		"[::1]",
		"::ffff:1.2.3.4.5",
		/* "::" must stand for at least one group */
		"1::2:3:4:5:6:7:8",
		"::1:2:3:4:5:6:7:8",
		"1:2:3:4:5:6:7:8::",
		"1:2:3:4::5:6:7:8",
		"::1:2:3:4:5:6:1.2.3.4",
		"1:2:3:4:5:6::1.2.3.4",
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(v4) / sizeof(v4[0]); i++) {
		uint8_t a[4], b[4];
		size_t n = strlen(v4[i]);
		uint8_t *p = malloc(n ? n : 1);
		int mine, ref = inet_pton(AF_INET, v4[i], b);

		memcpy(p, v4[i], n);
		mine = sdp_addr_parse_ip4(p, (uint32_t)n, a);
		if ((mine == 0) != (ref == 1))
			print_error("IPv4 \"%s\": mine %d, inet_pton %d\n", v4[i], mine, ref);
		assert_int_equal(mine == 0, ref == 1);
		if (mine == 0)
			assert_memory_equal(a, b, 4);
		free(p);
	}
	for (i = 0; i < sizeof(v6) / sizeof(v6[0]); i++) {
		uint8_t a[16], b[16];
		size_t n = strlen(v6[i]);
		uint8_t *p = malloc(n ? n : 1);
		int mine, ref = inet_pton(AF_INET6, v6[i], b);

		memcpy(p, v6[i], n);
		mine = sdp_addr_parse_ip6(p, (uint32_t)n, a);
		if ((mine == 0) != (ref == 1))
			print_error("IPv6 \"%s\": mine %d, inet_pton %d\n", v6[i], mine, ref);
		assert_int_equal(mine == 0, ref == 1);
		if (mine == 0)
			assert_memory_equal(a, b, 16);
		free(p);
	}
	/* Deliberate difference: leading zeros are decimal (glibc's inet_pton rejects them). */
	{
		uint8_t a[4];
		assert_int_equal(sdp_addr_parse_ip4((const uint8_t *)"010.001.000.009", 15, a), 0);
		assert_int_equal(a[0], 10);
		assert_int_equal(a[3], 9);
	}
	/* Only the given length is read: the byte after it is never looked at. */
	{
		uint8_t a[16];
		assert_int_equal(sdp_addr_parse_ip4((const uint8_t *)"1.2.3.45", 7, a), 0);
		assert_int_equal(a[3], 4);
		assert_int_equal(sdp_addr_parse_ip6((const uint8_t *)"::12345", 6, a), 0);
		assert_int_equal(a[14], 0x12);
		assert_int_equal(a[15], 0x34);
	}
}

static void
test_rtcp_attribute(void **state)
{
	struct ps *ps;

	(void)state;
	/* a=rtcp with a port only (RFC 3605). */
	ps = expect_ok(HDR "m=audio 49170 RTP/AVP 0\r\na=rtcp:53020\r\n");
	assert_true(ps->sdp.media[0].flags & SDP_MF_HAS_RTCP);
	assert_int_equal(sdp_media_rtcp_port(&ps->sdp, 0), 53020);
	assert_ptr_equal(sdp_media_rtcp_conn(&ps->sdp, 0), &ps->sdp.conn);
	ps_free(ps);
	/* a=rtcp with an IPv4 address. */
	ps = expect_ok(HDR "m=audio 49170 RTP/AVP 0\r\na=rtcp:53020 IN IP4 126.16.64.4\r\n");
	assert_int_equal(sdp_media_rtcp_port(&ps->sdp, 0), 53020);
	check_ip4(sdp_media_rtcp_conn(&ps->sdp, 0), "126.16.64.4");
	check_ip4(sdp_media_conn(&ps->sdp, 0), "192.0.2.1");
	ps_free(ps);
	/* a=rtcp with an IPv6 address. */
	ps = expect_ok(HDR "m=audio 49170 RTP/AVP 0\r\na=rtcp:53020 IN IP6 "
			   "2001:2345:6789:ABCD:EF01:2345:6789:ABCD\r\n");
	check_ip6(sdp_media_rtcp_conn(&ps->sdp, 0), "2001:2345:6789:abcd:ef01:2345:6789:abcd");
	ps_free(ps);
	/* rtcp-mux: RTCP on the RTP port, whatever a=rtcp says (RFC 5761 5.1.3). */
	ps = expect_ok(HDR "m=audio 49170 RTP/AVP 0\r\na=rtcp:49170\r\na=rtcp-mux\r\n");
	assert_true(ps->sdp.media[0].flags & SDP_MF_RTCP_MUX);
	assert_int_equal(sdp_media_rtcp_port(&ps->sdp, 0), 49170);
	ps_free(ps);
	/* rtcp-mux alone. */
	ps = expect_ok(HDR "m=audio 49170 RTP/AVP 0\r\na=rtcp-mux\r\n");
	assert_int_equal(sdp_media_rtcp_port(&ps->sdp, 0), 49170);
	ps_free(ps);
	/* No attribute: RTP port + 1; port 65535 has no +1; port 0 is disabled; udptl has no RTCP.
	 */
	ps = expect_ok(
		HDR "m=audio 65535 RTP/AVP 0\r\nm=audio 0 RTP/AVP 0\r\nm=image 6000 udptl t38\r\n"
		    "m=audio 4000 RTP/SAVP 0\r\n");
	assert_int_equal(sdp_media_rtcp_port(&ps->sdp, 0), 0);
	assert_int_equal(sdp_media_rtcp_port(&ps->sdp, 1), 0);
	assert_int_equal(sdp_media_rtcp_port(&ps->sdp, 2), 0);
	assert_int_equal(sdp_media_rtcp_port(&ps->sdp, 3), 4001);
	ps_free(ps);
	/* Malformed a=rtcp. */
	expect_err(HDR "m=audio 49170 RTP/AVP 0\r\na=rtcp:\r\n", SDP_ERR_BAD_RTCP);
	/* a=rtcp port above 65535. */
	expect_err(HDR "m=audio 49170 RTP/AVP 0\r\na=rtcp:70000\r\n", SDP_ERR_BAD_RTCP);
	/* a=rtcp address cut after IP4. */
	expect_err(HDR "m=audio 49170 RTP/AVP 0\r\na=rtcp:53020 IN IP4\r\n", SDP_ERR_BAD_RTCP);
	/* a=rtcp address with a multicast TTL. */
	expect_err(HDR "m=audio 49170 RTP/AVP 0\r\na=rtcp:53020 IN IP4 224.0.0.1/5\r\n",
		SDP_ERR_BAD_RTCP);
	/* a=rtcp port starting with a letter. */
	expect_err(HDR "m=audio 49170 RTP/AVP 0\r\na=rtcp:x53020\r\n", SDP_ERR_BAD_RTCP);
}

static void
test_hold_variants(void **state)
{
	struct ps *ps;

	(void)state;
	/* RFC 2543 hold: c=0.0.0.0 at session level. */
	ps = expect_ok("v=0\r\no=- 1 2 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n"
		       "m=audio 4000 RTP/AVP 0\r\n");
	assert_true(sdp_media_is_hold(&ps->sdp, 0));
	ps_free(ps);
	/* IPv6 unspecified address at media level. */
	ps = expect_ok(HDR "m=audio 4000 RTP/AVP 0\r\nc=IN IP6 ::\r\n");
	assert_true(sdp_media_is_hold(&ps->sdp, 0));
	ps_free(ps);
	/* a=sendonly at media level (RFC 3264 8.4). */
	ps = expect_ok(HDR "m=audio 4000 RTP/AVP 0\r\na=sendonly\r\n");
	assert_true(sdp_media_is_hold(&ps->sdp, 0));
	assert_int_equal(sdp_media_dir(&ps->sdp, 0), SDP_DIR_SENDONLY);
	ps_free(ps);
	/* a=inactive at session level applies to every media. */
	ps = expect_ok(HDR "a=inactive\r\nm=audio 4000 RTP/AVP 0\r\nm=video 4002 RTP/AVP 31\r\n");
	assert_true(sdp_media_is_hold(&ps->sdp, 0));
	assert_true(sdp_media_is_hold(&ps->sdp, 1));
	ps_free(ps);
	/* Session sendonly overridden by a media-level sendrecv: not on hold. */
	ps = expect_ok(HDR "a=sendonly\r\nm=audio 4000 RTP/AVP 0\r\na=sendrecv\r\n"
			   "m=video 4002 RTP/AVP 31\r\n");
	assert_false(sdp_media_is_hold(&ps->sdp, 0));
	assert_int_equal(sdp_media_dir(&ps->sdp, 0), SDP_DIR_SENDRECV);
	assert_true(sdp_media_is_hold(&ps->sdp, 1));
	ps_free(ps);
	/* recvonly is the answer to a hold, not a hold itself. */
	ps = expect_ok(HDR "m=audio 4000 RTP/AVP 0\r\na=recvonly\r\n");
	assert_false(sdp_media_is_hold(&ps->sdp, 0));
	ps_free(ps);
	/* A host name is never "0.0.0.0". */
	ps = expect_ok("v=0\r\no=- 1 2 IN IP4 h\r\ns=-\r\nc=IN IP4 host.example\r\nt=0 0\r\n"
		       "m=audio 4000 RTP/AVP 0\r\n");
	assert_false(sdp_media_is_hold(&ps->sdp, 0));
	ps_free(ps);
}

static void
test_reinvite_hold_resume(void **state)
{
	/*
	 * re-INVITE offers of one session: the original, the hold (version+1,
	 * sendonly) and the resume (version+2, new port), as a UA would send them.
	 */
	static const char *const offers[3] = {
		"v=0\r\no=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com\r\ns=\r\n"
		"c=IN IP4 192.0.2.101\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0 97\r\n"
		"a=rtpmap:0 PCMU/8000\r\na=rtpmap:97 iLBC/8000\r\n",
		"v=0\r\no=alice 2890844526 2890844527 IN IP4 host.atlanta.example.com\r\ns=\r\n"
		"c=IN IP4 192.0.2.101\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0 97\r\n"
		"a=rtpmap:0 PCMU/8000\r\na=rtpmap:97 iLBC/8000\r\na=sendonly\r\n",
		"v=0\r\no=alice 2890844526 2890844528 IN IP4 host.atlanta.example.com\r\ns=\r\n"
		"c=IN IP4 192.0.2.101\r\nt=0 0\r\nm=audio 49172 RTP/AVP 0 97\r\n"
		"a=rtpmap:0 PCMU/8000\r\na=rtpmap:97 iLBC/8000\r\na=sendrecv\r\n",
	};
	struct ps *p[3];
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		p[i] = expect_ok(offers[i]);
	assert_int_equal(p[0]->sdp.sess_id, p[1]->sdp.sess_id);
	assert_int_equal(p[1]->sdp.sess_version, p[0]->sdp.sess_version + 1);
	assert_int_equal(p[2]->sdp.sess_version, p[0]->sdp.sess_version + 2);
	assert_false(sdp_media_is_hold(&p[0]->sdp, 0));
	assert_true(sdp_media_is_hold(&p[1]->sdp, 0));
	assert_false(sdp_media_is_hold(&p[2]->sdp, 0));
	assert_int_equal(p[2]->sdp.media[0].port, 49172);
	assert_int_equal(p[0]->sdp.name.len, 0); /* "s=" empty: tolerated */
	for (i = 0; i < 3; i++)
		ps_free(p[i]);
}

static void
test_too_many_media(void **state)
{
	char s[4096];
	int i;
	struct ps *ps;

	(void)state;
	/* Nine m= lines, each with an a=mid; the ninth also carries a=sendonly and c=. */
	strcpy(s, HDR);
	for (i = 0; i < 9; i++) {
		char line[128];
		snprintf(line, sizeof(line), "m=audio %d RTP/AVP 0\r\na=mid:m%d\r\n", 4000 + 2 * i,
			i);
		strcat(s, line);
	}
	strcat(s, "a=sendonly\r\nc=IN IP4 198.51.100.1\r\na=rtpmap:0 PCMU/8000\r\n");
	ps = expect_ok(s);
	assert_int_equal(ps->sdp.nmedia, SDP_MAX_MEDIA);
	assert_int_equal(ps->sdp.nmedia_total, 9);
	assert_true(ps->sdp.flags & SDP_F_MEDIA_TRUNCATED);
	/* the ninth media's lines did not leak into the eighth */
	check_str(ps->buf, ps->sdp.media[7].mid, "m7");
	assert_int_equal(ps->sdp.media[7].port, 4014);
	assert_int_equal(ps->sdp.media[7].dir, SDP_DIR_UNSPEC);
	assert_int_equal(ps->sdp.media[7].conn.af, SDP_AF_NONE);
	assert_int_equal(ps->sdp.media[7].nrtpmap, 0);
	ps_free(ps);
	/* A dropped m= line is still validated. */
	strcpy(s, HDR);
	for (i = 0; i < 8; i++)
		strcat(s, "m=audio 4000 RTP/AVP 0\r\n");
	strcat(s, "m=audio 99999 RTP/AVP 0\r\n");
	expect_err(s, SDP_ERR_BAD_MEDIA);
}

static void
test_too_many_payload_types(void **state)
{
	char s[4096];
	int i;
	struct ps *ps;

	(void)state;
	/* An m= line with 20 payload types and 18 rtpmaps. */
	strcpy(s, HDR "m=audio 4000 RTP/AVP");
	for (i = 0; i < 20; i++) {
		char pt[16];
		snprintf(pt, sizeof(pt), " %d", 96 + i);
		strcat(s, pt);
	}
	strcat(s, "\r\n");
	for (i = 0; i < 18; i++) {
		char line[64];
		snprintf(line, sizeof(line), "a=rtpmap:%d X%d/8000\r\n", 96 + i, i);
		strcat(s, line);
	}
	strcat(s, "a=ptime:20\r\n");
	ps = expect_ok(s);
	assert_int_equal(ps->sdp.media[0].nfmt, SDP_MAX_FMT);
	assert_true(ps->sdp.media[0].flags & SDP_MF_FMT_TRUNCATED);
	assert_int_equal(ps->sdp.media[0].fmt[15], 111);
	assert_int_equal(ps->sdp.media[0].nrtpmap, SDP_MAX_RTPMAP);
	assert_true(ps->sdp.media[0].flags & SDP_MF_RTPMAP_TRUNCATED);
	assert_int_equal(ps->sdp.media[0].ptime, 20);
	check_str(ps->buf, ps->sdp.media[0].fmt_text,
		"96 97 98 99 100 101 102 103 104 105 106 107 108 109 110 111 112 113 114 115");
	ps_free(ps);
}

static void
test_media_lines(void **state)
{
	/* m= lines, and the media type, proto and RTP flag each must give. */
	static const struct {
		const char *line;
		uint8_t type, proto;
		bool rtp;
	} t[] = {
		{"m=audio 4000 RTP/AVP 0", SDP_MEDIA_AUDIO, SDP_PROTO_RTP_AVP, true},
		{"m=video 4000 RTP/SAVP 96", SDP_MEDIA_VIDEO, SDP_PROTO_RTP_SAVP, true},
		{"m=video 4000 RTP/AVPF 96", SDP_MEDIA_VIDEO, SDP_PROTO_RTP_AVPF, true},
		{"m=audio 4000 RTP/SAVPF 111", SDP_MEDIA_AUDIO, SDP_PROTO_RTP_SAVPF, true},
		{"m=audio 9 UDP/TLS/RTP/SAVP 0", SDP_MEDIA_AUDIO, SDP_PROTO_UDP_TLS_RTP_SAVP, true},
		{"m=audio 9 UDP/TLS/RTP/SAVPF 111 0", SDP_MEDIA_AUDIO, SDP_PROTO_UDP_TLS_RTP_SAVPF,
			true},
		{"m=image 6000 udptl t38", SDP_MEDIA_IMAGE, SDP_PROTO_UDPTL, false},
		{"m=image 6000 UDPTL t38", SDP_MEDIA_IMAGE, SDP_PROTO_UDPTL, false},
		{"m=text 11000 RTP/AVP 98 100", SDP_MEDIA_TEXT, SDP_PROTO_RTP_AVP, true},
		{"m=application 9 UDP/DTLS/SCTP webrtc-datachannel", SDP_MEDIA_APPLICATION,
			SDP_PROTO_OTHER, false},
		{"m=message 7394 TCP/MSRP *", SDP_MEDIA_MESSAGE, SDP_PROTO_OTHER, false},
		{"m=application 5000 udp wb", SDP_MEDIA_APPLICATION, SDP_PROTO_UDP, false},
		{"m=application 5000 TCP x", SDP_MEDIA_APPLICATION, SDP_PROTO_TCP, false},
		{"m=audio 4000 TCP/RTP/AVP 0", SDP_MEDIA_AUDIO, SDP_PROTO_OTHER, true},
		{"m=data 4000 RTP/AVP 0", SDP_MEDIA_OTHER, SDP_PROTO_RTP_AVP, true},
		{"m=audio 0 RTP/AVP", SDP_MEDIA_AUDIO, SDP_PROTO_RTP_AVP, true}, /* no formats */
	};
	unsigned int i;
	char s[512];

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct ps *ps;

		/* A description whose only media is t[i].line. */
		snprintf(s, sizeof(s), HDR "%s\r\n", t[i].line);
		ps = expect_ok(s);
		assert_int_equal(ps->sdp.media[0].type, t[i].type);
		assert_int_equal(ps->sdp.media[0].proto, t[i].proto);
		assert_int_equal(!!(ps->sdp.media[0].flags & SDP_MF_RTP), t[i].rtp);
		ps_free(ps);
	}
	/* Malformed m= lines. */
	expect_err(HDR "m=audio\r\n", SDP_ERR_BAD_MEDIA);
	/* m= line without proto. */
	expect_err(HDR "m=audio 4000\r\n", SDP_ERR_BAD_MEDIA);
	/* m= port above 65535. */
	expect_err(HDR "m=audio 65536 RTP/AVP 0\r\n", SDP_ERR_BAD_MEDIA);
	/* m= negative port. */
	expect_err(HDR "m=audio -1 RTP/AVP 0\r\n", SDP_ERR_BAD_MEDIA);
	/* m= zero port count. */
	expect_err(HDR "m=audio 4000/0 RTP/AVP 0\r\n", SDP_ERR_BAD_MEDIA);
	/* m= empty port count. */
	expect_err(HDR "m=audio 4000/ RTP/AVP 0\r\n", SDP_ERR_BAD_MEDIA);
	/* m= RTP payload type above 127. */
	expect_err(HDR "m=audio 4000 RTP/AVP 128\r\n", SDP_ERR_BAD_MEDIA);
	/* m= RTP format that is not a number. */
	expect_err(HDR "m=audio 4000 RTP/AVP PCMU\r\n", SDP_ERR_BAD_MEDIA);
	/* m= RTP format with junk after the number. */
	expect_err(HDR "m=audio 4000 RTP/AVP 0 8x\r\n", SDP_ERR_BAD_MEDIA);
	/* m= media type with a non-token character. */
	expect_err(HDR "m=aud\"io 4000 RTP/AVP 0\r\n", SDP_ERR_BAD_MEDIA);
	/* m= proto with a non-token character. */
	expect_err(HDR "m=audio 4000 RTP\"AVP 0\r\n", SDP_ERR_BAD_MEDIA);
}

static void
test_rtpmap_fmtp_ptime(void **state)
{
	struct ps *ps;
	const struct sdp_media *m;

	(void)state;
	/* rtpmap with channels, without a clock rate (RFC 4475 bodies), fmtp of several kinds. */
	ps = expect_ok(HDR "m=audio 4000 RTP/AVP 111 31 101 0\r\n"
			   "a=rtpmap:111 opus/48000/2\r\n"
			   "a=rtpmap:31 LPC\r\n"
			   "a=rtpmap:101 Telephone-Event/8000\r\n"
			   "a=fmtp:111 minptime=10;useinbandfec=1\r\n"
			   "a=fmtp:101 0-15\r\n"
			   "a=fmtp:0\r\n"
			   "a=fmtp:t38 x\r\n"
			   "a=ptime:20.0\r\n"
			   "a=maxptime:120\r\n"
			   "a=x-unknown-attribute:whatever\r\n"
			   "a=flag-only\r\n");
	m = &ps->sdp.media[0];
	assert_int_equal(m->nrtpmap, 3);
	check_str(ps->buf, m->rtpmap[0].enc, "opus");
	assert_int_equal(m->rtpmap[0].clock, 48000);
	assert_int_equal(m->rtpmap[0].channels, 2);
	check_str(ps->buf, m->rtpmap[1].enc, "LPC");
	assert_int_equal(m->rtpmap[1].clock, 0);
	assert_true(m->rtpmap[2].telephone_event); /* encoding names are case-insensitive */
	assert_int_equal(m->te_pt, 101);
	assert_int_equal(m->nfmtp, 4);
	check_str(ps->buf, m->fmtp[0].params, "minptime=10;useinbandfec=1");
	assert_int_equal(m->fmtp[2].pt, 0);
	assert_int_equal(m->fmtp[2].params.len, 0);
	assert_int_equal(m->fmtp[3].pt, 255);
	assert_int_equal(m->ptime, 20);
	assert_int_equal(m->maxptime, 120);
	ps_free(ps);
	/* Malformed rtpmap / fmtp / ptime. */
	expect_err(HDR "m=audio 4000 RTP/AVP 0\r\na=rtpmap:101\r\n", SDP_ERR_BAD_RTPMAP);
	/* rtpmap payload type above 127. */
	expect_err(HDR "m=audio 4000 RTP/AVP 0\r\na=rtpmap:128 X/8000\r\n", SDP_ERR_BAD_RTPMAP);
	/* rtpmap clock rate that is not a number. */
	expect_err(HDR "m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/abc\r\n", SDP_ERR_BAD_RTPMAP);
	/* rtpmap with an empty encoding name. */
	expect_err(HDR "m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 /8000\r\n", SDP_ERR_BAD_RTPMAP);
	expect_err(
		HDR "m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000/2/1\r\n", SDP_ERR_BAD_RTPMAP);
	expect_err(
		HDR "m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000 extra\r\n", SDP_ERR_BAD_RTPMAP);
	expect_err(
		HDR "m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000/256\r\n", SDP_ERR_BAD_RTPMAP);
	/* fmtp without a format. */
	expect_err(HDR "m=audio 4000 RTP/AVP 0\r\na=fmtp:\r\n", SDP_ERR_BAD_FMTP);
	/* ptime that is not a number. */
	expect_err(HDR "m=audio 4000 RTP/AVP 0\r\na=ptime:x\r\n", SDP_ERR_BAD_PTIME);
	/* ptime with a unit. */
	expect_err(HDR "m=audio 4000 RTP/AVP 0\r\na=ptime:20ms\r\n", SDP_ERR_BAD_PTIME);
	/* maxptime above 65535. */
	expect_err(HDR "m=audio 4000 RTP/AVP 0\r\na=maxptime:99999\r\n", SDP_ERR_BAD_PTIME);
	/* Media-level attributes at session level are ignored, even malformed ones. */
	ps = expect_ok(
		HDR "a=rtpmap:junk\r\na=rtcp-mux\r\na=ptime:x\r\nm=audio 4000 RTP/AVP 0\r\n");
	assert_false(ps->sdp.media[0].flags & SDP_MF_RTCP_MUX);
	ps_free(ps);
}

static void
test_bandwidth(void **state)
{
	struct ps *ps;

	(void)state;
	/* Session and media bandwidth, unknown bandwidth types skipped. */
	ps = expect_ok(HDR "b=CT:1000\r\nb=TIAS:128000\r\nm=audio 4000 RTP/AVP 0\r\nb=AS:64\r\n"
			   "b=RS:800\r\nb=X-FOO:1\r\n");
	assert_int_equal(ps->sdp.bw_tias, 128000);
	assert_int_equal(ps->sdp.bw_as, 0);
	assert_int_equal(ps->sdp.media[0].bw_as, 64);
	ps_free(ps);
	/* b= without a colon. */
	expect_err(HDR "b=AS\r\nm=audio 4000 RTP/AVP 0\r\n", SDP_ERR_BAD_BANDWIDTH);
	/* b=AS that is not a number. */
	expect_err(HDR "b=AS:x\r\nm=audio 4000 RTP/AVP 0\r\n", SDP_ERR_BAD_BANDWIDTH);
	/* b= without a bandwidth type. */
	expect_err(HDR "b=:64\r\nm=audio 4000 RTP/AVP 0\r\n", SDP_ERR_BAD_BANDWIDTH);
	/* b=TIAS above 2^32-1. */
	expect_err(HDR "b=TIAS:4294967296\r\nm=audio 4000 RTP/AVP 0\r\n", SDP_ERR_BAD_BANDWIDTH);
}

static void
test_missing_fields(void **state)
{
	struct ps *ps;

	(void)state;
	/* No v= first. */
	expect_err("o=- 1 1 IN IP4 h\r\nv=0\r\n", SDP_ERR_NO_VERSION);
	/* v= other than 0. */
	expect_err("v=1\r\no=- 1 1 IN IP4 h\r\n", SDP_ERR_BAD_VERSION);
	/* v= with a leading zero. */
	expect_err("v=00\r\n", SDP_ERR_BAD_VERSION);
	/* Only blank lines. */
	expect_err("\r\n\r\n", SDP_ERR_NO_VERSION);
	/* Empty. */
	{
		struct sdp_session s;
		uint8_t *one = malloc(1);
		assert_int_equal(sdp_parse(one, 0, &s), SDP_PARSE_MALFORMED);
		assert_int_equal(s.err, SDP_ERR_EMPTY);
		free(one);
	}
	/* No o=, s=, t= (RFC 4475 3.1.2.18's body): tolerated, flagged. */
	ps = expect_ok("v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 49217 RTP/AVP 0 12\r\n");
	assert_true(ps->sdp.flags & SDP_F_NO_ORIGIN);
	assert_true(ps->sdp.flags & SDP_F_NO_SESSION_NAME);
	assert_true(ps->sdp.flags & SDP_F_NO_TIMING);
	ps_free(ps);
	/* An active media with no c= anywhere. */
	expect_err("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n",
		SDP_ERR_MISSING_CONNECTION);
	/* ... but a rejected one needs none; c= in every media is enough. */
	ps = expect_ok("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nt=0 0\r\nm=audio 0 RTP/AVP 0\r\n"
		       "m=video 5000 RTP/AVP 31\r\nc=IN IP4 192.0.2.7\r\n");
	assert_true(sdp_media_is_disabled(&ps->sdp, 0));
	assert_null(sdp_media_conn(&ps->sdp, 0));
	check_ip4(sdp_media_conn(&ps->sdp, 1), "192.0.2.7");
	ps_free(ps);
	/* Only v=0. */
	ps = expect_ok("v=0");
	assert_int_equal(ps->sdp.nmedia, 0);
	ps_free(ps);
}

static void
test_origin_and_timing(void **state)
{
	struct ps *ps;

	(void)state;
	/* The largest 64-bit session id and version. */
	ps = expect_ok("v=0\r\no=- 18446744073709551615 18446744073709551614 IN IP4 h\r\ns=-\r\n"
		       "c=IN IP4 192.0.2.1\r\nt=0 0\r\n");
	assert_true(ps->sdp.sess_id == UINT64_MAX);
	assert_true(ps->sdp.sess_version == UINT64_MAX - 1);
	assert_false(ps->sdp.flags & SDP_F_ID_OVERFLOW);
	ps_free(ps);
	/* A 21-digit session id (69 bits, wider than 64): kept as text. */
	ps = expect_ok("v=0\r\no=gw9 314159265358979323846 2 IN IP4 192.0.2.75\r\ns=-\r\n"
		       "c=IN IP4 192.0.2.36\r\nt=0 0\r\n");
	assert_true(ps->sdp.flags & SDP_F_ID_OVERFLOW);
	check_str(ps->buf, ps->sdp.sess_id_text, "314159265358979323846");
	ps_free(ps);
	/* o= with the IPv6 address in brackets as sipp writes it. */
	ps = expect_ok("v=0\r\no=tester 7001 7002 IN IP6 [::1]\r\ns=-\r\nc=IN IP6 [::1]\r\n"
		       "t=0 0\r\nm=audio 41000 RTP/AVP 8\r\n");
	check_str(ps->buf, ps->sdp.origin_addr, "[::1]");
	check_ip6(sdp_media_conn(&ps->sdp, 0), "::1");
	ps_free(ps);
	/* o= with two fields. */
	expect_err("v=0\r\no=- 1\r\n", SDP_ERR_BAD_ORIGIN);
	/* o= with a non-numeric session id. */
	expect_err("v=0\r\no=- x 1 IN IP4 h\r\n", SDP_ERR_BAD_ORIGIN);
	/* o= with a seventh field. */
	expect_err("v=0\r\no=- 1 1 IN IP4 h extra\r\n", SDP_ERR_BAD_ORIGIN);
	/* o= empty. */
	expect_err("v=0\r\no=\r\n", SDP_ERR_BAD_ORIGIN);
	/* t= with one field. */
	expect_err("v=0\r\no=- 1 1 IN IP4 h\r\nt=0\r\n", SDP_ERR_BAD_TIMING);
	/* t= with words. */
	expect_err("v=0\r\no=- 1 1 IN IP4 h\r\nt=now later\r\n", SDP_ERR_BAD_TIMING);
	/* t= with three fields. */
	expect_err("v=0\r\no=- 1 1 IN IP4 h\r\nt=0 0 0\r\n", SDP_ERR_BAD_TIMING);
}

static void
test_line_forms(void **state)
{
	struct ps *ps;

	(void)state;
	/* LF-only line ends, blank lines, trailing white space, no final line end. */
	ps = expect_ok("v=0\no=- 1 1 IN IP4 h\n\ns=-  \nc=IN IP4 192.0.2.1\t\nt=0 0\n"
		       "m=audio 4000 RTP/AVP 0");
	assert_true(ps->sdp.flags & SDP_F_BARE_LF);
	check_str(ps->buf, ps->sdp.name, "-");
	assert_int_equal(ps->sdp.media[0].nfmt, 1);
	ps_free(ps);
	/* A description cut after a CR (CRLF split by Content-Length). */
	ps = expect_ok(HDR "m=audio 4000 RTP/AVP 0\r");
	assert_int_equal(ps->sdp.nmedia, 1);
	ps_free(ps);
	/* Truncated in the middle of a line: the text that is there is parsed as it stands. */
	ps = expect_ok(HDR "m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/80");
	assert_int_equal(ps->sdp.media[0].rtpmap[0].clock, 80);
	ps_free(ps);
	/* ... and a cut that leaves a field empty is an error. */
	expect_err(HDR "m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/", SDP_ERR_BAD_RTPMAP);
	/* A c= line cut in the middle of the address. */
	expect_err(HDR "m=audio 4000 RTP/AVP 0\r\nc=IN IP4 19", SDP_ERR_BAD_CONNECTION);
}

static void
test_bad_lines(void **state)
{
	(void)state;
	/* "m =video" (RFC 4475 3.1.1.8's second message). */
	expect_err(HDR "m =video 3227 RTP/AVP 31\r\n", SDP_ERR_BAD_LINE);
	/* A line without '='. */
	expect_err(HDR "x\r\n", SDP_ERR_BAD_LINE);
	/* A line without a type letter. */
	expect_err(HDR "=foo\r\n", SDP_ERR_BAD_LINE);
	/* A line whose type is a digit. */
	expect_err(HDR "1=foo\r\n", SDP_ERR_BAD_LINE);
	/* A line starting with a space. */
	expect_err(HDR " a=sendrecv\r\n", SDP_ERR_BAD_LINE);
	/* A bare CR inside the description. */
	expect_err(HDR "a=sendrecv\rm=audio 4000 RTP/AVP 0\r\n", SDP_ERR_BAD_LINE_END);
	/* Binary garbage. */
	expect_err("\x16\x03\x01\x00\x05", SDP_ERR_NO_VERSION);
}

/* ---- captures of the shared corpus, read at run time ----------------------------------------
 *
 * The descriptions below are SDP bodies of frames of third-party captures in
 * ../shared/corpus/pcaps (the nDPI test suite, LGPL-3.0). They must not be copied into this
 * repository, so each test reads its frame with libpcap (corpus_frames.c) and is skipped, saying
 * where it looked, when the corpus is absent.
 */

/*
 * Parse the body of the SIP message carried by frame frame_no (numbered
 * from 1, as in Wireshark) of pcaps/capture: the bytes after the first empty
 * line, copied into a buffer of exactly their length, which must be
 * body_len long (what the message's Content-Length says).
 */
static struct ps *
corpus_body_ok(const char *capture, unsigned int frame_no, uint32_t body_len)
{
	static uint8_t frame[65536];
	uint32_t len = 0, i;
	int r = corpus_frame_payload(capture, frame_no, frame, sizeof(frame), &len);

	if (r == -ENOENT) {
		print_message("corpus not found, skipping (%s frame %u; looked in %s)\n", capture,
			frame_no, corpus_searched());
		skip();
	}
	if (r < 0)
		fail_msg("%s (%s)", corpus_last_error(), strerror(-r));
	for (i = 0; i + 4 <= len; i++)
		if (memcmp(frame + i, "\r\n\r\n", 4) == 0)
			break;
	if (i + 4 > len)
		fail_msg("%s frame %u: no empty line after the SIP headers", capture, frame_no);
	assert_int_equal(len - i - 4, body_len);
	return check_ok(ps_parse_n(frame + i + 4, len - i - 4));
}

static void
test_capture_t38_image(void **state)
{
	struct ps *ps;

	(void)state;
	/*
	 * T.38 re-INVITE body (image/udptl only, no RTCP port): frame 1400 of
	 * ndpi__FAX-Call-t38-CA-TDM-SIP-FB-1.pcap.
	 */
	ps = corpus_body_ok("ndpi__FAX-Call-t38-CA-TDM-SIP-FB-1.pcap", 1400, 114);
	assert_int_equal(ps->sdp.nmedia, 1);
	assert_int_equal(ps->sdp.media[0].type, SDP_MEDIA_IMAGE);
	assert_int_equal(ps->sdp.media[0].proto, SDP_PROTO_UDPTL);
	assert_int_equal(ps->sdp.media[0].port, 15580);
	check_str(ps->buf, ps->sdp.media[0].fmt_text, "t38");
	assert_int_equal(sdp_media_rtcp_port(&ps->sdp, 0), 0);
	ps_free(ps);
}

static void
test_capture_t38_cdsc(void **state)
{
	struct ps *ps;

	(void)state;
	/*
	 * Audio offer with a=cdsc and telephone-event with a channel count:
	 * frame 1414 of ndpi__FAX-Call-t38-CA-TDM-SIP-FB-1.pcap.
	 */
	ps = corpus_body_ok("ndpi__FAX-Call-t38-CA-TDM-SIP-FB-1.pcap", 1414, 219);
	assert_int_equal(ps->sdp.media[0].te_pt, 102);
	assert_int_equal(ps->sdp.media[0].rtpmap[0].channels, 1);
	assert_int_equal(ps->sdp.media[0].ptime, 20);
	ps_free(ps);
}

static void
test_capture_bw_answer(void **state)
{
	struct ps *ps;

	(void)state;
	/*
	 * Answer (in a 183) with b=AS and rtpmaps with a channel count, media
	 * address different from the origin's: frame 92 of ndpi__sip.pcap.
	 */
	ps = corpus_body_ok("ndpi__sip.pcap", 92, 199);
	assert_int_equal(ps->sdp.sess_id, 112047106116u);
	check_ip4(sdp_media_conn(&ps->sdp, 0), "212.242.33.36");
	assert_int_equal(ps->sdp.media[0].bw_as, 64);
	ps_free(ps);
}

static void
test_webrtc_style(void **state)
{
	struct ps *ps;
	const struct sdp_media *m;

	(void)state;
	/* A WebRTC-style BUNDLE offer: ICE/DTLS attributes skipped, mux and mids kept. */
	ps = expect_ok("v=0\r\n"
		       "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n"
		       "s=-\r\n"
		       "t=0 0\r\n"
		       "a=group:BUNDLE 0 1\r\n"
		       "a=msid-semantic: WMS\r\n"
		       "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\n"
		       "c=IN IP4 0.0.0.0\r\n"
		       "a=rtcp:9 IN IP4 0.0.0.0\r\n"
		       "a=ice-ufrag:8hhY\r\n"
		       "a=ice-pwd:asd88fgpdd777uzjYhagZg\r\n"
		       "a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35\r\n"
		       "a=setup:actpass\r\n"
		       "a=mid:0\r\n"
		       "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
		       "a=sendrecv\r\n"
		       "a=rtcp-mux\r\n"
		       "a=rtpmap:111 opus/48000/2\r\n"
		       "a=rtcp-fb:111 transport-cc\r\n"
		       "a=fmtp:111 minptime=10;useinbandfec=1\r\n"
		       "a=rtpmap:126 telephone-event/8000\r\n"
		       "a=ssrc:3735928559 cname:4TOk42mSjXCkVIa6\r\n"
		       "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n"
		       "c=IN IP4 0.0.0.0\r\n"
		       "a=mid:1\r\n"
		       "a=rtcp-mux\r\n"
		       "a=rtcp-rsize\r\n"
		       "a=recvonly\r\n");
	m = &ps->sdp.media[0];
	assert_int_equal(m->proto, SDP_PROTO_UDP_TLS_RTP_SAVPF);
	assert_int_equal(m->nfmt, 8);
	check_str(ps->buf, m->mid, "0");
	assert_int_equal(sdp_media_rtcp_port(&ps->sdp, 0), 9);
	assert_int_equal(m->te_pt, 126);
	/* ICE candidates carry the real address; c=0.0.0.0 here reads as "hold" */
	assert_true(sdp_media_is_hold(&ps->sdp, 0));
	check_str(ps->buf, ps->sdp.media[1].mid, "1");
	assert_int_equal(sdp_media_dir(&ps->sdp, 1), SDP_DIR_RECVONLY);
	ps_free(ps);
}

static void
test_err_names(void **state)
{
	unsigned int i, k;

	(void)state;
	for (i = 0; i < SDP_ERR_MAX; i++) {
		const char *n = sdp_err_name(i);
		assert_true(strlen(n) > 0);
		for (k = 0; k < i; k++)
			assert_string_not_equal(n, sdp_err_name(k));
	}
	assert_string_equal(sdp_err_name(SDP_ERR_BAD_RTCP), "bad_rtcp");
	assert_string_equal(sdp_err_name(SDP_ERR_MAX), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_offer),
		cmocka_unit_test(test_every_line_type),
		cmocka_unit_test(test_ipv4_ipv6_connection),
		cmocka_unit_test(test_connection_errors),
		cmocka_unit_test(test_addr_parsers_vs_inet_pton),
		cmocka_unit_test(test_rtcp_attribute),
		cmocka_unit_test(test_hold_variants),
		cmocka_unit_test(test_reinvite_hold_resume),
		cmocka_unit_test(test_too_many_media),
		cmocka_unit_test(test_too_many_payload_types),
		cmocka_unit_test(test_media_lines),
		cmocka_unit_test(test_rtpmap_fmtp_ptime),
		cmocka_unit_test(test_bandwidth),
		cmocka_unit_test(test_missing_fields),
		cmocka_unit_test(test_origin_and_timing),
		cmocka_unit_test(test_line_forms),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_capture_t38_image),
		cmocka_unit_test(test_capture_t38_cdsc),
		cmocka_unit_test(test_capture_bw_answer),
		cmocka_unit_test(test_webrtc_style),
		cmocka_unit_test(test_err_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
