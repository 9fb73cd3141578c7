/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <errno.h>
#include <string.h>

#include "ipc_msg.h"

int64_t
ipc_msg_body_len(uint16_t type)
{
	switch (type) {
	case VPEP_IPC_HELLO:
		return sizeof(struct vpep_ipc_hello);
	case VPEP_IPC_RESULT:
		return sizeof(struct vpep_ipc_result);
	case VPEP_IPC_ADMISSION:
		return sizeof(struct vpep_ipc_admission);
	case VPEP_IPC_CALL_END:
		return sizeof(struct vpep_ipc_call_end);
	case VPEP_IPC_DECISION:
		return sizeof(struct vpep_ipc_decision);
	case VPEP_IPC_GATE_SET:
		return sizeof(struct vpep_ipc_gate);
	case VPEP_IPC_GATE_DELETE:
		return sizeof(struct vpep_ipc_gate_delete);
	case VPEP_IPC_RESYNC_REQ:
	case VPEP_IPC_STATS_REQ:
		return 0;
	case VPEP_IPC_GATE_STATE:
		return sizeof(struct vpep_ipc_gate_state);
	case VPEP_IPC_RESYNC_DONE:
		return sizeof(struct vpep_ipc_resync_done);
	case VPEP_IPC_STATS:
		return -1;
	}
	return 0;
}

static int
known(uint16_t type)
{
	return type >= VPEP_IPC_HELLO && type < VPEP_IPC_TYPE_MAX;
}

int64_t
ipc_msg_frame(const uint8_t *buf, uint32_t len, struct vpep_ipc_hdr *hdr)
{
	struct vpep_ipc_hdr h;
	int64_t want;

	if (len < sizeof(h))
		return -EAGAIN;
	memcpy(&h, buf, sizeof(h));
	if (hdr != NULL)
		*hdr = h;
	if (h.magic != VPEP_IPC_MAGIC || h.version != VPEP_IPC_VERSION)
		return -EPROTO;
	if (h.len > VPEP_IPC_MAX_BODY)
		return -EBADMSG;
	if (known(h.type)) {
		want = ipc_msg_body_len(h.type);
		if (want >= 0 && (uint32_t)want != h.len)
			return -EBADMSG;
	}
	if ((uint64_t)len < sizeof(h) + (uint64_t)h.len)
		return -EAGAIN;
	return (int64_t)(sizeof(h) + h.len);
}

static int
addr_ok(const struct vpep_ipc_addr *a)
{
	if (a->family == 0)
		return 1;
	if (a->family == 4)
		return a->prefix_len <= 32;
	if (a->family == 6)
		return a->prefix_len <= 128;
	return 0;
}

int
ipc_msg_check(uint16_t type, const void *body, uint32_t len)
{
	if (ipc_msg_body_len(type) >= 0 && (int64_t)len != ipc_msg_body_len(type))
		return -EINVAL;
	switch (type) {
	case VPEP_IPC_ADMISSION: {
		const struct vpep_ipc_admission *a = body;
		unsigned int i;

		if (a->call_handle == 0 || a->n_media > VPEP_IPC_MAX_MEDIA || !addr_ok(&a->caller_addr))
			return -EINVAL;
		for (i = 0; i < a->n_media; i++)
			if (!addr_ok(&a->media[i].offer_addr) || !addr_ok(&a->media[i].answer_addr))
				return -EINVAL;
		if ((a->flags & VPEP_IPC_ADM_DECIDED) && a->verdict != VPEP_IPC_VERDICT_ADMIT &&
				a->verdict != VPEP_IPC_VERDICT_DENY)
			return -EINVAL;
		return 0;
	}
	case VPEP_IPC_CALL_END: {
		const struct vpep_ipc_call_end *e = body;

		return e->call_handle != 0 ? 0 : -EINVAL;
	}
	case VPEP_IPC_GATE_STATE: {
		const struct vpep_ipc_gate_state *g = body;

		if (g->gate.gate_id == 0 || !addr_ok(&g->gate.src) || !addr_ok(&g->gate.dst))
			return -EINVAL;
		return 0;
	}
	default:
		return 0;
	}
}

const char *
ipc_msg_type_name(uint16_t type)
{
	static const char *const names[] = {
		[VPEP_IPC_HELLO] = "HELLO", [VPEP_IPC_RESULT] = "RESULT",
		[VPEP_IPC_ADMISSION] = "ADMISSION", [VPEP_IPC_CALL_END] = "CALL_END",
		[VPEP_IPC_DECISION] = "DECISION", [VPEP_IPC_GATE_SET] = "GATE_SET",
		[VPEP_IPC_GATE_DELETE] = "GATE_DELETE", [VPEP_IPC_RESYNC_REQ] = "RESYNC_REQ",
		[VPEP_IPC_GATE_STATE] = "GATE_STATE", [VPEP_IPC_RESYNC_DONE] = "RESYNC_DONE",
		[VPEP_IPC_STATS_REQ] = "STATS_REQ", [VPEP_IPC_STATS] = "STATS",
	};

	return known(type) ? names[type] : "unknown";
}
