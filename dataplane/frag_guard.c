/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <string.h>

#include "frag_guard.h"

void
frag_guard_init(struct frag_guard *g)
{
	memset(g, 0, sizeof(*g));
}

uint32_t
frag_guard_min_first(uint8_t proto)
{
	switch (proto) {
	case 6:
		return 20; /* TCP: the flags must be in the first fragment (RFC 1858) */
	case 17:
		return 8;
	case 132:
		return 12;
	default:
		return 0;
	}
}

enum frag_verdict
frag_guard_check(struct frag_guard *g, uint32_t ofs, uint32_t len, int more, uint32_t hdr_len,
		uint32_t l3_len, uint32_t min_first, uint32_t max_frags, uint32_t max_size)
{
	uint32_t end = ofs + len;
	unsigned int i;

	if (g->poisoned)
		return FRAG_BAD_DATAGRAM;
	if (len == 0 || (ofs == 0 && len < min_first)) {
		g->poisoned = 1;
		return FRAG_TINY;
	}
	if (hdr_len + end > max_size || (g->have_last && !more && end != g->total) ||
			(g->have_last && end > g->total)) {
		g->poisoned = 1;
		return FRAG_OVERSIZE;
	}
	for (i = 0; i < g->n; i++) {
		const struct frag_range *r = &g->r[i];

		if (r->ofs == ofs && r->len == len)
			return FRAG_DUPLICATE;
		if (ofs < r->ofs + r->len && r->ofs < end) {
			g->poisoned = 1;
			return FRAG_OVERLAP;
		}
	}
	if (!more) {
		/* The last fragment fixes the size; anything already past it is impossible. */
		for (i = 0; i < g->n; i++) {
			if (g->r[i].ofs + g->r[i].len > end) {
				g->poisoned = 1;
				return FRAG_OVERSIZE;
			}
		}
		g->have_last = 1;
		g->total = end;
	}
	if (g->n >= max_frags || g->n >= FRAG_GUARD_MAX) {
		g->poisoned = 1;
		return FRAG_TOO_MANY;
	}
	g->r[g->n].ofs = ofs;
	g->r[g->n].len = len;
	g->n++;
	g->covered += len;
	if (l3_len > g->max_l3_len)
		g->max_l3_len = (uint16_t)(l3_len > 0xffff ? 0xffff : l3_len);
	/* Ranges never overlap, so full coverage means every byte is present. */
	if (g->have_last && g->covered == g->total)
		return FRAG_COMPLETE;
	return FRAG_ACCEPT;
}
