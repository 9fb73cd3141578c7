/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * SIP message parser. See sip_parse.h for the contract.
 *
 * Shape (after nginx's ngx_http_parse.c): one forward pass. The start line is
 * checked token by token; then each header line is delimited (name, colon,
 * value up to the line end, following folded continuation lines), looked up
 * by name, and the value of the headers vpep cares about is parsed in place by
 * a small grammar-driven scanner working on [value start, value end). A
 * continuation (CRLF followed by SP/HTAB) stays inside the value range and is
 * treated as linear white space by the value scanners, which is exactly what
 * RFC 3261 7.3.1 says it means. Nothing is copied or unfolded.
 *
 * Strictness: the parser rejects what RFC 3261 makes a 400 Bad Request or a
 * 505 (RFC 4475 3.1.2 and 3.3.1/3.3.8/3.3.9), and accepts messages whose
 * problem is for the application to judge (unknown URI schemes, unknown
 * Content-Type, Require, Max-Forwards: 0, ...), exposing what it needs to
 * decide. Two deliberate tolerances: bare LF line ends (SIP_F_BARE_LF)
 * because the user agents that send them are usually answered by peers, and
 * an enforcement point must see the calls the endpoints see; and an empty
 * Reason-Phrase with its SP missing.
 */
#include <stddef.h>
#include <string.h>

#include "sip_parse.h"
#include "text_scan.h"

/* Character classes (bit per class), generated from the RFC 3261 ABNF. */
#define CC_TOKEN 0x01 /* token: alphanum - . ! % * _ + ` ' ~ */
#define CC_URI	 0x02 /* URI chars: unreserved reserved escaped [ ] (and '#', seen unescaped) */
#define CC_HOST	 0x04 /* hostname/IPv4: alphanum - . (and '_', seen in the wild) */
#define CC_PARAM 0x08 /* gen-value: token, plus : [ ] for host/IPv6 values */
#define CC_PCHAR 0x10 /* URI paramchar: unreserved param-unreserved escaped */
#define CC_DIGIT 0x20
#define CC_ALPHA 0x40
#define CC_LWS	 0x80 /* SP HTAB CR LF: CR/LF only ever occur inside a value as folding */

/* clang-format off */
static const uint8_t cc[256] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x80, 0x00, 0x00, 0x80, 0x00, 0x00, /* 0x00 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* 0x10 */
	0x80, 0x1b, 0x00, 0x02, 0x12, 0x1b, 0x12, 0x1b, 0x12, 0x12, 0x1b, 0x1b, 0x02, 0x1f, 0x1f, 0x12, /* 0x20 */
	0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x1a, 0x02, 0x00, 0x02, 0x00, 0x02, /* 0x30 */
	0x02, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, /* 0x40 */
	0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x1a, 0x00, 0x1a, 0x00, 0x1f, /* 0x50 */
	0x09, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, /* 0x60 */
	0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x00, 0x00, 0x00, 0x1b, 0x00, /* 0x70 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* 0x80 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* 0x90 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* 0xa0 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* 0xb0 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* 0xc0 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* 0xd0 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* 0xe0 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* 0xf0 */
};
/* clang-format on */

#define IS(c, m) ((cc[(uint8_t)(c)] & (m)) != 0)

/* Position sentinel returned by value scanners on error (never a valid end). */
#define BAD UINT32_MAX

/* ASCII lower case; leaves every non-letter byte alone. */
static inline uint8_t
lc(uint8_t c)
{
	return (uint8_t)(c | (((unsigned int)(c - 'A') < 26u) << 5));
}

static inline uint64_t
ld64(const void *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t
ld32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint16_t
ld16(const void *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * 0x20 in each byte of w that is a lower-case letter, else 0 (every byte of w below 0x80, so
 * the additions cannot carry from one byte into the next).
 */
static inline uint64_t
lower_letter_bits(uint64_t w)
{
	uint64_t ge_a = (w + 0x1f1f1f1f1f1f1f1full) & 0x8080808080808080ull; /* >= 'a' */
	uint64_t gt_z = (w + 0x0505050505050505ull) & 0x8080808080808080ull; /* > 'z' */

	return (ge_a & ~gt_z) >> 2;
}

/* Each byte of in equals that of lit, letters in either case (c | 0x20 folds only letters). */
static inline bool
ci_word_eq(uint64_t in, uint64_t lit)
{
	return (in | lower_letter_bits(lit)) == lit;
}

/*
 * Case-insensitive compare of n bytes at p with a lower-case ASCII literal of at least n
 * bytes, a word at a time (the last word overlapping the one before). Exact for any bytes at
 * p; with a constant literal the letter mask folds to a constant, so a compare costs an OR
 * and a CMP per word.
 */
static inline bool
ci_eq(const uint8_t *p, const char *lit, uint32_t n)
{
	uint32_t i;

	if (n >= 8) {
		for (i = 0; i + 8 < n; i += 8)
			if (!ci_word_eq(ld64(p + i), ld64(lit + i)))
				return false;
		return ci_word_eq(ld64(p + n - 8), ld64(lit + n - 8));
	}
	if (n >= 4)
		return ci_word_eq(ld32(p), ld32(lit)) && ci_word_eq(ld32(p + n - 4), ld32(lit + n - 4));
	if (n >= 2)
		return ci_word_eq(ld16(p), ld16(lit)) && ci_word_eq(ld16(p + n - 2), ld16(lit + n - 2));
	return n == 0 || ci_word_eq(p[0], (uint8_t)lit[0]);
}

static inline uint32_t
skip_lws(const uint8_t *b, uint32_t p, uint32_t e)
{
	/* nearly always no white space at all: every LWS byte is <= SP */
	if (__builtin_expect(p < e && b[p] > ' ', 1))
		return p;
	while (p < e && IS(b[p], CC_LWS))
		p++;
	return p;
}

/*
 * The classes above as nibble tables for skip_in_class() (text_scan.h), generated from cc[];
 * sip_parse_self_check() checks them against it. VCHAR (0x21-0x7e) is the Call-ID's set.
 */
/* clang-format off */
static const struct byte_class cls_token = {{0xe8, 0xfc, 0xf8, 0xf8, 0xf8, 0xfc, 0xf8, 0xfc,
	0xf8, 0xf8, 0xf4, 0x54, 0x50, 0x54, 0xd4, 0x70}};
static const struct byte_class cls_uri = {{0xb8, 0xfc, 0xf8, 0xfc, 0xfc, 0xfc, 0xfc, 0xfc,
	0xfc, 0xfc, 0xfc, 0x7c, 0x54, 0x7c, 0xd4, 0x7c}};
static const struct byte_class cls_host = {{0xa8, 0xf8, 0xf8, 0xf8, 0xf8, 0xf8, 0xf8, 0xf8,
	0xf8, 0xf8, 0xf0, 0x50, 0x50, 0x54, 0x54, 0x70}};
static const struct byte_class cls_param = {{0xe8, 0xfc, 0xf8, 0xf8, 0xf8, 0xfc, 0xf8, 0xfc,
	0xf8, 0xf8, 0xfc, 0x74, 0x50, 0x74, 0xd4, 0x70}};
static const struct byte_class cls_pchar = {{0xa8, 0xfc, 0xf8, 0xf8, 0xfc, 0xfc, 0xfc, 0xfc,
	0xfc, 0xfc, 0xfc, 0x74, 0x50, 0x74, 0xd4, 0x74}};
static const struct byte_class cls_digit = {{0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08,
	0x08, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}};
static const struct byte_class cls_vchar = {{0xf8, 0xfc, 0xfc, 0xfc, 0xfc, 0xfc, 0xfc, 0xfc,
	0xfc, 0xfc, 0xfc, 0xfc, 0xfc, 0xfc, 0xfc, 0x7c}};
/* clang-format on */

/* The table of one CC_ bit (a constant at every call site, so this folds away). */
static inline const struct byte_class *
class_table(uint8_t m)
{
	switch (m) {
	case CC_TOKEN:
		return &cls_token;
	case CC_URI:
		return &cls_uri;
	case CC_HOST:
		return &cls_host;
	case CC_PARAM:
		return &cls_param;
	case CC_PCHAR:
		return &cls_pchar;
	default: /* CC_DIGIT, the only other class skip_class() is given */
		return &cls_digit;
	}
}

/* First byte at or after p (p <= e) not in class m (a single CC_ bit), or e. */
static inline uint32_t
skip_class(const uint8_t *b, uint32_t p, uint32_t e, uint8_t m)
{
	return skip_in_class(b, p, e, class_table(m));
}

/* ci_eq() against a byte at a time, with every byte value at every position of a literal. */
static int
ci_eq_ok(const char *lit)
{
	uint32_t n = (uint32_t)strlen(lit), i, j;
	uint8_t buf[32];
	unsigned int c;

	for (i = 0; i < n; i++) {
		for (c = 0; c < 256; c++) {
			bool want = true;

			memcpy(buf, lit, n);
			buf[i] = (uint8_t)c;
			for (j = 0; j < n; j++)
				want = want && lc(buf[j]) == (uint8_t)lit[j];
			if (ci_eq(buf, lit, n) != want)
				return 0;
		}
	}
	return 1;
}

int
sip_parse_self_check(void)
{
	static const uint8_t bits[] = {CC_TOKEN, CC_URI, CC_HOST, CC_PARAM, CC_PCHAR, CC_DIGIT};
	static const char *const lits[] = {"t", "ws", "sip", "sips", "rport", "sip/2.0",
		"tls-sctp", "received", "application", "application/sdp"};
	unsigned int c, i;

	for (c = 0; c < 256; c++) {
		for (i = 0; i < sizeof(bits); i++)
			if (byte_class_has(class_table(bits[i]), (uint8_t)c) != IS(c, bits[i]))
				return 0;
		if (byte_class_has(&cls_vchar, (uint8_t)c) != (c > 0x20 && c < 0x7f))
			return 0;
	}
	for (i = 0; i < sizeof(lits) / sizeof(lits[0]); i++)
		if (!ci_eq_ok(lits[i]))
			return 0;
	return 1;
}

static inline bool
is_hex(uint8_t c)
{
	return IS(c, CC_DIGIT) || (unsigned int)(lc(c) - 'a') < 6u;
}

static inline struct sip_str
mkstr(uint32_t s, uint32_t e)
{
	struct sip_str r = {s, e - s};
	return r;
}

/* ---- name tables --------------------------------------------------------------------------- */

#define SIP_ERR_NAME_(id, name) name,
static const char *const err_names[SIP_ERR_MAX] = {SIP_ERR_LIST(SIP_ERR_NAME_)};
#undef SIP_ERR_NAME_

#define SIP_METHOD_NAME_(id, name) name,
static const char *const method_names[SIP_METHOD_MAX] = {SIP_METHOD_LIST(SIP_METHOD_NAME_)};
#undef SIP_METHOD_NAME_

#define SIP_HDR_NAME_(id, name, compact) name,
static const char *const hdr_names[SIP_HDR_MAX] = {SIP_HDR_LIST(SIP_HDR_NAME_)};
#undef SIP_HDR_NAME_

const char *
sip_err_name(unsigned int err)
{
	return err < SIP_ERR_MAX ? err_names[err] : "unknown";
}

const char *
sip_method_name(unsigned int method)
{
	return method < SIP_METHOD_MAX ? method_names[method] : "UNKNOWN";
}

const char *
sip_hdr_name(unsigned int id)
{
	return id < SIP_HDR_MAX ? hdr_names[id] : "";
}

enum sip_method
sip_method_lookup(const uint8_t *s, uint32_t len)
{
#define M(lit, id)                                                                                 \
	do {                                                                                       \
		if (memcmp(s, lit, sizeof(lit) - 1) == 0)                                          \
			return SIP_METHOD_##id;                                                    \
	} while (0)
	switch (len) {
	case 3:
		M("ACK", ACK);
		M("BYE", BYE);
		break;
	case 4:
		M("INFO", INFO);
		break;
	case 5:
		M("PRACK", PRACK);
		M("REFER", REFER);
		break;
	case 6:
		M("INVITE", INVITE);
		M("CANCEL", CANCEL);
		M("UPDATE", UPDATE);
		M("NOTIFY", NOTIFY);
		break;
	case 7:
		M("OPTIONS", OPTIONS);
		M("MESSAGE", MESSAGE);
		M("PUBLISH", PUBLISH);
		break;
	case 8:
		M("REGISTER", REGISTER);
		break;
	case 9:
		M("SUBSCRIBE", SUBSCRIBE);
		break;
	default:
		break;
	}
#undef M
	return SIP_METHOD_UNKNOWN;
}

/* Static, so the parser's per-header call inlines; sip_hdr_lookup() is its exported face. */
static enum sip_hdr_id
hdr_lookup(const uint8_t *n, uint32_t len)
{
	/* Dispatch on length, then on the first letter: at most 2 compares per name. */
#define H(lit, id)                                                                                 \
	do {                                                                                       \
		if (ci_eq(n, lit, sizeof(lit) - 1))                                                \
			return SIP_HDR_##id;                                                       \
	} while (0)
	if (len == 0 || len > 19)
		return SIP_HDR_OTHER;
	if (len == 1) {
		/* clang-format off */
		switch (lc(n[0])) {
		case 'a': return SIP_HDR_ACCEPT_CONTACT;
		case 'b': return SIP_HDR_REFERRED_BY;
		case 'c': return SIP_HDR_CONTENT_TYPE;
		case 'd': return SIP_HDR_REQUEST_DISPOSITION;
		case 'e': return SIP_HDR_CONTENT_ENCODING;
		case 'f': return SIP_HDR_FROM;
		case 'i': return SIP_HDR_CALL_ID;
		case 'j': return SIP_HDR_REJECT_CONTACT;
		case 'k': return SIP_HDR_SUPPORTED;
		case 'l': return SIP_HDR_CONTENT_LENGTH;
		case 'm': return SIP_HDR_CONTACT;
		case 'n': return SIP_HDR_IDENTITY_INFO;
		case 'o': return SIP_HDR_EVENT;
		case 'r': return SIP_HDR_REFER_TO;
		case 's': return SIP_HDR_SUBJECT;
		case 't': return SIP_HDR_TO;
		case 'u': return SIP_HDR_ALLOW_EVENTS;
		case 'v': return SIP_HDR_VIA;
		case 'x': return SIP_HDR_SESSION_EXPIRES;
		case 'y': return SIP_HDR_IDENTITY;
		default: return SIP_HDR_OTHER;
		}
		/* clang-format on */
	}
	switch (len) {
	case 2:
		H("to", TO);
		break;
	case 3:
		H("via", VIA);
		break;
	case 4:
		switch (lc(n[0])) {
		case 'f':
			H("from", FROM);
			break;
		case 'c':
			H("cseq", CSEQ);
			break;
		case 'd':
			H("date", DATE);
			break;
		}
		break;
	case 5:
		switch (lc(n[0])) {
		case 'r':
			H("route", ROUTE);
			break;
		case 'e':
			H("event", EVENT);
			break;
		}
		break;
	case 6:
		H("server", SERVER);
		break;
	case 7:
		switch (lc(n[0])) {
		case 'c':
			H("call-id", CALL_ID);
			H("contact", CONTACT);
			break;
		case 'e':
			H("expires", EXPIRES);
			break;
		case 's':
			H("subject", SUBJECT);
			break;
		case 'r':
			H("require", REQUIRE);
			break;
		}
		break;
	case 8:
		switch (lc(n[0])) {
		case 'r':
			H("refer-to", REFER_TO);
			break;
		case 'i':
			H("identity", IDENTITY);
			break;
		}
		break;
	case 9:
		H("supported", SUPPORTED);
		break;
	case 10:
		H("user-agent", USER_AGENT);
		break;
	case 11:
		H("referred-by", REFERRED_BY);
		break;
	case 12:
		switch (lc(n[0])) {
		case 'a':
			H("allow-events", ALLOW_EVENTS);
			break;
		case 'c':
			H("content-type", CONTENT_TYPE);
			break;
		case 'm':
			H("max-forwards", MAX_FORWARDS);
			break;
		case 'r':
			H("record-route", RECORD_ROUTE);
			break;
		}
		break;
	case 13:
		H("identity-info", IDENTITY_INFO);
		break;
	case 14:
		switch (lc(n[0])) {
		case 'c':
			H("content-length", CONTENT_LENGTH);
			break;
		case 'a':
			H("accept-contact", ACCEPT_CONTACT);
			break;
		case 'r':
			H("reject-contact", REJECT_CONTACT);
			break;
		}
		break;
	case 15:
		H("session-expires", SESSION_EXPIRES);
		break;
	case 16:
		H("content-encoding", CONTENT_ENCODING);
		break;
	case 19:
		H("request-disposition", REQUEST_DISPOSITION);
		break;
	default:
		break;
	}
#undef H
	return SIP_HDR_OTHER;
}

enum sip_hdr_id
sip_hdr_lookup(const uint8_t *n, uint32_t len)
{
	return hdr_lookup(n, len);
}

int
sip_hdr_find(const struct sip_msg *msg, enum sip_hdr_id id, int from)
{
	int i;

	for (i = from < 0 ? 0 : from; i < (int)msg->hdr_count; i++)
		if (msg->hdrs[i].id == id)
			return i;
	return -1;
}

/* ---- URIs ---------------------------------------------------------------------------------- */

/*
 * scheme ":" at s (RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )).
 * Returns the enum sip_uri_scheme and the colon position, or -1.
 */
static int
uri_scheme(const uint8_t *b, uint32_t s, uint32_t e, uint32_t *colon)
{
	uint32_t p = s;

	/* The common case first: "sip:" (c | 0x20 == letter is exact for letters). */
	if (e - s >= 4 && b[s + 3] == ':' && (b[s] | 0x20) == 's' && (b[s + 1] | 0x20) == 'i' &&
		(b[s + 2] | 0x20) == 'p') {
		*colon = s + 3;
		return SIP_URI_SIP;
	}
	if (p >= e || !IS(b[p], CC_ALPHA))
		return -1;
	for (p++; p < e; p++) {
		uint8_t c = b[p];
		if (!IS(c, CC_ALPHA | CC_DIGIT) && c != '+' && c != '-' && c != '.')
			break;
	}
	if (p >= e || b[p] != ':')
		return -1;
	*colon = p;
	switch (p - s) {
	case 3:
		if (ci_eq(b + s, "sip", 3))
			return SIP_URI_SIP;
		if (ci_eq(b + s, "tel", 3))
			return SIP_URI_TEL;
		break;
	case 4:
		if (ci_eq(b + s, "sips", 4))
			return SIP_URI_SIPS;
		break;
	}
	return SIP_URI_OTHER;
}

/* port = 1*5DIGIT, at most 65535. Returns the end position or BAD. */
static uint32_t
parse_port(const uint8_t *b, uint32_t p, uint32_t e, uint16_t *port)
{
	uint32_t s = p, v = 0;

	while (p < e && IS(b[p], CC_DIGIT) && p - s < 5)
		v = v * 10 + (uint32_t)(b[p++] - '0');
	if (p == s || v > 65535 || (p < e && IS(b[p], CC_DIGIT)))
		return BAD;
	*port = (uint16_t)v;
	return p;
}

/*
 * The part of a sip/sips URI after "sip:" (RFC 3261 19.1.1):
 * [ userinfo "@" ] host [ ":" port ] *( ";" uri-parameter ) [ "?" headers ].
 * The user part is only delimited, not validated character by character:
 * RFC 4475 3.1.1.2/3.1.1.9 show how much it may contain. Returns 0 or -1.
 */
static int
sip_uri_split(const uint8_t *b, uint32_t s, uint32_t e, struct sip_uri *u, bool allow_headers)
{
	const uint8_t *at = memchr(b + s, '@', e - s);
	uint32_t p = s, q;

	if (at != NULL) {
		uint32_t a = (uint32_t)(at - b);
		const uint8_t *pw = memchr(b + s, ':', a - s);
		uint32_t ue = pw != NULL ? (uint32_t)(pw - b) : a;

		if (ue == s)
			return -1; /* user = 1*( ... ): "sip:@host" and "sip::pw@host" are not URIs
				    */
		u->user = mkstr(s, ue);
		if (pw != NULL)
			u->password = mkstr(ue + 1, a);
		p = a + 1;
	}
	if (p < e && b[p] == '[') {
		q = p + 1;
		while (q < e && (is_hex(b[q]) || b[q] == ':' || b[q] == '.'))
			q++;
		if (q >= e || b[q] != ']' || q == p + 1)
			return -1;
		u->host = mkstr(p + 1, q);
		p = q + 1;
	} else {
		q = skip_class(b, p, e, CC_HOST);
		if (q == p)
			return -1;
		u->host = mkstr(p, q);
		p = q;
	}
	if (p < e && b[p] == ':') {
		p = parse_port(b, p + 1, e, &u->port);
		if (p == BAD)
			return -1;
	}
	if (p < e && b[p] == ';') {
		uint32_t ps = p + 1;
		do {
			q = skip_class(b, p + 1, e, CC_PCHAR);
			if (q == p + 1)
				return -1; /* empty parameter name: ";;" or a trailing ';' */
			p = q;
			if (p < e && b[p] == '=') {
				q = skip_class(b, p + 1, e, CC_PCHAR);
				if (q == p + 1)
					return -1;
				p = q;
			}
		} while (p < e && b[p] == ';');
		u->params = mkstr(ps, p);
	}
	if (p < e && b[p] == '?') {
		if (!allow_headers)
			return -1;
		u->headers = mkstr(p + 1, e);
		p = e;
	}
	return p == e ? 0 : -1;
}

int
sip_uri_parse(const uint8_t *buf, struct sip_str uri, struct sip_uri *out)
{
	uint32_t s = uri.off, e = uri.off + uri.len, colon;
	int scheme;

	memset(out, 0, sizeof(*out));
	if (skip_class(buf, s, e, CC_URI) != e)
		return -1;
	scheme = uri_scheme(buf, s, e, &colon);
	if (scheme < 0)
		return -1;
	out->scheme = (uint8_t)scheme;
	switch (scheme) {
	case SIP_URI_SIP:
	case SIP_URI_SIPS:
		return sip_uri_split(buf, colon + 1, e, out, true);
	case SIP_URI_TEL: {
		const uint8_t *semi = memchr(buf + colon + 1, ';', e - colon - 1);
		uint32_t ne = semi != NULL ? (uint32_t)(semi - buf) : e;

		if (ne == colon + 1)
			return -1;
		out->number = mkstr(colon + 1, ne);
		if (semi != NULL)
			out->params = mkstr(ne + 1, e);
		return 0;
	}
	default:
		return colon + 1 < e ? 0 : -1;
	}
}

/* Next byte of a range with %HH decoded; advances *p. */
static inline uint8_t
unesc_next(const uint8_t *b, uint32_t *p, uint32_t e)
{
	uint8_t c = b[*p];

	if (c == '%' && *p + 2 < e && is_hex(b[*p + 1]) && is_hex(b[*p + 2])) {
		uint8_t h = lc(b[*p + 1]), l = lc(b[*p + 2]);
		*p += 3;
		return (uint8_t)(((h <= '9' ? h - '0' : h - 'a' + 10) << 4) |
				 (l <= '9' ? l - '0' : l - 'a' + 10));
	}
	(*p)++;
	return c;
}

static bool
unesc_equal(const uint8_t *a, struct sip_str x, const uint8_t *b, struct sip_str y, bool ci)
{
	uint32_t p = x.off, pe = x.off + x.len, q = y.off, qe = y.off + y.len;

	while (p < pe && q < qe) {
		uint8_t c = unesc_next(a, &p, pe), d = unesc_next(b, &q, qe);
		if (ci) {
			c = lc(c);
			d = lc(d);
		}
		if (c != d)
			return false;
	}
	return p == pe && q == qe;
}

bool
sip_uri_aor_equal(const uint8_t *a_buf, struct sip_str a, const uint8_t *b_buf, struct sip_str b)
{
	struct sip_uri x, y;

	if (sip_uri_parse(a_buf, a, &x) != 0 || sip_uri_parse(b_buf, b, &y) != 0)
		return false;
	if (x.scheme != y.scheme)
		return false;
	switch (x.scheme) {
	case SIP_URI_SIP:
	case SIP_URI_SIPS:
		return unesc_equal(a_buf, x.user, b_buf, y.user, false) &&
		       unesc_equal(a_buf, x.host, b_buf, y.host, true);
	case SIP_URI_TEL:
		return unesc_equal(a_buf, x.number, b_buf, y.number, true);
	default:
		return false;
	}
}

bool
sip_str_equal(const uint8_t *a_buf, struct sip_str a, const uint8_t *b_buf, struct sip_str b)
{
	return a.len == b.len && memcmp(a_buf + a.off, b_buf + b.off, a.len) == 0;
}

bool
sip_str_caseequal(const uint8_t *a_buf, struct sip_str a, const uint8_t *b_buf, struct sip_str b)
{
	uint32_t i;

	if (a.len != b.len)
		return false;
	for (i = 0; i < a.len; i++)
		if (lc(a_buf[a.off + i]) != lc(b_buf[b.off + i]))
			return false;
	return true;
}

bool
sip_msg_same_dialog(const uint8_t *a_buf, const struct sip_msg *a, const uint8_t *b_buf,
	const struct sip_msg *b)
{
	if (a->call_id.len == 0 || !sip_str_equal(a_buf, a->call_id, b_buf, b->call_id))
		return false;
	/* Same direction: From tags equal, To tags equal or one not yet assigned. */
	if (sip_str_caseequal(a_buf, a->from.tag, b_buf, b->from.tag) &&
		(a->to.tag.len == 0 || b->to.tag.len == 0 ||
			sip_str_caseequal(a_buf, a->to.tag, b_buf, b->to.tag)))
		return true;
	/* Opposite direction: the callee's requests carry the tags crossed. */
	if (sip_str_caseequal(a_buf, a->from.tag, b_buf, b->to.tag) &&
		(a->to.tag.len == 0 || b->from.tag.len == 0 ||
			sip_str_caseequal(a_buf, a->to.tag, b_buf, b->from.tag)))
		return true;
	return false;
}

/* Case-insensitive compare of buffer bytes with a caller's NUL-terminated name. */
static bool
name_caseeq(const uint8_t *p, const char *name, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (lc(p[i]) != lc((uint8_t)name[i]))
			return false;
	return true;
}

int
sip_param_find(const uint8_t *buf, struct sip_str range, const char *name, struct sip_str *val)
{
	uint32_t p = range.off, e = range.off + range.len, nlen = (uint32_t)strlen(name);
	bool at_start = true;

	while (p < e) {
		uint8_t c = buf[p];

		if (at_start) {
			uint32_t n0 = skip_lws(buf, p, e), n1 = skip_class(buf, n0, e, CC_TOKEN);

			at_start = false;
			if (n1 - n0 == nlen && nlen != 0 && name_caseeq(buf + n0, name, nlen)) {
				uint32_t q = skip_lws(buf, n1, e), v0, v1;

				if (q >= e || buf[q] != '=') {
					if (q >= e || buf[q] == ';' || buf[q] == ',') {
						val->off = n1;
						val->len = 0;
						return 1;
					}
				} else {
					v0 = skip_lws(buf, q + 1, e);
					if (v0 < e && buf[v0] == '"') {
						for (v1 = v0 + 1; v1 < e && buf[v1] != '"'; v1++)
							if (buf[v1] == '\\' && v1 + 1 < e)
								v1++;
						v1 = v1 < e ? v1 + 1 : e;
					} else {
						v1 = skip_class(buf, v0, e, CC_PARAM);
					}
					*val = mkstr(v0, v1);
					return 1;
				}
			}
			/* No name here: go on from the same byte (it may open a quote). */
			p = n1 > n0 ? n1 : n0;
			continue;
		}
		if (c == '"') {
			/* Skip a quoted string: a ';' inside it separates nothing. */
			for (p++; p < e && buf[p] != '"'; p++)
				if (buf[p] == '\\' && p + 1 < e)
					p++;
			p++;
		} else if (c == '<') {
			/* Skip a bracketed URI: its ';' are URI parameters, not header ones. */
			while (p < e && buf[p] != '>')
				p++;
			p++;
		} else {
			if (c == ';')
				at_start = true;
			p++;
		}
	}
	return 0;
}

/* ---- header value scanners ------------------------------------------------------------------ */

/* One header value being parsed: [.., e) of b, and what a syntax error is called there. */
struct vp {
	const uint8_t *b;
	uint32_t e;
	uint16_t bad; /* enum sip_error for a syntax error in this header */
	uint16_t err; /* set on failure */
	uint32_t eoff;
};

static uint32_t
vfail(struct vp *v, uint32_t at, int code)
{
	v->err = (uint16_t)code;
	v->eoff = at;
	return BAD;
}

/*
 * quoted-string at p (b[p] == '"'). qdtext is LWS or any byte but
 * controls, '"' and '\'; quoted-pair is '\' and any byte but CR/LF (so an
 * escaped NUL is fine: RFC 4475 3.1.1.2). Returns the position after the
 * closing quote or BAD (UNTERMINATED_QUOTE when the value ends inside it).
 */
static uint32_t
scan_quoted(struct vp *v, uint32_t p)
{
	const uint8_t *b = v->b;
	uint32_t e = v->e;

	for (p++; p < e; p++) {
		uint8_t c = b[p];

		if (c == '"')
			return p + 1;
		if (c == '\\') {
			if (++p >= e)
				break;
			if (b[p] == '\r' || b[p] == '\n')
				return vfail(v, p, v->bad);
			continue;
		}
		if ((c < 0x20 && !IS(c, CC_LWS)) || c == 0x7f)
			return vfail(v, p, v->bad);
	}
	return vfail(v, p, SIP_ERR_UNTERMINATED_QUOTE);
}

/* A parameter a caller wants from a *(SEMI generic-param) list. */
struct pick {
	const char *name;
	uint32_t nlen;
	struct sip_str *out;
	uint8_t *seen;
};

/*
 * *( SEMI generic-param ), generic-param = token [ EQUAL gen-value ],
 * gen-value = token / host / quoted-string, SEMI and EQUAL with SWS around.
 * Returns the position after the last parameter, or BAD.
 */
static uint32_t
parse_params(struct vp *v, uint32_t p, const struct pick *pk, unsigned int npk)
{
	const uint8_t *b = v->b;
	uint32_t e = v->e;

	for (;;) {
		uint32_t q = skip_lws(b, p, e), n0, n1, v0 = 0, v1 = 0;
		unsigned int i;

		if (q >= e || b[q] != ';')
			return p;
		n0 = skip_lws(b, q + 1, e);
		n1 = skip_class(b, n0, e, CC_TOKEN);
		if (n1 == n0)
			return vfail(v, n0, v->bad); /* ";;" or ";" at the end (RFC 4475 3.1.2.1) */
		q = skip_lws(b, n1, e);
		if (q < e && b[q] == '=') {
			v0 = skip_lws(b, q + 1, e);
			if (v0 < e && b[v0] == '"') {
				v1 = scan_quoted(v, v0);
				if (v1 == BAD)
					return BAD;
			} else {
				v1 = skip_class(b, v0, e, CC_PARAM);
			}
			if (v1 == v0)
				return vfail(v, v0, v->bad);
			p = v1;
		} else {
			p = n1;
		}
		for (i = 0; i < npk; i++) {
			if (n1 - n0 == pk[i].nlen && ci_eq(b + n0, pk[i].name, pk[i].nlen) &&
				!*pk[i].seen) {
				*pk[i].seen = 1;
				*pk[i].out = mkstr(v0 != 0 ? v0 : n1, v0 != 0 ? v1 : n1);
			}
		}
	}
}

/*
 * ( name-addr / addr-spec ) *( SEMI param ) at p, for From, To, Contact.
 * name-addr = [ display-name ] LAQUOT addr-spec RAQUOT with display-name =
 * *(token LWS) / quoted-string. In addr-spec form the URI cannot contain ';',
 * ',' or '?' (RFC 3261 20: such URIs must be in <>), so ';' starts header
 * parameters and '?' is an error (RFC 4475 3.1.2.13). Inside <> no LWS is
 * allowed (LAQUOT = SWS "<", RAQUOT = ">" SWS: RFC 4475 3.1.2.14).
 * Fills na when non-NULL. Returns the position after it, or BAD.
 */
static uint32_t
parse_name_addr(struct vp *v, uint32_t p, struct sip_name_addr *na)
{
	const uint8_t *b = v->b;
	uint32_t e = v->e, d0 = 0, d1 = 0, u0, u1, colon, start;
	struct sip_str tag = {0, 0};
	uint8_t tag_seen = 0;
	struct pick pk = {"tag", 3, &tag, &tag_seen};
	bool angle;

	p = skip_lws(b, p, e);
	start = p;
	if (p >= e)
		return vfail(v, p, v->bad);
	if (b[p] == '"') {
		uint32_t q = scan_quoted(v, p);
		if (q == BAD)
			return BAD;
		d0 = p + 1;
		d1 = q - 1;
		p = skip_lws(b, q, e);
		if (p >= e || b[p] != '<')
			return vfail(v, p, v->bad);
		angle = true;
	} else if (b[p] == '<') {
		angle = true;
	} else {
		uint32_t q = skip_class(b, p, e, CC_TOKEN);

		if (q < e && b[q] == ':' && uri_scheme(b, p, e, &colon) >= 0 && colon == q) {
			angle = false;
		} else {
			/* display-name = *(token LWS) ending at '<' */
			uint32_t r;

			d0 = p;
			for (;;) {
				if (q == p)
					return vfail(
						v, q, v->bad); /* e.g. ',' in "Bell, Alexander" */
				d1 = q;
				r = skip_lws(b, q, e);
				if (r < e && b[r] == '<')
					break;
				if (r == q || r >= e)
					return vfail(v, r, v->bad);
				p = r;
				q = skip_class(b, p, e, CC_TOKEN);
			}
			p = r;
			angle = true;
		}
	}
	if (angle) {
		/* b[p] == '<' */
		u0 = p + 1;
		if (uri_scheme(b, u0, e, &colon) < 0)
			return vfail(v, u0, v->bad);
		u1 = skip_class(b, colon + 1, e, CC_URI);
		if (u1 >= e || b[u1] != '>')
			return vfail(v, u1, v->bad);
		p = u1 + 1;
	} else {
		u0 = p;
		u1 = colon + 1;
		while (u1 < e && IS(b[u1], CC_URI) && b[u1] != ';' && b[u1] != ',') {
			if (b[u1] == '?')
				return vfail(v, u1, v->bad);
			u1++;
		}
		p = u1;
	}
	p = parse_params(v, p, &pk, 1);
	if (p == BAD)
		return BAD;
	if (na != NULL) {
		na->value = mkstr(start, p);
		na->display = mkstr(d0, d1);
		na->uri = mkstr(u0, u1);
		na->tag = tag;
	}
	return p;
}

/*
 * Comma-separated list of name-addr values (Contact, or a single From/To
 * when multi is false). The first value goes to first; *count is increased
 * per value. Returns 0 or -1 (v->err set).
 */
static int
parse_name_addr_list(
	struct vp *v, uint32_t p, bool multi, struct sip_name_addr *first, uint16_t *count)
{
	for (;;) {
		p = parse_name_addr(v, p, first);
		if (p == BAD)
			return -1;
		first = NULL;
		if (*count < UINT16_MAX)
			(*count)++;
		p = skip_lws(v->b, p, v->e);
		if (p >= v->e)
			return 0;
		if (!multi || v->b[p] != ',') {
			vfail(v, p, v->bad);
			return -1;
		}
		p++;
	}
}

static uint8_t
via_transport(const uint8_t *b, uint32_t s, uint32_t n)
{
	switch (n) {
	case 2:
		if (ci_eq(b + s, "ws", 2))
			return SIP_VIA_TP_WS;
		break;
	case 3:
		if (ci_eq(b + s, "udp", 3))
			return SIP_VIA_TP_UDP;
		if (ci_eq(b + s, "tcp", 3))
			return SIP_VIA_TP_TCP;
		if (ci_eq(b + s, "tls", 3))
			return SIP_VIA_TP_TLS;
		if (ci_eq(b + s, "wss", 3))
			return SIP_VIA_TP_WSS;
		break;
	case 4:
		if (ci_eq(b + s, "sctp", 4))
			return SIP_VIA_TP_SCTP;
		break;
	case 8:
		if (ci_eq(b + s, "tls-sctp", 8))
			return SIP_VIA_TP_TLS_SCTP;
		break;
	}
	return SIP_VIA_TP_OTHER;
}

/*
 * via-parm = sent-protocol LWS sent-by *( SEMI via-params ), with
 * sent-protocol = name SLASH version SLASH transport (SWS around each slash,
 * RFC 4475 3.1.1.1) and sent-by = host [ COLON port ]. Fills out when
 * non-NULL. Returns the position after it, or BAD.
 */
static uint32_t
parse_via_parm(struct vp *v, uint32_t p, struct sip_via *out)
{
	const uint8_t *b = v->b;
	uint32_t e = v->e, start, t0 = 0, t1 = 0, h0, h1, q;
	struct sip_str branch = {0, 0}, received = {0, 0}, rport = {0, 0};
	uint8_t seen[3] = {0, 0, 0};
	const struct pick pk[3] = {
		{"branch", 6, &branch, &seen[0]},
		{"received", 8, &received, &seen[1]},
		{"rport", 5, &rport, &seen[2]},
	};
	uint16_t port = 0;
	int i;

	start = p = skip_lws(b, p, e);
	for (i = 0; i < 3; i++) {
		if (i > 0) {
			p = skip_lws(b, p, e);
			if (p >= e || b[p] != '/')
				return vfail(v, p, v->bad);
			p = skip_lws(b, p + 1, e);
		}
		q = skip_class(b, p, e, CC_TOKEN);
		if (q == p)
			return vfail(v, p, v->bad);
		t0 = p;
		t1 = q;
		p = q;
	}
	q = skip_lws(b, p, e);
	if (q == p)
		return vfail(v, p, v->bad); /* LWS between sent-protocol and sent-by is required */
	p = q;
	if (p < e && b[p] == '[') {
		q = p + 1;
		while (q < e && (is_hex(b[q]) || b[q] == ':' || b[q] == '.'))
			q++;
		if (q >= e || b[q] != ']' || q == p + 1)
			return vfail(v, q, v->bad);
		h0 = p + 1;
		h1 = q;
		p = q + 1;
	} else {
		q = skip_class(b, p, e, CC_HOST);
		if (q == p)
			return vfail(v, p, v->bad);
		h0 = p;
		h1 = p = q;
	}
	q = skip_lws(b, p, e);
	if (q < e && b[q] == ':') {
		p = parse_port(b, skip_lws(b, q + 1, e), e, &port);
		if (p == BAD)
			return vfail(v, q, v->bad);
	}
	p = parse_params(v, p, pk, 3);
	if (p == BAD)
		return BAD;
	if (out != NULL) {
		out->value = mkstr(start, p);
		out->transport = mkstr(t0, t1);
		out->tp = via_transport(b, t0, t1 - t0);
		out->host = mkstr(h0, h1);
		out->port = port;
		out->branch = branch;
		out->received = received;
		out->rport = seen[2];
	}
	return p;
}

/* Via: 1#via-parm. The message's first via-parm becomes msg->via. */
static int
parse_via(struct vp *v, uint32_t p, struct sip_msg *m)
{
	for (;;) {
		p = parse_via_parm(v, p, m->via_count == 0 ? &m->via : NULL);
		if (p == BAD)
			return -1;
		if (m->via_count < UINT16_MAX)
			m->via_count++;
		p = skip_lws(v->b, p, v->e);
		if (p >= v->e)
			return 0;
		if (v->b[p] != ',') {
			vfail(v, p, v->bad);
			return -1;
		}
		p++;
	}
}

/*
 * 1*DIGIT filling the whole of [s, e), value at most max. Leading zeros are
 * fine (RFC 4475 3.1.1.1 has "0068" and "0009"). Returns 0 or -1.
 */
static int
parse_uint(const uint8_t *b, uint32_t s, uint32_t e, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	uint32_t p;

	if (s >= e)
		return -1;
	for (p = s; p < e; p++) {
		if (!IS(b[p], CC_DIGIT))
			return -1;
		v = v * 10 + (uint64_t)(b[p] - '0');
		if (v > max)
			return -1; /* also stops the accumulator before it can overflow */
	}
	*out = v;
	return 0;
}

/* CSeq = 1*DIGIT LWS Method; the number must be < 2^31 (RFC 3261 8.1.1.5). */
static int
parse_cseq(struct vp *v, uint32_t s, struct sip_msg *m)
{
	const uint8_t *b = v->b;
	uint32_t e = v->e, p, q;
	uint64_t n;

	p = skip_class(b, s, e, CC_DIGIT);
	if (parse_uint(b, s, p, 0x7fffffffu, &n) != 0) {
		vfail(v, s, SIP_ERR_BAD_CSEQ);
		return -1;
	}
	q = skip_lws(b, p, e);
	if (q == p || q >= e) {
		vfail(v, q, SIP_ERR_BAD_CSEQ);
		return -1;
	}
	p = skip_class(b, q, e, CC_TOKEN);
	if (p == q || skip_lws(b, p, e) != e) {
		vfail(v, p, SIP_ERR_BAD_CSEQ);
		return -1;
	}
	m->cseq = (uint32_t)n;
	m->cseq_method_str = mkstr(q, p);
	m->cseq_method = (uint8_t)sip_method_lookup(b + q, p - q);
	return 0;
}

/* RFC 1123 date as RFC 3261 20.17 restricts it: "Sat, 13 Nov 2010 23:29:00 GMT". */
static int
check_date(const uint8_t *b, uint32_t s, uint32_t e)
{
	static const char days[] = "mon"
				   "tue"
				   "wed"
				   "thu"
				   "fri"
				   "sat"
				   "sun";
	static const char months[] = "jan"
				     "feb"
				     "mar"
				     "apr"
				     "may"
				     "jun"
				     "jul"
				     "aug"
				     "sep"
				     "oct"
				     "nov"
				     "dec";
	/* Template: 'a' letter, 'd' digit, anything else literal. */
	static const char tmpl[] = "aaa, dd aaa dddd dd:dd:dd GMT";
	const uint8_t *p = b + s;
	unsigned int i;
	bool ok = false;

	if (e - s != sizeof(tmpl) - 1)
		return -1;
	for (i = 0; i < sizeof(tmpl) - 1; i++) {
		if (tmpl[i] == 'a') {
			if (!IS(p[i], CC_ALPHA))
				return -1;
		} else if (tmpl[i] == 'd') {
			if (!IS(p[i], CC_DIGIT))
				return -1;
		} else if (p[i] != (uint8_t)tmpl[i]) {
			return -1; /* includes the time zone: only "GMT" (RFC 4475 3.1.2.12) */
		}
	}
	for (i = 0; i < 7 && !ok; i++)
		ok = ci_eq(p, days + 3 * i, 3);
	if (!ok)
		return -1;
	for (ok = false, i = 0; i < 12 && !ok; i++)
		ok = ci_eq(p + 8, months + 3 * i, 3);
	if (!ok)
		return -1;
	if ((p[17] - '0') * 10 + (p[18] - '0') > 23 || (p[20] - '0') * 10 + (p[21] - '0') > 59 ||
		(p[23] - '0') * 10 + (p[24] - '0') > 60)
		return -1;
	return 0;
}

/*
 * media-type = m-type SLASH m-subtype *( SEMI m-parameter ). Sets
 * content_type, the SDP/multipart flags and the multipart boundary.
 */
static int
parse_content_type(struct vp *v, uint32_t s, struct sip_msg *m, struct sip_str *boundary)
{
	const uint8_t *b = v->b;
	uint32_t e = v->e, t1, s0, s1, p;
	uint8_t seen = 0;
	struct pick pk = {"boundary", 8, boundary, &seen};

	v->bad = SIP_ERR_BAD_CONTENT_TYPE;
	t1 = skip_class(b, s, e, CC_TOKEN);
	p = skip_lws(b, t1, e);
	if (t1 == s || p >= e || b[p] != '/') {
		vfail(v, p, SIP_ERR_BAD_CONTENT_TYPE);
		return -1;
	}
	s0 = skip_lws(b, p + 1, e);
	s1 = skip_class(b, s0, e, CC_TOKEN);
	if (s1 == s0) {
		vfail(v, s0, SIP_ERR_BAD_CONTENT_TYPE);
		return -1;
	}
	p = parse_params(v, s1, &pk, 1);
	if (p == BAD)
		return -1;
	if (skip_lws(b, p, e) != e) {
		vfail(v, p, SIP_ERR_BAD_CONTENT_TYPE);
		return -1;
	}
	m->content_type = mkstr(s, s1);
	if (t1 - s == 11 && ci_eq(b + s, "application", 11) && s1 - s0 == 3 &&
		ci_eq(b + s0, "sdp", 3))
		m->flags |= SIP_F_SDP; /* provisional: confirmed once a body exists */
	else if (t1 - s == 9 && ci_eq(b + s, "multipart", 9))
		m->flags |= SIP_F_MULTIPART;
	return 0;
}

/* ---- multipart body: find the application/sdp part ------------------------------------------ */

/* Is the MIME part header line [p, e) "Content-Type: application/sdp[;...]"? */
static bool
part_is_sdp(const uint8_t *b, uint32_t p, uint32_t e)
{
	uint32_t q;

	if (e - p < 12 || !ci_eq(b + p, "content-type", 12))
		return false;
	q = p + 12;
	while (q < e && (b[q] == ' ' || b[q] == '\t'))
		q++;
	if (q >= e || b[q] != ':')
		return false;
	q++;
	while (q < e && (b[q] == ' ' || b[q] == '\t'))
		q++;
	if (e - q < 15 || !ci_eq(b + q, "application/sdp", 15))
		return false;
	q += 15;
	return q == e || b[q] == ';' || b[q] == ' ' || b[q] == '\t';
}

/*
 * Walk a multipart body (RFC 2046 5.1.1) line by line: a line starting with
 * "--" boundary is a delimiter, "--" boundary "--" the close delimiter. The
 * first part whose Content-Type is application/sdp is returned in *out
 * without the CRLF that belongs to the next delimiter. Only line starts are
 * compared against the boundary, so the walk is O(body).
 */
static bool
find_sdp_part(const uint8_t *b, uint32_t s, uint32_t e, const uint8_t *bnd, uint32_t blen,
	struct sip_str *out)
{
	enum { PREAMBLE, HEADERS, CONTENT } st = PREAMBLE;
	uint32_t p, cstart = 0;
	bool sdp = false;

	for (p = s; p < e;) {
		const uint8_t *nl = memchr(b + p, '\n', e - p);
		uint32_t le = nl != NULL ? (uint32_t)(nl - b) : e, next = nl != NULL ? le + 1 : e;
		uint32_t lend = le > p && b[le - 1] == '\r' ? le - 1 : le;

		if (lend - p >= blen + 2 && b[p] == '-' && b[p + 1] == '-' &&
			memcmp(b + p + 2, bnd, blen) == 0) {
			if (st == CONTENT && sdp) {
				uint32_t ce = p;
				if (ce > cstart && b[ce - 1] == '\n')
					ce--;
				if (ce > cstart && b[ce - 1] == '\r')
					ce--;
				if (ce > cstart) {
					*out = mkstr(cstart, ce);
					return true;
				}
				/* an empty SDP part: keep looking */
			}
			if (lend - p >= blen + 4 && b[p + 2 + blen] == '-' &&
				b[p + 3 + blen] == '-')
				return false; /* close delimiter */
			st = HEADERS;
			sdp = false;
		} else if (st == HEADERS) {
			if (lend == p) {
				st = CONTENT;
				cstart = next;
			} else if (part_is_sdp(b, p, lend)) {
				sdp = true;
			}
		}
		p = next;
	}
	if (st == CONTENT && sdp && cstart < e) {
		/* No close delimiter: be lenient and take the rest. */
		*out = mkstr(cstart, e);
		return true;
	}
	return false;
}

/* ---- start line ---------------------------------------------------------------------------- */

/* "SIP/2.0" exactly: 0. Another well-formed SIP version: 1. Anything else: -1. */
static int
check_version(const uint8_t *b, uint32_t s, uint32_t e)
{
	uint32_t p, q;

	if (e - s == 7 && ci_eq(b + s, "sip/2.0", 7))
		return 0;
	if (e - s < 7 || !ci_eq(b + s, "sip/", 4))
		return -1;
	p = skip_class(b, s + 4, e, CC_DIGIT);
	if (p == s + 4 || p >= e || b[p] != '.')
		return -1;
	q = skip_class(b, p + 1, e, CC_DIGIT);
	return q == p + 1 || q != e ? -1 : 1;
}

/* Request-URI: any scheme, URI characters only; sip/sips without ?headers (19.1.5). */
static int
check_ruri(const uint8_t *b, uint32_t s, uint32_t e, struct sip_msg *m, uint32_t *eoff)
{
	struct sip_uri u;
	uint32_t p, colon;
	int scheme;

	p = skip_class(b, s, e, CC_URI);
	if (p != e) {
		*eoff = p; /* e.g. '<' of RFC 4475 3.1.2.7 */
		return -1;
	}
	scheme = uri_scheme(b, s, e, &colon);
	*eoff = s;
	if (scheme < 0 || colon + 1 >= e)
		return -1;
	m->ruri_scheme = (uint8_t)scheme;
	if (scheme == SIP_URI_SIP || scheme == SIP_URI_SIPS) {
		memset(&u, 0, sizeof(u));
		if (sip_uri_split(b, colon + 1, e, &u, false) != 0)
			return -1;
	}
	return 0;
}

/*
 * Request-Line = Method SP Request-URI SP SIP-Version, or
 * Status-Line = SIP-Version SP Status-Code SP Reason-Phrase, on [0, le).
 * Exactly one SP between elements (RFC 4475 3.1.2.9/3.1.2.10 reject more).
 * Returns 0 or an enum sip_error with *eoff.
 */
static int
parse_start_line(const uint8_t *b, uint32_t le, struct sip_msg *m, uint32_t *eoff)
{
	uint32_t p, s;
	int v;

	if (le >= 4 && ci_eq(b, "sip/", 4)) {
		/* Status-Line. A method cannot contain '/', so this is never a request. */
		for (p = 0; p < le && b[p] != ' '; p++)
			;
		v = check_version(b, 0, p);
		if (v != 0) {
			*eoff = 0;
			return v > 0 ? SIP_ERR_BAD_VERSION : SIP_ERR_BAD_START_LINE;
		}
		m->version = mkstr(0, p);
		if (p >= le || p + 1 >= le || b[p + 1] == ' ') {
			*eoff = p;
			return SIP_ERR_BAD_START_LINE;
		}
		s = ++p;
		p = skip_class(b, s, le, CC_DIGIT);
		*eoff = s;
		if (p - s != 3 || (p < le && b[p] != ' '))
			return SIP_ERR_BAD_STATUS_CODE; /* e.g. 4294967301 (RFC 4475 3.1.2.19) */
		m->status =
			(uint16_t)((b[s] - '0') * 100 + (b[s + 1] - '0') * 10 + (b[s + 2] - '0'));
		if (m->status < 100 || m->status > 699)
			return SIP_ERR_BAD_STATUS_CODE;
		/* Reason-Phrase: text incl. UTF-8 (RFC 4475 3.1.1.12), may be empty (3.1.1.13). */
		s = p < le ? p + 1 : le;
		for (p = s; p < le; p++) {
			if ((b[p] < 0x20 && b[p] != '\t') || b[p] == 0x7f) {
				*eoff = p;
				return SIP_ERR_BAD_START_LINE;
			}
		}
		m->reason = mkstr(s, le);
		m->kind = SIP_KIND_RESPONSE;
		return 0;
	}

	/* Request-Line */
	p = skip_class(b, 0, le, CC_TOKEN);
	if (p == 0 || p >= le || b[p] != ' ') {
		*eoff = p;
		return SIP_ERR_BAD_START_LINE;
	}
	m->method_str = mkstr(0, p);
	m->method = (uint8_t)sip_method_lookup(b, p);
	s = ++p;
	while (p < le && b[p] != ' ')
		p++;
	if (p == s || p >= le) {
		*eoff = p; /* two SPs, or no SIP-Version at all */
		return SIP_ERR_BAD_START_LINE;
	}
	if (check_ruri(b, s, p, m, eoff) != 0)
		return SIP_ERR_BAD_REQUEST_URI;
	m->ruri = mkstr(s, p);
	s = ++p;
	v = check_version(b, s, le);
	if (v != 0) {
		*eoff = s;
		if (v < 0 && memchr(b + s, ' ', le - s) != NULL)
			return SIP_ERR_BAD_START_LINE; /* trailing SP, extra element */
		return SIP_ERR_BAD_VERSION;
	}
	m->version = mkstr(s, le);
	m->kind = SIP_KIND_REQUEST;
	return 0;
}

/* ---- the message --------------------------------------------------------------------------- */

/* Per-message state that is not part of the output. */
struct seen {
	uint8_t call_id, cseq, from, to, ctype, max_fwd, expires;
	struct sip_str boundary;
};

static int
fail(struct sip_msg *m, int err, uint32_t off, int hdr)
{
	m->err = (uint16_t)err;
	m->err_off = off;
	m->err_hdr = (uint8_t)hdr;
	m->msg_len = 0;
	return SIP_PARSE_MALFORMED;
}

/* Parse the value [s, e) of a header with id. Returns 0, or an error in v. */
static int
parse_header_value(struct vp *v, uint32_t s, enum sip_hdr_id id, struct sip_msg *m, struct seen *sn)
{
	const uint8_t *b = v->b;
	uint32_t e = v->e;
	uint64_t n;

	switch (id) {
	case SIP_HDR_VIA:
		v->bad = SIP_ERR_BAD_VIA;
		return parse_via(v, s, m);
	case SIP_HDR_FROM:
	case SIP_HDR_TO: {
		bool from = id == SIP_HDR_FROM;
		uint16_t cnt = 0;

		if (from ? sn->from++ : sn->to++)
			return vfail(v, s, from ? SIP_ERR_DUP_FROM : SIP_ERR_DUP_TO), -1;
		v->bad = from ? SIP_ERR_BAD_FROM : SIP_ERR_BAD_TO;
		return parse_name_addr_list(v, s, false, from ? &m->from : &m->to, &cnt);
	}
	case SIP_HDR_CONTACT:
		v->bad = SIP_ERR_BAD_CONTACT;
		if (e - s == 1 && b[s] == '*') {
			/* Contact: * (REGISTER, remove all bindings) */
			m->flags |= SIP_F_CONTACT_STAR;
			if (m->contact_count < UINT16_MAX)
				m->contact_count++;
			return 0;
		}
		return parse_name_addr_list(
			v, s, true, m->contact_count == 0 ? &m->contact : NULL, &m->contact_count);
	case SIP_HDR_CALL_ID: {
		uint32_t p;

		if (sn->call_id++)
			return vfail(v, s, SIP_ERR_DUP_CALL_ID), -1;
		/*
		 * RFC 3261 word characters are a subset of VCHAR; accept any VCHAR
		 * so a slightly unusual Call-ID (e.g. base64 with '=') still tracks,
		 * but no white space, controls or non-ASCII.
		 */
		p = skip_in_class(b, s, e, &cls_vchar);
		if (p != e)
			return vfail(v, p, SIP_ERR_BAD_CALL_ID), -1;
		if (p == s)
			return vfail(v, s, SIP_ERR_BAD_CALL_ID), -1;
		m->call_id = mkstr(s, e);
		return 0;
	}
	case SIP_HDR_CSEQ:
		if (sn->cseq++)
			return vfail(v, s, SIP_ERR_DUP_CSEQ), -1;
		if (parse_cseq(v, s, m) != 0)
			return -1;
		if (m->kind == SIP_KIND_REQUEST &&
			!sip_str_equal(b, m->cseq_method_str, b, m->method_str))
			return vfail(v, m->cseq_method_str.off, SIP_ERR_CSEQ_METHOD_MISMATCH), -1;
		return 0;
	case SIP_HDR_CONTENT_LENGTH:
		if (parse_uint(b, s, e, UINT32_MAX, &n) != 0)
			return vfail(v, s, SIP_ERR_BAD_CONTENT_LENGTH), -1;
		if (m->flags & SIP_F_HAS_CL) {
			if (n != m->content_length)
				return vfail(v, s, SIP_ERR_DUP_CONTENT_LENGTH_MISMATCH), -1;
			m->flags |= SIP_F_DUP_CL;
		}
		m->flags |= SIP_F_HAS_CL;
		m->content_length = (uint32_t)n;
		return 0;
	case SIP_HDR_CONTENT_TYPE:
		if (sn->ctype++)
			return vfail(v, s, SIP_ERR_DUP_CONTENT_TYPE), -1;
		return parse_content_type(v, s, m, &sn->boundary);
	case SIP_HDR_MAX_FORWARDS:
		if (sn->max_fwd++)
			return vfail(v, s, SIP_ERR_DUP_MAX_FORWARDS), -1;
		if (parse_uint(b, s, e, 255, &n) != 0)
			return vfail(v, s, SIP_ERR_BAD_MAX_FORWARDS), -1;
		m->max_forwards = (uint8_t)n;
		m->flags |= SIP_F_HAS_MAX_FWD;
		return 0;
	case SIP_HDR_EXPIRES:
		if (sn->expires++)
			return vfail(v, s, SIP_ERR_DUP_EXPIRES), -1;
		if (parse_uint(b, s, e, UINT32_MAX, &n) != 0)
			return vfail(v, s, SIP_ERR_BAD_EXPIRES), -1;
		m->expires = (uint32_t)n;
		m->flags |= SIP_F_HAS_EXPIRES;
		return 0;
	case SIP_HDR_DATE:
		if (check_date(b, s, e) != 0)
			return vfail(v, s, SIP_ERR_BAD_DATE), -1;
		m->flags |= SIP_F_HAS_DATE;
		return 0;
	case SIP_HDR_USER_AGENT:
		if (m->user_agent.len == 0)
			m->user_agent = mkstr(s, e);
		return 0;
	case SIP_HDR_SERVER:
		if (m->server.len == 0)
			m->server = mkstr(s, e);
		return 0;
	case SIP_HDR_SUPPORTED:
		if (m->supported.len == 0)
			m->supported = mkstr(s, e);
		return 0;
	case SIP_HDR_CONTENT_ENCODING:
		m->flags |= SIP_F_CONTENT_ENCODED;
		return 0;
	default:
		return 0;
	}
}

/*
 * Find the end of the line starting at p: *le is the end of its content
 * (before CR LF or LF), the return value the start of the next line.
 * Returns BAD when the buffer ends first (*le = len) and BAD - 1 on a CR
 * that is not followed by LF (*le = its offset).
 */
static inline uint32_t
line_end(const uint8_t *b, uint32_t p, uint32_t len, uint32_t *le, struct sip_msg *m)
{
	p = find_crlf(b, p, len);
	*le = p;
	if (p >= len)
		return BAD;
	if (b[p] == '\n') {
		m->flags |= SIP_F_BARE_LF;
		return p + 1;
	}
	if (p + 1 >= len) {
		*le = len;
		return BAD;
	}
	return b[p + 1] == '\n' ? p + 2 : BAD - 1;
}

int
sip_call_id_peek(const uint8_t *buf, uint32_t len, struct sip_str *out)
{
	uint32_t p = 0, lim = len < SIP_MAX_HDR_SECTION ? len : SIP_MAX_HDR_SECTION;

	/* skip the start line */
	p = find_crlf(buf, 0, lim);
	while (p < lim) {
		uint32_t s, e, n;

		/* step over the line end (CRLF or a bare LF) */
		if (buf[p] == '\r')
			p++;
		if (p < lim && buf[p] == '\n')
			p++;
		if (p >= lim || buf[p] == '\r' || buf[p] == '\n')
			return -1; /* the empty line: headers are over */
		s = p;
		e = find_crlf(buf, p, lim);
		p = e;
		/* name, optional spaces or tabs, colon */
		for (n = s; n < e && buf[n] != ':' && buf[n] != ' ' && buf[n] != '\t'; n++)
			;
		if (!((n - s == 7 && ci_eq(buf + s, "call-id", 7)) ||
				(n - s == 1 && lc(buf[s]) == 'i')))
			continue;
		while (n < e && (buf[n] == ' ' || buf[n] == '\t'))
			n++;
		if (n >= e || buf[n] != ':')
			continue;
		n++;
		while (n < e && (buf[n] == ' ' || buf[n] == '\t'))
			n++;
		while (e > n && (buf[e - 1] == ' ' || buf[e - 1] == '\t'))
			e--;
		if (e == n)
			return -1;
		out->off = n;
		out->len = e - n;
		return 0;
	}
	return -1;
}

int
sip_msg_parse(const uint8_t *buf, uint32_t len, enum sip_transport t, struct sip_msg *m)
{
	const bool stream = t == SIP_TRANSPORT_STREAM;
	struct seen sn;
	struct vp v;
	uint32_t p, le, next, eoff = 0, hdr_end;
	uint64_t total;
	int err;

	memset(m, 0, offsetof(struct sip_msg, hdrs));
	memset(&sn, 0, sizeof(sn));
	if (len > INT32_MAX)
		len = INT32_MAX; /* the return value is an int */
	if (len == 0)
		return stream ? SIP_PARSE_NEED_MORE : fail(m, SIP_ERR_EMPTY, 0, 0);

	/* Keep-alives: CRLF runs before a start line are not an error (RFC 3261 7.5, RFC 5626). */
	if (buf[0] == '\r' || buf[0] == '\n') {
		p = 1;
		while (p < len && (buf[p] == '\r' || buf[p] == '\n'))
			p++;
		m->kind = SIP_KIND_KEEPALIVE;
		m->msg_len = p;
		return (int)p;
	}
	/* Anything else must start with a method or "SIP/": reject binary early. */
	if (!IS(buf[0], CC_TOKEN))
		return fail(m, SIP_ERR_BAD_START_LINE, 0, 0);

	/* Start line */
	next = line_end(buf, 0, len, &le, m);
	if (next == BAD - 1)
		return fail(m, SIP_ERR_BAD_LINE_END, le, 0);
	if (next == BAD) {
		if (len >= SIP_MAX_HDR_SECTION)
			return fail(m, SIP_ERR_HEADERS_TOO_LONG, len, 0);
		if (stream)
			return SIP_PARSE_NEED_MORE;
		/* A datagram without any line end: still say what is wrong with it. */
		err = parse_start_line(buf, le, m, &eoff);
		return fail(
			m, err != 0 ? err : SIP_ERR_HEADERS_TRUNCATED, err != 0 ? eoff : len, 0);
	}
	err = parse_start_line(buf, le, m, &eoff);
	if (err != 0)
		return fail(m, err, eoff, 0);

	/* Headers */
	v.b = buf;
	for (p = next;;) {
		uint32_t n1, vs, ve, c;
		enum sip_hdr_id id;
		struct sip_hdr *h;

		if (p >= SIP_MAX_HDR_SECTION)
			return fail(m, SIP_ERR_HEADERS_TOO_LONG, p, 0);
		if (p >= len)
			goto incomplete;
		c = buf[p];
		if (c == '\n') {
			m->flags |= SIP_F_BARE_LF;
			hdr_end = p + 1;
			break;
		}
		if (c == '\r') {
			if (p + 1 >= len)
				goto incomplete;
			if (buf[p + 1] != '\n')
				return fail(m, SIP_ERR_BAD_LINE_END, p, 0);
			hdr_end = p + 2;
			break;
		}
		/* field-name HCOLON: token *(SP / HTAB) ":" */
		n1 = skip_class(buf, p, len, CC_TOKEN);
		if (n1 >= len)
			goto incomplete;
		if (n1 == p)
			return fail(
				m, SIP_ERR_BAD_HDR_NAME, p, 0); /* incl. a fold with no header */
		vs = n1;
		while (vs < len && (buf[vs] == ' ' || buf[vs] == '\t'))
			vs++;
		if (vs >= len)
			goto incomplete;
		if (buf[vs] != ':')
			return fail(m, SIP_ERR_HDR_NO_COLON, vs, 0);
		vs++;
		/* The value runs to a line end not followed by SP/HTAB (folding). */
		for (ve = vs;;) {
			next = line_end(buf, ve, len, &le, m);
			if (next == BAD - 1)
				return fail(m, SIP_ERR_BAD_LINE_END, le, 0);
			if (next == BAD || next >= len)
				goto incomplete; /* cannot tell a fold from the next header yet */
			if (buf[next] != ' ' && buf[next] != '\t')
				break;
			m->flags |= SIP_F_FOLDED;
			ve = next;
		}
		if (next > SIP_MAX_HDR_SECTION)
			return fail(m, SIP_ERR_HEADERS_TOO_LONG, p, 0);
		ve = le;
		vs = skip_lws(buf, vs, ve);
		while (ve > vs && IS(buf[ve - 1], CC_LWS))
			ve--;

		if (m->hdr_count >= SIP_MAX_HEADERS)
			return fail(m, SIP_ERR_TOO_MANY_HEADERS, p, 0);
		id = hdr_lookup(buf + p, n1 - p);
		h = &m->hdrs[m->hdr_count++];
		h->name_off = p;
		h->name_len = (uint16_t)(n1 - p);
		h->val_off = vs;
		h->val_len = ve - vs;
		h->id = (uint8_t)id;
		h->compact = n1 - p == 1 && id != SIP_HDR_OTHER;

		if (id != SIP_HDR_OTHER) {
			v.e = ve;
			v.err = 0;
			v.bad = SIP_ERR_NONE;
			if (parse_header_value(&v, vs, id, m, &sn) != 0)
				return fail(m, v.err, v.eoff, id);
		}
		p = next;
	}
	m->hdr_len = hdr_end;

	/* What every request and response needs (RFC 3261 8.1.1, 20; RFC 4475 3.3.1). */
	if (!sn.call_id)
		return fail(m, SIP_ERR_MISSING_CALL_ID, hdr_end, SIP_HDR_CALL_ID);
	if (!sn.cseq)
		return fail(m, SIP_ERR_MISSING_CSEQ, hdr_end, SIP_HDR_CSEQ);
	if (!sn.from)
		return fail(m, SIP_ERR_MISSING_FROM, hdr_end, SIP_HDR_FROM);
	if (!sn.to)
		return fail(m, SIP_ERR_MISSING_TO, hdr_end, SIP_HDR_TO);
	if (m->via_count == 0)
		return fail(m, SIP_ERR_MISSING_VIA, hdr_end, SIP_HDR_VIA);

	/* Framing (RFC 3261 18.3) */
	if (m->flags & SIP_F_HAS_CL) {
		total = (uint64_t)hdr_end + m->content_length;
		if (total > len) {
			if (!stream)
				return fail(m, SIP_ERR_BODY_TRUNCATED, len, SIP_HDR_CONTENT_LENGTH);
			if (total > INT32_MAX)
				return fail(m, SIP_ERR_BAD_CONTENT_LENGTH, hdr_end,
					SIP_HDR_CONTENT_LENGTH);
			m->msg_len = (uint32_t)total;
			return SIP_PARSE_NEED_MORE;
		}
		m->msg_len = (uint32_t)total;
	} else {
		if (stream)
			return fail(
				m, SIP_ERR_MISSING_CONTENT_LENGTH, hdr_end, SIP_HDR_CONTENT_LENGTH);
		m->msg_len = len;
	}
	m->body = mkstr(hdr_end, m->msg_len);

	/* Where is the SDP? */
	if (m->flags & SIP_F_SDP) {
		if (m->body.len > 0)
			m->sdp = m->body;
		else
			m->flags &= ~SIP_F_SDP;
	} else if ((m->flags & SIP_F_MULTIPART) && sn.boundary.len > 0 && m->body.len > 0) {
		struct sip_str bnd = sn.boundary;

		if (bnd.len >= 2 && buf[bnd.off] == '"') {
			bnd.off++;
			bnd.len -= 2;
		}
		if (bnd.len > 0 && find_sdp_part(buf, m->body.off, m->msg_len, buf + bnd.off,
					   bnd.len, &m->sdp))
			m->flags |= SIP_F_SDP;
	}

	/* Top Via branch with the RFC 3261 magic cookie and something after it (17.2.3). */
	if (m->via.branch.len > 7 && memcmp(buf + m->via.branch.off, "z9hG4bK", 7) == 0)
		m->flags |= SIP_F_BRANCH_3261;

	if (stream)
		return (int)m->msg_len;
	m->trailing_len = len - m->msg_len;
	if (m->trailing_len != 0)
		m->flags |= SIP_F_TRAILING_OCTETS;
	return (int)len;

incomplete:
	if (len >= SIP_MAX_HDR_SECTION)
		return fail(m, SIP_ERR_HEADERS_TOO_LONG, len, 0);
	if (stream)
		return SIP_PARSE_NEED_MORE;
	return fail(m, SIP_ERR_HEADERS_TRUNCATED, len, 0);
}
