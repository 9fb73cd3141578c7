/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * vpep-ctrl's application: dataplane events in, policy out. Calls are the dataplane's; each
 * gets a gate id, a COPS request on the outsourcing session (when one is configured) and,
 * while no PDP is open, a local decision. Decisions from any source go through policy_op.
 * The provisioning handle lets PDPs push Gate-Set / Gate-Delete / Gate-Info at any time.
 */

#ifndef VPEP_CTRL_PEP_H
#define VPEP_CTRL_PEP_H

#include <event2/event.h>
#include <jansson.h>

#include "config.h"
#include "cops_conn.h"
#include "ctrl_ipc.h"
#include "lpdp.h"
#include "metrics.h"
#include "policy_op.h"

#define PEP_CALL_BUCKETS 16384

struct pep_call {
	struct pep_call *next;
	uint64_t call_handle;
	uint32_t gate_id;
	uint32_t cops_handle;		/* 0: no COPS request */
	struct cops_conn *conn;
	uint8_t lpdp_counted;		/* admitted by the LPDP: counts against its source */
	uint8_t rpt_pending;		/* RPT once the dataplane answers the DECISION */
	uint8_t resync_req;		/* learned in a resync: REQ after RESYNC_DONE */
	uint8_t rpt_solicited;		/* the pending RPT answers a solicited DEC */
	uint16_t txn;
	struct vpep_ipc_admission adm;
};

struct pep {
	struct event_base *base;
	const struct config *cfg;
	struct cops_conn conns[CONFIG_MAX_SESSIONS];
	uint32_t n_conns;
	struct cops_conn *outsourcing;	/* the session admissions go to, or NULL */
	uint32_t config_handle[CONFIG_MAX_SESSIONS];	/* provisioning REQ per session */
	struct ctrl_ipc ipc;
	struct policy_op po;
	struct lpdp lpdp;
	struct pep_call *calls[PEP_CALL_BUCKETS];
	uint32_t n_calls;
	uint16_t txn;
	struct event *survival_ev;
	struct event *stats_ev;
	json_t *dp_stats;		/* the dataplane's last STATS document, parsed once */
	double t_dp_stats;
	json_t *dp_stats_prev;		/* the one before: rates are the difference */
	double t_dp_stats_prev;
	uint64_t dp_stats_docs;		/* STATS documents received */
	struct metrics_calls dp_calls;	/* dp_stats' calls, summed once when it arrived */
	double dp_stats_parse_s;	/* time to parse it, free the older one and sum */
	uint64_t lpdp_reloads;
	void (*changed)(void *arg, int urgent);
	void *changed_arg;
	/* counters */
	uint64_t admissions, updates, call_ends, resync_calls, resync_gates, resyncs;
	uint64_t cops_admits, cops_denies, lpdp_fallbacks, expired;
	uint64_t gate_sets, gate_deletes, gate_infos, gate_errors;
	uint64_t rpt_success, rpt_failure;
	double t_resync_done;
};

int pep_init(struct pep *p, struct event_base *base, const struct config *cfg,
	void (*changed)(void *arg, int urgent), void *arg);
void pep_start(struct pep *p);
void pep_stop(struct pep *p);
/*
 * Replace the local decision rules (default verdict, DSCP, rules) with those of l; the
 * per-source call counts stay. Decisions already installed are kept: the new rules apply to
 * the next admission. Used by the HTTP reload endpoint.
 */
void pep_lpdp_replace(struct pep *p, const struct lpdp *l);

#endif /* VPEP_CTRL_PEP_H */
