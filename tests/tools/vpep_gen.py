#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
"""vpep_gen: VoIP traffic generator with ground truth.

Writes an Ethernet pcap (microsecond timestamps) of concurrent SIP calls with their RTP and RTCP
media, and next to it (X.pcap -> X.truth.json) what is in it: every call's state, every RTP
stream's loss, duplicates, reordering, jitter and max delta computed with exactly vpep's rules
(dataplane/rtp_stats.c, docs/rtp-quality.md), RTCP SR/RR counts, and SIP message counts.
The same --seed and options give byte-identical output. See docs/traffic-generator.md.

--self-check reads the capture back (own decoder and tshark) and compares it with the truth.
"""

import argparse
import hashlib
import heapq
import ipaddress
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from array import array
from collections import deque
from functools import partial
from struct import pack, unpack_from

GEN_VERSION = 1
US = 1_000_000
NTP_OFFSET = 2208988800
M16 = 0xFFFF
M32 = 0xFFFFFFFF

# Frame kinds, for the packet counts of the truth.
K_SIP, K_FRAG4, K_FRAG6, K_TCP, K_TCP_DATA, K_RTP, K_RTCP = range(7)
KIND_NAMES = ("sip_udp", "ipv4_fragments", "ipv6_fragments", "tcp_control", "tcp_data", "rtp",
              "rtcp")

# ---------------------------------------------------------------------------------------------
# Codecs
# ---------------------------------------------------------------------------------------------


class Codec:
    __slots__ = ("name", "pt", "clock", "rtpmap", "fmtp", "ptimes")

    def __init__(self, name, pt, clock, rtpmap, fmtp, ptimes):
        self.name, self.pt, self.clock, self.rtpmap = name, pt, clock, rtpmap
        self.fmtp, self.ptimes = fmtp, ptimes


# Payload types: static where RFC 3551 has one, otherwise the dynamic numbers common phones use.
CODECS = {
    "PCMU": Codec("PCMU", 0, 8000, "PCMU/8000", None, (10, 20, 30, 40)),
    "PCMA": Codec("PCMA", 8, 8000, "PCMA/8000", None, (10, 20, 30, 40)),
    "G722": Codec("G722", 9, 8000, "G722/8000", None, (10, 20, 30, 40)),  # RFC 3551 4.5.2
    "G729": Codec("G729", 18, 8000, "G729/8000", "annexb=no", (10, 20, 30, 40)),
    "GSM": Codec("GSM", 3, 8000, "GSM/8000", None, (20, 40)),  # 20 ms frames
    "iLBC": Codec("iLBC", 97, 8000, "iLBC/8000", None, (20, 30, 40)),  # mode 20 or 30
    "opus": Codec("opus", 111, 48000, "opus/48000/2", "minptime=10;useinbandfec=1",
                  (10, 20, 40)),
}
CODEC_ORDER = ("PCMU", "PCMA", "G722", "G729", "opus", "GSM", "iLBC")
# Offered only in the big (fragmented) INVITE, never chosen.
EXTRA_OFFER = (("G726-32", 112, "G726-32/8000", None), ("speex", 98, "speex/16000", None),
               ("AMR-WB", 100, "AMR-WB/16000", "octet-align=1"))
TE_PT = 101

# RFC 3551 clocks of static payload types (= rtp_pt_static_clock() = tshark's clock_map).
STATIC_CLOCK = {0: 8000, 1: 8000, 2: 8000, 3: 8000, 4: 8000, 5: 8000, 6: 16000, 7: 8000,
                8: 8000, 9: 8000, 10: 44100, 11: 44100, 12: 8000, 13: 8000, 14: 90000,
                15: 8000, 16: 11025, 17: 22050, 18: 8000, 19: 8000, 25: 90000, 26: 90000,
                28: 90000, 31: 90000, 32: 90000, 33: 90000, 34: 90000}


def payload_len(codec, ptime, rng):
    n = codec.name
    if n in ("PCMU", "PCMA", "G722"):
        return 8 * ptime
    if n == "G729":
        return ptime  # 10 octets per 10 ms frame
    if n == "GSM":
        return 33 * (ptime // 20)
    if n == "iLBC":
        return 50 if ptime == 30 else 38 * (ptime // 20)
    # opus: VBR around 32 kbit/s
    return max(8, int(4 * ptime * rng.uniform(0.75, 1.25)))


def be_sum(data):
    """Sum of the big-endian 16-bit words of data (zero-padded), folded to 16 bits."""
    if len(data) & 1:
        data += b"\0"
    s = sum(array("H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    if sys.byteorder == "little":
        s = ((s & 0xFF) << 8) | (s >> 8)
    return s


def make_payloads(codec, ptime, rng, n=16):
    """A few payload variants per stream (the content is noise; framing bytes are right)."""
    out = []
    for _ in range(n):
        ln = payload_len(codec, ptime, rng)
        b = bytearray(rng.getrandbits(8 * ln).to_bytes(ln, "big"))
        if codec.name == "GSM":
            for f in range(0, ln, 33):
                b[f] = 0xD0 | (b[f] & 0x0F)  # GSM 06.10 RTP frame signature
        elif codec.name == "opus":
            b[0] = {10: 8, 20: 9, 40: 10}[ptime] << 3  # TOC: SILK WB, mono, one frame
        out.append(bytes(b))
    return out


# ---------------------------------------------------------------------------------------------
# Checksums, addresses, frames
# ---------------------------------------------------------------------------------------------


def csum(data):
    """RFC 1071 checksum, summed in native byte order (order-independent, RFC 1071 2(B)).
    Pack the result with '=H'."""
    if len(data) & 1:
        data += b"\0"
    s = sum(array("H", data))
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


class Host:
    __slots__ = ("text", "v6", "packed", "mac", "uri", "ip_id", "frag_id", "sdp_net")

    def __init__(self, ip):
        a = ipaddress.ip_address(ip)
        self.text = str(a)
        self.v6 = a.version == 6
        self.packed = a.packed
        h = hashlib.sha256(self.packed).digest()
        self.mac = b"\x02" + h[:5]  # locally administered, derived from the address
        self.uri = "[%s]" % self.text if self.v6 else self.text
        self.ip_id = int.from_bytes(h[5:7], "big")
        self.frag_id = int.from_bytes(h[7:11], "big")
        self.sdp_net = "IN IP6" if self.v6 else "IN IP4"


def ep(host, port):
    return "%s:%d" % (host.uri, port)


class Path:
    """One direction between two hosts: Ethernet (+802.1Q) and IP header templates."""
    __slots__ = ("src", "dst", "v6", "eth", "tos", "pre", "flow")

    def __init__(self, src, dst, vlan, dscp):
        self.src, self.dst, self.v6 = src, dst, src.v6
        tag = pack("!HH", 0x8100, vlan & 0xFFF) if vlan else b""
        self.eth = dst.mac + src.mac + tag + (b"\x86\xdd" if src.v6 else b"\x08\x00")
        self.tos = dscp << 2
        self.pre = src.packed + dst.packed
        self.flow = int.from_bytes(hashlib.sha256(self.pre).digest()[:3], "big") & 0xFFFFF

    def _ip4(self, proto, plen, ident, fl_off, df):
        h = pack("!BBHHHBBH4s4s", 0x45, self.tos, 20 + plen, ident,
                 fl_off | (0x4000 if df else 0), 64, proto, 0, self.src.packed,
                 self.dst.packed)
        return h[:10] + pack("=H", csum(h)) + h[12:]

    def _ip6(self, nh, plen):
        return pack("!IHBB", 0x60000000 | (self.tos << 20) | self.flow, plen, nh, 64) + self.pre

    def _frame(self, l3):
        f = self.eth + l3
        if len(f) < 60:
            f += bytes(60 - len(f))  # Ethernet minimum, as a mirror port delivers it
        return f

    def l4_csum(self, proto, seg):
        if self.v6:
            ph = self.pre + pack("!IxxxB", len(seg), proto)
        else:
            ph = self.pre + pack("!xBH", proto, len(seg))
        c = csum(ph + seg)
        return c if c or proto == 6 else 0xFFFF

    def udp_seg(self, sport, dport, payload):
        seg = pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
        return seg[:6] + pack("=H", self.l4_csum(17, seg)) + seg[8:]

    def udp1(self, sport, dport, payload, df=True):
        """One UDP datagram in one frame. Returns (frame, ip_len)."""
        seg = self.udp_seg(sport, dport, payload)
        if self.v6:
            return self._frame(self._ip6(17, len(seg)) + seg), 40 + len(seg)
        h = self.src
        h.ip_id = (h.ip_id + 1) & 0xFFFF
        return self._frame(self._ip4(17, len(seg), h.ip_id, 0, df) + seg), 20 + len(seg)

    def udp(self, sport, dport, payload, mtu=0):
        """A UDP datagram as frames: one, or IP fragments when it exceeds mtu (0 = never)."""
        seg = self.udp_seg(sport, dport, payload)
        h = self.src
        if self.v6:
            if not mtu or 40 + len(seg) <= mtu:
                return [self._frame(self._ip6(17, len(seg)) + seg)]
            h.frag_id = (h.frag_id + 1) & M32
            chunk = (mtu - 48) & ~7
            out = []
            for off in range(0, len(seg), chunk):
                part = seg[off:off + chunk]
                more = 1 if off + chunk < len(seg) else 0
                fh = pack("!BBHI", 17, 0, off | more, h.frag_id)
                out.append(self._frame(self._ip6(44, 8 + len(part)) + fh + part))
            return out
        h.ip_id = (h.ip_id + 1) & 0xFFFF
        if not mtu or 20 + len(seg) <= mtu:
            return [self._frame(self._ip4(17, len(seg), h.ip_id, 0, False) + seg)]
        chunk = (mtu - 20) & ~7
        out = []
        for off in range(0, len(seg), chunk):
            part = seg[off:off + chunk]
            more = 0x2000 if off + chunk < len(seg) else 0
            out.append(self._frame(self._ip4(17, len(part), h.ip_id, more | (off >> 3), False)
                                   + part))
        return out

    def tcp(self, sport, dport, seq, ack, flags, payload=b"", opts=b""):
        doff = (20 + len(opts)) // 4
        seg = pack("!HHIIBBHHH", sport, dport, seq & M32, ack & M32, doff << 4, flags, 64240, 0,
                   0) + opts + payload
        seg = seg[:16] + pack("=H", self.l4_csum(6, seg)) + seg[18:]
        if self.v6:
            return self._frame(self._ip6(6, len(seg)) + seg)
        h = self.src
        h.ip_id = (h.ip_id + 1) & 0xFFFF
        return self._frame(self._ip4(6, len(seg), h.ip_id, 0, True) + seg)


TCP_FIN, TCP_SYN, TCP_PSH, TCP_ACK = 0x01, 0x02, 0x08, 0x10

# ---------------------------------------------------------------------------------------------
# Ground truth: vpep's per-stream RTP statistics (dataplane/rtp_stats.c, docs/rtp-quality.md)
# ---------------------------------------------------------------------------------------------

MAX_BURST = 2000  # longest Gilbert loss run the generator makes (< MAX_DROPOUT)
MAX_REORDER_DISTANCE = 50  # < MAX_MISORDER: a late packet stays "late", not a jump
SEQ_MOD = 1 << 16
MAX_DROPOUT = 3000
MAX_MISORDER = 100
MIN_SEQUENTIAL = 2
F_STARTED, F_VALID, F_TS_REF, F_JIT_REF, F_CLK_REF = 1, 2, 4, 8, 16
P_DUP, P_RESYNC, P_WRONG_TS = 1, 2, 4
TS_ANCHOR_MOVE = 1 << 30
ELAPSED_MAX = 1 << 50
M128 = (1 << 128) - 1


def _ctrunc_div(a, b):
    """C integer division (truncates toward zero)."""
    q = abs(a) // b
    return q if a >= 0 else -q


class RtpStats:
    """vpep's struct rtp_stream, rule for rule: RFC 3550 A.1 probation and resync, A.3 expected
    and lost with duplicates removed by a 128-bit window (lost never negative), A.8 jitter in
    nanoseconds scaled by 16 with integer arithmetic, tshark's "regular packet" rule for max
    delta and jitter samples, telephone-event packets in the sequence space but never in jitter.
    Times are nanoseconds (capture microseconds * 1000, as vpep gets them from net_pcap)."""
    __slots__ = ("ssrc", "ptmap", "flags", "min_sequential", "probation", "max_seq", "cycles",
                 "base_ext", "bad_seq", "received", "expected_closed", "seen", "first_ts",
                 "ref_ts", "delta_ref", "jit_ref", "clk_ref", "first_ns", "last_ns", "jq4",
                 "max_jq4", "sum_jq4", "max_delta", "transit", "floor", "samples", "packets",
                 "te_packets", "cn_packets", "unknown_pt", "duplicates", "te_duplicates",
                 "reordered", "bad_jumps", "resyncs", "markers", "pt_changes", "wrong_ts",
                 "jb_late", "loss_bursts", "burst_lost", "max_burst", "bytes", "last_pt", "jb_ms",
                 "ptcache")

    def __init__(self, ssrc, clock, pt, te_pt, te_clock=8000):
        for k in self.__slots__:
            setattr(self, k, 0)
        self.ssrc = ssrc
        self.ptmap = {}
        if pt is not None and clock:
            self.ptmap[pt] = (clock, False)
        if te_pt is not None and te_pt != pt:
            self.ptmap[te_pt] = (te_clock, True)
        self.min_sequential = MIN_SEQUENTIAL
        self.bad_seq = SEQ_MOD + 1
        self.jb_ms = 60
        self.ptcache = {}

    def _pt_clock(self, pt):
        e = self.ptmap.get(pt)
        if e is not None:
            return (0, True) if e[1] else (e[0], False)
        return STATIC_CLOCK.get(pt, 0), False

    def _epoch_start(self, seq, n):
        self.cycles = SEQ_MOD
        self.max_seq = seq
        self.base_ext = self.cycles + seq - (n - 1)
        self.bad_seq = SEQ_MOD + 1
        self.seen = (1 << min(n, 128)) - 1
        self.received += n

    def _dup(self, te):
        if te:
            self.te_duplicates += 1
        else:
            self.duplicates += 1

    def _seq_update(self, seq, te):
        if not self.flags & F_VALID:
            if seq == self.max_seq and self.probation < self.min_sequential:
                self._dup(te)
                return P_DUP
            if seq == (self.max_seq + 1) & M16:
                self.probation -= 1
                self.max_seq = seq
                if self.probation == 0:
                    self._epoch_start(seq, self.min_sequential)
                    self.flags |= F_VALID
                    return 0
            else:
                self.probation = self.min_sequential - 1
                self.max_seq = seq
            return 0
        udelta = (seq - self.max_seq) & M16
        if udelta == 0:
            self._dup(te)
            return P_DUP
        if udelta < MAX_DROPOUT:
            if seq < self.max_seq:
                self.cycles += SEQ_MOD
            if udelta > 1:
                gap = udelta - 1
                self.loss_bursts += 1
                self.burst_lost += gap
                if gap > self.max_burst:
                    self.max_burst = gap
            self.seen = ((self.seen << udelta) & M128) | 1
            self.max_seq = seq
            self.bad_seq = SEQ_MOD + 1
            self.received += 1
            return 0
        if udelta <= SEQ_MOD - MAX_MISORDER:
            if seq == self.bad_seq:
                self.expected_closed += self.cycles + self.max_seq - self.base_ext + 1
                self._epoch_start(seq, 2)
                self.resyncs += 1
                return P_RESYNC
            self.bad_seq = (seq + 1) & M16
            self.bad_jumps += 1
            return 0
        bit = 1 << ((self.max_seq - seq) & M16)
        if self.seen & bit:
            self._dup(te)
            return P_DUP
        self.seen |= bit
        self.reordered += 1
        self.received += 1
        if self.burst_lost > 0:
            self.burst_lost -= 1
        return 0

    def _timing_first(self, ts, now, clock, te):
        self.first_ts = ts
        self.delta_ref = now
        if te:
            return
        self.ref_ts = ts
        self.jit_ref = now
        self.flags |= F_TS_REF | F_JIT_REF
        if clock:
            self.clk_ref = now
            self.transit = self.floor = 0
            self.flags |= F_CLK_REF

    def update(self, pt, marker, seq, ts, now, wire_len):
        ck = self.ptcache.get(pt)
        if ck is None:
            ck = self.ptcache[pt] = self._pt_clock(pt)
        clock, te = ck
        cn = pt == 13 or pt == 19
        self.packets += 1
        self.bytes += wire_len
        self.last_ns = now
        if marker:
            self.markers += 1
        if te:
            self.te_packets += 1
        elif cn:
            self.cn_packets += 1
        elif clock == 0:
            self.unknown_pt += 1
        if not self.flags & F_STARTED:
            self.flags |= F_STARTED
            self.last_pt = pt
            self.max_seq = (seq - 1) & M16
            self.probation = self.min_sequential
            self._seq_update(seq, te)
            self.first_ns = now
            self._timing_first(ts, now, clock, te)
            return
        if pt != self.last_pt:
            self.pt_changes += 1
        prev_cn = self.last_pt == 13 or self.last_pt == 19
        self.last_pt = pt
        r = self._seq_update(seq, te)
        if r & P_RESYNC:
            self.flags &= ~(F_TS_REF | F_JIT_REF | F_CLK_REF)
            self._timing_first(ts, now, clock, te)
            return
        # timing_update()
        d_ts = (ts - self.first_ts) & M32
        if d_ts >= 0x80000000:
            self.wrong_ts += 1
            return
        if d_ts >= TS_ANCHOR_MOVE:
            self.first_ts = (self.first_ts + TS_ANCHOR_MOVE // 2) & M32
        delta = now - self.delta_ref if now > self.delta_ref else 0
        self.delta_ref = now
        sampled = False
        if not te and not r & P_DUP:
            f = self.flags
            if clock:
                dts = (ts - self.ref_ts) & M32
                if dts >= 0x80000000:
                    dts -= 1 << 32
                expect = _ctrunc_div(dts * 1_000_000_000, clock)
                if f & F_TS_REF and f & F_JIT_REF:
                    el = max(-ELAPSED_MAX, min(ELAPSED_MAX, now - self.jit_ref))
                    self.jq4 = self.jq4 + abs(el - expect) - (self.jq4 >> 4)
                    sampled = True
                if f & F_CLK_REF:
                    el = max(-ELAPSED_MAX, min(ELAPSED_MAX, now - self.clk_ref))
                    self.transit += el - expect
                    if self.transit > ELAPSED_MAX or self.transit < -ELAPSED_MAX:
                        self.transit = self.floor = 0
                    if self.transit < self.floor:
                        self.floor = self.transit
                    else:
                        self.floor += (self.transit - self.floor) >> 12
                    if not cn and self.transit - self.floor > self.jb_ms * 1_000_000:
                        self.jb_late += 1
                else:
                    self.transit = self.floor = 0
                self.clk_ref = now
                self.ref_ts = ts
                self.flags |= F_TS_REF | F_CLK_REF
            self.jit_ref = now
            self.flags |= F_JIT_REF
        if not marker and not cn and not prev_cn:
            if delta > self.max_delta:
                self.max_delta = delta
            if sampled:
                if self.jq4 > self.max_jq4:
                    self.max_jq4 = self.jq4
                self.sum_jq4 += self.jq4
                self.samples += 1

    # -- reports --
    def validated(self):
        return bool(self.flags & F_VALID)

    def expected(self):
        if not self.flags & F_VALID:
            return 0
        return (self.expected_closed + self.cycles + self.max_seq - self.base_ext + 1) & M32

    def lost(self):
        e = self.expected()
        return e - self.received if e > self.received else 0

    def ext_max(self):
        if not self.flags & F_VALID:
            return self.max_seq
        return (self.cycles - SEQ_MOD + self.max_seq) & M32

    def voice_clock(self):
        for clock, te in self.ptmap.values():
            if not te:
                return clock
        return self._pt_clock(self.last_pt)[0]

    def jitter_ts(self):
        c = self.voice_clock()
        return (self.jq4 >> 4) * c // 1_000_000_000 if c else 0

    def report(self):
        """The fields of vpep's struct rtp_stream_report, same names and units."""
        exp = self.expected()
        dur = (self.last_ns - self.first_ns) / 1e9 if self.last_ns > self.first_ns else 0.0
        return {
            "packets": self.packets,
            "bytes": self.bytes,
            "expected": self.expected(),
            "received": self.received,
            "lost": self.lost(),
            "duplicates": self.duplicates,
            "reordered": self.reordered,
            "te_packets": self.te_packets,
            "te_duplicates": self.te_duplicates,
            "validated": self.validated(),
            "ext_highest_seq": self.ext_max(),
            "loss_bursts": self.loss_bursts,
            "max_burst": self.max_burst,
            "markers": self.markers,
            "jb_late": self.jb_late,
            "wrong_ts": self.wrong_ts,
            "max_delta_ms": round(self.max_delta / 1e6, 6),
            "jitter_ms": round(self.jq4 / 16e6, 6),
            "mean_jitter_ms": round(self.sum_jq4 / self.samples / 16e6, 6) if self.samples
            else 0.0,
            "max_jitter_ms": round(self.max_jq4 / 16e6, 6),
            "jitter_ts": self.jitter_ts(),
            "loss_fraction": round(self.lost() / exp, 6) if exp else 0.0,
            "duration_s": round(dur, 6),
            "bitrate_bps": round(self.bytes * 8 / dur, 3) if dur else 0.0,
        }


class TsharkModel:
    """tshark 4.0.17's rtppacket_analyse() and rtpstream_info_calculate() (docs/rtp-quality.md
    rules T4-T10), used by --self-check to predict tshark's row exactly.

    One correction to rule T5, found with --rtp-wrap: 4.0.17 works on *extended* RTP
    timestamps (each unwrapped against the previous packet's), so a timestamp wrap does not
    make later packets "wrong timestamp"; only a real step backwards (a sender's reset, as in
    the corpus FAX capture) does. Sequence numbers are not extended (T4 stands)."""
    __slots__ = ("first", "start_seq", "stop_seq", "seq_num", "first_ts", "time",
                 "lastnominal", "pt", "jitter", "max_jitter", "mean_jitter", "max_delta",
                 "delta", "total", "cycles", "under", "clocks", "wrong_ts", "ext_ts")

    def __init__(self, clocks):
        self.first = True
        self.clocks = clocks  # pt -> clock (0 for telephone-event)
        self.cycles = 0
        self.under = False
        self.jitter = self.max_jitter = self.mean_jitter = self.max_delta = self.delta = 0.0
        self.total = 0
        self.wrong_ts = 0

    def update(self, cur, pt, marker, seq, ts):
        """cur: arrival in ms relative to the capture's first frame (nstime_to_msec)."""
        if self.first:
            self.ext_ts = ts
        else:
            d = (ts - self.ext_ts) & M32
            self.ext_ts += d - (1 << 32) if d >= 0x80000000 else d
            ts = self.ext_ts
        if self.first:
            self.start_seq = self.stop_seq = self.seq_num = seq
            self.first_ts = ts
            self.time = cur
            self.lastnominal = 0.0
            self.pt = pt
            self.total = 1
            self.first = False
            return
        in_time = self.first_ts <= ts and ts - self.first_ts < 0x80000000
        if not in_time:
            self.wrong_ts += 1
        if seq < self.start_seq and in_time and not self.under:
            self.cycles += 1
            self.under = True
        elif seq == 0 and self.stop_seq == 65535 and in_time and not self.under:
            self.cycles += 1
            self.under = True
        elif seq > self.start_seq and in_time and self.under:
            self.under = False
        if in_time and (self.seq_num + 1 == seq):
            self.seq_num = seq
        elif in_time and self.seq_num == 65535 and seq == 0:
            self.seq_num = seq
        elif in_time and (self.seq_num + 1 < seq or self.seq_num - seq > 0xFF00):
            self.seq_num = seq
        cn = pt == 13 or pt == 19
        follow_cn = self.pt == 13 or self.pt == 19
        self.pt = pt
        if pt < 96:
            clock = STATIC_CLOCK.get(pt, 0)
        else:
            clock = self.clocks.get(pt, 0)
        diff = 0.0
        if in_time:
            if clock:
                nominal = float(ts - self.first_ts) / (clock // 1000)
                expected = self.time + (nominal - self.lastnominal)
                diff = abs(cur - expected)
                self.jitter = (15 * self.jitter + diff) / 16
                self.delta = cur - self.time
                self.lastnominal = nominal
            else:
                self.delta = cur - self.time
        if not marker and not cn and in_time and not follow_cn:
            if self.delta > self.max_delta:
                self.max_delta = self.delta
            if clock:
                if self.jitter > self.max_jitter:
                    self.max_jitter = self.jitter
                self.mean_jitter = (self.mean_jitter * (self.total - 1) + self.jitter) / self.total
        if in_time:
            self.time = cur
        self.stop_seq = seq
        self.total += 1

    def row(self):
        expected = self.stop_seq + self.cycles * 65536 - self.start_seq + 1
        return {"packets": self.total, "lost": expected - self.total,
                "max_delta": "%.3f" % self.max_delta, "mean_jitter": "%.3f" % self.mean_jitter,
                "max_jitter": "%.3f" % self.max_jitter}


def msec_rel(us, first_us):
    """nstime_to_msec(&pinfo->rel_ts) for microsecond captures, bit for bit."""
    secs, nsecs = divmod((us - first_us) * 1000, 1_000_000_000)
    return secs * 1000.0 + nsecs / 1000000.0


# ---------------------------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------------------------


def parse_mix(text, allowed, what):
    out = {}
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        k, _, w = part.partition("=")
        k = k.strip()
        if k not in allowed:
            raise SystemExit("vpep_gen: %s: unknown %s %r (one of %s)" %
                             (what, what, k, ", ".join(map(str, allowed))))
        out[k] = float(w) if w else 1.0
        if out[k] < 0:
            raise SystemExit("vpep_gen: %s: negative weight for %r" % (what, k))
    if not out or sum(out.values()) <= 0:
        raise SystemExit("vpep_gen: %s: empty mix %r" % (what, text))
    return out


def pick(rng, mix):
    """Weighted choice, deterministic (keys in the mix's own order)."""
    keys = list(mix)
    total = sum(mix.values())
    x = rng.random() * total
    for k in keys:
        x -= mix[k]
        if x < 0:
            return k
    return keys[-1]


class Impair:
    __slots__ = ("loss", "burst_p", "burst_r", "jitter_us", "dist", "reorder", "reorder_dist",
                 "dup")

    def __init__(self, o):
        self.loss = o.loss
        self.burst_p, self.burst_r = o.burst if o.burst else (0.0, 1.0)
        self.jitter_us = int(o.jitter * 1000)
        self.dist = o.jitter_dist
        self.reorder = o.reorder
        self.reorder_dist = max(1, o.reorder_distance)
        self.dup = o.duplicate

    def any(self):
        return bool(self.loss or self.burst_p or self.jitter_us or self.reorder or self.dup)

    def describe(self):
        return {"loss": self.loss, "burst_p": self.burst_p, "burst_r": self.burst_r,
                "jitter_ms": self.jitter_us / 1000, "jitter_dist": self.dist,
                "reorder": self.reorder, "reorder_distance": self.reorder_dist,
                "duplicate": self.dup}


# ---------------------------------------------------------------------------------------------
# SIP and SDP text
# ---------------------------------------------------------------------------------------------

COMPACT = {"Via": "v", "From": "f", "To": "t", "Call-ID": "i", "Contact": "m",
           "Content-Length": "l", "Content-Type": "c", "Supported": "k", "Subject": "s"}
REASONS = {100: "Trying", 180: "Ringing", 200: "OK", 401: "Unauthorized", 404: "Not Found",
           408: "Request Timeout", 486: "Busy Here", 487: "Request Terminated"}
CALLER_UAS = ("Yealink SIP-T46S 66.86.0.15", "PolycomVVX-VVX_450-UA/6.4.3.5018",
              "Grandstream GXP2170 1.0.11.23", "Cisco-CP8865/14.1.1",
              "Zoiper rv2.10.19.5", "MicroSIP/3.21.3", "snom760/10.1.141.13")
BIG_UA = "Linphone-Desktop/5.2.0 (belle-sip/5.2.0)"  # ICE candidates make its INVITEs big
SERVER_UAS = ("Asterisk PBX 20.5.0", "FreeSWITCH-mod_sofia/1.10.10-release~64bit",
              "Kamailio (5.7.2 (x86_64/linux))")
NAMES = ("Alice Smith", "Bob Jones", "Carol White", "Dave Brown", "Erin Green", "Frank Black",
         "Grace Hall", "Heidi Young", "Ivan King", "Judy Wright")
SESSION_NAMES = ("-", "SIP Call", "Talk", "session")
DOMAIN = "voip.example.com"


def sip_text(start, headers, body=b"", compact=False, stream=False):
    """compact: use the RFC 3261 7.3.3 short names. Over a stream (TCP) Content-Length stays
    long: Wireshark's SIP-over-TCP reassembly (epan/req_resp_hdrs.c) only recognises the long
    name, and a compact "l:" message with its body in a later segment would be dissected cut
    short, which would make tshark useless as the independent check of such captures."""
    lines = [start]
    for name, value in headers:
        if compact:
            name = COMPACT.get(name, name)
        lines.append("%s: %s" % (name, value))
    lines.append("%s: %d" % ("l" if compact and not stream else "Content-Length", len(body)))
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def rand_token(rng, n=10, alphabet="0123456789abcdef"):
    return "".join(rng.choice(alphabet) for _ in range(n))


def http_date(epoch):
    return time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(epoch))


# ---------------------------------------------------------------------------------------------
# RTP streams
# ---------------------------------------------------------------------------------------------


class Stream:
    """One RTP stream (one SSRC, one direction) and its impairment pipeline."""

    def __init__(self, call, direction, path, sport, dport, codec, ptime, ssrc, seq0, ts0,
                 rng, impair, te_pt):
        self.call = call
        self.direction = direction  # 0: caller -> callee
        self.path, self.sport, self.dport = path, sport, dport
        self.codec, self.ptime = codec, ptime
        self.ptime_us = ptime * 1000
        self.spp = codec.clock * ptime // 1000
        self.ssrc, self.seq0, self.ts0 = ssrc, seq0, ts0
        self.rng = rng
        self.impair = impair
        self.te_pt = te_pt
        self.t_base = 0
        self.intervals = []  # [(start_us, end_us)] when this side sends
        self.dtmf = []       # [(t_us, digit, duration_ms)]
        self.payloads = [(p, be_sum(p)) for p in make_payloads(codec, ptime, rng)]
        # Header words that never change, for checksums without re-reading the bytes.
        src, dst = path.src.packed, path.dst.packed
        addr = be_sum(src + dst)
        self.eth = path.eth
        self.v6 = path.v6
        self.tos = path.tos
        self.flow = path.flow
        self.udp_const = addr + 17 + sport + dport + (ssrc >> 16) + (ssrc & 0xFFFF)
        self.ip_const = 0x4500 + path.tos + 0x4000 + (64 << 8 | 17) + addr
        self.stats = RtpStats(ssrc, codec.clock, codec.pt, te_pt, codec.clock)
        self.sent = 0
        self.sent_octets = 0
        self.dropped = self.duplicated = self.swapped = 0
        self.nominal_total = 0
        self.dtmf_slots = {}

    def key(self):
        return "0x%08X %s > %s" % (self.ssrc, ep(self.path.src, self.sport),
                                   ep(self.path.dst, self.dport))

    def frame(self, pt, m, seq, ts, pl, plsum):
        """One RTP packet as a frame, checksums from precomputed word sums (same bytes as
        Path.udp1 would give). Returns (frame, ip_len)."""
        mpt = (0x80 if m else 0) | pt
        ulen = 20 + len(pl)
        c = self.udp_const + 2 * ulen + 0x8000 + mpt + seq + (ts >> 16) + (ts & 0xFFFF) + plsum
        c = (c & 0xFFFF) + (c >> 16)
        c = (c & 0xFFFF) + (c >> 16)
        c = ~c & 0xFFFF or 0xFFFF
        if self.v6:
            f = self.eth + pack("!IHBB", 0x60000000 | (self.tos << 20) | self.flow, ulen, 17,
                                64) + self.path.pre + pack(
                "!HHHHBBHII", self.sport, self.dport, ulen, c, 0x80, mpt, seq, ts,
                self.ssrc) + pl
            iplen = 40 + ulen
        else:
            h = self.path.src
            h.ip_id = ident = (h.ip_id + 1) & 0xFFFF
            iplen = 20 + ulen
            x = self.ip_const + iplen + ident
            x = (x & 0xFFFF) + (x >> 16)
            x = (x & 0xFFFF) + (x >> 16)
            f = self.eth + pack("!BBHHHBBH", 0x45, self.tos, iplen, ident, 0x4000, 64, 17,
                                ~x & 0xFFFF) + self.path.pre + pack(
                "!HHHHBBHII", self.sport, self.dport, ulen, c, 0x80, mpt, seq, ts,
                self.ssrc) + pl
        if len(f) < 60:
            f += bytes(60 - len(f))
        return f, iplen

    def kslot(self, t):
        return -(-(t - self.t_base) // self.ptime_us)

    def finalize(self):
        """Slot bookkeeping once intervals and DTMF times are known."""
        self.t_base = self.intervals[0][0]
        n = 0
        for a, b in self.intervals:
            n += max(0, self.kslot(b) - self.kslot(a))
        self.nominal_total = n
        for t, digit, dur in self.dtmf:
            k = self.kslot(t)
            nev = max(2, -(-dur // self.ptime))
            self.dtmf_slots[k] = (digit, nev)

    def nominal(self):
        """Packets as sent: (send_us, pt, marker, seq, ts, payload, payload word sum)."""
        seq = self.seq0
        ts0, spp, P, tb = self.ts0, self.spp, self.ptime_us, self.t_base
        pt = self.codec.pt
        pls = self.payloads
        npl = len(pls)
        te = self.te_pt
        for a, b in self.intervals:
            k, kend = self.kslot(a), self.kslot(b)
            first = True
            while k < kend:
                ev = self.dtmf_slots.get(k)
                if ev is not None:
                    digit, n = ev
                    code = "0123456789*#ABCD".index(digit)
                    ts = (ts0 + k * spp) & M32
                    for j in range(n + 2):
                        end = j >= n - 1
                        dur = min(n, j + 1) * spp
                        b1 = (0x80 if end else 0) | 10
                        pl = pack("!BBH", code, b1, dur & M16)
                        yield (tb + (k + j) * P, te, j == 0, seq & M16, ts, pl,
                               (code << 8 | b1) + (dur & M16))
                        if j < n - 1 or j == n + 1:
                            seq += 1  # the end packet and its two repeats share one seq
                    k += n + 2
                    continue
                pl, plsum = pls[seq % npl]
                yield (tb + k * P, pt, first, seq & M16, (ts0 + k * spp) & M32, pl, plsum)
                first = False
                seq += 1
                k += 1

    def packets(self):
        """Packets as captured, in arrival order: (arrival_us, frame, kind, upd)."""
        stats = self.stats
        imp = self.impair
        if imp is None:
            mk = self.frame
            for t, pt, m, seq, ts, pl, plsum in self.nominal():
                self.sent += 1
                self.sent_octets += len(pl)
                frame, iplen = mk(pt, m, seq, ts, pl, plsum)
                yield (t, frame, K_RTP, (stats, pt, m, seq, ts, iplen))
            return
        rng = self.rng
        last_idx = self.nominal_total - 2
        bad = False
        run = 0  # consecutive packets lost in the bad state
        last_arr = 0
        buf = deque()
        D = imp.reorder_dist
        for idx, p in enumerate(self.nominal()):
            self.sent += 1
            self.sent_octets += len(p[5])
            prot = idx < 2 or idx >= last_idx  # first and last two packets are never impaired
            lost = False
            if imp.burst_p:
                if bad:
                    # Leave the bad state after MAX_BURST packets at the latest: a gap of
                    # MAX_DROPOUT (3000) would be a sequence jump for RFC 3550 A.1, not loss.
                    if rng.random() < imp.burst_r or run >= MAX_BURST:
                        bad = False
                elif rng.random() < imp.burst_p:
                    bad = True
                    run = 0
                lost = bad
                run += bad
            if imp.loss and rng.random() < imp.loss:
                lost = True
            if lost and not prot:
                self.dropped += 1
                continue
            if imp.jitter_us:
                if imp.dist == "normal":
                    delay = int(abs(rng.gauss(0.0, imp.jitter_us)))
                else:
                    delay = rng.randrange(imp.jitter_us + 1)
            else:
                delay = 0
            arr = max(p[0] + delay, last_arr)  # a FIFO path: no overtaking
            last_arr = arr
            buf.append([arr, p, prot])
            if imp.dup and not prot and rng.random() < imp.dup:
                last_arr = arr + rng.randrange(20, 500)
                buf.append([last_arr, p, True])
                self.duplicated += 1
            while len(buf) > D:
                yield self._emit(buf, rng, imp)
        while buf:
            yield self._emit(buf, rng, imp)

    def _emit(self, buf, rng, imp):
        head = buf[0]
        if imp.reorder and not head[2] and rng.random() < imp.reorder:
            d = rng.randint(1, imp.reorder_dist)
            if d < len(buf) and not buf[d][2]:
                # Swap the packets, keep the arrival slots: reordered by sequence, not time.
                head[1], buf[d][1] = buf[d][1], head[1]
                head[2] = buf[d][2] = True
                self.swapped += 1
        buf.popleft()
        t, (_, pt, m, seq, ts, pl, plsum), _ = head
        frame, iplen = self.frame(pt, m, seq, ts, pl, plsum)
        return (t, frame, K_RTP, (self.stats, pt, m, seq, ts, iplen))

    def rtp_ts_at(self, t):
        return (self.ts0 + (t - self.t_base) * self.codec.clock // US) & M32


class RtcpParty:
    """RTCP of one side: compound SR/RR + SDES(CNAME) about every ~5 s, BYE at the end."""

    def __init__(self, call, own, peer_stream, path, sport, dport, cname, rng, t0_epoch):
        self.call, self.own, self.peer_stream = call, own, peer_stream
        self.path, self.sport, self.dport = path, sport, dport
        self.cname = cname.encode()
        self.rng = rng
        self.t0_epoch = t0_epoch
        self.last_sent = 0
        self.lsr = 0
        self.lsr_t = 0
        self.exp_prior = self.rcv_prior = 0
        self.peer = None
        self.start = self.end = 0
        self.bye = True
        self.pauses = []
        self.truth = {"ssrc": "0x%08X" % own.ssrc, "src": ep(path.src, sport),
                      "dst": ep(path.dst, dport), "call_id": call.call_id,
                      "rtcp_mux": call.mux, "packets": 0, "sr": 0, "rr": 0, "sdes": 0,
                      "bye": 0, "report_blocks": 0}

    def times(self):
        rng = self.rng
        t = self.start + int(rng.uniform(0.5, 1.5) * 2.5 * US)
        while t < self.end:
            if not any(a <= t < b for a, b in self.pauses):
                yield t
            t += int(rng.uniform(0.5, 1.5) * 5 * US)

    def source(self):
        for t in self.times():
            yield (t, partial(self.build, t, False), K_RTCP, None)
        if self.bye:
            yield (self.end, partial(self.build, self.end, True), K_RTCP, None)

    def build(self, t, bye):
        own, st = self.own, self.peer_stream.stats
        tr = self.truth
        epoch_us = self.t0_epoch * US + t
        ntp_sec = epoch_us // US + NTP_OFFSET
        ntp_frac = ((epoch_us % US) << 32) // US
        blocks = b""
        rc = 0
        if st.packets and st.validated():
            exp = st.expected()
            exp_iv = exp - self.exp_prior
            rcv_iv = st.received - self.rcv_prior
            lost_iv = exp_iv - rcv_iv if exp_iv > rcv_iv else 0
            self.exp_prior, self.rcv_prior = exp, st.received
            frac = min(255, (lost_iv << 8) // exp_iv) if exp_iv and lost_iv else 0
            # The SR reached the reporter after the capture point and the report reaches
            # the capture point later still: a round-trip time seen from the capture point.
            held = t - self.lsr_t - self.call.rtt_us
            dlsr = (max(0, held) << 16) // US if self.lsr else 0
            blocks = pack("!IB3sIIII", st.ssrc, frac, st.lost().to_bytes(3, "big"),
                          st.ext_max(), st.jitter_ts(), self.lsr, dlsr & M32)
            rc = 1
        is_sr = own.sent != self.last_sent
        self.last_sent = own.sent
        if is_sr:
            body = pack("!IIIIII", own.ssrc, ntp_sec & M32, ntp_frac & M32, own.rtp_ts_at(t),
                        own.sent & M32, own.sent_octets & M32) + blocks
            pkt = pack("!BBH", 0x80 | rc, 200, len(body) // 4) + body
            self.peer.lsr = ((ntp_sec & M16) << 16) | (ntp_frac >> 16)
            self.peer.lsr_t = t
            tr["sr"] += 1
        else:
            body = pack("!I", own.ssrc) + blocks
            pkt = pack("!BBH", 0x80 | rc, 201, len(body) // 4) + body
            tr["rr"] += 1
        tr["report_blocks"] += rc
        item = bytes([1, len(self.cname)]) + self.cname
        chunk = pack("!I", own.ssrc) + item + b"\0"
        chunk += b"\0" * (-len(chunk) % 4)
        pkt += pack("!BBH", 0x81, 202, len(chunk) // 4) + chunk
        tr["sdes"] += 1
        if bye:
            pkt += pack("!BBHI", 0x81, 203, 1, own.ssrc)
            tr["bye"] += 1
        tr["packets"] += 1
        frame, _ = self.path.udp1(self.sport, self.dport, pkt)
        return frame


# ---------------------------------------------------------------------------------------------
# Calls
# ---------------------------------------------------------------------------------------------


class Req:
    __slots__ = ("side", "via", "frm", "to", "cseq", "method")

    def __init__(self, side, via, frm, to, cseq, method):
        self.side, self.via, self.frm, self.to = side, via, frm, to
        self.cseq, self.method = cseq, method


SPEC_KEYS = ("transport", "ip", "outcome", "hold", "codec", "ptime", "dtmf", "frag", "compact",
             "mux", "rtcp_attr", "video", "impair", "vlan", "bye", "dscp")


def parse_spec(text):
    out = {}
    for part in text.split(","):
        if not part.strip():
            continue
        k, _, v = part.partition("=")
        k, v = k.strip(), v.strip()
        if k not in SPEC_KEYS:
            raise SystemExit("vpep_gen: --call-spec: unknown key %r (one of %s)" %
                             (k, ", ".join(SPEC_KEYS)))
        out[k] = v
    return out


def flag(v):
    return v not in ("0", "no", "false", "")


class Call:
    def __init__(self, world, idx, t0, spec):
        o = self.o = world.o
        self.world, self.idx, self.t0 = world, idx, t0
        rng = self.rng = random.Random("vpep-gen:%d:call:%d" % (o.seed, idx))
        # Every attribute is drawn, in this order, whatever the spec overrides, so forcing one
        # attribute leaves the others as the seed made them (the timeline drawn afterwards
        # depends on the attributes, of course).
        transport = pick(rng, o.transport_mix)
        v6 = rng.random() < o.ipv6
        outcome = pick(rng, o.outcome_mix)
        hold_kind = rng.choice(("sendonly", "c0"))
        codec = pick(rng, o.codec_mix)
        ptime = int(pick(rng, o.ptime_mix))
        dtmf = rng.random() < o.dtmf
        frag = rng.random() < o.frag
        compact = rng.random() < o.compact
        mux = rng.random() < o.rtcp_mux
        rtcp_attr = rng.random() < o.rtcp_attr
        video = rng.random() < o.video
        marked = rng.random() >= o.dscp_unmarked
        impaired = rng.random() < o.impaired
        bye_by = "caller" if rng.random() < 0.6 else "callee"
        digits = "".join(rng.choice("0123456789*#") for _ in range(rng.randint(1, 4)))
        coalesce = rng.random() < o.tcp_coalesce
        callee_compact = rng.random() < 0.5
        self.ua = rng.choice(CALLER_UAS)
        self.server_ua = rng.choice(SERVER_UAS)
        self.a_name = rng.choice(NAMES)
        vlan = o.vlans[idx % len(o.vlans)] if o.vlans else 0
        if "transport" in spec:
            transport = spec["transport"].lower()
        if "ip" in spec:
            v6 = spec["ip"] == "6"
        if "outcome" in spec:
            outcome = spec["outcome"]
        if "hold" in spec:
            hold_kind = spec["hold"]
        if "codec" in spec:
            codec = spec["codec"]
        if "ptime" in spec:
            ptime = int(spec["ptime"])
        if "dtmf" in spec:
            v = spec["dtmf"]
            dtmf = flag(v)
            if dtmf and v not in ("1", "yes", "true"):
                digits = v
        for k in ("frag", "compact", "mux", "rtcp_attr", "video", "impair"):
            if k in spec:
                val = flag(spec[k])
                if k == "frag":
                    frag = val
                elif k == "compact":
                    compact = val
                elif k == "mux":
                    mux = val
                elif k == "rtcp_attr":
                    rtcp_attr = val
                elif k == "video":
                    video = val
                else:
                    impaired = val
        if "vlan" in spec:
            vlan = int(spec["vlan"])
        if "bye" in spec:
            bye_by = spec["bye"]
        if "dscp" in spec:
            marked = flag(spec["dscp"])
        if transport not in ("udp", "tcp"):
            raise SystemExit("vpep_gen: call %d: transport must be udp or tcp" % idx)
        if outcome not in OUTCOMES:
            raise SystemExit("vpep_gen: call %d: outcome must be one of %s" %
                             (idx, ", ".join(OUTCOMES)))
        if hold_kind not in ("sendonly", "c0"):
            raise SystemExit("vpep_gen: call %d: hold must be sendonly or c0" % idx)
        if codec not in CODECS:
            raise SystemExit("vpep_gen: call %d: codec must be one of %s" %
                             (idx, ", ".join(CODEC_ORDER)))
        if bye_by not in ("caller", "callee"):
            raise SystemExit("vpep_gen: call %d: bye must be caller or callee" % idx)
        if frag and transport == "tcp":
            if "frag" in spec:
                raise SystemExit("vpep_gen: call %d: frag=1 needs transport=udp (TCP "
                                 "segments instead of fragmenting)" % idx)
            frag = False
        self.codec = CODECS[codec]
        if ptime not in self.codec.ptimes:
            ptime = min(self.codec.ptimes, key=lambda p: (abs(p - ptime), p))
        self.tcp = transport == "tcp"
        self.tp = "TCP" if self.tcp else "UDP"
        self.v6, self.outcome, self.hold_kind, self.ptime = v6, outcome, hold_kind, ptime
        self.dtmf_digits = digits if dtmf else ""
        self.frag, self.mux, self.rtcp_attr, self.video = frag, mux, rtcp_attr, video
        self.compact = (compact, compact and callee_compact)
        self.impaired, self.bye_by, self.vlan = impaired, bye_by, vlan
        self.coalesce = coalesce
        self.rtt_us = rng.randrange(4000, 80000)  # capture point <-> callee side and back
        self.sip_dscp = 24 if marked else 0  # CS3
        self.rtp_dscp = 46 if marked else 0  # EF
        if frag:
            self.ua = BIG_UA
        self.A = world.caller_host(idx, v6)
        self.B = world.server_host(idx, v6)
        self.a_user = "%d" % (1000 + idx)
        self.b_user = "%d" % (2000 + rng.randrange(8000))
        self.a_uri = "sip:%s@%s" % (self.a_user, DOMAIN)
        self.b_uri = "sip:%s@%s" % (self.b_user, DOMAIN)
        tps = ";transport=tcp" if self.tcp else ""
        self.a_contact = "<sip:%s@%s:5060%s>" % (self.a_user, self.A.uri, tps)
        self.b_contact = "<sip:%s@%s:5060%s>" % (self.b_user, self.B.uri, tps)
        self.ruri = "sip:%s@%s:5060%s" % (self.b_user, self.B.uri, tps)
        if rng.random() < 0.5:
            self.call_id = "%s@%s" % (rand_token(rng, 24), self.A.uri)
        else:
            self.call_id = "%s-%s-%s-%s" % (rand_token(rng, 8), rand_token(rng, 4),
                                            rand_token(rng, 4), rand_token(rng, 12))
        self.a_tag = rand_token(rng, 10)
        self.b_tag = rand_token(rng, 10)
        self.a_port = 10000 + 2 * rng.randrange(10000)
        self.b_port = world.server_port(self.B)
        self.tcp_port = 32768 + rng.randrange(28000)
        self.a_sess = rng.randrange(1, 1 << 31)
        self.b_sess = rng.randrange(1, 1 << 31)
        self.a_ver, self.b_ver = self.a_sess, self.b_sess
        self.sname = rng.choice(SESSION_NAMES)
        self.msgs = []  # [t, side, bytes, label, coalesce_with_next]
        self.sip_path = (Path(self.A, self.B, vlan, self.sip_dscp),
                         Path(self.B, self.A, vlan, self.sip_dscp))
        self.rtp_path = (Path(self.A, self.B, vlan, self.rtp_dscp),
                         Path(self.B, self.A, vlan, self.rtp_dscp))
        self.streams = []
        self.rtcp = []
        self.hold = []
        self.dtmf = []
        self.notes = []
        self.state = self.reason = None
        self.code = None
        self.answer_t = self.end_t = None
        self.invite_len = 0
        self.fragments = 0
        self.tcp_segments = 0
        self.plan()

    # -- SIP text --------------------------------------------------------------------------
    def branch(self):
        return "z9hG4bK" + rand_token(self.rng, 16)

    def req(self, side, method, ruri, cseq, branch, body=b"", to_tag=True, extra=()):
        host = self.A if side == 0 else self.B
        via = "SIP/2.0/%s %s:5060;branch=%s%s" % (self.tp, host.uri, branch,
                                                   ";rport" if side == 0 and not self.tcp
                                                   else "")
        if side == 0:
            frm = '"%s" <%s>;tag=%s' % (self.a_name, self.a_uri, self.a_tag)
            to = "<%s>" % self.b_uri + (";tag=%s" % self.b_tag if to_tag else "")
        else:
            frm = "<%s>;tag=%s" % (self.b_uri, self.b_tag)
            to = '"%s" <%s>;tag=%s' % (self.a_name, self.a_uri, self.a_tag)
        h = [("Via", via), ("Max-Forwards", "70"), ("From", frm), ("To", to),
             ("Call-ID", self.call_id), ("CSeq", "%d %s" % (cseq, method))]
        if method == "INVITE":
            h.append(("Contact", self.a_contact if side == 0 else self.b_contact))
            h.append(("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REFER, NOTIFY, UPDATE"))
            h.append(("Supported", "replaces, timer"))
        h.extend(extra)
        h.append(("User-Agent", self.ua if side == 0 else self.server_ua))
        if body:
            h.append(("Content-Type", "application/sdp"))
        data = sip_text("%s %s SIP/2.0" % (method, ruri), h, body, self.compact[side], self.tcp)
        return data, Req(side, via, frm, to, cseq, method)

    def resp(self, rq, code, body=b"", to_tag=True):
        side = 1 - rq.side
        via = rq.via.replace(";rport", ";rport=5060")
        to = rq.to
        if to_tag and ";tag=" not in to:
            to += ";tag=%s" % (self.b_tag if side == 1 else self.a_tag)
        h = [("Via", via), ("From", rq.frm), ("To", to), ("Call-ID", self.call_id),
             ("CSeq", "%d %s" % (rq.cseq, rq.method))]
        if rq.method == "INVITE" and code in (180, 200):
            h.append(("Contact", self.b_contact if side == 1 else self.a_contact))
        if rq.method == "INVITE" and code == 200:
            h.append(("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE"))
            h.append(("Supported", "replaces, timer"))
        h.append(("Server", self.server_ua if side == 1 else self.ua))
        if body:
            h.append(("Content-Type", "application/sdp"))
        return sip_text("SIP/2.0 %d %s" % (code, REASONS[code]), h, body, self.compact[side],
                        self.tcp)

    def offer_codecs(self, big):
        rng = self.rng
        others = [CODECS[n] for n in CODEC_ORDER if n != self.codec.name]
        rng.shuffle(others)
        if big:
            chosen = others
        else:
            chosen = others[:rng.randint(1, 4)]
        lst = [self.codec] + chosen
        if rng.random() < 0.4:
            # The answerer's preference picks our codec even when it is not listed first.
            rng.shuffle(lst)
        out = []
        for c in lst:
            fmtp = c.fmtp
            if c.name == "iLBC":
                fmtp = "mode=%d" % (30 if self.ptime == 30 else 20)
            out.append((c.pt, c.rtpmap, fmtp, c.name))
        if big:
            for name, pt, rtpmap, fmtp in EXTRA_OFFER:
                out.append((pt, rtpmap, fmtp, name))
        out.append((TE_PT, "telephone-event/%d" % self.codec.clock, "0-16", "telephone-event"))
        return out

    def sdp(self, side, mode="sendrecv", c0=False, big=False):
        host = self.A if side == 0 else self.B
        port = self.a_port if side == 0 else self.b_port
        user = self.a_user if side == 0 else "-"
        sess, ver = (self.a_sess, self.a_ver) if side == 0 else (self.b_sess, self.b_ver)
        conn = ("::" if host.v6 else "0.0.0.0") if c0 else host.text
        L = ["v=0", "o=%s %d %d %s %s" % (user, sess, ver, host.sdp_net, host.text),
             "s=%s" % self.sname, "c=%s %s" % (host.sdp_net, conn), "t=0 0"]
        if side == 0:
            fmts = self.offer
        else:
            c = self.codec
            fmtp = c.fmtp
            if c.name == "iLBC":
                fmtp = "mode=%d" % (30 if self.ptime == 30 else 20)
            fmts = [(c.pt, c.rtpmap, fmtp, c.name),
                    (TE_PT, "telephone-event/%d" % c.clock, "0-16", "telephone-event")]
        if big:
            L += ["a=ice-ufrag:%s" % self.ice_ufrag, "a=ice-pwd:%s" % self.ice_pwd]
        L.append("m=audio %d RTP/AVP %s" % (port, " ".join(str(f[0]) for f in fmts)))
        for pt, rtpmap, fmtp, _ in fmts:
            L.append("a=rtpmap:%d %s" % (pt, rtpmap))
            if fmtp:
                L.append("a=fmtp:%d %s" % (pt, fmtp))
        L.append("a=ptime:%d" % self.ptime)
        if self.rtcp_attr:
            L.append("a=rtcp:%d %s %s" % (port + 1, host.sdp_net, host.text))
        if self.mux:
            L.append("a=rtcp-mux")
        if big:
            L += self.candidates
        L.append("a=%s" % mode)
        if self.video:
            if side == 0:
                L += ["m=video %d RTP/AVP %s" % (self.a_port + 2, "96 97 98" if big else "96 97"),
                      "a=rtpmap:96 H264/90000",
                      "a=fmtp:96 profile-level-id=42e01f;packetization-mode=1",
                      "a=rtpmap:97 H264/90000",
                      "a=fmtp:97 profile-level-id=42e01f;packetization-mode=0"]
                if big:
                    L += ["a=rtpmap:98 VP8/90000", "a=rtcp-fb:98 nack pli"]
                L.append("a=%s" % mode)
            else:
                L += ["m=video 0 RTP/AVP 96"]  # audio-only answerer declines video
        return ("\r\n".join(L) + "\r\n").encode()

    def make_candidates(self, n):
        rng, A, p = self.rng, self.A, self.a_port
        out = []
        for i in range(n):
            comp = 1 + (i % 2)
            kind = (i // 2) % 3
            port = p + comp - 1
            if kind == 0:
                out.append("a=candidate:%d %d UDP %d %s %d typ host" %
                           (i // 2 + 1, comp, 2130706432 - comp - i, A.text, port))
            elif kind == 1:
                pub = "2001:db8:ff::%x" % (A.frag_id & 0xFFFF) if A.v6 else \
                    "203.0.113.%d" % (1 + A.ip_id % 250)
                out.append("a=candidate:%d %d UDP %d %s %d typ srflx raddr %s rport %d" %
                           (i // 2 + 1, comp, 1694498816 - comp - i, pub,
                            40000 + rng.randrange(20000), A.text, port))
            else:
                relay = "2001:db8:ee::1" if A.v6 else "198.51.100.%d" % (1 + i % 200)
                out.append("a=candidate:%d %d UDP %d %s %d typ relay raddr %s rport %d" %
                           (i // 2 + 1, comp, 16777216 - comp - i, relay,
                            50000 + rng.randrange(10000), A.text, port))
        return out

    # -- timeline --------------------------------------------------------------------------
    def add(self, t, side, data, label, coalesce=False):
        self.msgs.append([t, side, data, label, coalesce])

    def ms(self, a, b):
        return int(self.rng.uniform(a, b) * 1000)

    def plan(self):
        o, rng, w = self.o, self.rng, self.world
        D = w.dur_us
        t = self.t0
        if self.tcp:
            self.t_syn = t
            t += self.ms(2, 4)
        self.offer = self.offer_codecs(self.frag)
        self.candidates = []
        self.ice_ufrag, self.ice_pwd = rand_token(rng, 8), rand_token(rng, 24)
        cseq = rng.randint(1, 900)
        inv_branch = self.branch()
        extra = []
        if self.frag:
            extra = [("Accept", "application/sdp, multipart/mixed"),
                     ("Allow-Events", "presence, message-summary, refer, conference"),
                     ("Session-Expires", "1800"), ("Min-SE", "90"),
                     ("P-Preferred-Identity", '"%s" <%s>' % (self.a_name, self.a_uri))]
        body = self.sdp(0, big=self.frag)
        if self.frag:
            # Grow the SDP with ICE candidates until the INVITE reaches the target size.
            n = 2
            while True:
                self.candidates = self.make_candidates(n)
                body = self.sdp(0, big=True)
                inv, rq = self.req(0, "INVITE", self.ruri, cseq, inv_branch, body, False, extra)
                if len(inv) >= o.frag_size or n >= 60:
                    break
                n += max(1, (o.frag_size - len(inv)) // 70)
        inv, inv_rq = self.req(0, "INVITE", self.ruri, cseq, inv_branch, body, False, extra)
        self.invite_len = len(inv)
        self.setup_t = t
        self.add(t, 0, inv, "INVITE")
        t100 = t + self.ms(2, 30)
        coal = self.tcp and self.coalesce
        outcome = self.outcome
        if outcome in ("answered", "hold"):
            self.plan_answered(inv_rq, cseq, t100, coal, D)
        elif outcome == "cancel":
            self.add(t100, 1, self.resp(inv_rq, 100, to_tag=False), 100, coal)
            t180 = t100 + (200 if coal else self.ms(50, 400))
            self.add(t180, 1, self.resp(inv_rq, 180), 180)
            tc = min(t180 + self.ms(1000, 4000), D - 1 * US)
            tc = max(tc, t180 + 100_000)
            cancel, crq = self.req(0, "CANCEL", self.ruri, cseq, inv_branch, to_tag=False)
            # CANCEL has the INVITE's Via branch (RFC 3261 9.1)
            self.add(tc, 0, cancel, "CANCEL")
            t2 = tc + self.ms(2, 30)
            self.add(t2, 1, self.resp(crq, 200), 200, coal)
            self.add(t2 + 200, 1, self.resp(inv_rq, 487), 487)
            ack, _ = self.req(0, "ACK", self.ruri, cseq, inv_branch)
            self.end_t = t2 + 200
            self.add(self.end_t + self.ms(2, 40), 0, ack, "ACK")
            self.state, self.reason, self.code = "cancelled", "cancel", 487
        elif outcome == "busy":
            ring = rng.random() < 0.5
            self.add(t100, 1, self.resp(inv_rq, 100, to_tag=False), 100, coal and not ring)
            if ring:
                t180 = t100 + self.ms(50, 400)
                self.add(t180, 1, self.resp(inv_rq, 180), 180)
                t4 = min(t180 + self.ms(500, 3000), D - 500_000)
                t4 = max(t4, t180 + 50_000)
            else:
                t4 = t100 + (200 if coal else self.ms(100, 800))
            self.add(t4, 1, self.resp(inv_rq, 486), 486)
            ack, _ = self.req(0, "ACK", self.ruri, cseq, inv_branch)
            self.end_t = t4
            self.add(t4 + self.ms(2, 40), 0, ack, "ACK")
            self.state, self.reason, self.code = "rejected", "busy", 486
        else:  # timeout: rings until the no-answer timer, then 408
            self.add(t100, 1, self.resp(inv_rq, 100, to_tag=False), 100, coal)
            t180 = t100 + (200 if coal else self.ms(50, 400))
            self.add(t180, 1, self.resp(inv_rq, 180), 180)
            t4 = min(t180 + int(o.ring_timeout * US), D - 500_000)
            t4 = max(t4, t180 + 50_000)
            self.ring_timeout = (t4 - t180) / US
            self.add(t4, 1, self.resp(inv_rq, 408), 408)
            ack, _ = self.req(0, "ACK", self.ruri, cseq, inv_branch)
            self.end_t = t4
            self.add(t4 + self.ms(2, 40), 0, ack, "ACK")
            self.state, self.reason, self.code = "timeout", "no_answer", 408
        self.msgs.sort(key=lambda m: m[0])
        for i in range(1, len(self.msgs)):
            if self.msgs[i][0] <= self.msgs[i - 1][0]:
                self.msgs[i][0] = self.msgs[i - 1][0] + 1
        last = self.msgs[-1][0]
        self.close_t = None
        if self.tcp and (self.state != "established" or self.reason == "bye"):
            ct = last + self.ms(200, 1000)
            if ct < D - 50_000:
                self.close_t = ct

    def plan_answered(self, inv_rq, cseq, t100, coal, D):
        o, rng = self.o, self.rng
        self.add(t100, 1, self.resp(inv_rq, 100, to_tag=False), 100, coal)
        t180 = t100 + (200 if coal else self.ms(50, 400))
        self.add(t180, 1, self.resp(inv_rq, 180), 180)
        t200 = t180 + self.ms(o.ring[0] * 1000, o.ring[1] * 1000)
        t200 = max(min(t200, D - 3 * US), t180 + 100_000)
        self.answer_t = t200
        self.add(t200, 1, self.resp(inv_rq, 200, self.sdp(1)), 200)
        tack = t200 + self.ms(2, 40)
        ack, _ = self.req(0, "ACK", self.b_contact[1:-1], cseq, self.branch())
        self.add(tack, 0, ack, "ACK")
        b_start = t200 + self.ms(1, 20)
        a_start = tack + self.ms(1, 20)
        if o.hold_time:
            t_bye = t200 + self.ms(o.hold_time[0] * 1000, o.hold_time[1] * 1000)
        else:
            t_bye = D - self.ms(300, 1300)
        t_bye = max(t_bye, a_start + 500_000)  # at least half a second of media each way
        active = t_bye > D - 200_000
        if active:
            a_end = b_end = D
            self.state, self.reason, self.code = "established", "active", 200
        else:
            if self.bye_by == "caller":
                a_end, b_end = t_bye - self.ms(0, 20), t_bye + self.ms(1, 10)
            else:
                b_end, a_end = t_bye - self.ms(0, 20), t_bye + self.ms(1, 10)
            self.state, self.reason, self.code = "established", "bye", 200
        a_iv = [[a_start, a_end]]
        b_iv = [[b_start, b_end]]
        rtcp_b_pause = []
        ncseq = cseq
        if self.outcome == "hold":
            M = min(t_bye, D) - a_start
            if M < 5 * US:
                self.notes.append("media too short for hold/resume: plain answered call")
                self.outcome = "answered"
            else:
                th = a_start + int(0.35 * M)
                tr = a_start + int(0.65 * M)
                kind = self.hold_kind
                ncseq += 1
                self.a_ver += 1
                self.b_ver += 1
                body = self.sdp(0, mode="sendonly" if kind == "sendonly" else "sendrecv",
                                c0=kind == "c0")
                ri, rrq = self.req(0, "INVITE", self.b_contact[1:-1], ncseq, self.branch(),
                                   body)
                self.add(th, 0, ri, "INVITE")
                th2 = th + self.ms(20, 120)
                self.add(th2, 1, self.resp(rrq, 200, self.sdp(
                    1, mode="recvonly" if kind == "sendonly" else "sendrecv")), 200)
                tha = th2 + self.ms(2, 40)
                ack, _ = self.req(0, "ACK", self.b_contact[1:-1], ncseq, self.branch())
                self.add(tha, 0, ack, "ACK")
                ncseq += 1
                self.a_ver += 1
                self.b_ver += 1
                ri, rrq = self.req(0, "INVITE", self.b_contact[1:-1], ncseq, self.branch(),
                                   self.sdp(0))
                self.add(tr, 0, ri, "INVITE")
                tr2 = tr + self.ms(20, 120)
                self.add(tr2, 1, self.resp(rrq, 200, self.sdp(1)), 200)
                tra = tr2 + self.ms(2, 40)
                ack, _ = self.req(0, "ACK", self.b_contact[1:-1], ncseq, self.branch())
                self.add(tra, 0, ack, "ACK")
                # The held side stops sending when the re-INVITE reaches it; with c=0.0.0.0
                # the holding side stops too (no music on hold).
                b_iv = [[b_start, th + self.ms(1, 10)], [tra + self.ms(1, 20), b_end]]
                if kind == "c0":
                    a_iv = [[a_start, th2 + self.ms(1, 10)], [tra + self.ms(1, 20), a_end]]
                    rtcp_b_pause = [(th, tra)]
                self.hold.append({"kind": kind, "start": th, "end": tr})
        if not active:
            if self.bye_by == "caller":
                ncseq += 1
                bye, brq = self.req(0, "BYE", self.b_contact[1:-1], ncseq, self.branch())
                self.add(t_bye, 0, bye, "BYE")
            else:
                bye, brq = self.req(1, "BYE", self.a_contact[1:-1], rng.randint(1, 900),
                                    self.branch())
                self.add(t_bye, 1, bye, "BYE")
            self.add(t_bye + self.ms(2, 30), 1 - brq.side, self.resp(brq, 200), 200)
            self.end_t = t_bye
        self.make_media(a_iv, b_iv, rtcp_b_pause, not active)

    def make_media(self, a_iv, b_iv, rtcp_b_pause, bye):
        o, w = self.o, self.world
        imp = w.impair if (self.impaired and w.impair.any()) else None
        streams = []
        used = set()
        for d, iv in ((0, a_iv), (1, b_iv)):
            srng = random.Random("vpep-gen:%d:call:%d:stream:%d" % (o.seed, self.idx, d))
            spp = self.codec.clock * self.ptime // 1000
            if o.rtp_wrap:
                seq0 = 65536 - srng.randint(20, 200)
                ts0 = (1 << 32) - srng.randint(500, 5000) * spp
            else:
                seq0 = srng.getrandbits(16)
                ts0 = srng.getrandbits(31)
            ssrc = srng.getrandbits(32)
            while ssrc in used:
                ssrc = srng.getrandbits(32)
            used.add(ssrc)
            src, dst = (self.a_port, self.b_port) if d == 0 else (self.b_port, self.a_port)
            s = Stream(self, d, self.rtp_path[d], src, dst, self.codec, self.ptime, ssrc, seq0,
                       ts0, srng, imp, TE_PT)
            s.intervals = [tuple(x) for x in iv if x[1] - x[0] >= 2 * s.ptime_us]
            streams.append(s)
        a, b = streams
        # DTMF digits from the caller, inside one sending interval, never at its edges.
        if self.dtmf_digits:
            rng = self.rng
            t = a.intervals[0][0] + self.ms(800, 1500)
            for digit in self.dtmf_digits:
                dur = rng.choice((80, 100, 120, 160, 200))
                span = (max(2, -(-dur // self.ptime)) + 3) * a.ptime_us
                ok = any(x0 + 4 * a.ptime_us <= t and t + span + 300_000 <= x1
                         for x0, x1 in a.intervals)
                if ok:
                    a.dtmf.append((t, digit, dur))
                    self.dtmf.append({"digit": digit, "time": t, "duration_ms": dur,
                                      "stream": a})
                    t += span + self.ms(250, 700)
                else:
                    self.notes.append("DTMF digit %r did not fit in the media" % digit)
        for s in streams:
            s.finalize()
        self.streams = streams
        if o.no_rtcp:
            return
        rp = (self.a_port, self.b_port) if self.mux else (self.a_port + 1, self.b_port + 1)
        pa = RtcpParty(self, a, b, self.rtp_path[0], rp[0], rp[1],
                       "%s@%s" % (self.a_user, self.A.text),
                       random.Random("vpep-gen:%d:call:%d:rtcp:0" % (o.seed, self.idx)), w.epoch)
        pb = RtcpParty(self, b, a, self.rtp_path[1], rp[1], rp[0],
                       "asterisk@%s" % self.B.text,
                       random.Random("vpep-gen:%d:call:%d:rtcp:1" % (o.seed, self.idx)), w.epoch)
        pa.peer, pb.peer = pb, pa
        pa.start, pa.end = a.intervals[0][0], a.intervals[-1][1]
        pb.start, pb.end = b.intervals[0][0], b.intervals[-1][1]
        pa.bye = pb.bye = bye
        pb.pauses = rtcp_b_pause
        self.rtcp = [pa, pb]

    # -- frames ----------------------------------------------------------------------------
    def sip_items(self):
        if self.tcp:
            return self.tcp_items()
        out = []
        o = self.o
        for t, side, data, label, _ in self.msgs:
            mtu = 0
            if self.frag and side == 0:
                mtu = o.frag_mtu6 if self.v6 else o.frag_mtu
            frames = self.sip_path[side].udp(5060, 5060, data, mtu)
            if len(frames) == 1:
                out.append((t, frames[0], K_SIP, None))
            else:
                kind = K_FRAG6 if self.v6 else K_FRAG4
                self.fragments += len(frames)
                for i, f in enumerate(frames):
                    out.append((t + 3 * i, f, kind, None))
        out.sort(key=lambda x: x[0])
        return out

    def tcp_items(self):
        """A TCP connection per call: handshake, SIP messages (some split into 2-3 segments,
        some pairs coalesced into one), delayed pure ACKs, FIN at the end. Events are
        processed in time order so every sequence and acknowledgement number is exact."""
        rng, o = self.rng, self.o
        paths = self.sip_path
        ports = (self.tcp_port, 5060)
        isn = (rng.getrandbits(32), rng.getrandbits(32))
        nxt = [isn[0] + 1, isn[1] + 1]
        acked = [isn[1] + 1, isn[0] + 1]  # what each side has acknowledged of the other
        out = []
        mss = 1440 if self.v6 else 1460
        opt = pack("!BBH", 2, 4, mss) + b"\x01\x01\x04\x02"
        t = self.t_syn
        out.append((t, paths[0].tcp(ports[0], ports[1], isn[0], 0, TCP_SYN, opts=opt), K_TCP,
                    None))
        t += self.ms(0.2, 1)
        out.append((t, paths[1].tcp(ports[1], ports[0], isn[1], isn[0] + 1,
                                    TCP_SYN | TCP_ACK, opts=opt), K_TCP, None))
        t += self.ms(0.2, 0.8)
        out.append((t, paths[0].tcp(ports[0], ports[1], nxt[0], nxt[1], TCP_ACK), K_TCP, None))
        # Flights: coalesce marked messages with the next one of the same side.
        flights = []
        msgs = self.msgs
        i = 0
        while i < len(msgs):
            tt, side, data, label, co = msgs[i]
            if co and i + 1 < len(msgs) and msgs[i + 1][1] == side:
                data = data + msgs[i + 1][2]
                i += 1
            flights.append((tt, side, data))
            i += 1
        ev = []
        n = 0
        for tt, side, data in flights:
            ev.append((tt, n, "data", side, data))
            n += 1
        if self.close_t is not None:
            ev.append((self.close_t, n, "fin", 0, b""))
            n += 1
        heapq.heapify(ev)
        while ev:
            tt, _, what, side, data = heapq.heappop(ev)
            tt = max(tt, out[-1][0])
            p = paths[side]
            sp, dp = ports[side], ports[1 - side]
            if what == "data":
                cuts = []
                if len(data) > mss:
                    cuts = list(range(mss, len(data), mss))
                elif rng.random() < o.tcp_split and len(data) > 40:
                    k = rng.randint(1, 2)
                    cuts = sorted(set(rng.randrange(10, len(data) - 10) for _ in range(k)))
                bounds = [0] + cuts + [len(data)]
                for j in range(len(bounds) - 1):
                    seg = data[bounds[j]:bounds[j + 1]]
                    out.append((tt + 15 * j, p.tcp(sp, dp, nxt[side], nxt[1 - side],
                                                   TCP_PSH | TCP_ACK, seg), K_TCP_DATA, None))
                    nxt[side] += len(seg)
                acked[side] = nxt[1 - side]
                heapq.heappush(ev, (tt + 15 * len(bounds) + self.ms(1, 30), n, "ack",
                                    1 - side, b""))
                n += 1
            elif what == "ack":
                if acked[side] != nxt[1 - side]:
                    out.append((tt, p.tcp(sp, dp, nxt[side], nxt[1 - side], TCP_ACK), K_TCP,
                                None))
                    acked[side] = nxt[1 - side]
            else:  # fin: caller closes, callee closes too, caller acks
                out.append((tt, paths[0].tcp(ports[0], ports[1], nxt[0], nxt[1],
                                             TCP_FIN | TCP_ACK), K_TCP, None))
                nxt[0] += 1
                t2 = tt + self.ms(0.2, 1)
                out.append((t2, paths[1].tcp(ports[1], ports[0], nxt[1], nxt[0],
                                             TCP_FIN | TCP_ACK), K_TCP, None))
                nxt[1] += 1
                out.append((t2 + self.ms(0.1, 0.5), paths[0].tcp(ports[0], ports[1], nxt[0],
                                                                  nxt[1], TCP_ACK), K_TCP,
                            None))
                ev = [e for e in ev if e[2] != "ack"]  # nothing left to acknowledge
                heapq.heapify(ev)
        self.tcp_segments = len(out)
        return out

    # -- truth -----------------------------------------------------------------------------
    def truth(self, rel):
        codec = self.codec
        offered = [f[3] for f in self.offer]
        media = {"type": "audio", "caller": ep(self.A, self.a_port),
                 "callee": ep(self.B, self.b_port), "rtcp_mux": self.mux,
                 "caller_rtcp": ep(self.A, self.a_port if self.mux else self.a_port + 1),
                 "callee_rtcp": ep(self.B, self.b_port if self.mux else self.b_port + 1),
                 "payload_type": codec.pt, "codec": codec.name, "clock_rate": codec.clock,
                 "ptime": self.ptime, "te_payload_type": TE_PT, "te_clock_rate": codec.clock,
                 "rtcp_attr": self.rtcp_attr, "dscp": self.rtp_dscp}
        answered = self.answer_t is not None
        mlist = [media]
        if self.video:
            mlist.append({"type": "video", "caller": ep(self.A, self.a_port + 2),
                          "callee": None, "declined": True})
        d = {
            "call_id": self.call_id,
            "index": self.idx,
            "from": self.a_uri,
            "to": self.b_uri,
            "from_tag": self.a_tag,
            "to_tag": self.b_tag,
            "user_agent": self.ua,
            "server": self.server_ua,
            "transport": "tcp" if self.tcp else "udp",
            "ip_version": 6 if self.v6 else 4,
            "vlan": self.vlan or None,
            "caller": ep(self.A, self.tcp_port if self.tcp else 5060),
            "callee": ep(self.B, 5060),
            "fragmented": self.fragments > 0,
            "fragments": self.fragments,
            "invite_bytes": self.invite_len,
            "tcp_segments": self.tcp_segments,
            "compact_headers": self.compact[0] or self.compact[1],
            "state": self.state,
            "reason": self.reason,
            "code": self.code,
            "outcome": self.outcome,
            "bye_by": self.bye_by if self.reason == "bye" else None,
            "setup_time": rel(self.setup_t),
            "answer_time": rel(self.answer_t) if answered else None,
            "end_time": rel(self.end_t) if self.end_t is not None else None,
            "codecs": [codec.name, "telephone-event"] if answered else [],
            "codecs_offered": offered,
            "media": mlist if answered else [],
            "hold": [{"kind": h["kind"], "start": rel(h["start"]), "end": rel(h["end"])}
                     for h in self.hold],
            "dtmf": [{"digit": x["digit"], "time": rel(x["time"]),
                      "duration_ms": x["duration_ms"]} for x in self.dtmf],
            "impaired": bool(self.streams and self.streams[0].impair is not None),
            "sip_dscp": self.sip_dscp,
            "sip_messages": len(self.msgs),
            "rtp_streams": [s.key() for s in self.streams],
        }
        if self.outcome == "timeout" or self.state == "timeout":
            d["ring_timeout_s"] = round(self.ring_timeout, 6)
        if self.notes:
            d["notes"] = self.notes
        return d


OUTCOMES = ("answered", "hold", "cancel", "busy", "timeout")


# ---------------------------------------------------------------------------------------------
# REGISTER, OPTIONS and scanner traffic
# ---------------------------------------------------------------------------------------------


def simple_req(method, ruri, via_host, tp, branch, frm, to, call_id, cseq, extra, ua,
               rport=True):
    h = [("Via", "SIP/2.0/%s %s:5060;branch=%s%s" % (tp, via_host, branch,
                                                      ";rport" if rport else "")),
         ("Max-Forwards", "70"), ("From", frm), ("To", to), ("Call-ID", call_id),
         ("CSeq", "%d %s" % (cseq, method))]
    h += extra
    if ua:
        h.append(("User-Agent", ua))
    return sip_text("%s %s SIP/2.0" % (method, ruri), h), h


def simple_resp(code, req_headers, to_tag, extra, server):
    h = []
    for name, value in req_headers:
        if name == "Via":
            h.append((name, value.replace(";rport", ";rport=5060")))
        elif name == "To":
            h.append((name, value + (";tag=%s" % to_tag if to_tag else "")))
        elif name in ("From", "Call-ID", "CSeq"):
            h.append((name, value))
    h += extra
    if server:
        h.append(("Server", server))
    return sip_text("SIP/2.0 %d %s" % (code, REASONS[code]), h)


class Transaction:
    """A REGISTER (with a 401 digest challenge) or an OPTIONS ping, over UDP."""

    def __init__(self, world, kind, j):
        o = world.o
        rng = random.Random("vpep-gen:%d:%s:%d" % (o.seed, kind, j))
        self.kind = kind
        n = max(1, o.calls)
        idx = rng.randrange(n)
        v6 = rng.random() < o.ipv6
        phone = world.caller_host(idx, v6)
        server = world.server_host(idx, v6)
        user = "%d" % (1000 + idx)
        ua = rng.choice(CALLER_UAS)
        sua = rng.choice(SERVER_UAS)
        t = int(rng.uniform(0.3, max(0.4, o.duration - 1.5)) * US)
        self.call_id = "%s@%s" % (rand_token(rng, 20), phone.uri)
        self.items = []
        self.labels = []
        up = Path(phone, server, 0, 24)
        down = Path(server, phone, 0, 24)
        tag = rand_token(rng, 10)
        stag = rand_token(rng, 10)
        aor = "sip:%s@%s" % (user, DOMAIN)

        def send(t, path, data, label):
            self.items.append((t, path.udp(5060, 5060, data)[0], K_SIP, None))
            self.labels.append(label)

        if kind == "register":
            contact = [("Contact", "<sip:%s@%s:5060>" % (user, phone.uri)), ("Expires", "3600"),
                       ("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, NOTIFY")]
            r1, h1 = simple_req("REGISTER", "sip:%s" % DOMAIN, phone.uri, "UDP", "z9hG4bK" +
                                rand_token(rng, 16), "<%s>;tag=%s" % (aor, tag), "<%s>" % aor,
                                self.call_id, 1, contact, ua)
            send(t, up, r1, "REGISTER")
            nonce = rand_token(rng, 32)
            t += int(rng.uniform(2, 30) * 1000)
            send(t, down, simple_resp(401, h1, stag, [
                ("WWW-Authenticate", 'Digest realm="%s", nonce="%s", algorithm=MD5, '
                 'qop="auth"' % (DOMAIN, nonce))], sua), 401)
            cnonce = rand_token(rng, 16)
            ha1 = hashlib.md5(("%s:%s:secret%s" % (user, DOMAIN, user)).encode()).hexdigest()
            ha2 = hashlib.md5(("REGISTER:sip:%s" % DOMAIN).encode()).hexdigest()
            resp = hashlib.md5(("%s:%s:00000001:%s:auth:%s" % (ha1, nonce, cnonce, ha2))
                               .encode()).hexdigest()
            auth = [("Authorization", 'Digest username="%s", realm="%s", nonce="%s", '
                     'uri="sip:%s", response="%s", algorithm=MD5, cnonce="%s", qop=auth, '
                     'nc=00000001' % (user, DOMAIN, nonce, DOMAIN, resp, cnonce))]
            t += int(rng.uniform(5, 50) * 1000)
            r2, h2 = simple_req("REGISTER", "sip:%s" % DOMAIN, phone.uri, "UDP", "z9hG4bK" +
                                rand_token(rng, 16), "<%s>;tag=%s" % (aor, tag), "<%s>" % aor,
                                self.call_id, 2, contact + auth, ua)
            send(t, up, r2, "REGISTER")
            t += int(rng.uniform(2, 30) * 1000)
            send(t, down, simple_resp(200, h2, stag, [
                ("Contact", "<sip:%s@%s:5060>;expires=3600" % (user, phone.uri)),
                ("Date", http_date(world.epoch + t // US))], sua), 200)
            self.truth_d = {"call_id": self.call_id, "method": "REGISTER", "from": aor,
                            "to": aor, "user_agent": ua, "src": ep(phone, 5060),
                            "dst": ep(server, 5060), "ip_version": 6 if v6 else 4,
                            "responses": [401, 200], "expires": 3600}
        else:
            # The server qualifies the phone (Asterisk "qualify", Kamailio "nathelper").
            r1, h1 = simple_req("OPTIONS", "sip:%s@%s:5060" % (user, phone.uri), server.uri,
                                "UDP", "z9hG4bK" + rand_token(rng, 16),
                                "<sip:%s@%s>;tag=%s" % ("pbx", server.uri, stag),
                                "<sip:%s@%s:5060>" % (user, phone.uri), self.call_id,
                                rng.randint(1, 900),
                                [("Contact", "<sip:pbx@%s:5060>" % server.uri),
                                 ("Accept", "application/sdp")], sua, rport=False)
            send(t, down, r1, "OPTIONS")
            t += int(rng.uniform(2, 30) * 1000)
            send(t, up, simple_resp(200, h1, tag, [
                ("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, NOTIFY"),
                ("Accept", "application/sdp"), ("Supported", "replaces, timer")], ua), 200)
            self.truth_d = {"call_id": self.call_id, "method": "OPTIONS",
                            "from": "sip:pbx@%s" % server.uri,
                            "to": "sip:%s@%s:5060" % (user, phone.uri), "user_agent": sua,
                            "src": ep(server, 5060), "dst": ep(phone, 5060),
                            "ip_version": 6 if v6 else 4, "responses": [200]}
        self.t0 = self.items[0][0]

    def truth(self, rel):
        d = dict(self.truth_d)
        d["time"] = rel(self.t0)
        return d


def parse_range(text):
    out = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        a, _, b = part.partition("-")
        a = int(a)
        b = int(b) if b else a
        out.extend(range(a, b + 1))
    return out


class Scan:
    """sipvicious svwar-like extension scan: one source, REGISTER or OPTIONS per extension,
    User-Agent friendly-scanner; existing extensions answer 401 (REGISTER) / 200 (OPTIONS),
    others 404."""

    def __init__(self, world):
        o = world.o
        rng = random.Random("vpep-gen:%d:scan" % o.seed)
        src = world.host(o.scan_source)
        dst = world.server_host(0, src.v6)
        exts = parse_range(o.scan_extensions)
        if o.scan_existing is not None:
            existing = set(parse_range(o.scan_existing))
        else:
            existing = set(range(1000, 1000 + o.calls)) | set(range(101, 106))
        method = o.scan_method
        up = Path(src, dst, 0, 0)
        down = Path(dst, src, 0, 24)
        sua = rng.choice(SERVER_UAS)
        t = int(o.scan_start * US)
        step = US / o.scan_rate
        self.items = []
        self.labels = []
        responses = {}
        for i, ext in enumerate(exts):
            ts = t + int(i * step)
            call_id = "%d" % rng.getrandbits(64)
            tag = "%08x" % rng.getrandbits(32)
            uri = "sip:%d@%s" % (ext, dst.uri)
            # svwar's own header layout (no space between display name and '<')
            h = [("Via", "SIP/2.0/UDP %s:%d;branch=z9hG4bK-%d;rport" %
                  (src.uri, o.scan_port, rng.getrandbits(40))),
                 ("Max-Forwards", "70"), ("To", '"%d"<%s>' % (ext, uri)),
                 ("From", '"%d"<%s>;tag=%s' % (ext, uri, tag)),
                 ("User-Agent", "friendly-scanner"), ("Call-ID", call_id),
                 ("Contact", "sip:%d@%s:%d" % (ext, src.uri, o.scan_port)),
                 ("CSeq", "1 %s" % method), ("Accept", "application/sdp")]
            ruri = "sip:%s" % dst.uri if method == "REGISTER" else uri
            data = sip_text("%s %s SIP/2.0" % (method, ruri), h)
            self.items.append((ts, up.udp(o.scan_port, 5060, data)[0], K_SIP, None))
            self.labels.append(method)
            if ext in existing:
                code = 401 if method == "REGISTER" else 200
            else:
                code = 404
            extra = []
            if code == 401:
                extra = [("WWW-Authenticate", 'Digest realm="%s", nonce="%s", algorithm=MD5' %
                          (DOMAIN, rand_token(rng, 32)))]
            rh = [("Via", h[0][1].replace(";rport", ";rport=%d;received=%s" %
                                          (o.scan_port, src.text))),
                  ("From", h[3][1]), ("To", h[2][1] + ";tag=%s" % rand_token(rng, 10)),
                  ("Call-ID", call_id), ("CSeq", "1 %s" % method)] + extra + [("Server", sua)]
            rdata = sip_text("SIP/2.0 %d %s" % (code, REASONS[code]), rh)
            rt = ts + int(rng.uniform(0.5, 4) * 1000)
            self.items.append((rt, down.udp(5060, o.scan_port, rdata)[0], K_SIP, None))
            self.labels.append(code)
            responses[str(code)] = responses.get(str(code), 0) + 1
        self.items.sort(key=lambda x: x[0])
        self.truth_d = {"src": ep(src, o.scan_port), "dst": ep(dst, 5060), "method": method,
                        "user_agent": "friendly-scanner", "requests": len(exts),
                        "extensions": {"first": exts[0] if exts else None,
                                       "last": exts[-1] if exts else None,
                                       "count": len(exts)},
                        "existing": sorted(existing & set(exts)),
                        "responses": responses, "rate_per_s": o.scan_rate}
        self.t_first = self.items[0][0] if self.items else 0
        self.t_last = self.items[-1][0] if self.items else 0

    def truth(self, rel):
        d = dict(self.truth_d)
        d["start_time"] = rel(self.t_first)
        d["end_time"] = rel(self.t_last)
        return d


# ---------------------------------------------------------------------------------------------
# World: hosts, plan, merge, pcap
# ---------------------------------------------------------------------------------------------


class World:
    def __init__(self, o):
        self.o = o
        self.epoch = o.start_epoch
        self.dur_us = int(o.duration * US)
        self.impair = Impair(o)
        self.hosts = {}
        self.server_ports = {}
        self.warnings = []
        specs = [parse_spec(x) for x in o.call_spec]
        if len(specs) > o.calls:
            raise SystemExit("vpep_gen: %d --call-spec for %d calls" % (len(specs), o.calls))
        N = o.calls
        if N and o.duration < 8:
            raise SystemExit("vpep_gen: --duration must be at least 8 s when there are calls")
        wrng = random.Random("vpep-gen:%d:world" % o.seed)
        spacing = US / o.cps
        room = self.dur_us - 6 * US
        if N > 1 and (N - 1) * spacing > room:
            spacing = room / (N - 1)
            self.warnings.append("calls start at %.2f/s (not %.2f/s) to fit in %.1f s" %
                                 (US / spacing, o.cps, o.duration))
        self.calls = []
        for i in range(N):
            t0 = int(i * spacing + wrng.uniform(0, 0.3 * min(spacing, US))) + 1000
            self.calls.append(Call(self, i, t0, specs[i] if i < len(specs) else {}))
        self.trans = [Transaction(self, "register", j) for j in range(o.registers)]
        self.trans += [Transaction(self, "options", j) for j in range(o.options)]
        self.scan = Scan(self) if o.scan else None

    def host(self, ip):
        h = self.hosts.get(ip)
        if h is None:
            h = self.hosts[ip] = Host(ip)
        return h

    def caller_host(self, idx, v6):
        if v6:
            return self.host(str(ipaddress.IPv6Address(
                int(ipaddress.IPv6Address("2001:db8:10::")) + idx + 1)))
        return self.host("10.%d.%d.%d" % (1 + idx // 64000, (idx // 250) % 256, idx % 250 + 1))

    def server_host(self, idx, v6):
        k = idx % self.o.servers
        return self.host("2001:db8:20::%x" % (k + 1) if v6 else "10.2.0.%d" % (k + 1))

    def server_port(self, host):
        n = self.server_ports.get(host.text, 0)
        self.server_ports[host.text] = n + 1
        return 20000 + 4 * (n % 10000)

    def sources(self):
        srcs = []
        for c in self.calls:
            srcs.append(iter(c.sip_items()))
            for s in c.streams:
                srcs.append(s.packets())
            for p in c.rtcp:
                srcs.append(p.source())
        for tr in self.trans:
            srcs.append(iter(tr.items))
        if self.scan:
            srcs.append(iter(self.scan.items))
        return srcs


def run(world, path):
    """Merge every source in time order (ties: creation order) and write the pcap."""
    heap = []
    for sid, src in enumerate(world.sources()):
        first = next(src, None)
        if first is not None:
            heap.append((first[0], sid, first, src))
    heapq.heapify(heap)
    counts = [0] * 7
    n = nbytes = vlan = v4 = v6 = 0
    last_t = -1
    first_t = None
    sec0 = world.epoch
    out = []
    wr = open(path, "wb")
    wr.write(pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    hpop, hrep = heapq.heappop, heapq.heapreplace
    while heap:
        t, sid, item, src = heap[0]
        frame = item[1]
        if callable(frame):
            frame = frame()
        if t < last_t:
            raise RuntimeError("internal error: source %d went back in time" % sid)
        last_t = t
        if first_t is None:
            first_t = t
        upd = item[3]
        if upd is not None:
            upd[0].update(upd[1], upd[2], upd[3], upd[4], t * 1000, upd[5])
        counts[item[2]] += 1
        ln = len(frame)
        out.append(pack("<IIII", sec0 + t // US, t % US, ln, ln))
        out.append(frame)
        n += 1
        nbytes += ln
        et = frame[12:14]
        if et == b"\x81\x00":
            vlan += 1
            et = frame[16:18]
        if et == b"\x86\xdd":
            v6 += 1
        else:
            v4 += 1
        if len(out) >= 8192:
            wr.write(b"".join(out))
            out.clear()
        nxt = next(src, None)
        if nxt is None:
            hpop(heap)
        else:
            hrep(heap, (nxt[0], sid, nxt, src))
    wr.write(b"".join(out))
    wr.close()
    return {"total": n, "bytes": nbytes, "first_t": first_t or 0, "last_t": max(last_t, 0),
            "counts": counts, "vlan_tagged": vlan, "ipv4": v4, "ipv6": v6}


def scenario_argv(argv):
    """The command line minus what does not change the output (paths, checking, verbosity),
    so a truth file is identical wherever the capture is written."""
    drop_val = {"-o", "--output", "--truth", "--tshark"}
    drop = {"-q", "--quiet", "--self-check", "-v", "--verbose"}
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
            continue
        name = a.split("=", 1)[0]
        if name in drop_val:
            skip = "=" not in a
            continue
        if name in drop:
            continue
        out.append(a)
    return out


def make_truth(world, res, pcap_path, argv):
    o = world.o

    def rel(t):
        return round(t / US, 6)

    sip_req, sip_resp = {}, {}

    def count(label):
        if isinstance(label, int):
            k = str(label)
            sip_resp[k] = sip_resp.get(k, 0) + 1
        else:
            sip_req[label] = sip_req.get(label, 0) + 1

    for c in world.calls:
        for m in c.msgs:
            count(m[3])
    for tr in world.trans:
        for lb in tr.labels:
            count(lb)
    if world.scan:
        for lb in world.scan.labels:
            count(lb)
    streams, rtcps = [], []
    for c in world.calls:
        for s in c.streams:
            r = s.stats.report()
            d = {"ssrc": "0x%08X" % s.ssrc, "src": ep(s.path.src, s.sport),
                 "dst": ep(s.path.dst, s.dport), "call_id": c.call_id,
                 "direction": "caller->callee" if s.direction == 0 else "callee->caller",
                 "payload_type": s.codec.pt, "codec": s.codec.name,
                 "clock_rate": s.codec.clock, "ptime": s.ptime, "te_payload_type": s.te_pt,
                 "te_clock_rate": s.codec.clock, "dscp": c.rtp_dscp, "vlan": c.vlan or None,
                 "first_time": rel(s.stats.first_ns // 1000),
                 "last_time": rel(s.stats.last_ns // 1000)}
            d.update(r)
            d["sent"] = s.sent
            d["dropped"] = s.dropped
            d["duplicated"] = s.duplicated
            d["swapped"] = s.swapped
            d["dtmf_digits"] = "".join(x[1] for x in s.dtmf)
            d["impairment"] = s.impair.describe() if s.impair else None
            streams.append(d)
        for p in c.rtcp:
            rtcps.append(dict(p.truth))
    streams.sort(key=lambda d: (d["first_time"], d["ssrc"]))
    cnt = res["counts"]
    sip_msgs = sum(sip_req.values()) + sum(sip_resp.values())
    truth = {
        "generator": {"name": "vpep_gen", "version": GEN_VERSION, "seed": o.seed,
                      "mode": o.mode, "argv": scenario_argv(argv),
                      "warnings": world.warnings},
        "capture": {"file": os.path.basename(pcap_path), "link_type": "EN10MB",
                    "timestamp_resolution_us": 1, "start_epoch": world.epoch,
                    "first_packet_time": rel(res["first_t"]),
                    "last_packet_time": rel(res["last_t"]), "duration_s": o.duration},
        "packets": {"total": res["total"], "bytes": res["bytes"],
                    "sip_udp": cnt[K_SIP], "ipv4_fragments": cnt[K_FRAG4],
                    "ipv6_fragments": cnt[K_FRAG6], "tcp_segments": cnt[K_TCP] + cnt[K_TCP_DATA],
                    "tcp_data_segments": cnt[K_TCP_DATA], "rtp": cnt[K_RTP],
                    "rtcp": cnt[K_RTCP], "vlan_tagged": res["vlan_tagged"],
                    "ipv4": res["ipv4"], "ipv6": res["ipv6"]},
        "sip": {"messages": sip_msgs, "requests": dict(sorted(sip_req.items())),
                "responses": dict(sorted(sip_resp.items()))},
        "calls": [c.truth(rel) for c in world.calls],
        "rtp_streams": streams,
        "rtcp_streams": rtcps,
        "registrations": [t.truth(rel) for t in world.trans if t.kind == "register"],
        "options": [t.truth(rel) for t in world.trans if t.kind == "options"],
        "scans": [world.scan.truth(rel)] if world.scan else [],
    }
    return truth


# ---------------------------------------------------------------------------------------------
# Self-check
# ---------------------------------------------------------------------------------------------


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\xd4\xc3\xb2\xa1":
        raise SystemExit("vpep_gen: %s: not a little-endian microsecond pcap" % path)
    off = 24
    while off + 16 <= len(data):
        sec, usec, incl, _ = unpack_from("<IIII", data, off)
        off += 16
        yield sec * US + usec, data[off:off + incl]
        off += incl


class Decoder:
    """Just enough L2-L4 to read our own captures back, checking every checksum and
    reassembling IP fragments."""

    def __init__(self):
        self.ipcache = {}
        self.frags = {}
        self.errors = []
        self.n = self.frag_frames = self.tcp = self.vlan = 0

    def iptext(self, b):
        s = self.ipcache.get(b)
        if s is None:
            a = ipaddress.ip_address(b)
            s = self.ipcache[b] = ("[%s]" if a.version == 6 else "%s") % a
        return s

    def err(self, msg):
        if len(self.errors) < 20:
            self.errors.append("frame %d: %s" % (self.n, msg))

    def l4ok(self, src, dst, proto, seg):
        if len(src) == 16:
            ph = src + dst + pack("!IxxxB", len(seg), proto)
        else:
            ph = src + dst + pack("!xBH", proto, len(seg))
        return csum(ph + seg) == 0

    def frame(self, fr):
        """Returns (src, dst, proto, l4 segment) for a complete datagram, else None."""
        self.n += 1
        off = 12
        et = fr[12:14]
        if et == b"\x81\x00":
            self.vlan += 1
            off = 16
            et = fr[16:18]
        off += 2
        if et == b"\x08\x00":
            ihl = (fr[off] & 15) * 4
            total, ident, ff = unpack_from("!HHH", fr, off + 2)
            proto = fr[off + 9]
            src, dst = fr[off + 12:off + 16], fr[off + 16:off + 20]
            if csum(fr[off:off + ihl]) != 0:
                self.err("bad IPv4 header checksum")
            pl = fr[off + ihl:off + total]
            if ff & 0x3FFF:
                self.frag_frames += 1
                return self.reasm((src, dst, ident, proto), (ff & 0x1FFF) * 8, ff & 0x2000, pl)
        elif et == b"\x86\xdd":
            plen = unpack_from("!H", fr, off + 4)[0]
            proto = fr[off + 6]
            src, dst = fr[off + 8:off + 24], fr[off + 24:off + 40]
            pl = fr[off + 40:off + 40 + plen]
            if proto == 44:
                self.frag_frames += 1
                nh, _, fo, ident = unpack_from("!BBHI", pl, 0)
                return self.reasm((src, dst, ident, nh), fo & 0xFFF8, fo & 1, pl[8:])
        else:
            self.err("unknown ethertype %s" % et.hex())
            return None
        return self.l4(src, dst, proto, pl)

    def reasm(self, key, off, more, data):
        parts = self.frags.setdefault(key, {})
        parts[off] = (data, more)
        total = None
        for o, (d, m) in parts.items():
            if not m:
                total = o + len(d)
        if total is None:
            return None
        got = b""
        while len(got) < total:
            p = parts.get(len(got))
            if p is None:
                return None
            got += p[0]
        del self.frags[key]
        return self.l4(key[0], key[1], key[3], got)

    def l4(self, src, dst, proto, seg):
        if proto == 6:
            self.tcp += 1
        if proto in (6, 17) and not self.l4ok(src, dst, proto, seg):
            self.err("bad %s checksum" % ("TCP" if proto == 6 else "UDP"))
        return src, dst, proto, seg


def independent_counts(pkts):
    """Loss, duplicates and reordering from first principles (sets of extended sequence
    numbers), as a cross-check of the rule-for-rule port of rtp_stats. Valid because the
    generator never impairs a stream's first two packets and reorders/duplicates only within a
    few packets."""
    exts = []
    mx = None
    for seq, _ in pkts:
        if mx is None:
            e = seq
        else:
            d = (seq - mx) & M16
            if d >= 32768:
                d -= 65536
            e = mx + d
        exts.append(e)
        mx = e if mx is None or e > mx else mx
    seen = set()
    dup = tedup = reord = 0
    run = None
    for (seq, te), e in zip(pkts, exts):
        if e in seen:
            if te:
                tedup += 1
            else:
                dup += 1
        else:
            if run is not None and e < run:
                reord += 1
            seen.add(e)
        run = e if run is None or e > run else run
    expected = max(exts) - exts[0] + 1 if exts else 0
    return {"expected": expected, "received": len(seen),
            "lost": max(0, expected - len(seen)), "duplicates": dup, "te_duplicates": tedup,
            "reordered": reord}


RTP_ROW = re.compile(
    r"^\s*(\S+)\s+(\S+)\s+(\S+)\s+(\d+)\s+(\S+)\s+(\d+)\s+(0x[0-9A-Fa-f]+)\s+(.*?)\s+(\d+)\s+"
    r"(-?\d+) \((-?[\d.]+|nan|-?inf)%\)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+"
    r"(-?[\d.]+)\s+(-?[\d.]+)\s*X?\s*$")


def norm_ep(ip, port):
    a = ipaddress.ip_address(ip)
    return ("[%s]:%s" if a.version == 6 else "%s:%s") % (a, port)


def tshark_run(tshark, args):
    p = subprocess.run([tshark] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    if p.returncode != 0:
        raise SystemExit("vpep_gen: tshark %s failed: %s" % (" ".join(args), p.stderr.strip()))
    return p.stdout


def parse_rtp_streams(text):
    rows = {}
    for line in text.splitlines():
        m = RTP_ROW.match(line)
        if not m:
            continue
        g = m.groups()
        key = (norm_ep(g[2], g[3]), norm_ep(g[4], g[5]), int(g[6], 16))
        rows[key] = {"payload": g[7], "packets": int(g[8]), "lost": int(g[9]),
                     "max_delta": g[13], "mean_jitter": g[15], "max_jitter": g[16]}
    return rows


def parse_sip_stat(text):
    req, resp = {}, {}
    total = resent = None
    for line in text.splitlines():
        m = re.match(r"^\s*Number of SIP messages:\s*(\d+)", line)
        if m:
            total = int(m.group(1))
        m = re.match(r"^\s*Number of resent SIP messages:\s*(\d+)", line)
        if m:
            resent = int(m.group(1))
        m = re.match(r"^\s+SIP (\d{3}) .*:\s*(\d+) Packets", line)
        if m:
            resp[m.group(1)] = resp.get(m.group(1), 0) + int(m.group(2))
            continue
        m = re.match(r"^\s+([A-Z][A-Z-]*)\s+:\s*(\d+) Packets", line)
        if m:
            req[m.group(1)] = req.get(m.group(1), 0) + int(m.group(2))
    return total, resent, req, resp


def close(a, b, rel=0.01, absolute=0.01):
    return abs(a - b) <= max(absolute, rel * max(abs(a), abs(b)))


def self_check(pcap, truth_path, tshark=None, verbose=False, out=sys.stdout):
    """Compare a capture with its truth. Returns 0 when everything agrees or differs only as
    docs/rtp-quality.md says tshark differs from vpep; 1 otherwise."""
    def say(*a):
        print(*a, file=out)

    with open(truth_path) as f:
        T = json.load(f)
    fails = []
    explained = []
    say("self-check: %s against %s" % (pcap, truth_path))

    # 1. Our own decoder: what is in the file, accounted again with the same rules.
    streams = {}
    for s in T["rtp_streams"]:
        key = (s["src"], s["dst"], int(s["ssrc"], 16))
        clocks = {s["payload_type"]: s["clock_rate"]}
        if s["te_payload_type"] is not None:
            clocks[s["te_payload_type"]] = 0
        streams[key] = (RtpStats(key[2], s["clock_rate"], s["payload_type"],
                                 s["te_payload_type"], s["te_clock_rate"]),
                        TsharkModel(clocks), [], s)
    rtcp_eps = {(r["src"], r["dst"]) for r in T["rtcp_streams"]}
    rtcp_own = {}
    dec = Decoder()
    first_us = None
    for t_us, fr in read_pcap(pcap):
        if first_us is None:
            first_us = t_us
        r = dec.frame(fr)
        if r is None or r[2] != 17:
            continue
        src, dst, _, seg = r
        sp, dp = unpack_from("!HH", seg, 0)
        b = seg[8:]
        if len(b) < 12 or b[0] >> 6 != 2:
            continue
        s_ep = "%s:%d" % (dec.iptext(src), sp)
        d_ep = "%s:%d" % (dec.iptext(dst), dp)
        if 200 <= b[1] <= 204 and (s_ep, d_ep) in rtcp_eps:
            k = (s_ep, d_ep, "0x%08X" % unpack_from("!I", b, 4)[0])
            c = rtcp_own.setdefault(k, {"packets": 0, "sr": 0, "rr": 0})
            c["packets"] += 1
            off = 0
            while off + 4 <= len(b):
                pt = b[off + 1]
                if pt == 200:
                    c["sr"] += 1
                elif pt == 201:
                    c["rr"] += 1
                off += 4 * (unpack_from("!H", b, off + 2)[0] + 1)
            continue
        ssrc = unpack_from("!I", b, 8)[0]
        st = streams.get((s_ep, d_ep, ssrc))
        if st is None:
            continue
        m, pt = b[1] >> 7, b[1] & 0x7F
        seq, ts = unpack_from("!HI", b, 2)
        st[0].update(pt, m, seq, ts, t_us * 1000, len(seg) + (40 if len(src) == 16 else 20))
        st[1].update(msec_rel(t_us, first_us), pt, m, seq, ts)
        st[2].append((seq, pt == st[3]["te_payload_type"]))
    for e in dec.errors:
        fails.append("decoder: " + e)
    P = T["packets"]
    own_counts = {"total": dec.n, "vlan_tagged": dec.vlan,
                  "fragments": dec.frag_frames, "tcp_segments": dec.tcp}
    want_counts = {"total": P["total"], "vlan_tagged": P["vlan_tagged"],
                   "fragments": P["ipv4_fragments"] + P["ipv6_fragments"],
                   "tcp_segments": P["tcp_segments"]}
    if own_counts != want_counts:
        fails.append("packet counts: file %s, truth %s" % (own_counts, want_counts))
    if dec.frags:
        fails.append("%d incomplete fragmented datagrams" % len(dec.frags))
    fields = ("packets", "bytes", "expected", "received", "lost", "duplicates", "reordered",
              "te_packets", "te_duplicates", "ext_highest_seq", "max_delta_ms",
              "mean_jitter_ms", "max_jitter_ms", "jitter_ms", "jitter_ts", "jb_late")
    nbad = 0
    for key, (st, _, pk, s) in streams.items():
        rep = st.report()
        diff = [f for f in fields if rep[f] != s[f]]
        if diff:
            nbad += 1
            fails.append("stream %s %s>%s: file gives %s, truth %s" % (
                s["ssrc"], s["src"], s["dst"], {f: rep[f] for f in diff},
                {f: s[f] for f in diff}))
        ind = independent_counts(pk)
        d2 = [f for f in ind if ind[f] != s[f]]
        if d2:
            nbad += 1
            fails.append("stream %s %s>%s: independent count %s, truth %s" % (
                s["ssrc"], s["src"], s["dst"], {f: ind[f] for f in d2},
                {f: s[f] for f in d2}))
        if s["packets"] != s["sent"] - s["dropped"] + s["duplicated"]:
            fails.append("stream %s: packets %d != sent %d - dropped %d + duplicated %d" % (
                s["ssrc"], s["packets"], s["sent"], s["dropped"], s["duplicated"]))
    for r in T["rtcp_streams"]:
        k = (r["src"], r["dst"], r["ssrc"])
        c = rtcp_own.get(k, {"packets": 0, "sr": 0, "rr": 0})
        if (c["packets"], c["sr"], c["rr"]) != (r["packets"], r["sr"], r["rr"]):
            fails.append("rtcp %s %s>%s: file %s, truth packets %d sr %d rr %d" % (
                r["ssrc"], r["src"], r["dst"], c, r["packets"], r["sr"], r["rr"]))
    say("  own decoder: %d frames, %d fragments, %d TCP segments, checksums %s; %d RTP "
        "streams recomputed from the file, %d differ from the truth; %d RTCP streams" % (
            dec.n, dec.frag_frames, dec.tcp, "bad" if dec.errors else "ok", len(streams),
            nbad, len(T["rtcp_streams"])))

    # 2. tshark.
    tshark = tshark or shutil.which("tshark")
    if not tshark:
        say("  tshark not found: tshark comparisons skipped")
    else:
        ver = tshark_run(tshark, ["--version"]).splitlines()[0]
        txt = tshark_run(tshark, ["-n", "-r", pcap, "-q", "-z", "rtp,streams", "-z",
                                  "sip,stat"])
        rows = parse_rtp_streams(txt)
        total, resent, req, resp = parse_sip_stat(txt)
        heur = set()
        missing = [k for k in streams if k not in rows]
        if missing:
            rows2 = parse_rtp_streams(tshark_run(tshark, [
                "-n", "-r", pcap, "-o", "rtp.heuristic_rtp:TRUE", "-q", "-z", "rtp,streams"]))
            for k in missing:
                if k in rows2:
                    rows[k] = rows2[k]
                    heur.add(k)
        say("  %s: %d RTP streams%s" % (ver, len(rows), " (%d only with "
                                        "rtp.heuristic_rtp)" % len(heur) if heur else ""))
        n_equal = n_model = 0
        for key, (st, model, pk, s) in streams.items():
            name = "%s %s>%s" % (s["ssrc"], s["src"], s["dst"])
            row = rows.get(key)
            if row is None:
                fails.append("tshark does not show stream %s" % name)
                continue
            mr = model.row()
            mdiff = [f for f in ("packets", "lost") if mr[f] != row[f]]
            mdiff += [f for f in ("max_delta", "mean_jitter", "max_jitter")
                      if abs(float(mr[f]) - float(row[f])) > 0.0011]
            if mdiff:
                fails.append("stream %s: tshark %s, model of tshark's rules %s" % (
                    name, {f: row[f] for f in mdiff}, {f: mr[f] for f in mdiff}))
            else:
                n_model += 1
            # Truth (vpep's definitions) against tshark, with the documented differences.
            why = []
            if row["packets"] != s["packets"]:
                fails.append("stream %s: packets %d, tshark %d" % (name, s["packets"],
                                                                   row["packets"]))
            want_lost = s["lost"] - s["duplicates"] - s["te_duplicates"]
            if row["lost"] != want_lost:
                if model.cycles and mr["lost"] == row["lost"]:
                    why.append("lost %d: tshark's sequence-cycle heuristic miscounts a late "
                               "packet around the 65535->0 wrap (T4)" % row["lost"])
                else:
                    fails.append("stream %s: tshark lost %d, expected lost - duplicates - "
                                 "te_duplicates = %d" % (name, row["lost"], want_lost))
            elif want_lost != s["lost"]:
                why.append("lost %d = %d - %d duplicates - %d te_duplicates: tshark counts "
                           "duplicates as received (T4)" % (row["lost"], s["lost"],
                                                            s["duplicates"],
                                                            s["te_duplicates"]))
            wrong_ts = model.wrong_ts
            if abs(s["max_delta_ms"] - float(row["max_delta"])) > 0.0011:
                if wrong_ts:
                    why.append("max delta %s: tshark leaves packets whose timestamp steps "
                               "back before the stream's first out of timing (T5)" %
                               row["max_delta"])
                else:
                    fails.append("stream %s: max delta %.6f, tshark %s" % (
                        name, s["max_delta_ms"], row["max_delta"]))
            jt = (s["mean_jitter_ms"], float(row["mean_jitter"]), s["max_jitter_ms"],
                  float(row["max_jitter"]))
            if not (close(jt[0], jt[1]) and close(jt[2], jt[3])):
                if s["te_packets"] or s["duplicates"] or wrong_ts:
                    r = []
                    if s["te_packets"]:
                        r.append("moves its jitter reference on %d telephone-event packets "
                                 "(T7)" % s["te_packets"])
                    if s["duplicates"]:
                        r.append("samples %d duplicates" % s["duplicates"])
                    if wrong_ts:
                        r.append("leaves %d packets with a timestamp before the first out "
                                 "(T5)" % wrong_ts)
                    why.append("jitter mean/max %.3f/%.3f, tshark %s/%s: tshark %s" % (
                        jt[0], jt[2], row["mean_jitter"], row["max_jitter"], " and ".join(r)))
                else:
                    fails.append("stream %s: jitter mean/max %.4f/%.4f, tshark %s/%s (beyond "
                                 "1 %% or 0.01 ms)" % (name, jt[0], jt[2], row["mean_jitter"],
                                                       row["max_jitter"]))
            if why:
                explained.append((name, why))
            else:
                n_equal += 1
            if verbose:
                say("    %-52s pkts %5d/%-5d lost %4d/%-4d maxd %9.3f/%-9s jit %.3f/%s %.3f/%s"
                    % (name, s["packets"], row["packets"], s["lost"], row["lost"],
                       s["max_delta_ms"], row["max_delta"], jt[0], row["mean_jitter"], jt[2],
                       row["max_jitter"]))
        extra = [k for k in rows if k not in streams]
        for k in extra:
            fails.append("tshark shows a stream the truth does not have: %s > %s 0x%08X" % k)
        say("  tshark rtp,streams: %d/%d streams exactly as the model of tshark's rules "
            "predicts; truth vs tshark: %d equal, %d differ only as documented" % (
                n_model, len(streams), n_equal, len(explained)))
        for name, why in explained:
            for w in why:
                say("    %s: %s" % (name, w))
        S = T["sip"]
        if req != S["requests"] or resp != S["responses"] or total != S["messages"]:
            fails.append("sip,stat: tshark %d messages %s %s, truth %d %s %s" % (
                total or 0, req, resp, S["messages"], S["requests"], S["responses"]))
        if resent:
            fails.append("sip,stat: tshark reports %d resent messages" % resent)
        say("  tshark sip,stat: %s messages (%d resent), per method and per code %s" % (
            total, resent or 0, "equal" if req == S["requests"] and resp == S["responses"]
            else "DIFFERENT"))
        # RTCP as tshark decodes it.
        txt = tshark_run(tshark, ["-n", "-r", pcap, "-Y", "rtcp", "-T", "fields", "-E",
                                  "separator=\t", "-e", "ip.src", "-e", "ipv6.src", "-e",
                                  "udp.srcport", "-e", "ip.dst", "-e", "ipv6.dst", "-e",
                                  "udp.dstport", "-e", "rtcp.senderssrc", "-e", "rtcp.pt"])
        tr = {}
        for line in txt.splitlines():
            f = line.split("\t")
            if len(f) < 8:
                continue
            k = (norm_ep(f[0] or f[1], f[2]), norm_ep(f[3] or f[4], f[5]),
                 "0x%08X" % int(f[6].split(",")[0], 16))
            c = tr.setdefault(k, [0, 0])
            pts = f[7].split(",")
            c[0] += pts.count("200")
            c[1] += pts.count("201")
        nr = 0
        for r in T["rtcp_streams"]:
            k = (r["src"], r["dst"], r["ssrc"])
            if tuple(tr.get(k, [0, 0])) != (r["sr"], r["rr"]):
                fails.append("rtcp %s %s>%s: tshark SR/RR %s, truth %d/%d" % (
                    r["ssrc"], r["src"], r["dst"], tr.get(k), r["sr"], r["rr"]))
            else:
                nr += 1
        for k in tr:
            if k not in {(r["src"], r["dst"], r["ssrc"]) for r in T["rtcp_streams"]}:
                fails.append("tshark shows RTCP the truth does not have: %s > %s %s" % k)
        say("  tshark rtcp: SR/RR counts equal for %d/%d RTCP streams" % (
            nr, len(T["rtcp_streams"])))
        # Malformed packets and expert warnings, with every checksum validated.
        txt = tshark_run(tshark, ["-n", "-r", pcap, "-o", "ip.check_checksum:TRUE", "-o",
                                  "udp.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
                                  "-Y", "_ws.malformed || _ws.expert.severity >= warning",
                                  "-T", "fields", "-e", "frame.number", "-e",
                                  "_ws.col.Protocol", "-e", "_ws.expert.message"])
        bad = [x for x in txt.splitlines() if x.strip()]
        for x in bad[:10]:
            fails.append("tshark expert/malformed: %s" % x.replace("\t", " | "))
        say("  tshark expert (checksums validated): %d malformed or warning packets" % len(bad))
    if fails:
        say("self-check FAILED (%d problems):" % len(fails))
        for x in fails[:40]:
            say("  - " + x)
        return 1
    say("self-check OK")
    return 0


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------

DEFAULTS = {
    "calls": {"calls": 10, "duration": 30.0, "cps": 2.0, "transport_mix": "udp=7,tcp=3",
              "ipv6": 0.2, "frag": 0.1, "outcome_mix":
              "answered=70,hold=10,cancel=7,busy=7,timeout=6",
              "codec_mix": "PCMU=3,PCMA=3,G722=1,G729=1,opus=1,GSM=0.5,iLBC=0.5",
              "ptime_mix": "20=7,10=1,30=1,40=1", "dtmf": 0.3, "compact": 0.2,
              "rtcp_mux": 0.2, "rtcp_attr": 0.3, "video": 0.15, "dscp_unmarked": 0.2,
              "registers": None, "options": None, "scan": False},
    "scan": {"calls": 0, "duration": None, "cps": 2.0, "transport_mix": "udp=7,tcp=3",
             "ipv6": 0.2, "frag": 0.1,
             "outcome_mix": "answered=70,hold=10,cancel=7,busy=7,timeout=6",
             "codec_mix": "PCMU=3,PCMA=3,G722=1,G729=1,opus=1,GSM=0.5,iLBC=0.5",
             "ptime_mix": "20=7,10=1,30=1,40=1", "dtmf": 0.3, "compact": 0.2, "rtcp_mux": 0.2,
             "rtcp_attr": 0.3, "video": 0.15, "dscp_unmarked": 0.2, "registers": 0,
             "options": 0, "scan": True},
    "bench": {"calls": 200, "duration": 60.0, "cps": 50.0, "transport_mix": "udp=1",
              "ipv6": 0.0, "frag": 0.0, "outcome_mix": "answered=1",
              "codec_mix": "PCMU=1,PCMA=1,G729=1", "ptime_mix": "20=1", "dtmf": 0.0,
              "compact": 0.0, "rtcp_mux": 0.0, "rtcp_attr": 0.0, "video": 0.0,
              "dscp_unmarked": 0.0, "registers": 0, "options": 0, "scan": False},
}


def build_parser():
    p = argparse.ArgumentParser(
        prog="vpep_gen.py", formatter_class=argparse.RawDescriptionHelpFormatter,
        description=__doc__,
        epilog="""mixes are name=weight lists, e.g. --codec-mix PCMU=3,opus=1
fractions are probabilities per call (0..1)
--call-spec forces attributes of call 0, 1, ... in order (repeat the option):
  transport=udp|tcp ip=4|6 outcome=answered|hold|cancel|busy|timeout hold=sendonly|c0
  codec=PCMU|PCMA|G722|G729|opus|GSM|iLBC ptime=10|20|30|40 dtmf=0|1|DIGITS frag=0|1
  compact=0|1 mux=0|1 rtcp_attr=0|1 video=0|1 impair=0|1 vlan=N bye=caller|callee dscp=0|1

examples:
  vpep_gen.py -o /tmp/x.pcap --calls 20 --duration 30 --seed 7 --self-check
  vpep_gen.py -o /tmp/lossy.pcap --loss 0.02 --burst 0.01,0.3 --jitter 8 --reorder 0.01
  vpep_gen.py -o /tmp/scan.pcap --mode scan --scan-extensions 100-599
  vpep_gen.py -o /tmp/bench.pcap --mode bench --calls 500
See docs/traffic-generator.md for the ground-truth schema.""")
    g = p.add_argument_group("output")
    g.add_argument("-o", "--output", help="capture to write (X.pcap; truth in X.truth.json)")
    g.add_argument("--truth", help="ground-truth path (default: X.truth.json next to X.pcap)")
    g.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    g.add_argument("--start-epoch", type=int, default=1700000000,
                   help="capture time zero, Unix seconds (default 1700000000)")
    g.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")
    g = p.add_argument_group("scenario")
    g.add_argument("--mode", choices=("calls", "scan", "bench"), default="calls",
                   help="calls (default): a mix of calls; scan: an extension scan (add "
                   "--calls N for calls too); bench: a large RTP-heavy capture (200 G.711/G.729 "
                   "UDP calls, 60 s, no impairment unless asked)")
    g.add_argument("--calls", type=int, help="number of calls (default 10; bench 200; scan 0)")
    g.add_argument("--duration", type=float, help="capture length in seconds (default 30)")
    g.add_argument("--cps", type=float, help="call attempts per second (default 2)")
    g.add_argument("--servers", type=int, default=2, help="callee-side SIP servers (default 2)")
    g.add_argument("--hold-time", help="MIN[:MAX] seconds from answer to BYE (default: calls "
                   "last until about 1 s before the end)")
    g.add_argument("--ring", default="1:4", help="MIN:MAX ringing seconds before an answer")
    g.add_argument("--ring-timeout", type=float, default=8.0,
                   help="ringing seconds before 408 in timeout calls (default 8)")
    g.add_argument("--outcome-mix", help="answered, hold (answered + re-INVITE hold/resume), "
                   "cancel (CANCEL/487), busy (486), timeout (408 after ringing)")
    g.add_argument("--transport-mix", help="SIP transport: udp, tcp (default udp=7,tcp=3)")
    g.add_argument("--ipv6", type=float, help="fraction of calls over IPv6 (default 0.2)")
    g.add_argument("--vlan", help="802.1Q VLAN ids, comma-separated, given to calls in turn")
    g.add_argument("--codec-mix", help="PCMU PCMA G722 G729 opus GSM iLBC")
    g.add_argument("--ptime-mix", help="10 20 30 40 (adjusted to what the codec allows)")
    g.add_argument("--dtmf", type=float, help="fraction of answered calls with RFC 4733 digits")
    g.add_argument("--compact", type=float, help="fraction of calls with compact SIP headers")
    g.add_argument("--rtcp-mux", type=float, help="fraction of calls with a=rtcp-mux")
    g.add_argument("--rtcp-attr", type=float, help="fraction of calls with a=rtcp")
    g.add_argument("--video", type=float, help="fraction of calls offering (declined) video")
    g.add_argument("--dscp-unmarked", type=float, help="fraction of calls without DSCP marks "
                   "(others: SIP CS3, RTP/RTCP EF)")
    g.add_argument("--no-rtcp", action="store_true", help="no RTCP at all")
    g.add_argument("--registers", type=int, help="REGISTER dialogs with a 401 challenge "
                   "(default calls/4)")
    g.add_argument("--options", type=int, help="OPTIONS pings (default calls/4)")
    g.add_argument("--call-spec", action="append", default=[], metavar="SPEC",
                   help="attributes of the next call (see below)")
    g.add_argument("--rtp-wrap", action="store_true",
                   help="start sequence numbers and timestamps just before their wrap")
    g = p.add_argument_group("transport details")
    g.add_argument("--frag", type=float, help="fraction of UDP calls with a big, IP-fragmented "
                   "INVITE (default 0.1)")
    g.add_argument("--frag-mtu", type=int, default=576, help="IPv4 MTU for fragmented calls")
    g.add_argument("--frag-mtu6", type=int, default=1280, help="IPv6 MTU for fragmented calls")
    g.add_argument("--frag-size", type=int, default=1800,
                   help="minimum size of the big INVITE in bytes (default 1800)")
    g.add_argument("--tcp-split", type=float, default=0.3,
                   help="probability that a SIP message over TCP is split in 2-3 segments")
    g.add_argument("--tcp-coalesce", type=float, default=0.3,
                   help="fraction of TCP calls sending back-to-back messages in one segment")
    g = p.add_argument_group("impairments (per RTP stream, seeded; RTCP and SIP are not "
                             "impaired)")
    g.add_argument("--impaired", type=float, default=1.0,
                   help="fraction of calls whose streams are impaired (default 1)")
    g.add_argument("--loss", type=float, default=0.0, help="random loss probability")
    g.add_argument("--burst", help="P,R: Gilbert burst loss (good->bad P, bad->good R)")
    g.add_argument("--jitter", type=float, default=0.0,
                   help="arrival delay spread in ms (FIFO: packets never overtake)")
    g.add_argument("--jitter-dist", choices=("uniform", "normal"), default="uniform",
                   help="uniform: delay in [0, J]; normal: |N(0, J)|")
    g.add_argument("--reorder", type=float, default=0.0,
                   help="probability a packet swaps places with a later one")
    g.add_argument("--reorder-distance", type=int, default=1,
                   help="the later packet is 1..D positions on (default 1)")
    g.add_argument("--duplicate", type=float, default=0.0, help="duplicate probability")
    g = p.add_argument_group("scan (sipvicious-like, User-Agent friendly-scanner)")
    g.add_argument("--scan", action="store_true", help="add a scan (implied by --mode scan)")
    g.add_argument("--scan-method", choices=("REGISTER", "OPTIONS"), default="REGISTER")
    g.add_argument("--scan-extensions", default="100-299", help="e.g. 100-299,1000-1020")
    g.add_argument("--scan-existing", help="extensions that exist (default: 101-105 and the "
                   "callers' 1000...)")
    g.add_argument("--scan-rate", type=float, default=50.0, help="requests per second")
    g.add_argument("--scan-source", default="198.51.100.66", help="scanner address")
    g.add_argument("--scan-port", type=int, default=5060, help="scanner UDP port")
    g.add_argument("--scan-start", type=float, default=1.0, help="first request (s)")
    g = p.add_argument_group("checking")
    g.add_argument("--self-check", action="store_true",
                   help="read the capture back (own decoder and tshark) and compare")
    g.add_argument("--check-only", metavar="PCAP", help="only self-check an existing capture")
    g.add_argument("--tshark", help="tshark binary (default: from PATH)")
    g.add_argument("-v", "--verbose", action="store_true", help="per-stream comparison table")
    return p


def parse_args(argv):
    p = build_parser()
    o = p.parse_args(argv)
    if o.check_only:
        return o
    if not o.output:
        p.error("-o/--output is required")
    d = DEFAULTS[o.mode]
    for k, v in d.items():
        if getattr(o, k, None) is None or (k == "scan" and not o.scan):
            setattr(o, k, v)
    if o.mode == "scan":
        o.scan = True
    if o.registers is None:
        o.registers = o.calls // 4
    if o.options is None:
        o.options = o.calls // 4
    if o.duration is None:
        n = len(parse_range(o.scan_extensions))
        o.duration = max(8.0 if o.calls else 2.0, o.scan_start + n / o.scan_rate + 1.0)
    o.transport_mix = parse_mix(o.transport_mix, ("udp", "tcp"), "transport")
    o.outcome_mix = parse_mix(o.outcome_mix, OUTCOMES, "outcome")
    o.codec_mix = parse_mix(o.codec_mix, CODEC_ORDER, "codec")
    o.ptime_mix = parse_mix(o.ptime_mix, ("10", "20", "30", "40"), "ptime")
    o.vlans = [int(x) for x in o.vlan.split(",")] if o.vlan else []
    o.ring = tuple(float(x) for x in o.ring.split(":"))
    if len(o.ring) != 2 or o.ring[0] > o.ring[1]:
        p.error("--ring MIN:MAX")
    if o.hold_time:
        ht = [float(x) for x in o.hold_time.split(":")]
        o.hold_time = (ht[0], ht[-1])
    if o.burst:
        b = [float(x) for x in o.burst.split(",")]
        if len(b) != 2 or not 0 < b[1] <= 1:
            p.error("--burst P,R with 0 < R <= 1")
        o.burst = tuple(b)
    for k in ("loss", "reorder", "duplicate", "impaired", "ipv6", "frag", "dtmf"):
        v = getattr(o, k)
        if not 0 <= v <= 1:
            p.error("--%s must be a probability" % k.replace("_", "-"))
    if not 1 <= o.reorder_distance <= MAX_REORDER_DISTANCE:
        p.error("--reorder-distance must be 1..%d (vpep's late-packet window is %d)" %
                (MAX_REORDER_DISTANCE, MAX_MISORDER))
    if o.frag_mtu < 128 or o.frag_mtu6 < 128:
        p.error("--frag-mtu/--frag-mtu6 must be at least 128")
    if o.calls < 0 or o.cps <= 0 or o.servers < 1 or o.scan_rate <= 0:
        p.error("--calls >= 0, --cps > 0, --servers >= 1, --scan-rate > 0")
    return o


def truth_path_for(pcap):
    base = pcap[:-5] if pcap.endswith(".pcap") else pcap
    return base + ".truth.json"


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    o = parse_args(argv)
    if o.check_only:
        return self_check(o.check_only, o.truth or truth_path_for(o.check_only), o.tshark,
                          o.verbose)
    t_start = time.perf_counter()
    world = World(o)
    res = run(world, o.output)
    tpath = o.truth or truth_path_for(o.output)
    truth = make_truth(world, res, o.output, argv)
    with open(tpath, "w") as f:
        json.dump(truth, f, indent=1)
        f.write("\n")
    el = time.perf_counter() - t_start
    if not o.quiet:
        for w in world.warnings:
            print("vpep_gen: warning: %s" % w, file=sys.stderr)
        print("vpep_gen: %s: %d packets (%d RTP, %d RTCP, %d SIP frames), %d calls, %d bytes, "
              "%.2f s, %.0f packets/s; truth in %s" % (
                  o.output, res["total"], res["counts"][K_RTP], res["counts"][K_RTCP],
                  res["total"] - res["counts"][K_RTP] - res["counts"][K_RTCP],
                  len(world.calls), res["bytes"] + 16 * res["total"] + 24, el,
                  res["total"] / el if el else 0, tpath), file=sys.stderr)
    if o.self_check:
        return self_check(o.output, tpath, o.tshark, o.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
