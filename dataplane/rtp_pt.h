/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * RTP payload types and codecs.
 *
 * Two lookups: by static payload type (RFC 3551 tables 4 and 5, plus the three historic
 * RFC 1890 numbers 1, 2 and 19 that tshark still clocks at 8000 Hz), and by SDP encoding name
 * (the a=rtpmap name, case-insensitive) for dynamic payload types. Each codec carries what the
 * rest of vpep needs: the RTP clock rate (for jitter in timestamp units), whether it is audio or
 * video, a nominal bitrate and packetisation (for bandwidth estimates and policy), and the
 * E-model parameters Ie and Bpl of ITU-T G.113 Appendix I where they exist (see
 * docs/rtp-quality.md for the source of every value and which ones are assumptions).
 *
 * Everything here is a read-only table; nothing allocates.
 */

#ifndef RTP_PT_H
#define RTP_PT_H

#include <stdbool.h>
#include <stdint.h>

#define RTP_PT_NONE        0xff /* "no payload type" (e.g. no telephone-event negotiated) */
#define RTP_PT_DYNAMIC_MIN 96
#define RTP_PT_DYNAMIC_MAX 127

enum rtp_media {
	RTP_MEDIA_AUDIO = 0,
	RTP_MEDIA_VIDEO,
	RTP_MEDIA_AV,   /* audio and video multiplexed (MP2T) */
	RTP_MEDIA_TEXT, /* t140 */
	RTP_MEDIA_APP,  /* FEC, RED, retransmission and similar helpers */
};

/* rtp_codec.flags */
#define RTP_CODEC_F_TELEPHONE_EVENT (1u << 0) /* RFC 4733 events: timing-neutral, own counters */
#define RTP_CODEC_F_CN              (1u << 1) /* RFC 3389 comfort noise */
#define RTP_CODEC_F_HISTORIC        (1u << 2) /* PT 1, 2, 19: RFC 1890 only, reserved since 3551 */
#define RTP_CODEC_F_VBR             (1u << 3) /* bitrate is only a typical value */

/* Where the E-model parameters of a codec come from. */
enum rtp_emodel_src {
	RTP_EMODEL_NONE = 0, /* no Ie/Bpl: MOS falls back to G.711 and says so */
	RTP_EMODEL_G113,     /* Ie and Bpl from ITU-T G.113 (11/2007) Appendix I table I.3 */
	RTP_EMODEL_G113_IE,  /* Ie from G.113 table I.1, Bpl assumed (G.113 gives none) */
	RTP_EMODEL_ASSUMED,  /* no narrowband ITU value: vpep's documented assumption */
};

struct rtp_codec {
	const char *name;      /* SDP encoding name, canonical spelling */
	uint32_t clock_rate;   /* RTP timestamp rate in Hz */
	uint32_t bitrate;      /* nominal codec bitrate in bit/s, 0 = unknown */
	uint8_t static_pt;     /* RFC 3551 static PT, or RTP_PT_NONE */
	uint8_t media;         /* enum rtp_media */
	uint8_t channels;
	uint8_t flags;         /* RTP_CODEC_F_* */
	uint16_t ptime_ms;     /* usual packetisation interval (RFC 3551 defaults or practice) */
	uint16_t frame_ms;     /* codec frame length: the algorithmic buffering delay */
	uint16_t lookahead_us; /* extra algorithmic delay (look-ahead) */
	int8_t ie;             /* G.113 equipment impairment factor, -1 if none */
	uint8_t emodel_src;    /* enum rtp_emodel_src */
	uint16_t bpl_x10;      /* G.113 packet-loss robustness factor Bpl, times 10 */
};

/* Codec of a static payload type (0..34), or NULL for dynamic, unassigned and reserved PTs. */
const struct rtp_codec *rtp_pt_static(uint8_t pt);

/*
 * RTP clock rate of a static payload type, 0 if the PT is dynamic or unassigned. This is the
 * table tshark 4.0 uses (ui/tap-rtp-analysis.c clock_map), so jitter agrees with it.
 */
uint32_t rtp_pt_static_clock(uint8_t pt);

/*
 * Codec by SDP encoding name (the part of a=rtpmap before the first '/'), compared
 * case-insensitively over exactly len octets; NULL if unknown. name need not be NUL-terminated.
 */
const struct rtp_codec *rtp_codec_by_name(const char *name, uint32_t len);

/* True if the codec is RFC 4733 telephone-event. NULL-safe (false). */
bool rtp_codec_is_telephone_event(const struct rtp_codec *c);

/*
 * Estimated IP bandwidth in bit/s of one direction of the codec at ptime_ms (0 = the codec's
 * default): codec payload per packet + RTP 12 + UDP 8 + IPv4 20 or IPv6 40 octets, times packets
 * per second. Layer 2 is not included. Returns 0 if the codec has no nominal bitrate or ptime.
 */
uint32_t rtp_codec_ip_bps(const struct rtp_codec *c, uint32_t ptime_ms, bool ipv6);

/* Number of entries of the codec table and access by index, for reports and tests. */
unsigned int rtp_codec_count(void);
const struct rtp_codec *rtp_codec_at(unsigned int idx);

#endif /* RTP_PT_H */
