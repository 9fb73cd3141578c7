/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/* Policy model: loading (defaults, every section, errors with file:line:col and key path),
 * the rule matcher, glob patterns, codec bandwidth. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "policy_conf.h"

static struct policy_conf pc;

/* Load text as {"policy": ...}; return 0 or -EINVAL with the error in err. */
static int
load(const char *text, char *err, size_t err_len)
{
	struct cfg cf;
	int rc;

	rc = cfg_load_text(&cf, "p.json", text, strlen(text));
	if (rc == 0)
		rc = policy_conf_load(&cf, json_object_get(cf.root, "policy"), "policy", &pc);
	if (rc != 0 && err != NULL)
		snprintf(err, err_len, "%s", cf.err);
	cfg_free(&cf);
	return rc;
}

static void
test_defaults(void **state)
{
	(void)state;
	assert_int_equal(load("{\"policy\": {}}", NULL, 0), 0);
	assert_int_equal(pc.cls[POLICY_CLASS_voice].dscp, 46);
	assert_int_equal(pc.cls[POLICY_CLASS_sip].dscp, 24);
	assert_int_equal(pc.cls[POLICY_CLASS_video].dscp, 34);
	assert_int_equal(pc.cls[POLICY_CLASS_http].dscp, POLICY_DSCP_KEEP);
	assert_int_equal(pc.cls[POLICY_CLASS_voice].profile.type, METER_NONE);
	assert_int_equal(pc.default_verdict, POLICY_ADMIT);
	assert_int_equal(pc.n_rules, 0);
	assert_true(pc.protect.n_user_agents >= 5);
}

static const char full[] =
	"{\"policy\": {\n"
	" \"classes\": {\"sip\": {\"dscp\": 26},\n"
	"   \"http\": {\"dscp\": 10, \"meter\": {\"type\": \"trtcm\", \"cir_kbps\": 800,\n"
	"     \"pir_kbps\": 1600, \"cbs_bytes\": 3000, \"pbs_bytes\": 6000},\n"
	"     \"yellow\": {\"remark\": 12}, \"red\": \"drop\"},\n"
	"   \"default\": {\"dscp\": \"keep\"}},\n"
	" \"gates\": {\"dscp\": 46, \"meter\": {\"type\": \"trtcm\", \"cbs_bytes\": 3000},\n"
	"   \"burst_ms\": 50, \"red\": \"drop\", \"deny_signalling\": \"drop\"},\n"
	" \"admission\": {\"pending\": \"hold\", \"default\": \"deny\"},\n"
	" \"rules\": [\n"
	"   {\"name\": \"premium\", \"callee\": \"sip:900*\", \"action\": \"deny\"},\n"
	"   {\"name\": \"g729-only\", \"codec\": [\"g729\"], \"action\": \"admit\", \"dscp\": 34},\n"
	"   {\"name\": \"too-many\", \"calls_per_source_above\": 3, \"action\": \"deny\"},\n"
	"   {\"name\": \"fat\", \"bandwidth_above_kbps\": 200, \"action\": \"deny\"},\n"
	"   {\"name\": \"fixed\", \"caller\": \"sip:alice@*\", \"action\": \"admit\",\n"
	"    \"meter\": {\"type\": \"srtcm\", \"cir_kbps\": 64, \"cbs_bytes\": 1500}},\n"
	"   {\"name\": \"rest\", \"action\": \"admit\"}],\n"
	" \"protection\": {\"sip_rate\": {\"requests_per_s\": 20, \"burst\": 40, \"sources\": 1024},\n"
	"   \"scanners\": {\"user_agents\": [\"Friendly-Scanner\"], \"sweep_users\": 10,\n"
	"     \"action\": \"mark\", \"mark_dscp\": 8, \"block_s\": 60},\n"
	"   \"pinhole\": true}\n"
	"}}";

static void
test_full(void **state)
{
	char err[1024];
	struct policy_call_facts f = { 0 };
	const char codecs[2][16] = { "PCMU", "G729" };
	const struct policy_rule *r;

	(void)state;
	assert_int_equal(load(full, err, sizeof(err)), 0);
	assert_int_equal(pc.cls[POLICY_CLASS_sip].dscp, 26);
	assert_int_equal(pc.cls[POLICY_CLASS_http].profile.type, METER_TRTCM);
	assert_int_equal(pc.cls[POLICY_CLASS_http].meter.cir, 100000);
	assert_int_equal(pc.cls[POLICY_CLASS_http].act[METER_YELLOW].action, POLICY_ACT_REMARK);
	assert_int_equal(pc.cls[POLICY_CLASS_http].act[METER_YELLOW].dscp, 12);
	assert_int_equal(pc.cls[POLICY_CLASS_http].act[METER_RED].action, POLICY_ACT_DROP);
	assert_int_equal(pc.gate.burst_ms, 50);
	assert_int_equal(pc.gate.deny_signalling, 1);
	assert_int_equal(pc.pending, POLICY_PENDING_HOLD);
	assert_int_equal(pc.default_verdict, POLICY_DENY);
	assert_int_equal(pc.n_rules, 6);
	assert_int_equal(pc.protect.rate_rps, 20);
	assert_int_equal(pc.protect.n_user_agents, 1);
	assert_string_equal(pc.protect.user_agents[0], "friendly-scanner"); /* lower-cased */
	assert_int_equal(pc.protect.scanner_action, POLICY_PROTECT_MARK);
	assert_true(pc.protect.pinhole);

	/* first match wins, in order */
	f.caller = "sip:bob@example.com";
	f.callee = "sip:9001234@example.com";
	r = policy_rule_match(&pc, &f);
	assert_non_null(r);
	assert_string_equal(r->name, "premium");
	f.callee = "sip:carol@example.com";
	f.codecs = codecs;
	f.n_codecs = 2;
	r = policy_rule_match(&pc, &f);
	assert_string_equal(r->name, "g729-only"); /* case-insensitive codec */
	assert_int_equal(r->t.dscp, 34);
	f.n_codecs = 1;
	f.source_calls = 3;
	assert_string_equal(policy_rule_match(&pc, &f)->name, "too-many");
	f.source_calls = 2;
	f.bandwidth_bps = 200001;
	assert_string_equal(policy_rule_match(&pc, &f)->name, "fat");
	f.bandwidth_bps = 200000;
	f.caller = "sip:alice@atlanta.example.com";
	r = policy_rule_match(&pc, &f);
	assert_string_equal(r->name, "fixed");
	assert_true(r->has_treatment);
	assert_int_equal(r->t.profile.type, METER_SRTCM);
	assert_int_equal(r->t.meter.cir, 8000);
	f.caller = "sip:dave@example.com";
	assert_string_equal(policy_rule_match(&pc, &f)->name, "rest");
}

/* Each bad document fails, and the message names file:line:col and the key path. */
static void
test_errors(void **state)
{
	static const struct {
		const char *text;
		const char *want;
	} bad[] = {
		{ "{\"policy\": {\"clases\": {}}}", "policy" },
		{ "{\"policy\": {\"classes\": {\"voice\": {\"dscp\": 64}}}}", "policy.classes.voice.dscp" },
		{ "{\"policy\": {\"classes\": {\"fax\": {}}}}", "policy.classes" },
		{ "{\"policy\": {\"classes\": {\"voice\": {\"meter\": {\"type\": \"trtcm\", "
		  "\"cir_kbps\": 100, \"pir_kbps\": 50, \"cbs_bytes\": 1, \"pbs_bytes\": 1}}}}}",
			"policy.classes.voice.meter" },
		{ "{\"policy\": {\"classes\": {\"voice\": {\"red\": \"explode\"}}}}",
			"policy.classes.voice.red" },
		{ "{\"policy\": {\"rules\": [{\"action\": \"admit\"}]}}", "policy.rules[0]" },
		{ "{\"policy\": {\"rules\": [{\"name\": \"a\", \"action\": \"admit\"},\n"
		  "{\"name\": \"a\", \"action\": \"deny\"}]}}", "policy.rules[1]" },
		{ "{\"policy\": {\"rules\": [{\"name\": \"a\", \"action\": \"deny\", \"dscp\": 4}]}}",
			"policy.rules[0]" },
		{ "{\"policy\": {\"rules\": [{\"name\": \"a\", \"action\": \"maybe\"}]}}",
			"policy.rules[0].action" },
		{ "{\"policy\": {\"rules\": [{\"name\": \"a\", \"action\": \"deny\", \"codec\": []}]}}",
			"policy.rules[0].codec" },
		{ "{\"policy\": {\"gates\": {\"meter\": {\"type\": \"srtcm\", \"cir_kbps\": 5}}}}",
			"policy.gates.meter" },
		{ "{\"policy\": {\"protection\": {\"sip_rate\": {\"requests_per_s\": 5, "
		  "\"sources\": 1000}}}}", "policy.protection.sip_rate.sources" },
		{ "{\"policy\": {\"admission\": {\"pending\": \"later\"}}}", "policy.admission.pending" },
		{ "{\"policy\": []}", "policy" },
	};
	char err[1024];
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_not_equal(load(bad[i].text, err, sizeof(err)), 0);
		if (strstr(err, bad[i].want) == NULL || strncmp(err, "p.json:", 7) != 0)
			fail_msg("case %u: \"%s\" lacks \"%s\"", i, err, bad[i].want);
	}
}

static void
test_glob(void **state)
{
	(void)state;
	assert_true(policy_glob("*", ""));
	assert_true(policy_glob("sip:*@example.com", "sip:alice@example.com"));
	assert_false(policy_glob("sip:*@example.com", "sip:alice@example.org"));
	assert_true(policy_glob("sip:9??@*", "sip:911@x"));
	assert_false(policy_glob("sip:9??@*", "sip:9111@x"));
	assert_true(policy_glob("*a*b*c*", "xxaxxbxxcxx"));
	assert_false(policy_glob("*a*b*c", "xxaxxbxxcxx"));
	assert_true(policy_glob("", ""));
	assert_false(policy_glob("", "a"));
	/* a pathological pattern stays fast (one backtrack point) */
	assert_false(policy_glob("*a*a*a*a*a*a*a*a*b",
			"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

static void
test_codec_bps(void **state)
{
	(void)state;
	/* G.711 at 20 ms: 160 bytes + 40 bytes of RTP/UDP/IPv4 headers, 50 packets/s */
	assert_int_equal(policy_codec_bps("PCMU", 8000, 4), 80000);
	assert_int_equal(policy_codec_bps("pcma", 8000, 6), 88000);
	assert_int_equal(policy_codec_bps("G729", 8000, 4), 24000);
	assert_int_equal(policy_codec_bps("telephone-event", 8000, 4), 0);
	assert_int_equal(policy_codec_bps("NOPE", 8000, 4), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_codec_bps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
