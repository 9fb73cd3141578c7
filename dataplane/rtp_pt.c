/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <stddef.h>

#include "rtp_pt.h"

/* clang-format off */
/* Shorthands so each table row fits one line. */
#define A RTP_MEDIA_AUDIO
#define V RTP_MEDIA_VIDEO
#define N RTP_PT_NONE
#define G113 RTP_EMODEL_G113
#define ASSUMED RTP_EMODEL_ASSUMED
#define G113IE RTP_EMODEL_G113_IE
#define NOEM RTP_EMODEL_NONE

/*
 * The codec table. Sources of Ie/Bpl (docs/rtp-quality.md has the discussion):
 *  - G.113 (11/2007) Appendix I table I.3 (Ie and Bpl measured with random loss): G.711 with
 *    the PLC of G.711 Appendix I: Ie 0, Bpl 25.1; G.729A + VAD: Ie 11, Bpl 19.0; G.723.1 6.3k
 *    + VAD: Ie 15, Bpl 16.1; GSM-EFR: Ie 5, Bpl 10.0.
 *  - G.113 table I.1 (Ie only, Bpl assumed: G113IE): G.726 32k/24k/16k Ie 7/25/50, G.728 Ie 7,
 *    GSM 06.10 full rate Ie 20.
 *  - Everything marked ASSUMED has no narrowband G.113 value; the value is vpep's choice.
 */
static const struct rtp_codec rtp_codecs[] = {
	/* name, clock, bitrate, static_pt, media, ch, flags, ptime, frame, lookahead_us,
	 * ie, src, bpl_x10 */
	{"PCMU", 8000, 64000, 0, A, 1, 0, 20, 0, 125, 0, G113, 251},
	{"1016", 8000, 4800, 1, A, 1, RTP_CODEC_F_HISTORIC, 30, 30, 7500, -1, NOEM, 0},
	{"G721", 8000, 32000, 2, A, 1, RTP_CODEC_F_HISTORIC, 20, 0, 125, -1, NOEM, 0},
	{"GSM", 8000, 13200, 3, A, 1, 0, 20, 20, 0, 20, G113IE, 100},
	{"G723", 8000, 6300, 4, A, 1, 0, 30, 30, 7500, 15, G113, 161},
	{"DVI4", 8000, 32000, 5, A, 1, 0, 20, 0, 125, -1, NOEM, 0},
	{"DVI4", 16000, 64000, 6, A, 1, 0, 20, 0, 63, -1, NOEM, 0},
	{"LPC", 8000, 2400, 7, A, 1, 0, 20, 20, 0, -1, NOEM, 0},
	{"PCMA", 8000, 64000, 8, A, 1, 0, 20, 0, 125, 0, G113, 251},
	/* G.722: RTP clock 8000 although it samples at 16 kHz (RFC 3551 section 4.5.2). */
	{"G722", 8000, 64000, 9, A, 1, 0, 20, 0, 1500, 0, ASSUMED, 251},
	{"L16", 44100, 1411200, 10, A, 2, 0, 20, 0, 0, -1, NOEM, 0},
	{"L16", 44100, 705600, 11, A, 1, 0, 20, 0, 0, -1, NOEM, 0},
	{"QCELP", 8000, 13300, 12, A, 1, RTP_CODEC_F_VBR, 20, 20, 0, -1, NOEM, 0},
	{"CN", 8000, 0, 13, A, 1, RTP_CODEC_F_CN, 0, 0, 0, -1, NOEM, 0},
	{"MPA", 90000, 0, 14, A, 1, RTP_CODEC_F_VBR, 0, 0, 0, -1, NOEM, 0},
	{"G728", 8000, 16000, 15, A, 1, 0, 20, 0, 625, 7, G113IE, 43},
	{"DVI4", 11025, 44100, 16, A, 1, 0, 20, 0, 0, -1, NOEM, 0},
	{"DVI4", 22050, 88200, 17, A, 1, 0, 20, 0, 0, -1, NOEM, 0},
	{"G729", 8000, 8000, 18, A, 1, 0, 20, 10, 5000, 11, G113, 190},
	{"CN", 8000, 0, 19, A, 1, RTP_CODEC_F_CN | RTP_CODEC_F_HISTORIC, 0, 0, 0, -1, NOEM, 0},
	{"CelB", 90000, 0, 25, V, 0, 0, 0, 0, 0, -1, NOEM, 0},
	{"JPEG", 90000, 0, 26, V, 0, 0, 0, 0, 0, -1, NOEM, 0},
	{"nv", 90000, 0, 28, V, 0, 0, 0, 0, 0, -1, NOEM, 0},
	{"H261", 90000, 0, 31, V, 0, 0, 0, 0, 0, -1, NOEM, 0},
	{"MPV", 90000, 0, 32, V, 0, 0, 0, 0, 0, -1, NOEM, 0},
	{"MP2T", 90000, 0, 33, RTP_MEDIA_AV, 0, 0, 0, 0, 0, -1, NOEM, 0},
	{"H263", 90000, 0, 34, V, 0, 0, 0, 0, 0, -1, NOEM, 0},
	/* Dynamic payload types: known by their rtpmap name only. */
	{"telephone-event", 8000, 0, N, A, 1, RTP_CODEC_F_TELEPHONE_EVENT, 50, 0, 0, -1, NOEM, 0},
	{"G726-32", 8000, 32000, N, A, 1, 0, 20, 0, 125, 7, G113IE, 43},
	{"G726-24", 8000, 24000, N, A, 1, 0, 20, 0, 125, 25, G113IE, 43},
	{"G726-16", 8000, 16000, N, A, 1, 0, 20, 0, 125, 50, G113IE, 43},
	{"G729D", 8000, 6400, N, A, 1, 0, 20, 10, 5000, -1, NOEM, 0},
	{"G729E", 8000, 11800, N, A, 1, 0, 20, 10, 5000, -1, NOEM, 0},
	{"GSM-EFR", 8000, 12200, N, A, 1, 0, 20, 20, 0, 5, G113, 100},
	{"iLBC", 8000, 13330, N, A, 1, 0, 30, 30, 5000, 11, ASSUMED, 250},
	{"opus", 48000, 32000, N, A, 2, RTP_CODEC_F_VBR, 20, 20, 6500, 0, ASSUMED, 200},
	{"AMR", 8000, 12200, N, A, 1, RTP_CODEC_F_VBR, 20, 20, 5000, 5, ASSUMED, 100},
	{"AMR-WB", 16000, 12650, N, A, 1, RTP_CODEC_F_VBR, 20, 20, 5000, 0, ASSUMED, 100},
	{"speex", 8000, 15000, N, A, 1, RTP_CODEC_F_VBR, 20, 20, 10000, -1, NOEM, 0},
	{"G7221", 16000, 24000, N, A, 1, 0, 20, 20, 20000, -1, NOEM, 0},
	{"EVS", 16000, 13200, N, A, 1, RTP_CODEC_F_VBR, 20, 20, 12000, -1, NOEM, 0},
	{"SILK", 16000, 20000, N, A, 1, RTP_CODEC_F_VBR, 20, 20, 5000, -1, NOEM, 0},
	{"t140", 1000, 0, N, RTP_MEDIA_TEXT, 0, 0, 300, 0, 0, -1, NOEM, 0},
	{"red", 8000, 0, N, RTP_MEDIA_APP, 0, 0, 0, 0, 0, -1, NOEM, 0},
	{"ulpfec", 90000, 0, N, RTP_MEDIA_APP, 0, 0, 0, 0, 0, -1, NOEM, 0},
	{"rtx", 90000, 0, N, RTP_MEDIA_APP, 0, 0, 0, 0, 0, -1, NOEM, 0},
	{"H263-1998", 90000, 0, N, V, 0, 0, 0, 0, 0, -1, NOEM, 0},
	{"H263-2000", 90000, 0, N, V, 0, 0, 0, 0, 0, -1, NOEM, 0},
	{"H264", 90000, 0, N, V, 0, 0, 0, 0, 0, -1, NOEM, 0},
	{"H265", 90000, 0, N, V, 0, 0, 0, 0, 0, -1, NOEM, 0},
	{"VP8", 90000, 0, N, V, 0, 0, 0, 0, 0, -1, NOEM, 0},
	{"VP9", 90000, 0, N, V, 0, 0, 0, 0, 0, -1, NOEM, 0},
	{"AV1", 90000, 0, N, V, 0, 0, 0, 0, 0, -1, NOEM, 0},
	{"MP4V-ES", 90000, 0, N, V, 0, 0, 0, 0, 0, -1, NOEM, 0},
};

#undef A
#undef V
#undef N
#undef G113
#undef ASSUMED
#undef G113IE
#undef NOEM
/* clang-format on */

#define RTP_CODEC_COUNT	  (sizeof(rtp_codecs) / sizeof(rtp_codecs[0]))
#define RTP_PT_STATIC_MAX 34

/* Static PT -> codec row. */
static const struct rtp_codec *
static_lookup(uint8_t pt)
{
	unsigned int i;

	/*
	 * The static entries are the first rows and sorted by PT, so this loop ends early; it
	 * runs on the control path (stream setup), not per packet: rtp_stats caches the clock.
	 */
	for (i = 0; i < RTP_CODEC_COUNT && rtp_codecs[i].static_pt != RTP_PT_NONE; i++) {
		if (rtp_codecs[i].static_pt == pt)
			return &rtp_codecs[i];
		if (rtp_codecs[i].static_pt > pt)
			break;
	}
	return NULL;
}

const struct rtp_codec *
rtp_pt_static(uint8_t pt)
{
	if (pt > RTP_PT_STATIC_MAX)
		return NULL;
	return static_lookup(pt);
}

/*
 * Clock per static PT as a flat array: rtp_stats calls this for every packet whose PT is not
 * in its own small map, so it must be one load.
 */
/* clang-format off */
static const uint32_t static_clock[RTP_PT_STATIC_MAX + 1] = {
	[0] = 8000, [1] = 8000, [2] = 8000, [3] = 8000, [4] = 8000, [5] = 8000,
	[6] = 16000, [7] = 8000, [8] = 8000, [9] = 8000, [10] = 44100, [11] = 44100,
	[12] = 8000, [13] = 8000, [14] = 90000, [15] = 8000, [16] = 11025, [17] = 22050,
	[18] = 8000, [19] = 8000, [25] = 90000, [26] = 90000, [28] = 90000, [31] = 90000,
	[32] = 90000, [33] = 90000, [34] = 90000,
};
/* clang-format on */

uint32_t
rtp_pt_static_clock(uint8_t pt)
{
	if (pt > RTP_PT_STATIC_MAX)
		return 0;
	return static_clock[pt];
}

static int
ascii_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

const struct rtp_codec *
rtp_codec_by_name(const char *name, uint32_t len)
{
	unsigned int i;
	uint32_t j;

	if (name == NULL || len == 0)
		return NULL;
	for (i = 0; i < RTP_CODEC_COUNT; i++) {
		const char *n = rtp_codecs[i].name;

		for (j = 0; j < len && n[j] != '\0'; j++) {
			if (ascii_lower((unsigned char)name[j]) != ascii_lower((unsigned char)n[j]))
				break;
		}
		if (j == len && n[j] == '\0')
			return &rtp_codecs[i];
	}
	return NULL;
}

bool
rtp_codec_is_telephone_event(const struct rtp_codec *c)
{
	return c != NULL && (c->flags & RTP_CODEC_F_TELEPHONE_EVENT) != 0;
}

uint32_t
rtp_codec_ip_bps(const struct rtp_codec *c, uint32_t ptime_ms, bool ipv6)
{
	uint64_t payload, hdr, bps;

	if (c == NULL || c->bitrate == 0)
		return 0;
	if (ptime_ms == 0)
		ptime_ms = c->ptime_ms;
	if (ptime_ms == 0)
		return 0;
	/* Octets of codec data per packet, rounded up: a partial octet is still sent. */
	payload = ((uint64_t)c->bitrate * ptime_ms + 7999) / 8000;
	hdr = 12 + 8 + (ipv6 ? 40 : 20);
	bps = (payload + hdr) * 8 * 1000 / ptime_ms;
	return bps > UINT32_MAX ? UINT32_MAX : (uint32_t)bps;
}

unsigned int
rtp_codec_count(void)
{
	return RTP_CODEC_COUNT;
}

const struct rtp_codec *
rtp_codec_at(unsigned int idx)
{
	return idx < RTP_CODEC_COUNT ? &rtp_codecs[idx] : NULL;
}
