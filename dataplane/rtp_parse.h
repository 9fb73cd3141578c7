/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * RTP fixed-header parser (RFC 3550 section 5.1) and RTP/RTCP demultiplexing (RFC 5761).
 *
 * rtp_hdr_parse() validates the version, the CSRC list, the header extension and the padding
 * of one RTP packet (the UDP payload) and reports where the payload is. It does not look at
 * the payload and does not judge the sequence number: that is rtp_stats' job, because it needs
 * history.
 *
 * Contract: reads only buf[0, len), allocates nothing, has no side effects. The output struct
 * is filled as far as parsing got, so a caller can still count by SSRC or PT when a later check
 * fails (every field that was not reached is zero).
 */

#ifndef RTP_PARSE_H
#define RTP_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#define RTP_VERSION     2
#define RTP_HDR_LEN     12 /* fixed header, without CSRCs */
#define RTP_MAX_CSRC    15
#define RTP_EXT_HDR_LEN 4  /* "defined by profile" + length (in 32-bit words) */

/*
 * Result of rtp_hdr_parse(). RTP_PARSE_OK is 0; every other value names the first check that
 * failed, so the dataplane can keep one counter per value (rtp_parse_status_name() gives the
 * counter-friendly name).
 */
enum rtp_parse_status {
	RTP_PARSE_OK = 0,
	RTP_PARSE_TOO_SHORT,    /* fewer than 12 octets */
	RTP_PARSE_BAD_VERSION,  /* V != 2 */
	RTP_PARSE_IS_RTCP,      /* second octet 192..223: an RTCP packet on a muxed port */
	RTP_PARSE_PT_RESERVED,  /* PT 64..95 without marker: forbidden by RFC 5761 section 4 */
	RTP_PARSE_CSRC_TRUNC,   /* CC * 4 octets of CSRC do not fit */
	RTP_PARSE_EXT_TRUNC,    /* X set but the extension header or its body does not fit */
	RTP_PARSE_PAD_ZERO,     /* P set but the padding count (last octet) is 0 */
	RTP_PARSE_PAD_OVERFLOW, /* padding count larger than what follows the headers */
	RTP_PARSE_STATUS_MAX,
};

/* Header fields in host order, and offsets into the parsed buffer. */
struct rtp_hdr_info {
	uint32_t ssrc;
	uint32_t timestamp;
	uint16_t seq;
	uint8_t pt;           /* 7-bit payload type */
	uint8_t marker;       /* 0 or 1 */
	uint8_t padding;      /* P bit */
	uint8_t extension;    /* X bit */
	uint8_t cc;           /* CSRC count */
	uint8_t pad_len;      /* padding octets at the end, including the count octet */
	uint16_t ext_profile; /* "defined by profile" field when extension is set */
	uint16_t ext_words;   /* extension length in 32-bit words (excluding its 4-octet header) */
	uint32_t csrc_off;    /* offset of the first CSRC (always 12) */
	uint32_t ext_off;     /* offset of the extension header when extension is set, else 0 */
	uint32_t payload_off; /* first payload octet */
	uint32_t payload_len; /* payload octets, padding excluded (may be 0) */
};

/*
 * Parse the RTP header at buf[0, len) (callers use rtp_hdr_parse(), below). Returns
 * RTP_PARSE_OK (0) and fills *out, or a positive enum rtp_parse_status naming the failed check.
 * RTP_PARSE_IS_RTCP is returned before any other field check except the version, so a caller
 * on an rtcp-mux port can hand the packet to rtcp_parse().
 */
int rtp_hdr_parse_any(const uint8_t *buf, uint32_t len, struct rtp_hdr_info *out);

/*
 * rtp_hdr_parse() is rtp_hdr_parse_any() with the header nearly every packet has inline: V=2
 * and no padding, extension or CSRC (first octet 0x80), and a second octet that is neither
 * RTCP (192..223) nor a reserved PT (64..95 without the marker), which every check of
 * rtp_hdr_parse_any() would pass. Same results; the rest goes out of line.
 */
static inline int
rtp_hdr_parse(const uint8_t *buf, uint32_t len, struct rtp_hdr_info *out)
{
	if (len >= RTP_HDR_LEN && buf[0] == 0x80 && (buf[1] & 0x60) != 0x40) {
		*out = (struct rtp_hdr_info){
			.ssrc = (uint32_t)buf[8] << 24 | (uint32_t)buf[9] << 16 |
				(uint32_t)buf[10] << 8 | buf[11],
			.timestamp = (uint32_t)buf[4] << 24 | (uint32_t)buf[5] << 16 |
				     (uint32_t)buf[6] << 8 | buf[7],
			.seq = (uint16_t)(buf[2] << 8 | buf[3]),
			.pt = buf[1] & 0x7f,
			.marker = buf[1] >> 7,
			.csrc_off = RTP_HDR_LEN,
			.payload_off = RTP_HDR_LEN,
			.payload_len = len - RTP_HDR_LEN,
		};
		return RTP_PARSE_OK;
	}
	return rtp_hdr_parse_any(buf, len, out);
}

/*
 * RFC 5761 section 4 demultiplexing: true when the packet has version 2 and its second octet
 * (marker + PT in RTP, packet type in RTCP) is in 192..223, i.e. it is RTCP (SR 200 ... XR 207,
 * feedback 205/206 and the rest of that range). Needs at least 2 octets; shorter is false.
 */
static inline bool
rtp_is_rtcp(const uint8_t *buf, uint32_t len)
{
	if (len < 2 || (buf[0] >> 6) != RTP_VERSION)
		return false;
	return buf[1] >= 192 && buf[1] <= 223;
}

/* Stable, counter-friendly name of a status ("ok", "too_short", ...); "unknown" if out of range. */
const char *rtp_parse_status_name(int status);

#endif /* RTP_PARSE_H */
