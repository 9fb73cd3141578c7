#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
"""One third-party capture from ../shared/corpus through vpep-dataplane in offline mode.

Always checked: clean exit, rx_packets equals the capture's packet count (MANIFEST.tsv), no
mbuf leak, every packet accounted for. Then, against what tshark independently decodes from
the same capture: VLAN-tagged frames, tunnels by kind, IP fragments, non-IP frames, IPv4 header
checksum failures (a second run with verification on), and the number of distinct flows
(innermost 5-tuple + outer VLAN, both directions as one). A check that does not apply to a
capture (flows through fragments that vpep refuses, say) says so instead of passing silently.

usage: test_corpus.py CAPTURE_FILE_NAME
"""

import os
import sys

import vpeptest as vt

FIELDS = ["frame.protocols", "vlan.id", "ip.proto", "ip.flags.mf", "ip.frag_offset", "ip.src",
          "ip.dst", "ipv6.nxt", "ipv6.src", "ipv6.dst", "ipv6.fraghdr.offset",
          "ipv6.fraghdr.more", "udp.srcport", "udp.dstport", "tcp.srcport", "tcp.dstport",
          "gre.proto", "gtp.message", "icmp.type", "ip.checksum.status"]

TUNNEL_PROTOS = {4, 41}


def split(v):
    return [x for x in v.split(",") if x != ""] if v else []


class Frame:
    """What tshark says about one frame, reduced to what vpep counts."""

    def __init__(self, row):
        f = dict(zip(FIELDS, row + [""] * (len(FIELDS) - len(row))))
        self.protos = f["frame.protocols"].split(":")
        self.vlans = split(f["vlan.id"])
        self.ip_proto = [int(x) for x in split(f["ip.proto"])]
        self.ip6_nxt = [int(x) for x in split(f["ipv6.nxt"])]
        self.ip_src, self.ip_dst = split(f["ip.src"]), split(f["ip.dst"])
        self.ip6_src, self.ip6_dst = split(f["ipv6.src"]), split(f["ipv6.dst"])
        mf = split(f["ip.flags.mf"])
        fo = split(f["ip.frag_offset"])
        f6o = split(f["ipv6.fraghdr.offset"])
        f6m = split(f["ipv6.fraghdr.more"])
        # the outermost IP header is a fragment (what vpep reassembles)
        first = next((p for p in self.protos if p in ("ip", "ipv6")), None)
        if first == "ip":
            self.outer_frag = bool(mf) and (mf[0] in ("1", "True") or (fo and int(fo[0]) > 0))
        elif first == "ipv6":
            self.outer_frag = bool(f6o) and (int(f6o[0]) > 0 or f6m[0] in ("1", "True"))
        else:
            self.outer_frag = False
        self.udp = (split(f["udp.srcport"]), split(f["udp.dstport"]))
        self.tcp = (split(f["tcp.srcport"]), split(f["tcp.dstport"]))
        self.gre_proto = split(f["gre.proto"])
        self.gtp_msg = split(f["gtp.message"])
        self.icmp = "icmp" in self.protos or "icmpv6" in self.protos
        self.cksum_bad = "0" in split(f["ip.checksum.status"])[:1]
        self.is_ip = "ip" in self.protos or "ipv6" in self.protos

    def tunnelled(self):
        return (any(p in TUNNEL_PROTOS for p in self.ip_proto + self.ip6_nxt) or
                "gre" in self.protos or "vxlan" in self.protos or "gtp" in self.protos or
                "teredo" in self.protos)

    def flow_key(self):
        """Innermost IP pair, protocol and ports, stopping at ICMP (vpep does not look into
        the quoted header of an ICMP error). The transport is the layer right after the
        innermost IP header."""
        v4 = v6 = 0
        key = None
        pos = -1
        for i, p in enumerate(self.protos):
            if p == "ip" and v4 < len(self.ip_src):
                proto = self.ip_proto[v4] if v4 < len(self.ip_proto) else 0
                key = ("4", self.ip_src[v4], self.ip_dst[v4], proto)
                v4 += 1
                pos = i
            elif p == "ipv6" and v6 < len(self.ip6_src):
                key = ("6", self.ip6_src[v6], self.ip6_dst[v6], None)
                v6 += 1
                pos = i
            elif p in ("icmp", "icmpv6"):
                break
        if key is None:
            return None
        fam, a, b, proto = key
        after = self.protos[pos + 1] if pos + 1 < len(self.protos) else ""
        if after == "udp" and self.udp[0]:
            proto, pa, pb = 17, int(self.udp[0][-1]), int(self.udp[1][-1])
        elif after == "tcp" and self.tcp[0]:
            proto, pa, pb = 6, int(self.tcp[0][-1]), int(self.tcp[1][-1])
        else:
            pa = pb = 0
            if proto is None:
                proto = self.ip6_nxt[-1] if self.ip6_nxt else 0
        ends = sorted([(a, pa), (b, pb)])
        vlan = self.vlans[0] if self.vlans else "0"
        return (fam, ends[0], ends[1], proto, vlan)


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    name = sys.argv[1]
    vt.need_corpus()
    vt.need("tshark")
    pcap = vt.corpus_pcap(name)
    row = vt.manifest().get(name)
    if row is None:
        vt.skip("%s is not in MANIFEST.tsv" % name)
    c = vt.Checks(name)
    tmp = vt.mkdtemp(prefix="vpep-corpus-")

    # 1. Offline, inline (what enters leaves), default settings.
    run = vt.run_dataplane([], read=pcap, tmpdir=tmp)
    vt.check_run_health(c, run, expect_rx=int(row["packets"]))
    if run.stats is None:
        c.done()
    s = run.stats
    anomalies = sum(s["anomalies"].values())
    frames = [Frame(r) for r in vt.tshark_fields(pcap, FIELDS, extra=["-o", "ip.check_checksum:TRUE"])]
    c.eq("tshark frame count matches MANIFEST", len(frames), int(row["packets"]))
    tunnels = any(fr.tunnelled() for fr in frames)
    nfrag = sum(1 for fr in frames if fr.outer_frag and not fr.tunnelled())

    if anomalies == 0:
        c.eq("VLAN-tagged frames (one tag + two tags) vs tshark",
             s["info"]["vlan_tagged"] + s["info"]["vlan_qinq"],
             sum(1 for fr in frames if fr.vlans))
        c.eq("non-IP frames vs tshark", s["info"]["non_ip"],
             sum(1 for fr in frames if not fr.is_ip))
    else:
        print("note: %d malformed packets: VLAN and non-IP counts not compared" % anomalies)

    if tunnels:
        ipip = sum(1 for fr in frames if any(p in TUNNEL_PROTOS for p in fr.ip_proto + fr.ip6_nxt)
                   and "gre" not in fr.protos)
        gre = sum(1 for fr in frames if any(g in ("0x0800", "0x86dd", "0x6558")
                                            for g in fr.gre_proto[:1]))
        vxlan = sum(1 for fr in frames if "vxlan" in fr.protos)
        gtpu = sum(1 for fr in frames if "gtp" in fr.protos and "0xff" in fr.gtp_msg[:1] and
                   ("ip" in fr.protos[fr.protos.index("gtp"):] or "ipv6" in fr.protos[fr.protos.index("gtp"):]))
        teredo = sum(1 for fr in frames if "teredo" in fr.protos)
        c.eq("IP-in-IP decapsulated vs tshark", s["info"]["tunnel_ip_in_ip"], ipip)
        c.eq("GRE decapsulated vs tshark", s["info"]["tunnel_gre"], gre)
        c.eq("VXLAN decapsulated vs tshark", s["info"]["tunnel_vxlan"], vxlan)
        c.eq("GTP-U decapsulated vs tshark", s["info"]["tunnel_gtpu"], gtpu)
        c.eq("Teredo decapsulated vs tshark", s["info"]["tunnel_teredo"], teredo)
    elif anomalies == 0:
        c.eq("fragments received vs tshark", s["reassembly"]["fragments_received"], nfrag)
    else:
        print("note: fragments not compared: malformed packets are counted as such, not "
              "reassembled (%d here)" % anomalies)
    if not tunnels:
        for k in ("tunnel_ip_in_ip", "tunnel_gre", "tunnel_vxlan", "tunnel_gtpu", "tunnel_teredo"):
            c.eq("%s (tshark sees no tunnel)" % k, s["info"][k], 0)

    # 2. Flows: every flow once, however many packets, when nothing was refused or broken.
    frag_drops = sum(v for k, v in s["drops"].items() if k.startswith("frag_"))
    if anomalies == 0 and frag_drops == 0:
        cfg = os.path.join(tmp, "long-timeouts.json")
        with open(cfg, "w", encoding="utf-8") as f:
            f.write('{"flows": {"idle_timeout_s": {"tcp": 86400, "udp": 86400, "other": 86400}}}')
        run2 = vt.run_dataplane([], read=pcap, config=cfg, write=False, tmpdir=tmp)
        keys = set()
        for fr in frames:
            if fr.outer_frag and not (fr.udp[0] or fr.tcp[0]):
                continue  # a fragment: its datagram is counted by its last fragment
            k = fr.flow_key()
            if k is not None:
                keys.add(k)
        c.eq("flows with no idle expiry vs distinct tshark 5-tuples",
             run2.stats["flows_created"] if run2.stats else None, len(keys))
    else:
        print("note: flows not compared (%d malformed, %d fragment drops)" % (anomalies, frag_drops))

    # 3. IPv4 header checksums, verified this time (offline mode ignores them by default).
    cfg = os.path.join(tmp, "verify.json")
    with open(cfg, "w", encoding="utf-8") as f:
        f.write('{"ipv4_checksum": "verify"}')
    run3 = vt.run_dataplane([], read=pcap, config=cfg, write=False, tmpdir=tmp)
    if run3.stats is not None:
        others = sum(v for k, v in run3.stats["anomalies"].items() if k != "ipv4_bad_checksum")
        if others == 0 and not tunnels:
            c.eq("IPv4 header checksum failures vs tshark",
                 run3.stats["anomalies"]["ipv4_bad_checksum"],
                 sum(1 for fr in frames if fr.cksum_bad))
        else:
            print("note: checksum failures not compared (other anomalies or tunnels)")
        c.eq("verify run exit code", run3.rc, 0)
    c.done()


if __name__ == "__main__":
    main()
