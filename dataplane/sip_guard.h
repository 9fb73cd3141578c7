/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Per-source SIP protection state shared by all workers: a request-rate token bucket, a
 * REGISTER/OPTIONS sweep detector, a blocklist expiry and the count of active calls, per
 * source address.
 *
 * UDP SIP is steered to workers by Call-ID, so one source's requests reach every worker; the
 * state therefore lives in one table that workers update with atomic operations only (no
 * lock; an entry is one cache line). The table is bounded and set-associative: a new source
 * takes a free way of its set or evicts the way idle longest that is not blocklisted; an
 * eviction, and a source that found no way at all, are counted. Sources are told apart by a
 * 64-bit hash of family and address (a collision merges two sources, odds 2^-64 per pair).
 *
 * Pure C11 atomics: no DPDK, so it is unit-tested and fuzzed directly.
 */

#ifndef SIP_GUARD_H
#define SIP_GUARD_H

#include <stdbool.h>
#include <stdint.h>

#define SIP_GUARD_WAYS 4
#define SIP_GUARD_SWEEP_BITS 192

struct sip_guard_entry {
	uint64_t tag;		/* hash of the source, 0 = free */
	uint64_t bucket;	/* tokens in milli-requests << 32 | last refill (ms) */
	uint64_t window;	/* sweep window start (s) << 32 | active calls */
	uint64_t users[SIP_GUARD_SWEEP_BITS / 64]; /* To users seen in the window, hashed */
	uint64_t blocked_until_ms;
	uint64_t last_ms;	/* latest request, for eviction */
} __attribute__((aligned(64)));

struct sip_guard_conf {
	uint32_t rate_rps;		/* 0: no rate limit */
	uint32_t rate_burst;
	uint32_t sweep_users;		/* 0: no sweep detection */
	uint32_t sweep_window_s;
	uint32_t block_s;
};

struct sip_guard_stats {
	uint64_t sources_evicted;
	uint64_t sources_unplaced;	/* every way of the set busy and blocklisted */
};

struct sip_guard {
	struct sip_guard_entry *e;
	uint32_t sets_mask;
	uint64_t seed;
	struct sip_guard_conf conf;
	uint64_t evicted;	/* atomic */
	uint64_t unplaced;	/* atomic */
};

/* Bytes for a table of `sources` entries (a power of two, at least SIP_GUARD_WAYS). */
uint64_t sip_guard_mem_size(uint32_t sources);

/* Set up over zeroed memory of sip_guard_mem_size() bytes, 64-byte aligned. */
int sip_guard_init(struct sip_guard *g, void *mem, uint32_t sources,
		const struct sip_guard_conf *conf, uint64_t seed);

/* Change rates and thresholds (a policy reload); entries stay. */
void sip_guard_set_conf(struct sip_guard *g, const struct sip_guard_conf *conf);

enum sip_guard_verdict {
	SIP_GUARD_PASS = 0,
	SIP_GUARD_RATE = 1,	/* over the source's request rate */
	SIP_GUARD_BLOCKED = 2,	/* source on the blocklist */
	SIP_GUARD_SWEEP = 3,	/* this request made the source a sweeping scanner (now blocked) */
};

/*
 * Account one SIP request from (family, addr) at now_ms. sweep_user: hash of the To user for
 * REGISTER/OPTIONS (0: not a sweep candidate). Returns the verdict; a blocklisted source
 * spends no tokens.
 */
enum sip_guard_verdict sip_guard_request(struct sip_guard *g, uint8_t family,
		const uint8_t *addr, uint64_t now_ms, uint64_t sweep_user);

/* Put a source on the blocklist for conf.block_s (a scanner User-Agent, say). */
void sip_guard_block(struct sip_guard *g, uint8_t family, const uint8_t *addr, uint64_t now_ms);

/* Is the source blocklisted at now_ms? */
bool sip_guard_blocked(struct sip_guard *g, uint8_t family, const uint8_t *addr,
		uint64_t now_ms);

/* Active calls from a source: add delta (+1 / -1) and return the count before. */
uint32_t sip_guard_calls_add(struct sip_guard *g, uint8_t family, const uint8_t *addr,
		int delta, uint64_t now_ms);

/* Active calls from a source (0 when unknown). */
uint32_t sip_guard_calls_get(struct sip_guard *g, uint8_t family, const uint8_t *addr,
		uint64_t now_ms);

/* Entries currently on the blocklist (a scan: for the stats, not the fast path). */
uint32_t sip_guard_blocked_count(const struct sip_guard *g, uint64_t now_ms);

void sip_guard_stats(const struct sip_guard *g, struct sip_guard_stats *st);

/* FNV-1a of a string, never 0 (a To user for sweep detection). */
uint64_t sip_guard_user_hash(const uint8_t *p, uint32_t len);

#endif /* SIP_GUARD_H */
