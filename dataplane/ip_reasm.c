/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>
#include <rte_ip_frag.h>
#include <rte_malloc.h>
#include <rte_mbuf_dyn.h>

#include "frag_guard.h"
#include "ip_reasm.h"
#include "vpep_counters.h"

/* Associativity of the rte_ip_frag table (a power of two, as DPDK's examples use). */
#define REASM_BUCKET_ENTRIES 16
/* Guard entries examined per expiry pass, and how often a pass runs (worker time). A pass
 * costs a walk over hash buckets, so it never runs when nothing is held. */
#define EXPIRE_SCAN_PER_TICK 64
#define EXPIRE_PERIOD_NS 1000000ull

/* Same identity rte_ip_frag uses: addresses and identification (RFC 791 / RFC 8200). */
struct reasm_key {
	uint8_t src[16];
	uint8_t dst[16];
	uint32_t id;
	uint8_t family;
	uint8_t pad[3];
};

struct reasm_slot {
	struct frag_guard g;
	uint64_t first_seen_ns;
};

struct ip_reasm {
	struct rte_ip_frag_tbl *tbl;
	struct rte_ip_frag_death_row dr;
	struct rte_hash *guard;
	struct reasm_slot *slots;
	uint32_t scan_iter;
	uint32_t held;          /* fragments accepted and not yet released */
	uint32_t datagrams;     /* guard entries (datagrams being tracked) */
	uint64_t next_expire_ns;
	uint64_t tmo_ns;
	struct ip_reasm_conf conf;
	uint64_t *ctr;
};

static int reasm_dynfield_off = -1;
uint64_t ip_reasm_dynflag;

int
ip_reasm_global_init(void)
{
	static const struct rte_mbuf_dynfield f = {
		.name = "vpep_reasm_mtu",
		.size = sizeof(uint16_t),
		.align = __alignof__(uint16_t),
	};
	static const struct rte_mbuf_dynflag fl = {
		.name = "vpep_reassembled",
	};
	int bit;

	reasm_dynfield_off = rte_mbuf_dynfield_register(&f);
	if (reasm_dynfield_off < 0)
		return -rte_errno;
	bit = rte_mbuf_dynflag_register(&fl);
	if (bit < 0)
		return -rte_errno;
	ip_reasm_dynflag = RTE_BIT64(bit);
	return 0;
}

int
ip_reasm_is_reassembled(const struct rte_mbuf *m, uint16_t *mtu)
{
	if (!(m->ol_flags & ip_reasm_dynflag) || ip_reasm_dynflag == 0)
		return 0;
	*mtu = *RTE_MBUF_DYNFIELD(m, reasm_dynfield_off, const uint16_t *);
	return 1;
}

struct ip_reasm *
ip_reasm_create(const char *name, const struct ip_reasm_conf *conf, int socket, uint64_t *ctr)
{
	char hname[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
		.entries = conf->max_datagrams,
		.key_len = sizeof(struct reasm_key),
		.hash_func = rte_hash_crc,
		.socket_id = socket,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	struct ip_reasm *r;
	uint32_t buckets;

	r = rte_zmalloc_socket(name, sizeof(*r), RTE_CACHE_LINE_SIZE, socket);
	if (r == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	r->conf = *conf;
	if (r->conf.max_held == 0)
		r->conf.max_held = conf->max_datagrams * 2;
	r->ctr = ctr;
	r->tmo_ns = (uint64_t)conf->timeout_ms * 1000000ull;
	snprintf(hname, sizeof(hname), "%s_g", name);
	hp.name = hname;
	r->guard = rte_hash_create(&hp);
	r->slots = rte_zmalloc_socket(name, (size_t)conf->max_datagrams * sizeof(*r->slots),
			RTE_CACHE_LINE_SIZE, socket);
	/* rte_ip_frag gets twice the guard's room and a sparse table, so that it can never run
	 * out of space before the guard does: every refusal is then decided, and counted, by
	 * the guard. */
	buckets = rte_align32pow2(conf->max_datagrams * 4 / REASM_BUCKET_ENTRIES);
	if (buckets < 16)
		buckets = 16;
	r->tbl = rte_ip_frag_table_create(buckets, REASM_BUCKET_ENTRIES,
			conf->max_datagrams * 2, r->tmo_ns, socket);
	if (r->guard == NULL || r->slots == NULL || r->tbl == NULL) {
		if (rte_errno == 0)
			rte_errno = ENOMEM;
		rte_hash_free(r->guard);
		rte_free(r->slots);
		if (r->tbl != NULL)
			rte_ip_frag_table_destroy(r->tbl);
		rte_free(r);
		return NULL;
	}
	return r;
}

static void
drain_death_row(struct ip_reasm *r, unsigned int room)
{
	if (r->dr.cnt + room > RTE_IP_FRAG_DEATH_ROW_MBUF_LEN)
		rte_ip_frag_free_death_row(&r->dr, 0);
}

/* Account for the fragments a datagram leaves behind when it is given up. */
static void
count_abandoned(struct ip_reasm *r, const struct frag_guard *g, enum vpep_ctr why)
{
	r->ctr[g->poisoned ? VPEP_CTR_frag_of_bad_datagram : why] += g->n;
	r->held -= g->n;
}

void
ip_reasm_free(struct ip_reasm *r, uint64_t now_ns)
{
	const void *key;
	void *data;
	uint32_t iter = 0;
	int32_t pos;

	if (r == NULL)
		return;
	/* What had already timed out by now counts as such, however recently a periodic pass
	 * ran: offline results must not depend on when passes happened. */
	while ((pos = rte_hash_iterate(r->guard, &key, &data, &iter)) >= 0)
		count_abandoned(r, &r->slots[pos].g,
				r->slots[pos].first_seen_ns + r->tmo_ns < now_ns ?
						VPEP_CTR_frag_timeout :
						VPEP_CTR_frag_incomplete_at_exit);
	rte_ip_frag_free_death_row(&r->dr, 0);
	rte_ip_frag_table_destroy(r->tbl);
	rte_hash_free(r->guard);
	rte_free(r->slots);
	rte_free(r);
}

uint32_t
ip_reasm_pending(const struct ip_reasm *r)
{
	return r->datagrams;
}

void
ip_reasm_tick(struct ip_reasm *r, uint64_t now_ns)
{
	const void *key;
	void *data;
	unsigned int i;
	int32_t pos;

	/* Every burst: what rte_ip_frag put on death row goes back to the mempool. */
	if (r->dr.cnt != 0)
		rte_ip_frag_free_death_row(&r->dr, 0);
	if (r->datagrams == 0 || now_ns < r->next_expire_ns)
		return;
	r->next_expire_ns = now_ns + EXPIRE_PERIOD_NS;
	/* Same expiry rule as rte_ip_frag (first fragment + timeout < now), checked first so
	 * that the guard and the reassembler forget a datagram together. */
	for (i = 0; i < EXPIRE_SCAN_PER_TICK; i++) {
		pos = rte_hash_iterate(r->guard, &key, &data, &r->scan_iter);
		if (pos < 0) {
			r->scan_iter = 0;
			break;
		}
		if (r->slots[pos].first_seen_ns + r->tmo_ns < now_ns) {
			count_abandoned(r, &r->slots[pos].g, VPEP_CTR_frag_timeout);
			rte_hash_del_key(r->guard, key);
			r->datagrams--;
		}
	}
	drain_death_row(r, RTE_IP_FRAG_DEATH_ROW_MBUF_LEN);
	rte_ip_frag_table_del_expired_entries(r->tbl, &r->dr, now_ns);
	rte_ip_frag_free_death_row(&r->dr, 0);
}

static void
key_from_meta(const struct pkt_meta *meta, struct reasm_key *k)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->src, meta->src, 16);
	memcpy(k->dst, meta->dst, 16);
	k->id = meta->frag_id;
	k->family = meta->outer_family;
}

static enum vpep_ctr
verdict_counter(enum frag_verdict v)
{
	switch (v) {
	case FRAG_DUPLICATE:
		return VPEP_CTR_frag_duplicate;
	case FRAG_OVERLAP:
		return VPEP_CTR_frag_overlap;
	case FRAG_TOO_MANY:
		return VPEP_CTR_frag_too_many;
	case FRAG_OVERSIZE:
		return VPEP_CTR_frag_oversize;
	case FRAG_TINY:
		return VPEP_CTR_frag_tiny;
	default:
		return VPEP_CTR_frag_of_bad_datagram;
	}
}

/*
 * rte_ip_frag expects the fragment header right after the IPv6 header. When extension
 * headers sit in between (hop-by-hop, destination options, routing) they are removed from
 * this fragment; they are per-hop or per-destination information that inspection does not
 * need, and the counter says it happened.
 */
static int
strip_ipv6_unfrag_ext(struct ip_reasm *r, struct rte_mbuf *m, const struct pkt_meta *meta)
{
	uint32_t ext = meta->ipv6_unfrag_ext_len;
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_ipv6_hdr *ip6;

	memmove(p + ext, p, meta->l2_len + sizeof(*ip6));
	if (rte_pktmbuf_adj(m, (uint16_t)ext) == NULL)
		return -EINVAL;
	ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, meta->l2_len);
	ip6->proto = IPPROTO_FRAGMENT;
	ip6->payload_len = rte_cpu_to_be_16((uint16_t)(rte_be_to_cpu_16(ip6->payload_len) - ext));
	r->ctr[VPEP_CTR_ipv6_frag_ext_stripped]++;
	return 0;
}

static void
fix_ipv4_cksum(struct rte_mbuf *m, uint16_t l2_len)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l2_len);

	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

struct rte_mbuf *
ip_reasm_input(struct ip_reasm *r, struct rte_mbuf *m, const struct pkt_meta *meta,
		uint64_t now_ns)
{
	struct reasm_key key;
	struct reasm_slot *slot;
	struct rte_mbuf *out;
	enum frag_verdict v;
	hash_sig_t sig;
	int32_t pos;
	uint32_t hdr_len, l3_len;
	uint16_t l2_len = meta->l2_len;

	r->ctr[VPEP_CTR_frag_received]++;
	/* rte_ip_frag and the header rewrites below need the headers in the first segment. */
	if (rte_pktmbuf_data_len(m) < (uint32_t)l2_len + meta->outer_l3_len) {
		r->ctr[VPEP_CTR_frag_multiseg_unsupported]++;
		rte_pktmbuf_free(m);
		return NULL;
	}

	if (meta->outer_family == 6 && meta->ipv6_unfrag_ext_len &&
			strip_ipv6_unfrag_ext(r, m, meta) != 0) {
		r->ctr[VPEP_CTR_frag_multiseg_unsupported]++;
		rte_pktmbuf_free(m);
		return NULL;
	}

	key_from_meta(meta, &key);
	sig = rte_hash_crc(&key, sizeof(key), 0);
	pos = rte_hash_lookup_with_hash(r->guard, &key, sig);
	if (pos >= 0 && r->slots[pos].first_seen_ns + r->tmo_ns < now_ns) {
		/* Stale: rte_ip_frag will also restart this datagram from scratch. */
		count_abandoned(r, &r->slots[pos].g, VPEP_CTR_frag_timeout);
		frag_guard_init(&r->slots[pos].g);
		r->slots[pos].first_seen_ns = now_ns;
	}
	/* A fragment flood must not drain the mempool the NIC receives into: past the budget,
	 * only a fragment that completes its datagram (and so frees its fragments) gets in. */
	if (r->held >= r->conf.max_held) {
		const struct frag_guard *g = pos >= 0 ? &r->slots[pos].g : NULL;
		uint32_t end = meta->frag_offset + meta->frag_payload_len;
		int more = !!(meta->flags & PKT_F_FRAG_MORE);
		bool completes = g != NULL && !g->poisoned &&
				((g->have_last && g->covered + meta->frag_payload_len == g->total) ||
				 (!more && g->covered + meta->frag_payload_len == end));

		if (!completes) {
			r->ctr[VPEP_CTR_frag_table_full]++;
			rte_pktmbuf_free(m);
			return NULL;
		}
	}
	if (pos < 0) {
		pos = rte_hash_add_key_with_hash(r->guard, &key, sig);
		if (pos < 0) {
			r->ctr[VPEP_CTR_frag_table_full]++;
			rte_pktmbuf_free(m);
			return NULL;
		}
		frag_guard_init(&r->slots[pos].g);
		r->slots[pos].first_seen_ns = now_ns;
		r->datagrams++;
	}
	slot = &r->slots[pos];

	/* max_size bounds the 16-bit length field of the result: the IPv4 total length (header
	 * included) or the IPv6 payload length. l3_len is the fragment as it will be cut again:
	 * IPv6 without the stripped extension headers. */
	hdr_len = meta->outer_family == 4 ? meta->outer_l3_len : 0;
	l3_len = meta->outer_l3_len - (meta->outer_family == 6 ? meta->ipv6_unfrag_ext_len : 0) +
			meta->frag_payload_len;
	v = frag_guard_check(&slot->g, meta->frag_offset, meta->frag_payload_len,
			!!(meta->flags & PKT_F_FRAG_MORE), hdr_len, l3_len,
			frag_guard_min_first(meta->l4_proto), r->conf.max_fragments,
			r->conf.max_size);
	if (v != FRAG_ACCEPT && v != FRAG_COMPLETE) {
		r->ctr[verdict_counter(v)]++;
		rte_pktmbuf_free(m);
		return NULL;
	}

	r->held++;
	drain_death_row(r, RTE_LIBRTE_IP_FRAG_MAX_FRAG + 1);
	m->l2_len = l2_len;
	if (meta->outer_family == 4) {
		m->l3_len = meta->outer_l3_len;
		out = rte_ipv4_frag_reassemble_packet(r->tbl, &r->dr, m, now_ns,
				rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l2_len));
	} else {
		m->l3_len = sizeof(struct rte_ipv6_hdr) + sizeof(struct rte_ipv6_fragment_ext);
		out = rte_ipv6_frag_reassemble_packet(r->tbl, &r->dr, m, now_ns,
				rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, l2_len),
				rte_pktmbuf_mtod_offset(m, struct rte_ipv6_fragment_ext *,
						l2_len + sizeof(struct rte_ipv6_hdr)));
	}

	if (v == FRAG_ACCEPT && out == NULL)
		return NULL; /* held */

	/* Complete (by the guard's count, or rte_ip_frag's): the datagram leaves the table. */
	{
		uint16_t mtu = slot->g.max_l3_len;
		uint8_t n = slot->g.n;

		rte_hash_del_key_with_hash(r->guard, &key, sig);
		r->datagrams--;
		r->held -= n;
		if (out == NULL) {
			/* rte_ip_frag lost a fragment the guard accepted: only possible if its
			 * own table overflowed. Its fragments are gone with it. */
			r->ctr[VPEP_CTR_frag_table_full] += n;
			return NULL;
		}
		if (meta->outer_family == 4)
			fix_ipv4_cksum(out, l2_len);
		out->ol_flags |= ip_reasm_dynflag;
		*RTE_MBUF_DYNFIELD(out, reasm_dynfield_off, uint16_t *) = mtu;
		r->ctr[VPEP_CTR_frag_reassembled]++;
		return out;
	}
}

unsigned int
ip_reasm_refragment(struct ip_reasm *r, struct rte_mbuf *m, uint16_t l2_len, uint8_t family,
		uint16_t port_mtu, struct rte_mbuf **out, unsigned int max_out,
		struct rte_mempool *direct, struct rte_mempool *indirect)
{
	uint8_t l2[128];
	uint16_t mtu = 0;
	int32_t n;
	int i;

	ip_reasm_is_reassembled(m, &mtu);
	if (port_mtu != 0 && (mtu == 0 || port_mtu < mtu))
		mtu = port_mtu;
	m->ol_flags &= ~ip_reasm_dynflag;
	if (mtu == 0 || rte_pktmbuf_pkt_len(m) - l2_len <= mtu) {
		out[0] = m; /* fits as it is */
		return 1;
	}
	if (l2_len > sizeof(l2) || rte_pktmbuf_data_len(m) < l2_len)
		goto fail;
	memcpy(l2, rte_pktmbuf_mtod(m, void *), l2_len);
	rte_pktmbuf_adj(m, l2_len);
	if (family == 4)
		n = rte_ipv4_fragment_packet(m, out, (uint16_t)max_out, mtu, direct, indirect);
	else
		n = rte_ipv6_fragment_packet(m, out, (uint16_t)max_out, mtu, direct, indirect);
	if (n <= 0)
		goto fail;
	/* The fragments reference m's data through indirect mbufs; drop our own reference. */
	rte_pktmbuf_free(m);
	for (i = 0; i < n; i++) {
		char *h = rte_pktmbuf_prepend(out[i], l2_len);

		if (h == NULL) {
			int j;

			for (j = 0; j < n; j++)
				rte_pktmbuf_free(out[j]);
			r->ctr[VPEP_CTR_frag_refragment_failed]++;
			return 0;
		}
		memcpy(h, l2, l2_len);
		if (family == 4)
			fix_ipv4_cksum(out[i], l2_len);
	}
	r->ctr[VPEP_CTR_frag_refragmented]++;
	r->ctr[VPEP_CTR_frag_fragments_out] += (uint64_t)n;
	return (unsigned int)n;
fail:
	rte_pktmbuf_free(m);
	r->ctr[VPEP_CTR_frag_refragment_failed]++;
	return 0;
}
