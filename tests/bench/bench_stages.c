/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Cycles per packet of each fast-path stage, measured on the worker's own functions over a
 * capture held in memory (no NIC, no mbufs): where the time goes, stage by stage.
 *
 *   parse     pkt_parse()
 *   key       + flow_key_from_meta() and flow_key_hash()
 *   lookup    + flow_table_lookup_bulk() per burst of 32
 *   resolve   + flow_table_resolve() and the per-direction counters (the table path)
 *   emc       parse + the exact-match cache, the table only on a miss (what the worker does)
 *
 * Also measures the flow table's memory: 1M flows inserted into a 1M-entry table, bytes of
 * DPDK heap used.
 *
 * usage: bench_stages [EAL args] -- CAPTURE [SECONDS_PER_STAGE]
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_malloc.h>

#include "flow_table.h"
#include "pkt_parse.h"
#include "vpep_counters.h"

#define BURST 32
/* The worker parses a packet the NIC (or net_pcap) has just written: in cache. Keep the
 * working set cache-resident so the stages are measured, not memory misses. */
#define MAX_PKTS 512

struct pkt {
	uint8_t *data;
	uint32_t len;
};

static struct pkt *pkts;
static uint32_t n_pkts;
static uint64_t ctr[VPEP_CTR_MAX];

static int
load(const char *path)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *p = pcap_open_offline(path, err);

	if (p == NULL) {
		fprintf(stderr, "bench_stages: %s\n", err);
		return -1;
	}
	pkts = calloc(MAX_PKTS, sizeof(*pkts));
	while (n_pkts < MAX_PKTS && pcap_next_ex(p, &h, &d) == 1) {
		pkts[n_pkts].data = aligned_alloc(64, (h->caplen + 63) & ~63u);
		memcpy(pkts[n_pkts].data, d, h->caplen);
		pkts[n_pkts].len = h->caplen;
		n_pkts++;
	}
	pcap_close(p);
	return n_pkts ? 0 : -1;
}

enum stage { ST_PARSE, ST_KEY, ST_LOOKUP, ST_RESOLVE, ST_EMC, ST_MAX };
static const char *const stage_name[ST_MAX] = { "parse", "parse+key+hash",
	"parse+key+hash+bulk lookup", "parse+table (resolve, account)",
	"parse+exact-match cache (the worker's path)" };

/* Run `stage` over the capture for `secs`; returns cycles per packet. */
static double
run_stage(enum stage st, struct flow_table *ft, double secs)
{
	struct pkt_meta meta[BURST];
	struct flow_key keys[BURST];
	hash_sig_t sigs[BURST];
	int32_t pos[BURST];
	uint64_t ts[BURST];
	uint8_t dir[BURST];
	uint64_t start = rte_rdtsc(), end = start + (uint64_t)(secs * (double)rte_get_tsc_hz());
	uint64_t done = 0, sink = 0, t = 1000000000ull;
	uint32_t i = 0;

	while (rte_rdtsc() < end) {
		unsigned int k = 0, j;
		uint64_t gen;

		for (j = 0; j < BURST; j++, i = (i + 1 == n_pkts) ? 0 : i + 1) {
			if (pkt_parse(pkts[i].data, pkts[i].len, 0, &meta[k]) != 0 ||
					meta[k].family == 0 || (meta[k].flags & PKT_F_FRAG))
				continue;
			if (st == ST_EMC) {
				uint64_t tuple = flow_emc_tuple(&meta[k]);
				uint32_t slot = flow_emc_slot(&meta[k], tuple), idx;
				uint8_t d;

				idx = flow_emc_probe(ft, &meta[k], tuple, slot, t, &d);
				if (idx == FLOW_NIL) {
					struct flow_key key;
					hash_sig_t sig = flow_key_from_meta_hash(&meta[k], &key, &d);
					int32_t p;
					uint64_t g = flow_table_lookup_bulk(ft, &key, &sig, 1, &p);

					idx = flow_table_resolve(ft, &key, sig, p, g, t);
					if (idx != FLOW_NIL)
						flow_emc_insert(ft, slot, &meta[k], tuple, idx, d);
				}
				if (idx != FLOW_NIL) {
					ft->e[idx].pkts[d]++;
					ft->e[idx].bytes[d] += pkts[i].len;
				}
				continue;
			}
			if (st >= ST_KEY) {
				sigs[k] = flow_key_from_meta_hash(&meta[k], &keys[k], &dir[k]);
				ts[k] = t;
			}
			sink += meta[k].payload_len;
			k++;
		}
		t += 1000;
		if (st >= ST_LOOKUP && st != ST_EMC) {
			gen = flow_table_lookup_bulk(ft, keys, sigs, k, pos);
			if (st >= ST_RESOLVE) {
				for (j = 0; j < k; j++) {
					uint32_t idx = flow_table_resolve(ft, &keys[j], sigs[j], pos[j],
							gen, ts[j]);

					if (idx != FLOW_NIL) {
						ft->e[idx].pkts[dir[j]]++;
						ft->e[idx].bytes[dir[j]] += pkts[j].len;
					}
				}
			} else {
				for (j = 0; j < k; j++)
					sink += (uint64_t)pos[j];
			}
		}
		done += BURST;
	}
	if (sink == 42)
		printf(" ");
	return (double)(rte_rdtsc() - start) / (double)done;
}

/* 1M flows in a 1M table: DPDK heap bytes it takes. */
static void
flow_memory(void)
{
	struct rte_malloc_socket_stats before, after;
	uint64_t tmo[FLOW_TMO_MAX] = { 1ull << 62, 1ull << 62, 1ull << 62 };
	struct flow_table *ft;
	struct pkt_meta m;
	struct flow_key k;
	uint32_t i, ok = 0;

	rte_malloc_get_socket_stats(0, &before);
	ft = flow_table_create("bench_1m", 1u << 20, FLOW_FULL_REFUSE, tmo, 0, ctr);
	if (ft == NULL) {
		printf("flow_memory: cannot create a 1M-flow table (give EAL more memory)\n");
		return;
	}
	memset(&m, 0, sizeof(m));
	m.family = 4;
	m.l4_proto = 17;
	for (i = 0; i < (1u << 20); i++) {
		hash_sig_t sig;
		int32_t pos;
		uint64_t gen;

		m.src[0] = 10;
		m.src[1] = (uint8_t)(i >> 16);
		m.src[2] = (uint8_t)(i >> 8);
		m.src[3] = (uint8_t)i;
		m.dst[0] = 192;
		m.sport = (uint16_t)(10000 + (i & 0x3fff));
		m.dport = 5060;
		flow_key_from_meta(&m, &k);
		sig = flow_key_hash(&k, sizeof(k), 0);
		gen = flow_table_lookup_bulk(ft, &k, &sig, 1, &pos);
		if (flow_table_resolve(ft, &k, sig, pos, gen, 1) != FLOW_NIL)
			ok++;
	}
	rte_malloc_get_socket_stats(0, &after);
	printf("flow_table_1M_flows_inserted=%u\n", ok);
	printf("flow_table_1M_bytes=%zu\n", after.heap_allocsz_bytes - before.heap_allocsz_bytes);
	printf("flow_table_1M_MiB=%.1f\n",
			(double)(after.heap_allocsz_bytes - before.heap_allocsz_bytes) / 1048576.0);
	flow_table_free(ft);
}

int
main(int argc, char **argv)
{
	uint64_t tmo[FLOW_TMO_MAX] = { 300ull * 1000000000, 120ull * 1000000000,
		60ull * 1000000000 };
	struct flow_table *ft;
	double secs = 2.0;
	int ret, s;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "bench_stages: EAL init failed\n");
		return 1;
	}
	argc -= ret;
	argv += ret;
	if (argc < 2) {
		fprintf(stderr, "usage: bench_stages [EAL args] -- CAPTURE [SECONDS]\n");
		return 1;
	}
	if (argc > 2)
		secs = atof(argv[2]);
	if (load(argv[1]) != 0)
		return 1;
	ft = flow_table_create("bench", 1u << 16, FLOW_FULL_EVICT_OLDEST, tmo, 0, ctr);
	printf("capture=%s packets=%u tsc_hz=%" PRIu64 "\n", argv[1], n_pkts, rte_get_tsc_hz());
	for (s = 0; s < ST_MAX; s++)
		printf("stage_cycles_per_packet{stage=\"%s\"}=%.1f\n", stage_name[s],
				run_stage((enum stage)s, ft, secs));
	flow_table_free(ft);
	flow_memory();
	rte_eal_cleanup();
	return 0;
}
