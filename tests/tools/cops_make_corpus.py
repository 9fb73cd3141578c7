#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Regenerate tests/fuzz/corpus/cops/ from a cops_pcap_gen capture.

    cops_make_corpus.py CAPTURE.pcap OUTDIR

Writes every COPS message of the capture (valid messages of every type) as
one seed file, then broken variants of a few of them (truncated, bad
version, wrong length, object lengths 0 / 2 / overrunning, nonzero padding,
unknown C-Num, wrong C-Type, missing and misplaced objects, too many
objects, broken PCMM objects). File names say what each seed is.
"""

import os
import struct
import subprocess
import sys

OPS = {1: "req", 2: "dec", 3: "rpt", 4: "drq", 5: "ssq", 6: "opn", 7: "cat", 8: "cc",
       9: "ka", 10: "ssc"}


def payloads(pcap):
    """COPS PDUs in capture order; a PDU split over segments is taken reassembled."""
    out = subprocess.run(["/usr/bin/tshark", "-n", "-r", pcap, "-Y", "cops", "-T", "fields",
                          "-E", "separator=/t", "-e", "tcp.reassembled.data", "-e", "tcp.payload"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         universal_newlines=True, check=True).stdout
    res = []
    for line in out.splitlines():
        reassembled, _, payload = line.partition("\t")
        data = reassembled or payload
        if data:
            res.append(bytes.fromhex(data.replace(":", "")))
    return res


def objects(msg):
    """(offset, length, c_num, c_type) of each object of a valid message."""
    off, res = 8, []
    while off + 4 <= len(msg):
        ln, cn, ct = struct.unpack_from(">HBB", msg, off)
        res.append((off, ln, cn, ct))
        off += (ln + 3) & ~3
    return res


def with_len(body):
    return body[:4] + struct.pack(">I", len(body)) + body[8:]


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    pcap, outdir = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    seeds = {}
    for i, p in enumerate(payloads(pcap)):
        seeds["valid_%02d_%s" % (i + 1, OPS.get(p[1], "op%d" % p[1]))] = p

    by_op = {}
    for name, p in sorted(seeds.items()):
        by_op.setdefault(p[1], p)
    dec = max((p for p in seeds.values() if p[1] == 2), key=len)   # largest Gate-Set DEC
    opn, cat, ka, rpt = by_op[6], by_op[7], by_op[9], by_op[3]
    broken = {}
    broken["bad_truncated_header"] = dec[:5]
    broken["bad_truncated_half"] = dec[:len(dec) // 2]
    broken["bad_version_2"] = bytes([0x20 | (dec[0] & 0xf)]) + dec[1:]
    broken["bad_flags"] = bytes([0x13]) + dec[1:]
    broken["bad_op_code_11"] = dec[:1] + b"\x0b" + dec[2:]
    broken["bad_length_field"] = dec[:4] + struct.pack(">I", len(dec) + 4) + dec[8:]
    broken["bad_length_not_mult4"] = with_len(cat + b"\x00\x00")[:len(cat) + 2]
    o = objects(dec)
    off = o[1][0]                                   # Context
    broken["bad_obj_len_0"] = dec[:off] + b"\x00\x00" + dec[off + 2:]
    broken["bad_obj_len_2"] = dec[:off] + b"\x00\x02" + dec[off + 2:]
    broken["bad_obj_len_6"] = dec[:off] + b"\x00\x06" + dec[off + 2:]
    broken["bad_obj_overrun"] = dec[:off] + struct.pack(">H", len(dec)) + dec[off + 2:]
    broken["bad_unknown_cnum"] = dec[:off + 2] + b"\x63" + dec[off + 3:]
    broken["bad_wrong_ctype"] = dec[:off + 3] + b"\x07" + dec[off + 4:]
    # Swap Context and Decision flags (both 8 bytes): wrong order.
    ctx, flg = dec[o[1][0]:o[1][0] + 8], dec[o[2][0]:o[2][0] + 8]
    broken["bad_wrong_order"] = dec[:o[1][0]] + flg + ctx + dec[o[2][0] + 8:]
    # Drop the Context: mandatory object missing.
    broken["bad_missing_context"] = with_len(dec[:o[1][0]] + dec[o[1][0] + 8:])
    # PEPID with an odd Length and nonzero padding.
    po = objects(opn)[0]
    broken["bad_nonzero_padding"] = (opn[:po[0]] + struct.pack(">H", po[1] - 1) +
                                     opn[po[0] + 2:po[0] + po[1] - 1] + b"\x01" +
                                     opn[po[0] + po[1]:])
    broken["bad_pepid_no_nul"] = opn[:po[0] + po[1] - 1] + b"X" + opn[po[0] + po[1]:]
    broken["bad_ka_client_type"] = ka[:2] + b"\x80\x0a" + ka[4:]
    handle = b"\x00\x08\x01\x01\x00\x00\x00\x01"
    broken["bad_too_many_objects"] = with_len(b"\x10\x05\x80\x0a\x00\x00\x00\x00" + handle * 33)
    broken["bad_integrity_not_last"] = with_len(ka + b"\x00\x0c\x10\x01" + b"\x00" * 8 + handle)
    # PCMM: break the first PCMM object inside the client-specific Decision.
    last = objects(dec)[-1]
    p0 = last[0] + 4
    broken["bad_pcmm_len_2"] = dec[:p0] + b"\x00\x02" + dec[p0 + 2:]
    broken["bad_pcmm_len_odd"] = dec[:p0] + b"\x00\x0a" + dec[p0 + 2:]
    broken["bad_pcmm_txn_long"] = dec[:p0] + b"\x00\x0c" + dec[p0 + 2:]
    rl = objects(rpt)[-1]
    broken["bad_pcmm_unknown_snum"] = rpt[:rl[0] + 6] + b"\x63" + rpt[rl[0] + 7:]
    seeds.update(broken)

    for name, data in sorted(seeds.items()):
        with open(os.path.join(outdir, name + ".bin"), "wb") as f:
            f.write(data)
    print("wrote %d seeds (%d broken) to %s" % (len(seeds), len(broken), outdir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
