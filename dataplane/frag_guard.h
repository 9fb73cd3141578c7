/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Fragment admission checks, in front of rte_ip_frag.
 *
 * rte_ip_frag reassembles, but when a datagram goes wrong it frees everything without saying
 * why, and it cannot cope with a duplicated middle fragment. The guard keeps, per datagram, the
 * byte ranges already accepted and decides for each new fragment: accept, drop it as an exact
 * duplicate (harmless, the datagram still completes), or condemn the whole datagram (overlap
 * per RFC 5722, too many fragments, oversize per the "ping of death", a first fragment too
 * small for the transport header per RFC 1858 / RFC 7112). Each verdict maps to its own
 * counter. Pure logic: no allocation, no DPDK.
 */

#ifndef FRAG_GUARD_H
#define FRAG_GUARD_H

#include <stdint.h>

#define FRAG_GUARD_MAX 8 /* = RTE_LIBRTE_IP_FRAG_MAX_FRAG in Debian's DPDK build */

enum frag_verdict {
	FRAG_ACCEPT,      /* hand it to the reassembler */
	FRAG_COMPLETE,    /* accepted, and the datagram now has every byte */
	FRAG_DUPLICATE,   /* drop this fragment only */
	FRAG_OVERLAP,     /* drop, and discard the datagram */
	FRAG_TOO_MANY,
	FRAG_OVERSIZE,
	FRAG_TINY,
	FRAG_BAD_DATAGRAM, /* the datagram was discarded earlier */
};

struct frag_range {
	uint32_t ofs;
	uint32_t len;
};

struct frag_guard {
	uint8_t n;            /* fragments accepted */
	uint8_t poisoned;     /* datagram discarded: drop everything else of it */
	uint8_t have_last;
	uint8_t reserved;
	uint16_t max_l3_len;  /* largest fragment seen (IP header + data): the refragment MTU */
	uint16_t reserved2;
	uint32_t total;       /* datagram payload length once the last fragment is seen */
	uint32_t covered;     /* payload bytes accepted */
	struct frag_range r[FRAG_GUARD_MAX];
};

void frag_guard_init(struct frag_guard *g);

/*
 * Judge one fragment: payload bytes [ofs, ofs + len), `more` = MF set, `l3_len` = size of the
 * fragment from its IP header on, `min_first` = bytes the first fragment must carry (the
 * transport header), max_frags and max_size from the configuration (max_size bounds the
 * reassembled IP packet, header included, so hdr_len is passed too).
 */
enum frag_verdict frag_guard_check(struct frag_guard *g, uint32_t ofs, uint32_t len, int more,
		uint32_t hdr_len, uint32_t l3_len, uint32_t min_first, uint32_t max_frags,
		uint32_t max_size);

/* Bytes a first fragment must hold for transport protocol `proto` (0 if none needed). */
uint32_t frag_guard_min_first(uint8_t proto);

#endif /* FRAG_GUARD_H */
