/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * SDP parser (RFC 4566 / RFC 8866) for media learning.
 *
 * sdp_parse() reads a session description from (buf, len) into a fixed-size
 * struct sdp_session: offsets/lengths into buf plus parsed numbers and binary
 * addresses. No allocation, no I/O, never reads past len, one pass over the
 * lines. What vpep needs is parsed (origin, connection data, timing, media
 * lines, rtpmap/fmtp, rtcp, rtcp-mux, direction, ptime/maxptime, mid,
 * bandwidth); other lines and attributes are skipped.
 *
 * The sdp_media_*() helpers resolve the session/media-level rules (RFC 4566
 * 5.7, 6; RFC 3605; RFC 5761; RFC 3264 8.4 / RFC 6337 5 for hold) so the
 * caller does not have to.
 */
#ifndef VPEP_SDP_PARSE_H
#define VPEP_SDP_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#define SDP_MAX_MEDIA  8  /* m= lines kept; more set SDP_F_MEDIA_TRUNCATED */
#define SDP_MAX_FMT    16 /* payload types kept per m= line */
#define SDP_MAX_RTPMAP 16 /* a=rtpmap kept per m= line */
#define SDP_MAX_FMTP   8  /* a=fmtp kept per m= line */

/* Return values of sdp_parse(). */
#define SDP_PARSE_OK	    0
#define SDP_PARSE_MALFORMED (-1) /* sdp->err says why */

#define SDP_ERR_LIST(X)                                                                            \
	X(NONE, "none")                                                                            \
	X(EMPTY, "empty")                                                                          \
	X(NO_VERSION, "no_version")	/* first line is not v= */                                 \
	X(BAD_VERSION, "bad_version")	/* v= other than 0 */                                      \
	X(BAD_LINE, "bad_line")		/* not <letter>=<value> */                                 \
	X(BAD_LINE_END, "bad_line_end") /* CR not followed by LF */                                \
	X(BAD_ORIGIN, "bad_origin")                                                                \
	X(BAD_CONNECTION, "bad_connection") /* c= (or the address of a=rtcp) */                    \
	X(BAD_TIMING, "bad_timing")                                                                \
	X(BAD_MEDIA, "bad_media")                                                                  \
	X(BAD_BANDWIDTH, "bad_bandwidth")                                                          \
	X(BAD_RTPMAP, "bad_rtpmap")                                                                \
	X(BAD_FMTP, "bad_fmtp")                                                                    \
	X(BAD_RTCP, "bad_rtcp")                                                                    \
	X(BAD_PTIME, "bad_ptime")                                                                  \
	X(MISSING_CONNECTION, "missing_connection") /* an active m= with no c= anywhere */

#define SDP_ERR_ENUM_(id, name) SDP_ERR_##id,
enum sdp_error { SDP_ERR_LIST(SDP_ERR_ENUM_) SDP_ERR_MAX };
#undef SDP_ERR_ENUM_

enum sdp_media_type {
	SDP_MEDIA_OTHER = 0,
	SDP_MEDIA_AUDIO,
	SDP_MEDIA_VIDEO,
	SDP_MEDIA_TEXT,
	SDP_MEDIA_APPLICATION,
	SDP_MEDIA_MESSAGE,
	SDP_MEDIA_IMAGE,
};

enum sdp_proto {
	SDP_PROTO_OTHER = 0,
	SDP_PROTO_RTP_AVP,
	SDP_PROTO_RTP_SAVP,
	SDP_PROTO_RTP_AVPF,
	SDP_PROTO_RTP_SAVPF,
	SDP_PROTO_UDP_TLS_RTP_SAVP,
	SDP_PROTO_UDP_TLS_RTP_SAVPF,
	SDP_PROTO_UDPTL,
	SDP_PROTO_UDP,
	SDP_PROTO_TCP,
};

enum sdp_dir {
	SDP_DIR_UNSPEC = 0, /* no attribute at this level */
	SDP_DIR_SENDRECV,
	SDP_DIR_SENDONLY,
	SDP_DIR_RECVONLY,
	SDP_DIR_INACTIVE,
};

enum sdp_af {
	SDP_AF_NONE = 0,
	SDP_AF_IP4,
	SDP_AF_IP6,
};

struct sdp_str {
	uint32_t off;
	uint32_t len;
};

/* Connection data (c=, or the address of a=rtcp). */
struct sdp_conn {
	uint8_t af;   /* enum sdp_af; NONE = absent */
	uint8_t fqdn; /* 1: addr_text is a host name, addr[] is zero */
	uint8_t ttl;  /* IP4 multicast "/ttl" */
	uint8_t pad;
	uint16_t naddr;	  /* "/<number of addresses>", 1 if absent */
	uint8_t addr[16]; /* network byte order; IPv4 in the first 4 bytes */
	struct sdp_str addr_text;
};

struct sdp_rtpmap {
	uint8_t pt;
	uint8_t channels;	 /* 0 if not given */
	uint8_t telephone_event; /* encoding is telephone-event (RFC 4733) */
	uint8_t pad;
	uint32_t clock; /* 0 if not given (tolerated: RFC 4475 bodies omit it) */
	struct sdp_str enc;
};

struct sdp_fmtp {
	uint8_t pt; /* 255 if the format is not numeric */
	struct sdp_str params;
};

/* sdp_media.flags */
#define SDP_MF_RTCP_MUX		(1u << 0) /* a=rtcp-mux */
#define SDP_MF_HAS_RTCP		(1u << 1) /* a=rtcp present (rtcp_port valid) */
#define SDP_MF_RTP		(1u << 2) /* proto is RTP-based: fmt[] are payload types */
#define SDP_MF_FMT_TRUNCATED	(1u << 3) /* more than SDP_MAX_FMT formats */
#define SDP_MF_RTPMAP_TRUNCATED (1u << 4)
#define SDP_MF_TELEPHONE_EVENT	(1u << 5) /* an rtpmap for telephone-event: te_pt */

struct sdp_media {
	uint8_t type;  /* enum sdp_media_type */
	uint8_t proto; /* enum sdp_proto */
	uint8_t dir;   /* enum sdp_dir at media level (see sdp_media_dir()) */
	uint8_t nfmt;
	uint8_t nrtpmap;
	uint8_t nfmtp;
	uint8_t te_pt; /* telephone-event payload type (SDP_MF_TELEPHONE_EVENT) */
	uint8_t pad;
	uint16_t port;	 /* 0 = stream rejected/disabled */
	uint16_t nports; /* "/<number of ports>", 1 if absent */
	uint16_t rtcp_port;
	uint16_t ptime;	   /* ms, 0 if absent */
	uint16_t maxptime; /* ms, 0 if absent */
	uint16_t pad2;
	uint32_t flags;	  /* SDP_MF_* */
	uint32_t bw_as;	  /* b=AS: kbit/s, 0 if absent */
	uint32_t bw_tias; /* b=TIAS: bit/s, 0 if absent */
	struct sdp_str type_text;
	struct sdp_str proto_text;
	struct sdp_str fmt_text; /* the whole format list */
	struct sdp_str mid;
	struct sdp_conn conn;	   /* media-level c= (af NONE if absent) */
	struct sdp_conn rtcp_conn; /* a=rtcp address (af NONE if absent) */
	uint8_t fmt[SDP_MAX_FMT];  /* RTP payload types in m= order */
	struct sdp_rtpmap rtpmap[SDP_MAX_RTPMAP];
	struct sdp_fmtp fmtp[SDP_MAX_FMTP];
};

/* sdp_session.flags */
#define SDP_F_BARE_LF	      (1u << 0) /* some line ended in LF alone (allowed by RFC 8866) */
#define SDP_F_MEDIA_TRUNCATED (1u << 1) /* more than SDP_MAX_MEDIA m= lines; see nmedia_total */
#define SDP_F_NO_ORIGIN	      (1u << 2) /* o= missing (tolerated) */
#define SDP_F_NO_SESSION_NAME (1u << 3) /* s= missing (tolerated) */
#define SDP_F_NO_TIMING	      (1u << 4) /* t= missing (tolerated) */
#define SDP_F_ID_OVERFLOW     (1u << 5) /* o= id or version > 2^64-1: compare the text */

struct sdp_session {
	uint16_t err;	       /* enum sdp_error */
	uint8_t dir;	       /* enum sdp_dir at session level */
	uint8_t nmedia;	       /* entries used in media[] */
	uint32_t err_off;      /* offset of the offending line */
	uint32_t flags;	       /* SDP_F_* */
	uint16_t nmedia_total; /* m= lines seen, including ones not kept */
	uint16_t pad;
	uint64_t sess_id;
	uint64_t sess_version;
	uint64_t t_start;
	uint64_t t_stop;
	uint32_t bw_as;
	uint32_t bw_tias;
	struct sdp_str origin_user;
	struct sdp_str sess_id_text;
	struct sdp_str sess_version_text;
	struct sdp_str origin_addr; /* o= unicast-address as text */
	struct sdp_str name;	    /* s= */
	struct sdp_conn conn;	    /* session-level c= */
	struct sdp_media media[SDP_MAX_MEDIA];
};

/**
 * Parse a session description.
 * @return SDP_PARSE_OK, or SDP_PARSE_MALFORMED with sdp->err and
 *         sdp->err_off (start of the offending line). Lines may end in CRLF
 *         or LF; the last line may lack its line end. Unknown line types and
 *         attributes are skipped.
 */
int sdp_parse(const uint8_t *buf, uint32_t len, struct sdp_session *sdp);

/** Counter-friendly name of an sdp_error ("bad_media"), "unknown" if out of range. */
const char *sdp_err_name(unsigned int err);

/** Effective connection of media i: media-level c=, else session-level, else NULL. */
const struct sdp_conn *sdp_media_conn(const struct sdp_session *sdp, unsigned int i);

/** Effective direction of media i: media level, else session level, else SENDRECV. */
enum sdp_dir sdp_media_dir(const struct sdp_session *sdp, unsigned int i);

/**
 * RTCP port of media i: the RTP port with rtcp-mux (RFC 5761), else the
 * a=rtcp port (RFC 3605), else RTP port + 1 (RFC 3550 11). 0 if the stream
 * is disabled, is not RTP (e.g. udptl), or the RTP port is 65535 with no
 * a=rtcp. Note that rtcp-mux in
 * an offer is only a proposal: the caller should use it when both offer and
 * answer carry it.
 */
uint16_t sdp_media_rtcp_port(const struct sdp_session *sdp, unsigned int i);

/** RTCP address of media i: the a=rtcp address if given, else sdp_media_conn(). */
const struct sdp_conn *sdp_media_rtcp_conn(const struct sdp_session *sdp, unsigned int i);

/**
 * Media i is on hold: its effective connection address is 0.0.0.0 or ::
 * (RFC 2543 style), or its effective direction is sendonly or inactive.
 */
bool sdp_media_is_hold(const struct sdp_session *sdp, unsigned int i);

/** Media i is rejected/disabled (port 0, RFC 3264 6). */
bool sdp_media_is_disabled(const struct sdp_session *sdp, unsigned int i);

/** rtpmap of payload type pt in media i, or NULL. */
const struct sdp_rtpmap *sdp_media_rtpmap(
	const struct sdp_session *sdp, unsigned int i, uint8_t pt);

/**
 * Textual IPv4 "a.b.c.d" (each 0-255, 1-3 digits) in exactly [s, s+len).
 * Returns 0 and writes 4 bytes, or -1.
 */
int sdp_addr_parse_ip4(const uint8_t *s, uint32_t len, uint8_t out[4]);

/**
 * Textual IPv6 (RFC 4291 2.2: hex groups, one "::", trailing dotted IPv4)
 * in exactly [s, s+len). Returns 0 and writes 16 bytes, or -1.
 */
int sdp_addr_parse_ip6(const uint8_t *s, uint32_t len, uint8_t out[16]);

#endif /* VPEP_SDP_PARSE_H */
