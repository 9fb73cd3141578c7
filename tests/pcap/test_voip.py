#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
"""VoIP awareness against independent references, through the whole dataplane (two workers,
so Call-ID steering and cross-worker media expectations are exercised):

- SIP messages per method and per response code, and INVITE dialogs, equal what tshark 4.0.17
  reports for each capture (../shared/corpus/tshark/*.sip.txt, *.invitecallids.txt);
- every RTP stream tshark learned from SIP/SDP (RTP_REFERENCE.tsv, sdp-learned) is a signalled
  stream of ours with the same packets, loss, max delta and jitter, and belongs to a call;
- the negative captures never give SIP, RTP or RTCP;
- flows nDPI classifies as a protocol we recognise get the same class from us
  (expected/ndpi/*.out), with every disagreement listed below with its reason.
"""

import csv
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vpeptest as vt  # noqa: E402

TWO_WORKERS = "0@0,1@1,2@1"

SIP_CAPTURES = [
    "local__sipp_uac_pcap_loopback_call.pcapng", "local__sipp_uac_pcap_rtp_echo_call.pcapng",
    "local__sipp_uac_pcap_rtp_echo_call_ipv6.pcapng", "ndpi__FAX-Call-t38-CA-TDM-SIP-FB-1.pcap",
    "ndpi__sip.pcap", "ndpi__sip_hello.pcapng", "ndpi__fuzz-2006-06-26-2594.pcap",
    "sipnab__codec-negotiation.pcap", "sipnab__invite-opus-bye.pcap",
    "sipnab__register-invite-reinvite-bye.pcap", "sipnab__speech_8k_ulaw.pcap",
    "sipnab__voicecmd_combined.pcap", "sv__sip-method__sip.pcap", "zeek__sip_wireshark.pcap",
    "sipp__g711a.pcap", "sipp__dtmf_2833_1.pcap", "sipp__dtmf_2833_pound.pcap",
    "ndpi__rtp.pcapng", "ndpi__stun_dtls_rtp.pcapng", "ndpi__skinny.pcap",
]

NEGATIVE = ["ndpi__false_positives.pcapng", "ndpi__http_on_sip_port.pcap", "ndpi__synscan.pcap"]

# Where we knowingly differ from tshark's SIP statistics, and why. For these captures the
# test checks that every SIP datagram was accounted (parsed or counted malformed) instead.
SIP_DIFFERENCES = {
    "ndpi__fuzz-2006-06-26-2594.pcap":
        "fuzzer-corrupted messages: tshark decodes them leniently (it even counts a method "
        "'REGIStER'); vpep's strict parser counts each as malformed by reason and does not "
        "learn media from corrupted SDP",
}

# RTP streams tshark learned from signalling vpep does not use; vpep must then find no
# stream (they are shorter than classification.unsignalled_rtp_min_ms) or an unsignalled one.
RTP_NOT_LEARNED = {
    "ndpi__skinny.pcap": "set up by Cisco SCCP (Skinny), which vpep does not decode; the "
                         "streams are too short (or, with their duplicated packets, too "
                         "irregular) for unsignalled RTP",
    "ndpi__fuzz-2006-06-26-2594.pcap": "announced in fuzzer-corrupted SIP messages that vpep "
                                       "counts as malformed",
}

# Stream values where tshark and vpep knowingly differ: (capture, ssrc) -> {field: (ours, why)}.
RTP_DIFFERENCES = {
    ("ndpi__FAX-Call-t38-CA-TDM-SIP-FB-1.pcap", "0x0EAF0EAF"): {
        "packets": (160, "after the re-INVITE to T.38 tshark decodes the port as T.38 and "
                         "stops counting the 28 packets that still arrive as RTP (version 2, "
                         "PT 8, this SSRC); vpep counts them"),
    },
}

# nDPI names of the classes we recognise.
NDPI_CLASS = {
    "SIP": "sip", "RTP": "rtp", "RTCP": "rtcp", "HTTP": "http", "POP3": "pop3",
    "RTSP": "rtsp", "COPS": "cops", "CIP": "cip", "TR-069": "cwmp",
}
# Our classes that nDPI has under one of the names above.
SAME_AS = {"rtp": {"rtp", "rtp_unsignalled"}, "rtcp": {"rtcp"}, "http": {"http", "cwmp"}}

# Flows where we knowingly differ from nDPI: (capture, nDPI class, ours) -> why.
SKINNY_WHY = ("RTP set up by SCCP (Skinny), which vpep does not decode: too short (or too "
              "irregular) to be called RTP without signalling")
NDPI_DIFFERENCES = {
    ("ndpi__sip.pcap", "Unknown", "rtcp"):
        "RTCP at RTP port + 1 as the call's SDP announced it; nDPI does not learn from SDP",
    ("ndpi__skinny.pcap", "RTP", "unknown"): SKINNY_WHY,
    ("ndpi__false_positives.pcapng", "RTP", "unknown"):
        "short RTP-shaped bursts (0.3-0.44 s) with no signalling: the issue requires this "
        "negative capture to give no RTP, so unsignalled RTP must last 0.5 s",
}


def sip_reference(name):
    """tshark's SIP statistics: ({method: n}, {code: n}), or None without a reference."""
    path = os.path.join(vt.CORPUS, "tshark", name + ".sip.txt")
    if not os.path.exists(path):
        return None
    methods, codes = {}, {}
    section = None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if "SIP Status Codes" in line:
                section = "codes"
            elif "List of SIP Request methods" in line:
                section = "methods"
            elif line.startswith("*"):
                section = None
            m = re.match(r"\s+SIP (\d{3}) .*:\s+(\d+) Packets", line)
            if m and section == "codes":
                codes[m.group(1)] = codes.get(m.group(1), 0) + int(m.group(2))
            m = re.match(r"\s+(\S+)\s+:\s+(\d+) Packets", line)
            if m and section == "methods":
                methods[m.group(1)] = int(m.group(2))
    return methods, codes


def read_count(name, suffix):
    path = os.path.join(vt.CORPUS, "tshark", name + suffix)
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return int(f.read().split()[0])


def rtp_reference(name):
    with open(os.path.join(vt.CORPUS, "RTP_REFERENCE.tsv"), encoding="utf-8") as f:
        return [r for r in csv.DictReader(f, delimiter="\t")
                if r["file"] == name and r["mode"] == "sdp-learned"]


def endpoint(addr, port):
    return ("[%s]:%s" if ":" in addr else "%s:%s") % (addr, port)


def check_sip(c, name, run):
    ref = sip_reference(name)
    if ref is None:
        return
    methods, codes = ref
    sip = run.stats["sip"]
    ours_m = {k: v for k, v in sip["requests"].items() if v}
    ours_c = {k: v for k, v in sip["responses"].items() if v}
    why = SIP_DIFFERENCES.get(name)
    if why:
        print("note %s: SIP counts differ from tshark by design: %s" % (name, why))
        parsed = sum(methods.values()) + sum(codes.values())
        c.true("%s: every SIP message tshark decodes is parsed or counted malformed" % name,
               sip["messages"] + sip["malformed"] >= parsed,
               "%d parsed + %d malformed vs tshark %d" % (sip["messages"], sip["malformed"],
                                                          parsed))
        return
    c.eq("%s: SIP requests per method = tshark" % name, ours_m, methods)
    c.eq("%s: SIP responses per code = tshark" % name, ours_c, codes)
    dialogs = read_count(name, ".invitecallids.txt")
    if dialogs is not None:
        ids = {call["call_id"] for call in run.stats["calls"]}
        c.eq("%s: calls (INVITE Call-IDs) = tshark" % name, len(ids), dialogs)


def close(a, b, rel=0.01, absolute=0.011):
    return abs(a - b) <= max(absolute, rel * abs(b))


def check_rtp(c, name, run):
    rows = rtp_reference(name)
    streams = run.stats["rtp_streams"]
    for r in rows:
        src, dst = endpoint(r["src"], r["sport"]), endpoint(r["dst"], r["dport"])
        label = "%s %s->%s %s" % (name, src, dst, r["ssrc"])
        mine = [s for s in streams if s["src"] == src and s["dst"] == dst and
                s["ssrc"].upper() == r["ssrc"].upper()]
        if name in RTP_NOT_LEARNED:
            c.true("%s: not a signalled stream (%s)" % (label, RTP_NOT_LEARNED[name]),
                   all(not s["signalled"] for s in mine))
            continue
        if not mine:
            c.true("%s: stream found" % label, False, "ours: %s" % [
                (s["src"], s["dst"], s["ssrc"]) for s in streams])
            continue
        s = mine[0]
        c.true("%s: learned from SDP" % label, s["signalled"] and s["call_id"] is not None,
               "signalled=%s call_id=%s" % (s["signalled"], s["call_id"]))
        pkts, lost = int(r["pkts"]), int(r["lost"])
        diff = RTP_DIFFERENCES.get((name, "0x" + r["ssrc"][2:].upper()), {})
        if "packets" in diff:
            print("note %s: packets differ from tshark by design: %s" % (label,
                                                                      diff["packets"][1]))
            pkts = diff["packets"][0]
        # Telephone-event packets sharing the stream are counted apart from the voice.
        c.eq("%s: packets" % label, s["packets"] + s["telephone_event_packets"], pkts)
        if lost >= 0:
            c.eq("%s: lost" % label, s["lost"], lost)
        else:
            # tshark counts the RFC 4733 end-of-event repeats as negative loss; we count them
            # as duplicates and never report negative loss.
            c.eq("%s: lost never negative" % label, s["lost"], 0)
            c.eq("%s: duplicates = -tshark's loss" % label,
                 s["duplicates"] + s["telephone_event_duplicates"], -lost)
        if int(r["pkts"]) > 1:
            c.true("%s: max delta %.3f ms ~ %s" % (label, s["max_delta_ms"], r["max_delta_ms"]),
                   close(s["max_delta_ms"], float(r["max_delta_ms"])))
        if float(r["max_jitter_ms"]) >= 0:
            c.true("%s: mean jitter %.3f ~ %s" % (label, s["mean_jitter_ms"],
                                                 r["mean_jitter_ms"]),
                   close(s["mean_jitter_ms"], float(r["mean_jitter_ms"])))
            c.true("%s: max jitter %.3f ~ %s" % (label, s["max_jitter_ms"], r["max_jitter_ms"]),
                   close(s["max_jitter_ms"], float(r["max_jitter_ms"])))


def ndpi_flows(name):
    """nDPI's flows: [(proto, a, b, class name)]."""
    short = name[len("ndpi__"):]
    path = os.path.join(vt.CORPUS, "expected", "ndpi", short + ".out")
    flows = []
    if not os.path.exists(path):
        return flows
    pat = re.compile(r"^\s*\d+\s+(TCP|UDP)\s+(\S+)\s+<?->\s+(\S+)\s+.*?\[proto: ([^\]]+)\]")
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = pat.match(line)
            if not m:
                continue
            conf = re.search(r"\[Confidence: ([^\]]+)\]", line)
            # nDPI's guesses from a port alone are not classifications: we never trust a port.
            if conf and not conf.group(1).startswith("DPI"):
                continue
            proto = m.group(4).split("/")[-1]  # "7.126/HTTP.Google" -> "HTTP.Google"
            flows.append((m.group(1), m.group(2), m.group(3), proto))
    return flows


def check_ndpi(c, name, run):
    ours = {}
    for f in run.stats.get("flows", []):
        proto = {6: "TCP", 17: "UDP"}.get(f["proto"])
        for key in ((proto, f["a"], f["b"]), (proto, f["b"], f["a"])):
            ours.setdefault(key, set()).add("unknown" if f["class"] == "undecided"
                                            else f["class"])
    agree = total = 0
    for proto, a, b, ndpi in ndpi_flows(name):
        want = None
        for part in ndpi.split("."):
            if part in NDPI_CLASS:
                want = NDPI_CLASS[part]
                break
        got = ours.get((proto, a, b))
        if got is None:
            continue
        if want is None:
            # A protocol we do not recognise: we must not claim one of ours.
            claimed = got & {"sip", "rtp", "rtcp", "rtp_unsignalled", "pop3", "cops", "cip",
                             "rtsp", "cwmp"}
            if claimed:
                why = NDPI_DIFFERENCES.get((name, ndpi, ",".join(sorted(claimed))))
                c.true("%s %s %s<->%s: nDPI %s, ours %s" % (name, proto, a, b, ndpi,
                                                            sorted(got)),
                       why is not None, why or "not an agreed difference")
            continue
        total += 1
        ok = bool(got & SAME_AS.get(want, {want}))
        if ok:
            agree += 1
            continue
        why = NDPI_DIFFERENCES.get((name, ndpi, ",".join(sorted(got))))
        c.true("%s %s %s<->%s: nDPI %s, ours %s" % (name, proto, a, b, ndpi, sorted(got)),
               why is not None, why or "not an agreed difference")
    if total:
        print("note %s: %d of %d flows nDPI names one of our classes agree" % (name, agree,
                                                                                total))


def run(name):
    return vt.run_dataplane([], read=vt.corpus_pcap(name), lcores=TWO_WORKERS, write=False,
                            flows=10 ** 7)


def main():
    vt.need_corpus()
    vt.need("tshark")
    c = vt.Checks("voip")
    for name in SIP_CAPTURES:
        r = run(name)
        if r.stats is None:
            c.true("%s: statistics written" % name, False)
            continue
        vt.check_run_health(c, r)
        check_sip(c, name, r)
        check_rtp(c, name, r)
        if name.startswith("ndpi__"):
            check_ndpi(c, name, r)
    for name in NEGATIVE:
        r = run(name)
        if r.stats is None:
            c.true("%s: statistics written" % name, False)
            continue
        vt.check_run_health(c, r)
        for cls in ("sip", "rtp", "rtcp", "rtp_unsignalled"):
            c.eq("%s: no %s flow" % (name, cls), r.stats["classes"][cls]["flows"], 0)
        c.eq("%s: no call" % name, len(r.stats["calls"]), 0)
        c.eq("%s: no RTP stream" % name, len(r.stats["rtp_streams"]), 0)
        check_ndpi(c, name, r)
    c.done()


if __name__ == "__main__":
    main()
