/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "ctrl_ipc.h"
#include "ctrl_log.h"
#include "ipc_msg.h"

#define RETRY_MIN_MS 50

static void ipc_connect(struct ctrl_ipc *ci);

int64_t
ctrl_ipc_send(struct ctrl_ipc *ci, uint16_t type, const void *body, uint32_t len)
{
	struct vpep_ipc_hdr h;

	if (ci->bev == NULL || !ci->up)
		return -ENOTCONN;
	memset(&h, 0, sizeof(h));
	h.magic = VPEP_IPC_MAGIC;
	h.version = VPEP_IPC_VERSION;
	h.type = type;
	h.len = len;
	h.seq = ++ci->seq;
	if (h.seq == 0)
		h.seq = ++ci->seq;
	bufferevent_write(ci->bev, &h, sizeof(h));
	if (len)
		bufferevent_write(ci->bev, body, len);
	if (type < VPEP_IPC_TYPE_MAX)
		ci->tx[type]++;
	return h.seq;
}

static void
schedule_retry(struct ctrl_ipc *ci)
{
	struct timeval tv;

	tv.tv_sec = ci->retry_ms / 1000;
	tv.tv_usec = (ci->retry_ms % 1000) * 1000;
	evtimer_add(ci->retry_ev, &tv);
	ci->retry_ms = ci->retry_ms * 2 > ci->retry_max_ms ? ci->retry_max_ms : ci->retry_ms * 2;
}

static void
lost(struct ctrl_ipc *ci, const char *why)
{
	int was_up = ci->up;

	if (ci->bev != NULL) {
		bufferevent_free(ci->bev);
		ci->bev = NULL;
	}
	ci->up = 0;
	if (was_up) {
		LOG_WARN("ipc: dataplane link lost (%s); it keeps enforcing what it has", why);
		if (ci->ops->down != NULL)
			ci->ops->down(ci->ctx);
	}
	schedule_retry(ci);
}

static void
on_read(struct bufferevent *bev, void *arg)
{
	struct ctrl_ipc *ci = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct vpep_ipc_hdr h;

	while (ci->bev == bev) {
		size_t avail = evbuffer_get_length(in);
		uint8_t hb[sizeof(h)];
		int64_t n;
		uint8_t *msg;

		if (avail < sizeof(h))
			return;
		evbuffer_copyout(in, hb, sizeof(hb));
		n = ipc_msg_frame(hb, sizeof(hb), &h);
		if (n == -EPROTO || n == -EBADMSG) {
			ci->rx_bad++;
			lost(ci, n == -EPROTO ? "wrong magic or version" : "bad message length");
			return;
		}
		if (avail < sizeof(h) + h.len)
			return;
		msg = evbuffer_pullup(in, (ssize_t)(sizeof(h) + h.len));
		if (h.type < VPEP_IPC_TYPE_MAX)
			ci->rx[h.type]++;
		if (ipc_msg_check(h.type, msg + sizeof(h), h.len) != 0) {
			ci->rx_bad++;
			LOG_WARN("ipc: invalid %s (seq %u) ignored", ipc_msg_type_name(h.type), h.seq);
		} else if (h.type == VPEP_IPC_HELLO) {
			struct vpep_ipc_hello hello;

			memcpy(&hello, msg + sizeof(h), sizeof(hello));
			hello.name[sizeof(hello.name) - 1] = '\0';
			if (ci->peer_instance != 0 && ci->peer_instance != hello.instance_id)
				LOG_INFO("ipc: the dataplane restarted (instance %#llx)",
					(unsigned long long)hello.instance_id);
			ci->peer_instance = hello.instance_id;
			LOG_INFO("ipc: HELLO from %s pid %u", hello.name, hello.pid);
		} else {
			ci->ops->msg(ci->ctx, &h, msg + sizeof(h));
		}
		if (ci->bev != bev)
			return;
		evbuffer_drain(in, sizeof(h) + h.len);
	}
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	struct ctrl_ipc *ci = arg;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		struct vpep_ipc_hello hello;

		ci->up = 1;
		ci->connects++;
		ci->t_connect = ctrl_now_s();
		ci->retry_ms = RETRY_MIN_MS;
		memset(&hello, 0, sizeof(hello));
		hello.pid = (uint32_t)getpid();
		hello.role = 2;
		snprintf(hello.name, sizeof(hello.name), "vpep-ctrl %s", VPEP_VERSION);
		ctrl_ipc_send(ci, VPEP_IPC_HELLO, &hello, sizeof(hello));
		/* every (re)connect: learn what the dataplane enforces before deciding anything */
		ctrl_ipc_send(ci, VPEP_IPC_RESYNC_REQ, NULL, 0);
		LOG_INFO("ipc: connected to %s, resync requested", ci->path);
		if (ci->ops->up != NULL)
			ci->ops->up(ci->ctx);
		return;
	}
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		lost(ci, what & BEV_EVENT_EOF ? "closed" : "error");
}

static void
ipc_connect(struct ctrl_ipc *ci)
{
	struct sockaddr_un sun;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", ci->path);
	ci->bev = bufferevent_socket_new(ci->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (ci->bev == NULL) {
		schedule_retry(ci);
		return;
	}
	bufferevent_setcb(ci->bev, on_read, NULL, on_event, ci);
	bufferevent_enable(ci->bev, EV_READ | EV_WRITE);
	if (bufferevent_socket_connect(ci->bev, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		/* a Unix socket that is absent fails at once: retry quietly */
		if (ci->bev != NULL) {
			bufferevent_free(ci->bev);
			ci->bev = NULL;
		}
		schedule_retry(ci);
	}
}

static void
on_retry(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	ipc_connect(arg);
}

int
ctrl_ipc_init(struct ctrl_ipc *ci, struct event_base *base, const char *path,
	uint32_t retry_max_ms, const struct ctrl_ipc_ops *ops, void *ctx)
{
	memset(ci, 0, sizeof(*ci));
	ci->base = base;
	snprintf(ci->path, sizeof(ci->path), "%s", path);
	ci->ops = ops;
	ci->ctx = ctx;
	ci->retry_ms = RETRY_MIN_MS;
	ci->retry_max_ms = retry_max_ms < RETRY_MIN_MS ? RETRY_MIN_MS : retry_max_ms;
	ci->retry_ev = evtimer_new(base, on_retry, ci);
	return ci->retry_ev != NULL ? 0 : -ENOMEM;
}

void
ctrl_ipc_start(struct ctrl_ipc *ci)
{
	ipc_connect(ci);
}

void
ctrl_ipc_stop(struct ctrl_ipc *ci)
{
	if (ci->bev != NULL) {
		bufferevent_free(ci->bev);
		ci->bev = NULL;
	}
	if (ci->retry_ev != NULL)
		event_free(ci->retry_ev);
	ci->retry_ev = NULL;
	ci->up = 0;
}
