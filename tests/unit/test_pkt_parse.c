/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Unit tests for pkt_parse(): every anomaly it can report, every layer it walks, and every
 * truncation point of a few reference frames. Frames are built by the small writer below;
 * each test says in a comment what frame it builds. Every frame is parsed from a heap buffer
 * of exactly its length, so a read past the end is an AddressSanitizer error in the ASan run.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pkt_parse.h"
#include "vpep_counters.h"

/* ---- frame writer ---- */

struct frame {
	uint8_t b[2048];
	uint32_t n;
};

static void
put(struct frame *f, const void *p, uint32_t n)
{
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

static void
put8(struct frame *f, uint8_t v)
{
	f->b[f->n++] = v;
}

static void
put16(struct frame *f, uint16_t v)
{
	put8(f, (uint8_t)(v >> 8));
	put8(f, (uint8_t)v);
}

static void
put32(struct frame *f, uint32_t v)
{
	put16(f, (uint16_t)(v >> 16));
	put16(f, (uint16_t)v);
}

static void
set16(struct frame *f, uint32_t at, uint16_t v)
{
	f->b[at] = (uint8_t)(v >> 8);
	f->b[at + 1] = (uint8_t)v;
}

/* Ethernet header: fixed MACs, given ethertype. */
static void
eth(struct frame *f, uint16_t type)
{
	static const uint8_t macs[12] = { 0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1 };

	put(f, macs, 12);
	put16(f, type);
}

/* 802.1Q/802.1ad tag: TCI then the next ethertype. */
static void
vlan(struct frame *f, uint16_t tci, uint16_t next)
{
	put16(f, tci);
	put16(f, next);
}

static void
fix_ipv4_cksum(struct frame *f, uint32_t at)
{
	uint32_t hl = (uint32_t)(f->b[at] & 0x0f) * 4;

	set16(f, at + 10, 0);
	set16(f, at + 10, pkt_ipv4_hdr_cksum(f->b + at, hl));
}

/*
 * IPv4 header at the current position: 10.0.0.1 -> 10.0.0.2, given protocol, payload length,
 * fragment field (flags|offset/8), and `opt` bytes of NOP options. Returns its offset.
 */
static uint32_t
ipv4(struct frame *f, uint8_t proto, uint16_t payload, uint16_t frag, uint8_t opt)
{
	uint32_t at = f->n;
	uint8_t i;

	put8(f, (uint8_t)(0x40 | (5 + opt / 4)));
	put8(f, 0);
	put16(f, (uint16_t)(20 + opt + payload));
	put16(f, 0x1234); /* id */
	put16(f, frag);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);
	put32(f, 0x0a000001);
	put32(f, 0x0a000002);
	for (i = 0; i < opt; i++)
		put8(f, 1);
	fix_ipv4_cksum(f, at);
	return at;
}

/* IPv6 header: 2001:db8::1 -> 2001:db8::2, given next header and payload length. */
static uint32_t
ipv6(struct frame *f, uint8_t nh, uint16_t payload)
{
	static const uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t dst[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };
	uint32_t at = f->n;

	put32(f, 0x60000000);
	put16(f, payload);
	put8(f, nh);
	put8(f, 64);
	put(f, src, 16);
	put(f, dst, 16);
	return at;
}

/* Generic IPv6 extension header of 8 bytes (hdr ext len 0). */
static void
ext8(struct frame *f, uint8_t nh)
{
	put8(f, nh);
	put8(f, 0);
	put16(f, 0x0104); /* PadN option with 4 bytes */
	put32(f, 0);
}

/* IPv6 fragment header: next header, offset in bytes, M flag, identification. */
static void
frag6(struct frame *f, uint8_t nh, uint16_t ofs, int more, uint32_t id)
{
	put8(f, nh);
	put8(f, 0);
	put16(f, (uint16_t)(ofs | (more ? 1 : 0)));
	put32(f, id);
}

/* UDP header 5060 -> 5060 with `payload` bytes of 'x' after it. */
static void
udp(struct frame *f, uint16_t sport, uint16_t dport, uint16_t payload)
{
	uint16_t i;

	put16(f, sport);
	put16(f, dport);
	put16(f, (uint16_t)(8 + payload));
	put16(f, 0);
	for (i = 0; i < payload; i++)
		put8(f, 'x');
}

/* TCP header with `opt` bytes of options (NOPs) and `payload` bytes of data. */
static void
tcp(struct frame *f, uint16_t sport, uint16_t dport, uint8_t opt, uint16_t payload)
{
	uint16_t i;

	put16(f, sport);
	put16(f, dport);
	put32(f, 1000);
	put32(f, 0);
	put8(f, (uint8_t)(((20 + opt) / 4) << 4));
	put8(f, 0x18); /* PSH|ACK */
	put16(f, 65535);
	put16(f, 0);
	put16(f, 0);
	for (i = 0; i < opt; i++)
		put8(f, 1);
	for (i = 0; i < payload; i++)
		put8(f, 'y');
}

/*
 * Parse f (or its first len bytes) from an exact-size heap copy. Every parse in these tests
 * also runs the general parser and checks the fast path agreed with it.
 */
static int
parse_n(const struct frame *f, uint32_t len, struct pkt_meta *m, uint32_t opts)
{
	uint8_t *copy = malloc(len ? len : 1);
	struct pkt_meta g;
	int rc, rg;

	assert_non_null(copy);
	memcpy(copy, f->b, len);
	rc = pkt_parse(copy, len, opts, m);
	rg = pkt_parse_general(copy, len, opts, &g);
	free(copy);
	assert_int_equal(rc, rg);
	assert_memory_equal(m, &g, offsetof(struct pkt_meta, src));
	if (rc == 0 && m->family != 0) {
		assert_memory_equal(m->src, g.src, 16);
		assert_memory_equal(m->dst, g.dst, 16);
	}
	return rc;
}

static int
parse(const struct frame *f, struct pkt_meta *m)
{
	return parse_n(f, f->n, m, 0);
}

/* Ethernet/IPv4/UDP 5060->5060 with 10 bytes of payload: the reference frame. */
static void
ref_udp4(struct frame *f)
{
	memset(f, 0, sizeof(*f));
	eth(f, 0x0800);
	ipv4(f, 17, 8 + 10, 0, 0);
	udp(f, 5060, 5060, 10);
}

/* ---- layer 2 ---- */

static void
test_ipv4_udp_ok(void **state)
{
	struct frame f;
	struct pkt_meta m;

	(void)state;
	ref_udp4(&f);
	assert_int_equal(parse(&f, &m), 0);
	assert_int_equal(m.family, 4);
	assert_int_equal(m.outer_family, 4);
	assert_int_equal(m.l4_proto, 17);
	assert_int_equal(m.sport, 5060);
	assert_int_equal(m.dport, 5060);
	assert_int_equal(m.l2_len, 14);
	assert_int_equal(m.l3_off, 14);
	assert_int_equal(m.l4_off, 34);
	assert_int_equal(m.payload_off, 42);
	assert_int_equal(m.payload_len, 10);
	assert_true(m.flags & PKT_F_L4);
	assert_false(m.flags & PKT_F_INFO_MASK);
	assert_int_equal(m.src[3], 1);
	assert_int_equal(m.dst[3], 2);
}

static void
test_eth_truncated(void **state)
{
	struct frame f;
	struct pkt_meta m;

	(void)state;
	ref_udp4(&f);
	assert_int_equal(parse_n(&f, 13, &m, 0), VPEP_CTR_eth_truncated);
	assert_int_equal(parse_n(&f, 0, &m, 0), VPEP_CTR_eth_truncated);
}

static void
test_non_ip(void **state)
{
	struct frame f = { .n = 0 };
	struct pkt_meta m;

	(void)state;
	/* ARP frame: Ethernet header then 28 bytes of ARP */
	eth(&f, 0x0806);
	f.n += 28;
	assert_int_equal(parse(&f, &m), 0);
	assert_true(m.flags & PKT_F_NON_IP);
	assert_int_equal(m.family, 0);
}

static void
test_vlan_and_qinq(void **state)
{
	struct frame f = { .n = 0 };
	struct pkt_meta m;

	(void)state;
	/* one 802.1Q tag, VID 100, then IPv4/UDP */
	eth(&f, 0x8100);
	vlan(&f, 100, 0x0800);
	ipv4(&f, 17, 8, 0, 0);
	udp(&f, 1, 2, 0);
	assert_int_equal(parse(&f, &m), 0);
	assert_true(m.flags & PKT_F_VLAN);
	assert_int_equal(m.n_vlan, 1);
	assert_int_equal(m.vlan_tci[0], 100);
	assert_int_equal(m.l2_len, 18);

	/* 802.1ad S-tag 10 + C-tag 20, then IPv4/UDP */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x88a8);
	vlan(&f, 10, 0x8100);
	vlan(&f, 20, 0x0800);
	ipv4(&f, 17, 8, 0, 0);
	udp(&f, 1, 2, 0);
	assert_int_equal(parse(&f, &m), 0);
	assert_true(m.flags & PKT_F_QINQ);
	assert_int_equal(m.vlan_tci[0], 10);
	assert_int_equal(m.vlan_tci[1], 20);
	assert_int_equal(m.l2_len, 22);
}

static void
test_vlan_errors(void **state)
{
	struct frame f = { .n = 0 };
	struct pkt_meta m;

	(void)state;
	/* three stacked tags: more than QinQ */
	eth(&f, 0x8100);
	vlan(&f, 1, 0x8100);
	vlan(&f, 2, 0x8100);
	vlan(&f, 3, 0x0800);
	ipv4(&f, 17, 8, 0, 0);
	udp(&f, 1, 2, 0);
	assert_int_equal(parse(&f, &m), VPEP_CTR_vlan_too_many_tags);

	/* a tag cut after two of its four bytes */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x8100);
	put16(&f, 100);
	assert_int_equal(parse(&f, &m), VPEP_CTR_vlan_truncated);
}

static void
test_pppoe(void **state)
{
	struct frame f = { .n = 0 };
	struct pkt_meta m;
	uint32_t len_at;

	(void)state;
	/* PPPoE session (ver/type 0x11, code 0, session 1, length) with PPP IPv4 */
	eth(&f, 0x8864);
	put8(&f, 0x11);
	put8(&f, 0x00);
	put16(&f, 1);
	len_at = f.n;
	put16(&f, 0);
	put16(&f, 0x0021);
	ipv4(&f, 17, 8, 0, 0);
	udp(&f, 1, 2, 0);
	set16(&f, len_at, (uint16_t)(f.n - len_at - 2));
	assert_int_equal(parse(&f, &m), 0);
	assert_true(m.flags & PKT_F_PPPOE);
	assert_int_equal(m.family, 4);
	assert_int_equal(m.l2_len, 22);

	/* the same with a PPPoE length longer than the frame */
	set16(&f, len_at, 500);
	assert_int_equal(parse(&f, &m), VPEP_CTR_pppoe_truncated);

	/* a discovery code (PADI 0x09) in a session frame */
	set16(&f, len_at, (uint16_t)(f.n - len_at - 2));
	f.b[15] = 0x09;
	assert_int_equal(parse(&f, &m), VPEP_CTR_pppoe_bad_header);

	/* only 4 of the 8 PPPoE+PPP bytes */
	assert_int_equal(parse_n(&f, 18, &m, 0), VPEP_CTR_pppoe_truncated);

	/* PPP LCP (0xc021) inside a session: not IP, passed as non-IP */
	f.b[15] = 0x00;
	set16(&f, 20, 0xc021);
	assert_int_equal(parse(&f, &m), 0);
	assert_true(m.flags & PKT_F_NON_IP);
}

static void
test_mpls(void **state)
{
	struct frame f = { .n = 0 };
	struct pkt_meta m;
	int i;

	(void)state;
	/* two MPLS labels (bottom of stack on the second), then IPv4/UDP */
	eth(&f, 0x8847);
	put32(&f, (100u << 12) | 64);
	put32(&f, (200u << 12) | 0x100 | 64);
	ipv4(&f, 17, 8, 0, 0);
	udp(&f, 1, 2, 0);
	assert_int_equal(parse(&f, &m), 0);
	assert_true(m.flags & PKT_F_MPLS);
	assert_int_equal(m.l2_len, 22);

	/* nine labels, none with bottom of stack: deeper than allowed */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x8847);
	for (i = 0; i < 9; i++)
		put32(&f, (100u << 12) | 64);
	assert_int_equal(parse(&f, &m), VPEP_CTR_mpls_truncated);
}

/* ---- IPv4 ---- */

static void
test_ipv4_header_errors(void **state)
{
	struct frame f;
	struct pkt_meta m;

	(void)state;
	/* the reference frame cut inside the IPv4 header */
	ref_udp4(&f);
	assert_int_equal(parse_n(&f, 14 + 19, &m, 0), VPEP_CTR_ipv4_truncated);

	/* version 5 in an IPv4 ethertype */
	ref_udp4(&f);
	f.b[14] = 0x55;
	assert_int_equal(parse(&f, &m), VPEP_CTR_ipv4_bad_version);

	/* IHL 4 (16 bytes) */
	ref_udp4(&f);
	f.b[14] = 0x44;
	assert_int_equal(parse(&f, &m), VPEP_CTR_ipv4_bad_ihl);

	/* IHL 15 (60 bytes) in a 38-byte IP packet */
	ref_udp4(&f);
	f.b[14] = 0x4f;
	assert_int_equal(parse(&f, &m), VPEP_CTR_ipv4_options_truncated);

	/* IHL 6 (24 bytes) with only the 20-byte base header in the frame: off by one word */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x0800);
	ipv4(&f, 17, 0, 0, 0);
	f.b[14] = 0x46;
	assert_int_equal(parse(&f, &m), VPEP_CTR_ipv4_options_truncated);

	/* total length 19, below the 20-byte header */
	ref_udp4(&f);
	set16(&f, 16, 19);
	fix_ipv4_cksum(&f, 14);
	assert_int_equal(parse(&f, &m), VPEP_CTR_ipv4_bad_total_length);

	/* total length 100, beyond the 38 bytes present */
	ref_udp4(&f);
	set16(&f, 16, 100);
	fix_ipv4_cksum(&f, 14);
	assert_int_equal(parse(&f, &m), VPEP_CTR_ipv4_length_exceeds_frame);

	/* a flipped TTL without a checksum update */
	ref_udp4(&f);
	f.b[22] ^= 0xff;
	assert_int_equal(parse(&f, &m), VPEP_CTR_ipv4_bad_checksum);
	/* ...which is not checked when the NIC already did */
	assert_int_equal(parse_n(&f, f.n, &m, PKT_PARSE_NO_IPV4_CKSUM), 0);
}

static void
test_ipv4_options_and_padding(void **state)
{
	struct frame f = { .n = 0 };
	struct pkt_meta m;

	(void)state;
	/* IPv4 with 8 bytes of NOP options, UDP with 4 payload bytes */
	eth(&f, 0x0800);
	ipv4(&f, 17, 12, 0, 8);
	udp(&f, 1000, 2000, 4);
	assert_int_equal(parse(&f, &m), 0);
	assert_true(m.flags & PKT_F_IPV4_OPTIONS);
	assert_int_equal(m.l4_off, 14 + 28);
	assert_int_equal(m.payload_len, 4);

	/* the reference frame followed by Ethernet padding: the IP length wins */
	ref_udp4(&f);
	f.n += 16;
	assert_int_equal(parse(&f, &m), 0);
	assert_int_equal(m.payload_len, 10);
}

static void
test_ipv4_fragments(void **state)
{
	struct frame f = { .n = 0 };
	struct pkt_meta m;

	(void)state;
	/* first fragment: MF set, offset 0, 16 bytes of payload (UDP header + 8) */
	eth(&f, 0x0800);
	ipv4(&f, 17, 16, 0x2000, 0);
	udp(&f, 5060, 5060, 8);
	set16(&f, 38, 100); /* UDP length of the whole datagram */
	assert_int_equal(parse(&f, &m), 0);
	assert_true(m.flags & PKT_F_FRAG);
	assert_true(m.flags & PKT_F_FRAG_FIRST);
	assert_true(m.flags & PKT_F_FRAG_MORE);
	assert_false(m.flags & PKT_F_L4);
	assert_int_equal(m.frag_offset, 0);
	assert_int_equal(m.frag_payload_len, 16);
	assert_int_equal(m.frag_id, 0x1234);
	assert_int_equal(m.outer_l3_len, 20);

	/* last fragment at offset 16 bytes (2 x 8), MF clear */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x0800);
	ipv4(&f, 17, 10, 2, 0);
	f.n += 10;
	assert_int_equal(parse(&f, &m), 0);
	assert_true(m.flags & PKT_F_FRAG);
	assert_false(m.flags & (PKT_F_FRAG_FIRST | PKT_F_FRAG_MORE));
	assert_int_equal(m.frag_offset, 16);

	/* a middle fragment with 10 payload bytes: not a multiple of 8 */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x0800);
	ipv4(&f, 17, 10, 0x2000 | 2, 0);
	f.n += 10;
	assert_int_equal(parse(&f, &m), VPEP_CTR_ipv4_frag_bad_length);
}

/* ---- IPv6 ---- */

static void
test_ipv6_udp_ok(void **state)
{
	struct frame f = { .n = 0 };
	struct pkt_meta m;

	(void)state;
	/* IPv6/UDP 5060 -> 5062 with 4 payload bytes */
	eth(&f, 0x86dd);
	ipv6(&f, 17, 12);
	udp(&f, 5060, 5062, 4);
	assert_int_equal(parse(&f, &m), 0);
	assert_int_equal(m.family, 6);
	assert_int_equal(m.l4_off, 54);
	assert_int_equal(m.payload_len, 4);
	assert_int_equal(m.src[15], 1);
	assert_int_equal(m.dst[15], 2);
	assert_int_equal(m.dport, 5062);
}

static void
test_ipv6_header_errors(void **state)
{
	struct frame f = { .n = 0 };
	struct pkt_meta m;

	(void)state;
	/* IPv6/UDP, then cut inside the 40-byte header */
	eth(&f, 0x86dd);
	ipv6(&f, 17, 8);
	udp(&f, 1, 2, 0);
	assert_int_equal(parse_n(&f, 14 + 39, &m, 0), VPEP_CTR_ipv6_truncated);
	/* version 4 in an IPv6 ethertype */
	f.b[14] = 0x40;
	assert_int_equal(parse(&f, &m), VPEP_CTR_ipv6_bad_version);
	/* payload length 200 with 8 bytes present */
	f.b[14] = 0x60;
	set16(&f, 18, 200);
	assert_int_equal(parse(&f, &m), VPEP_CTR_ipv6_length_exceeds_frame);
}

static void
test_ipv6_ext_chain(void **state)
{
	struct frame f = { .n = 0 };
	struct pkt_meta m;

	(void)state;
	/* IPv6, Hop-by-Hop, Destination Options, Routing, then UDP */
	eth(&f, 0x86dd);
	ipv6(&f, 0, 24 + 8);
	ext8(&f, 60);
	ext8(&f, 43);
	ext8(&f, 17);
	udp(&f, 7, 8, 0);
	assert_int_equal(parse(&f, &m), 0);
	assert_true(m.flags & PKT_F_IPV6_EXT);
	assert_int_equal(m.l4_proto, 17);
	assert_int_equal(m.l4_off, 54 + 24);
	assert_int_equal(m.outer_l3_len, 64);

	/* Destination Options then a Hop-by-Hop: HBH must come first */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x86dd);
	ipv6(&f, 60, 16 + 8);
	ext8(&f, 0);
	ext8(&f, 17);
	udp(&f, 7, 8, 0);
	assert_int_equal(parse(&f, &m), VPEP_CTR_ipv6_hbh_not_first);

	/* a Routing header claiming 3 x 8 more bytes than the packet holds */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x86dd);
	ipv6(&f, 43, 8);
	ext8(&f, 17);
	f.b[55] = 3;
	assert_int_equal(parse(&f, &m), VPEP_CTR_ipv6_ext_truncated);

	/* one byte of an extension header: its length octet is missing */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x86dd);
	ipv6(&f, 60, 1);
	put8(&f, 17);
	assert_int_equal(parse(&f, &m), VPEP_CTR_ipv6_ext_truncated);

	/* AH with payload length 4 ((4+2)*4 = 24 bytes) then UDP */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x86dd);
	ipv6(&f, 51, 24 + 8);
	put8(&f, 17);
	put8(&f, 4);
	f.n += 22;
	udp(&f, 7, 8, 0);
	assert_int_equal(parse(&f, &m), 0);
	assert_int_equal(m.l4_off, 54 + 24);
}

static void
test_ipv6_ext_loop(void **state)
{
	struct frame f = { .n = 0 };
	struct pkt_meta m;
	int i;

	(void)state;
	/* nine Destination Options headers in a row: the chain limit catches the "loop" */
	eth(&f, 0x86dd);
	ipv6(&f, 60, 9 * 8 + 8);
	for (i = 0; i < 8; i++)
		ext8(&f, 60);
	ext8(&f, 17);
	udp(&f, 1, 2, 0);
	assert_int_equal(parse(&f, &m), VPEP_CTR_ipv6_ext_too_many);

	/* exactly eight is still fine */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x86dd);
	ipv6(&f, 60, 8 * 8 + 8);
	for (i = 0; i < 7; i++)
		ext8(&f, 60);
	ext8(&f, 17);
	udp(&f, 1, 2, 0);
	assert_int_equal(parse(&f, &m), 0);
}

static void
test_ipv6_fragments(void **state)
{
	struct frame f = { .n = 0 };
	struct pkt_meta m;

	(void)state;
	/* IPv6, Destination Options, Fragment (offset 0, M=1, id 7), 16 payload bytes */
	eth(&f, 0x86dd);
	ipv6(&f, 60, 8 + 8 + 16);
	ext8(&f, 44);
	frag6(&f, 17, 0, 1, 7);
	f.n += 16;
	assert_int_equal(parse(&f, &m), 0);
	assert_true(m.flags & PKT_F_FRAG);
	assert_true(m.flags & PKT_F_FRAG_FIRST);
	assert_true(m.flags & PKT_F_FRAG_MORE);
	assert_int_equal(m.frag_id, 7);
	assert_int_equal(m.ipv6_unfrag_ext_len, 8);
	assert_int_equal(m.ipv6_frag_hdr_off, 14 + 40 + 8);
	assert_int_equal(m.outer_l3_len, 56);
	assert_int_equal(m.frag_payload_len, 16);
	assert_int_equal(m.l4_proto, 17);

	/* a non-last fragment with 12 payload bytes: not a multiple of 8 */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x86dd);
	ipv6(&f, 44, 8 + 12);
	frag6(&f, 17, 8, 1, 7);
	f.n += 12;
	assert_int_equal(parse(&f, &m), VPEP_CTR_ipv6_frag_bad_length);

	/* two Fragment headers in one chain */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x86dd);
	ipv6(&f, 44, 16 + 8);
	frag6(&f, 44, 0, 0, 1);
	frag6(&f, 17, 0, 1, 2);
	f.n += 8;
	assert_int_equal(parse(&f, &m), VPEP_CTR_ipv6_frag_header_repeated);

	/* a Fragment header cut in half */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x86dd);
	ipv6(&f, 44, 4);
	put32(&f, 0x11000001);
	assert_int_equal(parse(&f, &m), VPEP_CTR_ipv6_ext_truncated);

	/* an atomic fragment (offset 0, M=0, RFC 6946): a whole datagram, parsed through */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x86dd);
	ipv6(&f, 44, 8 + 8);
	frag6(&f, 17, 0, 0, 3);
	udp(&f, 9, 10, 0);
	assert_int_equal(parse(&f, &m), 0);
	assert_false(m.flags & PKT_F_FRAG);
	assert_int_equal(m.sport, 9);
}

/* ---- layer 4 ---- */

static void
test_udp_errors(void **state)
{
	struct frame f;
	struct pkt_meta m;

	(void)state;
	/* the reference frame cut inside the UDP header (IP length fixed to match) */
	ref_udp4(&f);
	set16(&f, 16, 20 + 6);
	fix_ipv4_cksum(&f, 14);
	assert_int_equal(parse_n(&f, 14 + 26, &m, 0), VPEP_CTR_udp_truncated);

	/* UDP length 7 */
	ref_udp4(&f);
	set16(&f, 38, 7);
	assert_int_equal(parse(&f, &m), VPEP_CTR_udp_bad_length);

	/* UDP length 40 in an 18-byte IP payload */
	ref_udp4(&f);
	set16(&f, 38, 40);
	assert_int_equal(parse(&f, &m), VPEP_CTR_udp_bad_length);

	/* UDP length 12 in an 18-byte IP payload: trailing bytes are not payload */
	ref_udp4(&f);
	set16(&f, 38, 12);
	assert_int_equal(parse(&f, &m), 0);
	assert_int_equal(m.payload_len, 4);
}

static void
test_tcp(void **state)
{
	struct frame f = { .n = 0 };
	struct pkt_meta m;

	(void)state;
	/* IPv4/TCP 5060 -> 40000 with 12 option bytes and 5 data bytes */
	eth(&f, 0x0800);
	ipv4(&f, 6, 32 + 5, 0, 0);
	tcp(&f, 5060, 40000, 12, 5);
	assert_int_equal(parse(&f, &m), 0);
	assert_int_equal(m.l4_proto, 6);
	assert_int_equal(m.payload_off, 14 + 20 + 32);
	assert_int_equal(m.payload_len, 5);
	assert_int_equal(m.tcp_flags, 0x18);

	/* data offset 4 (16 bytes) */
	f.b[14 + 20 + 12] = 0x40;
	assert_int_equal(parse(&f, &m), VPEP_CTR_tcp_bad_data_offset);

	/* data offset 15 (60 bytes) in a 37-byte segment */
	f.b[14 + 20 + 12] = 0xf0;
	assert_int_equal(parse(&f, &m), VPEP_CTR_tcp_options_truncated);

	/* an IP payload of 19 bytes: one short of a TCP header */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x0800);
	ipv4(&f, 6, 19, 0, 0);
	f.n += 19;
	assert_int_equal(parse(&f, &m), VPEP_CTR_tcp_truncated);
}

static void
test_sctp_and_other(void **state)
{
	struct frame f = { .n = 0 };
	struct pkt_meta m;

	(void)state;
	/* SCTP common header: ports 2905 -> 2906, tag, checksum */
	eth(&f, 0x0800);
	ipv4(&f, 132, 12, 0, 0);
	put16(&f, 2905);
	put16(&f, 2906);
	put32(&f, 1);
	put32(&f, 0);
	assert_int_equal(parse(&f, &m), 0);
	assert_int_equal(m.sport, 2905);
	assert_true(m.flags & PKT_F_L4);

	/* ICMP echo (8 bytes): no ports, still a tracked L3 packet */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x0800);
	ipv4(&f, 1, 8, 0, 0);
	f.n += 8;
	assert_int_equal(parse(&f, &m), 0);
	assert_int_equal(m.l4_proto, 1);
	assert_int_equal(m.sport, 0);
}

/* ---- tunnels ---- */

static void
test_ip_in_ip(void **state)
{
	struct frame f = { .n = 0 };
	struct pkt_meta m;
	uint32_t inner;

	(void)state;
	/* IPv4 (proto 4) carrying IPv4/UDP 1111 -> 2222 */
	eth(&f, 0x0800);
	ipv4(&f, 4, 20 + 8, 0, 0);
	inner = ipv4(&f, 17, 8, 0, 0);
	f.b[inner + 15] = 9; /* inner source 10.0.0.9 */
	fix_ipv4_cksum(&f, inner);
	udp(&f, 1111, 2222, 0);
	assert_int_equal(parse(&f, &m), 0);
	assert_true(m.flags & PKT_F_TUN_IPIP);
	assert_int_equal(m.tunnel_depth, 1);
	assert_int_equal(m.src[3], 9);
	assert_int_equal(m.sport, 1111);
	assert_int_equal(m.l3_off, inner);
	assert_int_equal(m.outer_family, 4);

	/* IPv4 (proto 41) carrying IPv6/UDP */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x0800);
	ipv4(&f, 41, 40 + 8, 0, 0);
	ipv6(&f, 17, 8);
	udp(&f, 3, 4, 0);
	assert_int_equal(parse(&f, &m), 0);
	assert_int_equal(m.family, 6);
	assert_int_equal(m.outer_family, 4);

	/* VXLAN carrying a fragment of an inner UDP datagram: the outer UDP ports must not
	 * leak into the inner flow, which has none */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x0800);
	ipv4(&f, 17, 8 + 8 + 14 + 20 + 16, 0, 0);
	udp(&f, 40000, 4789, 0);
	set16(&f, 38, 8 + 8 + 14 + 20 + 16);
	put32(&f, 0x08000000);
	put32(&f, 5 << 8);
	eth(&f, 0x0800);
	ipv4(&f, 17, 16, 0x2000, 0);
	f.n += 16;
	assert_int_equal(parse(&f, &m), 0);
	assert_true(m.flags & PKT_F_TUN_VXLAN);
	assert_true(m.flags & PKT_F_INNER_FRAG);
	assert_int_equal(m.sport, 0);
	assert_int_equal(m.dport, 0);
	assert_false(m.flags & PKT_F_L4);

	/* three levels of IPv4-in-IPv4: deeper than the limit of 2 */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x0800);
	ipv4(&f, 4, 60 + 8, 0, 0);
	ipv4(&f, 4, 40 + 8, 0, 0);
	ipv4(&f, 4, 20 + 8, 0, 0);
	ipv4(&f, 17, 8, 0, 0);
	udp(&f, 1, 2, 0);
	assert_int_equal(parse(&f, &m), VPEP_CTR_tunnel_too_deep);

	/* the inner header's checksum is always checked, NIC offload or not */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x0800);
	ipv4(&f, 4, 20 + 8, 0, 0);
	inner = ipv4(&f, 17, 8, 0, 0);
	f.b[inner + 8] ^= 1;
	udp(&f, 1, 2, 0);
	assert_int_equal(parse_n(&f, f.n, &m, PKT_PARSE_NO_IPV4_CKSUM), VPEP_CTR_ipv4_bad_checksum);
}

static void
test_gre(void **state)
{
	struct frame f = { .n = 0 };
	struct pkt_meta m;

	(void)state;
	/* GRE with key (flags 0x2000, proto IPv4) carrying IPv4/UDP */
	eth(&f, 0x0800);
	ipv4(&f, 47, 8 + 28, 0, 0);
	put16(&f, 0x2000);
	put16(&f, 0x0800);
	put32(&f, 42);
	ipv4(&f, 17, 8, 0, 0);
	udp(&f, 5, 6, 0);
	assert_int_equal(parse(&f, &m), 0);
	assert_true(m.flags & PKT_F_TUN_GRE);
	assert_int_equal(m.dport, 6);

	/* GRE transparent Ethernet bridging (0x6558): inner Ethernet/IPv4/UDP */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x0800);
	ipv4(&f, 47, 4 + 14 + 28, 0, 0);
	put16(&f, 0);
	put16(&f, 0x6558);
	eth(&f, 0x0800);
	ipv4(&f, 17, 8, 0, 0);
	udp(&f, 7, 8, 0);
	assert_int_equal(parse(&f, &m), 0);
	assert_true(m.flags & PKT_F_TUN_GRE);
	assert_int_equal(m.sport, 7);

	/* GRE with checksum+key+sequence flags but only 4 bytes present */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x0800);
	ipv4(&f, 47, 4, 0, 0);
	put16(&f, 0xb000);
	put16(&f, 0x0800);
	assert_int_equal(parse(&f, &m), VPEP_CTR_gre_truncated);

	/* two bytes of GRE */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x0800);
	ipv4(&f, 47, 2, 0, 0);
	put16(&f, 0);
	assert_int_equal(parse(&f, &m), VPEP_CTR_gre_truncated);

	/* PPTP's enhanced GRE (version 1): tracked as a GRE flow, not decapsulated */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x0800);
	ipv4(&f, 47, 8, 0, 0);
	put16(&f, 0x2001);
	put16(&f, 0x880b);
	put32(&f, 0);
	assert_int_equal(parse(&f, &m), 0);
	assert_false(m.flags & PKT_F_TUN_GRE);
	assert_int_equal(m.l4_proto, 47);
}

static void
test_udp_tunnels(void **state)
{
	struct frame f = { .n = 0 };
	struct pkt_meta m;

	(void)state;
	/* VXLAN (UDP 4789, I flag, VNI 5) carrying Ethernet/IPv4/UDP 30 -> 40 */
	eth(&f, 0x0800);
	ipv4(&f, 17, 8 + 8 + 14 + 28, 0, 0);
	udp(&f, 50000, 4789, 0);
	set16(&f, 38, 8 + 8 + 14 + 28);
	put32(&f, 0x08000000);
	put32(&f, 5 << 8);
	eth(&f, 0x0800);
	ipv4(&f, 17, 8, 0, 0);
	udp(&f, 30, 40, 0);
	assert_int_equal(parse(&f, &m), 0);
	assert_true(m.flags & PKT_F_TUN_VXLAN);
	assert_int_equal(m.sport, 30);

	/* GTP-U G-PDU with the E flag and one 4-byte extension header, carrying IPv6/UDP */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x0800);
	ipv4(&f, 17, 8 + 16 + 48, 0, 0);
	udp(&f, 2152, 2152, 0);
	set16(&f, 38, 8 + 16 + 48);
	put8(&f, 0x34);  /* version 1, PT, E */
	put8(&f, 0xff);  /* G-PDU */
	put16(&f, 8 + 48);
	put32(&f, 0x11);  /* TEID */
	put16(&f, 0);     /* sequence */
	put8(&f, 0);      /* N-PDU */
	put8(&f, 0x85);   /* next extension: PDU session container */
	put8(&f, 1);      /* its length: 4 bytes */
	put16(&f, 0);
	put8(&f, 0);      /* no further extension */
	ipv6(&f, 17, 8);
	udp(&f, 11, 12, 0);
	assert_int_equal(parse(&f, &m), 0);
	assert_true(m.flags & PKT_F_TUN_GTPU);
	assert_int_equal(m.family, 6);
	assert_int_equal(m.dport, 12);

	/* Teredo (UDP 3544) with an origin indication, carrying IPv6/UDP */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x0800);
	ipv4(&f, 17, 8 + 8 + 48, 0, 0);
	udp(&f, 3544, 40000, 0);
	set16(&f, 38, 8 + 8 + 48);
	put16(&f, 0x0000);
	put16(&f, 0xffff);
	put32(&f, 0xffffffff);
	ipv6(&f, 17, 8);
	udp(&f, 13, 14, 0);
	assert_int_equal(parse(&f, &m), 0);
	assert_true(m.flags & PKT_F_TUN_TEREDO);
	assert_int_equal(m.sport, 13);

	/* Teredo carrying IPv6/ICMPv6 (an echo request): no ports, none left over from the
	 * outer UDP header (they would make the flow key a mix of two layers) */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x0800);
	ipv4(&f, 17, 8 + 48, 0, 0);
	udp(&f, 51812, 3544, 0);
	set16(&f, 38, 8 + 48);
	ipv6(&f, 58, 8);
	put32(&f, 0x80000000);
	put32(&f, 0x00010001);
	assert_int_equal(parse(&f, &m), 0);
	assert_true(m.flags & PKT_F_TUN_TEREDO);
	assert_int_equal(m.l4_proto, 58);
	assert_int_equal(m.sport, 0);
	assert_int_equal(m.dport, 0);
	assert_false(m.flags & PKT_F_L4);

	/* UDP 3544 carrying 20 bytes of junk: not Teredo, the outer flow, no anomaly */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x0800);
	ipv4(&f, 17, 8 + 20, 0, 0);
	udp(&f, 3544, 40000, 20);
	assert_int_equal(parse(&f, &m), 0);
	assert_false(m.flags & PKT_F_TUN_TEREDO);
	assert_int_equal(m.sport, 3544);
	assert_int_equal(m.family, 4);

	/* UDP 4789 without the VXLAN I flag: a plain UDP flow */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x0800);
	ipv4(&f, 17, 8 + 8, 0, 0);
	udp(&f, 1, 4789, 8);
	assert_int_equal(parse(&f, &m), 0);
	assert_false(m.flags & PKT_F_TUN_VXLAN);
}

/* Every prefix of a frame parses without reading past it and reports something sensible. */
static void
check_all_prefixes(struct frame *f)
{
	struct pkt_meta m;
	uint32_t len;

	for (len = 0; len < f->n; len++) {
		int rc = parse_n(f, len, &m, PKT_PARSE_NO_IPV4_CKSUM);

		assert_true(rc >= 0 && rc < VPEP_CTR_MAX);
		/* A cut frame is never taken for a complete transport segment. */
		if (rc == 0 && (m.flags & PKT_F_L4))
			assert_true(m.payload_off + m.payload_len <= len);
	}
	assert_int_equal(parse_n(f, f->n, &m, PKT_PARSE_NO_IPV4_CKSUM), 0);
}

static void
test_truncated_at_every_byte(void **state)
{
	struct frame f;

	(void)state;
	/* the IPv4/UDP reference frame */
	ref_udp4(&f);
	check_all_prefixes(&f);
	/* QinQ, IPv6 with Hop-by-Hop, TCP with options */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x88a8);
	vlan(&f, 1, 0x8100);
	vlan(&f, 2, 0x86dd);
	ipv6(&f, 0, 8 + 28);
	ext8(&f, 6);
	tcp(&f, 1, 2, 8, 0);
	check_all_prefixes(&f);
	/* GRE-in-IPv4 carrying IPv4/UDP */
	memset(&f, 0, sizeof(f));
	eth(&f, 0x0800);
	ipv4(&f, 47, 4 + 28, 0, 0);
	put16(&f, 0);
	put16(&f, 0x0800);
	ipv4(&f, 17, 8, 0, 0);
	udp(&f, 5, 6, 0);
	check_all_prefixes(&f);
}

static void
test_cksum_helper(void **state)
{
	/* RFC 1071-style example header: 4500 0073 0000 4000 4011 [b861] c0a8 0001 c0a8 00c7 */
	static const uint8_t hdr[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40,
		0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
	uint8_t z[20];

	(void)state;
	assert_int_equal(pkt_ipv4_hdr_cksum(hdr, 20), 0);
	memcpy(z, hdr, 20);
	z[10] = z[11] = 0;
	assert_int_equal(pkt_ipv4_hdr_cksum(z, 20), 0xb861);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_udp_ok),
		cmocka_unit_test(test_eth_truncated),
		cmocka_unit_test(test_non_ip),
		cmocka_unit_test(test_vlan_and_qinq),
		cmocka_unit_test(test_vlan_errors),
		cmocka_unit_test(test_pppoe),
		cmocka_unit_test(test_mpls),
		cmocka_unit_test(test_ipv4_header_errors),
		cmocka_unit_test(test_ipv4_options_and_padding),
		cmocka_unit_test(test_ipv4_fragments),
		cmocka_unit_test(test_ipv6_udp_ok),
		cmocka_unit_test(test_ipv6_header_errors),
		cmocka_unit_test(test_ipv6_ext_chain),
		cmocka_unit_test(test_ipv6_ext_loop),
		cmocka_unit_test(test_ipv6_fragments),
		cmocka_unit_test(test_udp_errors),
		cmocka_unit_test(test_tcp),
		cmocka_unit_test(test_sctp_and_other),
		cmocka_unit_test(test_ip_in_ip),
		cmocka_unit_test(test_gre),
		cmocka_unit_test(test_udp_tunnels),
		cmocka_unit_test(test_truncated_at_every_byte),
		cmocka_unit_test(test_cksum_helper),
	};

	return cmocka_run_group_tests_name("pkt_parse", tests, NULL, NULL);
}
