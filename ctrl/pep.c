/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctrl_log.h"
#include "pep.h"
#include "pep_csi.h"

#define CSI_CAP 2048

static uint32_t
call_bucket(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (uint32_t)h & (PEP_CALL_BUCKETS - 1);
}

static struct pep_call *
call_find(struct pep *p, uint64_t call_handle)
{
	struct pep_call *c = p->calls[call_bucket(call_handle)];

	while (c != NULL && c->call_handle != call_handle)
		c = c->next;
	return c;
}

static struct pep_call *
call_new(struct pep *p, uint64_t call_handle)
{
	struct pep_call *c = calloc(1, sizeof(*c));
	uint32_t b = call_bucket(call_handle);

	if (c == NULL)
		return NULL;
	c->call_handle = call_handle;
	c->next = p->calls[b];
	p->calls[b] = c;
	p->n_calls++;
	return c;
}

static void
call_free(struct pep *p, struct pep_call *c)
{
	struct pep_call **pp;

	for (pp = &p->calls[call_bucket(c->call_handle)]; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	free(c);
	p->n_calls--;
}

static void
changed(struct pep *p, int urgent)
{
	if (p->changed != NULL)
		p->changed(p->changed_arg, urgent);
}

static uint16_t
next_txn(struct pep *p)
{
	if (++p->txn == 0)
		p->txn = 1;
	return p->txn;
}

/* Decide a call locally (no PDP, or the PDP's decision was unusable). */
static void
lpdp_decide_call(struct pep *p, struct pep_call *c)
{
	struct vpep_ipc_decision d;

	if (c->lpdp_counted) {
		lpdp_release(&p->lpdp, &c->adm.caller_addr);
		c->lpdp_counted = 0;
	}
	memset(&d, 0, sizeof(d));
	d.call_handle = c->call_handle;
	d.gate_id = c->gate_id;
	lpdp_decide(&p->lpdp, &c->adm, &d);
	c->lpdp_counted = d.verdict == VPEP_IPC_VERDICT_ADMIT;
	LOG_DEBUG("lpdp: call %#llx %s (%s)", (unsigned long long)c->call_handle,
		d.verdict == VPEP_IPC_VERDICT_ADMIT ? "admit" : "deny", d.rule);
	policy_op_decide(&p->po, &d, ctrl_now_ms());
}

static void
cops_request(struct pep *p, struct pep_call *c, int update)
{
	uint8_t csi[CSI_CAP];
	int n;

	c->txn = next_txn(p);
	n = pep_csi_encode_admission(&c->adm, c->gate_id, c->txn, csi, sizeof(csi));
	if (n < 0) {
		LOG_WARN("call %#llx: cannot encode its REQ (%d): local decision",
			(unsigned long long)c->call_handle, n);
		lpdp_decide_call(p, c);
		return;
	}
	if (update && c->cops_handle != 0)
		n = cops_fsm_update(&c->conn->fsm, c->cops_handle, COPS_RTYPE_IN_ADMISSION, csi,
			(uint16_t)n);
	else
		n = cops_fsm_request(&c->conn->fsm, c->call_handle, COPS_RTYPE_IN_ADMISSION, csi,
			(uint16_t)n, &c->cops_handle);
	if (n < 0) {
		LOG_WARN("call %#llx: COPS request failed (%d)", (unsigned long long)c->call_handle,
			n);
		c->cops_handle = 0;
	}
	/* no PDP to answer now: decide locally, the PDP's decision replaces it later; a call the
	 * dataplane already enforces a decision for (resync, re-INVITE) keeps it meanwhile */
	if ((!cops_conn_is_open(c->conn) || c->cops_handle == 0) &&
			policy_op_call(&p->po, c->call_handle) == NULL)
		lpdp_decide_call(p, c);
}

static void
on_admission(struct pep *p, const struct vpep_ipc_admission *a)
{
	struct pep_call *c = call_find(p, a->call_handle);
	int update = c != NULL;

	if (a->flags & VPEP_IPC_ADM_RESYNC) {
		p->resync_calls++;
		policy_op_learn_call(&p->po, a, ctrl_now_ms());
	}
	if (c == NULL) {
		c = call_new(p, a->call_handle);
		if (c == NULL) {
			LOG_ERR("call %#llx: out of memory", (unsigned long long)a->call_handle);
			return;
		}
		c->gate_id = (a->flags & VPEP_IPC_ADM_DECIDED) && a->gate_id ? a->gate_id :
			policy_op_gate_id(&p->po);
		c->conn = p->outsourcing;
		p->admissions++;
	} else {
		p->updates++;
	}
	c->adm = *a;
	if (c->conn == NULL) {
		lpdp_decide_call(p, c);
	} else if ((a->flags & VPEP_IPC_ADM_RESYNC) && !update) {
		/* wait for the gates of the resync: the REQ goes out at RESYNC_DONE, so that the
		 * PDP's unchanged decision is recognised as unchanged */
		c->resync_req = 1;
		if (!(a->flags & VPEP_IPC_ADM_DECIDED))
			lpdp_decide_call(p, c);
	} else {
		cops_request(p, c, update);
	}
	changed(p, 0);
}

static void
on_call_end(struct pep *p, const struct vpep_ipc_call_end *e)
{
	struct pep_call *c = call_find(p, e->call_handle);

	p->call_ends++;
	policy_op_call_end(&p->po, e->call_handle);
	if (c == NULL)
		return;
	if (c->cops_handle != 0) {
		/* the accounting report first, then the state goes (RFC 2748 3.6, 3.4) */
		cops_fsm_report(&c->conn->fsm, c->cops_handle, 0, COPS_REPORT_ACCOUNTING, NULL, 0);
		cops_fsm_delete(&c->conn->fsm, c->cops_handle, COPS_REASON_TEAR);
	}
	if (c->lpdp_counted)
		lpdp_release(&p->lpdp, &c->adm.caller_addr);
	call_free(p, c);
	changed(p, 0);
}

static void
report(struct pep *p, struct pep_call *c, int32_t status)
{
	uint8_t csi[CSI_CAP];
	struct pcmm_subscriber_id sub;
	struct pcmm_amid amid = {PEP_CSI_AMID_APP, PEP_CSI_AMID_TAG};
	int n, ok = status == 0;

	if (c->cops_handle == 0 || c->conn == NULL)
		return;
	sub.family = c->adm.caller_addr.family == 6 ? 6 : 4;
	memcpy(sub.addr, c->adm.caller_addr.addr, 16);
	if (ok)
		n = pcmm_gate_ref_encode(csi, sizeof(csi), PCMM_GATE_SET_ACK, c->txn, &amid, &sub,
			c->gate_id);
	else
		n = pcmm_gate_err_encode(csi, sizeof(csi), PCMM_GATE_SET_ERR, c->txn, &amid, &sub,
			c->gate_id, status == -ENOSPC ? PCMM_ERR_INSUFFICIENT_RESOURCES :
			PCMM_ERR_OTHER, 0);
	if (n < 0)
		n = 0;
	/* RFC 2748 3.6: the Solicited flag says whether the RPT answers a solicited DEC */
	if (cops_fsm_report(&c->conn->fsm, c->cops_handle, c->rpt_solicited, ok ? COPS_REPORT_SUCCESS :
			COPS_REPORT_FAILURE, csi, (uint16_t)n) == 0) {
		if (ok)
			p->rpt_success++;
		else
			p->rpt_failure++;
	}
}

/* A PDP decision for a call. */
static void
call_decision(struct pep *p, struct pep_call *c, const struct cops_fsm_dec *dec)
{
	struct vpep_ipc_decision d;
	int rc;

	if (dec->has_error) {
		LOG_WARN("call %#llx: PDP answered with error %u (%s): local decision",
			(unsigned long long)c->call_handle, dec->error_code,
			cops_error_name(dec->error_code));
		p->lpdp_fallbacks++;
		lpdp_decide_call(p, c);
		return;
	}
	memset(&d, 0, sizeof(d));
	d.call_handle = c->call_handle;
	d.gate_id = c->gate_id;
	d.source = VPEP_IPC_SOURCE_COPS;
	c->rpt_solicited = (uint8_t)dec->solicited;
	if (dec->cmd == COPS_DEC_CMD_INSTALL && (!dec->has_gate || dec->gate.cmd == PCMM_GATE_SET)) {
		d.verdict = VPEP_IPC_VERDICT_ADMIT;
		d.dscp = dec->has_gate ? pep_csi_dscp(&dec->gate) : VPEP_IPC_DSCP_KEEP;
		if (dec->has_gate)
			pep_csi_meter(&dec->gate, &d.meter);
		snprintf(d.rule, sizeof(d.rule), "cops:install");
		p->cops_admits++;
	} else if (dec->cmd == COPS_DEC_CMD_NULL) {
		return;	/* "no change" */
	} else {
		d.verdict = VPEP_IPC_VERDICT_DENY;
		d.dscp = VPEP_IPC_DSCP_KEEP;
		snprintf(d.rule, sizeof(d.rule), "cops:remove");
		p->cops_denies++;
	}
	if (c->lpdp_counted) {
		lpdp_release(&p->lpdp, &c->adm.caller_addr);
		c->lpdp_counted = 0;
	}
	rc = policy_op_decide(&p->po, &d, ctrl_now_ms());
	LOG_DEBUG("call %#llx: PDP %s, dscp %u: %s", (unsigned long long)c->call_handle,
		d.verdict == VPEP_IPC_VERDICT_ADMIT ? "admit" : "deny", d.dscp,
		rc == 1 ? "unchanged" : rc == 0 ? "sent" : "failed");
	if (rc == 0 && p->po.dp_up) {
		c->rpt_pending = 1;	/* RPT when the dataplane confirms */
		return;
	}
	if (rc == 0)
		c->rpt_pending = 1;	/* pushed after the dataplane's resync */
	else
		report(p, c, rc == 1 ? 0 : rc);
}

static void
gate_report(struct pep *p, struct cops_conn *conn, uint32_t handle, int solicited,
	const struct pcmm_gate *req, uint16_t cmd, uint32_t gate_id, uint16_t err,
	const struct pcmm_gate *info)
{
	uint8_t csi[CSI_CAP];
	struct pcmm_gate g;
	int n, fail = err != 0;

	if (info != NULL) {
		g = *info;
		g.cmd = cmd;
		g.txn_id = req->txn_id;
		g.amid = req->amid;
		g.subscriber = req->subscriber;
		n = pcmm_gate_encode(csi, sizeof(csi), &g, NULL);
	} else if (fail) {
		n = pcmm_gate_err_encode(csi, sizeof(csi), cmd, req->txn_id, &req->amid,
			&req->subscriber, gate_id, err, 0);
	} else {
		n = pcmm_gate_ref_encode(csi, sizeof(csi), cmd, req->txn_id, &req->amid,
			&req->subscriber, gate_id);
	}
	if (n < 0)
		n = 0;
	if (fail)
		p->gate_errors++;
	cops_fsm_report(&conn->fsm, handle, solicited, fail ? COPS_REPORT_FAILURE :
		COPS_REPORT_SUCCESS, csi, (uint16_t)n);
}

/* A gate command pushed on the provisioning handle. */
static void
gate_command(struct pep *p, struct cops_conn *conn, uint32_t handle, int sol,
	const struct pcmm_gate *g)
{
	struct vpep_ipc_gate ig;
	uint32_t id;
	int rc;

	switch (g->cmd) {
	case PCMM_GATE_SET:
		p->gate_sets++;
		if (g->present & PCMM_GATE_HAS_GATE_ID) {
			const struct policy_entry *e = policy_op_gate(&p->po, g->gate_id);

			if (e == NULL || !e->is_gate) {
				gate_report(p, conn, handle, sol, g, PCMM_GATE_SET_ERR, g->gate_id,
					PCMM_ERR_UNKNOWN_GATE_ID, NULL);
				return;
			}
			id = g->gate_id;
		} else {
			id = 0;
		}
		if (pep_csi_gate_to_ipc(g, id ? id : 1, &ig) != 0) {
			gate_report(p, conn, handle, sol, g, PCMM_GATE_SET_ERR, 0, PCMM_ERR_MISSING_OBJECT,
				NULL);
			return;
		}
		if (id == 0) {
			/* the same gate pushed again (reconnect, restart) keeps its id */
			id = policy_op_gate_find(&p->po, &ig);
			if (id == 0)
				id = policy_op_gate_id(&p->po);
			ig.gate_id = id;
		}
		rc = policy_op_gate_set(&p->po, &ig, ctrl_now_ms());
		LOG_INFO("gate %u: Gate-Set from the PDP: %s", id, rc == 1 ? "unchanged" :
			rc == 0 ? "installed" : "failed");
		gate_report(p, conn, handle, sol, g, rc >= 0 ? PCMM_GATE_SET_ACK : PCMM_GATE_SET_ERR, id,
			rc >= 0 ? 0 : PCMM_ERR_INSUFFICIENT_RESOURCES, NULL);
		return;
	case PCMM_GATE_DELETE:
		p->gate_deletes++;
		rc = policy_op_gate_delete(&p->po, g->gate_id);
		LOG_INFO("gate %u: Gate-Delete from the PDP: %s", g->gate_id, rc == 0 ? "removed" :
			"unknown");
		gate_report(p, conn, handle, sol, g, rc == 0 ? PCMM_GATE_DELETE_ACK :
			PCMM_GATE_DELETE_ERR, g->gate_id, rc == 0 ? 0 : PCMM_ERR_UNKNOWN_GATE_ID, NULL);
		return;
	case PCMM_GATE_INFO: {
		const struct policy_entry *e = policy_op_gate(&p->po, g->gate_id);
		struct pcmm_gate info;

		p->gate_infos++;
		if (e == NULL || !e->is_gate) {
			gate_report(p, conn, handle, sol, g, PCMM_GATE_INFO_ERR, g->gate_id,
				PCMM_ERR_UNKNOWN_GATE_ID, NULL);
			return;
		}
		memset(&info, 0, sizeof(info));
		pep_csi_gate_from_ipc(&e->u.gate, &info);
		gate_report(p, conn, handle, sol, g, PCMM_GATE_INFO_ACK, g->gate_id, 0, &info);
		return;
	}
	default:
		gate_report(p, conn, handle, sol, g, PCMM_INVALID_GATE_CMD_ERR, 0,
			PCMM_ERR_UNKNOWN_GATE_CMD, NULL);
		return;
	}
}

static void
conn_decision(void *ctx, struct cops_conn *conn, uint32_t handle, uint64_t cookie,
	const struct cops_fsm_dec *dec)
{
	struct pep *p = ctx;
	struct pep_call *c;

	if (cookie == 0) {
		/* the provisioning handle: gate commands, answered one RPT each */
		if (dec->has_gate && dec->cmd == COPS_DEC_CMD_INSTALL)
			gate_command(p, conn, handle, dec->solicited, &dec->gate);
		else if (dec->has_gate && dec->cmd == COPS_DEC_CMD_REMOVE &&
				dec->gate.cmd == PCMM_GATE_DELETE)
			gate_command(p, conn, handle, dec->solicited, &dec->gate);
		changed(p, 0);
		return;
	}
	c = call_find(p, cookie);
	if (c == NULL || c->cops_handle != handle)
		return;
	call_decision(p, c, dec);
	changed(p, 0);
}

static void
conn_dropped(void *ctx, struct cops_conn *conn, uint32_t handle, uint64_t cookie,
	uint16_t reason)
{
	struct pep *p = ctx;
	struct pep_call *c;
	uint32_t i;

	(void)reason;
	if (cookie == 0) {
		/* the provisioning handle itself: ask again, the PDP may push valid gates */
		for (i = 0; i < p->n_conns; i++)
			if (&p->conns[i] == conn && p->config_handle[i] == handle)
				cops_fsm_request(&conn->fsm, 0, COPS_RTYPE_CONFIG, NULL, 0,
					&p->config_handle[i]);
		return;
	}
	c = call_find(p, cookie);
	if (c == NULL || c->cops_handle != handle)
		return;
	c->cops_handle = 0;
	p->lpdp_fallbacks++;
	lpdp_decide_call(p, c);
}

static void
conn_opened(void *ctx, struct cops_conn *conn)
{
	(void)conn;
	changed(ctx, 1);
}

static void
conn_down(void *ctx, struct cops_conn *conn)
{
	struct pep *p = ctx;
	uint32_t i;

	/* calls still waiting for the lost PDP's decision get a local one now (RFC 2748 2.3:
	 * the PEP falls back to its LPDP); the REQ is re-sent to the next PDP after its CAT */
	for (i = 0; i < PEP_CALL_BUCKETS; i++) {
		struct pep_call *c;

		for (c = p->calls[i]; c != NULL; c = c->next)
			if (c->conn == conn && policy_op_call(&p->po, c->call_handle) == NULL) {
				p->lpdp_fallbacks++;
				lpdp_decide_call(p, c);
			}
	}
	changed(p, 1);
}

static void
conn_changed(void *ctx, int urgent)
{
	changed(ctx, urgent);
}

static const struct cops_conn_ops conn_ops = {
	.opened = conn_opened,
	.down = conn_down,
	.decision = conn_decision,
	.dropped = conn_dropped,
	.changed = conn_changed,
};

/* policy_op -> dataplane */
static int64_t
po_send(void *ctx, uint16_t type, const void *body, uint32_t len)
{
	struct pep *p = ctx;

	return ctrl_ipc_send(&p->ipc, type, body, len);
}

static void
po_applied(void *ctx, uint64_t call_handle, uint32_t gate_id, uint16_t type, int32_t status)
{
	struct pep *p = ctx;
	struct pep_call *c;

	if (status != 0)
		LOG_WARN("dataplane refused %s for gate %u: %d", type == VPEP_IPC_DECISION ?
			"DECISION" : "GATE_SET", gate_id, status);
	if (call_handle == 0 || type != VPEP_IPC_DECISION)
		return;
	c = call_find(p, call_handle);
	if (c == NULL || !c->rpt_pending)
		return;
	c->rpt_pending = 0;
	report(p, c, status);
}

static const struct policy_op_ops po_ops = {
	.send = po_send,
	.applied = po_applied,
};

static void
ipc_up(void *ctx)
{
	struct pep *p = ctx;

	policy_op_dp_up(&p->po);
	changed(p, 1);
}

static void
ipc_down(void *ctx)
{
	struct pep *p = ctx;

	policy_op_dp_down(&p->po);
	changed(p, 1);
}

static void
resync_done(struct pep *p, const struct vpep_ipc_resync_done *rd)
{
	uint32_t i;

	p->resyncs++;
	p->t_resync_done = ctrl_now_s();
	LOG_INFO("ipc: resync done: %u calls, %u gates", rd->calls, rd->gates);
	policy_op_resync_done(&p->po);
	for (i = 0; i < PEP_CALL_BUCKETS; i++) {
		struct pep_call *c;

		for (c = p->calls[i]; c != NULL; c = c->next)
			if (c->resync_req) {
				c->resync_req = 0;
				if (c->conn != NULL && c->cops_handle == 0)
					cops_request(p, c, 0);
			}
	}
	changed(p, 1);
}

static void
ipc_msg(void *ctx, const struct vpep_ipc_hdr *h, const void *body)
{
	struct pep *p = ctx;

	switch (h->type) {
	case VPEP_IPC_ADMISSION:
		on_admission(p, body);
		break;
	case VPEP_IPC_CALL_END:
		on_call_end(p, body);
		break;
	case VPEP_IPC_RESULT:
		policy_op_result(&p->po, body);
		break;
	case VPEP_IPC_GATE_STATE:
		p->resync_gates++;
		policy_op_learn_gate(&p->po, body, ctrl_now_ms());
		break;
	case VPEP_IPC_RESYNC_DONE:
		resync_done(p, body);
		break;
	case VPEP_IPC_STATS: {
		/* kept whole for the status file and the HTTP API; the calls are taken here
		 * (from its calls_summary), once per document, not per scrape */
		double t0 = ctrl_now_s();
		json_t *doc = json_loadb(body, h->len, 0, NULL);

		if (doc == NULL) {
			LOG_WARN("ipc: STATS (%u bytes) is not JSON", h->len);
			break;
		}
		json_decref(p->dp_stats_prev);
		p->dp_stats_prev = p->dp_stats;
		p->t_dp_stats_prev = p->t_dp_stats;
		p->dp_stats = doc;
		metrics_calls_sum(doc, &p->dp_calls);
		p->t_dp_stats = ctrl_now_s();
		p->dp_stats_parse_s = p->t_dp_stats - t0;
		p->dp_stats_docs++;
		changed(p, 0);
		break;
	}
	default:
		break;	/* newer types: nothing to do here yet */
	}
}

static const struct ctrl_ipc_ops ipc_ops = {
	.up = ipc_up,
	.down = ipc_down,
	.msg = ipc_msg,
};

static void
expire_one(void *arg, const struct policy_entry *e)
{
	struct pep *p = arg;
	struct pep_call *c;

	p->expired++;
	if (e->is_gate) {
		policy_op_gate_delete(&p->po, e->gate_id);
		return;
	}
	c = call_find(p, e->call_handle);
	if (c != NULL)
		lpdp_decide_call(p, c);
}

static void
on_stats_timer(evutil_socket_t fd, short what, void *arg)
{
	struct pep *p = arg;

	(void)fd;
	(void)what;
	ctrl_ipc_send(&p->ipc, VPEP_IPC_STATS_REQ, NULL, 0);
}

/* COPS decisions outlive a PDP outage by decision_survival_s, then the LPDP takes over. */
static void
on_survival(evutil_socket_t fd, short what, void *arg)
{
	struct pep *p = arg;
	struct cops_conn *c = p->outsourcing ? p->outsourcing : p->n_conns ? &p->conns[0] : NULL;
	uint64_t now = ctrl_now_ms();

	(void)fd;
	(void)what;
	if (c == NULL || c->down_since == 0 || !c->ever_open)
		return;
	if (now - c->down_since < (uint64_t)p->cfg->decision_survival_s * 1000)
		return;
	policy_op_foreach(&p->po, VPEP_IPC_SOURCE_COPS, UINT64_MAX, expire_one, p);
}

int
pep_init(struct pep *p, struct event_base *base, const struct config *cfg,
	void (*cb)(void *arg, int urgent), void *arg)
{
	uint32_t i;
	int rc;

	memset(p, 0, sizeof(*p));
	p->base = base;
	p->cfg = cfg;
	p->changed = cb;
	p->changed_arg = arg;
	p->lpdp = cfg->lpdp;
	rc = policy_op_init(&p->po, &po_ops, p);
	if (rc < 0)
		return rc;
	rc = ctrl_ipc_init(&p->ipc, base, cfg->ipc_socket, cfg->ipc_retry_max_ms, &ipc_ops, p);
	if (rc < 0)
		return rc;
	for (i = 0; i < cfg->n_sessions; i++) {
		rc = cops_conn_init(&p->conns[i], base, cfg, &cfg->sessions[i], &conn_ops, p);
		if (rc < 0)
			return rc;
		if (cfg->sessions[i].outsourcing && p->outsourcing == NULL)
			p->outsourcing = &p->conns[i];
		if (cfg->sessions[i].provisioning) {
			/* the handle gate pushes come on: queued now, sent after every CAT */
			rc = cops_fsm_request(&p->conns[i].fsm, 0, COPS_RTYPE_CONFIG, NULL, 0,
				&p->config_handle[i]);
			if (rc < 0)
				return rc;
		}
	}
	p->n_conns = cfg->n_sessions;
	p->survival_ev = event_new(base, -1, EV_PERSIST, on_survival, p);
	p->stats_ev = event_new(base, -1, EV_PERSIST, on_stats_timer, p);
	return p->survival_ev != NULL && p->stats_ev != NULL ? 0 : -ENOMEM;
}

void
pep_start(struct pep *p)
{
	struct timeval tv = {1, 0};
	uint32_t i;

	ctrl_ipc_start(&p->ipc);
	for (i = 0; i < p->n_conns; i++)
		cops_conn_start(&p->conns[i]);
	evtimer_add(p->survival_ev, &tv);
	if (p->cfg->ipc_stats_interval_ms) {
		struct timeval st = {p->cfg->ipc_stats_interval_ms / 1000,
			(p->cfg->ipc_stats_interval_ms % 1000) * 1000};

		evtimer_add(p->stats_ev, &st);
	}
}

void
pep_stop(struct pep *p)
{
	uint32_t i;

	for (i = 0; i < p->n_conns; i++)
		cops_conn_stop(&p->conns[i]);
	ctrl_ipc_stop(&p->ipc);
	if (p->survival_ev != NULL)
		event_free(p->survival_ev);
	if (p->stats_ev != NULL)
		event_free(p->stats_ev);
	p->survival_ev = p->stats_ev = NULL;
	json_decref(p->dp_stats);
	p->dp_stats = NULL;
	json_decref(p->dp_stats_prev);
	p->dp_stats_prev = NULL;
	for (i = 0; i < PEP_CALL_BUCKETS; i++) {
		struct pep_call *c = p->calls[i], *n;

		for (; c != NULL; c = n) {
			n = c->next;
			free(c);
		}
		p->calls[i] = NULL;
	}
	policy_op_free(&p->po);
	lpdp_free(&p->lpdp);
}

void
pep_lpdp_replace(struct pep *p, const struct lpdp *l)
{
	memcpy(p->lpdp.rules, l->rules, sizeof(p->lpdp.rules));
	p->lpdp.n_rules = l->n_rules;
	p->lpdp.default_verdict = l->default_verdict;
	p->lpdp.default_dscp = l->default_dscp;
	p->lpdp_reloads++;
	changed(p, 0);
}
