#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
"""Write the seed corpus of fuzz_pkt_parse: one frame per layer combination the parser walks,
plus a few broken ones; and that of fuzz_call_table: whole SIP dialogs (a call, a re-INVITE/hold,
a CANCEL, an auth retry with forks); and those of the classification targets (fuzz_sig_db,
fuzz_app_detect, fuzz_pop3, fuzz_http_msg, fuzz_tcp_stream; write_classify_seeds() needs no
scapy). Run from the repository root:
/usr/bin/python3 tests/fuzz/make_seeds.py
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


# ---- fuzz_call_table: SIP dialogs as records <dt> <len_hi> <len_lo> <datagram> ----------------

CT_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "call_table")


def ct_sdp(ip, port, extra=""):
    return ("v=0\r\no=- 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\n%s"
            % (ip, ip, port, extra))


def ct_msg(start, cid, cseq, method, from_alice=True, btag="b1", body="", branch=None, extra=()):
    """One SIP message of the dialog Alice (tag a1) -> Bob (tag btag); responses keep From/To."""
    alice = '"Alice" <sip:alice@example.com>;tag=a1'
    bob = "<sip:bob@example.com>" + (";tag=" + btag if btag else "")
    hdrs = [start,
            "Via: SIP/2.0/UDP 192.0.2.%d:5060;branch=z9hG4bK%s" %
            (1 if from_alice else 2, branch or "%s%d%s" % (cid, cseq, method)),
            "From: " + (alice if from_alice else bob),
            "To: " + (bob if from_alice else alice),
            "Call-ID: " + cid,
            "CSeq: %d %s" % (cseq, method)]
    hdrs.extend(extra)
    if body:
        hdrs.append("Content-Type: application/sdp")
    hdrs.append("Content-Length: %d" % len(body))
    return ("\r\n".join(hdrs) + "\r\n\r\n" + body).encode()


def ct_req(method, cid, cseq, **kw):
    ruri = "sip:bob@example.com" if kw.get("from_alice", True) else "sip:alice@192.0.2.1"
    return ct_msg("%s %s SIP/2.0" % (method, ruri), cid, cseq, method, **kw)


def ct_rsp(code, method, cid, cseq, **kw):
    return ct_msg("SIP/2.0 %d X" % code, cid, cseq, method, **kw)


def ct_seeds():
    a, b = ct_sdp("10.0.0.1", 4000), ct_sdp("10.0.0.2", 5000)
    yield "full_call", [
        (0, ct_req("INVITE", "c1", 1, btag=None, body=a)),
        (0, ct_rsp(100, "INVITE", "c1", 1, btag=None)),
        (1, ct_rsp(180, "INVITE", "c1", 1)),
        (4, ct_rsp(200, "INVITE", "c1", 1, body=b)),
        (0, ct_req("ACK", "c1", 1)),
        (60, ct_req("BYE", "c1", 1, from_alice=False)),
        (0, ct_rsp(200, "BYE", "c1", 1, from_alice=False)),
        (30, b"\r\n\r\n")]
    yield "reinvite_hold", [
        (0, ct_req("INVITE", "c2", 1, btag=None, body=ct_sdp("10.0.0.1", 4000, "a=rtcp-mux\r\n"))),
        (2, ct_rsp(200, "INVITE", "c2", 1, body=ct_sdp("10.0.0.2", 5000, "a=rtcp-mux\r\n"))),
        (0, ct_req("ACK", "c2", 1)),
        (9, ct_req("INVITE", "c2", 2, body=ct_sdp("10.0.0.1", 4002, "a=sendonly\r\n"))),
        (0, ct_rsp(200, "INVITE", "c2", 2, body=ct_sdp("10.0.0.2", 5000, "a=recvonly\r\n"))),
        (0, ct_req("ACK", "c2", 2)),
        (9, ct_req("UPDATE", "c2", 1, from_alice=False, body=ct_sdp("0.0.0.0", 5002))),
        (0, ct_rsp(200, "UPDATE", "c2", 1, from_alice=False, body=a)),
        (200, ct_req("BYE", "c2", 3))]
    yield "cancel", [
        (0, ct_req("INVITE", "c3", 1, btag=None, body=a, branch="x1")),
        (1, ct_rsp(183, "INVITE", "c3", 1, body=b, branch="x1")),
        (3, ct_req("CANCEL", "c3", 1, btag=None, branch="x1")),
        (0, ct_rsp(200, "CANCEL", "c3", 1, branch="x1")),
        (0, ct_rsp(487, "INVITE", "c3", 1, branch="x1")),
        (0, ct_req("ACK", "c3", 1, branch="x1"))]
    yield "auth_retry_forks", [
        (0, ct_req("INVITE", "c4", 1, btag=None, body=a)),
        (0, ct_rsp(407, "INVITE", "c4", 1, btag="p")),
        (0, ct_req("ACK", "c4", 1, btag="p", branch="c41INVITE")),
        (1, ct_req("INVITE", "c4", 2, btag=None)),
        (1, ct_rsp(180, "INVITE", "c4", 2, btag="b1")),
        (1, ct_rsp(180, "INVITE", "c4", 2, btag="b2")),
        (1, ct_rsp(200, "INVITE", "c4", 2, btag="b2", body=b)),
        (0, ct_rsp(200, "INVITE", "c4", 2, btag="b1", body=b)),
        (0, ct_req("ACK", "c4", 2, btag="b2", body=a)),
        (130, ct_req("INVITE", "c5", 1, btag=None, body=a))]
    yield "prack_early_retrans", [
        (0, ct_req("INVITE", "c6", 1, btag=None, extra=("User-Agent: phone/1",))),
        (1, ct_rsp(183, "INVITE", "c6", 1, body=b, extra=("Server: pbx/2", "RSeq: 1"))),
        (0, ct_req("PRACK", "c6", 2, body=a)),
        (0, ct_rsp(200, "PRACK", "c6", 2)),
        (2, ct_rsp(200, "INVITE", "c6", 1)),
        (0, ct_rsp(200, "INVITE", "c6", 1)),
        (0, ct_req("ACK", "c6", 1)),
        (0, ct_req("ACK", "c6", 1)),
        (5, ct_req("INVITE", "c6", 3, body=ct_sdp("10.0.0.1", 4010))),
        (0, ct_req("INVITE", "c6", 3, body=ct_sdp("10.0.0.1", 4010))),
        (0, ct_rsp(491, "INVITE", "c6", 3)),
        (0, ct_rsp(491, "INVITE", "c6", 3)),
        (5, ct_req("BYE", "c6", 4)),
        (0, ct_req("BYE", "c6", 4)),
        (0, ct_req("BYE", "c6", 1, from_alice=False))]
    # more calls than the fuzzer's table holds (5): every eviction class
    evict = []
    for i in range(7):
        cid = "e%d" % i
        evict.append((1, ct_req("INVITE", cid, 1, btag=None, body=ct_sdp("10.0.1.%d" % i, 4000))))
        if i % 3 == 0:
            evict.append((0, ct_rsp(200, "INVITE", cid, 1, body=b)))
        if i % 3 == 1:
            evict.append((0, ct_rsp(486, "INVITE", cid, 1)))
    yield "eviction", evict


def write_call_table_seeds():
    os.makedirs(CT_OUT, exist_ok=True)
    n = 0
    for name, recs in ct_seeds():
        with open(os.path.join(CT_OUT, name), "wb") as f:
            for dt, m in recs:
                f.write(bytes([dt, len(m) >> 8, len(m) & 0xff]) + m)
        n += 1
    print("wrote %d seeds to %s" % (n, CT_OUT), file=sys.stderr)


# ---- classification targets: fuzz_sig_db, fuzz_app_detect, fuzz_pop3, fuzz_http_msg,
# fuzz_tcp_stream. Plain bytes (no scapy); the input layouts are described in each target. ------

FUZZ_DIR = os.path.dirname(os.path.abspath(__file__))
SIGNATURES = os.path.join(FUZZ_DIR, "..", "..", "configs", "signatures.json")

SIP_INVITE = (b"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
              b"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n"
              b"Max-Forwards: 70\r\nTo: Bob <sip:bob@biloxi.example.com>\r\n"
              b"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
              b"Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\nCSeq: 314159 INVITE\r\n"
              b"Content-Length: 0\r\n\r\n")
SIP_200 = (b"SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP 192.0.2.4:5060;branch=z9hG4bKnashds1\r\n"
           b"To: <sip:carol@chicago.example.com>;tag=93810874\r\n"
           b"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
           b"Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\nCSeq: 63104 OPTIONS\r\n"
           b"Content-Type: text/plain\r\nContent-Length: 13\r\n\r\nhello, world!")
SIP_BYE = (b"BYE sip:carol@chicago.example.com SIP/2.0\r\n"
           b"Via: SIP/2.0/TCP 192.0.2.4:5060;branch=z9hG4bKnashds9\r\nMax-Forwards: 70\r\n"
           b"To: <sip:carol@chicago.example.com>;tag=93810874\r\n"
           b"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
           b"Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\nCSeq: 63105 BYE\r\n"
           b"Content-Length: 0\r\n\r\n")
HTTP_GET = b"GET /index.html HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: test\r\n\r\n"
HTTP_200 = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"
CWMP_INFORM = (b"POST /acs HTTP/1.1\r\nHost: acs.example.net:7547\r\nContent-Type: text/xml\r\n"
               b"SOAPAction: \"\"\r\nContent-Length: 140\r\n\r\n"
               b"<soap:Envelope xmlns:cwmp=\"urn:dslforum-org:cwmp-1-0\"><soap:Body>"
               b"<cwmp:Inform></cwmp:Inform></soap:Body></soap:Envelope>")


def cl_sig_db():
    with open(SIGNATURES, "rb") as f:
        yield "shipped.json", f.read()
    yield "every_key.json", (
        b'{"version": 1, "description": "d", "signatures": [{"id": "a.b_c-1", "class": "rtsp",'
        b' "pattern": "abc", "flags": ["caseless", "dotall", "multiline", "singlematch"],'
        b' "transport": "udp", "where": "start", "min_len": 5, "ports": [554, 8554],'
        b' "tags": ["scanner"], "description": "x"}, {"id": "u", "class": "http",'
        b' "pattern": "\\u00e9t\\u00e9", "flags": ["utf8", "ucp"]}]}')
    yield "bad_pattern.json", (b'{"version": 1, "signatures": [{"id": "p", "class": "sip",'
                               b' "pattern": "GET ("}]}')
    yield "bad_empty_match.json", (b'{"version": 1, "signatures": [{"id": "e", "class": "sip",'
                                   b' "pattern": "a*"}]}')
    yield "bad_dup.json", (b'{"version": 1, "signatures": [{"id": "d", "class": "sip",'
                           b' "pattern": "a"}, {"id": "d", "class": "sip", "pattern": "b"}]}')
    yield "bad_class.json", (b'{"version": 1, "signatures": [{"id": "r", "class": "rtp",'
                             b' "pattern": "a"}]}')
    yield "bad_key.json", b'{"version": 1, "signatures": [], "extra": true}'
    yield "bad_syntax.json", b'{"version": 1, "signatures": [{"id": "x",}]}'


def cl_app_detect():
    yield "sip_invite", SIP_INVITE
    yield "sip_200", SIP_200
    yield "sip_scanner", (b"OPTIONS sip:100@192.0.2.10 SIP/2.0\r\nVia: SIP/2.0/UDP 198.51.100.7;"
                          b"branch=z9hG4bK-1\r\nUser-Agent: friendly-scanner\r\nTo: <sip:100@a>\r\n"
                          b"From: <sip:100@a>;tag=1\r\nCall-ID: 1\r\nCSeq: 1 OPTIONS\r\n"
                          b"Content-Length: 0\r\n\r\n")
    yield "sip_partial", SIP_INVITE[:60]
    yield "http_get", HTTP_GET
    yield "http_200", HTTP_200
    yield "cwmp_inform", CWMP_INFORM
    yield "rtsp_options", b"OPTIONS rtsp://media.example.com/stream RTSP/1.0\r\nCSeq: 1\r\n\r\n"
    yield "rtsp_200", b"RTSP/1.0 200 OK\r\nCSeq: 1\r\nPublic: DESCRIBE, SETUP\r\n\r\n"
    yield "pop3_greeting", b"+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n"
    yield "pop3_apop", b"APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n"
    yield "pop3_user", b"USER alice\r\n"
    yield "cops_opn", bytes.fromhex("1006800800000014000c0b01") + b"CMTS-1\0\0"
    yield "cops_ka", bytes.fromhex("1009000000000008")
    yield "enip_register", bytes.fromhex("6500040000000000000000000102030405060708000000000100"
                                         "0000")
    yield "enip_list_identity", bytes.fromhex("63000000") + bytes(20)
    yield "enip_list_identity_reply", (
        bytes.fromhex("63002d00") + bytes(20) + bytes.fromhex("01000c0027000100") +
        bytes.fromhex("0002af12c0000201") + bytes(8) + bytes.fromhex("01000c00370002013000") +
        bytes.fromhex("78563412") + b"\x05PLC-1\x03")
    yield "cip_io", bytes.fromhex("0200028008001122334401000000b10004000100aabb")
    yield "rtp_pcmu", bytes.fromhex("80000001000000a012345678") + b"\xff" * 160
    yield "keepalive", b"\r\n\r\n"
    yield "hello", b"hello"


def records_pop3(steps):
    """fuzz_pop3 records: [flags: bit 0 = client][len][bytes]."""
    out = b""
    for client, text in steps:
        while True:
            chunk, text = text[:255], text[255:]
            out += bytes([1 if client else 0, len(chunk)]) + chunk
            if not text:
                break
    return out


def cl_pop3():
    yield "session", records_pop3([
        (0, b"+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n"),
        (1, b"CAPA\r\n"), (0, b"+OK Capability list follows\r\nTOP\r\nUSER\r\n.\r\n"),
        (1, b"USER mrose\r\n"), (0, b"+OK\r\n"), (1, b"PASS secret\r\n"),
        (0, b"+OK maildrop has 2 messages (320 octets)\r\n"),
        (1, b"STAT\r\n"), (0, b"+OK 2 320\r\n"), (1, b"LIST\r\n"),
        (0, b"+OK 2 messages\r\n1 120\r\n2 200\r\n.\r\n"), (1, b"RETR 1\r\n"),
        (0, b"+OK\r\nSubject: hi\r\n\r\n..stuffed\r\n.\r\n"), (1, b"TOP 2 0\r\n"),
        (0, b"+OK\r\n.\r\n"), (1, b"UIDL 1\r\n"), (0, b"+OK 1 abc\r\n"), (1, b"DELE 1\r\n"),
        (0, b"-ERR no\r\n"), (1, b"NOOP\r\n"), (0, b"+OK\r\n"), (1, b"LAST\r\n"), (0, b"+OK 1\r\n"),
        (1, b"RSET\r\n"), (0, b"+OK\r\n"), (1, b"QUIT\r\n"), (0, b"+OK bye\r\n")])
    yield "apop", records_pop3([(0, b"+OK <1.2@x>\r\n"),
                                (1, b"APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n"),
                                (0, b"+OK\r\n")])
    yield "auth_plain", records_pop3([(0, b"+OK\r\n"), (1, b"AUTH PLAIN\r\n"), (0, b"+ \r\n"),
                                      (1, b"AGJvYgBzZWNyZXQ=\r\n"), (0, b"+OK\r\n")])
    yield "stls", records_pop3([(0, b"+OK\r\n"), (1, b"STLS\r\n"), (0, b"+OK go\r\n"),
                                (1, b"\x16\x03\x01\x00\x05hello\r\n")])
    yield "pipelined_split", records_pop3([(0, b"+OK\r\n"), (1, b"USER a\r\nPA"),
                                           (1, b"SS b\r\nSTAT\r\nLIST\r\n"),
                                           (0, b"+OK\r\n+OK\r\n+OK 1 5\r\n+OK\r\n1 5\r\n.\r"),
                                           (0, b"\n")])


def records_http(steps):
    """fuzz_http_msg records: [flags: bit 0 = direction, bit 1 = gap first][len_hi][len_lo][bytes]."""
    out = b""
    for flags, data in steps:
        out += bytes([flags, len(data) >> 8, len(data) & 0xff]) + data
    return out


def cl_http_msg():
    yield "get_200", records_http([(0, HTTP_GET), (1, HTTP_200)])
    yield "pipelined", records_http([
        (0, b"GET /a HTTP/1.1\r\n\r\nHEAD /a HTTP/1.1\r\n\r\nPOST /f HTTP/1.1\r\n"
            b"Content-Length: 3\r\n\r\nabcPUT /u HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"4;e=1\r\nabcd\r\n0\r\nT: x\r\n\r\n"),
        (1, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n"
            b"Content-Length: 9\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 302 Found\r\n"
            b"Content-Length: 0\r\n\r\nHTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"a\r\n0123456789\r\n0\r\n\r\n")])
    yield "connect", records_http([(0, b"CONNECT a:443 HTTP/1.1\r\n\r\n"),
                                   (1, b"HTTP/1.1 200 OK\r\n\r\n"), (0, b"\x16\x03\x01")])
    yield "upgrade", records_http([(0, b"GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n"),
                                   (1, b"HTTP/1.1 101 Switching\r\n\r\n\x81\x05hello")])
    yield "gap_resync", records_http([(1, b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nab"),
                                      (3, b"xyz\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"
                                          b"\r\n")])
    yield "cwmp_split", records_http([(0, CWMP_INFORM[:120]), (0, CWMP_INFORM[120:])])
    yield "bad_cl", records_http([(0, b"POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\nGET / HTTP/1.1"
                                      b"\r\n\r\n")])


def tcp_free(cap_log2, recs):
    """fuzz_tcp_stream mode 0: [delta lo][delta hi][flags][len][payload] records."""
    out = bytes([cap_log2 << 1])
    for delta, flags, data in recs:
        out += (delta & 0xffff).to_bytes(2, "little") + bytes([flags, len(data)]) + data
    return out


def tcp_consistent(cap_log2, isn, content, recs):
    """fuzz_tcp_stream mode 1: ISN, content length, content, then [off lo][off hi][len][fin]."""
    out = bytes([1 | cap_log2 << 1]) + isn.to_bytes(4, "little") + \
        len(content).to_bytes(2, "little") + content
    for off, n, fin in recs:
        out += off.to_bytes(2, "little") + bytes([n, fin])
    return out


def cl_tcp_stream():
    stream = SIP_INVITE + SIP_200 + SIP_BYE
    in_order = [(o, 200, 0) for o in range(0, len(stream), 200)]
    in_order[-1] = (in_order[-1][0], 200, 1)
    yield "consistent_in_order", tcp_consistent(7, 1000, stream, in_order)
    yield "consistent_reordered", tcp_consistent(
        7, 0xfffffff0, stream, [(200, 200, 0), (0, 200, 0), (0, 100, 0), (400, 200, 0),
                                (600, 255, 0), (855, 255, 1)])
    yield "consistent_small_buffer", tcp_consistent(1, 5, stream, in_order)
    syn = [(0, 0x02, b"")]
    yield "free_syn_data_fin", tcp_free(3, syn + [(1, 0, SIP_BYE[:200]), (200, 0, SIP_BYE[200:]),
                                                   (len(SIP_BYE) - 200, 0x01, b"")])
    yield "free_rst", tcp_free(3, syn + [(1, 0, SIP_BYE[:100]), (100, 0x04, b"")])
    yield "free_midstream", tcp_free(4, [(0, 0, SIP_BYE[40:140]), (100, 0, SIP_BYE[140:]),
                                         (len(SIP_BYE) - 140, 0, SIP_INVITE[:250])])


def write_classify_seeds():
    targets = [("sig_db", cl_sig_db), ("app_detect", cl_app_detect), ("pop3", cl_pop3),
               ("http_msg", cl_http_msg), ("tcp_stream", cl_tcp_stream)]
    for name, gen in targets:
        out = os.path.join(FUZZ_DIR, "corpus", name)
        os.makedirs(out, exist_ok=True)
        n = 0
        for seed, data in gen():
            with open(os.path.join(out, seed), "wb") as f:
                f.write(data)
            n += 1
        print("wrote %d seeds to %s" % (n, out), file=sys.stderr)


def main():
    os.makedirs(OUT, exist_ok=True)
    n = 0
    for name, pkt in seeds():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(bytes(pkt))
        n += 1
    print("wrote %d seeds to %s" % (n, OUT), file=sys.stderr)
    write_call_table_seeds()
    write_classify_seeds()


if __name__ == "__main__":
    main()
