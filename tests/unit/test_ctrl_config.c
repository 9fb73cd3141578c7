/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/* Unit tests for vpep-ctrl's configuration (ctrl/config.c): defaults, a full example, and
 * errors that name file:line:column and the key path. */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"

static int
load(struct config *c, const char *text, char *err)
{
	return config_load(c, "ctrl.json", text, strlen(text), err, CFG_ERR_LEN);
}

static void
expect_error(const char *text, const char *prefix)
{
	struct config c;
	char err[CFG_ERR_LEN] = "";

	assert_int_not_equal(load(&c, text, err), 0);
	if (strncmp(err, prefix, strlen(prefix)) != 0)
		fail_msg("error \"%s\" does not start with \"%s\"", err, prefix);
}

static void
test_full(void **state)
{
	static const char text[] =
		"{\"pepid\": \"cmts-7\", \"log_level\": \"debug\",\n"
		" \"ipc\": {\"socket\": \"/tmp/dp.sock\", \"retry_max_ms\": 1000},\n"
		" \"cops\": {\"sessions\": [{\"client_type\": 32778, \"outsourcing\": true,\n"
		"   \"provisioning\": false, \"pdps\": [\"10.0.0.1:3288\", \"[2001:db8::1]:3300\"]}],\n"
		"   \"open_timeout_ms\": 700, \"backoff_min_ms\": 20, \"backoff_max_ms\": 900,\n"
		"   \"decision_survival_s\": 30},\n"
		" \"lpdp\": {\"default\": \"deny\", \"dscp\": 10, \"rules\": [{\"name\": \"r\",\n"
		"   \"caller\": \"sip:*@a\", \"codecs\": [\"PCMU\"], \"verdict\": \"admit\",\n"
		"   \"dscp\": 46, \"max_calls_per_source\": 3, \"max_bandwidth_bps\": 1000}]}}\n";
	struct config c;
	char err[CFG_ERR_LEN];

	(void)state;
	assert_int_equal(load(&c, text, err), 0);
	assert_string_equal(c.pepid, "cmts-7");
	assert_int_equal(c.log_level, CONFIG_LOG_DEBUG);
	assert_string_equal(c.ipc_socket, "/tmp/dp.sock");
	assert_int_equal(c.n_sessions, 1);
	assert_int_equal(c.sessions[0].client_type, 0x800a);
	assert_int_equal(c.sessions[0].provisioning, 0);
	assert_int_equal(c.sessions[0].n_pdps, 2);
	assert_string_equal(c.sessions[0].pdps[1].host, "2001:db8::1");
	assert_int_equal(c.sessions[0].pdps[1].port, 3300);
	assert_int_equal(c.open_timeout_ms, 700);
	assert_int_equal(c.decision_survival_s, 30);
	assert_int_equal(c.lpdp.default_verdict, VPEP_IPC_VERDICT_DENY);
	assert_int_equal(c.lpdp.n_rules, 1);
	assert_int_equal(c.lpdp.rules[0].max_calls_per_source, 3);
	assert_int_equal(c.lpdp.rules[0].dscp, 46);
}

static void
test_defaults(void **state)
{
	struct config c;
	char err[CFG_ERR_LEN];

	(void)state;
	assert_int_equal(load(&c, "{}", err), 0);
	assert_string_equal(c.ipc_socket, VPEP_IPC_SOCKET_DEFAULT);
	assert_int_equal(c.n_sessions, 0);
	assert_int_equal(c.lpdp.default_verdict, VPEP_IPC_VERDICT_ADMIT);
}

static void
test_errors(void **state)
{
	(void)state;
	expect_error("{\"pepid\": 5}", "ctrl.json:1:2: pepid: expected a string");
	expect_error("{\n  \"lgo_level\": \"info\"}", "ctrl.json:2:3: lgo_level: unknown key");
	expect_error("{\"cops\": {\"sessions\": [{\"pdps\": [\"10.0.0.1\"]}]}}",
		"ctrl.json:1:34: cops.sessions[0].pdps[0]: \"10.0.0.1\" is not ADDRESS:PORT");
	expect_error("{\"cops\": {\"sessions\": [{\"pdps\": []}]}}",
		"ctrl.json:1:25: cops.sessions[0].pdps: at least one PDP");
	expect_error("{\"cops\": {\"sessions\": [{\"pdps\": [\"1.2.3.4:1\"]},\n"
		" {\"pdps\": [\"1.2.3.4:2\"]}]}}",
		"ctrl.json:2:2: cops.sessions[1]: client type 32778 is already configured");
	expect_error("{\"cops\": {\"backoff_min_ms\": 500, \"backoff_max_ms\": 100}}",
		"ctrl.json:1:34: cops.backoff_max_ms: must be >= backoff_min_ms");
	expect_error("{\"lpdp\": {\"rules\": [{\"name\": \"x\", \"verdict\": \"maybe\"}]}}",
		"ctrl.json:1:35: lpdp.rules[0].verdict: \"maybe\" is not one of");
	expect_error("{\"lpdp\": {\"rules\": [{\"name\": \"x\", \"verdict\": \"admit\", "
		"\"dscp\": 64}]}}", "ctrl.json:1:55: lpdp.rules[0].dscp: 64 is out of range");
	expect_error("{\"pepid\": \"a\",}", "ctrl.json:1:");
}

static void
test_hostport(void **state)
{
	struct config_pdp p;

	(void)state;
	assert_int_equal(config_parse_hostport("127.0.0.1:3288", &p), 0);
	assert_int_equal(p.port, 3288);
	assert_int_equal(config_parse_hostport("[::1]:1", &p), 0);
	assert_string_equal(p.host, "::1");
	assert_int_equal(config_parse_hostport("127.0.0.1:0", &p), -EINVAL);
	assert_int_equal(config_parse_hostport("127.0.0.1:65536", &p), -EINVAL);
	assert_int_equal(config_parse_hostport("pdp.example:3288", &p), -EINVAL);
	assert_int_equal(config_parse_hostport("::1:3288", &p), -EINVAL);
	assert_int_equal(config_parse_hostport("[::1]3288", &p), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_hostport),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
