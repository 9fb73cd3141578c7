/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/* Unit tests for vpep-pdp's policy (ctrl/pdp/pdp_policy.c): loading with located errors,
 * decisions by rule, bandwidth and concurrency caps, push gates; and the admission gate the
 * PEP sends (ctrl/pep_csi.c) read back by the PDP. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cfg.h"
#include "pdp_policy.h"

static const char policy[] =
	"{\"ka_timer_s\": 5, \"acct_timer_s\": 60,\n"
	" \"dscp\": {\"voice\": 46, \"video\": 34},\n"
	" \"default\": {\"verdict\": \"deny\"},\n"
	" \"rules\": [\n"
	"  {\"name\": \"voice\", \"caller\": \"sip:*@a.example\", \"codecs\": [\"PCMU\"],\n"
	"   \"verdict\": \"admit\", \"class\": \"voice\", \"max_calls_per_subscriber\": 1,\n"
	"   \"max_bandwidth_bps\": 100000}],\n"
	" \"push_gates\": [{\"src\": \"10.0.0.0/8\", \"dport\": 5060, \"protocol\": 17,\n"
	"   \"class\": \"video\", \"rate_bps\": 8000}]}\n";

static void
expect_error(const char *text, const char *prefix)
{
	struct pdp_policy p;
	char err[CFG_ERR_LEN] = "";

	assert_int_not_equal(pdp_policy_load(&p, "pol.json", text, strlen(text), err,
		sizeof(err)), 0);
	if (strncmp(err, prefix, strlen(prefix)) != 0)
		fail_msg("error \"%s\" does not start with \"%s\"", err, prefix);
}

/* An admission as vpep-ctrl encodes it, decoded as vpep-pdp does. */
static void
admission_call(const char *from, const char *codec, uint32_t bw, struct pep_csi_call *c)
{
	struct vpep_ipc_admission a;
	struct pcmm_gate g;
	struct pcmm_err pe;
	uint8_t buf[2048];
	int n;

	memset(&a, 0, sizeof(a));
	a.call_handle = 9;
	snprintf(a.call_id, sizeof(a.call_id), "abc@host");
	snprintf(a.from_uri, sizeof(a.from_uri), "%s", from);
	snprintf(a.to_uri, sizeof(a.to_uri), "sip:bob@b.example");
	a.caller_addr.family = 4;
	a.caller_addr.addr[0] = 192;
	a.caller_addr.addr[3] = 5;
	a.n_media = 1;
	a.media[0].offer_addr.family = 4;
	a.media[0].offer_addr.addr[0] = 192;
	a.media[0].offer_addr.addr[3] = 5;
	a.media[0].answer_addr.family = 4;
	a.media[0].answer_addr.addr[0] = 198;
	a.media[0].answer_addr.addr[3] = 7;
	a.media[0].offer_port = 4000;
	a.media[0].answer_port = 5000;
	a.media[0].bandwidth_bps = bw;
	snprintf(a.media[0].codec, sizeof(a.media[0].codec), "%s", codec);
	n = pep_csi_encode_admission(&a, 77, 3, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(pcmm_gate_decode(buf, (uint32_t)n, &g, &pe), 0);
	assert_int_equal(pep_csi_parse_call(&g, c), 0);
}

static void
test_load_and_decide(void **state)
{
	struct pdp_policy p;
	struct pep_csi_call c;
	struct pdp_verdict v;
	struct pcmm_gate g;
	char err[CFG_ERR_LEN];

	(void)state;
	assert_int_equal(pdp_policy_load(&p, "pol.json", policy, strlen(policy), err,
		sizeof(err)), 0);
	assert_int_equal(p.ka_timer_s, 5);
	assert_int_equal(p.acct_timer_s, 60);
	assert_int_equal(p.n_rules, 1);
	admission_call("sip:alice@a.example", "PCMU", 87200, &c);
	assert_string_equal(c.call_id, "abc@host");
	assert_string_equal(c.from, "sip:alice@a.example");
	assert_string_equal(c.codecs, "PCMU");
	assert_int_equal(c.bandwidth_bps, 87200);
	assert_int_equal(c.gate_id, 77);
	assert_int_equal(c.n_cls, 1);
	assert_int_equal(c.cls[0].sport, 4000);
	assert_int_equal(c.cls[0].dport, 5000);
	pdp_policy_decide(&p, &c, &v);
	assert_true(v.admit);
	assert_int_equal(v.dscp, 46);
	assert_string_equal(v.rule, "voice");
	/* one call per subscriber: the second is denied until the first is released */
	pdp_policy_decide(&p, &c, &v);
	assert_false(v.admit);
	pdp_policy_release(&p, &c.subscriber);
	pdp_policy_decide(&p, &c, &v);
	assert_true(v.admit);
	pdp_policy_release(&p, &c.subscriber);
	/* bandwidth cap */
	admission_call("sip:alice@a.example", "PCMU", 200000, &c);
	pdp_policy_decide(&p, &c, &v);
	assert_false(v.admit);
	/* no rule: the default */
	admission_call("sip:eve@z.example", "PCMU", 80000, &c);
	pdp_policy_decide(&p, &c, &v);
	assert_false(v.admit);
	assert_string_equal(v.rule, "default");
	/* the push gate */
	assert_int_equal(p.n_push, 1);
	pdp_policy_push_gate(&p, 0, &g);
	assert_int_equal(g.spec.dscp_tos, 34 << 2);
	assert_int_equal(g.cls[0].dport, 5060);
	assert_int_equal(g.cls[0].src_mask[0], 0xff);
	assert_int_equal(g.cls[0].src_mask[1], 0);
	pdp_policy_free(&p);
}

static void
test_errors(void **state)
{
	(void)state;
	expect_error("{\"rules\": [{\"name\": \"r\", \"verdict\": \"admit\", \"class\": \"gold\"}]}",
		"pol.json:1:46: rules[0].class: no class \"gold\"");
	expect_error("{\"dscp\": {\"voice\": 70}}", "pol.json:1:11: dscp.voice: 70 is out of range");
	expect_error("{\n \"push_gates\": [{\"src\": \"10.0.0.0/40\"}]}",
		"pol.json:2:18: push_gates[0].src: \"10.0.0.0/40\" is not an address");
	expect_error("{\"ka_timer_s\": -1}", "pol.json:1:2: ka_timer_s: -1 is out of range");
	expect_error("{\"rules\": [{\"verdict\": \"admit\"}]}", "pol.json:1:12: rules[0]: missing");
	expect_error("{\"rulez\": []}", "pol.json:1:2: rulez: unknown key");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_and_decide),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
