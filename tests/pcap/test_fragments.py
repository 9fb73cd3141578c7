#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
"""IP reassembly and refragmentation, end to end through vpep-dataplane offline.

Each scenario is a generated capture with a known number of datagrams and defects; the test
checks the counters vpep reports and, for the good datagrams, that the output capture
carries them intact: scapy reassembles the output independently and every UDP payload must
equal what was sent, no output fragment may be larger than the largest input fragment, and
every IPv4 header checksum must verify.
"""

import os
import random

import vpeptest as vt
from scapy.all import (IP, UDP, Ether, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, Raw,
                       defragment, fragment, fragment6, rdpcap, wrpcap)

RND = random.Random(1)
T0 = 1700000000.0


def stamp(pkts, start=T0, step=0.001):
    t = start
    for p in pkts:
        p.time = t
        t += step
    return pkts


def datagram(i, size=3000, src="10.0.0.1", dst="10.0.0.2"):
    payload = bytes((i * 31 + k) & 0xff for k in range(size))
    return Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP(src=src, dst=dst, id=1000 + i) / UDP(sport=5060, dport=5060) / payload


def ipv4_payloads(pcap):
    """UDP payloads of the IPv4 datagrams in a capture, after scapy's own reassembly."""
    pkts = rdpcap(pcap)
    whole = defragment([p for p in pkts if IP in p])
    return sorted(bytes(p[UDP].payload) for p in whole if UDP in p)


def check_output(c, label, out, sent_payloads, max_l3):
    pkts = rdpcap(out)
    too_big = [len(p[IP]) for p in pkts if IP in p and len(p[IP]) > max_l3]
    c.eq("%s: output fragments no larger than the input's (%d)" % (label, max_l3), too_big, [])
    bad = 0
    for p in pkts:
        if IP in p:
            want = IP(bytes(p[IP])[:p[IP].ihl * 4]).chksum
            h = IP(bytes(p[IP]))
            del h.chksum
            if IP(bytes(h)).chksum != want:
                bad += 1
    c.eq("%s: IPv4 header checksums that fail in the output" % label, bad, 0)
    got = ipv4_payloads(out)
    c.eq("%s: datagrams in the output" % label, len(got), len(sent_payloads))
    c.true("%s: every datagram arrives byte-identical" % label, got == sorted(sent_payloads))


def run(c, label, pkts, tmp, expect, lcores="0-1"):
    path = os.path.join(tmp, label + ".pcap")
    wrpcap(path, pkts)
    r = vt.run_dataplane([], read=path, tmpdir=vt.mkdtemp(dir=tmp), lcores=lcores)
    vt.check_run_health(c, r, expect_rx=len(pkts))
    if r.stats is None:
        return r
    for name, want in expect.items():
        c.eq("%s: %s" % (label, name), r.counter(name), want)
    return r


def main():
    c = vt.Checks("fragments")
    tmp = vt.mkdtemp(prefix="vpep-frag-")

    # 1. 30 datagrams of 3000 bytes cut at 1500, fragments in order, reversed, shuffled.
    pkts, sent = [], []
    for i in range(30):
        d = datagram(i)
        sent.append(bytes(d[UDP].payload))
        fr = fragment(d, fragsize=1480)
        if i % 3 == 1:
            fr.reverse()
        elif i % 3 == 2:
            RND.shuffle(fr)
        pkts += fr
    r = run(c, "orders", stamp(pkts), tmp, {"frag_received": 90, "frag_reassembled": 30,
                                             "frag_refragmented": 30, "frag_fragments_out": 90})
    check_output(c, "orders", r.out_pcap, sent, 1500)

    # 2. The same with two workers: fragments are reassembled where they arrive and the
    #    datagram handed to its flow's owner.
    r = run(c, "orders-2w", stamp(pkts), tmp, {"frag_reassembled": 30},
            lcores="0@0,1@1,2@1")
    check_output(c, "orders-2w", r.out_pcap, sent, 1500)

    # 3. Small MTU on the path (576): the output keeps the path's size.
    pkts, sent = [], []
    for i in range(10):
        d = datagram(i, size=1800)
        sent.append(bytes(d[UDP].payload))
        pkts += fragment(d, fragsize=552)
    r = run(c, "mtu576", stamp(pkts), tmp, {"frag_reassembled": 10})
    check_output(c, "mtu576", r.out_pcap, sent, 572)

    # 4. A duplicated middle fragment per datagram: dropped, datagrams still complete.
    pkts, sent = [], []
    for i in range(10):
        d = datagram(i)
        sent.append(bytes(d[UDP].payload))
        fr = fragment(d, fragsize=1480)
        pkts += [fr[0], fr[1], fr[1].copy(), fr[2]]
    r = run(c, "duplicates", stamp(pkts), tmp, {"frag_duplicate": 10, "frag_reassembled": 10})
    check_output(c, "duplicates", r.out_pcap, sent, 1500)

    # 5. Overlapping fragments (the second starts 8 bytes early): whole datagram discarded.
    pkts = []
    for i in range(5):
        d = bytes(datagram(i)[IP])
        hdr, body = IP(d[:20]), d[20:]
        first = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP(bytes(hdr)) / Raw(body[:1480])
        first[IP].flags, first[IP].frag, first[IP].len = 1, 0, 1500
        second = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP(bytes(hdr)) / Raw(body[1472:])
        second[IP].flags, second[IP].frag, second[IP].len = 0, 1472 // 8, 20 + len(body) - 1472
        for p in (first, second):
            del p[IP].chksum
        pkts += [Ether(bytes(first)), Ether(bytes(second))]
    run(c, "overlap", stamp(pkts), tmp, {"frag_overlap": 5, "frag_reassembled": 0,
                                         "frag_incomplete_at_exit": 0,
                                         "frag_of_bad_datagram": 5, "tx_packets": 0})

    # 6. Too many fragments (11 x 8 bytes, 8 allowed) and a tiny first TCP fragment.
    d = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP(src="10.0.0.3", dst="10.0.0.4", id=7) / UDP(sport=1, dport=2) / (b"z" * 80)
    many = fragment(d, fragsize=8)
    t = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP(src="10.0.0.5", dst="10.0.0.6", id=8, proto=6) / Raw(b"\x00" * 48)
    tiny = fragment(t, fragsize=8)
    run(c, "many-and-tiny", stamp(many + tiny), tmp,
        {"frag_too_many": 1, "frag_tiny": 1, "frag_reassembled": 0, "tx_packets": 0})

    # 7. Ping of death: a last fragment ending past 65535.
    pod = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP(src="10.0.0.7", dst="10.0.0.8", id=9, flags=0, frag=8185, proto=1) / Raw(b"p" * 100)
    run(c, "oversize", stamp([pod]), tmp, {"frag_oversize": 1, "tx_packets": 0})

    # 8. Timeouts: two datagrams missing their last fragment, then traffic 5 s later (capture
    #    time) so that reassembly's 2 s timeout passes while packets still flow.
    pkts = []
    for i in range(2):
        pkts += fragment(datagram(i), fragsize=1480)[:2]
    later = [Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP(src="10.9.9.9", dst="10.9.9.8") / UDP(sport=9, dport=9) / b"tick"
             for _ in range(50)]
    stamp(pkts)
    stamp(later, start=T0 + 5)
    run(c, "timeout", pkts + later, tmp, {"frag_timeout": 4, "frag_reassembled": 0,
                                          "tx_packets": 50})

    # 9. Incomplete at the end of the capture: released and counted at shutdown.
    run(c, "incomplete", stamp(fragment(datagram(0), fragsize=1480)[:2]), tmp,
        {"frag_incomplete_at_exit": 2, "tx_packets": 0})

    # 10. IPv6 with a Destination Options header before the Fragment header.
    pkts, sent = [], []
    for i in range(5):
        payload = bytes((i + k) & 0xff for k in range(2500))
        sent.append(payload)
        d = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IPv6(src="2001:db8::1", dst="2001:db8::2") / IPv6ExtHdrDestOpt() / \
            IPv6ExtHdrFragment(id=50 + i) / UDP(sport=5060, dport=5060) / payload
        pkts += fragment6(d, 1280)
    r = run(c, "ipv6", stamp(pkts), tmp, {"frag_reassembled": 5,
                                         "ipv6_frag_ext_stripped": len(pkts)})
    if r.stats is not None:
        out = rdpcap(r.out_pcap)
        c.true("ipv6: output fragments fit the input size",
               all(len(p[IPv6]) <= max(len(q[IPv6]) for q in pkts) for p in out if IPv6 in p))
        c.true("ipv6: output has fragment headers", all(IPv6ExtHdrFragment in p for p in out))

    c.done()


if __name__ == "__main__":
    main()
