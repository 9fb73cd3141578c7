/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Per-worker SIP call table. See call_table.h for the contract and
 * docs/calls.md for the state machine and every policy.
 *
 * Layout of the caller's memory: capacity records (struct call), then the
 * Call-ID index, a power of two of uint64_t at least twice the capacity
 * (load factor <= 1/2), each entry (hash << 32) | (slot + 1), 0 = empty.
 *
 * Every record in use is on exactly one of five intrusive doubly linked
 * lists, which is what makes timers and eviction O(1) per action:
 *  - SETUP (trying, ringing), ordered by invite_time: setup timeout at the head;
 *  - ACTIVE (answered, established), ordered by last_activity (moved to the
 *    tail on every message and touch): session timeout at the head;
 *  - LINGER (terminated, expectations still published), ordered by end_time;
 *  - DONE (terminated and withdrawn), same order: freed retain_ns later;
 *  - FINISHED (marked active_at_end by call_table_finish()): no timers.
 * Free records are chained through `next` from free_head.
 *
 * Media expectations are never tracked as a separate set: what a call has
 * published is a pure function of its record (build_expect()), so every
 * message computes the set before and after and emits the difference.
 */
#include <errno.h>
#include <string.h>

#include "call_table.h"
#include "rtp_pt.h"

#define NIL	   UINT32_MAX
#define NO_CSEQ	   UINT32_MAX /* invite_cseq of a partial call: no initial INVITE seen */
#define NS_PER_SEC 1000000000ull

enum call_list {
	CL_SETUP = 0,
	CL_ACTIVE,
	CL_LINGER,
	CL_DONE,
	CL_FINISHED,
	CL_MAX,
	CL_NONE = 0xff,
};

_Static_assert(CL_MAX == sizeof(((struct call_table *)0)->list_head) / sizeof(uint32_t),
	"one list head per enum call_list");
_Static_assert(sizeof(struct call_expect_key) == 28, "call_expect_key is 28 bytes");
_Static_assert(sizeof(struct call_expect) == 76, "call_expect is 76 bytes");
_Static_assert(sizeof(struct call) % 8 == 0, "records keep the index 8-byte aligned");

/* call.txn */
#define TXN_ACK	     (1u << 0) /* ACK with invite_cseq seen */
#define TXN_RE_FINAL (1u << 1) /* final response to the latest re-INVITE seen */
#define TXN_RE_ACK   (1u << 2) /* ACK of the latest re-INVITE seen */
#define TXN_OA_RESP  (1u << 3) /* the pending offer came in a response (delayed offer) */

/* ---- names ----------------------------------------------------------------------------- */

#define NAME2_(id, name) name,
static const char *const state_names[CALL_S_MAX] = {CALL_STATE_LIST(NAME2_)};
static const char *const reason_names[CALL_REASON_MAX] = {CALL_REASON_LIST(NAME2_)};
static const char *const kind_names[CALL_EXPECT_MAX] = {CALL_EXPECT_KIND_LIST(NAME2_)};
static const char *const sip_names[CALL_SIP_MAX] = {CALL_SIP_LIST(NAME2_)};
#undef NAME2_

const char *
call_state_name(unsigned int state)
{
	return state < CALL_S_MAX ? state_names[state] : "unknown";
}

const char *
call_reason_name(unsigned int reason)
{
	return reason < CALL_REASON_MAX ? reason_names[reason] : "unknown";
}

const char *
call_expect_kind_name(unsigned int kind)
{
	return kind < CALL_EXPECT_MAX ? kind_names[kind] : "unknown";
}

const char *
call_sip_result_name(int result)
{
	return result >= 0 && result < CALL_SIP_MAX ? sip_names[result] : "unknown";
}

const char *
call_side_name(unsigned int side)
{
	return side == CALL_SIDE_CALLER	  ? "caller"
	       : side == CALL_SIDE_CALLEE ? "callee"
					  : "unknown";
}

/* ---- small helpers ---------------------------------------------------------------------- */

static inline void
inc16(uint16_t *v)
{
	if (*v != UINT16_MAX)
		(*v)++;
}

static inline void
inc8(uint8_t *v)
{
	if (*v != UINT8_MAX)
		(*v)++;
}

/* now - t, 0 if time went backwards (captures from several ports may be slightly unordered). */
static inline uint64_t
elapsed(uint64_t now, uint64_t t)
{
	return now > t ? now - t : 0;
}

static inline uint64_t
sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

static inline uint8_t
lc(uint8_t c)
{
	return (uint8_t)(c | (((unsigned int)(c - 'A') < 26u) << 5));
}

/* Copy a range of buf into dst (cap bytes with the NUL); returns the copied length. */
static uint8_t
copy_str(char *dst, uint32_t cap, const uint8_t *buf, struct sip_str s)
{
	uint32_t n = s.len < cap - 1 ? s.len : cap - 1;

	memcpy(dst, buf + s.off, n);
	dst[n] = '\0';
	return (uint8_t)n;
}

/* A stored (possibly truncated) tag equals a tag of the message (case-insensitive). */
static bool
tag_eq(const char *stored, uint8_t slen, const uint8_t *buf, struct sip_str t)
{
	uint32_t n = t.len < CALL_TAG_MAX - 1 ? t.len : CALL_TAG_MAX - 1;
	uint32_t i;

	if (n != slen)
		return false;
	for (i = 0; i < n; i++)
		if (lc((uint8_t)stored[i]) != lc(buf[t.off + i]))
			return false;
	return true;
}

/* ---- Call-ID hash: SipHash-1-3, keyed by conf.hash_seed ---------------------------------- */

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND()                                                                                 \
	do {                                                                                       \
		v0 += v1;                                                                          \
		v1 = ROTL(v1, 13);                                                                 \
		v1 ^= v0;                                                                          \
		v0 = ROTL(v0, 32);                                                                 \
		v2 += v3;                                                                          \
		v3 = ROTL(v3, 16);                                                                 \
		v3 ^= v2;                                                                          \
		v0 += v3;                                                                          \
		v3 = ROTL(v3, 21);                                                                 \
		v3 ^= v0;                                                                          \
		v2 += v1;                                                                          \
		v1 = ROTL(v1, 17);                                                                 \
		v1 ^= v2;                                                                          \
		v2 = ROTL(v2, 32);                                                                 \
	} while (0)

/* The 64-bit little-endian word at p, at any alignment (SipHash reads its input so). */
static inline uint64_t
ld64le(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static uint32_t
sip_hash(uint64_t seed, const uint8_t *p, uint32_t len)
{
	uint64_t k0 = seed, k1 = seed ^ 0x9e3779b97f4a7c15ull;
	uint64_t v0 = 0x736f6d6570736575ull ^ k0;
	uint64_t v1 = 0x646f72616e646f6dull ^ k1;
	uint64_t v2 = 0x6c7967656e657261ull ^ k0;
	uint64_t v3 = 0x7465646279746573ull ^ k1;
	uint64_t m, b = (uint64_t)len << 56;
	uint32_t i, k, end = len & ~7u;

	for (i = 0; i < end; i += 8) {
		m = ld64le(p + i);
		v3 ^= m;
		SIPROUND();
		v0 ^= m;
	}
	for (k = 0; i + k < len; k++)
		b |= (uint64_t)p[i + k] << (8 * k);
	v3 ^= b;
	SIPROUND();
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND();
	SIPROUND();
	SIPROUND();
	m = v0 ^ v1 ^ v2 ^ v3;
	return (uint32_t)(m ^ (m >> 32));
}

/* ---- memory, index, lists --------------------------------------------------------------- */

static uint32_t
index_size(uint32_t capacity)
{
	uint32_t n = 2;

	while (n < 2 * capacity)
		n <<= 1;
	return n;
}

size_t
call_table_mem_size(uint32_t capacity)
{
	if (capacity == 0 || capacity > (1u << 24))
		return 0;
	return (size_t)capacity * sizeof(struct call) +
	       (size_t)index_size(capacity) * sizeof(uint64_t);
}

void
call_table_conf_default(struct call_table_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->setup_timeout_ns = 60 * NS_PER_SEC;
	conf->session_timeout_ns = 2 * 3600 * NS_PER_SEC;
	conf->linger_ns = 10 * NS_PER_SEC;
}

int
call_table_init(struct call_table *ct, void *mem, size_t mem_len, uint32_t capacity,
	const struct call_table_conf *conf)
{
	size_t need = call_table_mem_size(capacity);
	uint32_t i;

	if (ct == NULL || mem == NULL || need == 0 || mem_len < need || ((uintptr_t)mem & 7) != 0)
		return -EINVAL;
	memset(ct, 0, sizeof(*ct));
	memset(mem, 0, need);
	ct->calls = mem;
	ct->index = (uint64_t *)(void *)((uint8_t *)mem + (size_t)capacity * sizeof(struct call));
	ct->capacity = capacity;
	ct->index_mask = index_size(capacity) - 1;
	if (conf != NULL)
		ct->conf = *conf;
	else
		call_table_conf_default(&ct->conf);
	for (i = 0; i < CL_MAX; i++)
		ct->list_head[i] = ct->list_tail[i] = NIL;
	for (i = 0; i < capacity; i++) {
		ct->calls[i].list = CL_NONE;
		ct->calls[i].prev = NIL;
		ct->calls[i].next = i + 1 < capacity ? i + 1 : NIL;
	}
	ct->free_head = 0;
	return 0;
}

static bool
call_id_match(const struct call *c, uint32_t h, const uint8_t *id, uint32_t len)
{
	uint32_t n = len < CALL_ID_MAX - 1 ? len : CALL_ID_MAX - 1;
	uint16_t full = len < UINT16_MAX ? (uint16_t)len : UINT16_MAX;

	return c->hash == h && c->call_id_len == full && memcmp(c->call_id, id, n) == 0;
}

static uint32_t
index_find(const struct call_table *ct, uint32_t h, const uint8_t *id, uint32_t len)
{
	uint32_t i = h & ct->index_mask;
	uint64_t e;

	while ((e = ct->index[i]) != 0) {
		if ((uint32_t)(e >> 32) == h) {
			uint32_t slot = (uint32_t)e - 1;

			if (call_id_match(&ct->calls[slot], h, id, len))
				return slot;
		}
		i = (i + 1) & ct->index_mask;
	}
	return NIL;
}

static void
index_insert(struct call_table *ct, uint32_t h, uint32_t slot)
{
	uint32_t i = h & ct->index_mask;

	while (ct->index[i] != 0)
		i = (i + 1) & ct->index_mask;
	ct->index[i] = (uint64_t)h << 32 | (slot + 1);
}

/* Remove slot's entry; backward-shift the rest of its run so probing needs no tombstones. */
static void
index_remove(struct call_table *ct, uint32_t h, uint32_t slot)
{
	uint64_t want = (uint64_t)h << 32 | (slot + 1);
	uint32_t mask = ct->index_mask, i = h & mask, j, k;

	while (ct->index[i] != want) {
		if (ct->index[i] == 0)
			return; /* not indexed: cannot happen */
		i = (i + 1) & mask;
	}
	j = i;
	for (;;) {
		j = (j + 1) & mask;
		if (ct->index[j] == 0)
			break;
		k = (uint32_t)(ct->index[j] >> 32) & mask; /* home of the entry at j */
		/* the entry may move to i unless its home lies cyclically in (i, j] */
		if (i <= j ? (k <= i || k > j) : (k <= i && k > j)) {
			ct->index[i] = ct->index[j];
			i = j;
		}
	}
	ct->index[i] = 0;
}

static void
list_remove(struct call_table *ct, uint32_t slot)
{
	struct call *c = &ct->calls[slot];
	uint8_t l = c->list;

	if (l >= CL_MAX)
		return;
	if (c->prev != NIL)
		ct->calls[c->prev].next = c->next;
	else
		ct->list_head[l] = c->next;
	if (c->next != NIL)
		ct->calls[c->next].prev = c->prev;
	else
		ct->list_tail[l] = c->prev;
	c->prev = c->next = NIL;
	c->list = CL_NONE;
}

static void
list_append(struct call_table *ct, uint8_t l, uint32_t slot)
{
	struct call *c = &ct->calls[slot];

	c->list = l;
	c->next = NIL;
	c->prev = ct->list_tail[l];
	if (c->prev != NIL)
		ct->calls[c->prev].next = slot;
	else
		ct->list_head[l] = slot;
	ct->list_tail[l] = slot;
}

static uint8_t
list_of(const struct call *c)
{
	if (c->state == CALL_S_TERMINATED)
		return (c->flags & CALL_F_WITHDRAWN) ? CL_DONE : CL_LINGER;
	if (c->reason == CALL_REASON_ACTIVE_AT_END)
		return CL_FINISHED;
	if (c->state == CALL_S_ANSWERED || c->state == CALL_S_ESTABLISHED)
		return CL_ACTIVE;
	return CL_SETUP;
}

/* Put the call on the list its state says; to_tail moves it to the end of the same list. */
static void
relist(struct call_table *ct, uint32_t slot, bool to_tail)
{
	struct call *c = &ct->calls[slot];
	uint8_t l = list_of(c);

	if (l == c->list && (!to_tail || ct->list_tail[l] == slot))
		return;
	list_remove(ct, slot);
	list_append(ct, l, slot);
}

static inline uint32_t
slot_of(const struct call_table *ct, const struct call *c)
{
	return (uint32_t)(c - ct->calls);
}

static uint32_t
call_alloc(struct call_table *ct, uint32_t h)
{
	uint32_t slot = ct->free_head;
	struct call *c;
	uint32_t gen;

	if (slot == NIL)
		return NIL;
	c = &ct->calls[slot];
	ct->free_head = c->next;
	gen = c->gen + 1;
	memset(c, 0, sizeof(*c));
	c->gen = gen;
	c->hash = h;
	c->in_use = 1;
	c->list = CL_NONE;
	c->prev = c->next = NIL;
	index_insert(ct, h, slot);
	ct->count++;
	return slot;
}

static void
call_free(struct call_table *ct, uint32_t slot)
{
	struct call *c = &ct->calls[slot];

	index_remove(ct, c->hash, slot);
	list_remove(ct, slot);
	c->in_use = 0;
	c->next = ct->free_head;
	ct->free_head = slot;
	ct->count--;
}

/* ---- lookups ---------------------------------------------------------------------------- */

const struct call *
call_table_get(const struct call_table *ct, struct call_ref ref)
{
	const struct call *c;

	if (ct == NULL || ref.slot >= ct->capacity)
		return NULL;
	c = &ct->calls[ref.slot];
	return c->in_use && c->gen == ref.gen ? c : NULL;
}

const struct call *
call_table_at(const struct call_table *ct, uint32_t slot)
{
	if (ct == NULL || slot >= ct->capacity || !ct->calls[slot].in_use)
		return NULL;
	return &ct->calls[slot];
}

struct call_ref
call_table_ref(const struct call_table *ct, const struct call *c)
{
	struct call_ref r = {UINT32_MAX, 0};

	if (ct == NULL || c == NULL || c < ct->calls || c >= ct->calls + ct->capacity)
		return r;
	r.slot = slot_of(ct, c);
	r.gen = c->gen;
	return r;
}

const struct call *
call_table_lookup(const struct call_table *ct, const uint8_t *call_id, uint32_t len)
{
	uint32_t slot;

	if (ct == NULL || (call_id == NULL && len != 0))
		return NULL;
	slot = index_find(ct, sip_hash(ct->conf.hash_seed, call_id, len), call_id, len);
	return slot == NIL ? NULL : &ct->calls[slot];
}

uint32_t
call_table_count(const struct call_table *ct)
{
	return ct != NULL ? ct->count : 0;
}

uint64_t
call_duration_ns(const struct call *c, uint64_t now)
{
	uint64_t end;

	if (c == NULL || !(c->tset & CALL_T_ANSWER))
		return 0;
	end = (c->tset & CALL_T_END) ? c->end_time : now;
	return elapsed(end, c->answer_time);
}

/* ---- expectations ----------------------------------------------------------------------- */

static bool
same_addr(const struct call_expect_key *a, const struct call_expect_key *b)
{
	return a->family == b->family && a->port == b->port && memcmp(a->addr, b->addr, 16) == 0;
}

/* Append one expectation unless its address is already in out[0..n). */
static unsigned int
push_expect(struct call_expect *out, unsigned int n, const struct call_media_side *ms,
	struct call_ref ref, uint8_t kind, uint8_t side, uint8_t idx, uint8_t family,
	const uint8_t *addr, uint16_t port)
{
	struct call_expect *e = &out[n];
	unsigned int i;

	memset(e, 0, sizeof(*e));
	e->key.family = family;
	e->key.port = port;
	memcpy(e->key.addr, addr, 16);
	for (i = 0; i < n; i++)
		if (same_addr(&out[i].key, &e->key))
			return n;
	e->key.ref = ref;
	e->kind = kind;
	e->side = side;
	e->media_idx = idx;
	e->media_type = ms->type;
	e->te_pt = ms->te_pt;
	e->npt = ms->npt;
	memcpy(e->pt, ms->pt, sizeof(e->pt));
	memcpy(e->clock, ms->clock, sizeof(e->clock));
	return n + 1;
}

static unsigned int
side_expect(struct call_expect *out, unsigned int n, const struct call_media_side *ms, bool mux,
	struct call_ref ref, uint8_t side, uint8_t idx)
{
	if (!(ms->flags & CALL_MS_PRESENT) || !(ms->flags & CALL_MS_RTP) || ms->port == 0 ||
		ms->family == 0 || (ms->type != SDP_MEDIA_AUDIO && ms->type != SDP_MEDIA_VIDEO))
		return n;
	if (mux)
		return push_expect(out, n, ms, ref, CALL_EXPECT_RTP_MUX, side, idx, ms->family,
			ms->addr, ms->port);
	n = push_expect(
		out, n, ms, ref, CALL_EXPECT_RTP, side, idx, ms->family, ms->addr, ms->port);
	if (ms->rtcp_port != 0 && ms->rtcp_family != 0)
		n = push_expect(out, n, ms, ref, CALL_EXPECT_RTCP, side, idx, ms->rtcp_family,
			ms->rtcp_addr, ms->rtcp_port);
	return n;
}

/* An m= line one side disabled (port 0) carries no media for either side (RFC 3264 6). */
static bool
media_rejected(const struct call_media *md)
{
	return (md->side[0].flags & CALL_MS_PRESENT && md->side[0].port == 0) ||
	       (md->side[1].flags & CALL_MS_PRESENT && md->side[1].port == 0);
}

/* What the call has published now: negotiated media, then the pending offer. */
static unsigned int
build_expect(const struct call_table *ct, const struct call *c, struct call_expect *out)
{
	struct call_ref ref = {slot_of(ct, c), c->gen};
	unsigned int n = 0, i, s;

	if (c->flags & CALL_F_WITHDRAWN)
		return 0;
	for (i = 0; i < c->nmedia && i < CALL_MAX_MEDIA; i++) {
		const struct call_media *md = &c->media[i];

		if (media_rejected(md))
			continue;
		for (s = 0; s < 2; s++)
			n = side_expect(out, n, &md->side[s], md->rtcp_mux != 0, ref, (uint8_t)s,
				(uint8_t)i);
	}
	if (c->oa_pending)
		for (i = 0; i < c->oa_nmedia && i < CALL_MAX_MEDIA; i++)
			n = side_expect(out, n, &c->pending[i], false, ref, c->oa_side, (uint8_t)i);
	return n;
}

int
call_table_expectations(const struct call_table *ct, struct call_ref ref, struct call_expect *out)
{
	const struct call *c = call_table_get(ct, ref);

	if (c == NULL || out == NULL)
		return -ENOENT;
	return (int)build_expect(ct, c, out);
}

/* Withdraw what is in old[] and not in cur[], publish what is new or changed in cur[]. */
static void
emit_diff(struct call_update *u, const struct call_expect *old, unsigned int nold,
	const struct call_expect *cur, unsigned int ncur)
{
	unsigned int i, k;

	for (i = 0; i < nold; i++) {
		for (k = 0; k < ncur; k++)
			if (same_addr(&old[i].key, &cur[k].key))
				break;
		if (k == ncur && u->ndel < CALL_UPDATE_MAX_DEL)
			u->del[u->ndel++] = old[i].key;
	}
	for (k = 0; k < ncur; k++) {
		for (i = 0; i < nold; i++)
			if (same_addr(&old[i].key, &cur[k].key))
				break;
		if ((i == nold || memcmp(&old[i], &cur[k], sizeof(cur[k])) != 0) &&
			u->nadd < CALL_UPDATE_MAX_ADD)
			u->add[u->nadd++] = cur[k];
	}
}

/*
 * An address both withdrawn (an evicted call's) and published (the new
 * call's) in one update: the publication replaces it, so drop the withdrawal
 * (a key never appears in both arrays).
 */
static void
drop_readded(struct call_update *u)
{
	unsigned int i, k, n = 0;

	for (i = 0; i < u->ndel; i++) {
		for (k = 0; k < u->nadd; k++)
			if (same_addr(&u->del[i], &u->add[k].key))
				break;
		if (k == u->nadd)
			u->del[n++] = u->del[i];
	}
	u->ndel = (uint16_t)n;
}

/* ---- SDP into the record ------------------------------------------------------------------ */

/* Usable address of a connection, into addr[16]; 0 if absent, a host name or null. */
static uint8_t
conn_addr(const struct sdp_conn *cn, uint8_t addr[16], uint8_t *msflags)
{
	static const uint8_t zero[16];
	unsigned int n;

	memset(addr, 0, 16);
	if (cn == NULL || cn->af == SDP_AF_NONE)
		return 0;
	if (cn->fqdn) {
		*msflags |= CALL_MS_FQDN;
		return 0;
	}
	n = cn->af == SDP_AF_IP4 ? 4 : 16;
	if (memcmp(cn->addr, zero, n) == 0) {
		*msflags |= CALL_MS_NULL_ADDR;
		return 0;
	}
	memcpy(addr, cn->addr, n);
	return cn->af == SDP_AF_IP4 ? CALL_AF_IP4 : CALL_AF_IP6;
}

static void
side_from_sdp(
	struct call *c, struct call_media_side *ms, const struct sdp_session *sdp, unsigned int i)
{
	const struct sdp_media *m = &sdp->media[i];
	const struct sdp_conn *rc;
	uint8_t dummy = 0;
	unsigned int k;

	memset(ms, 0, sizeof(*ms));
	ms->flags = CALL_MS_PRESENT;
	if (m->flags & SDP_MF_RTP)
		ms->flags |= CALL_MS_RTP;
	if (m->flags & SDP_MF_RTCP_MUX)
		ms->flags |= CALL_MS_MUX;
	if (m->flags & SDP_MF_HAS_RTCP)
		ms->flags |= CALL_MS_RTCP_ATTR;
	if (sdp_media_is_hold(sdp, i))
		ms->flags |= CALL_MS_HOLD;
	ms->family = conn_addr(sdp_media_conn(sdp, i), ms->addr, &ms->flags);
	if (ms->flags & CALL_MS_FQDN)
		c->flags |= CALL_F_FQDN_MEDIA;
	ms->dir = (uint8_t)sdp_media_dir(sdp, i);
	ms->type = m->type;
	ms->proto = m->proto;
	ms->te_pt = (m->flags & SDP_MF_TELEPHONE_EVENT) ? m->te_pt : RTP_PT_NONE;
	ms->port = m->port;
	if (m->port != 0 && (m->flags & SDP_MF_RTP)) {
		/* without mux: the a=rtcp port, else RTP + 1 (mux is decided by the answer) */
		if (m->flags & SDP_MF_HAS_RTCP)
			ms->rtcp_port = m->rtcp_port;
		else if (m->port != 65535)
			ms->rtcp_port = (uint16_t)(m->port + 1);
		rc = m->rtcp_conn.af != SDP_AF_NONE ? &m->rtcp_conn : sdp_media_conn(sdp, i);
		ms->rtcp_family = conn_addr(rc, ms->rtcp_addr, &dummy);
	}
	ms->npt = m->nfmt < CALL_MAX_PT ? m->nfmt : CALL_MAX_PT;
	if (m->nfmt > CALL_MAX_PT || (m->flags & SDP_MF_FMT_TRUNCATED))
		c->flags |= CALL_F_MEDIA_TRUNC;
	for (k = 0; k < ms->npt; k++) {
		const struct sdp_rtpmap *rm = sdp_media_rtpmap(sdp, i, m->fmt[k]);

		ms->pt[k] = m->fmt[k];
		ms->clock[k] =
			rm != NULL && rm->clock != 0 ? rm->clock : rtp_pt_static_clock(m->fmt[k]);
	}
}

static unsigned int
sdp_nkept(struct call *c, const struct sdp_session *sdp)
{
	if (sdp->nmedia_total > CALL_MAX_MEDIA || sdp->nmedia > CALL_MAX_MEDIA ||
		(sdp->flags & SDP_F_MEDIA_TRUNCATED))
		c->flags |= CALL_F_MEDIA_TRUNC;
	return sdp->nmedia < CALL_MAX_MEDIA ? sdp->nmedia : CALL_MAX_MEDIA;
}

/* Codec names of the answer's first active audio m= line: rtpmap name, static name, or number. */
static void
set_codecs(struct call *c, const uint8_t *sdpbuf, uint32_t sdplen, const struct sdp_session *sdp)
{
	unsigned int i, k, n = 0;

	for (i = 0; i < sdp->nmedia; i++)
		if (sdp->media[i].type == SDP_MEDIA_AUDIO && sdp->media[i].port != 0)
			break;
	if (i == sdp->nmedia)
		return;
	memset(c->codecs, 0, sizeof(c->codecs));
	for (k = 0; k < sdp->media[i].nfmt && n < CALL_MAX_CODECS; k++) {
		uint8_t pt = sdp->media[i].fmt[k];
		const struct sdp_rtpmap *rm = sdp_media_rtpmap(sdp, i, pt);
		const struct rtp_codec *cd = rtp_pt_static(pt);
		char *dst = c->codecs[n];

		if (rm != NULL && rm->enc.off <= sdplen && rm->enc.len <= sdplen - rm->enc.off &&
			rm->enc.len > 0) {
			uint32_t len = rm->enc.len < CALL_CODEC_NAME_MAX - 1
					       ? rm->enc.len
					       : CALL_CODEC_NAME_MAX - 1;

			memcpy(dst, sdpbuf + rm->enc.off, len);
			dst[len] = '\0';
		} else if (cd != NULL) {
			size_t len = strlen(cd->name);

			if (len > CALL_CODEC_NAME_MAX - 1)
				len = CALL_CODEC_NAME_MAX - 1;
			memcpy(dst, cd->name, len);
			dst[len] = '\0';
		} else {
			/* dynamic payload type without rtpmap: its number */
			unsigned int d = 0, v = pt;
			char tmp[4];

			do {
				tmp[d++] = (char)('0' + v % 10);
				v /= 10;
			} while (v != 0);
			for (v = 0; v < d; v++)
				dst[v] = tmp[d - 1 - v];
			dst[d] = '\0';
		}
		n++;
	}
	c->ncodecs = (uint8_t)n;
}

static void
update_hold(struct call *c)
{
	bool hold = false;
	unsigned int i, s;

	for (i = 0; i < c->nmedia; i++)
		for (s = 0; s < 2; s++) {
			const struct call_media_side *ms = &c->media[i].side[s];

			if ((ms->flags & CALL_MS_PRESENT) && ms->port != 0 &&
				(ms->flags & CALL_MS_HOLD))
				hold = true;
		}
	if (hold && !(c->flags & CALL_F_HOLD)) {
		c->flags |= CALL_F_HOLD;
		inc8(&c->hold_count);
	} else if (!hold) {
		c->flags &= ~CALL_F_HOLD;
	}
}

/* ---- one message ------------------------------------------------------------------------ */

struct msgctx {
	const uint8_t *buf;
	const struct sip_msg *m;
	const struct sdp_session *sdp; /* NULL: none, or unusable */
	bool has_sdp;		       /* SIP_F_SDP */
	bool req;
	uint8_t method; /* request method, or the CSeq method of a response */
	uint8_t orig;	/* side that sent the request of the transaction */
	uint8_t sender; /* side that sent this message */
	uint16_t status;
	uint32_t cseq;
	uint64_t now;
};

/* 1xx (not 100) or 2xx: the responses that may carry an offer or answer (RFC 6337 2.1). */
static inline bool
carries_oa(const struct msgctx *x)
{
	return !x->req && x->status > 100 && x->status <= 299;
}

static void
apply_offer(struct call *c, const struct msgctx *x)
{
	unsigned int i, n = 0;

	memset(c->pending, 0, sizeof(c->pending));
	if (x->sdp != NULL) {
		n = sdp_nkept(c, x->sdp);
		for (i = 0; i < n; i++)
			side_from_sdp(c, &c->pending[i], x->sdp, i);
	}
	c->oa_pending = 1;
	c->oa_nmedia = (uint8_t)n;
	c->oa_side = x->sender;
	c->oa_method = x->method;
	c->oa_cseq = x->cseq;
	if (x->req)
		c->txn &= (uint8_t)~TXN_OA_RESP;
	else
		c->txn |= TXN_OA_RESP;
}

/* An answer from x->sender; repeat: the same transaction answering again (no pending offer). */
static void
apply_answer(struct call *c, const struct msgctx *x, bool repeat)
{
	uint8_t a = x->sender, o = (uint8_t)!a;
	unsigned int i, n = 0;

	if (repeat && x->sdp == NULL)
		return; /* keep what the usable answer said */
	if (c->oa_pending) {
		for (i = 0; i < CALL_MAX_MEDIA; i++) {
			if (i < c->oa_nmedia)
				c->media[i].side[o] = c->pending[i];
			else
				memset(&c->media[i].side[o], 0, sizeof(c->media[i].side[o]));
		}
		memset(c->pending, 0, sizeof(c->pending));
	}
	if (x->sdp != NULL) {
		n = sdp_nkept(c, x->sdp);
		for (i = 0; i < n; i++)
			side_from_sdp(c, &c->media[i].side[a], x->sdp, i);
		set_codecs(c, x->buf + x->m->sdp.off, x->m->sdp.len, x->sdp);
	}
	for (i = n; i < CALL_MAX_MEDIA; i++)
		memset(&c->media[i].side[a], 0, sizeof(c->media[i].side[a]));
	c->nmedia = 0;
	for (i = 0; i < CALL_MAX_MEDIA; i++) {
		struct call_media *md = &c->media[i];

		md->rtcp_mux =
			(md->side[0].flags & CALL_MS_MUX) && (md->side[1].flags & CALL_MS_MUX);
		if ((md->side[0].flags | md->side[1].flags) & CALL_MS_PRESENT)
			c->nmedia = (uint8_t)(i + 1);
	}
	c->oa_pending = 0;
	c->oa_nmedia = 0;
	c->ans_side = a;
	c->ans_method = x->method;
	c->ans_cseq = x->cseq;
	if (c->state == CALL_S_TRYING || c->state == CALL_S_RINGING)
		c->flags |= CALL_F_EARLY_MEDIA; /* negotiated before any 2xx: media may flow */
	update_hold(c);
}

/* x answers the pending offer (RFC 3264, RFC 3262, RFC 3311; RFC 6337 2.1 lists the pairs). */
static bool
is_answer(const struct call *c, const struct msgctx *x)
{
	if (!c->oa_pending || x->sender == c->oa_side)
		return false;
	if (!(c->txn & TXN_OA_RESP))
		/* offer in INVITE, UPDATE or PRACK: answer in its 1xx/2xx */
		return carries_oa(x) && x->method == c->oa_method && x->cseq == c->oa_cseq &&
		       x->orig == c->oa_side;
	/* offer in a response to an INVITE without SDP: answer in ACK or PRACK */
	return x->req && ((x->method == SIP_METHOD_ACK && x->cseq == c->oa_cseq) ||
				 x->method == SIP_METHOD_PRACK);
}

/* A later response of the INVITE transaction that answered (the 2xx after an early 183). */
static bool
is_repeat_answer(const struct call *c, const struct msgctx *x)
{
	return !c->oa_pending && c->ans_method == SIP_METHOD_INVITE && carries_oa(x) &&
	       x->method == SIP_METHOD_INVITE && x->sender == c->ans_side && x->cseq == c->ans_cseq;
}

static bool
is_offer(const struct call *c, const struct msgctx *x)
{
	if (x->req)
		return x->method == SIP_METHOD_INVITE || x->method == SIP_METHOD_UPDATE ||
		       x->method == SIP_METHOD_PRACK;
	/* the INVITE had no SDP: its 1xx/2xx makes the offer */
	return carries_oa(x) && x->method == SIP_METHOD_INVITE && c->delayed_cseq != 0 &&
	       c->delayed_cseq == x->cseq + 1 && x->orig == c->delayed_side;
}

static void
handle_sdp(struct call_table *ct, struct call *c, const struct msgctx *x)
{
	if (!x->has_sdp)
		return;
	if (x->sdp == NULL) {
		c->flags |= CALL_F_SDP_UNUSABLE;
		ct->stats.sdp_unusable++;
	}
	if (c->state == CALL_S_TERMINATED)
		ct->stats.sdp_ignored++;
	else if (is_answer(c, x))
		apply_answer(c, x, false);
	else if (is_repeat_answer(c, x))
		apply_answer(c, x, true);
	else if (is_offer(c, x))
		apply_offer(c, x);
	else
		ct->stats.sdp_ignored++;
}

/* Track an INVITE without SDP: its 1xx/2xx will carry the offer (RFC 3261 13.2.1). */
static void
note_delayed(struct call *c, const struct msgctx *x)
{
	if (x->has_sdp) {
		c->delayed_cseq = 0;
	} else {
		c->delayed_cseq = x->cseq + 1;
		c->delayed_side = x->sender;
	}
}

/* A To tag of a 1xx/2xx to the initial INVITE: count distinct early dialogs (forking). */
static void
note_to_tag(struct call_table *ct, struct call *c, const struct msgctx *x)
{
	struct sip_str t = x->m->to.tag;
	uint32_t h, i, n;

	if (t.len == 0)
		return;
	h = sip_hash(ct->conf.hash_seed, x->buf + t.off, t.len);
	n = c->early_dialogs < 4 ? c->early_dialogs : 4;
	for (i = 0; i < n; i++)
		if (c->tag_hash[i] == h)
			return;
	if (n < 4)
		c->tag_hash[n] = h;
	inc8(&c->early_dialogs);
	if (c->early_dialogs > 1)
		c->flags |= CALL_F_FORKED;
}

static void
set_to_tag(struct call *c, const struct msgctx *x)
{
	if (x->m->to.tag.len != 0)
		c->to_tag_len = copy_str(c->to_tag, CALL_TAG_MAX, x->buf, x->m->to.tag);
}

static void
terminate(struct call *c, uint8_t reason, uint64_t now)
{
	c->state = CALL_S_TERMINATED;
	c->reason = reason;
	c->end_time = now;
	c->tset |= CALL_T_END;
}

/* A terminated call comes back (auth retry, late answer): forget its end. */
static void
unterminate(struct call *c, uint8_t state)
{
	c->state = state;
	c->reason = CALL_REASON_NONE;
	c->end_time = 0;
	c->tset &= (uint8_t)~CALL_T_END;
	c->flags &= ~CALL_F_WITHDRAWN;
}

static void
set_answered(struct call *c, const struct msgctx *x)
{
	c->state = CALL_S_ANSWERED;
	if (!(c->tset & CALL_T_ANSWER)) {
		c->answer_time = x->now;
		c->tset |= CALL_T_ANSWER;
	}
	set_to_tag(c, x);
}

static void
set_established(struct call *c, uint64_t now)
{
	c->state = CALL_S_ESTABLISHED;
	if (!(c->tset & CALL_T_ESTABLISHED)) {
		c->established_time = now;
		c->tset |= CALL_T_ESTABLISHED;
	}
}

static int
on_invite(struct call_table *ct, struct call *c, const struct msgctx *x, bool *restarted)
{
	const struct sip_msg *m = x->m;

	if (m->to.tag.len == 0) {
		/* initial INVITE: retransmission, another hop, or a new attempt */
		if (x->orig != CALL_SIDE_CALLER || c->invite_cseq == NO_CSEQ)
			return -1;
		if (x->cseq == c->invite_cseq) {
			inc16(&c->counts.invite);
			return CALL_SIP_RETRANS;
		}
		if (x->cseq < c->invite_cseq)
			return -1;
		if (c->state == CALL_S_TERMINATED && c->reason == CALL_REASON_REJECTED) {
			unterminate(c, CALL_S_TRYING);
			c->code = 0;
			c->flags &= ~CALL_F_CANCELLED;
			ct->stats.revived++;
		} else if (c->state != CALL_S_TRYING && c->state != CALL_S_RINGING) {
			return -1;
		}
		inc16(&c->counts.invite);
		c->invite_cseq = x->cseq;
		c->invite_time = x->now;
		c->invite_branch = m->via.branch.len
					   ? sip_hash(ct->conf.hash_seed,
						     x->buf + m->via.branch.off, m->via.branch.len)
					   : 0;
		c->txn &= (uint8_t)~TXN_ACK;
		if (!x->has_sdp)
			c->oa_pending = 0; /* the earlier attempt's offer is void */
		note_delayed(c, x);
		*restarted = true;
		handle_sdp(ct, c, x);
		return CALL_SIP_UPDATED;
	}
	/* re-INVITE */
	if (c->reinvite_seen && x->orig == c->reinvite_side && x->cseq == c->reinvite_cseq) {
		inc16(&c->counts.reinvite);
		return CALL_SIP_RETRANS;
	}
	if ((x->orig == CALL_SIDE_CALLER && c->invite_cseq != NO_CSEQ &&
		    x->cseq <= c->invite_cseq) ||
		(c->reinvite_seen && x->orig == c->reinvite_side && x->cseq < c->reinvite_cseq))
		return -1;
	inc16(&c->counts.reinvite);
	c->reinvite_seen = 1;
	c->reinvite_side = x->orig;
	c->reinvite_cseq = x->cseq;
	c->txn &= (uint8_t) ~(TXN_RE_FINAL | TXN_RE_ACK);
	note_delayed(c, x);
	handle_sdp(ct, c, x);
	return CALL_SIP_UPDATED;
}

static int
on_ack(struct call_table *ct, struct call *c, const struct msgctx *x)
{
	const struct sip_msg *m = x->m;

	if (x->orig == CALL_SIDE_CALLER && x->cseq == c->invite_cseq) {
		uint32_t br;

		inc16(&c->counts.ack);
		if (c->txn & TXN_ACK)
			return CALL_SIP_RETRANS;
		c->txn |= TXN_ACK;
		br = m->via.branch.len ? sip_hash(ct->conf.hash_seed, x->buf + m->via.branch.off,
						 m->via.branch.len)
				       : 0;
		if (c->state == CALL_S_ANSWERED) {
			set_established(c, x->now);
		} else if ((c->state == CALL_S_TRYING || c->state == CALL_S_RINGING) &&
			   c->invite_branch != 0 && br != 0 && br != c->invite_branch) {
			/* a new transaction: the ACK of a 2xx we did not see (RFC 3261 13.2.2.4) */
			c->flags |= CALL_F_INFERRED_ANSWER;
			set_answered(c, x);
			set_established(c, x->now);
		}
		handle_sdp(ct, c, x);
		return CALL_SIP_UPDATED;
	}
	if (c->reinvite_seen && x->orig == c->reinvite_side && x->cseq == c->reinvite_cseq) {
		inc16(&c->counts.ack);
		if (c->txn & TXN_RE_ACK)
			return CALL_SIP_RETRANS;
		c->txn |= TXN_RE_ACK;
		handle_sdp(ct, c, x);
		return CALL_SIP_UPDATED;
	}
	return -1;
}

static int
on_request(struct call_table *ct, struct call *c, const struct msgctx *x, bool *restarted)
{
	switch (x->method) {
	case SIP_METHOD_INVITE:
		return on_invite(ct, c, x, restarted);
	case SIP_METHOD_ACK:
		return on_ack(ct, c, x);
	case SIP_METHOD_CANCEL:
		inc16(&c->counts.cancel);
		if (x->orig == CALL_SIDE_CALLER && x->cseq == c->invite_cseq) {
			if (c->flags & CALL_F_CANCELLED)
				return CALL_SIP_RETRANS;
			if (c->state == CALL_S_TRYING || c->state == CALL_S_RINGING)
				c->flags |= CALL_F_CANCELLED;
		}
		break;
	case SIP_METHOD_BYE:
		inc16(&c->counts.bye);
		if (c->state == CALL_S_TERMINATED) {
			if (c->reason == CALL_REASON_BYE && c->bye_side == x->sender)
				return CALL_SIP_RETRANS;
			break;
		}
		if (!(c->tset & CALL_T_ANSWER))
			c->flags |= CALL_F_BYE_EARLY;
		terminate(c, CALL_REASON_BYE, x->now);
		c->bye_side = x->sender;
		break;
	case SIP_METHOD_PRACK:
		inc16(&c->counts.prack);
		break;
	case SIP_METHOD_UPDATE:
		inc16(&c->counts.update);
		break;
	default:
		inc16(&c->counts.other_req);
		break;
	}
	handle_sdp(ct, c, x);
	return CALL_SIP_UPDATED;
}

/* A final non-2xx response rejects the offer of its own request (RFC 3264 5, RFC 6337 3.2). */
static void
reject_offer(struct call *c, const struct msgctx *x)
{
	if (c->oa_pending && !(c->txn & TXN_OA_RESP) && c->oa_method == x->method &&
		c->oa_cseq == x->cseq && c->oa_side == x->orig) {
		c->oa_pending = 0;
		c->oa_nmedia = 0;
		memset(c->pending, 0, sizeof(c->pending));
	}
}

static int
on_initial_response(struct call_table *ct, struct call *c, const struct msgctx *x)
{
	uint16_t st = x->status;

	if (st >= 101 && st <= 199) {
		if (c->state == CALL_S_TRYING || c->state == CALL_S_RINGING) {
			c->state = CALL_S_RINGING;
			if (!(c->tset & CALL_T_RINGING)) {
				c->ringing_time = x->now;
				c->tset |= CALL_T_RINGING;
			}
			set_to_tag(c, x);
			note_to_tag(ct, c, x);
		}
	} else if (st >= 200 && st <= 299) {
		if (c->tset & CALL_T_ANSWER &&
			!(c->flags & CALL_F_INFERRED_ANSWER && c->code == 0)) {
			if (tag_eq(c->to_tag, c->to_tag_len, x->buf, x->m->to.tag))
				return CALL_SIP_RETRANS;
			/* another fork answered too: the caller will ACK and BYE it */
			c->flags |= CALL_F_MULTI_2XX;
			note_to_tag(ct, c, x);
			if (x->has_sdp)
				ct->stats.sdp_ignored++;
			return CALL_SIP_UPDATED;
		}
		if (c->state == CALL_S_TERMINATED) {
			if (c->reason == CALL_REASON_BYE)
				return CALL_SIP_UPDATED; /* the BYE came first: stay ended */
			/* a late answer: after our setup timeout, or another fork's rejection */
			unterminate(c, CALL_S_ANSWERED);
		}
		c->code = st;
		if (c->state != CALL_S_ESTABLISHED)
			set_answered(c, x);
		note_to_tag(ct, c, x);
	} else if (st >= 300) {
		if (c->code == st && !(c->tset & CALL_T_ANSWER))
			return CALL_SIP_RETRANS;
		if (c->state == CALL_S_TRYING || c->state == CALL_S_RINGING) {
			c->code = st;
			terminate(c,
				st == 487 || (c->flags & CALL_F_CANCELLED) ? CALL_REASON_CANCEL
									   : CALL_REASON_REJECTED,
				x->now);
		}
	}
	handle_sdp(ct, c, x);
	return CALL_SIP_UPDATED;
}

static int
on_response(struct call_table *ct, struct call *c, const struct msgctx *x)
{
	uint16_t st = x->status;

	if (x->method == SIP_METHOD_INVITE) {
		if (x->orig == CALL_SIDE_CALLER && x->cseq == c->invite_cseq)
			return on_initial_response(ct, c, x);
		if (!c->reinvite_seen || x->orig != c->reinvite_side || x->cseq != c->reinvite_cseq)
			return -1; /* stale CSeq */
		if (st >= 200) {
			if (c->txn & TXN_RE_FINAL)
				return CALL_SIP_RETRANS;
			c->txn |= TXN_RE_FINAL;
		}
	}
	if (st >= 300)
		reject_offer(c, x);
	handle_sdp(ct, c, x);
	return CALL_SIP_UPDATED;
}

/*
 * Which side started the transaction x belongs to, from the tags: the
 * caller's tag in From (caller's request, or a response to it), or in To
 * (callee's request). -1 if neither: another dialog.
 */
static int
orig_side(const struct call *c, const struct msgctx *x)
{
	if (tag_eq(c->from_tag, c->from_tag_len, x->buf, x->m->from.tag))
		return CALL_SIDE_CALLER;
	if (tag_eq(c->from_tag, c->from_tag_len, x->buf, x->m->to.tag))
		return CALL_SIDE_CALLEE;
	return -1;
}

/*
 * After the answer the dialog's remote tag is known: in-dialog messages with
 * another To tag belong to another fork's dialog (the caller ACKs and BYEs
 * an extra 2xx). The initial INVITE transaction itself (INVITE, CANCEL and
 * their responses) is exempt: forks answer it.
 */
static bool
other_dialog(const struct call *c, const struct msgctx *x)
{
	const struct sip_msg *m = x->m;

	if (!(c->tset & CALL_T_ANSWER) || c->to_tag_len == 0)
		return false;
	if (x->orig == CALL_SIDE_CALLER && x->cseq == c->invite_cseq &&
		(x->method == SIP_METHOD_CANCEL || (x->method == SIP_METHOD_INVITE && !x->req) ||
			(x->method == SIP_METHOD_INVITE && m->to.tag.len == 0)))
		return false;
	if (x->orig == CALL_SIDE_CALLER)
		return m->to.tag.len != 0 && !tag_eq(c->to_tag, c->to_tag_len, x->buf, m->to.tag);
	return !tag_eq(c->to_tag, c->to_tag_len, x->buf, m->from.tag);
}

/* Methods (of a request, or the CSeq of a response) that only exist inside an INVITE dialog. */
static bool
dialog_method(uint8_t method)
{
	switch (method) {
	case SIP_METHOD_INVITE:
	case SIP_METHOD_ACK:
	case SIP_METHOD_BYE:
	case SIP_METHOD_CANCEL:
	case SIP_METHOD_PRACK:
	case SIP_METHOD_UPDATE:
	case SIP_METHOD_INFO:
		return true;
	default:
		return false;
	}
}

/* Create the record of an INVITE with an unknown Call-ID (initial, or mid-call re-INVITE). */
static void
call_create(
	struct call_table *ct, struct call *c, const struct msgctx *x, const struct call_sig *sig)
{
	const struct sip_msg *m = x->m;
	const uint8_t *b = x->buf;

	c->call_id_len = m->call_id.len < UINT16_MAX ? (uint16_t)m->call_id.len : UINT16_MAX;
	copy_str(c->call_id, CALL_ID_MAX, b, m->call_id);
	if (m->call_id.len > CALL_ID_MAX - 1)
		c->flags |= CALL_F_CALL_ID_TRUNC;
	c->from_len = copy_str(c->from, CALL_URI_MAX, b, m->from.uri);
	c->to_len = copy_str(c->to, CALL_URI_MAX, b, m->to.uri);
	c->from_tag_len = copy_str(c->from_tag, CALL_TAG_MAX, b, m->from.tag);
	c->from_display_len = copy_str(c->from_display, CALL_DISPLAY_MAX, b, m->from.display);
	c->to_display_len = copy_str(c->to_display, CALL_DISPLAY_MAX, b, m->to.display);
	c->user_agent_len = copy_str(c->user_agent, CALL_UA_MAX, b, m->user_agent);
	if (sig != NULL)
		c->sig = *sig;
	c->via_tp = m->via.tp;
	c->setup_time = c->invite_time = c->last_activity = x->now;
	c->bye_side = CALL_SIDE_CALLER;
	ct->stats.created++;
	if (m->to.tag.len != 0) {
		/* first seen mid-call: the re-INVITE's sender plays the caller */
		c->flags |= CALL_F_PARTIAL;
		c->state = CALL_S_ESTABLISHED;
		c->invite_cseq = NO_CSEQ;
		set_to_tag(c, x);
		inc16(&c->counts.reinvite);
		c->reinvite_seen = 1;
		c->reinvite_side = CALL_SIDE_CALLER;
		c->reinvite_cseq = x->cseq;
	} else {
		c->state = CALL_S_TRYING;
		c->invite_cseq = x->cseq;
		c->invite_branch = m->via.branch.len
					   ? sip_hash(ct->conf.hash_seed, b + m->via.branch.off,
						     m->via.branch.len)
					   : 0;
		inc16(&c->counts.invite);
	}
	note_delayed(c, x);
	handle_sdp(ct, c, x);
}

/* Make room: terminated first (withdrawn, lingering, finished), then setup, then active. */
static void
evict_one(struct call_table *ct, struct call_update *upd)
{
	static const uint8_t order[] = {CL_DONE, CL_LINGER, CL_FINISHED, CL_SETUP, CL_ACTIVE};
	struct call_expect ex[CALL_MAX_EXPECT];
	unsigned int i, n, k;
	uint32_t slot = NIL;

	for (i = 0; i < sizeof(order); i++) {
		slot = ct->list_head[order[i]];
		if (slot != NIL)
			break;
	}
	if (slot == NIL)
		return;
	if (order[i] == CL_SETUP)
		ct->stats.evicted_setup++;
	else if (order[i] == CL_ACTIVE)
		ct->stats.evicted_active++;
	else
		ct->stats.evicted_terminated++;
	n = build_expect(ct, &ct->calls[slot], ex);
	for (k = 0; k < n && upd->ndel < CALL_UPDATE_MAX_DEL; k++)
		upd->del[upd->ndel++] = ex[k].key;
	call_free(ct, slot);
}

int
call_table_sip(struct call_table *ct, const uint8_t *buf, const struct sip_msg *msg,
	const struct sdp_session *sdp, uint64_t now, const struct call_sig *sig,
	struct call_update *upd, struct call_ref *ref)
{
	struct call_expect before[CALL_MAX_EXPECT], after[CALL_MAX_EXPECT];
	unsigned int nbefore = 0, nafter;
	struct msgctx x;
	struct call *c;
	uint32_t h, slot;
	bool restarted = false;
	int res, o;

	if (ref != NULL) {
		ref->slot = UINT32_MAX;
		ref->gen = 0;
	}
	if (upd != NULL)
		upd->nadd = upd->ndel = upd->more = 0;
	if (ct == NULL || buf == NULL || msg == NULL || upd == NULL)
		return -EINVAL;

	if ((msg->kind != SIP_KIND_REQUEST && msg->kind != SIP_KIND_RESPONSE) ||
		msg->call_id.len == 0) {
		res = CALL_SIP_NOT_CALL;
		goto out;
	}
	memset(&x, 0, sizeof(x));
	x.buf = buf;
	x.m = msg;
	x.has_sdp = (msg->flags & SIP_F_SDP) != 0;
	x.sdp = x.has_sdp ? sdp : NULL;
	x.req = msg->kind == SIP_KIND_REQUEST;
	x.method = x.req ? msg->method : msg->cseq_method;
	x.status = x.req ? 0 : msg->status;
	x.cseq = msg->cseq;
	x.now = now;

	if (x.method == SIP_METHOD_REGISTER || x.method == SIP_METHOD_PUBLISH) {
		res = CALL_SIP_NOT_CALL;
		goto out;
	}
	h = sip_hash(ct->conf.hash_seed, buf + msg->call_id.off, msg->call_id.len);
	slot = index_find(ct, h, buf + msg->call_id.off, msg->call_id.len);

	if (slot == NIL) {
		if (!x.req || x.method != SIP_METHOD_INVITE) {
			res = dialog_method(x.method) ? CALL_SIP_UNKNOWN_CALL : CALL_SIP_NOT_CALL;
			goto out;
		}
		if (ct->count >= ct->capacity)
			evict_one(ct, upd);
		slot = call_alloc(ct, h);
		if (slot == NIL) { /* cannot happen: eviction freed one */
			res = CALL_SIP_NOT_CALL;
			goto out;
		}
		c = &ct->calls[slot];
		x.orig = x.sender = CALL_SIDE_CALLER;
		call_create(ct, c, &x, sig);
		res = CALL_SIP_NEW;
	} else {
		c = &ct->calls[slot];
		nbefore = build_expect(ct, c, before);
		o = orig_side(c, &x);
		if (o < 0) {
			res = -1;
		} else {
			x.orig = (uint8_t)o;
			x.sender = x.req ? x.orig : (uint8_t)!x.orig;
			if (other_dialog(c, &x))
				res = -1;
			else if (x.req)
				res = on_request(ct, c, &x, &restarted);
			else
				res = on_response(ct, c, &x);
		}
		if (res < 0) {
			inc16(&c->counts.stray);
			res = CALL_SIP_STRAY;
		} else if (!x.req && x.status >= 100 && x.status <= 699) {
			inc16(&c->counts.resp[x.status / 100 - 1]);
			if (msg->server.len != 0 && c->user_agent_len == 0)
				c->user_agent_len =
					copy_str(c->user_agent, CALL_UA_MAX, buf, msg->server);
		}
		if (res == CALL_SIP_RETRANS)
			inc16(&c->counts.retrans);
	}

	if (res != CALL_SIP_STRAY) {
		if (now > c->last_activity)
			c->last_activity = now;
		relist(ct, slot, list_of(c) == CL_ACTIVE || restarted);
	}
	nafter = build_expect(ct, c, after);
	emit_diff(upd, before, nbefore, after, nafter);
	drop_readded(upd);
	if (ref != NULL) {
		ref->slot = slot;
		ref->gen = c->gen;
	}
out:
	ct->stats.sip[res]++;
	ct->stats.expect_added += upd->nadd;
	ct->stats.expect_deleted += upd->ndel;
	return res;
}

/* ---- timers ------------------------------------------------------------------------------ */

enum tick_action {
	TICK_NONE = 0,
	TICK_SETUP_TIMEOUT,
	TICK_SESSION_TIMEOUT,
	TICK_WITHDRAW,
	TICK_FREE,
};

/* The next timer action due at now, and its call; each list is ordered by its deadline. */
static enum tick_action
tick_next(const struct call_table *ct, uint64_t now, uint32_t *slot)
{
	const struct call_table_conf *cf = &ct->conf;
	uint32_t s;

	s = ct->list_head[CL_SETUP];
	if (s != NIL && cf->setup_timeout_ns != 0 &&
		elapsed(now, ct->calls[s].invite_time) >= cf->setup_timeout_ns) {
		*slot = s;
		return TICK_SETUP_TIMEOUT;
	}
	s = ct->list_head[CL_ACTIVE];
	if (s != NIL && cf->session_timeout_ns != 0 &&
		elapsed(now, ct->calls[s].last_activity) >= cf->session_timeout_ns) {
		*slot = s;
		return TICK_SESSION_TIMEOUT;
	}
	s = ct->list_head[CL_LINGER];
	if (s != NIL && elapsed(now, ct->calls[s].end_time) >= cf->linger_ns) {
		*slot = s;
		return TICK_WITHDRAW;
	}
	s = ct->list_head[CL_DONE];
	if (s != NIL && cf->retain_ns != 0 &&
		elapsed(now, ct->calls[s].end_time) >= sat_add(cf->linger_ns, cf->retain_ns)) {
		*slot = s;
		return TICK_FREE;
	}
	return TICK_NONE;
}

unsigned int
call_table_tick(struct call_table *ct, uint64_t now, struct call_update *upd, unsigned int budget)
{
	struct call_expect ex[CALL_MAX_EXPECT];
	enum tick_action act;
	unsigned int done = 0, n, k;
	uint32_t slot = NIL;
	struct call *c;

	if (upd != NULL)
		upd->nadd = upd->ndel = upd->more = 0;
	if (ct == NULL || upd == NULL)
		return 0;
	while ((act = tick_next(ct, now, &slot)) != TICK_NONE) {
		if (done >= budget) {
			upd->more = 1;
			break;
		}
		c = &ct->calls[slot];
		switch (act) {
		case TICK_SETUP_TIMEOUT:
			terminate(c, CALL_REASON_TIMEOUT, now);
			ct->stats.timeout_setup++;
			break;
		case TICK_SESSION_TIMEOUT:
			terminate(c, CALL_REASON_SESSION_TIMEOUT, now);
			ct->stats.timeout_session++;
			break;
		case TICK_WITHDRAW:
			n = build_expect(ct, c, ex);
			if (upd->ndel + n > CALL_UPDATE_MAX_DEL) {
				upd->more = 1;
				goto out;
			}
			for (k = 0; k < n; k++)
				upd->del[upd->ndel++] = ex[k].key;
			c->flags |= CALL_F_WITHDRAWN;
			break;
		case TICK_FREE:
			call_free(ct, slot);
			ct->stats.freed++;
			done++;
			continue;
		case TICK_NONE:
			break;
		}
		relist(ct, slot, false);
		done++;
	}
out:
	ct->stats.expect_deleted += upd->ndel;
	return done;
}

unsigned int
call_table_finish(struct call_table *ct, uint64_t now)
{
	unsigned int n = 0;
	uint32_t i;

	if (ct == NULL)
		return 0;
	for (i = 0; i < ct->capacity; i++) {
		struct call *c = &ct->calls[i];

		if (!c->in_use || c->state == CALL_S_TERMINATED ||
			c->reason == CALL_REASON_ACTIVE_AT_END)
			continue;
		c->reason = CALL_REASON_ACTIVE_AT_END;
		c->end_time = now;
		c->tset |= CALL_T_END;
		relist(ct, i, false);
		n++;
	}
	return n;
}

int
call_table_touch(struct call_table *ct, struct call_ref ref, uint64_t now)
{
	struct call *c;

	if (call_table_get(ct, ref) == NULL)
		return -ENOENT;
	c = &ct->calls[ref.slot];
	if (now > c->last_activity)
		c->last_activity = now;
	if (c->list == CL_ACTIVE)
		relist(ct, ref.slot, true);
	return 0;
}
