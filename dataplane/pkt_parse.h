/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Layer 2 to layer 4 packet parser.
 *
 * pkt_parse() walks Ethernet, 802.1Q/802.1ad (up to two tags), PPPoE session and MPLS, then
 * IPv4 (options skipped, header checksum verified) or IPv6 (extension-header chain), then UDP,
 * TCP or SCTP ports. It decapsulates IP-in-IP, GRE, VXLAN, GTP-U and Teredo up to
 * PKT_MAX_TUNNEL_DEPTH so that the flow tuple is the innermost one, which is where VoIP lives
 * in mobile (GTP) and overlay (VXLAN) networks.
 *
 * Contract: reads only buf[0, len), allocates nothing, has no side effects, and always fills
 * the metadata as far as it got, so a packet with an anomaly can still be forwarded and
 * counted per port. It is a pure function so that unit tests and libFuzzer can drive it
 * without DPDK's EAL.
 */

#ifndef PKT_PARSE_H
#define PKT_PARSE_H

#include <stdint.h>

/* Deepest tunnel nesting decapsulated; deeper packets are tracked by the last parsed tuple. */
#define PKT_MAX_TUNNEL_DEPTH 2
/* Longest IPv6 extension-header chain accepted; anything longer is treated as a loop. */
#define PKT_MAX_IPV6_EXT 8
/* Longest MPLS label stack accepted. */
#define PKT_MAX_MPLS_LABELS 8

/* pkt_meta.flags */
#define PKT_F_IP            (1u << 0)  /* an IPv4 or IPv6 header was found (family is set) */
#define PKT_F_L4            (1u << 1)  /* the transport header was parsed (ports valid) */
#define PKT_F_FRAG          (1u << 2)  /* outer IP header is a fragment: needs reassembly */
#define PKT_F_FRAG_FIRST    (1u << 3)  /* ...and it is the first one (offset 0) */
#define PKT_F_FRAG_MORE     (1u << 4)  /* ...and more fragments follow (MF set) */
#define PKT_F_INNER_FRAG    (1u << 5)  /* fragment inside a tunnel: tracked without ports */
#define PKT_F_VLAN          (1u << 6)
#define PKT_F_QINQ          (1u << 7)
#define PKT_F_PPPOE         (1u << 8)
#define PKT_F_MPLS          (1u << 9)
#define PKT_F_IPV4_OPTIONS  (1u << 10)
#define PKT_F_IPV6_EXT      (1u << 11)
#define PKT_F_TUN_IPIP      (1u << 12)
#define PKT_F_TUN_GRE       (1u << 13)
#define PKT_F_TUN_VXLAN     (1u << 14)
#define PKT_F_TUN_GTPU      (1u << 15)
#define PKT_F_TUN_TEREDO    (1u << 16)
#define PKT_F_NON_IP        (1u << 17) /* an L2 frame carrying something other than IP */

/* Flags that mean "count an INFO counter"; the fast path tests this mask once per packet. */
#define PKT_F_INFO_MASK \
	(PKT_F_INNER_FRAG | PKT_F_VLAN | PKT_F_QINQ | PKT_F_PPPOE | PKT_F_MPLS | \
	 PKT_F_IPV4_OPTIONS | PKT_F_IPV6_EXT | PKT_F_TUN_IPIP | PKT_F_TUN_GRE | PKT_F_TUN_VXLAN | \
	 PKT_F_TUN_GTPU | PKT_F_TUN_TEREDO | PKT_F_NON_IP)

/* Options for pkt_parse() */
#define PKT_PARSE_NO_IPV4_CKSUM (1u << 0) /* the NIC verified it already */

/*
 * Everything before `src` is scalar and cleared at the start of each parse (48 bytes: three
 * vector stores; clearing the whole struct made the compiler emit a slow `rep stos`). The
 * addresses are written by the IP layer and valid only when family != 0. Header offsets fit
 * 16 bits: they lie within the first 64 KiB even of a reassembled datagram.
 */
struct pkt_meta {
	uint32_t flags;          /* PKT_F_* */
	uint32_t payload_len;    /* transport payload bytes (UDP length, or IP payload minus TCP hdr) */
	uint16_t l2_len;         /* bytes before the outer L3 header (Ethernet, tags, PPPoE, MPLS) */
	uint16_t outer_l3_len;   /* outer IP header length up to and including a fragment header */
	uint16_t l3_off;         /* offset of the innermost IP header (the flow's) */
	uint16_t l4_off;         /* offset of the innermost transport header */
	uint16_t payload_off;    /* offset of the transport payload */
	uint16_t vlan_tci[2];    /* outer and inner tag TCI, host order */
	uint8_t n_vlan;
	uint8_t outer_family;    /* 4 or 6: the header DSCP marking rewrites */
	uint8_t family;          /* 4, 6, or 0 when no IP header was found */
	uint8_t l4_proto;        /* IP protocol number at the end of the innermost header chain */
	uint8_t tunnel_depth;
	uint8_t tcp_flags;
	uint16_t sport, dport;   /* host order; 0 when there are no ports */
	/* Outer fragment facts (valid with PKT_F_FRAG): offsets in bytes. */
	uint32_t frag_id;
	uint16_t frag_offset;
	uint16_t frag_payload_len;  /* bytes of fragmentable data in this fragment */
	uint16_t ipv6_frag_hdr_off; /* offset of the IPv6 fragment header */
	uint16_t ipv6_unfrag_ext_len; /* extension headers between the IPv6 header and the frag hdr */
	uint32_t reserved;
	uint8_t src[16], dst[16];   /* innermost addresses; IPv4 uses the first 4 bytes */
};

/*
 * Parse the frame in buf[0, len).
 *
 * Returns 0 when the packet is well formed, or the enum vpep_ctr id (always > 0) of the first
 * anomaly found. The metadata is filled as far as parsing got either way.
 */
int pkt_parse(const uint8_t *buf, uint32_t len, uint32_t opts, struct pkt_meta *m);

/*
 * The general parser that pkt_parse() falls back to for everything but the common
 * Ethernet/[VLAN]/IPv4/UDP-or-TCP case. Same contract and same results; exposed so that tests
 * can check the two paths agree.
 */
int pkt_parse_general(const uint8_t *buf, uint32_t len, uint32_t opts, struct pkt_meta *m);

/* RFC 1071 one's-complement sum of an IPv4 header; 0 means the checksum verifies. */
uint16_t pkt_ipv4_hdr_cksum(const uint8_t *hdr, uint32_t hdr_len);

#endif /* PKT_PARSE_H */
