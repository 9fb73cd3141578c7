/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * SIP message parser (RFC 3261), zero-copy, for the worker fast path.
 *
 * sip_msg_parse() parses ONE message (or one run of keep-alive CRLFs) at the
 * start of a buffer and fills a struct sip_msg with offset/length pairs into
 * that buffer. It never allocates, never does I/O, never reads past len and
 * runs in O(len) with a single forward pass over the start line and headers;
 * the body is located by Content-Length and not scanned (except to find an
 * SDP part inside a multipart body).
 *
 * Offsets in struct sip_msg are relative to the buf passed to the call that
 * produced them, so they stay valid for as long as the caller keeps that
 * buffer; nothing in the struct points into it.
 *
 * Typical datagram loop (one UDP payload):
 *
 *	uint32_t off = 0;
 *	while (off < len) {
 *		int n = sip_msg_parse(p + off, len - off, SIP_TRANSPORT_DGRAM, &m);
 *		if (n < 0) { count(sip_err_name(m.err)); break; }
 *		if (m.kind != SIP_KIND_KEEPALIVE) handle(p + off, &m);
 *		off += n;
 *	}
 *
 * Over a datagram transport a message owns the rest of its datagram (RFC 3261
 * 18.3: octets after the Content-Length body are discarded), so the loop above
 * runs at most twice: once for leading keep-alive CRLFs, once for the message.
 * Over a stream transport the same loop walks pipelined messages; on
 * SIP_PARSE_NEED_MORE the caller keeps the unconsumed bytes and calls again
 * with more data (the parser keeps no state between calls and re-parses).
 */
#ifndef VPEP_SIP_PARSE_H
#define VPEP_SIP_PARSE_H

#include <stdbool.h>
#include <stdint.h>

/* Number of header fields (lines) one message may carry; more is malformed. */
#define SIP_MAX_HEADERS 64
/*
 * Largest start line + header section accepted. A stream that has not
 * finished its headers within this many bytes is malformed rather than
 * need-more, so a peer cannot make the caller buffer forever.
 */
#define SIP_MAX_HDR_SECTION 65535u

/* Negative return values of sip_msg_parse(). */
#define SIP_PARSE_NEED_MORE (-1) /* stream only: message incomplete, buffer and retry */
#define SIP_PARSE_MALFORMED (-2) /* msg->err says why */

enum sip_transport {
	SIP_TRANSPORT_DGRAM = 0,  /* UDP (one message per datagram) */
	SIP_TRANSPORT_STREAM = 1, /* TCP/TLS/SCTP stream: Content-Length frames */
};

enum sip_msg_kind {
	SIP_KIND_NONE = 0, /* start line not (yet) recognised */
	SIP_KIND_REQUEST,
	SIP_KIND_RESPONSE,
	SIP_KIND_KEEPALIVE, /* a run of CR/LF before a message (RFC 5626 ping/pong) */
};

/*
 * Reasons a message is malformed. One counter per reason in the dataplane:
 * the second column is the counter-friendly name returned by sip_err_name().
 */
#define SIP_ERR_LIST(X)                                                                            \
	X(NONE, "none")                                                                            \
	X(EMPTY, "empty")		      /* zero-length datagram */                           \
	X(BAD_START_LINE, "bad_start_line")   /* tokens/spacing/characters of line 1 */            \
	X(BAD_REQUEST_URI, "bad_request_uri") /* <uri>, LWS, ?headers, empty params */             \
	X(BAD_VERSION, "bad_version")	      /* not SIP/2.0 */                                    \
	X(BAD_STATUS_CODE, "bad_status_code") /* not 3 digits in 100..699 */                       \
	X(BAD_LINE_END, "bad_line_end")	      /* CR not followed by LF */                          \
	X(BAD_HDR_NAME, "bad_hdr_name")	      /* empty/non-token name, stray fold */               \
	X(HDR_NO_COLON, "hdr_no_colon")                                                            \
	X(TOO_MANY_HEADERS, "too_many_headers")	  /* more than SIP_MAX_HEADERS lines */            \
	X(HEADERS_TRUNCATED, "headers_truncated") /* datagram ends before the empty line */        \
	X(HEADERS_TOO_LONG, "headers_too_long")	  /* > SIP_MAX_HDR_SECTION */                      \
	X(UNTERMINATED_QUOTE, "unterminated_quote")                                                \
	X(BAD_VIA, "bad_via")                                                                      \
	X(BAD_FROM, "bad_from")                                                                    \
	X(BAD_TO, "bad_to")                                                                        \
	X(BAD_CONTACT, "bad_contact")                                                              \
	X(BAD_CALL_ID, "bad_call_id")                                                              \
	X(BAD_CSEQ, "bad_cseq") /* syntax, or number >= 2^31 */                                    \
	X(CSEQ_METHOD_MISMATCH, "cseq_method_mismatch")                                            \
	X(BAD_MAX_FORWARDS, "bad_max_forwards") /* not digits, or > 255 */                         \
	X(BAD_EXPIRES, "bad_expires")		/* not digits, or > 2^32-1 */                      \
	X(BAD_CONTENT_LENGTH, "bad_content_length")                                                \
	X(BAD_CONTENT_TYPE, "bad_content_type")                                                    \
	X(BAD_DATE, "bad_date") /* not an RFC 1123 date in GMT */                                  \
	X(DUP_CALL_ID, "dup_call_id")                                                              \
	X(DUP_CSEQ, "dup_cseq")                                                                    \
	X(DUP_FROM, "dup_from")                                                                    \
	X(DUP_TO, "dup_to")                                                                        \
	X(DUP_MAX_FORWARDS, "dup_max_forwards")                                                    \
	X(DUP_EXPIRES, "dup_expires")                                                              \
	X(DUP_CONTENT_TYPE, "dup_content_type")                                                    \
	X(DUP_CONTENT_LENGTH_MISMATCH, "dup_content_length_mismatch")                              \
	X(MISSING_CALL_ID, "missing_call_id")                                                      \
	X(MISSING_CSEQ, "missing_cseq")                                                            \
	X(MISSING_FROM, "missing_from")                                                            \
	X(MISSING_TO, "missing_to")                                                                \
	X(MISSING_VIA, "missing_via")                                                              \
	X(MISSING_CONTENT_LENGTH, "missing_content_length") /* stream transport only */            \
	X(BODY_TRUNCATED, "body_truncated") /* datagram shorter than Content-Length */

#define SIP_ERR_ENUM_(id, name) SIP_ERR_##id,
enum sip_error { SIP_ERR_LIST(SIP_ERR_ENUM_) SIP_ERR_MAX };
#undef SIP_ERR_ENUM_

/* Methods (case-sensitive, RFC 3261 7.1). UNKNOWN is any other valid token. */
#define SIP_METHOD_LIST(X)                                                                         \
	X(UNKNOWN, "UNKNOWN")                                                                      \
	X(INVITE, "INVITE")                                                                        \
	X(ACK, "ACK")                                                                              \
	X(BYE, "BYE")                                                                              \
	X(CANCEL, "CANCEL")                                                                        \
	X(REGISTER, "REGISTER")                                                                    \
	X(OPTIONS, "OPTIONS")                                                                      \
	X(INFO, "INFO")                                                                            \
	X(PRACK, "PRACK")                                                                          \
	X(UPDATE, "UPDATE")                                                                        \
	X(SUBSCRIBE, "SUBSCRIBE")                                                                  \
	X(NOTIFY, "NOTIFY")                                                                        \
	X(REFER, "REFER")                                                                          \
	X(MESSAGE, "MESSAGE")                                                                      \
	X(PUBLISH, "PUBLISH")

#define SIP_METHOD_ENUM_(id, name) SIP_METHOD_##id,
enum sip_method { SIP_METHOD_LIST(SIP_METHOD_ENUM_) SIP_METHOD_MAX };
#undef SIP_METHOD_ENUM_

/*
 * Header fields recognised by name (case-insensitive), with their compact
 * form where IANA registers one. Suricata's table (i m e l c f s k t v) is a
 * subset; the others are a (RFC 3841), b (RFC 3892), d (RFC 3841), j (RFC
 * 3841), n (RFC 4474, obsoleted by RFC 8224), o and u (RFC 6665), r (RFC
 * 3515), x (RFC 4028), y (RFC 8224). Columns: id, long name, compact form
 * (0 if none).
 */
#define SIP_HDR_LIST(X)                                                                            \
	X(OTHER, "", 0)                                                                            \
	X(ACCEPT_CONTACT, "Accept-Contact", 'a')                                                   \
	X(ALLOW_EVENTS, "Allow-Events", 'u')                                                       \
	X(CALL_ID, "Call-ID", 'i')                                                                 \
	X(CONTACT, "Contact", 'm')                                                                 \
	X(CONTENT_ENCODING, "Content-Encoding", 'e')                                               \
	X(CONTENT_LENGTH, "Content-Length", 'l')                                                   \
	X(CONTENT_TYPE, "Content-Type", 'c')                                                       \
	X(CSEQ, "CSeq", 0)                                                                         \
	X(DATE, "Date", 0)                                                                         \
	X(EVENT, "Event", 'o')                                                                     \
	X(EXPIRES, "Expires", 0)                                                                   \
	X(FROM, "From", 'f')                                                                       \
	X(IDENTITY, "Identity", 'y')                                                               \
	X(IDENTITY_INFO, "Identity-Info", 'n')                                                     \
	X(MAX_FORWARDS, "Max-Forwards", 0)                                                         \
	X(RECORD_ROUTE, "Record-Route", 0)                                                         \
	X(REFER_TO, "Refer-To", 'r')                                                               \
	X(REFERRED_BY, "Referred-By", 'b')                                                         \
	X(REJECT_CONTACT, "Reject-Contact", 'j')                                                   \
	X(REQUEST_DISPOSITION, "Request-Disposition", 'd')                                         \
	X(REQUIRE, "Require", 0)                                                                   \
	X(ROUTE, "Route", 0)                                                                       \
	X(SERVER, "Server", 0)                                                                     \
	X(SESSION_EXPIRES, "Session-Expires", 'x')                                                 \
	X(SUBJECT, "Subject", 's')                                                                 \
	X(SUPPORTED, "Supported", 'k')                                                             \
	X(TO, "To", 't')                                                                           \
	X(USER_AGENT, "User-Agent", 0)                                                             \
	X(VIA, "Via", 'v')

#define SIP_HDR_ENUM_(id, name, compact) SIP_HDR_##id,
enum sip_hdr_id { SIP_HDR_LIST(SIP_HDR_ENUM_) SIP_HDR_MAX };
#undef SIP_HDR_ENUM_

/* Via transport (sent-protocol's third token), case-insensitive. */
enum sip_via_transport {
	SIP_VIA_TP_OTHER = 0,
	SIP_VIA_TP_UDP,
	SIP_VIA_TP_TCP,
	SIP_VIA_TP_TLS,
	SIP_VIA_TP_SCTP,
	SIP_VIA_TP_TLS_SCTP,
	SIP_VIA_TP_WS,
	SIP_VIA_TP_WSS,
};

enum sip_uri_scheme {
	SIP_URI_OTHER = 0, /* any other syntactically valid scheme (RFC 4475 3.3.2-3.3.4) */
	SIP_URI_SIP,
	SIP_URI_SIPS,
	SIP_URI_TEL,
};

/* A byte range of the parsed buffer. len == 0 means absent or empty. */
struct sip_str {
	uint32_t off;
	uint32_t len;
};

/* One header field line as it appeared (name as written, value trimmed). */
struct sip_hdr {
	uint32_t name_off;
	uint32_t val_off;
	uint32_t val_len; /* may include folding CRLF+WSP inside */
	uint16_t name_len;
	uint8_t id;	 /* enum sip_hdr_id */
	uint8_t compact; /* 1 if written in compact form */
};

/* From / To / first Contact: display-name, URI and tag. */
struct sip_name_addr {
	struct sip_str value;	/* the whole (first) header value */
	struct sip_str display; /* without the quotes; escapes left as written */
	struct sip_str uri;	/* without < > */
	struct sip_str tag;	/* tag parameter value, empty if none */
};

/* The top (first) Via value. */
struct sip_via {
	struct sip_str value;	  /* the top via-parm, up to a ',' or the end */
	struct sip_str transport; /* e.g. "UDP" */
	struct sip_str host;	  /* sent-by host; IPv6 without the brackets */
	struct sip_str branch;
	struct sip_str received;
	uint16_t port; /* 0 if absent */
	uint8_t tp;    /* enum sip_via_transport */
	uint8_t rport; /* 1 if an rport parameter is present */
};

/* sip_msg.flags */
#define SIP_F_BARE_LF	      (1u << 0) /* some line ended in LF without CR (tolerated) */
#define SIP_F_FOLDED	      (1u << 1) /* some header used line folding */
#define SIP_F_HAS_CL	      (1u << 2) /* Content-Length present */
#define SIP_F_DUP_CL	      (1u << 3) /* repeated Content-Length with the same value */
#define SIP_F_HAS_MAX_FWD     (1u << 4)
#define SIP_F_HAS_EXPIRES     (1u << 5)
#define SIP_F_BRANCH_3261     (1u << 6)	 /* top Via branch has the z9hG4bK cookie + more */
#define SIP_F_SDP	      (1u << 7)	 /* msg->sdp locates an application/sdp body or part */
#define SIP_F_MULTIPART	      (1u << 8)	 /* Content-Type multipart/... */
#define SIP_F_CONTACT_STAR    (1u << 9)	 /* Contact: * */
#define SIP_F_TRAILING_OCTETS (1u << 10) /* datagram had octets after the body (discarded) */
#define SIP_F_CONTENT_ENCODED (1u << 11) /* Content-Encoding present: body may not be plain */
#define SIP_F_HAS_DATE	      (1u << 12)

/*
 * Parse result. Fields are valid as far as parsing got: on MALFORMED, what
 * was parsed before the error is kept (kind is set once the start line is
 * valid, so a classifier can still tell "SIP, but broken").
 */
struct sip_msg {
	uint8_t kind;	     /* enum sip_msg_kind */
	uint8_t method;	     /* enum sip_method (requests) */
	uint8_t cseq_method; /* enum sip_method of the CSeq */
	uint8_t err_hdr;     /* enum sip_hdr_id of the header the error is in, or OTHER */
	uint16_t err;	     /* enum sip_error */
	uint16_t status;     /* responses: 100..699 */
	uint32_t err_off;    /* offset where the error was detected */
	uint32_t flags;	     /* SIP_F_* */

	/*
	 * Octets of the message itself: start line, headers, empty line, body.
	 * On NEED_MORE it is the total length needed once known (headers seen,
	 * Content-Length known), else 0. On MALFORMED it is 0.
	 */
	uint32_t msg_len;
	uint32_t hdr_len;      /* start line + headers + empty line (= body offset) */
	uint32_t trailing_len; /* datagram octets after the body, discarded */

	struct sip_str method_str; /* requests */
	struct sip_str ruri;	   /* requests */
	struct sip_str version;
	struct sip_str reason;	/* responses; may be empty */
	uint8_t ruri_scheme;	/* enum sip_uri_scheme */
	uint8_t max_forwards;	/* valid with SIP_F_HAS_MAX_FWD */
	uint16_t via_count;	/* via-parms over all Via headers (saturates) */
	uint16_t contact_count; /* contact values over all Contact headers */
	uint16_t hdr_count;	/* entries used in hdrs[] */

	struct sip_via via;
	struct sip_name_addr from;
	struct sip_name_addr to;
	struct sip_name_addr contact; /* the first contact value */
	struct sip_str call_id;
	uint32_t cseq;
	struct sip_str cseq_method_str;
	uint32_t content_length;     /* valid with SIP_F_HAS_CL */
	uint32_t expires;	     /* valid with SIP_F_HAS_EXPIRES */
	struct sip_str content_type; /* "type/subtype" as written, without parameters */
	struct sip_str user_agent;
	struct sip_str server;
	struct sip_str supported; /* first Supported header value */
	struct sip_str body;
	struct sip_str sdp; /* valid with SIP_F_SDP: the SDP to hand to sdp_parse() */

	/* Every header line, in order. Not cleared by the parser beyond hdr_count. */
	struct sip_hdr hdrs[SIP_MAX_HEADERS];
};

/* Parsed URI (sip_uri_parse()). */
struct sip_uri {
	uint8_t scheme;	     /* enum sip_uri_scheme */
	uint16_t port;	     /* 0 if absent */
	struct sip_str user; /* sip/sips userinfo user part (may contain ;params, escapes) */
	struct sip_str password;
	struct sip_str host;	/* IPv6 references without brackets */
	struct sip_str params;	/* after the first ';' following the host, without it */
	struct sip_str headers; /* after '?', without it */
	struct sip_str number;	/* tel: the subscriber number up to the first ';' */
};

/**
 * Parse one SIP message, or one run of keep-alive CR/LF, at buf.
 *
 * @param buf  start of the message (for a datagram: its payload, possibly
 *             advanced past an earlier keep-alive); need not be NUL-terminated
 * @param len  bytes available at buf
 * @param t    transport; decides framing (see below)
 * @param msg  output; always written (kind, err, ...)
 * @return
 *   > 0: bytes consumed. For SIP_KIND_KEEPALIVE the CR/LF run. For a message
 *        over a stream, msg->msg_len. Over a datagram, all of len: the
 *        message is msg->msg_len bytes and msg->trailing_len octets after
 *        its Content-Length body are discarded (RFC 3261 18.3).
 *   SIP_PARSE_NEED_MORE (stream only): incomplete; msg->msg_len is the total
 *        size needed when already known.
 *   SIP_PARSE_MALFORMED: msg->err (enum sip_error), msg->err_off and
 *        msg->err_hdr describe the first problem found.
 *
 * Framing: over a datagram the body is Content-Length bytes when the header
 * is present (it must fit, else BODY_TRUNCATED) and the rest of the datagram
 * otherwise. Over a stream Content-Length is mandatory (RFC 3261 18.3, 20.14).
 */
int sip_msg_parse(const uint8_t *buf, uint32_t len, enum sip_transport t, struct sip_msg *msg);

/**
 * Find the Call-ID of the message at buf without parsing it: the value of the
 * first header line named Call-ID or i (case-insensitive, optional spaces
 * before the colon), trimmed, up to the end of its line. Stops at the empty
 * line or after SIP_MAX_HDR_SECTION bytes. Used to steer a datagram to the
 * worker that owns its call before anything else is done with it; the full
 * parse decides whether the message is well formed.
 * Returns 0 and sets *out (a range of buf, non-empty), or -1 when absent.
 */
int sip_call_id_peek(const uint8_t *buf, uint32_t len, struct sip_str *out);

/*
 * Self-check for the tests: 1 when the parser's word-at-a-time helpers agree with their
 * byte-at-a-time definitions (the SIMD character-class tables with the class table, for all
 * 256 byte values; the case-insensitive literal compare with a byte-by-byte one, for every
 * byte value at every position of its literals), else 0.
 */
int sip_parse_self_check(void);

/** Counter-friendly name of an error ("bad_via"); "unknown" if out of range. */
const char *sip_err_name(unsigned int err);
/** Method name ("INVITE"; "UNKNOWN" for SIP_METHOD_UNKNOWN or out of range). */
const char *sip_method_name(unsigned int method);
/** Long header name ("Call-ID"); "" for SIP_HDR_OTHER or out of range. */
const char *sip_hdr_name(unsigned int id);

/**
 * Method enum of a token (case-sensitive, as RFC 3261 compares methods).
 * Returns SIP_METHOD_UNKNOWN for any other text.
 */
enum sip_method sip_method_lookup(const uint8_t *s, uint32_t len);

/**
 * Header id of a field name, long or compact form, case-insensitive.
 * Returns SIP_HDR_OTHER for names this parser does not track by id.
 */
enum sip_hdr_id sip_hdr_lookup(const uint8_t *name, uint32_t len);

/**
 * Index in msg->hdrs of the first header with this id at or after index
 * from, or -1. Iterate with: for (i = sip_hdr_find(m, id, 0); i >= 0;
 * i = sip_hdr_find(m, id, i + 1)).
 */
int sip_hdr_find(const struct sip_msg *msg, enum sip_hdr_id id, int from);

/**
 * Split a URI (a range of buf, e.g. msg->ruri or msg->from.uri) into parts.
 * sip:/sips: per RFC 3261 19.1.1, tel: per RFC 3966 (number + params); for
 * other schemes only the scheme is set. Returns 0, or -1 if the URI is not
 * well formed for its scheme.
 */
int sip_uri_parse(const uint8_t *buf, struct sip_str uri, struct sip_uri *out);

/**
 * Compare the address-of-record part (user and host, RFC 3261 19.1.4 rules:
 * user case-sensitive, host case-insensitive, %HH escapes decoded, port and
 * parameters ignored) of two sip/sips/tel URIs, each in its own buffer.
 * Returns true if equal; false if different or either does not parse.
 */
bool sip_uri_aor_equal(
	const uint8_t *a_buf, struct sip_str a, const uint8_t *b_buf, struct sip_str b);

/**
 * Find parameter name (case-insensitive) in a ';'-separated parameter list
 * inside range (e.g. a Via or Contact value, or sip_uri.params). Quoted
 * values are returned with their quotes. Returns 1 and sets *val (len 0 for
 * a parameter without value), or 0 if absent.
 */
int sip_param_find(const uint8_t *buf, struct sip_str range, const char *name, struct sip_str *val);

/** Byte-exact comparison of two ranges (Call-IDs compare this way). */
bool sip_str_equal(const uint8_t *a_buf, struct sip_str a, const uint8_t *b_buf, struct sip_str b);

/** ASCII case-insensitive comparison of two ranges (tags, branches, tokens). */
bool sip_str_caseequal(
	const uint8_t *a_buf, struct sip_str a, const uint8_t *b_buf, struct sip_str b);

/**
 * Same dialog (RFC 3261 12): equal Call-ID, and the local/remote tags match
 * in either direction (a's From tag with b's From tag and a's To tag with b's
 * To tag, or crossed for the other direction). A side with an empty To tag
 * (dialog-creating request) matches any To tag. Both messages must have been
 * parsed successfully.
 */
bool sip_msg_same_dialog(const uint8_t *a_buf, const struct sip_msg *a, const uint8_t *b_buf,
	const struct sip_msg *b);

#endif /* VPEP_SIP_PARSE_H */
