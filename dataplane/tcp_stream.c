/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Bounded in-order TCP byte stream; see tcp_stream.h for the policies.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "tcp_stream.h"

/* tcp_stream.flags */
#define TCP_STREAM_F_SYN_SEEN (1u << 0) /* the ISN came from a SYN */
#define TCP_STREAM_F_OOO_FIN  (1u << 1) /* the held block ends with the FIN */

#define TCP_SEG_NAME_(id, name) [TCP_SEG_##id] = name,
static const char *const seg_names[TCP_SEG_MAX] = {TCP_SEG_LIST(TCP_SEG_NAME_)};
#undef TCP_SEG_NAME_

_Static_assert(sizeof(struct tcp_stream) <= 32, "tcp_stream header must stay within 32 bytes");

const char *
tcp_seg_result_name(int result)
{
	if (result < 0 || result >= TCP_SEG_MAX)
		return "unknown";
	return seg_names[result];
}

/* Serial-number difference a - b: negative when a is before b (RFC 1982, 32 bits). */
static inline int32_t
seq_diff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

static inline uint32_t
seq_max(uint32_t a, uint32_t b)
{
	return seq_diff(a, b) >= 0 ? a : b;
}

int
tcp_stream_init(struct tcp_stream *s, uint8_t *buf, uint32_t cap)
{
	if (s == NULL || (buf == NULL && cap > 0) || cap > TCP_STREAM_CAP_MAX)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	s->buf = buf;
	s->cap = cap;
	s->state = TCP_STREAM_S_INIT;
	return 0;
}

/* ---- start-line recognition ---------------------------------------------------------------- */

static bool
is_token_char(uint8_t c)
{
	/* RFC 3261 25.1 token: alphanum and -.!%*_+`'~ */
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return c == '-' || c == '.' || c == '!' || c == '%' || c == '*' || c == '_' || c == '+' ||
	       c == '`' || c == '\'' || c == '~';
}

bool
tcp_stream_sip_start(const uint8_t *p, uint32_t len)
{
	static const char ver[] = "SIP/2.0";
	const uint32_t vlen = sizeof(ver) - 1;
	uint32_t lim = len < TCP_STREAM_START_LINE_MAX ? len : TCP_STREAM_START_LINE_MAX;
	uint32_t i = 0, sp2;

	if (p == NULL || lim == 0)
		return false;
	/* Status line: "SIP/2.0 " 3DIGIT. */
	if (lim >= vlen + 4 && memcmp(p, ver, vlen) == 0 && p[vlen] == ' ')
		return p[vlen + 1] >= '1' && p[vlen + 1] <= '6' && p[vlen + 2] >= '0' &&
		       p[vlen + 2] <= '9' && p[vlen + 3] >= '0' && p[vlen + 3] <= '9';
	/* Request line: token SP target SP "SIP/2.0" (CR|LF). */
	while (i < lim && is_token_char(p[i]))
		i++;
	if (i == 0 || i >= lim || p[i] != ' ')
		return false;
	i++;
	sp2 = i;
	while (i < lim && p[i] > ' ' && p[i] < 0x7f)
		i++;
	if (i == sp2 || i >= lim || p[i] != ' ')
		return false;
	i++;
	if (lim - i < vlen + 1 || memcmp(p + i, ver, vlen) != 0)
		return false;
	return p[i + vlen] == '\r' || p[i + vlen] == '\n';
}

/* ---- buffer management --------------------------------------------------------------------- */

static void
drop_ooo(struct tcp_stream *s)
{
	if (s->state == TCP_STREAM_S_OPEN || s->state == TCP_STREAM_S_CLOSED) {
		s->ooo.off = 0;
		s->ooo.len = 0;
	}
	s->flags &= (uint8_t)~TCP_STREAM_F_OOO_FIN;
	s->ooo_segs = 0;
}

static inline uint32_t
ooo_end(const struct tcp_stream *s)
{
	return s->ooo.len ? (uint32_t)s->ooo.off + s->ooo.len : 0;
}

/*
 * Make room so that `need` bytes fit after tail (held block included in the
 * bytes to keep). Moves the unconsumed bytes and the block to the start of
 * the buffer when that helps. Returns true if they fit.
 */
static bool
make_room(struct tcp_stream *s, uint32_t need)
{
	uint32_t keep;

	if (need <= s->cap - s->tail)
		return true;
	if (s->head == 0 || need > s->cap - (s->tail - s->head))
		return false;
	keep = s->tail - s->head + ooo_end(s);
	memmove(s->buf, s->buf + s->head, keep);
	s->tail -= s->head;
	s->head = 0;
	return true;
}

/* Forget everything buffered; the stream waits for a start line at or after next_seq. */
static void
enter_lost(struct tcp_stream *s, uint32_t seen_end)
{
	uint32_t end = s->next_seq;

	if (s->state == TCP_STREAM_S_OPEN && s->ooo.len)
		end = s->next_seq + ooo_end(s);
	drop_ooo(s);
	s->skip = 0;
	s->head = 0;
	s->tail = 0;
	s->next_seq = seq_max(end, seen_end);
	s->state = TCP_STREAM_S_LOST;
}

/*
 * Lost stream: resynchronise at this segment if it begins a SIP message at or
 * after the highest sequence seen. Returns RESYNCED, RESYNC_SKIP, or
 * OVERFLOW when the resynchronising segment alone exceeds the buffer.
 */
static int
lost_segment(struct tcp_stream *s, uint32_t seq, const uint8_t *data, uint32_t len)
{
	uint32_t end = seq + len;

	if (len == 0)
		return TCP_SEG_EMPTY;
	if (seq_diff(seq, s->next_seq) < 0 || !tcp_stream_sip_start(data, len)) {
		s->next_seq = seq_max(s->next_seq, end);
		return TCP_SEG_RESYNC_SKIP;
	}
	if (len > s->cap) {
		s->next_seq = end;
		return TCP_SEG_OVERFLOW;
	}
	memcpy(s->buf, data, len);
	s->head = 0;
	s->tail = len;
	s->next_seq = end;
	s->ooo.off = 0;
	s->ooo.len = 0;
	s->ooo_segs = 0;
	s->state = TCP_STREAM_S_OPEN;
	return TCP_SEG_RESYNCED;
}

/*
 * Too many segments arrived while a hole stayed open: give up on the hole.
 * If the held block begins with a start line, continue from it; otherwise
 * the stream is lost and the current segment gets a chance to resync it.
 */
static void
declare_gap(struct tcp_stream *s)
{
	if (s->ooo.len && tcp_stream_sip_start(s->buf + s->tail + s->ooo.off, s->ooo.len)) {
		uint32_t blen = s->ooo.len;
		bool fin = s->flags & TCP_STREAM_F_OOO_FIN;

		memmove(s->buf, s->buf + s->tail + s->ooo.off, blen);
		s->next_seq += (uint32_t)s->ooo.off + blen;
		s->head = 0;
		s->tail = blen;
		drop_ooo(s);
		if (fin)
			s->state = TCP_STREAM_S_CLOSED;
		return;
	}
	enter_lost(s, s->next_seq);
}

/*
 * In-order bytes at next_seq. Merges the held block when the bytes reach it.
 * Returns APPENDED, CLOSED (a held FIN became in order) or OVERFLOW.
 */
static int
append_inorder(struct tcp_stream *s, const uint8_t *data, uint32_t len)
{
	uint32_t adv = len;

	if (!make_room(s, len)) {
		/* The caller gives this segment a chance to resynchronise. */
		enter_lost(s, s->next_seq);
		return TCP_SEG_OVERFLOW;
	}
	memcpy(s->buf + s->tail, data, len);
	if (s->ooo.len) {
		if (len >= s->ooo.off) {
			/* Reached the block: bytes up to its end are all present now. */
			bool fin = s->flags & TCP_STREAM_F_OOO_FIN;

			if (ooo_end(s) > adv)
				adv = ooo_end(s);
			drop_ooo(s);
			s->tail += adv;
			s->next_seq += adv;
			if (fin) {
				s->state = TCP_STREAM_S_CLOSED;
				return TCP_SEG_CLOSED;
			}
			return TCP_SEG_APPENDED;
		}
		s->ooo.off = (uint16_t)(s->ooo.off - len);
	} else {
		s->ooo_segs = 0;
	}
	s->tail += adv;
	s->next_seq += adv;
	return TCP_SEG_APPENDED;
}

/* Out-of-order segment d > 0 bytes after next_seq. */
static int
hold_segment(struct tcp_stream *s, uint32_t d, const uint8_t *data, uint32_t len, bool fin)
{
	uint32_t off = d, end = d + len, bo, be, nb, ne;

	if (len == 0) {
		/*
		 * A pure ACK ahead of the stream says nothing new; a bare FIN that
		 * ends the held block is remembered with it.
		 */
		if (fin && s->ooo.len && d == ooo_end(s)) {
			s->flags |= TCP_STREAM_F_OOO_FIN;
			return TCP_SEG_HELD;
		}
		return TCP_SEG_EMPTY;
	}
	if (s->ooo_segs < 255)
		s->ooo_segs++;
	if (s->ooo_segs > TCP_STREAM_HOLE_SEGS) {
		declare_gap(s);
		return TCP_SEG_GAP;
	}
	if (d > TCP_STREAM_OOO_MAX || end > TCP_STREAM_OOO_MAX)
		return TCP_SEG_OOO_DROPPED;
	if (s->ooo.len == 0) {
		nb = off;
		ne = end;
	} else {
		bo = s->ooo.off;
		be = ooo_end(s);
		if (off > be || end < bo)
			return TCP_SEG_OOO_DROPPED; /* would open a second hole */
		nb = off < bo ? off : bo;
		ne = end > be ? end : be;
	}
	if (!make_room(s, ne))
		return TCP_SEG_OOO_DROPPED;
	memcpy(s->buf + s->tail + off, data, len);
	if (s->ooo.len == 0 || end >= ooo_end(s)) {
		/* The block now ends with this segment: its FIN (if any) ends the block. */
		if (fin)
			s->flags |= TCP_STREAM_F_OOO_FIN;
		else if (end > ooo_end(s))
			s->flags &= (uint8_t)~TCP_STREAM_F_OOO_FIN;
	}
	s->ooo.off = (uint16_t)nb;
	s->ooo.len = (uint16_t)(ne - nb);
	return TCP_SEG_HELD;
}

/* ---- the segment entry point --------------------------------------------------------------- */

static int
close_stream(struct tcp_stream *s)
{
	drop_ooo(s);
	if (s->state == TCP_STREAM_S_SKIP || s->state == TCP_STREAM_S_LOST) {
		s->skip = 0;
		s->head = 0;
		s->tail = 0;
	}
	s->ooo.off = 0;
	s->ooo.len = 0;
	s->state = TCP_STREAM_S_CLOSED;
	return TCP_SEG_CLOSED;
}

static void
restart(struct tcp_stream *s, uint32_t isn)
{
	s->head = 0;
	s->tail = 0;
	s->ooo.off = 0;
	s->ooo.len = 0;
	s->ooo_segs = 0;
	s->flags = TCP_STREAM_F_SYN_SEEN;
	s->next_seq = isn;
	s->state = TCP_STREAM_S_OPEN;
}

/*
 * SKIP state: drop the bytes of the oversized message. Missing bytes inside
 * the skipped range are irrelevant, so a hole there is simply jumped.
 * Updates seq, data and len to what is left after the skipped range; returns
 * true when the caller should go on with OPEN processing.
 */
static bool
skip_bytes(struct tcp_stream *s, uint32_t *seq, const uint8_t **data, uint32_t *len)
{
	int32_t d = seq_diff(*seq, s->next_seq);
	uint32_t n;

	if (d < 0) {
		uint32_t old = (uint32_t) - (int64_t)d;

		if (*len <= old)
			return false; /* duplicate of skipped or earlier bytes */
		*data += old;
		*len -= old;
		*seq = s->next_seq;
		d = 0;
	}
	if ((uint32_t)d >= s->skip) {
		/* Starts at or after the end of the skipped message. */
		s->next_seq += s->skip;
		s->skip = 0;
		s->state = TCP_STREAM_S_OPEN;
		s->ooo.off = 0;
		s->ooo.len = 0;
		return true;
	}
	s->skip -= (uint32_t)d;
	s->next_seq += (uint32_t)d;
	n = *len < s->skip ? *len : s->skip;
	s->skip -= n;
	s->next_seq += n;
	*data += n;
	*len -= n;
	*seq = s->next_seq;
	if (s->skip == 0) {
		s->state = TCP_STREAM_S_OPEN;
		s->ooo.off = 0;
		s->ooo.len = 0;
		return true;
	}
	return false;
}

static int
open_segment(struct tcp_stream *s, uint32_t seq, const uint8_t *data, uint32_t len, bool fin)
{
	int32_t d = seq_diff(seq, s->next_seq);
	int r;

	if (d < 0) {
		uint32_t old = (uint32_t) - (int64_t)d;

		if (len <= old) {
			/* A retransmitted FIN exactly at next_seq still closes the stream. */
			if (fin && len == old && s->ooo.len == 0)
				return close_stream(s);
			return TCP_SEG_DUPLICATE;
		}
		data += old;
		len -= old;
		d = 0;
	}
	if (d > 0)
		return hold_segment(s, (uint32_t)d, data, len, fin);
	if (len == 0) {
		if (fin && s->ooo.len == 0)
			return close_stream(s);
		return TCP_SEG_EMPTY;
	}
	r = append_inorder(s, data, len);
	if (r == TCP_SEG_OVERFLOW || r == TCP_SEG_CLOSED)
		return r;
	if (fin && s->ooo.len == 0)
		return close_stream(s);
	return r;
}

int
tcp_stream_segment(
	struct tcp_stream *s, uint32_t seq, uint8_t tcp_flags, const uint8_t *data, uint32_t len)
{
	bool fin = tcp_flags & TCP_STREAM_FIN;
	int r, pre = -1;

	if (s == NULL || (data == NULL && len > 0) || len >= (1u << 31))
		return -EINVAL;

	if (tcp_flags & TCP_STREAM_RST) {
		int32_t d = seq_diff(seq, s->next_seq);
		int64_t win = s->cap > TCP_STREAM_OOO_MAX ? s->cap : TCP_STREAM_OOO_MAX;

		if (s->state == TCP_STREAM_S_CLOSED)
			return TCP_SEG_AFTER_CLOSE;
		if (s->state != TCP_STREAM_S_INIT && s->state != TCP_STREAM_S_LOST &&
			((int64_t)d > win || (int64_t)d < -win))
			return TCP_SEG_RST_IGNORED;
		return close_stream(s);
	}

	if (tcp_flags & TCP_STREAM_SYN) {
		uint32_t isn = seq + 1;

		if (s->state == TCP_STREAM_S_INIT ||
			(s->state == TCP_STREAM_S_CLOSED && isn != s->next_seq) ||
			(s->state != TCP_STREAM_S_CLOSED && seq_diff(isn, s->next_seq) > 0)) {
			pre = s->state == TCP_STREAM_S_INIT ? TCP_SEG_SYN : TCP_SEG_RESTART;
			restart(s, isn);
		} else if (len == 0 && !fin) {
			return TCP_SEG_DUPLICATE; /* retransmitted or stale SYN */
		}
		seq = isn;
	}

	switch (s->state) {
	case TCP_STREAM_S_INIT:
		if (len == 0) {
			if (fin)
				return close_stream(s);
			return TCP_SEG_EMPTY; /* a pure ACK does not anchor the stream */
		}
		/* Started mid-connection: this segment is the start of the stream. */
		s->next_seq = seq;
		s->state = TCP_STREAM_S_OPEN;
		break;
	case TCP_STREAM_S_CLOSED:
		return TCP_SEG_AFTER_CLOSE;
	case TCP_STREAM_S_LOST:
		r = lost_segment(s, seq, data, len);
		if (fin)
			return close_stream(s);
		return r;
	case TCP_STREAM_S_SKIP:
		if (!skip_bytes(s, &seq, &data, &len)) {
			if (fin && s->state == TCP_STREAM_S_SKIP && len == 0 &&
				seq_diff(seq, s->next_seq) == 0)
				return close_stream(s); /* FIN in the middle of the message */
			return TCP_SEG_SKIPPED;
		}
		if (len == 0 && !fin)
			return TCP_SEG_SKIPPED;
		break;
	default:
		break;
	}

	r = open_segment(s, seq, data, len, fin);
	if (r == TCP_SEG_GAP || r == TCP_SEG_OVERFLOW) {
		/*
		 * The stream gave up on its buffered bytes. The segment at hand was
		 * not stored: it may resynchronise a lost stream, or be in order
		 * again after a jump past the hole (no second gap: the count of
		 * out-of-order arrivals restarted).
		 */
		if (s->state == TCP_STREAM_S_LOST) {
			(void)lost_segment(s, seq, data, len);
			if (fin)
				close_stream(s);
		} else if (s->state == TCP_STREAM_S_OPEN) {
			(void)open_segment(s, seq, data, len, fin);
		}
	}
	if (pre >= 0 && (r == TCP_SEG_EMPTY || r == TCP_SEG_APPENDED))
		return pre;
	return r;
}

/* ---- consumer side ------------------------------------------------------------------------- */

const uint8_t *
tcp_stream_data(const struct tcp_stream *s, uint32_t *len)
{
	if (s == NULL || s->buf == NULL) {
		if (len != NULL)
			*len = 0;
		return NULL;
	}
	if (len != NULL)
		*len = s->tail - s->head;
	return s->buf + s->head;
}

uint32_t
tcp_stream_avail(const struct tcp_stream *s)
{
	return s != NULL ? s->tail - s->head : 0;
}

uint32_t
tcp_stream_cap(const struct tcp_stream *s)
{
	return s != NULL ? s->cap : 0;
}

int
tcp_stream_consume(struct tcp_stream *s, uint32_t n)
{
	if (s == NULL || n > s->tail - s->head)
		return -EINVAL;
	s->head += n;
	if (s->head == s->tail && !(s->state == TCP_STREAM_S_OPEN && s->ooo.len)) {
		/* Empty: start again at the beginning of the buffer, for free. */
		s->head = 0;
		s->tail = 0;
	}
	return 0;
}

int
tcp_stream_skip(struct tcp_stream *s, uint32_t n)
{
	uint32_t avail;

	if (s == NULL)
		return -EINVAL;
	avail = s->tail - s->head;
	if (n <= avail)
		return tcp_stream_consume(s, n);
	if (s->state != TCP_STREAM_S_OPEN || n >= (1u << 31))
		return -EINVAL;
	drop_ooo(s);
	s->head = 0;
	s->tail = 0;
	s->skip = n - avail;
	s->state = TCP_STREAM_S_SKIP;
	return 0;
}

void
tcp_stream_lose(struct tcp_stream *s)
{
	if (s == NULL)
		return;
	if (s->state == TCP_STREAM_S_CLOSED) {
		/*
		 * Nothing more will arrive to resynchronise on, and bytes left readable would
		 * be parsed (and found malformed) again after every later segment.
		 */
		s->head = 0;
		s->tail = 0;
		return;
	}
	if (s->state == TCP_STREAM_S_OPEN || s->state == TCP_STREAM_S_SKIP) {
		uint32_t end = s->next_seq;

		if (s->state == TCP_STREAM_S_SKIP)
			end += s->skip;
		enter_lost(s, end);
	}
}

enum tcp_stream_state
tcp_stream_state(const struct tcp_stream *s)
{
	return s != NULL ? (enum tcp_stream_state)s->state : TCP_STREAM_S_INIT;
}

bool
tcp_stream_closed(const struct tcp_stream *s)
{
	return s != NULL && s->state == TCP_STREAM_S_CLOSED;
}

uint32_t
tcp_stream_head_seq(const struct tcp_stream *s)
{
	if (s == NULL || s->state == TCP_STREAM_S_INIT)
		return 0;
	return s->next_seq - (s->tail - s->head);
}
