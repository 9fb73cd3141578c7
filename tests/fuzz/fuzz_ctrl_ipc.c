/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Fuzz target for vpep-ctrl's reader of dataplane messages (ctrl/ipc_msg.c): a byte stream is
 * framed message by message as ctrl_ipc.c does it, each body is copied into a buffer of exactly
 * its size and checked; an admission that passes the check is encoded as the COPS REQ gate
 * (ctrl/pep_csi.c), which must decode and read back.
 */

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipc_msg.h"
#include "pep_csi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t off = 0;

	while (off < size) {
		struct vpep_ipc_hdr h;
		int64_t n = ipc_msg_frame(data + off, (uint32_t)(size - off), &h);
		uint8_t *body;

		if (n < 0) {
			assert(n == -EAGAIN || n == -EPROTO || n == -EBADMSG);
			break;
		}
		assert((uint64_t)n == sizeof(h) + h.len && off + (uint64_t)n <= size);
		body = malloc(h.len ? h.len : 1);
		assert(body != NULL);
		memcpy(body, data + off + sizeof(h), h.len);
		if (ipc_msg_check(h.type, body, h.len) == 0 && h.type == VPEP_IPC_ADMISSION) {
			struct vpep_ipc_admission a;
			struct pcmm_gate g;
			struct pep_csi_call c;
			uint8_t buf[2048];
			int len;

			memcpy(&a, body, sizeof(a));
			len = pep_csi_encode_admission(&a, 1, 1, buf, sizeof(buf));
			assert(len > 0);
			assert(pcmm_gate_decode(buf, (uint32_t)len, &g, NULL) == 0);
			assert(pep_csi_parse_call(&g, &c) == 0);
			assert(c.gate_id == 1);
		}
		free(body);
		off += (uint32_t)n;
	}
	return 0;
}
