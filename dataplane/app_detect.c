/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Flow classification: signature candidates (sig_db) confirmed by validators. See app_detect.h
 * for the decision rules and docs/classification.md for each class.
 */

#include <stdio.h>
#include <string.h>

#include "app_detect.h"
#include "http_msg.h"
#include "pop3.h"
#include "sip_parse.h"

#define L4_TCP 6
#define L4_UDP 17

/* RFC 9110 5.6.2 tchar. */
static int
is_tchar(uint8_t ch)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))
		return 1;
	return ch != 0 && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

static int
is_digit(uint8_t ch)
{
	return ch >= '0' && ch <= '9';
}

static uint16_t
rd16be(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
rd32be(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t
rd16le(const uint8_t *p)
{
	return (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t
rd32le(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static void
set_flags(uint32_t *flags, uint32_t f)
{
	if (flags != NULL)
		*flags |= f;
}

const char *
app_detect_verdict_name(enum app_verdict v)
{
	switch (v) {
	case APP_V_NO:
		return "no";
	case APP_V_NEED_MORE:
		return "need_more";
	case APP_V_WEAK:
		return "weak";
	case APP_V_STRONG:
		return "strong";
	}
	return "?";
}

const char *
app_detect_flags_str(uint32_t flags, char *buf, size_t cap)
{
	static const char *const names[] = {"scanner", "need_more", "port_hint", "request",
		"response", "malformed", "partial", "scan_error", "keepalive"};
	size_t n = 0, i;

	if (buf == NULL || cap == 0)
		return "";
	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(flags & (1u << i)))
			continue;
		n += (size_t)snprintf(
			buf + n, n < cap ? cap - n : 0, "%s%s", n ? "|" : "", names[i]);
		if (n >= cap)
			break;
	}
	return buf;
}

/* ---- SIP ----------------------------------------------------------------------------------- */

enum app_verdict
app_detect_sip(const uint8_t *buf, uint32_t len, uint8_t l4proto, uint32_t *flags)
{
	enum sip_transport t = l4proto == L4_TCP ? SIP_TRANSPORT_STREAM : SIP_TRANSPORT_DGRAM;
	struct sip_msg m;
	int r;

	if (buf == NULL || len == 0)
		return APP_V_NO;
	r = sip_msg_parse(buf, len, t, &m);
	if (r > 0 && m.kind == SIP_KIND_KEEPALIVE) {
		/* RFC 5626 CRLF keep-alives may precede a message on the same connection */
		if ((uint32_t)r >= len)
			return APP_V_NO;
		buf += r;
		len -= (uint32_t)r;
		r = sip_msg_parse(buf, len, t, &m);
		if (m.kind == SIP_KIND_KEEPALIVE)
			return APP_V_NO;
	}
	if (m.kind == SIP_KIND_REQUEST)
		set_flags(flags, APP_F_REQUEST);
	else if (m.kind == SIP_KIND_RESPONSE)
		set_flags(flags, APP_F_RESPONSE);
	else
		return r == SIP_PARSE_NEED_MORE ? APP_V_NEED_MORE : APP_V_NO;
	if (r > 0)
		return APP_V_STRONG;
	if (r == SIP_PARSE_NEED_MORE) {
		/* a stream segment cut after the start line: one whole header line is enough */
		if (m.hdr_count >= 1) {
			set_flags(flags, APP_F_PARTIAL);
			return APP_V_STRONG;
		}
		return APP_V_NEED_MORE;
	}
	/* valid start line, broken later: SIP all the same (the SIP handler counts why) */
	set_flags(flags, APP_F_MALFORMED);
	return APP_V_STRONG;
}

/* ---- HTTP and RTSP start lines ------------------------------------------------------------- */

/* The line after a start line: empty (end of the header section) or "field-name:". */
static enum app_verdict
next_line(const uint8_t *b, uint32_t i, uint32_t len)
{
	uint32_t s = i;

	if (i >= len || b[i] == '\r' || b[i] == '\n')
		return APP_V_STRONG;
	while (i < len && is_tchar(b[i]))
		i++;
	if (i == len)
		return APP_V_STRONG; /* cut inside the first field name */
	return i > s && b[i] == ':' ? APP_V_STRONG : APP_V_WEAK;
}

/* CRLF or bare LF at b[i]; returns the offset after it, 0 if cut (NEED), -1 if not a line end. */
static int64_t
line_end(const uint8_t *b, uint32_t i, uint32_t len)
{
	if (i >= len)
		return 0;
	if (b[i] == '\n')
		return (int64_t)i + 1;
	if (b[i] != '\r')
		return -1;
	if (i + 1 >= len)
		return 0;
	return b[i + 1] == '\n' ? (int64_t)i + 2 : -1;
}

/*
 * "PROTO/M.m" at b[*i]: proto literal, then a major digit from majors, '.', a minor digit
 * (minor0: must be 0). Returns STRONG when complete, NEED_MORE when cut, NO otherwise.
 */
static enum app_verdict
version(const uint8_t *b, uint32_t *i, uint32_t len, const char *proto, const char *majors,
	int minor0)
{
	uint32_t k, pl = (uint32_t)strlen(proto);

	for (k = 0; k < pl + 1; k++, (*i)++) {
		if (*i >= len)
			return APP_V_NEED_MORE;
		if (b[*i] != (uint8_t)(k < pl ? proto[k] : '/'))
			return APP_V_NO;
	}
	if (*i >= len)
		return APP_V_NEED_MORE;
	if (b[*i] == 0 || strchr(majors, b[*i]) == NULL)
		return APP_V_NO;
	(*i)++;
	if (*i >= len)
		return APP_V_NEED_MORE;
	if (b[(*i)++] != '.')
		return APP_V_NO;
	if (*i >= len)
		return APP_V_NEED_MORE;
	if (!is_digit(b[*i]) || (minor0 && b[*i] != '0'))
		return APP_V_NO;
	(*i)++;
	return APP_V_STRONG;
}

static enum app_verdict
text_start_line(const uint8_t *b, uint32_t len, const char *proto, const char *majors, int minor0,
	uint32_t *flags)
{
	uint32_t pl = (uint32_t)strlen(proto), i = 0, s;
	enum app_verdict v;
	unsigned int code;
	int64_t e;

	if (b == NULL || len == 0)
		return APP_V_NO;
	if (len >= pl && memcmp(b, proto, pl) == 0 && (len == pl || b[pl] == '/')) {
		/* status line */
		v = version(b, &i, len, proto, majors, minor0);
		if (v != APP_V_STRONG)
			return v;
		if (i + 4 > len)
			return APP_V_NEED_MORE;
		if (b[i] != ' ' || !is_digit(b[i + 1]) || !is_digit(b[i + 2]) ||
			!is_digit(b[i + 3]))
			return APP_V_NO;
		code = (unsigned int)(b[i + 1] - '0') * 100 + (unsigned int)(b[i + 2] - '0') * 10 +
		       (unsigned int)(b[i + 3] - '0');
		if (code < 100 || code > 599)
			return APP_V_NO;
		i += 4;
		if (i < len && b[i] == ' ') {
			/* reason-phrase = *( HTAB / SP / VCHAR / obs-text ) */
			for (i++; i < len && b[i] != '\r' && b[i] != '\n'; i++)
				if (b[i] != '\t' && (b[i] < 0x20 || b[i] == 0x7f))
					return APP_V_NO;
		}
		e = line_end(b, i, len);
		if (e == 0)
			return APP_V_NEED_MORE;
		if (e < 0)
			return APP_V_NO;
		set_flags(flags, APP_F_RESPONSE);
		return next_line(b, (uint32_t)e, len);
	}
	/* request line: method SP request-target SP version CRLF */
	while (i < len && i <= 32 && is_tchar(b[i]))
		i++;
	if (i == 0 || i > 32)
		return APP_V_NO;
	if (i >= len)
		return APP_V_NEED_MORE;
	if (b[i++] != ' ')
		return APP_V_NO;
	s = i;
	while (i < len && b[i] > 0x20 && b[i] != 0x7f)
		i++;
	if (i >= len)
		return APP_V_NEED_MORE;
	if (i == s || b[i++] != ' ')
		return APP_V_NO;
	v = version(b, &i, len, proto, majors, minor0);
	if (v != APP_V_STRONG)
		return v;
	e = line_end(b, i, len);
	if (e == 0)
		return APP_V_NEED_MORE;
	if (e < 0)
		return APP_V_NO;
	set_flags(flags, APP_F_REQUEST);
	return next_line(b, (uint32_t)e, len);
}

enum app_verdict
app_detect_http(const uint8_t *buf, uint32_t len, uint32_t *flags)
{
	return text_start_line(buf, len, "HTTP", "1", 0, flags);
}

enum app_verdict
app_detect_rtsp(const uint8_t *buf, uint32_t len, uint32_t *flags)
{
	return text_start_line(buf, len, "RTSP", "12", 1, flags);
}

/* ---- POP3 ---------------------------------------------------------------------------------- */

static int
is_alpha(uint8_t ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* p[0, n) is the start of a POP3 keyword (case-insensitive). */
static int
pop3_keyword_prefix(const uint8_t *p, uint32_t n)
{
	unsigned int c;
	uint32_t k;

	for (c = 0; c < POP3_CMD_OTHER; c++) {
		const char *kw = pop3_cmd_name(c);

		for (k = 0; k < n && kw[k] != '\0' && (p[k] & ~0x20u) == (uint8_t)kw[k]; k++)
			;
		if (k == n)
			return 1;
	}
	return 0;
}

/* Replies may be 512 octets with CRLF (RFC 2449 4); commands 255. */
#define POP3_REPLY_MAX 512

enum app_verdict
app_detect_pop3(const uint8_t *buf, uint32_t len, int from_client_guess, uint32_t *flags)
{
	const uint8_t *lf;
	uint32_t l, i, scan;
	enum pop3_cmd cmd;

	if (buf == NULL || len == 0)
		return APP_V_NO;
	scan = len < POP3_REPLY_MAX ? len : POP3_REPLY_MAX;
	lf = memchr(buf, '\n', scan);
	l = lf != NULL ? (uint32_t)(lf - buf) : scan; /* line content, CR included */
	if (lf != NULL && l > 0 && buf[l - 1] == '\r')
		l--;

	if (buf[0] == '+' || buf[0] == '-') {
		const char *ind = buf[0] == '+' ? "+OK" : "-ERR";
		uint32_t il = (uint32_t)strlen(ind);
		int text = 0;

		for (i = 0; i < il; i++) {
			if (i >= len)
				return APP_V_NEED_MORE;
			if (buf[i] != (uint8_t)ind[i])
				return APP_V_NO;
		}
		if (lf == NULL && l <= il)
			return len < POP3_REPLY_MAX ? APP_V_NEED_MORE : APP_V_NO;
		if (l > il) {
			if (buf[il] != ' ' && buf[il] != '\t')
				return APP_V_NO;
			for (i = il + 1; i < l; i++) {
				if (buf[i] == '\r' && lf == NULL && i + 1 == l)
					break;
				if (buf[i] != '\t' && (buf[i] < 0x20 || buf[i] == 0x7f))
					return APP_V_NO;
				if (buf[i] != ' ' && buf[i] != '\t')
					text = 1;
			}
		}
		if (lf == NULL)
			return len < POP3_REPLY_MAX ? APP_V_NEED_MORE : APP_V_NO;
		set_flags(flags, APP_F_RESPONSE);
		/* "+OK text" from the server is POP3; a bare "+OK" or "-ERR ..." is also what
		 * Redis answers, so those need the port hint */
		if (buf[0] == '+' && text && from_client_guess != 1)
			return APP_V_STRONG;
		return APP_V_WEAK;
	}

	if (lf == NULL) {
		/*
		 * A command line cut by the end of the segment: consistent so far if it is (the
		 * start of) a keyword, followed by SP or CR once the keyword is complete, and not
		 * already longer than a command line may be.
		 */
		for (i = 0; i < len && i < 4 && is_alpha(buf[i]); i++)
			;
		if (i == 0 || len >= POP3_MAX_CMD_LINE)
			return APP_V_NO;
		if (i == len)
			return pop3_keyword_prefix(buf, i) ? APP_V_NEED_MORE : APP_V_NO;
		if ((buf[i] == ' ' || buf[i] == '\r') && pop3_cmd_lookup(buf, i) != POP3_CMD_OTHER)
			return APP_V_NEED_MORE;
		return APP_V_NO;
	}
	if (!pop3_cmd_line(buf, l, &cmd))
		return APP_V_NO;
	set_flags(flags, APP_F_REQUEST);
	switch (cmd) {
	case POP3_CMD_APOP:
	case POP3_CMD_TOP:
	case POP3_CMD_UIDL:
	case POP3_CMD_CAPA:
	case POP3_CMD_STLS:
	case POP3_CMD_LAST:
		/* keywords no other common line protocol uses */
		return from_client_guess != 0 ? APP_V_STRONG : APP_V_WEAK;
	default:
		/* USER/PASS/RETR/DELE/LIST/STAT/NOOP/QUIT are FTP too; RSET/NOOP/QUIT/AUTH SMTP */
		return APP_V_WEAK;
	}
}

/* ---- COPS ---------------------------------------------------------------------------------- */

/* Largest COPS message believed (PacketCable gate sets are a few KiB). */
#define COPS_MSG_MAX (1u << 20)

enum app_verdict
app_detect_cops(const uint8_t *buf, uint32_t len, uint8_t l4proto, uint32_t *flags)
{
	uint32_t off = 0, nmsg = 0, nobj = 0;
	uint32_t f = 0;

	if (buf == NULL || len == 0 || l4proto != L4_TCP)
		return APP_V_NO;
	while (off < len) {
		const uint8_t *h = buf + off;
		uint32_t mlen, o, end, lim;
		uint8_t op;

		if (len - off < 8) {
			/* a cut header after whole messages: not a reason to doubt them */
			if (nmsg > 0)
				break;
			return (h[0] == 0x10 || h[0] == 0x11) ? APP_V_NEED_MORE : APP_V_NO;
		}
		op = h[1];
		mlen = rd32be(h + 4);
		if ((h[0] >> 4) != 1 || (h[0] & 0x0f) > 1 || op < 1 || op > 10 || mlen < 8 ||
			mlen % 4 != 0 || mlen > COPS_MSG_MAX)
			return nmsg > 0 ? APP_V_WEAK : APP_V_NO;
		/* Keep-Alive: client type 0 and no objects (RFC 2748 3.7) */
		if (op == 9 && (rd16be(h + 2) != 0 || mlen != 8))
			return APP_V_NO;
		/* PEP-originated operations vs PDP-originated ones (the PDP is the TCP server) */
		if (op == 2 || op == 5 || op == 7)
			f |= APP_F_RESPONSE;
		else if (op != 8 && op != 9)
			f |= APP_F_REQUEST;
		end = off + mlen < off ? len : off + mlen;
		lim = end < len ? end : len;
		for (o = off + 8; o < lim;) {
			uint16_t olen;

			if (lim - o < 4)
				break; /* object header cut by the end of the segment */
			olen = rd16be(buf + o);
			if (olen < 4 || buf[o + 2] < 1 || buf[o + 2] > 16 || buf[o + 3] < 1)
				return APP_V_NO;
			nobj++;
			o += ((uint32_t)olen + 3u) & ~3u;
		}
		if (end > len) {
			/* message cut by the segment end: its length is plausible, its objects fit
			 */
			set_flags(flags, f | APP_F_PARTIAL);
			return APP_V_WEAK;
		}
		if (o != end)
			return APP_V_NO; /* objects do not tile the message */
		nmsg++;
		off = end;
	}
	set_flags(flags, f);
	return nobj > 0 ? APP_V_STRONG : APP_V_WEAK;
}

/* ---- CIP / EtherNet/IP --------------------------------------------------------------------- */

#define ENIP_NOP	      0x0000
#define ENIP_LIST_SERVICES    0x0004
#define ENIP_LIST_IDENTITY    0x0063
#define ENIP_LIST_INTERFACES  0x0064
#define ENIP_REGISTER_SESSION 0x0065
#define ENIP_UNREGISTER	      0x0066
#define ENIP_SEND_RR_DATA     0x006f
#define ENIP_SEND_UNIT_DATA   0x0070
#define ENIP_INDICATE_STATUS  0x0072
#define ENIP_CANCEL	      0x0073

/* Common Packet Format (CIP Vol. 2, 2-6): item count, then items that tile [p, p + n). */
static int
cpf_tiles(const uint8_t *p, uint32_t n, unsigned int min_items)
{
	uint32_t o = 2;
	uint16_t count, k;

	if (n < 2)
		return 0;
	count = rd16le(p);
	if (count < min_items || count > 16)
		return 0;
	for (k = 0; k < count; k++) {
		uint16_t type, ilen;

		if (n - o < 4)
			return 0;
		type = rd16le(p + o);
		ilen = rd16le(p + o + 2);
		/* address items, data items, socket-address items, ListIdentity/Services items */
		if (!(type == 0x0000 || type == 0x000c || type == 0x0086 || type == 0x0100 ||
			    type == 0x00a1 || type == 0x00b1 || type == 0x00b2 ||
			    (type >= 0x8000 && type <= 0x8002)))
			return 0;
		o += 4;
		if (ilen > n - o)
			return 0;
		o += ilen;
	}
	return o == n;
}

/* One encapsulation message of elen data bytes at h (all present). */
static enum app_verdict
enip_message(const uint8_t *h, uint32_t elen, uint8_t l4proto)
{
	uint16_t cmd = rd16le(h);
	uint32_t session = rd32le(h + 4), status = rd32le(h + 8);
	const uint8_t *d = h + 24;

	switch (cmd) {
	case ENIP_REGISTER_SESSION:
		/* protocol version 1, option flags 0 */
		if (l4proto != L4_TCP || elen != 4 || rd16le(d) != 1 || rd16le(d + 2) != 0)
			return APP_V_NO;
		return APP_V_STRONG;
	case ENIP_UNREGISTER:
		return l4proto == L4_TCP && elen == 0 && session != 0 ? APP_V_WEAK : APP_V_NO;
	case ENIP_LIST_IDENTITY:
	case ENIP_LIST_SERVICES:
	case ENIP_LIST_INTERFACES:
		if (elen == 0)
			return APP_V_WEAK; /* request: a bare header */
		return cpf_tiles(d, elen, 0) ? APP_V_STRONG : APP_V_NO;
	case ENIP_SEND_RR_DATA:
	case ENIP_SEND_UNIT_DATA:
		/* interface handle 0, timeout, then CPF with at least address + data items */
		if (l4proto != L4_TCP || elen < 6 + 2 || rd32le(d) != 0)
			return APP_V_NO;
		if (status == 0 && session == 0)
			return APP_V_NO; /* data transfer needs a registered session */
		return cpf_tiles(d + 6, elen - 6, 2) ? APP_V_STRONG : APP_V_NO;
	case ENIP_NOP:
		return l4proto == L4_TCP && status == 0 ? APP_V_WEAK : APP_V_NO;
	case ENIP_INDICATE_STATUS:
	case ENIP_CANCEL:
		return APP_V_WEAK;
	default:
		return APP_V_NO;
	}
}

static int
enip_status_ok(uint32_t status)
{
	/* success, or the encapsulation error codes of CIP Vol. 2, 2-3.3 */
	return status == 0 || status == 0x0001 || status == 0x0002 || status == 0x0003 ||
	       status == 0x0064 || status == 0x0065 || status == 0x0069;
}

/* Class 0/1 implicit I/O on UDP 2222: CPF with an address item then a connected data item. */
static enum app_verdict
cip_io(const uint8_t *b, uint32_t len)
{
	uint16_t t0, l0;

	if (len < 2 + 4 + 4 + 4 || rd16le(b) != 2)
		return APP_V_NO;
	t0 = rd16le(b + 2);
	l0 = rd16le(b + 4);
	if (!((t0 == 0x8002 && l0 == 8) || (t0 == 0x00a1 && l0 == 4)))
		return APP_V_NO;
	if (len < 6u + l0 + 4u || rd16le(b + 6 + l0) != 0x00b1)
		return APP_V_NO;
	return cpf_tiles(b, len, 2) ? APP_V_WEAK : APP_V_NO;
}

enum app_verdict
app_detect_cip(const uint8_t *buf, uint32_t len, uint8_t l4proto, uint32_t *flags)
{
	enum app_verdict best = APP_V_STRONG;
	uint32_t off = 0;
	unsigned int n = 0;

	if (buf == NULL || len == 0 || (l4proto != L4_TCP && l4proto != L4_UDP))
		return APP_V_NO;
	while (off < len) {
		const uint8_t *h = buf + off;
		uint32_t elen, rest = len - off;
		enum app_verdict v;
		uint16_t cmd;

		if (rest < 24) {
			if (n > 0 && l4proto == L4_TCP)
				break; /* the next header is cut: judge the whole ones */
			return l4proto == L4_UDP && n == 0 ? cip_io(buf, len) : APP_V_NO;
		}
		cmd = rd16le(h);
		elen = rd16le(h + 2);
		if (rd32le(h + 20) != 0 || !enip_status_ok(rd32le(h + 8)) ||
			!(cmd == ENIP_NOP || cmd == ENIP_LIST_SERVICES ||
				(cmd >= ENIP_LIST_IDENTITY && cmd <= ENIP_UNREGISTER) ||
				cmd == ENIP_SEND_RR_DATA || cmd == ENIP_SEND_UNIT_DATA ||
				cmd == ENIP_INDICATE_STATUS || cmd == ENIP_CANCEL))
			return n > 0 ? APP_V_WEAK
				     : (l4proto == L4_UDP ? cip_io(buf, len) : APP_V_NO);
		if (elen > rest - 24) {
			/* over UDP the datagram is the message; over TCP it may continue */
			if (l4proto != L4_TCP)
				return APP_V_NO;
			set_flags(flags, APP_F_PARTIAL);
			return APP_V_WEAK;
		}
		if (l4proto == L4_UDP && elen != rest - 24)
			return APP_V_NO;
		v = enip_message(h, elen, l4proto);
		if (v == APP_V_NO)
			return n > 0 ? APP_V_WEAK : APP_V_NO;
		if (v < best)
			best = v;
		/* a session-less reply (status != 0) or a session handle says request/response:
		 * only the direction of RegisterSession is unambiguous (session 0 = request) */
		if (cmd == ENIP_REGISTER_SESSION)
			set_flags(flags, rd32le(h + 4) == 0 ? APP_F_REQUEST : APP_F_RESPONSE);
		off += 24 + elen;
		n++;
	}
	return best;
}

/* ---- CWMP ---------------------------------------------------------------------------------- */

enum app_verdict
app_detect_cwmp(const uint8_t *buf, uint32_t len)
{
	return http_msg_is_cwmp(buf, len) ? APP_V_STRONG : APP_V_NO;
}

/* ---- decision ------------------------------------------------------------------------------ */

/* A keep-alive (see app_detect.h): evidence for nothing, so not worth a scan. */
static int
is_keepalive(const uint8_t *p, uint32_t len)
{
	uint32_t i;

	if (len == 5 && memcmp(p, "hello", 5) == 0)
		return 1;
	if (len > 4)
		return 0;
	for (i = 0; i < len && (p[i] == '\r' || p[i] == '\n'); i++)
		;
	if (i == len)
		return 1;
	for (i = 0; i < len && p[i] == 0; i++)
		;
	return i == len;
}

static enum app_verdict
validate(unsigned int cls, const uint8_t *p, uint32_t len, uint8_t l4proto, int from_client,
	uint32_t *f)
{
	switch (cls) {
	case VPEP_CLASS_sip:
		return app_detect_sip(p, len, l4proto, f);
	case VPEP_CLASS_rtsp:
		return app_detect_rtsp(p, len, f);
	case VPEP_CLASS_http:
		return l4proto == L4_TCP ? app_detect_http(p, len, f) : APP_V_NO;
	case VPEP_CLASS_pop3:
		return l4proto == L4_TCP ? app_detect_pop3(p, len, from_client, f) : APP_V_NO;
	case VPEP_CLASS_cops:
		return app_detect_cops(p, len, l4proto, f);
	case VPEP_CLASS_cip:
		return app_detect_cip(p, len, l4proto, f);
	default:
		return APP_V_NO; /* cwmp only refines http */
	}
}

/* Tagged signatures of the decided class that matched. */
static uint32_t
class_tags(const struct sig_db *db, const struct sig_matches *m, unsigned int cls)
{
	uint32_t tags = 0;
	unsigned int i, n = sig_db_count(db);

	if (m->tags == 0)
		return 0;
	for (i = 0; i < n; i++) {
		const struct sig_entry *e = sig_db_entry(db, i);

		if (e->cls == cls && sig_matches_test(m, i))
			tags |= e->tags;
	}
	return tags;
}

enum vpep_class
app_detect(const struct sig_db *db, struct hs_scratch *scratch, const uint8_t *payload,
	uint32_t len, uint8_t l4proto, uint16_t sport, uint16_t dport, int from_client_guess,
	uint32_t *flags_out)
{
	/* text protocols with distinct start lines first, then the binary headers */
	static const uint8_t order[] = {VPEP_CLASS_sip, VPEP_CLASS_rtsp, VPEP_CLASS_http,
		VPEP_CLASS_pop3, VPEP_CLASS_cops, VPEP_CLASS_cip};
	unsigned int i, cls = VPEP_CLASS_unknown, weak = VPEP_CLASS_unknown;
	uint32_t flags = 0, weak_flags = 0;
	struct sig_matches m;
	int need_more = 0;

	if (flags_out != NULL)
		*flags_out = 0;
	if (payload == NULL || len == 0 || (l4proto != L4_TCP && l4proto != L4_UDP))
		return VPEP_CLASS_unknown;
	if (is_keepalive(payload, len)) {
		if (flags_out != NULL)
			*flags_out = APP_F_KEEPALIVE;
		return VPEP_CLASS_unknown;
	}
	if (sig_db_scan(db, scratch, payload, len, l4proto, &m) != 0) {
		if (flags_out != NULL)
			*flags_out = APP_F_SCAN_ERROR;
		return VPEP_CLASS_unknown;
	}
	for (i = 0; i < sizeof(order) && m.class_mask != 0; i++) {
		uint32_t f = 0;
		enum app_verdict v;

		if (!(m.class_mask & (1u << order[i])))
			continue;
		v = validate(order[i], payload, len, l4proto, from_client_guess, &f);
		if (v == APP_V_STRONG) {
			cls = order[i];
			flags = f;
			break;
		}
		if (v == APP_V_WEAK && weak == VPEP_CLASS_unknown &&
			sig_db_port_hint(db, &m, order[i], sport, dport)) {
			weak = order[i];
			weak_flags = f;
		} else if (v == APP_V_WEAK || v == APP_V_NEED_MORE) {
			need_more = 1;
		}
	}
	if (cls == VPEP_CLASS_unknown && weak != VPEP_CLASS_unknown) {
		cls = weak;
		flags = weak_flags;
	}
	if (cls == VPEP_CLASS_unknown) {
		if (flags_out != NULL && need_more)
			*flags_out = APP_F_NEED_MORE;
		return VPEP_CLASS_unknown;
	}
	if (sig_db_port_hint(db, &m, cls, sport, dport))
		flags |= APP_F_PORT_HINT;
	if (class_tags(db, &m, cls) & SIG_TAG_SCANNER)
		flags |= APP_F_SCANNER;
	if (cls == VPEP_CLASS_http && (m.class_mask & (1u << VPEP_CLASS_cwmp)) &&
		app_detect_cwmp(payload, len) == APP_V_STRONG)
		cls = VPEP_CLASS_cwmp;
	if (flags_out != NULL)
		*flags_out = flags;
	return (enum vpep_class)cls;
}

enum vpep_class
app_detect_upgrade(const struct sig_db *db, struct hs_scratch *scratch, const uint8_t *payload,
	uint32_t len, uint8_t l4proto, uint32_t *flags_out)
{
	struct sig_matches m;

	if (flags_out != NULL)
		*flags_out = 0;
	if (payload == NULL || len == 0 || l4proto != L4_TCP)
		return VPEP_CLASS_http;
	if (sig_db_scan(db, scratch, payload, len, l4proto, &m) != 0) {
		if (flags_out != NULL)
			*flags_out = APP_F_SCAN_ERROR;
		return VPEP_CLASS_http;
	}
	if ((m.class_mask & (1u << VPEP_CLASS_cwmp)) &&
		app_detect_cwmp(payload, len) == APP_V_STRONG)
		return VPEP_CLASS_cwmp;
	return VPEP_CLASS_http;
}
