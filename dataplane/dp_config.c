/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cfg.h"
#include "dp_config.h"

void
dp_config_defaults(struct dp_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->source, sizeof(c->source), "(built-in)");
	c->mode = DP_MODE_INLINE;
	c->dispatch = DP_DISPATCH_AUTO;
	c->burst = 32;
	c->handoff_ring_size = 4096;
	c->mbuf_cache = 256;
	c->mbuf_data_room = 2048 + 128; /* RTE_MBUF_DEFAULT_BUF_SIZE */
	c->flow_capacity = 262144;
	c->flow_full = FLOW_FULL_EVICT_OLDEST;
	c->flow_timeout_s[FLOW_TMO_TCP] = 300;
	c->flow_timeout_s[FLOW_TMO_UDP] = 120;
	c->flow_timeout_s[FLOW_TMO_OTHER] = 60;
	c->reasm_max_datagrams = 4096;
	c->reasm_max_fragments = 8;
	c->reasm_timeout_ms = 2000;
	c->reasm_max_size = 65535;
	c->reasm_max_held = 0; /* 0: twice max_datagrams */
	c->classify = true;
	c->classify_scan_packets = 8;
	c->rtp_unsignalled_min_ms = 500;
	c->app_flows = 16384;
	sip_conf_default(&c->sip);
	c->media_flows = 16384;
	c->media_stream_log = 65536;
	c->media_expectations = 65536;
	c->mos_default_delay_ms = 0;
	c->mos_jitter_buffer_ms = 60;
	c->malformed = DP_MALFORMED_DROP;
	c->ipv4_checksum = DP_CKSUM_AUTO;
	c->stats_interval_ms = 1000;
	c->stats_flows_max = 0;
	c->stats_calls_max = 10000;
	c->ipc_calls_max = 200;
}

int
dp_config_port_index(const struct dp_config *c, const char *name)
{
	unsigned int i;

	for (i = 0; i < c->n_ports; i++)
		if (strcmp(c->ports[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int
load_ports(struct cfg *cf, struct dp_config *c, json_t *ports)
{
	static const char *const keys[] = { "name", "device", "rx_desc", "tx_desc", "mtu", NULL };
	char path[512], sub[512];
	size_t i;
	json_t *p;

	if (json_array_size(ports) > DP_MAX_PORTS)
		return cfg_error(cf, "ports", "at most %d ports are supported", DP_MAX_PORTS);
	c->n_ports = 0;
	json_array_foreach(ports, i, p) {
		struct dp_port_conf *pc = &c->ports[c->n_ports];
		uint64_t v;

		cfg_path_index(path, sizeof(path), "ports", i);
		if (!json_is_object(p))
			return cfg_error(cf, path, "expected an object with name and device");
		if (cfg_only_keys(cf, p, path, keys))
			return -EINVAL;
		memset(pc, 0, sizeof(*pc));
		pc->rx_desc = 1024;
		pc->tx_desc = 1024;
		pc->peer = -1;
		if (cfg_string(cf, p, path, "name", 1, pc->name, sizeof(pc->name)) ||
				cfg_string(cf, p, path, "device", 1, pc->device, sizeof(pc->device)))
			return -EINVAL;
		if (pc->name[0] == '\0')
			return cfg_error(cf, cfg_path(sub, sizeof(sub), path, "name"),
					"must not be empty");
		if (pc->device[0] == '\0')
			return cfg_error(cf, cfg_path(sub, sizeof(sub), path, "device"),
					"must not be empty");
		if (dp_config_port_index(c, pc->name) >= 0)
			return cfg_error(cf, cfg_path(sub, sizeof(sub), path, "name"),
					"port name \"%s\" is used twice", pc->name);
		v = pc->rx_desc;
		if (cfg_uint(cf, p, path, "rx_desc", 0, 64, 32768, &v))
			return -EINVAL;
		pc->rx_desc = (uint16_t)v;
		v = pc->tx_desc;
		if (cfg_uint(cf, p, path, "tx_desc", 0, 64, 32768, &v))
			return -EINVAL;
		pc->tx_desc = (uint16_t)v;
		v = 0;
		if (cfg_uint(cf, p, path, "mtu", 0, 576, 9600, &v))
			return -EINVAL;
		pc->mtu = (uint16_t)v;
		c->n_ports++;
	}
	return 0;
}

static int
load_pairs(struct cfg *cf, struct dp_config *c, json_t *pairs)
{
	char path[512], el[512];
	size_t i, j;
	json_t *pr, *n;

	json_array_foreach(pairs, i, pr) {
		int idx[2];

		cfg_path_index(path, sizeof(path), "pairs", i);
		if (!json_is_array(pr) || json_array_size(pr) != 2)
			return cfg_error(cf, path, "a pair is an array of two port names");
		json_array_foreach(pr, j, n) {
			char name[DP_NAME_LEN];

			cfg_path_index(el, sizeof(el), path, j);
			if (cfg_expect_string(cf, n, el, name, sizeof(name)))
				return -EINVAL;
			idx[j] = dp_config_port_index(c, name);
			if (idx[j] < 0)
				return cfg_error(cf, el, "no port named \"%s\"", name);
			if (c->ports[idx[j]].peer >= 0)
				return cfg_error(cf, el, "port \"%s\" is already in a pair", name);
		}
		/* A port paired with itself reflects traffic back out (offline mode uses it). */
		c->ports[idx[0]].peer = idx[1];
		c->ports[idx[1]].peer = idx[0];
	}
	return 0;
}

static int
load_workers(struct cfg *cf, struct dp_config *c, json_t *w)
{
	static const char *const keys[] = { "lcores", "dispatch", "burst", "handoff_ring", NULL };
	static const char *const dispatch[] = { "auto", "rss", "software", NULL };
	json_t *lc, *v;
	char path[512];
	size_t i;
	uint64_t u;
	int e;

	if (cfg_only_keys(cf, w, "workers", keys) || cfg_array(cf, w, "workers", "lcores", &lc))
		return -EINVAL;
	if (lc != NULL) {
		if (json_array_size(lc) > DP_MAX_WORKERS)
			return cfg_error(cf, "workers.lcores", "at most %d workers", DP_MAX_WORKERS);
		c->n_worker_lcores = 0;
		json_array_foreach(lc, i, v) {
			cfg_path_index(path, sizeof(path), "workers.lcores", i);
			if (cfg_expect_uint(cf, v, path, 0, 1023, &u))
				return -EINVAL;
			c->worker_lcores[c->n_worker_lcores++] = (unsigned int)u;
		}
	}
	e = (int)c->dispatch;
	if (cfg_enum(cf, w, "workers", "dispatch", 0, dispatch, &e))
		return -EINVAL;
	c->dispatch = (enum dp_dispatch)e;
	u = c->burst;
	if (cfg_uint(cf, w, "workers", "burst", 0, 1, 64, &u))
		return -EINVAL;
	c->burst = (uint32_t)u;
	u = c->handoff_ring_size;
	if (cfg_uint(cf, w, "workers", "handoff_ring", 0, 64, 1u << 20, &u))
		return -EINVAL;
	if (u & (u - 1))
		return cfg_error(cf, "workers.handoff_ring", "must be a power of two");
	c->handoff_ring_size = (uint32_t)u;
	return 0;
}

static int
load_mempool(struct cfg *cf, struct dp_config *c, json_t *m)
{
	static const char *const keys[] = { "mbufs", "cache", "data_room", NULL };
	uint64_t u;

	if (cfg_only_keys(cf, m, "mempool", keys))
		return -EINVAL;
	u = c->mbufs;
	if (cfg_uint(cf, m, "mempool", "mbufs", 0, 0, 1u << 26, &u))
		return -EINVAL;
	c->mbufs = (uint32_t)u;
	u = c->mbuf_cache;
	if (cfg_uint(cf, m, "mempool", "cache", 0, 0, 512, &u))
		return -EINVAL;
	c->mbuf_cache = (uint32_t)u;
	u = c->mbuf_data_room;
	if (cfg_uint(cf, m, "mempool", "data_room", 0, 1024, 65535, &u))
		return -EINVAL;
	c->mbuf_data_room = (uint32_t)u;
	return 0;
}

static int
load_flows(struct cfg *cf, struct dp_config *c, json_t *f)
{
	static const char *const keys[] = { "capacity", "when_full", "idle_timeout_s", NULL };
	static const char *const tkeys[] = { "tcp", "udp", "other", NULL };
	static const char *const full[] = { "evict_oldest", "refuse", NULL };
	json_t *t;
	uint64_t u;
	int e, g;

	if (cfg_only_keys(cf, f, "flows", keys))
		return -EINVAL;
	u = c->flow_capacity;
	if (cfg_uint(cf, f, "flows", "capacity", 0, 64, 1u << 26, &u))
		return -EINVAL;
	c->flow_capacity = (uint32_t)u;
	e = (int)c->flow_full;
	if (cfg_enum(cf, f, "flows", "when_full", 0, full, &e))
		return -EINVAL;
	c->flow_full = (enum flow_full_policy)e;
	if (cfg_object(cf, f, "flows", "idle_timeout_s", &t))
		return -EINVAL;
	if (t == NULL)
		return 0;
	if (cfg_only_keys(cf, t, "flows.idle_timeout_s", tkeys))
		return -EINVAL;
	for (g = 0; g < FLOW_TMO_MAX; g++) {
		u = c->flow_timeout_s[g];
		if (cfg_uint(cf, t, "flows.idle_timeout_s", tkeys[g], 0, 1, 86400, &u))
			return -EINVAL;
		c->flow_timeout_s[g] = (uint32_t)u;
	}
	return 0;
}

static int
load_reassembly(struct cfg *cf, struct dp_config *c, json_t *r)
{
	static const char *const keys[] = { "max_datagrams", "max_fragments", "timeout_ms",
		"max_size", "max_fragments_held", NULL };
	uint64_t u;

	if (cfg_only_keys(cf, r, "reassembly", keys))
		return -EINVAL;
	u = c->reasm_max_datagrams;
	if (cfg_uint(cf, r, "reassembly", "max_datagrams", 0, 16, 1u << 20, &u))
		return -EINVAL;
	c->reasm_max_datagrams = (uint32_t)u;
	u = c->reasm_max_fragments;
	/* rte_ip_frag keeps at most RTE_LIBRTE_IP_FRAG_MAX_FRAG (8 in Debian's build) per datagram. */
	if (cfg_uint(cf, r, "reassembly", "max_fragments", 0, 2, 8, &u))
		return -EINVAL;
	c->reasm_max_fragments = (uint32_t)u;
	u = c->reasm_timeout_ms;
	if (cfg_uint(cf, r, "reassembly", "timeout_ms", 0, 10, 60000, &u))
		return -EINVAL;
	c->reasm_timeout_ms = (uint32_t)u;
	u = c->reasm_max_size;
	if (cfg_uint(cf, r, "reassembly", "max_size", 0, 1280, 65535, &u))
		return -EINVAL;
	c->reasm_max_size = (uint32_t)u;
	u = c->reasm_max_held;
	if (cfg_uint(cf, r, "reassembly", "max_fragments_held", 0, 0, 1u << 24, &u))
		return -EINVAL;
	c->reasm_max_held = (uint32_t)u;
	return 0;
}

static int
load_classification(struct cfg *cf, struct dp_config *c, json_t *o)
{
	static const char *const keys[] = { "enabled", "scan_packets", "signatures",
		"unsignalled_rtp_min_ms", "app_flows", NULL };
	uint64_t u;
	int b;

	if (cfg_only_keys(cf, o, "classification", keys))
		return -EINVAL;
	b = c->classify;
	if (cfg_bool(cf, o, "classification", "enabled", 0, &b))
		return -EINVAL;
	c->classify = b != 0;
	if (cfg_string(cf, o, "classification", "signatures", 0, c->signatures,
			    sizeof(c->signatures)))
		return -EINVAL;
	u = c->classify_scan_packets;
	/* the per-flow scan count is a 6-bit field */
	if (cfg_uint(cf, o, "classification", "scan_packets", 0, 1, 63, &u))
		return -EINVAL;
	c->classify_scan_packets = (uint32_t)u;
	u = c->rtp_unsignalled_min_ms;
	if (cfg_uint(cf, o, "classification", "unsignalled_rtp_min_ms", 0, 0, 60000, &u))
		return -EINVAL;
	c->rtp_unsignalled_min_ms = (uint32_t)u;
	u = c->app_flows;
	if (cfg_uint(cf, o, "classification", "app_flows", 0, 0, 1u << 22, &u))
		return -EINVAL;
	c->app_flows = (uint32_t)u;
	return 0;
}

static int
load_media(struct cfg *cf, struct dp_config *c, json_t *o)
{
	static const char *const keys[] = { "flows", "stream_log", "expectations", NULL };
	uint64_t u;

	if (cfg_only_keys(cf, o, "media", keys))
		return -EINVAL;
	u = c->media_flows;
	if (cfg_uint(cf, o, "media", "flows", 0, 16, 1u << 22, &u))
		return -EINVAL;
	c->media_flows = (uint32_t)u;
	u = c->media_stream_log;
	if (cfg_uint(cf, o, "media", "stream_log", 0, 0, 1u << 22, &u))
		return -EINVAL;
	c->media_stream_log = (uint32_t)u;
	u = c->media_expectations;
	if (cfg_uint(cf, o, "media", "expectations", 0, 64, 1u << 24, &u))
		return -EINVAL;
	c->media_expectations = (uint32_t)u;
	return 0;
}

static int
load_sip(struct cfg *cf, struct dp_config *c, json_t *o)
{
	static const char *const keys[] = { "calls", "tcp_flows", "tcp_buffer", "setup_timeout_s",
		"session_timeout_s", "linger_s", NULL };
	struct sip_conf *s = &c->sip;
	uint64_t u;

	if (cfg_only_keys(cf, o, "sip", keys))
		return -EINVAL;
	u = s->calls;
	if (cfg_uint(cf, o, "sip", "calls", 0, 16, 1u << 22, &u))
		return -EINVAL;
	s->calls = (uint32_t)u;
	u = s->tcp_flows;
	if (cfg_uint(cf, o, "sip", "tcp_flows", 0, 0, 1u << 20, &u))
		return -EINVAL;
	s->tcp_flows = (uint32_t)u;
	u = s->tcp_buffer;
	if (cfg_uint(cf, o, "sip", "tcp_buffer", 0, 1024, 1u << 20, &u))
		return -EINVAL;
	s->tcp_buffer = (uint32_t)u;
	u = s->ct.setup_timeout_ns / 1000000000ull;
	if (cfg_uint(cf, o, "sip", "setup_timeout_s", 0, 1, 3600, &u))
		return -EINVAL;
	s->ct.setup_timeout_ns = u * 1000000000ull;
	u = s->ct.session_timeout_ns / 1000000000ull;
	if (cfg_uint(cf, o, "sip", "session_timeout_s", 0, 0, 7 * 86400, &u))
		return -EINVAL;
	s->ct.session_timeout_ns = u * 1000000000ull;
	u = s->ct.linger_ns / 1000000000ull;
	if (cfg_uint(cf, o, "sip", "linger_s", 0, 0, 3600, &u))
		return -EINVAL;
	s->ct.linger_ns = u * 1000000000ull;
	return 0;
}

static int
load_mos(struct cfg *cf, struct dp_config *c, json_t *o)
{
	static const char *const keys[] = { "default_delay_ms", "jitter_buffer_ms", NULL };
	uint64_t u;

	if (cfg_only_keys(cf, o, "mos", keys))
		return -EINVAL;
	u = c->mos_default_delay_ms;
	if (cfg_uint(cf, o, "mos", "default_delay_ms", 0, 0, 2000, &u))
		return -EINVAL;
	c->mos_default_delay_ms = (uint32_t)u;
	u = c->mos_jitter_buffer_ms;
	if (cfg_uint(cf, o, "mos", "jitter_buffer_ms", 0, 0, 1000, &u))
		return -EINVAL;
	c->mos_jitter_buffer_ms = (uint32_t)u;
	return 0;
}

static int
load_stats(struct cfg *cf, struct dp_config *c, json_t *s)
{
	static const char *const keys[] = { "interval_ms", "flows_in_json", "calls_in_json", NULL };
	uint64_t u;

	if (cfg_only_keys(cf, s, "stats", keys))
		return -EINVAL;
	u = c->stats_interval_ms;
	if (cfg_uint(cf, s, "stats", "interval_ms", 0, 100, 60000, &u))
		return -EINVAL;
	c->stats_interval_ms = (uint32_t)u;
	u = c->stats_flows_max;
	if (cfg_uint(cf, s, "stats", "flows_in_json", 0, 0, 1u << 24, &u))
		return -EINVAL;
	c->stats_flows_max = (uint32_t)u;
	u = c->stats_calls_max;
	if (cfg_uint(cf, s, "stats", "calls_in_json", 0, 0, 1u << 24, &u))
		return -EINVAL;
	c->stats_calls_max = (uint32_t)u;
	return 0;
}

int
dp_policy_load_file(const char *file, struct policy_conf *pc, char *err, size_t err_len)
{
	struct cfg cf;
	int rc;

	if (cfg_load(&cf, file) != 0) {
		snprintf(err, err_len, "%s", cf.err);
		cfg_free(&cf);
		return -EINVAL;
	}
	snprintf(cf.root_path, sizeof(cf.root_path), "policy");
	rc = policy_conf_load(&cf, cf.root, "policy", pc);
	if (rc != 0)
		snprintf(err, err_len, "%s", cf.err);
	cfg_free(&cf);
	return rc;
}

static int
load_root(struct cfg *cf, struct dp_config *c)
{
	static const char *const keys[] = { "mode", "ports", "pairs", "workers", "mempool",
		"flows", "reassembly", "classification", "sip", "media", "mos", "malformed", "ipv4_checksum",
		"stats", "policy", "ipc", NULL };
	static const char *const modes[] = { "inline", "monitor", NULL };
	static const char *const malformed[] = { "drop", "forward", NULL };
	static const char *const cksum[] = { "auto", "verify", "ignore", NULL };
	json_t *root = cf->root, *o;
	unsigned int i;
	int e;

	if (cfg_only_keys(cf, root, "", keys))
		return -EINVAL;
	e = (int)c->mode;
	if (cfg_enum(cf, root, "", "mode", 0, modes, &e))
		return -EINVAL;
	c->mode = (enum dp_mode)e;
	if (cfg_array(cf, root, "", "ports", &o))
		return -EINVAL;
	if (o != NULL && load_ports(cf, c, o))
		return -EINVAL;
	if (cfg_array(cf, root, "", "pairs", &o))
		return -EINVAL;
	if (o != NULL) {
		if (c->mode == DP_MODE_MONITOR && json_array_size(o) > 0)
			return cfg_error(cf, "pairs", "monitor mode receives only: remove the pairs");
		if (load_pairs(cf, c, o))
			return -EINVAL;
	}
	if (c->mode == DP_MODE_INLINE) {
		for (i = 0; i < c->n_ports; i++) {
			char path[64];

			if (c->ports[i].peer < 0)
				return cfg_error(cf, cfg_path_index(path, sizeof(path), "ports", i),
						"port \"%s\" has no pair; inline mode needs every "
						"port in \"pairs\"", c->ports[i].name);
		}
	}
	if (cfg_object(cf, root, "", "workers", &o) || (o != NULL && load_workers(cf, c, o)))
		return -EINVAL;
	if (cfg_object(cf, root, "", "mempool", &o) || (o != NULL && load_mempool(cf, c, o)))
		return -EINVAL;
	if (cfg_object(cf, root, "", "flows", &o) || (o != NULL && load_flows(cf, c, o)))
		return -EINVAL;
	if (cfg_object(cf, root, "", "reassembly", &o) ||
			(o != NULL && load_reassembly(cf, c, o)))
		return -EINVAL;
	if (cfg_object(cf, root, "", "classification", &o) ||
			(o != NULL && load_classification(cf, c, o)))
		return -EINVAL;
	if (cfg_object(cf, root, "", "sip", &o) || (o != NULL && load_sip(cf, c, o)))
		return -EINVAL;
	if (cfg_object(cf, root, "", "media", &o) || (o != NULL && load_media(cf, c, o)))
		return -EINVAL;
	if (cfg_object(cf, root, "", "mos", &o) || (o != NULL && load_mos(cf, c, o)))
		return -EINVAL;
	e = (int)c->malformed;
	if (cfg_enum(cf, root, "", "malformed", 0, malformed, &e))
		return -EINVAL;
	c->malformed = (enum dp_malformed_action)e;
	e = (int)c->ipv4_checksum;
	if (cfg_enum(cf, root, "", "ipv4_checksum", 0, cksum, &e))
		return -EINVAL;
	c->ipv4_checksum = (enum dp_cksum_policy)e;
	if (cfg_object(cf, root, "", "stats", &o) || (o != NULL && load_stats(cf, c, o)))
		return -EINVAL;
	if (cfg_object(cf, root, "", "ipc", &o))
		return -EINVAL;
	if (o != NULL) {
		static const char *const ikeys[] = { "socket", "calls_in_stats", NULL };
		uint64_t u = c->ipc_calls_max;

		if (cfg_only_keys(cf, o, "ipc", ikeys) ||
				cfg_string(cf, o, "ipc", "socket", 1, c->ipc_socket,
						sizeof(c->ipc_socket)) ||
				cfg_uint(cf, o, "ipc", "calls_in_stats", 0, 0, 1u << 24, &u))
			return -EINVAL;
		c->ipc_calls_max = (uint32_t)u;
		if (c->ipc_socket[0] != '/')
			return cfg_error(cf, "ipc.socket", "give an absolute path");
	}
	o = json_object_get(root, "policy");
	if (o != NULL) {
		c->policy_set = true;
		if (json_is_string(o)) {
			if (cfg_expect_string(cf, o, "policy", c->policy_file, sizeof(c->policy_file)))
				return -EINVAL;
			if (dp_policy_load_file(c->policy_file, &c->policy, cf->err,
					    sizeof(cf->err)) != 0)
				return -EINVAL;
		} else if (policy_conf_load(cf, o, "policy", &c->policy) != 0) {
			return -EINVAL;
		}
	}
	return 0;
}

int
dp_config_load_text(struct dp_config *c, const char *name, const char *text, size_t len,
		char *err, size_t err_len)
{
	struct cfg cf;
	struct dp_config tmp = *c;
	int rc;

	rc = cfg_load_text(&cf, name, text, len);
	if (rc == 0)
		rc = load_root(&cf, &tmp);
	if (rc != 0)
		snprintf(err, err_len, "%s", cf.err);
	else {
		snprintf(tmp.source, sizeof(tmp.source), "%s", name);
		*c = tmp; /* all or nothing */
	}
	cfg_free(&cf);
	return rc;
}

int
dp_config_load(struct dp_config *c, const char *file, char *err, size_t err_len)
{
	struct cfg cf;
	struct dp_config tmp = *c;
	int rc;

	rc = cfg_load(&cf, file);
	if (rc == 0)
		rc = load_root(&cf, &tmp);
	if (rc != 0)
		snprintf(err, err_len, "%s", cf.err);
	else {
		snprintf(tmp.source, sizeof(tmp.source), "%s", file);
		*c = tmp;
	}
	cfg_free(&cf);
	return rc;
}
