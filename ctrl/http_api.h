/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * vpep-ctrl's HTTP server (docs/http-api.md): the JSON API, /metrics, health checks, the
 * dashboard, and token-protected writes (policy reload, gates) that go through policy_op like
 * COPS decisions do. libevent's evhttp parses HTTP; this module adds what evhttp 2.1 does not
 * check (Host, duplicate Content-Length, Transfer-Encoding with Content-Length, whitespace
 * before a colon, URI and header limits with 414/431, versions other than 1.x) and bounds what
 * a client can hold: connections, time to send a request, idle time.
 */

#ifndef VPEP_CTRL_HTTP_API_H
#define VPEP_CTRL_HTTP_API_H

#include <stdint.h>

#include <event2/event.h>

#include "config.h"
#include "pep.h"

#define HTTP_API_CODES 16

struct http_api_conn;

struct http_api {
	struct event_base *base;
	struct pep *pep;
	struct config *cfg;		/* the effective configuration (lpdp replaced on reload) */
	const char *config_file;	/* read again by POST /api/v1/policy/reload */
	struct evhttp *http;
	struct evconnlistener *listener;
	struct event *sweep_ev;
	struct http_api_conn *conns;	/* connections evhttp holds (and a reference on) */
	uint32_t n_conns, cap_conns;
	/* counters */
	uint64_t connections;		/* accepted */
	uint64_t evicted;		/* closed to make room (max_connections) */
	uint64_t timed_out;		/* closed for not sending a request in time */
	uint64_t responses[HTTP_API_CODES];	/* by status, see http_api.c codes[] */
	uint64_t auth_failures;
	double metrics_render_s;	/* how long the last /metrics took to build */
};

/* Bind and start serving (cfg->http). 0 or -errno. */
int http_api_init(struct http_api *h, struct event_base *base, struct pep *pep,
	struct config *cfg, const char *config_file);
void http_api_stop(struct http_api *h);

#endif /* VPEP_CTRL_HTTP_API_H */
