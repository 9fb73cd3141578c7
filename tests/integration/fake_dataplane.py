#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
"""A fake vpep-dataplane: the dataplane's side of include/vpep_ipc.h, in Python.

It listens on a Unix socket, answers HELLO with HELLO, RESYNC_REQ with one ADMISSION
(flag RESYNC, plus DECIDED for calls with a decision) per call, one GATE_STATE per installed
gate and RESYNC_DONE, and every DECISION / GATE_SET / GATE_DELETE with a RESULT. It records
every message vpep-ctrl sends, with the time it arrived (time.monotonic()), so tests can check
that no decision was lost or applied twice. Tests drive it with admit() and call_end().

The structures mirror include/vpep_ipc.h with ctypes (native alignment, as the C compiler
lays them out); struct_sizes() is compared with the C sizes by the tests.
"""

import ctypes as C
import errno
import os
import socket
import threading
import time

MAGIC = 0x56504550
VERSION = 1
(HELLO, RESULT, ADMISSION, CALL_END, DECISION, GATE_SET, GATE_DELETE, RESYNC_REQ, GATE_STATE,
 RESYNC_DONE, STATS_REQ, STATS) = range(1, 13)
NAMES = {1: "HELLO", 2: "RESULT", 3: "ADMISSION", 4: "CALL_END", 5: "DECISION", 6: "GATE_SET",
         7: "GATE_DELETE", 8: "RESYNC_REQ", 9: "GATE_STATE", 10: "RESYNC_DONE",
         11: "STATS_REQ", 12: "STATS"}
ADM_UPDATE, ADM_RESYNC, ADM_DECIDED = 1, 2, 4
ADMIT, DENY = 1, 2
URI_LEN = 128


class Hdr(C.Structure):
    _fields_ = [("magic", C.c_uint32), ("version", C.c_uint16), ("type", C.c_uint16),
                ("len", C.c_uint32), ("seq", C.c_uint32)]


class Addr(C.Structure):
    _fields_ = [("family", C.c_uint8), ("prefix_len", C.c_uint8), ("pad", C.c_uint8 * 2),
                ("addr", C.c_uint8 * 16)]


class Hello(C.Structure):
    _fields_ = [("instance_id", C.c_uint64), ("start_unix_ns", C.c_uint64), ("pid", C.c_uint32),
                ("role", C.c_uint32), ("name", C.c_char * 32)]


class Result(C.Structure):
    _fields_ = [("ref_seq", C.c_uint32), ("ref_type", C.c_uint16), ("pad", C.c_uint16),
                ("status", C.c_int32), ("gate_id", C.c_uint32), ("msg", C.c_char * 96)]


class Media(C.Structure):
    _fields_ = [("offer_addr", Addr), ("answer_addr", Addr), ("offer_port", C.c_uint16),
                ("answer_port", C.c_uint16), ("offer_rtcp_port", C.c_uint16),
                ("answer_rtcp_port", C.c_uint16), ("media_type", C.c_uint8),
                ("payload_type", C.c_uint8), ("pad", C.c_uint8 * 2), ("clock_rate", C.c_uint32),
                ("bandwidth_bps", C.c_uint32), ("codec", C.c_char * 16)]


class Admission(C.Structure):
    _fields_ = [("call_handle", C.c_uint64), ("flags", C.c_uint32), ("gate_id", C.c_uint32),
                ("verdict", C.c_uint8), ("n_media", C.c_uint8), ("pad", C.c_uint8 * 6),
                ("caller_addr", Addr), ("pad2", C.c_uint8 * 4), ("call_id", C.c_char * URI_LEN),
                ("from_uri", C.c_char * URI_LEN), ("to_uri", C.c_char * URI_LEN),
                ("media", Media * 4)]


class CallEnd(C.Structure):
    _fields_ = [("call_handle", C.c_uint64), ("gate_id", C.c_uint32), ("reason", C.c_uint8),
                ("pad", C.c_uint8 * 3), ("packets", C.c_uint64), ("lost", C.c_uint64),
                ("duration_ms", C.c_uint32), ("mos_x100", C.c_uint32),
                ("call_id", C.c_char * URI_LEN)]


class Meter(C.Structure):
    _fields_ = [("type", C.c_uint8), ("yellow_action", C.c_uint8), ("red_action", C.c_uint8),
                ("yellow_dscp", C.c_uint8), ("red_dscp", C.c_uint8), ("pad", C.c_uint8 * 3),
                ("cir", C.c_uint64), ("pir", C.c_uint64), ("cbs", C.c_uint64), ("pbs", C.c_uint64)]


class Decision(C.Structure):
    _fields_ = [("call_handle", C.c_uint64), ("gate_id", C.c_uint32), ("verdict", C.c_uint8),
                ("dscp", C.c_uint8), ("source", C.c_uint8), ("deny_signalling", C.c_uint8),
                ("meter", Meter), ("rule", C.c_char * 32)]


class Gate(C.Structure):
    _fields_ = [("gate_id", C.c_uint32), ("verdict", C.c_uint8), ("dscp", C.c_uint8),
                ("source", C.c_uint8), ("dir", C.c_uint8), ("protocol", C.c_uint8),
                ("pad", C.c_uint8 * 3), ("src", Addr), ("dst", Addr), ("sport_lo", C.c_uint16),
                ("sport_hi", C.c_uint16), ("dport_lo", C.c_uint16), ("dport_hi", C.c_uint16),
                ("pad2", C.c_uint8 * 4), ("meter", Meter), ("rule", C.c_char * 32)]


class GateDelete(C.Structure):
    _fields_ = [("gate_id", C.c_uint32), ("pad", C.c_uint32)]


class GateState(C.Structure):
    _fields_ = [("call_handle", C.c_uint64), ("green_packets", C.c_uint64),
                ("yellow_packets", C.c_uint64), ("red_packets", C.c_uint64),
                ("dropped_packets", C.c_uint64), ("gate", Gate)]


class ResyncDone(C.Structure):
    _fields_ = [("calls", C.c_uint32), ("gates", C.c_uint32)]


BODY = {HELLO: Hello, RESULT: Result, ADMISSION: Admission, CALL_END: CallEnd,
        DECISION: Decision, GATE_SET: Gate, GATE_DELETE: GateDelete, GATE_STATE: GateState,
        RESYNC_DONE: ResyncDone}


def struct_sizes():
    return {name: C.sizeof(cls) for name, cls in
            [("hdr", Hdr), ("hello", Hello), ("result", Result), ("admission", Admission),
             ("call_end", CallEnd), ("decision", Decision), ("gate", Gate),
             ("gate_delete", GateDelete), ("gate_state", GateState),
             ("resync_done", ResyncDone), ("media", Media), ("meter", Meter), ("addr", Addr)]}


def ip_addr(ip):
    a = Addr()
    if ":" in ip:
        a.family, a.prefix_len = 6, 128
        raw = socket.inet_pton(socket.AF_INET6, ip)
    else:
        a.family, a.prefix_len = 4, 32
        raw = socket.inet_pton(socket.AF_INET, ip)
    for i, b in enumerate(raw):
        a.addr[i] = b
    return a


def addr_str(a):
    if a.family == 4:
        return socket.inet_ntop(socket.AF_INET, bytes(a.addr[:4]))
    if a.family == 6:
        return socket.inet_ntop(socket.AF_INET6, bytes(a.addr))
    return ""


def make_admission(call_handle, call_id, from_uri, to_uri, caller_ip, media, flags=0):
    """media: list of dicts offer_ip, offer_port, answer_ip, answer_port, codec, bandwidth_bps"""
    a = Admission()
    a.call_handle = call_handle
    a.flags = flags
    a.caller_addr = ip_addr(caller_ip)
    a.call_id = call_id.encode()
    a.from_uri = from_uri.encode()
    a.to_uri = to_uri.encode()
    a.n_media = len(media)
    for i, m in enumerate(media):
        md = a.media[i]
        md.offer_addr = ip_addr(m["offer_ip"])
        md.answer_addr = ip_addr(m["answer_ip"])
        md.offer_port, md.answer_port = m["offer_port"], m["answer_port"]
        md.offer_rtcp_port, md.answer_rtcp_port = m["offer_port"] + 1, m["answer_port"] + 1
        md.media_type = 1
        md.payload_type = m.get("pt", 0)
        md.clock_rate = 8000
        md.bandwidth_bps = m.get("bandwidth_bps", 87200)
        md.codec = m.get("codec", "PCMU").encode()
    return a


class FakeDataplane:
    """Listen on `path`; serve one vpep-ctrl connection at a time (a new one replaces it)."""

    def __init__(self, path, result_status=0):
        self.path = path
        self.result_status = result_status
        self.stats_doc = b'{"fake": true}'   # what STATS_REQ gets (bytes of JSON)
        self.stats_reqs = 0
        self.lock = threading.Condition()
        self.calls = {}        # call_handle -> {"adm": Admission, "decision": Decision or None}
        self.gates = {}        # gate_id -> Gate (provisioned)
        self.received = []     # (t, type name, ctypes body)
        self.decisions = []    # (t, Decision)
        self.admit_times = {}  # call_handle -> time sent
        self.hellos = 0
        self.resync_reqs = 0
        self.conn = None
        self.seq = 0
        self.stopping = False
        self.instance = int.from_bytes(os.urandom(8), "little") or 1
        if os.path.exists(path):
            os.unlink(path)
        self.srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.srv.bind(path)
        self.srv.listen(4)
        self.thread = threading.Thread(target=self._accept_loop, daemon=True)
        self.thread.start()

    # --- sending
    def _send(self, mtype, body=b""):
        with self.lock:
            conn = self.conn
            self.seq += 1
            seq = self.seq
        if conn is None:
            return False
        data = bytes(body)
        h = Hdr(MAGIC, VERSION, mtype, len(data), seq)
        try:
            conn.sendall(bytes(h) + data)
            return True
        except OSError:
            return False

    def admit(self, call_handle, call_id, from_uri, to_uri, caller_ip, media, flags=0):
        a = make_admission(call_handle, call_id, from_uri, to_uri, caller_ip, media, flags)
        with self.lock:
            self.calls[call_handle] = {"adm": a, "decision": None}
            self.admit_times[call_handle] = time.monotonic()
        return self._send(ADMISSION, a)

    def call_end(self, call_handle):
        with self.lock:
            c = self.calls.pop(call_handle, None)
        e = CallEnd()
        e.call_handle = call_handle
        if c is not None:
            e.call_id = c["adm"].call_id
            if c["decision"] is not None:
                e.gate_id = c["decision"].gate_id
        e.duration_ms = 1000
        return self._send(CALL_END, e)

    # --- receiving
    def _accept_loop(self):
        while not self.stopping:
            try:
                conn, _ = self.srv.accept()
            except OSError:
                return
            with self.lock:
                old, self.conn = self.conn, conn
            if old is not None:
                try:
                    old.close()
                except OSError:
                    pass
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _recv_exact(self, conn, n):
        buf = b""
        while len(buf) < n:
            chunk = conn.recv(n - len(buf))
            if not chunk:
                raise EOFError
            buf += chunk
        return buf

    def _serve(self, conn):
        try:
            while True:
                h = Hdr.from_buffer_copy(self._recv_exact(conn, C.sizeof(Hdr)))
                body = self._recv_exact(conn, h.len) if h.len else b""
                if h.magic != MAGIC or h.version != VERSION:
                    raise EOFError
                self._handle(h, body)
        except (EOFError, OSError):
            pass
        finally:
            with self.lock:
                if self.conn is conn:
                    self.conn = None
                self.lock.notify_all()
            try:
                conn.close()
            except OSError:
                pass

    def _result(self, h, status, gate_id=0, msg=""):
        r = Result()
        r.ref_seq, r.ref_type, r.status, r.gate_id = h.seq, h.type, status, gate_id
        r.msg = msg.encode()
        self._send(RESULT, r)

    def _handle(self, h, body):
        now = time.monotonic()
        cls = BODY.get(h.type)
        obj = cls.from_buffer_copy(body) if cls is not None and len(body) == C.sizeof(cls) \
            else body
        with self.lock:
            self.received.append((now, NAMES.get(h.type, str(h.type)), obj))
        if h.type == HELLO:
            with self.lock:
                self.hellos += 1
            hello = Hello()
            hello.instance_id = self.instance
            hello.start_unix_ns = time.time_ns()
            hello.pid = os.getpid()
            hello.role = 1
            hello.name = b"fake-dataplane"
            self._send(HELLO, hello)
        elif h.type == RESYNC_REQ:
            with self.lock:
                self.resync_reqs += 1
                calls = [(ch, c["adm"], c["decision"]) for ch, c in self.calls.items()]
                gates = list(self.gates.values())
            for ch, adm, dec in calls:
                a = Admission.from_buffer_copy(bytes(adm))
                a.flags = ADM_RESYNC
                if dec is not None:
                    a.flags |= ADM_DECIDED
                    a.gate_id = dec.gate_id
                    a.verdict = dec.verdict
                self._send(ADMISSION, a)
            for ch, adm, dec in calls:
                if dec is None:
                    continue
                gs = GateState()
                gs.call_handle = ch
                gs.gate.gate_id = dec.gate_id
                gs.gate.verdict = dec.verdict
                gs.gate.dscp = dec.dscp
                gs.gate.source = dec.source
                gs.gate.meter = dec.meter
                gs.gate.rule = dec.rule
                self._send(GATE_STATE, gs)
            for g in gates:
                gs = GateState()
                gs.gate = g
                self._send(GATE_STATE, gs)
            rd = ResyncDone()
            rd.calls = len(calls)
            rd.gates = len(gates)
            self._send(RESYNC_DONE, rd)
        elif h.type == DECISION:
            d = obj
            with self.lock:
                self.decisions.append((now, d))
                c = self.calls.get(d.call_handle)
                status = self.result_status
                if c is None:
                    status = -errno.ENOENT
                else:
                    c["decision"] = d
                self.lock.notify_all()
            self._result(h, status, d.gate_id)
        elif h.type == GATE_SET:
            with self.lock:
                self.gates[obj.gate_id] = obj
                self.lock.notify_all()
            self._result(h, 0, obj.gate_id)
        elif h.type == GATE_DELETE:
            with self.lock:
                found = self.gates.pop(obj.gate_id, None) is not None
                self.lock.notify_all()
            self._result(h, 0 if found else -errno.ENOENT, obj.gate_id)
        elif h.type == STATS_REQ:
            with self.lock:
                # bytes, or a callable giving the next document (a clock that moves)
                doc = self.stats_doc() if callable(self.stats_doc) else self.stats_doc
                self.stats_reqs += 1
                self.lock.notify_all()
            self._send(STATS, doc)
        else:
            self._result(h, -errno.ENOTSUP)

    # --- queries (all bounded in time)
    def wait(self, pred, timeout, what="condition"):
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                v = pred()
                if v:
                    return v
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("fake dataplane: timed out waiting for " + what)
                self.lock.wait(min(left, 0.05))

    def decisions_for(self, call_handle):
        with self.lock:
            return [d for _, d in self.decisions if d.call_handle == call_handle]

    def wait_decision(self, call_handle, timeout=5.0, count=1):
        return self.wait(lambda: len([1 for _, d in self.decisions
                                      if d.call_handle == call_handle]) >= count and
                         [d for _, d in self.decisions if d.call_handle == call_handle][-1],
                         timeout, "a DECISION for call %#x" % call_handle)

    def wait_connected(self, timeout=5.0):
        return self.wait(lambda: self.conn is not None and self.resync_reqs > 0, timeout,
                         "vpep-ctrl to connect")

    def received_types(self):
        with self.lock:
            return [t for _, t, _ in self.received]

    def close(self):
        self.stopping = True
        try:
            self.srv.close()
        except OSError:
            pass
        with self.lock:
            conn = self.conn
        if conn is not None:
            try:
                conn.shutdown(socket.SHUT_RDWR)
                conn.close()
            except OSError:
                pass
        try:
            os.unlink(self.path)
        except OSError:
            pass
