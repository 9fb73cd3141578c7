/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * vpep-ctrl configuration (JSON, see docs/configuration.md "vpep-ctrl"). Errors name
 * file:line:column and the key path (common/cfg.h). Pure: no I/O beyond reading the file.
 */

#ifndef VPEP_CTRL_CONFIG_H
#define VPEP_CTRL_CONFIG_H

#include <stdint.h>

#include <jansson.h>

#include "cfg.h"
#include "lpdp.h"

#define CONFIG_MAX_SESSIONS	4
#define CONFIG_MAX_PDPS		8
#define CONFIG_HOST_LEN		64
#define CONFIG_PATH_LEN		256

struct config_pdp {
	char host[CONFIG_HOST_LEN];	/* numeric IPv4 or IPv6 address */
	uint16_t port;
};

/* One COPS client type, with its own PDP list (primary first, then backups). */
struct config_session {
	uint16_t client_type;
	int outsourcing;	/* admissions become REQs */
	int provisioning;	/* a configuration REQ lets the PDP push gates */
	struct config_pdp pdps[CONFIG_MAX_PDPS];
	uint32_t n_pdps;
};

/* The HTTP API (docs/http-api.md); off unless the configuration has an "http" section. */
struct config_http {
	int enabled;
	struct config_pdp listen;	/* default 127.0.0.1:8080 */
	char token[128];		/* bearer token for write endpoints; "" = writes refused */
	uint32_t max_connections;	/* beyond: the oldest connection without a request goes */
	uint32_t max_header_bytes;	/* request line excluded; beyond: 431 */
	uint32_t max_uri_bytes;		/* beyond: 414 */
	uint32_t max_body_bytes;	/* beyond: 413 */
	uint32_t idle_timeout_s;	/* no byte in or out for this long: closed */
	uint32_t request_timeout_s;	/* a whole request (headers and body) must arrive in this */
};

enum config_log_level {
	CONFIG_LOG_ERROR = 0,
	CONFIG_LOG_WARN,
	CONFIG_LOG_INFO,
	CONFIG_LOG_DEBUG,
};

struct config {
	char pepid[64];
	int log_level;
	char ipc_socket[CONFIG_PATH_LEN];
	uint32_t ipc_retry_max_ms;
	uint32_t ipc_stats_interval_ms;	/* STATS_REQ period; 0 = never */
	struct config_session sessions[CONFIG_MAX_SESSIONS];
	uint32_t n_sessions;
	uint32_t open_timeout_ms;
	uint32_t backoff_min_ms;
	uint32_t backoff_max_ms;
	uint32_t decision_survival_s;	/* COPS decisions kept this long without a PDP */
	struct lpdp lpdp;		/* rules only; counters unused here */
	struct config_http http;
};

/* Defaults for every setting. */
void config_defaults(struct config *c);
/*
 * Load a configuration file (text != NULL: parse text, name it `file` in errors). Returns 0,
 * or -EINVAL/-ENOENT/-ENOMEM with err (cap bytes) holding "file:line:col: path: message".
 */
int config_load(struct config *c, const char *file, const char *text, size_t len,
	char *err, size_t cap);
/* The effective configuration as JSON, secrets (http.token) redacted. */
json_t *config_json(const struct config *c);
/* Parse "HOST:PORT" or "[V6]:PORT" into p. 0 or -EINVAL. */
int config_parse_hostport(const char *s, struct config_pdp *p);

#endif /* VPEP_CTRL_CONFIG_H */
