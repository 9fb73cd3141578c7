/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>

#include "dp.h"
#include "dp_ipc.h"
#include "dscp.h"
#include "flow_table.h"
#include "media_expect.h"
#include "media_flow.h"
#include "pkt_parse.h"
#include "policy.h"
#include "sip_guard.h"
#include "sip_worker.h"
#include "vpep_classes.h"
#include "vpep_ipc.h"
#include "voip.h"

/* Per media flow: the gate version its meters were started for, one meter per direction, and
 * the gate slot of the call it last saw (so the handle is split once per call, not per packet). */
struct policy_flow {
	uint64_t gate_version;
	uint64_t call;		/* the handle slot was computed for; 0: none yet */
	int64_t slot;		/* slot_of(call) */
	struct meter m[2];
};

/* The provisioned gates in force: replaced whole (copy, change, publish) by the control
 * thread; readers take the pointer once per packet. gen tells cached matches apart. */
struct pgate_set {
	uint32_t gen;
	uint32_t n;
	struct policy_pgate g[];
};

/* Per flow: which provisioned gate each direction matched, for set generation gen. */
struct pgate_cache {
	uint32_t gen;
	uint32_t instance;
	int16_t gate[2];
};

struct policy_worker {
	const struct policy_conf *conf;	/* in force for this loop */
	uint64_t conf_version;
	struct meter cls_meter[POLICY_CLASS_MAX];
	struct policy_flow *flows;	/* indexed like the media pool */
	uint32_t n_flows;
	struct rte_rcu_qsbr_dq *dq;	/* gates this worker unpublished */
	unsigned int dq_pending;	/* of them, not reclaimed yet (0: skip the reclaim call,
					 * which logs at INFO level on every call) */
	struct policy_class_ctr cls[POLICY_CLASS_MAX];
	struct policy_gate_ctr *gate_ctr; /* per gate slot */
	struct policy_admission_ctr adm;
	struct policy_protect_ctr prot;
	struct pgate_cache *pg_cache;	/* per flow table entry */
	uint32_t pg_gen;		/* set generation the meters below were started for */
	struct meter pg_meter[POLICY_PGATES_MAX];
	struct policy_gate_ctr pg_ctr[POLICY_PGATES_MAX]; /* version = gate's set gen */
};

static struct {
	struct policy_conf *conf;	/* RCU-published */
	uint64_t conf_version;
	struct policy_gate **gates;	/* n_workers * calls slots, RCU-published */
	unsigned int n_workers;
	uint32_t calls;
	struct rte_mempool *gate_pool;
	uint64_t next_version;		/* atomic */
	struct sip_guard guard;
	void *guard_mem;
	uint32_t next_gate_id;		/* atomic: ids of locally decided gates */
	struct pgate_set *pgates;	/* RCU-published; NULL = none */
	uint32_t pg_gen;
	struct {
		void *p;
		uint64_t token;
	} retired[64];			/* replaced sets waiting for their grace period */
	unsigned int n_retired;
} g;

#define GATE_ID_LOCAL_BASE 0x80000000u	/* local ids never collide with a PDP's small ones */

static uint64_t
new_version(void)
{
	return __atomic_add_fetch(&g.next_version, 1, __ATOMIC_RELAXED);
}

static struct sip_guard_conf
guard_conf(const struct policy_conf *pc)
{
	struct sip_guard_conf c = {
		.rate_rps = pc->protect.rate_rps,
		.rate_burst = pc->protect.rate_burst,
		.sweep_users = pc->protect.sweep_users,
		.sweep_window_s = pc->protect.sweep_window_s,
		.block_s = pc->protect.block_s,
	};
	return c;
}

/* The policy class of each application class (vpep_classes.h), filled once by
 * class_table_init(): RTP is voice until its media flow says video. */
static uint8_t class_of_app[256];

static void
class_table_init(void)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(class_of_app); i++)
		class_of_app[i] = POLICY_CLASS_default;
	class_of_app[VPEP_CLASS_rtp] = POLICY_CLASS_voice;
	class_of_app[VPEP_CLASS_rtcp] = POLICY_CLASS_rtcp;
	class_of_app[VPEP_CLASS_sip] = POLICY_CLASS_sip;
	class_of_app[VPEP_CLASS_rtp_unsignalled] = POLICY_CLASS_rtp_unsignalled;
	class_of_app[VPEP_CLASS_http] = POLICY_CLASS_http;
	class_of_app[VPEP_CLASS_pop3] = POLICY_CLASS_pop3;
	class_of_app[VPEP_CLASS_cwmp] = POLICY_CLASS_cwmp;
	class_of_app[VPEP_CLASS_cip] = POLICY_CLASS_cip;
	class_of_app[VPEP_CLASS_cops] = POLICY_CLASS_cops;
	class_of_app[VPEP_CLASS_rtsp] = POLICY_CLASS_rtsp;
}

int
policy_global_init(const struct policy_conf *pc, unsigned int n_workers, uint32_t calls,
		int socket, char *err, size_t err_len)
{
	struct sip_guard_conf gc = guard_conf(pc);
	uint64_t n = (uint64_t)n_workers * calls;

	memset(&g, 0, sizeof(g));
	g.n_workers = n_workers;
	g.calls = calls;
	g.conf = rte_zmalloc_socket("policy_conf", sizeof(*g.conf), RTE_CACHE_LINE_SIZE, socket);
	g.gates = rte_zmalloc_socket("policy_gates", n * sizeof(*g.gates), RTE_CACHE_LINE_SIZE,
			socket);
	/* Each call holds one gate, plus those waiting for a grace period to end. */
	g.gate_pool = rte_mempool_create("policy_gate_pool", (unsigned int)(n * 2 + 1024),
			sizeof(struct policy_gate), 64, 0, NULL, NULL, NULL, NULL, socket, 0);
	g.guard_mem = rte_zmalloc_socket("sip_guard", sip_guard_mem_size(pc->protect.sources),
			RTE_CACHE_LINE_SIZE, socket);
	if (g.conf == NULL || g.gates == NULL || g.gate_pool == NULL || g.guard_mem == NULL ||
			sip_guard_init(&g.guard, g.guard_mem, pc->protect.sources, &gc,
					rte_rand()) != 0) {
		snprintf(err, err_len, "cannot allocate the policy tables (%" PRIu64 " gate slots, "
				"%u protection sources): give EAL more memory or lower sip.calls",
				n, pc->protect.sources);
		policy_global_free();
		return -ENOMEM;
	}
	*g.conf = *pc;
	g.conf_version = new_version();
	g.next_gate_id = GATE_ID_LOCAL_BASE;
	class_table_init();
	return 0;
}

void
policy_global_free(void)
{
	uint64_t i, n = (uint64_t)g.n_workers * g.calls;

	if (g.gates != NULL && g.gate_pool != NULL)
		for (i = 0; i < n; i++)
			if (g.gates[i] != NULL)
				rte_mempool_put(g.gate_pool, g.gates[i]);
	rte_free(g.gates);
	rte_mempool_free(g.gate_pool);
	rte_free(g.conf);
	rte_free(g.guard_mem);
	free(g.pgates);
	for (unsigned int r = 0; r < g.n_retired; r++)
		free(g.retired[r].p);
	memset(&g, 0, sizeof(g));
}

const struct policy_conf *
policy_current(void)
{
	return __atomic_load_n(&g.conf, __ATOMIC_ACQUIRE);
}

int
policy_reload(const struct policy_conf *pc)
{
	struct policy_conf *nc, *old;
	struct sip_guard_conf gc = guard_conf(pc);

	if (pc->protect.sources != g.conf->protect.sources)
		return -ENOTSUP; /* the protection table is sized at start */
	nc = rte_zmalloc("policy_conf", sizeof(*nc), RTE_CACHE_LINE_SIZE);
	if (nc == NULL)
		return -ENOMEM;
	*nc = *pc;
	old = __atomic_exchange_n(&g.conf, nc, __ATOMIC_ACQ_REL);
	__atomic_store_n(&g.conf_version, new_version(), __ATOMIC_RELEASE);
	sip_guard_set_conf(&g.guard, &gc);
	/* every worker re-reads the pointer in its loop: after a grace period none holds it */
	rte_rcu_qsbr_synchronize(media_expect_qsbr(), RTE_QSBR_THRID_INVALID);
	rte_free(old);
	return 0;
}

static void
gate_free(void *p, void *e, unsigned int n)
{
	unsigned int i;

	(void)p;
	for (i = 0; i < n; i++)
		rte_mempool_put(g.gate_pool, ((void **)e)[i]);
}

int
policy_worker_init(struct dp_worker *w, char *err, size_t err_len)
{
	struct rte_rcu_qsbr_dq_parameters dqp = { 0 };
	struct policy_worker *pw;
	char name[RTE_RCU_QSBR_DQ_NAMESIZE];
	uint32_t flows = dp.conf.media_flows;

	pw = rte_zmalloc_socket("policy_worker", sizeof(*pw), RTE_CACHE_LINE_SIZE, w->socket);
	if (pw == NULL)
		goto nomem;
	w->policy = pw;
	pw->flows = rte_zmalloc_socket("policy_flows", (size_t)flows * sizeof(*pw->flows),
			RTE_CACHE_LINE_SIZE, w->socket);
	pw->pg_cache = rte_zmalloc_socket("policy_pg_cache",
			(size_t)dp.conf.flow_capacity * sizeof(*pw->pg_cache), RTE_CACHE_LINE_SIZE,
			w->socket);
	pw->gate_ctr = rte_zmalloc_socket("policy_gate_ctr",
			(size_t)g.n_workers * g.calls * sizeof(*pw->gate_ctr), RTE_CACHE_LINE_SIZE,
			w->socket);
	if (pw->flows == NULL || pw->gate_ctr == NULL || pw->pg_cache == NULL)
		goto nomem;
	pw->n_flows = flows;
	snprintf(name, sizeof(name), "pgate%u", w->id);
	dqp.name = name;
	dqp.size = g.calls * 2 + 64;
	dqp.esize = sizeof(void *);
	dqp.trigger_reclaim_limit = 32;
	dqp.max_reclaim_size = 64;
	dqp.free_fn = gate_free;
	dqp.v = media_expect_qsbr();
	pw->dq = rte_rcu_qsbr_dq_create(&dqp);
	if (pw->dq == NULL)
		goto nomem;
	pw->conf = policy_current();
	pw->conf_version = 0; /* meters start on the first loop */
	return 0;
nomem:
	snprintf(err, err_len, "worker %u: cannot allocate policy state (%u media flows)", w->id,
			flows);
	policy_worker_free(w);
	return -ENOMEM;
}

void
policy_worker_free(struct dp_worker *w)
{
	struct policy_worker *pw = w->policy;

	if (pw == NULL)
		return;
	if (pw->dq != NULL) {
		unsigned int freed, pending, avail;

		rte_rcu_qsbr_dq_reclaim(pw->dq, UINT32_MAX, &freed, &pending, &avail);
		rte_rcu_qsbr_dq_delete(pw->dq);
	}
	rte_free(pw->flows);
	rte_free(pw->pg_cache);
	rte_free(pw->gate_ctr);
	rte_free(pw);
	w->policy = NULL;
}

static void
meters_restart(struct policy_worker *pw, uint64_t now_ns)
{
	unsigned int c;

	for (c = 0; c < POLICY_CLASS_MAX; c++)
		meter_init(&pw->cls_meter[c], &pw->conf->cls[c].profile, now_ns);
}

void
policy_loop(struct dp_worker *w)
{
	struct policy_worker *pw = w->policy;
	uint64_t v = __atomic_load_n(&g.conf_version, __ATOMIC_ACQUIRE);

	if (unlikely(v != pw->conf_version)) {
		pw->conf = policy_current();
		pw->conf_version = v;
		meters_restart(pw, w->now_ns);
	}
	if (pw->dq_pending > 0)
		rte_rcu_qsbr_dq_reclaim(pw->dq, 64, NULL, &pw->dq_pending, NULL);
	dp_ipc_worker_ops(w);
}

/* ---- the link's forms of gates and their counts ---- */

/*
 * A treatment's meter and colour actions from the link's form (DECISION, GATE_SET). 0, or
 * -EINVAL with the reason in err.
 */
static int
treatment_from_ipc(struct policy_treatment *t, const struct vpep_ipc_meter *im, char *err,
		size_t err_len)
{
	struct meter_params mp = { .type = im->type, .cir = im->cir, .pir = im->pir,
		.cbs = im->cbs, .pbs = im->pbs };

	if (im->yellow_action > POLICY_ACT_DROP || im->red_action > POLICY_ACT_DROP) {
		snprintf(err, err_len, "bad colour action");
		return -EINVAL;
	}
	if (meter_profile_init(&t->profile, &mp, err, (unsigned int)err_len) != 0)
		return -EINVAL;
	t->meter = mp;
	t->act[METER_YELLOW].action = im->yellow_action;
	t->act[METER_YELLOW].dscp = im->yellow_dscp;
	t->act[METER_RED].action = im->red_action;
	t->act[METER_RED].dscp = im->red_dscp;
	return 0;
}

/* The link's form of a treatment's meter type and rates (resync). */
static void
treatment_to_ipc(struct vpep_ipc_meter *im, const struct policy_treatment *t)
{
	im->type = t->profile.type;
	im->cir = t->meter.cir;
	im->pir = t->meter.pir;
	im->cbs = t->meter.cbs;
	im->pbs = t->meter.pbs;
}

static uint8_t
verdict_to_ipc(uint8_t verdict)
{
	return verdict == POLICY_ADMIT ? VPEP_IPC_VERDICT_ADMIT :
	       verdict == POLICY_DENY ? VPEP_IPC_VERDICT_DENY : 0;
}

/*
 * A gate's counts summed over the workers: gate slot i (call gates) or provisioned gate i,
 * counting only workers whose counters belong to version.
 */
static void
gate_counts(bool provisioned, uint64_t i, uint64_t version, uint64_t pk[METER_COLOURS],
		uint64_t by[METER_COLOURS], uint64_t *dropped)
{
	unsigned int w, c;

	for (w = 0; w < dp.n_workers; w++) {
		const struct policy_worker *pw = dp.workers[w]->policy;
		const struct policy_gate_ctr *gc = provisioned ? &pw->pg_ctr[i] : &pw->gate_ctr[i];

		if (gc->version != version)
			continue;
		for (c = 0; c < METER_COLOURS; c++) {
			pk[c] += gc->packets[c];
			by[c] += gc->bytes[c];
		}
		*dropped += gc->dropped;
	}
}

static void
gate_state_counts(struct vpep_ipc_gate_state *gs, bool provisioned, uint64_t i, uint64_t version)
{
	uint64_t pk[METER_COLOURS] = { 0 }, by[METER_COLOURS] = { 0 }, dropped = 0;

	gate_counts(provisioned, i, version, pk, by, &dropped);
	gs->green_packets = pk[METER_GREEN];
	gs->yellow_packets = pk[METER_YELLOW];
	gs->red_packets = pk[METER_RED];
	gs->dropped_packets = dropped;
}

static const char *
source_name(uint8_t source)
{
	return source == VPEP_IPC_SOURCE_COPS ? "cops" :
	       source == VPEP_IPC_SOURCE_LPDP ? "lpdp" :
	       source == VPEP_IPC_SOURCE_HTTP ? "http" : "config";
}

/* ---- gates ---- */

static int64_t
slot_of(uint64_t handle)
{
	unsigned int worker;
	struct call_ref ref;

	if (sip_call_handle_split(handle, &worker, &ref) != 0 || worker >= g.n_workers ||
			ref.slot >= g.calls)
		return -1;
	return (int64_t)worker * g.calls + ref.slot;
}

/* The gate published in slot s for call handle, or NULL (s < 0: the handle names no slot). */
static inline const struct policy_gate *
gate_in(int64_t s, uint64_t handle)
{
	const struct policy_gate *gt;

	if (unlikely(s < 0))
		return NULL;
	gt = __atomic_load_n(&g.gates[s], __ATOMIC_ACQUIRE);
	return gt != NULL && gt->call == handle ? gt : NULL;
}

/* The gate of a call and its slot (*slot < 0 and NULL when the handle names none). */
static inline const struct policy_gate *
gate_at(uint64_t handle, int64_t *slot)
{
	*slot = slot_of(handle);
	return gate_in(*slot, handle);
}

const struct policy_gate *
policy_call_gate(uint64_t handle)
{
	int64_t s;

	return gate_at(handle, &s);
}

/* Publish gt in slot s (owner only); the previous gate is freed after a grace period. */
static void
publish(unsigned int worker, int64_t s, struct policy_gate *gt)
{
	struct policy_gate *old = __atomic_exchange_n(&g.gates[s], gt, __ATOMIC_ACQ_REL);

	if (old != NULL) {
		struct policy_worker *pw = dp.workers[worker]->policy;

		if (rte_rcu_qsbr_dq_enqueue(pw->dq, &old) == 0) {
			pw->dq_pending++;
		} else {
			/* queue full: wait for the readers instead (rare: a burst of call ends) */
			rte_rcu_qsbr_quiescent(media_expect_qsbr(), worker);
			rte_rcu_qsbr_synchronize(media_expect_qsbr(), worker);
			rte_mempool_put(g.gate_pool, old);
		}
	}
}

static struct policy_gate *
gate_new(uint64_t handle)
{
	struct policy_gate *gt;

	if (rte_mempool_get(g.gate_pool, (void **)&gt) != 0)
		return NULL;
	memset(gt, 0, sizeof(*gt));
	gt->call = handle;
	gt->version = new_version();
	gt->rule = -1;
	return gt;
}

/* A gate's treatment for an admitted call: rule's meter, else one sized from the codecs. */
static void
admit_treatment(const struct policy_conf *pc, const struct policy_rule *r, uint64_t bps,
		struct policy_treatment *t)
{
	struct meter_params mp;
	uint64_t cir;

	*t = r != NULL ? r->t : pc->gate.t;
	if (r != NULL && r->has_treatment)
		return;
	t->profile.type = METER_NONE;
	if (!pc->gate.from_codec || pc->gate.t.meter.type == METER_NONE || bps == 0)
		return;
	cir = bps / 8;
	memset(&mp, 0, sizeof(mp));
	mp.type = pc->gate.t.meter.type;
	mp.cir = cir;
	mp.cbs = RTE_MAX(cir * pc->gate.burst_ms / 1000, (uint64_t)1500);
	mp.pir = cir * pc->gate.peak_percent / 100;
	mp.pbs = mp.cbs;
	if (mp.type == METER_SRTCM)
		mp.pbs = pc->gate.t.meter.pbs;
	if (meter_profile_init(&t->profile, &mp, NULL, 0) == 0)
		t->meter = mp;
	else
		t->profile.type = METER_NONE;
}

/* Decide a call with the local rules into gt (verdict, rule, treatment). */
static const struct policy_rule *
decide_locally(const struct policy_conf *pc, const struct policy_call_facts *facts,
		struct policy_gate *gt)
{
	const struct policy_rule *r = policy_rule_match(pc, facts);

	if (r != NULL) {
		gt->verdict = r->verdict;
		gt->rule = (int32_t)r->index;
		snprintf(gt->rule_name, sizeof(gt->rule_name), "%s", r->name);
		gt->deny_signalling = r->deny_signalling;
	} else {
		gt->verdict = pc->default_verdict;
		gt->rule = -1;
		snprintf(gt->rule_name, sizeof(gt->rule_name), "default");
		gt->deny_signalling = pc->gate.deny_signalling;
	}
	if (gt->verdict == POLICY_ADMIT)
		admit_treatment(pc, r, facts->bandwidth_bps, &gt->t);
	return r;
}

void
policy_call_update(unsigned int worker, uint64_t handle, const struct policy_call_facts *f,
		uint8_t src_family, const uint8_t *src_addr, uint64_t now_ns,
		struct vpep_ipc_admission *ev)
{
	struct policy_worker *pw = dp.workers[worker]->policy;
	const struct policy_gate *cur = policy_call_gate(handle);
	struct policy_call_facts facts = *f;
	struct policy_gate *gt;

	if (cur == NULL)
		return;
	if (cur->source != VPEP_IPC_SOURCE_CONFIG) {
		/* the control plane decided (or is deciding): tell it the media changed */
		ev->call_handle = handle;
		ev->flags |= VPEP_IPC_ADM_UPDATE;
		ev->gate_id = cur->gate_id;
		dp_ipc_admission(ev);
		return;
	}
	gt = gate_new(handle);
	if (gt == NULL) {
		pw->adm.no_gate_memory++;
		return;
	}
	facts.source_calls = 0;
	if (src_family != 0) {
		/* the count includes this call; the rules look at the others */
		uint32_t n = sip_guard_calls_get(&g.guard, src_family, src_addr, now_ns / 1000000);

		facts.source_calls = n > 0 ? n - 1 : 0;
	}
	gt->source = cur->source;
	gt->gate_id = cur->gate_id;
	gt->bandwidth_bps = f->bandwidth_bps;
	decide_locally(pw->conf, &facts, gt);
	if (gt->verdict == cur->verdict && gt->rule == cur->rule &&
			memcmp(&gt->t, &cur->t, sizeof(gt->t)) == 0) {
		rte_mempool_put(g.gate_pool, gt); /* nothing changed: meters keep their state */
		return;
	}
	publish(worker, slot_of(handle), gt);
	pw->adm.updated++;
}

int
policy_call_admit(unsigned int worker, uint64_t handle, const struct policy_call_facts *f,
		uint8_t src_family, const uint8_t *src_addr, uint64_t now_ns,
		struct vpep_ipc_admission *ev)
{
	struct policy_worker *pw = dp.workers[worker]->policy;
	const struct policy_conf *pc = pw->conf;
	struct policy_call_facts facts = *f;
	const struct policy_rule *r;
	struct policy_gate *gt;
	int64_t s = slot_of(handle);

	if (s < 0)
		return -EINVAL;
	pw->adm.events++;
	gt = gate_new(handle);
	if (gt == NULL) {
		pw->adm.no_gate_memory++;
		return -ENOMEM;
	}
	facts.source_calls = src_family != 0 ?
			sip_guard_calls_add(&g.guard, src_family, src_addr, 1, now_ns / 1000000) : 0;
	ev->call_handle = handle;
	gt->bandwidth_bps = f->bandwidth_bps;
	if (dp_ipc_attached() && !pc->local_rules) {
		/* vpep-ctrl decides: the call waits (class treatment or hold) for its DECISION */
		gt->source = VPEP_IPC_SOURCE_COPS;
		gt->verdict = 0;
		snprintf(gt->rule_name, sizeof(gt->rule_name), "pending");
		pw->adm.pending++;
		publish(worker, s, gt);
		dp_ipc_admission(ev);
		return 0;
	}
	gt->source = VPEP_IPC_SOURCE_CONFIG;
	gt->gate_id = __atomic_fetch_add(&g.next_gate_id, 1, __ATOMIC_RELAXED);
	r = decide_locally(pc, &facts, gt);
	if (r != NULL)
		pw->adm.by_rule[r->index]++;
	else
		pw->adm.by_default++;
	if (gt->verdict == POLICY_ADMIT)
		pw->adm.admitted++;
	else
		pw->adm.denied++;
	publish(worker, s, gt);
	ev->flags |= VPEP_IPC_ADM_DECIDED;
	ev->gate_id = gt->gate_id;
	ev->verdict = gt->verdict == POLICY_ADMIT ? VPEP_IPC_VERDICT_ADMIT : VPEP_IPC_VERDICT_DENY;
	dp_ipc_admission(ev); /* for the record: vpep-ctrl learns what the local rules did */
	return gt->verdict;
}

void
policy_call_release(unsigned int worker, uint64_t handle, uint8_t src_family,
		const uint8_t *src_addr, uint64_t now_ns, struct vpep_ipc_call_end *ev)
{
	struct policy_worker *pw = dp.workers[worker]->policy;
	int64_t s = slot_of(handle);
	struct policy_gate *gt;

	if (s < 0)
		return;
	gt = __atomic_load_n(&g.gates[s], __ATOMIC_ACQUIRE);
	if (gt == NULL || gt->call != handle)
		return;
	if (src_family != 0)
		sip_guard_calls_add(&g.guard, src_family, src_addr, -1, now_ns / 1000000);
	ev->call_handle = handle;
	ev->gate_id = gt->gate_id;
	publish(worker, s, NULL);
	pw->adm.released++;
	dp_ipc_call_end(ev);
}

int
policy_gate_report(unsigned int worker, uint32_t slot, uint64_t *handle,
		struct vpep_ipc_admission *a, struct vpep_ipc_gate_state *gs)
{
	const struct policy_gate *gt;
	const struct call *c;
	uint64_t i = (uint64_t)worker * g.calls + slot;

	if (g.gates == NULL || worker >= g.n_workers || slot >= g.calls)
		return -ENOENT;
	gt = __atomic_load_n(&g.gates[i], __ATOMIC_ACQUIRE);
	if (gt == NULL)
		return -ENOENT;
	*handle = gt->call;
	memset(a, 0, sizeof(*a));
	memset(gs, 0, sizeof(*gs));
	a->call_handle = gt->call;
	a->flags = VPEP_IPC_ADM_RESYNC | (gt->verdict != 0 ? VPEP_IPC_ADM_DECIDED : 0);
	a->gate_id = gt->gate_id;
	a->verdict = verdict_to_ipc(gt->verdict);
	c = sip_worker_call(dp.workers[worker]->voip->sip, gt->call);
	if (c != NULL) {
		snprintf(a->call_id, sizeof(a->call_id), "%s", c->call_id);
		snprintf(a->from_uri, sizeof(a->from_uri), "%s", c->from);
		snprintf(a->to_uri, sizeof(a->to_uri), "%s", c->to);
	}
	gs->call_handle = gt->call;
	gs->gate.gate_id = gt->gate_id;
	gs->gate.verdict = a->verdict;
	gs->gate.dscp = gt->t.dscp;
	gs->gate.source = gt->source;
	gs->gate.dir = VPEP_IPC_DIR_UPSTREAM | VPEP_IPC_DIR_DOWNSTREAM;
	treatment_to_ipc(&gs->gate.meter, &gt->t);
	memcpy(gs->gate.rule, gt->rule_name, sizeof(gs->gate.rule) - 1);
	gate_state_counts(gs, false, i, gt->version);
	return 0;
}

int
policy_call_decide(unsigned int worker, uint64_t handle, const struct vpep_ipc_decision *d,
		char *err, size_t err_len)
{
	struct policy_worker *pw = dp.workers[worker]->policy;
	int64_t s;
	const struct policy_gate *cur = gate_at(handle, &s);
	struct policy_gate *gt;

	if (s < 0 || cur == NULL) {
		pw->adm.decisions_stale++;
		snprintf(err, err_len, "no call with handle %#" PRIx64, handle);
		return -ENOENT;
	}
	if ((d->verdict != VPEP_IPC_VERDICT_ADMIT && d->verdict != VPEP_IPC_VERDICT_DENY) ||
			(d->dscp > DSCP_MAX && d->dscp != VPEP_IPC_DSCP_KEEP) || d->gate_id == 0) {
		snprintf(err, err_len, "bad verdict, DSCP or gate id");
		return -EINVAL;
	}
	gt = gate_new(handle);
	if (gt == NULL) {
		snprintf(err, err_len, "no gate memory");
		return -ENOSPC;
	}
	gt->gate_id = d->gate_id;
	gt->source = d->source;
	gt->verdict = d->verdict == VPEP_IPC_VERDICT_ADMIT ? POLICY_ADMIT : POLICY_DENY;
	gt->deny_signalling = d->deny_signalling;
	memcpy(gt->rule_name, d->rule, sizeof(gt->rule_name) - 1);
	gt->bandwidth_bps = cur->bandwidth_bps;
	gt->t = cur->t;
	if (cur->verdict != POLICY_ADMIT)
		admit_treatment(pw->conf, NULL, cur->bandwidth_bps, &gt->t);
	if (d->dscp != VPEP_IPC_DSCP_KEEP)
		gt->t.dscp = d->dscp;
	if ((d->meter.type != VPEP_IPC_METER_NONE || d->meter.cir != 0) &&
			treatment_from_ipc(&gt->t, &d->meter, err, err_len) != 0) {
		rte_mempool_put(g.gate_pool, gt);
		return -EINVAL;
	}
	publish(worker, s, gt);
	pw->adm.decisions++;
	return 0;
}

/* ---- provisioned gates ---- */

static bool
prefix_match(const uint8_t *a, const uint8_t *p, unsigned int plen)
{
	unsigned int full = plen / 8, rest = plen % 8;

	if (memcmp(a, p, full) != 0)
		return false;
	return rest == 0 || ((a[full] ^ p[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

static bool
side_match(uint8_t fam, uint8_t plen, const uint8_t *gaddr, const struct pkt_meta *m,
		const uint8_t *addr)
{
	return fam == 0 || (fam == m->family && prefix_match(addr, gaddr, plen));
}

static bool
pgate_match_dir(const struct policy_pgate *pg, const struct pkt_meta *m, bool reverse)
{
	const uint8_t *s = reverse ? m->dst : m->src, *d = reverse ? m->src : m->dst;
	uint16_t sp = reverse ? m->dport : m->sport, dpt = reverse ? m->sport : m->dport;

	return side_match(pg->src_family, pg->src_plen, pg->src, m, s) &&
	       side_match(pg->dst_family, pg->dst_plen, pg->dst, m, d) &&
	       sp >= pg->sport_lo && sp <= pg->sport_hi && dpt >= pg->dport_lo &&
	       dpt <= pg->dport_hi;
}

/* The first provisioned gate whose classifier this packet matches, or -1. */
static int
pgate_lookup(const struct pgate_set *set, const struct pkt_meta *m)
{
	uint32_t i;

	for (i = 0; i < set->n; i++) {
		const struct policy_pgate *pg = &set->g[i];

		if (pg->protocol != 0 && pg->protocol != m->l4_proto)
			continue;
		if (((pg->dir & VPEP_IPC_DIR_UPSTREAM) && pgate_match_dir(pg, m, false)) ||
				((pg->dir & VPEP_IPC_DIR_DOWNSTREAM) && pgate_match_dir(pg, m, true)))
			return (int)i;
	}
	return -1;
}

static int
ipc_addr_in(uint8_t *fam, uint8_t *plen, uint8_t *out, const struct vpep_ipc_addr *a)
{
	if (a->family == 0) {
		*fam = 0;
		*plen = 0;
		return 0;
	}
	if ((a->family != 4 && a->family != 6) || a->prefix_len > (a->family == 4 ? 32 : 128))
		return -EINVAL;
	*fam = a->family;
	*plen = a->prefix_len;
	memset(out, 0, 16);
	memcpy(out, a->addr, a->family == 4 ? 4 : 16);
	return 0;
}

void
policy_reclaim(bool wait)
{
	unsigned int i = 0;

	while (i < g.n_retired) {
		if (wait || rte_rcu_qsbr_check(media_expect_qsbr(), g.retired[i].token, false) == 1) {
			if (wait)
				rte_rcu_qsbr_check(media_expect_qsbr(), g.retired[i].token, true);
			free(g.retired[i].p);
			g.retired[i] = g.retired[--g.n_retired];
			continue;
		}
		i++;
	}
}

/* Publish a new set; the old one is freed once no worker can hold it (policy_reclaim()),
 * without making the control thread wait for the workers. */
static void
pgates_publish(struct pgate_set *ns)
{
	struct pgate_set *old;

	ns->gen = ++g.pg_gen;
	old = __atomic_exchange_n(&g.pgates, ns, __ATOMIC_ACQ_REL);
	if (old == NULL)
		return;
	if (g.n_retired == RTE_DIM(g.retired))
		policy_reclaim(true);
	g.retired[g.n_retired].p = old;
	g.retired[g.n_retired].token = rte_rcu_qsbr_start(media_expect_qsbr());
	g.n_retired++;
}

static struct pgate_set *
pgates_copy(uint32_t extra)
{
	const struct pgate_set *cur = g.pgates;
	uint32_t n = cur != NULL ? cur->n : 0;
	struct pgate_set *ns = malloc(sizeof(*ns) + (size_t)(n + extra) * sizeof(ns->g[0]));

	if (ns == NULL)
		return NULL;
	ns->n = n;
	if (n > 0)
		memcpy(ns->g, cur->g, (size_t)n * sizeof(ns->g[0]));
	return ns;
}

int
policy_pgate_set(const struct vpep_ipc_gate *ig, char *err, size_t err_len)
{
	struct policy_pgate pg;
	struct pgate_set *ns;
	uint32_t i;

	memset(&pg, 0, sizeof(pg));
	if (ig->gate_id == 0 || (ig->verdict != VPEP_IPC_VERDICT_ADMIT &&
				       ig->verdict != VPEP_IPC_VERDICT_DENY) ||
			(ig->dscp > DSCP_MAX && ig->dscp != VPEP_IPC_DSCP_KEEP) ||
			(ig->dir & ~(VPEP_IPC_DIR_UPSTREAM | VPEP_IPC_DIR_DOWNSTREAM)) != 0 ||
			ig->dir == 0 || ig->sport_lo > ig->sport_hi || ig->dport_lo > ig->dport_hi) {
		snprintf(err, err_len, "bad gate id, verdict, DSCP, direction or port range");
		return -EINVAL;
	}
	if (ipc_addr_in(&pg.src_family, &pg.src_plen, pg.src, &ig->src) != 0 ||
			ipc_addr_in(&pg.dst_family, &pg.dst_plen, pg.dst, &ig->dst) != 0) {
		snprintf(err, err_len, "bad classifier address or prefix length");
		return -EINVAL;
	}
	pg.gate_id = ig->gate_id;
	pg.verdict = ig->verdict == VPEP_IPC_VERDICT_ADMIT ? POLICY_ADMIT : POLICY_DENY;
	pg.source = ig->source;
	pg.dir = ig->dir;
	pg.protocol = ig->protocol;
	pg.sport_lo = ig->sport_lo;
	pg.sport_hi = ig->sport_hi;
	pg.dport_lo = ig->dport_lo;
	pg.dport_hi = ig->dport_hi;
	memcpy(pg.rule_name, ig->rule, sizeof(pg.rule_name) - 1);
	pg.t.dscp = ig->dscp;
	if (treatment_from_ipc(&pg.t, &ig->meter, err, err_len) != 0)
		return -EINVAL;
	ns = pgates_copy(1);
	if (ns == NULL) {
		snprintf(err, err_len, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < ns->n && ns->g[i].gate_id != pg.gate_id; i++)
		;
	if (i == ns->n) {
		if (ns->n >= POLICY_PGATES_MAX) {
			free(ns);
			snprintf(err, err_len, "%d provisioned gates already", POLICY_PGATES_MAX);
			return -ENOSPC;
		}
		ns->n++;
	}
	ns->g[i] = pg;
	pgates_publish(ns);
	return 0;
}

int
policy_pgate_delete(uint32_t gate_id)
{
	struct pgate_set *ns = pgates_copy(0);
	uint32_t i;

	if (ns == NULL)
		return -ENOMEM;
	for (i = 0; i < ns->n && ns->g[i].gate_id != gate_id; i++)
		;
	if (i == ns->n) {
		free(ns);
		return -ENOENT;
	}
	memmove(&ns->g[i], &ns->g[i + 1], (size_t)(ns->n - i - 1) * sizeof(ns->g[0]));
	ns->n--;
	pgates_publish(ns);
	return 0;
}

int
policy_pgate_report(uint32_t i, struct vpep_ipc_gate_state *gs)
{
	const struct pgate_set *set = g.pgates; /* control thread: the only writer */
	const struct policy_pgate *pg;

	if (set == NULL || i >= set->n)
		return -ENOENT;
	pg = &set->g[i];
	memset(gs, 0, sizeof(*gs));
	gs->gate.gate_id = pg->gate_id;
	gs->gate.verdict = verdict_to_ipc(pg->verdict);
	gs->gate.dscp = pg->t.dscp;
	gs->gate.source = pg->source;
	gs->gate.dir = pg->dir;
	gs->gate.protocol = pg->protocol;
	gs->gate.src.family = pg->src_family;
	gs->gate.src.prefix_len = pg->src_plen;
	memcpy(gs->gate.src.addr, pg->src, 16);
	gs->gate.dst.family = pg->dst_family;
	gs->gate.dst.prefix_len = pg->dst_plen;
	memcpy(gs->gate.dst.addr, pg->dst, 16);
	gs->gate.sport_lo = pg->sport_lo;
	gs->gate.sport_hi = pg->sport_hi;
	gs->gate.dport_lo = pg->dport_lo;
	gs->gate.dport_hi = pg->dport_hi;
	treatment_to_ipc(&gs->gate.meter, &pg->t);
	memcpy(gs->gate.rule, pg->rule_name, sizeof(gs->gate.rule) - 1);
	gate_state_counts(gs, true, i, set->gen);
	return 0;
}

/* The provisioned gate of this packet (cached per flow and direction), or -1. */
static inline int
pgate_of(struct policy_worker *pw, const struct pgate_set *set, uint32_t idx,
		const struct flow_entry *e, uint8_t dir, const struct pkt_meta *m)
{
	struct pgate_cache *pc;

	if (e == NULL)
		return pgate_lookup(set, m);
	pc = &pw->pg_cache[idx];
	if (pc->gen != set->gen || pc->instance != e->instance) {
		pc->gen = set->gen;
		pc->instance = e->instance;
		pc->gate[0] = pc->gate[1] = -2; /* not looked up */
	}
	if (pc->gate[dir & 1] == -2)
		pc->gate[dir & 1] = (int16_t)pgate_lookup(set, m);
	return pc->gate[dir & 1];
}

/* ---- the fast path ---- */

static inline unsigned int
class_of(struct dp_worker *w, const struct flow_entry *e, const struct media_flow **mf)
{
	unsigned int c;

	RTE_BUILD_BUG_ON(POLICY_CLASS_voice != 0 || POLICY_CLASS_rtcp != 2);
	*mf = NULL;
	if (e == NULL || (e->app_class & FLOW_APP_UNDECIDED))
		return POLICY_CLASS_default;
	c = class_of_app[FLOW_APP_CLASS(e->app_class)];
	/* voice or rtcp (video only comes from here): the media flow knows the call */
	if (c <= POLICY_CLASS_rtcp && e->app_ref != FLOW_NIL) {
		*mf = &w->voip->media.flows[e->app_ref];
		if (c == POLICY_CLASS_voice && (*mf)->is_video)
			c = POLICY_CLASS_video;
	}
	return c;
}

/* The gate of media flow pf's call (see gate_at()), with the call's slot cached in pf. */
static inline const struct policy_gate *
flow_gate(struct policy_flow *pf, uint64_t call, int64_t *slot)
{
	if (unlikely(pf->call != call)) {
		pf->call = call;
		pf->slot = slot_of(call);
	}
	*slot = pf->slot;
	return gate_in(*slot, call);
}

/* Rewrite the DSCP of the outer IP header (the one the network forwards on). */
static inline void
mark(struct rte_mbuf *m, const struct pkt_meta *meta, uint8_t dscp, struct policy_class_ctr *cc)
{
	uint8_t *ip;
	bool changed;

	if (dscp == POLICY_DSCP_KEEP || rte_pktmbuf_data_len(m) < meta->l2_len + 12u)
		return;
	ip = rte_pktmbuf_mtod_offset(m, uint8_t *, meta->l2_len);
	changed = meta->outer_family == 6 ? dscp_ipv6_set(ip, dscp) : dscp_ipv4_set(ip, dscp);
	cc->remarked += changed;
}

/* A worker's counters of a gate, restarted when they belong to an older gate version. */
static inline struct policy_gate_ctr *
gate_ctr_of(struct policy_gate_ctr *gc, uint64_t version)
{
	if (unlikely(gc->version != version)) {
		memset(gc, 0, sizeof(*gc));
		gc->version = version;
	}
	return gc;
}

/*
 * Meter, count, and then drop or mark one packet by treatment t, with meter context mc.
 * gc: the gate's counters (NULL for a class), reset when they belong to an older gate
 * version. red: the drop counter of a colour whose action is drop.
 */
static inline int
treat(struct rte_mbuf *m, const struct pkt_meta *meta, const struct policy_treatment *t,
		struct meter *mc, uint64_t now_ns, uint32_t len, struct policy_class_ctr *cc,
		struct policy_gate_ctr *gc, uint64_t version, int red)
{
	enum meter_colour col = meter_check(mc, &t->profile, now_ns, len);
	const struct policy_colour_action *a = &t->act[col];

	if (gc != NULL) {
		gc = gate_ctr_of(gc, version);
		gc->packets[col]++;
		gc->bytes[col] += len;
	}
	cc->packets[col]++;
	cc->bytes[col] += len;
	if (a->action == POLICY_ACT_DROP) {
		if (gc != NULL)
			gc->dropped++;
		cc->dropped++;
		return red;
	}
	mark(m, meta, a->action == POLICY_ACT_REMARK ? a->dscp : t->dscp, cc);
	return 0;
}

/* One packet of policy_burst(): the drop counter, or 0. */
static __rte_always_inline int
policy_packet(struct dp_worker *w, uint32_t idx, uint8_t dir, struct rte_mbuf *m,
		const struct pkt_meta *meta, uint64_t now_ns, uint8_t sip_hint)
{
	struct policy_worker *pw = w->policy;
	const struct policy_conf *pc = pw->conf;
	const struct flow_entry *e = idx != FLOW_NIL ? &w->flows->e[idx] : NULL;
	const struct media_flow *mf;
	struct policy_class_ctr *cc;
	uint32_t len = rte_pktmbuf_pkt_len(m) - meta->l2_len;
	unsigned int cls = class_of(w, e, &mf);

	cc = &pw->cls[cls];
	if (unlikely(sip_hint != POLICY_SIP_NONE)) {
		cc->dropped++;
		return sip_hint == POLICY_SIP_RATE ? VPEP_CTR_policy_sip_rate :
		       sip_hint == POLICY_SIP_SCANNER ? VPEP_CTR_policy_scanner :
							VPEP_CTR_policy_gate_denied;
	}
	{
		/* provisioned gates first: a PDP's Gate-Set is the authority for its classifier */
		const struct pgate_set *set = __atomic_load_n(&g.pgates, __ATOMIC_ACQUIRE);
		int pi;

		if (unlikely(set != NULL && set->n > 0) &&
				(pi = pgate_of(pw, set, idx, e, dir, meta)) >= 0) {
			const struct policy_pgate *pg = &set->g[pi];

			if (unlikely(pw->pg_gen != set->gen)) {
				unsigned int i;

				/* a new set: every gate's meter and count starts again */
				for (i = 0; i < set->n; i++)
					meter_init(&pw->pg_meter[i], &set->g[i].t.profile, now_ns);
				pw->pg_gen = set->gen;
			}
			if (pg->verdict == POLICY_DENY) {
				gate_ctr_of(&pw->pg_ctr[pi], set->gen)->dropped++;
				cc->dropped++;
				return VPEP_CTR_policy_gate_denied;
			}
			return treat(m, meta, &pg->t, &pw->pg_meter[pi], now_ns, len, cc,
					&pw->pg_ctr[pi], set->gen, VPEP_CTR_policy_gate_red);
		}
	}
	if (mf != NULL && mf->call != 0) {
		struct policy_flow *pf = &pw->flows[e->app_ref];
		int64_t slot;
		const struct policy_gate *gt = flow_gate(pf, mf->call, &slot);

		if (gt != NULL && gt->verdict == POLICY_DENY) {
			cc->dropped++;
			return VPEP_CTR_policy_gate_denied;
		}
		if (gt != NULL && gt->verdict == POLICY_ADMIT) {
			if (unlikely(pf->gate_version != gt->version)) {
				pf->gate_version = gt->version;
				meter_init(&pf->m[0], &gt->t.profile, now_ns);
				meter_init(&pf->m[1], &gt->t.profile, now_ns);
			}
			return treat(m, meta, &gt->t, &pf->m[dir & 1], now_ns, len, cc,
					&pw->gate_ctr[slot], gt->version, VPEP_CTR_policy_gate_red);
		}
		if ((gt == NULL || gt->verdict == 0) && pc->pending == POLICY_PENDING_HOLD) {
			cc->dropped++;
			return VPEP_CTR_policy_held;
		}
	}
	if (unlikely(cls == POLICY_CLASS_rtp_unsignalled && pc->protect.pinhole)) {
		pw->prot.pinhole++;
		cc->dropped++;
		return VPEP_CTR_policy_pinhole;
	}
	return treat(m, meta, &pc->cls[cls], &pw->cls_meter[cls], now_ns, len, cc, NULL, 0,
			VPEP_CTR_policy_class_red);
}

unsigned int
policy_burst(struct dp_worker *w, unsigned int n, const uint32_t *idx, const uint8_t *dir,
		struct rte_mbuf *const *pkts, const struct pkt_meta *meta, const uint64_t *now_ns,
		const uint8_t *sip_hint, uint16_t *why)
{
	unsigned int k, dropped = 0;

	for (k = 0; k < n; k++) {
		int r = policy_packet(w, idx[k], dir[k], pkts[k], &meta[k], now_ns[k], sip_hint[k]);

		why[k] = (uint16_t)r;
		dropped += r != 0;
	}
	return dropped;
}

/* ---- SIP protection ---- */

static bool
ua_is_scanner(const struct policy_conf *pc, const uint8_t *ua, uint32_t len)
{
	char low[256];
	uint32_t i, n = len < sizeof(low) - 1 ? len : (uint32_t)sizeof(low) - 1;

	for (i = 0; i < n; i++)
		low[i] = (char)tolower(ua[i]);
	low[n] = '\0';
	for (i = 0; i < pc->protect.n_user_agents; i++)
		if (strstr(low, pc->protect.user_agents[i]) != NULL)
			return true;
	return false;
}

static uint8_t
protect_action(struct policy_worker *pw, uint8_t action, uint8_t hint)
{
	if (action == POLICY_PROTECT_DROP)
		return hint;
	if (action == POLICY_PROTECT_MARK)
		pw->prot.marked++;
	else
		pw->prot.counted++;
	return POLICY_SIP_NONE;
}

uint8_t
policy_sip_request(struct dp_worker *w, uint8_t family, const uint8_t *addr, const uint8_t *ua,
		uint32_t ua_len, const uint8_t *to_user, uint32_t to_user_len, bool sweep_method,
		uint64_t now_ns)
{
	struct policy_worker *pw = w->policy;
	const struct policy_conf *pc = pw->conf;
	uint64_t now_ms = now_ns / 1000000;
	uint64_t user = 0;
	enum sip_guard_verdict v;

	if (ua != NULL && ua_len > 0 && pc->protect.n_user_agents > 0 &&
			ua_is_scanner(pc, ua, ua_len)) {
		pw->prot.scanner_ua++;
		if (pc->protect.block_s > 0)
			sip_guard_block(&g.guard, family, addr, now_ms);
		return protect_action(pw, pc->protect.scanner_action, POLICY_SIP_SCANNER);
	}
	if (sweep_method && to_user != NULL && to_user_len > 0)
		user = sip_guard_user_hash(to_user, to_user_len);
	if (pc->protect.rate_rps == 0 && pc->protect.sweep_users == 0 && pc->protect.block_s == 0)
		return POLICY_SIP_NONE;
	v = sip_guard_request(&g.guard, family, addr, now_ms, user);
	switch (v) {
	case SIP_GUARD_RATE:
		pw->prot.rate_limited++;
		return protect_action(pw, pc->protect.rate_action, POLICY_SIP_RATE);
	case SIP_GUARD_SWEEP:
		pw->prot.sweeps++;
		return protect_action(pw, pc->protect.scanner_action, POLICY_SIP_SCANNER);
	case SIP_GUARD_BLOCKED:
		pw->prot.blocklisted++;
		return protect_action(pw, pc->protect.scanner_action, POLICY_SIP_SCANNER);
	default:
		return POLICY_SIP_NONE;
	}
}

/* ---- stats ---- */

static json_t *
colours_json(const uint64_t *packets, const uint64_t *bytes)
{
	json_t *o = json_object();
	unsigned int c;

	for (c = 0; c < METER_COLOURS; c++)
		json_object_set_new(o, meter_colour_name(c),
				json_pack("{s:I,s:I}", "packets", (json_int_t)packets[c], "bytes",
						(json_int_t)bytes[c]));
	return o;
}

static json_t *
treatment_json(const struct policy_treatment *t)
{
	json_t *o = json_object();

	json_object_set_new(o, "dscp", t->dscp == POLICY_DSCP_KEEP ? json_string("keep") :
								  json_integer(t->dscp));
	json_object_set_new(o, "meter", json_string(meter_type_name(t->profile.type)));
	if (t->profile.type != METER_NONE) {
		json_object_set_new(o, "cir_bps", json_integer((json_int_t)t->meter.cir * 8));
		json_object_set_new(o, "cbs_bytes", json_integer((json_int_t)t->meter.cbs));
		json_object_set_new(o, "pir_bps", json_integer((json_int_t)t->meter.pir * 8));
		json_object_set_new(o, "pbs_bytes", json_integer((json_int_t)t->meter.pbs));
	}
	json_object_set_new(o, "yellow", json_string(policy_action_name(t->act[METER_YELLOW].action)));
	json_object_set_new(o, "red", json_string(policy_action_name(t->act[METER_RED].action)));
	return o;
}

void *
policy_stats_json(void)
{
	const struct policy_conf *pc = policy_current();
	struct policy_class_ctr cls[POLICY_CLASS_MAX];
	struct policy_admission_ctr adm;
	struct policy_protect_ctr prot;
	struct sip_guard_stats gs;
	json_t *o = json_object(), *jc = json_object(), *ja, *jr, *jp, *jg = json_array();
	uint64_t i, n = (uint64_t)g.n_workers * g.calls, nact = 0, now_ms = 0;
	unsigned int wi, c;

	if (pc == NULL)
		return o;
	for (wi = 0; wi < dp.n_workers; wi++)
		if (dp.workers[wi]->now_ns / 1000000 > now_ms)
			now_ms = dp.workers[wi]->now_ns / 1000000;
	memset(cls, 0, sizeof(cls));
	memset(&adm, 0, sizeof(adm));
	memset(&prot, 0, sizeof(prot));
	for (wi = 0; wi < dp.n_workers; wi++) {
		const struct policy_worker *pw = dp.workers[wi]->policy;
		const uint64_t *a;
		uint64_t *s;
		size_t k;

		if (pw == NULL)
			continue;
		for (c = 0; c < POLICY_CLASS_MAX; c++) {
			a = (const uint64_t *)&pw->cls[c];
			s = (uint64_t *)&cls[c];
			for (k = 0; k < sizeof(cls[c]) / 8; k++)
				s[k] += a[k];
		}
		a = (const uint64_t *)&pw->adm;
		s = (uint64_t *)&adm;
		for (k = 0; k < sizeof(adm) / 8; k++)
			s[k] += a[k];
		a = (const uint64_t *)&pw->prot;
		s = (uint64_t *)&prot;
		for (k = 0; k < sizeof(prot) / 8; k++)
			s[k] += a[k];
	}
	for (c = 0; c < POLICY_CLASS_MAX; c++) {
		json_t *x = treatment_json(&pc->cls[c]);

		json_object_set_new(x, "colours", colours_json(cls[c].packets, cls[c].bytes));
		json_object_set_new(x, "dropped", json_integer((json_int_t)cls[c].dropped));
		json_object_set_new(x, "remarked", json_integer((json_int_t)cls[c].remarked));
		json_object_set_new(jc, policy_class_name(c), x);
	}
	json_object_set_new(o, "classes", jc);
	/* Gates still published. Read without the workers' grace period: gates come from a
	 * pool that is never returned, so a gate freed meanwhile reads as a stale row at worst. */
	for (i = 0; g.gates != NULL && i < n; i++) {
		const struct policy_gate *gt = __atomic_load_n(&g.gates[i], __ATOMIC_ACQUIRE);
		uint64_t pk[METER_COLOURS] = { 0 }, by[METER_COLOURS] = { 0 }, dropped = 0;
		json_t *x;
		char h[24];

		if (gt == NULL)
			continue;
		nact++;
		if (json_array_size(jg) >= 1000)
			continue;
		gate_counts(false, i, gt->version, pk, by, &dropped);
		snprintf(h, sizeof(h), "%#" PRIx64, gt->call);
		x = json_pack("{s:I,s:s,s:s,s:s,s:s}", "gate_id", (json_int_t)gt->gate_id, "call", h,
				"verdict", gt->verdict == POLICY_ADMIT ? "admit" :
					   gt->verdict == POLICY_DENY ? "deny" : "pending",
				"rule", gt->rule_name, "source", source_name(gt->source));
		json_object_set_new(x, "treatment", treatment_json(&gt->t));
		json_object_set_new(x, "colours", colours_json(pk, by));
		json_object_set_new(x, "dropped", json_integer((json_int_t)dropped));
		json_array_append_new(jg, x);
	}
	if (g.pgates != NULL) {
		const struct pgate_set *set = g.pgates;

		for (i = 0; i < set->n; i++) {
			const struct policy_pgate *pg = &set->g[i];
			uint64_t pk[METER_COLOURS] = { 0 }, by[METER_COLOURS] = { 0 }, dropped = 0;
			json_t *x;

			gate_counts(true, i, set->gen, pk, by, &dropped);
			nact++;
			x = json_pack("{s:I,s:s,s:s,s:s,s:s}", "gate_id", (json_int_t)pg->gate_id,
					"call", "", "verdict", pg->verdict == POLICY_ADMIT ? "admit" :
										   "deny",
					"rule", pg->rule_name, "source", source_name(pg->source));
			json_object_set_new(x, "provisioned", json_true());
			json_object_set_new(x, "treatment", treatment_json(&pg->t));
			json_object_set_new(x, "colours", colours_json(pk, by));
			json_object_set_new(x, "dropped", json_integer((json_int_t)dropped));
			json_array_append_new(jg, x);
		}
	}
	json_object_set_new(o, "gates_active", json_integer((json_int_t)nact));
	json_object_set_new(o, "gates", jg);
	ja = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "events", (json_int_t)adm.events,
			"updated", (json_int_t)adm.updated,
			"admitted", (json_int_t)adm.admitted, "denied", (json_int_t)adm.denied,
			"by_default", (json_int_t)adm.by_default, "pending", (json_int_t)adm.pending,
			"decisions", (json_int_t)adm.decisions, "decisions_stale",
			(json_int_t)adm.decisions_stale, "released", (json_int_t)adm.released,
			"no_gate_memory", (json_int_t)adm.no_gate_memory);
	jr = json_object();
	for (c = 0; c < pc->n_rules; c++)
		json_object_set_new(jr, pc->rules[c].name, json_integer((json_int_t)adm.by_rule[c]));
	json_object_set_new(ja, "by_rule", jr);
	json_object_set_new(o, "admission", ja);
	sip_guard_stats(&g.guard, &gs);
	jp = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "rate_limited",
			(json_int_t)prot.rate_limited, "scanner_user_agent", (json_int_t)prot.scanner_ua,
			"sweeps", (json_int_t)prot.sweeps, "blocklisted", (json_int_t)prot.blocklisted,
			"marked", (json_int_t)prot.marked, "counted", (json_int_t)prot.counted,
			"pinhole", (json_int_t)prot.pinhole, "sources_evicted",
			(json_int_t)gs.sources_evicted, "sources_unplaced",
			(json_int_t)gs.sources_unplaced, "blocklist_entries",
			(json_int_t)sip_guard_blocked_count(&g.guard, now_ms));
	json_object_set_new(o, "protection", jp);
	return o;
}
