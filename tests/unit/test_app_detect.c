/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Unit tests for dataplane/app_detect.c with the shipped signature set (configs/signatures.json,
 * found through $VPEP_SIGNATURES, else the VPEP_SIGNATURES_FILE path the build defines).
 *
 * Every class is recognised from a hand-written message, and the negatives the requirements
 * name are checked: HTTP on the SIP port is http, SIP on port 80 is sip, RTP- and RTCP-looking
 * datagrams are never classified, garbage is unknown, every truncation of a start line is
 * unknown (with need-more where the start is consistent) or the right class, a bare COPS
 * keep-alive or an EtherNet/IP ListIdentity request needs the port hint. Payloads are copied
 * into malloc'd buffers of exactly their length, so ASan catches a read past the end.
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

#include "app_detect.h"
#include "sig_db.h"

#ifndef VPEP_SIGNATURES_FILE
#define VPEP_SIGNATURES_FILE "configs/signatures.json"
#endif

#define TCP 6
#define UDP 17

/* ---- messages ------------------------------------------------------------------------------ */

/* A SIP INVITE over UDP without a body (RFC 3261 style, Content-Length 0). */
static const char sip_invite[] =
	"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n"
	"Max-Forwards: 70\r\n"
	"To: Bob <sip:bob@biloxi.example.com>\r\n"
	"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
	"Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
	"CSeq: 314159 INVITE\r\n"
	"Contact: <sip:alice@pc33.atlanta.example.com>\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

/* A SIP 180 Ringing response to it. */
static const char sip_180[] =
	"SIP/2.0 180 Ringing\r\n"
	"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n"
	"To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n"
	"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
	"Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
	"CSeq: 314159 INVITE\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

/* A SIPVicious svmap probe: OPTIONS with the "friendly-scanner" User-Agent. */
static const char sip_scanner[] = "OPTIONS sip:100@192.0.2.10 SIP/2.0\r\n"
				  "Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK-1;rport\r\n"
				  "Max-Forwards: 70\r\n"
				  "To: \"sipvicious\"<sip:100@192.0.2.10>\r\n"
				  "From: \"sipvicious\"<sip:100@192.0.2.10>;tag=6331\r\n"
				  "User-Agent: friendly-scanner\r\n"
				  "Call-ID: 1234567890\r\n"
				  "CSeq: 1 OPTIONS\r\n"
				  "Content-Length: 0\r\n"
				  "\r\n";

/* An HTTP/1.1 GET request. */
static const char http_get[] = "GET /index.html HTTP/1.1\r\n"
			       "Host: www.example.com\r\n"
			       "User-Agent: test\r\n"
			       "\r\n";

/* An HTTP/1.1 200 response with a 5-byte body. */
static const char http_200[] = "HTTP/1.1 200 OK\r\n"
			       "Content-Type: text/plain\r\n"
			       "Content-Length: 5\r\n"
			       "\r\n"
			       "hello";

/* A TR-069 Inform (CPE to ACS): SOAP with the cwmp-1-0 namespace over HTTP POST. */
static const char cwmp_inform[] =
	"POST /acs HTTP/1.1\r\n"
	"Host: acs.example.net:7547\r\n"
	"Content-Type: text/xml; charset=\"utf-8\"\r\n"
	"SOAPAction: \"\"\r\n"
	"Content-Length: 200\r\n"
	"\r\n"
	"<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" "
	"xmlns:cwmp=\"urn:dslforum-org:cwmp-1-0\"><soap:Body><cwmp:Inform>"
	"</cwmp:Inform></soap:Body></soap:Envelope>";

/* The body of a SOAP request alone (a later segment of a POST that was classified http). */
static const char cwmp_body[] =
	"<cwmp:GetParameterValues xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\">";

/* An RTSP/1.0 OPTIONS request and its response. */
static const char rtsp_options[] = "OPTIONS rtsp://media.example.com/stream RTSP/1.0\r\n"
				   "CSeq: 1\r\n"
				   "\r\n";
static const char rtsp_200[] = "RTSP/1.0 200 OK\r\n"
			       "CSeq: 1\r\n"
			       "Public: DESCRIBE, SETUP, TEARDOWN, PLAY, PAUSE\r\n"
			       "\r\n";

/* A POP3 server greeting with an APOP timestamp (RFC 1939 7). */
static const char pop3_greeting[] = "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n";

/* COPS Client-Open (OPN, op 6) from a PacketCable PEP (client type 0x8008) with a PEPID object
 * (C-Num 11, C-Type 1, "CMTS-1" NUL-padded to 8 bytes). */
/* clang-format off */
static const uint8_t cops_opn[] = {
	0x10, 0x06, 0x80, 0x08, 0x00, 0x00, 0x00, 0x14, /* common header, length 20 */
	0x00, 0x0c, 0x0b, 0x01,                         /* PEPID object header, length 12 */
	'C', 'M', 'T', 'S', '-', '1', 0, 0,             /* "CMTS-1" */
};
/* clang-format on */

/* COPS Keep-Alive (op 9): client type 0, no objects (RFC 2748 3.7). */
static const uint8_t cops_ka[] = {0x10, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08};

/* COPS-looking header whose only object has C-Num 0 (no such object). */
/* clang-format off */
static const uint8_t cops_bad_obj[] = {
	0x10, 0x06, 0x80, 0x08, 0x00, 0x00, 0x00, 0x0c, /* common header, length 12 */
	0x00, 0x04, 0x00, 0x01,                         /* object: length 4, C-Num 0 */
};
/* clang-format on */

/* EtherNet/IP RegisterSession request (command 0x65): protocol version 1, options 0. */
static const uint8_t enip_register[] = {
	0x65, 0x00, 0x04, 0x00,				/* command, length 4 */
	0x00, 0x00, 0x00, 0x00,				/* session handle */
	0x00, 0x00, 0x00, 0x00,				/* status */
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, /* sender context */
	0x00, 0x00, 0x00, 0x00,				/* options */
	0x01, 0x00, 0x00, 0x00,				/* version 1, flags 0 */
};

/* EtherNet/IP ListIdentity request (command 0x63): a bare 24-byte header. */
/* clang-format off */
static const uint8_t enip_list_identity[] = {
	0x63, 0x00, 0x00, 0x00,                         /* command, length 0 */
	0x00, 0x00, 0x00, 0x00,                         /* session handle */
	0x00, 0x00, 0x00, 0x00,                         /* status */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* sender context */
	0x00, 0x00, 0x00, 0x00,                         /* options */
};
/* clang-format on */

/* EtherNet/IP ListIdentity reply: one CIP Identity item (type 0x0c) of 39 bytes. */
/* clang-format off */
static const uint8_t enip_list_identity_reply[] = {
	0x63, 0x00, 0x2d, 0x00,                         /* command, length 45 */
	0x00, 0x00, 0x00, 0x00,                         /* session handle */
	0x00, 0x00, 0x00, 0x00,                         /* status */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* sender context */
	0x00, 0x00, 0x00, 0x00,                         /* options */
	0x01, 0x00,                                     /* item count */
	0x0c, 0x00, 0x27, 0x00,                         /* CIP Identity item, 39 bytes */
	0x01, 0x00,                                     /* encapsulation protocol version */
	0x00, 0x02, 0xaf, 0x12, 192, 0, 2, 1,           /* sockaddr (big-endian) */
	0, 0, 0, 0, 0, 0, 0, 0,                         /* ... its zero padding */
	0x01, 0x00, 0x0c, 0x00, 0x37, 0x00,             /* vendor, device type, product code */
	0x02, 0x01, 0x30, 0x00,                         /* revision, status */
	0x78, 0x56, 0x34, 0x12,                         /* serial number */
	0x05, 'P', 'L', 'C', '-', '1',                  /* product name */
	0x03,                                           /* state */
};
/* clang-format on */

/* CIP class 1 implicit I/O on UDP 2222: sequenced address item + connected data item. */
/* clang-format off */
static const uint8_t cip_io[] = {
	0x02, 0x00,                                     /* item count 2 */
	0x02, 0x80, 0x08, 0x00,                         /* sequenced address item, 8 bytes */
	0x11, 0x22, 0x33, 0x44, 0x01, 0x00, 0x00, 0x00, /* connection id, sequence */
	0xb1, 0x00, 0x04, 0x00,                         /* connected data item, 4 bytes */
	0x01, 0x00, 0xaa, 0xbb,
};
/* clang-format on */

/* An RTP packet: version 2, PT 0 (PCMU), sequence 1, timestamp 160, SSRC, 160 bytes of 0xff. */
static uint8_t rtp_pcmu[12 + 160];

/* ---- helpers ------------------------------------------------------------------------------- */

struct fx {
	struct sig_db *db;
	struct hs_scratch *scr;
};

static struct fx fx;

static int
setup(void **state)
{
	const char *env = getenv("VPEP_SIGNATURES");
	const char *file = env != NULL && env[0] ? env : VPEP_SIGNATURES_FILE;
	char err[1024];

	fx.db = sig_db_load(file, err, sizeof(err));
	if (fx.db == NULL) {
		print_error("%s\n", err);
		return -1;
	}
	fx.scr = NULL;
	if (sig_db_scratch_alloc(fx.db, &fx.scr) != 0)
		return -1;
	memset(rtp_pcmu, 0xff, sizeof(rtp_pcmu));
	memcpy(rtp_pcmu, "\x80\x00\x00\x01\x00\x00\x00\xa0\x12\x34\x56\x78", 12);
	*state = &fx;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	sig_db_scratch_free(fx.scr);
	sig_db_free(fx.db);
	return 0;
}

/* app_detect() over an exact-size copy. */
static enum vpep_class
detect_n(const void *p, size_t n, uint8_t l4, uint16_t sport, uint16_t dport, int from_client,
	uint32_t *flags)
{
	uint8_t *b = malloc(n ? n : 1);
	enum vpep_class c;

	assert_non_null(b);
	memcpy(b, p, n);
	c = app_detect(fx.db, fx.scr, b, (uint32_t)n, l4, sport, dport, from_client, flags);
	free(b);
	return c;
}

static enum vpep_class
detect(const char *s, uint8_t l4, uint16_t sport, uint16_t dport, uint32_t *flags)
{
	return detect_n(s, strlen(s), l4, sport, dport, -1, flags);
}

/* A validator over an exact-size copy. */
typedef enum app_verdict (*validator)(const uint8_t *, uint32_t, uint32_t *);

static enum app_verdict
check_n(validator fn, const void *p, size_t n, uint32_t *flags)
{
	uint8_t *b = malloc(n ? n : 1);
	enum app_verdict v;

	assert_non_null(b);
	memcpy(b, p, n);
	*flags = 0;
	v = fn(b, (uint32_t)n, flags);
	free(b);
	return v;
}

static enum app_verdict
check(validator fn, const char *s, uint32_t *flags)
{
	return check_n(fn, s, strlen(s), flags);
}

static enum app_verdict
pop3_client(const uint8_t *b, uint32_t n, uint32_t *f)
{
	return app_detect_pop3(b, n, 1, f);
}

static enum app_verdict
pop3_server(const uint8_t *b, uint32_t n, uint32_t *f)
{
	return app_detect_pop3(b, n, 0, f);
}

static enum app_verdict
cops_tcp(const uint8_t *b, uint32_t n, uint32_t *f)
{
	return app_detect_cops(b, n, TCP, f);
}

static enum app_verdict
cip_tcp(const uint8_t *b, uint32_t n, uint32_t *f)
{
	return app_detect_cip(b, n, TCP, f);
}

static enum app_verdict
cip_udp(const uint8_t *b, uint32_t n, uint32_t *f)
{
	return app_detect_cip(b, n, UDP, f);
}

static enum app_verdict
sip_tcp(const uint8_t *b, uint32_t n, uint32_t *f)
{
	return app_detect_sip(b, n, TCP, f);
}

/* ---- every class --------------------------------------------------------------------------- */

static void
test_sip(void **state)
{
	uint32_t f;

	(void)state;
	assert_int_equal(detect(sip_invite, UDP, 5060, 5060, &f), VPEP_CLASS_sip);
	assert_true(f & APP_F_REQUEST);
	assert_true(f & APP_F_PORT_HINT);
	assert_int_equal(detect(sip_180, UDP, 5060, 5060, &f), VPEP_CLASS_sip);
	assert_true(f & APP_F_RESPONSE);
	/* over TCP: a whole message with Content-Length */
	assert_int_equal(detect(sip_invite, TCP, 40000, 5060, &f), VPEP_CLASS_sip);
	/* SIP-looking text on port 80 is SIP: ports never decide */
	assert_int_equal(detect(sip_invite, UDP, 40000, 80, &f), VPEP_CLASS_sip);
	assert_false(f & APP_F_PORT_HINT);
	assert_int_equal(detect(sip_invite, TCP, 40000, 80, &f), VPEP_CLASS_sip);
	/* a keep-alive CRLF before the message is allowed */
	{
		char ka[sizeof(sip_invite) + 2] = "\r\n";

		memcpy(ka + 2, sip_invite, sizeof(sip_invite));
		assert_int_equal(detect(ka, UDP, 5060, 5060, &f), VPEP_CLASS_sip);
	}
	/* the scanner tag */
	assert_int_equal(detect(sip_scanner, UDP, 40000, 5060, &f), VPEP_CLASS_sip);
	assert_true(f & APP_F_SCANNER);
	assert_int_equal(detect(sip_invite, UDP, 5060, 5060, &f), VPEP_CLASS_sip);
	assert_false(f & APP_F_SCANNER);
	/* a valid start line with broken headers is still SIP (the SIP handler counts why) */
	assert_int_equal(detect("INVITE sip:bob@example.com SIP/2.0\r\nVia this is not\r\n\r\n",
				 UDP, 5060, 5060, &f),
		VPEP_CLASS_sip);
	assert_true(f & APP_F_MALFORMED);
}

static void
test_http(void **state)
{
	uint32_t f;

	(void)state;
	assert_int_equal(detect(http_get, TCP, 40000, 80, &f), VPEP_CLASS_http);
	assert_true(f & APP_F_REQUEST);
	assert_int_equal(detect(http_200, TCP, 80, 40000, &f), VPEP_CLASS_http);
	assert_true(f & APP_F_RESPONSE);
	/* HTTP on the SIP port is http, not sip (ndpi__http_on_sip_port.pcap) */
	assert_int_equal(detect(http_get, TCP, 40000, 5060, &f), VPEP_CLASS_http);
	assert_false(f & APP_F_PORT_HINT);
	/* any method token */
	assert_int_equal(
		detect("BREW /pot HTTP/1.1\r\nHost: a\r\n\r\n", TCP, 1, 2, &f), VPEP_CLASS_http);
	/* over UDP (SSDP's HTTPU) it is not the http class */
	assert_int_equal(detect("NOTIFY * HTTP/1.1\r\nHost: 239.255.255.250:1900\r\n\r\n", UDP,
				 1900, 1900, &f),
		VPEP_CLASS_unknown);
	/* HTTP/2 preface and HTTP/0.9 are not HTTP/1.x */
	assert_int_equal(
		detect("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", TCP, 40000, 80, &f), VPEP_CLASS_unknown);
	assert_int_equal(detect("GET /\r\n", TCP, 40000, 80, &f), VPEP_CLASS_unknown);
}

static void
test_cwmp(void **state)
{
	uint32_t f;

	(void)state;
	assert_int_equal(detect(cwmp_inform, TCP, 40000, 7547, &f), VPEP_CLASS_cwmp);
	assert_true(f & APP_F_REQUEST);
	/* the same on another port: the namespace decides, not 7547 */
	assert_int_equal(detect(cwmp_inform, TCP, 40000, 80, &f), VPEP_CLASS_cwmp);
	/* the namespace alone is not a class: it only refines http */
	assert_int_equal(detect(cwmp_body, TCP, 40000, 7547, &f), VPEP_CLASS_unknown);
	/* a later segment of an http flow */
	assert_int_equal(app_detect_upgrade(fx.db, fx.scr, (const uint8_t *)cwmp_body,
				 (uint32_t)strlen(cwmp_body), TCP, &f),
		VPEP_CLASS_cwmp);
	assert_int_equal(app_detect_upgrade(fx.db, fx.scr, (const uint8_t *)http_200,
				 (uint32_t)strlen(http_200), TCP, &f),
		VPEP_CLASS_http);
	assert_int_equal(app_detect_upgrade(fx.db, fx.scr, NULL, 0, TCP, &f), VPEP_CLASS_http);
	/* a namespace with the wrong case or no version digit */
	assert_int_equal(
		app_detect_cwmp((const uint8_t *)"urn:dslforum-org:cwmp-1-x", 25), APP_V_NO);
	assert_int_equal(
		app_detect_cwmp((const uint8_t *)"URN:DSLFORUM-ORG:CWMP-1-0", 25), APP_V_NO);
	assert_int_equal(
		app_detect_cwmp((const uint8_t *)"uurn:dslforum-org:cwmp-1-4", 26), APP_V_STRONG);
}

static void
test_rtsp(void **state)
{
	uint32_t f;

	(void)state;
	assert_int_equal(detect(rtsp_options, TCP, 40000, 554, &f), VPEP_CLASS_rtsp);
	assert_true(f & APP_F_REQUEST);
	assert_int_equal(detect(rtsp_200, TCP, 554, 40000, &f), VPEP_CLASS_rtsp);
	assert_true(f & APP_F_RESPONSE);
	assert_int_equal(detect("SETUP rtsp://a/b RTSP/2.0\r\nCSeq: 2\r\n\r\n", TCP, 1, 2, &f),
		VPEP_CLASS_rtsp);
	/* RTSP/1.1 does not exist */
	assert_int_equal(check(app_detect_rtsp, "RTSP/1.1 200 OK\r\n\r\n", &f), APP_V_NO);
}

static void
test_pop3(void **state)
{
	uint32_t f;

	(void)state;
	/* a greeting with text is strong: no port needed */
	assert_int_equal(detect_n(pop3_greeting, strlen(pop3_greeting), TCP, 40110, 40000, 0, &f),
		VPEP_CLASS_pop3);
	assert_true(f & APP_F_RESPONSE);
	/* a bare "+OK" is also Redis: pop3 only with the POP3 port */
	assert_int_equal(detect_n("+OK\r\n", 5, TCP, 110, 40000, 0, &f), VPEP_CLASS_pop3);
	assert_true(f & APP_F_PORT_HINT);
	assert_int_equal(detect_n("+OK\r\n", 5, TCP, 6379, 40000, 0, &f), VPEP_CLASS_unknown);
	assert_true(f & APP_F_NEED_MORE);
	assert_int_equal(detect_n("-ERR unknown command 'FOO'\r\n", 28, TCP, 6379, 40000, 0, &f),
		VPEP_CLASS_unknown);
	/* commands FTP and SMTP share are weak; POP3-only keywords from the client are strong */
	assert_int_equal(detect_n("USER alice\r\n", 12, TCP, 40000, 110, 1, &f), VPEP_CLASS_pop3);
	assert_int_equal(detect_n("USER alice\r\n", 12, TCP, 40000, 21, 1, &f), VPEP_CLASS_unknown);
	assert_true(f & APP_F_NEED_MORE);
	assert_int_equal(detect_n("CAPA\r\n", 6, TCP, 40000, 2110, 1, &f), VPEP_CLASS_pop3);
	assert_int_equal(detect_n("UIDL 1\r\n", 8, TCP, 40000, 2110, 1, &f), VPEP_CLASS_pop3);
	assert_int_equal(detect_n("APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n", 45, TCP, 40000,
				 2110, 1, &f),
		VPEP_CLASS_pop3);
	/* over UDP, never */
	assert_int_equal(detect_n(pop3_greeting, strlen(pop3_greeting), UDP, 110, 110, 0, &f),
		VPEP_CLASS_unknown);
}

static void
test_pop3_validator(void **state)
{
	uint32_t f;

	(void)state;
	assert_int_equal(check(pop3_server, pop3_greeting, &f), APP_V_STRONG);
	/* the greeting guessed to come from the client is not believed */
	assert_int_equal(check(pop3_client, pop3_greeting, &f), APP_V_WEAK);
	assert_int_equal(check(pop3_server, "+OK\r\n", &f), APP_V_WEAK);
	assert_int_equal(check(pop3_server, "+OK", &f), APP_V_NEED_MORE);
	assert_int_equal(check(pop3_server, "+O", &f), APP_V_NEED_MORE);
	assert_int_equal(check(pop3_server, "+OK ready", &f), APP_V_NEED_MORE);
	assert_int_equal(check(pop3_server, "+OKAY\r\n", &f), APP_V_NO);
	assert_int_equal(check(pop3_server, "+OK a\x01 b\r\n", &f), APP_V_NO);
	assert_int_equal(check(pop3_server, "-ERR\r\n", &f), APP_V_WEAK);
	assert_int_equal(check(pop3_server, "-ERROR\r\n", &f), APP_V_NO);
	/* commands: arguments are checked */
	assert_int_equal(check(pop3_client, "STAT\r\n", &f), APP_V_WEAK);
	assert_true(f & APP_F_REQUEST);
	assert_int_equal(check(pop3_client, "STAT 1\r\n", &f), APP_V_NO);
	assert_int_equal(check(pop3_client, "RETR x\r\n", &f), APP_V_NO);
	assert_int_equal(check(pop3_client, "RETR\r\n", &f), APP_V_NO);
	assert_int_equal(check(pop3_client, "TOP 1 10\r\n", &f), APP_V_STRONG);
	assert_int_equal(check(pop3_client, "TOP 1\r\n", &f), APP_V_NO);
	assert_int_equal(check(pop3_client, "APOP mrose nothex\r\n", &f), APP_V_NO);
	assert_int_equal(check(pop3_client, "HELO x\r\n", &f), APP_V_NO);
	assert_int_equal(check(pop3_client, "USER\x7f\r\n", &f), APP_V_NO);
	/* a command cut by the segment end */
	assert_int_equal(check(pop3_client, "RET", &f), APP_V_NEED_MORE);
	assert_int_equal(check(pop3_client, "RETR 1", &f), APP_V_NEED_MORE);
	assert_int_equal(check(pop3_client, "XYZW 1", &f), APP_V_NO);
	assert_int_equal(app_detect_pop3(NULL, 0, 1, &f), APP_V_NO);
	{
		/* a command line longer than RFC 2449's 255 octets */
		char l[300];

		memset(l, 'a', sizeof(l));
		memcpy(l, "USER ", 5);
		memcpy(l + sizeof(l) - 2, "\r\n", 2);
		assert_int_equal(check_n(pop3_client, l, sizeof(l), &f), APP_V_NO);
	}
}

static void
test_cops(void **state)
{
	uint32_t f;
	uint8_t two[sizeof(cops_opn) + sizeof(cops_ka)];

	(void)state;
	/* a whole message with an object: strong on any port */
	assert_int_equal(
		detect_n(cops_opn, sizeof(cops_opn), TCP, 40000, 33288, 1, &f), VPEP_CLASS_cops);
	assert_true(f & APP_F_REQUEST);
	/* a keep-alive alone is weak: the COPS port decides */
	assert_int_equal(
		detect_n(cops_ka, sizeof(cops_ka), TCP, 40000, 3288, 1, &f), VPEP_CLASS_cops);
	assert_true(f & APP_F_PORT_HINT);
	assert_int_equal(
		detect_n(cops_ka, sizeof(cops_ka), TCP, 40000, 33288, 1, &f), VPEP_CLASS_unknown);
	assert_true(f & APP_F_NEED_MORE);
	assert_int_equal(check_n(cops_tcp, cops_ka, sizeof(cops_ka), &f), APP_V_WEAK);
	/* never over UDP */
	assert_int_equal(
		detect_n(cops_opn, sizeof(cops_opn), UDP, 3288, 3288, -1, &f), VPEP_CLASS_unknown);
	/* two messages in one segment */
	memcpy(two, cops_opn, sizeof(cops_opn));
	memcpy(two + sizeof(cops_opn), cops_ka, sizeof(cops_ka));
	assert_int_equal(check_n(cops_tcp, two, sizeof(two), &f), APP_V_STRONG);
	/* cut inside the second message's header: judged on the first */
	assert_int_equal(check_n(cops_tcp, two, sizeof(two) - 3, &f), APP_V_STRONG);
	/* cut inside the first message: weak and partial; cut inside its header: need more */
	assert_int_equal(check_n(cops_tcp, cops_opn, sizeof(cops_opn) - 4, &f), APP_V_WEAK);
	assert_true(f & APP_F_PARTIAL);
	assert_int_equal(check_n(cops_tcp, cops_opn, 5, &f), APP_V_NEED_MORE);
	/* broken: object C-Num 0, version 2, op code 11, length not a multiple of 4, a keep-alive
	 * with a client type */
	assert_int_equal(check_n(cops_tcp, cops_bad_obj, sizeof(cops_bad_obj), &f), APP_V_NO);
	assert_int_equal(check_n(cops_tcp, "\x20\x09\x00\x00\x00\x00\x00\x08", 8, &f), APP_V_NO);
	assert_int_equal(check_n(cops_tcp, "\x10\x0b\x00\x00\x00\x00\x00\x08", 8, &f), APP_V_NO);
	assert_int_equal(check_n(cops_tcp, "\x10\x06\x00\x00\x00\x00\x00\x09", 8, &f), APP_V_NO);
	assert_int_equal(check_n(cops_tcp, "\x10\x09\x80\x08\x00\x00\x00\x08", 8, &f), APP_V_NO);
	assert_int_equal(app_detect_cops(cops_opn, sizeof(cops_opn), UDP, &f), APP_V_NO);
}

static void
test_cip(void **state)
{
	uint32_t f;

	(void)state;
	/* RegisterSession: strong on any port */
	assert_int_equal(detect_n(enip_register, sizeof(enip_register), TCP, 40000, 12345, 1, &f),
		VPEP_CLASS_cip);
	assert_true(f & APP_F_REQUEST);
	/* ListIdentity request (a bare header, UDP broadcast): weak, the port decides */
	assert_int_equal(
		detect_n(enip_list_identity, sizeof(enip_list_identity), UDP, 40000, 44818, -1, &f),
		VPEP_CLASS_cip);
	assert_true(f & APP_F_PORT_HINT);
	assert_int_equal(
		detect_n(enip_list_identity, sizeof(enip_list_identity), UDP, 40000, 4000, -1, &f),
		VPEP_CLASS_unknown);
	assert_true(f & APP_F_NEED_MORE);
	/* its reply carries an identity item: strong */
	assert_int_equal(detect_n(enip_list_identity_reply, sizeof(enip_list_identity_reply), UDP,
				 44818, 40000, -1, &f),
		VPEP_CLASS_cip);
	assert_int_equal(
		check_n(cip_udp, enip_list_identity_reply, sizeof(enip_list_identity_reply), &f),
		APP_V_STRONG);
	/* over UDP the length must be the rest of the datagram */
	assert_int_equal(check_n(cip_udp, enip_list_identity_reply,
				 sizeof(enip_list_identity_reply) - 1, &f),
		APP_V_NO);
	/* over TCP a cut message is weak and partial */
	assert_int_equal(
		check_n(cip_tcp, enip_register, sizeof(enip_register) - 2, &f), APP_V_WEAK);
	assert_true(f & APP_F_PARTIAL);
	/* class 1 I/O on UDP 2222 */
	assert_int_equal(detect_n(cip_io, sizeof(cip_io), UDP, 2222, 2222, -1, &f), VPEP_CLASS_cip);
	assert_int_equal(
		detect_n(cip_io, sizeof(cip_io), UDP, 4000, 4000, -1, &f), VPEP_CLASS_unknown);
	/* broken: nonzero options, unknown command, RegisterSession version 2 */
	{
		uint8_t b[sizeof(enip_register)];

		memcpy(b, enip_register, sizeof(b));
		b[20] = 1;
		assert_int_equal(check_n(cip_tcp, b, sizeof(b), &f), APP_V_NO);
		memcpy(b, enip_register, sizeof(b));
		b[0] = 0x67;
		assert_int_equal(check_n(cip_tcp, b, sizeof(b), &f), APP_V_NO);
		memcpy(b, enip_register, sizeof(b));
		b[24] = 2;
		assert_int_equal(check_n(cip_tcp, b, sizeof(b), &f), APP_V_NO);
	}
	assert_int_equal(app_detect_cip(enip_register, sizeof(enip_register), 1, &f), APP_V_NO);
}

/* ---- negatives ----------------------------------------------------------------------------- */

/* Port/protocol combinations every negative is tried under. */
static const struct {
	uint8_t l4;
	uint16_t sport, dport;
} combos[] = {
	{UDP, 5060, 5060},
	{UDP, 40000, 5060},
	{TCP, 40000, 5060},
	{TCP, 40000, 80},
	{TCP, 110, 40000},
	{TCP, 40000, 3288},
	{UDP, 40000, 44818},
	{TCP, 40000, 44818},
	{UDP, 2222, 2222},
	{TCP, 40000, 554},
	{UDP, 16384, 16386},
	{TCP, 40000, 7547},
};

static void
expect_never(const void *p, size_t n)
{
	unsigned int i;
	uint32_t f;

	for (i = 0; i < sizeof(combos) / sizeof(combos[0]); i++) {
		enum vpep_class c =
			detect_n(p, n, combos[i].l4, combos[i].sport, combos[i].dport, -1, &f);

		if (c != VPEP_CLASS_unknown)
			fail_msg("classified %s under combination %u", sig_db_class_name(c), i);
		if (f & APP_F_NEED_MORE)
			fail_msg("need-more under combination %u", i);
	}
}

/* An RTP (and RTCP) datagram is never classified here, whatever its payload and ports. */
static void
test_rtp_never(void **state)
{
	uint8_t b[12 + 200];
	unsigned int first, len, seed = 12345;

	(void)state;
	expect_never(rtp_pcmu, sizeof(rtp_pcmu));
	/* RTCP SR header (PT 200) with zeros */
	memset(b, 0, sizeof(b));
	memcpy(b, "\x80\xc8\x00\x06", 4);
	expect_never(b, 28);
	/* every first byte with version 2, a spread of lengths, pseudo-random payload (including
	 * text a signature could like) */
	for (first = 0x80; first <= 0xbf; first++) {
		for (len = 12; len <= sizeof(b); len += 47) {
			unsigned int k;

			for (k = 0; k < len; k++) {
				seed = seed * 1103515245u + 12345u;
				b[k] = (uint8_t)(seed >> 16);
			}
			b[0] = (uint8_t)first;
			expect_never(b, len);
			/* the same with a SIP start line as RTP payload */
			if (len > 60) {
				memcpy(b + 12, "SIP/2.0 200 OK\r\nVia: x\r\n\r\n", 26);
				expect_never(b, len);
			}
		}
	}
}

/* Garbage: text that is no protocol, binary, control characters. */
static void
test_garbage(void **state)
{
	static const char *const text[] = {
		"hello world\r\n",
		"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n",
		"220 mail.example.com ESMTP Postfix\r\n",
		"* OK IMAP4rev1 Service Ready\r\n",
		"INVITE\r\n",
		"INVITE sip:bob SIP/3.0\r\n\r\n",
		"SIP/2.0 700 Huh\r\nVia: x\r\n\r\n",
		"HTTP/1.1 999 Weird\r\n\r\n",
		"HTTP/1.1 200 OK\rX",
		"GET  / HTTP/1.1\r\n\r\n",
		"GET / HTTP/1.1 extra\r\n\r\n",
		"<?xml version=\"1.0\"?><soap:Envelope/>",
	};
	uint8_t bin[64];
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(text) / sizeof(text[0]); i++)
		expect_never(text[i], strlen(text[i]));
	/* a TLS ClientHello start */
	expect_never("\x16\x03\x01\x00\xa3\x01\x00\x00\x9f\x03\x03", 11);
	/* 0xff bytes */
	memset(bin, 0xff, sizeof(bin));
	expect_never(bin, sizeof(bin));
}

/* Keep-alives: unknown, flagged, and not scanned. */
static void
test_keepalive(void **state)
{
	uint32_t f;

	(void)state;
	assert_int_equal(detect_n("\r\n\r\n", 4, UDP, 5060, 5060, -1, &f), VPEP_CLASS_unknown);
	assert_int_equal(f, APP_F_KEEPALIVE);
	assert_int_equal(detect_n("\r\n", 2, TCP, 5060, 40000, -1, &f), VPEP_CLASS_unknown);
	assert_int_equal(f, APP_F_KEEPALIVE);
	assert_int_equal(detect_n("hello", 5, UDP, 5060, 5060, -1, &f), VPEP_CLASS_unknown);
	assert_int_equal(f, APP_F_KEEPALIVE);
	assert_int_equal(detect_n("\0\0\0\0", 4, UDP, 5060, 5060, -1, &f), VPEP_CLASS_unknown);
	assert_int_equal(f, APP_F_KEEPALIVE);
	/* not keep-alives */
	assert_int_equal(detect_n("hello!", 6, UDP, 5060, 5060, -1, &f), VPEP_CLASS_unknown);
	assert_int_equal(f, 0);
	assert_int_equal(detect_n("\r\n\r\n\r\n", 6, UDP, 5060, 5060, -1, &f), VPEP_CLASS_unknown);
	assert_false(f & APP_F_KEEPALIVE);
}

/*
 * Every truncation of a start line: over TCP never a wrong class, and unknown + need-more while
 * the start line is incomplete (the signatures' "partial" entries make that happen).
 */
static void
expect_prefixes(const char *msg, enum vpep_class want, uint32_t first_line_min)
{
	size_t n = strlen(msg), eol = strcspn(msg, "\r\n"), k;

	for (k = 1; k <= n; k++) {
		uint32_t f;
		enum vpep_class c = detect_n(msg, k, TCP, 40000, 40001, -1, &f);

		if (c != VPEP_CLASS_unknown && c != want)
			fail_msg("prefix %zu of \"%.20s\": %s", k, msg, sig_db_class_name(c));
		if (k >= first_line_min && k <= eol &&
			!(c == VPEP_CLASS_unknown && (f & APP_F_NEED_MORE)))
			fail_msg("prefix %zu of \"%.20s\": not need-more (%s, flags %x)", k, msg,
				sig_db_class_name(c), f);
	}
	assert_int_equal(detect_n(msg, n, TCP, 40000, 40001, -1, NULL), want);
}

static void
test_truncated_starts(void **state)
{
	(void)state;
	/* "INVITE s" and longer cut inside the request line */
	expect_prefixes(sip_invite, VPEP_CLASS_sip, 8);
	expect_prefixes(http_get, VPEP_CLASS_http, 5);
	expect_prefixes(rtsp_options, VPEP_CLASS_rtsp, 9);
	expect_prefixes(http_200, VPEP_CLASS_http, 0xffffffffu);
	expect_prefixes(sip_180, VPEP_CLASS_sip, 0xffffffffu);
	/*
	 * A SIP request over TCP cut after the start line and one whole header (the parser needs
	 * the first byte of the next line to know the header is not folded): sip, partial. Cut
	 * inside the first header: need more.
	 */
	{
		size_t cut = (size_t)(strstr(sip_invite, "Max-Forwards") - sip_invite) + 3;
		uint32_t f;

		assert_int_equal(
			detect_n(sip_invite, cut, TCP, 40000, 5060, 1, &f), VPEP_CLASS_sip);
		assert_true(f & APP_F_PARTIAL);
		assert_int_equal(check_n(sip_tcp, sip_invite, cut - 6, &f), APP_V_NEED_MORE);
		assert_int_equal(check_n(sip_tcp, sip_invite, cut - 3, &f), APP_V_NEED_MORE);
	}
}

/* ---- validators' edges and helpers --------------------------------------------------------- */

static void
test_http_validator(void **state)
{
	uint32_t f;

	(void)state;
	assert_int_equal(
		check(app_detect_http, "HTTP/1.1 200 OK\r\nServer: x\r\n", &f), APP_V_STRONG);
	assert_int_equal(check(app_detect_http, "HTTP/1.0 404\r\n\r\n", &f), APP_V_STRONG);
	assert_int_equal(check(app_detect_http, "HTTP/1.1 099 Low\r\n", &f), APP_V_NO);
	assert_int_equal(check(app_detect_http, "HTTP/1.1 600 High\r\n", &f), APP_V_NO);
	assert_int_equal(check(app_detect_http, "HTTP/2.0 200 OK\r\n", &f), APP_V_NO);
	assert_int_equal(check(app_detect_http, "HTTP/1.1 20", &f), APP_V_NEED_MORE);
	assert_int_equal(check(app_detect_http, "HTTP/1.1 200 OK", &f), APP_V_NEED_MORE);
	assert_int_equal(check(app_detect_http, "HTTP/1.1 200 OK\r", &f), APP_V_NEED_MORE);
	assert_int_equal(check(app_detect_http, "HTTP/1.1 200 OK\r\n", &f), APP_V_STRONG);
	/* the next line does not look like a header field: weak */
	assert_int_equal(check(app_detect_http, "HTTP/1.1 200 OK\r\n{json}\r\n", &f), APP_V_WEAK);
	assert_int_equal(check(app_detect_http, "GET / HTTP/1.1\r\n", &f), APP_V_STRONG);
	assert_int_equal(check(app_detect_http, "GET / HTTP/1.1\n\n", &f), APP_V_STRONG);
	assert_int_equal(check(app_detect_http, "GET / HTTP/1.1\rX", &f), APP_V_NO);
	assert_int_equal(check(app_detect_http, "GET / HTTP/1.", &f), APP_V_NEED_MORE);
	assert_int_equal(check(app_detect_http, "GET /", &f), APP_V_NEED_MORE);
	assert_int_equal(check(app_detect_http, "GET", &f), APP_V_NEED_MORE);
	assert_int_equal(check(app_detect_http, "GET / SIP/2.0\r\n", &f), APP_V_NO);
	assert_int_equal(
		check(app_detect_http, "AVERYVERYVERYLONGMETHODNAMETHATGOESON / HTTP/1.1\r\n", &f),
		APP_V_NO);
	assert_int_equal(app_detect_http(NULL, 0, &f), APP_V_NO);
}

static void
test_names(void **state)
{
	char buf[128], tiny[8];

	(void)state;
	assert_string_equal(app_detect_verdict_name(APP_V_STRONG), "strong");
	assert_string_equal(app_detect_verdict_name(APP_V_NEED_MORE), "need_more");
	assert_string_equal(app_detect_verdict_name((enum app_verdict)9), "?");
	assert_string_equal(
		app_detect_flags_str(APP_F_NEED_MORE | APP_F_PORT_HINT, buf, sizeof(buf)),
		"need_more|port_hint");
	assert_string_equal(app_detect_flags_str(APP_F_KEEPALIVE, buf, sizeof(buf)), "keepalive");
	assert_string_equal(app_detect_flags_str(0, buf, sizeof(buf)), "");
	/* truncated, terminated */
	app_detect_flags_str(0xffffffffu, tiny, sizeof(tiny));
	assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
	assert_string_equal(app_detect_flags_str(1, NULL, 0), "");
}

/* Arguments app_detect() refuses. */
static void
test_bad_args(void **state)
{
	uint32_t f = 77;

	(void)state;
	assert_int_equal(app_detect(fx.db, fx.scr, NULL, 0, TCP, 1, 2, -1, &f), VPEP_CLASS_unknown);
	assert_int_equal(f, 0);
	assert_int_equal(app_detect(fx.db, fx.scr, (const uint8_t *)http_get, 10, 1, 1, 2, -1, &f),
		VPEP_CLASS_unknown);
	/* a Hyperscan failure (no scratch) decides nothing */
	assert_int_equal(app_detect(fx.db, NULL, (const uint8_t *)http_get,
				 (uint32_t)strlen(http_get), TCP, 1, 80, -1, &f),
		VPEP_CLASS_unknown);
	assert_int_equal(f, APP_F_SCAN_ERROR);
	assert_int_equal(app_detect(fx.db, fx.scr, (const uint8_t *)http_get,
				 (uint32_t)strlen(http_get), TCP, 1, 80, -1, NULL),
		VPEP_CLASS_http);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sip),
		cmocka_unit_test(test_http),
		cmocka_unit_test(test_cwmp),
		cmocka_unit_test(test_rtsp),
		cmocka_unit_test(test_pop3),
		cmocka_unit_test(test_pop3_validator),
		cmocka_unit_test(test_cops),
		cmocka_unit_test(test_cip),
		cmocka_unit_test(test_rtp_never),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_keepalive),
		cmocka_unit_test(test_truncated_starts),
		cmocka_unit_test(test_http_validator),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_bad_args),
	};

	return cmocka_run_group_tests_name("app_detect", tests, setup, teardown);
}
