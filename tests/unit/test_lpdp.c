/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/* Unit tests for local decisions (ctrl/lpdp.c): rule order, URI globs, codecs, bandwidth caps,
 * concurrent calls per source and their release. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lpdp.h"

static void
call(struct vpep_ipc_admission *a, const char *from, const char *to, const char *codec,
	uint32_t bw, uint8_t src_last)
{
	memset(a, 0, sizeof(*a));
	a->call_handle = 1;
	snprintf(a->from_uri, sizeof(a->from_uri), "%s", from);
	snprintf(a->to_uri, sizeof(a->to_uri), "%s", to);
	a->caller_addr.family = 4;
	a->caller_addr.addr[0] = 192;
	a->caller_addr.addr[3] = src_last;
	a->n_media = 1;
	snprintf(a->media[0].codec, sizeof(a->media[0].codec), "%s", codec);
	a->media[0].bandwidth_bps = bw;
}

static void
rules(struct lpdp *l)
{
	struct lpdp_rule *r;

	lpdp_init(l);
	l->default_verdict = VPEP_IPC_VERDICT_DENY;
	r = &l->rules[l->n_rules++];
	snprintf(r->name, sizeof(r->name), "blocked");
	snprintf(r->caller, sizeof(r->caller), "sip:spam*");
	r->verdict = VPEP_IPC_VERDICT_DENY;
	r = &l->rules[l->n_rules++];
	snprintf(r->name, sizeof(r->name), "gold");
	snprintf(r->caller, sizeof(r->caller), "sip:*@gold.example");
	snprintf(r->codecs[0], sizeof(r->codecs[0]), "PCMU");
	snprintf(r->codecs[1], sizeof(r->codecs[1]), "g722");
	r->n_codecs = 2;
	r->verdict = VPEP_IPC_VERDICT_ADMIT;
	r->dscp = 46;
	r->max_calls_per_source = 2;
	r->max_bandwidth_bps = 100000;
	r->rate_bps = 80000;
	r = &l->rules[l->n_rules++];
	snprintf(r->name, sizeof(r->name), "to-support");
	snprintf(r->callee, sizeof(r->callee), "sip:support@*");
	r->verdict = VPEP_IPC_VERDICT_ADMIT;
	r->dscp = VPEP_IPC_DSCP_KEEP;
}

static void
test_rules_in_order(void **state)
{
	struct vpep_ipc_admission a;
	struct vpep_ipc_decision d;
	struct lpdp l;

	(void)state;
	rules(&l);
	/* first matching rule wins: a spammer from gold is still blocked */
	call(&a, "sip:spammer@gold.example", "sip:x@y", "PCMU", 80000, 1);
	assert_int_equal(lpdp_decide(&l, &a, &d), 0);
	assert_int_equal(d.verdict, VPEP_IPC_VERDICT_DENY);
	assert_string_equal(d.rule, "lpdp:blocked");
	/* gold, codec matched case-insensitively: admit, DSCP 46, metered at 80 kbit/s */
	call(&a, "sip:alice@gold.example", "sip:x@y", "G722", 80000, 1);
	assert_int_equal(lpdp_decide(&l, &a, &d), 1);
	assert_int_equal(d.verdict, VPEP_IPC_VERDICT_ADMIT);
	assert_int_equal(d.dscp, 46);
	assert_int_equal(d.source, VPEP_IPC_SOURCE_LPDP);
	assert_int_equal(d.meter.type, VPEP_IPC_METER_SRTCM);
	assert_int_equal(d.meter.cir, 10000);
	/* gold with a codec not listed falls through to the default */
	call(&a, "sip:alice@gold.example", "sip:x@y", "opus", 80000, 1);
	assert_int_equal(lpdp_decide(&l, &a, &d), -1);
	assert_int_equal(d.verdict, VPEP_IPC_VERDICT_DENY);
	assert_string_equal(d.rule, "lpdp:default");
	/* callee glob */
	call(&a, "sip:bob@else.example", "sip:support@corp.example", "PCMA", 80000, 1);
	assert_int_equal(lpdp_decide(&l, &a, &d), 2);
	assert_int_equal(d.verdict, VPEP_IPC_VERDICT_ADMIT);
	assert_int_equal(d.dscp, VPEP_IPC_DSCP_KEEP);
	assert_int_equal(d.meter.type, VPEP_IPC_METER_NONE);
	lpdp_free(&l);
}

static void
test_caps(void **state)
{
	struct vpep_ipc_admission a;
	struct vpep_ipc_decision d;
	struct lpdp l;

	(void)state;
	rules(&l);
	call(&a, "sip:a@gold.example", "sip:x@y", "PCMU", 150000, 7);
	lpdp_decide(&l, &a, &d);
	assert_int_equal(d.verdict, VPEP_IPC_VERDICT_DENY);
	assert_string_equal(d.rule, "lpdp:gold:bandwidth");
	assert_int_equal(lpdp_source_calls(&l, &a.caller_addr), 0);
	/* two calls per source, the third is refused; another source is not affected */
	call(&a, "sip:a@gold.example", "sip:x@y", "PCMU", 80000, 7);
	lpdp_decide(&l, &a, &d);
	assert_int_equal(d.verdict, VPEP_IPC_VERDICT_ADMIT);
	lpdp_decide(&l, &a, &d);
	assert_int_equal(d.verdict, VPEP_IPC_VERDICT_ADMIT);
	lpdp_decide(&l, &a, &d);
	assert_int_equal(d.verdict, VPEP_IPC_VERDICT_DENY);
	assert_string_equal(d.rule, "lpdp:gold:calls");
	assert_int_equal(lpdp_source_calls(&l, &a.caller_addr), 2);
	call(&a, "sip:a@gold.example", "sip:x@y", "PCMU", 80000, 8);
	lpdp_decide(&l, &a, &d);
	assert_int_equal(d.verdict, VPEP_IPC_VERDICT_ADMIT);
	/* one ends: room again */
	call(&a, "sip:a@gold.example", "sip:x@y", "PCMU", 80000, 7);
	lpdp_release(&l, &a.caller_addr);
	lpdp_decide(&l, &a, &d);
	assert_int_equal(d.verdict, VPEP_IPC_VERDICT_ADMIT);
	assert_int_equal(l.admits, 4);
	assert_int_equal(l.denies, 2);
	lpdp_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_in_order),
		cmocka_unit_test(test_caps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
