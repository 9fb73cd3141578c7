/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * One COPS client type's connection to its PDPs: libevent socket, frame reader, the FSM's
 * timer, and the choice of PDP. After the PDP is lost (or a CAT never comes) it tries the
 * primary and then every backup in configuration order, immediately; when a whole round
 * fails it waits (backoff doubling from backoff_min_ms up to backoff_max_ms) and starts
 * again. A Client-Close with PDPRedirAddr sends it to that address first.
 */

#ifndef VPEP_CTRL_COPS_CONN_H
#define VPEP_CTRL_COPS_CONN_H

#include <event2/event.h>
#include <event2/bufferevent.h>
#include <jansson.h>

#include "config.h"
#include "cops_fsm.h"

#define COPS_CONN_HISTORY 64

/* One line of the session's history for the status file. */
struct cops_conn_event {
	double t;		/* monotonic seconds */
	const char *kind;	/* "open", "lost", "redirect", "connect-failed", "closed" */
	const char *why;	/* open: "initial" | "failover" | "redirect" | "reconnect" */
	char pdp[CONFIG_HOST_LEN + 8];
};

struct cops_conn;

struct cops_conn_ops {
	void (*opened)(void *ctx, struct cops_conn *c);
	void (*down)(void *ctx, struct cops_conn *c);
	void (*decision)(void *ctx, struct cops_conn *c, uint32_t handle, uint64_t cookie,
		const struct cops_fsm_dec *dec);
	void (*dropped)(void *ctx, struct cops_conn *c, uint32_t handle, uint64_t cookie,
		uint16_t reason);
	void (*changed)(void *ctx, int urgent);	/* something for the status file */
};

struct cops_conn {
	struct event_base *base;
	const struct config *cfg;
	const struct config_session *scfg;
	const struct cops_conn_ops *ops;
	void *ctx;
	struct cops_fsm fsm;
	struct bufferevent *bev;
	struct event *fsm_ev;		/* the FSM's next deadline */
	struct event *retry_ev;		/* backoff between rounds */
	int idx;			/* PDP being tried / used, -1 for the redirect target */
	struct config_pdp target;
	struct config_pdp redirect;
	int have_redirect;
	const char *open_why;		/* why the next CAT counts as a failover/redirect */
	int ever_open;
	uint32_t backoff_ms;
	uint64_t down_since;		/* ms, 0 while open */
	uint64_t opened_at;		/* ms of the last CAT */
	/* status */
	uint64_t opens, failovers, redirects, losses, connect_failures;
	struct cops_conn_event hist[COPS_CONN_HISTORY];
	uint32_t n_hist;		/* total recorded; the last COPS_CONN_HISTORY kept */
};

int cops_conn_init(struct cops_conn *c, struct event_base *base, const struct config *cfg,
	const struct config_session *scfg, const struct cops_conn_ops *ops, void *ctx);
void cops_conn_start(struct cops_conn *c);
/* Clean stop: Client-Close (Error 11 Shutting down) if open, then free everything. */
void cops_conn_stop(struct cops_conn *c);
int cops_conn_is_open(const struct cops_conn *c);
/* The session's state, counters and last COPS_CONN_HISTORY events (status file, HTTP API). */
json_t *cops_conn_json(const struct cops_conn *c);

#endif /* VPEP_CTRL_COPS_CONN_H */
