/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * DSCP marking of IPv4 and IPv6 headers in place.
 *
 * IPv4 keeps its header checksum valid with the incremental update of RFC 1624 eqn. 3,
 * HC' = ~(~HC + ~m + m'), over the 16-bit word holding version/IHL and TOS: ten instructions
 * instead of summing the whole header again, and correct in the corner cases RFC 1141's
 * formula gets wrong (a result of 0x0000 stays 0x0000, never the "negative zero" 0xFFFF a
 * full recomputation would not produce). The two ECN bits are never touched (RFC 3168).
 * IPv6 has no header checksum: the traffic class straddles the first two bytes.
 */

#ifndef DSCP_H
#define DSCP_H

#include <stdbool.h>
#include <stdint.h>

#define DSCP_MAX 63

/* The 16-bit one's complement update of RFC 1624 eqn. 3 (host-order words). */
static inline uint16_t
dscp_cksum_update16(uint16_t hc, uint16_t old_word, uint16_t new_word)
{
	uint32_t sum = (uint32_t)(uint16_t)~hc + (uint16_t)~old_word + new_word;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* DSCP of an IPv4 header (ip points at its first byte). */
static inline uint8_t
dscp_ipv4_get(const uint8_t *ip)
{
	return ip[1] >> 2;
}

/* Set the DSCP of an IPv4 header; returns true when the header changed. */
static inline bool
dscp_ipv4_set(uint8_t *ip, uint8_t dscp)
{
	uint8_t tos = (uint8_t)((dscp << 2) | (ip[1] & 0x3));
	uint16_t hc;

	if (tos == ip[1])
		return false;
	hc = (uint16_t)(ip[10] << 8 | ip[11]);
	hc = dscp_cksum_update16(hc, (uint16_t)(ip[0] << 8 | ip[1]), (uint16_t)(ip[0] << 8 | tos));
	ip[1] = tos;
	ip[10] = (uint8_t)(hc >> 8);
	ip[11] = (uint8_t)hc;
	return true;
}

/* DSCP of an IPv6 header: the traffic class is bits 4..11 of the first word. */
static inline uint8_t
dscp_ipv6_get(const uint8_t *ip)
{
	return (uint8_t)(((ip[0] & 0x0f) << 2) | (ip[1] >> 6));
}

/* Set the DSCP of an IPv6 header (ECN bits kept); returns true when the header changed. */
static inline bool
dscp_ipv6_set(uint8_t *ip, uint8_t dscp)
{
	uint8_t b0 = (uint8_t)((ip[0] & 0xf0) | (dscp >> 2));
	uint8_t b1 = (uint8_t)(((dscp & 0x3) << 6) | (ip[1] & 0x3f));

	if (b0 == ip[0] && b1 == ip[1])
		return false;
	ip[0] = b0;
	ip[1] = b1;
	return true;
}

#endif /* DSCP_H */
