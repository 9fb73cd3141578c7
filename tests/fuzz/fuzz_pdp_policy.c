/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Fuzz target for vpep-pdp's policy loader (ctrl/pdp/pdp_policy.c) and its decision function:
 * any input gives a policy or a located error; a loaded policy decides a fixed call and builds
 * every push gate, which must encode as a valid PacketCable Gate-Set.
 */

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "pdp_policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pdp_policy p;
	struct pep_csi_call call;
	struct pdp_verdict v;
	char err[CFG_ERR_LEN];
	uint8_t buf[2048];
	char *text;
	uint32_t i;

	if (size > 1 << 16)
		return 0;
	text = malloc(size ? size : 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	err[0] = '\0';
	if (pdp_policy_load(&p, "fuzz.json", text, size, err, sizeof(err)) != 0) {
		assert(strncmp(err, "fuzz.json:", 10) == 0);
		free(text);
		return 0;
	}
	memset(&call, 0, sizeof(call));
	snprintf(call.from, sizeof(call.from), "sip:alice@a.example");
	snprintf(call.to, sizeof(call.to), "sip:bob@b.example");
	snprintf(call.codecs, sizeof(call.codecs), "PCMU,H264");
	call.bandwidth_bps = 87200;
	call.subscriber.family = 4;
	pdp_policy_decide(&p, &call, &v);
	assert(v.dscp <= 63);
	for (i = 0; i < p.n_push; i++) {
		struct pcmm_gate g;

		pdp_policy_push_gate(&p, i, &g);
		g.txn_id = 1;
		assert(pcmm_gate_encode(buf, sizeof(buf), &g, NULL) > 0);
	}
	pdp_policy_free(&p);
	free(text);
	return 0;
}
