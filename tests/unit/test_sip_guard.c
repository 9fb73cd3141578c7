/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/* SIP protection table: rate limit, sweep detection, blocklist expiry, call counts, bounded
 * table with counted eviction. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sip_guard.h"

static struct sip_guard g;
static void *mem;

static void
setup(uint32_t sources, uint32_t rps, uint32_t burst, uint32_t sweep, uint32_t block_s)
{
	struct sip_guard_conf c = { .rate_rps = rps, .rate_burst = burst, .sweep_users = sweep,
		.sweep_window_s = 60, .block_s = block_s };

	free(mem);
	mem = aligned_alloc(64, sip_guard_mem_size(sources));
	memset(mem, 0, sip_guard_mem_size(sources));
	assert_int_equal(sip_guard_init(&g, mem, sources, &c, 42), 0);
}

/* 10.0.0.1 */
static const uint8_t src1[16] = { 10, 0, 0, 1 };
/* 2001:db8::1 */
static const uint8_t src6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

static void
test_rate_limit(void **state)
{
	unsigned int i, pass = 0;
	uint64_t t;

	(void)state;
	setup(1024, 10, 20, 0, 0);
	/* 100 requests at once: the burst passes */
	for (i = 0; i < 100; i++)
		pass += sip_guard_request(&g, 4, src1, 1000, 0) == SIP_GUARD_PASS;
	assert_int_equal(pass, 20);
	/* then 50 per second for 10 s: 10 per second pass */
	pass = 0;
	for (t = 1000; t < 11000; t += 20)
		pass += sip_guard_request(&g, 4, src1, t + 20, 0) == SIP_GUARD_PASS;
	assert_true(pass >= 99 && pass <= 101);
	/* another source has its own bucket */
	assert_int_equal(sip_guard_request(&g, 6, src6, 11000, 0), SIP_GUARD_PASS);
}

static void
test_sweep_and_block(void **state)
{
	unsigned int i;
	char user[16];
	enum sip_guard_verdict v = SIP_GUARD_PASS;

	(void)state;
	setup(1024, 0, 1, 10, 30);
	/* the same user again and again is no sweep */
	for (i = 0; i < 50; i++)
		assert_int_equal(sip_guard_request(&g, 4, src1, 1000 + i,
					 sip_guard_user_hash((const uint8_t *)"100", 3)),
				SIP_GUARD_PASS);
	for (i = 0; i < 40 && v == SIP_GUARD_PASS; i++) {
		int n = snprintf(user, sizeof(user), "%u", 200 + i);

		v = sip_guard_request(&g, 4, src1, 2000 + i, sip_guard_user_hash((uint8_t *)user,
									    (uint32_t)n));
	}
	assert_int_equal(v, SIP_GUARD_SWEEP);
	assert_true(i >= 9 && i <= 14); /* about sweep_users distinct users */
	assert_true(sip_guard_blocked(&g, 4, src1, 3000));
	assert_int_equal(sip_guard_request(&g, 4, src1, 3000, 0), SIP_GUARD_BLOCKED);
	assert_int_equal(sip_guard_blocked_count(&g, 3000), 1);
	/* expiry after block_s */
	assert_false(sip_guard_blocked(&g, 4, src1, 2000 + 30 * 1000 + 100));
	assert_int_equal(sip_guard_blocked_count(&g, 40000), 0);
	/* explicit block */
	sip_guard_block(&g, 6, src6, 5000);
	assert_true(sip_guard_blocked(&g, 6, src6, 5001));
}

static void
test_calls(void **state)
{
	(void)state;
	setup(64, 0, 1, 0, 0);
	assert_int_equal(sip_guard_calls_add(&g, 4, src1, 1, 0), 0);
	assert_int_equal(sip_guard_calls_add(&g, 4, src1, 1, 0), 1);
	assert_int_equal(sip_guard_calls_add(&g, 4, src1, 1, 0), 2);
	assert_int_equal(sip_guard_calls_add(&g, 4, src1, -1, 0), 3);
	assert_int_equal(sip_guard_calls_add(&g, 4, src1, -1, 0), 2);
	assert_int_equal(sip_guard_calls_add(&g, 4, src1, -1, 0), 1);
	/* never below zero */
	assert_int_equal(sip_guard_calls_add(&g, 4, src1, -1, 0), 0);
	assert_int_equal(sip_guard_calls_add(&g, 4, src1, 1, 0), 0);
}

/* More sources than the table holds: evictions are counted, nothing breaks. */
static void
test_bounded(void **state)
{
	struct sip_guard_stats st;
	uint8_t a[16] = { 0 };
	unsigned int i;

	(void)state;
	setup(64, 100, 100, 0, 0);
	for (i = 0; i < 10000; i++) {
		a[0] = 10;
		a[1] = (uint8_t)(i >> 16);
		a[2] = (uint8_t)(i >> 8);
		a[3] = (uint8_t)i;
		assert_int_equal(sip_guard_request(&g, 4, a, i, 0), SIP_GUARD_PASS);
	}
	sip_guard_stats(&g, &st);
	assert_true(st.sources_evicted >= 10000 - 64);
	assert_int_equal(st.sources_unplaced, 0);
}

static void
test_init_checks(void **state)
{
	struct sip_guard_conf c = { 0 };
	struct sip_guard x;
	uint8_t buf[64 * 64] __attribute__((aligned(64)));

	(void)state;
	assert_int_not_equal(sip_guard_init(&x, buf, 48, &c, 1), 0); /* not a power of two */
	assert_int_not_equal(sip_guard_init(&x, buf, 2, &c, 1), 0);  /* fewer than the ways */
	assert_int_not_equal(sip_guard_init(&x, NULL, 64, &c, 1), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_sweep_and_block),
		cmocka_unit_test(test_calls),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_init_checks),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	free(mem);
	return rc;
}
