/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * SDP parser. See sdp_parse.h for the contract.
 *
 * One pass over the lines: each "<type>=<value>" line is split into
 * whitespace-separated fields in place and the fields of the lines vpep uses
 * are checked and converted. Lines before the first m= are session level,
 * later ones belong to the last m=. Strictness is chosen for media learning:
 * a malformed line that carries addresses, ports or payload types (c=, m=,
 * a=rtcp, a=rtpmap) fails the whole description, because learning half of
 * it would open the wrong pinholes; missing o=/s=/t= and line order are
 * tolerated because user agents in the field get them wrong and peers accept
 * them anyway.
 */
#include <stddef.h>
#include <string.h>

#include "sdp_parse.h"
#include "text_scan.h"

#define SDP_ERR_NAME_(id, name) name,
static const char *const err_names[SDP_ERR_MAX] = {SDP_ERR_LIST(SDP_ERR_NAME_)};
#undef SDP_ERR_NAME_

const char *
sdp_err_name(unsigned int err)
{
	return err < SDP_ERR_MAX ? err_names[err] : "unknown";
}

static inline bool
is_digit(uint8_t c)
{
	return (unsigned int)(c - '0') < 10u;
}

static inline uint8_t
lc(uint8_t c)
{
	return (uint8_t)(c | (((unsigned int)(c - 'A') < 26u) << 5));
}

static inline bool
is_alpha(uint8_t c)
{
	return (unsigned int)(lc(c) - 'a') < 26u;
}

static inline int
hexval(uint8_t c)
{
	if (is_digit(c))
		return c - '0';
	c = lc(c);
	if ((unsigned int)(c - 'a') < 6u)
		return c - 'a' + 10;
	return -1;
}

/*
 * RFC 4566 token-char (%x21 / %x23-27 / %x2A-2B / %x2D-2E / %x30-39 / %x41-5A /
 * %x5E-7E), which encoding names and format tokens use: 1 = token character.
 */
/* clang-format off */
static const uint8_t token_tbl[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x00 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x10 */
	0, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1, 0, /* 0x20 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, /* 0x30 */
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x40 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, /* 0x50 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x60 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, /* 0x70 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x80 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x90 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0xa0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0xb0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0xc0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0xd0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0xe0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0xf0 */
};
/* clang-format on */

static inline bool
is_token(uint8_t c)
{
	return token_tbl[c] != 0;
}

/* Case-insensitive equality of a range with a lower-case literal of length n. */
static inline bool
ci_n(const uint8_t *b, struct sdp_str s, const char *lit, uint32_t n)
{
	uint32_t i;

	if (s.len != n)
		return false;
	for (i = 0; i < n; i++)
		if (lc(b[s.off + i]) != (uint8_t)lit[i])
			return false;
	return true;
}

/*
 * ci_is(b, s, "lower-case literal"), and ci_is2() with the usual spelling
 * tried first: an exact match of a constant-length literal compiles to a few
 * word compares, and real descriptions almost always use the usual spelling.
 */
#define ci_is(b, s, lit)                                                                           \
	((s).len == sizeof(lit) - 1 &&                                                             \
		(memcmp((b) + (s).off, (lit), sizeof(lit) - 1) == 0 ||                             \
			ci_n((b), (s), (lit), (uint32_t)(sizeof(lit) - 1))))
#define ci_is2(b, s, usual, lit)                                                                   \
	((s).len == sizeof(lit) - 1 &&                                                             \
		(memcmp((b) + (s).off, (usual), sizeof(usual) - 1) == 0 ||                         \
			ci_n((b), (s), (lit), (uint32_t)(sizeof(lit) - 1))))

static inline struct sdp_str
mkstr(uint32_t s, uint32_t e)
{
	struct sdp_str r = {s, e - s};
	return r;
}

/*
 * Next whitespace-separated field of [*p, e): *f is set and *p moved past
 * it. RFC 4566 wants exactly one SP; more, or HTAB, are tolerated.
 */
static inline bool
next_field(const uint8_t *b, uint32_t *p, uint32_t e, struct sdp_str *f)
{
	uint32_t s = *p, q;

	while (s < e && (b[s] == ' ' || b[s] == '\t'))
		s++;
	q = find_either(b, s, e, ' ', '\t');
	*f = mkstr(s, q);
	*p = q;
	return q > s;
}

/* 1*DIGIT filling all of f, at most max. */
static int
parse_uint(const uint8_t *b, struct sdp_str f, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	uint32_t i;

	if (f.len == 0)
		return -1;
	if (f.len <= 19) {
		/* up to 19 digits cannot wrap 64 bits: check the bound once */
		for (i = 0; i < f.len; i++) {
			uint8_t c = b[f.off + i];

			if (!is_digit(c))
				return -1;
			v = v * 10 + (uint64_t)(c - '0');
		}
	} else {
		for (i = 0; i < f.len; i++) {
			uint8_t c = b[f.off + i];

			if (!is_digit(c) || __builtin_mul_overflow(v, 10u, &v) ||
				__builtin_add_overflow(v, (uint64_t)(c - '0'), &v))
				return -1;
		}
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

/* ---- addresses ------------------------------------------------------------------------------ */

int
sdp_addr_parse_ip4(const uint8_t *s, uint32_t len, uint8_t out[4])
{
	uint32_t p = 0;
	int part;

	for (part = 0; part < 4; part++) {
		uint32_t v = 0, nd = 0;

		while (p < len && is_digit(s[p]) && nd < 3) {
			v = v * 10 + (uint32_t)(s[p++] - '0');
			nd++;
		}
		if (nd == 0 || v > 255)
			return -1;
		out[part] = (uint8_t)v;
		if (part < 3) {
			if (p >= len || s[p] != '.')
				return -1;
			p++;
		}
	}
	return p == len ? 0 : -1;
}

int
sdp_addr_parse_ip6(const uint8_t *s, uint32_t len, uint8_t out[16])
{
	uint16_t w[8];
	int n = 0, dcolon = -1, i;
	uint32_t p = 0;

	if (len < 2)
		return -1;
	if (s[0] == ':') {
		if (s[1] != ':')
			return -1;
		dcolon = 0;
		p = 2;
	}
	while (p < len) {
		uint32_t start = p, nd = 0, v = 0;
		int h;

		while (p < len && nd < 5 && (h = hexval(s[p])) >= 0) {
			v = (v << 4) | (uint32_t)h;
			nd++;
			p++;
		}
		if (p < len && s[p] == '.') {
			/* Trailing dotted IPv4 (RFC 4291 2.2 form 3): two more groups. */
			uint8_t v4[4];

			if (n > 6 || sdp_addr_parse_ip4(s + start, len - start, v4) != 0)
				return -1;
			w[n++] = (uint16_t)(v4[0] << 8 | v4[1]);
			w[n++] = (uint16_t)(v4[2] << 8 | v4[3]);
			p = len;
			break;
		}
		if (nd == 0 || nd > 4 || n >= 8)
			return -1;
		w[n++] = (uint16_t)v;
		if (p == len)
			break;
		if (s[p] != ':')
			return -1;
		p++;
		if (p < len && s[p] == ':') {
			if (dcolon >= 0)
				return -1; /* only one "::" */
			dcolon = n;
			p++;
		} else if (p == len) {
			return -1; /* trailing single ':' */
		}
	}
	if (dcolon >= 0) {
		int tail = n - dcolon;

		if (n > 7)
			return -1; /* "::" stands for at least one group */
		memmove(&w[8 - tail], &w[dcolon], (size_t)tail * sizeof(w[0]));
		for (i = dcolon; i < 8 - tail; i++)
			w[i] = 0;
	} else if (n != 8) {
		return -1;
	}
	for (i = 0; i < 8; i++) {
		out[2 * i] = (uint8_t)(w[i] >> 8);
		out[2 * i + 1] = (uint8_t)w[i];
	}
	return 0;
}

/* A host name as RFC 4566 allows in place of an address: letters, digits, '-', '.'. */
static bool
is_fqdn(const uint8_t *b, struct sdp_str f)
{
	uint32_t i;
	bool alpha = false;

	if (f.len == 0)
		return false;
	for (i = 0; i < f.len; i++) {
		uint8_t c = b[f.off + i];
		if (is_alpha(c))
			alpha = true;
		else if (!is_digit(c) && c != '-' && c != '.')
			return false;
	}
	return alpha;
}

/*
 * <nettype> <addrtype> <connection-address> at [p, e), as in c= and at the
 * end of a=rtcp: "IN IP4 a.b.c.d[/ttl[/n]]" or "IN IP6 x::y[/n]". IPv6 in
 * brackets is accepted because sipp sends "c=IN IP6 [::1]". Returns 0 or -1.
 */
static int
parse_conn(const uint8_t *b, uint32_t p, uint32_t e, struct sdp_conn *c, bool allow_suffix)
{
	struct sdp_str nt, at, a, x;
	uint32_t q, slash1 = 0, slash2 = 0, ae;
	uint64_t v;

	memset(c, 0, sizeof(*c));
	if (!next_field(b, &p, e, &nt) || !next_field(b, &p, e, &at) || !next_field(b, &p, e, &a) ||
		next_field(b, &p, e, &x))
		return -1;
	if (!ci_is2(b, nt, "IN", "in"))
		return -1;
	if (ci_is2(b, at, "IP4", "ip4"))
		c->af = SDP_AF_IP4;
	else if (ci_is2(b, at, "IP6", "ip6"))
		c->af = SDP_AF_IP6;
	else
		return -1;
	ae = a.off + a.len;
	for (q = a.off; q < ae; q++) {
		if (b[q] == '/') {
			if (slash1 == 0)
				slash1 = q;
			else if (slash2 == 0)
				slash2 = q;
			else
				return -1;
		}
	}
	if (slash1 != 0 && !allow_suffix)
		return -1;
	c->naddr = 1;
	c->addr_text = mkstr(a.off, slash1 != 0 ? slash1 : ae);
	if (c->af == SDP_AF_IP6 && c->addr_text.len >= 2 && b[c->addr_text.off] == '[' &&
		b[c->addr_text.off + c->addr_text.len - 1] == ']') {
		c->addr_text.off++;
		c->addr_text.len -= 2;
	}
	if (c->af == SDP_AF_IP4) {
		if (sdp_addr_parse_ip4(b + c->addr_text.off, c->addr_text.len, c->addr) != 0) {
			if (!is_fqdn(b, c->addr_text))
				return -1;
			c->fqdn = 1;
		}
		if (slash1 != 0) {
			/* IP4 multicast: /ttl[/number of addresses] */
			if (parse_uint(b, mkstr(slash1 + 1, slash2 != 0 ? slash2 : ae), 255, &v) !=
				0)
				return -1;
			c->ttl = (uint8_t)v;
			if (slash2 != 0) {
				if (parse_uint(b, mkstr(slash2 + 1, ae), 65535, &v) != 0 || v == 0)
					return -1;
				c->naddr = (uint16_t)v;
			}
		}
	} else {
		if (sdp_addr_parse_ip6(b + c->addr_text.off, c->addr_text.len, c->addr) != 0) {
			if (!is_fqdn(b, c->addr_text))
				return -1;
			c->fqdn = 1;
		}
		if (slash2 != 0)
			return -1; /* IPv6 has no TTL: only /number of addresses */
		if (slash1 != 0) {
			if (parse_uint(b, mkstr(slash1 + 1, ae), 65535, &v) != 0 || v == 0)
				return -1;
			c->naddr = (uint16_t)v;
		}
	}
	return 0;
}

/* ---- lines ---------------------------------------------------------------------------------- */

static int
parse_origin(const uint8_t *b, uint32_t p, uint32_t e, struct sdp_session *sdp)
{
	struct sdp_str f[6], x;
	int i;

	for (i = 0; i < 6; i++)
		if (!next_field(b, &p, e, &f[i]))
			return -1;
	if (next_field(b, &p, e, &x))
		return -1;
	/* sess-id and sess-version are numeric strings, possibly wider than 64 bits. */
	if (parse_uint(b, f[1], UINT64_MAX, &sdp->sess_id) != 0 ||
		parse_uint(b, f[2], UINT64_MAX, &sdp->sess_version) != 0) {
		for (i = 1; i <= 2; i++) {
			uint32_t k;
			for (k = 0; k < f[i].len; k++)
				if (!is_digit(b[f[i].off + k]))
					return -1;
		}
		sdp->flags |= SDP_F_ID_OVERFLOW;
	}
	sdp->origin_user = f[0];
	sdp->sess_id_text = f[1];
	sdp->sess_version_text = f[2];
	sdp->origin_addr = f[5];
	return 0;
}

static int
parse_timing(const uint8_t *b, uint32_t p, uint32_t e, struct sdp_session *sdp)
{
	struct sdp_str a, z, x;

	if (!next_field(b, &p, e, &a) || !next_field(b, &p, e, &z) || next_field(b, &p, e, &x))
		return -1;
	if (parse_uint(b, a, UINT64_MAX, &sdp->t_start) != 0 ||
		parse_uint(b, z, UINT64_MAX, &sdp->t_stop) != 0)
		return -1;
	return 0;
}

static uint8_t
media_type(const uint8_t *b, struct sdp_str f)
{
	if (ci_is(b, f, "audio"))
		return SDP_MEDIA_AUDIO;
	if (ci_is(b, f, "video"))
		return SDP_MEDIA_VIDEO;
	if (ci_is(b, f, "text"))
		return SDP_MEDIA_TEXT;
	if (ci_is(b, f, "application"))
		return SDP_MEDIA_APPLICATION;
	if (ci_is(b, f, "message"))
		return SDP_MEDIA_MESSAGE;
	if (ci_is(b, f, "image"))
		return SDP_MEDIA_IMAGE;
	return SDP_MEDIA_OTHER;
}

static uint8_t
media_proto(const uint8_t *b, struct sdp_str f)
{
#define P(usual, lit, id)                                                                          \
	do {                                                                                       \
		if (ci_is2(b, f, usual, lit))                                                      \
			return SDP_PROTO_##id;                                                     \
	} while (0)
	P("RTP/AVP", "rtp/avp", RTP_AVP);
	P("RTP/SAVP", "rtp/savp", RTP_SAVP);
	P("RTP/AVPF", "rtp/avpf", RTP_AVPF);
	P("RTP/SAVPF", "rtp/savpf", RTP_SAVPF);
	P("UDP/TLS/RTP/SAVP", "udp/tls/rtp/savp", UDP_TLS_RTP_SAVP);
	P("UDP/TLS/RTP/SAVPF", "udp/tls/rtp/savpf", UDP_TLS_RTP_SAVPF);
	P("udptl", "udptl", UDPTL);
	P("UDP", "udp", UDP);
	P("TCP", "tcp", TCP);
#undef P
	return SDP_PROTO_OTHER;
}

/* Does the proto field name an RTP profile ("RTP/" anywhere, e.g. TCP/RTP/AVP)? */
static bool
proto_is_rtp(const uint8_t *b, struct sdp_str f)
{
	uint32_t i;

	for (i = 0; i + 4 <= f.len; i++)
		if (lc(b[f.off + i]) == 'r' && lc(b[f.off + i + 1]) == 't' &&
			lc(b[f.off + i + 2]) == 'p' && b[f.off + i + 3] == '/')
			return true;
	return false;
}

/* m=<media> <port>[/<number of ports>] <proto> <fmt> ... */
static int
parse_media(const uint8_t *b, uint32_t p, uint32_t e, struct sdp_media *m)
{
	struct sdp_str t, port, proto, f;
	uint32_t q, slash = 0, fmt0 = 0, fmt1 = 0;
	uint64_t v;

	memset(m, 0, offsetof(struct sdp_media, fmt));
	m->nports = 1;
	if (!next_field(b, &p, e, &t) || !next_field(b, &p, e, &port) ||
		!next_field(b, &p, e, &proto))
		return -1;
	for (q = 0; q < t.len; q++)
		if (!is_token(b[t.off + q]))
			return -1;
	for (q = port.off; q < port.off + port.len; q++)
		if (b[q] == '/') {
			slash = q;
			break;
		}
	if (parse_uint(b, mkstr(port.off, slash != 0 ? slash : port.off + port.len), 65535, &v) !=
		0)
		return -1;
	m->port = (uint16_t)v;
	if (slash != 0) {
		if (parse_uint(b, mkstr(slash + 1, port.off + port.len), 65535, &v) != 0 || v == 0)
			return -1;
		m->nports = (uint16_t)v;
	}
	for (q = 0; q < proto.len; q++)
		if (!is_token(b[proto.off + q]) && b[proto.off + q] != '/')
			return -1;
	m->type = media_type(b, t);
	m->type_text = t;
	m->proto = media_proto(b, proto);
	m->proto_text = proto;
	if (proto_is_rtp(b, proto))
		m->flags |= SDP_MF_RTP;
	while (next_field(b, &p, e, &f)) {
		if (fmt0 == 0)
			fmt0 = f.off;
		fmt1 = f.off + f.len;
		if (m->flags & SDP_MF_RTP) {
			/* RTP formats are payload types 0..127 (RFC 3551). */
			if (parse_uint(b, f, 127, &v) != 0)
				return -1;
			if (m->nfmt < SDP_MAX_FMT)
				m->fmt[m->nfmt++] = (uint8_t)v;
			else
				m->flags |= SDP_MF_FMT_TRUNCATED;
		} else {
			for (q = 0; q < f.len; q++)
				if (!is_token(b[f.off + q]) && b[f.off + q] != '/')
					return -1;
		}
	}
	m->fmt_text = mkstr(fmt0, fmt1);
	return 0;
}

/* b=<bwtype>:<bandwidth>; AS and TIAS kept, other types skipped. */
static int
parse_bandwidth(const uint8_t *b, uint32_t p, uint32_t e, uint32_t *as, uint32_t *tias)
{
	const uint8_t *colon = memchr(b + p, ':', e - p);
	struct sdp_str type, val;
	uint64_t v;

	if (colon == NULL)
		return -1;
	type = mkstr(p, (uint32_t)(colon - b));
	val = mkstr((uint32_t)(colon - b) + 1, e);
	if (type.len == 0)
		return -1;
	if (ci_is(b, type, "as")) {
		if (parse_uint(b, val, UINT32_MAX, &v) != 0)
			return -1;
		*as = (uint32_t)v;
	} else if (ci_is(b, type, "tias")) {
		if (parse_uint(b, val, UINT32_MAX, &v) != 0)
			return -1;
		*tias = (uint32_t)v;
	}
	return 0;
}

/* a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>] */
static int
parse_rtpmap(const uint8_t *b, uint32_t p, uint32_t e, struct sdp_media *m)
{
	struct sdp_str pt, rest, x;
	struct sdp_rtpmap r;
	uint32_t q, s1 = 0, s2 = 0, re;
	uint64_t v;

	memset(&r, 0, sizeof(r));
	if (!next_field(b, &p, e, &pt) || !next_field(b, &p, e, &rest) || next_field(b, &p, e, &x))
		return -1;
	if (parse_uint(b, pt, 127, &v) != 0)
		return -1;
	r.pt = (uint8_t)v;
	re = rest.off + rest.len;
	for (q = rest.off; q < re; q++) {
		if (b[q] == '/') {
			if (s1 == 0)
				s1 = q;
			else if (s2 == 0)
				s2 = q;
			else
				return -1;
		} else if (!is_token(b[q])) {
			return -1;
		}
	}
	r.enc = mkstr(rest.off, s1 != 0 ? s1 : re);
	if (r.enc.len == 0)
		return -1;
	if (s1 != 0) {
		if (parse_uint(b, mkstr(s1 + 1, s2 != 0 ? s2 : re), UINT32_MAX, &v) != 0)
			return -1;
		r.clock = (uint32_t)v;
		if (s2 != 0) {
			if (parse_uint(b, mkstr(s2 + 1, re), 255, &v) != 0)
				return -1;
			r.channels = (uint8_t)v;
		}
	}
	if (ci_is(b, r.enc, "telephone-event")) {
		r.telephone_event = 1;
		if (!(m->flags & SDP_MF_TELEPHONE_EVENT)) {
			m->flags |= SDP_MF_TELEPHONE_EVENT;
			m->te_pt = r.pt;
		}
	}
	if (m->nrtpmap < SDP_MAX_RTPMAP)
		m->rtpmap[m->nrtpmap++] = r;
	else
		m->flags |= SDP_MF_RTPMAP_TRUNCATED;
	return 0;
}

/* a=fmtp:<format> <format specific parameters> */
static int
parse_fmtp(const uint8_t *b, uint32_t p, uint32_t e, struct sdp_media *m)
{
	struct sdp_str fmt;
	uint64_t v;
	uint32_t q;

	if (!next_field(b, &p, e, &fmt))
		return -1;
	for (q = fmt.off; q < fmt.off + fmt.len; q++)
		if (!is_token(b[q]))
			return -1;
	while (p < e && (b[p] == ' ' || b[p] == '\t'))
		p++;
	if (m->nfmtp < SDP_MAX_FMTP) {
		struct sdp_fmtp *f = &m->fmtp[m->nfmtp++];

		f->pt = parse_uint(b, fmt, 255, &v) == 0 ? (uint8_t)v : 255;
		f->params = mkstr(p, e);
	}
	return 0;
}

/* a=rtcp:<port> [<nettype> <addrtype> <connection-address>] (RFC 3605) */
static int
parse_rtcp(const uint8_t *b, uint32_t p, uint32_t e, struct sdp_media *m)
{
	struct sdp_str port;
	uint64_t v;

	if (!next_field(b, &p, e, &port) || parse_uint(b, port, 65535, &v) != 0)
		return -1;
	while (p < e && (b[p] == ' ' || b[p] == '\t'))
		p++;
	if (p < e && parse_conn(b, p, e, &m->rtcp_conn, false) != 0)
		return -1;
	m->rtcp_port = (uint16_t)v;
	m->flags |= SDP_MF_HAS_RTCP;
	return 0;
}

/* a=ptime / a=maxptime: milliseconds; a fraction ("20.0", seen in the field) is dropped. */
static int
parse_ms(const uint8_t *b, uint32_t p, uint32_t e, uint16_t *out)
{
	uint32_t q = p;
	uint64_t v;

	while (q < e && is_digit(b[q]))
		q++;
	if (parse_uint(b, mkstr(p, q), 65535, &v) != 0)
		return -1;
	if (q < e) {
		if (b[q] != '.')
			return -1;
		for (q++; q < e; q++)
			if (!is_digit(b[q]))
				return -1;
	}
	*out = (uint16_t)v;
	return 0;
}

static uint8_t
dir_attr(const uint8_t *b, struct sdp_str name)
{
	if (name.len == 8 && ci_is(b, name, "sendrecv"))
		return SDP_DIR_SENDRECV;
	if (name.len == 8 && ci_is(b, name, "sendonly"))
		return SDP_DIR_SENDONLY;
	if (name.len == 8 && ci_is(b, name, "recvonly"))
		return SDP_DIR_RECVONLY;
	if (name.len == 8 && ci_is(b, name, "inactive"))
		return SDP_DIR_INACTIVE;
	return SDP_DIR_UNSPEC;
}

/*
 * a=<attribute>[:<value>]. m is the current media, or NULL at session level
 * (where only direction matters to vpep). Returns 0 or an enum sdp_error.
 */
static int
parse_attr(const uint8_t *b, uint32_t p, uint32_t e, struct sdp_session *sdp, struct sdp_media *m)
{
	uint32_t q = find_byte(b, p, e, ':'), vs;
	struct sdp_str name;
	uint8_t dir;

	name = mkstr(p, q);
	vs = q < e ? q + 1 : e;
	dir = dir_attr(b, name);
	if (dir != SDP_DIR_UNSPEC) {
		if (m != NULL)
			m->dir = dir;
		else
			sdp->dir = dir;
		return 0;
	}
	if (m == NULL)
		return 0;
	switch (name.len) {
	case 3:
		if (ci_is(b, name, "mid"))
			m->mid = mkstr(vs, e);
		break;
	case 4:
		if (ci_is(b, name, "rtcp"))
			return parse_rtcp(b, vs, e, m) != 0 ? SDP_ERR_BAD_RTCP : 0;
		if (ci_is(b, name, "fmtp"))
			return parse_fmtp(b, vs, e, m) != 0 ? SDP_ERR_BAD_FMTP : 0;
		break;
	case 5:
		if (ci_is(b, name, "ptime"))
			return parse_ms(b, vs, e, &m->ptime) != 0 ? SDP_ERR_BAD_PTIME : 0;
		break;
	case 6:
		if (ci_is(b, name, "rtpmap"))
			return parse_rtpmap(b, vs, e, m) != 0 ? SDP_ERR_BAD_RTPMAP : 0;
		break;
	case 8:
		if (ci_is(b, name, "rtcp-mux"))
			m->flags |= SDP_MF_RTCP_MUX;
		else if (ci_is(b, name, "maxptime"))
			return parse_ms(b, vs, e, &m->maxptime) != 0 ? SDP_ERR_BAD_PTIME : 0;
		break;
	default:
		break;
	}
	return 0;
}

static int
fail(struct sdp_session *sdp, int err, uint32_t off)
{
	sdp->err = (uint16_t)err;
	sdp->err_off = off;
	return SDP_PARSE_MALFORMED;
}

int
sdp_parse(const uint8_t *buf, uint32_t len, struct sdp_session *sdp)
{
	struct sdp_media *cur = NULL, scratch;
	bool seen_v = false, seen_o = false, seen_s = false, seen_t = false;
	uint32_t p = 0, i;
	int err;

	memset(sdp, 0, offsetof(struct sdp_session, media));
	if (len == 0)
		return fail(sdp, SDP_ERR_EMPTY, 0);

	while (p < len) {
		uint32_t q = p, lend, next, vs;
		uint8_t type;

		/* Line end: CRLF or LF (RFC 8866 5); a CR elsewhere is an error. */
		q = find_crlf(buf, p, len);
		lend = q;
		if (q >= len) {
			next = len;
		} else if (buf[q] == '\n') {
			sdp->flags |= SDP_F_BARE_LF;
			next = q + 1;
		} else if (q + 1 < len && buf[q + 1] == '\n') {
			next = q + 2;
		} else if (q + 1 == len) {
			next = len; /* a final CR cut from its LF */
		} else {
			return fail(sdp, SDP_ERR_BAD_LINE_END, p);
		}
		while (lend > p && (buf[lend - 1] == ' ' || buf[lend - 1] == '\t'))
			lend--;
		if (lend == p) {
			/* Blank line: not SDP, but a trailing CRLF inside Content-Length is common.
			 */
			p = next;
			continue;
		}
		type = buf[p];
		if (!seen_v) {
			if (type != 'v' || lend - p < 2 || buf[p + 1] != '=')
				return fail(sdp, SDP_ERR_NO_VERSION, p);
		}
		if (lend - p < 2 || buf[p + 1] != '=' || !is_alpha(type))
			return fail(sdp, SDP_ERR_BAD_LINE, p);
		vs = p + 2;

		switch (type) {
		case 'v':
			if (lend - vs != 1 || buf[vs] != '0')
				return fail(sdp, SDP_ERR_BAD_VERSION, p);
			seen_v = true;
			break;
		case 'o':
			if (!seen_o) {
				if (parse_origin(buf, vs, lend, sdp) != 0)
					return fail(sdp, SDP_ERR_BAD_ORIGIN, p);
				seen_o = true;
			}
			break;
		case 's':
			if (!seen_s) {
				sdp->name = mkstr(vs, lend);
				seen_s = true;
			}
			break;
		case 't':
			if (!seen_t) {
				if (parse_timing(buf, vs, lend, sdp) != 0)
					return fail(sdp, SDP_ERR_BAD_TIMING, p);
				seen_t = true;
			}
			break;
		case 'c':
			if (parse_conn(buf, vs, lend, cur != NULL ? &cur->conn : &sdp->conn,
				    true) != 0)
				return fail(sdp, SDP_ERR_BAD_CONNECTION, p);
			break;
		case 'b':
			if (parse_bandwidth(buf, vs, lend, cur != NULL ? &cur->bw_as : &sdp->bw_as,
				    cur != NULL ? &cur->bw_tias : &sdp->bw_tias) != 0)
				return fail(sdp, SDP_ERR_BAD_BANDWIDTH, p);
			break;
		case 'm':
			if (sdp->nmedia_total < UINT16_MAX)
				sdp->nmedia_total++;
			if (sdp->nmedia < SDP_MAX_MEDIA) {
				cur = &sdp->media[sdp->nmedia++];
			} else {
				/* Still validated, then its lines are parsed into scratch and
				 * dropped. */
				sdp->flags |= SDP_F_MEDIA_TRUNCATED;
				cur = &scratch;
			}
			if (parse_media(buf, vs, lend, cur) != 0)
				return fail(sdp, SDP_ERR_BAD_MEDIA, p);
			break;
		case 'a':
			err = parse_attr(buf, vs, lend, sdp, cur);
			if (err != 0)
				return fail(sdp, err, p);
			break;
		default:
			break; /* i= u= e= p= z= k= r= and unknown types */
		}
		p = next;
	}
	if (!seen_v)
		return fail(sdp, SDP_ERR_NO_VERSION, 0);
	if (!seen_o)
		sdp->flags |= SDP_F_NO_ORIGIN;
	if (!seen_s)
		sdp->flags |= SDP_F_NO_SESSION_NAME;
	if (!seen_t)
		sdp->flags |= SDP_F_NO_TIMING;
	/* RFC 4566 5.7: c= at session level or in every media description. */
	for (i = 0; i < sdp->nmedia; i++)
		if (sdp->media[i].port != 0 && sdp->media[i].conn.af == SDP_AF_NONE &&
			sdp->conn.af == SDP_AF_NONE)
			return fail(
				sdp, SDP_ERR_MISSING_CONNECTION, sdp->media[i].type_text.off - 2);
	return SDP_PARSE_OK;
}

/* ---- resolved views ------------------------------------------------------------------------ */

const struct sdp_conn *
sdp_media_conn(const struct sdp_session *sdp, unsigned int i)
{
	if (i >= sdp->nmedia)
		return NULL;
	if (sdp->media[i].conn.af != SDP_AF_NONE)
		return &sdp->media[i].conn;
	if (sdp->conn.af != SDP_AF_NONE)
		return &sdp->conn;
	return NULL;
}

enum sdp_dir
sdp_media_dir(const struct sdp_session *sdp, unsigned int i)
{
	if (i < sdp->nmedia && sdp->media[i].dir != SDP_DIR_UNSPEC)
		return (enum sdp_dir)sdp->media[i].dir;
	if (sdp->dir != SDP_DIR_UNSPEC)
		return (enum sdp_dir)sdp->dir;
	return SDP_DIR_SENDRECV;
}

uint16_t
sdp_media_rtcp_port(const struct sdp_session *sdp, unsigned int i)
{
	const struct sdp_media *m;

	if (i >= sdp->nmedia)
		return 0;
	m = &sdp->media[i];
	if (m->port == 0 || !(m->flags & SDP_MF_RTP))
		return 0; /* disabled, or not RTP (udptl, TCP/MSRP...): no RTCP */
	if (m->flags & SDP_MF_RTCP_MUX)
		return m->port;
	if (m->flags & SDP_MF_HAS_RTCP)
		return m->rtcp_port;
	return m->port == 65535 ? 0 : (uint16_t)(m->port + 1);
}

const struct sdp_conn *
sdp_media_rtcp_conn(const struct sdp_session *sdp, unsigned int i)
{
	if (i < sdp->nmedia && !(sdp->media[i].flags & SDP_MF_RTCP_MUX) &&
		sdp->media[i].rtcp_conn.af != SDP_AF_NONE)
		return &sdp->media[i].rtcp_conn;
	return sdp_media_conn(sdp, i);
}

bool
sdp_media_is_hold(const struct sdp_session *sdp, unsigned int i)
{
	const struct sdp_conn *c = sdp_media_conn(sdp, i);
	enum sdp_dir d = sdp_media_dir(sdp, i);
	static const uint8_t zero[16];

	if (i >= sdp->nmedia)
		return false;
	if (d == SDP_DIR_SENDONLY || d == SDP_DIR_INACTIVE)
		return true;
	if (c != NULL && !c->fqdn && memcmp(c->addr, zero, c->af == SDP_AF_IP4 ? 4 : 16) == 0)
		return true;
	return false;
}

bool
sdp_media_is_disabled(const struct sdp_session *sdp, unsigned int i)
{
	return i < sdp->nmedia && sdp->media[i].port == 0;
}

const struct sdp_rtpmap *
sdp_media_rtpmap(const struct sdp_session *sdp, unsigned int i, uint8_t pt)
{
	unsigned int k;

	if (i >= sdp->nmedia)
		return NULL;
	for (k = 0; k < sdp->media[i].nrtpmap; k++)
		if (sdp->media[i].rtpmap[k].pt == pt)
			return &sdp->media[i].rtpmap[k];
	return NULL;
}
