/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Fuzz target for the L2-L4 parser and the fragment guard.
 *
 * The whole input is a frame. Then, so that the guard sees sequences and not single calls,
 * the input is also read as a list of 6-byte fragment descriptors (offset, length, flags) fed
 * to one frag_guard, checking its invariants: never more than FRAG_GUARD_MAX ranges, accepted
 * ranges never overlap, and "complete" means exactly the whole datagram is covered.
 */

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frag_guard.h"
#include "pkt_parse.h"
#include "vpep_counters.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_meta(const struct pkt_meta *m, uint32_t len, int rc)
{
	assert(rc >= 0 && rc < VPEP_CTR_MAX);
	if (rc != 0)
		return;
	if (m->flags & PKT_F_L4) {
		assert(m->l4_off <= len);
		assert(m->payload_off <= len);
		assert((uint64_t)m->payload_off + m->payload_len <= len);
	}
	assert(m->l2_len <= len);
	assert(m->family == 0 || m->family == 4 || m->family == 6);
}

/* The fast path and the general parser must agree on everything they report. */
static void
check_same(const uint8_t *buf, uint32_t len, uint32_t opts)
{
	struct pkt_meta a, b;
	int ra = pkt_parse(buf, len, opts, &a);
	int rb = pkt_parse_general(buf, len, opts, &b);

	assert(ra == rb);
	assert(memcmp(&a, &b, offsetof(struct pkt_meta, src)) == 0);
	if (ra == 0 && a.family != 0) {
		assert(memcmp(a.src, b.src, 16) == 0);
		assert(memcmp(a.dst, b.dst, 16) == 0);
	}
}

static void
fuzz_guard(const uint8_t *d, size_t n)
{
	struct frag_guard g;
	size_t i;

	frag_guard_init(&g);
	for (i = 0; i + 6 <= n; i += 6) {
		uint32_t ofs = (uint32_t)(d[i] << 8 | d[i + 1]) * 8u;
		uint32_t len = (uint32_t)(d[i + 2] << 8 | d[i + 3]);
		int more = d[i + 4] & 1;
		enum frag_verdict v = frag_guard_check(&g, ofs, len, more, 20, 20 + len,
				(d[i + 5] & 1) ? 8 : 0, 2 + (d[i + 5] >> 5), 65535);
		unsigned int a, b;
		uint32_t covered = 0;

		assert(g.n <= FRAG_GUARD_MAX);
		for (a = 0; a < g.n; a++) {
			covered += g.r[a].len;
			for (b = a + 1; b < g.n; b++)
				assert(g.r[a].ofs + g.r[a].len <= g.r[b].ofs ||
						g.r[b].ofs + g.r[b].len <= g.r[a].ofs);
		}
		assert(covered == g.covered);
		if (v == FRAG_COMPLETE)
			assert(g.have_last && g.covered == g.total);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkt_meta m;
	uint8_t *buf;
	int rc;

	if (size > 70000)
		return 0;
	/* Exactly the input's size, so a one-byte over-read is an ASan report. */
	buf = malloc(size ? size : 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	rc = pkt_parse(buf, (uint32_t)size, 0, &m);
	check_meta(&m, (uint32_t)size, rc);
	rc = pkt_parse(buf, (uint32_t)size, PKT_PARSE_NO_IPV4_CKSUM, &m);
	check_meta(&m, (uint32_t)size, rc);
	check_same(buf, (uint32_t)size, 0);
	check_same(buf, (uint32_t)size, PKT_PARSE_NO_IPV4_CKSUM);
	fuzz_guard(buf, size);
	free(buf);
	return 0;
}
