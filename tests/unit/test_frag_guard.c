/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Unit tests for the fragment guard: every verdict, in-order and out-of-order completion,
 * the refragmentation size it records, and that a condemned datagram stays condemned.
 * Fragments are described by (offset, length, more) in bytes of IP payload.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "frag_guard.h"

#define HDR 20      /* IPv4 header without options */
#define MAXF 8
#define MAXSZ 65535

static enum frag_verdict
add(struct frag_guard *g, uint32_t ofs, uint32_t len, int more)
{
	return frag_guard_check(g, ofs, len, more, HDR, HDR + len, 8, MAXF, MAXSZ);
}

static void
test_in_order(void **state)
{
	struct frag_guard g;

	(void)state;
	frag_guard_init(&g);
	/* a 3000-byte UDP datagram cut at MTU 1500: 1480 + 1480 + 40 */
	assert_int_equal(add(&g, 0, 1480, 1), FRAG_ACCEPT);
	assert_int_equal(add(&g, 1480, 1480, 1), FRAG_ACCEPT);
	assert_int_equal(add(&g, 2960, 40, 0), FRAG_COMPLETE);
	assert_int_equal(g.total, 3000);
	assert_int_equal(g.max_l3_len, 1500);
	assert_int_equal(g.n, 3);
}

static void
test_out_of_order(void **state)
{
	struct frag_guard g;

	(void)state;
	frag_guard_init(&g);
	/* the same datagram arriving last fragment first, first fragment last */
	assert_int_equal(add(&g, 2960, 40, 0), FRAG_ACCEPT);
	assert_int_equal(add(&g, 1480, 1480, 1), FRAG_ACCEPT);
	assert_int_equal(add(&g, 0, 1480, 1), FRAG_COMPLETE);
}

static void
test_duplicate(void **state)
{
	struct frag_guard g;

	(void)state;
	frag_guard_init(&g);
	/* the middle fragment sent twice: the copy is dropped, the datagram completes */
	assert_int_equal(add(&g, 0, 1480, 1), FRAG_ACCEPT);
	assert_int_equal(add(&g, 1480, 1480, 1), FRAG_ACCEPT);
	assert_int_equal(add(&g, 1480, 1480, 1), FRAG_DUPLICATE);
	assert_int_equal(add(&g, 2960, 40, 0), FRAG_COMPLETE);
	assert_int_equal(g.n, 3);
}

static void
test_overlap_condemns(void **state)
{
	struct frag_guard g;

	(void)state;
	frag_guard_init(&g);
	/* a second fragment starting 8 bytes into the first (teardrop-style) */
	assert_int_equal(add(&g, 0, 1480, 1), FRAG_ACCEPT);
	assert_int_equal(add(&g, 1472, 1480, 1), FRAG_OVERLAP);
	/* everything after is refused, even a fragment that would fit */
	assert_int_equal(add(&g, 2960, 40, 0), FRAG_BAD_DATAGRAM);
	assert_true(g.poisoned);

	/* RFC 1858 overwrite: TCP header rewritten by a fragment at offset 8 */
	frag_guard_init(&g);
	assert_int_equal(add(&g, 0, 24, 1), FRAG_ACCEPT);
	assert_int_equal(add(&g, 8, 16, 0), FRAG_OVERLAP);
}

static void
test_too_many(void **state)
{
	struct frag_guard g;
	uint32_t i;

	(void)state;
	frag_guard_init(&g);
	/* nine 8-byte fragments when eight are allowed */
	for (i = 0; i < MAXF; i++)
		assert_int_equal(add(&g, i * 8, 8, 1), FRAG_ACCEPT);
	assert_int_equal(add(&g, MAXF * 8, 8, 0), FRAG_TOO_MANY);
	assert_true(g.poisoned);

	/* a configured limit of 3 */
	frag_guard_init(&g);
	assert_int_equal(frag_guard_check(&g, 0, 8, 1, HDR, 28, 8, 3, MAXSZ), FRAG_ACCEPT);
	assert_int_equal(frag_guard_check(&g, 8, 8, 1, HDR, 28, 8, 3, MAXSZ), FRAG_ACCEPT);
	assert_int_equal(frag_guard_check(&g, 16, 8, 1, HDR, 28, 8, 3, MAXSZ), FRAG_ACCEPT);
	assert_int_equal(frag_guard_check(&g, 24, 8, 0, HDR, 28, 8, 3, MAXSZ), FRAG_TOO_MANY);
}

static void
test_oversize(void **state)
{
	struct frag_guard g;

	(void)state;
	/* ping of death: a fragment at offset 65528 with 100 bytes goes past 65535 */
	frag_guard_init(&g);
	assert_int_equal(add(&g, 65528, 100, 0), FRAG_OVERSIZE);

	/* exactly 65535 (header included) is still allowed */
	frag_guard_init(&g);
	assert_int_equal(add(&g, 65512, 3, 0), FRAG_ACCEPT);

	/* a configured maximum of 1500 */
	frag_guard_init(&g);
	assert_int_equal(frag_guard_check(&g, 1480, 8, 0, HDR, 28, 8, MAXF, 1500), FRAG_OVERSIZE);

	/* a fragment beyond the end the last fragment fixed */
	frag_guard_init(&g);
	assert_int_equal(add(&g, 1480, 40, 0), FRAG_ACCEPT);
	assert_int_equal(add(&g, 1520, 8, 1), FRAG_OVERSIZE);

	/* a second, different last fragment */
	frag_guard_init(&g);
	assert_int_equal(add(&g, 1480, 40, 0), FRAG_ACCEPT);
	assert_int_equal(add(&g, 1488, 40, 0), FRAG_OVERSIZE);

	/* a last fragment ending before bytes already accepted */
	frag_guard_init(&g);
	assert_int_equal(add(&g, 1480, 1480, 1), FRAG_ACCEPT);
	assert_int_equal(add(&g, 0, 8, 0), FRAG_OVERSIZE);
}

static void
test_tiny(void **state)
{
	struct frag_guard g;

	(void)state;
	/* a first fragment of 16 bytes when the TCP header needs 20 */
	frag_guard_init(&g);
	assert_int_equal(frag_guard_check(&g, 0, 16, 1, HDR, 36, 20, MAXF, MAXSZ), FRAG_TINY);
	assert_int_equal(add(&g, 16, 16, 0), FRAG_BAD_DATAGRAM);
	/* an empty fragment */
	frag_guard_init(&g);
	assert_int_equal(add(&g, 8, 0, 1), FRAG_TINY);
	/* min_first applies only at offset 0 */
	frag_guard_init(&g);
	assert_int_equal(frag_guard_check(&g, 8, 8, 1, HDR, 28, 20, MAXF, MAXSZ), FRAG_ACCEPT);
	assert_int_equal(frag_guard_min_first(6), 20);
	assert_int_equal(frag_guard_min_first(17), 8);
	assert_int_equal(frag_guard_min_first(132), 12);
	assert_int_equal(frag_guard_min_first(1), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_duplicate),
		cmocka_unit_test(test_overlap_condemns),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_oversize),
		cmocka_unit_test(test_tiny),
	};

	return cmocka_run_group_tests_name("frag_guard", tests, NULL, NULL);
}
