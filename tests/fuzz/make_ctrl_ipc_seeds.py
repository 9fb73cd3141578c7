#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
"""Write the seed corpus of fuzz_ctrl_ipc: dataplane -> vpep-ctrl message streams built with the
fake dataplane's mirror of include/vpep_ipc.h (a resync, admissions, a call end, a bad magic, a
wrong length). Run from the repository root:
/usr/bin/python3 tests/fuzz/make_ctrl_ipc_seeds.py   (the output is committed)"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import fake_dataplane as fd  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "ctrl_ipc")


def msg(mtype, body, seq=1, length=None):
    data = bytes(body)
    return bytes(fd.Hdr(fd.MAGIC, fd.VERSION, mtype, len(data) if length is None else length,
                        seq)) + data


def main():
    os.makedirs(OUT, exist_ok=True)
    m4 = {"offer_ip": "192.0.2.1", "offer_port": 4000, "answer_ip": "198.51.100.2",
          "answer_port": 5000, "codec": "PCMU", "bandwidth_bps": 87200}
    m6 = {"offer_ip": "2001:db8::1", "offer_port": 4002, "answer_ip": "2001:db8::2",
          "answer_port": 5002, "codec": "opus", "bandwidth_bps": 64000}
    adm = fd.make_admission(7, "call-7@host", "sip:a@a.example", "sip:b@b.example",
                            "192.0.2.1", [m4, m6])
    hello = fd.Hello()
    hello.instance_id, hello.pid, hello.role, hello.name = 1, 2, 1, b"dp"
    end = fd.CallEnd()
    end.call_handle = 7
    res = fd.Result()
    res.ref_seq, res.ref_type, res.gate_id = 3, fd.DECISION, 9
    rd = fd.ResyncDone()
    rd.calls = 1
    resync = fd.Admission.from_buffer_copy(bytes(adm))
    resync.flags = fd.ADM_RESYNC | fd.ADM_DECIDED
    resync.gate_id, resync.verdict = 9, fd.ADMIT
    gs = fd.GateState()
    gs.call_handle, gs.gate.gate_id, gs.gate.dscp = 7, 9, 46
    seeds = {
        "session": msg(fd.HELLO, hello) + msg(fd.ADMISSION, adm, 2) + msg(fd.RESULT, res, 3) +
        msg(fd.CALL_END, end, 4),
        "resync": msg(fd.ADMISSION, resync) + msg(fd.GATE_STATE, gs, 2) +
        msg(fd.RESYNC_DONE, rd, 3),
        "stats": msg(fd.STATS, b'{"a": 1}'),
        "bad_magic": b"XXXX" + msg(fd.HELLO, hello)[4:],
        "bad_length": msg(fd.ADMISSION, bytes(adm)[:100]),
        "truncated": msg(fd.ADMISSION, adm)[:300],
        "unknown_type": msg(99, b"abcd") + msg(fd.CALL_END, end),
    }
    for name, data in seeds.items():
        with open(os.path.join(OUT, name + ".bin"), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
