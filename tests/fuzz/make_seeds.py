#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
"""Write the seed corpus of fuzz_pkt_parse: one frame per layer combination the parser walks,
plus a few broken ones. Run from the repository root: /usr/bin/python3 tests/fuzz/make_seeds.py
(The output is committed; rerunning it rewrites the same files.)"""

import os
import sys

from scapy.all import (GRE, IP, TCP, UDP, Dot1AD, Dot1Q, Ether, IPv6, IPv6ExtHdrDestOpt,
                       IPv6ExtHdrFragment, IPv6ExtHdrHopByHop, IPv6ExtHdrRouting,
                       PPPoE, PPP, Raw, SCTP, fragment)
from scapy.contrib.gtp import GTP_U_Header
from scapy.contrib.mpls import MPLS
from scapy.layers.vxlan import VXLAN

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "pkt_parse")

SIP = (b"INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\n"
       b"Call-ID: a@b\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n")


def seeds():
    e = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
    yield "udp4_sip", e / IP(src="10.0.0.1", dst="10.0.0.2") / UDP(sport=5060, dport=5060) / SIP
    yield "tcp4_opts", e / IP(src="10.0.0.1", dst="10.0.0.2", options=b"\x01\x01\x01\x01") / \
        TCP(sport=5060, dport=40000, options=[("MSS", 1460), ("NOP", None)]) / SIP
    yield "vlan", e / Dot1Q(vlan=100) / IP() / UDP(sport=1, dport=2) / b"x"
    yield "qinq", e / Dot1AD(vlan=10) / Dot1Q(vlan=20) / IP() / UDP() / b"x"
    yield "pppoe", e / PPPoE(sessionid=1) / PPP(proto=0x0021) / IP() / UDP() / b"x"
    yield "mpls", e / MPLS(label=100, s=0) / MPLS(label=200, s=1) / IP() / UDP() / b"x"
    yield "udp6", e / IPv6(src="2001:db8::1", dst="2001:db8::2") / UDP(sport=5060, dport=5060) / SIP
    yield "ipv6_ext", e / IPv6() / IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt() / \
        IPv6ExtHdrRouting() / UDP() / b"x"
    yield "ipip", e / IP(proto=4) / IP(src="1.1.1.1", dst="2.2.2.2") / UDP() / b"x"
    yield "6in4", e / IP(proto=41) / IPv6() / UDP() / b"x"
    yield "gre_key", e / IP() / GRE(key_present=1, key=7) / IP() / UDP() / b"x"
    yield "gre_teb", e / IP() / GRE(proto=0x6558) / Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP() / UDP() / b"x"
    yield "vxlan", e / IP() / UDP(sport=40000, dport=4789) / VXLAN(vni=5) / Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP() / UDP() / b"x"
    yield "gtpu", e / IP() / UDP(sport=2152, dport=2152) / GTP_U_Header(teid=1) / IPv6() / UDP() / b"x"
    yield "sctp", e / IP() / SCTP(sport=2905, dport=2905)
    for i, f in enumerate(fragment(e / IP(src="10.0.0.1", dst="10.0.0.2", id=7) /
                                   UDP(sport=5060, dport=5060) / (SIP * 20), fragsize=600)):
        yield "frag4_%d" % i, f
    big = UDP(sport=5060, dport=5060) / (SIP * 10)
    yield "frag6_first", e / IPv6() / IPv6ExtHdrDestOpt() / IPv6ExtHdrFragment(id=9, m=1, offset=0) / Raw(bytes(big)[:512])
    yield "frag6_last", e / IPv6() / IPv6ExtHdrFragment(id=9, m=0, offset=64, nh=17) / Raw(bytes(big)[512:])
    # broken: a truncated IPv4 header, a lying UDP length, an IPv6 chain of 12 headers
    yield "bad_ipv4_trunc", bytes(e / IP() / UDP())[:25]
    yield "bad_udp_len", e / IP() / UDP(len=200) / b"x"
    chain = IPv6ExtHdrDestOpt()
    for _ in range(11):
        chain = chain / IPv6ExtHdrDestOpt()
    yield "bad_ipv6_loop", e / IPv6() / chain / UDP()


def main():
    os.makedirs(OUT, exist_ok=True)
    n = 0
    for name, pkt in seeds():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(bytes(pkt))
        n += 1
    print("wrote %d seeds to %s" % (n, OUT), file=sys.stderr)


if __name__ == "__main__":
    main()
