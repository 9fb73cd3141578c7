/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/* Unit tests for policy_op (ctrl/policy_op.c), the one place that installs policy: what it
 * sends, what it does not send again, RESULT bookkeeping, resync and the dataplane's absence. */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "policy_op.h"

/* The messages policy_op sent, and the RESULTs it reported. */
static struct {
	uint16_t type[64];
	uint8_t body[64][sizeof(struct vpep_ipc_gate)];
	int n;
	int applied;
	int32_t last_status;
	uint64_t last_call;
} S;

static int64_t
fake_send(void *ctx, uint16_t type, const void *body, uint32_t len)
{
	(void)ctx;
	assert_true(S.n < 64 && len <= sizeof(S.body[0]));
	S.type[S.n] = type;
	memcpy(S.body[S.n], body, len);
	return ++S.n;	/* seq = index + 1 */
}

static void
fake_applied(void *ctx, uint64_t call, uint32_t gate_id, uint16_t type, int32_t status)
{
	(void)ctx;
	(void)gate_id;
	(void)type;
	S.applied++;
	S.last_status = status;
	S.last_call = call;
}

static const struct policy_op_ops ops = {fake_send, fake_applied};

static struct vpep_ipc_decision
dec(uint64_t call, uint32_t gate, uint8_t verdict, uint8_t dscp, uint64_t cir)
{
	struct vpep_ipc_decision d;

	memset(&d, 0, sizeof(d));
	d.call_handle = call;
	d.gate_id = gate;
	d.verdict = verdict;
	d.dscp = dscp;
	d.source = VPEP_IPC_SOURCE_COPS;
	d.meter.type = cir ? VPEP_IPC_METER_SRTCM : VPEP_IPC_METER_NONE;
	d.meter.cir = cir;
	d.meter.red_action = VPEP_IPC_ACT_DROP;
	return d;
}

static void
result(struct policy_op *po, int seq, uint32_t gate, int32_t status)
{
	struct vpep_ipc_result r;

	memset(&r, 0, sizeof(r));
	r.ref_seq = (uint32_t)seq;
	r.ref_type = S.type[seq - 1];
	r.gate_id = gate;
	r.status = status;
	policy_op_result(po, &r);
}

static void
test_decide_once(void **state)
{
	struct policy_op po;
	struct vpep_ipc_decision d = dec(7, 1, VPEP_IPC_VERDICT_ADMIT, 46, 10000);

	(void)state;
	memset(&S, 0, sizeof(S));
	assert_int_equal(policy_op_init(&po, &ops, NULL), 0);
	policy_op_dp_up(&po);
	assert_int_equal(policy_op_decide(&po, &d, 1), 0);
	assert_int_equal(S.n, 1);
	assert_int_equal(S.type[0], VPEP_IPC_DECISION);
	/* the same decision again (a PDP re-deciding after SSQ or failover): nothing sent */
	d.source = VPEP_IPC_SOURCE_LPDP;
	snprintf(d.rule, sizeof(d.rule), "other rule");
	assert_int_equal(policy_op_decide(&po, &d, 2), 1);
	assert_int_equal(S.n, 1);
	assert_int_equal(policy_op_call(&po, 7)->source, VPEP_IPC_SOURCE_LPDP);
	/* confirmed by the dataplane */
	result(&po, 1, 1, 0);
	assert_true(policy_op_call(&po, 7)->installed);
	assert_int_equal(S.applied, 1);
	assert_int_equal(S.last_call, 7);
	/* a different DSCP or rate is sent */
	d = dec(7, 1, VPEP_IPC_VERDICT_ADMIT, 34, 10000);
	assert_int_equal(policy_op_decide(&po, &d, 3), 0);
	d = dec(7, 1, VPEP_IPC_VERDICT_ADMIT, 34, 20000);
	assert_int_equal(policy_op_decide(&po, &d, 4), 0);
	assert_int_equal(S.n, 3);
	/* colour actions are not compared (a resync does not report them) */
	d.meter.red_action = VPEP_IPC_ACT_PASS;
	assert_int_equal(policy_op_decide(&po, &d, 5), 1);
	/* deny: DSCP and meter do not matter */
	d = dec(7, 1, VPEP_IPC_VERDICT_DENY, 0xff, 0);
	assert_int_equal(policy_op_decide(&po, &d, 6), 0);
	d = dec(7, 1, VPEP_IPC_VERDICT_DENY, 12, 5);
	assert_int_equal(policy_op_decide(&po, &d, 7), 1);
	/* invalid decisions; a gate id owned by another call */
	d = dec(0, 1, VPEP_IPC_VERDICT_ADMIT, 0, 0);
	assert_int_equal(policy_op_decide(&po, &d, 8), -EINVAL);
	d = dec(8, 1, VPEP_IPC_VERDICT_ADMIT, 0, 0);
	assert_int_equal(policy_op_decide(&po, &d, 8), -EEXIST);
	/* call end forgets it */
	policy_op_call_end(&po, 7);
	assert_null(policy_op_call(&po, 7));
	policy_op_free(&po);
}

static void
test_dataplane_away_and_resync(void **state)
{
	struct policy_op po;
	struct vpep_ipc_decision d = dec(9, 5, VPEP_IPC_VERDICT_ADMIT, 46, 1000);
	struct vpep_ipc_admission a;
	struct vpep_ipc_gate_state gs;

	(void)state;
	memset(&S, 0, sizeof(S));
	assert_int_equal(policy_op_init(&po, &ops, NULL), 0);
	/* no dataplane: kept, sent after its resync */
	assert_int_equal(policy_op_decide(&po, &d, 1), 0);
	assert_int_equal(S.n, 0);
	policy_op_dp_up(&po);
	/* the resync reports another call (decided by a previous vpep-ctrl) with gate 40 */
	memset(&a, 0, sizeof(a));
	a.call_handle = 11;
	a.flags = VPEP_IPC_ADM_RESYNC | VPEP_IPC_ADM_DECIDED;
	a.gate_id = 40;
	a.verdict = VPEP_IPC_VERDICT_ADMIT;
	policy_op_learn_call(&po, &a, 2);
	memset(&gs, 0, sizeof(gs));
	gs.call_handle = 11;
	gs.gate.gate_id = 40;
	gs.gate.dscp = 34;
	gs.gate.meter.type = VPEP_IPC_METER_SRTCM;
	gs.gate.meter.cir = 500;
	policy_op_learn_gate(&po, &gs, 2);
	policy_op_resync_done(&po);
	assert_int_equal(S.n, 1);	/* call 9's decision, pushed now */
	assert_int_equal(S.type[0], VPEP_IPC_DECISION);
	/* fresh gate ids never collide with what the dataplane holds */
	assert_true(policy_op_gate_id(&po) > 40);
	/* the PDP re-decides call 11 as the dataplane already enforces it: nothing sent */
	d = dec(11, 40, VPEP_IPC_VERDICT_ADMIT, 34, 500);
	assert_int_equal(policy_op_decide(&po, &d, 3), 1);
	assert_int_equal(S.n, 1);
	/* a refused decision is not installed */
	result(&po, 1, 5, -ENOSPC);
	assert_false(policy_op_call(&po, 9)->installed);
	assert_int_equal(S.last_status, -ENOSPC);
	policy_op_free(&po);
}

static void
test_gates(void **state)
{
	struct policy_op po;
	struct vpep_ipc_gate g;

	(void)state;
	memset(&S, 0, sizeof(S));
	assert_int_equal(policy_op_init(&po, &ops, NULL), 0);
	policy_op_dp_up(&po);
	memset(&g, 0, sizeof(g));
	g.gate_id = policy_op_gate_id(&po);
	g.verdict = VPEP_IPC_VERDICT_ADMIT;
	g.dscp = 10;
	g.protocol = 17;
	g.dport_lo = g.dport_hi = 5060;
	assert_int_equal(policy_op_gate_set(&po, &g, 1), 0);
	/* the same classifier pushed again under no id is found, and is unchanged */
	{
		struct vpep_ipc_gate h = g;

		h.gate_id = 0;
		snprintf(h.rule, sizeof(h.rule), "again");
		assert_int_equal(policy_op_gate_find(&po, &h), g.gate_id);
		h.gate_id = g.gate_id;
		assert_int_equal(policy_op_gate_set(&po, &h, 2), 1);
	}
	assert_int_equal(S.n, 1);
	assert_int_equal(policy_op_gate_delete(&po, g.gate_id), 0);
	assert_int_equal(S.type[1], VPEP_IPC_GATE_DELETE);
	assert_int_equal(policy_op_gate_delete(&po, g.gate_id), -ENOENT);
	policy_op_free(&po);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decide_once),
		cmocka_unit_test(test_dataplane_away_and_resync),
		cmocka_unit_test(test_gates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
