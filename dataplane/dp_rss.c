/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <rte_thash.h>

#include "dp.h"
#include "dp_rss.h"

void
dp_rss_symmetric_key(uint8_t *key, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		key[i] = (i & 1) ? 0x5a : 0x6d;
}

static uint32_t
be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint32_t
dp_rss_hash(const struct flow_key *k, const uint8_t *key)
{
	uint32_t t[9];
	unsigned int n = 0, i, words = k->family == 4 ? 1 : 4;
	int l4 = k->proto == 6 || k->proto == 17;

	/* rte_softrss takes the tuple as host-order 32-bit words, in the order of
	 * struct rte_ipv4_tuple / rte_ipv6_tuple: source, destination, then sport:dport. */
	for (i = 0; i < words; i++)
		t[n++] = be32_at(k->addr_lo + 4 * i);
	for (i = 0; i < words; i++)
		t[n++] = be32_at(k->addr_hi + 4 * i);
	if (l4)
		t[n++] = (uint32_t)k->port_lo << 16 | k->port_hi;
	return rte_softrss(t, n, key);
}

unsigned int
dp_rss_owner(const struct flow_key *k)
{
	uint32_t h = dp_rss_hash(k, dp.rss_key);

	return (h % dp.rss_reta_size) % dp.n_workers;
}
