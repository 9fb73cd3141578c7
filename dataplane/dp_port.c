/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <errno.h>
#include <string.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_string_fns.h>

#include "dp_port.h"
#include "dp_rss.h"
#include "worker.h"

#define RSS_HF (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP)
#define MEMPOOL_SLACK 2048

/* The device name is the devargs up to the first comma ("net_pcap0,rx_pcap=x" -> "net_pcap0"). */
static void
device_name(const char *devargs, char *name, size_t cap)
{
	size_t n = strcspn(devargs, ",");

	if (n >= cap)
		n = cap - 1;
	memcpy(name, devargs, n);
	name[n] = '\0';
}

static int
find_port(const char *devargs, uint16_t *pid)
{
	char name[RTE_ETH_NAME_MAX_LEN];
	struct rte_dev_iterator it;
	uint16_t p;

	device_name(devargs, name, sizeof(name));
	if (rte_eth_dev_get_port_by_name(name, pid) == 0)
		return 0;
	/* Some PMDs name ports differently from the bus device: match by devargs instead. */
	RTE_ETH_FOREACH_MATCHING_DEV(p, name, &it) {
		*pid = p;
		rte_eth_iterator_cleanup(&it);
		return 0;
	}
	return -ENODEV;
}

int
dp_ports_probe(char *err, size_t err_len)
{
	unsigned int i, j;

	for (i = 0; i < RTE_MAX_ETHPORTS; i++)
		dp.out_port[i] = DP_NO_PORT;

	dp.n_ports = dp.conf.n_ports;
	for (i = 0; i < dp.conf.n_ports; i++) {
		const struct dp_port_conf *pc = &dp.conf.ports[i];
		struct dp_port *p = &dp.ports[i];
		struct rte_eth_dev_info info;
		int rc;

		memset(p, 0, sizeof(*p));
		rte_strscpy(p->name, pc->name, sizeof(p->name));
		rte_strscpy(p->device, pc->device, sizeof(p->device));
		p->peer = pc->peer;
		p->rx_desc = pc->rx_desc;
		p->tx_desc = pc->tx_desc;
		p->mtu = pc->mtu;
		if (find_port(pc->device, &p->port_id) != 0) {
			rc = rte_dev_probe(pc->device);
			if (rc < 0) {
				snprintf(err, err_len,
						"port \"%s\": cannot probe device \"%s\": %s (a PCI "
						"NIC must be bound to vfio-pci or its PMD's driver; "
						"a vdev string must name a PMD and valid arguments)",
						pc->name, pc->device, rte_strerror(-rc));
				return -ENODEV;
			}
			if (find_port(pc->device, &p->port_id) != 0) {
				snprintf(err, err_len,
						"port \"%s\": device \"%s\" was probed but is not an "
						"Ethernet port", pc->name, pc->device);
				return -ENODEV;
			}
			p->probed_by_us = true;
		}
		for (j = 0; j < i; j++) {
			if (dp.ports[j].port_id == p->port_id) {
				snprintf(err, err_len, "ports \"%s\" and \"%s\" are the same device",
						dp.ports[j].name, p->name);
				return -EINVAL;
			}
		}
		rc = rte_eth_dev_info_get(p->port_id, &info);
		if (rc != 0) {
			snprintf(err, err_len, "port \"%s\": cannot query the device: %s", p->name,
					rte_strerror(-rc));
			return rc;
		}
		snprintf(p->driver, sizeof(p->driver), "%s", info.driver_name);
		dp.port_index[p->port_id] = (uint8_t)i;
	}
	return 0;
}

/* Can every port spread flows over the workers with symmetric RSS? Why not, in why. */
static bool
rss_possible(char *why, size_t cap)
{
	uint32_t reta = 0;
	unsigned int i;

	for (i = 0; i < dp.n_ports; i++) {
		struct rte_eth_dev_info info;

		if (rte_eth_dev_info_get(dp.ports[i].port_id, &info) != 0) {
			snprintf(why, cap, "port \"%s\" cannot be queried", dp.ports[i].name);
			return false;
		}
		if ((info.flow_type_rss_offloads & RSS_HF) == 0) {
			snprintf(why, cap, "port \"%s\" (%s) has no RSS", dp.ports[i].name,
					info.driver_name);
			return false;
		}
		if (info.max_rx_queues < dp.n_workers) {
			snprintf(why, cap, "port \"%s\" (%s) has %u RX queues for %u workers",
					dp.ports[i].name, info.driver_name, info.max_rx_queues,
					dp.n_workers);
			return false;
		}
		if (info.hash_key_size > sizeof(dp.rss_key)) {
			snprintf(why, cap, "port \"%s\" wants a %u-byte RSS key", dp.ports[i].name,
					info.hash_key_size);
			return false;
		}
		/* Both directions of a flow enter on different ports of a pair, so every port
		 * must map hashes to queues the same way. */
		if (reta != 0 && info.reta_size != reta) {
			snprintf(why, cap, "ports have different RSS redirection table sizes");
			return false;
		}
		reta = info.reta_size;
		if (reta == 0) {
			snprintf(why, cap, "port \"%s\" reports no RSS redirection table",
					dp.ports[i].name);
			return false;
		}
	}
	dp.rss_reta_size = reta;
	return true;
}

unsigned int
dp_ports_mbufs_needed(void)
{
	const struct dp_config *c = &dp.conf;
	uint64_t rx = 0, tx = 0, n;
	unsigned int i;

	for (i = 0; i < dp.n_ports; i++) {
		rx += (uint64_t)dp.ports[i].n_rxq * dp.ports[i].rx_desc;
		tx += (uint64_t)dp.ports[i].n_txq * dp.ports[i].tx_desc;
		/* A port with fewer TX queues than workers gets one shared ring per queue. */
		if (dp.ports[i].n_txq < dp.n_workers)
			tx += (uint64_t)dp.ports[i].n_txq * c->handoff_ring_size;
	}
	n = rx + tx;
	/* In flight inside workers: handoff rings, staging buffers, reassembly. */
	n += (uint64_t)dp.n_workers *
	     (c->handoff_ring_size + (uint64_t)DP_BURST_MAX * (dp.n_ports + dp.n_workers + 2));
	n += (uint64_t)dp.n_workers *
	     (c->reasm_max_held ? c->reasm_max_held : 2ull * c->reasm_max_datagrams);
	n += (uint64_t)rte_lcore_count() * c->mbuf_cache * 3 / 2;
	n += MEMPOOL_SLACK;
	if (n < 2 * rx)
		n = 2 * rx;
	/* A mempool of 2^k - 1 elements uses its ring fully. */
	n = rte_align64pow2(n + 1) - 1;
	if (n > UINT32_MAX)
		n = UINT32_MAX;
	return (unsigned int)n;
}

static int
create_pools(int socket, char *err, size_t err_len)
{
	const struct dp_config *c = &dp.conf;
	unsigned int n = c->mbufs ? c->mbufs : dp_ports_mbufs_needed();
	unsigned int n_ind = 4095;
	size_t elt = sizeof(struct rte_mbuf) + c->mbuf_data_room;

	dp.pool = rte_pktmbuf_pool_create("vpep_pkt", n, c->mbuf_cache, 0,
			(uint16_t)c->mbuf_data_room, socket);
	if (dp.pool == NULL) {
		snprintf(err, err_len,
				"cannot allocate the packet mempool: %u mbufs x %zu bytes = %.0f MiB "
				"on socket %d: %s. Give EAL more memory (-m or --socket-mem; "
				"hugepages in production) or lower mempool.mbufs, "
				"reassembly.max_fragments_held, or the ports' descriptor counts",
				n, elt, (double)n * (double)elt / 1048576.0, socket,
				rte_strerror(rte_errno));
		return -ENOMEM;
	}
	/* Refragmentation points at the datagram's data with indirect mbufs (no data room). */
	dp.indirect_pool = rte_pktmbuf_pool_create("vpep_indirect", n_ind, 64, 0, 0, socket);
	if (dp.indirect_pool == NULL) {
		snprintf(err, err_len, "cannot allocate the indirect mempool (%u mbufs): %s", n_ind,
				rte_strerror(rte_errno));
		return -ENOMEM;
	}
	return 0;
}

static int
configure_port(struct dp_port *p, char *err, size_t err_len)
{
	struct rte_eth_conf pc;
	struct rte_eth_dev_info info;
	uint16_t q, rxd = p->rx_desc, txd = p->tx_desc;
	int socket = rte_eth_dev_socket_id(p->port_id);
	int rc;

	if (socket < 0)
		socket = (int)rte_socket_id();
	rte_eth_dev_info_get(p->port_id, &info);
	memset(&pc, 0, sizeof(pc));
	if (p->rss) {
		pc.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		pc.rx_adv_conf.rss_conf.rss_key = dp.rss_key;
		pc.rx_adv_conf.rss_conf.rss_key_len = info.hash_key_size ? info.hash_key_size : 40;
		pc.rx_adv_conf.rss_conf.rss_hf = RSS_HF & info.flow_type_rss_offloads;
	}
	/* Reassembled datagrams and refragmented output are mbuf chains. */
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
		pc.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM)
		pc.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;

	rc = rte_eth_dev_configure(p->port_id, p->n_rxq, p->n_txq, &pc);
	if (rc != 0) {
		snprintf(err, err_len, "port \"%s\": cannot configure %u RX / %u TX queues: %s",
				p->name, p->n_rxq, p->n_txq, rte_strerror(-rc));
		return rc;
	}
	rte_eth_dev_adjust_nb_rx_tx_desc(p->port_id, &rxd, &txd);
	p->rx_desc = rxd;
	p->tx_desc = txd;
	for (q = 0; q < p->n_rxq; q++) {
		rc = rte_eth_rx_queue_setup(p->port_id, q, rxd, (unsigned int)socket, NULL, dp.pool);
		if (rc != 0) {
			snprintf(err, err_len, "port \"%s\": RX queue %u setup failed: %s", p->name,
					q, rte_strerror(-rc));
			return rc;
		}
	}
	for (q = 0; q < p->n_txq; q++) {
		rc = rte_eth_tx_queue_setup(p->port_id, q, txd, (unsigned int)socket, NULL);
		if (rc != 0) {
			snprintf(err, err_len, "port \"%s\": TX queue %u setup failed: %s", p->name,
					q, rte_strerror(-rc));
			return rc;
		}
	}
	rc = rte_eth_dev_start(p->port_id);
	if (rc != 0) {
		snprintf(err, err_len, "port \"%s\": cannot start: %s", p->name, rte_strerror(-rc));
		return rc;
	}
	p->started = true;
	/* A bump in the wire must see frames for every MAC address; vdevs may not care. */
	rte_eth_promiscuous_enable(p->port_id);
	if (p->rss) {
		struct rte_eth_rss_reta_entry64 reta[RTE_ETH_RSS_RETA_SIZE_512 /
						     RTE_ETH_RETA_GROUP_SIZE];
		uint32_t i;

		memset(reta, 0, sizeof(reta));
		for (i = 0; i < dp.rss_reta_size && i < RTE_ETH_RSS_RETA_SIZE_512; i++) {
			reta[i / RTE_ETH_RETA_GROUP_SIZE].mask |= 1ull << (i % RTE_ETH_RETA_GROUP_SIZE);
			reta[i / RTE_ETH_RETA_GROUP_SIZE].reta[i % RTE_ETH_RETA_GROUP_SIZE] =
					(uint16_t)(i % p->n_rxq);
		}
		rc = rte_eth_dev_rss_reta_update(p->port_id, reta, (uint16_t)dp.rss_reta_size);
		if (rc != 0) {
			snprintf(err, err_len, "port \"%s\": cannot program the RSS table: %s",
					p->name, rte_strerror(-rc));
			return rc;
		}
	}
	if (p->mtu == 0) {
		uint16_t mtu;

		p->mtu = rte_eth_dev_get_mtu(p->port_id, &mtu) == 0 ? mtu : 1500;
	}
	return 0;
}

static int
assign_queues(char *err, size_t err_len)
{
	unsigned int i, w;

	for (i = 0; i < dp.n_ports; i++) {
		struct dp_port *p = &dp.ports[i];

		if (dp.rss_dispatch) {
			for (w = 0; w < dp.n_workers; w++) {
				struct dp_worker *wk = dp.workers[w];

				wk->rxq[wk->n_rxq].port = p->port_id;
				wk->rxq[wk->n_rxq].queue = (uint16_t)w;
				wk->n_rxq++;
			}
		} else {
			struct dp_worker *wk = dp.workers[i % dp.n_workers];

			if (wk->n_rxq == DP_MAX_RXQ_PER_WORKER) {
				snprintf(err, err_len, "too many RX queues for worker %u", wk->id);
				return -E2BIG;
			}
			wk->rxq[wk->n_rxq].port = p->port_id;
			wk->rxq[wk->n_rxq].queue = 0;
			wk->n_rxq++;
		}
		for (w = 0; w < dp.n_workers; w++) {
			struct dp_worker *wk = dp.workers[w];
			unsigned int owner;
			char rname[RTE_RING_NAMESIZE];

			if (w < p->n_txq) {
				wk->txq[p->port_id] = (uint16_t)w;
				continue;
			}
			/* More workers than TX queues: send through the queue owner's ring. */
			owner = w % p->n_txq;
			if (dp.workers[owner]->tx_ring_in[p->port_id] == NULL) {
				snprintf(rname, sizeof(rname), "tx_p%u_q%u", p->port_id, owner);
				dp.workers[owner]->tx_ring_in[p->port_id] = rte_ring_create(rname,
						dp.conf.handoff_ring_size, dp.workers[owner]->socket,
						RING_F_SC_DEQ);
				if (dp.workers[owner]->tx_ring_in[p->port_id] == NULL) {
					snprintf(err, err_len, "cannot create TX ring %s: %s", rname,
							rte_strerror(rte_errno));
					return -ENOMEM;
				}
			}
			wk->tx_ring_out[p->port_id] = dp.workers[owner]->tx_ring_in[p->port_id];
		}
	}
	return 0;
}

int
dp_ports_start(char *err, size_t err_len)
{
	char why[256] = "";
	unsigned int i;
	int rc, socket;

	dp_rss_symmetric_key(dp.rss_key, sizeof(dp.rss_key));
	dp.rss_dispatch = false;
	if (dp.n_workers > 1 && dp.conf.dispatch != DP_DISPATCH_SOFTWARE) {
		dp.rss_dispatch = rss_possible(why, sizeof(why));
		if (!dp.rss_dispatch && dp.conf.dispatch == DP_DISPATCH_RSS) {
			snprintf(err, err_len, "workers.dispatch is \"rss\" but %s", why);
			return -ENOTSUP;
		}
	}
	for (i = 0; i < dp.n_ports; i++) {
		struct dp_port *p = &dp.ports[i];
		struct rte_eth_dev_info info;

		rte_eth_dev_info_get(p->port_id, &info);
		p->rss = dp.rss_dispatch;
		p->n_rxq = dp.rss_dispatch ? (uint16_t)dp.n_workers : 1;
		p->n_txq = (uint16_t)RTE_MIN(dp.n_workers, info.max_tx_queues);
		if (p->n_txq == 0)
			p->n_txq = 1;
	}
	socket = dp.n_ports ? rte_eth_dev_socket_id(dp.ports[0].port_id) : -1;
	if (socket < 0)
		socket = (int)rte_socket_id();
	rc = create_pools(socket, err, err_len);
	if (rc != 0)
		return rc;
	dp.pool_in_use_start = rte_mempool_in_use_count(dp.pool);
	dp.indirect_in_use_start = rte_mempool_in_use_count(dp.indirect_pool);
	for (i = 0; i < dp.n_ports; i++) {
		rc = configure_port(&dp.ports[i], err, err_len);
		if (rc != 0)
			return rc;
	}
	for (i = 0; i < dp.n_ports; i++) {
		const struct dp_port *p = &dp.ports[i];

		if (dp.conf.mode == DP_MODE_INLINE && p->peer >= 0)
			dp.out_port[p->port_id] = dp.ports[p->peer].port_id;
	}
	return assign_queues(err, err_len);
}

void
dp_ports_stop(void)
{
	unsigned int i;

	for (i = 0; i < dp.n_ports; i++) {
		struct dp_port *p = &dp.ports[i];

		if (!p->started)
			continue;
		if (rte_eth_stats_get(p->port_id, &p->final_stats) == 0)
			p->have_final_stats = true;
		rte_eth_dev_stop(p->port_id);
		rte_eth_dev_close(p->port_id);
		p->started = false;
	}
}

int
dp_ports_offline_done(void)
{
	unsigned int i;

	for (i = 0; i < dp.n_ports; i++) {
		struct dp_port *p = &dp.ports[i];
		struct rte_eth_stats st;

		if (p->expected_rx == 0)
			continue;
		if (rte_eth_stats_get(p->port_id, &st) != 0)
			continue;
		/* A read error ends the capture early: there is nothing more to come. */
		if (st.ipackets + st.rx_nombuf < p->expected_rx && st.ierrors == 0)
			return 0;
	}
	return 1;
}
