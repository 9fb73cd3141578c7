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
#include <rte_hash_crc.h>

#include "pkt_parse.h"

#define FLOW_NIL UINT32_MAX
/* A flow must have been idle this long to be evicted for a new one. */
#define FLOW_EVICT_MIN_IDLE_NS 1000000000ull
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

/*
 * Endpoints in canonical (lower first) order, so the key is the same both ways. 48 bytes
 * rather than 40: rte_hash compares 48-byte keys with SSE instead of calling memcmp().
 */
struct flow_key {
	uint8_t addr_lo[16];
	uint8_t addr_hi[16];
	uint16_t port_lo;
	uint16_t port_hi;
	uint8_t proto;
	uint8_t family;
	uint16_t vlan; /* outer VLAN id: the same addresses on two VLANs are two flows */
	uint64_t zero; /* padding, always 0 */
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
	uint32_t instance;   /* unique per creation: tells a cached index from a reused slot */
} __attribute__((aligned(64)));

/*
 * Exact-match cache in front of the table (the OVS-DPDK "EMC" idea): direct-mapped, keyed by
 * a packet's own tuple (per direction, so no canonical ordering), holding the flow's index
 * and instance. A hit costs one cache line and skips the canonical key, its hash and the
 * rte_hash probe; a miss (or a flow that changed) takes the table path and refills the slot.
 */
#define FLOW_EMC_SIZE 4096

struct flow_emc_entry {
	uint64_t a[2];     /* source address (IPv4: first 4 bytes, rest zero) */
	uint64_t b[2];     /* destination address */
	uint64_t tuple;    /* sport | dport << 16 | proto << 32 | vlan << 40 | family << 56 */
	uint32_t idx;
	uint32_t instance; /* 0: empty */
	uint8_t dir;
	uint8_t pad[15];
};

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
	uint32_t next_instance;
	struct flow_emc_entry *emc; /* FLOW_EMC_SIZE entries */
	enum flow_full_policy full_policy;
	uint64_t tmo_ns[FLOW_TMO_MAX];
	struct {
		uint32_t head, tail;
	} lru[FLOW_TMO_MAX];
	uint64_t *ctr; /* the owning worker's counter array (enum vpep_ctr) */
	/* Called before a flow leaves the table (expired, evicted, or at shutdown), so that
	 * its application state is released and accounted. May be NULL. */
	void (*release)(void *ctx, uint32_t idx);
	void *release_ctx;
};

/* app_class of a flow whose class is not decided yet (new flows start so). */
#define FLOW_APP_UNDECIDED 0x8000
#define FLOW_APP_CLASS(c) ((c) & 0xff)

static inline uint64_t
flow_ld64(const uint8_t *p)
{
	uint64_t v;

	__builtin_memcpy(&v, p, 8);
	return v;
}

static inline uint64_t
flow_crc64(uint64_t h, uint64_t v)
{
#if defined(__SSE4_2__)
	return __builtin_ia32_crc32di(h, v);
#else
	return rte_hash_crc_8byte(v, (uint32_t)h);
#endif
}

/*
 * The flow hash: CRC32-C over the key's six 64-bit words. It is also the table's hash
 * function (so inserts, deletes and the fast path agree). The hash is symmetric because the
 * key is.
 */
static inline uint32_t
flow_key_hash(const void *key, uint32_t len, uint32_t init)
{
	const uint8_t *p = key;
	uint64_t h = init;
	uint32_t i;

	(void)len; /* always sizeof(struct flow_key) */
	for (i = 0; i < sizeof(struct flow_key); i += 8)
		h = flow_crc64(h, flow_ld64(p + i));
	return (uint32_t)h;
}

/*
 * Build the symmetric key from parsed metadata and return its hash (flow_key_hash() of it),
 * computed from the words in registers rather than by reading the key back. *dir is 0 when
 * the packet travels lo->hi and 1 when it travels hi->lo.
 */
static inline uint32_t
flow_key_from_meta_hash(const struct pkt_meta *m, struct flow_key *k, uint8_t *dir)
{
	uint64_t a0 = flow_ld64(m->src), a1 = flow_ld64(m->src + 8);
	uint64_t b0 = flow_ld64(m->dst), b1 = flow_ld64(m->dst + 8);
	uint64_t ab0 = __builtin_bswap64(a0), bb0 = __builtin_bswap64(b0);
	uint64_t ab1 = __builtin_bswap64(a1), bb1 = __builtin_bswap64(b1);
	uint64_t tail, h, mask, t;
	uint16_t plo, phi, vlan, pmask;
	uint64_t swap;

	/* Addresses compare as big-endian numbers; equal addresses fall back to ports. The
	 * outcome flips with the packet's direction, so it is computed without branches: a
	 * branch here mispredicts on about every other packet of two-way traffic. */
	swap = (uint64_t)(ab0 > bb0) |
	       ((uint64_t)(ab0 == bb0) &
		       ((uint64_t)(ab1 > bb1) |
			       ((uint64_t)(ab1 == bb1) & (uint64_t)(m->sport > m->dport))));
	mask = (uint64_t)0 - swap;
	t = (a0 ^ b0) & mask;
	a0 ^= t;
	b0 ^= t;
	t = (a1 ^ b1) & mask;
	a1 ^= t;
	b1 ^= t;
	pmask = (uint16_t)mask;
	plo = (uint16_t)((m->sport & ~pmask) | (m->dport & pmask));
	phi = (uint16_t)((m->dport & ~pmask) | (m->sport & pmask));
	*dir = (uint8_t)swap;
	vlan = m->n_vlan ? (uint16_t)(m->vlan_tci[0] & 0x0fff) : 0;
	/* port_lo, port_hi, proto, family, vlan: the key's fifth word, as little-endian bytes
	 * land in struct order (on big-endian CPUs the struct is written field by field). */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	tail = (uint64_t)plo | (uint64_t)phi << 16 | (uint64_t)m->l4_proto << 32 |
	       (uint64_t)m->family << 40 | (uint64_t)vlan << 48;
	__builtin_memcpy(k->addr_lo, &a0, 8);
	__builtin_memcpy(k->addr_lo + 8, &a1, 8);
	__builtin_memcpy(k->addr_hi, &b0, 8);
	__builtin_memcpy(k->addr_hi + 8, &b1, 8);
	__builtin_memcpy(&k->port_lo, &tail, 8);
	k->zero = 0;
	h = flow_crc64(0, a0);
	h = flow_crc64(h, a1);
	h = flow_crc64(h, b0);
	h = flow_crc64(h, b1);
	h = flow_crc64(h, tail);
	h = flow_crc64(h, 0);
	return (uint32_t)h;
#else
	__builtin_memcpy(k->addr_lo, &a0, 8);
	__builtin_memcpy(k->addr_lo + 8, &a1, 8);
	__builtin_memcpy(k->addr_hi, &b0, 8);
	__builtin_memcpy(k->addr_hi + 8, &b1, 8);
	k->port_lo = plo;
	k->port_hi = phi;
	k->proto = m->l4_proto;
	k->family = m->family;
	k->vlan = vlan;
	k->zero = 0;
	(void)tail;
	(void)h;
	return flow_key_hash(k, sizeof(*k), 0);
#endif
}

/* The same without the hash, for callers that do not need it. */
static inline int
flow_key_from_meta(const struct pkt_meta *m, struct flow_key *k)
{
	uint8_t dir;

	flow_key_from_meta_hash(m, k, &dir);
	return dir;
}

/*
 * Create a table for `capacity` flows on `socket`. tmo_ns gives the idle timeout per group.
 * Returns NULL with rte_errno set on failure.
 */
struct flow_table *flow_table_create(const char *name, uint32_t capacity,
		enum flow_full_policy policy, const uint64_t tmo_ns[FLOW_TMO_MAX], int socket,
		uint64_t *ctr);

void flow_table_free(struct flow_table *ft);

/* Account a packet to a flow and keep the LRU roughly ordered. */
static inline void flow_table_touch(struct flow_table *ft, uint32_t i, uint64_t now_ns);

/*
 * A symmetric hash of a packet's tuple for choosing the worker that owns its flow: XOR makes
 * it the same in both directions without building the canonical key.
 */
static inline uint32_t
flow_owner_hash(const struct pkt_meta *m)
{
	uint64_t h;

	h = flow_crc64(0, flow_ld64(m->src) ^ flow_ld64(m->dst));
	h = flow_crc64(h, flow_ld64(m->src + 8) ^ flow_ld64(m->dst + 8));
	h = flow_crc64(h, (uint64_t)(m->sport ^ m->dport) | (uint64_t)m->l4_proto << 16 |
			(uint64_t)(m->n_vlan ? m->vlan_tci[0] & 0x0fff : 0) << 24);
	return (uint32_t)h;
}

static inline uint64_t
flow_emc_tuple(const struct pkt_meta *m)
{
	return (uint64_t)m->sport | (uint64_t)m->dport << 16 | (uint64_t)m->l4_proto << 32 |
	       (uint64_t)(m->n_vlan ? m->vlan_tci[0] & 0x0fff : 0) << 40 |
	       (uint64_t)m->family << 56;
}

/* The cache slot of a packet (tuple = flow_emc_tuple(m)); prefetch it, then probe it. */
static inline uint32_t
flow_emc_slot(const struct pkt_meta *m, uint64_t tuple)
{
	uint64_t a0 = flow_ld64(m->src), a1 = flow_ld64(m->src + 8);
	uint64_t b0 = flow_ld64(m->dst), b1 = flow_ld64(m->dst + 8);

	return (uint32_t)flow_crc64(flow_crc64(flow_crc64(0, a0), b0), a1 ^ b1 ^ tuple) &
	       (FLOW_EMC_SIZE - 1);
}

/*
 * Look a packet up in its exact-match cache slot. On a hit (same tuple, the flow still there
 * and not idle past its timeout) the flow is touched at ts_ns and its index returned with
 * the packet's direction; else FLOW_NIL.
 */
static inline uint32_t
flow_emc_probe(struct flow_table *ft, const struct pkt_meta *m, uint64_t tuple, uint32_t slot,
		uint64_t ts_ns, uint8_t *dir)
{
	const struct flow_emc_entry *c = &ft->emc[slot];
	const struct flow_entry *e;

	if (((c->a[0] ^ flow_ld64(m->src)) | (c->a[1] ^ flow_ld64(m->src + 8)) |
			    (c->b[0] ^ flow_ld64(m->dst)) | (c->b[1] ^ flow_ld64(m->dst + 8)) |
			    (c->tuple ^ tuple)) != 0 ||
			c->instance == 0)
		return FLOW_NIL;
	e = &ft->e[c->idx];
	if (e->instance != c->instance || (ts_ns > e->last_seen_ns &&
				ts_ns - e->last_seen_ns > ft->tmo_ns[e->tmo_group]))
		return FLOW_NIL;
	*dir = c->dir;
	flow_table_touch(ft, c->idx, ts_ns);
	return c->idx;
}

/* Remember the flow of a packet that missed the cache. */
static inline void
flow_emc_insert(struct flow_table *ft, uint32_t slot, const struct pkt_meta *m, uint64_t tuple,
		uint32_t idx, uint8_t dir)
{
	struct flow_emc_entry *c = &ft->emc[slot];

	c->a[0] = flow_ld64(m->src);
	c->a[1] = flow_ld64(m->src + 8);
	c->b[0] = flow_ld64(m->dst);
	c->b[1] = flow_ld64(m->dst + 8);
	c->tuple = tuple;
	c->idx = idx;
	c->instance = ft->e[idx].instance;
	c->dir = dir;
}

/* The hash signature flow_table_lookup_bulk() expects for a key. */
static inline hash_sig_t
flow_table_hash(const struct flow_table *ft, const struct flow_key *k)
{
	(void)ft;
	return flow_key_hash(k, sizeof(*k), 0);
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
