/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * RTCP compound packet parser (RFC 3550 section 6 and appendix A.2, RFC 3611 XR, RFC 5506).
 *
 * rtcp_parse() walks a compound packet (one UDP payload) and applies the validity checks of
 * RFC 3550 A.2: version 2 in every packet, the first packet is an SR or RR with the padding bit
 * clear, padding only in the last packet, and the packet lengths add up exactly to the datagram.
 * It decodes SR sender info, report blocks, SDES items, BYE, APP and the XR blocks vpep uses
 * (receiver reference time 4, DLRR 5, VoIP metrics 7); other packet types (feedback 205/206,
 * AVB, ...) and other XR blocks are walked over and counted.
 *
 * RFC 5506 reduced-size RTCP (a packet that does not start with SR/RR, e.g. a lone feedback
 * message) is rejected with RTCP_ERR_FIRST_PT unless the caller passes RTCP_PARSE_F_REDUCED_SIZE:
 * it is only legal once a=rtcp-rsize was negotiated, and accepting it blindly would let any
 * UDP packet with a 0x80-0xbf first octet and PT 192..223 pass as RTCP.
 *
 * Arrays are bounded; what does not fit is counted in the *_dropped fields, never written.
 * Strings (SDES text, BYE reason, APP data) are given as offsets into buf, not copied.
 *
 * Contract: reads only buf[0, len), allocates nothing. On error the returned status names the
 * first failed check, out->err_offset says where, and the rest of *out holds what was decoded
 * before it (the compound is invalid as a whole, but counters by SSRC may still be wanted).
 */

#ifndef RTCP_PARSE_H
#define RTCP_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#define RTCP_VERSION 2

/* Packet types (RFC 3550, 4585, 3611) */
#define RTCP_PT_SR    200
#define RTCP_PT_RR    201
#define RTCP_PT_SDES  202
#define RTCP_PT_BYE   203
#define RTCP_PT_APP   204
#define RTCP_PT_RTPFB 205
#define RTCP_PT_PSFB  206
#define RTCP_PT_XR    207

/* SDES item types (RFC 3550 6.5) */
#define RTCP_SDES_END   0
#define RTCP_SDES_CNAME 1
#define RTCP_SDES_NAME  2
#define RTCP_SDES_EMAIL 3
#define RTCP_SDES_PHONE 4
#define RTCP_SDES_LOC   5
#define RTCP_SDES_TOOL  6
#define RTCP_SDES_NOTE  7
#define RTCP_SDES_PRIV  8

/* XR block types (RFC 3611) */
#define RTCP_XR_RRT  4 /* receiver reference time */
#define RTCP_XR_DLRR 5
#define RTCP_XR_VOIP 7 /* VoIP metrics */

/* Bounds of the decoded arrays. */
#define RTCP_MAX_RB         16 /* report blocks over all SR/RR of the compound */
#define RTCP_MAX_SDES_ITEMS 16
#define RTCP_MAX_BYE_SSRC   8
#define RTCP_MAX_DLRR       4

/* rtcp_parse() options */
#define RTCP_PARSE_F_REDUCED_SIZE (1u << 0) /* accept RFC 5506 non-compound packets */

enum rtcp_status {
	RTCP_OK = 0,
	RTCP_ERR_TOO_SHORT,       /* fewer than 4 octets left for a header */
	RTCP_ERR_VERSION,         /* a packet with V != 2 */
	RTCP_ERR_FIRST_PT,        /* first packet is not SR/RR (and reduced size not allowed) */
	RTCP_ERR_FIRST_PADDING,   /* first packet of a compound has P set (A.2 mask) */
	RTCP_ERR_PADDING_NOT_LAST,/* P set on a packet that is not the last */
	RTCP_ERR_PADDING,         /* padding count 0, not a multiple of 4 or larger than the packet */
	RTCP_ERR_LENGTH,          /* a packet's length field runs past the datagram */
	RTCP_ERR_SR_RR,           /* SR/RR length does not hold the sender info and RC blocks */
	RTCP_ERR_SDES,            /* SDES chunk or item overruns its packet */
	RTCP_ERR_BYE,             /* BYE SSRC list or reason overruns its packet */
	RTCP_ERR_APP,             /* APP shorter than SSRC + name */
	RTCP_ERR_XR,              /* XR block length overruns the packet, or a known block's size */
	RTCP_ERR_FB,              /* RTPFB/PSFB shorter than the two SSRCs */
	RTCP_STATUS_MAX,
};

struct rtcp_sr {
	uint32_t ssrc;
	uint32_t ntp_sec;
	uint32_t ntp_frac;
	uint32_t rtp_ts;
	uint32_t packet_count;
	uint32_t octet_count;
};

struct rtcp_report_block {
	uint32_t reporter_ssrc;  /* SSRC of the SR/RR packet that carried the block */
	uint32_t ssrc;           /* source the block is about */
	uint8_t fraction_lost;   /* 8-bit fixed point, lost/expected * 256 */
	int32_t cum_lost;        /* 24-bit signed, sign-extended */
	uint32_t ext_high_seq;
	uint32_t jitter;         /* timestamp units */
	uint32_t lsr;            /* middle 32 bits of the last SR's NTP time, 0 = none */
	uint32_t dlsr;           /* 1/65536 s */
};

struct rtcp_sdes_item {
	uint32_t ssrc;
	uint8_t type;            /* RTCP_SDES_* */
	uint8_t len;
	uint32_t off;            /* offset of the text in buf */
};

struct rtcp_dlrr {
	uint32_t ssrc;
	uint32_t lrr;            /* middle 32 bits of the last RRT block's NTP time */
	uint32_t dlrr;           /* 1/65536 s */
};

/* RFC 3611 section 4.7; values as sent (127 / 0xff / 0xffff mean "unavailable"). */
struct rtcp_xr_voip {
	uint32_t ssrc;
	uint8_t loss_rate, discard_rate, burst_density, gap_density;
	uint16_t burst_duration, gap_duration;
	uint16_t round_trip_delay, end_system_delay;
	int8_t signal_level, noise_level;
	uint8_t rerl, gmin;
	uint8_t r_factor, ext_r_factor, mos_lq, mos_cq;
	uint8_t rx_config;
	uint16_t jb_nominal, jb_maximum, jb_abs_max;
};

/* rtcp_info.types: one bit per packet type seen, bit (pt - 192). */
#define RTCP_TYPE_BIT(pt) (1u << ((pt) - 192))

struct rtcp_info {
	uint32_t types;          /* RTCP_TYPE_BIT() of each packet type present */
	uint32_t err_offset;     /* offset of the packet/element where parsing failed */
	uint16_t n_packets;      /* packets in the compound */
	uint16_t n_other;        /* packets of types not decoded (205/206, 192..199, ...) */
	bool reduced_size;       /* first packet was not SR/RR (accepted by option) */
	uint32_t sender_ssrc;    /* SSRC of the first packet */

	bool has_sr;
	struct rtcp_sr sr;       /* the first SR of the compound */

	uint8_t n_rb;
	uint8_t rb_dropped;
	struct rtcp_report_block rb[RTCP_MAX_RB];

	uint8_t n_sdes;
	uint8_t sdes_dropped;
	struct rtcp_sdes_item sdes[RTCP_MAX_SDES_ITEMS];

	uint8_t n_bye;
	uint8_t bye_dropped;
	uint32_t bye_ssrc[RTCP_MAX_BYE_SSRC];
	bool has_bye_reason;
	uint8_t bye_reason_len;
	uint32_t bye_reason_off;

	bool has_app;            /* the first APP packet */
	uint8_t app_subtype;
	uint32_t app_ssrc;
	char app_name[4];        /* 4 ASCII characters, not NUL-terminated */
	uint32_t app_data_off;
	uint32_t app_data_len;

	uint32_t xr_types;       /* bit n: XR block type n (1..31) seen */
	uint32_t xr_ssrc;        /* SSRC of the (first) XR packet */
	bool has_rrt;
	uint32_t rrt_ntp_sec, rrt_ntp_frac;
	uint8_t n_dlrr;
	uint8_t dlrr_dropped;
	struct rtcp_dlrr dlrr[RTCP_MAX_DLRR];
	bool has_voip;
	struct rtcp_xr_voip voip;
};

/*
 * Parse the compound RTCP packet buf[0, len) into *out (zeroed first). flags: RTCP_PARSE_F_*.
 * Returns RTCP_OK (0) or a positive enum rtcp_status.
 */
int rtcp_parse(const uint8_t *buf, uint32_t len, uint32_t flags, struct rtcp_info *out);

/* Stable, counter-friendly name of a status; "unknown" if out of range. */
const char *rtcp_status_name(int status);

/* ---- round-trip time (RFC 3550 6.4.1) ---- */

/*
 * Middle 32 bits of the 64-bit NTP timestamp (seconds since 1900 . 2^-32 fractions) of a Unix
 * time in nanoseconds: the unit of LSR, DLSR and of "A" below (1/65536 s).
 */
uint32_t rtcp_ntp_mid32(uint64_t unix_ns);

/* Middle 32 bits of an NTP timestamp given as seconds and fraction (e.g. from an SR). */
uint32_t rtcp_ntp_mid32_of(uint32_t ntp_sec, uint32_t ntp_frac);

/*
 * RTT = A - LSR - DLSR in 1/65536 s, with A the arrival time of the report block in the
 * middle-32-bit NTP format. A must come from the same clock as the one that stamped the SR
 * whose middle 32 bits LSR echoes: the SR sender computing its own SR -> RR loop, or vpep itself
 * when it passes, for A and for LSR, its OWN arrival times of the RR and of that SR (a middlebox
 * clock is never synchronised to the endpoints', so subtracting our A from the peer's NTP is
 * meaningless; see docs/rtp-quality.md). Returns 0 and stores *rtt, -EINVAL if lsr is 0 (no SR
 * received yet), -ERANGE if the result would be negative (clock mismatch or stale report).
 */
int rtcp_rtt(uint32_t a, uint32_t lsr, uint32_t dlsr, uint32_t *rtt);

/* Convert 1/65536 s units to microseconds. */
uint64_t rtcp_q16_to_us(uint32_t q16);

#endif /* RTCP_PARSE_H */
