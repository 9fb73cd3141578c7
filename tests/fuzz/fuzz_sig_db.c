/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * libFuzzer target for the signature file loader (sig_db_load_text()): the input is a JSON
 * signature file. It must never crash and must always either load or give an error:
 *  - refused: NULL, errno set, and a non-empty message that starts with the file name and
 *    (for anything past the file itself) a "name:line:col: " position;
 *  - loaded: 1..SIG_DB_MAX_SIGS entries with valid ids, classes, transports, ports, unique ids
 *    that sig_db_find() finds again; a scratch can be allocated and the input itself scanned
 *    over TCP and UDP, with a match summary consistent with the entries that matched.
 *
 * The input is copied into a malloc'd buffer of exactly its size. Inputs over 16 KiB are cut:
 * a signature file is small, and Hyperscan's compile time grows with the pattern text.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sig_db.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c);      \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#define MAX_INPUT (16u << 10)

static void
check_scan(
	const struct sig_db *db, struct hs_scratch *scr, const uint8_t *b, uint32_t n, uint8_t l4)
{
	struct sig_matches m;
	uint32_t classes = 0, tags = 0;
	unsigned int i, count = 0;

	CHECK(sig_db_scan(db, scr, b, n, l4, &m) == 0);
	for (i = 0; i < SIG_DB_MAX_SIGS; i++) {
		const struct sig_entry *e;

		if (!sig_matches_test(&m, i))
			continue;
		e = sig_db_entry(db, i);
		CHECK(e != NULL); /* only loaded signatures can match */
		CHECK(n >= e->min_len);
		CHECK(e->transport == SIG_TP_ANY ||
			e->transport == (l4 == 6 ? SIG_TP_TCP : SIG_TP_UDP));
		classes |= 1u << e->cls;
		tags |= e->tags;
		count++;
	}
	CHECK(count == m.count);
	CHECK(classes == m.class_mask);
	CHECK(tags == m.tags);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hs_scratch *scr = NULL;
	struct sig_db *db;
	char err[1024];
	uint8_t *b;
	unsigned int i, k;

	if (size > MAX_INPUT)
		size = MAX_INPUT;
	b = malloc(size ? size : 1);
	CHECK(b != NULL);
	memcpy(b, data, size);
	err[0] = '\0';
	errno = 0;
	db = sig_db_load_text("fuzz.json", (const char *)b, size, err, sizeof(err));
	if (db == NULL) {
		CHECK(errno != 0);
		CHECK(strncmp(err, "fuzz.json:", 10) == 0);
		CHECK(strlen(err) > 10);
		free(b);
		return 0;
	}
	CHECK(sig_db_count(db) >= 1 && sig_db_count(db) <= SIG_DB_MAX_SIGS);
	for (i = 0; i < sig_db_count(db); i++) {
		const struct sig_entry *e = sig_db_entry(db, i);

		CHECK(e != NULL);
		CHECK(e->id[0] != '\0' && strlen(e->id) < SIG_DB_ID_LEN);
		CHECK(sig_db_find(db, e->id) == (int)i); /* ids are unique */
		CHECK(e->cls > VPEP_CLASS_unknown && e->cls < VPEP_CLASS_MAX);
		CHECK(e->cls != VPEP_CLASS_rtp && e->cls != VPEP_CLASS_rtcp &&
			e->cls != VPEP_CLASS_rtp_unsignalled);
		CHECK(e->transport <= SIG_TP_TCP && e->where <= SIG_WHERE_START);
		CHECK(e->n_ports <= SIG_DB_MAX_PORTS);
		for (k = 0; k < e->n_ports; k++)
			CHECK(e->ports[k] != 0);
		CHECK((e->tags & ~SIG_TAG_SCANNER) == 0);
	}
	CHECK(sig_db_entry(db, sig_db_count(db)) == NULL);
	CHECK(sig_db_scratch_alloc(db, &scr) == 0);
	check_scan(db, scr, b, (uint32_t)size, 6);
	check_scan(db, scr, b, (uint32_t)size, 17);
	sig_db_scratch_free(scr);
	sig_db_free(db);
	free(b);
	return 0;
}
