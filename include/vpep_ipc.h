/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * The vpep-dataplane <-> vpep-ctrl link: versioned binary messages over a Unix stream socket.
 *
 * The dataplane listens (config "ipc.socket", default /run/vpep/dataplane.sock); vpep-ctrl
 * connects, and reconnects whenever the dataplane restarts. Both ends run on one host, so every
 * integer is in host byte order and every structure has a fixed size with explicit padding
 * (no compiler-dependent holes). A message is one struct vpep_ipc_hdr followed by exactly one
 * body of the size its type defines; a reader refuses any other length, an unknown type gets a
 * RESULT with -ENOTSUP, and a wrong magic or version closes the connection.
 *
 * Conversation:
 *   ctrl -> dp  HELLO                    dp -> ctrl HELLO (instance id, boot time)
 *   ctrl -> dp  RESYNC_REQ               dp -> ctrl ADMISSION (flag RESYNC) per active call,
 *                                                   GATE_STATE per installed gate, RESYNC_DONE
 *   dp -> ctrl  ADMISSION                a call's media became known (or changed: flag UPDATE)
 *   ctrl -> dp  DECISION                 admit (meter, DSCP) or deny a call       -> RESULT
 *   ctrl -> dp  GATE_SET / GATE_DELETE   provisioned gates by classifier           -> RESULT
 *   dp -> ctrl  CALL_END                 a call ended; its gates are gone in the dataplane
 *   ctrl -> dp  STATS_REQ                dp -> ctrl STATS (the stats JSON document, the same
 *                                                   text --stats-file writes)
 *
 * The dataplane keeps enforcing every decision and gate it holds when the socket closes; a new
 * vpep-ctrl learns them with RESYNC_REQ. Gate ids are chosen by vpep-ctrl (COPS GateID, LPDP or
 * HTTP) and are unique per dataplane; a DECISION or GATE_SET with an id already installed
 * replaces that gate atomically.
 *
 * Compatibility: appending a message type is allowed without a version bump (an old peer answers
 * -ENOTSUP); changing any structure or meaning bumps VPEP_IPC_VERSION.
 */

#ifndef VPEP_IPC_H
#define VPEP_IPC_H

#include <stdint.h>

#define VPEP_IPC_MAGIC		0x56504550u	/* "VPEP" */
#define VPEP_IPC_VERSION	1
#define VPEP_IPC_SOCKET_DEFAULT	"/run/vpep/dataplane.sock"
/* Largest body: STATS carries the JSON document; nothing else comes near. */
#define VPEP_IPC_MAX_BODY	(16u << 20)

enum vpep_ipc_type {
	VPEP_IPC_HELLO = 1,		/* both ways, first message */
	VPEP_IPC_RESULT = 2,		/* dp -> ctrl: outcome of a ctrl -> dp message */
	VPEP_IPC_ADMISSION = 3,		/* dp -> ctrl */
	VPEP_IPC_CALL_END = 4,		/* dp -> ctrl */
	VPEP_IPC_DECISION = 5,		/* ctrl -> dp */
	VPEP_IPC_GATE_SET = 6,		/* ctrl -> dp */
	VPEP_IPC_GATE_DELETE = 7,	/* ctrl -> dp */
	VPEP_IPC_RESYNC_REQ = 8,	/* ctrl -> dp */
	VPEP_IPC_GATE_STATE = 9,	/* dp -> ctrl, during resync */
	VPEP_IPC_RESYNC_DONE = 10,	/* dp -> ctrl */
	VPEP_IPC_STATS_REQ = 11,	/* ctrl -> dp */
	VPEP_IPC_STATS = 12,		/* dp -> ctrl, body: NUL-free JSON text of hdr.len bytes */
	VPEP_IPC_TYPE_MAX
};

struct vpep_ipc_hdr {
	uint32_t magic;		/* VPEP_IPC_MAGIC */
	uint16_t version;	/* VPEP_IPC_VERSION */
	uint16_t type;		/* enum vpep_ipc_type */
	uint32_t len;		/* body bytes after this header */
	uint32_t seq;		/* sender's sequence number; RESULT echoes the request's */
};

struct vpep_ipc_addr {
	uint8_t family;		/* 4 or 6; 0 = any (classifier wildcard) */
	uint8_t prefix_len;	/* classifiers: 0..32 / 0..128; events: full length */
	uint8_t pad[2];
	uint8_t addr[16];	/* IPv4 in the first 4 bytes, network order */
};

struct vpep_ipc_hello {
	uint64_t instance_id;	/* random per dataplane start: a change means it restarted */
	uint64_t start_unix_ns;
	uint32_t pid;
	uint32_t role;		/* 1 = dataplane, 2 = ctrl */
	char name[32];		/* NUL-terminated, e.g. "vpep-dataplane 0.1.0" */
};

/* RESULT.gate_id echoes the gate of the DECISION, GATE_SET or GATE_DELETE it answers (vpep-ctrl
 * matches RESULTs by gate id and seq).
 * RESULT.status: 0 or -errno (-EINVAL bad field, -ENOENT unknown call/gate, -ENOSPC table full,
 * -ENOTSUP unknown type). */
struct vpep_ipc_result {
	uint32_t ref_seq;	/* seq of the message this answers */
	uint16_t ref_type;
	uint16_t pad;
	int32_t status;
	uint32_t gate_id;
	char msg[96];		/* NUL-terminated reason when status != 0 */
};

enum vpep_ipc_media_type {
	VPEP_IPC_MEDIA_AUDIO = 1,
	VPEP_IPC_MEDIA_VIDEO = 2,
	VPEP_IPC_MEDIA_OTHER = 3,
};

/* One negotiated media stream: the offerer's and the answerer's RTP endpoints. RTCP is on
 * rtcp_port (port + 1 unless a=rtcp said otherwise; equal to the RTP port with rtcp-mux). */
struct vpep_ipc_media {
	struct vpep_ipc_addr offer_addr;
	struct vpep_ipc_addr answer_addr;
	uint16_t offer_port;
	uint16_t answer_port;
	uint16_t offer_rtcp_port;
	uint16_t answer_rtcp_port;
	uint8_t media_type;	/* enum vpep_ipc_media_type */
	uint8_t payload_type;	/* first payload type of the answer */
	uint8_t pad[2];
	uint32_t clock_rate;
	uint32_t bandwidth_bps;	/* codec payload rate plus RTP/UDP/IP overhead at its ptime */
	char codec[16];		/* encoding name, e.g. "PCMU", NUL-terminated */
};

#define VPEP_IPC_MAX_MEDIA	4
#define VPEP_IPC_URI_LEN	128

#define VPEP_IPC_ADM_UPDATE	0x1	/* media of a call already announced changed (re-INVITE) */
#define VPEP_IPC_ADM_RESYNC	0x2	/* sent in answer to RESYNC_REQ */
#define VPEP_IPC_ADM_DECIDED	0x4	/* resync: the call has a decision (gate_id, verdict) */
#define VPEP_IPC_ADM_TCP	0x8	/* signalled over TCP */

struct vpep_ipc_admission {
	uint64_t call_handle;	/* the dataplane's id for the call; decisions refer to it */
	uint32_t flags;		/* VPEP_IPC_ADM_* */
	uint32_t gate_id;	/* resync with ADM_DECIDED: the gate installed for the call */
	uint8_t verdict;	/* resync with ADM_DECIDED: enum vpep_ipc_verdict */
	uint8_t n_media;
	uint8_t pad[6];
	struct vpep_ipc_addr caller_addr;	/* source address of the INVITE */
	uint8_t pad2[4];
	char call_id[VPEP_IPC_URI_LEN];
	char from_uri[VPEP_IPC_URI_LEN];
	char to_uri[VPEP_IPC_URI_LEN];
	struct vpep_ipc_media media[VPEP_IPC_MAX_MEDIA];
};

struct vpep_ipc_call_end {
	uint64_t call_handle;
	uint32_t gate_id;	/* 0 when the call had no gate */
	uint8_t reason;		/* the dataplane's call end reason (stats JSON "end_reason") */
	uint8_t pad[3];
	uint64_t packets;	/* RTP packets of all streams */
	uint64_t lost;		/* RFC 3550 cumulative loss over all streams */
	uint32_t duration_ms;
	uint32_t mos_x100;	/* worst stream's MOS x 100; 0 when unknown */
	char call_id[VPEP_IPC_URI_LEN];
};

enum vpep_ipc_verdict {
	VPEP_IPC_VERDICT_ADMIT = 1,
	VPEP_IPC_VERDICT_DENY = 2,
};

enum vpep_ipc_meter_type {
	VPEP_IPC_METER_NONE = 0,	/* no meter: everything green */
	VPEP_IPC_METER_SRTCM = 1,	/* RFC 2697: cir, cbs, ebs(pbs field) */
	VPEP_IPC_METER_TRTCM = 2,	/* RFC 2698: cir, pir, cbs, pbs */
	VPEP_IPC_METER_TRTCM_4115 = 3,	/* RFC 4115: cir, eir(pir field), cbs, ebs(pbs field) */
};

enum vpep_ipc_source {
	VPEP_IPC_SOURCE_COPS = 1,
	VPEP_IPC_SOURCE_LPDP = 2,
	VPEP_IPC_SOURCE_HTTP = 3,
	VPEP_IPC_SOURCE_CONFIG = 4,	/* the dataplane's own local rules */
};

enum vpep_ipc_colour_action {
	VPEP_IPC_ACT_PASS = 0,
	VPEP_IPC_ACT_REMARK = 1,	/* set the DSCP given with the action */
	VPEP_IPC_ACT_DROP = 2,
};

struct vpep_ipc_meter {
	uint8_t type;		/* enum vpep_ipc_meter_type */
	uint8_t yellow_action;	/* enum vpep_ipc_colour_action */
	uint8_t red_action;
	uint8_t yellow_dscp;	/* with ACT_REMARK */
	uint8_t red_dscp;
	uint8_t pad[3];
	uint64_t cir;		/* bytes per second */
	uint64_t pir;		/* bytes per second (EIR for RFC 4115) */
	uint64_t cbs;		/* bytes */
	uint64_t pbs;		/* bytes (EBS for srTCM and RFC 4115) */
};

#define VPEP_IPC_DSCP_KEEP	0xff	/* leave the class's mark */

/* Admit or deny one call. Admit with meter type NONE and cir 0 lets the dataplane size the
 * meter from the codec bandwidth it saw (config policy.gate_from_codec). */
struct vpep_ipc_decision {
	uint64_t call_handle;
	uint32_t gate_id;	/* non-zero */
	uint8_t verdict;	/* enum vpep_ipc_verdict */
	uint8_t dscp;		/* 0..63 or VPEP_IPC_DSCP_KEEP */
	uint8_t source;		/* enum vpep_ipc_source */
	uint8_t deny_signalling; /* deny: 1 drops the call's SIP too, 0 passes it */
	struct vpep_ipc_meter meter;
	char rule[32];		/* which rule or PDP decided, for counters and the API */
};

#define VPEP_IPC_DIR_UPSTREAM	0x1
#define VPEP_IPC_DIR_DOWNSTREAM	0x2

/* A provisioned gate (PacketCable Gate-Set pushed by a PDP, or HTTP): a classifier, both
 * directions matched symmetrically when dir is UPSTREAM|DOWNSTREAM. Ports 0..65535 as ranges;
 * protocol 0 = any. */
struct vpep_ipc_gate {
	uint32_t gate_id;
	uint8_t verdict;	/* enum vpep_ipc_verdict */
	uint8_t dscp;
	uint8_t source;
	uint8_t dir;
	uint8_t protocol;
	uint8_t pad[3];
	struct vpep_ipc_addr src;
	struct vpep_ipc_addr dst;
	uint16_t sport_lo, sport_hi;
	uint16_t dport_lo, dport_hi;
	uint8_t pad2[4];
	struct vpep_ipc_meter meter;
	char rule[32];
};

struct vpep_ipc_gate_delete {
	uint32_t gate_id;
	uint32_t pad;
};

/* GATE_STATE: an installed gate during resync; call_handle != 0 for a call's gate. A call's gate
 * is reported too, with the DSCP, meter and source of its DECISION in gate: vpep-ctrl compares
 * the PDP's next decision for the call with it, and re-sends nothing when they are equal. */
struct vpep_ipc_gate_state {
	uint64_t call_handle;
	uint64_t green_packets;
	uint64_t yellow_packets;
	uint64_t red_packets;
	uint64_t dropped_packets;
	struct vpep_ipc_gate gate;
};

struct vpep_ipc_resync_done {
	uint32_t calls;
	uint32_t gates;
};

#endif /* VPEP_IPC_H */
