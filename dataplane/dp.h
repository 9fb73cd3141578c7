/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * The dataplane's runtime state: ports, workers and the process-wide settings the workers read.
 *
 * Ownership: everything under struct dp_worker belongs to that worker's lcore and is written
 * only by it; the control thread reads its counters (plain aligned 64-bit loads, never torn on
 * the CPUs DPDK supports) and never writes them. The few fields the control thread writes
 * (stop flags) are read by workers with relaxed atomics.
 */

#ifndef DP_H
#define DP_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "dp_config.h"
#include "flow_table.h"
#include "ip_reasm.h"
#include "vpep_counters.h"

struct voip_worker;

#define DP_MAX_RXQ_PER_WORKER 32
#define DP_NO_TXQ UINT16_MAX
#define DP_NO_PORT UINT16_MAX
#define DP_BURST_MAX 64

/* Per-port counters kept by each worker (summed by the control thread). */
struct dp_port_ctr {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t tx_dropped;
};

/* A TX staging buffer: packets for one output port, flushed at the end of a burst. */
struct dp_txbuf {
	uint16_t n;
	uint64_t bytes; /* of the staged packets: counted on success without re-reading them */
	struct rte_mbuf *pkts[DP_BURST_MAX];
};

struct dp_worker {
	/* Read-mostly setup, first cache lines. */
	unsigned int id;
	unsigned int lcore_id;
	int socket;
	unsigned int n_rxq;
	struct {
		uint16_t port;
		uint16_t queue;
	} rxq[DP_MAX_RXQ_PER_WORKER];
	uint16_t txq[RTE_MAX_ETHPORTS];          /* queue used on each port, or DP_NO_TXQ */
	struct rte_ring *tx_ring_out[RTE_MAX_ETHPORTS]; /* when DP_NO_TXQ: ring to the owner */
	struct rte_ring *tx_ring_in[RTE_MAX_ETHPORTS];  /* rings this worker drains to its txq */
	struct rte_ring *handoff;                /* MP/SC: packets whose flow this worker owns */
	uint32_t handoff_busy;                   /* offline: a dequeued burst is being processed */
	struct flow_table *flows;
	struct ip_reasm *reasm;
	struct voip_worker *voip;                /* application awareness (voip.h) */
	struct policy_worker *policy;            /* enforcement state (policy.h), NULL: off */
	uint8_t *linbuf;                         /* linearised view of multi-segment packets */
	uint32_t linbuf_len;

	/* Written every burst by the worker. */
	uint64_t now_ns __rte_cache_aligned;     /* monotonic worker time */
	struct dp_txbuf tx[RTE_MAX_ETHPORTS];
	struct dp_txbuf handoff_out[DP_MAX_WORKERS];

	/* Counters: written by the worker only, read by the control thread. */
	uint64_t ctr[VPEP_CTR_MAX] __rte_cache_aligned;
	struct dp_port_ctr port[RTE_MAX_ETHPORTS] __rte_cache_aligned;
	volatile uint64_t loops;
	volatile int rx_stopped;
	volatile int done;
} __rte_cache_aligned;

struct dp_port {
	uint16_t port_id;
	char name[DP_NAME_LEN];
	char device[DP_DEVICE_LEN];
	char driver[64];
	uint16_t n_rxq;
	uint16_t n_txq;
	uint16_t rx_desc;
	uint16_t tx_desc;
	uint16_t mtu;          /* L3 MTU for refragmentation (0: none) */
	int peer;              /* index in dp.ports of the output port, -1 none */
	bool rss;              /* symmetric RSS configured */
	bool started;
	bool probed_by_us;     /* hot-plugged from the config; detached at exit */
	uint64_t expected_rx;  /* offline: packets in the capture */
	struct rte_eth_stats final_stats;
	bool have_final_stats;
};

enum dp_time_source {
	DP_TIME_TSC,     /* live: the time-stamp counter */
	DP_TIME_CAPTURE, /* offline: the capture's packet timestamps */
};

struct dp {
	struct dp_config conf;
	enum dp_time_source time_source;
	bool offline;
	bool rss_dispatch;     /* true: NIC RSS spreads flows; false: software handoff */
	bool verify_ipv4_cksum; /* the configured policy resolved for this run */
	bool policy_on;        /* a "policy" section was configured: enforce (policy.h) */
	unsigned int n_ports;
	struct dp_port ports[DP_MAX_PORTS];
	uint8_t port_index[RTE_MAX_ETHPORTS]; /* DPDK port id -> index in ports[] */
	uint16_t out_port[RTE_MAX_ETHPORTS];  /* DPDK port id -> port id to send on, or
					       * DP_NO_PORT (monitor mode, no pair) */
	unsigned int n_workers;
	struct dp_worker *workers[DP_MAX_WORKERS];
	struct rte_mempool *pool;          /* packet mbufs */
	struct rte_mempool *indirect_pool; /* refragmentation */
	unsigned int pool_in_use_start;
	unsigned int indirect_in_use_start;
	uint32_t rss_reta_size;
	uint8_t rss_key[52];
	uint8_t rss_key_len;
	int ts_dynfield_off;               /* mbuf Rx timestamp field, -1 when absent */
	uint64_t ts_dynflag;
	uint64_t tsc_hz;
	uint64_t start_tsc;
	uint64_t start_unix_ns;
	uint64_t ns_per_tsc_q32;           /* ns per TSC tick, 32.32 fixed point */

	/* Written by the control thread, read by workers. */
	volatile int stop_rx;
	volatile int quit;
};

extern struct dp dp;

/* Sum one counter over all workers. */
static inline uint64_t
dp_counter_sum(enum vpep_ctr c)
{
	uint64_t s = 0;
	unsigned int i;

	for (i = 0; i < dp.n_workers; i++)
		s += dp.workers[i]->ctr[c];
	return s;
}

#endif /* DP_H */
