/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * vpep-dataplane: EAL and option handling, start-up, the control thread, and shutdown.
 *
 * The main lcore is the control thread: it sums counters once per interval, watches for the
 * end of an offline capture and for SIGINT/SIGTERM, and on exit stops the workers in two steps
 * (stop receiving, then quit once every ring is empty) so that no packet is left in flight.
 */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mbuf_dyn.h>

#include "dp.h"
#include "dp_port.h"
#include "dp_stats.h"
#include "dp_ipc.h"
#include "policy.h"
#include "voip.h"
#include "dp_time.h"
#include "offline.h"
#include "worker.h"

RTE_LOG_REGISTER(dp_logtype, vpep.dp.main, INFO);
#define LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, dp_logtype, "vpep: " fmt "\n", ##__VA_ARGS__)

struct dp dp;

struct options {
	const char *config;
	const char *read;
	const char *write;
	const char *stats_json;
	const char *tmpdir;
	uint32_t flows;
	int flows_set;
	int summary;
	double duration;
};

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reload_requested;
static struct timespec t_start;

/* STATS_REQ on the vpep-ctrl link: the same document --stats-json writes, at this moment. */
static char *
ipc_stats_json(void)
{
	struct dp_snapshot snap;
	struct timespec now;
	json_t *doc;
	char *text;

	dp_stats_snapshot(&snap);
	clock_gettime(CLOCK_MONOTONIC, &now);
	doc = dp_stats_json(&snap, NULL, NULL, (double)(now.tv_sec - t_start.tv_sec) +
			(double)(now.tv_nsec - t_start.tv_nsec) / 1e9, dp.conf.stats_flows_max,
			dp.conf.ipc_calls_max);
	if (doc == NULL)
		return NULL;
	text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	return text;
}

static void
on_sighup(int sig)
{
	(void)sig;
	reload_requested = 1;
}

/* SIGHUP: read the policy file again; a policy that fails validation changes nothing. */
static void
reload_policy(void)
{
	static struct policy_conf pc; /* large: not on the control thread's stack */
	char err[1024];
	int rc;

	reload_requested = 0;
	if (!dp.policy_on || dp.conf.policy_file[0] == '\0') {
		LOG(WARNING, "SIGHUP: no policy file configured (\"policy\": \"FILE\"): nothing to reload");
		return;
	}
	if (dp_policy_load_file(dp.conf.policy_file, &pc, err, sizeof(err)) != 0) {
		LOG(ERR, "policy reload refused, the previous policy stays: %s", err);
		return;
	}
	rc = policy_reload(&pc);
	if (rc != 0)
		LOG(ERR, "policy reload refused: %s", rc == -ENOTSUP ?
				"protection.sip_rate.sources changed (needs a restart)" : strerror(-rc));
	else
		LOG(INFO, "policy reloaded from %s (%u rules)", dp.conf.policy_file, pc.n_rules);
}

static void
on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void
usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s [EAL options] -- [options]\n"
		"\n"
		"Live (ports from the configuration):\n"
		"  %s -l 0-1 -- --config configs/dataplane.json\n"
		"Offline (a capture through the same worker code):\n"
		"  %s --no-huge -m 1024 -l 0-1 -- --read IN.pcap [--write OUT.pcap] --stats-json S.json\n"
		"\n"
		"Options:\n"
		"  --config FILE      dataplane configuration (JSON, see docs/configuration.md)\n"
		"  --read FILE        offline mode: read packets from a pcap or pcapng capture\n"
		"  --write FILE       offline mode: write what would be transmitted to a pcap\n"
		"                     (without it, offline mode only inspects: monitor mode)\n"
		"  --stats-json FILE  write statistics as JSON at exit\n"
		"  --flows N          list up to N flows in the statistics JSON\n"
		"  --summary          print a readable summary at exit\n"
		"  --duration SEC     stop after SEC seconds\n"
		"  --tmpdir DIR       where converted captures are written (default $TMPDIR, /tmp)\n"
		"  --version          print the version\n"
		"  --help             this text\n",
		prog, prog, prog);
}

static int
parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "read", required_argument, NULL, 'r' },
		{ "write", required_argument, NULL, 'w' },
		{ "stats-json", required_argument, NULL, 's' },
		{ "flows", required_argument, NULL, 'f' },
		{ "summary", no_argument, NULL, 'S' },
		{ "duration", required_argument, NULL, 'd' },
		{ "tmpdir", required_argument, NULL, 't' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	o->tmpdir = getenv("TMPDIR");
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config = optarg;
			break;
		case 'r':
			o->read = optarg;
			break;
		case 'w':
			o->write = optarg;
			break;
		case 's':
			o->stats_json = optarg;
			break;
		case 'f':
			errno = 0;
			o->flows = (uint32_t)strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg) {
				fprintf(stderr, "vpep-dataplane: error: --flows wants a number, got \"%s\"\n",
						optarg);
				return -1;
			}
			o->flows_set = 1;
			break;
		case 'S':
			o->summary = 1;
			break;
		case 'd':
			o->duration = strtod(optarg, &end);
			if (*end || end == optarg || o->duration <= 0) {
				fprintf(stderr, "vpep-dataplane: error: --duration wants seconds > 0, got \"%s\"\n",
						optarg);
				return -1;
			}
			break;
		case 't':
			o->tmpdir = optarg;
			break;
		case 'V':
			printf("vpep-dataplane %s\n", VPEP_VERSION);
			exit(0);
		case 'h':
			usage(stdout, argv[0]);
			exit(0);
		default:
			usage(stderr, argv[0]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vpep-dataplane: error: unexpected argument \"%s\"\n", argv[optind]);
		return -1;
	}
	if (o->write && !o->read) {
		fprintf(stderr, "vpep-dataplane: error: --write needs --read (offline mode)\n");
		return -1;
	}
	if (o->write && strchr(o->write, ',')) {
		fprintf(stderr, "vpep-dataplane: error: output path \"%s\" contains a comma, which "
				"DPDK device arguments cannot carry\n", o->write);
		return -1;
	}
	return 0;
}

/* Replace the configured ports with one net_pcap port over the capture. */
static void
setup_offline_port(const struct options *o, const struct offline_capture *cap)
{
	struct dp_port_conf *pc = &dp.conf.ports[0];

	if (dp.conf.n_ports > 0)
		LOG(INFO, "offline mode: the capture replaces the %u configured port(s)",
				dp.conf.n_ports);
	memset(pc, 0, sizeof(*pc));
	snprintf(pc->name, sizeof(pc->name), "capture");
	if (o->write)
		snprintf(pc->device, sizeof(pc->device), "net_pcap_vpep0,rx_pcap=%s,tx_pcap=%s",
				cap->feed_path, o->write);
	else
		snprintf(pc->device, sizeof(pc->device), "net_pcap_vpep0,rx_pcap=%s",
				cap->feed_path);
	pc->rx_desc = 1024;
	pc->tx_desc = 1024;
	dp.conf.n_ports = 1;
	/* What enters the capture port leaves on the same port, into OUT. */
	dp.conf.mode = o->write ? DP_MODE_INLINE : DP_MODE_MONITOR;
	pc->peer = o->write ? 0 : -1;
}

static int
choose_workers(char *err, size_t err_len)
{
	unsigned int lc, i;

	dp.n_workers = 0;
	if (dp.conf.n_worker_lcores > 0) {
		for (i = 0; i < dp.conf.n_worker_lcores; i++) {
			lc = dp.conf.worker_lcores[i];
			if (lc >= RTE_MAX_LCORE || !rte_lcore_is_enabled(lc) ||
					lc == rte_get_main_lcore()) {
				snprintf(err, err_len,
						"%s: workers.lcores[%u]: lcore %u is not a worker lcore "
						"EAL was given (main lcore %u; use -l/--lcores)",
						dp.conf.source, i, lc, rte_get_main_lcore());
				return -EINVAL;
			}
		}
		return 0;
	}
	RTE_LCORE_FOREACH_WORKER(lc) {
		if (dp.conf.n_worker_lcores == DP_MAX_WORKERS)
			break;
		dp.conf.worker_lcores[dp.conf.n_worker_lcores++] = lc;
	}
	if (dp.conf.n_worker_lcores == 0) {
		snprintf(err, err_len, "no worker lcore: give EAL at least two lcores (e.g. -l 0-1); "
				"the main lcore runs the control thread");
		return -EINVAL;
	}
	return 0;
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Stop receiving, let every ring drain, then end the worker loops. */
static void
stop_workers(void)
{
	uint64_t loops[DP_MAX_WORKERS];
	unsigned int i, settled = 0;
	bool all;

	__atomic_store_n(&dp.stop_rx, 1, __ATOMIC_RELEASE);
	do {
		all = true;
		for (i = 0; i < dp.n_workers; i++)
			all = all && dp.workers[i]->rx_stopped;
		if (!all)
			rte_delay_us_sleep(100);
	} while (!all);
	/* Rings are empty and every worker has gone round twice since: nothing is in flight. */
	while (settled < 2) {
		all = true;
		for (i = 0; i < dp.n_workers; i++) {
			all = all && worker_rings_empty(dp.workers[i]);
			loops[i] = dp.workers[i]->loops;
		}
		rte_delay_us_sleep(200);
		for (i = 0; i < dp.n_workers && all; i++)
			all = dp.workers[i]->loops >= loops[i] + 2;
		settled = all ? settled + 1 : 0;
	}
	__atomic_store_n(&dp.quit, 1, __ATOMIC_RELEASE);
	rte_eal_mp_wait_lcore();
}

int
main(int argc, char **argv)
{
	struct offline_capture cap;
	struct dp_snapshot snap;
	struct dp_pool_report pools = { 0 };
	struct options o;
	struct timespec t0;
	char err[2048];
	int64_t tsc_ppm;
	unsigned int i;
	int ret, rc = 1;
	double next_stats;

	memset(&cap, 0, sizeof(cap));
	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "vpep-dataplane: error: EAL initialisation failed: %s\n",
				rte_strerror(rte_errno));
		return 1;
	}
	argc -= ret;
	argv += ret;
	if (parse_args(argc, argv, &o) != 0)
		goto out_eal;

	dp_config_defaults(&dp.conf);
	if (o.config && dp_config_load(&dp.conf, o.config, err, sizeof(err)) != 0) {
		fprintf(stderr, "vpep-dataplane: error: %s\n", err);
		goto out_eal;
	}
	if (o.flows_set)
		dp.conf.stats_flows_max = o.flows;
	if (o.read) {
		if (offline_prepare(o.read, o.tmpdir, &cap, err, sizeof(err)) != 0) {
			fprintf(stderr, "vpep-dataplane: error: %s\n", err);
			goto out_eal;
		}
		if (cap.converted)
			LOG(NOTICE, "capture link type %s converted to Ethernet (%" PRIu64 " packets)",
					cap.linktype_name, cap.packets);
		if (cap.read_error)
			LOG(WARNING, "capture ends in a damaged record after %" PRIu64 " packets: %s",
					cap.packets, cap.read_error_msg);
		setup_offline_port(&o, &cap);
		dp.offline = true;
		dp.time_source = DP_TIME_CAPTURE;
	}
	dp.verify_ipv4_cksum = dp.conf.ipv4_checksum == DP_CKSUM_VERIFY ||
			(dp.conf.ipv4_checksum == DP_CKSUM_AUTO && !dp.offline);
	if (dp.conf.n_ports == 0) {
		fprintf(stderr, "vpep-dataplane: error: no ports: give --config FILE with \"ports\", "
				"or --read CAPTURE\n");
		goto out_eal;
	}

	tsc_ppm = dp_time_init(100);
	if (tsc_ppm > 10000 || tsc_ppm < -10000)
		LOG(WARNING, "rte_get_tsc_hz() says %" PRIu64 " Hz but the TSC runs %.2f%% %s than "
			     "the system clock: rates, timeouts and meters will be skewed (a known "
			     "DPDK problem on some VMs; see docs/operations.md)",
				dp.tsc_hz, (double)(tsc_ppm < 0 ? -tsc_ppm : tsc_ppm) / 10000.0,
				tsc_ppm > 0 ? "slower" : "faster");
	if (ip_reasm_global_init() != 0 ||
			rte_mbuf_dyn_rx_timestamp_register(&dp.ts_dynfield_off, &dp.ts_dynflag) != 0) {
		fprintf(stderr, "vpep-dataplane: error: cannot register mbuf fields: %s\n",
				rte_strerror(rte_errno));
		goto out_eal;
	}
	if (choose_workers(err, sizeof(err)) != 0 || dp_ports_probe(err, sizeof(err)) != 0) {
		fprintf(stderr, "vpep-dataplane: error: %s\n", err);
		goto out_eal;
	}
	if (o.read)
		dp.ports[0].expected_rx = cap.packets;
	if (voip_global_init(dp.conf.n_worker_lcores, (int)rte_socket_id(), err, sizeof(err)) != 0) {
		fprintf(stderr, "vpep-dataplane: error: %s\n", err);
		goto out_eal;
	}
	dp.policy_on = dp.conf.policy_set;
	if (dp.policy_on && policy_global_init(&dp.conf.policy, dp.conf.n_worker_lcores,
				    dp.conf.sip.calls, (int)rte_socket_id(), err, sizeof(err)) != 0) {
		fprintf(stderr, "vpep-dataplane: error: %s\n", err);
		goto out_eal;
	}
	for (i = 0; i < dp.conf.n_worker_lcores; i++) {
		dp.workers[i] = worker_create(i, dp.conf.worker_lcores[i], err, sizeof(err));
		if (dp.workers[i] == NULL) {
			fprintf(stderr, "vpep-dataplane: error: %s\n", err);
			goto out_workers;
		}
		dp.n_workers++;
	}
	if (dp_ports_start(err, sizeof(err)) != 0) {
		fprintf(stderr, "vpep-dataplane: error: %s\n", err);
		goto out_ports;
	}
	LOG(INFO, "%u port(s), %u worker(s), %s mode, %s dispatch, %u mbufs", dp.n_ports,
			dp.n_workers, dp.conf.mode == DP_MODE_INLINE ? "inline" : "monitor",
			dp.n_workers == 1 ? "single-worker" : dp.rss_dispatch ? "rss" : "software",
			dp.pool->size);

	if (dp.conf.ipc_socket[0] != '\0' &&
			dp_ipc_init(dp.conf.ipc_socket, dp.n_workers, err, sizeof(err)) != 0) {
		fprintf(stderr, "vpep-dataplane: error: %s\n", err);
		goto out_ports;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_sighup);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	t_start = t0;
	for (i = 0; i < dp.n_workers; i++)
		rte_eal_remote_launch(worker_main, dp.workers[i], dp.workers[i]->lcore_id);

	next_stats = (double)dp.conf.stats_interval_ms / 1000.0;
	while (!stop_requested) {
		double now;

		/* with the vpep-ctrl link the wait is a poll() that wakes for its messages and
		 * for worker events, so a decision's round trip costs no sleeping period */
		if (dp.conf.ipc_socket[0] != '\0')
			dp_ipc_poll(dp.offline ? 1000 : 10000, ipc_stats_json);
		else
			rte_delay_us_sleep(dp.offline ? 1000 : 10000);
		now = seconds_since(&t0);
		if (reload_requested)
			reload_policy();
		if (dp.policy_on)
			policy_reclaim(false);
		if (dp.offline && dp_ports_offline_done())
			break;
		if (o.duration > 0 && now >= o.duration)
			break;
		if (now >= next_stats) {
			/* The per-interval sum; the control-plane link publishes it. */
			dp_stats_snapshot(&snap);
			next_stats += (double)dp.conf.stats_interval_ms / 1000.0;
		}
	}
	stop_workers();

	/* Expire what is idle at the end, by the latest time any worker saw: the counts then
	 * do not depend on when the periodic expiry last ran. */
	{
		uint64_t end_ns = 0;

		for (i = 0; i < dp.n_workers; i++)
			end_ns = RTE_MAX(end_ns, dp.workers[i]->now_ns);
		for (i = 0; i < dp.n_workers; i++) {
			flow_table_expire(dp.workers[i]->flows, end_ns, UINT32_MAX);
			voip_worker_finish(dp.workers[i]);
		}
	}

	/* Release everything that still holds mbufs, then check the pools came back whole. */
	for (i = 0; i < dp.n_workers; i++) {
		ip_reasm_free(dp.workers[i]->reasm, dp.workers[i]->now_ns);
		dp.workers[i]->reasm = NULL;
	}
	dp_ports_stop();
	for (i = 0; i < dp.n_workers; i++) {
		struct rte_mbuf *m = NULL;
		unsigned int p;

		for (p = 0; p < RTE_MAX_ETHPORTS; p++) {
			struct rte_ring *r = dp.workers[i]->tx_ring_in[p];

			while (r != NULL && rte_ring_dequeue(r, (void **)&m) == 0) {
				dp.workers[i]->ctr[VPEP_CTR_tx_failed]++;
				rte_pktmbuf_free(m);
			}
		}
		while (rte_ring_dequeue(dp.workers[i]->handoff, (void **)&m) == 0) {
			dp.workers[i]->ctr[VPEP_CTR_handoff_ring_full]++;
			rte_pktmbuf_free(m);
		}
	}
	pools.in_use_end = rte_mempool_in_use_count(dp.pool);
	pools.indirect_in_use_end = rte_mempool_in_use_count(dp.indirect_pool);
	pools.valid = 1;

	dp_stats_snapshot(&snap);
	rc = 0;
	if (o.stats_json) {
		json_t *doc = dp_stats_json(&snap, o.read ? &cap : NULL, &pools, seconds_since(&t0),
				dp.conf.stats_flows_max, dp.conf.stats_calls_max);
		int wrc = dp_stats_write(o.stats_json, doc);

		json_decref(doc);
		if (wrc != 0) {
			fprintf(stderr, "vpep-dataplane: error: cannot write %s: %s\n", o.stats_json,
					strerror(-wrc));
			rc = 1;
		}
	}
	if (o.summary) {
		dp_stats_summary(stdout, &snap, o.read ? &cap : NULL, seconds_since(&t0));
		voip_summary(stdout);
	}
	if (pools.in_use_end != dp.pool_in_use_start ||
			pools.indirect_in_use_end != dp.indirect_in_use_start) {
		LOG(ERR, "mbuf leak: %u packet / %u indirect mbufs still in use at exit (started "
			 "with %u / %u)", pools.in_use_end, pools.indirect_in_use_end,
				dp.pool_in_use_start, dp.indirect_in_use_start);
		rc = 1;
	}
	goto out_workers;

out_ports:
	dp_ports_stop();
out_workers:
	for (i = 0; i < dp.n_workers; i++)
		worker_free(dp.workers[i]);
	dp_ipc_free();
	if (dp.policy_on)
		policy_global_free();
	voip_global_free();
	offline_cleanup(&cap);
out_eal:
	rte_eal_cleanup();
	return rc;
}
