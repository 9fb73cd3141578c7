/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * text_scan.h: the sixteen-byte scanners (SSSE3 in this build on x86) against a byte-by-byte
 * reference, for every start and end offset of random buffers (so every alignment and every
 * length of the last partial block), and a check that nothing outside [b, b + e) is read.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sip_parse.h"
#include "text_scan.h"

static uint32_t
ref_skip(const uint8_t *b, uint32_t p, uint32_t e, const uint8_t *member)
{
	while (p < e && member[b[p]])
		p++;
	return p;
}

static uint32_t
ref_crlf(const uint8_t *b, uint32_t p, uint32_t e)
{
	while (p < e && b[p] != '\r' && b[p] != '\n')
		p++;
	return p;
}

/* A random class over ASCII, as a table and as a membership array. */
static void
random_class(struct byte_class *cls, uint8_t *member, unsigned int density)
{
	unsigned int c;

	memset(cls, 0, sizeof(*cls));
	memset(member, 0, 256);
	for (c = 0; c < 0x80; c++) {
		if ((unsigned int)(rand() % 100) < density) {
			member[c] = 1;
			cls->lo[c & 15] |= (uint8_t)(1u << (c >> 4));
		}
	}
}

static void
test_skip_in_class_matches_reference(void **state)
{
	enum { LEN = 48 };
	struct byte_class cls;
	uint8_t member[256], buf[LEN];
	unsigned int round, i;
	uint32_t p, e, checked = 0;

	(void)state;
	srand(7);
	for (round = 0; round < 400; round++) {
		/* dense classes give long runs, so the sixteen-byte steps are taken too */
		random_class(&cls, member, round % 2 ? 97 : 60);
		for (i = 0; i < LEN; i++) /* mostly members, some any byte (incl. >= 0x80) */
			buf[i] = rand() % 8 ? (uint8_t)(rand() % 0x80) : (uint8_t)rand();
		for (i = 0; i < 256; i++)
			assert_int_equal(byte_class_has(&cls, (uint8_t)i), member[i]);
		for (e = 0; e <= LEN; e++)
			for (p = 0; p <= e; p++, checked++)
				assert_int_equal(skip_in_class(buf, p, e, &cls), ref_skip(buf, p, e, member));
	}
	assert_true(checked > 400000);
}

static void
test_find_crlf_matches_reference(void **state)
{
	enum { LEN = 48 };
	uint8_t buf[LEN];
	unsigned int round, i;
	uint32_t p, e;

	(void)state;
	srand(11);
	for (round = 0; round < 400; round++) {
		for (i = 0; i < LEN; i++) {
			int r = rand() % 40;
			buf[i] = r == 0 ? '\r' : r == 1 ? '\n' : (uint8_t)rand();
			if (buf[i] == '\r' || buf[i] == '\n')
				buf[i] = round % 3 ? buf[i] : 'x'; /* some buffers with none at all */
		}
		for (e = 0; e <= LEN; e++)
			for (p = 0; p <= e; p++)
				assert_int_equal(find_crlf(buf, p, e), ref_crlf(buf, p, e));
	}
}

/*
 * The scanners read only [b, b + e): a buffer exactly e bytes long on the heap (ASan, in the
 * sanitizer build, reports any read past it), of every length from 1 to 40.
 */
static void
test_scanners_stay_in_bounds(void **state)
{
	struct byte_class all;
	uint32_t n, p;

	(void)state;
	memset(&all, 0xff, sizeof(all));
	for (n = 1; n <= 40; n++) {
		uint8_t *b = malloc(n);

		assert_non_null(b);
		memset(b, 'a', n);
		for (p = 0; p <= n; p++) {
			assert_int_equal(skip_in_class(b, p, n, &all), n);
			assert_int_equal(find_crlf(b, p, n), n);
		}
		b[n - 1] = '\n';
		assert_int_equal(find_crlf(b, 0, n), n - 1);
		free(b);
	}
}

static void
test_sip_parse_self_check(void **state)
{
	(void)state;
	assert_int_equal(sip_parse_self_check(), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_skip_in_class_matches_reference),
		cmocka_unit_test(test_find_crlf_matches_reference),
		cmocka_unit_test(test_scanners_stay_in_bounds),
		cmocka_unit_test(test_sip_parse_self_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
