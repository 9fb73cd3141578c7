/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "dp.h"
#include "dp_stats.h"
#include "endpoint_fmt.h"
#include "policy.h"
#include "voip.h"
#include "worker.h"

static const struct {
	const char *name;
	int kind;
	const char *desc;
} ctr_info[VPEP_CTR_MAX] = {
#define X(n, k, d) { #n, VPEP_CTR_KIND_##k, d },
	VPEP_COUNTERS(X)
#undef X
};

void
dp_stats_snapshot(struct dp_snapshot *s)
{
	unsigned int i, c;

	memset(s, 0, sizeof(*s));
	s->tsc = rte_rdtsc();
	for (i = 0; i < dp.n_workers; i++) {
		const struct dp_worker *w = dp.workers[i];

		for (c = 0; c < VPEP_CTR_MAX; c++)
			s->ctr[c] += w->ctr[c];
		s->flows_active += w->flows->count;
	}
	for (c = 0; c < VPEP_CTR_MAX; c++)
		if (ctr_info[c].kind == VPEP_CTR_KIND_DROP)
			s->dropped += s->ctr[c];
}

static const char *
dispatch_name(void)
{
	if (dp.n_workers == 1)
		return "single-worker";
	return dp.rss_dispatch ? "rss" : "software";
}

static json_t *
counters_of_kind(const struct dp_snapshot *s, int kind)
{
	json_t *o = json_object();
	unsigned int c;

	for (c = 0; c < VPEP_CTR_MAX; c++)
		if (ctr_info[c].kind == kind)
			json_object_set_new(o, ctr_info[c].name, json_integer((json_int_t)s->ctr[c]));
	return o;
}

static json_t *
ports_json(void)
{
	json_t *a = json_array();
	unsigned int i, w;

	for (i = 0; i < dp.n_ports; i++) {
		const struct dp_port *p = &dp.ports[i];
		struct dp_port_ctr sum = { 0 };
		struct rte_eth_stats st;
		int have = 0;
		json_t *o;

		for (w = 0; w < dp.n_workers; w++) {
			const struct dp_port_ctr *pc = &dp.workers[w]->port[p->port_id];

			sum.rx_packets += pc->rx_packets;
			sum.rx_bytes += pc->rx_bytes;
			sum.tx_packets += pc->tx_packets;
			sum.tx_bytes += pc->tx_bytes;
			sum.tx_dropped += pc->tx_dropped;
		}
		if (p->have_final_stats) {
			st = p->final_stats;
			have = 1;
		} else if (p->started && rte_eth_stats_get(p->port_id, &st) == 0) {
			have = 1;
		}
		o = json_pack("{s:i, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:i, s:i, s:b}",
				"port_id", p->port_id, "name", p->name, "device", p->device,
				"driver", p->driver, "rx_packets", (json_int_t)sum.rx_packets,
				"rx_bytes", (json_int_t)sum.rx_bytes, "tx_packets",
				(json_int_t)sum.tx_packets, "tx_bytes", (json_int_t)sum.tx_bytes,
				"tx_dropped", (json_int_t)sum.tx_dropped, "rx_queues", p->n_rxq,
				"tx_queues", p->n_txq, "rss", p->rss);
		if (p->peer >= 0)
			json_object_set_new(o, "peer", json_string(dp.ports[p->peer].name));
		else
			json_object_set_new(o, "peer", json_null());
		if (have) {
			/* What the PMD itself saw: NIC drops appear here, not in our counters. */
			json_object_set_new(o, "nic",
					json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "ipackets",
							(json_int_t)st.ipackets, "opackets",
							(json_int_t)st.opackets, "imissed",
							(json_int_t)st.imissed, "ierrors",
							(json_int_t)st.ierrors, "oerrors",
							(json_int_t)st.oerrors, "rx_nombuf",
							(json_int_t)st.rx_nombuf));
		}
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *
workers_json(void)
{
	json_t *a = json_array();
	unsigned int i, c;

	for (i = 0; i < dp.n_workers; i++) {
		const struct dp_worker *w = dp.workers[i];
		uint64_t dropped = 0;

		for (c = 0; c < VPEP_CTR_MAX; c++)
			if (ctr_info[c].kind == VPEP_CTR_KIND_DROP)
				dropped += w->ctr[c];
		json_array_append_new(a,
				json_pack("{s:i, s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "id",
						w->id, "lcore", w->lcore_id, "rx_packets",
						(json_int_t)w->ctr[VPEP_CTR_rx_packets], "tx_packets",
						(json_int_t)w->ctr[VPEP_CTR_tx_packets],
						"handoff_in", (json_int_t)w->ctr[VPEP_CTR_handoff_in],
						"handoff_out",
						(json_int_t)w->ctr[VPEP_CTR_handoff_out],
						"flows_created",
						(json_int_t)w->ctr[VPEP_CTR_flows_created],
						"flows_active", (json_int_t)w->flows->count,
						"dropped_packets", (json_int_t)dropped, "loops",
						(json_int_t)w->loops));
	}
	return a;
}

static json_t *
flows_json(uint32_t max)
{
	json_t *a = json_array();
	uint32_t listed = 0;
	unsigned int i;

	for (i = 0; i < dp.n_workers && listed < max; i++) {
		const struct flow_table *ft = dp.workers[i]->flows;
		struct flow_key k;
		uint32_t iter = 0, idx;

		while (listed < max && (idx = flow_table_next(ft, &iter, &k)) != FLOW_NIL) {
			const struct flow_entry *e = &ft->e[idx];
			char a_ep[64], b_ep[64];

			dp_format_endpoint(a_ep, sizeof(a_ep), k.family, k.addr_lo, k.port_lo);
			dp_format_endpoint(b_ep, sizeof(b_ep), k.family, k.addr_hi, k.port_hi);
			json_array_append_new(a,
					json_pack("{s:i, s:i, s:i, s:i, s:s, s:s, s:I, s:I, s:I, s:I, "
						  "s:I, s:I}",
							"worker", i, "family", k.family, "proto",
							k.proto, "vlan", k.vlan, "a", a_ep, "b",
							b_ep, "packets_a_to_b",
							(json_int_t)e->pkts[0], "packets_b_to_a",
							(json_int_t)e->pkts[1], "bytes_a_to_b",
							(json_int_t)e->bytes[0], "bytes_b_to_a",
							(json_int_t)e->bytes[1], "first_seen_ns",
							(json_int_t)ft->cold[idx].first_seen_ns,
							"last_seen_ns", (json_int_t)e->last_seen_ns));
			json_object_set_new(json_array_get(a, json_array_size(a) - 1), "class",
					json_string(voip_flow_class_name(e->app_class)));
			listed++;
		}
	}
	return a;
}

json_t *
dp_stats_json(const struct dp_snapshot *s, const struct offline_capture *cap,
		const struct dp_pool_report *pools, double duration_s, uint32_t flows_max,
		uint32_t calls_max)
{
	json_t *doc = json_object();
	json_t *pool;
	unsigned int i;
	uint64_t pending = 0;

	json_object_set_new(doc, "vpep_version", json_string(VPEP_VERSION));
	json_object_set_new(doc, "mode",
			json_string(dp.conf.mode == DP_MODE_INLINE ? "inline" : "monitor"));
	json_object_set_new(doc, "offline", json_boolean(dp.offline));
	json_object_set_new(doc, "time_source",
			json_string(dp.time_source == DP_TIME_CAPTURE ? "capture" : "tsc"));
	json_object_set_new(doc, "dispatch", json_string(dispatch_name()));
	json_object_set_new(doc, "duration_s", json_real(duration_s));
	json_object_set_new(doc, "tsc_hz", json_integer((json_int_t)dp.tsc_hz));
	json_object_set_new(doc, "config", json_string(dp.conf.source));
	json_object_set_new(doc, "ipv4_checksum_verified", json_boolean(dp.verify_ipv4_cksum));
	if (cap != NULL) {
		json_t *c = json_pack("{s:s, s:s, s:i, s:I, s:b, s:I, s:b}", "file", cap->path,
				"link_type", cap->linktype_name, "dlt", cap->linktype, "packets",
				(json_int_t)cap->packets, "converted", cap->converted,
				"truncated_packets", (json_int_t)cap->truncated, "read_error",
				cap->read_error);

		if (cap->read_error)
			json_object_set_new(c, "read_error_message",
					json_string(cap->read_error_msg));
		json_object_set_new(doc, "capture", c);
	}

	/* The headline numbers first, as the stats contract promises. */
	json_object_set_new(doc, "rx_packets", json_integer((json_int_t)s->ctr[VPEP_CTR_rx_packets]));
	json_object_set_new(doc, "rx_bytes", json_integer((json_int_t)s->ctr[VPEP_CTR_rx_bytes]));
	json_object_set_new(doc, "tx_packets", json_integer((json_int_t)s->ctr[VPEP_CTR_tx_packets]));
	json_object_set_new(doc, "tx_bytes", json_integer((json_int_t)s->ctr[VPEP_CTR_tx_bytes]));
	json_object_set_new(doc, "dropped_packets", json_integer((json_int_t)s->dropped));
	json_object_set_new(doc, "monitored_packets",
			json_integer((json_int_t)s->ctr[VPEP_CTR_monitored_packets]));
	json_object_set_new(doc, "flows_created",
			json_integer((json_int_t)s->ctr[VPEP_CTR_flows_created]));
	json_object_set_new(doc, "flows_active", json_integer((json_int_t)s->flows_active));
	json_object_set_new(doc, "flows_expired",
			json_integer((json_int_t)s->ctr[VPEP_CTR_flows_expired]));
	json_object_set_new(doc, "flows_evicted",
			json_integer((json_int_t)s->ctr[VPEP_CTR_flows_evicted]));
	json_object_set_new(doc, "flows_refused",
			json_integer((json_int_t)s->ctr[VPEP_CTR_flows_refused]));

	json_object_set_new(doc, "ports", ports_json());
	json_object_set_new(doc, "workers", workers_json());
	json_object_set_new(doc, "totals", counters_of_kind(s, VPEP_CTR_KIND_TOTAL));
	json_object_set_new(doc, "anomalies", counters_of_kind(s, VPEP_CTR_KIND_ANOMALY));
	json_object_set_new(doc, "drops", counters_of_kind(s, VPEP_CTR_KIND_DROP));
	json_object_set_new(doc, "info", counters_of_kind(s, VPEP_CTR_KIND_INFO));

	for (i = 0; i < dp.n_workers; i++)
		if (dp.workers[i]->reasm != NULL)
			pending += ip_reasm_pending(dp.workers[i]->reasm);
	json_object_set_new(doc, "reassembly",
			json_pack("{s:I, s:I, s:I, s:I, s:I}", "fragments_received",
					(json_int_t)s->ctr[VPEP_CTR_frag_received],
					"datagrams_reassembled",
					(json_int_t)s->ctr[VPEP_CTR_frag_reassembled],
					"datagrams_refragmented",
					(json_int_t)s->ctr[VPEP_CTR_frag_refragmented],
					"fragments_out",
					(json_int_t)s->ctr[VPEP_CTR_frag_fragments_out],
					"datagrams_pending", (json_int_t)pending));

	pool = json_array();
	if (dp.pool != NULL) {
		json_t *o = json_pack("{s:s, s:i, s:i}", "name", dp.pool->name, "size",
				dp.pool->size, "in_use_start", dp.pool_in_use_start);

		if (pools != NULL && pools->valid)
			json_object_set_new(o, "in_use_end", json_integer(pools->in_use_end));
		json_array_append_new(pool, o);
	}
	if (dp.indirect_pool != NULL) {
		json_t *o = json_pack("{s:s, s:i, s:i}", "name", dp.indirect_pool->name, "size",
				dp.indirect_pool->size, "in_use_start", dp.indirect_in_use_start);

		if (pools != NULL && pools->valid)
			json_object_set_new(o, "in_use_end",
					json_integer(pools->indirect_in_use_end));
		json_array_append_new(pool, o);
	}
	json_object_set_new(doc, "mempools", pool);
	voip_stats_json(doc, calls_max);
	if (dp.policy_on)
		json_object_set_new(doc, "policy", policy_stats_json());
	if (flows_max > 0)
		json_object_set_new(doc, "flows", flows_json(flows_max));
	return doc;
}

int
dp_stats_write(const char *path, json_t *doc)
{
	char tmp[4200];
	int rc;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	rc = json_dump_file(doc, tmp, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (rc != 0) {
		unlink(tmp);
		return -EIO;
	}
	if (rename(tmp, path) != 0) {
		rc = -errno;
		unlink(tmp);
		return rc;
	}
	return 0;
}

static void
list_nonzero(FILE *f, const char *title, const struct dp_snapshot *s, int kind)
{
	unsigned int c, shown = 0;

	fprintf(f, "  %-11s:", title);
	for (c = 0; c < VPEP_CTR_MAX; c++) {
		if (ctr_info[c].kind != kind || s->ctr[c] == 0)
			continue;
		fprintf(f, "%s %s %" PRIu64, shown ? "," : "", ctr_info[c].name, s->ctr[c]);
		shown++;
	}
	fprintf(f, "%s\n", shown ? "" : " none");
}

void
dp_stats_summary(FILE *f, const struct dp_snapshot *s, const struct offline_capture *cap,
		double duration_s)
{
	fprintf(f, "\nvpep-dataplane summary\n");
	if (cap != NULL)
		fprintf(f, "  input      : %s (%s%s, %" PRIu64 " packets)\n", cap->path,
				cap->linktype_name, cap->converted ? ", converted to Ethernet" : "",
				cap->packets);
	fprintf(f, "  mode       : %s, %u worker%s (%s dispatch), %.2f s\n",
			dp.conf.mode == DP_MODE_INLINE ? "inline" : "monitor", dp.n_workers,
			dp.n_workers == 1 ? "" : "s", dispatch_name(), duration_s);
	fprintf(f, "  packets    : rx %" PRIu64 ", tx %" PRIu64 ", dropped %" PRIu64
		   ", monitored %" PRIu64 "\n",
			s->ctr[VPEP_CTR_rx_packets], s->ctr[VPEP_CTR_tx_packets], s->dropped,
			s->ctr[VPEP_CTR_monitored_packets]);
	fprintf(f, "  bytes      : rx %" PRIu64 ", tx %" PRIu64 "\n", s->ctr[VPEP_CTR_rx_bytes],
			s->ctr[VPEP_CTR_tx_bytes]);
	fprintf(f, "  flows      : created %" PRIu64 ", active %" PRIu64 ", expired %" PRIu64
		   ", evicted %" PRIu64 ", refused %" PRIu64 "\n",
			s->ctr[VPEP_CTR_flows_created], s->flows_active, s->ctr[VPEP_CTR_flows_expired],
			s->ctr[VPEP_CTR_flows_evicted], s->ctr[VPEP_CTR_flows_refused]);
	fprintf(f, "  protocols  : IPv4 %" PRIu64 ", IPv6 %" PRIu64 ", UDP %" PRIu64 ", TCP %" PRIu64
		   ", other %" PRIu64 ", non-IP %" PRIu64 "\n",
			s->ctr[VPEP_CTR_ipv4_packets], s->ctr[VPEP_CTR_ipv6_packets],
			s->ctr[VPEP_CTR_udp_packets], s->ctr[VPEP_CTR_tcp_packets],
			s->ctr[VPEP_CTR_other_l4_packets], s->ctr[VPEP_CTR_non_ip]);
	fprintf(f, "  fragments  : received %" PRIu64 ", datagrams reassembled %" PRIu64 "\n",
			s->ctr[VPEP_CTR_frag_received], s->ctr[VPEP_CTR_frag_reassembled]);
	list_nonzero(f, "seen", s, VPEP_CTR_KIND_INFO);
	list_nonzero(f, "anomalies", s, VPEP_CTR_KIND_ANOMALY);
	list_nonzero(f, "drops", s, VPEP_CTR_KIND_DROP);
}
