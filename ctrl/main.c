/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * vpep-ctrl: the control plane. One libevent loop runs the COPS sessions, the dataplane link,
 * local decisions and the status file; SIGINT/SIGTERM stop it cleanly (Client-Close 11
 * "Shutting down" to every PDP; the dataplane keeps enforcing what it has).
 *
 *   vpep-ctrl --config FILE [--ipc-socket PATH] [--status-file FILE] [--log-level LEVEL]
 *             [--http-listen ADDR:PORT] [--check-config]
 *
 * With an "http" section (or --http-listen) it also serves the HTTP API, /metrics and the
 * dashboard (http_api.c, docs/http-api.md).
 *
 * The status file is JSON, rewritten (atomically: temp file + rename) on every session or
 * link state change and at most every 100 ms otherwise; timestamps are CLOCK_MONOTONIC
 * seconds, the same clock as the log lines and Python's time.monotonic(). The loop builds the
 * document; a thread writes it (status_writer.c), so admissions never wait on the disk.
 */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <jansson.h>

#include "config.h"
#include "http_api.h"
#include "ctrl_log.h"
#include "ipc_msg.h"
#include "pep.h"
#include "status_writer.h"

struct app {
	struct event_base *base;
	struct config cfg;
	struct pep pep;
	struct http_api http;
	const char *status_file;
	struct status_writer writer;	/* writes status_file off the loop */
	struct event *status_ev;
	struct event *refresh_ev;
	int status_pending;
	uint64_t status_writes;
	double t_start;
};

static void
write_status(struct app *a)
{
	struct pep *p = &a->pep;
	json_t *root, *sessions, *ipc, *pol, *lp, *pepj, *rx, *tx;
	uint32_t i;
	int t;

	if (a->status_file == NULL)
		return;
	root = json_object();
	sessions = json_array();
	for (i = 0; i < p->n_conns; i++)
		json_array_append_new(sessions, cops_conn_json(&p->conns[i]));
	rx = json_object();
	tx = json_object();
	for (t = VPEP_IPC_HELLO; t < VPEP_IPC_TYPE_MAX; t++) {
		json_object_set_new(rx, ipc_msg_type_name((uint16_t)t),
			json_integer((json_int_t)p->ipc.rx[t]));
		json_object_set_new(tx, ipc_msg_type_name((uint16_t)t),
			json_integer((json_int_t)p->ipc.tx[t]));
	}
	ipc = json_pack("{s:s, s:b, s:I, s:f, s:I, s:o, s:o}", "socket", p->ipc.path,
		"connected", p->ipc.up, "connects", (json_int_t)p->ipc.connects,
		"t_connect", p->ipc.t_connect, "rx_bad", (json_int_t)p->ipc.rx_bad, "rx", rx,
		"tx", tx);
	pol = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
		"entries", (json_int_t)p->po.n,
		"decisions_sent", (json_int_t)p->po.decisions_sent,
		"decisions_unchanged", (json_int_t)p->po.decisions_unchanged,
		"gates_sent", (json_int_t)p->po.gates_sent,
		"gates_unchanged", (json_int_t)p->po.gates_unchanged,
		"deletes_sent", (json_int_t)p->po.deletes_sent,
		"results_ok", (json_int_t)p->po.results_ok,
		"results_err", (json_int_t)p->po.results_err);
	lp = json_pack("{s:I, s:I, s:I}", "decisions", (json_int_t)p->lpdp.decisions,
		"admits", (json_int_t)p->lpdp.admits, "denies", (json_int_t)p->lpdp.denies);
	pepj = json_object();
	json_object_set_new(pepj, "calls", json_integer(p->n_calls));
	json_object_set_new(pepj, "admissions", json_integer((json_int_t)p->admissions));
	json_object_set_new(pepj, "updates", json_integer((json_int_t)p->updates));
	json_object_set_new(pepj, "call_ends", json_integer((json_int_t)p->call_ends));
	json_object_set_new(pepj, "resyncs", json_integer((json_int_t)p->resyncs));
	json_object_set_new(pepj, "resync_calls", json_integer((json_int_t)p->resync_calls));
	json_object_set_new(pepj, "resync_gates", json_integer((json_int_t)p->resync_gates));
	json_object_set_new(pepj, "t_resync_done", json_real(p->t_resync_done));
	json_object_set_new(pepj, "cops_admits", json_integer((json_int_t)p->cops_admits));
	json_object_set_new(pepj, "cops_denies", json_integer((json_int_t)p->cops_denies));
	json_object_set_new(pepj, "lpdp_fallbacks", json_integer((json_int_t)p->lpdp_fallbacks));
	json_object_set_new(pepj, "expired", json_integer((json_int_t)p->expired));
	json_object_set_new(pepj, "gate_sets", json_integer((json_int_t)p->gate_sets));
	json_object_set_new(pepj, "gate_deletes", json_integer((json_int_t)p->gate_deletes));
	json_object_set_new(pepj, "gate_infos", json_integer((json_int_t)p->gate_infos));
	json_object_set_new(pepj, "gate_errors", json_integer((json_int_t)p->gate_errors));
	json_object_set_new(pepj, "rpt_success", json_integer((json_int_t)p->rpt_success));
	json_object_set_new(pepj, "rpt_failure", json_integer((json_int_t)p->rpt_failure));
	json_object_set_new(root, "pid", json_integer(getpid()));
	json_object_set_new(root, "t", json_real(ctrl_now_s()));
	json_object_set_new(root, "t_start", json_real(a->t_start));
	json_object_set_new(root, "writes", json_integer((json_int_t)++a->status_writes));
	json_object_set_new(root, "sessions", sessions);
	json_object_set_new(root, "ipc", ipc);
	json_object_set_new(root, "policy", pol);
	json_object_set_new(root, "lpdp", lp);
	json_object_set_new(root, "pep", pepj);
	if (p->dp_stats != NULL) {
		/* the dataplane's statistics as it sent them (STATS) */
		json_object_set(root, "dataplane_stats", p->dp_stats);
		json_object_set_new(root, "t_dataplane_stats", json_real(p->t_dp_stats));
	}
	status_writer_post(&a->writer, root);
	a->status_pending = 0;
}

static void
on_status_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	write_status(arg);
}

static void
status_changed(void *arg, int urgent)
{
	struct app *a = arg;
	struct timeval tv = {0, 100000};

	if (a->status_file == NULL)
		return;
	if (urgent) {
		write_status(a);
		return;
	}
	if (!a->status_pending) {
		a->status_pending = 1;
		evtimer_add(a->status_ev, &tv);
	}
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct app *a = arg;

	(void)what;
	LOG_INFO("signal %d: stopping", (int)sig);
	event_base_loopbreak(a->base);
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: vpep-ctrl --config FILE [--ipc-socket PATH] [--status-file FILE]\n"
		"                 [--log-level error|warn|info|debug] [--http-listen ADDR:PORT]\n"
		"                 [--check-config]\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"ipc-socket", required_argument, NULL, 's'},
		{"status-file", required_argument, NULL, 'S'},
		{"log-level", required_argument, NULL, 'l'},
		{"check-config", no_argument, NULL, 'C'},
		{"http-listen", required_argument, NULL, 'H'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static const char *const levels[] = {"error", "warn", "info", "debug"};
	static struct app a;
	const char *config_file = NULL, *ipc_socket = NULL, *level = NULL, *http_listen = NULL;
	struct event *sigint, *sigterm;
	char err[CFG_ERR_LEN];
	int opt, check = 0, i;

	while ((opt = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			config_file = optarg;
			break;
		case 's':
			ipc_socket = optarg;
			break;
		case 'S':
			a.status_file = optarg;
			break;
		case 'l':
			level = optarg;
			break;
		case 'C':
			check = 1;
			break;
		case 'H':
			http_listen = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (config_file == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (config_load(&a.cfg, config_file, NULL, 0, err, sizeof(err)) != 0) {
		fprintf(stderr, "vpep-ctrl: %s\n", err);
		return 1;
	}
	if (http_listen != NULL) {
		if (config_parse_hostport(http_listen, &a.cfg.http.listen) != 0) {
			fprintf(stderr, "vpep-ctrl: --http-listen %s: not ADDRESS:PORT\n", http_listen);
			return 2;
		}
		a.cfg.http.enabled = 1;
	}
	if (check)
		return 0;
	if (ipc_socket != NULL)
		snprintf(a.cfg.ipc_socket, sizeof(a.cfg.ipc_socket), "%s", ipc_socket);
	if (level != NULL) {
		for (i = 0; i < 4 && strcmp(level, levels[i]) != 0; i++)
			;
		if (i == 4) {
			usage(stderr);
			return 2;
		}
		a.cfg.log_level = i;
	}
	ctrl_log_set_level(a.cfg.log_level);
	signal(SIGPIPE, SIG_IGN);
	a.t_start = ctrl_now_s();
	a.base = event_base_new();
	if (a.base == NULL) {
		LOG_ERR("event_base_new failed");
		return 1;
	}
	if (a.status_file != NULL) {
		int rc = status_writer_start(&a.writer, a.status_file);

		if (rc != 0) {
			LOG_ERR("status file %s: %s", a.status_file, strerror(-rc));
			return 1;
		}
	}
	a.status_ev = evtimer_new(a.base, on_status_timer, &a);
	/* counters (KAs, accounting) change without a state change: refresh twice a second */
	a.refresh_ev = event_new(a.base, -1, EV_PERSIST, on_status_timer, &a);
	if (pep_init(&a.pep, a.base, &a.cfg, status_changed, &a) != 0) {
		LOG_ERR("initialisation failed");
		return 1;
	}
	if (a.cfg.http.enabled && http_api_init(&a.http, a.base, &a.pep, &a.cfg,
			config_file) != 0) {
		LOG_ERR("http: initialisation failed");
		return 1;
	}
	sigint = evsignal_new(a.base, SIGINT, on_signal, &a);
	sigterm = evsignal_new(a.base, SIGTERM, on_signal, &a);
	evsignal_add(sigint, NULL);
	evsignal_add(sigterm, NULL);
	LOG_INFO("vpep-ctrl %s: PEPID %s, %u COPS session(s), dataplane at %s", VPEP_VERSION,
		a.cfg.pepid, a.cfg.n_sessions, a.cfg.ipc_socket);
	pep_start(&a.pep);
	write_status(&a);
	if (a.status_file != NULL) {
		struct timeval half = {0, 500000};

		evtimer_add(a.refresh_ev, &half);
	}
	event_base_dispatch(a.base);
	http_api_stop(&a.http);
	pep_stop(&a.pep);
	write_status(&a);
	status_writer_stop(&a.writer);
	event_free(sigint);
	event_free(sigterm);
	event_free(a.status_ev);
	event_free(a.refresh_ev);
	event_base_free(a.base);
	LOG_INFO("stopped");
	return 0;
}
