/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Application detection for the first payloads of a not-yet-classified flow.
 *
 * app_detect() runs one Hyperscan scan (sig_db_scan()) over a payload, then asks a VALIDATOR
 * for each class that has a matching signature. A signature match alone never names a class,
 * and neither does a port: validators parse the protocol's start (SIP with sip_msg_parse(),
 * HTTP/RTSP request or status line, POP3 greeting/command line, COPS common header and
 * objects, EtherNet/IP encapsulation header) and give a verdict:
 *
 *   STRONG     the payload is this protocol: the class is returned;
 *   WEAK       consistent but thin evidence (a bare binary header, a POP3 keyword FTP or SMTP
 *              also use, a Redis-like "-ERR"): the class is returned only if a matching
 *              signature of that class lists one of the flow's ports as a hint
 *              (APP_F_PORT_HINT), otherwise unknown + APP_F_NEED_MORE;
 *   NEED_MORE  a consistent start cut by the end of the payload: unknown + APP_F_NEED_MORE;
 *   NO         not this protocol.
 *
 * RTP/RTCP are decided elsewhere (SDP expectations, RTP probation); a payload whose first byte
 * carries RTP version 2 can never pass any validator here (every text protocol starts with a
 * letter or '+'/'-', COPS with 0x10/0x11, EtherNet/IP with a small little-endian command), and
 * "anywhere" signatures (CWMP namespace, scanner User-Agents) only refine a class another
 * validator established. See docs/classification.md.
 *
 * Validators are pure functions of (buf, len), exposed for tests. app_detect() allocates
 * nothing; its cost is one hs_scan() plus O(first bytes) validation.
 */

#ifndef APP_DETECT_H
#define APP_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "sig_db.h"
#include "vpep_classes.h"

/* *flags_out of app_detect() / app_detect_upgrade(), and the validators' flags */
#define APP_F_SCANNER	 (1u << 0) /* a "scanner" signature matched (SIP friendly-scanner...) */
#define APP_F_NEED_MORE	 (1u << 1) /* looks like the start of something: scan the next packet */
#define APP_F_PORT_HINT	 (1u << 2) /* a hint port of the class's signature was needed/agreed */
#define APP_F_REQUEST	 (1u << 3) /* the payload is a client message (request, command) */
#define APP_F_RESPONSE	 (1u << 4) /* the payload is a server message (status, reply, greeting) */
#define APP_F_MALFORMED	 (1u << 5) /* recognised, but malformed after its start */
#define APP_F_PARTIAL	 (1u << 6) /* recognised from a message cut by the end of the payload */
#define APP_F_SCAN_ERROR (1u << 7) /* Hyperscan failed: nothing was decided */
#define APP_F_KEEPALIVE	 (1u << 8) /* a keep-alive with no evidence either way (see below) */

enum app_verdict {
	APP_V_NO = 0,
	APP_V_NEED_MORE,
	APP_V_WEAK,
	APP_V_STRONG,
};

/*
 * Classify one payload (TCP segment or UDP datagram, l4proto 6 or 17).
 *
 * Most signatures are anchored at the first payload byte ("where": "start"), so over TCP the
 * payload must be the first bytes of a direction: the segment at ISN + 1 when the SYN was
 * seen, not whichever segment arrived first (ndpi__soap.pcap delivers a body segment before
 * the request line). A later segment of a direction only ever yields unknown, or need-more
 * with nothing to add to.
 *
 * Keep-alives say nothing about the protocol and are answered unknown + APP_F_KEEPALIVE without
 * a scan, so that the caller can leave them out of its scan budget: a run of at most 4 CR/LF
 * (RFC 5626 ping "CRLFCRLF" and pong "CRLF"), 1 to 4 zero bytes, and the 5 bytes "hello" that
 * some SIP user agents send to keep a NAT binding open (ndpi__sip_hello.pcapng: 8 of them come
 * before the first REGISTER).
 *
 * @param from_client_guess  1 if the payload most likely comes from the flow's initiator
 *                           (client), 0 if from the responder, -1 if unknown. Only a hint:
 *                           a POP3 greeting is strong evidence from a server, weak otherwise.
 * @param flags_out          APP_F_* (always written; may be NULL)
 * @return the class, or VPEP_CLASS_unknown (check APP_F_NEED_MORE to decide whether the next
 *         payload is worth scanning). Never returns rtp/rtcp/rtp_unsignalled.
 */
enum vpep_class app_detect(const struct sig_db *db, struct hs_scratch *scratch,
	const uint8_t *payload, uint32_t len, uint8_t l4proto, uint16_t sport, uint16_t dport,
	int from_client_guess, uint32_t *flags_out);

/*
 * For a flow already classified http: re-check a later segment (the CWMP namespace is often
 * in the body, after the segment that was classified). Returns VPEP_CLASS_cwmp when a cwmp
 * signature matches and app_detect_cwmp() confirms it, else VPEP_CLASS_http. The caller
 * decides how many segments to re-check (a few). A namespace split across two segments is
 * found by http_msg (http_msg_cwmp_seen()) instead.
 */
enum vpep_class app_detect_upgrade(const struct sig_db *db, struct hs_scratch *scratch,
	const uint8_t *payload, uint32_t len, uint8_t l4proto, uint32_t *flags_out);

/* ---- validators (pure; *flags gets APP_F_REQUEST/RESPONSE/MALFORMED/PARTIAL; may be NULL) -- */

/* SIP: sip_msg_parse() accepts at least a valid start line (over TCP, a message cut after its
 * start line and one whole header line is accepted: the parser needs the first byte of the
 * next line to know the header is not folded; cut earlier is NEED_MORE). A start line with
 * broken headers is STRONG + APP_F_MALFORMED: the SIP handler counts why. */
enum app_verdict app_detect_sip(const uint8_t *buf, uint32_t len, uint8_t l4proto, uint32_t *flags);

/* HTTP/1.x request line "token SP target SP HTTP/1.d CRLF" or status line "HTTP/1.d SP
 * 100-599 [SP reason] CRLF"; the next line, if present, must start like a header field. */
enum app_verdict app_detect_http(const uint8_t *buf, uint32_t len, uint32_t *flags);

/* RTSP: the same with RTSP/1.0 or RTSP/2.0. */
enum app_verdict app_detect_rtsp(const uint8_t *buf, uint32_t len, uint32_t *flags);

/* POP3: "+OK text" greeting/reply (strong from the server side), "-ERR" (weak), or one valid
 * command line (strong for keywords only POP3 has: APOP TOP UIDL CAPA STLS LAST; weak for
 * USER PASS STAT LIST RETR DELE NOOP RSET QUIT AUTH, which FTP/SMTP also use). */
enum app_verdict app_detect_pop3(
	const uint8_t *buf, uint32_t len, int from_client_guess, uint32_t *flags);

/* COPS (TCP): common header (version 1, flags 0/1, op code 1..10, length >= 8 and a multiple
 * of 4) and objects (length >= 4, C-Num 1..16, C-Type >= 1) tiling each message; strong when
 * whole messages with objects tile the payload, weak for a bare keep-alive or a cut message. */
enum app_verdict app_detect_cops(
	const uint8_t *buf, uint32_t len, uint8_t l4proto, uint32_t *flags);

/* CIP: EtherNet/IP encapsulation header (known command, length == rest, status, options 0)
 * with command-specific checks; on UDP also class 0/1 I/O Common Packet Format (weak). */
enum app_verdict app_detect_cip(const uint8_t *buf, uint32_t len, uint8_t l4proto, uint32_t *flags);

/* CWMP: the TR-069 namespace is present (http_msg_is_cwmp()). STRONG or NO. */
enum app_verdict app_detect_cwmp(const uint8_t *buf, uint32_t len);

/** Name of a verdict ("strong"). */
const char *app_detect_verdict_name(enum app_verdict v);

/** Write the names of flags ("need_more|port_hint") into buf; returns buf. */
const char *app_detect_flags_str(uint32_t flags, char *buf, size_t cap);

#endif /* APP_DETECT_H */
