/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Conversational quality estimate: ITU-T G.107 E-model, simplified the way monitoring tools
 * (rtpengine, VoIPmonitor, PingPlotter) do it, with the codec terms of G.113 Appendix I.
 *
 *   R = 93.2 - Id(Ta) - Ie_eff + A
 *
 *  - 93.2 is G.107's R with all default parameters (Ro - Is at the defaults); A defaults to 0.
 *  - Id: delay impairment for the one-way mouth-to-ear delay Ta, with the simplified curve of
 *    Cole & Rosenbluth (2001), fitted to G.107 with default echo parameters:
 *    Id = 0.024 Ta + 0.11 (Ta - 177.3) H(Ta - 177.3). Ta = network one-way delay (RTCP round
 *    trip / 2 when known, else the configured default) + packetisation (ptime) + codec
 *    look-ahead + the nominal jitter buffer.
 *  - Ie_eff = Ie + (95 - Ie) * Ppl / (Ppl / BurstR + Bpl)   (G.107 eq. 7-29), Ppl in percent
 *    = (packets lost by sequence number + packets a jb_ms jitter buffer would discard as late)
 *    / expected; BurstR from the 2-state loss model kept by rtp_stats:
 *    p = gaps / received, q = gaps / packets lost in gaps, BurstR = 1 / (p + q), at least 1.
 *  - MOS-CQE from R (G.107 Annex B): 1 for R < 0, 4.5 for R > 100, else
 *    1 + 0.035 R + R (R - 60) (100 - R) 7e-6.
 *
 * Floating point is used here: this runs when a report is built, not per packet.
 */

#ifndef MOS_H
#define MOS_H

#include <stdint.h>

#include "rtp_pt.h"
#include "rtp_stats.h"

/* mos_result.basis: what the estimate was computed from. */
#define MOS_F_RTT           (1u << 0) /* delay from an RTCP round-trip time */
#define MOS_F_DELAY_DEFAULT (1u << 1) /* no RTT: configured default one-way delay */
#define MOS_F_LOSS_SEQ      (1u << 2) /* loss from RTP sequence numbers */
#define MOS_F_LOSS_JB       (1u << 3) /* jitter-buffer discards included in the loss */
#define MOS_F_BURST         (1u << 4) /* BurstR from observed loss runs (else 1) */
#define MOS_F_NIC_DROPS     (1u << 5) /* the NIC dropped packets meanwhile: loss may be ours */
#define MOS_F_CODEC_DEFAULT (1u << 6) /* codec without E-model values: G.711 values used */
#define MOS_F_CODEC_ASSUMED (1u << 7) /* Ie/Bpl (partly) vpep's assumption, not G.113 */
#define MOS_F_FEW_PACKETS   (1u << 8) /* fewer than min_packets expected: low confidence */

struct mos_config {
	double default_delay_ms; /* one-way network delay when no RTT is known */
	double advantage;        /* G.107 advantage factor A */
	uint16_t jb_ms;          /* nominal jitter buffer: delay it adds (and late threshold) */
	uint32_t min_packets;    /* below this the result carries MOS_F_FEW_PACKETS */
};

struct mos_input {
	const struct rtp_codec *codec; /* NULL: G.711 values, MOS_F_CODEC_DEFAULT */
	uint32_t expected;        /* packets expected (RFC 3550 A.3) */
	uint32_t lost;            /* packets lost (never negative) */
	uint32_t jb_late;         /* packets a jitter buffer would have discarded */
	uint32_t received;
	uint32_t loss_bursts;     /* gaps */
	uint32_t burst_lost;      /* packets missing in gaps */
	int64_t rtt_us;           /* RTCP round trip, < 0 if unknown */
	uint64_t nic_drops;       /* NIC/ring drops on the receiving port during the stream */
	uint16_t ptime_ms;        /* packetisation, 0 = the codec's default */
};

struct mos_result {
	double r_factor;
	double mos;               /* MOS-CQE, 1.0 .. 4.5 */
	double ppl;               /* effective packet loss used, percent */
	double burst_r;
	double ie_eff;
	double id;
	double delay_ms;          /* one-way delay Ta used */
	uint32_t basis;           /* MOS_F_* */
};

/* default_delay_ms 0, advantage 0, jb_ms RTP_STREAM_DEFAULT_JB_MS, min_packets 50. */
void mos_config_default(struct mos_config *cfg);

/* MOS-CQE from R (G.107 Annex B), clamped to [1, 4.5]. */
double mos_from_r(double r);

/* Simplified delay impairment Id for a one-way delay in ms (0 for negative input). */
double mos_id(double delay_ms);

/* G.107 effective equipment impairment; ppl in percent, burst_r >= 1. */
double mos_ie_eff(double ie, double bpl, double ppl, double burst_r);

/* BurstR of the 2-state model from loss-run counters (1 when there is no loss). */
double mos_burst_r(uint32_t received, uint32_t loss_bursts, uint32_t burst_lost);

/* Fill in the loss fields of *in from a stream's counters (codec, rtt, nic_drops untouched). */
void mos_input_from_stream(struct mos_input *in, const struct rtp_stream *s);

/* Compute the estimate. Returns 0, or -EINVAL for NULL arguments. */
int mos_compute(const struct mos_input *in, const struct mos_config *cfg, struct mos_result *out);

#endif /* MOS_H */
