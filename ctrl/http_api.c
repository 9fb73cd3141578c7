/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/http_struct.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "ctrl_log.h"
#include "http_api.h"
#include "metrics.h"

/* The dashboard, embedded at build time (ctrl/www, scripts/embed-file.py). */
extern const char http_www_index[], http_www_js[], http_www_css[];
extern const unsigned int http_www_index_len, http_www_js_len, http_www_css_len;

/* One connection evhttp holds. We keep a reference on its bufferevent so that we can tell
 * when evhttp has freed it (bufferevent_free() clears the callbacks) without a hook evhttp
 * 2.1 does not have; the reference is dropped at the next sweep. */
struct http_api_conn {
	struct bufferevent *bev;
	double t_last;		/* accepted, or last request */
	double deadline;	/* the next request must be complete by then */
	uint8_t served;		/* at least one request answered */
	uint8_t closing;	/* shut down by us, evhttp has not noticed yet */
};

/* Status codes counted in h->responses[], by index. */
static const int codes[HTTP_API_CODES] = {200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 414,
	431, 500, 501, 503, 505};

#define SWEEP_MS 200

struct route;
typedef void (*handler_fn)(struct http_api *h, struct evhttp_request *req, const char *arg);

/* ---- responses ---------------------------------------------------------------------------- */

static void
count_status(struct http_api *h, int code)
{
	unsigned int i;

	for (i = 0; i < HTTP_API_CODES; i++)
		if (codes[i] == code) {
			h->responses[i]++;
			return;
		}
}

static void
add_date(struct evkeyvalq *out)
{
	char d[64];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(d, sizeof(d), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	evhttp_remove_header(out, "Date");
	evhttp_add_header(out, "Date", d);
}

/*
 * Send a response with an explicit Content-Length (evhttp leaves it out for HEAD, where the
 * body it drops must still be announced) and a Date for every version. close: end the
 * connection after it (the request's framing was doubtful).
 */
static void
reply(struct http_api *h, struct evhttp_request *req, int code, const char *ctype,
	struct evbuffer *body, int close)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	char len[32];

	snprintf(len, sizeof(len), "%zu", body != NULL ? evbuffer_get_length(body) : (size_t)0);
	evhttp_remove_header(out, "Content-Length");
	evhttp_add_header(out, "Content-Length", len);
	if (ctype != NULL) {
		evhttp_remove_header(out, "Content-Type");
		evhttp_add_header(out, "Content-Type", ctype);
	}
	add_date(out);
	evhttp_add_header(out, "X-Content-Type-Options", "nosniff");
	if (close)
		evhttp_add_header(out, "Connection", "close");
	count_status(h, code);
	evhttp_send_reply(req, code, NULL, body);
}

static void
free_json_text(const void *data, size_t len, void *arg)
{
	(void)len;
	(void)arg;
	free((void *)(uintptr_t)data);
}

/* Reply with a JSON document (stolen). */
static void
reply_json(struct http_api *h, struct evhttp_request *req, int code, json_t *doc)
{
	struct evbuffer *b = evbuffer_new();
	char *text = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(17));
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);

	json_decref(doc);
	if (b == NULL || text == NULL) {
		free(text);
		if (b != NULL)
			evbuffer_free(b);
		evhttp_send_error(req, 500, NULL);
		return;
	}
	evbuffer_add_reference(b, text, strlen(text), free_json_text, NULL);
	evbuffer_add(b, "\n", 1);
	evhttp_add_header(out, "Cache-Control", "no-store");
	reply(h, req, code, "application/json", b, 0);
	evbuffer_free(b);
}

static void
reply_error(struct http_api *h, struct evhttp_request *req, int code, const char *msg, int close)
{
	struct evbuffer *b = evbuffer_new();
	json_t *doc = json_pack("{s:i, s:s}", "status", code, "error", msg);
	char *text = json_dumps(doc, JSON_COMPACT);

	json_decref(doc);
	if (b != NULL && text != NULL)
		evbuffer_add_printf(b, "%s\n", text);
	free(text);
	reply(h, req, code, "application/json", b, close);
	if (b != NULL)
		evbuffer_free(b);
}

/* ---- connections -------------------------------------------------------------------------- */

static int
conn_alive(const struct http_api_conn *c)
{
	bufferevent_data_cb r, w;
	bufferevent_event_cb e;
	void *arg;

	bufferevent_getcb(c->bev, &r, &w, &e, &arg);
	return r != NULL || w != NULL || e != NULL;
}

static void
conn_shutdown(struct http_api_conn *c)
{
	evutil_socket_t fd = bufferevent_getfd(c->bev);

	/* evhttp reads EOF and frees the connection itself: it stays the only owner */
	if (fd >= 0)
		shutdown(fd, SHUT_RDWR);
	c->closing = 1;
}

/* Drop what evhttp has freed; close connections past their deadline. */
static void
sweep(struct http_api *h, double now)
{
	uint32_t i = 0;

	while (i < h->n_conns) {
		struct http_api_conn *c = &h->conns[i];

		if (!conn_alive(c)) {
			bufferevent_decref(c->bev);
			h->conns[i] = h->conns[--h->n_conns];
			continue;
		}
		if (!c->closing && now > c->deadline) {
			h->timed_out++;
			conn_shutdown(c);
		}
		i++;
	}
}

static void
on_sweep(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	sweep(arg, ctrl_now_s());
}

/* A new connection: make room if needed, then hand evhttp a bufferevent we hold a ref on. */
static struct bufferevent *
on_new_conn(struct event_base *base, void *arg)
{
	struct http_api *h = arg;
	double now = ctrl_now_s();
	struct http_api_conn *c, *victim = NULL;
	struct bufferevent *bev;
	uint32_t i, live = 0;

	sweep(h, now);
	for (i = 0; i < h->n_conns; i++) {
		c = &h->conns[i];
		if (c->closing)
			continue;
		live++;
		/* the oldest that never completed a request goes first, then the oldest idle */
		if (victim == NULL || (!c->served && victim->served) ||
				(c->served == victim->served && c->t_last < victim->t_last))
			victim = c;
	}
	if (live >= h->cfg->http.max_connections && victim != NULL) {
		h->evicted++;
		conn_shutdown(victim);
	}
	if (h->n_conns == h->cap_conns) {
		uint32_t cap = h->cap_conns ? h->cap_conns * 2 : 64;
		struct http_api_conn *n = realloc(h->conns, cap * sizeof(*n));

		if (n == NULL)
			return NULL;	/* evhttp makes its own: served, just not tracked */
		h->conns = n;
		h->cap_conns = cap;
	}
	bev = bufferevent_socket_new(base, -1, 0);
	if (bev == NULL)
		return NULL;
	bufferevent_incref(bev);
	c = &h->conns[h->n_conns++];
	memset(c, 0, sizeof(*c));
	c->bev = bev;
	c->t_last = now;
	c->deadline = now + h->cfg->http.request_timeout_s;
	h->connections++;
	return bev;
}

static struct http_api_conn *
conn_of(struct http_api *h, struct evhttp_request *req)
{
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent(evcon) : NULL;
	uint32_t i;

	for (i = 0; bev != NULL && i < h->n_conns; i++)
		if (h->conns[i].bev == bev)
			return &h->conns[i];
	return NULL;
}

/* ---- helpers over the dataplane's document ------------------------------------------------- */

static double
doc_time(json_t *doc, double t_rx)
{
	json_t *d = json_object_get(doc, "duration_s");

	return json_is_number(d) ? json_number_value(d) : t_rx;
}

/* Seconds between the two last documents, by the dataplane's clock; 0 when unknown. */
static double
rate_dt(const struct pep *p)
{
	double dt;

	if (p->dp_stats == NULL || p->dp_stats_prev == NULL)
		return 0;
	dt = doc_time(p->dp_stats, p->t_dp_stats) - doc_time(p->dp_stats_prev, p->t_dp_stats_prev);
	return dt > 0 ? dt : 0;
}

static json_t *
rate(uint64_t now, uint64_t before, double dt, double scale)
{
	if (dt <= 0 || now < before)
		return json_null();
	return json_real((double)(now - before) * scale / dt);
}

static void
colour_sum(json_t *cls, uint64_t *packets, uint64_t *bytes)
{
	static const char *const colours[] = {"green", "yellow", "red"};
	json_t *col = json_object_get(cls, "colours");
	unsigned int i;

	*packets = *bytes = 0;
	for (i = 0; i < 3; i++) {
		*packets += metrics_juint(json_object_get(col, colours[i]), "packets");
		*bytes += metrics_juint(json_object_get(col, colours[i]), "bytes");
	}
}

static json_t *
copy_or_empty(json_t *doc, const char *key, int array)
{
	json_t *v = json_object_get(doc, key);

	if (v != NULL)
		return json_deep_copy(v);
	return array ? json_array() : json_object();
}

/* ---- GET handlers ------------------------------------------------------------------------- */

static json_t *
dataplane_json(const struct pep *p, double now)
{
	return json_pack("{s:b, s:o, s:o, s:I}", "connected", p->ipc.up,
		"stats_age_s", p->dp_stats ? json_real(now - p->t_dp_stats) : json_null(),
		"duration_s", p->dp_stats ? json_real(doc_time(p->dp_stats, 0)) : json_null(),
		"documents", (json_int_t)p->dp_stats_docs);
}

static void
get_stats(struct http_api *h, struct evhttp_request *req, const char *arg)
{
	static const char *const heads[] = {"rx_packets", "rx_bytes", "tx_packets", "tx_bytes",
		"dropped_packets", "monitored_packets", "flows_created", "flows_active",
		"flows_expired", "flows_evicted", "flows_refused"};
	static const char *const colours[] = {"green", "yellow", "red"};
	const struct pep *p = h->pep;
	json_t *doc = p->dp_stats, *prev = p->dp_stats_prev;
	json_t *root = json_object(), *totals = json_object(), *rates = json_object();
	json_t *pclasses = json_object(), *colsum = json_object(), *calls, *bands, *v;
	json_t *pol = json_object_get(doc, "policy"), *pcl = json_object_get(pol, "classes");
	json_t *prev_pcl = json_object_get(json_object_get(prev, "policy"), "classes");
	double now = ctrl_now_s(), dt = rate_dt(p);
	uint64_t cp[3] = {0}, cb[3] = {0};
	const struct metrics_calls *mc = &p->dp_calls;
	const char *k;
	size_t i;

	(void)arg;
	json_object_set_new(root, "t", json_real(now));
	json_object_set_new(root, "dataplane", dataplane_json(p, now));
	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++)
		json_object_set_new(totals, heads[i],
			json_integer((json_int_t)metrics_juint(doc, heads[i])));
	json_object_set_new(root, "totals", totals);
	json_object_set_new(rates, "interval_s", dt > 0 ? json_real(dt) : json_null());
	json_object_set_new(rates, "rx_packets_per_s", rate(metrics_juint(doc, "rx_packets"),
		metrics_juint(prev, "rx_packets"), dt, 1));
	json_object_set_new(rates, "rx_bits_per_s", rate(metrics_juint(doc, "rx_bytes"),
		metrics_juint(prev, "rx_bytes"), dt, 8));
	json_object_set_new(rates, "tx_packets_per_s", rate(metrics_juint(doc, "tx_packets"),
		metrics_juint(prev, "tx_packets"), dt, 1));
	json_object_set_new(rates, "tx_bits_per_s", rate(metrics_juint(doc, "tx_bytes"),
		metrics_juint(prev, "tx_bytes"), dt, 8));
	json_object_set_new(rates, "dropped_packets_per_s",
		rate(metrics_juint(doc, "dropped_packets"), metrics_juint(prev, "dropped_packets"),
			dt, 1));
	json_object_set_new(root, "rates", rates);
	json_object_set_new(root, "counters", copy_or_empty(doc, "totals", 0));
	json_object_set_new(root, "ports", copy_or_empty(doc, "ports", 1));
	json_object_set_new(root, "workers", copy_or_empty(doc, "workers", 1));
	json_object_set_new(root, "classes", copy_or_empty(doc, "classes", 0));
	/* Per policy class: colours are counted per packet, so these give the live rates. */
	json_object_foreach(pcl, k, v) {
		json_t *o = json_object(), *pv = json_object_get(prev_pcl, k);
		uint64_t pk, by, ppk, pby;

		colour_sum(v, &pk, &by);
		colour_sum(pv, &ppk, &pby);
		json_object_set_new(o, "packets", json_integer((json_int_t)pk));
		json_object_set_new(o, "bytes", json_integer((json_int_t)by));
		json_object_set_new(o, "packets_per_s", pv ? rate(pk, ppk, dt, 1) : json_null());
		json_object_set_new(o, "bits_per_s", pv ? rate(by, pby, dt, 8) : json_null());
		json_object_set_new(o, "colours", copy_or_empty(v, "colours", 0));
		json_object_set_new(o, "dropped",
			json_integer((json_int_t)metrics_juint(v, "dropped")));
		json_object_set_new(o, "remarked",
			json_integer((json_int_t)metrics_juint(v, "remarked")));
		json_object_set_new(pclasses, k, o);
		for (i = 0; i < 3; i++) {
			json_t *c = json_object_get(json_object_get(v, "colours"), colours[i]);

			cp[i] += metrics_juint(c, "packets");
			cb[i] += metrics_juint(c, "bytes");
		}
	}
	json_object_set_new(root, "policy_classes", pclasses);
	for (i = 0; i < 3; i++)
		json_object_set_new(colsum, colours[i], json_pack("{s:I, s:I}", "packets",
			(json_int_t)cp[i], "bytes", (json_int_t)cb[i]));
	json_object_set_new(root, "colours", colsum);
	json_object_set_new(root, "gates_active",
		json_integer((json_int_t)metrics_juint(pol, "gates_active")));
	json_object_set_new(root, "anomalies", copy_or_empty(doc, "anomalies", 0));
	json_object_set_new(root, "drops", copy_or_empty(doc, "drops", 0));
	json_object_set_new(root, "info", copy_or_empty(doc, "info", 0));
	bands = json_object();
	for (i = 0; i < METRICS_MOS_BANDS; i++)
		json_object_set_new(bands, metrics_mos_band_name[i],
			json_integer((json_int_t)mc->mos_band[i]));
	json_object_set_new(bands, "none", json_integer((json_int_t)mc->no_mos));
	calls = json_pack("{s:I, s:I, s:o, s:I, s:I}", "active", (json_int_t)mc->active,
		"terminated", (json_int_t)mc->terminated, "mos_bands", bands, "listed",
		(json_int_t)mc->listed, "omitted", (json_int_t)mc->omitted);
	json_object_set_new(root, "calls", calls);
	json_object_set_new(root, "sip", json_pack("{s:I, s:I}", "messages",
		(json_int_t)metrics_juint(json_object_get(doc, "sip"), "messages"), "malformed",
		(json_int_t)metrics_juint(json_object_get(doc, "sip"), "malformed")));
	reply_json(h, req, 200, root);
}

static int
icontains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (n == 0)
		return 1;
	for (; hay != NULL && *hay != '\0'; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

/* A number query parameter; 0 if absent, -EINVAL if not a number in [min, max]. */
static int
query_num(struct evkeyvalq *q, const char *key, double min, double max, double *out)
{
	const char *s = evhttp_find_header(q, key);
	char *end;
	double v;

	if (s == NULL)
		return 0;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= min && v <= max))
		return -EINVAL;
	*out = v;
	return 1;
}

static void
get_calls(struct http_api *h, struct evhttp_request *req, const char *arg)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *qs = uri ? evhttp_uri_get_query(uri) : NULL;
	json_t *calls = json_object_get(h->pep->dp_stats, "calls"), *c, *out = json_array();
	struct evkeyvalq q;
	const char *state, *caller, *callee;
	double limit = 100, min_mos = -1, max_mos = -1;
	size_t i, total = 0;

	(void)arg;
	TAILQ_INIT(&q);
	if (qs != NULL && evhttp_parse_query_str(qs, &q) != 0) {
		json_decref(out);
		reply_error(h, req, 400, "malformed query string", 0);
		return;
	}
	state = evhttp_find_header(&q, "state");
	caller = evhttp_find_header(&q, "caller");
	callee = evhttp_find_header(&q, "callee");
	if ((state != NULL && strcmp(state, "active") != 0 && strcmp(state, "terminated") != 0 &&
			strcmp(state, "all") != 0) ||
			query_num(&q, "limit", 0, 100000, &limit) < 0 ||
			query_num(&q, "min_mos", 1, 5, &min_mos) < 0 ||
			query_num(&q, "max_mos", 1, 5, &max_mos) < 0) {
		evhttp_clear_headers(&q);
		json_decref(out);
		reply_error(h, req, 400, "bad filter: state=active|terminated|all, limit=0..100000, "
			"min_mos and max_mos 1..5, caller, callee", 0);
		return;
	}
	if ((state == NULL || strcmp(state, "all") == 0) && caller == NULL && callee == NULL &&
			min_mos < 0 && max_mos < 0) {
		/* no filter: the first `limit` calls, without walking the rest */
		total = json_array_size(calls);
		for (i = 0; i < total && i < (size_t)limit; i++)
			json_array_append(out, json_array_get(calls, i));
		calls = NULL;
	}
	json_array_foreach(calls, i, c) {
		const char *st = json_string_value(json_object_get(c, "state"));
		int term = st != NULL && strcmp(st, "terminated") == 0;
		json_t *mos = json_object_get(c, "mos");

		if (state != NULL && ((strcmp(state, "active") == 0 && term) ||
				(strcmp(state, "terminated") == 0 && !term)))
			continue;
		if (caller != NULL && !icontains(json_string_value(json_object_get(c, "from")), caller))
			continue;
		if (callee != NULL && !icontains(json_string_value(json_object_get(c, "to")), callee))
			continue;
		if ((min_mos >= 0 || max_mos >= 0) && !json_is_number(mos))
			continue;
		if (min_mos >= 0 && json_number_value(mos) < min_mos)
			continue;
		if (max_mos >= 0 && json_number_value(mos) > max_mos)
			continue;
		if (total++ < (size_t)limit)
			json_array_append(out, c);
	}
	evhttp_clear_headers(&q);
	reply_json(h, req, 200, json_pack("{s:o, s:I, s:I, s:I, s:o}", "dataplane",
		dataplane_json(h->pep, ctrl_now_s()), "matched", (json_int_t)total, "returned",
		(json_int_t)json_array_size(out), "omitted", (json_int_t)h->pep->dp_calls.omitted,
		"calls", out));
}

static void
get_call(struct http_api *h, struct evhttp_request *req, const char *id)
{
	json_t *calls = json_object_get(h->pep->dp_stats, "calls"), *c;
	size_t i;

	json_array_foreach(calls, i, c) {
		const char *hd = json_string_value(json_object_get(c, "handle"));
		const char *cid = json_string_value(json_object_get(c, "call_id"));

		if ((hd != NULL && strcasecmp(hd, id) == 0) || (cid != NULL && strcmp(cid, id) == 0)) {
			reply_json(h, req, 200, json_incref(c));
			return;
		}
	}
	reply_error(h, req, 404, "no such call (by handle or Call-ID) in the last statistics", 0);
}

static int
flow_cmp(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	uint64_t bx = metrics_juint(x, "bytes_a_to_b") + metrics_juint(x, "bytes_b_to_a");
	uint64_t by = metrics_juint(y, "bytes_a_to_b") + metrics_juint(y, "bytes_b_to_a");

	return bx < by ? 1 : bx > by ? -1 : 0;
}

static void
get_flows(struct http_api *h, struct evhttp_request *req, const char *arg)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *qs = uri ? evhttp_uri_get_query(uri) : NULL;
	json_t *flows = json_object_get(h->pep->dp_stats, "flows"), *out = json_array(), **v;
	struct evkeyvalq q;
	double top = 10;
	size_t i, n = json_array_size(flows);

	(void)arg;
	TAILQ_INIT(&q);
	if ((qs != NULL && evhttp_parse_query_str(qs, &q) != 0) ||
			query_num(&q, "top", 1, 10000, &top) < 0) {
		evhttp_clear_headers(&q);
		json_decref(out);
		reply_error(h, req, 400, "top must be a number 1..10000", 0);
		return;
	}
	evhttp_clear_headers(&q);
	v = n ? malloc(n * sizeof(*v)) : NULL;
	if (n && v == NULL) {
		json_decref(out);
		reply_error(h, req, 500, "out of memory", 0);
		return;
	}
	for (i = 0; i < n; i++)
		v[i] = json_array_get(flows, i);
	if (n > 0) /* qsort() must not see NULL, even for 0 elements */
		qsort(v, n, sizeof(*v), flow_cmp);
	for (i = 0; i < n && i < (size_t)top; i++)
		json_array_append(out, v[i]);
	free(v);
	reply_json(h, req, 200, json_pack("{s:o, s:b, s:I, s:o}", "dataplane",
		dataplane_json(h->pep, ctrl_now_s()), "listed", flows != NULL, "flows_in_report",
		(json_int_t)n, "flows", out));
}

static void
get_pdp(struct http_api *h, struct evhttp_request *req, const char *arg)
{
	const struct pep *p = h->pep;
	json_t *sessions = json_array();
	uint32_t i;

	(void)arg;
	for (i = 0; i < p->n_conns; i++) {
		json_t *s = cops_conn_json(&p->conns[i]);

		json_object_set_new(s, "open", json_boolean(cops_conn_is_open(&p->conns[i])));
		json_array_append_new(sessions, s);
	}
	reply_json(h, req, 200, json_pack("{s:s, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I}, "
		"s:{s:I, s:I, s:I, s:I}}", "pepid", p->cfg->pepid, "sessions", sessions, "pep",
		"calls", (json_int_t)p->n_calls, "cops_admits", (json_int_t)p->cops_admits,
		"cops_denies", (json_int_t)p->cops_denies, "lpdp_fallbacks",
		(json_int_t)p->lpdp_fallbacks, "expired", (json_int_t)p->expired, "gate_errors",
		(json_int_t)p->gate_errors, "lpdp", "rules", (json_int_t)p->lpdp.n_rules,
		"decisions", (json_int_t)p->lpdp.decisions, "admits", (json_int_t)p->lpdp.admits,
		"denies", (json_int_t)p->lpdp.denies));
}

static void
get_config(struct http_api *h, struct evhttp_request *req, const char *arg)
{
	(void)arg;
	reply_json(h, req, 200, config_json(h->cfg));
}

static void
get_health(struct http_api *h, struct evhttp_request *req, const char *arg)
{
	(void)arg;
	reply_json(h, req, 200, json_pack("{s:s}", "status", "ok"));
}

/*
 * Ready: the dataplane link is up and its statistics are fresh (three intervals, at least
 * 2 s), so every endpoint has something true to say.
 */
static void
get_ready(struct http_api *h, struct evhttp_request *req, const char *arg)
{
	const struct pep *p = h->pep;
	double now = ctrl_now_s(), max_age = 3e-3 * p->cfg->ipc_stats_interval_ms;
	const char *why = NULL;

	(void)arg;
	if (max_age < 2)
		max_age = 2;
	if (!p->ipc.up)
		why = "dataplane link down";
	else if (p->dp_stats == NULL)
		why = "no statistics from the dataplane yet";
	else if (p->cfg->ipc_stats_interval_ms != 0 && now - p->t_dp_stats > max_age)
		why = "dataplane statistics are stale";
	if (why != NULL)
		reply_json(h, req, 503, json_pack("{s:s, s:s}", "status", "not ready", "reason", why));
	else
		reply_json(h, req, 200, json_pack("{s:s}", "status", "ready"));
}

static void
get_metrics(struct http_api *h, struct evhttp_request *req, const char *arg)
{
	struct evbuffer *b = evbuffer_new();
	static const int codes_http[] = {200, 400, 401, 404, 405, 413, 414, 431, 501, 505};
	unsigned int i, j;

	double t0 = ctrl_now_s();

	(void)arg;
	if (b == NULL || metrics_render(b, h->pep, t0) != 0) {
		if (b != NULL)
			evbuffer_free(b);
		reply_error(h, req, 500, "out of memory", 0);
		return;
	}
	evbuffer_add_printf(b, "# HELP vpep_http_connections_total HTTP connections accepted.\n"
		"# TYPE vpep_http_connections_total counter\nvpep_http_connections_total %llu\n"
		"# HELP vpep_http_connections HTTP connections open now.\n"
		"# TYPE vpep_http_connections gauge\nvpep_http_connections %u\n"
		"# HELP vpep_http_connections_closed_total HTTP connections we closed, by reason.\n"
		"# TYPE vpep_http_connections_closed_total counter\n"
		"vpep_http_connections_closed_total{reason=\"evicted\"} %llu\n"
		"vpep_http_connections_closed_total{reason=\"request_timeout\"} %llu\n"
		"# HELP vpep_http_auth_failures_total Write requests refused for their token.\n"
		"# TYPE vpep_http_auth_failures_total counter\nvpep_http_auth_failures_total %llu\n"
		"# HELP vpep_http_responses_total HTTP responses vpep-ctrl sent, by status code.\n"
		"# TYPE vpep_http_responses_total counter\n",
		(unsigned long long)h->connections, h->n_conns, (unsigned long long)h->evicted,
		(unsigned long long)h->timed_out, (unsigned long long)h->auth_failures);
	/* this response is counted once sent, so the scrape shows the ones before it */
	for (i = 0; i < sizeof(codes_http) / sizeof(codes_http[0]); i++)
		for (j = 0; j < HTTP_API_CODES; j++)
			if (codes[j] == codes_http[i])
				evbuffer_add_printf(b, "vpep_http_responses_total{code=\"%d\"} %llu\n",
					codes[j], (unsigned long long)h->responses[j]);
	/* the render before this one: this one's time is only known once it is written */
	evbuffer_add_printf(b, "# HELP vpep_ctrl_metrics_render_seconds Time the previous /metrics "
		"took to build.\n# TYPE vpep_ctrl_metrics_render_seconds gauge\n"
		"vpep_ctrl_metrics_render_seconds %.9f\n", h->metrics_render_s);
	h->metrics_render_s = ctrl_now_s() - t0;
	evhttp_add_header(evhttp_request_get_output_headers(req), "Cache-Control", "no-store");
	reply(h, req, 200, "text/plain; version=0.0.4; charset=utf-8", b, 0);
	evbuffer_free(b);
}

static void
get_static(struct http_api *h, struct evhttp_request *req, const char *arg)
{
	struct evbuffer *b = evbuffer_new();
	const char *data, *ctype;
	unsigned int len;

	if (strcmp(arg, "js") == 0) {
		data = http_www_js;
		len = http_www_js_len;
		ctype = "text/javascript; charset=utf-8";
	} else if (strcmp(arg, "css") == 0) {
		data = http_www_css;
		len = http_www_css_len;
		ctype = "text/css; charset=utf-8";
	} else {
		data = http_www_index;
		len = http_www_index_len;
		ctype = "text/html; charset=utf-8";
	}
	if (b == NULL) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	evbuffer_add_reference(b, data, len, NULL, NULL);
	/* only our own files: no inline script from elsewhere, no CDN */
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Security-Policy",
		"default-src 'self'; connect-src 'self'; img-src 'self' data:");
	reply(h, req, 200, ctype, b, 0);
	evbuffer_free(b);
}

/* ---- writes -------------------------------------------------------------------------------- */

/* Constant time over the configured token's length: the comparison leaks no prefix. */
static int
token_ok(const char *given, const char *want)
{
	size_t n = strlen(want), g = strlen(given), i;
	unsigned char d = g != n;

	for (i = 0; i < n; i++)
		d |= (unsigned char)(want[i] ^ (i < g ? given[i] : 0));
	return d == 0;
}

static int
authorized(struct http_api *h, struct evhttp_request *req)
{
	const char *a = evhttp_find_header(evhttp_request_get_input_headers(req), "Authorization");

	if (h->cfg->http.token[0] == '\0') {
		reply_error(h, req, 403, "writes are disabled: no http.token configured", 0);
		return 0;
	}
	if (a == NULL || strncasecmp(a, "Bearer ", 7) != 0 || !token_ok(a + 7, h->cfg->http.token)) {
		h->auth_failures++;
		evhttp_add_header(evhttp_request_get_output_headers(req), "WWW-Authenticate",
			"Bearer realm=\"vpep\"");
		reply_error(h, req, 401, "a valid \"Authorization: Bearer TOKEN\" is required", 0);
		return 0;
	}
	return 1;
}

static void
post_reload(struct http_api *h, struct evhttp_request *req, const char *arg)
{
	static struct config fresh;	/* large: not on the stack */
	char err[CFG_ERR_LEN];

	(void)arg;
	if (!authorized(h, req))
		return;
	if (config_load(&fresh, h->config_file, NULL, 0, err, sizeof(err)) != 0) {
		LOG_WARN("http: policy reload refused: %s", err);
		reply_error(h, req, 400, err, 0);
		return;
	}
	/* only the local rules change at run time; sessions, link and HTTP need a restart */
	memcpy(h->cfg->lpdp.rules, fresh.lpdp.rules, sizeof(fresh.lpdp.rules));
	h->cfg->lpdp.n_rules = fresh.lpdp.n_rules;
	h->cfg->lpdp.default_verdict = fresh.lpdp.default_verdict;
	h->cfg->lpdp.default_dscp = fresh.lpdp.default_dscp;
	pep_lpdp_replace(h->pep, &fresh.lpdp);
	lpdp_free(&fresh.lpdp);
	LOG_INFO("http: local rules reloaded from %s (%u rules)", h->config_file,
		h->pep->lpdp.n_rules);
	reply_json(h, req, 200, json_pack("{s:s, s:I, s:I}", "status", "reloaded", "rules",
		(json_int_t)h->pep->lpdp.n_rules, "reloads", (json_int_t)h->pep->lpdp_reloads));
}

static int
parse_prefix(const char *s, struct vpep_ipc_addr *a)
{
	char buf[64], *slash;
	unsigned long len;
	char *end;
	int v6;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash = '\0';
	v6 = strchr(buf, ':') != NULL;
	memset(a, 0, sizeof(*a));
	if (inet_pton(v6 ? AF_INET6 : AF_INET, buf, a->addr) != 1)
		return -EINVAL;
	a->family = v6 ? 6 : 4;
	a->prefix_len = v6 ? 128 : 32;
	if (slash != NULL) {
		errno = 0;
		len = strtoul(slash + 1, &end, 10);
		if (errno || *end != '\0' || end == slash + 1 || len > a->prefix_len)
			return -EINVAL;
		a->prefix_len = (uint8_t)len;
	}
	return 0;
}

/* "port": N or [lo, hi]; absent: any. */
static int
parse_ports(json_t *v, uint16_t *lo, uint16_t *hi)
{
	json_int_t a, b;

	*lo = 0;
	*hi = 65535;
	if (v == NULL)
		return 0;
	if (json_is_integer(v)) {
		a = b = json_integer_value(v);
	} else if (json_is_array(v) && json_array_size(v) == 2 &&
			json_is_integer(json_array_get(v, 0)) && json_is_integer(json_array_get(v, 1))) {
		a = json_integer_value(json_array_get(v, 0));
		b = json_integer_value(json_array_get(v, 1));
	} else {
		return -EINVAL;
	}
	if (a < 0 || b > 65535 || a > b)
		return -EINVAL;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

static int
parse_action(json_t *v, uint8_t *act, uint8_t *dscp)
{
	json_t *r;

	if (v == NULL)
		return 0;
	if (json_is_string(v) && strcmp(json_string_value(v), "pass") == 0) {
		*act = VPEP_IPC_ACT_PASS;
		return 0;
	}
	if (json_is_string(v) && strcmp(json_string_value(v), "drop") == 0) {
		*act = VPEP_IPC_ACT_DROP;
		return 0;
	}
	r = json_object_get(v, "remark");
	if (json_is_object(v) && json_object_size(v) == 1 && json_is_integer(r) &&
			json_integer_value(r) >= 0 && json_integer_value(r) <= 63) {
		*act = VPEP_IPC_ACT_REMARK;
		*dscp = (uint8_t)json_integer_value(r);
		return 0;
	}
	return -EINVAL;
}

/*
 * A gate from its JSON form (docs/http-api.md): the same classifier, verdict, DSCP and meter
 * a PacketCable Gate-Set carries. Returns NULL or what is wrong.
 */
static const char *
gate_from_json(json_t *o, struct vpep_ipc_gate *g)
{
	static const char *const keys[] = {"verdict", "dscp", "protocol", "src", "dst", "sport",
		"dport", "direction", "meter", "rule", NULL};
	static const char *const meter_keys[] = {"type", "cir_bps", "cbs_bytes", "pir_bps",
		"pbs_bytes", "yellow", "red", NULL};
	json_t *v, *m;
	const char *k, *s;
	size_t i;

	if (!json_is_object(o))
		return "the body must be a JSON object";
	json_object_foreach(o, k, v) {
		for (i = 0; keys[i] != NULL && strcmp(keys[i], k) != 0; i++)
			;
		if (keys[i] == NULL)
			return "unknown member (verdict, dscp, protocol, src, dst, sport, dport, "
				"direction, meter, rule)";
	}
	memset(g, 0, sizeof(*g));
	g->source = VPEP_IPC_SOURCE_HTTP;
	g->dir = VPEP_IPC_DIR_UPSTREAM | VPEP_IPC_DIR_DOWNSTREAM;
	s = json_string_value(json_object_get(o, "verdict"));
	if (s == NULL || (strcmp(s, "admit") != 0 && strcmp(s, "deny") != 0))
		return "verdict: \"admit\" or \"deny\" is required";
	g->verdict = strcmp(s, "admit") == 0 ? VPEP_IPC_VERDICT_ADMIT : VPEP_IPC_VERDICT_DENY;
	g->dscp = VPEP_IPC_DSCP_KEEP;
	v = json_object_get(o, "dscp");
	if (v != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 63)
			return "dscp: 0..63";
		g->dscp = (uint8_t)json_integer_value(v);
	}
	v = json_object_get(o, "protocol");
	if (v != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 255)
			return "protocol: 0..255 (0: any)";
		g->protocol = (uint8_t)json_integer_value(v);
	}
	v = json_object_get(o, "src");
	if (v != NULL && (!json_is_string(v) || parse_prefix(json_string_value(v), &g->src)))
		return "src: an address or ADDRESS/PREFIX";
	v = json_object_get(o, "dst");
	if (v != NULL && (!json_is_string(v) || parse_prefix(json_string_value(v), &g->dst)))
		return "dst: an address or ADDRESS/PREFIX";
	if (g->src.family && g->dst.family && g->src.family != g->dst.family)
		return "src and dst must be of one address family";
	if (parse_ports(json_object_get(o, "sport"), &g->sport_lo, &g->sport_hi))
		return "sport: a port or [lo, hi]";
	if (parse_ports(json_object_get(o, "dport"), &g->dport_lo, &g->dport_hi))
		return "dport: a port or [lo, hi]";
	s = json_string_value(json_object_get(o, "direction"));
	if (json_object_get(o, "direction") != NULL) {
		if (s != NULL && strcmp(s, "upstream") == 0)
			g->dir = VPEP_IPC_DIR_UPSTREAM;
		else if (s != NULL && strcmp(s, "downstream") == 0)
			g->dir = VPEP_IPC_DIR_DOWNSTREAM;
		else if (s == NULL || strcmp(s, "both") != 0)
			return "direction: \"upstream\", \"downstream\" or \"both\"";
	}
	v = json_object_get(o, "rule");
	if (v != NULL && (!json_is_string(v) || strlen(json_string_value(v)) >= sizeof(g->rule)))
		return "rule: a name of at most 31 characters";
	snprintf(g->rule, sizeof(g->rule), "%s", v ? json_string_value(v) : "http");
	m = json_object_get(o, "meter");
	if (m == NULL)
		return NULL;
	if (!json_is_object(m))
		return "meter: an object";
	json_object_foreach(m, k, v) {
		for (i = 0; meter_keys[i] != NULL && strcmp(meter_keys[i], k) != 0; i++)
			;
		if (meter_keys[i] == NULL)
			return "meter: unknown member";
	}
	s = json_string_value(json_object_get(m, "type"));
	if (s == NULL)
		return "meter.type: \"srtcm\", \"trtcm\" or \"trtcm_rfc4115\"";
	if (strcmp(s, "srtcm") == 0)
		g->meter.type = VPEP_IPC_METER_SRTCM;
	else if (strcmp(s, "trtcm") == 0)
		g->meter.type = VPEP_IPC_METER_TRTCM;
	else if (strcmp(s, "trtcm_rfc4115") == 0)
		g->meter.type = VPEP_IPC_METER_TRTCM_4115;
	else
		return "meter.type: \"srtcm\", \"trtcm\" or \"trtcm_rfc4115\"";
	v = json_object_get(m, "cir_bps");
	if (!json_is_integer(v) || json_integer_value(v) < 8)
		return "meter.cir_bps: at least 8 is required";
	g->meter.cir = (uint64_t)json_integer_value(v) / 8;
	g->meter.cbs = g->meter.cir / 10 > 1500 ? g->meter.cir / 10 : 1500;
	v = json_object_get(m, "cbs_bytes");
	if (v != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 64)
			return "meter.cbs_bytes: at least 64";
		g->meter.cbs = (uint64_t)json_integer_value(v);
	}
	g->meter.pir = g->meter.cir;
	v = json_object_get(m, "pir_bps");
	if (v != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 8)
			return "meter.pir_bps: at least 8";
		g->meter.pir = (uint64_t)json_integer_value(v) / 8;
	}
	if (g->meter.type == VPEP_IPC_METER_TRTCM && g->meter.pir < g->meter.cir)
		return "meter.pir_bps must be >= cir_bps";
	g->meter.pbs = g->meter.cbs;
	v = json_object_get(m, "pbs_bytes");
	if (v != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 64)
			return "meter.pbs_bytes: at least 64";
		g->meter.pbs = (uint64_t)json_integer_value(v);
	}
	g->meter.red_action = VPEP_IPC_ACT_DROP;
	if (parse_action(json_object_get(m, "yellow"), &g->meter.yellow_action,
			&g->meter.yellow_dscp))
		return "meter.yellow: \"pass\", \"drop\" or {\"remark\": DSCP}";
	if (parse_action(json_object_get(m, "red"), &g->meter.red_action, &g->meter.red_dscp))
		return "meter.red: \"pass\", \"drop\" or {\"remark\": DSCP}";
	return NULL;
}

static const char *const source_names[] = {"?", "cops", "lpdp", "http", "config"};

static json_t *
addr_json(const struct vpep_ipc_addr *a)
{
	char s[INET6_ADDRSTRLEN + 8], b[INET6_ADDRSTRLEN];

	if (a->family == 0)
		return json_null();
	inet_ntop(a->family == 6 ? AF_INET6 : AF_INET, a->addr, b, sizeof(b));
	snprintf(s, sizeof(s), "%s/%u", b, a->prefix_len);
	return json_string(s);
}

static json_t *
entry_json(const struct policy_entry *e)
{
	const struct vpep_ipc_gate *g = &e->u.gate;
	json_t *o = json_object();

	json_object_set_new(o, "gate_id", json_integer(e->gate_id));
	json_object_set_new(o, "source", json_string(source_names[e->source < 5 ? e->source : 0]));
	json_object_set_new(o, "installed", json_boolean(e->installed));
	json_object_set_new(o, "pending", json_boolean(e->pending_seq != 0));
	if (!e->is_gate) {
		char hs[24];

		snprintf(hs, sizeof(hs), "%016llx", (unsigned long long)e->call_handle);
		json_object_set_new(o, "call", json_string(hs));
		json_object_set_new(o, "verdict", json_string(e->u.dec.verdict ==
			VPEP_IPC_VERDICT_ADMIT ? "admit" : "deny"));
		json_object_set_new(o, "rule", json_string(e->u.dec.rule));
		return o;
	}
	json_object_set_new(o, "verdict", json_string(g->verdict == VPEP_IPC_VERDICT_ADMIT ?
		"admit" : "deny"));
	json_object_set_new(o, "dscp", g->dscp == VPEP_IPC_DSCP_KEEP ? json_string("keep") :
		json_integer(g->dscp));
	json_object_set_new(o, "protocol", json_integer(g->protocol));
	json_object_set_new(o, "src", addr_json(&g->src));
	json_object_set_new(o, "dst", addr_json(&g->dst));
	json_object_set_new(o, "sport", json_pack("[i, i]", g->sport_lo, g->sport_hi));
	json_object_set_new(o, "dport", json_pack("[i, i]", g->dport_lo, g->dport_hi));
	json_object_set_new(o, "rule", json_string(g->rule));
	if (g->meter.type != VPEP_IPC_METER_NONE)
		json_object_set_new(o, "meter", json_pack("{s:i, s:I, s:I, s:I, s:I}", "type",
			g->meter.type, "cir_bps", (json_int_t)(g->meter.cir * 8), "cbs_bytes",
			(json_int_t)g->meter.cbs, "pir_bps", (json_int_t)(g->meter.pir * 8), "pbs_bytes",
			(json_int_t)g->meter.pbs));
	return o;
}

static void
list_one(void *arg, const struct policy_entry *e)
{
	if (e->is_gate)
		json_array_append_new(arg, entry_json(e));
}

static void
get_gates(struct http_api *h, struct evhttp_request *req, const char *arg)
{
	json_t *a = json_array();
	uint8_t s;

	(void)arg;
	for (s = VPEP_IPC_SOURCE_COPS; s <= VPEP_IPC_SOURCE_CONFIG; s++)
		policy_op_foreach(&h->pep->po, s, UINT64_MAX, list_one, a);
	reply_json(h, req, 200, json_pack("{s:o}", "gates", a));
}

static int
gate_id_arg(const char *arg, uint32_t *id)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || *end != '\0' || end == arg || v == 0 || v > UINT32_MAX || arg[0] == '-')
		return -EINVAL;
	*id = (uint32_t)v;
	return 0;
}

static void
get_gate(struct http_api *h, struct evhttp_request *req, const char *arg)
{
	const struct policy_entry *e;
	uint32_t id;

	if (gate_id_arg(arg, &id) != 0 || (e = policy_op_gate(&h->pep->po, id)) == NULL ||
			!e->is_gate) {
		reply_error(h, req, 404, "no such provisioned gate", 0);
		return;
	}
	reply_json(h, req, 200, entry_json(e));
}

static void
post_gate(struct http_api *h, struct evhttp_request *req, const char *arg)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t n = evbuffer_get_length(in);
	struct vpep_ipc_gate g;
	const char *why;
	json_error_t je;
	json_t *body;
	uint32_t id;
	int rc;

	(void)arg;
	if (!authorized(h, req))
		return;
	body = json_loadb((const char *)evbuffer_pullup(in, (ev_ssize_t)n), n, 0, &je);
	if (body == NULL) {
		char msg[256];

		snprintf(msg, sizeof(msg), "body: line %d column %d: %s", je.line, je.column,
			je.text);
		reply_error(h, req, 400, msg, 0);
		return;
	}
	why = gate_from_json(body, &g);
	json_decref(body);
	if (why != NULL) {
		reply_error(h, req, 400, why, 0);
		return;
	}
	/* the same gate posted twice keeps its id, as a PDP's Gate-Set does */
	id = policy_op_gate_find(&h->pep->po, &g);
	g.gate_id = id ? id : policy_op_gate_id(&h->pep->po);
	rc = policy_op_gate_set(&h->pep->po, &g, ctrl_now_ms());
	if (rc < 0) {
		reply_error(h, req, 500, strerror(-rc), 0);
		return;
	}
	LOG_INFO("http: gate %u %s", g.gate_id, rc == 1 ? "unchanged" : "installed");
	reply_json(h, req, rc == 1 ? 200 : 201, json_pack("{s:I, s:s, s:b}", "gate_id",
		(json_int_t)g.gate_id, "status", rc == 1 ? "unchanged" : "sent", "dataplane_up",
		h->pep->ipc.up));
}

static void
delete_gate(struct http_api *h, struct evhttp_request *req, const char *arg)
{
	const struct policy_entry *e;
	uint32_t id;
	int rc;

	if (!authorized(h, req))
		return;
	if (gate_id_arg(arg, &id) != 0 || (e = policy_op_gate(&h->pep->po, id)) == NULL ||
			!e->is_gate) {
		reply_error(h, req, 404, "no such provisioned gate", 0);
		return;
	}
	rc = policy_op_gate_delete(&h->pep->po, id);
	if (rc < 0) {
		reply_error(h, req, rc == -ENOENT ? 404 : 500, strerror(-rc), 0);
		return;
	}
	LOG_INFO("http: gate %u deleted", id);
	reply_json(h, req, 200, json_pack("{s:I, s:s}", "gate_id", (json_int_t)id, "status",
		"deleted"));
}

/* ---- routing ------------------------------------------------------------------------------ */

enum {
	M_GET = 1,	/* GET and HEAD */
	M_POST = 2,
	M_DELETE = 4,
};

struct route {
	const char *path;	/* exact, or a prefix ending in '/' with prefix = 1 */
	int prefix;
	unsigned int methods;
	handler_fn get, post, del;
	const char *arg;
};

static const struct route routes[] = {
	{"/", 0, M_GET, get_static, NULL, NULL, "html"},
	{"/index.html", 0, M_GET, get_static, NULL, NULL, "html"},
	{"/dashboard.js", 0, M_GET, get_static, NULL, NULL, "js"},
	{"/dashboard.css", 0, M_GET, get_static, NULL, NULL, "css"},
	{"/healthz", 0, M_GET, get_health, NULL, NULL, NULL},
	{"/readyz", 0, M_GET, get_ready, NULL, NULL, NULL},
	{"/metrics", 0, M_GET, get_metrics, NULL, NULL, NULL},
	{"/api/v1/stats", 0, M_GET, get_stats, NULL, NULL, NULL},
	{"/api/v1/calls", 0, M_GET, get_calls, NULL, NULL, NULL},
	{"/api/v1/calls/", 1, M_GET, get_call, NULL, NULL, NULL},
	{"/api/v1/flows", 0, M_GET, get_flows, NULL, NULL, NULL},
	{"/api/v1/pdp", 0, M_GET, get_pdp, NULL, NULL, NULL},
	{"/api/v1/config", 0, M_GET, get_config, NULL, NULL, NULL},
	{"/api/v1/gates", 0, M_GET | M_POST, get_gates, post_gate, NULL, NULL},
	{"/api/v1/gates/", 1, M_GET | M_DELETE, get_gate, NULL, delete_gate, NULL},
	{"/api/v1/policy/reload", 0, M_POST, NULL, post_reload, NULL, NULL},
};

static void
allow_header(struct evhttp_request *req, unsigned int m)
{
	char a[64] = "";

	if (m & M_GET)
		strcat(a, "GET, HEAD");
	if (m & M_POST)
		strcat(a, a[0] ? ", POST" : "POST");
	if (m & M_DELETE)
		strcat(a, a[0] ? ", DELETE" : "DELETE");
	evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", a);
}

/*
 * What evhttp 2.1 lets through and HTTP/1.1 (RFC 9112) rejects. Returns the status to answer
 * (0: fine) and sets *close when the message framing is in doubt, so the connection must not
 * be reused (request smuggling).
 */
static int
check_request(struct http_api *h, struct evhttp_request *req, const char **why, int *close)
{
	struct evkeyvalq *in = evhttp_request_get_input_headers(req);
	const char *uri = evhttp_request_get_uri(req);
	unsigned int n_cl = 0, n_te = 0, n_host = 0;
	size_t hdr_bytes = 0;
	struct evkeyval *kv;

	*close = 0;
	if (req->major != 1 || req->minor > 1) {
		*why = "only HTTP/1.0 and HTTP/1.1 are supported";
		*close = 1;
		/* evhttp echoes the request's version in the status line: answer as 1.1 */
		req->major = 1;
		req->minor = 1;
		return 505;
	}
	if (uri == NULL || strlen(uri) > h->cfg->http.max_uri_bytes) {
		*why = "request target longer than http.max_uri_bytes";
		*close = 1;
		return 414;
	}
	TAILQ_FOREACH(kv, in, next) {
		const char *c;

		hdr_bytes += strlen(kv->key) + strlen(kv->value) + 4;
		if (kv->key[0] == '\0') {
			*why = "empty header name";
			*close = 1;
			return 400;
		}
		for (c = kv->key; *c != '\0'; c++)
			if (*c <= ' ' || *c >= 127 || strchr("\"(),/:;<=>?@[\\]{}", *c) != NULL) {
				/* RFC 9112 5.1: no whitespace between a field name and the colon */
				*why = "invalid character (whitespace?) in a header name";
				*close = 1;
				return 400;
			}
		for (c = kv->value; *c != '\0'; c++)
			if (*c == '\r' || *c == '\n' || *c == '\0') {
				*why = "bare CR or LF in a header value";
				*close = 1;
				return 400;
			}
		if (strcasecmp(kv->key, "Content-Length") == 0)
			n_cl++;
		else if (strcasecmp(kv->key, "Transfer-Encoding") == 0)
			n_te++;
		else if (strcasecmp(kv->key, "Host") == 0)
			n_host++;
	}
	if (hdr_bytes > h->cfg->http.max_header_bytes) {
		*why = "header fields larger than http.max_header_bytes";
		*close = 1;
		return 431;
	}
	if (n_cl > 1) {
		*why = "more than one Content-Length";
		*close = 1;
		return 400;
	}
	if (n_te > 0 && n_cl > 0) {
		*why = "Transfer-Encoding together with Content-Length";
		*close = 1;
		return 400;
	}
	if (req->minor == 1 && n_host != 1) {
		*why = n_host ? "more than one Host" : "HTTP/1.1 requires a Host header";
		*close = 1;
		return 400;
	}
	return 0;
}

static void
on_request(struct evhttp_request *req, void *arg)
{
	struct http_api *h = arg;
	struct http_api_conn *c = conn_of(h, req);
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *why = NULL, *path;
	const struct route *r = NULL;
	char *dpath = NULL;
	unsigned int m;
	size_t i, n;
	int status, close;

	if (c != NULL) {
		double now = ctrl_now_s();

		/* from here on the connection may stay idle as long as keep-alive allows */
		c->served = 1;
		c->t_last = now;
		c->deadline = now + h->cfg->http.idle_timeout_s;
	}
	status = check_request(h, req, &why, &close);
	if (status != 0) {
		reply_error(h, req, status, why, close);
		return;
	}
	path = uri ? evhttp_uri_get_path(uri) : NULL;
	if (path == NULL || path[0] != '/') {
		reply_error(h, req, 400, "the request target must be an absolute path", 1);
		return;
	}
	dpath = evhttp_uridecode(path, 0, &n);
	if (dpath == NULL || strlen(dpath) != n) {
		free(dpath);
		reply_error(h, req, 400, "bad percent-encoding in the path", 0);
		return;
	}
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		size_t l = strlen(routes[i].path);

		if ((!routes[i].prefix && strcmp(dpath, routes[i].path) == 0) ||
				(routes[i].prefix && strncmp(dpath, routes[i].path, l) == 0 &&
				 dpath[l] != '\0' && strchr(dpath + l, '/') == NULL)) {
			r = &routes[i];
			break;
		}
	}
	if (r == NULL) {
		reply_error(h, req, 404, "no such resource", 0);
		goto out;
	}
	m = cmd == EVHTTP_REQ_GET || cmd == EVHTTP_REQ_HEAD ? M_GET : cmd == EVHTTP_REQ_POST ?
		M_POST : cmd == EVHTTP_REQ_DELETE ? M_DELETE : 0;
	if (!(r->methods & m)) {
		allow_header(req, r->methods);
		reply_error(h, req, 405, "method not allowed here (see Allow)", 0);
		goto out;
	}
	{
		const char *a = r->prefix ? dpath + strlen(r->path) : r->arg;
		handler_fn fn = m == M_GET ? r->get : m == M_POST ? r->post : r->del;

		fn(h, req, a);
	}
out:
	free(dpath);
}

/* ---- life ---------------------------------------------------------------------------------- */

int
http_api_init(struct http_api *h, struct event_base *base, struct pep *pep, struct config *cfg,
	const char *config_file)
{
	const struct config_http *hc = &cfg->http;
	struct evhttp_bound_socket *bound;
	struct timeval tv = {0, SWEEP_MS * 1000};

	memset(h, 0, sizeof(*h));
	h->base = base;
	h->pep = pep;
	h->cfg = cfg;
	h->config_file = config_file;
	h->http = evhttp_new(base);
	if (h->http == NULL)
		return -ENOMEM;
	/* evhttp's own cap, above ours: between the two we answer 414/431 ourselves, beyond it
	 * evhttp answers 413 (or 400) and closes without reading more */
	evhttp_set_max_headers_size(h->http,
		(ev_ssize_t)4 * (hc->max_header_bytes + hc->max_uri_bytes));
	evhttp_set_max_body_size(h->http, (ev_ssize_t)hc->max_body_bytes);
	evhttp_set_timeout(h->http, (int)hc->idle_timeout_s);
	/* every method a route may use; anything else gets 501 from evhttp */
	evhttp_set_allowed_methods(h->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
		EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
	evhttp_set_gencb(h->http, on_request, h);
	evhttp_set_bevcb(h->http, on_new_conn, h);
	bound = evhttp_bind_socket_with_handle(h->http, hc->listen.host, hc->listen.port);
	if (bound == NULL) {
		int e = errno ? errno : EADDRINUSE;

		LOG_ERR("http: cannot listen on %s:%u: %s", hc->listen.host, hc->listen.port,
			strerror(e));
		evhttp_free(h->http);
		h->http = NULL;
		return -e;
	}
	h->listener = evhttp_bound_socket_get_listener(bound);
	h->sweep_ev = event_new(base, -1, EV_PERSIST, on_sweep, h);
	if (h->sweep_ev == NULL)
		return -ENOMEM;
	event_add(h->sweep_ev, &tv);
	LOG_INFO("http: listening on %s:%u (dashboard http://%s%s%s:%u/)", hc->listen.host,
		hc->listen.port, strchr(hc->listen.host, ':') ? "[" : "", hc->listen.host,
		strchr(hc->listen.host, ':') ? "]" : "", hc->listen.port);
	return 0;
}

void
http_api_stop(struct http_api *h)
{
	uint32_t i;

	if (h->http == NULL)
		return;
	evhttp_free(h->http);	/* frees every connection */
	h->http = NULL;
	for (i = 0; i < h->n_conns; i++)
		bufferevent_decref(h->conns[i].bev);
	free(h->conns);
	h->conns = NULL;
	h->n_conns = h->cap_conns = 0;
	if (h->sweep_ev != NULL)
		event_free(h->sweep_ev);
	h->sweep_ev = NULL;
}
