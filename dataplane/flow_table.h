/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Per-worker flow table.
 *
 * One table per worker, never shared, so no locks. Keys are symmetric: both directions of a
 * conversation produce the same key and a direction bit, so a flow is one entry with
 * per-direction counters. Entries live in an array indexed by the rte_hash key position; the
 * hot part is exactly one cache line (struct flow_entry), the rest sits in a parallel cold array.
 *
 * Idle expiry and eviction use one LRU list per timeout group. An entry is moved to the tail
 * at most once per ~second (FLOW_LRU_SHIFT), so a busy flow costs no list work on most packets
 * and the list stays ordered to within that granularity.
 */

#ifndef FLOW_TABLE_H
#define FLOW_TABLE_H

#include <stdint.h>

#include <rte_hash.h>

#include "pkt_parse.h"

#define FLOW_NIL UINT32_MAX
/* LRU stamps are nanoseconds >> 30 (about 1.07 s). */
#define FLOW_LRU_SHIFT 30

enum flow_tmo_group {
	FLOW_TMO_TCP,
	FLOW_TMO_UDP,
	FLOW_TMO_OTHER,
	FLOW_TMO_MAX
};

enum flow_full_policy {
	FLOW_FULL_EVICT_OLDEST, /* evict the least recently active flow */
	FLOW_FULL_REFUSE,       /* do not track the new flow; its packets still pass */
};

/* 40 bytes: endpoints in canonical (lower first) order, so the key is the same both ways. */
struct flow_key {
	uint8_t addr_lo[16];
	uint8_t addr_hi[16];
	uint16_t port_lo;
	uint16_t port_hi;
	uint8_t proto;
	uint8_t family;
	uint16_t vlan; /* outer VLAN id: the same addresses on two VLANs are two flows */
};

/* The hot part of a flow: touched by every packet, exactly one cache line. */
struct flow_entry {
	uint64_t last_seen_ns;
	uint64_t pkts[2];  /* [0]: lo->hi, [1]: hi->lo */
	uint64_t bytes[2];
	uint32_t lru_prev;
	uint32_t lru_next;
	uint32_t lru_stamp;  /* last_seen >> FLOW_LRU_SHIFT when last moved to the LRU tail */
	uint16_t app_class;  /* classification result, cached after the first packets */
	uint8_t tmo_group;
	uint8_t flags;
	uint32_t app_ref;    /* index of app-layer state (call, stream); FLOW_NIL when none */
	uint32_t reserved;
} __attribute__((aligned(64)));

/* The cold part: read on creation, expiry and reporting only. */
struct flow_cold {
	uint64_t first_seen_ns;
};

struct flow_table {
	struct rte_hash *hash;
	struct flow_entry *e;
	struct flow_cold *cold;
	uint32_t capacity;
	uint32_t count;
	uint64_t gen; /* bumped on every insert and delete: invalidates bulk lookup answers */
	enum flow_full_policy full_policy;
	uint64_t tmo_ns[FLOW_TMO_MAX];
	struct {
		uint32_t head, tail;
	} lru[FLOW_TMO_MAX];
	uint64_t *ctr; /* the owning worker's counter array (enum vpep_ctr) */
};

/*
 * Build the symmetric key from parsed metadata.
 * Returns 0 when the packet travels lo->hi and 1 when it travels hi->lo.
 */
static inline int
flow_key_from_meta(const struct pkt_meta *m, struct flow_key *k)
{
	int cmp;
	const uint8_t *a = m->src, *b = m->dst;
	uint16_t pa = m->sport, pb = m->dport;
	unsigned int alen = m->family == 4 ? 4 : 16;
	unsigned int i;

	cmp = 0;
	for (i = 0; i < alen && cmp == 0; i++)
		cmp = (int)a[i] - (int)b[i];
	if (cmp == 0)
		cmp = (int)pa - (int)pb;
	k->proto = m->l4_proto;
	k->family = m->family;
	k->vlan = m->n_vlan ? (uint16_t)(m->vlan_tci[0] & 0x0fff) : 0;
	if (cmp <= 0) {
		__builtin_memcpy(k->addr_lo, a, 16);
		__builtin_memcpy(k->addr_hi, b, 16);
		k->port_lo = pa;
		k->port_hi = pb;
		return 0;
	}
	__builtin_memcpy(k->addr_lo, b, 16);
	__builtin_memcpy(k->addr_hi, a, 16);
	k->port_lo = pb;
	k->port_hi = pa;
	return 1;
}

/*
 * Create a table for `capacity` flows on `socket`. tmo_ns gives the idle timeout per group.
 * Returns NULL with rte_errno set on failure.
 */
struct flow_table *flow_table_create(const char *name, uint32_t capacity,
		enum flow_full_policy policy, const uint64_t tmo_ns[FLOW_TMO_MAX], int socket,
		uint64_t *ctr);

void flow_table_free(struct flow_table *ft);

/* The hash signature flow_table_lookup_bulk() expects for a key. */
static inline hash_sig_t
flow_table_hash(const struct flow_table *ft, const struct flow_key *k)
{
	return rte_hash_hash(ft->hash, k);
}

/*
 * Probe the hash for n (<= RTE_HASH_LOOKUP_BULK_MAX) keys at once (the bulk call hides memory
 * latency). pos[i] gets the position or a negative value. Returns the table generation the
 * answers are valid for; flow_table_resolve() needs it.
 */
uint64_t flow_table_lookup_bulk(struct flow_table *ft, const struct flow_key *keys,
		const hash_sig_t *sigs, unsigned int n, int32_t *pos);

/*
 * The flow of one packet seen at ts_ns: found (pos, when the table has not changed since the
 * bulk probe of generation gen), or created, and touched. A flow idle for longer than its
 * timeout is expired here and started afresh, so expiry does not depend on when
 * flow_table_expire() last ran and a capture replayed twice gives the same counts.
 * Packets must be resolved in order, each before the next one's: a later packet can evict or
 * expire what an earlier one would still refer to.
 * Returns the entry index, or FLOW_NIL when the flow cannot be tracked (full, refuse policy).
 */
uint32_t flow_table_resolve(struct flow_table *ft, const struct flow_key *key, hash_sig_t sig,
		int32_t pos, uint64_t gen, uint64_t ts_ns);

/* Account a packet to a flow and keep the LRU roughly ordered. */
static inline void flow_table_touch(struct flow_table *ft, uint32_t i, uint64_t now_ns);

/*
 * Remove flows idle longer than their group's timeout, at most `budget` of them.
 * Returns the number removed.
 */
unsigned int flow_table_expire(struct flow_table *ft, uint64_t now_ns, unsigned int budget);

/* Iterate over live entries: returns the next live index >= *pos or FLOW_NIL; fills key. */
uint32_t flow_table_next(const struct flow_table *ft, uint32_t *pos, struct flow_key *key);

/* Remove one entry (by index). */
void flow_table_remove(struct flow_table *ft, uint32_t i);

/* --- inline implementation --- */

void flow_table_lru_move_tail(struct flow_table *ft, uint32_t i);

static inline void
flow_table_touch(struct flow_table *ft, uint32_t i, uint64_t now_ns)
{
	struct flow_entry *e = &ft->e[i];
	uint32_t stamp = (uint32_t)(now_ns >> FLOW_LRU_SHIFT);

	if (now_ns > e->last_seen_ns)
		e->last_seen_ns = now_ns;
	if (stamp != e->lru_stamp) {
		e->lru_stamp = stamp;
		flow_table_lru_move_tail(ft, i);
	}
}

#endif /* FLOW_TABLE_H */
