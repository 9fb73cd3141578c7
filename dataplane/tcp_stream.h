/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Bounded in-order TCP byte stream, one per flow direction, for SIP over TCP.
 *
 * SIP over TCP is framed by Content-Length (RFC 3261 18.3): a message may span
 * segments and a segment may carry several messages. The worker keeps, per
 * direction of a TCP flow, a struct tcp_stream (32 bytes) and a buffer of
 * fixed capacity taken from a per-worker pool. tcp_stream_segment() puts the
 * payload of each segment at its place in the sequence space; the caller then
 * frames messages over the contiguous unconsumed bytes with sip_msg_parse()
 * and consumes what it framed:
 *
 *	r = tcp_stream_segment(&st, seq, tcp_flags, payload, plen);
 *	count(tcp_seg_result_name(r));
 *	for (;;) {
 *		uint32_t n;
 *		const uint8_t *p = tcp_stream_data(&st, &n);
 *		int m = n ? sip_msg_parse(p, n, SIP_TRANSPORT_STREAM, &msg) : SIP_PARSE_NEED_MORE;
 *		if (m > 0) {
 *			handle(p, &msg);          (keep-alives included: skip them)
 *			tcp_stream_consume(&st, m);
 *		} else if (m == SIP_PARSE_NEED_MORE) {
 *			if (msg.msg_len > tcp_stream_cap(&st))
 *				tcp_stream_skip(&st, msg.msg_len);   (too big: skip it, stay in
 *sync) break;                                      (bytes stay buffered) } else {
 *			tcp_stream_lose(&st);                       (framing lost: resynchronise)
 *			break;
 *		}
 *	}
 *
 * The caller must drain complete messages after every segment: the buffer only
 * ever holds the incomplete tail of the stream, so "no room" means that an
 * incomplete message outgrew the buffer.
 *
 * Policies (all bounded, no allocation, never reads past len, O(len + cap)
 * work per call at most, and only when compacting):
 *
 *  - Start: a SYN gives the initial sequence number (payload starts at
 *    ISN + 1). Without a SYN (capture or appliance started mid-connection) the
 *    first segment with payload is taken as the start of the stream; if it
 *    starts inside a message the parser reports MALFORMED and the caller's
 *    tcp_stream_lose() resynchronises (below).
 *  - Sequence numbers use serial arithmetic (RFC 1982 style, 32 bits), so the
 *    stream crosses the 2^32 wrap transparently.
 *  - Retransmissions: a segment entirely before the next expected byte is a
 *    DUPLICATE and ignored; one overlapping it (including bytes already
 *    consumed) is trimmed to its new bytes.
 *  - Out of order: ONE out-of-order block is held beyond a hole (so a single
 *    lost-and-retransmitted segment followed by more data costs nothing);
 *    later segments that touch the block extend it; a segment that would
 *    open a second hole, or does not fit in the buffer, is dropped
 *    (OOO_DROPPED). If more than TCP_STREAM_HOLE_SEGS segments arrive while
 *    data is missing (the hole will not be filled, e.g. a loss on a mirror
 *    port that no retransmission repairs), the stream declares a GAP: when the
 *    held block begins with a SIP start line the stream jumps to it,
 *    otherwise it is LOST.
 *  - Overflow: in-order data that does not fit next to the unconsumed bytes
 *    (after compaction) means an incomplete message larger than the buffer:
 *    the stream is LOST (OVERFLOW).
 *  - Lost stream: buffered bytes are dropped and segments are skipped until
 *    one, at or after the highest sequence seen, begins with a SIP start
 *    line (tcp_stream_sip_start()); the stream restarts there (RESYNCED). A
 *    message is assumed to start at a segment boundary, which is how user
 *    agents and proxies send them; a message starting inside a segment is
 *    not searched for, since bodies (message/sipfrag) contain start lines.
 *  - A message larger than the buffer whose size is known (the parser gives
 *    msg_len once the headers are in) is skipped with tcp_stream_skip()
 *    without losing the framing; the bytes are dropped as they arrive, and
 *    missing bytes inside the skipped range do not matter.
 *  - FIN closes the stream once every byte before it has arrived (a FIN
 *    held out of order closes when the hole fills); RST closes it at once
 *    when its sequence is within the buffer capacity of the next expected
 *    byte (RFC 5961 spirit: a blind RST far outside is ignored). Unconsumed
 *    bytes stay readable after close; later payload is AFTER_CLOSE. A SYN
 *    ahead of the stream, or any new SYN on a closed stream, RESTARTs it
 *    (port reuse).
 *
 * Nothing here is thread-safe: a stream is owned by the worker of its flow.
 */
#ifndef VPEP_TCP_STREAM_H
#define VPEP_TCP_STREAM_H

#include <stdbool.h>
#include <stdint.h>

/* tcp_flags bits used (the TCP header's flag octet can be passed as is). */
#define TCP_STREAM_FIN 0x01
#define TCP_STREAM_SYN 0x02
#define TCP_STREAM_RST 0x04

/* Out-of-order segments tolerated while a hole is open before declaring a gap. */
#define TCP_STREAM_HOLE_SEGS 16
/* Largest buffer capacity accepted (keeps every offset far from 2^31). */
#define TCP_STREAM_CAP_MAX (1u << 24)
/* Out-of-order data is held only this far (bytes) beyond the next expected byte. */
#define TCP_STREAM_OOO_MAX 65535u
/* Bytes of a segment tcp_stream_sip_start() looks at for the end of the first line. */
#define TCP_STREAM_START_LINE_MAX 512u

/*
 * Results of tcp_stream_segment(), one counter each in the dataplane; the
 * second column is the counter name (tcp_seg_result_name()).
 */
#define TCP_SEG_LIST(X)                                                                            \
	X(APPENDED, "appended")	      /* new in-order bytes (after trimming any overlap) */        \
	X(EMPTY, "empty")	      /* no payload and nothing else happened (pure ACK) */        \
	X(SYN, "syn")		      /* initial sequence number learned */                        \
	X(DUPLICATE, "duplicate")     /* every byte already received: ignored */                   \
	X(HELD, "ooo_held")	      /* out of order, held beyond a hole */                       \
	X(OOO_DROPPED, "ooo_dropped") /* out of order, could not be held */                        \
	X(OVERFLOW, "overflow")	      /* incomplete message outgrew the buffer: stream lost */     \
	X(GAP, "gap")		      /* hole never filled: jumped past it or stream lost */       \
	X(RESYNC_SKIP, "resync_skip") /* lost stream: segment not at a message start, dropped */   \
	X(RESYNCED, "resynced")	      /* lost stream: restarted at a SIP start line */             \
	X(SKIPPED, "skipped")	      /* bytes of a message being skipped (tcp_stream_skip) */     \
	X(CLOSED, "closed")	      /* FIN or RST processed: stream closed */                    \
	X(AFTER_CLOSE, "after_close") /* segment on a closed stream: ignored */                    \
	X(RESTART, "restart")	      /* SYN of a new connection: stream restarted */              \
	X(RST_IGNORED, "rst_ignored") /* RST with a sequence far from the stream: ignored */

#define TCP_SEG_ENUM_(id, name) TCP_SEG_##id,
enum tcp_seg_result { TCP_SEG_LIST(TCP_SEG_ENUM_) TCP_SEG_MAX };
#undef TCP_SEG_ENUM_

enum tcp_stream_state {
	TCP_STREAM_S_INIT = 0, /* nothing seen yet */
	TCP_STREAM_S_OPEN,     /* in sync: bytes are appended in order */
	TCP_STREAM_S_SKIP,     /* in sync, dropping the rest of an oversized message */
	TCP_STREAM_S_LOST,     /* framing lost: waiting for a segment with a start line */
	TCP_STREAM_S_CLOSED,   /* FIN/RST seen */
};

/*
 * One direction of a TCP connection. 32 bytes on LP64. Fields are private:
 * use the functions below. Unconsumed bytes are buf[head, tail); an
 * out-of-order block (if any) is buf[tail + ooo.off, tail + ooo.off + ooo.len).
 */
struct tcp_stream {
	uint8_t *buf;
	uint32_t cap;
	uint32_t next_seq; /* sequence number of the byte that belongs at buf[tail] */
	uint32_t head;
	uint32_t tail;
	union {
		struct {
			uint16_t off; /* hole length: block starts this far after tail */
			uint16_t len; /* block length, 0 = no block */
		} ooo;		      /* state OPEN */
		uint32_t skip;	      /* state SKIP: bytes still to drop */
	};
	uint8_t state;	  /* enum tcp_stream_state */
	uint8_t flags;	  /* TCP_STREAM_F_* (private) */
	uint8_t ooo_segs; /* out-of-order arrivals since the stream was last hole-free */
	uint8_t pad;
};

/**
 * Attach a buffer and reset the stream to INIT. buf may be NULL only with
 * cap 0 (every payload then overflows). Returns 0, or -EINVAL (NULL s, buf
 * NULL with cap > 0, cap > TCP_STREAM_CAP_MAX).
 */
int tcp_stream_init(struct tcp_stream *s, uint8_t *buf, uint32_t cap);

/**
 * Feed one segment of this direction: its sequence number, the TCP flag
 * octet (FIN/SYN/RST are used) and its payload (data may be NULL when len
 * is 0). Never reads data past len; copies at most len bytes into the
 * buffer; may compact the unconsumed bytes (memmove of at most cap bytes).
 * @return an enum tcp_seg_result (>= 0) saying what happened, or -EINVAL.
 *   When one segment does several things, the result is the most notable:
 *   CLOSED when a FIN/RST took effect (its in-order payload, if any, was
 *   appended first), GAP/OVERFLOW when the stream was lost (the segment
 *   itself may then have resynchronised it: check tcp_stream_avail()).
 */
int tcp_stream_segment(
	struct tcp_stream *s, uint32_t seq, uint8_t tcp_flags, const uint8_t *data, uint32_t len);

/** Contiguous unconsumed bytes: returns their start, *len their count (0: nothing). */
const uint8_t *tcp_stream_data(const struct tcp_stream *s, uint32_t *len);

/** Number of contiguous unconsumed bytes. */
uint32_t tcp_stream_avail(const struct tcp_stream *s);

/** Buffer capacity (the largest message the stream can hold). */
uint32_t tcp_stream_cap(const struct tcp_stream *s);

/**
 * Mark the first n unconsumed bytes as consumed (a message was framed).
 * Returns 0, or -EINVAL if n exceeds tcp_stream_avail().
 */
int tcp_stream_consume(struct tcp_stream *s, uint32_t n);

/**
 * Consume n bytes of which only some are buffered yet: for a message the
 * parser sized (msg_len) that is larger than the buffer. The buffered bytes
 * are dropped and the next n - avail bytes of the stream will be dropped as
 * they arrive (SKIPPED), after which the stream continues in sync. A held
 * out-of-order block is discarded. n <= avail is tcp_stream_consume().
 * Returns 0, or -EINVAL (stream not OPEN with n > avail, or n >= 2^31).
 */
int tcp_stream_skip(struct tcp_stream *s, uint32_t n);

/**
 * The caller lost the framing (the parser said MALFORMED): drop the buffered
 * bytes and resynchronise at the next segment that begins with a SIP start
 * line. On a closed stream the unconsumed bytes are dropped and the stream
 * stays closed; no effect on a stream not yet started.
 */
void tcp_stream_lose(struct tcp_stream *s);

/** enum tcp_stream_state of the stream. */
enum tcp_stream_state tcp_stream_state(const struct tcp_stream *s);

/** True once FIN or RST closed the stream (unconsumed bytes stay readable). */
bool tcp_stream_closed(const struct tcp_stream *s);

/**
 * Sequence number of the first unconsumed byte (OPEN), of the next byte to
 * skip (SKIP), or of the highest byte seen (LOST); 0 in INIT. While the
 * stream stays in sync it only moves forward (serial order).
 */
uint32_t tcp_stream_head_seq(const struct tcp_stream *s);

/**
 * True if p begins with a SIP start line: "SIP/2.0 " + a 3-digit code, or a
 * method token, one SP, a request target without controls or SP, one SP and
 * "SIP/2.0" followed by CR or LF, all within the first
 * TCP_STREAM_START_LINE_MAX bytes and within len.
 */
bool tcp_stream_sip_start(const uint8_t *p, uint32_t len);

/** Counter name of a result ("ooo_held"); "unknown" when out of range. */
const char *tcp_seg_result_name(int result);

#endif /* VPEP_TCP_STREAM_H */
