/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "mos.h"

/* G.107 R with every parameter at its default (Ro - Is - Id(0) - Ie(0) + A(0)). */
#define MOS_R_DEFAULT 93.2

/* G.711 values (G.113 Appendix I, with G.711 Appendix I PLC) for codecs without any. */
#define MOS_IE_FALLBACK	 0.0
#define MOS_BPL_FALLBACK 25.1

void
mos_config_default(struct mos_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->default_delay_ms = 0.0;
	cfg->advantage = 0.0;
	cfg->jb_ms = RTP_STREAM_DEFAULT_JB_MS;
	cfg->min_packets = 50;
}

double
mos_from_r(double r)
{
	double mos;

	if (r <= 0.0)
		return 1.0;
	if (r >= 100.0)
		return 4.5;
	mos = 1.0 + 0.035 * r + r * (r - 60.0) * (100.0 - r) * 7e-6;
	/* The cubic dips just below 1 for R < ~6.5; the scale does not. */
	return mos < 1.0 ? 1.0 : (mos > 4.5 ? 4.5 : mos);
}

double
mos_id(double delay_ms)
{
	double id;

	if (delay_ms <= 0.0)
		return 0.0;
	id = 0.024 * delay_ms;
	if (delay_ms > 177.3)
		id += 0.11 * (delay_ms - 177.3);
	return id;
}

double
mos_ie_eff(double ie, double bpl, double ppl, double burst_r)
{
	if (ppl <= 0.0)
		return ie;
	if (burst_r < 1.0)
		burst_r = 1.0;
	if (bpl <= 0.0)
		bpl = 1.0;
	return ie + (95.0 - ie) * ppl / (ppl / burst_r + bpl);
}

double
mos_burst_r(uint32_t received, uint32_t loss_bursts, uint32_t burst_lost)
{
	double p, q, br;

	if (loss_bursts == 0 || burst_lost == 0)
		return 1.0;
	/* p: received -> lost transitions per received packet; q: lost -> received per lost. */
	p = received ? (double)loss_bursts / received : 1.0;
	q = (double)loss_bursts / burst_lost;
	if (q > 1.0)
		q = 1.0;
	br = 1.0 / (p + q);
	/* G.107 defines BurstR >= 1 (1 = random); short samples can land below it. */
	return br < 1.0 ? 1.0 : br;
}

void
mos_input_from_stream(struct mos_input *in, const struct rtp_stream *s)
{
	in->expected = rtp_stream_expected(s);
	in->lost = rtp_stream_lost(s);
	in->jb_late = s->jb_late;
	in->received = s->received;
	in->loss_bursts = s->loss_bursts;
	in->burst_lost = s->burst_lost;
}

int
mos_compute(const struct mos_input *in, const struct mos_config *cfg, struct mos_result *out)
{
	const struct rtp_codec *c;
	double ie, bpl, net_ms, codec_ms, r;
	uint32_t ptime;
	uint64_t bad;

	if (in == NULL || cfg == NULL || out == NULL)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	c = in->codec;

	if (c != NULL && c->emodel_src != RTP_EMODEL_NONE && c->ie >= 0) {
		ie = c->ie;
		bpl = c->bpl_x10 / 10.0;
		if (c->emodel_src != RTP_EMODEL_G113)
			out->basis |= MOS_F_CODEC_ASSUMED;
	} else {
		ie = MOS_IE_FALLBACK;
		bpl = MOS_BPL_FALLBACK;
		out->basis |= MOS_F_CODEC_DEFAULT;
	}

	/* Loss: sequence-number loss plus jitter-buffer discards, over what was expected. */
	out->basis |= MOS_F_LOSS_SEQ;
	bad = (uint64_t)in->lost;
	if (in->jb_late) {
		bad += in->jb_late;
		out->basis |= MOS_F_LOSS_JB;
	}
	if (in->expected > 0)
		out->ppl = 100.0 * (double)(bad > in->expected ? in->expected : bad) / in->expected;
	out->burst_r = mos_burst_r(in->received, in->loss_bursts, in->burst_lost);
	if (in->loss_bursts > 0)
		out->basis |= MOS_F_BURST;
	out->ie_eff = mos_ie_eff(ie, bpl, out->ppl, out->burst_r);

	/* Delay: network one way + packetisation + look-ahead + jitter buffer. */
	if (in->rtt_us >= 0) {
		net_ms = (double)in->rtt_us / 2000.0;
		out->basis |= MOS_F_RTT;
	} else {
		net_ms = cfg->default_delay_ms;
		out->basis |= MOS_F_DELAY_DEFAULT;
	}
	ptime = in->ptime_ms ? in->ptime_ms : (c != NULL ? c->ptime_ms : 20);
	codec_ms = ptime + (c != NULL ? c->lookahead_us / 1000.0 : 0.0);
	out->delay_ms = net_ms + codec_ms + cfg->jb_ms;
	out->id = mos_id(out->delay_ms);

	if (in->nic_drops > 0)
		out->basis |= MOS_F_NIC_DROPS;
	if (in->expected < cfg->min_packets)
		out->basis |= MOS_F_FEW_PACKETS;

	r = MOS_R_DEFAULT - out->id - out->ie_eff + cfg->advantage;
	out->r_factor = r;
	out->mos = mos_from_r(r);
	return 0;
}
