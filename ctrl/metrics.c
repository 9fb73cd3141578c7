/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cops_codec.h"
#include "ctrl_log.h"
#include "ipc_msg.h"
#include "metrics.h"
#include "pep.h"

/* ITU-T G.107 Annex B satisfaction levels, coarsened to bands a dashboard can draw. */
const double metrics_mos_band_lo[METRICS_MOS_BANDS] = {0.0, 2.58, 3.1, 3.6, 4.03, 4.34};
const char *const metrics_mos_band_name[METRICS_MOS_BANDS] = {
	"1.00-2.58", "2.58-3.10", "3.10-3.60", "3.60-4.03", "4.03-4.34", "4.34-5.00",
};

unsigned int
metrics_mos_band(double mos)
{
	unsigned int i;

	for (i = METRICS_MOS_BANDS - 1; i > 0; i--)
		if (mos >= metrics_mos_band_lo[i])
			return i;
	return 0;
}

uint64_t
metrics_juint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (json_is_integer(v) && json_integer_value(v) >= 0)
		return (uint64_t)json_integer_value(v);
	if (json_is_real(v) && json_real_value(v) >= 0)
		return (uint64_t)json_real_value(v);
	return 0;
}

void
metrics_calls_sum(json_t *doc, struct metrics_calls *mc)
{
	json_t *calls = json_object_get(doc, "calls"), *c;
	json_t *sum = json_object_get(doc, "calls_summary");
	size_t i;

	memset(mc, 0, sizeof(*mc));
	mc->listed = json_array_size(calls);
	mc->omitted = metrics_juint(doc, "calls_omitted");
	mc->streams = json_array_size(json_object_get(doc, "rtp_streams"));
	if (json_is_object(sum)) {
		/* the dataplane counted every call: exact whatever the list holds */
		json_t *bands = json_object_get(sum, "active_by_mos");

		mc->active = metrics_juint(sum, "active");
		mc->terminated = metrics_juint(sum, "terminated");
		mc->streams = metrics_juint(sum, "streams");
		for (i = 0; i < METRICS_MOS_BANDS; i++)
			mc->mos_band[i] = metrics_juint(bands, metrics_mos_band_name[i]);
		mc->no_mos = metrics_juint(bands, "none");
		return;
	}
	/* an older dataplane: the list is every call */
	json_array_foreach(calls, i, c) {
		const char *st = json_string_value(json_object_get(c, "state"));
		json_t *mos = json_object_get(c, "mos");

		if (st != NULL && strcmp(st, "terminated") == 0) {
			mc->terminated++;
			continue;
		}
		mc->active++;
		if (json_is_number(mos))
			mc->mos_band[metrics_mos_band(json_number_value(mos))]++;
		else
			mc->no_mos++;
	}
}

/* The writer: an evbuffer and a sticky error, so callers check once at the end. */
struct mw {
	struct evbuffer *b;
	int err;
};

static void
put(struct mw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
put(struct mw *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (evbuffer_add_vprintf(w->b, fmt, ap) < 0)
		w->err = -ENOMEM;
	va_end(ap);
}

static void
family(struct mw *w, const char *name, const char *type, const char *help)
{
	put(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value as the exposition format wants it: \\, \" and \n escaped, bounded. */
static const char *
esc(char *buf, size_t cap, const char *s)
{
	size_t n = 0;

	for (; *s != '\0' && n + 3 < cap; s++) {
		if (*s == '\\' || *s == '"') {
			buf[n++] = '\\';
			buf[n++] = *s;
		} else if (*s == '\n') {
			buf[n++] = '\\';
			buf[n++] = 'n';
		} else {
			buf[n++] = *s;
		}
	}
	buf[n] = '\0';
	return buf;
}

static void
sample_u(struct mw *w, const char *name, const char *labels, uint64_t v)
{
	put(w, "%s%s %llu\n", name, labels, (unsigned long long)v);
}

static void
sample_d(struct mw *w, const char *name, const char *labels, double v)
{
	put(w, "%s%s %.17g\n", name, labels, v);
}

/* One family from a JSON object of counters {label value: n}. */
static void
object_family(struct mw *w, const char *name, const char *type, const char *help,
	json_t *obj, const char *label)
{
	const char *k;
	json_t *v;
	char e[128], lb[192];

	family(w, name, type, help);
	json_object_foreach(obj, k, v) {
		if (!json_is_integer(v))
			continue;
		snprintf(lb, sizeof(lb), "{%s=\"%s\"}", label, esc(e, sizeof(e), k));
		sample_u(w, name, lb, (uint64_t)json_integer_value(v));
	}
}

/* One family from a JSON object of objects {class: {key: n, ...}}: one sample per class. */
static void
class_family(struct mw *w, const char *name, const char *help, json_t *classes,
	const char *key)
{
	const char *k;
	json_t *cl;
	char e[128], lb[192];

	family(w, name, "counter", help);
	json_object_foreach(classes, k, cl) {
		snprintf(lb, sizeof(lb), "{class=\"%s\"}", esc(e, sizeof(e), k));
		sample_u(w, name, lb, metrics_juint(cl, key));
	}
}

/* The policy's per-class colour counters {class: {colours: {green: {key: n}...}}}. */
static void
class_colour_family(struct mw *w, const char *name, const char *help, json_t *classes,
	const char *key)
{
	static const char *const colours[] = { "green", "yellow", "red" };
	const char *k;
	json_t *cl;
	char e[128], lb[192];
	size_t j;

	family(w, name, "counter", help);
	json_object_foreach(classes, k, cl) {
		json_t *col = json_object_get(cl, "colours");

		for (j = 0; j < 3; j++) {
			snprintf(lb, sizeof(lb), "{class=\"%s\",colour=\"%s\"}",
				esc(e, sizeof(e), k), colours[j]);
			sample_u(w, name, lb, metrics_juint(json_object_get(col, colours[j]), key));
		}
	}
}

/* One family over an array of objects, labelled by a member of each (a port's name, ...). */
static void
array_family(struct mw *w, const char *name, const char *type, const char *help, json_t *arr,
	const char *label, const char *label_key, const char *key)
{
	char e[128], lb[192];
	json_t *o;
	size_t i;

	family(w, name, type, help);
	json_array_foreach(arr, i, o) {
		json_t *lv = json_object_get(o, label_key);

		if (json_is_string(lv))
			snprintf(lb, sizeof(lb), "{%s=\"%s\"}", label,
				esc(e, sizeof(e), json_string_value(lv)));
		else
			snprintf(lb, sizeof(lb), "{%s=\"%lld\"}", label,
				(long long)json_integer_value(lv));
		sample_u(w, name, lb, metrics_juint(o, key));
	}
}

static void
dataplane_families(struct mw *w, json_t *doc, const struct metrics_calls *mc)
{
	static const struct {
		const char *name, *key, *type, *help;
	} head[] = {
		{"vpep_rx_packets_total", "rx_packets", "counter", "Packets received on all ports."},
		{"vpep_rx_bytes_total", "rx_bytes", "counter", "Bytes received on all ports."},
		{"vpep_tx_packets_total", "tx_packets", "counter", "Packets sent on all ports."},
		{"vpep_tx_bytes_total", "tx_bytes", "counter", "Bytes sent on all ports."},
		{"vpep_dropped_packets_total", "dropped_packets", "counter",
			"Packets dropped, all reasons (vpep_drop_packets_total by reason)."},
		{"vpep_monitored_packets_total", "monitored_packets", "counter",
			"Packets seen in monitor mode."},
		{"vpep_flows_created_total", "flows_created", "counter", "Flows created."},
		{"vpep_flows_expired_total", "flows_expired", "counter", "Flows ended by idle timeout."},
		{"vpep_flows_evicted_total", "flows_evicted", "counter",
			"Flows evicted from a full flow table."},
		{"vpep_flows_refused_total", "flows_refused", "counter",
			"Flows refused by a full flow table."},
		{"vpep_flows_active", "flows_active", "gauge", "Flows tracked now."},
	};
	static const struct {
		const char *name, *key, *type, *help;
	} port[] = {
		{"vpep_port_rx_packets_total", "rx_packets", "counter", "Packets received per port."},
		{"vpep_port_rx_bytes_total", "rx_bytes", "counter", "Bytes received per port."},
		{"vpep_port_tx_packets_total", "tx_packets", "counter", "Packets sent per port."},
		{"vpep_port_tx_bytes_total", "tx_bytes", "counter", "Bytes sent per port."},
		{"vpep_port_tx_dropped_packets_total", "tx_dropped", "counter",
			"Packets the port's TX queue refused."},
	}, worker[] = {
		{"vpep_worker_rx_packets_total", "rx_packets", "counter", "Packets handled per worker."},
		{"vpep_worker_tx_packets_total", "tx_packets", "counter", "Packets sent per worker."},
		{"vpep_worker_dropped_packets_total", "dropped_packets", "counter",
			"Packets dropped per worker."},
		{"vpep_worker_flows_active", "flows_active", "gauge", "Flows tracked per worker."},
	}, nic[] = {
		{"vpep_port_nic_missed_packets_total", "imissed", "counter",
			"Packets the NIC dropped for want of RX descriptors (PMD imissed)."},
		{"vpep_port_nic_rx_errors_total", "ierrors", "counter", "PMD ierrors."},
		{"vpep_port_nic_tx_errors_total", "oerrors", "counter", "PMD oerrors."},
		{"vpep_port_nic_rx_nombuf_total", "rx_nombuf", "counter",
			"RX mbuf allocation failures (PMD rx_nombuf)."},
	};
	json_t *ports = json_object_get(doc, "ports"), *workers = json_object_get(doc, "workers");
	json_t *classes = json_object_get(doc, "classes"), *pol = json_object_get(doc, "policy");
	json_t *pcl = json_object_get(pol, "classes"), *sip = json_object_get(doc, "sip");
	json_t *o;
	char e[128], lb[256];
	size_t i, j;

	for (i = 0; i < sizeof(head) / sizeof(head[0]); i++) {
		family(w, head[i].name, head[i].type, head[i].help);
		sample_u(w, head[i].name, "", metrics_juint(doc, head[i].key));
	}
	for (i = 0; i < sizeof(port) / sizeof(port[0]); i++)
		array_family(w, port[i].name, port[i].type, port[i].help, ports, "port", "name",
			port[i].key);
	for (i = 0; i < sizeof(nic) / sizeof(nic[0]); i++) {
		family(w, nic[i].name, "counter", nic[i].help);
		json_array_foreach(ports, j, o) {
			json_t *n = json_object_get(o, "nic");

			if (n == NULL)
				continue;
			snprintf(lb, sizeof(lb), "{port=\"%s\"}",
				esc(e, sizeof(e), json_string_value(json_object_get(o, "name")) ?
					json_string_value(json_object_get(o, "name")) : ""));
			sample_u(w, nic[i].name, lb, metrics_juint(n, nic[i].key));
		}
	}
	for (i = 0; i < sizeof(worker) / sizeof(worker[0]); i++)
		array_family(w, worker[i].name, worker[i].type, worker[i].help, workers, "worker",
			"id", worker[i].key);

	/* Per class, flows that ended (docs/stats-json.md `classes`). */
	class_family(w, "vpep_class_flows_total", "Flows ended, by class.", classes, "flows");
	class_family(w, "vpep_class_packets_total",
		"Packets of flows ended, by class (both directions).", classes, "packets");
	class_family(w, "vpep_class_bytes_total",
		"Bytes of flows ended, by class (both directions).", classes, "bytes");

	/* Per policy class and colour: counted per packet, so these are the live rates. */
	class_colour_family(w, "vpep_policy_packets_total",
		"Packets metered by the policy, by traffic class and colour.", pcl, "packets");
	class_colour_family(w, "vpep_policy_bytes_total",
		"IP bytes metered by the policy, by traffic class and colour.", pcl, "bytes");
	class_family(w, "vpep_policy_dropped_packets_total",
		"Packets the policy dropped, by traffic class.", pcl, "dropped");
	class_family(w, "vpep_policy_remarked_packets_total",
		"Packets whose DSCP the policy changed, by traffic class.", pcl, "remarked");
	family(w, "vpep_gates_active", "gauge", "Gates the dataplane enforces now.");
	sample_u(w, "vpep_gates_active", "", metrics_juint(pol, "gates_active"));
	o = json_object_get(pol, "admission");
	family(w, "vpep_policy_admissions_total", "counter",
		"Calls through admission, by result.");
	sample_u(w, "vpep_policy_admissions_total", "{result=\"admitted\"}",
		metrics_juint(o, "admitted"));
	sample_u(w, "vpep_policy_admissions_total", "{result=\"denied\"}",
		metrics_juint(o, "denied"));

	object_family(w, "vpep_drop_packets_total", "counter", "Packets dropped, by reason.",
		json_object_get(doc, "drops"), "reason");
	object_family(w, "vpep_anomaly_packets_total", "counter",
		"Malformed packets, by anomaly.", json_object_get(doc, "anomalies"), "anomaly");

	family(w, "vpep_sip_messages_total", "counter", "SIP messages parsed.");
	sample_u(w, "vpep_sip_messages_total", "", metrics_juint(sip, "messages"));
	family(w, "vpep_sip_malformed_messages_total", "counter", "SIP messages that did not parse.");
	sample_u(w, "vpep_sip_malformed_messages_total", "", metrics_juint(sip, "malformed"));
	object_family(w, "vpep_sip_requests_total", "counter", "SIP requests, by method.",
		json_object_get(sip, "requests"), "method");
	object_family(w, "vpep_sip_responses_total", "counter",
		"SIP responses, by status code (codes seen only, at most 600 values).",
		json_object_get(sip, "responses"), "code");

	family(w, "vpep_calls", "gauge",
		"Calls the dataplane's call tables hold, by state (active: not terminated).");
	sample_u(w, "vpep_calls", "{state=\"active\"}", mc->active);
	sample_u(w, "vpep_calls", "{state=\"terminated\"}", mc->terminated);
	family(w, "vpep_active_calls_by_mos", "gauge",
		"Active calls by the band of their lowest stream MOS (none: no MOS yet).");
	for (i = 0; i < METRICS_MOS_BANDS; i++) {
		snprintf(lb, sizeof(lb), "{band=\"%s\"}", metrics_mos_band_name[i]);
		sample_u(w, "vpep_active_calls_by_mos", lb, mc->mos_band[i]);
	}
	sample_u(w, "vpep_active_calls_by_mos", "{band=\"none\"}", mc->no_mos);
	family(w, "vpep_rtp_streams", "gauge", "RTP streams in the dataplane's report.");
	sample_u(w, "vpep_rtp_streams", "", mc->streams);
	o = json_object_get(doc, "media");
	family(w, "vpep_rtp_packets_total", "counter", "RTP packets handled.");
	sample_u(w, "vpep_rtp_packets_total", "", metrics_juint(o, "rtp_packets"));
	family(w, "vpep_rtcp_packets_total", "counter", "RTCP packets handled.");
	sample_u(w, "vpep_rtcp_packets_total", "", metrics_juint(o, "rtcp_packets"));
}

static void
ctrl_families(struct mw *w, const struct pep *p, double now)
{
	static const char *const results[] = {"ok", "error"};
	char lb[128];
	uint32_t i;
	int t, op;

	family(w, "vpep_ctrl_info", "gauge", "vpep-ctrl's version and PEP id (always 1).");
	{
		char e[160];

		snprintf(lb, sizeof(lb), "{version=\"%s\",pepid=\"", VPEP_VERSION);
		put(w, "vpep_ctrl_info%s%s\"} 1\n", lb, esc(e, sizeof(e), p->cfg->pepid));
	}
	family(w, "vpep_dataplane_up", "gauge", "1 while the link to the dataplane is up.");
	sample_u(w, "vpep_dataplane_up", "", p->ipc.up ? 1 : 0);
	family(w, "vpep_dataplane_stats_age_seconds", "gauge",
		"Age of the dataplane statistics below (NaN: none received yet).");
	sample_d(w, "vpep_dataplane_stats_age_seconds", "",
		p->dp_stats != NULL ? now - p->t_dp_stats : NAN);
	family(w, "vpep_dataplane_stats_parse_seconds", "gauge",
		"Time vpep-ctrl took to parse the last statistics document and sum its calls.");
	sample_d(w, "vpep_dataplane_stats_parse_seconds", "", p->dp_stats_parse_s);
	family(w, "vpep_ipc_connects_total", "counter", "Connections made to the dataplane.");
	sample_u(w, "vpep_ipc_connects_total", "", p->ipc.connects);
	family(w, "vpep_ipc_bad_messages_total", "counter", "Malformed messages from the dataplane.");
	sample_u(w, "vpep_ipc_bad_messages_total", "", p->ipc.rx_bad);
	family(w, "vpep_ipc_messages_received_total", "counter",
		"Messages received from the dataplane, by type.");
	for (t = VPEP_IPC_HELLO; t < VPEP_IPC_TYPE_MAX; t++) {
		snprintf(lb, sizeof(lb), "{type=\"%s\"}", ipc_msg_type_name((uint16_t)t));
		sample_u(w, "vpep_ipc_messages_received_total", lb, p->ipc.rx[t]);
	}
	family(w, "vpep_ipc_messages_sent_total", "counter",
		"Messages sent to the dataplane, by type.");
	for (t = VPEP_IPC_HELLO; t < VPEP_IPC_TYPE_MAX; t++) {
		snprintf(lb, sizeof(lb), "{type=\"%s\"}", ipc_msg_type_name((uint16_t)t));
		sample_u(w, "vpep_ipc_messages_sent_total", lb, p->ipc.tx[t]);
	}

	family(w, "vpep_cops_session_up", "gauge", "1 while the COPS session is open, by client type.");
	for (i = 0; i < p->n_conns; i++) {
		snprintf(lb, sizeof(lb), "{client_type=\"%u\"}", p->conns[i].scfg->client_type);
		sample_u(w, "vpep_cops_session_up", lb, cops_conn_is_open(&p->conns[i]) ? 1 : 0);
	}
#define CONN_COUNTER(name, field, help) do { \
		family(w, name, "counter", help); \
		for (i = 0; i < p->n_conns; i++) { \
			snprintf(lb, sizeof(lb), "{client_type=\"%u\"}", p->conns[i].scfg->client_type); \
			sample_u(w, name, lb, p->conns[i].field); \
		} \
	} while (0)
	CONN_COUNTER("vpep_cops_opens_total", opens, "COPS sessions opened (Client-Accept).");
	CONN_COUNTER("vpep_cops_failovers_total", failovers, "Sessions opened on another PDP after a loss.");
	CONN_COUNTER("vpep_cops_redirects_total", redirects, "Sessions opened on a redirect address.");
	CONN_COUNTER("vpep_cops_losses_total", losses, "Open sessions lost.");
	CONN_COUNTER("vpep_cops_connect_failures_total", connect_failures,
		"Failed attempts to open a session.");
	CONN_COUNTER("vpep_cops_bad_messages_total", fsm.rx_bad, "Malformed COPS messages received.");
#undef CONN_COUNTER
	family(w, "vpep_cops_messages_received_total", "counter",
		"COPS messages received, by client type and operation.");
	for (i = 0; i < p->n_conns; i++)
		for (op = COPS_OP_REQ; op <= COPS_OP_SSC; op++) {
			snprintf(lb, sizeof(lb), "{client_type=\"%u\",op=\"%s\"}",
				p->conns[i].scfg->client_type, cops_op_name((uint8_t)op));
			sample_u(w, "vpep_cops_messages_received_total", lb, p->conns[i].fsm.rx[op]);
		}
	family(w, "vpep_cops_messages_sent_total", "counter",
		"COPS messages sent, by client type and operation.");
	for (i = 0; i < p->n_conns; i++)
		for (op = COPS_OP_REQ; op <= COPS_OP_SSC; op++) {
			snprintf(lb, sizeof(lb), "{client_type=\"%u\",op=\"%s\"}",
				p->conns[i].scfg->client_type, cops_op_name((uint8_t)op));
			sample_u(w, "vpep_cops_messages_sent_total", lb, p->conns[i].fsm.tx[op]);
		}

	family(w, "vpep_ctrl_calls", "gauge", "Calls vpep-ctrl follows (admitted by the dataplane).");
	sample_u(w, "vpep_ctrl_calls", "", p->n_calls);
	family(w, "vpep_ctrl_admissions_total", "counter", "ADMISSION messages from the dataplane.");
	sample_u(w, "vpep_ctrl_admissions_total", "", p->admissions);
	family(w, "vpep_ctrl_call_ends_total", "counter", "CALL_END messages from the dataplane.");
	sample_u(w, "vpep_ctrl_call_ends_total", "", p->call_ends);
	family(w, "vpep_ctrl_decisions_total", "counter", "Call decisions, by source and verdict.");
	sample_u(w, "vpep_ctrl_decisions_total", "{source=\"cops\",verdict=\"admit\"}",
		p->cops_admits);
	sample_u(w, "vpep_ctrl_decisions_total", "{source=\"cops\",verdict=\"deny\"}",
		p->cops_denies);
	sample_u(w, "vpep_ctrl_decisions_total", "{source=\"lpdp\",verdict=\"admit\"}",
		p->lpdp.admits);
	sample_u(w, "vpep_ctrl_decisions_total", "{source=\"lpdp\",verdict=\"deny\"}",
		p->lpdp.denies);
	family(w, "vpep_ctrl_lpdp_fallbacks_total", "counter",
		"Calls decided locally because no PDP decision was usable.");
	sample_u(w, "vpep_ctrl_lpdp_fallbacks_total", "", p->lpdp_fallbacks);
	family(w, "vpep_ctrl_policy_reloads_total", "counter", "Local rules reloaded over HTTP.");
	sample_u(w, "vpep_ctrl_policy_reloads_total", "", p->lpdp_reloads);
	family(w, "vpep_ctrl_policy_entries", "gauge", "Decisions and gates vpep-ctrl has installed.");
	sample_u(w, "vpep_ctrl_policy_entries", "", p->po.n);
	family(w, "vpep_ctrl_policy_messages_total", "counter",
		"Policy messages sent to the dataplane, by type.");
	sample_u(w, "vpep_ctrl_policy_messages_total", "{type=\"DECISION\"}", p->po.decisions_sent);
	sample_u(w, "vpep_ctrl_policy_messages_total", "{type=\"GATE_SET\"}", p->po.gates_sent);
	sample_u(w, "vpep_ctrl_policy_messages_total", "{type=\"GATE_DELETE\"}", p->po.deletes_sent);
	family(w, "vpep_ctrl_policy_results_total", "counter",
		"Dataplane answers to policy messages, by result.");
	for (i = 0; i < 2; i++) {
		snprintf(lb, sizeof(lb), "{result=\"%s\"}", results[i]);
		sample_u(w, "vpep_ctrl_policy_results_total", lb,
			i == 0 ? p->po.results_ok : p->po.results_err);
	}
	family(w, "vpep_ctrl_gate_commands_total", "counter",
		"PacketCable gate commands from PDPs, by command.");
	sample_u(w, "vpep_ctrl_gate_commands_total", "{command=\"set\"}", p->gate_sets);
	sample_u(w, "vpep_ctrl_gate_commands_total", "{command=\"delete\"}", p->gate_deletes);
	sample_u(w, "vpep_ctrl_gate_commands_total", "{command=\"info\"}", p->gate_infos);
}

int
metrics_render(struct evbuffer *out, const struct pep *p, double now)
{
	struct mw w = {.b = out, .err = 0};

	ctrl_families(&w, p, now);
	/* Without a document the dataplane families are absent, not zero: a zero would read
	 * as a counter reset to every rate() over the gap. */
	if (p->dp_stats != NULL)
		dataplane_families(&w, p->dp_stats, &p->dp_calls);
	return w.err;
}
