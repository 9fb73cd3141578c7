/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Unit tests for the flow table: symmetric keys, creation and lookup, lazy and periodic
 * expiry, both full-table policies, stale bulk answers, and a randomised run checked against
 * a simple reference model with the LRU invariants verified after every step.
 * Runs EAL with --no-huge (rte_hash needs it).
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_hash.h>

#include "flow_table.h"
#include "vpep_counters.h"

#define SEC 1000000000ull

static uint64_t ctr[VPEP_CTR_MAX];

static int
eal_setup(void **state)
{
	char *argv[] = { "test_flow_table", "--no-huge", "-m", "256", "--no-shconf", "--no-pci",
		"-l", "0", "--log-level=*:error", NULL };

	(void)state;
	return rte_eal_init(9, argv) < 0 ? -1 : 0;
}

static int
eal_teardown(void **state)
{
	(void)state;
	rte_eal_cleanup();
	return 0;
}

/* A UDP packet's metadata: IPv4 10.0.0.a:pa -> 10.0.0.b:pb (or IPv6 with the same digits). */
static void
meta(struct pkt_meta *m, int family, uint8_t a, uint16_t pa, uint8_t b, uint16_t pb)
{
	memset(m, 0, sizeof(*m));
	m->family = (uint8_t)family;
	m->l4_proto = 17;
	if (family == 4) {
		m->src[0] = 10;
		m->src[3] = a;
		m->dst[0] = 10;
		m->dst[3] = b;
	} else {
		m->src[0] = 0x20;
		m->src[15] = a;
		m->dst[0] = 0x20;
		m->dst[15] = b;
	}
	m->sport = pa;
	m->dport = pb;
}

static struct flow_table *
table(uint32_t cap, enum flow_full_policy pol, uint64_t udp_tmo_s)
{
	uint64_t tmo[FLOW_TMO_MAX] = { 300 * SEC, udp_tmo_s * SEC, 60 * SEC };
	static int n;
	char name[32];
	struct flow_table *ft;

	snprintf(name, sizeof(name), "ft%d", n++);
	memset(ctr, 0, sizeof(ctr));
	ft = flow_table_create(name, cap, pol, tmo, 0, ctr);
	assert_non_null(ft);
	return ft;
}

/* Resolve one key at time t the way the worker does (bulk probe, then resolve). */
static uint32_t
resolve(struct flow_table *ft, const struct flow_key *k, uint64_t t)
{
	hash_sig_t sig = flow_table_hash(ft, k);
	int32_t pos;
	uint64_t gen = flow_table_lookup_bulk(ft, k, &sig, 1, &pos);

	return flow_table_resolve(ft, k, sig, pos, gen, t);
}

static void
check_lru(const struct flow_table *ft)
{
	uint32_t n = 0;
	unsigned int g;

	for (g = 0; g < FLOW_TMO_MAX; g++) {
		uint32_t i = ft->lru[g].head, prev = FLOW_NIL, stamp = 0;

		while (i != FLOW_NIL) {
			assert_true(n <= ft->count);
			assert_int_equal(ft->e[i].lru_prev, prev);
			assert_int_equal(ft->e[i].tmo_group, g);
			/* ordered by the stamp of the last move */
			assert_true(ft->e[i].lru_stamp >= stamp);
			stamp = ft->e[i].lru_stamp;
			prev = i;
			i = ft->e[i].lru_next;
			n++;
		}
		assert_int_equal(ft->lru[g].tail, prev);
	}
	assert_int_equal(n, ft->count);
	assert_int_equal((uint32_t)rte_hash_count(ft->hash), ft->count);
}

static void
test_key_symmetry(void **state)
{
	struct pkt_meta m;
	struct flow_key k1, k2;
	int fam;

	(void)state;
	for (fam = 4; fam <= 6; fam += 2) {
		/* A -> B and B -> A give one key and opposite directions */
		meta(&m, fam, 1, 5060, 2, 5062);
		assert_int_equal(flow_key_from_meta(&m, &k1), 0);
		meta(&m, fam, 2, 5062, 1, 5060);
		assert_int_equal(flow_key_from_meta(&m, &k2), 1);
		assert_memory_equal(&k1, &k2, sizeof(k1));
		/* same addresses, ports decide the order */
		meta(&m, fam, 1, 7000, 1, 6000);
		assert_int_equal(flow_key_from_meta(&m, &k1), 1);
		meta(&m, fam, 1, 6000, 1, 7000);
		assert_int_equal(flow_key_from_meta(&m, &k2), 0);
		assert_memory_equal(&k1, &k2, sizeof(k1));
	}
	/* the hash computed while building equals the table's hash of the stored key, for
	 * both families, both directions, with a VLAN and ports in either order */
	for (fam = 4; fam <= 6; fam += 2) {
		uint8_t dir;
		uint32_t h;

		meta(&m, fam, 9, 40000, 3, 5060);
		m.n_vlan = 1;
		m.vlan_tci[0] = 0x0123;
		m.l4_proto = 6;
		h = flow_key_from_meta_hash(&m, &k1, &dir);
		assert_int_equal(h, flow_key_hash(&k1, sizeof(k1), 0));
		assert_int_equal(dir, 1);
		assert_int_equal(k1.port_lo, 5060);
		assert_int_equal(k1.port_hi, 40000);
		assert_int_equal(k1.proto, 6);
		assert_int_equal(k1.family, fam);
		assert_int_equal(k1.vlan, 0x123);
		assert_int_equal(k1.zero, 0);
		meta(&m, fam, 3, 5060, 9, 40000);
		m.n_vlan = 1;
		m.vlan_tci[0] = 0x0123;
		m.l4_proto = 6;
		assert_int_equal(flow_key_from_meta_hash(&m, &k2, &dir), h);
		assert_int_equal(dir, 0);
		assert_memory_equal(&k1, &k2, sizeof(k1));
	}

	/* another VLAN or protocol is another flow */
	meta(&m, 4, 1, 1, 2, 2);
	flow_key_from_meta(&m, &k1);
	m.n_vlan = 1;
	m.vlan_tci[0] = 0x2064; /* PCP 1, VID 100 */
	flow_key_from_meta(&m, &k2);
	assert_int_equal(k2.vlan, 100);
	assert_memory_not_equal(&k1, &k2, sizeof(k1));
	m.n_vlan = 0;
	m.l4_proto = 6;
	flow_key_from_meta(&m, &k2);
	assert_memory_not_equal(&k1, &k2, sizeof(k1));
}

static void
test_create_and_find(void **state)
{
	struct flow_table *ft = table(64, FLOW_FULL_EVICT_OLDEST, 120);
	struct pkt_meta m;
	struct flow_key k1, k2;
	uint32_t a, b;

	(void)state;
	meta(&m, 4, 1, 10, 2, 20);
	flow_key_from_meta(&m, &k1);
	meta(&m, 4, 3, 10, 4, 20);
	flow_key_from_meta(&m, &k2);
	a = resolve(ft, &k1, 5 * SEC);
	assert_int_not_equal(a, FLOW_NIL);
	assert_int_equal(ft->cold[a].first_seen_ns, 5 * SEC);
	assert_int_equal(resolve(ft, &k1, 6 * SEC), a);
	assert_int_equal(ft->e[a].last_seen_ns, 6 * SEC);
	b = resolve(ft, &k2, 6 * SEC);
	assert_int_not_equal(b, a);
	assert_int_equal(ctr[VPEP_CTR_flows_created], 2);
	assert_int_equal(ft->count, 2);
	check_lru(ft);
	flow_table_free(ft);
}

static void
test_stale_bulk_answer(void **state)
{
	struct flow_table *ft = table(64, FLOW_FULL_EVICT_OLDEST, 120);
	struct pkt_meta m;
	struct flow_key keys[2];
	hash_sig_t sigs[2];
	int32_t pos[2];
	uint64_t gen;
	uint32_t first, second;

	(void)state;
	/* two packets of one new flow in one burst: the second must find what the first made */
	meta(&m, 4, 1, 10, 2, 20);
	flow_key_from_meta(&m, &keys[0]);
	meta(&m, 4, 2, 20, 1, 10);
	flow_key_from_meta(&m, &keys[1]);
	sigs[0] = flow_table_hash(ft, &keys[0]);
	sigs[1] = flow_table_hash(ft, &keys[1]);
	gen = flow_table_lookup_bulk(ft, keys, sigs, 2, pos);
	assert_true(pos[0] < 0 && pos[1] < 0);
	first = flow_table_resolve(ft, &keys[0], sigs[0], pos[0], gen, SEC);
	second = flow_table_resolve(ft, &keys[1], sigs[1], pos[1], gen, SEC);
	assert_int_equal(first, second);
	assert_int_equal(ctr[VPEP_CTR_flows_created], 1);

	/* a burst straddling the timeout: packet 1 expires the flow, packet 2 must not see the
	 * old entry through the earlier bulk answer */
	gen = flow_table_lookup_bulk(ft, keys, sigs, 2, pos);
	assert_int_equal(pos[0], (int32_t)first);
	first = flow_table_resolve(ft, &keys[0], sigs[0], pos[0], gen, 200 * SEC);
	assert_int_equal(ctr[VPEP_CTR_flows_expired], 1);
	second = flow_table_resolve(ft, &keys[1], sigs[1], pos[1], gen, 200 * SEC);
	assert_int_equal(first, second);
	assert_int_equal(ctr[VPEP_CTR_flows_created], 2);
	assert_int_equal(ft->count, 1);
	check_lru(ft);
	flow_table_free(ft);
}

static void
test_expiry(void **state)
{
	struct flow_table *ft = table(64, FLOW_FULL_EVICT_OLDEST, 10);
	struct pkt_meta m;
	struct flow_key k[3];
	uint32_t a;
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		meta(&m, 4, (uint8_t)(i + 1), 10, 99, 20);
		flow_key_from_meta(&m, &k[i]);
	}
	a = resolve(ft, &k[0], 1 * SEC);
	resolve(ft, &k[1], 5 * SEC);
	resolve(ft, &k[2], 9 * SEC);
	/* exactly at the timeout: still alive */
	assert_int_equal(flow_table_expire(ft, 11 * SEC, 100), 0);
	/* just past it for the first flow only */
	assert_int_equal(flow_table_expire(ft, 11 * SEC + 1, 100), 1);
	assert_int_equal(ft->count, 2);
	check_lru(ft);
	/* the budget bounds the work */
	assert_int_equal(flow_table_expire(ft, 100 * SEC, 1), 1);
	assert_int_equal(flow_table_expire(ft, 100 * SEC, 1), 1);
	assert_int_equal(ft->count, 0);
	assert_int_equal(ctr[VPEP_CTR_flows_expired], 3);

	/* lazy expiry: a packet after a long silence starts a new flow */
	a = resolve(ft, &k[0], 200 * SEC);
	resolve(ft, &k[0], 215 * SEC);
	assert_int_equal(ctr[VPEP_CTR_flows_expired], 4);
	assert_int_equal(ctr[VPEP_CTR_flows_created], 5);
	assert_int_equal(ft->cold[resolve(ft, &k[0], 216 * SEC)].first_seen_ns, 215 * SEC);
	(void)a;
	check_lru(ft);
	flow_table_free(ft);
}

static void
test_full_evict(void **state)
{
	struct flow_table *ft = table(8, FLOW_FULL_EVICT_OLDEST, 1000);
	struct pkt_meta m;
	struct flow_key k[10];
	struct flow_key got;
	uint32_t iter = 0, i, seen = 0;

	(void)state;
	for (i = 0; i < 10; i++) {
		meta(&m, 4, (uint8_t)(i + 1), 10, 99, 20);
		flow_key_from_meta(&m, &k[i]);
	}
	/* eight flows two seconds apart, then the first one becomes active again */
	for (i = 0; i < 8; i++)
		assert_int_not_equal(resolve(ft, &k[i], (1 + 2 * i) * SEC), FLOW_NIL);
	resolve(ft, &k[0], 20 * SEC);
	/* a ninth flow evicts the least recently active: flow 1, not flow 0 */
	assert_int_not_equal(resolve(ft, &k[8], 21 * SEC), FLOW_NIL);
	assert_int_equal(ctr[VPEP_CTR_flows_evicted], 1);
	assert_int_equal(ft->count, 8);
	while (flow_table_next(ft, &iter, &got) != FLOW_NIL) {
		assert_memory_not_equal(&got, &k[1], sizeof(got));
		seen++;
	}
	assert_int_equal(seen, 8);
	check_lru(ft);
	/* a table of flows all active within the last second refuses rather than evicts */
	for (i = 0; i < 9; i++)
		if (i != 1)
			assert_int_not_equal(resolve(ft, &k[i], 30 * SEC + i), FLOW_NIL);
	meta(&m, 4, 99, 10, 98, 20);
	flow_key_from_meta(&m, &got);
	assert_int_equal(resolve(ft, &got, 30 * SEC + 500000000ull), FLOW_NIL);
	assert_int_equal(ctr[VPEP_CTR_flows_refused], 1);
	assert_int_equal(ctr[VPEP_CTR_flows_evicted], 1);
	/* one second later the same newcomer evicts the least recently active again */
	assert_int_not_equal(resolve(ft, &got, 31 * SEC + 500000000ull), FLOW_NIL);
	assert_int_equal(ctr[VPEP_CTR_flows_evicted], 2);
	check_lru(ft);
	flow_table_free(ft);
}

static void
test_full_refuse(void **state)
{
	struct flow_table *ft = table(8, FLOW_FULL_REFUSE, 1000);
	struct pkt_meta m;
	struct flow_key k;
	uint32_t i;

	(void)state;
	for (i = 0; i < 8; i++) {
		meta(&m, 4, (uint8_t)(i + 1), 10, 99, 20);
		flow_key_from_meta(&m, &k);
		assert_int_not_equal(resolve(ft, &k, SEC), FLOW_NIL);
	}
	meta(&m, 4, 50, 10, 99, 20);
	flow_key_from_meta(&m, &k);
	assert_int_equal(resolve(ft, &k, 2 * SEC), FLOW_NIL);
	assert_int_equal(ctr[VPEP_CTR_flows_refused], 1);
	assert_int_equal(ctr[VPEP_CTR_flows_evicted], 0);
	/* existing flows still work */
	meta(&m, 4, 1, 10, 99, 20);
	flow_key_from_meta(&m, &k);
	assert_int_not_equal(resolve(ft, &k, 3 * SEC), FLOW_NIL);
	flow_table_free(ft);
}

/*
 * Random resolves and expiries against a model (refuse policy, so the model can say exactly
 * which flows exist). After every step: same membership, same counters, LRU invariants.
 */
static void
test_random_against_model(void **state)
{
	enum { CAP = 64, KEYS = 100, STEPS = 20000 };
	struct flow_table *ft = table(CAP, FLOW_FULL_REFUSE, 30);
	struct flow_key k[KEYS];
	uint64_t last[KEYS], t = SEC, created = 0, expired = 0, refused = 0;
	int present[KEYS], count = 0, i, step;
	struct pkt_meta m;

	(void)state;
	srand(12345);
	for (i = 0; i < KEYS; i++) {
		meta(&m, (i & 1) ? 6 : 4, (uint8_t)i, (uint16_t)(1000 + i), 200, 5060);
		flow_key_from_meta(&m, &k[i]);
		present[i] = 0;
	}
	for (step = 0; step < STEPS; step++) {
		int r = rand() % 100;

		t += (uint64_t)(rand() % 2000) * 1000000ull; /* up to 2 s */
		if (r < 95) {
			i = rand() % KEYS;
			if (present[i] && t - last[i] > 30 * SEC) {
				present[i] = 0;
				count--;
				expired++;
			}
			if (present[i]) {
				last[i] = t;
			} else if (count < CAP) {
				present[i] = 1;
				last[i] = t;
				count++;
				created++;
			} else {
				refused++;
			}
			assert_int_equal(resolve(ft, &k[i], t) == FLOW_NIL, !present[i]);
		} else {
			for (i = 0; i < KEYS; i++) {
				if (present[i] && t - last[i] > 30 * SEC) {
					present[i] = 0;
					count--;
					expired++;
				}
			}
			/* the model expires exactly; the table to LRU granularity, so finish it */
			flow_table_expire(ft, t, UINT32_MAX);
		}
		if (r >= 95) {
			assert_int_equal(ft->count, count);
			assert_int_equal(ctr[VPEP_CTR_flows_expired], expired);
		}
		assert_int_equal(ctr[VPEP_CTR_flows_created], created);
		assert_int_equal(ctr[VPEP_CTR_flows_refused], refused);
		if (step % 97 == 0)
			check_lru(ft);
	}
	check_lru(ft);
	flow_table_free(ft);
}

/* The same random traffic under the evict policy: invariants only. */
static void
test_random_evict_invariants(void **state)
{
	enum { CAP = 32, KEYS = 200, STEPS = 20000 };
	struct flow_table *ft = table(CAP, FLOW_FULL_EVICT_OLDEST, 30);
	struct flow_key k[KEYS];
	struct pkt_meta m;
	uint64_t t = SEC;
	int i, step;

	(void)state;
	srand(777);
	for (i = 0; i < KEYS; i++) {
		meta(&m, 4, (uint8_t)i, (uint16_t)(3000 + i), 201, 5060);
		flow_key_from_meta(&m, &k[i]);
	}
	for (step = 0; step < STEPS; step++) {
		t += (uint64_t)(rand() % 500) * 1000000ull;
		assert_int_not_equal(resolve(ft, &k[rand() % KEYS], t), FLOW_NIL);
		if (step % 50 == 0)
			flow_table_expire(ft, t, 8);
		if (step % 101 == 0)
			check_lru(ft);
	}
	check_lru(ft);
	assert_true(ctr[VPEP_CTR_flows_evicted] > 0);
	assert_int_equal(ctr[VPEP_CTR_flows_created] - ctr[VPEP_CTR_flows_expired] -
					ctr[VPEP_CTR_flows_evicted],
			ft->count);
	flow_table_free(ft);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_symmetry),
		cmocka_unit_test(test_create_and_find),
		cmocka_unit_test(test_stale_bulk_answer),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_full_evict),
		cmocka_unit_test(test_full_refuse),
		cmocka_unit_test(test_random_against_model),
		cmocka_unit_test(test_random_evict_invariants),
	};

	return cmocka_run_group_tests_name("flow_table", tests, eal_setup, eal_teardown);
}
