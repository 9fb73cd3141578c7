/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Per-flow HTTP/1.x message counter.
 *
 * http_msg_input() is fed the TCP payload of an http (or cwmp) flow one segment at a time, in
 * stream order, with the direction it travelled. It counts request methods and response status
 * classes, following message framing so that pipelined requests and responses in one segment
 * and messages spread over many segments are each counted once:
 *   - start line, header fields up to the empty line;
 *   - request body: Transfer-Encoding chunked, else Content-Length, else none;
 *   - response body: none for HEAD, 1xx, 204 and 304; a tunnel after 2xx to CONNECT or 101;
 *     chunked, else Content-Length, else up to the end of the connection (RFC 9112 6.3).
 * Interim (1xx) responses do not consume the pending request, so "100 Continue" + "200" is two
 * responses to one request.
 *
 * When framing is lost (a message does not start where the previous one ended, a bad chunk
 * size, conflicting Content-Length, or the caller reports a gap with http_msg_gap()), the
 * direction resynchronises at the next line that strictly looks like a start line
 * ("<token> <target> HTTP/1.x" or "HTTP/1.x <100-599>"), counting http_framing_lost and
 * http_resync.
 *
 * Either direction may carry requests or responses: the start line says which, so a wrong guess
 * of the client side costs nothing. Lines are never buffered whole: only the first
 * HTTP_MSG_HEAD_MAX and the last HTTP_MSG_TAIL_MAX bytes of the current line are kept, which is
 * all the framing decisions need. Pure: no allocation, no I/O, never reads past len.
 *
 * The state is about 160 bytes per flow (struct http_msg_state); http_msg_init() zeroes it.
 */

#ifndef HTTP_MSG_H
#define HTTP_MSG_H

#include <stdbool.h>
#include <stdint.h>

/* Bytes kept from the start / end of the current line. */
#define HTTP_MSG_HEAD_MAX 40
#define HTTP_MSG_TAIL_MAX 12
/* Requests remembered while their responses are pending (pipelining depth). */
#define HTTP_MSG_QUEUE 8
/* Stream bytes (both directions) searched for the CWMP namespace before giving up. */
#define HTTP_MSG_CWMP_SCAN_MAX 65536u

/* Methods counted by name. */
#define HTTP_MSG_METHOD_LIST(X)                                                                    \
	X(OTHER, "OTHER")                                                                          \
	X(GET, "GET")                                                                              \
	X(HEAD, "HEAD")                                                                            \
	X(POST, "POST")                                                                            \
	X(PUT, "PUT")                                                                              \
	X(DELETE, "DELETE")                                                                        \
	X(CONNECT, "CONNECT")                                                                      \
	X(OPTIONS, "OPTIONS")                                                                      \
	X(TRACE, "TRACE")                                                                          \
	X(PATCH, "PATCH")

#define HTTP_MSG_METHOD_ENUM_(id, name) HTTP_MSG_METHOD_##id,
enum http_msg_method { HTTP_MSG_METHOD_LIST(HTTP_MSG_METHOD_ENUM_) HTTP_MSG_METHOD_MAX };
#undef HTTP_MSG_METHOD_ENUM_

/*
 * Counters: X(id, name). The name is the stats JSON field and the Prometheus metric suffix.
 * The first HTTP_MSG_METHOD_MAX entries are the request methods in enum http_msg_method order.
 */
#define HTTP_MSG_CTR_LIST(X)                                                                       \
	X(REQ_OTHER, "http_req_other") /* any other method token */                                \
	X(REQ_GET, "http_req_get")                                                                 \
	X(REQ_HEAD, "http_req_head")                                                               \
	X(REQ_POST, "http_req_post")                                                               \
	X(REQ_PUT, "http_req_put")                                                                 \
	X(REQ_DELETE, "http_req_delete")                                                           \
	X(REQ_CONNECT, "http_req_connect")                                                         \
	X(REQ_OPTIONS, "http_req_options")                                                         \
	X(REQ_TRACE, "http_req_trace")                                                             \
	X(REQ_PATCH, "http_req_patch")                                                             \
	X(RESP_1XX, "http_resp_1xx")                                                               \
	X(RESP_2XX, "http_resp_2xx")                                                               \
	X(RESP_3XX, "http_resp_3xx")                                                               \
	X(RESP_4XX, "http_resp_4xx")                                                               \
	X(RESP_5XX, "http_resp_5xx")                                                               \
	X(RESP_INVALID, "http_resp_invalid")	   /* "HTTP/" line without a 100-599 status */     \
	X(REQ_BAD_VERSION, "http_req_bad_version") /* request line not ending in HTTP/1.x */       \
	X(FRAMING_LOST, "http_framing_lost")	   /* message boundary lost (see above) */         \
	X(RESYNC, "http_resync")		   /* start line found again after a loss */       \
	X(TUNNELS, "http_tunnels")		   /* CONNECT 2xx / 101: the rest is not HTTP */   \
	X(PIPELINE_OVERFLOW, "http_pipeline_overflow") /* > HTTP_MSG_QUEUE pending requests */     \
	X(UNSOLICITED, "http_resp_unsolicited")	       /* final response with no pending request */

#define HTTP_MSG_CTR_ENUM_(id, name) HTTP_MSG_CTR_##id,
enum http_msg_ctr { HTTP_MSG_CTR_LIST(HTTP_MSG_CTR_ENUM_) HTTP_MSG_CTR_MAX };
#undef HTTP_MSG_CTR_ENUM_

/* Counter increments; the caller sums them into per-worker counters. */
struct http_msg_counters {
	uint64_t v[HTTP_MSG_CTR_MAX];
};

/* One direction of the stream (opaque to callers). */
struct http_msg_dir {
	uint64_t remaining; /* body or chunk bytes still to skip; Content-Length in headers */
	uint16_t line_len;  /* bytes of the current line so far, CR included (saturates) */
	uint16_t status;    /* status of the response whose headers are being read */
	uint8_t state;	    /* enum in http_msg.c */
	uint8_t mflags;	    /* facts about the message whose headers are being read */
	uint8_t method;	    /* enum http_msg_method of the request being read */
	uint8_t head_len;
	uint8_t tail_len;
	uint8_t head[HTTP_MSG_HEAD_MAX];
	uint8_t tail[HTTP_MSG_TAIL_MAX];
};

/* http_msg_state.flags */
#define HTTP_MSG_F_CWMP	  (1u << 0) /* the CWMP namespace was seen in the stream */
#define HTTP_MSG_F_TUNNEL (1u << 1) /* CONNECT/Upgrade succeeded: no more HTTP to count */

struct http_msg_state {
	struct http_msg_dir dir[2];
	uint32_t cwmp_scanned;	       /* bytes searched for the CWMP namespace */
	uint8_t queue[HTTP_MSG_QUEUE]; /* enum http_msg_method of requests awaiting a response */
	uint8_t q_head;
	uint8_t q_len;
	uint8_t flags;	    /* HTTP_MSG_F_* */
	uint8_t cwmp_match; /* namespace bytes matched so far (across segments) */
};

/** Start a flow. */
void http_msg_init(struct http_msg_state *s);

/**
 * Feed one TCP segment's payload. dir is 0 or 1 (which end sent it; any stable choice).
 * Counter increments are added to c. Safe on any bytes.
 */
void http_msg_input(struct http_msg_state *s, unsigned int dir, const uint8_t *buf, uint32_t len,
	struct http_msg_counters *c);

/**
 * Report that bytes of direction dir are missing (a sequence gap the caller detected): the
 * direction resynchronises at the next start line.
 */
void http_msg_gap(struct http_msg_state *s, unsigned int dir, struct http_msg_counters *c);

/** Name of counter i ("http_req_get"); "?" if out of range. */
const char *http_msg_ctr_name(unsigned int i);

/** Method name ("GET", "OTHER"); "?" if out of range. */
const char *http_msg_method_name(unsigned int m);

/** Method of a token (case-sensitive, RFC 9110 9.1); HTTP_MSG_METHOD_OTHER otherwise. */
enum http_msg_method http_msg_method_lookup(const uint8_t *s, uint32_t len);

/**
 * 1 if buf[0, len) contains the TR-069 CWMP namespace "urn:dslforum-org:cwmp-1-<digit>". The
 * validator app_detect.c uses to turn an http flow into cwmp; see also http_msg_cwmp_seen()
 * for a namespace split across segments.
 */
bool http_msg_is_cwmp(const uint8_t *buf, uint32_t len);

/** True once the CWMP namespace has been seen anywhere in the stream fed to s. */
static inline bool
http_msg_cwmp_seen(const struct http_msg_state *s)
{
	return (s->flags & HTTP_MSG_F_CWMP) != 0;
}

#endif /* HTTP_MSG_H */
