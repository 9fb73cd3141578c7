/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * vpep-ctrl's end of the dataplane link (include/vpep_ipc.h): connects to the dataplane's Unix
 * socket, sends HELLO and RESYNC_REQ on every (re)connect, frames and checks what comes back
 * (ipc_msg.c) and hands whole messages to the application. When the dataplane is absent or
 * goes away it retries with a backoff doubling from 50 ms up to ipc.retry_max_ms.
 */

#ifndef VPEP_CTRL_CTRL_IPC_H
#define VPEP_CTRL_CTRL_IPC_H

#include <event2/event.h>
#include <event2/bufferevent.h>

#include "vpep_ipc.h"

struct ctrl_ipc_ops {
	void (*up)(void *ctx);		/* connected, HELLO and RESYNC_REQ sent */
	void (*down)(void *ctx);
	void (*msg)(void *ctx, const struct vpep_ipc_hdr *h, const void *body);
};

struct ctrl_ipc {
	struct event_base *base;
	char path[256];
	const struct ctrl_ipc_ops *ops;
	void *ctx;
	struct bufferevent *bev;
	struct event *retry_ev;
	uint32_t retry_ms, retry_max_ms;
	uint32_t seq;
	int up;
	uint64_t peer_instance;
	/* counters */
	uint64_t connects;
	uint64_t rx[VPEP_IPC_TYPE_MAX];
	uint64_t tx[VPEP_IPC_TYPE_MAX];
	uint64_t rx_bad;
	double t_connect;		/* monotonic seconds of the last connect */
};

int ctrl_ipc_init(struct ctrl_ipc *ci, struct event_base *base, const char *path,
	uint32_t retry_max_ms, const struct ctrl_ipc_ops *ops, void *ctx);
void ctrl_ipc_start(struct ctrl_ipc *ci);
void ctrl_ipc_stop(struct ctrl_ipc *ci);
/* Send one message; returns its sequence number or -ENOTCONN. */
int64_t ctrl_ipc_send(struct ctrl_ipc *ci, uint16_t type, const void *body, uint32_t len);

#endif /* VPEP_CTRL_CTRL_IPC_H */
