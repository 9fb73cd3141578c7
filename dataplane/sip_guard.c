/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <errno.h>
#include <string.h>

#include "sip_guard.h"

#define LD(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define ST(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)

uint64_t
sip_guard_mem_size(uint32_t sources)
{
	return (uint64_t)sources * sizeof(struct sip_guard_entry);
}

int
sip_guard_init(struct sip_guard *g, void *mem, uint32_t sources,
		const struct sip_guard_conf *conf, uint64_t seed)
{
	if (sources < SIP_GUARD_WAYS || (sources & (sources - 1)) != 0 || mem == NULL)
		return -EINVAL;
	memset(g, 0, sizeof(*g));
	g->e = mem;
	g->sets_mask = sources / SIP_GUARD_WAYS - 1;
	g->seed = seed | 1;
	g->conf = *conf;
	return 0;
}

void
sip_guard_set_conf(struct sip_guard *g, const struct sip_guard_conf *conf)
{
	g->conf = *conf;
}

static uint64_t
mix64(uint64_t x)
{
	/* splitmix64's finaliser: every input bit moves every output bit */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

static uint64_t
source_tag(const struct sip_guard *g, uint8_t family, const uint8_t *addr)
{
	uint64_t a = 0, b = 0, t;

	memcpy(&a, addr, family == 6 ? 8 : 4);
	if (family == 6)
		memcpy(&b, addr + 8, 8);
	t = mix64(g->seed ^ mix64(a ^ family)) ^ mix64(b + g->seed);
	return t != 0 ? t : 1;
}

uint64_t
sip_guard_user_hash(const uint8_t *p, uint32_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;
	uint32_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h != 0 ? h : 1;
}

/*
 * The entry of a source, claimed if need be. Claiming races with other workers are settled
 * by a compare-and-swap on the tag: the loser looks again. An evicted entry's state is reset
 * by its new owner before use; a worker still reading the old source's fields at that moment
 * sees a mix for one request, which only shifts one token decision.
 */
static struct sip_guard_entry *
entry_of(struct sip_guard *g, uint8_t family, const uint8_t *addr, uint64_t now_ms, bool create)
{
	uint64_t tag = source_tag(g, family, addr);
	struct sip_guard_entry *set = &g->e[((uint32_t)(tag >> 32) & g->sets_mask) * SIP_GUARD_WAYS];
	struct sip_guard_entry *victim = NULL;
	uint64_t oldest = UINT64_MAX;
	unsigned int w, tries;

	for (tries = 0; tries < 3; tries++) {
		for (w = 0; w < SIP_GUARD_WAYS; w++)
			if (LD(&set[w].tag) == tag)
				return &set[w];
		if (!create)
			return NULL;
		victim = NULL;
		oldest = UINT64_MAX;
		for (w = 0; w < SIP_GUARD_WAYS; w++) {
			uint64_t t = LD(&set[w].tag);
			uint64_t last = LD(&set[w].last_ms);

			if (t == 0) {
				victim = &set[w];
				oldest = 0;
				break;
			}
			if (LD(&set[w].blocked_until_ms) > now_ms)
				continue;
			if ((uint64_t)(LD(&set[w].window) & 0xffffffffu) != 0)
				continue; /* a source with active calls keeps its count */
			if (last < oldest) {
				oldest = last;
				victim = &set[w];
			}
		}
		if (victim == NULL) {
			__atomic_fetch_add(&g->unplaced, 1, __ATOMIC_RELAXED);
			return NULL;
		}
		{
			uint64_t expect = LD(&victim->tag);

			if (!__atomic_compare_exchange_n(&victim->tag, &expect, tag, false,
					    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
				continue;
			if (expect != 0)
				__atomic_fetch_add(&g->evicted, 1, __ATOMIC_RELAXED);
			ST(&victim->bucket, (uint64_t)g->conf.rate_burst * 1000 << 32 |
						    (now_ms & 0xffffffffu));
			ST(&victim->window, (now_ms / 1000) << 32);
			for (w = 0; w < SIP_GUARD_SWEEP_BITS / 64; w++)
				ST(&victim->users[w], 0);
			ST(&victim->blocked_until_ms, 0);
			ST(&victim->last_ms, now_ms);
			return victim;
		}
	}
	__atomic_fetch_add(&g->unplaced, 1, __ATOMIC_RELAXED);
	return NULL;
}

/* Take one token; false when the bucket is empty. */
static bool
take_token(struct sip_guard *g, struct sip_guard_entry *e, uint64_t now_ms)
{
	uint64_t cap = (uint64_t)g->conf.rate_burst * 1000;
	uint64_t old = LD(&e->bucket), nv;

	for (;;) {
		uint64_t tokens = old >> 32;
		uint32_t last = (uint32_t)old, now32 = (uint32_t)now_ms;
		uint64_t elapsed = (uint32_t)(now32 - last);
		bool ok;

		/* rate_rps requests per second = rate_rps milli-requests per ms */
		tokens += elapsed * g->conf.rate_rps;
		if (tokens > cap)
			tokens = cap;
		ok = tokens >= 1000;
		if (ok)
			tokens -= 1000;
		nv = tokens << 32 | now32;
		if (__atomic_compare_exchange_n(&e->bucket, &old, nv, false, __ATOMIC_ACQ_REL,
				    __ATOMIC_ACQUIRE))
			return ok;
	}
}

static void
block(struct sip_guard *g, struct sip_guard_entry *e, uint64_t now_ms)
{
	ST(&e->blocked_until_ms, now_ms + (uint64_t)g->conf.block_s * 1000);
}

/* Add a To user to the source's window; true when the window now holds enough. */
static bool
sweep_seen(struct sip_guard *g, struct sip_guard_entry *e, uint64_t now_ms, uint64_t user)
{
	uint64_t now_s = now_ms / 1000, win = LD(&e->window);
	unsigned int bit = (unsigned int)(user % SIP_GUARD_SWEEP_BITS), w, n = 0;

	if (now_s - (win >> 32) >= g->conf.sweep_window_s) {
		uint64_t nw = now_s << 32 | (win & 0xffffffffu);

		/* one worker restarts the window; the others see it restarted */
		if (__atomic_compare_exchange_n(&e->window, &win, nw, false, __ATOMIC_ACQ_REL,
				    __ATOMIC_ACQUIRE))
			for (w = 0; w < SIP_GUARD_SWEEP_BITS / 64; w++)
				ST(&e->users[w], 0);
	}
	__atomic_fetch_or(&e->users[bit / 64], 1ull << (bit % 64), __ATOMIC_ACQ_REL);
	for (w = 0; w < SIP_GUARD_SWEEP_BITS / 64; w++)
		n += (unsigned int)__builtin_popcountll(LD(&e->users[w]));
	return n >= g->conf.sweep_users;
}

enum sip_guard_verdict
sip_guard_request(struct sip_guard *g, uint8_t family, const uint8_t *addr, uint64_t now_ms,
		uint64_t sweep_user)
{
	struct sip_guard_entry *e = entry_of(g, family, addr, now_ms, true);

	if (e == NULL)
		return SIP_GUARD_PASS;
	ST(&e->last_ms, now_ms);
	if (LD(&e->blocked_until_ms) > now_ms)
		return SIP_GUARD_BLOCKED;
	if (sweep_user != 0 && g->conf.sweep_users != 0 && sweep_seen(g, e, now_ms, sweep_user)) {
		block(g, e, now_ms);
		return SIP_GUARD_SWEEP;
	}
	if (g->conf.rate_rps != 0 && !take_token(g, e, now_ms))
		return SIP_GUARD_RATE;
	return SIP_GUARD_PASS;
}

void
sip_guard_block(struct sip_guard *g, uint8_t family, const uint8_t *addr, uint64_t now_ms)
{
	struct sip_guard_entry *e = entry_of(g, family, addr, now_ms, true);

	if (e != NULL)
		block(g, e, now_ms);
}

bool
sip_guard_blocked(struct sip_guard *g, uint8_t family, const uint8_t *addr, uint64_t now_ms)
{
	struct sip_guard_entry *e = entry_of(g, family, addr, now_ms, false);

	return e != NULL && LD(&e->blocked_until_ms) > now_ms;
}

uint32_t
sip_guard_calls_add(struct sip_guard *g, uint8_t family, const uint8_t *addr, int delta,
		uint64_t now_ms)
{
	struct sip_guard_entry *e = entry_of(g, family, addr, now_ms, delta > 0);
	uint64_t old, nv;
	uint32_t calls;

	if (e == NULL)
		return 0;
	old = LD(&e->window);
	do {
		calls = (uint32_t)old;
		if (delta < 0 && calls == 0)
			return 0;
		nv = (old & ~0xffffffffull) | (uint32_t)(calls + (uint32_t)delta);
	} while (!__atomic_compare_exchange_n(&e->window, &old, nv, false, __ATOMIC_ACQ_REL,
			__ATOMIC_ACQUIRE));
	return calls;
}

uint32_t
sip_guard_calls_get(struct sip_guard *g, uint8_t family, const uint8_t *addr, uint64_t now_ms)
{
	struct sip_guard_entry *e = entry_of(g, family, addr, now_ms, false);

	return e != NULL ? (uint32_t)LD(&e->window) : 0;
}

uint32_t
sip_guard_blocked_count(const struct sip_guard *g, uint64_t now_ms)
{
	uint32_t i, n = 0, total = (g->sets_mask + 1) * SIP_GUARD_WAYS;

	for (i = 0; i < total; i++)
		if (LD(&g->e[i].tag) != 0 && LD(&g->e[i].blocked_until_ms) > now_ms)
			n++;
	return n;
}

void
sip_guard_stats(const struct sip_guard *g, struct sip_guard_stats *st)
{
	st->sources_evicted = LD(&g->evicted);
	st->sources_unplaced = LD(&g->unplaced);
}
