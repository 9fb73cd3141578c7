/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "flow_table.h"
#include "vpep_counters.h"

_Static_assert(sizeof(struct flow_key) == 48, "flow key must stay 48 bytes (rte_hash SSE compare)");
_Static_assert(sizeof(struct flow_entry) == 64, "the hot flow entry must be one cache line");
_Static_assert(sizeof(struct flow_emc_entry) == 64, "an exact-match cache entry is one cache line");

static enum flow_tmo_group
tmo_group_of(uint8_t proto)
{
	if (proto == 6)
		return FLOW_TMO_TCP;
	if (proto == 17)
		return FLOW_TMO_UDP;
	return FLOW_TMO_OTHER;
}

static void
lru_unlink(struct flow_table *ft, uint32_t i)
{
	struct flow_entry *e = &ft->e[i];
	unsigned int g = e->tmo_group;

	if (e->lru_prev != FLOW_NIL)
		ft->e[e->lru_prev].lru_next = e->lru_next;
	else
		ft->lru[g].head = e->lru_next;
	if (e->lru_next != FLOW_NIL)
		ft->e[e->lru_next].lru_prev = e->lru_prev;
	else
		ft->lru[g].tail = e->lru_prev;
	e->lru_prev = e->lru_next = FLOW_NIL;
}

static void
lru_append(struct flow_table *ft, uint32_t i)
{
	struct flow_entry *e = &ft->e[i];
	unsigned int g = e->tmo_group;

	e->lru_next = FLOW_NIL;
	e->lru_prev = ft->lru[g].tail;
	if (ft->lru[g].tail != FLOW_NIL)
		ft->e[ft->lru[g].tail].lru_next = i;
	else
		ft->lru[g].head = i;
	ft->lru[g].tail = i;
}

static inline int
is_expired(const struct flow_table *ft, uint32_t i, uint64_t now_ns)
{
	const struct flow_entry *e = &ft->e[i];

	return now_ns > e->last_seen_ns && now_ns - e->last_seen_ns > ft->tmo_ns[e->tmo_group];
}

void
flow_table_lru_move_tail(struct flow_table *ft, uint32_t i)
{
	if (ft->lru[ft->e[i].tmo_group].tail == i)
		return;
	lru_unlink(ft, i);
	lru_append(ft, i);
}

struct flow_table *
flow_table_create(const char *name, uint32_t capacity, enum flow_full_policy policy,
		const uint64_t tmo_ns[FLOW_TMO_MAX], int socket, uint64_t *ctr)
{
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = capacity,
		.key_len = sizeof(struct flow_key),
		.hash_func = flow_key_hash,
		.hash_func_init_val = 0,
		.socket_id = socket,
		/* The extendable bucket table makes the capacity exact: an insert only fails
		 * when all `capacity` slots are used, never on a crowded bucket. */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	struct flow_table *ft;
	unsigned int g;

	if (capacity < 8) {
		rte_errno = EINVAL;
		return NULL;
	}
	ft = rte_zmalloc_socket(name, sizeof(*ft), RTE_CACHE_LINE_SIZE, socket);
	if (ft == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	ft->hash = rte_hash_create(&hp);
	if (ft->hash == NULL)
		goto fail;
	ft->e = rte_zmalloc_socket(name, (size_t)capacity * sizeof(*ft->e), RTE_CACHE_LINE_SIZE,
			socket);
	ft->emc = rte_zmalloc_socket(name, FLOW_EMC_SIZE * sizeof(*ft->emc), RTE_CACHE_LINE_SIZE,
			socket);
	ft->cold = rte_zmalloc_socket(name, (size_t)capacity * sizeof(*ft->cold),
			RTE_CACHE_LINE_SIZE, socket);
	if (ft->e == NULL || ft->cold == NULL || ft->emc == NULL) {
		rte_errno = ENOMEM;
		goto fail;
	}
	ft->capacity = capacity;
	ft->full_policy = policy;
	for (g = 0; g < FLOW_TMO_MAX; g++) {
		ft->tmo_ns[g] = tmo_ns[g];
		ft->lru[g].head = ft->lru[g].tail = FLOW_NIL;
	}
	ft->ctr = ctr;
	return ft;
fail:
	flow_table_free(ft);
	if (rte_errno == 0)
		rte_errno = ENOMEM;
	return NULL;
}

void
flow_table_free(struct flow_table *ft)
{
	if (ft == NULL)
		return;
	rte_hash_free(ft->hash);
	rte_free(ft->e);
	rte_free(ft->cold);
	rte_free(ft->emc);
	rte_free(ft);
}

void
flow_table_remove(struct flow_table *ft, uint32_t i)
{
	void *key;

	if (rte_hash_get_key_with_position(ft->hash, (int32_t)i, &key) != 0)
		return;
	if (ft->release != NULL)
		ft->release(ft->release_ctx, i);
	lru_unlink(ft, i);
	if (rte_hash_del_key(ft->hash, key) >= 0)
		ft->count--;
	ft->gen++;
}

/*
 * Make room under the evict policy: drop the least recently active flow of any group, if it
 * has been idle for FLOW_EVICT_MIN_IDLE_NS. A table full of flows active this very second
 * refuses the newcomer instead: evicting live flows would only trade one for another, and it
 * guarantees that no flow resolved earlier in the current burst disappears under the worker.
 */
static int
evict_oldest(struct flow_table *ft, uint64_t now_ns)
{
	uint32_t victim = FLOW_NIL;
	unsigned int g;

	for (g = 0; g < FLOW_TMO_MAX; g++) {
		uint32_t h = ft->lru[g].head;

		if (h == FLOW_NIL)
			continue;
		if (victim == FLOW_NIL || ft->e[h].last_seen_ns < ft->e[victim].last_seen_ns)
			victim = h;
	}
	if (victim == FLOW_NIL || ft->e[victim].last_seen_ns + FLOW_EVICT_MIN_IDLE_NS > now_ns)
		return -ENOENT;
	flow_table_remove(ft, victim);
	ft->ctr[VPEP_CTR_flows_evicted]++;
	return 0;
}

static uint32_t
create_entry(struct flow_table *ft, const struct flow_key *k, hash_sig_t sig, uint64_t now_ns)
{
	int32_t pos;
	struct flow_entry *e;

	pos = rte_hash_add_key_with_hash(ft->hash, k, sig);
	if (pos == -ENOSPC) {
		if (ft->full_policy == FLOW_FULL_REFUSE || evict_oldest(ft, now_ns) != 0) {
			ft->ctr[VPEP_CTR_flows_refused]++;
			return FLOW_NIL;
		}
		pos = rte_hash_add_key_with_hash(ft->hash, k, sig);
	}
	if (pos < 0) {
		ft->ctr[VPEP_CTR_flows_refused]++;
		return FLOW_NIL;
	}
	ft->gen++;
	e = &ft->e[pos];
	memset(e, 0, sizeof(*e));
	e->last_seen_ns = now_ns;
	e->lru_stamp = (uint32_t)(now_ns >> FLOW_LRU_SHIFT);
	e->tmo_group = (uint8_t)tmo_group_of(k->proto);
	e->app_ref = FLOW_NIL;
	e->app_class = FLOW_APP_UNDECIDED;
	/* 0 is never used, so a zeroed cache entry can never match */
	if (++ft->next_instance == 0)
		ft->next_instance = 1;
	e->instance = ft->next_instance;
	ft->cold[pos].first_seen_ns = now_ns;
	lru_append(ft, (uint32_t)pos);
	ft->count++;
	ft->ctr[VPEP_CTR_flows_created]++;
	return (uint32_t)pos;
}

uint64_t
flow_table_lookup_bulk(struct flow_table *ft, const struct flow_key *keys, const hash_sig_t *sigs,
		unsigned int n, int32_t *pos)
{
	const void *kp[RTE_HASH_LOOKUP_BULK_MAX];
	unsigned int i;

	if (n > 0) {
		for (i = 0; i < n; i++)
			kp[i] = &keys[i];
		/* the API takes non-const signatures but only reads them */
		rte_hash_lookup_with_hash_bulk(ft->hash, kp, (hash_sig_t *)(uintptr_t)sigs, n, pos);
	}
	return ft->gen;
}

uint32_t
flow_table_resolve(struct flow_table *ft, const struct flow_key *key, hash_sig_t sig, int32_t pos,
		uint64_t gen, uint64_t ts_ns)
{
	if (pos < 0 || gen != ft->gen)
		pos = rte_hash_lookup_with_hash(ft->hash, key, sig);
	if (likely(pos >= 0)) {
		if (likely(!is_expired(ft, (uint32_t)pos, ts_ns))) {
			flow_table_touch(ft, (uint32_t)pos, ts_ns);
			return (uint32_t)pos;
		}
		flow_table_remove(ft, (uint32_t)pos);
		ft->ctr[VPEP_CTR_flows_expired]++;
	}
	return create_entry(ft, key, sig, ts_ns);
}

unsigned int
flow_table_expire(struct flow_table *ft, uint64_t now_ns, unsigned int budget)
{
	unsigned int g, removed = 0;

	for (g = 0; g < FLOW_TMO_MAX; g++) {
		while (removed < budget) {
			uint32_t h = ft->lru[g].head;

			if (h == FLOW_NIL)
				break;
			if (!is_expired(ft, h, now_ns))
				break;
			flow_table_remove(ft, h);
			ft->ctr[VPEP_CTR_flows_expired]++;
			removed++;
		}
	}
	return removed;
}

uint32_t
flow_table_next(const struct flow_table *ft, uint32_t *pos, struct flow_key *key)
{
	const void *k;
	void *data;
	uint32_t iter = *pos;
	int32_t p;

	p = rte_hash_iterate(ft->hash, &k, &data, &iter);
	*pos = iter;
	if (p < 0)
		return FLOW_NIL;
	memcpy(key, k, sizeof(*key));
	return (uint32_t)p;
}
