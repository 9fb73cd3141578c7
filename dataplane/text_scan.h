/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Line scanning shared by the text parsers (SIP, SDP): find the next CR or LF eight bytes at a
 * time (SWAR) where the byte order allows, one byte at a time otherwise.
 */

#ifndef TEXT_SCAN_H
#define TEXT_SCAN_H

#include <stdint.h>
#include <string.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SWAR_ONES  0x0101010101010101ull
#define SWAR_HIGHS 0x8080808080808080ull

/*
 * High bit set in each byte of v equal to c. A byte just above a match may also be flagged
 * (borrow), never one below, so the lowest flag is exact.
 */
static inline uint64_t
swar_eq(uint64_t v, uint8_t c)
{
	uint64_t x = v ^ (SWAR_ONES * c);

	return (x - SWAR_ONES) & ~x & SWAR_HIGHS;
}
#endif

/* First CR or LF at or after p, or len. */
static inline uint32_t
find_crlf(const uint8_t *b, uint32_t p, uint32_t len)
{
#ifdef SWAR_ONES
	while (len - p >= 8) {
		uint64_t w, hit;

		memcpy(&w, b + p, 8);
		hit = swar_eq(w, '\r') | swar_eq(w, '\n');
		if (hit != 0)
			return p + ((uint32_t)__builtin_ctzll(hit) >> 3);
		p += 8;
	}
#endif
	while (p < len && b[p] != '\r' && b[p] != '\n')
		p++;
	return p;
}

#endif /* TEXT_SCAN_H */
