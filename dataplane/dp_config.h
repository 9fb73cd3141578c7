/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * vpep-dataplane configuration: the JSON schema (see docs/configuration.md), its defaults and
 * its validation. Loading is all-or-nothing: a configuration with one bad value is refused
 * whole, with file:line:column and the key path of the first problem.
 */

#ifndef DP_CONFIG_H
#define DP_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "flow_table.h"
#include "policy_conf.h"
#include "sip_worker.h"

#define DP_MAX_PORTS 16
#define DP_MAX_WORKERS 64
#define DP_NAME_LEN 32
#define DP_DEVICE_LEN 1024

enum dp_mode {
	DP_MODE_INLINE,  /* port pairs: what enters one port leaves the other */
	DP_MODE_MONITOR, /* receive only (mirror/TAP port) */
};

enum dp_dispatch {
	DP_DISPATCH_AUTO,     /* symmetric RSS when every port supports it, else software */
	DP_DISPATCH_RSS,      /* require symmetric RSS */
	DP_DISPATCH_SOFTWARE, /* hash in software and hand packets to their owner's ring */
};

enum dp_cksum_policy {
	DP_CKSUM_AUTO,   /* verify live; ignore offline (captures carry TX-offload checksums) */
	DP_CKSUM_VERIFY,
	DP_CKSUM_IGNORE,
};

enum dp_malformed_action {
	DP_MALFORMED_DROP,
	DP_MALFORMED_FORWARD,
};

struct dp_port_conf {
	char name[DP_NAME_LEN];
	char device[DP_DEVICE_LEN]; /* PCI address or vdev string ("net_pcap0,rx_pcap=...") */
	uint16_t rx_desc;
	uint16_t tx_desc;
	uint16_t mtu;               /* L3 MTU used when refragmenting; 0 = the port's MTU */
	int peer;                   /* index of the paired port, -1 = none */
};

struct dp_config {
	char source[4096];          /* file the configuration came from, or "(built-in)" */
	enum dp_mode mode;
	unsigned int n_ports;
	struct dp_port_conf ports[DP_MAX_PORTS];

	unsigned int n_worker_lcores;  /* 0: every worker lcore EAL gave us */
	unsigned int worker_lcores[DP_MAX_WORKERS];
	enum dp_dispatch dispatch;
	uint32_t burst;
	uint32_t handoff_ring_size;

	uint32_t mbufs;             /* 0: computed from ports, queues, descriptors, workers */
	uint32_t mbuf_cache;
	uint32_t mbuf_data_room;

	uint32_t flow_capacity;     /* per worker */
	enum flow_full_policy flow_full;
	uint32_t flow_timeout_s[FLOW_TMO_MAX];

	uint32_t reasm_max_datagrams; /* per worker */
	uint32_t reasm_max_fragments;
	uint32_t reasm_timeout_ms;
	uint32_t reasm_max_size;
	uint32_t reasm_max_held;    /* per worker: fragments reassembly may hold at once */

	bool classify;              /* false: forwarding only (no classes, SIP, calls or RTP) */
	uint32_t classify_scan_packets; /* payload packets a flow is examined for its class */
	uint32_t app_flows;         /* per worker: POP3/HTTP flows followed at once */
	uint32_t rtp_unsignalled_min_ms; /* RTP without SDP: consistent this long to count */
	char signatures[256];       /* signature file; empty: the set built into the binary */
	struct sip_conf sip;        /* per worker: calls, SIP-over-TCP streams, call timers */
	uint32_t media_flows;       /* per worker: media flows analysed at once */
	uint32_t media_stream_log;  /* per worker: finished streams kept for the report */
	uint32_t media_expectations; /* process-wide: SDP-announced endpoints at once */
	uint32_t mos_default_delay_ms; /* one-way network delay assumed without an RTCP RTT */
	uint32_t mos_jitter_buffer_ms; /* nominal jitter buffer (delay and late threshold) */

	enum dp_malformed_action malformed;
	enum dp_cksum_policy ipv4_checksum;
	uint32_t stats_interval_ms;
	uint32_t stats_flows_max;   /* flows listed in the stats JSON (0 = none) */
	uint32_t stats_calls_max;   /* calls listed in --stats-json (stats.calls_in_json) */
	uint32_t ipc_calls_max;     /* calls listed in the link's STATS (ipc.calls_in_stats) */

	char ipc_socket[108];       /* "ipc": {"socket": PATH}; empty: no vpep-ctrl link */
	bool policy_set;            /* "policy" given: enforcement on */
	char policy_file[4096];     /* "policy": "FILE" (reloadable), empty when inline */
	struct policy_conf policy;
};

/* Load a policy file (the "policy" object as the file's root). 0, or -EINVAL with
 * "file:line:col: key: problem" in err; pc is untouched by callers on failure. */
int dp_policy_load_file(const char *file, struct policy_conf *pc, char *err, size_t err_len);

/* Fill c with the built-in defaults (no ports). */
void dp_config_defaults(struct dp_config *c);

/*
 * Load `file` over the defaults already in c. Returns 0, or -EINVAL with the message
 * ("file:line:col: key: problem") in err.
 */
int dp_config_load(struct dp_config *c, const char *file, char *err, size_t err_len);

/* The same, from text in memory (used by the fuzz target and unit tests). */
int dp_config_load_text(struct dp_config *c, const char *name, const char *text, size_t len,
		char *err, size_t err_len);

/* Find a port by name; -1 when absent. */
int dp_config_port_index(const struct dp_config *c, const char *name);

#endif /* DP_CONFIG_H */
