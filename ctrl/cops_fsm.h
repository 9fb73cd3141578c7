/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * COPS PEP state machine (RFC 2748) for one client type on one PDP connection.
 *
 * Pure: no sockets, no clock, no allocation outside the request table. The caller (cops_conn.c)
 * feeds it complete frames and the current time in milliseconds, and it answers through a
 * table of callbacks: bytes to send, "close this connection" (with the reason and, for a
 * Client-Close carrying PDPRedirAddr, where to go next), decisions and dropped requests.
 * cops_fsm_tick() returns the next moment it needs to be called, so timers are one re-armed
 * event in the caller and deterministic in unit tests.
 *
 * What it implements, and the RFC 2748 sections behind it:
 *  - OPN with PEPID, and LastPDPAddr when it holds decided requests (2.2.11, 3.6);
 *  - CAT with KA and Accounting timers (3.7); KA sent at a random moment between 1/4 and 3/4
 *    of the KA timer (3.10: the PEP should pick a random interval so KAs are not synchronised);
 *    the PDP is declared lost after one KA period without any message from it, and a
 *    Client-Close with Error 9 (Communication Failure) is sent where the socket still allows;
 *  - requests: PEP-chosen 4-byte handles, at most one outstanding REQ per handle (an update
 *    queued while one is outstanding goes out when its DEC arrives, 3.3/3.4), every current
 *    request re-sent after a CAT (a new PDP has none of our state) and on SSQ, then SSC (3.8);
 *    SSQ naming an unknown handle gets DRQ with Reason 10 (Synchronize Handle Unknown);
 *  - DEC: a malformed one for a known handle gets DRQ with Reason 12 (Malformed Decision),
 *    one carrying an unknown object gets Reason 13 with sub-code C-Num << 8 | C-Type (2.2.5);
 *    a DEC for a handle we do not hold gets DRQ (the PDP holds state we do not: 3.4 says DRQ
 *    is how a PEP tells the PDP that state is gone); RFC 2748 names no reason for this case,
 *    we send Reason 1 (Unspecified);
 *  - any other message that does not decode gets Client-Close with the Error code and sub-code
 *    the codec derived (3 Bad Message Format, 13 Unknown COPS Object, ...), then the connection
 *    is closed; garbage framing (bad version, length < 8 or absurd) likewise;
 *  - Client-Close from the PDP: with PDPRedirAddr the caller connects there (2.2.13).
 */

#ifndef VPEP_CTRL_COPS_FSM_H
#define VPEP_CTRL_COPS_FSM_H

#include <stdint.h>

#include "cops_codec.h"
#include "pcmm.h"

/* Largest COPS message we accept from a PDP: PCMM gates are a few hundred bytes. */
#define COPS_FSM_MAX_MSG	65536
#define COPS_FSM_PEPID_LEN	64

enum cops_fsm_state {
	COPS_FSM_IDLE = 0,	/* no connection */
	COPS_FSM_OPENING,	/* OPN sent, waiting for CAT */
	COPS_FSM_OPEN,		/* CAT received */
};

/* Why the FSM asks for the connection to be closed. */
enum cops_fsm_close {
	COPS_FSM_CLOSE_PDP_LOST = 1,	/* no message for one KA period (CC 9 sent) */
	COPS_FSM_CLOSE_OPEN_TIMEOUT,	/* no CAT within open_timeout_ms */
	COPS_FSM_CLOSE_PDP_CC,		/* the PDP sent Client-Close (redirect or not) */
	COPS_FSM_CLOSE_BAD_MSG,		/* undecodable message (CC with its error sent) */
	COPS_FSM_CLOSE_LOCAL,		/* cops_fsm_close() */
};

enum cops_fsm_req_state {
	COPS_REQ_FREE = 0,
	COPS_REQ_QUEUED,	/* not sent yet (no open connection) */
	COPS_REQ_PENDING,	/* REQ sent, waiting for the solicited DEC */
	COPS_REQ_DECIDED,	/* DEC received */
};

/* A decision as the application sees it. */
struct cops_fsm_dec {
	int solicited;
	uint16_t cmd;		/* enum cops_dec_cmd; 0 with has_error */
	int has_gate;		/* a PCMM gate command was carried (Decision C-Type 4) */
	int has_error;		/* the DEC carried an Error object instead of decisions */
	uint16_t error_code, error_sub;
	struct pcmm_gate gate;
};

struct cops_fsm_ops {
	/* Queue one encoded message on the PDP connection. */
	void (*send)(void *ctx, const uint8_t *buf, uint32_t len);
	/* The connection must be closed now (anything to send was sent first). redirect is set
	 * for a Client-Close with PDPRedirAddr. The FSM is IDLE when this returns. */
	void (*closed)(void *ctx, int why, uint16_t error_code, const struct cops_pdp_addr *redirect);
	/* CAT received: the session is open (and every request was re-sent). */
	void (*opened)(void *ctx);
	/* A decision for a request. The application acts on it and then calls
	 * cops_fsm_report() with the outcome (RFC 2748 3.5: a solicited decision is answered). */
	void (*decision)(void *ctx, uint32_t handle, uint64_t cookie, const struct cops_fsm_dec *dec);
	/* The FSM deleted a request (DRQ sent for a malformed decision): fall back locally. */
	void (*dropped)(void *ctx, uint32_t handle, uint64_t cookie, uint16_t reason);
};

struct cops_fsm_req {
	uint32_t handle;	/* 0 when the slot is free */
	uint8_t state;		/* enum cops_fsm_req_state */
	uint8_t update_queued;	/* a newer REQ waits for the outstanding one's DEC */
	uint16_t len;		/* REQ bytes below */
	uint64_t cookie;
	uint8_t *req;		/* the encoded REQ, re-sent after CAT and on SSQ */
	uint32_t next_free;
};

struct cops_fsm_cfg {
	uint16_t client_type;
	char pepid[COPS_FSM_PEPID_LEN];
	uint32_t open_timeout_ms;	/* CAT must arrive within this after OPN */
};

struct cops_fsm {
	struct cops_fsm_cfg cfg;
	const struct cops_fsm_ops *ops;
	void *ctx;
	uint8_t state;
	uint64_t rng;
	/* timers, in caller milliseconds */
	uint64_t opened_at;
	uint64_t last_rx;
	uint64_t next_ka;
	uint64_t next_acct;
	uint32_t ka_ms;		/* from CAT; 0 = no keep-alive */
	uint32_t acct_ms;	/* from CAT; 0 = no accounting reports */
	/* the PDP we are (or were last) connected to, for LastPDPAddr */
	struct cops_pdp_addr pdp;
	struct cops_pdp_addr last_pdp;
	int have_last_pdp;
	/* request table: handle = (generation << 20) | (slot + 1) */
	struct cops_fsm_req *reqs;
	uint32_t n_slots;
	uint32_t free_head;	/* UINT32_MAX when empty */
	uint32_t n_reqs;
	uint32_t gen;
	/* counters per op code received / sent, and anomalies */
	uint64_t rx[COPS_OP_SSC + 1];
	uint64_t tx[COPS_OP_SSC + 1];
	uint64_t rx_bad;		/* messages that did not decode */
	uint64_t rx_unknown_handle;	/* DEC for a handle we do not hold */
	uint64_t rx_unexpected;		/* PEP-only or out-of-state messages */
	uint64_t drq_malformed;		/* DRQ sent for malformed decisions */
};

/* Set up an FSM; seed feeds the KA jitter. Returns 0 or -EINVAL. */
int cops_fsm_init(struct cops_fsm *f, const struct cops_fsm_cfg *cfg,
	const struct cops_fsm_ops *ops, void *ctx, uint64_t seed);
/* Free the request table. */
void cops_fsm_free(struct cops_fsm *f);

/* A connection to pdp is up: send OPN (with LastPDPAddr when we hold decisions). */
void cops_fsm_connected(struct cops_fsm *f, const struct cops_pdp_addr *pdp, uint64_t now);
/* The connection went away under us (reset, EOF): no CC possible. Requests stay. */
void cops_fsm_disconnected(struct cops_fsm *f);

/*
 * Frame boundary of the stream: the length of the first message, -EAGAIN when more bytes are
 * needed, -EBADMSG when the header cannot start a COPS message (version, length).
 */
int64_t cops_fsm_frame(const uint8_t *buf, uint32_t len);
/* Process one complete message (as delimited by cops_fsm_frame()). */
void cops_fsm_input(struct cops_fsm *f, const uint8_t *buf, uint32_t len, uint64_t now);
/* Run timers; returns the next time (ms) it must be called, UINT64_MAX for never. */
uint64_t cops_fsm_tick(struct cops_fsm *f, uint64_t now);
/* Send Client-Close with error_code (e.g. 11 Shutting down) and ask for the close. */
void cops_fsm_close(struct cops_fsm *f, uint16_t error_code);

/*
 * Create a request (csi: ClientSI Signaled payload, e.g. a PCMM gate; copied). It is sent
 * now when the session is open, otherwise queued until the next CAT. *handle receives the
 * handle. Returns 0, -ENOMEM, -EINVAL.
 */
int cops_fsm_request(struct cops_fsm *f, uint64_t cookie, uint16_t r_type,
	const uint8_t *csi, uint16_t csi_len, uint32_t *handle);
/* Replace a request's contents (re-INVITE): sent now, or after the outstanding DEC. */
int cops_fsm_update(struct cops_fsm *f, uint32_t handle, uint16_t r_type,
	const uint8_t *csi, uint16_t csi_len);
/* Delete a request: DRQ with reason (when open) and forget it. -ENOENT if unknown. */
int cops_fsm_delete(struct cops_fsm *f, uint32_t handle, uint16_t reason);
/* RPT for a handle (type enum cops_report_type; csi may be NULL). -ENOENT, -ENOTCONN. */
int cops_fsm_report(struct cops_fsm *f, uint32_t handle, int solicited, uint16_t type,
	const uint8_t *csi, uint16_t csi_len);

/* Look up a request; NULL if the handle is unknown. */
struct cops_fsm_req *cops_fsm_req_get(struct cops_fsm *f, uint32_t handle);

const char *cops_fsm_state_name(int state);
const char *cops_fsm_close_name(int why);

#endif /* VPEP_CTRL_COPS_FSM_H */
