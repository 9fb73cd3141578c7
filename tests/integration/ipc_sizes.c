/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/* Print the sizes of include/vpep_ipc.h's structures as JSON, so the Python fake dataplane's
 * mirror of them can be checked (tests/integration/test_ctrl.py ipc_layout). */

#include <stdio.h>

#include "vpep_ipc.h"

int
main(void)
{
	printf("{\"hdr\": %zu, \"hello\": %zu, \"result\": %zu, \"admission\": %zu, "
		"\"call_end\": %zu, \"decision\": %zu, \"gate\": %zu, \"gate_delete\": %zu, "
		"\"gate_state\": %zu, \"resync_done\": %zu, \"media\": %zu, \"meter\": %zu, "
		"\"addr\": %zu}\n",
		sizeof(struct vpep_ipc_hdr), sizeof(struct vpep_ipc_hello),
		sizeof(struct vpep_ipc_result), sizeof(struct vpep_ipc_admission),
		sizeof(struct vpep_ipc_call_end), sizeof(struct vpep_ipc_decision),
		sizeof(struct vpep_ipc_gate), sizeof(struct vpep_ipc_gate_delete),
		sizeof(struct vpep_ipc_gate_state), sizeof(struct vpep_ipc_resync_done),
		sizeof(struct vpep_ipc_media), sizeof(struct vpep_ipc_meter),
		sizeof(struct vpep_ipc_addr));
	return 0;
}
