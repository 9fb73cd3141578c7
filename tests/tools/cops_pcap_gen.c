/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cops_pcap_gen: encode a complete set of COPS / PacketCable Multimedia
 * messages with ctrl/cops_codec.c and ctrl/pcmm.c, write them as TCP
 * segments (IPv4, port 3288) into a pcap file, and write a JSON file with
 * what each frame should decode to. tests/unit/cops_tshark_check.py then
 * asks tshark whether it agrees.
 *
 * Usage: cops_pcap_gen [--corrupt] OUT.pcap OUT.json
 *
 * --corrupt deliberately breaks one frame (an object length of 2) and one
 * expectation (a gate id) so the checker's own failure paths can be tested.
 *
 * Expectations are written from the values the generator chose, not from
 * decoding its own output, so the comparison with tshark is independent of
 * our decoder.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cops_codec.h"
#include "pcmm.h"

#define MAX_KV 160
#define MAX_FRAMES 256

/* ---------------------------------------------------------------- expectations */

struct kv {
	const char *name;
	char val[64];		/* a JSON literal */
};

static struct {
	FILE *json;
	unsigned int frame;	/* pcap frame number of the last frame written */
	int first_frame;
	struct kv kv[MAX_KV];
	unsigned int n_kv;
	int corrupt;
} G;

static void
exp_add(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
exp_add(const char *name, const char *fmt, ...)
{
	va_list ap;

	if (G.n_kv >= MAX_KV) {
		fprintf(stderr, "too many expectations in one frame\n");
		exit(1);
	}
	G.kv[G.n_kv].name = name;
	va_start(ap, fmt);
	vsnprintf(G.kv[G.n_kv].val, sizeof(G.kv[G.n_kv].val), fmt, ap);
	va_end(ap);
	G.n_kv++;
}

static void
exp_int(const char *name, unsigned long long v)
{
	exp_add(name, "%llu", v);
}

static void
exp_str(const char *name, const char *s)
{
	exp_add(name, "\"%s\"", s);
}

static void
exp_ip(const char *name, int family, const uint8_t *addr)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(family == 4 ? AF_INET : AF_INET6, addr, s, sizeof(s));
	exp_str(name, s);
}

static void
exp_float(const char *name, float f)
{
	exp_add(name, "%.9g", (double)f);
}

/* Write the expectations collected for the frame just written. */
static void
exp_flush(const char *desc)
{
	unsigned int i, j;
	int first = 1;

	fprintf(G.json, "%s\n    {\"frame\": %u, \"desc\": \"%s\", \"fields\": {", G.first_frame ? "" : ",",
		G.frame, desc);
	G.first_frame = 0;
	for (i = 0; i < G.n_kv; i++) {
		int seen = 0;

		for (j = 0; j < i; j++) {
			if (strcmp(G.kv[j].name, G.kv[i].name) == 0)
				seen = 1;
		}
		if (seen)
			continue;
		fprintf(G.json, "%s\n      \"%s\": [", first ? "" : ",", G.kv[i].name);
		first = 0;
		for (j = i; j < G.n_kv; j++) {
			if (strcmp(G.kv[j].name, G.kv[i].name) == 0)
				fprintf(G.json, "%s%s", j == i ? "" : ", ", G.kv[j].val);
		}
		fprintf(G.json, "]");
	}
	fprintf(G.json, "}}");
	G.n_kv = 0;
}

/* ---------------------------------------------------------------- TCP/IP framing */

struct stream {
	uint8_t pep_ip[4], pdp_ip[4];
	uint16_t pep_port, pdp_port;
	uint32_t seq[2];	/* next sequence number: [0] PEP, [1] PDP */
};

enum dir { PEP_TO_PDP = 0, PDP_TO_PEP = 1 };

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_PSH 0x08
#define TH_ACK 0x10

static pcap_dumper_t *dumper;
static unsigned int ts_usec;

static uint32_t
csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)(p[n - 1] << 8);
	return sum;
}

static uint16_t
csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
tcp_send(struct stream *s, enum dir d, uint8_t flags, const uint8_t *payload, uint32_t len)
{
	static uint8_t frame[14 + 20 + 20 + 65536];
	static uint16_t ip_id = 1;
	uint8_t *eth = frame, *ip = frame + 14, *tcp = ip + 20;
	const uint8_t *src = d == PEP_TO_PDP ? s->pep_ip : s->pdp_ip;
	const uint8_t *dst = d == PEP_TO_PDP ? s->pdp_ip : s->pep_ip;
	uint16_t sport = d == PEP_TO_PDP ? s->pep_port : s->pdp_port;
	uint16_t dport = d == PEP_TO_PDP ? s->pdp_port : s->pep_port;
	struct pcap_pkthdr h;
	uint8_t pseudo[12];
	uint32_t sum;

	/* Ethernet: locally administered MACs, one per side. */
	memcpy(eth, d == PEP_TO_PDP ? "\x02\x00\x00\x00\x00\x02" : "\x02\x00\x00\x00\x00\x01", 6);
	memcpy(eth + 6, d == PEP_TO_PDP ? "\x02\x00\x00\x00\x00\x01" : "\x02\x00\x00\x00\x00\x02", 6);
	put16(eth + 12, 0x0800);

	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + 20 + len));
	put16(ip + 4, ip_id++);
	put16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	put16(ip + 10, csum_fold(csum_add(0, ip, 20)));

	memset(tcp, 0, 20);
	put16(tcp, sport);
	put16(tcp + 2, dport);
	put32(tcp + 4, s->seq[d]);
	put32(tcp + 8, (flags & TH_ACK) ? s->seq[!d] : 0);
	tcp[12] = 5 << 4;
	tcp[13] = flags;
	put16(tcp + 14, 65535);
	memcpy(tcp + 20, payload, len);
	memcpy(pseudo, src, 4);
	memcpy(pseudo + 4, dst, 4);
	pseudo[8] = 0;
	pseudo[9] = 6;
	put16(pseudo + 10, (uint16_t)(20 + len));
	sum = csum_add(csum_add(0, pseudo, sizeof(pseudo)), tcp, 20 + len);
	put16(tcp + 16, csum_fold(sum));

	s->seq[d] += len + ((flags & (TH_SYN | TH_FIN)) ? 1 : 0);

	ts_usec += 1000;
	h.ts.tv_sec = 1700000000 + ts_usec / 1000000;
	h.ts.tv_usec = ts_usec % 1000000;
	h.caplen = h.len = 14 + 20 + 20 + len;
	pcap_dump((u_char *)dumper, &h, frame);
	G.frame++;
}

static void
tcp_open(struct stream *s)
{
	tcp_send(s, PEP_TO_PDP, TH_SYN, NULL, 0);
	tcp_send(s, PDP_TO_PEP, TH_SYN | TH_ACK, NULL, 0);
	tcp_send(s, PEP_TO_PDP, TH_ACK, NULL, 0);
}

static void
tcp_close(struct stream *s, enum dir first)
{
	tcp_send(s, first, TH_FIN | TH_ACK, NULL, 0);
	tcp_send(s, (enum dir)!first, TH_FIN | TH_ACK, NULL, 0);
	tcp_send(s, first, TH_ACK, NULL, 0);
}

/* ---------------------------------------------------------------- COPS frames */

static uint8_t msgbuf[8192];

static void
check(int n, const char *what)
{
	if (n < 0) {
		fprintf(stderr, "encoding %s failed: %s\n", what, strerror(-n));
		exit(1);
	}
}

/* Send one encoded COPS message and record the common expectations. */
static void
send_cops(struct stream *s, enum dir d, int n, const char *desc)
{
	struct cops_msg m;
	struct cops_err e;

	check(n, desc);
	/* The generator only writes what our decoder accepts (unless corrupting). */
	if (cops_msg_decode(msgbuf, (uint32_t)n, &m, &e) != 0 && !G.corrupt) {
		fprintf(stderr, "%s does not decode: %s\n", desc, e.msg);
		exit(1);
	}
	tcp_send(s, d, TH_PSH | TH_ACK, msgbuf, (uint32_t)n);
	exp_int("cops.op_code", msgbuf[1]);
	exp_int("cops.client_type", (unsigned)(msgbuf[2] << 8 | msgbuf[3]));
	exp_int("cops.msg_len", (unsigned)n);
	exp_flush(desc);
}

/* Same, but split over two TCP segments: the expectations belong to the second frame. */
static void
send_cops_split(struct stream *s, enum dir d, int n, uint32_t first, const char *desc)
{
	check(n, desc);
	tcp_send(s, d, TH_ACK, msgbuf, first);
	tcp_send(s, d, TH_PSH | TH_ACK, msgbuf + first, (uint32_t)n - first);
	exp_int("cops.op_code", msgbuf[1]);
	exp_int("cops.client_type", (unsigned)(msgbuf[2] << 8 | msgbuf[3]));
	exp_int("cops.msg_len", (unsigned)n);
	exp_flush(desc);
}

static const uint8_t handle_a[4] = { 0x0a, 0x0b, 0x0c, 0x0d };
static const uint8_t handle_b[4] = { 0x00, 0x00, 0x00, 0x2a };

static void
exp_handle(const uint8_t *h)
{
	exp_int("cops.handle", (unsigned long)h[0] << 24 | (unsigned long)h[1] << 16 | h[2] << 8 | h[3]);
}

static void
exp_gate_head(const struct pcmm_gate *g)
{
	exp_int("cops.pc_transaction_id", g->txn_id);
	exp_int("cops.pc_gate_command_type", g->cmd);
	exp_int("cops.pc_mm_amid_application_type", g->amid.app_type);
	exp_int("cops.pc_mm_amid_am_tag", g->amid.am_tag);
	if (g->subscriber.family == 4)
		exp_ip("cops.pc_subscriber_id4", 4, g->subscriber.addr);
	else
		exp_ip("cops.pc_subscriber_id6", 6, g->subscriber.addr);
	if (g->present & PCMM_GATE_HAS_GATE_ID)
		exp_int("cops.pc_gate_id", g->gate_id + (G.corrupt && g->cmd == PCMM_GATE_SET_ACK));
}

/* Expectations for the body of a gate, in the order pcmm_gate_encode() emits. */
static void
exp_gate(const struct pcmm_gate *g)
{
	unsigned int i, k;

	exp_gate_head(g);
	if (g->present & PCMM_GATE_HAS_SPEC) {
		exp_int("cops.pc_mm_gs_flags", g->spec.flags);
		exp_int("cops.pc_mm_gs_dscp", g->spec.dscp_tos);
		exp_int("cops.pc_mm_gs_dscp_mask", g->spec.dscp_tos_mask);
		exp_int("cops.pc_mm_gs_scid", g->spec.session_class);
		exp_int("cops.pc_mm_gs_timer_t1", g->spec.t1);
		exp_int("cops.pc_mm_gs_timer_t2", g->spec.t2);
		exp_int("cops.pc_mm_gs_timer_t3", g->spec.t3);
		exp_int("cops.pc_mm_gs_timer_t4", g->spec.t4);
	}
	if (g->present & PCMM_GATE_HAS_TRAFFIC) {
		const struct pcmm_traffic_profile *tp = &g->tp;

		switch (tp->s_type) {
		case PCMM_TP_FLOWSPEC:
			exp_int("cops.pc_mm_fs_envelope", tp->envelope);
			exp_int("cops.pc_mm_fs_svc_num", tp->service_number);
			for (k = 0; k < tp->n_env; k++) {
				exp_float("cops.pc_token_bucket_rate", pcmm_f32_value(tp->fs[k].token_rate));
				exp_float("cops.pc_token_bucket_size", pcmm_f32_value(tp->fs[k].token_size));
				exp_float("cops.pc_peak_data_rate", pcmm_f32_value(tp->fs[k].peak_rate));
				exp_int("cops.pc_min_policed_unit", tp->fs[k].min_policed_unit);
				exp_int("cops.pc_max_packet_size", tp->fs[k].max_packet_size);
				exp_float("cops.pc_spec_rate", pcmm_f32_value(tp->fs[k].rate));
				exp_int("cops.pc_slack_term", tp->fs[k].slack_term);
			}
			break;
		case PCMM_TP_SCN:
			exp_int("cops.pc_mm_envelope", tp->envelope);
			exp_str("cops.pc_mm_docsis_scn", g->scn);
			break;
		default:
			exp_int("cops.pc_mm_envelope", tp->envelope);
			for (k = 0; k < tp->n_env; k++) {
				const struct pcmm_docsis_env *e = &tp->docsis[k];

				/* Fields every DOCSIS layout ends with: a shifted field shows here. */
				exp_int("cops.pc_mm_ramask", e->req_attr_mask);
				exp_int("cops.pc_mm_famask", e->forbid_attr_mask);
				exp_int("cops.pc_mm_aarmask", e->attr_aggr_mask);
				if (tp->s_type == PCMM_TP_UGS || tp->s_type == PCMM_TP_UGS_AD) {
					exp_int("cops.pc_mm_ugs", e->unsolicited_grant_size);
					exp_int("cops.pc_mm_gpi", e->grants_per_interval);
					exp_int("cops.pc_mm_ngi", e->nominal_grant_interval);
				} else {
					exp_int("cops.pc_mm_mstr", e->max_sustained_rate);
					exp_int("cops.pc_mm_mtb", e->max_burst);
				}
				if (tp->s_type == PCMM_TP_DOWNSTREAM)
					exp_int("cops.pc_mm_mdl", e->max_ds_latency);
			}
			break;
		}
	}
	for (i = 0; i < g->n_cls; i++) {
		const struct pcmm_classifier *c = &g->cls[i];

		if (c->s_type == PCMM_CLS_IPV6) {
			exp_int("cops.pc_mm_classifier_flow_label", c->flow_label);
			exp_int("cops.pc_mm_classifier_next_header_type", c->protocol);
			exp_int("cops.pc_mm_classifier_source_prefix_length", c->src_prefix);
			exp_int("cops.pc_mm_classifier_destination_prefix_length", c->dst_prefix);
			exp_ip("cops.pc_mm_classifier_src_addr_v6", 6, c->src);
			exp_ip("cops.pc_mm_classifier_dst_addr_v6", 6, c->dst);
		} else {
			exp_int("cops.pc_mm_classifier_proto_id", c->protocol);
			exp_int("cops.pc_mm_classifier_dscp", c->dscp_tos);
			exp_int("cops.pc_mm_classifier_dscp_mask", c->dscp_tos_mask);
			exp_ip("cops.pc_mm_classifier_src_addr", 4, c->src);
			if (c->s_type == PCMM_CLS_EXTENDED)
				exp_ip("cops.pc_mm_classifier_src_mask", 4, c->src_mask);
			exp_ip("cops.pc_mm_classifier_dst_addr", 4, c->dst);
			if (c->s_type == PCMM_CLS_EXTENDED)
				exp_ip("cops.pc_mm_classifier_dst_mask", 4, c->dst_mask);
		}
		exp_int("cops.pc_mm_classifier_src_port", c->sport);
		if (c->s_type != PCMM_CLS_LEGACY)
			exp_int("cops.pc_mm_classifier_src_port_end", c->sport_end);
		exp_int("cops.pc_mm_classifier_dst_port", c->dport);
		if (c->s_type != PCMM_CLS_LEGACY) {
			exp_int("cops.pc_mm_classifier_dst_port_end", c->dport_end);
			exp_int("cops.pc_mm_classifier_id", c->id);
		}
		exp_int("cops.pc_mm_classifier_priority", c->priority);
		if (c->s_type != PCMM_CLS_LEGACY) {
			exp_int("cops.pc_mm_classifier_activation_state", c->activation);
			exp_int("cops.pc_mm_classifier_action", c->action);
		}
	}
	if (g->present & PCMM_GATE_HAS_EGI) {
		exp_ip("cops.pc_prks_ip", 4, g->egi.prks_addr);
		exp_int("cops.pc_prks_ip_port", g->egi.prks_port);
		exp_ip("cops.pc_srks_ip", 4, g->egi.srks_addr);
		exp_int("cops.pc_srks_ip_port", g->egi.srks_port);
		exp_int("cops.pc_bcid_ev", g->egi.bcid_event_counter);
	}
	if (g->present & PCMM_GATE_HAS_VOLUME_LIMIT)
		exp_int("cops.pc_mm_vbul_ul", g->volume_limit);
	if (g->present & PCMM_GATE_HAS_TIME_LIMIT)
		exp_int("cops.pc_mm_tbul_ul", g->time_limit);
	if (g->present & PCMM_GATE_HAS_ERROR)
		exp_int("cops.pc_mm_error_ec", g->error.code);
	if (g->present & PCMM_GATE_HAS_STATE) {
		exp_int("cops.pc_mm_gs_state", g->state.state);
		exp_int("cops.pc_mm_gs_reason", g->state.reason);
	}
	if (g->present & PCMM_GATE_HAS_TIME_INFO)
		exp_int("cops.pc_mm_gti", g->time_committed);
	if (g->present & PCMM_GATE_HAS_USAGE_INFO)
		exp_int("cops.pc_mm_gui", g->octets);
	if (g->present & PCMM_GATE_HAS_VERSION) {
		exp_int("cops.pc_mm_vi_major", g->version.major);
		exp_int("cops.pc_mm_vi_minor", g->version.minor);
	}
}

static void
send_dec_gate(struct stream *s, int solicited, const struct pcmm_gate *g, const char *desc)
{
	int n = pcmm_cops_dec_encode(msgbuf, sizeof(msgbuf), solicited, handle_a, 4, g);

	check(n, desc);
	exp_handle(handle_a);
	exp_int("cops.context.r_type", COPS_RTYPE_CONFIG);
	exp_int("cops.decision.cmd", COPS_DEC_CMD_INSTALL);
	exp_gate(g);
	send_cops(s, PDP_TO_PEP, n, desc);
}

static void
send_rpt_gate(struct stream *s, const struct pcmm_gate *g, const char *desc)
{
	int n = pcmm_cops_rpt_encode(msgbuf, sizeof(msgbuf), handle_a, 4, g);

	check(n, desc);
	exp_handle(handle_a);
	exp_int("cops.report_type", g->cmd == PCMM_GATE_SET_ERR || g->cmd == PCMM_GATE_INFO_ERR ||
		g->cmd == PCMM_GATE_DELETE_ERR ? COPS_REPORT_FAILURE : COPS_REPORT_SUCCESS);
	exp_gate(g);
	send_cops(s, PEP_TO_PDP, n, desc);
}

/* ---------------------------------------------------------------- the scenario */

static const struct pcmm_amid amid = { .app_type = 1, .am_tag = 0x0102 };

static void
ip4(uint8_t *dst, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	dst[0] = a;
	dst[1] = b;
	dst[2] = c;
	dst[3] = d;
}

static void
ip6(uint8_t *dst, const char *s)
{
	if (inet_pton(AF_INET6, s, dst) != 1) {
		fprintf(stderr, "bad IPv6 literal %s\n", s);
		exit(1);
	}
}

static void
base_gate(struct pcmm_gate *g, uint16_t txn)
{
	memset(g, 0, sizeof(*g));
	g->cmd = PCMM_GATE_SET;
	g->txn_id = txn;
	g->amid = amid;
	g->subscriber.family = 4;
	ip4(g->subscriber.addr, 10, 1, 2, 3);
	g->present = PCMM_GATE_HAS_SPEC | PCMM_GATE_HAS_TRAFFIC;
	g->spec.flags = PCMM_GATE_FLAG_UPSTREAM | PCMM_GATE_FLAG_DSCP_OVERWRITE;
	g->spec.dscp_tos = 0xb8; /* EF */
	g->spec.dscp_tos_mask = 0xfc;
	g->spec.session_class = 0x01;
	g->spec.t1 = 200;
	g->spec.t2 = 10;
	g->spec.t3 = 30;
	g->spec.t4 = 40;
}

static void
docsis_env(struct pcmm_docsis_env *e, uint32_t k)
{
	e->traffic_priority = (uint8_t)(5 + k);
	e->ds_resequencing = 1;
	e->req_tx_policy = 0x000001ff;
	e->max_sustained_rate = 128000 * (k + 1);
	e->max_burst = 3044 + k;
	e->min_reserved_rate = 64000;
	e->min_rsv_pkt_size = 232;
	e->max_concat_burst = 1522;
	e->nominal_poll_interval = 10000;
	e->tolerated_poll_jitter = 2000;
	e->unsolicited_grant_size = 232;
	e->grants_per_interval = 1;
	e->nominal_grant_interval = 20000 + k;
	e->tolerated_grant_jitter = 800;
	e->max_ds_latency = 5000 + k;
	e->ds_peak_rate = 256000;
	e->req_attr_mask = 0x11 + k;
	e->forbid_attr_mask = 0x22 + k;
	e->attr_aggr_mask = 0x33 + k;
}

static void
scenario(void)
{
	struct stream a = { { 192, 0, 2, 10 }, { 192, 0, 2, 20 }, 40001, COPS_TCP_PORT, { 1000, 5000 } };
	struct stream b = { { 192, 0, 2, 11 }, { 192, 0, 2, 20 }, 40002, COPS_TCP_PORT, { 9000, 7000 } };
	struct cops_pdp_addr pdp;
	struct pcmm_gate g;
	struct pcmm_classifier *c;
	struct cops_msg m;
	uint8_t pcmm[64];
	int n, k;

	tcp_open(&a);

	/* OPN with PEPID and LastPDPAddr (IPv4). */
	memset(&pdp, 0, sizeof(pdp));
	pdp.ip.family = 4;
	ip4(pdp.ip.addr, 192, 0, 2, 21);
	pdp.port = COPS_TCP_PORT;
	n = cops_encode_opn(msgbuf, sizeof(msgbuf), COPS_CLIENT_PCMM, "vpep-cmts-01", &pdp, NULL, 0);
	exp_str("cops.pepid.id", "vpep-cmts-01");
	exp_ip("cops.lastpdpaddr.ipv4", 4, pdp.ip.addr);
	exp_int("cops.pdp.tcp_port", COPS_TCP_PORT);
	send_cops(&a, PEP_TO_PDP, n, "OPN");

	/* CAT with keep-alive and accounting timers. */
	n = cops_encode_cat(msgbuf, sizeof(msgbuf), COPS_CLIENT_PCMM, 30, 60);
	exp_int("cops.katimer.value", 30);
	exp_int("cops.accttimer.value", 60);
	send_cops(&a, PDP_TO_PEP, n, "CAT");

	/* REQ with a PCMM ClientSI (Version Info 5.0). */
	{
		struct pcmm_obj o;

		memset(&o, 0, sizeof(o));
		o.s_num = PCMM_VERSION_INFO;
		o.s_type = 1;
		o.u.version.major = 5;
		o.u.version.minor = 0;
		n = pcmm_obj_encode(pcmm, sizeof(pcmm), &o);
		check(n, "Version Info");
		n = cops_encode_req(msgbuf, sizeof(msgbuf), COPS_CLIENT_PCMM, handle_a, 4,
			COPS_RTYPE_CONFIG, 0, pcmm, (uint16_t)n);
		exp_handle(handle_a);
		exp_int("cops.context.r_type", COPS_RTYPE_CONFIG);
		exp_int("cops.context.m_type", 0);
		exp_int("cops.pc_mm_vi_major", 5);
		exp_int("cops.pc_mm_vi_minor", 0);
		send_cops(&a, PEP_TO_PDP, n, "REQ");
	}

	/* Gate-Set #1: FlowSpec, legacy + extended + IPv6 classifiers, EGI, limits, opaque. */
	base_gate(&g, 1);
	g.present |= PCMM_GATE_HAS_EGI | PCMM_GATE_HAS_VOLUME_LIMIT | PCMM_GATE_HAS_TIME_LIMIT |
		PCMM_GATE_HAS_OPAQUE;
	g.tp.s_type = PCMM_TP_FLOWSPEC;
	g.tp.envelope = PCMM_ENV_AUTHORIZED;
	g.tp.service_number = 2;
	g.tp.n_env = 1;
	g.tp.fs[0].token_rate = pcmm_f32_bits(12000.0f);
	g.tp.fs[0].token_size = pcmm_f32_bits(232.0f);
	g.tp.fs[0].peak_rate = pcmm_f32_bits(12000.0f);
	g.tp.fs[0].min_policed_unit = 232;
	g.tp.fs[0].max_packet_size = 232;
	g.tp.fs[0].rate = pcmm_f32_bits(12000.0f);
	g.tp.fs[0].slack_term = 800;
	c = &g.cls[g.n_cls++];
	c->s_type = PCMM_CLS_LEGACY;
	c->protocol = 17;
	c->dscp_tos = 0xb8;
	c->dscp_tos_mask = 0xfc;
	ip4(c->src, 10, 1, 2, 3);
	ip4(c->dst, 198, 51, 100, 7);
	c->sport = 5004;
	c->dport = 6000;
	c->priority = 64;
	c = &g.cls[g.n_cls++];
	c->s_type = PCMM_CLS_EXTENDED;
	c->protocol = 17;
	c->dscp_tos = 0x00;
	c->dscp_tos_mask = 0x00;
	ip4(c->src, 10, 1, 2, 3);
	ip4(c->src_mask, 255, 255, 255, 255);
	ip4(c->dst, 198, 51, 100, 0);
	ip4(c->dst_mask, 255, 255, 255, 0);
	c->sport = 5004;
	c->sport_end = 5005;
	c->dport = 6000;
	c->dport_end = 6001;
	c->id = 0x0001;
	c->priority = 64;
	c->activation = PCMM_CLS_ACTIVE;
	c->action = PCMM_CLS_ADD;
	c = &g.cls[g.n_cls++];
	c->s_type = PCMM_CLS_IPV6;
	c->flags = 0x01;
	c->tc_low = 0x00;
	c->tc_high = 0xff;
	c->tc_mask = 0xfc;
	c->flow_label = 0x12345;
	c->protocol = 17;
	c->src_prefix = 128;
	c->dst_prefix = 64;
	ip6(c->src, "2001:db8::10");
	ip6(c->dst, "2001:db8:0:1::");
	c->sport = 5060;
	c->sport_end = 5061;
	c->dport = 5060;
	c->dport_end = 5060;
	c->id = 0x0002;
	c->priority = 32;
	c->activation = PCMM_CLS_ACTIVE;
	c->action = PCMM_CLS_ADD;
	ip4(g.egi.prks_addr, 192, 0, 2, 40);
	g.egi.prks_port = 1813;
	ip4(g.egi.srks_addr, 192, 0, 2, 41);
	g.egi.srks_port = 1814;
	g.egi.bcid_timestamp = 0x5f000000;
	memcpy(g.egi.bcid_element_id, "VPEP0001", 8);
	memcpy(g.egi.bcid_time_zone, "0+00000", 8);
	g.egi.bcid_event_counter = 77;
	g.volume_limit = 1000000;
	g.time_limit = 3600;
	g.opaque = (const uint8_t *)"vpep-opq";
	g.opaque_len = 8;
	if (G.corrupt) {
		/* A DEC whose Handle object claims a length of 2: tshark must flag it. */
		n = pcmm_cops_dec_encode(msgbuf, sizeof(msgbuf), 1, handle_a, 4, &g);
		check(n, "corrupt DEC");
		msgbuf[8] = 0;
		msgbuf[9] = 2;
		send_cops(&a, PDP_TO_PEP, n, "DEC Gate-Set #1 (corrupted)");
	} else {
		send_dec_gate(&a, 1, &g, "DEC Gate-Set #1 FlowSpec");
	}

	g.cmd = PCMM_GATE_SET_ACK;
	g.present = PCMM_GATE_HAS_GATE_ID;
	g.n_cls = 0;
	g.gate_id = 0x1000ab01;
	send_rpt_gate(&a, &g, "RPT Gate-Set-Ack #1");

	/* Gate-Set #2..#7: one per DOCSIS traffic profile layout, modifying gate 0x1000ab01. */
	{
		static const struct {
			uint8_t s_type, envelope, n_env;
			const char *desc;
		} tps[] = {
			/*
			 * Wireshark 4.0 decodes a third envelope for 2-envelope I05 BE, UGS,
			 * UGS-AD and Downstream profiles (its size thresholds are the I04
			 * ones), so 2 envelopes are only exercised where it is right.
			 */
			{ PCMM_TP_UGS, 0x7, 3, "DEC Gate-Set #2 UGS" },
			{ PCMM_TP_BE, 0x7, 3, "DEC Gate-Set #3 Best Effort" },
			{ PCMM_TP_NRTPS, 0x3, 2, "DEC Gate-Set #4 NRTPS" },
			{ PCMM_TP_RTPS, 0x3, 2, "DEC Gate-Set #5 RTPS" },
			{ PCMM_TP_UGS_AD, 0x1, 1, "DEC Gate-Set #6 UGS-AD" },
			{ PCMM_TP_DOWNSTREAM, 0x7, 3, "DEC Gate-Set #7 Downstream" },
		};
		unsigned int t;

		for (t = 0; t < sizeof(tps) / sizeof(tps[0]); t++) {
			base_gate(&g, (uint16_t)(2 + t));
			g.present |= PCMM_GATE_HAS_GATE_ID;
			g.gate_id = 0x1000ab01;
			g.spec.flags = tps[t].s_type == PCMM_TP_DOWNSTREAM ? 0 : PCMM_GATE_FLAG_UPSTREAM;
			g.spec.dscp_tos = (uint8_t)(0x28 + 4 * t);
			g.tp.s_type = tps[t].s_type;
			g.tp.envelope = tps[t].envelope;
			g.tp.n_env = tps[t].n_env;
			for (k = 0; k < tps[t].n_env; k++)
				docsis_env(&g.tp.docsis[k], (uint32_t)k);
			c = &g.cls[g.n_cls++];
			c->s_type = PCMM_CLS_EXTENDED;
			c->protocol = 17;
			ip4(c->src, 10, 1, 2, (uint8_t)(10 + t));
			ip4(c->src_mask, 255, 255, 255, 255);
			ip4(c->dst, 203, 0, 113, (uint8_t)(1 + t));
			ip4(c->dst_mask, 255, 255, 255, 255);
			c->sport = (uint16_t)(16384 + 2 * t);
			c->sport_end = c->sport;
			c->dport = (uint16_t)(20000 + 2 * t);
			c->dport_end = c->dport;
			c->id = (uint16_t)(0x10 + t);
			c->priority = 64;
			c->activation = PCMM_CLS_ACTIVE;
			c->action = PCMM_CLS_REPLACE;
			send_dec_gate(&a, 0, &g, tps[t].desc);
		}
	}

	/* Gate-Set #8 with a service class name and an IPv6 subscriber -> Gate-Set-Err. */
	base_gate(&g, 8);
	g.subscriber.family = 6;
	ip6(g.subscriber.addr, "2001:db8:100::5");
	g.tp.s_type = PCMM_TP_SCN;
	g.tp.envelope = 0x7;
	strcpy(g.scn, "VOICE_EF");
	c = &g.cls[g.n_cls++];
	c->s_type = PCMM_CLS_LEGACY;
	c->protocol = 6;
	ip4(c->src, 10, 9, 8, 7);
	ip4(c->dst, 198, 51, 100, 99);
	c->sport = 1720;
	c->dport = 1720;
	c->priority = 1;
	send_dec_gate(&a, 0, &g, "DEC Gate-Set #8 SCN");
	memset(&g.cls, 0, sizeof(g.cls));
	g.n_cls = 0;
	g.cmd = PCMM_GATE_SET_ERR;
	g.present = PCMM_GATE_HAS_ERROR;
	g.error.code = PCMM_ERR_UNDEFINED_SCN;
	send_rpt_gate(&a, &g, "RPT Gate-Set-Err");

	/* Gate-Info -> Gate-Info-Ack with time, usage, state and version. */
	memset(&g, 0, sizeof(g));
	g.cmd = PCMM_GATE_INFO;
	g.txn_id = 9;
	g.amid = amid;
	g.subscriber.family = 4;
	ip4(g.subscriber.addr, 10, 1, 2, 3);
	g.gate_id = 0x1000ab01;
	g.present = PCMM_GATE_HAS_GATE_ID;
	send_dec_gate(&a, 0, &g, "DEC Gate-Info");
	base_gate(&g, 9);
	g.cmd = PCMM_GATE_INFO_ACK;
	g.gate_id = 0x1000ab01;
	g.present |= PCMM_GATE_HAS_GATE_ID | PCMM_GATE_HAS_STATE | PCMM_GATE_HAS_TIME_INFO |
		PCMM_GATE_HAS_USAGE_INFO | PCMM_GATE_HAS_VERSION;
	g.tp.s_type = PCMM_TP_FLOWSPEC;
	g.tp.envelope = 0x7;
	g.tp.service_number = 5;
	g.tp.n_env = 3;
	for (k = 0; k < 3; k++) {
		g.tp.fs[k].token_rate = pcmm_f32_bits(8000.0f * (float)(k + 1));
		g.tp.fs[k].token_size = pcmm_f32_bits(200.0f);
		g.tp.fs[k].peak_rate = pcmm_f32_bits(16000.5f);
		g.tp.fs[k].min_policed_unit = 100;
		g.tp.fs[k].max_packet_size = 1500;
		g.tp.fs[k].rate = pcmm_f32_bits(8000.25f);
		g.tp.fs[k].slack_term = (uint32_t)k;
	}
	c = &g.cls[g.n_cls++];
	c->s_type = PCMM_CLS_LEGACY;
	c->protocol = 17;
	ip4(c->src, 10, 1, 2, 3);
	ip4(c->dst, 198, 51, 100, 7);
	c->sport = 5004;
	c->dport = 6000;
	c->priority = 64;
	g.state.state = PCMM_STATE_COMMITTED;
	g.state.reason = 0;
	g.time_committed = 1700000123;
	g.octets = 123456789012ULL;
	g.version.major = 5;
	g.version.minor = 0;
	send_rpt_gate(&a, &g, "RPT Gate-Info-Ack");

	/* Gate-Delete -> Ack; Gate-Delete of an unknown gate -> Err. */
	memset(&g, 0, sizeof(g));
	g.amid = amid;
	g.subscriber.family = 4;
	ip4(g.subscriber.addr, 10, 1, 2, 3);
	g.present = PCMM_GATE_HAS_GATE_ID;
	g.cmd = PCMM_GATE_DELETE;
	g.txn_id = 10;
	g.gate_id = 0x1000ab01;
	send_dec_gate(&a, 0, &g, "DEC Gate-Delete");
	g.cmd = PCMM_GATE_DELETE_ACK;
	send_rpt_gate(&a, &g, "RPT Gate-Delete-Ack");
	g.cmd = PCMM_GATE_DELETE;
	g.txn_id = 11;
	g.gate_id = 0xdeadbeef;
	send_dec_gate(&a, 0, &g, "DEC Gate-Delete unknown");
	g.cmd = PCMM_GATE_DELETE_ERR;
	g.present |= PCMM_GATE_HAS_ERROR;
	g.error.code = PCMM_ERR_UNKNOWN_GATE_ID;
	send_rpt_gate(&a, &g, "RPT Gate-Delete-Err");

	/* Unsolicited Gate-Report-State. */
	memset(&g, 0, sizeof(g));
	g.amid = amid;
	g.subscriber.family = 4;
	ip4(g.subscriber.addr, 10, 1, 2, 3);
	g.cmd = PCMM_GATE_REPORT_STATE;
	g.txn_id = 12;
	g.gate_id = 0x1000ab02;
	g.present = PCMM_GATE_HAS_GATE_ID | PCMM_GATE_HAS_STATE;
	g.state.state = PCMM_STATE_IDLE;
	g.state.reason = 5;
	send_rpt_gate(&a, &g, "RPT Gate-Report-State");

	/* DRQ, SSQ/SSC, KA both ways, DEC with Error, CC with PDPRedirAddr (IPv4). */
	n = cops_encode_drq(msgbuf, sizeof(msgbuf), COPS_CLIENT_PCMM, handle_b, 4,
		COPS_REASON_MANAGEMENT, 0);
	exp_handle(handle_b);
	exp_int("cops.reason", COPS_REASON_MANAGEMENT);
	exp_int("cops.reason_sub", 0);
	send_cops(&a, PEP_TO_PDP, n, "DRQ");

	n = cops_encode_ssq(msgbuf, sizeof(msgbuf), COPS_CLIENT_PCMM, handle_a, 4);
	exp_handle(handle_a);
	send_cops(&a, PDP_TO_PEP, n, "SSQ");
	n = cops_encode_ssc(msgbuf, sizeof(msgbuf), COPS_CLIENT_PCMM, handle_a, 4);
	exp_handle(handle_a);
	send_cops(&a, PEP_TO_PDP, n, "SSC");

	n = cops_encode_ka(msgbuf, sizeof(msgbuf), 0);
	exp_int("cops.flags", 0);
	send_cops(&a, PEP_TO_PDP, n, "KA");
	n = cops_encode_ka(msgbuf, sizeof(msgbuf), 1);
	exp_int("cops.flags", 1);
	send_cops(&a, PDP_TO_PEP, n, "KA (solicited)");

	n = cops_encode_dec_error(msgbuf, sizeof(msgbuf), COPS_CLIENT_PCMM, handle_b, 4,
		COPS_ERR_INVALID_HANDLE_REF, 0);
	exp_handle(handle_b);
	exp_int("cops.error", COPS_ERR_INVALID_HANDLE_REF);
	send_cops(&a, PDP_TO_PEP, n, "DEC with Error");

	ip4(pdp.ip.addr, 192, 0, 2, 30);
	n = cops_encode_cc(msgbuf, sizeof(msgbuf), COPS_CLIENT_PCMM, COPS_ERR_REDIRECT, 0, &pdp);
	exp_int("cops.error", COPS_ERR_REDIRECT);
	exp_ip("cops.pdprediraddr.ipv4", 4, pdp.ip.addr);
	exp_int("cops.pdp.tcp_port", COPS_TCP_PORT);
	send_cops(&a, PDP_TO_PEP, n, "CC redirect IPv4");
	tcp_close(&a, PDP_TO_PEP);

	/* Second connection: IPv6 LastPDPAddr, a non-PCMM REQ with every REQ object, IPv6 redirect. */
	tcp_open(&b);
	memset(&pdp, 0, sizeof(pdp));
	pdp.ip.family = 6;
	ip6(pdp.ip.addr, "2001:db8::21");
	pdp.port = COPS_TCP_PORT;
	n = cops_encode_opn(msgbuf, sizeof(msgbuf), COPS_CLIENT_PCMM, "vpep-cmts-02", &pdp, NULL, 0);
	exp_str("cops.pepid.id", "vpep-cmts-02");
	exp_ip("cops.lastpdpaddr.ipv6", 6, pdp.ip.addr);
	exp_int("cops.pdp.tcp_port", COPS_TCP_PORT);
	send_cops(&b, PEP_TO_PDP, n, "OPN LastPDPAddr IPv6");

	{
		static const uint8_t csi[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
		static const uint8_t lpdp[5] = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
		static const uint8_t digest[12] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8 };
		struct cops_iface in, out;

		memset(&in, 0, sizeof(in));
		memset(&out, 0, sizeof(out));
		in.ip.family = 4;
		ip4(in.ip.addr, 192, 0, 2, 11);
		in.ifindex = 3;
		out.ip.family = 6;
		ip6(out.ip.addr, "2001:db8::11");
		out.ifindex = 4;
		cops_msg_init(&m, COPS_OP_REQ, 0, COPS_CLIENT_RSVP);
		if (cops_msg_add_handle(&m, handle_b, 4) || cops_msg_add_context(&m, 0x1, 0x1) ||
			cops_msg_add_iface(&m, COPS_OBJ_IN_INT, &in) ||
			cops_msg_add_iface(&m, COPS_OBJ_OUT_INT, &out) ||
			cops_msg_add_clientsi(&m, COPS_CLIENTSI_SIGNALED, csi, sizeof(csi)) ||
			cops_msg_add_decision(&m, COPS_OBJ_LPDP_DECISION, COPS_DEC_CMD_INSTALL, 0) ||
			cops_msg_add_decision_data(&m, COPS_OBJ_LPDP_DECISION, COPS_DEC_CLIENT_SI, lpdp,
				sizeof(lpdp)) ||
			cops_msg_add_integrity(&m, 1, 7, digest, sizeof(digest))) {
			fprintf(stderr, "building REQ failed\n");
			exit(1);
		}
		n = cops_msg_encode(msgbuf, sizeof(msgbuf), &m, NULL);
		exp_handle(handle_b);
		exp_int("cops.context.r_type", 1);
		exp_int("cops.context.m_type", 1);
		exp_ip("cops.in-int.ipv4", 4, in.ip.addr);
		exp_ip("cops.out-int.ipv6", 6, out.ip.addr);
		exp_int("cops.in-out-int.ifindex", 3);
		exp_int("cops.in-out-int.ifindex", 4);
		exp_int("cops.decision.cmd", COPS_DEC_CMD_INSTALL);
		exp_int("cops.integrity.key_id", 1);
		exp_int("cops.integrity.seq_num", 7);
		/* Split inside the Out-Int object, so tshark has to reassemble it. */
		send_cops_split(&b, PEP_TO_PDP, n, 40, "REQ RSVP all objects (2 segments)");
	}

	ip6(pdp.ip.addr, "2001:db8::30");
	pdp.port = 3918;
	n = cops_encode_cc(msgbuf, sizeof(msgbuf), COPS_CLIENT_PCMM, COPS_ERR_REDIRECT, 0, &pdp);
	exp_int("cops.error", COPS_ERR_REDIRECT);
	exp_ip("cops.pdprediraddr.ipv6", 6, pdp.ip.addr);
	exp_int("cops.pdp.tcp_port", 3918);
	send_cops(&b, PDP_TO_PEP, n, "CC redirect IPv6");
	tcp_close(&b, PDP_TO_PEP);
}

int
main(int argc, char **argv)
{
	const char *pcap_path, *json_path;
	pcap_t *p;
	int ai = 1;

	if (argc > 1 && strcmp(argv[1], "--corrupt") == 0) {
		G.corrupt = 1;
		ai++;
	}
	if (argc - ai != 2) {
		fprintf(stderr, "usage: %s [--corrupt] OUT.pcap OUT.json\n", argv[0]);
		return 2;
	}
	pcap_path = argv[ai];
	json_path = argv[ai + 1];

	p = pcap_open_dead(DLT_EN10MB, 65535);
	dumper = pcap_dump_open(p, pcap_path);
	if (dumper == NULL) {
		fprintf(stderr, "%s: %s\n", pcap_path, pcap_geterr(p));
		return 1;
	}
	G.json = fopen(json_path, "w");
	if (G.json == NULL) {
		perror(json_path);
		return 1;
	}
	G.first_frame = 1;
	fprintf(G.json, "{\n  \"generator\": \"cops_pcap_gen\",\n  \"tcp_port\": %u,\n  \"frames\": [",
		COPS_TCP_PORT);
	scenario();
	fprintf(G.json, "\n  ],\n  \"total_frames\": %u\n}\n", G.frame);
	fclose(G.json);
	pcap_dump_close(dumper);
	pcap_close(p);
	return 0;
}
