/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Policy enforcement on the fast path: class treatment, per-call gates, meters, DSCP marks,
 * drops (docs/policy.md).
 *
 * Ownership, no locks:
 *  - the policy in force (struct policy_conf) is one pointer, swapped by the control thread
 *    and freed after an RCU grace period; workers re-read it once per loop;
 *  - a call's gate lives in a slot named by its call handle (worker, call slot) and is written
 *    only by the worker that owns the call (its SIP worker): admission from local rules, and
 *    decisions from the control plane, which reach the owner through its op ring. Gates are
 *    immutable once published; a new decision publishes a new gate and the old one is freed
 *    after a grace period (rte_rcu_qsbr defer queue of the owner);
 *  - meter contexts belong to the worker that meters the flow: per media flow and direction
 *    for gates, per worker for classes (a class's rate is per worker: with n workers the
 *    aggregate a class may reach is n times its CIR; docs/policy.md).
 */

#ifndef POLICY_H
#define POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "policy_conf.h"

struct dp_worker;
struct rte_mbuf;
struct pkt_meta;
struct vpep_ipc_decision;
struct vpep_ipc_admission;
struct vpep_ipc_call_end;
struct vpep_ipc_gate_state;
struct vpep_ipc_gate;

/* A published gate. Immutable after publication. */
struct policy_gate {
	uint64_t call;		/* call handle the gate belongs to */
	uint64_t version;	/* unique per publication: meters restart when it changes */
	uint32_t gate_id;
	uint8_t verdict;	/* 0 = pending (no decision yet), POLICY_ADMIT, POLICY_DENY */
	uint8_t source;		/* enum vpep_ipc_source */
	uint8_t deny_signalling;
	uint8_t pad;
	int32_t rule;		/* index of the local rule that decided, -1 otherwise */
	uint64_t bandwidth_bps;	/* what the call's codecs need, per direction */
	char rule_name[POLICY_NAME_MAX];
	struct policy_treatment t;
};

/* A provisioned gate (GATE_SET from vpep-ctrl: a PacketCable Gate-Set pushed by a PDP, or
 * HTTP): a classifier and what its packets get. Immutable once published. */
struct policy_pgate {
	uint32_t gate_id;
	uint8_t verdict;	/* POLICY_ADMIT / POLICY_DENY */
	uint8_t source;
	uint8_t dir;		/* VPEP_IPC_DIR_* bits: 3 matches both ways */
	uint8_t protocol;	/* 0 = any */
	uint8_t src_family, dst_family; /* 0 = any */
	uint8_t src_plen, dst_plen;
	uint8_t src[16], dst[16];
	uint16_t sport_lo, sport_hi, dport_lo, dport_hi;
	char rule_name[POLICY_NAME_MAX];
	struct policy_treatment t;
};

#define POLICY_PGATES_MAX 4096

/* Install or replace (same gate_id) a provisioned gate; remove one. Control thread. 0, or
 * -EINVAL (bad field, message in err), -ENOSPC, -ENOENT. */
int policy_pgate_set(const struct vpep_ipc_gate *g, char *err, size_t err_len);
int policy_pgate_delete(uint32_t gate_id);

/* Control thread, periodically: free replaced gate sets no worker can hold any more (wait:
 * block until that is true for all of them, at exit). */
void policy_reclaim(bool wait);

/* Resync: provisioned gate i (0, 1, ...) as GATE_STATE; -ENOENT past the last. */
int policy_pgate_report(uint32_t i, struct vpep_ipc_gate_state *gs);

/* Hints from the application pass about a SIP packet (sip_worker's verdict). */
enum policy_sip_hint {
	POLICY_SIP_NONE = 0,
	POLICY_SIP_RATE,	/* over its source's request rate */
	POLICY_SIP_SCANNER,	/* scanner User-Agent, sweep, or blocklisted source */
	POLICY_SIP_DENIED_CALL,	/* signalling of a denied call with deny_signalling */
};

/* Drop and mark statistics, per worker (summed by the reader). */
struct policy_class_ctr {
	uint64_t packets[METER_COLOURS];
	uint64_t bytes[METER_COLOURS];
	uint64_t dropped;
	uint64_t remarked;
};

struct policy_gate_ctr {
	uint64_t version;	/* gate these counts belong to */
	uint64_t packets[METER_COLOURS];
	uint64_t bytes[METER_COLOURS];
	uint64_t dropped;
};

struct policy_admission_ctr {
	uint64_t events;	/* calls that reached admission */
	uint64_t admitted;
	uint64_t denied;
	uint64_t by_default;	/* decided by policy.admission.default (no rule matched) */
	uint64_t pending;	/* waiting for a control-plane decision */
	uint64_t decisions;	/* control-plane decisions applied */
	uint64_t decisions_stale; /* decisions for calls no longer there */
	uint64_t released;
	uint64_t updated;	/* gates decided again after an answer or re-offer */
	uint64_t no_gate_memory;
	uint64_t by_rule[POLICY_RULES_MAX];
};

struct policy_protect_ctr {
	uint64_t rate_limited;
	uint64_t scanner_ua;
	uint64_t sweeps;
	uint64_t blocklisted;
	uint64_t marked;	/* protect action "mark" */
	uint64_t counted;	/* protect action "count" */
	uint64_t denied_signalling;
	uint64_t pinhole;
};

struct policy_worker;

/* Process-wide setup after the worker count is known; pc is copied. */
int policy_global_init(const struct policy_conf *pc, unsigned int n_workers,
		uint32_t calls_per_worker, int socket, char *err, size_t err_len);
void policy_global_free(void);

/* Replace the policy in force (control thread). The old one is freed after every worker
 * moved on. */
int policy_reload(const struct policy_conf *pc);

/* The policy in force, for reporting (control thread). */
const struct policy_conf *policy_current(void);

int policy_worker_init(struct dp_worker *w, char *err, size_t err_len);
void policy_worker_free(struct dp_worker *w);

/* Once per worker loop: pick up a new policy, apply decisions queued for this worker's
 * calls, reclaim freed gates. */
void policy_loop(struct dp_worker *w);

/*
 * The policy pass over the n packets of a burst, after the application pass (voip_burst):
 * packet k of tracked flow idx[k] (FLOW_NIL: untracked, class default), direction dir[k],
 * time now_ns[k], SIP verdict sip_hint[k]. Marks packets in place; why[k] receives the drop
 * counter (enum vpep_ctr) of a packet that must be dropped, 0 for one that goes on. Returns
 * how many must be dropped.
 */
unsigned int policy_burst(struct dp_worker *w, unsigned int n, const uint32_t *idx,
		const uint8_t *dir, struct rte_mbuf *const *pkts, const struct pkt_meta *meta,
		const uint64_t *now_ns, const uint8_t *sip_hint, uint16_t *why);

/* ---- admission, by the worker owning the call ---- */

/*
 * A call's media became known: decide with the local rules (or leave it pending for the
 * control plane, when one is attached and local rules are not forced), publish its gate.
 * src: the caller's signalling address. Returns the verdict (0 = pending).
 */
int policy_call_admit(unsigned int worker, uint64_t handle, const struct policy_call_facts *f,
		uint8_t src_family, const uint8_t *src_addr, uint64_t now_ns,
		struct vpep_ipc_admission *ev);

/* New media for a call already admitted (answer, re-INVITE): a gate the local rules decided
 * is decided again with the new facts and republished when it changed; a control-plane
 * decision stays as it is. */
void policy_call_update(unsigned int worker, uint64_t handle, const struct policy_call_facts *f,
		uint8_t src_family, const uint8_t *src_addr, uint64_t now_ns,
		struct vpep_ipc_admission *ev);

/* The call is gone (its media withdrawn): unpublish its gate, release its source count. */
void policy_call_release(unsigned int worker, uint64_t handle, uint8_t src_family,
		const uint8_t *src_addr, uint64_t now_ns, struct vpep_ipc_call_end *ev);

/* Resync (control thread): the gate in (worker, call slot) as the link reports it. 0, or
 * -ENOENT when the slot has none. Reads racily what workers write: a row may be stale. */
int policy_gate_report(unsigned int worker, uint32_t slot, uint64_t *handle,
		struct vpep_ipc_admission *a, struct vpep_ipc_gate_state *gs);

/* The gate of a call, or NULL (workers, inside their RCU read side). */
const struct policy_gate *policy_call_gate(uint64_t handle);

/* Apply a control-plane decision to a call this worker owns. 0, -ENOENT, -EINVAL. */
int policy_call_decide(unsigned int worker, uint64_t handle, const struct vpep_ipc_decision *d,
		char *err, size_t err_len);

/* ---- SIP protection (sip_worker) ---- */

/* Verdict for a SIP request from a source (enum policy_sip_hint; NONE = pass). ua: the
 * User-Agent value (may be NULL), to_user: the To URI's user part for REGISTER/OPTIONS. */
uint8_t policy_sip_request(struct dp_worker *w, uint8_t family, const uint8_t *addr,
		const uint8_t *ua, uint32_t ua_len, const uint8_t *to_user, uint32_t to_user_len,
		bool sweep_method, uint64_t now_ns);

/* Policy section of the stats JSON (json_t *, control thread). */
void *policy_stats_json(void);

#endif /* POLICY_H */
