/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy_op.h"

static uint32_t
hash64(uint64_t v)
{
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdULL;
	v ^= v >> 33;
	return (uint32_t)v & (POLICY_OP_BUCKETS - 1);
}

int
policy_op_init(struct policy_op *po, const struct policy_op_ops *ops, void *ctx)
{
	memset(po, 0, sizeof(*po));
	po->ops = ops;
	po->ctx = ctx;
	po->next_gate_id = 1;
	po->by_gate = calloc(POLICY_OP_BUCKETS, sizeof(*po->by_gate));
	po->by_call = calloc(POLICY_OP_BUCKETS, sizeof(*po->by_call));
	if (po->by_gate == NULL || po->by_call == NULL) {
		policy_op_free(po);
		return -ENOMEM;
	}
	return 0;
}

void
policy_op_free(struct policy_op *po)
{
	uint32_t i;

	if (po->by_gate != NULL) {
		for (i = 0; i < POLICY_OP_BUCKETS; i++) {
			struct policy_entry *e = po->by_gate[i], *n;

			for (; e != NULL; e = n) {
				n = e->next_gate;
				free(e);
			}
		}
	}
	free(po->by_gate);
	free(po->by_call);
	po->by_gate = po->by_call = NULL;
	po->n = 0;
}

static struct policy_entry *
find_gate(struct policy_op *po, uint32_t gate_id)
{
	struct policy_entry *e = po->by_gate[hash64(gate_id)];

	while (e != NULL && e->gate_id != gate_id)
		e = e->next_gate;
	return e;
}

static struct policy_entry *
find_call(struct policy_op *po, uint64_t call_handle)
{
	struct policy_entry *e = po->by_call[hash64(call_handle)];

	while (e != NULL && e->call_handle != call_handle)
		e = e->next_call;
	return e;
}

const struct policy_entry *
policy_op_call(struct policy_op *po, uint64_t call_handle)
{
	return find_call(po, call_handle);
}

const struct policy_entry *
policy_op_gate(struct policy_op *po, uint32_t gate_id)
{
	return find_gate(po, gate_id);
}

static struct policy_entry *
entry_new(struct policy_op *po, uint32_t gate_id, uint64_t call_handle)
{
	struct policy_entry *e = calloc(1, sizeof(*e));
	uint32_t b;

	if (e == NULL)
		return NULL;
	e->gate_id = gate_id;
	e->call_handle = call_handle;
	b = hash64(gate_id);
	e->next_gate = po->by_gate[b];
	po->by_gate[b] = e;
	if (call_handle != 0) {
		b = hash64(call_handle);
		e->next_call = po->by_call[b];
		po->by_call[b] = e;
	}
	po->n++;
	if (gate_id >= po->next_gate_id)
		po->next_gate_id = gate_id + 1;
	return e;
}

static void
entry_del(struct policy_op *po, struct policy_entry *e)
{
	struct policy_entry **pp;

	for (pp = &po->by_gate[hash64(e->gate_id)]; *pp != NULL; pp = &(*pp)->next_gate)
		if (*pp == e) {
			*pp = e->next_gate;
			break;
		}
	if (e->call_handle != 0)
		for (pp = &po->by_call[hash64(e->call_handle)]; *pp != NULL; pp = &(*pp)->next_call)
			if (*pp == e) {
				*pp = e->next_call;
				break;
			}
	free(e);
	po->n--;
}

/* Re-key an entry whose gate id changed (a call re-decided with a new gate id). */
static void
entry_rekey(struct policy_op *po, struct policy_entry *e, uint32_t gate_id)
{
	struct policy_entry **pp;
	uint32_t b;

	for (pp = &po->by_gate[hash64(e->gate_id)]; *pp != NULL; pp = &(*pp)->next_gate)
		if (*pp == e) {
			*pp = e->next_gate;
			break;
		}
	e->gate_id = gate_id;
	b = hash64(gate_id);
	e->next_gate = po->by_gate[b];
	po->by_gate[b] = e;
	if (gate_id >= po->next_gate_id)
		po->next_gate_id = gate_id + 1;
}

uint32_t
policy_op_gate_id(struct policy_op *po)
{
	uint32_t id;

	do {
		id = po->next_gate_id++;
		if (po->next_gate_id == 0)
			po->next_gate_id = 1;
	} while (id == 0 || find_gate(po, id) != NULL);
	return id;
}

static int
push(struct policy_op *po, struct policy_entry *e)
{
	int64_t seq;

	if (!po->dp_up)
		return 0;	/* pushed by policy_op_resync_done() */
	if (e->is_gate) {
		seq = po->ops->send(po->ctx, VPEP_IPC_GATE_SET, &e->u.gate, sizeof(e->u.gate));
		po->gates_sent++;
	} else {
		seq = po->ops->send(po->ctx, VPEP_IPC_DECISION, &e->u.dec, sizeof(e->u.dec));
		po->decisions_sent++;
	}
	if (seq < 0)
		return 0;	/* the link dropped: resync will tell */
	e->pending_seq = (uint32_t)seq;
	return 0;
}

/*
 * Decisions compare on what the dataplane enforces, not on which rule or source decided: the
 * verdict; for an admit, the DSCP and the meter's type and rates. A deny's DSCP and meter mean
 * nothing. The colour actions are not compared: vpep-ctrl derives them from the meter type, and
 * a resync (GATE_STATE) does not report them.
 */
static int
same_decision(const struct vpep_ipc_decision *a, const struct vpep_ipc_decision *b)
{
	if (a->verdict != b->verdict)
		return 0;
	if (a->verdict == VPEP_IPC_VERDICT_DENY)
		return a->deny_signalling == b->deny_signalling;
	return a->dscp == b->dscp && a->meter.type == b->meter.type && a->meter.cir == b->meter.cir &&
		a->meter.pir == b->meter.pir && a->meter.cbs == b->meter.cbs &&
		a->meter.pbs == b->meter.pbs;
}

int
policy_op_decide(struct policy_op *po, const struct vpep_ipc_decision *d, uint64_t now)
{
	struct policy_entry *e;

	if (d->call_handle == 0 || d->gate_id == 0 ||
			(d->verdict != VPEP_IPC_VERDICT_ADMIT && d->verdict != VPEP_IPC_VERDICT_DENY))
		return -EINVAL;
	e = find_call(po, d->call_handle);
	if (e != NULL && same_decision(&e->u.dec, d) && (e->installed || e->pending_seq ||
			!po->dp_up)) {
		/* a new source confirming the decision takes it over (LPDP -> COPS) */
		e->source = d->source;
		e->u.dec.source = d->source;
		memcpy(e->u.dec.rule, d->rule, sizeof(e->u.dec.rule));
		e->since = now;
		po->decisions_unchanged++;
		return 1;
	}
	if (e == NULL) {
		struct policy_entry *g = find_gate(po, d->gate_id);

		if (g != NULL && g->call_handle != d->call_handle)
			return -EEXIST;
		e = entry_new(po, d->gate_id, d->call_handle);
		if (e == NULL)
			return -ENOMEM;
	} else if (e->gate_id != d->gate_id) {
		if (find_gate(po, d->gate_id) != NULL)
			return -EEXIST;
		entry_rekey(po, e, d->gate_id);
	}
	e->u.dec = *d;
	e->source = d->source;
	e->installed = 0;
	e->since = now;
	return push(po, e);
}

static int
same_gate(const struct vpep_ipc_gate *a, const struct vpep_ipc_gate *b)
{
	struct vpep_ipc_gate x = *a, y = *b;

	x.gate_id = y.gate_id = 0;
	x.source = y.source = 0;
	memset(x.rule, 0, sizeof(x.rule));
	memset(y.rule, 0, sizeof(y.rule));
	return memcmp(&x, &y, sizeof(x)) == 0;
}

uint32_t
policy_op_gate_find(struct policy_op *po, const struct vpep_ipc_gate *g)
{
	uint32_t i;

	for (i = 0; i < POLICY_OP_BUCKETS; i++) {
		struct policy_entry *e;

		for (e = po->by_gate[i]; e != NULL; e = e->next_gate)
			if (e->is_gate && same_gate(&e->u.gate, g))
				return e->gate_id;
	}
	return 0;
}

int
policy_op_gate_set(struct policy_op *po, const struct vpep_ipc_gate *g, uint64_t now)
{
	struct policy_entry *e;

	if (g->gate_id == 0)
		return -EINVAL;
	e = find_gate(po, g->gate_id);
	if (e != NULL && !e->is_gate)
		return -EEXIST;
	if (e != NULL && same_gate(&e->u.gate, g) && (e->installed || e->pending_seq ||
			!po->dp_up)) {
		e->source = g->source;
		e->u.gate.source = g->source;
		e->since = now;
		po->gates_unchanged++;
		return 1;
	}
	if (e == NULL) {
		e = entry_new(po, g->gate_id, 0);
		if (e == NULL)
			return -ENOMEM;
	}
	e->is_gate = 1;
	e->u.gate = *g;
	e->source = g->source;
	e->installed = 0;
	e->since = now;
	return push(po, e);
}

int
policy_op_gate_delete(struct policy_op *po, uint32_t gate_id)
{
	struct policy_entry *e = find_gate(po, gate_id);
	struct vpep_ipc_gate_delete del;

	if (e == NULL || !e->is_gate)
		return -ENOENT;
	if (po->dp_up) {
		memset(&del, 0, sizeof(del));
		del.gate_id = gate_id;
		po->ops->send(po->ctx, VPEP_IPC_GATE_DELETE, &del, sizeof(del));
		po->deletes_sent++;
	}
	entry_del(po, e);
	return 0;
}

void
policy_op_call_end(struct policy_op *po, uint64_t call_handle)
{
	struct policy_entry *e = find_call(po, call_handle);

	if (e != NULL)
		entry_del(po, e);
}

void
policy_op_dp_up(struct policy_op *po)
{
	uint32_t i;

	po->dp_up = 1;
	/* until the resync says otherwise nothing is known to be installed */
	for (i = 0; i < POLICY_OP_BUCKETS; i++) {
		struct policy_entry *e;

		for (e = po->by_gate[i]; e != NULL; e = e->next_gate) {
			e->installed = 0;
			e->pending_seq = 0;
		}
	}
}

void
policy_op_dp_down(struct policy_op *po)
{
	po->dp_up = 0;
}

void
policy_op_result(struct policy_op *po, const struct vpep_ipc_result *r)
{
	struct policy_entry *e = find_gate(po, r->gate_id);

	if (r->status == 0)
		po->results_ok++;
	else
		po->results_err++;
	if (e == NULL || e->pending_seq != r->ref_seq)
		goto out;
	e->pending_seq = 0;
	e->installed = r->status == 0;
out:
	if (po->ops->applied != NULL)
		po->ops->applied(po->ctx, e != NULL ? e->call_handle : 0, r->gate_id, r->ref_type,
			r->status);
}

void
policy_op_learn_call(struct policy_op *po, const struct vpep_ipc_admission *a, uint64_t now)
{
	struct policy_entry *e;

	if (!(a->flags & VPEP_IPC_ADM_DECIDED) || a->gate_id == 0)
		return;
	e = find_call(po, a->call_handle);
	if (e == NULL) {
		e = entry_new(po, a->gate_id, a->call_handle);
		if (e == NULL)
			return;
		/* what the dataplane enforces; the details come back with the next decision */
		e->u.dec.call_handle = a->call_handle;
		e->u.dec.gate_id = a->gate_id;
		e->u.dec.verdict = a->verdict;
		e->u.dec.dscp = VPEP_IPC_DSCP_KEEP;
		e->since = now;
	} else if (e->gate_id != a->gate_id) {
		entry_rekey(po, e, a->gate_id);
	}
	e->installed = 1;
}

void
policy_op_learn_gate(struct policy_op *po, const struct vpep_ipc_gate_state *gs, uint64_t now)
{
	struct policy_entry *e = find_gate(po, gs->gate.gate_id);

	if (gs->call_handle != 0) {
		/* a call's gate: its meter and DSCP complete what the admission said */
		e = find_call(po, gs->call_handle);
		if (e != NULL && !e->is_gate) {
			e->u.dec.dscp = gs->gate.dscp;
			e->u.dec.meter = gs->gate.meter;
			e->u.dec.source = gs->gate.source;
			e->source = gs->gate.source;
		}
		return;
	}
	if (e == NULL) {
		e = entry_new(po, gs->gate.gate_id, 0);
		if (e == NULL)
			return;
		e->since = now;
	}
	e->is_gate = 1;
	e->u.gate = gs->gate;
	e->source = gs->gate.source;
	e->installed = 1;
}

void
policy_op_resync_done(struct policy_op *po)
{
	uint32_t i;

	for (i = 0; i < POLICY_OP_BUCKETS; i++) {
		struct policy_entry *e;

		for (e = po->by_gate[i]; e != NULL; e = e->next_gate)
			if (!e->installed && !e->pending_seq)
				push(po, e);
	}
}

void
policy_op_foreach(struct policy_op *po, uint8_t source, uint64_t before,
	void (*fn)(void *arg, const struct policy_entry *e), void *arg)
{
	uint32_t i;

	for (i = 0; i < POLICY_OP_BUCKETS; i++) {
		struct policy_entry *e = po->by_gate[i], *n;

		for (; e != NULL; e = n) {
			n = e->next_gate;
			if (e->source == source && e->since < before)
				fn(arg, e);
		}
	}
}
