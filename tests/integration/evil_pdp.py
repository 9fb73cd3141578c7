# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
"""A scripted, misbehaving COPS PDP for the integration tests: it accepts vpep-ctrl's
connections, answers OPN with CAT, and then runs a scenario (a function of the connection)
that sends garbage, truncated or malformed messages and records everything vpep-ctrl sends.
Messages are built by hand here, independently of ctrl/cops_codec.c."""

import socket
import struct
import threading
import time

OP = {"REQ": 1, "DEC": 2, "RPT": 3, "DRQ": 4, "SSQ": 5, "OPN": 6, "CAT": 7, "CC": 8, "KA": 9,
      "SSC": 10}
OPNAME = {v: k for k, v in OP.items()}
PCMM = 0x800A


def obj(cnum, ctype, data):
    pad = (-len(data)) % 4
    return struct.pack("!HBB", 4 + len(data), cnum, ctype) + data + b"\0" * pad


def msg(op, objs=b"", client=PCMM, flags=0):
    return struct.pack("!BBHI", 0x10 | flags, OP[op], client, 8 + len(objs)) + objs


def handle_obj(h):
    return obj(1, 1, h)


def context(rtype=1, mtype=0):
    return obj(2, 1, struct.pack("!HH", rtype, mtype))


def decision(cmd=1, flags=0):
    return obj(6, 1, struct.pack("!HH", cmd, flags))


def cat(ka, acct=0):
    o = obj(10, 1, struct.pack("!HH", 0, ka))
    if acct:
        o += obj(15, 1, struct.pack("!HH", 0, acct))
    return msg("CAT", o)


def pcmm_obj(snum, stype, data):
    return struct.pack("!HBB", 4 + len(data), snum, stype) + data


def parse(data):
    """(op name, flags, client type, [(cnum, ctype, body)]) of one message."""
    vf, op, client, length = struct.unpack("!BBHI", data[:8])
    objs, off = [], 8
    while off + 4 <= len(data):
        olen, cnum, ctype = struct.unpack("!HBB", data[off:off + 4])
        if olen < 4:
            break
        objs.append((cnum, ctype, data[off + 4:off + olen]))
        off += olen + ((-olen) % 4)
    return OPNAME.get(op, str(op)), vf & 0xf, client, objs


def first(objs, cnum):
    for c, t, b in objs:
        if c == cnum:
            return b
    return None


class Conn:
    def __init__(self, sock, pdp):
        self.sock = sock
        self.pdp = pdp
        self.buf = b""
        self.log = []       # (t, op, objs) received from vpep-ctrl
        self.closed = False

    def send(self, data):
        try:
            self.sock.sendall(data)
        except OSError:
            pass

    def recv(self, timeout=5.0, want=None):
        """Next complete message (optionally of op `want`, others are logged and skipped);
        None on timeout or close."""
        deadline = time.monotonic() + timeout
        while True:
            while len(self.buf) >= 8:
                length = struct.unpack("!I", self.buf[4:8])[0]
                if length < 8 or len(self.buf) < length:
                    break
                data, self.buf = self.buf[:length], self.buf[length:]
                m = parse(data)
                with self.pdp.lock:
                    self.log.append((time.monotonic(), m[0], m[3]))
                    self.pdp.received.append((time.monotonic(), m[0], m[3]))
                if m[0] == "KA" and self.pdp.answer_ka:
                    self.send(msg("KA", client=0, flags=1))
                if want is None or m[0] == want:
                    return m
            left = deadline - time.monotonic()
            if left <= 0 or self.closed:
                return None
            self.sock.settimeout(min(left, 0.2))
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                chunk = b""
            if not chunk:
                self.closed = True
                return None
            self.buf += chunk

    def pump(self, seconds):
        """Keep reading (and answering KAs) for a while."""
        end = time.monotonic() + seconds
        while time.monotonic() < end and not self.closed:
            self.recv(timeout=end - time.monotonic())

    def reset(self):
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()
        self.closed = True


class EvilPdp:
    """scenario(conn, index) runs once per accepted connection after the OPN/CAT exchange."""

    def __init__(self, port, scenario, ka=2, acct=0, answer_ka=True):
        self.port = port
        self.scenario = scenario
        self.ka = ka
        self.acct = acct
        self.answer_ka = answer_ka
        self.lock = threading.Lock()
        self.received = []
        self.conns = []
        self.errors = []
        self.srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.srv.bind(("127.0.0.1", port))
        self.srv.listen(8)
        self.stopping = False
        threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self):
        while not self.stopping:
            try:
                s, _ = self.srv.accept()
            except OSError:
                return
            c = Conn(s, self)
            with self.lock:
                self.conns.append(c)
                idx = len(self.conns) - 1
            threading.Thread(target=self._run, args=(c, idx), daemon=True).start()

    def _run(self, c, idx):
        try:
            m = c.recv(5, want="OPN")
            if m is None:
                return
            c.send(cat(self.ka, self.acct))
            self.scenario(c, idx)
        except Exception as e:  # noqa: BLE001 -- reported by the test
            self.errors.append(repr(e))

    def ops(self):
        with self.lock:
            return [op for _, op, _ in self.received]

    def find(self, op, pred=lambda objs: True):
        with self.lock:
            return [objs for _, o, objs in self.received if o == op and pred(objs)]

    def close(self):
        self.stopping = True
        try:
            self.srv.close()
        except OSError:
            pass
        with self.lock:
            for c in self.conns:
                try:
                    c.sock.close()
                except OSError:
                    pass
