/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/* Meter wrappers: profiles for a nanosecond clock, policing accuracy, colours, validation. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "meter.h"

#define NS 1000000000ull

/* Offer len-byte packets every gap_ns for seconds; return bytes of each colour. */
static void
offer(struct meter *m, const struct meter_profile *p, uint64_t t0, uint32_t len, uint64_t gap_ns,
		unsigned int seconds, uint64_t bytes[METER_COLOURS])
{
	uint64_t t;

	memset(bytes, 0, sizeof(uint64_t) * METER_COLOURS);
	for (t = t0; t < t0 + seconds * NS; t += gap_ns)
		bytes[meter_check(m, p, t, len)] += len;
}

/* A stream at twice CIR through srTCM with EBS 0: green is CIR x time + CBS, within 0.5%. */
static void
test_srtcm_polices_to_cir(void **state)
{
	struct meter_params mp = { .type = METER_SRTCM, .cir = 10000, .cbs = 2000, .pbs = 0 };
	struct meter_profile p;
	struct meter m;
	uint64_t b[METER_COLOURS];
	double expect = 10000.0 * 20 + 2000;

	(void)state;
	assert_int_equal(meter_profile_init(&p, &mp, NULL, 0), 0);
	/* capture-like time base far from zero */
	meter_init(&m, &p, 1700000000ull * NS);
	offer(&m, &p, 1700000000ull * NS, 200, 10 * 1000000ull, 20, b); /* 20000 B/s */
	assert_true(b[METER_GREEN] > expect * 0.995 && b[METER_GREEN] < expect * 1.005);
	assert_int_equal(b[METER_YELLOW], 0);
	assert_true(b[METER_RED] > 0);
}

/* In profile (half CIR): everything green. */
static void
test_in_profile_all_green(void **state)
{
	struct meter_params mp = { .type = METER_TRTCM, .cir = 10000, .pir = 20000, .cbs = 1500,
		.pbs = 3000 };
	struct meter_profile p;
	struct meter m;
	uint64_t b[METER_COLOURS];

	(void)state;
	assert_int_equal(meter_profile_init(&p, &mp, NULL, 0), 0);
	meter_init(&m, &p, 0);
	offer(&m, &p, 0, 100, 20 * 1000000ull, 30, b); /* 5000 B/s */
	assert_int_equal(b[METER_YELLOW] + b[METER_RED], 0);
	assert_int_equal(b[METER_GREEN], 5000 * 30);
}

/* trTCM at 1.5 x CIR (below PIR): green ~CIR, the rest yellow, no red. */
static void
test_trtcm_yellow_between_cir_and_pir(void **state)
{
	struct meter_params mp = { .type = METER_TRTCM, .cir = 10000, .pir = 20000, .cbs = 1000,
		.pbs = 2000 };
	struct meter_profile p;
	struct meter m;
	uint64_t b[METER_COLOURS];

	(void)state;
	assert_int_equal(meter_profile_init(&p, &mp, NULL, 0), 0);
	meter_init(&m, &p, 5 * NS);
	offer(&m, &p, 5 * NS, 150, 10 * 1000000ull, 10, b); /* 15000 B/s */
	assert_int_equal(b[METER_RED], 0);
	assert_true(b[METER_GREEN] >= 100000 * 0.99 && b[METER_GREEN] <= 101000 * 1.01);
	assert_true(b[METER_YELLOW] > 0);
}

/* RFC 4115 at 3 x CIR with EIR = CIR: about a third each. */
static void
test_rfc4115_three_colours(void **state)
{
	struct meter_params mp = { .type = METER_TRTCM_4115, .cir = 10000, .pir = 10000,
		.cbs = 1000, .pbs = 1000 };
	struct meter_profile p;
	struct meter m;
	uint64_t b[METER_COLOURS];

	(void)state;
	assert_int_equal(meter_profile_init(&p, &mp, NULL, 0), 0);
	meter_init(&m, &p, 0);
	offer(&m, &p, 0, 300, 10 * 1000000ull, 10, b); /* 30000 B/s */
	assert_true(b[METER_GREEN] > 99000 && b[METER_GREEN] < 102000);
	assert_true(b[METER_YELLOW] > 99000 && b[METER_YELLOW] < 102000);
	assert_true(b[METER_RED] > 95000);
}

/* High rates use bytes-per-period > 1 and stay within 1%. */
static void
test_high_rate_accuracy(void **state)
{
	struct meter_params mp = { .type = METER_SRTCM, .cir = 1250000000ull /* 10 Gbit/s */,
		.cbs = 100000, .pbs = 0 };
	struct meter_profile p;
	struct meter m;
	uint64_t b[METER_COLOURS];

	(void)state;
	assert_int_equal(meter_profile_init(&p, &mp, NULL, 0), 0);
	assert_true(p.p.sr.cir_bytes_per_period > 1);
	meter_init(&m, &p, 0);
	offer(&m, &p, 0, 1500, 600, 1, b); /* 2.5 GB/s for one second */
	assert_true(b[METER_GREEN] > 1250000000.0 * 0.99 && b[METER_GREEN] < 1250000000.0 * 1.01);
}

static void
test_none_is_green(void **state)
{
	struct meter_params mp = { .type = METER_NONE };
	struct meter_profile p;
	struct meter m;

	(void)state;
	assert_int_equal(meter_profile_init(&p, &mp, NULL, 0), 0);
	meter_init(&m, &p, 0);
	assert_int_equal(meter_check(&m, &p, 1, 100000), METER_GREEN);
}

static void
test_validation(void **state)
{
	struct meter_profile p;
	char err[128];
	struct meter_params bad[] = {
		{ .type = METER_SRTCM, .cir = 0, .cbs = 10 },			/* no CIR */
		{ .type = METER_SRTCM, .cir = 10, .cbs = 0 },			/* no CBS */
		{ .type = METER_TRTCM, .cir = 100, .pir = 50, .cbs = 1, .pbs = 1 }, /* PIR < CIR */
		{ .type = METER_TRTCM, .cir = 100, .pir = 200, .cbs = 1, .pbs = 0 }, /* no PBS */
		{ .type = METER_TRTCM_4115, .cir = 100, .pir = 10, .cbs = 1, .pbs = 0 }, /* EIR, no EBS */
		{ .type = METER_SRTCM, .cir = 100000000000ull, .cbs = 1 },	/* 800 Gbit/s */
		{ .type = 9, .cir = 1, .cbs = 1 },				/* unknown type */
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_not_equal(meter_profile_init(&p, &bad[i], err, sizeof(err)), 0);
		assert_true(strlen(err) > 0);
	}
	assert_string_equal(meter_type_name(METER_TRTCM_4115), "trtcm_rfc4115");
	assert_string_equal(meter_colour_name(METER_RED), "red");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_srtcm_polices_to_cir),
		cmocka_unit_test(test_in_profile_all_green),
		cmocka_unit_test(test_trtcm_yellow_between_cir_and_pir),
		cmocka_unit_test(test_rfc4115_three_colours),
		cmocka_unit_test(test_high_rate_accuracy),
		cmocka_unit_test(test_none_is_green),
		cmocka_unit_test(test_validation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
