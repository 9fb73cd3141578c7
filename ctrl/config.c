/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "cops_codec.h"

void
config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->pepid, sizeof(c->pepid), "vpep");
	c->log_level = CONFIG_LOG_INFO;
	snprintf(c->ipc_socket, sizeof(c->ipc_socket), "%s", VPEP_IPC_SOCKET_DEFAULT);
	c->ipc_retry_max_ms = 2000;
	c->ipc_stats_interval_ms = 5000;
	c->open_timeout_ms = 500;
	c->backoff_min_ms = 100;
	c->backoff_max_ms = 5000;
	c->decision_survival_s = 60;
	lpdp_init(&c->lpdp);
	snprintf(c->http.listen.host, sizeof(c->http.listen.host), "127.0.0.1");
	c->http.listen.port = 8080;
	c->http.max_connections = 256;
	c->http.max_header_bytes = 8192;
	c->http.max_uri_bytes = 2048;
	c->http.max_body_bytes = 65536;
	c->http.idle_timeout_s = 30;
	c->http.request_timeout_s = 5;
}

int
config_parse_hostport(const char *s, struct config_pdp *p)
{
	char host[CONFIG_HOST_LEN];
	const char *colon;
	unsigned char tmp[16];
	char *end;
	unsigned long port;
	size_t n;

	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (rb == NULL || rb[1] != ':')
			return -EINVAL;
		n = (size_t)(rb - s - 1);
		if (n >= sizeof(host))
			return -EINVAL;
		memcpy(host, s + 1, n);
		host[n] = '\0';
		colon = rb + 1;
		if (inet_pton(AF_INET6, host, tmp) != 1)
			return -EINVAL;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL)
			return -EINVAL;
		n = (size_t)(colon - s);
		if (n == 0 || n >= sizeof(host))
			return -EINVAL;
		memcpy(host, s, n);
		host[n] = '\0';
		if (inet_pton(AF_INET, host, tmp) != 1)
			return -EINVAL;
	}
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || *end != '\0' || end == colon + 1 || port == 0 || port > 65535)
		return -EINVAL;
	snprintf(p->host, sizeof(p->host), "%s", host);
	p->port = (uint16_t)port;
	return 0;
}

static int
load_session(struct cfg *cf, json_t *o, const char *path, struct config_session *s)
{
	static const char *const keys[] = {"client_type", "outsourcing", "provisioning", "pdps",
		NULL};
	char sub[256], el[256];
	json_t *pdps, *v;
	uint64_t u;
	size_t i;

	if (!json_is_object(o))
		return cfg_error(cf, path, "expected an object");
	if (cfg_only_keys(cf, o, path, keys))
		return -EINVAL;
	u = COPS_CLIENT_PCMM;
	if (cfg_uint(cf, o, path, "client_type", 0, 1, 0xffff, &u))
		return -EINVAL;
	s->client_type = (uint16_t)u;
	s->outsourcing = 1;
	s->provisioning = 1;
	if (cfg_bool(cf, o, path, "outsourcing", 0, &s->outsourcing) ||
			cfg_bool(cf, o, path, "provisioning", 0, &s->provisioning))
		return -EINVAL;
	if (cfg_array(cf, o, path, "pdps", &pdps))
		return -EINVAL;
	cfg_path(sub, sizeof(sub), path, "pdps");
	if (pdps == NULL || json_array_size(pdps) == 0)
		return cfg_error(cf, pdps ? sub : path, "at least one PDP (primary first) is required");
	if (json_array_size(pdps) > CONFIG_MAX_PDPS)
		return cfg_error(cf, sub, "at most %d PDPs", CONFIG_MAX_PDPS);
	json_array_foreach(pdps, i, v) {
		char hp[CONFIG_HOST_LEN + 16];

		cfg_path_index(el, sizeof(el), sub, i);
		if (cfg_expect_string(cf, v, el, hp, sizeof(hp)))
			return -EINVAL;
		if (config_parse_hostport(hp, &s->pdps[i]))
			return cfg_error(cf, el, "\"%s\" is not ADDRESS:PORT (numeric IPv4, or [IPv6]:PORT)",
				hp);
	}
	s->n_pdps = (uint32_t)json_array_size(pdps);
	return 0;
}

static int
load_rule(struct cfg *cf, json_t *o, const char *path, struct lpdp_rule *r)
{
	static const char *const keys[] = {"name", "caller", "callee", "codecs", "verdict", "dscp",
		"max_bandwidth_bps", "max_calls_per_source", "rate_bps", NULL};
	static const char *const verdicts[] = {"admit", "deny", NULL};
	uint64_t u;
	size_t n;
	int e = 0;

	if (!json_is_object(o))
		return cfg_error(cf, path, "expected an object");
	if (cfg_only_keys(cf, o, path, keys))
		return -EINVAL;
	if (cfg_string(cf, o, path, "name", 1, r->name, sizeof(r->name)) ||
			cfg_string(cf, o, path, "caller", 0, r->caller, sizeof(r->caller)) ||
			cfg_string(cf, o, path, "callee", 0, r->callee, sizeof(r->callee)) ||
			cfg_enum(cf, o, path, "verdict", 1, verdicts, &e))
		return -EINVAL;
	r->verdict = e == 0 ? VPEP_IPC_VERDICT_ADMIT : VPEP_IPC_VERDICT_DENY;
	u = VPEP_IPC_DSCP_KEEP;
	if (json_object_get(o, "dscp") != NULL && cfg_uint(cf, o, path, "dscp", 0, 0, 63, &u))
		return -EINVAL;
	r->dscp = (uint8_t)u;
	if (cfg_uint(cf, o, path, "max_bandwidth_bps", 0, 0, UINT64_MAX / 2,
			&r->max_bandwidth_bps) ||
			cfg_uint(cf, o, path, "rate_bps", 0, 0, UINT64_MAX / 2, &r->rate_bps))
		return -EINVAL;
	u = 0;
	if (cfg_uint(cf, o, path, "max_calls_per_source", 0, 0, 1u << 30, &u))
		return -EINVAL;
	r->max_calls_per_source = (uint32_t)u;
	n = r->n_codecs;
	if (cfg_string_array(cf, o, path, "codecs", r->codecs[0], sizeof(r->codecs[0]),
			LPDP_MAX_CODECS, &n))
		return -EINVAL;
	r->n_codecs = (uint8_t)n;
	return 0;
}

static int
load_lpdp(struct cfg *cf, json_t *o, struct lpdp *l)
{
	static const char *const keys[] = {"default", "dscp", "rules", NULL};
	static const char *const verdicts[] = {"admit", "deny", NULL};
	char el[256];
	json_t *rules, *v;
	uint64_t u;
	size_t i;
	int e = 0;

	if (cfg_only_keys(cf, o, "lpdp", keys))
		return -EINVAL;
	if (cfg_enum(cf, o, "lpdp", "default", 0, verdicts, &e))
		return -EINVAL;
	l->default_verdict = e == 0 ? VPEP_IPC_VERDICT_ADMIT : VPEP_IPC_VERDICT_DENY;
	u = l->default_dscp;
	if (json_object_get(o, "dscp") != NULL && cfg_uint(cf, o, "lpdp", "dscp", 0, 0, 63, &u))
		return -EINVAL;
	l->default_dscp = (uint8_t)u;
	if (cfg_array(cf, o, "lpdp", "rules", &rules))
		return -EINVAL;
	if (rules == NULL)
		return 0;
	if (json_array_size(rules) > LPDP_MAX_RULES)
		return cfg_error(cf, "lpdp.rules", "at most %d rules", LPDP_MAX_RULES);
	json_array_foreach(rules, i, v) {
		cfg_path_index(el, sizeof(el), "lpdp.rules", i);
		if (load_rule(cf, v, el, &l->rules[i]))
			return -EINVAL;
	}
	l->n_rules = (uint32_t)json_array_size(rules);
	return 0;
}

static int
load_http(struct cfg *cf, json_t *o, struct config_http *h)
{
	static const char *const keys[] = {"listen", "token", "max_connections",
		"max_header_bytes", "max_uri_bytes", "max_body_bytes", "idle_timeout_s",
		"request_timeout_s", NULL};
	static const struct {
		const char *key;
		uint64_t min, max;
		size_t off;
	} lim[] = {
		{"max_connections", 1, 65536, offsetof(struct config_http, max_connections)},
		{"max_header_bytes", 256, 1 << 20, offsetof(struct config_http, max_header_bytes)},
		{"max_uri_bytes", 64, 1 << 20, offsetof(struct config_http, max_uri_bytes)},
		{"max_body_bytes", 0, 16 << 20, offsetof(struct config_http, max_body_bytes)},
		{"idle_timeout_s", 1, 3600, offsetof(struct config_http, idle_timeout_s)},
		{"request_timeout_s", 1, 3600, offsetof(struct config_http, request_timeout_s)},
	};
	char hp[CONFIG_HOST_LEN + 16] = "";
	uint64_t u;
	size_t i;

	h->enabled = 1;
	if (cfg_only_keys(cf, o, "http", keys) ||
			cfg_string(cf, o, "http", "listen", 0, hp, sizeof(hp)) ||
			cfg_string(cf, o, "http", "token", 0, h->token, sizeof(h->token)))
		return -EINVAL;
	if (hp[0] != '\0' && config_parse_hostport(hp, &h->listen))
		return cfg_error(cf, "http.listen",
			"\"%s\" is not ADDRESS:PORT (numeric IPv4, or [IPv6]:PORT)", hp);
	if (h->token[0] != '\0' && strlen(h->token) < 16)
		return cfg_error(cf, "http.token", "at least 16 characters (it guards every write)");
	for (i = 0; i < sizeof(lim) / sizeof(lim[0]); i++) {
		uint32_t *v = (uint32_t *)((char *)h + lim[i].off);

		u = *v;
		if (cfg_uint(cf, o, "http", lim[i].key, 0, lim[i].min, lim[i].max, &u))
			return -EINVAL;
		*v = (uint32_t)u;
	}
	return 0;
}

static int
load_root(struct cfg *cf, struct config *c)
{
	static const char *const keys[] = {"pepid", "log_level", "ipc", "cops", "lpdp", "http",
		NULL};
	static const char *const ipc_keys[] = {"socket", "retry_max_ms", "stats_interval_ms", NULL};
	static const char *const cops_keys[] = {"sessions", "open_timeout_ms", "backoff_min_ms",
		"backoff_max_ms", "decision_survival_s", NULL};
	static const char *const levels[] = {"error", "warn", "info", "debug", NULL};
	json_t *root = cf->root, *o, *sessions, *v;
	char el[256];
	uint64_t u;
	size_t i;

	if (cfg_only_keys(cf, root, NULL, keys))
		return -EINVAL;
	if (cfg_string(cf, root, NULL, "pepid", 0, c->pepid, sizeof(c->pepid)) ||
			cfg_enum(cf, root, NULL, "log_level", 0, levels, &c->log_level))
		return -EINVAL;
	if (c->pepid[0] == '\0')
		return cfg_error(cf, "pepid", "must not be empty");
	if (cfg_object(cf, root, NULL, "ipc", &o))
		return -EINVAL;
	if (o != NULL) {
		if (cfg_only_keys(cf, o, "ipc", ipc_keys) ||
				cfg_string(cf, o, "ipc", "socket", 0, c->ipc_socket,
					sizeof(c->ipc_socket)))
			return -EINVAL;
		u = c->ipc_retry_max_ms;
		if (cfg_uint(cf, o, "ipc", "retry_max_ms", 0, 10, 600000, &u))
			return -EINVAL;
		c->ipc_retry_max_ms = (uint32_t)u;
		u = c->ipc_stats_interval_ms;
		if (cfg_uint(cf, o, "ipc", "stats_interval_ms", 0, 0, 3600000, &u))
			return -EINVAL;
		if (u != 0 && u < 100)
			return cfg_error(cf, "ipc.stats_interval_ms", "0 (never) or at least 100");
		c->ipc_stats_interval_ms = (uint32_t)u;
	}
	if (cfg_object(cf, root, NULL, "cops", &o))
		return -EINVAL;
	if (o != NULL) {
		if (cfg_only_keys(cf, o, "cops", cops_keys))
			return -EINVAL;
		u = c->open_timeout_ms;
		if (cfg_uint(cf, o, "cops", "open_timeout_ms", 0, 10, 600000, &u))
			return -EINVAL;
		c->open_timeout_ms = (uint32_t)u;
		u = c->backoff_min_ms;
		if (cfg_uint(cf, o, "cops", "backoff_min_ms", 0, 1, 600000, &u))
			return -EINVAL;
		c->backoff_min_ms = (uint32_t)u;
		u = c->backoff_max_ms;
		if (cfg_uint(cf, o, "cops", "backoff_max_ms", 0, 1, 3600000, &u))
			return -EINVAL;
		c->backoff_max_ms = (uint32_t)u;
		if (c->backoff_max_ms < c->backoff_min_ms)
			return cfg_error(cf, "cops.backoff_max_ms", "must be >= backoff_min_ms (%u)",
				c->backoff_min_ms);
		u = c->decision_survival_s;
		if (cfg_uint(cf, o, "cops", "decision_survival_s", 0, 0, 86400 * 365, &u))
			return -EINVAL;
		c->decision_survival_s = (uint32_t)u;
		if (cfg_array(cf, o, "cops", "sessions", &sessions))
			return -EINVAL;
		if (sessions != NULL) {
			if (json_array_size(sessions) > CONFIG_MAX_SESSIONS)
				return cfg_error(cf, "cops.sessions", "at most %d sessions",
					CONFIG_MAX_SESSIONS);
			json_array_foreach(sessions, i, v) {
				uint32_t j;

				cfg_path_index(el, sizeof(el), "cops.sessions", i);
				if (load_session(cf, v, el, &c->sessions[i]))
					return -EINVAL;
				for (j = 0; j < i; j++)
					if (c->sessions[j].client_type == c->sessions[i].client_type)
						return cfg_error(cf, el,
							"client type %u is already configured",
							c->sessions[i].client_type);
			}
			c->n_sessions = (uint32_t)json_array_size(sessions);
		}
	}
	if (cfg_object(cf, root, NULL, "lpdp", &o))
		return -EINVAL;
	if (o != NULL && load_lpdp(cf, o, &c->lpdp))
		return -EINVAL;
	if (cfg_object(cf, root, NULL, "http", &o))
		return -EINVAL;
	if (o != NULL && load_http(cf, o, &c->http))
		return -EINVAL;
	return 0;
}

int
config_load(struct config *c, const char *file, const char *text, size_t len, char *err,
	size_t cap)
{
	struct cfg cf;
	int rc;

	config_defaults(c);
	rc = text != NULL ? cfg_load_text(&cf, file, text, len) : cfg_load(&cf, file);
	if (rc == 0)
		rc = load_root(&cf, c);
	if (rc != 0 && err != NULL)
		snprintf(err, cap, "%s", cf.err);
	cfg_free(&cf);
	return rc;
}

static json_t *
hostport_json(const struct config_pdp *p)
{
	char s[CONFIG_HOST_LEN + 16];

	if (strchr(p->host, ':') != NULL)
		snprintf(s, sizeof(s), "[%s]:%u", p->host, p->port);
	else
		snprintf(s, sizeof(s), "%s:%u", p->host, p->port);
	return json_string(s);
}

static json_t *
dscp_json(uint8_t dscp)
{
	return dscp == VPEP_IPC_DSCP_KEEP ? json_string("keep") : json_integer(dscp);
}

json_t *
config_json(const struct config *c)
{
	static const char *const levels[] = {"error", "warn", "info", "debug"};
	json_t *root = json_object(), *sessions = json_array(), *rules = json_array(), *o;
	uint32_t i, j;

	json_object_set_new(root, "pepid", json_string(c->pepid));
	json_object_set_new(root, "log_level", json_string(levels[c->log_level & 3]));
	json_object_set_new(root, "ipc", json_pack("{s:s, s:I, s:I}", "socket", c->ipc_socket,
		"retry_max_ms", (json_int_t)c->ipc_retry_max_ms, "stats_interval_ms",
		(json_int_t)c->ipc_stats_interval_ms));
	for (i = 0; i < c->n_sessions; i++) {
		const struct config_session *s = &c->sessions[i];
		json_t *pdps = json_array();

		for (j = 0; j < s->n_pdps; j++)
			json_array_append_new(pdps, hostport_json(&s->pdps[j]));
		json_array_append_new(sessions, json_pack("{s:i, s:b, s:b, s:o}", "client_type",
			s->client_type, "outsourcing", s->outsourcing, "provisioning", s->provisioning,
			"pdps", pdps));
	}
	json_object_set_new(root, "cops", json_pack("{s:o, s:I, s:I, s:I, s:I}", "sessions",
		sessions, "open_timeout_ms", (json_int_t)c->open_timeout_ms, "backoff_min_ms",
		(json_int_t)c->backoff_min_ms, "backoff_max_ms", (json_int_t)c->backoff_max_ms,
		"decision_survival_s", (json_int_t)c->decision_survival_s));
	for (i = 0; i < c->lpdp.n_rules; i++) {
		const struct lpdp_rule *r = &c->lpdp.rules[i];
		json_t *codecs = json_array();

		for (j = 0; j < r->n_codecs; j++)
			json_array_append_new(codecs, json_string(r->codecs[j]));
		o = json_pack("{s:s, s:s, s:s, s:o, s:s, s:o, s:I, s:I, s:I}", "name", r->name,
			"caller", r->caller, "callee", r->callee, "codecs", codecs, "verdict",
			r->verdict == VPEP_IPC_VERDICT_ADMIT ? "admit" : "deny", "dscp",
			dscp_json(r->dscp), "max_bandwidth_bps", (json_int_t)r->max_bandwidth_bps,
			"max_calls_per_source", (json_int_t)r->max_calls_per_source, "rate_bps",
			(json_int_t)r->rate_bps);
		json_array_append_new(rules, o);
	}
	json_object_set_new(root, "lpdp", json_pack("{s:s, s:o, s:o}", "default",
		c->lpdp.default_verdict == VPEP_IPC_VERDICT_ADMIT ? "admit" : "deny", "dscp",
		dscp_json(c->lpdp.default_dscp), "rules", rules));
	if (c->http.enabled) {
		o = json_object();
		json_object_set_new(o, "listen", hostport_json(&c->http.listen));
		/* the token guards every write: never shown, only whether one is set */
		json_object_set_new(o, "token", c->http.token[0] ? json_string("<redacted>") :
			json_null());
		json_object_set_new(o, "max_connections", json_integer(c->http.max_connections));
		json_object_set_new(o, "max_header_bytes", json_integer(c->http.max_header_bytes));
		json_object_set_new(o, "max_uri_bytes", json_integer(c->http.max_uri_bytes));
		json_object_set_new(o, "max_body_bytes", json_integer(c->http.max_body_bytes));
		json_object_set_new(o, "idle_timeout_s", json_integer(c->http.idle_timeout_s));
		json_object_set_new(o, "request_timeout_s", json_integer(c->http.request_timeout_s));
		json_object_set_new(root, "http", o);
	}
	return root;
}
