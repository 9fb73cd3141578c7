/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/buffer.h>

#include "cops_conn.h"
#include "ctrl_log.h"

#define COPS_CONN_STABLE_MS 1000

static void try_connect(struct cops_conn *c);

static void
history(struct cops_conn *c, const char *kind, const char *why)
{
	struct cops_conn_event *e = &c->hist[c->n_hist % COPS_CONN_HISTORY];

	e->t = ctrl_now_s();
	e->kind = kind;
	e->why = why;
	snprintf(e->pdp, sizeof(e->pdp), "%s:%u", c->target.host, c->target.port);
	c->n_hist++;
}

static void
changed(struct cops_conn *c, int urgent)
{
	if (c->ops->changed != NULL)
		c->ops->changed(c->ctx, urgent);
}

static void
kick(struct cops_conn *c)
{
	uint64_t now = ctrl_now_ms(), next = cops_fsm_tick(&c->fsm, now);
	struct timeval tv;

	if (next == UINT64_MAX) {
		if (c->fsm_ev != NULL)
			evtimer_del(c->fsm_ev);
		return;
	}
	next = next > now ? next - now : 0;
	tv.tv_sec = (time_t)(next / 1000);
	tv.tv_usec = (suseconds_t)(next % 1000) * 1000;
	evtimer_add(c->fsm_ev, &tv);
}

static void
drop_bev(struct cops_conn *c, int flush)
{
	if (c->bev == NULL)
		return;
	/* one non-blocking write of what is queued (the Client-Close): "where the socket still
	 * allows it" -- a frozen peer's receive buffer still takes a few bytes */
	if (flush) {
		evutil_socket_t fd = bufferevent_getfd(c->bev);

		struct evbuffer *out = bufferevent_get_output(c->bev);

		/* a socket bufferevent freezes the start of its output (only it writes from there):
		 * thaw it for this one write */
		if (fd >= 0) {
			evbuffer_unfreeze(out, 1);
			evbuffer_write(out, fd);
			evbuffer_freeze(out, 1);
		}
	}
	bufferevent_free(c->bev);
	c->bev = NULL;
}

static void
schedule_round(struct cops_conn *c)
{
	struct timeval tv;

	tv.tv_sec = c->backoff_ms / 1000;
	tv.tv_usec = (c->backoff_ms % 1000) * 1000;
	LOG_INFO("cops %#x: no stable PDP session, next round in %u ms", c->scfg->client_type,
		c->backoff_ms);
	evtimer_add(c->retry_ev, &tv);
	c->backoff_ms = c->backoff_ms * 2 > c->cfg->backoff_max_ms ? c->cfg->backoff_max_ms :
		c->backoff_ms * 2;
}

/* The current target failed: go on with the list. */
static void
next_target(struct cops_conn *c)
{
	if (c->idx < 0) {
		/* the redirect target failed: back to the configured list, as after a loss */
		c->idx = 0;
		c->have_redirect = 0;
		c->open_why = "failover";
	} else if ((uint32_t)++c->idx >= c->scfg->n_pdps) {
		c->idx = 0;
		schedule_round(c);
		return;
	}
	try_connect(c);
}

/*
 * The session ended after having been open (or opening): start over from the primary, at once
 * when it had been up a while (a lost PDP: fail over now), after the backoff when it died
 * within COPS_CONN_STABLE_MS of its CAT (a PDP that accepts us and then keeps rejecting us
 * must not turn into a reconnect loop).
 */
static void
restart(struct cops_conn *c, const char *why)
{
	uint64_t now = ctrl_now_ms();

	if (c->down_since == 0)
		c->down_since = now;
	c->open_why = why;
	c->idx = c->have_redirect ? -1 : 0;
	if (c->ops->down != NULL)
		c->ops->down(c->ctx, c);
	if (c->opened_at != 0 && now - c->opened_at < COPS_CONN_STABLE_MS &&
			strcmp(why, "redirect") != 0) {
		schedule_round(c);
		return;
	}
	c->backoff_ms = c->cfg->backoff_min_ms;
	try_connect(c);
}

static void
fsm_send(void *ctx, const uint8_t *buf, uint32_t len)
{
	struct cops_conn *c = ctx;

	if (c->bev != NULL)
		bufferevent_write(c->bev, buf, len);
}

static void
fsm_closed(void *ctx, int why, uint16_t error_code, const struct cops_pdp_addr *redirect)
{
	struct cops_conn *c = ctx;
	int was_open = c->down_since == 0;

	LOG_INFO("cops %#x: %s:%u closed: %s (error %u)%s", c->scfg->client_type, c->target.host,
		c->target.port, cops_fsm_close_name(why), error_code, redirect ? ", redirected" : "");
	drop_bev(c, why != COPS_FSM_CLOSE_PDP_CC);
	evtimer_del(c->fsm_ev);
	if (redirect != NULL && redirect->ip.family != 0) {
		char host[INET6_ADDRSTRLEN];

		inet_ntop(redirect->ip.family == 4 ? AF_INET : AF_INET6, redirect->ip.addr, host,
			sizeof(host));
		snprintf(c->redirect.host, sizeof(c->redirect.host), "%s", host);
		c->redirect.port = redirect->port ? redirect->port : COPS_TCP_PORT;
		c->have_redirect = 1;
		c->redirects++;
		history(c, "redirect", host);
		if (was_open)
			c->losses++;
		restart(c, "redirect");
		changed(c, 1);
		return;
	}
	if (!was_open) {
		/* no CAT yet: this PDP failed (silent, or it refused us with a Client-Close) */
		c->connect_failures++;
		history(c, "connect-failed", why == COPS_FSM_CLOSE_OPEN_TIMEOUT ? "open-timeout" :
			cops_fsm_close_name(why));
		changed(c, 1);
		next_target(c);
		return;
	}
	c->losses++;
	history(c, "lost", cops_fsm_close_name(why));
	changed(c, 1);
	restart(c, "failover");
}

static void
fsm_opened(void *ctx)
{
	struct cops_conn *c = ctx;
	const char *why = !c->ever_open ? "initial" : c->open_why ? c->open_why : "reconnect";

	c->opens++;
	if (c->ever_open && strcmp(why, "failover") == 0)
		c->failovers++;
	c->ever_open = 1;
	c->down_since = 0;
	c->have_redirect = 0;
	c->open_why = NULL;
	c->opened_at = ctrl_now_ms();
	history(c, "open", why);
	LOG_INFO("cops %#x: open with %s:%u (%s), KA %u ms, accounting %u ms",
		c->scfg->client_type, c->target.host, c->target.port, why, c->fsm.ka_ms,
		c->fsm.acct_ms);
	if (c->ops->opened != NULL)
		c->ops->opened(c->ctx, c);
	changed(c, 1);
}

static void
fsm_decision(void *ctx, uint32_t handle, uint64_t cookie, const struct cops_fsm_dec *dec)
{
	struct cops_conn *c = ctx;

	if (c->ops->decision != NULL)
		c->ops->decision(c->ctx, c, handle, cookie, dec);
	changed(c, 0);
}

static void
fsm_dropped(void *ctx, uint32_t handle, uint64_t cookie, uint16_t reason)
{
	struct cops_conn *c = ctx;

	LOG_WARN("cops %#x: request %#x dropped (DRQ reason %u %s)", c->scfg->client_type, handle,
		reason, cops_reason_name(reason));
	if (c->ops->dropped != NULL)
		c->ops->dropped(c->ctx, c, handle, cookie, reason);
	changed(c, 1);
}

static const struct cops_fsm_ops fsm_ops = {
	.send = fsm_send,
	.closed = fsm_closed,
	.opened = fsm_opened,
	.decision = fsm_decision,
	.dropped = fsm_dropped,
};

static void
on_read(struct bufferevent *bev, void *arg)
{
	struct cops_conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t hdr[COPS_HDR_LEN];

	while (c->bev == bev) {
		size_t avail = evbuffer_get_length(in);
		int64_t n;
		uint8_t *msg;

		if (avail < COPS_HDR_LEN)
			break;
		evbuffer_copyout(in, hdr, sizeof(hdr));
		n = cops_fsm_frame(hdr, sizeof(hdr));
		if (n == -EBADMSG) {
			/* garbage where a header should be: RFC 2748 Error 3, then the connection */
			LOG_WARN("cops %#x: bad framing from %s:%u", c->scfg->client_type,
				c->target.host, c->target.port);
			c->fsm.rx_bad++;
			cops_fsm_close(&c->fsm, COPS_ERR_BAD_MSG_FORMAT);
			return;
		}
		if (n < 0 || avail < (size_t)n)
			break;
		msg = evbuffer_pullup(in, n);
		cops_fsm_input(&c->fsm, msg, (uint32_t)n, ctrl_now_ms());
		if (c->bev != bev)
			return;	/* the FSM closed the connection; bev is freed */
		evbuffer_drain(in, (size_t)n);
	}
	if (c->bev == bev)
		kick(c);
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	struct cops_conn *c = arg;
	struct cops_pdp_addr pa;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		int one = 1;

		setsockopt(bufferevent_getfd(c->bev), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		memset(&pa, 0, sizeof(pa));
		if (inet_pton(AF_INET, c->target.host, pa.ip.addr) == 1)
			pa.ip.family = 4;
		else if (inet_pton(AF_INET6, c->target.host, pa.ip.addr) == 1)
			pa.ip.family = 6;
		pa.port = c->target.port;
		LOG_DEBUG("cops %#x: connected to %s:%u, OPN", c->scfg->client_type, c->target.host,
			c->target.port);
		cops_fsm_connected(&c->fsm, &pa, ctrl_now_ms());
		kick(c);
		return;
	}
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		int opening = c->fsm.state != COPS_FSM_OPEN;

		LOG_INFO("cops %#x: connection to %s:%u %s", c->scfg->client_type, c->target.host,
			c->target.port, what & BEV_EVENT_EOF ? "closed by the PDP" :
			evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
		cops_fsm_disconnected(&c->fsm);
		drop_bev(c, 0);
		evtimer_del(c->fsm_ev);
		if (opening) {
			c->connect_failures++;
			history(c, "connect-failed", what & BEV_EVENT_EOF ? "eof" : "error");
			changed(c, 1);
			next_target(c);
		} else {
			c->losses++;
			history(c, "lost", what & BEV_EVENT_EOF ? "eof" : "reset");
			changed(c, 1);
			restart(c, "failover");
		}
	}
}

static void
try_connect(struct cops_conn *c)
{
	struct sockaddr_storage ss;
	socklen_t sl;

	c->target = c->idx < 0 ? c->redirect : c->scfg->pdps[c->idx];
	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, c->target.host, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		((struct sockaddr_in *)&ss)->sin_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons(c->target.port);
		sl = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, c->target.host,
			&((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)&ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(c->target.port);
		sl = sizeof(struct sockaddr_in6);
	} else {
		LOG_ERR("cops %#x: bad PDP address %s", c->scfg->client_type, c->target.host);
		next_target(c);
		return;
	}
	c->bev = bufferevent_socket_new(c->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		schedule_round(c);
		return;
	}
	bufferevent_setcb(c->bev, on_read, NULL, on_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	LOG_DEBUG("cops %#x: connecting to %s:%u", c->scfg->client_type, c->target.host,
		c->target.port);
	if (bufferevent_socket_connect(c->bev, (struct sockaddr *)&ss, (int)sl) < 0) {
		/* an immediate failure has already been reported through on_event() */
		if (c->bev != NULL) {
			drop_bev(c, 0);
			next_target(c);
		}
	}
}

static void
on_fsm_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	kick(arg);
}

static void
on_retry(evutil_socket_t fd, short what, void *arg)
{
	struct cops_conn *c = arg;

	(void)fd;
	(void)what;
	c->idx = 0;
	try_connect(c);
}

int
cops_conn_init(struct cops_conn *c, struct event_base *base, const struct config *cfg,
	const struct config_session *scfg, const struct cops_conn_ops *ops, void *ctx)
{
	struct cops_fsm_cfg fc;
	int rc;

	memset(c, 0, sizeof(*c));
	c->base = base;
	c->cfg = cfg;
	c->scfg = scfg;
	c->ops = ops;
	c->ctx = ctx;
	memset(&fc, 0, sizeof(fc));
	fc.client_type = scfg->client_type;
	snprintf(fc.pepid, sizeof(fc.pepid), "%s", cfg->pepid);
	fc.open_timeout_ms = cfg->open_timeout_ms;
	rc = cops_fsm_init(&c->fsm, &fc, &fsm_ops, c, ctrl_now_ms() ^ (uintptr_t)c);
	if (rc < 0)
		return rc;
	c->fsm_ev = evtimer_new(base, on_fsm_timer, c);
	c->retry_ev = evtimer_new(base, on_retry, c);
	if (c->fsm_ev == NULL || c->retry_ev == NULL)
		return -ENOMEM;
	c->backoff_ms = cfg->backoff_min_ms;
	c->down_since = ctrl_now_ms();
	return 0;
}

void
cops_conn_start(struct cops_conn *c)
{
	c->idx = 0;
	try_connect(c);
}

int
cops_conn_is_open(const struct cops_conn *c)
{
	return c->fsm.state == COPS_FSM_OPEN;
}

void
cops_conn_stop(struct cops_conn *c)
{
	if (c->bev != NULL && c->fsm.state != COPS_FSM_IDLE) {
		/* closed() would reconnect: detach the callbacks first */
		uint8_t buf[64];
		int n = cops_encode_cc(buf, sizeof(buf), c->scfg->client_type,
			COPS_ERR_SHUTTING_DOWN, 0, NULL);

		if (n > 0)
			bufferevent_write(c->bev, buf, (size_t)n);
	}
	drop_bev(c, 1);
	if (c->fsm_ev != NULL)
		event_free(c->fsm_ev);
	if (c->retry_ev != NULL)
		event_free(c->retry_ev);
	c->fsm_ev = c->retry_ev = NULL;
	cops_fsm_free(&c->fsm);
}

static json_t *
op_counts(const uint64_t *v)
{
	json_t *o = json_object();
	int i;

	for (i = COPS_OP_REQ; i <= COPS_OP_SSC; i++)
		json_object_set_new(o, cops_op_name((uint8_t)i), json_integer((json_int_t)v[i]));
	return o;
}

json_t *
cops_conn_json(const struct cops_conn *c)
{
	json_t *s = json_object(), *hist = json_array();
	uint32_t i, first = c->n_hist > COPS_CONN_HISTORY ? c->n_hist - COPS_CONN_HISTORY : 0;
	char pdp[CONFIG_HOST_LEN + 8];

	for (i = first; i < c->n_hist; i++) {
		const struct cops_conn_event *e = &c->hist[i % COPS_CONN_HISTORY];

		json_array_append_new(hist, json_pack("{s:f, s:s, s:s, s:s}", "t", e->t,
			"kind", e->kind, "why", e->why ? e->why : "", "pdp", e->pdp));
	}
	snprintf(pdp, sizeof(pdp), "%s:%u", c->target.host, c->target.port);
	json_object_set_new(s, "client_type", json_integer(c->scfg->client_type));
	json_object_set_new(s, "state", json_string(cops_fsm_state_name(c->fsm.state)));
	json_object_set_new(s, "pdp", json_string(pdp));
	json_object_set_new(s, "ka_ms", json_integer(c->fsm.ka_ms));
	json_object_set_new(s, "acct_ms", json_integer(c->fsm.acct_ms));
	json_object_set_new(s, "handles", json_integer(c->fsm.n_reqs));
	json_object_set_new(s, "opens", json_integer((json_int_t)c->opens));
	json_object_set_new(s, "failovers", json_integer((json_int_t)c->failovers));
	json_object_set_new(s, "redirects", json_integer((json_int_t)c->redirects));
	json_object_set_new(s, "losses", json_integer((json_int_t)c->losses));
	json_object_set_new(s, "connect_failures", json_integer((json_int_t)c->connect_failures));
	json_object_set_new(s, "rx", op_counts(c->fsm.rx));
	json_object_set_new(s, "tx", op_counts(c->fsm.tx));
	json_object_set_new(s, "rx_bad", json_integer((json_int_t)c->fsm.rx_bad));
	json_object_set_new(s, "rx_unknown_handle",
		json_integer((json_int_t)c->fsm.rx_unknown_handle));
	json_object_set_new(s, "rx_unexpected", json_integer((json_int_t)c->fsm.rx_unexpected));
	json_object_set_new(s, "drq_malformed", json_integer((json_int_t)c->fsm.drq_malformed));
	json_object_set_new(s, "events", hist);
	return s;
}
