/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Unit tests for dataplane/sip_parse.c.
 *
 * Every input is copied into a malloc'd buffer of exactly its length before
 * parsing, so AddressSanitizer builds catch any read past len. The
 * test_capture_* tests read their messages from captures of the shared
 * corpus at run time (corpus_frames.c, libpcap) and are skipped when
 * ../shared/corpus is absent; every other message here is hand-written.
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

#include "corpus_frames.h"
#include "sip_parse.h"

/* ---- helpers ------------------------------------------------------------------------------- */

struct pm {
	uint8_t *buf; /* exactly len bytes */
	uint32_t len;
	int ret;
	struct sip_msg msg;
};

static struct pm *
pm_parse_n(const void *data, size_t len, enum sip_transport t)
{
	struct pm *pm = calloc(1, sizeof(*pm));

	assert_non_null(pm);
	pm->buf = malloc(len ? len : 1);
	assert_non_null(pm->buf);
	memcpy(pm->buf, data, len);
	pm->len = (uint32_t)len;
	pm->ret = sip_msg_parse(pm->buf, pm->len, t, &pm->msg);
	return pm;
}

static struct pm *
pm_dgram(const char *s)
{
	return pm_parse_n(s, strlen(s), SIP_TRANSPORT_DGRAM);
}

static struct pm *
pm_stream(const char *s)
{
	return pm_parse_n(s, strlen(s), SIP_TRANSPORT_STREAM);
}

static void
pm_free(struct pm *pm)
{
	free(pm->buf);
	free(pm);
}

/* The range s of buf holds exactly the text expect. */
static void
check_str(const uint8_t *buf, struct sip_str s, const char *expect)
{
	size_t n = strlen(expect);

	if (s.len != n || memcmp(buf + s.off, expect, n) != 0) {
		print_error("range [%u,+%u) is \"%.*s\", expected \"%s\"\n", s.off, s.len,
			(int)s.len, (const char *)buf + s.off, expect);
		fail();
	}
}

#define CHECK_STR(pm, field, expect) check_str((pm)->buf, (pm)->msg.field, expect)

/* Parse as a datagram and expect success (the whole datagram consumed). */
static struct pm *
expect_ok(const char *s)
{
	struct pm *pm = pm_dgram(s);

	if (pm->ret < 0)
		print_error("unexpected error %s at %u (hdr %s)\n", sip_err_name(pm->msg.err),
			pm->msg.err_off, sip_hdr_name(pm->msg.err_hdr));
	assert_int_equal(pm->ret, (int)strlen(s));
	return pm;
}

/* Parse as a datagram and expect SIP_PARSE_MALFORMED with err. */
static void
expect_err(const char *s, enum sip_error err)
{
	struct pm *pm = pm_dgram(s);

	if (pm->ret != SIP_PARSE_MALFORMED || pm->msg.err != err)
		print_error("got ret %d err %s, expected %s\n", pm->ret, sip_err_name(pm->msg.err),
			sip_err_name(err));
	assert_int_equal(pm->ret, SIP_PARSE_MALFORMED);
	assert_string_equal(sip_err_name(pm->msg.err), sip_err_name(err));
	pm_free(pm);
}

/*
 * Message template: an OPTIONS request with every mandatory header; the
 * first %s is where a test inserts extra header lines (each ending CRLF).
 */
static const char base_fmt[] = "OPTIONS sip:bob@example.com SIP/2.0\r\n"
			       "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds\r\n"
			       "Max-Forwards: 70\r\n"
			       "To: Bob <sip:bob@example.com>\r\n"
			       "From: Alice <sip:alice@example.com>;tag=1928301774\r\n"
			       "Call-ID: a84b4c76e66710@pc33.example.com\r\n"
			       "CSeq: 63104 OPTIONS\r\n"
			       "%s"
			       "Content-Length: 0\r\n"
			       "\r\n";

static char msgbuf[70000];

static const char *
with_headers(const char *extra)
{
	snprintf(msgbuf, sizeof(msgbuf), base_fmt, extra);
	return msgbuf;
}

/* Copy the template with no extra header into dst (which must be large enough). */
static void
base_copy(char *dst, size_t n)
{
	/* the template with nothing inserted */
	const char *b = with_headers("");
	size_t l = strlen(b);

	assert_true(l < n);
	memcpy(dst, b, l + 1);
}

/*
 * Reference INVITE (hand-written for these tests, modelled on what a SIP
 * load generator sends): one Via with an RFC 3261 branch, From with a
 * display name and tag, To without tag, Contact as a bare URI, Max-Forwards,
 * Subject, a Content-Length padded with spaces, and an SDP offer of PCMA
 * plus telephone-event with an fmtp range list (203 bytes, 9 lines).
 */
static const char ref_invite[] = "INVITE sip:conference@192.0.2.80:5080 SIP/2.0\r\n"
				 "Via: SIP/2.0/UDP 198.51.100.7:5062;branch=z9hG4bK-vp7731-a1\r\n"
				 "From: caller <sip:caller@198.51.100.7:5062>;tag=vpTagA7731x\r\n"
				 "To: conference <sip:conference@192.0.2.80:5080>\r\n"
				 "Call-ID: vp-7731-0001@198.51.100.7\r\n"
				 "CSeq: 314 INVITE\r\n"
				 "Contact: sip:caller@198.51.100.7:5062\r\n"
				 "Max-Forwards: 70\r\n"
				 "Subject: Unit test call\r\n"
				 "Content-Type: application/sdp\r\n"
				 "Content-Length:   203\r\n"
				 "\r\n"
				 "v=0\r\n"
				 "o=vpep 2718281828 3141592653 IN IP4 198.51.100.7\r\n"
				 "s=Unit call\r\n"
				 "c=IN IP4 198.51.100.7\r\n"
				 "t=0 0\r\n"
				 "m=audio 31000 RTP/AVP 8 100\r\n"
				 "a=rtpmap:8 PCMA/8000\r\n"
				 "a=rtpmap:100 telephone-event/8000\r\n"
				 "a=fmtp:100 0-9,12\r\n";

/*
 * The 200 OK answering ref_invite (hand-written): To now carries the
 * callee's tag, Contact is a bracketed URI with a transport parameter, and
 * the SDP answer picks PCMU (126 bytes).
 */
static const char ref_200[] = "SIP/2.0 200 OK\r\n"
			      "Via: SIP/2.0/UDP 198.51.100.7:5062;branch=z9hG4bK-vp7731-a1\r\n"
			      "From: caller <sip:caller@198.51.100.7:5062>;tag=vpTagA7731x\r\n"
			      "To: conference <sip:conference@192.0.2.80:5080>;tag=vpTagB0420q\r\n"
			      "Call-ID: vp-7731-0001@198.51.100.7\r\n"
			      "CSeq: 314 INVITE\r\n"
			      "Contact: <sip:192.0.2.80:5080;transport=UDP>\r\n"
			      "Content-Type: application/sdp\r\n"
			      "Content-Length:   126\r\n"
			      "\r\n"
			      "v=0\r\n"
			      "o=vpep-b 1618033988 1 IN IP4 192.0.2.80\r\n"
			      "s=-\r\n"
			      "c=IN IP4 192.0.2.80\r\n"
			      "t=0 0\r\n"
			      "m=audio 32000 RTP/AVP 0\r\n"
			      "a=rtpmap:0 PCMU/8000\r\n";

/* ---- start line, basic fields ---------------------------------------------------------------- */

static void
test_invite_fields(void **state)
{
	struct pm *pm = expect_ok(ref_invite);
	const struct sip_msg *m = &pm->msg;

	(void)state;
	assert_int_equal(m->kind, SIP_KIND_REQUEST);
	assert_int_equal(m->method, SIP_METHOD_INVITE);
	CHECK_STR(pm, method_str, "INVITE");
	CHECK_STR(pm, ruri, "sip:conference@192.0.2.80:5080");
	assert_int_equal(m->ruri_scheme, SIP_URI_SIP);
	CHECK_STR(pm, version, "SIP/2.0");
	assert_int_equal(m->via_count, 1);
	CHECK_STR(pm, via.transport, "UDP");
	assert_int_equal(m->via.tp, SIP_VIA_TP_UDP);
	CHECK_STR(pm, via.host, "198.51.100.7");
	assert_int_equal(m->via.port, 5062);
	CHECK_STR(pm, via.branch, "z9hG4bK-vp7731-a1");
	assert_true(m->flags & SIP_F_BRANCH_3261);
	CHECK_STR(pm, from.display, "caller");
	CHECK_STR(pm, from.uri, "sip:caller@198.51.100.7:5062");
	CHECK_STR(pm, from.tag, "vpTagA7731x");
	CHECK_STR(pm, to.display, "conference");
	CHECK_STR(pm, to.uri, "sip:conference@192.0.2.80:5080");
	assert_int_equal(m->to.tag.len, 0);
	CHECK_STR(pm, call_id, "vp-7731-0001@198.51.100.7");
	assert_int_equal(m->cseq, 314);
	assert_int_equal(m->cseq_method, SIP_METHOD_INVITE);
	CHECK_STR(pm, contact.uri, "sip:caller@198.51.100.7:5062");
	assert_int_equal(m->contact_count, 1);
	assert_true(m->flags & SIP_F_HAS_MAX_FWD);
	assert_int_equal(m->max_forwards, 70);
	CHECK_STR(pm, content_type, "application/sdp");
	assert_true(m->flags & SIP_F_HAS_CL);
	assert_int_equal(m->content_length, 203);
	assert_int_equal(m->hdr_count, 10);
	assert_int_equal(m->msg_len, pm->len);
	assert_int_equal(m->hdr_len + 203, pm->len);
	assert_int_equal(m->body.off, m->hdr_len);
	assert_int_equal(m->body.len, 203);
	assert_true(m->flags & SIP_F_SDP);
	assert_int_equal(m->sdp.off, m->body.off);
	assert_int_equal(m->sdp.len, 203);
	assert_memory_equal(pm->buf + m->sdp.off, "v=0\r\n", 5);
	assert_int_equal(m->trailing_len, 0);
	assert_false(m->flags & (SIP_F_BARE_LF | SIP_F_FOLDED | SIP_F_TRAILING_OCTETS));
	assert_int_equal(m->err, SIP_ERR_NONE);
	pm_free(pm);
}

static void
test_response_fields(void **state)
{
	struct pm *pm = expect_ok(ref_200);
	const struct sip_msg *m = &pm->msg;

	(void)state;
	assert_int_equal(m->kind, SIP_KIND_RESPONSE);
	assert_int_equal(m->status, 200);
	CHECK_STR(pm, reason, "OK");
	CHECK_STR(pm, version, "SIP/2.0");
	CHECK_STR(pm, to.tag, "vpTagB0420q");
	CHECK_STR(pm, contact.uri, "sip:192.0.2.80:5080;transport=UDP");
	assert_int_equal(m->cseq_method, SIP_METHOD_INVITE);
	assert_int_equal(m->sdp.len, 126);
	assert_int_equal(m->ruri.len, 0);
	pm_free(pm);
}

static void
test_every_method(void **state)
{
	/* Each method name and the enum it must map to. */
	static const struct {
		const char *name;
		enum sip_method m;
	} t[] = {
		{"INVITE", SIP_METHOD_INVITE},
		{"ACK", SIP_METHOD_ACK},
		{"BYE", SIP_METHOD_BYE},
		{"CANCEL", SIP_METHOD_CANCEL},
		{"REGISTER", SIP_METHOD_REGISTER},
		{"OPTIONS", SIP_METHOD_OPTIONS},
		{"INFO", SIP_METHOD_INFO},
		{"PRACK", SIP_METHOD_PRACK},
		{"UPDATE", SIP_METHOD_UPDATE},
		{"SUBSCRIBE", SIP_METHOD_SUBSCRIBE},
		{"NOTIFY", SIP_METHOD_NOTIFY},
		{"REFER", SIP_METHOD_REFER},
		{"MESSAGE", SIP_METHOD_MESSAGE},
		{"PUBLISH", SIP_METHOD_PUBLISH},
		/* methods are case-sensitive: these are extension methods */
		{"invite", SIP_METHOD_UNKNOWN},
		{"Register", SIP_METHOD_UNKNOWN},
		{"INVITEX", SIP_METHOD_UNKNOWN},
		{"FOO-BAR.1", SIP_METHOD_UNKNOWN},
	};
	unsigned int i;
	char s[512];

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct pm *pm;

		/* A request of method t[i].name with the same method in CSeq. */
		snprintf(s, sizeof(s),
			"%s sip:bob@example.com SIP/2.0\r\n"
			"Via: SIP/2.0/UDP h.example.com;branch=z9hG4bKm%u\r\n"
			"To: <sip:bob@example.com>\r\nFrom: <sip:a@example.com>;tag=1\r\n"
			"Call-ID: m%u\r\nCSeq: 7 %s\r\nContent-Length: 0\r\n\r\n",
			t[i].name, i, i, t[i].name);
		pm = expect_ok(s);
		assert_int_equal(pm->msg.method, t[i].m);
		assert_int_equal(pm->msg.cseq_method, t[i].m);
		CHECK_STR(pm, method_str, t[i].name);
		CHECK_STR(pm, cseq_method_str, t[i].name);
		if (t[i].m != SIP_METHOD_UNKNOWN)
			assert_string_equal(sip_method_name(t[i].m), t[i].name);
		pm_free(pm);
	}
	assert_string_equal(sip_method_name(SIP_METHOD_UNKNOWN), "UNKNOWN");
	assert_string_equal(sip_method_name(1000), "UNKNOWN");
	assert_int_equal(sip_method_lookup((const uint8_t *)"BYE", 3), SIP_METHOD_BYE);
	assert_int_equal(sip_method_lookup((const uint8_t *)"BYE", 2), SIP_METHOD_UNKNOWN);
}

static void
test_status_code_edges(void **state)
{
	/* Header lines shared by the responses below (everything but the status line). */
	static const char tail[] = "Via: SIP/2.0/UDP h;branch=z9hG4bKx\r\nTo: <sip:b@h>;tag=2\r\n"
				   "From: <sip:a@h>;tag=1\r\nCall-ID: st\r\nCSeq: 1 INVITE\r\n"
				   "Content-Length: 0\r\n\r\n";
	/* Status lines, and the status and reason each must give (0: bad_status_code). */
	static const struct {
		const char *line;
		int status; /* 0: expect BAD_STATUS_CODE */
		const char *reason;
	} t[] = {
		{"SIP/2.0 99 Too Small", 0, NULL}, {"SIP/2.0 100 Trying", 100, "Trying"},
		{"SIP/2.0 699 Anything", 699, "Anything"}, {"SIP/2.0 700 Too Big", 0, NULL},
		{"SIP/2.0 000 Zero", 0, NULL}, {"SIP/2.0 1000 Four Digits", 0, NULL},
		{"SIP/2.0 4294967301 Overflow", 0, NULL}, {"SIP/2.0 2x0 Letters", 0, NULL},
		{"SIP/2.0 180 ", 180, ""}, /* empty reason with its SP (RFC 4475 3.1.1.13) */
		{"SIP/2.0 183", 183, ""},  /* no SP at all: tolerated */
		{"SIP/2.0 486 Busy Here", 486, "Busy Here"},
		{"SIP/2.0 200 \xd0\x9e\xd0\x9a", 200, "\xd0\x9e\xd0\x9a"}, /* UTF-8 reason */
	};
	unsigned int i;
	char s[512];

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		/* A response whose status line is t[i].line. */
		snprintf(s, sizeof(s), "%s\r\n%s", t[i].line, tail);
		if (t[i].status == 0) {
			expect_err(s, SIP_ERR_BAD_STATUS_CODE);
		} else {
			struct pm *pm = expect_ok(s);
			assert_int_equal(pm->msg.status, t[i].status);
			CHECK_STR(pm, reason, t[i].reason);
			pm_free(pm);
		}
	}
	/* A control character in the reason phrase. */
	snprintf(s, sizeof(s), "SIP/2.0 200 O\x01K\r\n%s", tail);
	expect_err(s, SIP_ERR_BAD_START_LINE);
	/* Two SPs before the status code. */
	snprintf(s, sizeof(s), "SIP/2.0  200 OK\r\n%s", tail);
	expect_err(s, SIP_ERR_BAD_START_LINE);
	/* Another SIP version in a response. */
	snprintf(s, sizeof(s), "SIP/3.0 200 OK\r\n%s", tail);
	expect_err(s, SIP_ERR_BAD_VERSION);
}

static void
test_start_line_errors(void **state)
{
	char s[1024];

	(void)state;
	/* Two SPs after the method (RFC 4475 3.1.2.9 style). */
	base_copy(s, sizeof(s));
	memmove(s + 8, s + 7, strlen(s + 7) + 1);
	s[7] = ' ';
	expect_err(s, SIP_ERR_BAD_START_LINE);
	/* Trailing SP after SIP/2.0 (RFC 4475 3.1.2.10 style). */
	base_copy(s, sizeof(s));
	memmove(s + 36, s + 35, strlen(s + 35) + 1);
	s[35] = ' ';
	assert_memory_equal(s, "OPTIONS sip:bob@example.com SIP/2.0 \r\n", 38);
	expect_err(s, SIP_ERR_BAD_START_LINE);
	/* SIP/7.0 in a request line (RFC 4475 3.1.2.16 style). */
	base_copy(s, sizeof(s));
	s[32] = '7';
	expect_err(s, SIP_ERR_BAD_VERSION);
	/* An HTTP request on the SIP port: the URI "/" has no scheme. */
	expect_err("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n", SIP_ERR_BAD_REQUEST_URI);
	/* An HTTP response: "HTTP/1.1" is not a method token. */
	expect_err("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", SIP_ERR_BAD_START_LINE);
	/* Binary: a first byte that can start nothing. */
	expect_err("\x80\x01\x02\x03", SIP_ERR_BAD_START_LINE);
	/* Request-URI enclosed in <> (RFC 4475 3.1.2.7 style). */
	expect_err("INVITE <sip:a@b> SIP/2.0\r\n\r\n", SIP_ERR_BAD_REQUEST_URI);
	/* Request-URI with ?headers (RFC 4475 3.1.2.11 style). */
	expect_err("INVITE sip:a@b?Route=x SIP/2.0\r\n\r\n", SIP_ERR_BAD_REQUEST_URI);
	/* Request-URI with an empty trailing parameter. */
	expect_err("INVITE sip:a@b; SIP/2.0\r\n\r\n", SIP_ERR_BAD_REQUEST_URI);
	/* Request-URI "sip:" with nothing after the scheme. */
	expect_err("INVITE sip: SIP/2.0\r\n\r\n", SIP_ERR_BAD_REQUEST_URI);
	/* Request-URI with a port above 65535. */
	expect_err("INVITE sip:a@b:65536 SIP/2.0\r\n\r\n", SIP_ERR_BAD_REQUEST_URI);
	/* Request-URI with a space-free but empty user part. */
	expect_err("INVITE sip:@b SIP/2.0\r\n\r\n", SIP_ERR_BAD_REQUEST_URI);
	/* No SIP-Version at all. */
	expect_err("INVITE sip:a@b\r\n\r\n", SIP_ERR_BAD_START_LINE);
	/* A start line with nothing else in the datagram. */
	expect_err("OPTIONS sip:a@b SIP/2.0", SIP_ERR_HEADERS_TRUNCATED);
	/* A CR that is not followed by LF inside the start line. */
	expect_err("OPTIONS sip:a@b SIP/2.0\rX\r\n\r\n", SIP_ERR_BAD_LINE_END);
	/* Empty datagram. */
	{
		struct sip_msg m;
		uint8_t *one = malloc(1);
		assert_int_equal(
			sip_msg_parse(one, 0, SIP_TRANSPORT_DGRAM, &m), SIP_PARSE_MALFORMED);
		assert_int_equal(m.err, SIP_ERR_EMPTY);
		assert_int_equal(
			sip_msg_parse(one, 0, SIP_TRANSPORT_STREAM, &m), SIP_PARSE_NEED_MORE);
		free(one);
	}
}

static void
test_request_uri_forms(void **state)
{
	/* Request-URIs that must be accepted, with the scheme each must give. */
	static const struct {
		const char *uri;
		uint8_t scheme;
	} t[] = {
		{"sip:bob@example.com", SIP_URI_SIP},
		{"SIP:bob@example.com", SIP_URI_SIP},
		{"sips:bob@example.com:5061;transport=tcp", SIP_URI_SIPS},
		{"sip:[2001:db8::1]:5060", SIP_URI_SIP},
		{"sip:user;par=u%40example.net@example.com", SIP_URI_SIP},
		{"sip:alice:secret@example.com;lr;maddr=192.0.2.1", SIP_URI_SIP},
		{"tel:+1-201-555-0123", SIP_URI_TEL},
		{"urn:service:sos", SIP_URI_OTHER},
		{"soap.beep://192.0.2.103:3002", SIP_URI_OTHER},
	};
	unsigned int i;
	char s[512];

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct pm *pm;

		/* An OPTIONS request to Request-URI t[i].uri. */
		snprintf(s, sizeof(s),
			"OPTIONS %s SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bKu\r\n"
			"To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=1\r\nCall-ID: u%u\r\n"
			"CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
			t[i].uri, i);
		pm = expect_ok(s);
		CHECK_STR(pm, ruri, t[i].uri);
		assert_int_equal(pm->msg.ruri_scheme, t[i].scheme);
		pm_free(pm);
	}
}

/* ---- headers: names, compact forms, case ------------------------------------------------------
 */

static void
test_hdr_lookup_table(void **state)
{
	/* Long and compact names of every header id, as registered with IANA. */
	static const struct {
		enum sip_hdr_id id;
		const char *lname;
		char compact;
	} t[] = {
		{SIP_HDR_ACCEPT_CONTACT, "Accept-Contact", 'a'},
		{SIP_HDR_ALLOW_EVENTS, "Allow-Events", 'u'},
		{SIP_HDR_CALL_ID, "Call-ID", 'i'},
		{SIP_HDR_CONTACT, "Contact", 'm'},
		{SIP_HDR_CONTENT_ENCODING, "Content-Encoding", 'e'},
		{SIP_HDR_CONTENT_LENGTH, "Content-Length", 'l'},
		{SIP_HDR_CONTENT_TYPE, "Content-Type", 'c'},
		{SIP_HDR_CSEQ, "CSeq", 0},
		{SIP_HDR_DATE, "Date", 0},
		{SIP_HDR_EVENT, "Event", 'o'},
		{SIP_HDR_EXPIRES, "Expires", 0},
		{SIP_HDR_FROM, "From", 'f'},
		{SIP_HDR_IDENTITY, "Identity", 'y'},
		{SIP_HDR_IDENTITY_INFO, "Identity-Info", 'n'},
		{SIP_HDR_MAX_FORWARDS, "Max-Forwards", 0},
		{SIP_HDR_RECORD_ROUTE, "Record-Route", 0},
		{SIP_HDR_REFER_TO, "Refer-To", 'r'},
		{SIP_HDR_REFERRED_BY, "Referred-By", 'b'},
		{SIP_HDR_REJECT_CONTACT, "Reject-Contact", 'j'},
		{SIP_HDR_REQUEST_DISPOSITION, "Request-Disposition", 'd'},
		{SIP_HDR_REQUIRE, "Require", 0},
		{SIP_HDR_ROUTE, "Route", 0},
		{SIP_HDR_SERVER, "Server", 0},
		{SIP_HDR_SESSION_EXPIRES, "Session-Expires", 'x'},
		{SIP_HDR_SUBJECT, "Subject", 's'},
		{SIP_HDR_SUPPORTED, "Supported", 'k'},
		{SIP_HDR_TO, "To", 't'},
		{SIP_HDR_USER_AGENT, "User-Agent", 0},
		{SIP_HDR_VIA, "Via", 'v'},
	};
	unsigned int i, k, seen = 0;

	(void)state;
	assert_int_equal(sizeof(t) / sizeof(t[0]), SIP_HDR_MAX - 1);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char up[32], lo[32];
		size_t n = strlen(t[i].lname);

		assert_string_equal(sip_hdr_name(t[i].id), t[i].lname);
		for (k = 0; k <= n; k++) {
			up[k] = (char)(t[i].lname[k] >= 'a' && t[i].lname[k] <= 'z'
					       ? t[i].lname[k] - 32
					       : t[i].lname[k]);
			lo[k] = (char)(t[i].lname[k] >= 'A' && t[i].lname[k] <= 'Z'
					       ? t[i].lname[k] + 32
					       : t[i].lname[k]);
		}
		assert_int_equal(sip_hdr_lookup((const uint8_t *)t[i].lname, (uint32_t)n), t[i].id);
		assert_int_equal(sip_hdr_lookup((const uint8_t *)up, (uint32_t)n), t[i].id);
		assert_int_equal(sip_hdr_lookup((const uint8_t *)lo, (uint32_t)n), t[i].id);
		/* one character shorter is another header ("T" is To's compact form) */
		if (n > 2)
			assert_int_not_equal(
				sip_hdr_lookup((const uint8_t *)t[i].lname, (uint32_t)n - 1),
				t[i].id);
		if (t[i].compact) {
			uint8_t c = (uint8_t)t[i].compact, cu = (uint8_t)(c - 32);
			assert_int_equal(sip_hdr_lookup(&c, 1), t[i].id);
			assert_int_equal(sip_hdr_lookup(&cu, 1), t[i].id);
			seen |= 1u << (c - 'a');
		}
	}
	/* Letters that are no compact form: g h p q w z (and 'n'-style reuse checked above). */
	for (k = 0; k < 26; k++) {
		uint8_t c = (uint8_t)('a' + k);
		if (!(seen & (1u << k)))
			assert_int_equal(sip_hdr_lookup(&c, 1), SIP_HDR_OTHER);
	}
	/* Names with non-token characters are never known headers. */
	assert_int_equal(sip_hdr_lookup((const uint8_t *)"Vi\x01", 3), SIP_HDR_OTHER);
	assert_int_equal(sip_hdr_lookup((const uint8_t *)"To ", 3), SIP_HDR_OTHER);
	assert_int_equal(sip_hdr_lookup((const uint8_t *)"\rT", 2), SIP_HDR_OTHER);
	assert_string_equal(sip_hdr_name(SIP_HDR_OTHER), "");
	assert_string_equal(sip_hdr_name(9999), "");
}

/* Parse the template with the header lines `lines` inserted. */
static struct pm *
msg_with(const char *lines)
{
	/* the template with `lines` inserted */
	return pm_dgram(with_headers(lines));
}

static void
test_compact_forms_parsed(void **state)
{
	struct pm *pm;

	(void)state;
	/*
	 * An INVITE written entirely with compact forms i f t v l m c k s e o r
	 * u a j x y b d n, in mixed case.
	 */
	pm = expect_ok("INVITE sip:bob@example.com SIP/2.0\r\n"
		       "v: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKnashds8\r\n"
		       "T: <sip:bob@example.com>\r\n"
		       "f: Alice <sip:alice@example.com>;tag=88\r\n"
		       "I: compact-1@example.com\r\n"
		       "CSeq: 1 INVITE\r\n"
		       "m: <sip:alice@192.0.2.4>\r\n"
		       "K: 100rel, timer\r\n"
		       "s: subject\r\n"
		       "e: gzip\r\n"
		       "o: presence\r\n"
		       "r: <sip:carol@example.com>\r\n"
		       "u: talk\r\n"
		       "a: *;audio\r\n"
		       "j: *;video\r\n"
		       "x: 1800\r\n"
		       "y: abc\r\n"
		       "b: <sip:dave@example.com>\r\n"
		       "d: proxy\r\n"
		       "n: <https://example.com/cert>\r\n"
		       "C: application/sdp\r\n"
		       "L: 12\r\n"
		       "\r\n"
		       "v=0\r\nx=abc\r\n");
	CHECK_STR(pm, call_id, "compact-1@example.com");
	CHECK_STR(pm, from.tag, "88");
	CHECK_STR(pm, to.uri, "sip:bob@example.com");
	CHECK_STR(pm, via.branch, "z9hG4bKnashds8");
	CHECK_STR(pm, contact.uri, "sip:alice@192.0.2.4");
	CHECK_STR(pm, supported, "100rel, timer");
	CHECK_STR(pm, content_type, "application/sdp");
	assert_int_equal(pm->msg.content_length, 12);
	assert_true(pm->msg.flags & SIP_F_CONTENT_ENCODED);
	{
		static const enum sip_hdr_id ids[] = {
			SIP_HDR_VIA,
			SIP_HDR_TO,
			SIP_HDR_FROM,
			SIP_HDR_CALL_ID,
			SIP_HDR_CSEQ,
			SIP_HDR_CONTACT,
			SIP_HDR_SUPPORTED,
			SIP_HDR_SUBJECT,
			SIP_HDR_CONTENT_ENCODING,
			SIP_HDR_EVENT,
			SIP_HDR_REFER_TO,
			SIP_HDR_ALLOW_EVENTS,
			SIP_HDR_ACCEPT_CONTACT,
			SIP_HDR_REJECT_CONTACT,
			SIP_HDR_SESSION_EXPIRES,
			SIP_HDR_IDENTITY,
			SIP_HDR_REFERRED_BY,
			SIP_HDR_REQUEST_DISPOSITION,
			SIP_HDR_IDENTITY_INFO,
			SIP_HDR_CONTENT_TYPE,
			SIP_HDR_CONTENT_LENGTH,
		};
		unsigned int i;

		assert_int_equal(pm->msg.hdr_count, sizeof(ids) / sizeof(ids[0]));
		for (i = 0; i < pm->msg.hdr_count; i++) {
			assert_int_equal(pm->msg.hdrs[i].id, ids[i]);
			assert_int_equal(pm->msg.hdrs[i].compact, ids[i] != SIP_HDR_CSEQ);
		}
		assert_int_equal(sip_hdr_find(&pm->msg, SIP_HDR_REFER_TO, 0), 10);
		assert_int_equal(sip_hdr_find(&pm->msg, SIP_HDR_REFER_TO, 11), -1);
		check_str(pm->buf,
			(struct sip_str){pm->msg.hdrs[10].val_off, pm->msg.hdrs[10].val_len},
			"<sip:carol@example.com>");
	}
	pm_free(pm);
}

static void
test_long_forms_parsed(void **state)
{
	struct pm *pm;

	(void)state;
	/* The same INVITE in long forms with unusual letter case. */
	pm = expect_ok("INVITE sip:bob@example.com SIP/2.0\r\n"
		       "VIA: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKnashds8\r\n"
		       "to: <sip:bob@example.com>\r\n"
		       "fROM: Alice <sip:alice@example.com>;tag=88\r\n"
		       "call-id: long-1@example.com\r\n"
		       "cseq: 1 INVITE\r\n"
		       "CONTACT: <sip:alice@192.0.2.4>\r\n"
		       "supported: 100rel\r\n"
		       "user-AGENT: vpep-test/1.0\r\n"
		       "Server: should-not-be-in-a-request-but-parsed\r\n"
		       "max-FORWARDS: 69\r\n"
		       "EXPIRES: 180\r\n"
		       "content-type: Application/SDP\r\n"
		       "content-LENGTH: 5\r\n"
		       "\r\n"
		       "v=0\r\n");
	CHECK_STR(pm, call_id, "long-1@example.com");
	CHECK_STR(pm, supported, "100rel");
	CHECK_STR(pm, user_agent, "vpep-test/1.0");
	CHECK_STR(pm, server, "should-not-be-in-a-request-but-parsed");
	assert_int_equal(pm->msg.max_forwards, 69);
	assert_true(pm->msg.flags & SIP_F_HAS_EXPIRES);
	assert_int_equal(pm->msg.expires, 180);
	assert_true(pm->msg.flags & SIP_F_SDP); /* media type match is case-insensitive */
	CHECK_STR(pm, sdp, "v=0\r\n");
	pm_free(pm);
}

static void
test_unknown_and_empty_headers(void **state)
{
	struct pm *pm;

	(void)state;
	/* Unknown header names with every token character, and an empty Subject. */
	pm = msg_with("X-Weird!%*_+`'~.-Name: whatever ;; ,, <>\r\n"
		      "Subject:\r\n"
		      "s :\r\n"
		      "P-Asserted-Identity: <sip:alice@example.com>\r\n");
	assert_int_equal(pm->ret, (int)pm->len);
	/* base_fmt has 6 header lines before the inserted ones */
	assert_int_equal(pm->msg.hdrs[6].id, SIP_HDR_OTHER);
	assert_int_equal(pm->msg.hdrs[6].name_len, strlen("X-Weird!%*_+`'~.-Name"));
	assert_int_equal(pm->msg.hdrs[7].id, SIP_HDR_SUBJECT);
	assert_int_equal(pm->msg.hdrs[7].val_len, 0);
	assert_int_equal(pm->msg.hdrs[8].id, SIP_HDR_SUBJECT);
	assert_int_equal(pm->msg.hdrs[8].val_len, 0);
	assert_int_equal(pm->msg.hdrs[9].id, SIP_HDR_OTHER);
	pm_free(pm);
}

/* ---- folding and white space -------------------------------------------------------------- */

static void
test_folding(void **state)
{
	struct pm *pm;

	(void)state;
	/*
	 * Folded Via (inside the sent-protocol), CSeq (between number and
	 * method), From (before the tag parameter), Contact (value on the next
	 * line), Subject (folded with HTAB).
	 */
	pm = expect_ok("INVITE sip:bob@example.com SIP/2.0\r\n"
		       "Via: SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=z9hG4bKfold\r\n"
		       "To: <sip:bob@example.com>\r\n"
		       "From: \"A\" <sip:a@example.com>\r\n  ;\r\n  tag = 98asjd8\r\n"
		       "Call-ID: fold-1\r\n"
		       "CSeq: 0009\r\n  INVITE\r\n"
		       "Contact:\r\n  <sip:a@192.0.2.2>\r\n"
		       "Subject: first\r\n\tsecond\r\n"
		       "Content-Length: 0\r\n"
		       "\r\n");
	assert_true(pm->msg.flags & SIP_F_FOLDED);
	CHECK_STR(pm, via.transport, "UDP");
	CHECK_STR(pm, via.host, "192.0.2.2");
	CHECK_STR(pm, via.branch, "z9hG4bKfold");
	CHECK_STR(pm, from.tag, "98asjd8");
	assert_int_equal(pm->msg.cseq, 9);
	assert_int_equal(pm->msg.cseq_method, SIP_METHOD_INVITE);
	CHECK_STR(pm, contact.uri, "sip:a@192.0.2.2");
	check_str(pm->buf, (struct sip_str){pm->msg.hdrs[6].val_off, pm->msg.hdrs[6].val_len},
		"first\r\n\tsecond");
	pm_free(pm);

	/* A continuation line right after the start line belongs to no header. */
	expect_err("OPTIONS sip:a@b SIP/2.0\r\n folded\r\n\r\n", SIP_ERR_BAD_HDR_NAME);
	/* A folded Call-ID contains white space: not a valid Call-ID. */
	expect_err("OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKf\r\n"
		   "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: abc\r\n def\r\n"
		   "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
		SIP_ERR_BAD_CALL_ID);
}

static void
test_odd_whitespace(void **state)
{
	struct pm *pm;

	(void)state;
	/* SP/HTAB around the colon, multiple spaces, trailing white space. */
	pm = expect_ok(
		"REGISTER sip:example.com SIP/2.0\r\n"
		"Via \t:\t SIP/2.0/TCP   client.example.com:5060  ;  branch = z9hG4bKws  \r\n"
		"To   :   <sip:u@example.com>   \r\n"
		"From:<sip:u@example.com>;tag=x\r\n"
		"Call-ID:     ws-1@example.com    \r\n"
		"CSeq:\t4711\t REGISTER\t\r\n"
		"Max-Forwards:70\r\n"
		"Content-Length:0\r\n"
		"\r\n");
	CHECK_STR(pm, via.transport, "TCP");
	CHECK_STR(pm, via.host, "client.example.com");
	assert_int_equal(pm->msg.via.port, 5060);
	CHECK_STR(pm, via.branch, "z9hG4bKws");
	CHECK_STR(pm, to.uri, "sip:u@example.com");
	CHECK_STR(pm, call_id, "ws-1@example.com");
	assert_int_equal(pm->msg.cseq, 4711);
	pm_free(pm);

	/* Space inside a header name is not allowed. */
	expect_err(with_headers("Max Forwards: 70\r\n"), SIP_ERR_HDR_NO_COLON);
	/* A line with no colon at all. */
	expect_err(with_headers("JustAWord\r\n"), SIP_ERR_HDR_NO_COLON);
	/* A line starting with the colon. */
	expect_err(with_headers(": value\r\n"), SIP_ERR_BAD_HDR_NAME);
}

static void
test_line_endings(void **state)
{
	struct pm *pm;

	(void)state;
	/* The reference INVITE with every CRLF replaced by a bare LF. */
	{
		char s[sizeof(ref_invite)];
		size_t i, k = 0;

		for (i = 0; ref_invite[i]; i++)
			if (ref_invite[i] != '\r')
				s[k++] = ref_invite[i];
		s[k] = 0;
		/* the body shrank by 9 CRs: fix Content-Length 203 -> 194 */
		memcpy(strstr(s, "203"), "194", 3);
		pm = expect_ok(s);
		assert_true(pm->msg.flags & SIP_F_BARE_LF);
		CHECK_STR(pm, call_id, "vp-7731-0001@198.51.100.7");
		assert_int_equal(pm->msg.sdp.len, 194);
		pm_free(pm);
	}
	/* Mixed line ends: LF after the start line, CRLF elsewhere, LF for the empty line. */
	pm = expect_ok("OPTIONS sip:a@b SIP/2.0\n"
		       "Via: SIP/2.0/UDP h;branch=z9hG4bKlf\r\n"
		       "To: <sip:a@b>\r\nFrom: <sip:c@d>;tag=1\n"
		       "Call-ID: lf\r\nCSeq: 1 OPTIONS\r\n"
		       "\n");
	assert_true(pm->msg.flags & SIP_F_BARE_LF);
	assert_int_equal(pm->msg.body.len, 0);
	pm_free(pm);
	/* A bare CR inside a header value. */
	expect_err(with_headers("Subject: a\rb\r\n"), SIP_ERR_BAD_LINE_END);
	/* A bare CR where the empty line should be. */
	{
		char s[1024];
		base_copy(s, sizeof(s));
		s[strlen(s) - 1] = 'X';
		expect_err(s, SIP_ERR_BAD_LINE_END);
	}
}

/* ---- From/To/Contact ------------------------------------------------------------------------ */

static void
test_name_addr_forms(void **state)
{
	/* To header values, and the display name, URI and tag each must give. */
	static const struct {
		const char *value;
		const char *display, *uri, *tag;
	} t[] = {
		{"sip:alice@example.com;tag=1", "", "sip:alice@example.com", "1"},
		{"<sip:alice@example.com>;tag=2", "", "sip:alice@example.com", "2"},
		{"Alice <sip:alice@example.com>;tag=3", "Alice", "sip:alice@example.com", "3"},
		{"Alice Liddell <sip:a@example.com>", "Alice Liddell", "sip:a@example.com", ""},
		{"caller<sip:caller@example.com>;tag=323", "caller", "sip:caller@example.com",
			"323"},
		{"\"Alice\" <sip:alice@example.com>", "Alice", "sip:alice@example.com", ""},
		/* quoted display name with ';' '<' and escaped quote and backslash inside */
		{"\"A;b <c> \\\"d\\\" \\\\\"<sip:x@example.com>;tag=4", "A;b <c> \\\"d\\\" \\\\",
			"sip:x@example.com", "4"},
		/* escaped NUL and other controls inside quotes (RFC 4475 3.1.1.2) */
		{"\"BEL:\\\x07 DEL:\\\x7f\" <sip:x@example.com>", "BEL:\\\x07 DEL:\\\x7f",
			"sip:x@example.com", ""},
		{"\"\" <sip:x@example.com>;TAG=Mixed", "", "sip:x@example.com", "Mixed"},
		{"<sip:x@example.com;transport=tcp>;tag=5;other", "",
			"sip:x@example.com;transport=tcp", "5"},
		{"sip:x@example.com ;  tag  =  6", "", "sip:x@example.com", "6"},
		{"<tel:+15551234>;tag=7", "", "tel:+15551234", "7"},
		{"isbn:2983792873", "", "isbn:2983792873", ""},
		{"<sip:x@example.com?Subject=hi>", "", "sip:x@example.com?Subject=hi", ""},
		{"<sip:x@example.com>;p=\"quoted;value\";tag=8", "", "sip:x@example.com", "8"},
		{"<sip:x@[2001:db8::1]:5060>;tag=9", "", "sip:x@[2001:db8::1]:5060", "9"},
		{"<sip:x@example.com>;received=[2001:db8::9];tag=10", "", "sip:x@example.com",
			"10"},
	};
	unsigned int i;
	char line[512];

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct pm *pm;

		/* A message whose To header value is t[i].value (From stays the base one). */
		snprintf(line, sizeof(line),
			"INVITE sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKn\r\n"
			"To: %s\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: na%u\r\n"
			"CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
			t[i].value, i);
		pm = pm_parse_n(line, strlen(line), SIP_TRANSPORT_DGRAM);
		if (pm->ret < 0)
			print_error("case %u: %s\n", i, sip_err_name(pm->msg.err));
		assert_true(pm->ret > 0);
		CHECK_STR(pm, to.display, t[i].display);
		CHECK_STR(pm, to.uri, t[i].uri);
		CHECK_STR(pm, to.tag, t[i].tag);
		pm_free(pm);
	}
}

static void
test_name_addr_errors(void **state)
{
	/* Malformed To header values and the reason each must give. */
	static const struct {
		const char *value;
		enum sip_error err;
	} t[] = {
		{"\"Mr. J. User <sip:j.user@example.com>", SIP_ERR_UNTERMINATED_QUOTE},
		{"Bell, Alexander <sip:a.g.bell@example.com>", SIP_ERR_BAD_TO},
		{"\"Watson, Thomas\" < sip:t.watson@example.org >", SIP_ERR_BAD_TO},
		{"<sip:t.watson@example.org >", SIP_ERR_BAD_TO},
		{"sip:user@example.com?Route=%3Csip:x%3E", SIP_ERR_BAD_TO},
		{"<sip:a@b>;;tag=1", SIP_ERR_BAD_TO},
		{"<sip:a@b>;tag=1;", SIP_ERR_BAD_TO},
		{"<sip:a@b>;tag=", SIP_ERR_BAD_TO},
		{"<sip:a@b>, <sip:c@d>", SIP_ERR_BAD_TO}, /* To is single-valued */
		{"<sip:a@b", SIP_ERR_BAD_TO},
		{"<>", SIP_ERR_BAD_TO},
		{"<1sip:a@b>", SIP_ERR_BAD_TO},
		{"Alice", SIP_ERR_BAD_TO},
		{"", SIP_ERR_BAD_TO},
		{"\"x\"", SIP_ERR_BAD_TO},
		{"\"a\\", SIP_ERR_UNTERMINATED_QUOTE},
		{"\"raw\x01"
		 "control\" <sip:a@b>",
			SIP_ERR_BAD_TO},
		{"<sip:a@b> junk", SIP_ERR_BAD_TO},
		{"<sip:a\x80@b>", SIP_ERR_BAD_TO},
	};
	unsigned int i;
	char line[512];

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct pm *pm;

		/* A message whose To header value is t[i].value. */
		snprintf(line, sizeof(line),
			"INVITE sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKn\r\n"
			"To: %s\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: ne%u\r\n"
			"CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
			t[i].value, i);
		pm = pm_dgram(line);
		if (pm->ret != SIP_PARSE_MALFORMED || pm->msg.err != t[i].err)
			print_error("case %u (%s): ret %d err %s\n", i, t[i].value, pm->ret,
				sip_err_name(pm->msg.err));
		assert_int_equal(pm->ret, SIP_PARSE_MALFORMED);
		assert_int_equal(pm->msg.err, t[i].err);
		assert_int_equal(pm->msg.err_hdr, SIP_HDR_TO);
		pm_free(pm);
	}
	/* The same error in From is reported against From. */
	{
		struct pm *pm =
			/* An OPTIONS whose From has an unquoted ',' in its display name. */
			pm_dgram("OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKq\r\n"
				 "To: <sip:b@h>\r\nFrom: a, b <sip:x@y>\r\nCall-ID: q\r\n"
				 "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
		assert_int_equal(pm->ret, SIP_PARSE_MALFORMED);
		assert_int_equal(pm->msg.err, SIP_ERR_BAD_FROM);
		assert_int_equal(pm->msg.err_hdr, SIP_HDR_FROM);
		pm_free(pm);
	}
}

static void
test_contact_lists(void **state)
{
	struct pm *pm;

	(void)state;
	/* Three Contact values in one header and two more in a second one. */
	pm = msg_with("Contact: \"One\" <sip:one@example.com>;expires=60, "
		      "<sip:two@example.com;transport=tcp>;q=0.5,\r\n sip:three@example.com\r\n"
		      "m: <sip:four@example.com>, <sip:five@example.com>\r\n");
	assert_int_equal(pm->ret, (int)pm->len);
	assert_int_equal(pm->msg.contact_count, 5);
	CHECK_STR(pm, contact.display, "One");
	CHECK_STR(pm, contact.uri, "sip:one@example.com");
	{
		struct sip_str v;
		assert_int_equal(sip_param_find(pm->buf, pm->msg.contact.value, "expires", &v), 1);
		check_str(pm->buf, v, "60");
	}
	pm_free(pm);
	/* Contact: * (REGISTER removing all bindings). */
	pm = msg_with("Contact: *\r\n");
	assert_int_equal(pm->ret, (int)pm->len);
	assert_true(pm->msg.flags & SIP_F_CONTACT_STAR);
	pm_free(pm);
	/* Empty element in a Contact list. */
	expect_err(with_headers("Contact: <sip:a@b>,,<sip:c@d>\r\n"), SIP_ERR_BAD_CONTACT);
	/* Trailing comma. */
	expect_err(with_headers("Contact: <sip:a@b>,\r\n"), SIP_ERR_BAD_CONTACT);
	/* Empty parameters (RFC 4475 3.1.2.1 style). */
	expect_err(with_headers("Contact: \"Joe\" <sip:joe@example.org>;;;;\r\n"),
		SIP_ERR_BAD_CONTACT);
	/* Unbracketed URI with ?headers (RFC 4475 3.1.2.13 style). */
	expect_err(with_headers("Contact: sip:user@example.com?Route=%3Csip:x%3E\r\n"),
		SIP_ERR_BAD_CONTACT);
	/* Bracketed URI with ?headers is fine (RFC 4475 3.3.14 style). */
	pm = msg_with("Contact: <sip:user@example.com?Route=%3Csip:sip.example.com%3E>\r\n");
	assert_int_equal(pm->ret, (int)pm->len);
	pm_free(pm);
}

/* ---- Via --------------------------------------------------------------------------------------
 */

static void
test_via_details(void **state)
{
	/* Via values (a branch is appended) and the transport, host and port each must give. */
	static const struct {
		const char *value;
		uint8_t tp;
		const char *host;
		uint16_t port;
	} t[] = {
		{"SIP/2.0/UDP a.example.com", SIP_VIA_TP_UDP, "a.example.com", 0},
		{"SIP/2.0/tcp a.example.com:5060", SIP_VIA_TP_TCP, "a.example.com", 5060},
		{"SIP/2.0/TLS 192.0.2.1:5061", SIP_VIA_TP_TLS, "192.0.2.1", 5061},
		{"SIP/2.0/SCTP h", SIP_VIA_TP_SCTP, "h", 0},
		{"SIP/2.0/TLS-SCTP h", SIP_VIA_TP_TLS_SCTP, "h", 0},
		{"SIP/2.0/WS df7jal23ls0d.invalid", SIP_VIA_TP_WS, "df7jal23ls0d.invalid", 0},
		{"SIP/2.0/WSS h", SIP_VIA_TP_WSS, "h", 0},
		{"SIP/2.0/UNKNOWN h", SIP_VIA_TP_OTHER, "h", 0},
		{"SIP/2.0/UDP [2001:db8::1]:65535", SIP_VIA_TP_UDP, "2001:db8::1", 65535},
		{"SIP/2.0/UDP [::1] : 5091 ;rport", SIP_VIA_TP_UDP, "::1", 5091},
	};
	unsigned int i;
	char line[512];

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct pm *pm;

		/* A message whose only Via is t[i].value plus a branch. */
		snprintf(line, sizeof(line),
			"OPTIONS sip:b@h SIP/2.0\r\nVia: %s;branch=z9hG4bK%u\r\n"
			"To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: v%u\r\n"
			"CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
			t[i].value, i, i);
		pm = pm_dgram(line);
		if (pm->ret < 0)
			print_error("case %u: %s\n", i, sip_err_name(pm->msg.err));
		assert_true(pm->ret > 0);
		assert_int_equal(pm->msg.via.tp, t[i].tp);
		CHECK_STR(pm, via.host, t[i].host);
		assert_int_equal(pm->msg.via.port, t[i].port);
		pm_free(pm);
	}
}

static void
test_via_lists_and_params(void **state)
{
	struct pm *pm;
	struct sip_str v;

	(void)state;
	/* Three Via headers, the first carrying two comma-separated values. */
	pm = msg_with("Via: SIP/2.0/UDP top.example.com;branch=z9hG4bKtop;rport=5062;"
		      "received=192.0.2.9 , SIP/2.0/TCP second.example.com;branch=z9hG4bK2\r\n"
		      "v: SIP/2.0/UDP third.example.com;branch=z9hG4bK3\r\n");
	assert_int_equal(pm->ret, (int)pm->len);
	/* base_fmt's own Via comes first */
	assert_int_equal(pm->msg.via_count, 4);
	CHECK_STR(pm, via.host, "192.0.2.1");
	pm_free(pm);

	/* Via with rport without value, received, ttl, maddr, quoted extension. */
	pm = expect_ok("OPTIONS sip:b@h SIP/2.0\r\n"
		       "Via: SIP/2.0/UDP 10.0.0.1:5060;rport;branch=z9hG4bKabc;received=192.0.2.4;"
		       "maddr=224.0.1.75;ttl=16;ext=\"a;b\", SIP/2.0/UDP next\r\n"
		       "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: vp\r\n"
		       "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(pm->msg.via_count, 2);
	assert_int_equal(pm->msg.via.rport, 1);
	CHECK_STR(pm, via.received, "192.0.2.4");
	CHECK_STR(pm, via.branch, "z9hG4bKabc");
	assert_int_equal(sip_param_find(pm->buf, pm->msg.via.value, "rport", &v), 1);
	assert_int_equal(v.len, 0);
	assert_int_equal(sip_param_find(pm->buf, pm->msg.via.value, "TTL", &v), 1);
	check_str(pm->buf, v, "16");
	assert_int_equal(sip_param_find(pm->buf, pm->msg.via.value, "ext", &v), 1);
	check_str(pm->buf, v, "\"a;b\"");
	assert_int_equal(sip_param_find(pm->buf, pm->msg.via.value, "b\"", &v), 0);
	assert_int_equal(sip_param_find(pm->buf, pm->msg.via.value, "nope", &v), 0);
	pm_free(pm);

	/* Branch that is just the magic cookie (RFC 4475 3.2.1 style). */
	pm = expect_ok("OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK\r\n"
		       "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: bb\r\n"
		       "CSeq: 8 OPTIONS\r\nl: 0\r\n\r\n");
	assert_false(pm->msg.flags & SIP_F_BRANCH_3261);
	CHECK_STR(pm, via.branch, "z9hG4bK");
	pm_free(pm);
	/* RFC 2543 Via without a branch at all. */
	pm = expect_ok("OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP iftgw.example.com\r\n"
		       "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: nb\r\n"
		       "CSeq: 8 OPTIONS\r\nl: 0\r\n\r\n");
	assert_false(pm->msg.flags & SIP_F_BRANCH_3261);
	assert_int_equal(pm->msg.via.branch.len, 0);
	pm_free(pm);
}

static void
test_via_errors(void **state)
{
	/* Malformed Via values. */
	static const char *const bad[] = {
		"SIP/2.0/UDP 192.0.2.15;;,;,,", /* RFC 4475 3.1.2.1 */
		"SIP/2.0/UDP",			/* no sent-by */
		"SIP/2.0 h",			/* no transport */
		"SIP/2.0/UDPh",			/* no LWS before sent-by */
		"SIP/2.0/UDP h:65536",		/* port too big */
		"SIP/2.0/UDP h:",		/* empty port */
		"SIP/2.0/UDP h;branch=",	/* empty value */
		"SIP/2.0/UDP h,",		/* trailing comma */
		"SIP/2.0/UDP [::1",		/* unterminated IPv6 reference */
		"SIP/2.0/UDP []",		/* empty IPv6 reference */
		"SIP/2.0/UDP h x",		/* junk after sent-by */
		"SIP/2.0/UDP h;branch=\"open",	/* unterminated quoted value */
		"",				/* empty */
	};
	unsigned int i;
	char line[512];

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pm *pm;

		/* A message whose Via value is bad[i]. */
		snprintf(line, sizeof(line),
			"OPTIONS sip:b@h SIP/2.0\r\nVia: %s\r\n"
			"To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: ve%u\r\n"
			"CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
			bad[i], i);
		pm = pm_dgram(line);
		if (pm->ret != SIP_PARSE_MALFORMED)
			print_error("case %u (%s) accepted\n", i, bad[i]);
		assert_int_equal(pm->ret, SIP_PARSE_MALFORMED);
		assert_true(pm->msg.err == SIP_ERR_BAD_VIA ||
			    pm->msg.err == SIP_ERR_UNTERMINATED_QUOTE);
		assert_int_equal(pm->msg.err_hdr, SIP_HDR_VIA);
		pm_free(pm);
	}
}

/* ---- numbers, duplicates, mandatory headers -------------------------------------------------- */

static void
test_cseq(void **state)
{
	struct pm *pm;

	(void)state;
	/* The largest CSeq number allowed: 2^31 - 1. */
	pm = pm_dgram("OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKc\r\n"
		      "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: c\r\n"
		      "CSeq: 2147483647 OPTIONS\r\nContent-Length: 0\r\n\r\n");
	assert_true(pm->ret > 0);
	assert_int_equal(pm->msg.cseq, 2147483647u);
	pm_free(pm);
	/* 2^31 and larger are invalid (RFC 3261 8.1.1.5, RFC 4475 3.1.2.4). */
	expect_err("OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKc\r\n"
		   "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: c\r\n"
		   "CSeq: 2147483648 OPTIONS\r\nContent-Length: 0\r\n\r\n",
		SIP_ERR_BAD_CSEQ);
	/* 36893488147419103232 would overflow 64 bits as well. */
	expect_err("OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKc\r\n"
		   "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: c\r\n"
		   "CSeq: 36893488147419103232 OPTIONS\r\nContent-Length: 0\r\n\r\n",
		SIP_ERR_BAD_CSEQ);
	/* CSeq without a method. */
	expect_err("OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKc\r\n"
		   "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: c\r\n"
		   "CSeq: 1\r\nContent-Length: 0\r\n\r\n",
		SIP_ERR_BAD_CSEQ);
	/* CSeq without LWS between number and method. */
	expect_err("OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKc\r\n"
		   "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: c\r\n"
		   "CSeq: 1OPTIONS\r\nContent-Length: 0\r\n\r\n",
		SIP_ERR_BAD_CSEQ);
	/* CSeq with a negative number. */
	expect_err("OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKc\r\n"
		   "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: c\r\n"
		   "CSeq: -1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
		SIP_ERR_BAD_CSEQ);
	/* CSeq with a trailing extra token. */
	expect_err("OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKc\r\n"
		   "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: c\r\n"
		   "CSeq: 1 OPTIONS x\r\nContent-Length: 0\r\n\r\n",
		SIP_ERR_BAD_CSEQ);
	/* Request method OPTIONS with CSeq method INVITE (RFC 4475 3.1.2.17 style). */
	expect_err("OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKc\r\n"
		   "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: c\r\n"
		   "CSeq: 8 INVITE\r\nContent-Length: 0\r\n\r\n",
		SIP_ERR_CSEQ_METHOD_MISMATCH);
	/* Methods compare case-sensitively: "options" is not "OPTIONS". */
	expect_err("OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKc\r\n"
		   "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: c\r\n"
		   "CSeq: 8 options\r\nContent-Length: 0\r\n\r\n",
		SIP_ERR_CSEQ_METHOD_MISMATCH);
	/* A response may carry any CSeq method: a 200 to a BYE. */
	pm = pm_dgram("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKc\r\n"
		      "To: <sip:b@h>;tag=t\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: c\r\n"
		      "CSeq: 3 BYE\r\nContent-Length: 0\r\n\r\n");
	assert_true(pm->ret > 0);
	assert_int_equal(pm->msg.cseq_method, SIP_METHOD_BYE);
	pm_free(pm);
}

static void
test_numeric_headers(void **state)
{
	struct pm *pm;

	(void)state;
	/* Max-Forwards 0 (RFC 4475 3.3.11) and 255 are fine, leading zeros too. */
	pm = msg_with("Expires: 4294967295\r\n");
	assert_true(pm->ret > 0);
	assert_int_equal(pm->msg.expires, 4294967295u);
	pm_free(pm);
	{
		/* OPTIONS with Max-Forwards 0 as its only Max-Forwards. */
		static const char mf0[] =
			"OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKz\r\n"
			"To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: z\r\n"
			"CSeq: 1 OPTIONS\r\nMax-Forwards: 0\r\nl: 0\r\n\r\n";
		/* The same with Max-Forwards 0255. */
		static const char mf255[] =
			"OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKz\r\n"
			"To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: z\r\n"
			"CSeq: 1 OPTIONS\r\nMax-Forwards: 0255\r\nl: 0\r\n\r\n";
		/* The same with Max-Forwards 256. */
		static const char mf256[] =
			"OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKz\r\n"
			"To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: z\r\n"
			"CSeq: 1 OPTIONS\r\nMax-Forwards: 256\r\nl: 0\r\n\r\n";

		pm = expect_ok(mf0);
		assert_true(pm->msg.flags & SIP_F_HAS_MAX_FWD);
		assert_int_equal(pm->msg.max_forwards, 0);
		pm_free(pm);
		pm = expect_ok(mf255);
		assert_int_equal(pm->msg.max_forwards, 255);
		pm_free(pm);
		expect_err(mf256, SIP_ERR_BAD_MAX_FORWARDS);
	}
	/* Expires 2^32 (RFC 4475 3.1.2.4: overflows 32 bits). */
	expect_err(with_headers("Expires: 4294967296\r\n"), SIP_ERR_BAD_EXPIRES);
	/* Expires with 100 digits. */
	expect_err(with_headers(
			   "Expires: 1000000000000000000000000000000000000000000000000000000000000"
			   "000000000000000000000000000000000000000000\r\n"),
		SIP_ERR_BAD_EXPIRES);
	/* Expires as an RFC 2543 date is not RFC 3261 delta-seconds. */
	expect_err(with_headers("Expires: Thu, 01 Dec 1994 16:00:00 GMT\r\n"), SIP_ERR_BAD_EXPIRES);
	/* Max-Forwards not a number. */
	expect_err("OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKz\r\n"
		   "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: z\r\n"
		   "CSeq: 1 OPTIONS\r\nMax-Forwards: seventy\r\nl: 0\r\n\r\n",
		SIP_ERR_BAD_MAX_FORWARDS);
}

static void
test_content_length(void **state)
{
	/* Malformed Content-Length values and the reason each must give. */
	static const struct {
		const char *value;
		enum sip_error err;
	} bad[] = {
		{"-999", SIP_ERR_BAD_CONTENT_LENGTH}, /* RFC 4475 3.1.2.3 */
		{"12a", SIP_ERR_BAD_CONTENT_LENGTH},
		{"", SIP_ERR_BAD_CONTENT_LENGTH},
		{"1 2", SIP_ERR_BAD_CONTENT_LENGTH},
		{"4294967296", SIP_ERR_BAD_CONTENT_LENGTH},
		{"99999999999999999999999", SIP_ERR_BAD_CONTENT_LENGTH},
		{"0x10", SIP_ERR_BAD_CONTENT_LENGTH},
		{"+5", SIP_ERR_BAD_CONTENT_LENGTH},
	};
	unsigned int i;
	char s[512];
	struct pm *pm;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* A message whose Content-Length value is bad[i].value. */
		snprintf(s, sizeof(s),
			"OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKl\r\n"
			"To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: cl\r\n"
			"CSeq: 1 OPTIONS\r\nContent-Length: %s\r\n\r\n",
			bad[i].value);
		expect_err(s, bad[i].err);
	}
	/* Datagram: Content-Length larger than what follows (RFC 4475 3.1.2.2 style). */
	expect_err("OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKl\r\n"
		   "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: cl\r\n"
		   "CSeq: 1 OPTIONS\r\nContent-Length: 9999\r\n\r\nshort body",
		SIP_ERR_BODY_TRUNCATED);
	/* Content-Length one byte more than the body. */
	expect_err("OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKl\r\n"
		   "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: cl\r\n"
		   "CSeq: 1 OPTIONS\r\nContent-Length: 5\r\n\r\nabcd",
		SIP_ERR_BODY_TRUNCATED);
	/* Content-Length 4294967295 in a datagram: cannot fit. */
	expect_err("OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKl\r\n"
		   "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: cl\r\n"
		   "CSeq: 1 OPTIONS\r\nContent-Length: 4294967295\r\n\r\nabcd",
		SIP_ERR_BODY_TRUNCATED);
	/* Two Content-Length headers with the same value: tolerated, flagged. */
	pm = expect_ok("OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKl\r\n"
		       "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: cl\r\n"
		       "CSeq: 1 OPTIONS\r\nContent-Length: 4\r\nl: 4\r\n\r\nabcd");
	assert_true(pm->msg.flags & SIP_F_DUP_CL);
	pm_free(pm);
	/* Two different Content-Length values (RFC 4475 3.3.9 style). */
	expect_err("OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKl\r\n"
		   "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: cl\r\n"
		   "CSeq: 1 OPTIONS\r\nContent-Length: 13\r\nl: 5\r\n\r\n0123456789abc",
		SIP_ERR_DUP_CONTENT_LENGTH_MISMATCH);
	/* Datagram without Content-Length: the body is the rest of the datagram. */
	pm = expect_ok("OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKl\r\n"
		       "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: cl\r\n"
		       "CSeq: 1 OPTIONS\r\n\r\nrest of datagram");
	assert_false(pm->msg.flags & SIP_F_HAS_CL);
	CHECK_STR(pm, body, "rest of datagram");
	pm_free(pm);
	/* Datagram with a Content-Length shorter than the rest: trailing octets discarded. */
	pm = expect_ok("OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKl\r\n"
		       "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: cl\r\n"
		       "CSeq: 1 OPTIONS\r\nContent-Length: 4\r\n\r\nbodyTRAILING");
	CHECK_STR(pm, body, "body");
	assert_int_equal(pm->msg.trailing_len, 8);
	assert_true(pm->msg.flags & SIP_F_TRAILING_OCTETS);
	assert_int_equal(pm->msg.msg_len + 8, pm->len);
	pm_free(pm);
}

static void
test_duplicates(void **state)
{
	/* Header lines repeating a single-value header of the template, and the reason. */
	static const struct {
		const char *line;
		enum sip_error err;
	} t[] = {
		{"Call-ID: second@example.com\r\n", SIP_ERR_DUP_CALL_ID},
		{"i: second@example.com\r\n", SIP_ERR_DUP_CALL_ID},
		{"CSeq: 63104 OPTIONS\r\n", SIP_ERR_DUP_CSEQ},
		{"From: <sip:x@example.com>;tag=9\r\n", SIP_ERR_DUP_FROM},
		{"t: <sip:x@example.com>\r\n", SIP_ERR_DUP_TO},
		{"Max-Forwards: 70\r\n", SIP_ERR_DUP_MAX_FORWARDS},
		{"Expires: 1\r\nExpires: 1\r\n", SIP_ERR_DUP_EXPIRES},
		{"c: text/plain\r\nContent-Type: text/plain\r\n", SIP_ERR_DUP_CONTENT_TYPE},
	};
	unsigned int i;
	struct pm *pm;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		/* the template with the repeated header t[i].line */
		expect_err(with_headers(t[i].line), t[i].err);
	/* Repeatable headers are fine repeated: Via, Contact, Route, Supported, unknown. */
	pm = msg_with("Route: <sip:p1@example.com;lr>\r\nRoute: <sip:p2@example.com;lr>\r\n"
		      "Supported: timer\r\nk: 100rel\r\nX-A: 1\r\nX-A: 2\r\n");
	assert_true(pm->ret > 0);
	CHECK_STR(pm, supported, "timer");
	pm_free(pm);
}

static void
test_missing_mandatory(void **state)
{
	/* The full header set; each case drops one line. */
	static const char *const lines[] = {
		"Via: SIP/2.0/UDP h;branch=z9hG4bKmm\r\n",
		"To: <sip:b@h>\r\n",
		"From: <sip:a@h>;tag=f\r\n",
		"Call-ID: mm\r\n",
		"CSeq: 1 INVITE\r\n",
	};
	static const enum sip_error errs[] = {
		SIP_ERR_MISSING_VIA,
		SIP_ERR_MISSING_TO,
		SIP_ERR_MISSING_FROM,
		SIP_ERR_MISSING_CALL_ID,
		SIP_ERR_MISSING_CSEQ,
	};
	unsigned int drop, i;
	char s[1024];

	(void)state;
	for (drop = 0; drop < 5; drop++) {
		/* An INVITE carrying every mandatory header but lines[drop]. */
		strcpy(s, "INVITE sip:b@h SIP/2.0\r\n");
		for (i = 0; i < 5; i++)
			if (i != drop)
				strcat(s, lines[i]);
		strcat(s, "Content-Length: 0\r\n\r\n");
		expect_err(s, errs[drop]);
		/* the start line was fine: a classifier still sees a SIP request */
		{
			struct pm *pm = pm_dgram(s);
			assert_int_equal(pm->msg.kind, SIP_KIND_REQUEST);
			pm_free(pm);
		}
	}
}

static void
test_call_id_and_date(void **state)
{
	struct pm *pm;

	(void)state;
	/*
	 * An OPTIONS with a Call-ID of unusual but visible characters (RFC 4475
	 * 3.1.1.2 style, plus '=') and a valid Date.
	 */
	pm = expect_ok("OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKi\r\n"
		       "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\n"
		       "Call-ID: intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{==\r\n"
		       "CSeq: 1 OPTIONS\r\nDate: Sat, 13 Nov 2010 23:29:00 GMT\r\n"
		       "Content-Length: 0\r\n\r\n");
	CHECK_STR(pm, call_id, "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{==");
	assert_true(pm->msg.flags & SIP_F_HAS_DATE);
	pm_free(pm);
	/* Call-ID with a NUL byte. */
	{
		/* base message with "Call-ID: a\0b" */
		static const char nul[] =
			"OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKi\r\n"
			"To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: a\0b\r\n"
			"CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
		pm = pm_parse_n(nul, sizeof(nul) - 1, SIP_TRANSPORT_DGRAM);
		assert_int_equal(pm->ret, SIP_PARSE_MALFORMED);
		assert_int_equal(pm->msg.err, SIP_ERR_BAD_CALL_ID);
		pm_free(pm);
	}
	/* Call-ID with non-ASCII. */
	expect_err("OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKi\r\n"
		   "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: caf\xc3\xa9\r\n"
		   "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
		SIP_ERR_BAD_CALL_ID);
	/* Empty Call-ID. */
	expect_err("OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKi\r\n"
		   "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID:\r\n"
		   "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
		SIP_ERR_BAD_CALL_ID);
	/* Dates with a time zone other than GMT (RFC 4475 3.1.2.12), or broken. */
	expect_err(with_headers("Date: Fri, 01 Jan 2010 16:00:00 EST\r\n"), SIP_ERR_BAD_DATE);
	/* Date with an unknown month. */
	expect_err(with_headers("Date: Fri, 01 Foo 2010 16:00:00 GMT\r\n"), SIP_ERR_BAD_DATE);
	/* Date with hour 24. */
	expect_err(with_headers("Date: Fri, 01 Jan 2010 24:00:00 GMT\r\n"), SIP_ERR_BAD_DATE);
	/* Date with an unknown weekday. */
	expect_err(with_headers("Date: Xyz, 01 Jan 2010 16:00:00 GMT\r\n"), SIP_ERR_BAD_DATE);
	/* Date in ISO 8601 form. */
	expect_err(with_headers("Date: 2010-01-01T16:00:00Z\r\n"), SIP_ERR_BAD_DATE);
}

static void
test_content_type_and_multipart(void **state)
{
	struct pm *pm;

	(void)state;
	/* A MESSAGE with a multipart/mixed body whose second part is SDP. */
	pm = expect_ok("MESSAGE sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKmp\r\n"
		       "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: mp\r\n"
		       "CSeq: 1 MESSAGE\r\n"
		       "Content-Type: multipart/mixed ; boundary=\"unique-boundary-1\"\r\n"
		       "Content-Length: 200\r\n"
		       "\r\n"
		       "preamble\r\n"
		       "--unique-boundary-1\r\n"
		       "Content-Type: text/plain\r\n"
		       "\r\n"
		       "Hello\r\n"
		       "--unique-boundary-1\r\n"
		       "Content-Type: application/SDP;charset=utf-8\r\n"
		       "\r\n"
		       "v=0\r\n"
		       "s=-\r\n"
		       "\r\n"
		       "--unique-boundary-1--\r\n"
		       "epilogue.....................\r\n");
	assert_true(pm->msg.flags & SIP_F_MULTIPART);
	assert_true(pm->msg.flags & SIP_F_SDP);
	CHECK_STR(pm, sdp, "v=0\r\ns=-\r\n");
	CHECK_STR(pm, content_type, "multipart/mixed");
	pm_free(pm);

	/* A multipart/related body (unquoted boundary) whose SDP part is last and unterminated. */
	pm = expect_ok(
		"INVITE sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKmq\r\n"
		"To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: mq\r\n"
		"CSeq: 1 INVITE\r\nContent-Type: multipart/related;boundary=b1\r\n"
		"\r\n"
		"--b1\r\ncontent-type:application/sdp\r\n\r\nv=0\r\nm=audio 1 RTP/AVP 0\r\n");
	assert_true(pm->msg.flags & SIP_F_SDP);
	CHECK_STR(pm, sdp, "v=0\r\nm=audio 1 RTP/AVP 0\r\n");
	pm_free(pm);

	/*
	 * A multipart body whose first application/sdp part is empty (its blank
	 * line comes right before the next delimiter) and whose second one is not
	 * (found by the SIP fuzzer: the empty part used to be reported as SDP).
	 */
	pm = expect_ok("INVITE sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKme\r\n"
		       "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: me\r\n"
		       "CSeq: 1 INVITE\r\nContent-Type: multipart/mixed;boundary=b1\r\n"
		       "\r\n"
		       "--b1\r\nContent-Type: application/sdp\r\nv\r\n=0\r\n\r\n"
		       "--b1\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n"
		       "--b1--\r\n");
	assert_true(pm->msg.flags & SIP_F_SDP);
	CHECK_STR(pm, sdp, "v=0");
	pm_free(pm);
	/* Only an empty SDP part: no SDP. */
	pm = expect_ok("INVITE sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKmf\r\n"
		       "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: mf\r\n"
		       "CSeq: 1 INVITE\r\nContent-Type: multipart/mixed;boundary=b1\r\n"
		       "\r\n"
		       "--b1\r\nContent-Type: application/sdp\r\n\r\n--b1--\r\n");
	assert_false(pm->msg.flags & SIP_F_SDP);
	pm_free(pm);

	/* A multipart body with no SDP part (RFC 4475 3.1.1.11 style). */
	pm = expect_ok(
		"MESSAGE sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKmr\r\n"
		"To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: mr\r\n"
		"CSeq: 1 MESSAGE\r\nContent-Type: multipart/mixed;boundary=7a9c\r\n"
		"\r\n"
		"--7a9c\r\nContent-Type: text/plain\r\n\r\nHello\r\n"
		"--7a9c\r\nContent-Type: application/octet-stream\r\n\r\n\x01\x02\x03\xff\r\n"
		"--7a9c--\r\n");
	assert_true(pm->msg.flags & SIP_F_MULTIPART);
	assert_false(pm->msg.flags & SIP_F_SDP);
	pm_free(pm);

	/* An unknown body type: no SDP (RFC 4475 3.3.6 style). */
	pm = expect_ok("INVITE sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKut\r\n"
		       "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: ut\r\n"
		       "CSeq: 1 INVITE\r\nContent-Type: application/unknownformat\r\n"
		       "Content-Length: 7\r\n\r\n<audio>");
	assert_false(pm->msg.flags & SIP_F_SDP);
	CHECK_STR(pm, content_type, "application/unknownformat");
	pm_free(pm);

	/* application/sdp with an empty body: no SDP to learn from. */
	pm = expect_ok("INVITE sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKes\r\n"
		       "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: es\r\n"
		       "CSeq: 1 INVITE\r\nContent-Type: application/sdp\r\n"
		       "Content-Length: 0\r\n\r\n");
	assert_false(pm->msg.flags & SIP_F_SDP);
	pm_free(pm);

	/* Malformed Content-Type values. */
	expect_err(with_headers("Content-Type: application\r\n"), SIP_ERR_BAD_CONTENT_TYPE);
	/* Content-Type without a type. */
	expect_err(with_headers("Content-Type: /sdp\r\n"), SIP_ERR_BAD_CONTENT_TYPE);
	/* Content-Type with an empty parameter. */
	expect_err(with_headers("Content-Type: application/sdp;\r\n"), SIP_ERR_BAD_CONTENT_TYPE);
	/* Content-Type with junk after the subtype. */
	expect_err(with_headers("Content-Type: application/sdp x\r\n"), SIP_ERR_BAD_CONTENT_TYPE);
}

/* ---- several messages, keep-alives, stream framing ---------------------------------------------
 */

static void
test_keepalives(void **state)
{
	struct pm *pm;

	(void)state;
	/* RFC 5626 ping: a datagram of just CRLFCRLF. */
	pm = pm_dgram("\r\n\r\n");
	assert_int_equal(pm->ret, 4);
	assert_int_equal(pm->msg.kind, SIP_KIND_KEEPALIVE);
	pm_free(pm);
	/* RFC 5626 pong on a stream: CRLF. */
	pm = pm_stream("\r\n");
	assert_int_equal(pm->ret, 2);
	assert_int_equal(pm->msg.kind, SIP_KIND_KEEPALIVE);
	pm_free(pm);
	/* A lone LF (some user agents send that). */
	pm = pm_dgram("\n");
	assert_int_equal(pm->ret, 1);
	assert_int_equal(pm->msg.kind, SIP_KIND_KEEPALIVE);
	pm_free(pm);
}

/* Walk buf as the dataplane would; record kinds; return the number of parse calls. */
static int
walk(const uint8_t *buf, uint32_t len, enum sip_transport t, int *kinds, int max, int *last_ret)
{
	struct sip_msg m;
	uint32_t off = 0;
	int n = 0;

	*last_ret = 0;
	while (off < len && n < max) {
		int r = sip_msg_parse(buf + off, len - off, t, &m);

		*last_ret = r;
		if (r <= 0)
			break;
		assert_true((uint32_t)r <= len - off);
		kinds[n++] = m.kind;
		off += (uint32_t)r;
	}
	return n;
}

static void
test_several_messages_stream(void **state)
{
	/* Keep-alive, INVITE (with body), keep-alive, 200 OK, then the start of a third message. */
	static const char tail[] = "BYE sip:conference@192.0.2.80:5080 SIP/2.0\r\nVia: SIP/2.0/UDP";
	size_t n1 = strlen(ref_invite), n2 = strlen(ref_200), total;
	uint8_t *buf;
	int kinds[16], last, n;

	(void)state;
	total = 4 + n1 + 2 + n2 + strlen(tail);
	buf = malloc(total);
	memcpy(buf, "\r\n\r\n", 4);
	memcpy(buf + 4, ref_invite, n1);
	memcpy(buf + 4 + n1, "\r\n", 2);
	memcpy(buf + 6 + n1, ref_200, n2);
	memcpy(buf + 6 + n1 + n2, tail, strlen(tail));
	n = walk(buf, (uint32_t)total, SIP_TRANSPORT_STREAM, kinds, 16, &last);
	assert_int_equal(n, 4);
	assert_int_equal(kinds[0], SIP_KIND_KEEPALIVE);
	assert_int_equal(kinds[1], SIP_KIND_REQUEST);
	assert_int_equal(kinds[2], SIP_KIND_KEEPALIVE);
	assert_int_equal(kinds[3], SIP_KIND_RESPONSE);
	assert_int_equal(last, SIP_PARSE_NEED_MORE);
	free(buf);
}

/* Peek the Call-ID of text; returns it as a C string in out ("" when absent). */
static int
peek(const char *text, char *out, size_t cap)
{
	struct sip_str s;
	int r = sip_call_id_peek((const uint8_t *)text, (uint32_t)strlen(text), &s);

	out[0] = '\0';
	if (r == 0)
		snprintf(out, cap, "%.*s", (int)s.len, text + s.off);
	return r;
}

static void
test_call_id_peek(void **state)
{
	char id[128];

	(void)state;
	/* long form among other headers */
	assert_int_equal(peek("INVITE sip:b@x SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n"
			      "Call-ID: abc@host\r\nCSeq: 1 INVITE\r\n\r\n", id, sizeof(id)), 0);
	assert_string_equal(id, "abc@host");
	/* compact form, any case, spaces before the colon and after the value */
	assert_int_equal(peek("SIP/2.0 200 OK\r\nI \t:  xyz  \r\n\r\n", id, sizeof(id)), 0);
	assert_string_equal(id, "xyz");
	assert_int_equal(peek("BYE sip:a SIP/2.0\ncall-id:q1\n\n", id, sizeof(id)), 0);
	assert_string_equal(id, "q1");
	/* names that only start like it are other headers */
	assert_int_equal(peek("BYE sip:a SIP/2.0\r\nCall-Info: <x>\r\nid: 1\r\n"
			      "Call-IDx: 2\r\n\r\n", id, sizeof(id)), -1);
	/* a Call-ID in the body is not a header */
	assert_int_equal(peek("BYE sip:a SIP/2.0\r\nCSeq: 2 BYE\r\n\r\nCall-ID: body\r\n",
			id, sizeof(id)), -1);
	/* empty value, start line only, and a value cut by the end of the buffer */
	assert_int_equal(peek("BYE sip:a SIP/2.0\r\nCall-ID:   \r\n\r\n", id, sizeof(id)), -1);
	assert_int_equal(peek("BYE sip:a SIP/2.0", id, sizeof(id)), -1);
	assert_int_equal(peek("BYE sip:a SIP/2.0\r\ni: cut", id, sizeof(id)), 0);
	assert_string_equal(id, "cut");
	/* the first of two wins (the full parse calls that malformed) */
	assert_int_equal(peek("BYE sip:a SIP/2.0\r\ni: one\r\nCall-ID: two\r\n\r\n", id,
			sizeof(id)), 0);
	assert_string_equal(id, "one");
}

static void
test_several_messages_datagram(void **state)
{
	/*
	 * A datagram carrying a REGISTER (Content-Length 0) followed by an
	 * INVITE: RFC 3261 18.3 and RFC 4475 3.1.1.8 say the trailing octets
	 * are discarded, so the walk sees one message.
	 */
	static const char two[] = "\r\n"
				  "REGISTER sip:example.com SIP/2.0\r\n"
				  "To: sip:j.user@example.com\r\n"
				  "From: sip:j.user@example.com;tag=43251j3j324\r\n"
				  "Max-Forwards: 8\r\n"
				  "I: dbl.0ha0isndaksdj99sdfafnl3lk233412\r\n"
				  "Contact: sip:j.user@host.example.com\r\n"
				  "CSeq: 8 REGISTER\r\n"
				  "Via: SIP/2.0/UDP 192.0.2.125;branch=z9hG4bKkdjuw23492\r\n"
				  "Content-Length: 0\r\n"
				  "\r\n"
				  "INVITE sip:joe@example.com SIP/2.0\r\n"
				  "t: sip:joe@example.com\r\n"
				  "\r\n";
	int kinds[8], last, n;
	struct pm *pm;

	(void)state;
	pm = pm_dgram(two);
	assert_int_equal(pm->ret, 2);
	pm_free(pm);
	pm = pm_parse_n(two, strlen(two), SIP_TRANSPORT_DGRAM);
	n = walk(pm->buf, pm->len, SIP_TRANSPORT_DGRAM, kinds, 8, &last);
	assert_int_equal(n, 2);
	assert_int_equal(kinds[0], SIP_KIND_KEEPALIVE);
	assert_int_equal(kinds[1], SIP_KIND_REQUEST);
	{
		struct sip_msg m;
		int r = sip_msg_parse(pm->buf + 2, pm->len - 2, SIP_TRANSPORT_DGRAM, &m);
		assert_int_equal(r, (int)pm->len - 2);
		assert_int_equal(m.method, SIP_METHOD_REGISTER);
		assert_int_equal(m.trailing_len, strlen(two) - 2 - m.msg_len);
		assert_true(m.flags & SIP_F_TRAILING_OCTETS);
		/* over a stream the same bytes are two messages (the second incomplete) */
		r = sip_msg_parse(pm->buf + 2, pm->len - 2, SIP_TRANSPORT_STREAM, &m);
		assert_int_equal(r, (int)m.msg_len);
		r = sip_msg_parse(
			pm->buf + 2 + m.msg_len, pm->len - 2 - m.msg_len, SIP_TRANSPORT_STREAM, &m);
		assert_int_equal(r, SIP_PARSE_MALFORMED); /* the INVITE lacks mandatory headers */
	}
	pm_free(pm);
}

static void
test_stream_split_every_byte(void **state)
{
	size_t n = strlen(ref_invite), k;
	struct sip_msg m;

	(void)state;
	for (k = 0; k <= n; k++) {
		uint8_t *b = malloc(k ? k : 1);
		int r;

		memcpy(b, ref_invite, k);
		r = sip_msg_parse(b, (uint32_t)k, SIP_TRANSPORT_STREAM, &m);
		if (k < n) {
			if (r != SIP_PARSE_NEED_MORE)
				print_error(
					"prefix %zu: ret %d err %s\n", k, r, sip_err_name(m.err));
			assert_int_equal(r, SIP_PARSE_NEED_MORE);
			/* once the headers are complete the total size is known */
			if (k >= n - 203)
				assert_int_equal(m.msg_len, n);
		} else {
			assert_int_equal(r, (int)n);
			assert_int_equal(m.sdp.len, 203);
		}
		free(b);
	}
	/* The same message followed by a byte of the next: exactly one message consumed. */
	{
		uint8_t *b = malloc(n + 1);
		memcpy(b, ref_invite, n);
		b[n] = 'I';
		assert_int_equal(
			sip_msg_parse(b, (uint32_t)n + 1, SIP_TRANSPORT_STREAM, &m), (int)n);
		free(b);
	}
}

static void
test_stream_framing_errors(void **state)
{
	struct pm *pm;

	(void)state;
	/* Stream without Content-Length: framing is impossible (RFC 3261 18.3). */
	pm = pm_stream("OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bKs\r\n"
		       "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: s\r\n"
		       "CSeq: 1 OPTIONS\r\n\r\n");
	assert_int_equal(pm->ret, SIP_PARSE_MALFORMED);
	assert_int_equal(pm->msg.err, SIP_ERR_MISSING_CONTENT_LENGTH);
	pm_free(pm);
	/* Stream with a Content-Length that is far away: need more, total reported. */
	pm = pm_stream("OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bKs\r\n"
		       "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: s\r\n"
		       "CSeq: 1 OPTIONS\r\nContent-Length: 100000\r\n\r\nabc");
	assert_int_equal(pm->ret, SIP_PARSE_NEED_MORE);
	assert_int_equal(pm->msg.msg_len, pm->len - 3 + 100000);
	pm_free(pm);
	/* Stream with a Content-Length no buffer can hold. */
	pm = pm_stream("OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bKs\r\n"
		       "To: <sip:b@h>\r\nFrom: <sip:a@h>;tag=f\r\nCall-ID: s\r\n"
		       "CSeq: 1 OPTIONS\r\nContent-Length: 4294967295\r\n\r\n");
	assert_int_equal(pm->ret, SIP_PARSE_MALFORMED);
	assert_int_equal(pm->msg.err, SIP_ERR_BAD_CONTENT_LENGTH);
	pm_free(pm);
	/* A header line that never ends, longer than SIP_MAX_HDR_SECTION. */
	{
		size_t n = SIP_MAX_HDR_SECTION + 100;
		char *s = malloc(n + 1);
		memset(s, 'x', n);
		memcpy(s, "OPTIONS sip:b@h SIP/2.0\r\nX-Long: ", 33);
		s[n] = 0;
		pm = pm_stream(s);
		assert_int_equal(pm->ret, SIP_PARSE_MALFORMED);
		assert_int_equal(pm->msg.err, SIP_ERR_HEADERS_TOO_LONG);
		pm_free(pm);
		pm = pm_dgram(s);
		assert_int_equal(pm->ret, SIP_PARSE_MALFORMED);
		assert_int_equal(pm->msg.err, SIP_ERR_HEADERS_TOO_LONG);
		pm_free(pm);
		/* the same but shorter than the limit: a stream waits for more */
		s[4000] = 0;
		pm = pm_stream(s);
		assert_int_equal(pm->ret, SIP_PARSE_NEED_MORE);
		pm_free(pm);
		free(s);
	}
	/* Garbage that is not SIP fails without waiting for a line end. */
	pm = pm_stream("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03");
	assert_int_equal(pm->ret, SIP_PARSE_MALFORMED);
	assert_int_equal(pm->msg.err, SIP_ERR_BAD_START_LINE);
	pm_free(pm);
	/* A broken header fails as soon as its line is complete, before the message is. */
	pm = pm_stream("INVITE sip:b@h SIP/2.0\r\nVia: SIP/2.0/TCP h;;\r\nTo");
	assert_int_equal(pm->ret, SIP_PARSE_MALFORMED);
	assert_int_equal(pm->msg.err, SIP_ERR_BAD_VIA);
	pm_free(pm);
}

static void
test_too_many_headers(void **state)
{
	char *s = malloc(8192), line[64];
	unsigned int i;
	struct pm *pm;

	(void)state;
	/* The base message has 7 header lines; add unknown ones up to the limit. */
	s[0] = 0;
	for (i = 0; i < SIP_MAX_HEADERS - 7; i++) {
		snprintf(line, sizeof(line), "X-H%u: %u\r\n", i, i);
		strcat(s, line);
	}
	pm = msg_with(s);
	assert_true(pm->ret > 0);
	assert_int_equal(pm->msg.hdr_count, SIP_MAX_HEADERS);
	assert_int_equal(sip_hdr_find(&pm->msg, SIP_HDR_CONTENT_LENGTH, 0), SIP_MAX_HEADERS - 1);
	pm_free(pm);
	/* One more is too many. */
	strcat(s, "X-One-Too-Many: 1\r\n");
	/* the template with 58 extra header lines */
	expect_err(with_headers(s), SIP_ERR_TOO_MANY_HEADERS);
	free(s);
}

/* ---- captures of the shared corpus, read at run time ----------------------------------------
 *
 * The messages below are frames of third-party captures in ../shared/corpus/pcaps (the nDPI test
 * suite, LGPL-3.0). They must not be copied into this repository, so each test reads its frame
 * with libpcap (corpus_frames.c) and is skipped, saying where it looked, when the corpus is absent.
 */

/*
 * Parse the UDP or TCP payload of frame frame_no (numbered from 1, as in
 * Wireshark) of pcaps/capture, copied into a buffer of exactly its length,
 * over the transport it came on. l4 is the protocol the frame must have
 * (17 UDP, 6 TCP); *info (may be NULL) gets what was crossed to reach it.
 */
static struct pm *
pm_corpus(const char *capture, unsigned int frame_no, uint8_t l4, struct corpus_frame_info *info)
{
	static uint8_t frame[65536];
	struct corpus_frame_info fi;
	uint32_t len = 0;
	int r = corpus_frame_payload_info(capture, frame_no, frame, sizeof(frame), &len, &fi);

	if (r == -ENOENT) {
		print_message("corpus not found, skipping (%s frame %u; looked in %s)\n", capture,
			frame_no, corpus_searched());
		skip();
	}
	if (r < 0)
		fail_msg("%s (%s)", corpus_last_error(), strerror(-r));
	assert_int_equal(fi.l4_proto, l4);
	if (info != NULL)
		*info = fi;
	return pm_parse_n(
		frame, len, fi.l4_proto == 6 ? SIP_TRANSPORT_STREAM : SIP_TRANSPORT_DGRAM);
}

/* The same, expecting the whole payload to parse as one message. */
static struct pm *
corpus_ok(const char *capture, unsigned int frame_no, uint8_t l4, struct corpus_frame_info *info)
{
	struct pm *pm = pm_corpus(capture, frame_no, l4, info);

	if (pm->ret < 0)
		print_error("%s frame %u: unexpected error %s at %u (hdr %s)\n", capture, frame_no,
			sip_err_name(pm->msg.err), pm->msg.err_off, sip_hdr_name(pm->msg.err_hdr));
	assert_int_equal(pm->ret, (int)pm->len);
	return pm;
}

static void
test_capture_t38_invite(void **state)
{
	struct pm *pm;

	(void)state;
	/*
	 * INVITE offering T.38 fax only (m=image udptl), long To tag and
	 * Call-ID, Allow/Accept lists: frame 1400 of
	 * ndpi__FAX-Call-t38-CA-TDM-SIP-FB-1.pcap (Ethernet, IPv4, UDP).
	 */
	pm = corpus_ok("ndpi__FAX-Call-t38-CA-TDM-SIP-FB-1.pcap", 1400, 17, NULL);
	assert_int_equal(pm->msg.method, SIP_METHOD_INVITE);
	CHECK_STR(pm, to.tag, "617263616479616E-331715520-5336f785-187410205");
	CHECK_STR(pm, call_id, "SD4909701-9ff11bf72eb4a347c92974d8fbbc2668-ao8o3i1");
	assert_true(pm->msg.flags & SIP_F_SDP);
	assert_int_equal(pm->msg.sdp.len, 114);
	pm_free(pm);
}

static void
test_capture_gre_trying(void **state)
{
	struct corpus_frame_info fi;
	struct pm *pm;

	(void)state;
	/*
	 * 100 Trying with rport/received and a long branch: frame 1 of
	 * ndpi__gre.pcapng, carried in IPv4 over enhanced GRE (PPP) inside an
	 * 802.1Q-tagged IPv4 packet.
	 */
	pm = corpus_ok("ndpi__gre.pcapng", 1, 17, &fi);
	assert_int_equal(fi.tunnels, 1);
	assert_int_equal(pm->msg.kind, SIP_KIND_RESPONSE);
	assert_int_equal(pm->msg.status, 100);
	assert_int_equal(pm->msg.via.rport, 1);
	CHECK_STR(pm, via.received, "192.168.103.40");
	CHECK_STR(pm, via.branch, "z9hG4bK_AI2000Aug06491367227110");
	pm_free(pm);
}

static void
test_capture_digest_register(void **state)
{
	struct pm *pm;

	(void)state;
	/*
	 * REGISTER with a Digest Authorization (quoted, comma-separated values)
	 * and display names without LWS before '<': frame 11 of
	 * ndpi__sip_hello.pcapng (Ethernet, IPv4, UDP).
	 */
	pm = corpus_ok("ndpi__sip_hello.pcapng", 11, 17, NULL);
	assert_int_equal(pm->msg.method, SIP_METHOD_REGISTER);
	CHECK_STR(pm, from.display, "26841945");
	assert_true(pm->msg.flags & SIP_F_HAS_EXPIRES);
	assert_int_equal(pm->msg.expires, 600);
	CHECK_STR(pm, supported, "100rel,replaces");
	pm_free(pm);
}

static void
test_capture_fuzzed_via(void **state)
{
	struct pm *pm;

	(void)state;
	/*
	 * A REGISTER from the fuzzer-corrupted capture whose Via header name has
	 * a 0x1d byte ("Vi\x1d:"): frame 19 of ndpi__fuzz-2006-06-26-2594.pcap,
	 * the whole datagram (later lines are corrupted too; the Via line is the
	 * first error).
	 */
	pm = pm_corpus("ndpi__fuzz-2006-06-26-2594.pcap", 19, 17, NULL);
	if (pm->ret != SIP_PARSE_MALFORMED || pm->msg.err != SIP_ERR_HDR_NO_COLON)
		print_error("got ret %d err %s\n", pm->ret, sip_err_name(pm->msg.err));
	assert_int_equal(pm->ret, SIP_PARSE_MALFORMED);
	assert_string_equal(sip_err_name(pm->msg.err), sip_err_name(SIP_ERR_HDR_NO_COLON));
	assert_int_equal(pm->msg.kind, SIP_KIND_REQUEST);
	assert_int_equal(pm->msg.method, SIP_METHOD_REGISTER);
	pm_free(pm);
}

/* ---- helpers ----------------------------------------------------------------------------------
 */

static void
test_uri_parse(void **state)
{
	/* A sip URI with every part. */
	static const char u1[] =
		"sip:alice:secret@atlanta.example.com:5061;transport=tls;lr?subject=x&h=y";
	/* A sips URI with an IPv6 host. */
	static const char u2[] = "sips:[2001:db8::10]";
	/* A tel URI with parameters. */
	static const char u3[] = "tel:+1-201-555-0123;phone-context=example.com";
	/* URIs that are not well formed for their scheme. */
	static const char *const bad[] = {"sip:", "sip:@h", "sip:a@", "sip:a@h:x", "sip:a@h;",
		"sip:a@h;=v", "sip:a@[::1", "tel:", "nocolon", "1x:y", "sip:a b@h", "x:"};
	struct sip_uri u;
	struct sip_str r;
	unsigned int i;

	(void)state;
	r.off = 0;
	r.len = sizeof(u1) - 1;
	assert_int_equal(sip_uri_parse((const uint8_t *)u1, r, &u), 0);
	assert_int_equal(u.scheme, SIP_URI_SIP);
	check_str((const uint8_t *)u1, u.user, "alice");
	check_str((const uint8_t *)u1, u.password, "secret");
	check_str((const uint8_t *)u1, u.host, "atlanta.example.com");
	assert_int_equal(u.port, 5061);
	check_str((const uint8_t *)u1, u.params, "transport=tls;lr");
	check_str((const uint8_t *)u1, u.headers, "subject=x&h=y");
	r.len = sizeof(u2) - 1;
	assert_int_equal(sip_uri_parse((const uint8_t *)u2, r, &u), 0);
	assert_int_equal(u.scheme, SIP_URI_SIPS);
	check_str((const uint8_t *)u2, u.host, "2001:db8::10");
	assert_int_equal(u.user.len, 0);
	r.len = sizeof(u3) - 1;
	assert_int_equal(sip_uri_parse((const uint8_t *)u3, r, &u), 0);
	assert_int_equal(u.scheme, SIP_URI_TEL);
	check_str((const uint8_t *)u3, u.number, "+1-201-555-0123");
	check_str((const uint8_t *)u3, u.params, "phone-context=example.com");
	assert_int_equal(sip_param_find((const uint8_t *)u3, u.params, "phone-context", &r), 1);
	check_str((const uint8_t *)u3, r, "example.com");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r.off = 0;
		r.len = (uint32_t)strlen(bad[i]);
		if (sip_uri_parse((const uint8_t *)bad[i], r, &u) == 0)
			print_error("accepted %s\n", bad[i]);
		assert_int_not_equal(sip_uri_parse((const uint8_t *)bad[i], r, &u), 0);
	}
}

static void
test_aor_equal(void **state)
{
	/* URI pairs and whether their address-of-record parts are equal. */
	static const struct {
		const char *a, *b;
		bool eq;
	} t[] = {
		{"sip:alice@example.com", "sip:alice@EXAMPLE.com:5060;transport=udp", true},
		{"sip:%61lice@example.com", "sip:alice@example.com", true},
		{"sip:alice@example.com", "sip:Alice@example.com",
			false}, /* user is case-sensitive */
		{"sip:alice@example.com", "sips:alice@example.com", false},
		{"sip:alice@example.com", "sip:alice@example.org", false},
		{"sip:alice:pw@example.com", "sip:alice@example.com", true},
		{"sip:example.com", "sip:example.com", true},
		{"tel:+15551234;x=1", "tel:+15551234", true},
		{"sip:a%4@h", "sip:a%4@h", true},    /* a broken escape compares literally */
		{"mailto:a@b", "mailto:a@b", false}, /* only sip/sips/tel have an AOR */
		{"sip:", "sip:", false},
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct sip_str a = {0, (uint32_t)strlen(t[i].a)}, b = {0, (uint32_t)strlen(t[i].b)};
		bool r = sip_uri_aor_equal((const uint8_t *)t[i].a, a, (const uint8_t *)t[i].b, b);
		if (r != t[i].eq)
			print_error("case %u: %s vs %s\n", i, t[i].a, t[i].b);
		assert_int_equal(r, t[i].eq);
	}
}

static void
test_dialog_matching(void **state)
{
	/*
	 * BYE from the callee of ref_invite/ref_200: From/To tags crossed relative
	 * to the INVITE, and the callee's tag written in another letter case.
	 */
	static const char bye[] =
		"BYE sip:caller@198.51.100.7:5062 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.80:5080;branch=z9hG4bK-b\r\n"
		"From: conference <sip:conference@192.0.2.80:5080>;tag=VPTAGb0420Q\r\n"
		"To: caller <sip:caller@198.51.100.7:5062>;tag=vpTagA7731x\r\n"
		"Call-ID: vp-7731-0001@198.51.100.7\r\n"
		"CSeq: 1 BYE\r\n"
		"Content-Length: 0\r\n\r\n";
	/* The same BYE in another call (different Call-ID). */
	static const char other[] =
		"BYE sip:caller@198.51.100.7:5062 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.80:5080;branch=z9hG4bK-b\r\n"
		"From: conference <sip:conference@192.0.2.80:5080>;tag=vpTagB0420q\r\n"
		"To: caller <sip:caller@198.51.100.7:5062>;tag=vpTagA7731x\r\n"
		"Call-ID: vp-7731-0002@198.51.100.7\r\n"
		"CSeq: 1 BYE\r\n"
		"Content-Length: 0\r\n\r\n";
	/* A request in the same call but with a stranger's tag. */
	static const char stranger[] =
		"BYE sip:caller@198.51.100.7:5062 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.80:5080;branch=z9hG4bK-b\r\n"
		"From: <sip:x@h>;tag=zzz\r\n"
		"To: caller <sip:caller@198.51.100.7:5062>;tag=vpTagA7731x\r\n"
		"Call-ID: vp-7731-0001@198.51.100.7\r\n"
		"CSeq: 1 BYE\r\n"
		"Content-Length: 0\r\n\r\n";
	struct pm *inv = expect_ok(ref_invite), *ok = expect_ok(ref_200), *b = expect_ok(bye);
	struct pm *o = expect_ok(other), *s = expect_ok(stranger);

	(void)state;
	assert_true(sip_msg_same_dialog(inv->buf, &inv->msg, ok->buf, &ok->msg));
	assert_true(sip_msg_same_dialog(ok->buf, &ok->msg, inv->buf, &inv->msg));
	/* tags are tokens: compared case-insensitively ("VPTAGb0420Q" vs "vpTagB0420q") */
	assert_true(sip_msg_same_dialog(ok->buf, &ok->msg, b->buf, &b->msg));
	assert_true(sip_msg_same_dialog(inv->buf, &inv->msg, b->buf, &b->msg));
	assert_false(sip_msg_same_dialog(ok->buf, &ok->msg, o->buf, &o->msg));
	assert_false(sip_msg_same_dialog(ok->buf, &ok->msg, s->buf, &s->msg));
	assert_true(sip_str_equal(inv->buf, inv->msg.call_id, ok->buf, ok->msg.call_id));
	assert_false(sip_str_equal(inv->buf, inv->msg.call_id, o->buf, o->msg.call_id));
	assert_true(sip_str_caseequal(ok->buf, ok->msg.to.tag, b->buf, b->msg.from.tag));
	assert_false(sip_str_equal(ok->buf, ok->msg.to.tag, b->buf, b->msg.from.tag));
	assert_true(sip_uri_aor_equal(inv->buf, inv->msg.from.uri, b->buf, b->msg.to.uri));
	pm_free(inv);
	pm_free(ok);
	pm_free(b);
	pm_free(o);
	pm_free(s);
}

static void
test_err_names(void **state)
{
	unsigned int i, k;

	(void)state;
	for (i = 0; i < SIP_ERR_MAX; i++) {
		const char *n = sip_err_name(i);
		assert_non_null(n);
		assert_true(strlen(n) > 0);
		for (k = 0; n[k]; k++)
			assert_true((n[k] >= 'a' && n[k] <= 'z') || n[k] == '_');
		for (k = 0; k < i; k++)
			assert_string_not_equal(n, sip_err_name(k));
	}
	assert_string_equal(
		sip_err_name(SIP_ERR_DUP_CONTENT_LENGTH_MISMATCH), "dup_content_length_mismatch");
	assert_string_equal(sip_err_name(SIP_ERR_MAX), "unknown");
}

static void
test_error_keeps_parsed_fields(void **state)
{
	struct pm *pm;

	(void)state;
	/* An INVITE whose last header is broken: what came before is still there. */
	pm = pm_dgram("INVITE sip:bob@example.com SIP/2.0\r\n"
		      "Via: SIP/2.0/UDP h;branch=z9hG4bKk\r\nCall-ID: keep-1\r\n"
		      "CSeq: 5 INVITE\r\nTo: Bob, Jr <sip:b@h>\r\n\r\n");
	assert_int_equal(pm->ret, SIP_PARSE_MALFORMED);
	assert_int_equal(pm->msg.err, SIP_ERR_BAD_TO);
	assert_int_equal(pm->msg.kind, SIP_KIND_REQUEST);
	CHECK_STR(pm, call_id, "keep-1");
	assert_int_equal(pm->msg.cseq, 5);
	assert_int_equal(pm->msg.msg_len, 0);
	assert_true(pm->msg.err_off > 0 && pm->msg.err_off < pm->len);
	assert_int_equal(pm->buf[pm->msg.err_off], ',');
	pm_free(pm);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invite_fields),
		cmocka_unit_test(test_response_fields),
		cmocka_unit_test(test_every_method),
		cmocka_unit_test(test_status_code_edges),
		cmocka_unit_test(test_start_line_errors),
		cmocka_unit_test(test_request_uri_forms),
		cmocka_unit_test(test_hdr_lookup_table),
		cmocka_unit_test(test_compact_forms_parsed),
		cmocka_unit_test(test_long_forms_parsed),
		cmocka_unit_test(test_unknown_and_empty_headers),
		cmocka_unit_test(test_folding),
		cmocka_unit_test(test_odd_whitespace),
		cmocka_unit_test(test_line_endings),
		cmocka_unit_test(test_name_addr_forms),
		cmocka_unit_test(test_name_addr_errors),
		cmocka_unit_test(test_contact_lists),
		cmocka_unit_test(test_via_details),
		cmocka_unit_test(test_via_lists_and_params),
		cmocka_unit_test(test_via_errors),
		cmocka_unit_test(test_cseq),
		cmocka_unit_test(test_numeric_headers),
		cmocka_unit_test(test_content_length),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_missing_mandatory),
		cmocka_unit_test(test_call_id_and_date),
		cmocka_unit_test(test_content_type_and_multipart),
		cmocka_unit_test(test_keepalives),
		cmocka_unit_test(test_several_messages_stream),
		cmocka_unit_test(test_several_messages_datagram),
		cmocka_unit_test(test_call_id_peek),
		cmocka_unit_test(test_stream_split_every_byte),
		cmocka_unit_test(test_stream_framing_errors),
		cmocka_unit_test(test_too_many_headers),
		cmocka_unit_test(test_capture_t38_invite),
		cmocka_unit_test(test_capture_gre_trying),
		cmocka_unit_test(test_capture_digest_register),
		cmocka_unit_test(test_capture_fuzzed_via),
		cmocka_unit_test(test_uri_parse),
		cmocka_unit_test(test_aor_equal),
		cmocka_unit_test(test_dialog_matching),
		cmocka_unit_test(test_err_names),
		cmocka_unit_test(test_error_keeps_parsed_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
