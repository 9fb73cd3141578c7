/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Unit tests for configuration loading: the dataplane schema, its defaults, and the promise
 * that every error names file:line:column and the key path, and that a bad file changes
 * nothing. Also the key locator (json_pos) on its own.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dp_config.h"
#include "json_pos.h"

static int
load(struct dp_config *c, const char *text, char *err, size_t cap)
{
	dp_config_defaults(c);
	return dp_config_load_text(c, "t.json", text, strlen(text), err, cap);
}

/* Assert loading fails with an error starting with `prefix` (file:line:col: key). */
static void
expect_error(const char *text, const char *prefix)
{
	struct dp_config c;
	char err[1024];

	assert_int_not_equal(load(&c, text, err, sizeof(err)), 0);
	if (strncmp(err, prefix, strlen(prefix)) != 0)
		fail_msg("error \"%s\" does not start with \"%s\"", err, prefix);
}

static void
test_defaults(void **state)
{
	struct dp_config c;

	(void)state;
	dp_config_defaults(&c);
	assert_int_equal(c.mode, DP_MODE_INLINE);
	assert_int_equal(c.n_ports, 0);
	assert_int_equal(c.burst, 32);
	assert_int_equal(c.flow_full, FLOW_FULL_EVICT_OLDEST);
	assert_int_equal(c.reasm_max_fragments, 8);
	assert_int_equal(c.ipv4_checksum, DP_CKSUM_AUTO);
	assert_int_equal(c.malformed, DP_MALFORMED_DROP);
	assert_int_equal(c.stats_calls_max, 10000);
	assert_int_equal(c.ipc_calls_max, 200);
	assert_true(c.classify);
}

static void
test_classification_off(void **state)
{
	/* forwarding only: the configuration make bench uses for the foundation figure */
	static const char *off = "{\"mode\": \"monitor\", \"ports\": [{\"name\": \"a\", "
				 "\"device\": \"net_null0\"}], \"classification\": {\"enabled\": false}}";
	static const char *bad = "{\"mode\": \"monitor\", \"ports\": [{\"name\": \"a\", "
				 "\"device\": \"net_null0\"}], \"classification\": {\"enabled\": 0}}";
	struct dp_config c;
	char err[1024];

	(void)state;
	if (load(&c, off, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_false(c.classify);
	assert_int_not_equal(load(&c, bad, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "classification.enabled"));
}

static void
test_full_config(void **state)
{
	/* every section of the schema, with non-default values */
	static const char *text =
		"{\n"
		"  \"mode\": \"inline\",\n"
		"  \"ports\": [\n"
		"    {\"name\": \"outside\", \"device\": \"0000:03:00.0\", \"rx_desc\": 2048, \"tx_desc\": 512, \"mtu\": 1500},\n"
		"    {\"name\": \"inside\", \"device\": \"net_ring0\"}\n"
		"  ],\n"
		"  \"pairs\": [[\"outside\", \"inside\"]],\n"
		"  \"workers\": {\"lcores\": [1, 2], \"dispatch\": \"software\", \"burst\": 64, \"handoff_ring\": 8192},\n"
		"  \"mempool\": {\"mbufs\": 65535, \"cache\": 128, \"data_room\": 4096},\n"
		"  \"flows\": {\"capacity\": 1000, \"when_full\": \"refuse\", \"idle_timeout_s\": {\"tcp\": 10, \"udp\": 20, \"other\": 30}},\n"
		"  \"reassembly\": {\"max_datagrams\": 100, \"max_fragments\": 4, \"timeout_ms\": 500, \"max_size\": 9000},\n"
		"  \"malformed\": \"forward\",\n"
		"  \"ipv4_checksum\": \"ignore\",\n"
		"  \"stats\": {\"interval_ms\": 500, \"flows_in_json\": 10, \"calls_in_json\": 7},\n"
		"  \"ipc\": {\"socket\": \"/tmp/dp.sock\", \"calls_in_stats\": 0}\n"
		"}\n";
	struct dp_config c;
	char err[1024];

	(void)state;
	assert_int_equal(load(&c, text, err, sizeof(err)), 0);
	assert_int_equal(c.n_ports, 2);
	assert_string_equal(c.ports[0].name, "outside");
	assert_string_equal(c.ports[0].device, "0000:03:00.0");
	assert_int_equal(c.ports[0].rx_desc, 2048);
	assert_int_equal(c.ports[0].tx_desc, 512);
	assert_int_equal(c.ports[0].mtu, 1500);
	assert_int_equal(c.ports[1].rx_desc, 1024);
	assert_int_equal(c.ports[0].peer, 1);
	assert_int_equal(c.ports[1].peer, 0);
	assert_int_equal(c.n_worker_lcores, 2);
	assert_int_equal(c.worker_lcores[1], 2);
	assert_int_equal(c.dispatch, DP_DISPATCH_SOFTWARE);
	assert_int_equal(c.burst, 64);
	assert_int_equal(c.handoff_ring_size, 8192);
	assert_int_equal(c.mbufs, 65535);
	assert_int_equal(c.mbuf_data_room, 4096);
	assert_int_equal(c.flow_capacity, 1000);
	assert_int_equal(c.flow_full, FLOW_FULL_REFUSE);
	assert_int_equal(c.flow_timeout_s[FLOW_TMO_UDP], 20);
	assert_int_equal(c.reasm_max_fragments, 4);
	assert_int_equal(c.reasm_timeout_ms, 500);
	assert_int_equal(c.malformed, DP_MALFORMED_FORWARD);
	assert_int_equal(c.ipv4_checksum, DP_CKSUM_IGNORE);
	assert_int_equal(c.stats_flows_max, 10);
	assert_int_equal(c.stats_calls_max, 7);
	assert_int_equal(c.ipc_calls_max, 0);
	assert_string_equal(c.source, "t.json");
}

static void
test_syntax_error_position(void **state)
{
	(void)state;
	/* a missing comma between two members on line 3 */
	expect_error("{\n  \"mode\": \"inline\"\n  \"ports\": []\n}\n", "t.json:3:");
	/* not an object */
	expect_error("[1, 2]", "t.json:1:1:");
	/* empty input */
	expect_error("", "t.json:");
}

static void
test_semantic_errors_name_key(void **state)
{
	(void)state;
	/* an unknown key, reported where it stands (line 2, column 3) */
	expect_error("{\n  \"flowz\": {}\n}", "t.json:2:3: flowz: unknown key");
	/* a wrong enum value under flows (line 3, column 5) */
	expect_error("{\n  \"flows\": {\n    \"when_full\": \"evict\"\n  }\n}",
			"t.json:3:5: flows.when_full: \"evict\" is not one of");
	/* a number out of range inside the second port (line 3) */
	expect_error("{\"mode\": \"monitor\", \"ports\": [\n {\"name\": \"a\", \"device\": \"net_null0\"},\n"
		     " {\"name\": \"b\", \"device\": \"net_null1\", \"rx_desc\": 5}]}",
			"t.json:3:39: ports[1].rx_desc: 5 is out of range");
	/* a string where a number belongs */
	expect_error("{\"workers\": {\"burst\": \"32\"}}", "t.json:1:14: workers.burst: expected an integer");
	/* the calls caps: in range, named by their path */
	expect_error("{\"stats\": {\"calls_in_json\": -1}}", "t.json:1:12: stats.calls_in_json: -1 is out of range");
	expect_error("{\"ipc\": {\"socket\": \"/s\", \"calls_in_stats\": 16777217}}",
			"t.json:1:26: ipc.calls_in_stats: 16777217 is out of range");
	/* a typo inside a nested object */
	expect_error("{\"flows\": {\"idle_timeout_s\": {\"udpp\": 3}}}",
			"t.json:1:31: flows.idle_timeout_s.udpp: unknown key");
	/* the same key twice */
	expect_error("{\"mode\": \"inline\", \"mode\": \"monitor\"}", "t.json:1:");
}

static void
test_port_and_pair_rules(void **state)
{
	(void)state;
	/* a port without a device */
	expect_error("{\"mode\": \"monitor\", \"ports\": [{\"name\": \"a\"}]}", "t.json:1:31: ports[0]: missing required key \"device\"");
	/* two ports with the same name */
	expect_error("{\"mode\": \"monitor\", \"ports\": [{\"name\": \"a\", \"device\": \"x\"}, {\"name\": \"a\", \"device\": \"y\"}]}",
			"t.json:1:62: ports[1].name: port name \"a\" is used twice");
	/* a pair naming a port that does not exist */
	expect_error("{\"ports\": [{\"name\": \"a\", \"device\": \"x\"}], \"pairs\": [[\"a\", \"zz\"]]}",
			"t.json:1:59: pairs[0][1]: no port named \"zz\"");
	/* inline mode with a port left out of the pairs */
	expect_error("{\"ports\": [{\"name\": \"a\", \"device\": \"x\"}, {\"name\": \"b\", \"device\": \"y\"}], \"pairs\": [[\"a\", \"a\"]]}",
			"t.json:1:42: ports[1]: port \"b\" has no pair");
	/* monitor mode with pairs */
	expect_error("{\"mode\": \"monitor\", \"ports\": [{\"name\": \"a\", \"device\": \"x\"}], \"pairs\": [[\"a\", \"a\"]]}",
			"t.json:1:62: pairs: monitor mode receives only");
	/* a handoff ring size that is not a power of two */
	expect_error("{\"workers\": {\"handoff_ring\": 1000}}", "t.json:1:14: workers.handoff_ring: must be a power of two");
	/* more fragments than rte_ip_frag keeps */
	expect_error("{\"reassembly\": {\"max_fragments\": 9}}", "t.json:1:17: reassembly.max_fragments: 9 is out of range");
}

static void
test_all_or_nothing(void **state)
{
	struct dp_config c;
	char err[1024];
	/* valid flows section, then an error in reassembly */
	static const char *text = "{\"flows\": {\"capacity\": 100}, \"reassembly\": {\"timeout_ms\": 1}}";

	(void)state;
	dp_config_defaults(&c);
	c.flow_capacity = 777;
	assert_int_not_equal(dp_config_load_text(&c, "t.json", text, strlen(text), err, sizeof(err)), 0);
	assert_int_equal(c.flow_capacity, 777);
	assert_string_equal(c.source, "(built-in)");
}

static void
test_file_errors(void **state)
{
	struct dp_config c;
	char err[1024];

	(void)state;
	dp_config_defaults(&c);
	assert_int_not_equal(dp_config_load(&c, "/nonexistent/vpep.json", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "/nonexistent/vpep.json: cannot open"));
}

static void
test_json_pos(void **state)
{
	/* a small document over several lines, with arrays of objects and escapes */
	static const char *doc =
		"{\n"
		"  \"a\": 1,\n"
		"  \"b\": {\"c\": [10, {\"d\": \"x\\\"y\"}, [1, 2]]},\n"
		"  \"e\": true\n"
		"}";
	unsigned int line, col;

	(void)state;
	assert_int_equal(json_pos_locate(doc, strlen(doc), "", &line, &col), 0);
	assert_int_equal(line, 1);
	assert_int_equal(col, 1);
	assert_int_equal(json_pos_locate(doc, strlen(doc), "a", &line, &col), 0);
	assert_int_equal(line, 2);
	assert_int_equal(col, 3);
	assert_int_equal(json_pos_locate(doc, strlen(doc), "b.c", &line, &col), 0);
	assert_int_equal(line, 3);
	assert_int_equal(col, 9);
	assert_int_equal(json_pos_locate(doc, strlen(doc), "b.c[1].d", &line, &col), 0);
	assert_int_equal(line, 3);
	assert_int_equal(col, 20);
	assert_int_equal(json_pos_locate(doc, strlen(doc), "b.c[2][1]", &line, &col), 0);
	assert_int_equal(col, 38);
	assert_int_equal(json_pos_locate(doc, strlen(doc), "e", &line, &col), 0);
	assert_int_equal(line, 4);
	assert_int_equal(json_pos_locate(doc, strlen(doc), "zz", &line, &col), -1);
	assert_int_equal(json_pos_locate(doc, strlen(doc), "b.c[7]", &line, &col), -1);
	/* broken documents are refused, never overrun */
	assert_int_equal(json_pos_locate("{\"a\": ", 6, "a.b", &line, &col), -1);
	assert_int_equal(json_pos_locate("{\"a\"", 4, "zz", &line, &col), -1);
	assert_int_equal(json_pos_locate("\"abc", 4, "x", &line, &col), -1);
}

static void
test_json_pos_depth_limit(void **state)
{
	char deep[300];
	unsigned int line, col;
	int i;

	(void)state;
	/* 150 nested arrays: deeper than the locator follows */
	for (i = 0; i < 150; i++)
		deep[i] = '[';
	for (i = 150; i < 300; i++)
		deep[i] = ']';
	assert_int_equal(json_pos_locate(deep, sizeof(deep), "[0][0][0][0][0][0][0][0][0][0][0][0]"
					"[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]"
					"[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]"
					"[0][0][0][0][0][0]",
				&line, &col),
			-1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_classification_off),
		cmocka_unit_test(test_full_config),
		cmocka_unit_test(test_syntax_error_position),
		cmocka_unit_test(test_semantic_errors_name_key),
		cmocka_unit_test(test_port_and_pair_rules),
		cmocka_unit_test(test_all_or_nothing),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_json_pos),
		cmocka_unit_test(test_json_pos_depth_limit),
	};

	return cmocka_run_group_tests_name("dp_config", tests, NULL, NULL);
}
