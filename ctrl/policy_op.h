/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * The one place that installs and removes policy in the dataplane.
 *
 * COPS decisions, local decisions (LPDP) and, later, the HTTP API all call policy_op_*(); no
 * other code sends DECISION, GATE_SET or GATE_DELETE. policy_op keeps what it believes is
 * installed (per call and per provisioned gate), so that:
 *  - a decision identical to the installed one is not sent again (a PDP re-deciding the same
 *    call after a failover or an SSQ must not make the dataplane re-apply it);
 *  - after a dataplane (re)connect, what the dataplane reports in its resync is the truth,
 *    and anything decided while it was away is pushed then;
 *  - decisions of a source can be expired after an outage (policy_op_expire()).
 * Pure: messages go out through ops->send, time is an argument.
 */

#ifndef VPEP_CTRL_POLICY_OP_H
#define VPEP_CTRL_POLICY_OP_H

#include <stdint.h>

#include "vpep_ipc.h"

#define POLICY_OP_BUCKETS 16384

struct policy_op_ops {
	/* Send one message to the dataplane; returns its sequence number or -ENOTCONN. */
	int64_t (*send)(void *ctx, uint16_t type, const void *body, uint32_t len);
	/* The dataplane answered a DECISION (call_handle != 0) or a GATE_SET/DELETE. */
	void (*applied)(void *ctx, uint64_t call_handle, uint32_t gate_id, uint16_t type,
		int32_t status);
};

struct policy_entry {
	struct policy_entry *next_gate;	/* hash chains */
	struct policy_entry *next_call;
	uint64_t call_handle;	/* 0 for a provisioned gate */
	uint32_t gate_id;
	uint8_t installed;	/* the dataplane confirmed (RESULT 0) or reported it (resync) */
	uint8_t is_gate;
	uint8_t source;		/* enum vpep_ipc_source */
	uint32_t pending_seq;	/* non-zero while a message about it awaits its RESULT */
	uint64_t since;		/* when it was decided (ms) */
	union {
		struct vpep_ipc_decision dec;
		struct vpep_ipc_gate gate;
	} u;
};

struct policy_op {
	const struct policy_op_ops *ops;
	void *ctx;
	struct policy_entry **by_gate;	/* POLICY_OP_BUCKETS chains */
	struct policy_entry **by_call;
	uint32_t n;
	uint32_t next_gate_id;
	int dp_up;		/* messages can be sent */
	/* counters */
	uint64_t decisions_sent;
	uint64_t decisions_unchanged;
	uint64_t gates_sent;
	uint64_t gates_unchanged;
	uint64_t deletes_sent;
	uint64_t results_ok;
	uint64_t results_err;
};

int policy_op_init(struct policy_op *po, const struct policy_op_ops *ops, void *ctx);
void policy_op_free(struct policy_op *po);

/* A fresh gate id (never one installed or learned from the dataplane). */
uint32_t policy_op_gate_id(struct policy_op *po);

/*
 * Install (or replace) the decision for a call. Returns 0 when sent (or queued until the
 * dataplane is back), 1 when the identical decision is already installed (nothing sent), or
 * -errno.
 */
int policy_op_decide(struct policy_op *po, const struct vpep_ipc_decision *d, uint64_t now);
/* Install (or replace) a provisioned gate; same returns. */
int policy_op_gate_set(struct policy_op *po, const struct vpep_ipc_gate *g, uint64_t now);
/* Remove a provisioned gate. -ENOENT if unknown. */
int policy_op_gate_delete(struct policy_op *po, uint32_t gate_id);
/* Find an installed gate with the same classifier, verdict, DSCP and meter; 0 if none. */
uint32_t policy_op_gate_find(struct policy_op *po, const struct vpep_ipc_gate *g);
/* The dataplane ended a call: forget its decision (its gate is gone there). */
void policy_op_call_end(struct policy_op *po, uint64_t call_handle);
const struct policy_entry *policy_op_call(struct policy_op *po, uint64_t call_handle);
const struct policy_entry *policy_op_gate(struct policy_op *po, uint32_t gate_id);

/* Dataplane link events. */
void policy_op_dp_up(struct policy_op *po);
void policy_op_dp_down(struct policy_op *po);
void policy_op_result(struct policy_op *po, const struct vpep_ipc_result *r);
/* Resync: a call with a decision, or a gate, the dataplane holds. */
void policy_op_learn_call(struct policy_op *po, const struct vpep_ipc_admission *a, uint64_t now);
void policy_op_learn_gate(struct policy_op *po, const struct vpep_ipc_gate_state *gs,
	uint64_t now);
/* Resync done: push what was decided while the dataplane was away. */
void policy_op_resync_done(struct policy_op *po);

/*
 * Call fn for every entry of source decided before `before` (to expire COPS decisions after an
 * outage). fn may call policy_op_decide/gate_delete/call_end on that entry.
 */
void policy_op_foreach(struct policy_op *po, uint8_t source, uint64_t before,
	void (*fn)(void *arg, const struct policy_entry *e), void *arg);

#endif /* VPEP_CTRL_POLICY_OP_H */
