/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <string.h>

#include "rtp_parse.h"

static const char *const rtp_parse_status_names[RTP_PARSE_STATUS_MAX] = {
	[RTP_PARSE_OK] = "ok",
	[RTP_PARSE_TOO_SHORT] = "too_short",
	[RTP_PARSE_BAD_VERSION] = "bad_version",
	[RTP_PARSE_IS_RTCP] = "is_rtcp",
	[RTP_PARSE_PT_RESERVED] = "pt_reserved",
	[RTP_PARSE_CSRC_TRUNC] = "csrc_trunc",
	[RTP_PARSE_EXT_TRUNC] = "ext_trunc",
	[RTP_PARSE_PAD_ZERO] = "pad_zero",
	[RTP_PARSE_PAD_OVERFLOW] = "pad_overflow",
};

const char *
rtp_parse_status_name(int status)
{
	if (status < 0 || status >= RTP_PARSE_STATUS_MAX)
		return "unknown";
	return rtp_parse_status_names[status];
}

static inline uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t
rd32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

int
rtp_hdr_parse_any(const uint8_t *buf, uint32_t len, struct rtp_hdr_info *out)
{
	uint32_t off, avail;

	memset(out, 0, sizeof(*out));
	if (len < RTP_HDR_LEN)
		return RTP_PARSE_TOO_SHORT;
	if ((buf[0] >> 6) != RTP_VERSION)
		return RTP_PARSE_BAD_VERSION;

	out->padding = (buf[0] >> 5) & 1;
	out->extension = (buf[0] >> 4) & 1;
	out->cc = buf[0] & 0x0f;
	out->marker = buf[1] >> 7;
	out->pt = buf[1] & 0x7f;
	out->seq = rd16(buf + 2);
	out->timestamp = rd32(buf + 4);
	out->ssrc = rd32(buf + 8);

	/*
	 * RFC 5761 section 4: with RTP and RTCP on one port, a second octet of 192..223 is an
	 * RTCP packet type (SR=200 ... with the marker bit in RTP's position). RTP must not use
	 * PT 64..95 at all, so without the marker those values are simply invalid RTP.
	 */
	if (buf[1] >= 192 && buf[1] <= 223)
		return RTP_PARSE_IS_RTCP;
	if (out->pt >= 64 && out->pt <= 95)
		return RTP_PARSE_PT_RESERVED;

	off = RTP_HDR_LEN;
	out->csrc_off = off;
	/* Compare against what is left instead of adding to off: no overflow for any len. */
	if ((uint32_t)out->cc * 4 > len - off)
		return RTP_PARSE_CSRC_TRUNC;
	off += (uint32_t)out->cc * 4;

	if (out->extension) {
		if (len - off < RTP_EXT_HDR_LEN)
			return RTP_PARSE_EXT_TRUNC;
		out->ext_off = off;
		out->ext_profile = rd16(buf + off);
		out->ext_words = rd16(buf + off + 2);
		off += RTP_EXT_HDR_LEN;
		if ((uint32_t)out->ext_words * 4 > len - off)
			return RTP_PARSE_EXT_TRUNC;
		off += (uint32_t)out->ext_words * 4;
	}

	avail = len - off;
	if (out->padding) {
		/*
		 * The last octet counts the padding including itself (RFC 3550 5.1), so 0 is
		 * malformed, and the padding may eat the whole payload but not the headers.
		 */
		uint8_t pad = buf[len - 1];

		if (pad == 0)
			return RTP_PARSE_PAD_ZERO;
		if (pad > avail)
			return RTP_PARSE_PAD_OVERFLOW;
		out->pad_len = pad;
		avail -= pad;
	}
	out->payload_off = off;
	out->payload_len = avail;
	return RTP_PARSE_OK;
}
