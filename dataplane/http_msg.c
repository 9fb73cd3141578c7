/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * HTTP/1.x message counter (see http_msg.h). One state machine per direction; each byte is
 * looked at once: line states search for LF with memchr() and keep only the head and tail of the
 * line, body states skip Content-Length / chunk bytes without looking at them.
 */

#include <stddef.h>
#include <string.h>

#include "http_msg.h"

/* Per-direction states. */
enum {
	ST_START = 0,	/* expecting a start line (empty lines tolerated) */
	ST_HEADERS,	/* header fields up to the empty line */
	ST_BODY_CL,	/* skipping Content-Length body bytes */
	ST_CHUNK_SIZE,	/* chunk-size line */
	ST_CHUNK_DATA,	/* skipping chunk data */
	ST_CHUNK_END,	/* the CRLF after chunk data */
	ST_TRAILERS,	/* trailer fields after the last chunk */
	ST_BODY_EOF,	/* body delimited by the end of the connection: nothing more to count */
	ST_TUNNEL,	/* not HTTP any more (CONNECT, Upgrade) */
	ST_LOST,	/* framing lost: looking for a strict start line */
	ST_WAIT_TUNNEL, /* after a CONNECT/Upgrade request: a start line, or tunnel data */
};

/* http_msg_dir.mflags: facts gathered from the header section of the current message. */
#define MF_RESPONSE   (1u << 0)
#define MF_CL	      (1u << 1) /* Content-Length seen; value in remaining */
#define MF_CHUNKED    (1u << 2) /* Transfer-Encoding ends in chunked */
#define MF_TE_OTHER   (1u << 3) /* Transfer-Encoding without chunked last */
#define MF_BAD_CL     (1u << 4) /* unparsable or conflicting Content-Length */
#define MF_UPGRADE    (1u << 5) /* request with an Upgrade header field */
#define MF_BAD_STATUS (1u << 6) /* invalid status line */

/* Largest Content-Length / chunk size believed; beyond it framing is treated as lost. */
#define BODY_MAX ((uint64_t)1 << 62)

enum start_kind { SK_NONE = 0, SK_REQUEST, SK_RESPONSE };

/* begin_message() indexes the request counters by method. */
_Static_assert(HTTP_MSG_CTR_REQ_OTHER == 0 &&
		       (int)HTTP_MSG_CTR_REQ_PATCH == (int)HTTP_MSG_METHOD_PATCH &&
		       (int)HTTP_MSG_CTR_RESP_1XX == (int)HTTP_MSG_METHOD_MAX,
	"method counters follow the methods");

static const char *const ctr_names[] = {
#define HTTP_MSG_CTR_NAME_(id, name) name,
	HTTP_MSG_CTR_LIST(HTTP_MSG_CTR_NAME_)
#undef HTTP_MSG_CTR_NAME_
};

static const char *const method_names[] = {
#define HTTP_MSG_METHOD_NAME_(id, name) name,
	HTTP_MSG_METHOD_LIST(HTTP_MSG_METHOD_NAME_)
#undef HTTP_MSG_METHOD_NAME_
};

const char *
http_msg_ctr_name(unsigned int i)
{
	return i < HTTP_MSG_CTR_MAX ? ctr_names[i] : "?";
}

const char *
http_msg_method_name(unsigned int m)
{
	return m < HTTP_MSG_METHOD_MAX ? method_names[m] : "?";
}

enum http_msg_method
http_msg_method_lookup(const uint8_t *s, uint32_t len)
{
	unsigned int m;

	for (m = 1; m < HTTP_MSG_METHOD_MAX; m++)
		if (strlen(method_names[m]) == len && memcmp(method_names[m], s, len) == 0)
			return (enum http_msg_method)m;
	return HTTP_MSG_METHOD_OTHER;
}

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

static uint8_t
lower(uint8_t ch)
{
	return ch >= 'A' && ch <= 'Z' ? (uint8_t)(ch + 32) : ch;
}

static int
ci_prefix(const uint8_t *p, uint32_t n, const char *lit)
{
	uint32_t k = (uint32_t)strlen(lit), i;

	if (n < k)
		return 0;
	for (i = 0; i < k; i++)
		if (lower(p[i]) != (uint8_t)lit[i])
			return 0;
	return 1;
}

/* ---- CWMP namespace, matched across segment boundaries ------------------------------------ */

static const char cwmp_ns[] = "urn:dslforum-org:cwmp-1-";
#define CWMP_NS_LEN (sizeof(cwmp_ns) - 1)

/*
 * Knuth-Morris-Pratt failure function of the namespace, so a partial match can continue in the
 * next segment without keeping the previous segment's bytes: cwmp_fail[k] is the length of the
 * longest proper prefix of cwmp_ns[0, k) that is also its suffix. The only self-overlap of
 * "urn:dslforum-org:cwmp-1-" is the 'u' of "forum" (index 10), hence the single 1. A constant
 * table, so that the per-packet path does not recompute it.
 */
/* clang-format off */
static const uint8_t cwmp_fail[CWMP_NS_LEN + 1] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};
/* clang-format on */
_Static_assert(CWMP_NS_LEN == 24, "cwmp_fail[] is computed for the 24-byte namespace");

/*
 * Advance the matcher over buf; *pos is the number of namespace bytes matched so far
 * (CWMP_NS_LEN means "prefix matched, the version digit is next"). Returns 1 on a full match,
 * with *used set to the bytes looked at (up to and including the digit), else 0 with *used =
 * len; so how a stream is cut into segments never changes what is counted.
 */
static int
cwmp_advance(unsigned int *pos, const uint8_t *buf, uint32_t len, uint32_t *used)
{
	const uint8_t *fail = cwmp_fail;
	unsigned int k = *pos;
	uint32_t i;

	if (k > CWMP_NS_LEN)
		k = 0; /* not a state this matcher produces: start afresh */
	for (i = 0; i < len; i++) {
		uint8_t ch = buf[i];

		if (k == CWMP_NS_LEN) {
			if (is_digit(ch)) {
				*pos = 0;
				*used = i + 1;
				return 1;
			}
			k = fail[k];
		}
		while (k > 0 && ch != (uint8_t)cwmp_ns[k])
			k = fail[k];
		if (ch == (uint8_t)cwmp_ns[k])
			k++;
	}
	*pos = k;
	*used = len;
	return 0;
}

bool
http_msg_is_cwmp(const uint8_t *buf, uint32_t len)
{
	unsigned int pos = 0;
	uint32_t used;

	if (buf == NULL)
		return false;
	return cwmp_advance(&pos, buf, len, &used) != 0;
}

static void
cwmp_feed(struct http_msg_state *s, const uint8_t *buf, uint32_t len)
{
	unsigned int pos = s->cwmp_match;
	uint32_t n, used;

	if ((s->flags & HTTP_MSG_F_CWMP) || s->cwmp_scanned >= HTTP_MSG_CWMP_SCAN_MAX)
		return;
	n = HTTP_MSG_CWMP_SCAN_MAX - s->cwmp_scanned;
	if (n > len)
		n = len;
	if (cwmp_advance(&pos, buf, n, &used))
		s->flags |= HTTP_MSG_F_CWMP;
	s->cwmp_scanned += used;
	s->cwmp_match = (uint8_t)pos;
}

/* ---- line accumulation --------------------------------------------------------------------- */

static void
line_reset(struct http_msg_dir *d)
{
	d->line_len = 0;
	d->head_len = 0;
	d->tail_len = 0;
}

/* Append n bytes of the current line: keep its first HEAD_MAX and last TAIL_MAX bytes. */
static void
line_add(struct http_msg_dir *d, const uint8_t *p, uint32_t n)
{
	uint32_t k;

	if (n == 0)
		return;
	if (d->head_len < HTTP_MSG_HEAD_MAX) {
		k = HTTP_MSG_HEAD_MAX - d->head_len;
		if (k > n)
			k = n;
		memcpy(d->head + d->head_len, p, k);
		d->head_len = (uint8_t)(d->head_len + k);
	}
	if (n >= HTTP_MSG_TAIL_MAX) {
		memcpy(d->tail, p + n - HTTP_MSG_TAIL_MAX, HTTP_MSG_TAIL_MAX);
		d->tail_len = HTTP_MSG_TAIL_MAX;
	} else {
		uint32_t keep = HTTP_MSG_TAIL_MAX - n;

		if (keep > d->tail_len)
			keep = d->tail_len;
		memmove(d->tail, d->tail + d->tail_len - keep, keep);
		memcpy(d->tail + keep, p, n);
		d->tail_len = (uint8_t)(keep + n);
	}
	/* saturate (written so that no n can wrap the comparison) */
	d->line_len = n >= 0xffffu - d->line_len ? 0xffff : (uint16_t)(d->line_len + n);
}

/* Length of the line without its CR (the LF is never stored). */
static uint32_t
line_content_len(const struct http_msg_dir *d)
{
	if (d->line_len > 0 && d->tail_len > 0 && d->tail[d->tail_len - 1] == '\r')
		return d->line_len - 1u;
	return d->line_len;
}

/* ---- start lines --------------------------------------------------------------------------- */

/*
 * Recognise a start line from the head/tail of the current line. strict (used to resynchronise)
 * wants a full "<token> <target> HTTP/1.x" or "HTTP/1.x <100-599>"; otherwise a request is a
 * known method (or any token with a valid version) followed by SP, and any "HTTP/" line is a
 * response (status 0 when invalid). *bad_version is set for a request without HTTP/1.x.
 */
static enum start_kind
start_line(const struct http_msg_dir *d, int strict, uint8_t *method, uint16_t *status,
	int *bad_version)
{
	const uint8_t *h = d->head;
	uint32_t cl = line_content_len(d), hl = d->head_len, i, tl;
	int ok_version;

	if (hl > cl)
		hl = cl; /* drop the CR */
	*bad_version = 0;
	if (hl >= 5 && memcmp(h, "HTTP/", 5) == 0) {
		unsigned int code;

		*status = 0;
		if (hl < 12 || !is_digit(h[5]) || h[6] != '.' || !is_digit(h[7]) || h[8] != ' ' ||
			!is_digit(h[9]) || !is_digit(h[10]) || !is_digit(h[11]) ||
			(hl > 12 && h[12] != ' ' && h[12] != '\t') || h[5] != '1')
			return strict ? SK_NONE : SK_RESPONSE;
		code = (unsigned int)(h[9] - '0') * 100 + (unsigned int)(h[10] - '0') * 10 +
		       (unsigned int)(h[11] - '0');
		if (code < 100 || code > 599)
			return strict ? SK_NONE : SK_RESPONSE;
		*status = (uint16_t)code;
		return SK_RESPONSE;
	}
	for (i = 0; i < hl && is_tchar(h[i]); i++)
		;
	if (i == 0 || i >= hl || h[i] != ' ')
		return SK_NONE;
	*method = (uint8_t)http_msg_method_lookup(h, i);
	/* " HTTP/1.x" at the end, with a non-empty target between the two spaces */
	tl = d->tail_len;
	if (tl > 0 && d->tail[tl - 1] == '\r')
		tl--;
	ok_version = tl >= 9 && cl >= i + 1 + 1 + 9 &&
		     memcmp(d->tail + tl - 9, " HTTP/1.", 8) == 0 && is_digit(d->tail[tl - 1]) &&
		     (i + 1 >= hl || h[i + 1] != ' ');
	if (strict && !ok_version)
		return SK_NONE;
	if (!ok_version && *method == HTTP_MSG_METHOD_OTHER)
		return SK_NONE; /* an unknown word followed by a space is not a request */
	*bad_version = !ok_version;
	return SK_REQUEST;
}

static void
tunnel(struct http_msg_state *s, struct http_msg_counters *c)
{
	s->flags |= HTTP_MSG_F_TUNNEL;
	s->dir[0].state = ST_TUNNEL;
	s->dir[1].state = ST_TUNNEL;
	c->v[HTTP_MSG_CTR_TUNNELS]++;
}

static void
lose(struct http_msg_dir *d, struct http_msg_counters *c)
{
	d->state = ST_LOST;
	c->v[HTTP_MSG_CTR_FRAMING_LOST]++;
}

static void
begin_message(struct http_msg_dir *d, enum start_kind k, uint8_t method, uint16_t status,
	int bad_version, struct http_msg_counters *c)
{
	d->mflags = 0;
	d->remaining = 0;
	d->state = ST_HEADERS;
	if (k == SK_REQUEST) {
		d->method = method;
		c->v[HTTP_MSG_CTR_REQ_OTHER + method]++;
		if (bad_version)
			c->v[HTTP_MSG_CTR_REQ_BAD_VERSION]++;
		return;
	}
	d->mflags = MF_RESPONSE;
	d->status = status;
	if (status == 0) {
		d->mflags |= MF_BAD_STATUS;
		c->v[HTTP_MSG_CTR_RESP_INVALID]++;
	} else {
		c->v[HTTP_MSG_CTR_RESP_1XX + status / 100 - 1]++;
	}
}

/* ---- header fields ------------------------------------------------------------------------- */

static void
header_line(struct http_msg_dir *d)
{
	const uint8_t *h = d->head;
	uint32_t cl = line_content_len(d), hl = d->head_len, i;

	if (hl > cl)
		hl = cl;
	if (hl == 0 || h[0] == ' ' || h[0] == '\t')
		return; /* obs-fold continuation: not a field we track */
	if (ci_prefix(h, hl, "content-length:")) {
		uint64_t v = 0;
		int digits = 0;

		i = 15;
		while (i < hl && (h[i] == ' ' || h[i] == '\t'))
			i++;
		for (; i < hl && is_digit(h[i]); i++, digits++) {
			v = v * 10 + (uint64_t)(h[i] - '0');
			if (v > BODY_MAX) {
				d->mflags |= MF_BAD_CL;
				return;
			}
		}
		while (i < hl && (h[i] == ' ' || h[i] == '\t'))
			i++;
		/* the whole value must have been seen and be only digits */
		if (digits == 0 || i != hl || cl > hl ||
			((d->mflags & MF_CL) && v != d->remaining)) {
			d->mflags |= MF_BAD_CL;
			return;
		}
		d->mflags |= MF_CL;
		d->remaining = v;
	} else if (ci_prefix(h, hl, "transfer-encoding:")) {
		/* the last transfer coding decides: look at the end of the line */
		const uint8_t *t = d->tail;
		uint32_t tl = d->tail_len;

		if (tl > 0 && t[tl - 1] == '\r')
			tl--;
		while (tl > 0 && (t[tl - 1] == ' ' || t[tl - 1] == '\t'))
			tl--;
		if (tl >= 8 && ci_prefix(t + tl - 7, 7, "chunked") &&
			(t[tl - 8] == ' ' || t[tl - 8] == '\t' || t[tl - 8] == ',' ||
				t[tl - 8] == ':')) {
			d->mflags |= MF_CHUNKED;
			d->mflags &= (uint8_t)~MF_TE_OTHER;
		} else {
			d->mflags |= MF_TE_OTHER;
			d->mflags &= (uint8_t)~MF_CHUNKED;
		}
	} else if (ci_prefix(h, hl, "upgrade:")) {
		d->mflags |= MF_UPGRADE;
	}
}

static uint8_t
queue_pop(struct http_msg_state *s, int *found)
{
	uint8_t m;

	if (s->q_len == 0) {
		*found = 0;
		return HTTP_MSG_METHOD_OTHER;
	}
	*found = 1;
	m = s->queue[s->q_head];
	s->q_head = (uint8_t)((s->q_head + 1) % HTTP_MSG_QUEUE);
	s->q_len--;
	return m;
}

static uint8_t
queue_peek(const struct http_msg_state *s)
{
	return s->q_len ? s->queue[s->q_head] : HTTP_MSG_METHOD_OTHER;
}

static void
queue_push(struct http_msg_state *s, uint8_t m, struct http_msg_counters *c)
{
	if (s->q_len == HTTP_MSG_QUEUE) {
		c->v[HTTP_MSG_CTR_PIPELINE_OVERFLOW]++;
		return;
	}
	s->queue[(s->q_head + s->q_len) % HTTP_MSG_QUEUE] = m;
	s->q_len++;
}

/* Body framing once the empty line ends the header section (RFC 9112 6.3). */
static void
end_headers(struct http_msg_state *s, struct http_msg_dir *d, struct http_msg_counters *c)
{
	uint8_t mf = d->mflags;

	if (mf & MF_RESPONSE) {
		uint16_t st = d->status;
		uint8_t m;
		int found;

		if (mf & MF_BAD_STATUS) {
			(void)queue_pop(s, &found);
			lose(d, c);
			return;
		}
		if (st < 200) {
			if (st == 101) {
				(void)queue_pop(s, &found);
				tunnel(s, c);
				return;
			}
			d->state = ST_START; /* interim: the request still waits for its answer */
			return;
		}
		m = queue_peek(s);
		(void)queue_pop(s, &found);
		if (!found)
			c->v[HTTP_MSG_CTR_UNSOLICITED]++;
		if (found && m == HTTP_MSG_METHOD_CONNECT && st < 300) {
			tunnel(s, c);
			return;
		}
		if ((found && m == HTTP_MSG_METHOD_HEAD) || st == 204 || st == 304) {
			d->state = ST_START;
			return;
		}
		if (mf & MF_CHUNKED)
			d->state = ST_CHUNK_SIZE;
		else if (mf & MF_TE_OTHER)
			d->state = ST_BODY_EOF;
		else if (mf & MF_BAD_CL)
			lose(d, c);
		else if (mf & MF_CL)
			d->state = d->remaining ? ST_BODY_CL : ST_START;
		else
			d->state = ST_BODY_EOF;
		return;
	}
	queue_push(s, d->method, c);
	if (mf & MF_CHUNKED)
		d->state = ST_CHUNK_SIZE;
	else if (mf & (MF_TE_OTHER | MF_BAD_CL))
		lose(d, c); /* RFC 9112 6.3: the server cannot frame it either */
	else if ((mf & MF_CL) && d->remaining)
		d->state = ST_BODY_CL;
	else if (d->method == HTTP_MSG_METHOD_CONNECT || (mf & MF_UPGRADE))
		d->state = ST_WAIT_TUNNEL;
	else
		d->state = ST_START;
}

static void
chunk_size_line(struct http_msg_dir *d, struct http_msg_counters *c)
{
	const uint8_t *h = d->head;
	uint32_t cl = line_content_len(d), hl = d->head_len, i;
	uint64_t v = 0;

	if (hl > cl)
		hl = cl;
	for (i = 0; i < hl && i < 16; i++) {
		uint8_t ch = lower(h[i]);

		if (is_digit(ch))
			v = v * 16 + (uint64_t)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			v = v * 16 + (uint64_t)(ch - 'a' + 10);
		else
			break;
	}
	/* digits, then the end, OWS or a chunk extension */
	if (i == 0 || v > BODY_MAX || (i < hl && h[i] != ';' && h[i] != ' ' && h[i] != '\t') ||
		(i == hl && cl > hl)) {
		lose(d, c);
		return;
	}
	if (v == 0) {
		d->state = ST_TRAILERS;
		return;
	}
	d->remaining = v;
	d->state = ST_CHUNK_DATA;
}

/* A complete line (LF seen) in a line-oriented state. */
static void
line_done(struct http_msg_state *s, struct http_msg_dir *d, struct http_msg_counters *c)
{
	uint32_t cl = line_content_len(d);
	enum start_kind k;
	uint16_t status = 0;
	uint8_t method = HTTP_MSG_METHOD_OTHER;
	int bad_version = 0;

	switch (d->state) {
	case ST_START:
	case ST_WAIT_TUNNEL:
		if (cl == 0)
			return; /* RFC 9112 2.2: empty lines before a request are tolerated */
		k = start_line(d, 0, &method, &status, &bad_version);
		if (k == SK_NONE) {
			if (d->state == ST_WAIT_TUNNEL)
				d->state =
					ST_TUNNEL; /* the peer started talking the new protocol */
			else
				lose(d, c);
			return;
		}
		begin_message(d, k, method, status, bad_version, c);
		return;
	case ST_LOST:
		k = start_line(d, 1, &method, &status, &bad_version);
		if (k == SK_NONE)
			return;
		c->v[HTTP_MSG_CTR_RESYNC]++;
		begin_message(d, k, method, status, bad_version, c);
		return;
	case ST_HEADERS:
		if (cl == 0)
			end_headers(s, d, c);
		else
			header_line(d);
		return;
	case ST_CHUNK_SIZE:
		chunk_size_line(d, c);
		return;
	case ST_CHUNK_END:
		if (cl != 0)
			lose(d, c);
		else
			d->state = ST_CHUNK_SIZE;
		return;
	case ST_TRAILERS:
		if (cl == 0)
			d->state = ST_START;
		return;
	default:
		return;
	}
}

void
http_msg_init(struct http_msg_state *s)
{
	memset(s, 0, sizeof(*s));
}

void
http_msg_input(struct http_msg_state *s, unsigned int dir, const uint8_t *buf, uint32_t len,
	struct http_msg_counters *c)
{
	struct http_msg_dir *d;
	uint32_t pos = 0;

	if (s == NULL || c == NULL || buf == NULL || dir > 1)
		return;
	cwmp_feed(s, buf, len);
	d = &s->dir[dir];
	while (pos < len) {
		const uint8_t *lf;
		uint32_t end;
		uint64_t n;

		switch (d->state) {
		case ST_TUNNEL:
		case ST_BODY_EOF:
			return;
		case ST_BODY_CL:
		case ST_CHUNK_DATA:
			n = len - pos;
			if (n > d->remaining)
				n = d->remaining;
			d->remaining -= n;
			pos += (uint32_t)n;
			if (d->remaining == 0)
				d->state = d->state == ST_BODY_CL ? ST_START : ST_CHUNK_END;
			break;
		default:
			lf = memchr(buf + pos, '\n', len - pos);
			end = lf != NULL ? (uint32_t)(lf - buf) : len;
			line_add(d, buf + pos, end - pos);
			pos = end;
			if (lf != NULL) {
				pos++;
				line_done(s, d, c);
				line_reset(d);
			}
			break;
		}
	}
}

void
http_msg_gap(struct http_msg_state *s, unsigned int dir, struct http_msg_counters *c)
{
	struct http_msg_dir *d;

	if (s == NULL || c == NULL || dir > 1)
		return;
	d = &s->dir[dir];
	line_reset(d);
	if (d->state == ST_TUNNEL || d->state == ST_BODY_EOF || d->state == ST_LOST)
		return;
	lose(d, c);
}
