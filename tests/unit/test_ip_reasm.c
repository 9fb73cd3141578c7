/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Unit tests for reassembly and refragmentation (rte_ip_frag behind the fragment guard):
 * datagrams come back byte-identical whatever the fragment order, every drop reason is
 * counted, timeouts and shutdown release what is held, refragmented output is valid, and the
 * mempool's in-use count always returns to where it started.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_mbuf.h>

#include "ip_reasm.h"
#include "pkt_parse.h"
#include "vpep_counters.h"

#define MS 1000000ull

static struct rte_mempool *pool, *ind_pool;
static uint64_t ctr[VPEP_CTR_MAX];

static int
setup(void **state)
{
	char *argv[] = { "test_ip_reasm", "--no-huge", "-m", "256", "--no-shconf", "--no-pci",
		"-l", "0", "--log-level=*:error", NULL };

	(void)state;
	if (rte_eal_init(9, argv) < 0 || ip_reasm_global_init() != 0)
		return -1;
	pool = rte_pktmbuf_pool_create("t_pkt", 4095, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	ind_pool = rte_pktmbuf_pool_create("t_ind", 1023, 0, 0, 0, 0);
	return pool && ind_pool ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	rte_eal_cleanup();
	return 0;
}

static struct ip_reasm *
reasm_held(uint32_t max_frags, uint32_t max_dgrams, uint32_t max_held)
{
	struct ip_reasm_conf c = {
		.max_datagrams = max_dgrams,
		.max_fragments = max_frags,
		.timeout_ms = 100,
		.max_size = 65535,
		.max_held = max_held,
	};
	static int n;
	char name[32];
	struct ip_reasm *r;

	snprintf(name, sizeof(name), "ra%d", n++);
	memset(ctr, 0, sizeof(ctr));
	r = ip_reasm_create(name, &c, 0, ctr);
	assert_non_null(r);
	return r;
}

static struct ip_reasm *
reasm(uint32_t max_frags, uint32_t max_dgrams)
{
	return reasm_held(max_frags, max_dgrams, 0);
}

static uint16_t
cksum(const uint8_t *p, uint32_t n)
{
	return pkt_ipv4_hdr_cksum(p, n);
}

/*
 * The datagram under test: Ethernet + IPv4 (id 0x4242) + UDP 5060->5060 + `plen` bytes of a
 * counting pattern. Written into d, returns the frame length.
 */
static uint32_t
datagram4(uint8_t *d, uint32_t plen)
{
	uint32_t ip_len = 20 + 8 + plen, i;

	memset(d, 0, 42);
	d[12] = 0x08;
	d[14] = 0x45;
	d[16] = (uint8_t)(ip_len >> 8);
	d[17] = (uint8_t)ip_len;
	d[18] = 0x42;
	d[19] = 0x42;
	d[22] = 64;
	d[23] = 17;
	d[26] = 10, d[29] = 1, d[30] = 10, d[33] = 2;
	d[24] = d[25] = 0;
	{
		uint16_t c = cksum(d + 14, 20);

		d[24] = (uint8_t)(c >> 8);
		d[25] = (uint8_t)c;
	}
	d[34] = 0x13, d[35] = 0xc4, d[36] = 0x13, d[37] = 0xc4;
	d[38] = (uint8_t)((8 + plen) >> 8);
	d[39] = (uint8_t)(8 + plen);
	d[40] = d[41] = 0;
	for (i = 0; i < plen; i++)
		d[42 + i] = (uint8_t)(i * 7);
	return 14 + ip_len;
}

/* One IPv4 fragment of datagram d: payload bytes [ofs, ofs+len) of the IP payload. */
static struct rte_mbuf *
frag4(const uint8_t *d, uint32_t ofs, uint32_t len, int more)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *p;
	uint16_t fo, c;

	assert_non_null(m);
	assert_non_null(rte_pktmbuf_append(m, (uint16_t)(14 + 20 + len)));
	p = rte_pktmbuf_mtod(m, uint8_t *);
	memcpy(p, d, 34);
	memcpy(p + 34, d + 34 + ofs, len);
	p[16] = (uint8_t)((20 + len) >> 8);
	p[17] = (uint8_t)(20 + len);
	fo = (uint16_t)((ofs / 8) | (more ? 0x2000 : 0));
	p[20] = (uint8_t)(fo >> 8);
	p[21] = (uint8_t)fo;
	p[24] = p[25] = 0;
	c = cksum(p + 14, 20);
	p[24] = (uint8_t)(c >> 8);
	p[25] = (uint8_t)c;
	return m;
}

static struct rte_mbuf *
feed(struct ip_reasm *r, struct rte_mbuf *m, uint64_t now)
{
	struct pkt_meta meta;

	assert_int_equal(pkt_parse(rte_pktmbuf_mtod(m, uint8_t *), rte_pktmbuf_data_len(m), 0,
					 &meta),
			0);
	assert_true(meta.flags & PKT_F_FRAG);
	return ip_reasm_input(r, m, &meta, now);
}

/* The reassembled packet equals the original datagram byte for byte (checksum included). */
static void
expect_same(struct rte_mbuf *m, const uint8_t *d, uint32_t n)
{
	uint8_t buf[8192];
	const uint8_t *p;

	assert_non_null(m);
	assert_int_equal(rte_pktmbuf_pkt_len(m), n);
	p = rte_pktmbuf_read(m, 0, n, buf);
	assert_memory_equal(p, d, n);
	rte_pktmbuf_free(m);
}

static void
expect_pool_back(void)
{
	assert_int_equal(rte_mempool_in_use_count(pool), 0);
	assert_int_equal(rte_mempool_in_use_count(ind_pool), 0);
}

static void
test_orders(void **state)
{
	static const int orders[4][3] = { { 0, 1, 2 }, { 2, 1, 0 }, { 1, 2, 0 }, { 2, 0, 1 } };
	uint8_t d[4096];
	uint32_t n = datagram4(d, 2992); /* IP payload 3000 = 1480 + 1480 + 40 */
	int o, i;

	(void)state;
	for (o = 0; o < 4; o++) {
		struct ip_reasm *r = reasm(8, 64);
		struct rte_mbuf *out = NULL;
		uint16_t mtu = 0;

		for (i = 0; i < 3; i++) {
			int f = orders[o][i];
			struct rte_mbuf *m = frag4(d, (uint32_t)f * 1480, f == 2 ? 40 : 1480, f != 2);

			out = feed(r, m, (uint64_t)(i + 1) * MS);
			if (i < 2)
				assert_null(out);
		}
		assert_true(ip_reasm_is_reassembled(out, &mtu));
		assert_int_equal(mtu, 1500);
		expect_same(out, d, n);
		assert_int_equal(ctr[VPEP_CTR_frag_received], 3);
		assert_int_equal(ctr[VPEP_CTR_frag_reassembled], 1);
		assert_int_equal(ip_reasm_pending(r), 0);
		ip_reasm_free(r, 0);
		expect_pool_back();
	}
}

static void
test_duplicate_then_complete(void **state)
{
	struct ip_reasm *r = reasm(8, 64);
	uint8_t d[4096];
	uint32_t n = datagram4(d, 2992);

	(void)state;
	/* first, middle, middle again, last */
	assert_null(feed(r, frag4(d, 0, 1480, 1), MS));
	assert_null(feed(r, frag4(d, 1480, 1480, 1), MS));
	assert_null(feed(r, frag4(d, 1480, 1480, 1), MS));
	expect_same(feed(r, frag4(d, 2960, 40, 0), MS), d, n);
	assert_int_equal(ctr[VPEP_CTR_frag_duplicate], 1);
	ip_reasm_free(r, 0);
	expect_pool_back();
}

static void
test_overlap_discards_datagram(void **state)
{
	struct ip_reasm *r = reasm(8, 64);
	uint8_t d[4096];

	(void)state;
	datagram4(d, 2992);
	/* first fragment, then one starting 8 bytes before its end, then the real rest */
	assert_null(feed(r, frag4(d, 0, 1480, 1), MS));
	assert_null(feed(r, frag4(d, 1472, 1488, 1), MS));
	assert_null(feed(r, frag4(d, 2960, 40, 0), MS));
	assert_int_equal(ctr[VPEP_CTR_frag_overlap], 1);
	assert_int_equal(ctr[VPEP_CTR_frag_of_bad_datagram], 1);
	/* the first fragment is still held until the timeout releases it, counted */
	assert_int_equal(rte_mempool_in_use_count(pool), 1);
	ip_reasm_tick(r, 200 * MS);
	assert_int_equal(ctr[VPEP_CTR_frag_of_bad_datagram], 2);
	assert_int_equal(ip_reasm_pending(r), 0);
	expect_pool_back();
	ip_reasm_free(r, 0);
}

static void
test_too_many(void **state)
{
	struct ip_reasm *r = reasm(4, 64);
	uint8_t d[4096];
	uint32_t i;

	(void)state;
	datagram4(d, 392); /* 400 bytes of IP payload in 5 fragments of 80 */
	for (i = 0; i < 4; i++)
		assert_null(feed(r, frag4(d, i * 80, 80, 1), MS));
	assert_null(feed(r, frag4(d, 320, 80, 0), MS));
	assert_int_equal(ctr[VPEP_CTR_frag_too_many], 1);
	ip_reasm_free(r, 0);
	/* the four accepted fragments of the condemned datagram, counted when released */
	assert_int_equal(ctr[VPEP_CTR_frag_of_bad_datagram], 4);
	expect_pool_back();
}

static void
test_timeout_and_exit(void **state)
{
	struct ip_reasm *r = reasm(8, 64);
	uint8_t d[4096];

	(void)state;
	datagram4(d, 2992);
	/* two of three fragments, then silence past the 100 ms timeout */
	assert_null(feed(r, frag4(d, 0, 1480, 1), 10 * MS));
	assert_null(feed(r, frag4(d, 1480, 1480, 1), 20 * MS));
	ip_reasm_tick(r, 50 * MS);
	assert_int_equal(ip_reasm_pending(r), 1);
	ip_reasm_tick(r, 111 * MS);
	assert_int_equal(ctr[VPEP_CTR_frag_timeout], 2);
	assert_int_equal(ip_reasm_pending(r), 0);
	expect_pool_back();
	/* the late last fragment starts a new datagram that never completes... */
	assert_null(feed(r, frag4(d, 2960, 40, 0), 120 * MS));
	/* ...and is counted as incomplete at shutdown */
	ip_reasm_free(r, 130 * MS);
	assert_int_equal(ctr[VPEP_CTR_frag_incomplete_at_exit], 1);
	expect_pool_back();

	/* shut down after its timeout passed but before any pass looked: still a timeout */
	r = reasm(8, 64);
	assert_null(feed(r, frag4(d, 0, 1480, 1), 10 * MS));
	ip_reasm_free(r, 500 * MS);
	assert_int_equal(ctr[VPEP_CTR_frag_timeout], 1);
	assert_int_equal(ctr[VPEP_CTR_frag_incomplete_at_exit], 0);
	expect_pool_back();
}

static void
test_stale_entry_restarts(void **state)
{
	struct ip_reasm *r = reasm(8, 64);
	uint8_t d[4096];
	uint32_t n = datagram4(d, 2992);

	(void)state;
	/* a first fragment, no tick at all, then the whole datagram again after the timeout */
	assert_null(feed(r, frag4(d, 0, 1480, 1), 10 * MS));
	assert_null(feed(r, frag4(d, 0, 1480, 1), 300 * MS));
	assert_int_equal(ctr[VPEP_CTR_frag_timeout], 1);
	assert_null(feed(r, frag4(d, 1480, 1480, 1), 301 * MS));
	expect_same(feed(r, frag4(d, 2960, 40, 0), 302 * MS), d, n);
	ip_reasm_tick(r, 303 * MS);
	ip_reasm_free(r, 0);
	expect_pool_back();
}

static void
test_table_full(void **state)
{
	struct ip_reasm *r = reasm(8, 16);
	uint8_t d[4096];
	int i;

	(void)state;
	datagram4(d, 2992);
	/* first fragments of 17 different datagrams when 16 fit */
	for (i = 0; i < 17; i++) {
		struct rte_mbuf *m = frag4(d, 0, 1480, 1);
		uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
		uint16_t c;

		p[18] = (uint8_t)i; /* a different IP id each time */
		p[24] = p[25] = 0;
		c = cksum(p + 14, 20);
		p[24] = (uint8_t)(c >> 8);
		p[25] = (uint8_t)c;
		assert_null(feed(r, m, MS));
	}
	assert_int_equal(ctr[VPEP_CTR_frag_table_full], 1);
	assert_int_equal(ip_reasm_pending(r), 16);
	ip_reasm_free(r, 0);
	assert_int_equal(ctr[VPEP_CTR_frag_incomplete_at_exit], 16);
	expect_pool_back();
}

static void
test_held_bound(void **state)
{
	struct ip_reasm *r = reasm_held(8, 64, 3);
	uint8_t d[4096];
	uint32_t n = datagram4(d, 2992);

	(void)state;
	/* at most three fragments held: a fourth datagram's first fragment is refused... */
	assert_null(feed(r, frag4(d, 0, 1480, 1), MS));
	assert_null(feed(r, frag4(d, 1480, 1480, 1), MS));
	d[19] = 0x43; /* another IP id, header checksum fixed below */
	d[24] = d[25] = 0;
	{
		uint16_t c = cksum(d + 14, 20);

		d[24] = (uint8_t)(c >> 8);
		d[25] = (uint8_t)c;
	}
	assert_null(feed(r, frag4(d, 0, 1480, 1), MS));
	assert_null(feed(r, frag4(d, 1480, 1480, 1), MS));
	assert_int_equal(ctr[VPEP_CTR_frag_table_full], 1);
	assert_int_equal(rte_mempool_in_use_count(pool), 3);
	/* ...but the fragment that completes the first datagram is let in and frees room */
	datagram4(d, 2992);
	expect_same(feed(r, frag4(d, 2960, 40, 0), MS), d, n);
	assert_int_equal(ctr[VPEP_CTR_frag_table_full], 1);
	assert_int_equal(rte_mempool_in_use_count(pool), 1);
	/* a fragment that does not complete anything is still refused at the limit */
	assert_null(feed(r, frag4(d, 0, 1480, 1), MS));
	assert_null(feed(r, frag4(d, 1480, 1480, 1), MS));
	assert_int_equal(rte_mempool_in_use_count(pool), 3);
	assert_null(feed(r, frag4(d, 0, 1480, 1), 2 * MS)); /* a duplicate, and over budget */
	assert_int_equal(ctr[VPEP_CTR_frag_table_full], 2);
	ip_reasm_free(r, 0);
	/* one fragment of the second datagram, two of the restarted first */
	assert_int_equal(ctr[VPEP_CTR_frag_incomplete_at_exit], 3);
	expect_pool_back();
}

static void
test_refragment(void **state)
{
	struct ip_reasm *r = reasm(8, 64);
	struct rte_mbuf *out, *frags[16];
	uint8_t d[4096], got[4096];
	uint32_t n = datagram4(d, 2992), covered = 0;
	unsigned int nf, i;

	(void)state;
	/* reassembled at MTU 1500, cut again: three valid fragments carrying the same bytes */
	assert_null(feed(r, frag4(d, 0, 1480, 1), MS));
	assert_null(feed(r, frag4(d, 1480, 1480, 1), MS));
	out = feed(r, frag4(d, 2960, 40, 0), MS);
	assert_non_null(out);
	nf = ip_reasm_refragment(r, out, 14, 4, 0, frags, 16, pool, ind_pool);
	assert_int_equal(nf, 3);
	for (i = 0; i < nf; i++) {
		uint8_t buf[2048];
		const uint8_t *p;
		struct pkt_meta meta;
		uint32_t len = rte_pktmbuf_pkt_len(frags[i]);

		assert_true(len - 14 <= 1500);
		p = rte_pktmbuf_read(frags[i], 0, len, buf);
		/* pkt_parse verifies the header checksum */
		assert_int_equal(pkt_parse(p, len, 0, &meta), 0);
		assert_true(meta.flags & PKT_F_FRAG);
		assert_memory_equal(p, d, 14);
		memcpy(got + 34 + meta.frag_offset, p + 34, meta.frag_payload_len);
		covered += meta.frag_payload_len;
		rte_pktmbuf_free(frags[i]);
	}
	assert_int_equal(covered, n - 34);
	assert_memory_equal(got + 34, d + 34, n - 34);
	assert_int_equal(ctr[VPEP_CTR_frag_refragmented], 1);
	assert_int_equal(ctr[VPEP_CTR_frag_fragments_out], 3);

	/* a port MTU smaller than what the path carried wins */
	assert_null(feed(r, frag4(d, 0, 1480, 1), MS));
	assert_null(feed(r, frag4(d, 1480, 1480, 1), MS));
	out = feed(r, frag4(d, 2960, 40, 0), MS);
	nf = ip_reasm_refragment(r, out, 14, 4, 576, frags, 16, pool, ind_pool);
	assert_int_equal(nf, 6); /* 3000 bytes in 552-byte pieces */
	for (i = 0; i < nf; i++) {
		assert_true(rte_pktmbuf_pkt_len(frags[i]) - 14 <= 576);
		rte_pktmbuf_free(frags[i]);
	}
	ip_reasm_free(r, 0);
	expect_pool_back();
}

/* IPv6 with a Destination Options header before the Fragment header. */
static uint32_t
frag6_frame(uint8_t *p, const uint8_t *payload, uint32_t ofs, uint32_t len, int more)
{
	uint32_t plen = 8 + 8 + len;

	memset(p, 0, 14 + 40 + 16);
	p[12] = 0x86, p[13] = 0xdd;
	p[14] = 0x60;
	p[18] = (uint8_t)(plen >> 8), p[19] = (uint8_t)plen;
	p[20] = 60;  /* next: destination options */
	p[21] = 64;
	p[22] = 0x20, p[37] = 1, p[38] = 0x20, p[53] = 2;
	p[54] = 44;  /* dest opts -> fragment */
	p[56] = 1, p[57] = 4; /* PadN, 4 bytes */
	p[62] = 17;  /* fragment -> UDP */
	p[64] = (uint8_t)((ofs | (more ? 1 : 0)) >> 8);
	p[65] = (uint8_t)(ofs | (more ? 1 : 0));
	p[69] = 9;   /* identification */
	memcpy(p + 70, payload + ofs, len);
	return 70 + len;
}

static void
test_ipv6_with_ext_headers(void **state)
{
	struct ip_reasm *r = reasm(8, 64);
	uint8_t payload[2000], fr[2100], buf[4096];
	struct rte_mbuf *m, *out = NULL;
	const uint8_t *p;
	uint32_t i, n;

	(void)state;
	/* a 2000-byte UDP datagram (header + pattern) in two IPv6 fragments */
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 13);
	payload[0] = 0x13, payload[1] = 0xc4, payload[2] = 0x13, payload[3] = 0xc4;
	payload[4] = (uint8_t)(2000 >> 8), payload[5] = (uint8_t)2000;
	for (i = 0; i < 2; i++) {
		n = frag6_frame(fr, payload, i * 1200, i ? 800 : 1200, !i);
		uint8_t *dst;

		m = rte_pktmbuf_alloc(pool);
		assert_non_null(m);
		dst = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)n);
		assert_non_null(dst);
		memcpy(dst, fr, n);
		out = feed(r, m, MS);
	}
	assert_non_null(out);
	assert_int_equal(ctr[VPEP_CTR_ipv6_frag_ext_stripped], 2);
	/* Ethernet + IPv6 (no extension headers left) + the 2000 bytes */
	assert_int_equal(rte_pktmbuf_pkt_len(out), 14 + 40 + 2000);
	p = rte_pktmbuf_read(out, 0, 14 + 40 + 2000, buf);
	assert_int_equal(p[20], 17);
	assert_int_equal((p[18] << 8) | p[19], 2000);
	assert_memory_equal(p + 54, payload, 2000);
	rte_pktmbuf_free(out);
	ip_reasm_free(r, 0);
	expect_pool_back();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_orders),
		cmocka_unit_test(test_duplicate_then_complete),
		cmocka_unit_test(test_overlap_discards_datagram),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_timeout_and_exit),
		cmocka_unit_test(test_stale_entry_restarts),
		cmocka_unit_test(test_table_full),
		cmocka_unit_test(test_held_bound),
		cmocka_unit_test(test_refragment),
		cmocka_unit_test(test_ipv6_with_ext_headers),
	};

	return cmocka_run_group_tests_name("ip_reasm", tests, setup, teardown);
}
