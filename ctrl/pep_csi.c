/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pep_csi.h"

/* Copy a fixed-size event string that may lack its NUL. */
static void
cstr(char *dst, size_t cap, const char *src, size_t n)
{
	size_t i;

	for (i = 0; i < n && i + 1 < cap && src[i] != '\0'; i++)
		/* the opaque text uses ';' and '=' as separators: keep them out of values */
		dst[i] = (src[i] == ';' || (unsigned char)src[i] < 0x20) ? '_' : src[i];
	dst[i] = '\0';
}

static void
classifier(const struct vpep_ipc_media *m, uint16_t id, struct pcmm_classifier *c)
{
	memset(c, 0, sizeof(*c));
	c->protocol = 17;
	c->id = id;
	c->priority = 64;
	c->activation = PCMM_CLS_ACTIVE;
	c->action = PCMM_CLS_ADD;
	c->sport = c->sport_end = m->offer_port;
	c->dport = c->dport_end = m->answer_port;
	if (m->offer_addr.family == 6 || m->answer_addr.family == 6) {
		c->s_type = PCMM_CLS_IPV6;
		c->protocol = 17;
		memcpy(c->src, m->offer_addr.addr, 16);
		memcpy(c->dst, m->answer_addr.addr, 16);
		c->src_prefix = m->offer_addr.family == 6 ? 128 : 0;
		c->dst_prefix = m->answer_addr.family == 6 ? 128 : 0;
		return;
	}
	c->s_type = PCMM_CLS_EXTENDED;
	memcpy(c->src, m->offer_addr.addr, 4);
	memcpy(c->dst, m->answer_addr.addr, 4);
	memset(c->src_mask, m->offer_addr.family ? 0xff : 0, 4);
	memset(c->dst_mask, m->answer_addr.family ? 0xff : 0, 4);
}

void
pep_csi_gate_from_admission(const struct vpep_ipc_admission *a, uint32_t gate_id,
	uint16_t txn, struct pcmm_gate *g, char *opaque, uint16_t opaque_cap)
{
	char call_id[VPEP_IPC_URI_LEN], from[VPEP_IPC_URI_LEN], to[VPEP_IPC_URI_LEN];
	char codecs[64] = "";
	uint64_t bw = 0;
	unsigned int i;
	int n;

	memset(g, 0, sizeof(*g));
	g->txn_id = txn;
	g->cmd = PCMM_GATE_SET;
	g->amid.app_type = PEP_CSI_AMID_APP;
	g->amid.am_tag = PEP_CSI_AMID_TAG;
	g->subscriber.family = a->caller_addr.family == 6 ? 6 : 4;
	memcpy(g->subscriber.addr, a->caller_addr.addr, 16);
	g->present = PCMM_GATE_HAS_GATE_ID | PCMM_GATE_HAS_SPEC | PCMM_GATE_HAS_TRAFFIC;
	g->gate_id = gate_id;
	g->spec.session_class = 1;
	for (i = 0; i < a->n_media && i < VPEP_IPC_MAX_MEDIA && i < PCMM_MAX_CLASSIFIERS; i++) {
		char c[17];

		bw += a->media[i].bandwidth_bps;
		classifier(&a->media[i], (uint16_t)(i + 1), &g->cls[i]);
		cstr(c, sizeof(c), a->media[i].codec, sizeof(a->media[i].codec));
		if (strlen(codecs) + strlen(c) + 2 < sizeof(codecs)) {
			if (codecs[0])
				strcat(codecs, ",");
			strcat(codecs, c);
		}
	}
	g->n_cls = (uint8_t)i;
	if (g->n_cls == 0) {
		/* a call without media yet still names its signalling source */
		struct vpep_ipc_media m;

		memset(&m, 0, sizeof(m));
		m.offer_addr = a->caller_addr;
		classifier(&m, 1, &g->cls[0]);
		g->n_cls = 1;
	}
	g->tp.s_type = PCMM_TP_FLOWSPEC;
	g->tp.envelope = PCMM_ENV_AUTHORIZED;
	g->tp.service_number = 2;
	g->tp.n_env = 1;
	g->tp.fs[0].token_rate = pcmm_f32_bits((float)bw / 8.0f);
	g->tp.fs[0].token_size = pcmm_f32_bits(1500.0f);
	g->tp.fs[0].peak_rate = pcmm_f32_bits((float)bw / 8.0f);
	g->tp.fs[0].min_policed_unit = 64;
	g->tp.fs[0].max_packet_size = 1500;
	g->tp.fs[0].rate = pcmm_f32_bits((float)bw / 8.0f);
	cstr(call_id, sizeof(call_id), a->call_id, sizeof(a->call_id));
	cstr(from, sizeof(from), a->from_uri, sizeof(a->from_uri));
	cstr(to, sizeof(to), a->to_uri, sizeof(a->to_uri));
	n = snprintf(opaque, opaque_cap, "call-id=%s;from=%s;to=%s;codec=%s;bw=%llu", call_id, from,
		to, codecs, (unsigned long long)bw);
	if (n < 0)
		n = 0;
	if (n >= opaque_cap)
		n = opaque_cap - 1;
	/* Opaque Data is padded to 32 bits by the PCMM encoder only if we ask: keep it aligned */
	while (n % 4 && n + 1 < opaque_cap)
		opaque[n++] = ' ';
	g->opaque = (const uint8_t *)opaque;
	g->opaque_len = (uint16_t)n;
	g->present |= PCMM_GATE_HAS_OPAQUE;
}

int
pep_csi_encode_admission(const struct vpep_ipc_admission *a, uint32_t gate_id, uint16_t txn,
	uint8_t *buf, uint32_t cap)
{
	char opaque[PEP_CSI_OPAQUE_MAX];
	struct pcmm_gate g;
	struct pcmm_err err;

	pep_csi_gate_from_admission(a, gate_id, txn, &g, opaque, sizeof(opaque));
	return pcmm_gate_encode(buf, cap, &g, &err);
}

/* Find "key=" in the opaque text and copy its value (up to ';') into out. */
static void
opaque_get(const char *text, size_t len, const char *key, char *out, size_t cap)
{
	size_t klen = strlen(key), i = 0;

	out[0] = '\0';
	while (i < len) {
		size_t end = i;

		while (end < len && text[end] != ';')
			end++;
		if (end - i > klen && memcmp(text + i, key, klen) == 0 && text[i + klen] == '=') {
			size_t n = end - i - klen - 1, j;

			if (n >= cap)
				n = cap - 1;
			memcpy(out, text + i + klen + 1, n);
			out[n] = '\0';
			/* the encoder pads with spaces to 32 bits */
			for (j = n; j > 0 && out[j - 1] == ' '; j--)
				out[j - 1] = '\0';
			return;
		}
		i = end + 1;
	}
}

int
pep_csi_parse_call(const struct pcmm_gate *g, struct pep_csi_call *c)
{
	char bw[24];
	unsigned int i;

	memset(c, 0, sizeof(*c));
	if (g->cmd != PCMM_GATE_SET)
		return -EINVAL;
	c->gate_id = (g->present & PCMM_GATE_HAS_GATE_ID) ? g->gate_id : 0;
	c->subscriber = g->subscriber;
	c->n_cls = g->n_cls;
	for (i = 0; i < g->n_cls && i < PCMM_MAX_CLASSIFIERS; i++)
		c->cls[i] = g->cls[i];
	if ((g->present & PCMM_GATE_HAS_OPAQUE) && g->opaque != NULL) {
		const char *t = (const char *)g->opaque;

		opaque_get(t, g->opaque_len, "call-id", c->call_id, sizeof(c->call_id));
		opaque_get(t, g->opaque_len, "from", c->from, sizeof(c->from));
		opaque_get(t, g->opaque_len, "to", c->to, sizeof(c->to));
		opaque_get(t, g->opaque_len, "codec", c->codecs, sizeof(c->codecs));
		opaque_get(t, g->opaque_len, "bw", bw, sizeof(bw));
		c->bandwidth_bps = strtoull(bw, NULL, 10);
	}
	return 0;
}

uint8_t
pep_csi_dscp(const struct pcmm_gate *g)
{
	if ((g->present & PCMM_GATE_HAS_SPEC) && (g->spec.flags & PCMM_GATE_FLAG_DSCP_OVERWRITE))
		return g->spec.dscp_tos >> 2;	/* the GateSpec carries the whole DS field */
	return VPEP_IPC_DSCP_KEEP;
}

void
pep_csi_meter(const struct pcmm_gate *g, struct vpep_ipc_meter *m)
{
	float rate = 0, size = 0, peak = 0;

	memset(m, 0, sizeof(*m));
	if (!(g->present & PCMM_GATE_HAS_TRAFFIC))
		return;
	if (g->tp.s_type == PCMM_TP_FLOWSPEC && g->tp.n_env > 0) {
		rate = pcmm_f32_value(g->tp.fs[0].token_rate);
		size = pcmm_f32_value(g->tp.fs[0].token_size);
		peak = pcmm_f32_value(g->tp.fs[0].peak_rate);
	} else if (g->tp.s_type >= PCMM_TP_BE && g->tp.n_env > 0) {
		rate = (float)g->tp.docsis[0].max_sustained_rate / 8.0f;	/* bits/s */
		size = (float)g->tp.docsis[0].max_burst;
	}
	if (!(rate > 0) || rate > 1e12f)
		return;
	m->cir = (uint64_t)rate;
	m->cbs = size >= 64 && size < 1e9f ? (uint64_t)size : 1500;
	if (peak > rate && peak < 1e12f) {
		m->type = VPEP_IPC_METER_TRTCM;
		m->pir = (uint64_t)peak;
		m->pbs = m->cbs;
		m->yellow_action = VPEP_IPC_ACT_PASS;
	} else {
		m->type = VPEP_IPC_METER_SRTCM;
		m->pbs = m->cbs;
	}
	m->red_action = VPEP_IPC_ACT_DROP;
}

int
pep_csi_gate_to_ipc(const struct pcmm_gate *g, uint32_t gate_id, struct vpep_ipc_gate *out)
{
	const struct pcmm_classifier *c;

	memset(out, 0, sizeof(*out));
	if (g->n_cls == 0)
		return -EINVAL;
	c = &g->cls[0];
	out->gate_id = gate_id;
	out->verdict = VPEP_IPC_VERDICT_ADMIT;
	out->dscp = pep_csi_dscp(g);
	out->source = VPEP_IPC_SOURCE_COPS;
	/* PCMM gates are one-directional; the dataplane matches both ways when asked to */
	out->dir = (g->spec.flags & PCMM_GATE_FLAG_UPSTREAM) ? VPEP_IPC_DIR_UPSTREAM :
		VPEP_IPC_DIR_DOWNSTREAM;
	out->protocol = c->protocol > 255 ? 0 : (uint8_t)c->protocol;
	if (c->s_type == PCMM_CLS_IPV6) {
		out->src.family = 6;
		out->dst.family = 6;
		out->src.prefix_len = c->src_prefix;
		out->dst.prefix_len = c->dst_prefix;
		memcpy(out->src.addr, c->src, 16);
		memcpy(out->dst.addr, c->dst, 16);
	} else {
		static const uint8_t zero[4];
		unsigned int i, bits;

		out->src.family = memcmp(c->src, zero, 4) ? 4 : 0;
		out->dst.family = memcmp(c->dst, zero, 4) ? 4 : 0;
		memcpy(out->src.addr, c->src, 4);
		memcpy(out->dst.addr, c->dst, 4);
		if (c->s_type == PCMM_CLS_LEGACY) {
			out->src.prefix_len = out->src.family ? 32 : 0;
			out->dst.prefix_len = out->dst.family ? 32 : 0;
		} else {
			for (bits = 0, i = 0; i < 32; i++)
				bits += (c->src_mask[i / 8] >> (7 - i % 8)) & 1;
			out->src.prefix_len = (uint8_t)bits;
			for (bits = 0, i = 0; i < 32; i++)
				bits += (c->dst_mask[i / 8] >> (7 - i % 8)) & 1;
			out->dst.prefix_len = (uint8_t)bits;
		}
	}
	out->sport_lo = c->sport;
	out->sport_hi = c->s_type == PCMM_CLS_LEGACY || c->sport_end < c->sport ? c->sport :
		c->sport_end;
	out->dport_lo = c->dport;
	out->dport_hi = c->s_type == PCMM_CLS_LEGACY || c->dport_end < c->dport ? c->dport :
		c->dport_end;
	if (out->sport_lo == 0 && out->sport_hi == 0)
		out->sport_hi = 65535;
	if (out->dport_lo == 0 && out->dport_hi == 0)
		out->dport_hi = 65535;
	pep_csi_meter(g, &out->meter);
	snprintf(out->rule, sizeof(out->rule), "cops:gate-set");
	return 0;
}

void
pep_csi_gate_from_ipc(const struct vpep_ipc_gate *in, struct pcmm_gate *g)
{
	struct pcmm_classifier *c = &g->cls[0];
	unsigned int i;

	g->present |= PCMM_GATE_HAS_GATE_ID | PCMM_GATE_HAS_SPEC | PCMM_GATE_HAS_TRAFFIC;
	g->gate_id = in->gate_id;
	g->spec.flags = in->dir == VPEP_IPC_DIR_UPSTREAM ? PCMM_GATE_FLAG_UPSTREAM : 0;
	if (in->dscp != VPEP_IPC_DSCP_KEEP) {
		g->spec.flags |= PCMM_GATE_FLAG_DSCP_OVERWRITE;
		g->spec.dscp_tos = (uint8_t)(in->dscp << 2);
		g->spec.dscp_tos_mask = 0xfc;
	}
	g->tp.s_type = PCMM_TP_FLOWSPEC;
	g->tp.envelope = PCMM_ENV_AUTHORIZED;
	g->tp.service_number = 2;
	g->tp.n_env = 1;
	g->tp.fs[0].token_rate = pcmm_f32_bits((float)in->meter.cir);
	g->tp.fs[0].token_size = pcmm_f32_bits((float)(in->meter.cbs ? in->meter.cbs : 1500));
	g->tp.fs[0].peak_rate = pcmm_f32_bits((float)(in->meter.pir ? in->meter.pir :
		in->meter.cir));
	g->tp.fs[0].min_policed_unit = 64;
	g->tp.fs[0].max_packet_size = 1500;
	g->tp.fs[0].rate = pcmm_f32_bits((float)in->meter.cir);
	memset(c, 0, sizeof(*c));
	c->protocol = in->protocol ? in->protocol : 256;
	c->sport = in->sport_lo;
	c->sport_end = in->sport_hi;
	c->dport = in->dport_lo;
	c->dport_end = in->dport_hi;
	c->id = 1;
	c->priority = 64;
	c->activation = PCMM_CLS_ACTIVE;
	c->action = PCMM_CLS_ADD;
	if (in->src.family == 6 || in->dst.family == 6) {
		c->s_type = PCMM_CLS_IPV6;
		memcpy(c->src, in->src.addr, 16);
		memcpy(c->dst, in->dst.addr, 16);
		c->src_prefix = in->src.prefix_len;
		c->dst_prefix = in->dst.prefix_len;
	} else {
		c->s_type = PCMM_CLS_EXTENDED;
		memcpy(c->src, in->src.addr, 4);
		memcpy(c->dst, in->dst.addr, 4);
		for (i = 0; i < 32; i++) {
			if (i < in->src.prefix_len)
				c->src_mask[i / 8] |= (uint8_t)(0x80 >> (i % 8));
			if (i < in->dst.prefix_len)
				c->dst_mask[i / 8] |= (uint8_t)(0x80 >> (i % 8));
		}
	}
	g->n_cls = 1;
}
