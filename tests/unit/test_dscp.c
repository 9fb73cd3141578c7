/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/* DSCP marking: RFC 1624 incremental checksum against a full recomputation, corner cases. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dscp.h"
#include "pkt_parse.h"

/* A 20-byte IPv4 header: 10.0.0.1 -> 10.0.0.2, UDP, TTL 64, TOS 0, checksum filled below. */
static const uint8_t ipv4_base[20] = {
	0x45, 0x00, 0x00, 0x54, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
	0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
};

static uint16_t
full_cksum(uint8_t *h)
{
	uint32_t sum = 0;
	unsigned int i;

	h[10] = h[11] = 0;
	for (i = 0; i < 20; i += 2)
		sum += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
set_cksum(uint8_t *h)
{
	uint16_t c = full_cksum(h);

	h[10] = (uint8_t)(c >> 8);
	h[11] = (uint8_t)c;
}

static void
test_ipv4_every_dscp(void **state)
{
	uint8_t h[20], ref[20];
	unsigned int from, to, ecn;

	(void)state;
	for (from = 0; from <= DSCP_MAX; from += 7) {
		for (to = 0; to <= DSCP_MAX; to++) {
			for (ecn = 0; ecn < 4; ecn++) {
				memcpy(h, ipv4_base, 20);
				h[1] = (uint8_t)(from << 2 | ecn);
				set_cksum(h);
				dscp_ipv4_set(h, (uint8_t)to);
				assert_int_equal(dscp_ipv4_get(h), to);
				assert_int_equal(h[1] & 3, ecn); /* ECN untouched */
				memcpy(ref, h, 20);
				/* the header verifies: the one's complement sum is 0xffff */
				assert_int_equal(pkt_ipv4_hdr_cksum(h, 20), 0);
				set_cksum(ref);
				assert_memory_equal(h + 10, ref + 10, 2);
			}
		}
	}
}

/* Random headers: the incremental result equals a full recomputation every time. */
static void
test_ipv4_random_headers(void **state)
{
	uint8_t h[20], ref[20];
	unsigned int i, j;

	(void)state;
	srand(1624);
	for (i = 0; i < 100000; i++) {
		memcpy(h, ipv4_base, 20);
		for (j = 2; j < 20; j++)
			if (j != 10 && j != 11)
				h[j] = (uint8_t)rand();
		h[1] = (uint8_t)rand();
		set_cksum(h);
		dscp_ipv4_set(h, (uint8_t)(rand() & 63));
		memcpy(ref, h, 20);
		set_cksum(ref);
		assert_memory_equal(h + 10, ref + 10, 2);
	}
}

/*
 * RFC 1624's corner cases: a header whose checksum is 0x0000 before or after the change.
 * The full recomputation of a real header never yields 0xffff (the sum of a header with a
 * non-zero version byte is never zero), so the update must not produce it either.
 */
static void
test_ipv4_checksum_corners(void **state)
{
	uint8_t h[20], ref[20];
	unsigned int i, found_zero_before = 0, found_zero_after = 0;

	(void)state;
	/* search the identification field for headers whose checksum lands on 0x0000 */
	for (i = 0; i < 65536; i++) {
		unsigned int d;

		memcpy(h, ipv4_base, 20);
		h[4] = (uint8_t)(i >> 8);
		h[5] = (uint8_t)i;
		set_cksum(h);
		for (d = 0; d <= DSCP_MAX; d += 9) {
			uint8_t t[20];
			bool zero_before = h[10] == 0 && h[11] == 0;

			memcpy(t, h, 20);
			dscp_ipv4_set(t, (uint8_t)d);
			memcpy(ref, t, 20);
			set_cksum(ref);
			assert_memory_equal(t + 10, ref + 10, 2);
			assert_false(t[10] == 0xff && t[11] == 0xff);
			found_zero_before += zero_before && d != 0;
			found_zero_after += t[10] == 0 && t[11] == 0;
		}
	}
	assert_true(found_zero_before > 0);
	assert_true(found_zero_after > 0);
	/* the update formula itself at the extremes */
	assert_int_equal(dscp_cksum_update16(0x0000, 0x4500, 0x4500), 0x0000);
	/* eqn. 3 never yields "negative zero": 0xffff comes back as 0x0000 */
	assert_int_equal(dscp_cksum_update16(0xffff, 0x4500, 0x4500), 0x0000);
	/* RFC 1624 section 4's example: HC 0xdd2f, m 0x5555 -> m' 0x3285 gives 0x0000 */
	assert_int_equal(dscp_cksum_update16(0xdd2f, 0x5555, 0x3285), 0x0000);
}

static void
test_ipv4_unchanged(void **state)
{
	uint8_t h[20];

	(void)state;
	memcpy(h, ipv4_base, 20);
	h[1] = 46 << 2 | 1;
	set_cksum(h);
	assert_false(dscp_ipv4_set(h, 46));
	assert_true(dscp_ipv4_set(h, 24));
	assert_int_equal(h[1], 24 << 2 | 1);
}

/* IPv6: version 6, traffic class 0xab (DSCP 42, ECN 3), flow label 0xcdef1. */
static void
test_ipv6(void **state)
{
	uint8_t h[4] = { 0x6a, 0xbc, 0xde, 0xf1 };
	unsigned int d;

	(void)state;
	assert_int_equal(dscp_ipv6_get(h), 0xab >> 2);
	for (d = 0; d <= DSCP_MAX; d++) {
		dscp_ipv6_set(h, (uint8_t)d);
		assert_int_equal(dscp_ipv6_get(h), d);
		assert_int_equal(h[0] >> 4, 6);		/* version kept */
		assert_int_equal((h[1] >> 4) & 3, 3);	/* ECN kept */
		assert_int_equal(h[1] & 0x0f, 0xc);	/* flow label kept */
		assert_int_equal(h[2], 0xde);
		assert_int_equal(h[3], 0xf1);
	}
	assert_false(dscp_ipv6_set(h, DSCP_MAX));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_every_dscp),
		cmocka_unit_test(test_ipv4_random_headers),
		cmocka_unit_test(test_ipv4_checksum_corners),
		cmocka_unit_test(test_ipv4_unchanged),
		cmocka_unit_test(test_ipv6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
