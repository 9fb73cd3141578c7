/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * The worker loop. Per burst: receive, parse, reassemble, hand packets of flows owned by
 * another worker to that worker's ring, look the rest up in the flow table in one bulk call,
 * account, and stage for transmission. Every mbuf ends in exactly one of: a TX queue, a ring
 * to another worker, the reassembly table, or rte_pktmbuf_free() with a drop counter.
 */

#include <sched.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_hash_crc.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf_dyn.h>
#include <rte_prefetch.h>
#include <rte_thash.h>

#include "dp_rss.h"
#include "dp_time.h"
#include "policy.h"
#include "voip.h"
#include "sip_worker.h"
#include "worker.h"

/* How often (in worker time) idle flows are looked for. */
#define FLOW_EXPIRE_PERIOD_NS (10ull * 1000 * 1000)
#define FLOW_EXPIRE_BUDGET 256
/* Largest packet the parser sees in one piece; reassembled datagrams fit. */
#define LINBUF_LEN (65536 + 256)
/* Offline mode reads only while this many mbufs are free, so net_pcap never reads a packet it
 * cannot store (it would be lost, counted as rx_nombuf). */
#define OFFLINE_MIN_FREE_MBUFS 512

struct burst_ctx {
	/* Packets that go on to output, in arrival order, with their parse results. */
	struct pkt_meta meta[DP_BURST_MAX];
	struct rte_mbuf *pkts[DP_BURST_MAX];
	uint64_t ts[DP_BURST_MAX];
	uint32_t emc_slot[DP_BURST_MAX];
	uint64_t emc_tuple[DP_BURST_MAX];
	uint32_t idx[DP_BURST_MAX];  /* the packet's flow, FLOW_NIL when untracked */
	uint8_t fdir[DP_BURST_MAX];  /* its direction in the flow */
	uint8_t sip_hint[DP_BURST_MAX]; /* the SIP worker's verdict (enum policy_sip_hint) */
	uint16_t why[DP_BURST_MAX];  /* policy: the drop counter, 0 when the packet goes on */
	unsigned int n;
	/* Those that missed the exact-match cache: resolved through the table (n_miss of them,
	 * a local of process()). */
	struct flow_key keys[DP_BURST_MAX];
	hash_sig_t sigs[DP_BURST_MAX];
	int32_t pos[DP_BURST_MAX];
	uint8_t dir[DP_BURST_MAX];
	uint8_t k_of[DP_BURST_MAX]; /* index into the arrays above */
};

static void count_l3l4_init(void);

struct dp_worker *
worker_create(unsigned int id, unsigned int lcore_id, char *err, size_t err_len)
{
	int socket = (int)rte_lcore_to_socket_id(lcore_id);
	const struct dp_config *c = &dp.conf;
	struct ip_reasm_conf rc = {
		.max_datagrams = c->reasm_max_datagrams,
		.max_fragments = c->reasm_max_fragments,
		.timeout_ms = c->reasm_timeout_ms,
		.max_size = c->reasm_max_size,
		.max_held = c->reasm_max_held,
	};
	uint64_t tmo[FLOW_TMO_MAX];
	struct dp_worker *w;
	char name[RTE_RING_NAMESIZE];
	unsigned int g;

	w = rte_zmalloc_socket("dp_worker", sizeof(*w), RTE_CACHE_LINE_SIZE, socket);
	if (w == NULL) {
		snprintf(err, err_len, "worker %u: out of memory for its state", id);
		return NULL;
	}
	w->id = id;
	w->lcore_id = lcore_id;
	w->socket = socket;
	for (g = 0; g < RTE_MAX_ETHPORTS; g++)
		w->txq[g] = DP_NO_TXQ;
	for (g = 0; g < FLOW_TMO_MAX; g++)
		tmo[g] = (uint64_t)c->flow_timeout_s[g] * 1000000000ull;

	snprintf(name, sizeof(name), "flows_w%u", id);
	w->flows = flow_table_create(name, c->flow_capacity, c->flow_full, tmo, socket, w->ctr);
	if (w->flows == NULL) {
		snprintf(err, err_len,
				"worker %u: cannot create a flow table of %u flows: %s (lower "
				"flows.capacity or give EAL more memory)",
				id, c->flow_capacity, rte_strerror(rte_errno));
		goto fail;
	}
	snprintf(name, sizeof(name), "reasm_w%u", id);
	w->reasm = ip_reasm_create(name, &rc, socket, w->ctr);
	if (w->reasm == NULL) {
		snprintf(err, err_len, "worker %u: cannot create the reassembly table: %s", id,
				rte_strerror(rte_errno));
		goto fail;
	}
	snprintf(name, sizeof(name), "handoff_w%u", id);
	w->handoff = rte_ring_create(name, c->handoff_ring_size, socket, RING_F_SC_DEQ);
	if (w->handoff == NULL) {
		snprintf(err, err_len, "worker %u: cannot create its handoff ring: %s", id,
				rte_strerror(rte_errno));
		goto fail;
	}
	count_l3l4_init();
	w->linbuf_len = LINBUF_LEN;
	w->linbuf = rte_malloc_socket("linbuf", LINBUF_LEN, RTE_CACHE_LINE_SIZE, socket);
	if (w->linbuf == NULL) {
		snprintf(err, err_len, "worker %u: out of memory", id);
		goto fail;
	}
	if (voip_worker_init(w, err, err_len) != 0 ||
			(dp.policy_on && policy_worker_init(w, err, err_len) != 0))
		goto fail;
	return w;
fail:
	worker_free(w);
	return NULL;
}

void
worker_free(struct dp_worker *w)
{
	struct rte_mbuf *m = NULL;
	unsigned int p;

	if (w == NULL)
		return;
	for (p = 0; p < RTE_MAX_ETHPORTS; p++)
		rte_ring_free(w->tx_ring_in[p]);
	if (w->handoff != NULL) {
		while (rte_ring_dequeue(w->handoff, (void **)&m) == 0) {
			w->ctr[VPEP_CTR_handoff_ring_full]++;
			rte_pktmbuf_free(m);
		}
		rte_ring_free(w->handoff);
	}
	policy_worker_free(w);
	voip_worker_free(w);
	flow_table_free(w->flows);
	ip_reasm_free(w->reasm, w->now_ns);
	rte_free(w->linbuf);
	rte_free(w);
}

bool
worker_rings_empty(const struct dp_worker *w)
{
	unsigned int p;

	if (!rte_ring_empty(w->handoff))
		return false;
	for (p = 0; p < RTE_MAX_ETHPORTS; p++)
		if (w->tx_ring_in[p] != NULL && !rte_ring_empty(w->tx_ring_in[p]))
			return false;
	return true;
}

static inline void
drop(struct dp_worker *w, struct rte_mbuf *m, enum vpep_ctr why)
{
	w->ctr[why]++;
	rte_pktmbuf_free(m);
}

/* Counter of each PKT_F_* INFO flag bit (0: not an INFO flag). */
static const uint8_t info_counter[32] = {
	[__builtin_ctz(PKT_F_NON_IP)] = VPEP_CTR_non_ip,
	[__builtin_ctz(PKT_F_VLAN)] = VPEP_CTR_vlan_tagged,
	[__builtin_ctz(PKT_F_QINQ)] = VPEP_CTR_vlan_qinq,
	[__builtin_ctz(PKT_F_PPPOE)] = VPEP_CTR_pppoe_session,
	[__builtin_ctz(PKT_F_MPLS)] = VPEP_CTR_mpls_labelled,
	[__builtin_ctz(PKT_F_IPV4_OPTIONS)] = VPEP_CTR_ipv4_with_options,
	[__builtin_ctz(PKT_F_IPV6_EXT)] = VPEP_CTR_ipv6_with_ext_headers,
	[__builtin_ctz(PKT_F_TUN_IPIP)] = VPEP_CTR_tunnel_ip_in_ip,
	[__builtin_ctz(PKT_F_TUN_GRE)] = VPEP_CTR_tunnel_gre,
	[__builtin_ctz(PKT_F_TUN_VXLAN)] = VPEP_CTR_tunnel_vxlan,
	[__builtin_ctz(PKT_F_TUN_GTPU)] = VPEP_CTR_tunnel_gtpu,
	[__builtin_ctz(PKT_F_TUN_TEREDO)] = VPEP_CTR_tunnel_teredo,
	[__builtin_ctz(PKT_F_INNER_FRAG)] = VPEP_CTR_inner_fragment,
};

/* Packets per INFO flag, on the packets that carry one: one step per flag set. */
static inline void
count_info(struct dp_worker *w, uint32_t f)
{
	f &= PKT_F_INFO_MASK;
	while (f) {
		w->ctr[info_counter[__builtin_ctz(f)]]++;
		f &= f - 1;
	}
}

/* opts: PKT_PARSE_NO_IPV4_CKSUM when the configuration turns verification off. */
static inline int
parse(struct dp_worker *w, struct rte_mbuf *m, struct pkt_meta *meta, uint32_t opts)
{
	uint32_t len = rte_pktmbuf_pkt_len(m);
	const uint8_t *p;

	if ((m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) == RTE_MBUF_F_RX_IP_CKSUM_GOOD)
		opts |= PKT_PARSE_NO_IPV4_CKSUM;
	if (likely(m->nb_segs == 1)) {
		p = rte_pktmbuf_mtod(m, const uint8_t *);
	} else {
		if (len > w->linbuf_len)
			len = w->linbuf_len;
		p = rte_pktmbuf_read(m, 0, len, w->linbuf);
	}
	return pkt_parse(p, len, opts, meta);
}

/*
 * Packet time in ns. Offline: the capture's timestamp (net_pcap stamps microseconds), kept
 * monotonic per worker so that an unsorted capture cannot move timers backwards. Live: the
 * burst's TSC time, or for a packet handed over by another worker, the arrival time that
 * worker stamped on it.
 */
static inline uint64_t
pkt_time(struct dp_worker *w, const struct rte_mbuf *m, bool from_rx)
{
	if (dp.time_source == DP_TIME_CAPTURE) {
		if (m->ol_flags & dp.ts_dynflag) {
			uint64_t t = *RTE_MBUF_DYNFIELD(m, dp.ts_dynfield_off,
						     const rte_mbuf_timestamp_t *) * 1000ull;

			if (t > w->now_ns)
				w->now_ns = t;
		}
		return w->now_ns;
	}
	if (!from_rx && (m->ol_flags & dp.ts_dynflag))
		return *RTE_MBUF_DYNFIELD(m, dp.ts_dynfield_off, const rte_mbuf_timestamp_t *);
	return w->now_ns;
}

static void
flush_port(struct dp_worker *w, uint16_t pid)
{
	struct dp_txbuf *b = &w->tx[pid];
	uint64_t bytes = b->bytes;
	uint16_t sent, i;

	if (b->n == 0)
		return;
	if (w->txq[pid] != DP_NO_TXQ) {
		sent = rte_eth_tx_burst(pid, w->txq[pid], b->pkts, b->n);
		/* bytes of the unsent tail, read before they are freed (rare) */
		for (i = sent; i < b->n; i++)
			bytes -= rte_pktmbuf_pkt_len(b->pkts[i]);
		w->port[pid].tx_packets += sent;
		w->port[pid].tx_bytes += bytes;
		w->ctr[VPEP_CTR_tx_packets] += sent;
		w->ctr[VPEP_CTR_tx_bytes] += bytes;
	} else {
		/* This worker has no queue of its own on the port: the queue's owner sends. */
		sent = (uint16_t)rte_ring_enqueue_burst(w->tx_ring_out[pid], (void **)b->pkts, b->n,
				NULL);
	}
	for (i = sent; i < b->n; i++) {
		w->port[pid].tx_dropped++;
		drop(w, b->pkts[i], VPEP_CTR_tx_failed);
	}
	b->n = 0;
	b->bytes = 0;
}

static inline void
stage_tx(struct dp_worker *w, uint16_t pid, struct rte_mbuf *m)
{
	struct dp_txbuf *b = &w->tx[pid];

	b->bytes += rte_pktmbuf_pkt_len(m);
	b->pkts[b->n++] = m;
	if (b->n == DP_BURST_MAX)
		flush_port(w, pid);
}

static void
flush_handoff(struct dp_worker *w, unsigned int to)
{
	struct dp_txbuf *b = &w->handoff_out[to];
	unsigned int sent, i;

	if (b->n == 0)
		return;
	sent = rte_ring_enqueue_burst(dp.workers[to]->handoff, (void **)b->pkts, b->n, NULL);
	w->ctr[VPEP_CTR_handoff_out] += sent;
	for (i = sent; i < b->n; i++)
		drop(w, b->pkts[i], VPEP_CTR_handoff_ring_full);
	b->n = 0;
}

static inline void
stage_handoff(struct dp_worker *w, unsigned int to, struct rte_mbuf *m, uint64_t ts)
{
	struct dp_txbuf *b = &w->handoff_out[to];

	/* Live time travels with the packet so the owner measures arrival, not handoff. */
	if (dp.time_source == DP_TIME_TSC && dp.ts_dynfield_off >= 0) {
		*RTE_MBUF_DYNFIELD(m, dp.ts_dynfield_off, rte_mbuf_timestamp_t *) = ts;
		m->ol_flags |= dp.ts_dynflag;
	}
	b->pkts[b->n++] = m;
	if (b->n == DP_BURST_MAX)
		flush_handoff(w, to);
}

/*
 * Offline analysis must not depend on how far one worker runs ahead of another. Media is
 * learned from signalling another worker may handle: so after handing a SIP message over,
 * the reader waits until its owner has processed it, and every later packet of the capture
 * sees what it announced, as it would on the wire where the INVITE precedes its RTP by far
 * more than a worker's lag. Bounded, so two readers waiting on each other cannot hang.
 */
#define OFFLINE_SIP_WAIT_NS (200ull * 1000 * 1000)

static void
offline_sip_barrier(struct dp_worker *w, unsigned int owner)
{
	const struct dp_worker *o = dp.workers[owner];
	uint64_t deadline = dp_time_now_ns() + OFFLINE_SIP_WAIT_NS;

	flush_handoff(w, owner);
	while (!rte_ring_empty(o->handoff) || __atomic_load_n(&o->handoff_busy, __ATOMIC_SEQ_CST)) {
		if (dp_time_now_ns() > deadline) {
			w->ctr[VPEP_CTR_offline_sip_wait_timeout]++;
			return;
		}
		/* the owner may share this core (more workers than cores): let it run */
		sched_yield();
	}
}

/* Send a processed packet on: paired port, or consumed in monitor mode. */
static inline void
output(struct dp_worker *w, struct rte_mbuf *m, const struct pkt_meta *meta)
{
	uint16_t out = dp.out_port[m->port];

	if (unlikely(out == DP_NO_PORT)) {
		if (dp.conf.mode == DP_MODE_MONITOR) {
			w->ctr[VPEP_CTR_monitored_packets]++;
			rte_pktmbuf_free(m);
		} else {
			drop(w, m, VPEP_CTR_no_output_port);
		}
		return;
	}
	if (unlikely(meta != NULL && ip_reasm_flagged(m))) {
		struct rte_mbuf *frags[RTE_LIBRTE_IP_FRAG_MAX_FRAG * 4];
		unsigned int n, i;

		n = ip_reasm_refragment(w->reasm, m, meta->l2_len, meta->outer_family,
				dp.ports[dp.port_index[out]].mtu, frags, RTE_DIM(frags), dp.pool,
				dp.indirect_pool);
		for (i = 0; i < n; i++)
			stage_tx(w, out, frags[i]);
		return;
	}
	stage_tx(w, out, m);
}

/* Deal with a packet the parser found malformed (already counted). */
static inline void
malformed(struct dp_worker *w, struct rte_mbuf *m)
{
	if (dp.conf.malformed == DP_MALFORMED_DROP)
		drop(w, m, VPEP_CTR_malformed_dropped);
	else
		output(w, m, NULL);
}

static void
count_l3l4_init(void)
{
}

/*
 * Which worker owns this packet's flow. With symmetric RSS the NIC already chose (the queue
 * we polled), except for what it hashed on other headers: reassembled datagrams (hashed as
 * fragments, on addresses only) and tunnelled packets (hashed on the outer header). Those
 * follow the NIC's function computed in software; in software dispatch everything is placed
 * by a symmetric hash of the tuple.
 */
/*
 * A UDP datagram that starts with a SIP start line goes to the worker of its Call-ID, so all
 * UDP messages of a call meet on one worker in order, whichever 5-tuples carry them
 * (sip_worker.h). 0: not SIP, place it by its flow.
 */
static inline uint32_t
sip_steer(struct dp_worker *w, const struct rte_mbuf *m, const struct pkt_meta *meta)
{
	const uint8_t *p;

	/* Without classification nothing parses SIP: the flow decides. */
	if (meta->l4_proto != 17 || meta->payload_len < 16 || !dp.conf.classify)
		return 0;
	if (likely(m->nb_segs == 1)) {
		p = rte_pktmbuf_mtod_offset(m, const uint8_t *, meta->payload_off);
		if (likely(p[0] < 'A' || p[0] > 'Z'))
			return 0;
	} else {
		if (meta->payload_len > w->linbuf_len)
			return 0;
		p = rte_pktmbuf_read(m, meta->payload_off, meta->payload_len, w->linbuf);
		if (p == NULL)
			return 0;
	}
	return sip_steer_hash(p, meta->payload_len);
}

static inline unsigned int
owner_of(struct dp_worker *w, const struct rte_mbuf *m, const struct pkt_meta *meta, bool *sip)
{
	uint32_t h = sip_steer(w, m, meta);

	*sip = h != 0;
	if (h != 0)
		return worker_owner_of_sig(h, dp.n_workers);
	if (dp.rss_dispatch) {
		struct flow_key k;

		if (meta->tunnel_depth == 0 && !ip_reasm_flagged(m))
			return w->id;
		flow_key_from_meta(meta, &k);
		return dp_rss_owner(&k);
	}
	return worker_owner_of_sig(flow_owner_hash(meta), dp.n_workers);
}

/*
 * Pass 3: send the burst on in arrival order. A burst read from one port all goes to that
 * port's pair, so it is copied into the TX buffer in one run; the general path takes
 * reassembled datagrams (cut again on output), monitor mode and handed-over packets.
 */
static inline void
output_burst(struct dp_worker *w, struct burst_ctx *b, uint16_t out)
{
	struct dp_txbuf *t;
	uint64_t bytes = 0;
	unsigned int j, n;

	if (out == DP_NO_PORT) {
		for (j = 0; j < b->n; j++)
			if (b->pkts[j] != NULL)
				output(w, b->pkts[j], &b->meta[j]);
		return;
	}
	t = &w->tx[out];
	n = t->n;
	for (j = 0; j < b->n; j++) {
		struct rte_mbuf *m = b->pkts[j];

		if (unlikely(m == NULL))
			continue; /* dropped by policy */
		if (unlikely(n == DP_BURST_MAX)) {
			t->n = (uint16_t)n;
			t->bytes += bytes;
			bytes = 0;
			flush_port(w, out);
			n = t->n;
		}
		if (unlikely(ip_reasm_flagged(m))) {
			t->n = (uint16_t)n;
			t->bytes += bytes;
			bytes = 0;
			output(w, m, &b->meta[j]);
			n = t->n;
			continue;
		}
		bytes += rte_pktmbuf_pkt_len(m);
		t->pkts[n++] = m;
	}
	t->n = (uint16_t)n;
	t->bytes += bytes;
}

static inline void
account(struct flow_table *ft, uint32_t idx, uint8_t dir, const struct rte_mbuf *m)
{
	struct flow_entry *e = &ft->e[idx];

	e->pkts[dir]++;
	e->bytes[dir] += rte_pktmbuf_pkt_len(m);
}

/*
 * One burst. from_rx: the packets came from an RX queue of port rx_port (else from the
 * handoff ring, already counted by the worker that received them).
 *
 * Pass 1 parses, reassembles, hands off what another worker owns, and resolves IPv4 flows in
 * the exact-match cache; pass 2 resolves the rest through the table (one bulk probe); pass 3
 * sends everything on in arrival order, so a flow is never reordered whichever pass
 * resolved its packets.
 */
static void
process(struct dp_worker *w, struct rte_mbuf **pkts, unsigned int n, bool from_rx,
		uint16_t rx_port)
{
	struct flow_table *ft = w->flows;
	const uint32_t popts = dp.verify_ipv4_cksum ? 0 : PKT_PARSE_NO_IPV4_CKSUM;
	/* Per-burst tallies, in registers, added to the counters once per burst: incrementing
	 * a memory counter per packet would chain each packet to the previous one. */
	uint32_t n_v6 = 0, n_udp = 0, n_tcp = 0;
	struct burst_ctx b;
	unsigned int i, j, k, bn = 0, n_miss = 0;
	uint64_t rx_bytes = 0, gen;

	/* Headers of the whole burst first, then each packet's data two ahead of its turn. */
	for (i = 0; i < n; i++)
		rte_prefetch0(pkts[i]);
	for (i = 0; i < 2 && i < n; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct pkt_meta *meta = &b.meta[bn];
		uint64_t ts, tuple;
		int rc;

		if (i + 2 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 2], void *));
		rx_bytes += rte_pktmbuf_pkt_len(m);
		ts = pkt_time(w, m, from_rx);
		rc = parse(w, m, meta, popts);
		if (unlikely(rc != 0)) {
			w->ctr[rc]++;
			malformed(w, m);
			continue;
		}
		if (unlikely(meta->flags & PKT_F_INFO_MASK))
			count_info(w, meta->flags);
		if (unlikely(meta->flags & PKT_F_FRAG)) {
			m = ip_reasm_input(w->reasm, m, meta, ts);
			if (m == NULL)
				continue;
			rc = parse(w, m, meta, popts);
			if (rc != 0) {
				w->ctr[rc]++;
				malformed(w, m);
				continue;
			}
		}
		if (unlikely(meta->family == 0)) {
			output(w, m, NULL);
			continue;
		}
		/* A packet another worker handed us is never passed on again: the sender already
		 * computed the same owner, and this rules out ping-pong. */
		if (dp.n_workers > 1 && from_rx) {
			bool sip;
			unsigned int owner = owner_of(w, m, meta, &sip);

			w->ctr[VPEP_CTR_sip_steered] += sip;
			if (owner != w->id) {
				stage_handoff(w, owner, m, ts);
				if (unlikely(sip && dp.offline))
					offline_sip_barrier(w, owner);
				continue;
			}
		}
		/* family is 4 or 6 here: (family >> 1) & 1 is 0 or 1 */
		n_v6 += (meta->family >> 1) & 1;
		n_udp += meta->l4_proto == 17;
		n_tcp += meta->l4_proto == 6;
		b.ts[bn] = ts;
		b.pkts[bn] = m;
		tuple = flow_emc_tuple(meta);
		b.emc_tuple[bn] = tuple;
		b.emc_slot[bn] = flow_emc_slot(meta, tuple);
		rte_prefetch0(&ft->emc[b.emc_slot[bn]]);
		bn++;
	}
	b.n = bn;
	w->ctr[VPEP_CTR_ipv4_packets] += bn - n_v6;
	w->ctr[VPEP_CTR_ipv6_packets] += n_v6;
	w->ctr[VPEP_CTR_udp_packets] += n_udp;
	w->ctr[VPEP_CTR_tcp_packets] += n_tcp;
	w->ctr[VPEP_CTR_other_l4_packets] += bn - n_udp - n_tcp;
	if (from_rx) {
		w->ctr[VPEP_CTR_rx_packets] += n;
		w->ctr[VPEP_CTR_rx_bytes] += rx_bytes;
		w->port[rx_port].rx_packets += n;
		w->port[rx_port].rx_bytes += rx_bytes;
	}

	/* Probe the cache slots prefetched above; the misses go to the table. */
	for (k = 0; k < bn; k++) {
		uint32_t idx;
		uint8_t dir;

		if (k + 1 < bn)
			rte_prefetch0(&ft->e[ft->emc[b.emc_slot[k + 1]].idx]);
		idx = flow_emc_probe(ft, &b.meta[k], b.emc_tuple[k], b.emc_slot[k], b.ts[k], &dir);
		if (likely(idx != FLOW_NIL)) {
			account(ft, idx, dir, b.pkts[k]);
			b.idx[k] = idx;
			b.fdir[k] = dir;
			continue;
		}
		j = n_miss++;
		b.k_of[j] = (uint8_t)k;
		b.sigs[j] = flow_key_from_meta_hash(&b.meta[k], &b.keys[j], &b.dir[j]);
	}

	if (n_miss > 0) {
		gen = flow_table_lookup_bulk(ft, b.keys, b.sigs, n_miss, b.pos);
		for (j = 0; j < n_miss; j++) {
			uint32_t idx;

			k = b.k_of[j];
			if (j + 1 < n_miss && b.pos[j + 1] >= 0)
				rte_prefetch0(&ft->e[b.pos[j + 1]]);
			idx = flow_table_resolve(ft, &b.keys[j], b.sigs[j], b.pos[j], gen, b.ts[k]);
			b.idx[k] = idx;
			b.fdir[k] = b.dir[j];
			if (likely(idx != FLOW_NIL)) {
				account(ft, idx, b.dir[j], b.pkts[k]);
				flow_emc_insert(ft, b.emc_slot[k], &b.meta[k], b.emc_tuple[k], idx,
						b.dir[j]);
			}
		}
	}
	/* Application pass, in arrival order: classification and the class handlers. The
	 * flows resolved above stay put meanwhile (the table never evicts a flow active in the
	 * last second, so no index of this burst is reused). classification.enabled = false
	 * leaves forwarding only (and, with a policy, class "default" for everything). */
	if (!dp.policy_on) {
		if (dp.conf.classify)
			voip_burst(w, bn, b.idx, b.fdir, b.pkts, b.meta, b.ts, NULL);
	} else {
		/* Policy after the application pass: it needs the class and call just learnt, and
		 * the SIP worker's verdict on each message (b.sip_hint). */
		if (dp.conf.classify)
			voip_burst(w, bn, b.idx, b.fdir, b.pkts, b.meta, b.ts, b.sip_hint);
		else
			memset(b.sip_hint, POLICY_SIP_NONE, bn);
		if (unlikely(policy_burst(w, bn, b.idx, b.fdir, b.pkts, b.meta, b.ts, b.sip_hint,
				b.why) != 0)) {
			for (k = 0; k < bn; k++) {
				if (b.why[k] != 0) {
					drop(w, b.pkts[k], (enum vpep_ctr)b.why[k]);
					b.pkts[k] = NULL;
				}
			}
		}
	}
	output_burst(w, &b, from_rx ? dp.out_port[rx_port] : DP_NO_PORT);
	for (j = 0; j < dp.n_workers; j++)
		flush_handoff(w, j);
}

static void
drain_tx_rings(struct dp_worker *w)
{
	struct rte_mbuf *pkts[DP_BURST_MAX];
	unsigned int p, n;

	for (p = 0; p < dp.n_ports; p++) {
		uint16_t pid = dp.ports[p].port_id;
		struct rte_ring *r = w->tx_ring_in[pid];

		if (r == NULL)
			continue;
		n = rte_ring_dequeue_burst(r, (void **)pkts, DP_BURST_MAX, NULL);
		for (unsigned int i = 0; i < n; i++)
			stage_tx(w, pid, pkts[i]);
	}
}

static void
flush_all(struct dp_worker *w)
{
	unsigned int p;

	for (p = 0; p < dp.n_ports; p++)
		flush_port(w, dp.ports[p].port_id);
}

/*
 * Offline analysis must be lossless: a capture is read faster than a worker that shares its
 * core with another can drain its rings, and a full ring would otherwise drop packets and
 * make the result depend on scheduling. So reading pauses until every ring a burst could
 * land in has room for a burst from every worker, and the mempool has spare mbufs. Live
 * traffic cannot be paused: there a full ring is a counted drop.
 */
static bool
offline_must_wait(unsigned int burst)
{
	unsigned int need = burst * dp.n_workers, i, p;

	if (rte_mempool_avail_count(dp.pool) < OFFLINE_MIN_FREE_MBUFS)
		return true;
	for (i = 0; i < dp.n_workers; i++) {
		const struct dp_worker *o = dp.workers[i];

		if (rte_ring_free_count(o->handoff) < RTE_MIN(need, rte_ring_get_capacity(o->handoff)))
			return true;
		for (p = 0; p < RTE_MAX_ETHPORTS; p++) {
			const struct rte_ring *r = o->tx_ring_in[p];

			if (r != NULL && rte_ring_free_count(r) < RTE_MIN(need, rte_ring_get_capacity(r)))
				return true;
		}
	}
	return false;
}

int
worker_main(void *arg)
{
	struct dp_worker *w = arg;
	struct rte_mbuf *pkts[DP_BURST_MAX];
	uint16_t burst = (uint16_t)dp.conf.burst;
	uint64_t next_expire = 0;
	unsigned int q, n;

	while (!__atomic_load_n(&dp.quit, __ATOMIC_RELAXED)) {
		unsigned int work = 0;

		if (dp.time_source == DP_TIME_TSC)
			w->now_ns = dp_time_now_ns();
		if (!__atomic_load_n(&dp.stop_rx, __ATOMIC_RELAXED)) {
			for (q = 0; q < w->n_rxq; q++) {
				if (dp.offline && offline_must_wait(burst))
					break;
				n = rte_eth_rx_burst(w->rxq[q].port, w->rxq[q].queue, pkts, burst);
				if (n > 0)
					process(w, pkts, n, true, w->rxq[q].port);
				work += n;
			}
		} else {
			w->rx_stopped = 1;
		}
		/* Offline, "busy" covers dequeue to end of processing (offline_sip_barrier()). */
		if (dp.offline)
			__atomic_store_n(&w->handoff_busy, 1, __ATOMIC_SEQ_CST);
		n = rte_ring_dequeue_burst(w->handoff, (void **)pkts, burst, NULL);
		if (n > 0) {
			w->ctr[VPEP_CTR_handoff_in] += n;
			process(w, pkts, n, false, 0);
		}
		work += n;
		if (dp.offline)
			__atomic_store_n(&w->handoff_busy, 0, __ATOMIC_SEQ_CST);
		drain_tx_rings(w);
		flush_all(w);
		voip_loop(w);
		if (dp.policy_on)
			policy_loop(w);
		ip_reasm_tick(w->reasm, w->now_ns);
		if (w->now_ns >= next_expire) {
			flow_table_expire(w->flows, w->now_ns, FLOW_EXPIRE_BUDGET);
			next_expire = w->now_ns + FLOW_EXPIRE_PERIOD_NS;
		}
		w->loops++;
		/* Offline analysis is not latency-bound, and workers may share cores (tests run
		 * several on two): an idle worker gives its core away instead of spinning. */
		if (dp.offline && work == 0)
			sched_yield();
	}
	flush_all(w);
	w->done = 1;
	return 0;
}
