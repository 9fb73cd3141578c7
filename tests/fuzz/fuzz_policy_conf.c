/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Fuzz target for the policy loader (docs/policy.md) and the rule matcher: any input gives a
 * loaded policy or an error "name:line:col: ...", never a crash; a loaded policy is then
 * matched against a few calls (glob patterns, codecs, bandwidth, source counts).
 */

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct policy_conf pc;
	static const char codecs[2][16] = { "PCMU", "telephone-event" };
	struct policy_call_facts f = { .caller = "sip:alice@example.com",
		.callee = "sip:9001234@example.com", .codecs = codecs, .n_codecs = 2,
		.bandwidth_bps = 80000, .source_calls = 2 };
	const struct policy_rule *r;
	struct cfg cf;
	json_t *o;
	int rc;

	if (size > 1 << 16)
		return 0;
	rc = cfg_load_text(&cf, "fuzz.json", (const char *)data, size);
	if (rc == 0) {
		o = json_object_get(cf.root, "policy");
		rc = policy_conf_load(&cf, o != NULL ? o : cf.root, "policy", &pc);
		if (rc != 0) {
			assert(strncmp(cf.err, "fuzz.json", 9) == 0);
		} else {
			r = policy_rule_match(&pc, &f);
			assert(r == NULL || r->index < pc.n_rules);
			f.caller = "";
			f.n_codecs = 0;
			r = policy_rule_match(&pc, &f);
			assert(r == NULL || r->index < pc.n_rules);
		}
	}
	cfg_free(&cf);
	return 0;
}
