/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Scanning shared by the text parsers (SIP, SDP): the next of one or two bytes (CR/LF, SP/HT,
 * ':'), and the first byte outside a character class, sixteen bytes at a time with SSSE3 where
 * the build has it (DPDK's own baseline on x86 is SSE4.2, so every machine that runs the
 * dataplane has it); otherwise the searches go eight bytes at a time (SWAR) on little-endian
 * machines and the class skip one byte at a time. Every scanner reads only [b, b + e): the last partial
 * block is read as the sixteen bytes that end at e, with the bytes before p masked off, so a
 * packet's last bytes are scanned without reading past them.
 */

#ifndef TEXT_SCAN_H
#define TEXT_SCAN_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#if defined(__SSSE3__)
#include <tmmintrin.h>
#define TEXT_SCAN_SIMD 1
#endif

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

/*
 * A set of ASCII bytes as a nibble table: byte c (< 0x80) is in the set iff bit (c >> 4) of
 * lo[c & 15] is set; no byte >= 0x80 is. The same sixteen bytes drive a PSHUFB lookup (two
 * shuffles and an AND classify sixteen bytes) and the scalar test.
 */
struct byte_class {
	uint8_t lo[16];
};

static inline bool
byte_class_has(const struct byte_class *cls, uint8_t c)
{
	return c < 0x80 && ((cls->lo[c & 15] >> (c >> 4)) & 1) != 0;
}

#ifdef TEXT_SCAN_SIMD
/* One bit per byte of v that is not in cls. */
static inline uint32_t
simd_not_in(__m128i v, __m128i lo_tab)
{
	const __m128i hi_tab = _mm_setr_epi8(1, 2, 4, 8, 16, 32, 64, (char)128, 0, 0, 0, 0, 0, 0, 0, 0);
	const __m128i nib = _mm_set1_epi8(0x0f);
	__m128i lo = _mm_shuffle_epi8(lo_tab, _mm_and_si128(v, nib));
	__m128i hi = _mm_shuffle_epi8(hi_tab, _mm_and_si128(_mm_srli_epi16(v, 4), nib));
	__m128i in = _mm_and_si128(lo, hi);

	return (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(in, _mm_setzero_si128()));
}

/* One bit per byte of v that is c1 or c2. */
static inline uint32_t
simd_eq2(__m128i v, uint8_t c1, uint8_t c2)
{
	return (uint32_t)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)c1)),
		_mm_cmpeq_epi8(v, _mm_set1_epi8((char)c2))));
}

#define TEXT_SCAN_LOAD(b, p) _mm_loadu_si128((const __m128i *)(const void *)((b) + (p)))
#endif

/* First byte at or after p (p <= e) that is not in cls, or e. */
static inline uint32_t
skip_in_class(const uint8_t *b, uint32_t p, uint32_t e, const struct byte_class *cls)
{
#ifdef TEXT_SCAN_SIMD
	const __m128i tab = TEXT_SCAN_LOAD(cls->lo, 0);
	uint32_t hit;

	for (; e - p >= 16; p += 16) {
		hit = simd_not_in(TEXT_SCAN_LOAD(b, p), tab);
		if (hit != 0)
			return p + (uint32_t)__builtin_ctz(hit);
	}
	if (p < e && e >= 16) {
		hit = simd_not_in(TEXT_SCAN_LOAD(b, e - 16), tab) >> (16 - (e - p));
		return hit != 0 ? p + (uint32_t)__builtin_ctz(hit) : e;
	}
#endif
	while (p < e && byte_class_has(cls, b[p]))
		p++;
	return p;
}

/* First byte equal to c1 or c2 at or after p, or len. */
static inline uint32_t
find_either(const uint8_t *b, uint32_t p, uint32_t len, uint8_t c1, uint8_t c2)
{
#if defined(TEXT_SCAN_SIMD)
	uint32_t hit;

	for (; len - p >= 16; p += 16) {
		hit = simd_eq2(TEXT_SCAN_LOAD(b, p), c1, c2);
		if (hit != 0)
			return p + (uint32_t)__builtin_ctz(hit);
	}
	if (p < len && len >= 16) {
		hit = simd_eq2(TEXT_SCAN_LOAD(b, len - 16), c1, c2) >> (16 - (len - p));
		return hit != 0 ? p + (uint32_t)__builtin_ctz(hit) : len;
	}
#elif defined(SWAR_ONES)
	while (len - p >= 8) {
		uint64_t w, hit;

		memcpy(&w, b + p, 8);
		hit = swar_eq(w, c1) | swar_eq(w, c2);
		if (hit != 0)
			return p + ((uint32_t)__builtin_ctzll(hit) >> 3);
		p += 8;
	}
#endif
	while (p < len && b[p] != c1 && b[p] != c2)
		p++;
	return p;
}

/* First byte c at or after p, or len. */
static inline uint32_t
find_byte(const uint8_t *b, uint32_t p, uint32_t len, uint8_t c)
{
	return find_either(b, p, len, c, c);
}

/* First CR or LF at or after p, or len. */
static inline uint32_t
find_crlf(const uint8_t *b, uint32_t p, uint32_t len)
{
	return find_either(b, p, len, '\r', '\n');
}

#endif /* TEXT_SCAN_H */
