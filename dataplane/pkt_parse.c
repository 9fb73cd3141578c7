/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Layer 2 to layer 4 parser. See pkt_parse.h for the contract.
 *
 * Every read is preceded by a bounds check against the end of the enclosing unit (the frame,
 * or the IP payload once an IP header has declared its length), so a lying length field can
 * never send us past the buffer. The first anomaly ends parsing and is returned as a counter
 * id; it is the caller that counts, so this file stays free of global state.
 */

#include <stddef.h>
#include <string.h>

#include "pkt_parse.h"
#include "vpep_counters.h"

#define ETHER_HDR_LEN   14
#define ETHER_TYPE_IPV4 0x0800
#define ETHER_TYPE_IPV6 0x86DD
#define ETHER_TYPE_VLAN 0x8100
#define ETHER_TYPE_QINQ 0x88A8
#define ETHER_TYPE_QINQ_OLD 0x9100
#define ETHER_TYPE_PPPOE_SESSION 0x8864
#define ETHER_TYPE_MPLS 0x8847
#define ETHER_TYPE_MPLS_MC 0x8848
#define ETHER_TYPE_TEB  0x6558 /* transparent Ethernet bridging, inside GRE */

#define PPP_IPV4 0x0021
#define PPP_IPV6 0x0057

#define IPPROTO_HOPOPTS_ 0
#define IPPROTO_IPIP_ 4
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_IPV6_ 41
#define IPPROTO_ROUTING_ 43
#define IPPROTO_FRAGMENT_ 44
#define IPPROTO_GRE_ 47
#define IPPROTO_AH_ 51
#define IPPROTO_DSTOPTS_ 60
#define IPPROTO_MH_ 135
#define IPPROTO_HIP_ 139
#define IPPROTO_SHIM6_ 140
#define IPPROTO_SCTP_ 132

#define UDP_PORT_VXLAN  4789
#define UDP_PORT_GTPU   2152
#define UDP_PORT_TEREDO 3544

#define ANOMALY(name) VPEP_CTR_##name
#define unlikely_(x) __builtin_expect(!!(x), 0)

/* Big-endian loads: one unaligned load and a byte swap, not byte-by-byte assembly. */
static inline uint16_t
rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap16(v);
#endif
	return v;
}

static inline uint32_t
rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	return v;
}

static inline uint16_t
ipv4_cksum(const uint8_t *hdr, uint32_t hdr_len)
{
	uint64_t sum = 0;
	uint32_t i = 0;

	/* One's-complement addition is byte-order independent (RFC 1071 2.B): add native
	 * 32-bit words, fold, and swap once at the end. The option-less 20-byte header is
	 * unrolled (a loop made the compiler pick a slow vector/remainder split). IPv4 headers
	 * are whole 32-bit words; a stray tail (never from pkt_parse) is added as 16-bit words. */
	if (hdr_len >= 20) {
		uint32_t w[5];

		memcpy(w, hdr, 20);
		sum = (uint64_t)w[0] + w[1] + w[2] + w[3] + w[4];
		i = 20;
	}
	for (; i + 4 <= hdr_len; i += 4) {
		uint32_t w;

		memcpy(&w, hdr + i, 4);
		sum += w;
	}
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	sum = (uint16_t)((sum >> 8) | (sum << 8));
#endif
	for (; i + 1 < hdr_len; i += 2) {
		sum += rd16(hdr + i);
		sum = (sum & 0xffff) + (sum >> 16);
	}
	return (uint16_t)~sum;
}

uint16_t
pkt_ipv4_hdr_cksum(const uint8_t *hdr, uint32_t hdr_len)
{
	return ipv4_cksum(hdr, hdr_len);
}

/*
 * The common path (IP, then UDP or TCP) is forced inline into pkt_parse(); tunnels come back
 * in through parse_ip_tunnel(), an out-of-line copy, which also breaks the recursion that
 * would otherwise stop the compiler from inlining anything.
 */
#define HOT static inline __attribute__((always_inline))
#define COLD static __attribute__((noinline))

static int parse_ip_tunnel(const uint8_t *buf, uint32_t end, uint32_t off, unsigned int version,
		unsigned int depth, uint32_t opts, struct pkt_meta *m);

/*
 * Skip the Ethernet header and tags of a frame carried inside a tunnel (VXLAN, GRE TEB).
 * Returns the inner ethertype and sets *off past the L2 header, or 0 when it is cut short.
 */
COLD uint16_t
inner_ether(const uint8_t *buf, uint32_t end, uint32_t *off)
{
	uint32_t o = *off;
	uint16_t et;
	int tags = 0;

	if (end - o < ETHER_HDR_LEN)
		return 0;
	et = rd16(buf + o + 12);
	o += ETHER_HDR_LEN;
	while (et == ETHER_TYPE_VLAN || et == ETHER_TYPE_QINQ || et == ETHER_TYPE_QINQ_OLD) {
		if (++tags > 2 || end - o < 4)
			return 0;
		et = rd16(buf + o + 2);
		o += 4;
	}
	*off = o;
	return et;
}

/*
 * Try a tunnel whose inner packet starts at off. Tunnels recognised by UDP port are only
 * heuristics, so when the inner packet does not parse cleanly the outer tuple is kept and no
 * anomaly is reported: a game using UDP 3544 must not be counted as broken Teredo.
 */
COLD int
try_udp_tunnel(const uint8_t *buf, uint32_t end, uint32_t off, unsigned int version,
		unsigned int depth, uint32_t opts, uint32_t tun_flag, struct pkt_meta *m)
{
	struct pkt_meta saved = *m;
	int rc;

	/* Past the depth limit a port-based guess is not worth an anomaly: stay on the outer. */
	if (depth >= PKT_MAX_TUNNEL_DEPTH)
		return 0;
	m->tunnel_depth = (uint8_t)(depth + 1);
	rc = parse_ip_tunnel(buf, end, off, version, depth + 1, opts, m);
	if (rc != 0) {
		*m = saved;
		return 0;
	}
	m->flags |= tun_flag;
	return 0;
}

COLD int
parse_vxlan(const uint8_t *buf, uint32_t end, uint32_t off, unsigned int depth, uint32_t opts,
		struct pkt_meta *m)
{
	uint32_t o = off + 8;
	uint16_t et;

	/* VXLAN header: flags with the I bit (valid VNI), reserved, VNI, reserved */
	if (end - off < 8 || !(buf[off] & 0x08))
		return 0;
	et = inner_ether(buf, end, &o);
	if (et == ETHER_TYPE_IPV4)
		return try_udp_tunnel(buf, end, o, 4, depth, opts, PKT_F_TUN_VXLAN, m);
	if (et == ETHER_TYPE_IPV6)
		return try_udp_tunnel(buf, end, o, 6, depth, opts, PKT_F_TUN_VXLAN, m);
	return 0;
}

COLD int
parse_gtpu(const uint8_t *buf, uint32_t end, uint32_t off, unsigned int depth, uint32_t opts,
		struct pkt_meta *m)
{
	uint32_t o, next;
	uint8_t flags;

	if (end - off < 8)
		return 0;
	flags = buf[off];
	/* GTPv1 (version 1), protocol type GTP (PT=1), and a G-PDU carrying user data */
	if ((flags >> 5) != 1 || !(flags & 0x10) || buf[off + 1] != 0xff)
		return 0;
	o = off + 8;
	if (flags & 0x07) {
		if (end - o < 4)
			return 0;
		next = buf[o + 3];
		o += 4;
		/* Extension headers: length in 4-octet units, last octet names the next one. */
		while ((flags & 0x04) && next != 0) {
			uint32_t elen;

			if (end - o < 1)
				return 0;
			elen = (uint32_t)buf[o] * 4;
			if (elen == 0 || end - o < elen)
				return 0;
			next = buf[o + elen - 1];
			o += elen;
		}
	}
	if (end - o < 1)
		return 0;
	if ((buf[o] >> 4) == 4)
		return try_udp_tunnel(buf, end, o, 4, depth, opts, PKT_F_TUN_GTPU, m);
	if ((buf[o] >> 4) == 6)
		return try_udp_tunnel(buf, end, o, 6, depth, opts, PKT_F_TUN_GTPU, m);
	return 0;
}

COLD int
parse_teredo(const uint8_t *buf, uint32_t end, uint32_t off, unsigned int depth, uint32_t opts,
		struct pkt_meta *m)
{
	uint32_t o = off;

	/* Optional authentication indicator (RFC 4380 5.1.1): 0x0001, id-len, au-len, ... */
	if (end - o >= 4 && rd16(buf + o) == 0x0001) {
		uint32_t alen = 4u + buf[o + 2] + buf[o + 3] + 8 + 1;

		if (end - o < alen)
			return 0;
		o += alen;
	}
	/* Optional origin indication: 0x0000, port, address */
	if (end - o >= 8 && rd16(buf + o) == 0x0000)
		o += 8;
	/* Only a whole IPv6 packet filling the datagram counts as Teredo. */
	if (end - o < 40 || (buf[o] >> 4) != 6 || (uint32_t)rd16(buf + o + 4) + 40 != end - o)
		return 0;
	return try_udp_tunnel(buf, end, o, 6, depth, opts, PKT_F_TUN_TEREDO, m);
}

COLD int
parse_gre(const uint8_t *buf, uint32_t end, uint32_t off, unsigned int depth, uint32_t opts,
		struct pkt_meta *m)
{
	uint32_t hlen = 4;
	uint16_t fl, proto;
	uint32_t o;

	if (end - off < 4)
		return ANOMALY(gre_truncated);
	fl = rd16(buf + off);
	proto = rd16(buf + off + 2);
	/* Version 1 is PPTP's enhanced GRE (PPP inside): tracked as a plain GRE flow. The
	 * routing-present bit belongs to the deprecated RFC 1701 source routing; not decoded. */
	if ((fl & 0x7) != 0 || (fl & 0x4000))
		return 0;
	if (fl & 0x8000)
		hlen += 4;
	if (fl & 0x2000)
		hlen += 4;
	if (fl & 0x1000)
		hlen += 4;
	if (end - off < hlen)
		return ANOMALY(gre_truncated);
	o = off + hlen;
	if (proto == ETHER_TYPE_TEB) {
		proto = inner_ether(buf, end, &o);
		if (proto == 0)
			return ANOMALY(gre_truncated);
	}
	if (proto != ETHER_TYPE_IPV4 && proto != ETHER_TYPE_IPV6)
		return 0;
	if (depth >= PKT_MAX_TUNNEL_DEPTH)
		return ANOMALY(tunnel_too_deep);
	m->flags |= PKT_F_TUN_GRE;
	m->tunnel_depth = (uint8_t)(depth + 1);
	return parse_ip_tunnel(buf, end, o, proto == ETHER_TYPE_IPV4 ? 4 : 6, depth + 1, opts, m);
}

HOT int
parse_l4(const uint8_t *buf, uint32_t end, uint32_t off, uint8_t proto, unsigned int depth,
		uint32_t opts, struct pkt_meta *m)
{
	uint32_t avail = end - off;

	m->l4_proto = proto;
	m->l4_off = (uint16_t)off;
	m->payload_off = (uint16_t)off;
	m->payload_len = avail;

	switch (proto) {
	case IPPROTO_UDP_: {
		uint32_t ulen;

		if (avail < 8)
			return ANOMALY(udp_truncated);
		ulen = rd16(buf + off + 4);
		if (ulen < 8 || ulen > avail)
			return ANOMALY(udp_bad_length);
		m->sport = rd16(buf + off);
		m->dport = rd16(buf + off + 2);
		m->payload_off = (uint16_t)(off + 8);
		m->payload_len = ulen - 8;
		m->flags |= PKT_F_L4;
		/* Tunnels carried over UDP, decided by port and confirmed by the inner packet. */
		if (m->dport == UDP_PORT_VXLAN)
			return parse_vxlan(buf, off + ulen, off + 8, depth, opts, m);
		if (m->dport == UDP_PORT_GTPU || m->sport == UDP_PORT_GTPU)
			return parse_gtpu(buf, off + ulen, off + 8, depth, opts, m);
		if (m->dport == UDP_PORT_TEREDO || m->sport == UDP_PORT_TEREDO)
			return parse_teredo(buf, off + ulen, off + 8, depth, opts, m);
		return 0;
	}
	case IPPROTO_TCP_: {
		uint32_t doff;

		if (avail < 20)
			return ANOMALY(tcp_truncated);
		doff = (uint32_t)(buf[off + 12] >> 4) * 4;
		if (doff < 20)
			return ANOMALY(tcp_bad_data_offset);
		if (doff > avail)
			return ANOMALY(tcp_options_truncated);
		m->sport = rd16(buf + off);
		m->dport = rd16(buf + off + 2);
		m->tcp_flags = buf[off + 13];
		m->payload_off = (uint16_t)(off + doff);
		m->payload_len = avail - doff;
		m->flags |= PKT_F_L4;
		return 0;
	}
	case IPPROTO_SCTP_:
		/* Ports only; SCTP chunks are not inspected. */
		if (avail >= 12) {
			m->sport = rd16(buf + off);
			m->dport = rd16(buf + off + 2);
			m->payload_off = (uint16_t)(off + 12);
			m->payload_len = avail - 12;
			m->flags |= PKT_F_L4;
		}
		return 0;
	case IPPROTO_IPIP_:
	case IPPROTO_IPV6_:
		if (depth >= PKT_MAX_TUNNEL_DEPTH)
			return ANOMALY(tunnel_too_deep);
		m->flags |= PKT_F_TUN_IPIP;
		m->tunnel_depth = (uint8_t)(depth + 1);
		return parse_ip_tunnel(buf, end, off, proto == IPPROTO_IPIP_ ? 4 : 6, depth + 1, opts,
				m);
	case IPPROTO_GRE_:
		return parse_gre(buf, end, off, depth, opts, m);
	default:
		return 0;
	}
}

HOT int
parse_ipv4(const uint8_t *buf, uint32_t end, uint32_t off, unsigned int depth, uint32_t opts,
		struct pkt_meta *m)
{
	const uint8_t *ip = buf + off;
	uint32_t avail = end - off;
	uint32_t hl, tot, payload, fofs;
	uint16_t frag;

	if (avail < 20)
		return ANOMALY(ipv4_truncated);
	if ((ip[0] >> 4) != 4)
		return ANOMALY(ipv4_bad_version);
	hl = (uint32_t)(ip[0] & 0x0f) * 4;
	if (hl < 20)
		return ANOMALY(ipv4_bad_ihl);
	if (hl > avail)
		return ANOMALY(ipv4_options_truncated);
	tot = rd16(ip + 2);
	if (tot < hl)
		return ANOMALY(ipv4_bad_total_length);
	if (tot > avail)
		return ANOMALY(ipv4_length_exceeds_frame);
	/* The NIC's verdict covers only the outer header. */
	if ((depth > 0 || !(opts & PKT_PARSE_NO_IPV4_CKSUM)) && ipv4_cksum(ip, hl) != 0)
		return ANOMALY(ipv4_bad_checksum);

	m->family = 4;
	m->l3_off = (uint16_t)off;
	{
		/* Whole 8-byte stores: the flow key reads these back as 64-bit words, and a
		 * narrower store would stall that load (no store-to-load forwarding). */
		uint64_t s64 = 0, d64 = 0, zero = 0;

		memcpy(&s64, ip + 12, 4);
		memcpy(&d64, ip + 16, 4);
		memcpy(m->src, &s64, 8);
		memcpy(m->src + 8, &zero, 8);
		memcpy(m->dst, &d64, 8);
		memcpy(m->dst + 8, &zero, 8);
	}
	m->flags |= PKT_F_IP;
	if (hl > 20)
		m->flags |= PKT_F_IPV4_OPTIONS;
	if (depth == 0)
		m->outer_l3_len = (uint16_t)hl;

	frag = rd16(ip + 6);
	fofs = (uint32_t)(frag & 0x1fff) * 8;
	if ((frag & 0x2000) || fofs != 0) {
		payload = tot - hl;
		m->l4_proto = ip[9];
		m->l4_off = (uint16_t)(off + hl);
		m->payload_off = (uint16_t)(off + hl);
		m->payload_len = payload;
		/* Non-last fragments must carry a multiple of 8 bytes (RFC 791). */
		if ((frag & 0x2000) && (payload & 7))
			return ANOMALY(ipv4_frag_bad_length);
		if (depth > 0) {
			m->flags |= PKT_F_INNER_FRAG;
			return 0;
		}
		m->flags |= PKT_F_FRAG;
		if (fofs == 0)
			m->flags |= PKT_F_FRAG_FIRST;
		if (frag & 0x2000)
			m->flags |= PKT_F_FRAG_MORE;
		m->frag_id = rd16(ip + 4);
		m->frag_offset = (uint16_t)fofs;
		m->frag_payload_len = (uint16_t)payload;
		return 0;
	}
	return parse_l4(buf, off + tot, off + hl, ip[9], depth, opts, m);
}

HOT int
parse_ipv6(const uint8_t *buf, uint32_t end, uint32_t off, unsigned int depth, uint32_t opts,
		struct pkt_meta *m)
{
	const uint8_t *ip = buf + off;
	uint32_t avail = end - off;
	uint32_t pend, cur, elen;
	unsigned int n_ext = 0;
	int seen_frag = 0;
	uint8_t nh;

	if (avail < 40)
		return ANOMALY(ipv6_truncated);
	if ((ip[0] >> 4) != 6)
		return ANOMALY(ipv6_bad_version);
	if ((uint32_t)rd16(ip + 4) + 40 > avail)
		return ANOMALY(ipv6_length_exceeds_frame);
	pend = off + 40 + rd16(ip + 4);

	m->family = 6;
	m->l3_off = (uint16_t)off;
	memcpy(m->src, ip + 8, 16);
	memcpy(m->dst, ip + 24, 16);
	m->flags |= PKT_F_IP;

	nh = ip[6];
	cur = off + 40;
	for (;;) {
		switch (nh) {
		case IPPROTO_HOPOPTS_:
		case IPPROTO_ROUTING_:
		case IPPROTO_DSTOPTS_:
		case IPPROTO_MH_:
		case IPPROTO_HIP_:
		case IPPROTO_SHIM6_:
		case IPPROTO_AH_:
			break;
		case IPPROTO_FRAGMENT_:
			break;
		default:
			goto chain_done;
		}
		/* Each header costs at least 8 bytes so the walk always advances; the limit turns
		 * an endless run of options headers into a counted anomaly. */
		if (n_ext >= PKT_MAX_IPV6_EXT)
			return ANOMALY(ipv6_ext_too_many);
		if (nh == IPPROTO_HOPOPTS_ && n_ext != 0)
			return ANOMALY(ipv6_hbh_not_first);
		n_ext++;
		m->flags |= PKT_F_IPV6_EXT;
		if (nh == IPPROTO_FRAGMENT_) {
			uint16_t fd;
			uint32_t fofs, payload;

			if (seen_frag)
				return ANOMALY(ipv6_frag_header_repeated);
			seen_frag = 1;
			if (pend - cur < 8)
				return ANOMALY(ipv6_ext_truncated);
			fd = rd16(buf + cur + 2);
			fofs = fd & 0xfff8;
			if (fofs == 0 && !(fd & 1)) {
				/* Atomic fragment (RFC 6946): a whole datagram, parse on. */
				nh = buf[cur];
				cur += 8;
				continue;
			}
			payload = pend - (cur + 8);
			m->l4_proto = buf[cur];
			m->l4_off = (uint16_t)(cur + 8);
			m->payload_off = (uint16_t)(cur + 8);
			m->payload_len = payload;
			if ((fd & 1) && (payload & 7))
				return ANOMALY(ipv6_frag_bad_length);
			if (depth > 0) {
				m->flags |= PKT_F_INNER_FRAG;
				return 0;
			}
			m->flags |= PKT_F_FRAG;
			if (fofs == 0)
				m->flags |= PKT_F_FRAG_FIRST;
			if (fd & 1)
				m->flags |= PKT_F_FRAG_MORE;
			m->frag_id = rd32(buf + cur + 4);
			m->frag_offset = (uint16_t)fofs;
			m->frag_payload_len = (uint16_t)payload;
			m->ipv6_frag_hdr_off = (uint16_t)cur;
			m->ipv6_unfrag_ext_len = (uint16_t)(cur - (off + 40));
			m->outer_l3_len = (uint16_t)(cur + 8 - off);
			return 0;
		}
		if (pend - cur < 2)
			return ANOMALY(ipv6_ext_truncated);
		if (nh == IPPROTO_AH_)
			elen = ((uint32_t)buf[cur + 1] + 2) * 4;
		else
			elen = ((uint32_t)buf[cur + 1] + 1) * 8;
		if (pend - cur < elen)
			return ANOMALY(ipv6_ext_truncated);
		nh = buf[cur];
		cur += elen;
	}
chain_done:
	if (depth == 0)
		m->outer_l3_len = (uint16_t)(cur - off);
	return parse_l4(buf, pend, cur, nh, depth, opts, m);
}

HOT int
parse_ip(const uint8_t *buf, uint32_t end, uint32_t off, unsigned int version, unsigned int depth,
		uint32_t opts, struct pkt_meta *m)
{
	if (off > end)
		return version == 4 ? ANOMALY(ipv4_truncated) : ANOMALY(ipv6_truncated);
	if (depth == 0) {
		m->outer_family = (uint8_t)version;
	} else {
		/* An inner header starts a new transport: forget the outer one's ports. */
		m->sport = m->dport = 0;
		m->tcp_flags = 0;
		m->flags &= ~PKT_F_L4;
	}
	return version == 4 ? parse_ipv4(buf, end, off, depth, opts, m) :
			      parse_ipv6(buf, end, off, depth, opts, m);
}

COLD int
parse_ip_tunnel(const uint8_t *buf, uint32_t end, uint32_t off, unsigned int version,
		unsigned int depth, uint32_t opts, struct pkt_meta *m)
{
	return parse_ip(buf, end, off, version, depth, opts, m);
}

int
pkt_parse_general(const uint8_t *buf, uint32_t len, uint32_t opts, struct pkt_meta *m)
{
	uint32_t off = ETHER_HDR_LEN;
	uint16_t et;

	_Static_assert(offsetof(struct pkt_meta, src) == 48, "scalar part of pkt_meta is 48 bytes");
	memset(m, 0, offsetof(struct pkt_meta, src));
	if (len < ETHER_HDR_LEN)
		return ANOMALY(eth_truncated);
	et = rd16(buf + 12);

	while (et == ETHER_TYPE_VLAN || et == ETHER_TYPE_QINQ || et == ETHER_TYPE_QINQ_OLD) {
		if (m->n_vlan == 2)
			return ANOMALY(vlan_too_many_tags);
		if (len - off < 4)
			return ANOMALY(vlan_truncated);
		m->vlan_tci[m->n_vlan++] = rd16(buf + off);
		et = rd16(buf + off + 2);
		off += 4;
	}
	if (m->n_vlan == 1)
		m->flags |= PKT_F_VLAN;
	else if (m->n_vlan == 2)
		m->flags |= PKT_F_QINQ;

	if (et == ETHER_TYPE_PPPOE_SESSION) {
		uint16_t ppp;

		m->flags |= PKT_F_PPPOE;
		if (len - off < 8)
			return ANOMALY(pppoe_truncated);
		/* version 1, type 1, code 0 (session data) */
		if (buf[off] != 0x11 || buf[off + 1] != 0x00)
			return ANOMALY(pppoe_bad_header);
		if ((uint32_t)rd16(buf + off + 4) > len - off - 6)
			return ANOMALY(pppoe_truncated);
		ppp = rd16(buf + off + 6);
		off += 8;
		if (ppp == PPP_IPV4)
			et = ETHER_TYPE_IPV4;
		else if (ppp == PPP_IPV6)
			et = ETHER_TYPE_IPV6;
		else
			et = 0; /* LCP, IPCP...: not IP */
	} else if (et == ETHER_TYPE_MPLS || et == ETHER_TYPE_MPLS_MC) {
		int labels = 0;

		m->flags |= PKT_F_MPLS;
		for (;;) {
			if (len - off < 4 || ++labels > PKT_MAX_MPLS_LABELS)
				return ANOMALY(mpls_truncated);
			off += 4;
			if (buf[off - 2] & 0x01) /* bottom of stack */
				break;
		}
		/* MPLS does not say what it carries; the IP version nibble is the usual guess. */
		if (len - off >= 1 && (buf[off] >> 4) == 4)
			et = ETHER_TYPE_IPV4;
		else if (len - off >= 1 && (buf[off] >> 4) == 6)
			et = ETHER_TYPE_IPV6;
		else
			et = 0;
	}
	m->l2_len = (uint16_t)off;

	if (et == ETHER_TYPE_IPV4)
		return parse_ip(buf, len, off, 4, 0, opts, m);
	if (et == ETHER_TYPE_IPV6)
		return parse_ip(buf, len, off, 6, 0, opts, m);
	m->flags |= PKT_F_NON_IP;
	return 0;
}

/*
 * The fast path: Ethernet with at most one VLAN tag, an unfragmented IPv4 header without
 * options, then UDP (not on a tunnel port) or TCP without surprises. That is nearly all VoIP
 * traffic, and handling it in one straight line halves the parser's instructions. Anything
 * else, including every packet with a problem, goes to pkt_parse_general(), which stays the
 * reference: the unit and fuzz tests check both give identical results.
 */
/*
 * UDP or TCP right after the IP header, for the fast path: fills ports and payload and
 * returns 0, or returns -1 for anything the general parser must see (tunnel ports, bad
 * lengths). off: where the transport header starts; plen: bytes from there to the end of the
 * IP packet.
 */
static inline int
fast_l4(const uint8_t *buf, uint32_t off, uint32_t plen, uint8_t proto, struct pkt_meta *m)
{
	const uint8_t *l4 = buf + off;

	if (proto == IPPROTO_UDP_) {
		uint32_t ulen;

		if (plen < 8)
			return -1;
		ulen = rd16(l4 + 4);
		m->sport = rd16(l4);
		m->dport = rd16(l4 + 2);
		if (ulen < 8 || ulen > plen || m->dport == UDP_PORT_VXLAN ||
				m->dport == UDP_PORT_GTPU || m->sport == UDP_PORT_GTPU ||
				m->dport == UDP_PORT_TEREDO || m->sport == UDP_PORT_TEREDO)
			return -1;
		m->payload_off = (uint16_t)(off + 8);
		m->payload_len = ulen - 8;
	} else if (proto == IPPROTO_TCP_) {
		uint32_t doff;

		if (plen < 20)
			return -1;
		doff = (uint32_t)(l4[12] >> 4) * 4;
		if (doff < 20 || doff > plen)
			return -1;
		m->sport = rd16(l4);
		m->dport = rd16(l4 + 2);
		m->tcp_flags = l4[13];
		m->payload_off = (uint16_t)(off + doff);
		m->payload_len = plen - doff;
	} else {
		return -1;
	}
	m->l4_proto = proto;
	m->l4_off = (uint16_t)off;
	m->flags |= PKT_F_IP | PKT_F_L4;
	return 0;
}

/*
 * The fast path: Ethernet with at most one VLAN tag, then an unfragmented IPv4 header without
 * options or an IPv6 header without extension headers, then UDP (not on a tunnel port) or
 * TCP. That is nearly all VoIP traffic, and handling it in one straight line halves the
 * parser's instructions. Anything else, including every packet with a problem, goes to
 * pkt_parse_general(), which stays the reference: the unit and fuzz tests check both give
 * identical results.
 */
int
pkt_parse(const uint8_t *buf, uint32_t len, uint32_t opts, struct pkt_meta *m)
{
	const uint8_t *ip;
	uint32_t off = ETHER_HDR_LEN;
	uint16_t et;

	if (unlikely_(len < ETHER_HDR_LEN + 20))
		return pkt_parse_general(buf, len, opts, m);
	et = rd16(buf + 12);
	memset(m, 0, offsetof(struct pkt_meta, src));
	if (et == ETHER_TYPE_VLAN) {
		if (len < ETHER_HDR_LEN + 4 + 20)
			return pkt_parse_general(buf, len, opts, m);
		m->vlan_tci[0] = rd16(buf + 14);
		m->n_vlan = 1;
		m->flags = PKT_F_VLAN;
		et = rd16(buf + 16);
		off = ETHER_HDR_LEN + 4;
	}
	ip = buf + off;
	if (et == ETHER_TYPE_IPV4) {
		uint32_t tot = rd16(ip + 2);
		uint64_t s64 = 0, d64 = 0, zero = 0;

		/* IHL 5, a sane total length within the frame, neither MF nor an offset */
		if (ip[0] != 0x45 || tot < 20 || tot > len - off || (rd16(ip + 6) & 0x3fff) != 0 ||
				(!(opts & PKT_PARSE_NO_IPV4_CKSUM) && ipv4_cksum(ip, 20) != 0) ||
				fast_l4(buf, off + 20, tot - 20, ip[9], m) != 0)
			return pkt_parse_general(buf, len, opts, m);
		memcpy(&s64, ip + 12, 4);
		memcpy(&d64, ip + 16, 4);
		memcpy(m->src, &s64, 8);
		memcpy(m->src + 8, &zero, 8);
		memcpy(m->dst, &d64, 8);
		memcpy(m->dst + 8, &zero, 8);
		m->outer_l3_len = 20;
		m->outer_family = 4;
		m->family = 4;
	} else if (et == ETHER_TYPE_IPV6) {
		uint32_t plen;

		if (len - off < 40 || (ip[0] >> 4) != 6)
			return pkt_parse_general(buf, len, opts, m);
		plen = rd16(ip + 4);
		if (plen + 40 > len - off || fast_l4(buf, off + 40, plen, ip[6], m) != 0)
			return pkt_parse_general(buf, len, opts, m);
		memcpy(m->src, ip + 8, 16);
		memcpy(m->dst, ip + 24, 16);
		m->outer_l3_len = 40;
		m->outer_family = 6;
		m->family = 6;
	} else {
		return pkt_parse_general(buf, len, opts, m);
	}
	m->l2_len = (uint16_t)off;
	m->l3_off = (uint16_t)off;
	return 0;
}
