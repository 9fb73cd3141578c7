/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * vpep-pdp: the reference Policy Decision Point (COPS RFC 2748, PacketCable Multimedia).
 *
 *   vpep-pdp --policy FILE [--listen ADDR:PORT] [--role primary|backup --primary ADDR:PORT]
 *            [--probe-ms N] [--decision-log FILE] [--delay-ms N] [--log-level L]
 *
 * Serves any number of PEPs at once. For each admission REQ it evaluates the policy, answers
 * with a DEC (Install + Gate-Set with the class's DSCP and a FlowSpec, or Remove) and logs the
 * decision (stderr, and one JSON line per event in --decision-log). A provisioning REQ
 * (Context R-Type Configuration) gets the policy's push_gates, one Gate-Set DEC each.
 *
 * As a backup it probes the primary every --probe-ms: a TCP connect and a Keep-Alive that the
 * primary must echo within the same period. While the primary answers, every PEP on the
 * backup is sent Client-Close with Error 12 (Redirect) and PDPRedirAddr = the primary, and new
 * PEPs are redirected at their OPN. vpep-pdp echoes a KA on any connection for that reason.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "config.h"
#include "cops_fsm.h"
#include "ctrl_log.h"
#include "pdp_policy.h"

#define MAX_HANDLES_LOG 0
#define PEP_HANDLE_BUCKETS 4096

struct pdp_handle {
	struct pdp_handle *next;
	uint32_t handle;
	uint8_t counted;		/* an admitted call counting against its subscriber */
	uint8_t config;			/* the provisioning handle */
	struct pcmm_subscriber_id sub;
};

struct pdp_peer {
	struct pdp_peer *next, *prev;
	struct pdp *pdp;
	struct bufferevent *bev;
	char addr[64];
	char pepid[COPS_FSM_PEPID_LEN];
	uint16_t client_type;
	int opened;
	uint64_t last_rx;
	uint32_t config_handle;		/* the provisioning handle, 0 until its REQ */
	uint32_t gates[64];		/* gate ids the PEP acknowledged (Gate-Set-Ack) */
	uint32_t n_gates;
	struct pdp_handle *handles[PEP_HANDLE_BUCKETS];
};

struct delayed {
	struct pdp_peer *peer;
	struct event *ev;
	uint32_t len;
	uint8_t buf[];
};

struct pdp {
	struct event_base *base;
	struct pdp_policy pol;
	struct evconnlistener *lis;
	struct pdp_peer *peers;
	FILE *dlog;
	int backup;
	struct config_pdp primary;
	uint32_t probe_ms;
	uint32_t delay_ms;
	struct event *probe_ev;
	struct bufferevent *probe_bev;
	int probe_got_ka;
	int primary_alive;
	uint16_t txn;
	uint32_t next_gate_id;
	uint64_t decisions;
};

static void flush_now(struct bufferevent *bev);

static void
dlog(struct pdp *p, json_t *o)
{
	char *s;

	if (p->dlog == NULL) {
		json_decref(o);
		return;
	}
	json_object_set_new(o, "t", json_real(ctrl_now_s()));
	s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(17));
	if (s != NULL) {
		fprintf(p->dlog, "%s\n", s);
		fflush(p->dlog);
		free(s);
	}
	json_decref(o);
}

static struct pdp_handle *
handle_find(struct pdp_peer *pp, uint32_t h)
{
	struct pdp_handle *x = pp->handles[h % PEP_HANDLE_BUCKETS];

	while (x != NULL && x->handle != h)
		x = x->next;
	return x;
}

static struct pdp_handle *
handle_get(struct pdp_peer *pp, uint32_t h)
{
	struct pdp_handle *x = handle_find(pp, h);

	if (x == NULL) {
		x = calloc(1, sizeof(*x));
		if (x == NULL)
			return NULL;
		x->handle = h;
		x->next = pp->handles[h % PEP_HANDLE_BUCKETS];
		pp->handles[h % PEP_HANDLE_BUCKETS] = x;
	}
	return x;
}

static void
handle_del(struct pdp_peer *pp, uint32_t h)
{
	struct pdp_handle **x;

	for (x = &pp->handles[h % PEP_HANDLE_BUCKETS]; *x != NULL; x = &(*x)->next)
		if ((*x)->handle == h) {
			struct pdp_handle *d = *x;

			*x = d->next;
			if (d->counted)
				pdp_policy_release(&pp->pdp->pol, &d->sub);
			free(d);
			return;
		}
}

static void
on_delayed(evutil_socket_t fd, short what, void *arg)
{
	struct delayed *d = arg;

	(void)fd;
	(void)what;
	if (d->peer != NULL && d->peer->bev != NULL)
		bufferevent_write(d->peer->bev, d->buf, d->len);
	event_free(d->ev);
	free(d);
}

static void
peer_send(struct pdp_peer *pp, const uint8_t *buf, int n)
{
	struct pdp *p = pp->pdp;

	if (n <= 0 || pp->bev == NULL)
		return;
	if (p->delay_ms && buf[1] == COPS_OP_DEC) {
		/* --delay-ms: a slow PDP, for tests; KAs stay prompt */
		struct delayed *d = malloc(sizeof(*d) + (size_t)n);
		struct timeval tv = {p->delay_ms / 1000, (p->delay_ms % 1000) * 1000};

		if (d == NULL)
			return;
		d->peer = pp;
		d->len = (uint32_t)n;
		memcpy(d->buf, buf, (size_t)n);
		d->ev = evtimer_new(p->base, on_delayed, d);
		evtimer_add(d->ev, &tv);
		return;
	}
	bufferevent_write(pp->bev, buf, (size_t)n);
}

static void
free_peer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	free(arg);
}

static void
peer_free(struct pdp_peer *pp)
{
	struct pdp *p = pp->pdp;
	uint32_t i;

	LOG_INFO("PEP %s (%s) gone", pp->addr, pp->pepid[0] ? pp->pepid : "-");
	dlog(p, json_pack("{s:s, s:s, s:s}", "event", "close", "peer", pp->addr, "pepid",
		pp->pepid));
	if (pp->prev)
		pp->prev->next = pp->next;
	else
		p->peers = pp->next;
	if (pp->next)
		pp->next->prev = pp->prev;
	for (i = 0; i < PEP_HANDLE_BUCKETS; i++)
		while (pp->handles[i] != NULL)
			handle_del(pp, pp->handles[i]->handle);
	if (pp->bev != NULL)
		bufferevent_free(pp->bev);
	pp->bev = NULL;
	/* callers up the stack still look at pp (peer_read checks pp->bev): free it from the
	 * loop; delayed answers still pending point at pp: then leak it rather than dangle */
	if (p->delay_ms == 0) {
		struct timeval zero = {0, 0};

		event_base_once(p->base, -1, EV_TIMEOUT, free_peer_cb, pp, &zero);
	}
}

static void
redirect_peer(struct pdp_peer *pp)
{
	struct pdp *p = pp->pdp;
	struct cops_pdp_addr ra;
	uint8_t buf[128];
	int n;

	memset(&ra, 0, sizeof(ra));
	ra.ip.family = 4;
	inet_pton(AF_INET, p->primary.host, ra.ip.addr);
	ra.port = p->primary.port;
	n = cops_encode_cc(buf, sizeof(buf), pp->client_type ? pp->client_type : COPS_CLIENT_PCMM,
		COPS_ERR_REDIRECT, 0, &ra);
	LOG_INFO("redirecting PEP %s (%s) to the primary %s:%u", pp->addr, pp->pepid,
		p->primary.host, p->primary.port);
	dlog(p, json_pack("{s:s, s:s, s:s, s:s}", "event", "redirect", "peer", pp->addr, "pepid",
		pp->pepid, "to", p->primary.host));
	if (n > 0 && pp->bev != NULL) {
		bufferevent_write(pp->bev, buf, (size_t)n);
		flush_now(pp->bev);
	}
	peer_free(pp);
}

static uint32_t
be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static json_t *
cls_json(const struct pcmm_classifier *c)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	int af = c->s_type == PCMM_CLS_IPV6 ? AF_INET6 : AF_INET;

	inet_ntop(af, c->src, s, sizeof(s));
	inet_ntop(af, c->dst, d, sizeof(d));
	return json_pack("{s:s, s:s, s:i, s:i, s:i}", "src", s, "dst", d, "sport", c->sport,
		"dport", c->dport, "protocol", c->protocol);
}

/* The PacketCable gate of a REQ or RPT (ClientSI Signaled), whatever the client type. */
static int
clientsi_gate(const struct cops_msg *m, struct pcmm_gate *g, struct pcmm_err *pe)
{
	const struct cops_obj *o = cops_msg_find(m, COPS_OBJ_CLIENTSI, COPS_CLIENTSI_SIGNALED, 0);

	memset(pe, 0, sizeof(*pe));
	if (o == NULL) {
		snprintf(pe->msg, sizeof(pe->msg), "no ClientSI");
		return -ENOENT;
	}
	return pcmm_gate_decode(o->data, o->data_len, g, pe);
}

static void
on_admission(struct pdp_peer *pp, const struct cops_msg *m, const struct cops_obj *ho)
{
	struct pdp *p = pp->pdp;
	struct pcmm_gate req, g;
	struct pcmm_err pe;
	struct pep_csi_call call;
	struct pdp_verdict v;
	struct pdp_handle *h;
	uint8_t csi[2048], buf[4096];
	json_t *cls;
	unsigned int i;
	int n;

	if (clientsi_gate(m, &req, &pe) != 0 || pep_csi_parse_call(&req, &call) != 0) {
		/* nothing to decide on: RFC 2748 DEC with an Error object */
		LOG_WARN("PEP %s: REQ without a usable gate: %s", pp->addr, pe.msg);
		n = cops_encode_dec_error(buf, sizeof(buf), pp->client_type, ho->data, ho->data_len,
			COPS_ERR_MANDATORY_CSI_MISSING, 0);
		peer_send(pp, buf, n);
		return;
	}
	h = handle_get(pp, be32(ho->data));
	if (h == NULL)
		return;
	/* a re-sent REQ (resync, update) replaces the previous decision and its count */
	if (h->counted) {
		pdp_policy_release(&p->pol, &h->sub);
		h->counted = 0;
	}
	pdp_policy_decide(&p->pol, &call, &v);
	h->counted = (uint8_t)v.admit;
	h->sub = call.subscriber;
	p->decisions++;
	if (v.admit) {
		g = req;
		g.txn_id = req.txn_id;
		g.present &= ~(uint32_t)PCMM_GATE_HAS_OPAQUE;
		g.spec.flags |= PCMM_GATE_FLAG_DSCP_OVERWRITE;
		g.spec.dscp_tos = (uint8_t)(v.dscp << 2);
		g.spec.dscp_tos_mask = 0xfc;
		g.tp.s_type = PCMM_TP_FLOWSPEC;
		g.tp.n_env = 1;
		g.tp.envelope = PCMM_ENV_AUTHORIZED;
		g.tp.service_number = 2;
		g.tp.fs[0].token_rate = pcmm_f32_bits((float)v.rate_bps / 8.0f);
		g.tp.fs[0].token_size = pcmm_f32_bits((float)v.burst_bytes);
		g.tp.fs[0].peak_rate = pcmm_f32_bits((float)v.rate_bps / 8.0f);
		g.tp.fs[0].rate = pcmm_f32_bits((float)v.rate_bps / 8.0f);
		n = pcmm_gate_encode(csi, sizeof(csi), &g, &pe);
		if (n < 0)
			n = 0;
		n = cops_encode_dec(buf, sizeof(buf), pp->client_type, 1, ho->data, ho->data_len,
			COPS_RTYPE_IN_ADMISSION, 0, COPS_DEC_CMD_INSTALL, 0, csi, (uint16_t)n);
	} else {
		n = cops_encode_dec(buf, sizeof(buf), pp->client_type, 1, ho->data, ho->data_len,
			COPS_RTYPE_IN_ADMISSION, 0, COPS_DEC_CMD_REMOVE, 0, NULL, 0);
	}
	LOG_INFO("decision: PEP %s handle %#x call %s from %s to %s codec %s bw %llu: %s, rule %s"
		" (%s), gate %u, dscp %u", pp->pepid, be32(ho->data), call.call_id, call.from,
		call.to, call.codecs, (unsigned long long)call.bandwidth_bps,
		v.admit ? "ADMIT" : "DENY", v.rule, v.reason, call.gate_id, v.dscp);
	cls = json_array();
	for (i = 0; i < call.n_cls; i++)
		json_array_append_new(cls, cls_json(&call.cls[i]));
	dlog(p, json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:I, "
		"s:i, s:i, s:o}",
		"event", "decision", "peer", pp->addr, "pepid", pp->pepid,
		"handle", (json_int_t)be32(ho->data), "call_id", call.call_id, "from", call.from,
		"to", call.to, "codecs", call.codecs, "bandwidth_bps", (json_int_t)call.bandwidth_bps,
		"verdict", v.admit ? "admit" : "deny", "rule", v.rule, "reason", v.reason,
		"gate_id", (json_int_t)call.gate_id, "dscp", v.dscp, "txn", req.txn_id,
		"classifiers", cls));
	peer_send(pp, buf, n);
}

/* The PCMM framing helpers write client type 0x800A: a PEP of another (enterprise) client type
 * must see its own. */
static void
set_client_type(uint8_t *buf, int n, uint16_t client_type)
{
	if (n >= COPS_HDR_LEN) {
		buf[2] = (uint8_t)(client_type >> 8);
		buf[3] = (uint8_t)client_type;
	}
}

static void
push_gates(struct pdp_peer *pp, const struct cops_obj *ho)
{
	struct pdp *p = pp->pdp;
	uint8_t buf[4096];
	struct pcmm_gate g;
	uint32_t i;
	int n;

	if (p->pol.n_push == 0) {
		/* the first DEC of a request is solicited: a Null decision says "nothing yet" */
		n = cops_encode_dec(buf, sizeof(buf), pp->client_type, 1, ho->data, ho->data_len,
			COPS_RTYPE_CONFIG, 0, COPS_DEC_CMD_NULL, 0, NULL, 0);
		peer_send(pp, buf, n);
		return;
	}
	for (i = 0; i < p->pol.n_push; i++) {
		pdp_policy_push_gate(&p->pol, i, &g);
		if (++p->txn == 0)
			p->txn = 1;
		g.txn_id = p->txn;
		n = pcmm_cops_dec_encode(buf, sizeof(buf), i == 0, ho->data, ho->data_len, &g);
		set_client_type(buf, n, pp->client_type);
		dlog(p, json_pack("{s:s, s:s, s:s, s:i, s:i, s:o}", "event", "gate-set", "peer",
			pp->addr, "pepid", pp->pepid, "txn", g.txn_id, "dscp",
			g.spec.dscp_tos >> 2, "classifier", cls_json(&g.cls[0])));
		peer_send(pp, buf, n);
	}
}

static void
on_message(struct pdp_peer *pp, const uint8_t *buf, uint32_t len)
{
	struct pdp *p = pp->pdp;
	struct cops_msg m;
	struct cops_err err;
	const struct cops_obj *ho, *o;
	uint8_t out[512];
	int n;

	if (cops_msg_decode(buf, len, &m, &err) != 0) {
		LOG_WARN("PEP %s: bad message: %s", pp->addr, err.msg);
		n = cops_encode_cc(out, sizeof(out), pp->client_type ? pp->client_type :
			COPS_CLIENT_PCMM, err.code, err.sub_code, NULL);
		peer_send(pp, out, n);
		if (pp->bev != NULL)
			flush_now(pp->bev);
		peer_free(pp);
		return;
	}
	ho = cops_msg_find(&m, COPS_OBJ_HANDLE, 0, 0);
	switch (m.hdr.op_code) {
	case COPS_OP_KA:
		/* echo: PEPs keep alive, and a backup PDP probes with it */
		peer_send(pp, out, cops_encode_ka(out, sizeof(out), 1));
		return;
	case COPS_OP_OPN:
		o = cops_msg_find(&m, COPS_OBJ_PEPID, 0, 0);
		snprintf(pp->pepid, sizeof(pp->pepid), "%s", o ? o->u.pepid : "");
		pp->client_type = m.hdr.client_type;
		o = cops_msg_find(&m, COPS_OBJ_LAST_PDP_ADDR, 0, 0);
		dlog(p, json_pack("{s:s, s:s, s:s, s:i, s:b}", "event", "open", "peer", pp->addr,
			"pepid", pp->pepid, "client_type", pp->client_type, "last_pdp", o != NULL));
		if (p->backup && p->primary_alive) {
			redirect_peer(pp);
			return;
		}
		/* PacketCable payloads only: 0x800A, or an enterprise client type (>= 0x8000) a
		 * deployment maps onto the same objects; not RSVP (1) or COPS-PR (2) */
		if (m.hdr.client_type < 0x8000) {
			n = cops_encode_cc(out, sizeof(out), m.hdr.client_type,
				COPS_ERR_UNSUPPORTED_CLIENT, 0, NULL);
			peer_send(pp, out, n);
			if (pp->bev != NULL)
				flush_now(pp->bev);
			peer_free(pp);
			return;
		}
		pp->opened = 1;
		LOG_INFO("PEP %s (%s) open, client type %#x%s", pp->addr, pp->pepid,
			pp->client_type, o ? ", has decisions of another PDP" : "");
		peer_send(pp, out, cops_encode_cat(out, sizeof(out), pp->client_type,
			p->pol.ka_timer_s, p->pol.acct_timer_s));
		return;
	case COPS_OP_REQ:
		if (!pp->opened || ho == NULL || ho->data_len != 4)
			return;
		o = cops_msg_find(&m, COPS_OBJ_CONTEXT, 0, 0);
		if (o != NULL && (o->u.context.r_type & COPS_RTYPE_CONFIG)) {
			struct pdp_handle *h = handle_get(pp, be32(ho->data));

			if (h != NULL)
				h->config = 1;
			pp->config_handle = be32(ho->data);
			push_gates(pp, ho);
			return;
		}
		on_admission(pp, &m, ho);
		return;
	case COPS_OP_RPT: {
		struct pcmm_gate g;
		struct pcmm_err pe;
		int has_gate;

		o = cops_msg_find(&m, COPS_OBJ_REPORT_TYPE, 0, 0);
		has_gate = clientsi_gate(&m, &g, &pe) == 0;
		if (has_gate && g.cmd == PCMM_GATE_SET_ACK && ho != NULL && ho->data_len == 4 &&
				be32(ho->data) == pp->config_handle && pp->n_gates < 64) {
			uint32_t i;

			for (i = 0; i < pp->n_gates && pp->gates[i] != g.gate_id; i++)
				;
			if (i == pp->n_gates)
				pp->gates[pp->n_gates++] = g.gate_id;
		}
		if (ho != NULL && ho->data_len == 4)
			dlog(p, json_pack("{s:s, s:s, s:I, s:s, s:s, s:I}", "event", "report", "pepid",
				pp->pepid, "handle", (json_int_t)be32(ho->data), "type",
				o ? cops_report_type_name(o->u.report.type) : "?", "gate_cmd",
				has_gate ? pcmm_cmd_name(g.cmd) : "", "gate_id",
				(json_int_t)(has_gate ? g.gate_id : 0)));
		return;
	}
	case COPS_OP_DRQ:
		o = cops_msg_find(&m, COPS_OBJ_REASON, 0, 0);
		if (ho != NULL && ho->data_len == 4) {
			dlog(p, json_pack("{s:s, s:s, s:I, s:i}", "event", "delete", "pepid",
				pp->pepid, "handle", (json_int_t)be32(ho->data), "reason",
				o ? o->u.reason.code : 0));
			handle_del(pp, be32(ho->data));
		}
		return;
	case COPS_OP_SSC:
		dlog(p, json_pack("{s:s, s:s}", "event", "sync-complete", "pepid", pp->pepid));
		return;
	case COPS_OP_CC:
		o = cops_msg_find(&m, COPS_OBJ_ERROR, 0, 0);
		dlog(p, json_pack("{s:s, s:s, s:i}", "event", "client-close", "pepid", pp->pepid,
			"error", o ? o->u.error.code : 0));
		peer_free(pp);
		return;
	default:
		return;
	}
}

static void
peer_read(struct bufferevent *bev, void *arg)
{
	struct pdp_peer *pp = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t hdr[COPS_HDR_LEN];

	for (;;) {
		size_t avail = evbuffer_get_length(in);
		int64_t n;
		uint8_t *msg;

		if (avail < sizeof(hdr))
			return;
		evbuffer_copyout(in, hdr, sizeof(hdr));
		n = cops_fsm_frame(hdr, sizeof(hdr));
		if (n == -EBADMSG) {
			peer_free(pp);
			return;
		}
		if (n < 0 || avail < (size_t)n)
			return;
		msg = evbuffer_pullup(in, n);
		pp->last_rx = ctrl_now_ms();
		/* peer_free() inside on_message frees bev: copy out first */
		{
			uint8_t *copy = malloc((size_t)n);

			if (copy == NULL)
				return;
			memcpy(copy, msg, (size_t)n);
			evbuffer_drain(in, (size_t)n);
			on_message(pp, copy, (uint32_t)n);
			free(copy);
		}
		if (pp->bev != bev)
			return;
	}
}

static void
peer_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		peer_free(arg);
}

static void
on_accept(struct evconnlistener *lis, evutil_socket_t fd, struct sockaddr *sa, int socklen,
	void *arg)
{
	struct pdp *p = arg;
	struct pdp_peer *pp = calloc(1, sizeof(*pp));
	struct sockaddr_in *sin = (struct sockaddr_in *)sa;
	char a[INET6_ADDRSTRLEN] = "?";
	int one = 1;

	(void)lis;
	(void)socklen;
	if (pp == NULL) {
		evutil_closesocket(fd);
		return;
	}
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a));
	snprintf(pp->addr, sizeof(pp->addr), "%s:%u", a, ntohs(sin->sin_port));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	pp->pdp = p;
	pp->bev = bufferevent_socket_new(p->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (pp->bev == NULL) {
		evutil_closesocket(fd);
		free(pp);
		return;
	}
	bufferevent_setcb(pp->bev, peer_read, NULL, peer_event, pp);
	bufferevent_enable(pp->bev, EV_READ | EV_WRITE);
	pp->next = p->peers;
	if (p->peers)
		p->peers->prev = pp;
	p->peers = pp;
	LOG_DEBUG("connection from %s", pp->addr);
}

/* Write what is queued now, before the bufferevent is freed (a socket bufferevent freezes the
 * start of its output buffer: thaw it for this one write). */
static void
flush_now(struct bufferevent *bev)
{
	struct evbuffer *out = bufferevent_get_output(bev);

	evbuffer_unfreeze(out, 1);
	evbuffer_write(out, bufferevent_getfd(bev));
	evbuffer_freeze(out, 1);
}

/* --- backup: probing the primary --- */

static void
probe_done(struct pdp *p, int alive)
{
	if (p->probe_bev != NULL) {
		bufferevent_free(p->probe_bev);
		p->probe_bev = NULL;
	}
	if (alive != p->primary_alive)
		LOG_INFO("primary %s:%u is %s", p->primary.host, p->primary.port,
			alive ? "answering: redirecting PEPs home" : "not answering");
	p->primary_alive = alive;
	if (alive) {
		struct pdp_peer *pp = p->peers, *n;

		for (; pp != NULL; pp = n) {
			n = pp->next;
			if (pp->opened)
				redirect_peer(pp);
		}
	}
}

static void
probe_read(struct bufferevent *bev, void *arg)
{
	struct pdp *p = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t hdr[COPS_HDR_LEN];

	if (evbuffer_get_length(in) < sizeof(hdr))
		return;
	evbuffer_copyout(in, hdr, sizeof(hdr));
	p->probe_got_ka = hdr[1] == COPS_OP_KA;
	probe_done(p, p->probe_got_ka);
}

static void
probe_event(struct bufferevent *bev, short what, void *arg)
{
	struct pdp *p = arg;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		uint8_t buf[16];
		int n = cops_encode_ka(buf, sizeof(buf), 0);

		bufferevent_write(p->probe_bev, buf, (size_t)n);
		return;
	}
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		probe_done(p, 0);
}

static void
on_probe(evutil_socket_t fd, short what, void *arg)
{
	struct pdp *p = arg;
	struct sockaddr_in sin;

	(void)fd;
	(void)what;
	if (p->probe_bev != NULL)
		probe_done(p, 0);	/* no KA within one period: a frozen primary */
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(p->primary.port);
	inet_pton(AF_INET, p->primary.host, &sin.sin_addr);
	p->probe_bev = bufferevent_socket_new(p->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (p->probe_bev == NULL)
		return;
	bufferevent_setcb(p->probe_bev, probe_read, NULL, probe_event, p);
	bufferevent_enable(p->probe_bev, EV_READ | EV_WRITE);
	if (bufferevent_socket_connect(p->probe_bev, (struct sockaddr *)&sin, sizeof(sin)) < 0 &&
			p->probe_bev != NULL)
		probe_done(p, 0);
}

/* SIGUSR1: SSQ to every open PEP (RFC 2748 3.8), to exercise the resync path. */
static void
on_usr1(evutil_socket_t sig, short what, void *arg)
{
	struct pdp *p = arg;
	struct pdp_peer *pp;
	uint8_t buf[64];

	(void)sig;
	(void)what;
	for (pp = p->peers; pp != NULL; pp = pp->next) {
		if (!pp->opened)
			continue;
		LOG_INFO("SSQ to PEP %s (%s)", pp->addr, pp->pepid);
		dlog(p, json_pack("{s:s, s:s}", "event", "ssq", "pepid", pp->pepid));
		peer_send(pp, buf, cops_encode_ssq(buf, sizeof(buf), pp->client_type, NULL, 0));
	}
}

/* SIGUSR2: Gate-Info then Gate-Delete for every gate the PEPs acknowledged, and a Gate-Info
 * for a gate that does not exist, to exercise the provisioning model. */
static void
on_usr2(evutil_socket_t sig, short what, void *arg)
{
	struct pdp *p = arg;
	struct pdp_peer *pp;
	struct pcmm_amid amid = {PEP_CSI_AMID_APP, PEP_CSI_AMID_TAG};
	struct pcmm_subscriber_id sub;
	struct pcmm_gate g;
	uint8_t csi[512], buf[1024], h[4];
	uint32_t i, j;
	int n;

	(void)sig;
	(void)what;
	memset(&sub, 0, sizeof(sub));
	sub.family = 4;
	for (pp = p->peers; pp != NULL; pp = pp->next) {
		if (!pp->opened || pp->config_handle == 0)
			continue;
		h[0] = (uint8_t)(pp->config_handle >> 24);
		h[1] = (uint8_t)(pp->config_handle >> 16);
		h[2] = (uint8_t)(pp->config_handle >> 8);
		h[3] = (uint8_t)pp->config_handle;
		for (j = 0; j <= pp->n_gates; j++) {
			static const uint16_t cmds[] = {PCMM_GATE_INFO, PCMM_GATE_DELETE};
			/* the last round names a gate nobody installed: the PEP must answer Err */
			uint32_t id = j < pp->n_gates ? pp->gates[j] : 0x7fff0001u;

			for (i = 0; i < 2; i++) {
				struct pcmm_err pe;

				if (++p->txn == 0)
					p->txn = 1;
				n = pcmm_gate_ref_encode(csi, sizeof(csi), cmds[i], p->txn, &amid, &sub,
					id);
				if (n < 0 || pcmm_gate_decode(csi, (uint32_t)n, &g, &pe) != 0)
					continue;
				n = pcmm_cops_dec_encode(buf, sizeof(buf), 0, h, 4, &g);
				set_client_type(buf, n, pp->client_type);
				dlog(p, json_pack("{s:s, s:s, s:s, s:I}", "event", "gate-command", "pepid",
					pp->pepid, "cmd", pcmm_cmd_name(cmds[i]), "gate_id",
					(json_int_t)id));
				peer_send(pp, buf, n);
			}
		}
		pp->n_gates = 0;
	}
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopbreak(arg);
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: vpep-pdp --policy FILE [--listen ADDR:PORT] [--role primary|backup]\n"
		"                [--primary ADDR:PORT] [--probe-ms N] [--decision-log FILE]\n"
		"                [--delay-ms N] [--log-level error|warn|info|debug] [--check]\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"policy", required_argument, NULL, 'p'},
		{"listen", required_argument, NULL, 'L'},
		{"role", required_argument, NULL, 'r'},
		{"primary", required_argument, NULL, 'P'},
		{"probe-ms", required_argument, NULL, 'b'},
		{"decision-log", required_argument, NULL, 'd'},
		{"delay-ms", required_argument, NULL, 'D'},
		{"log-level", required_argument, NULL, 'l'},
		{"check", no_argument, NULL, 'C'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static struct pdp p;
	const char *policy = NULL, *listen_at = "127.0.0.1:3288", *role = "primary";
	const char *primary = NULL, *dlog_file = NULL, *level = NULL;
	struct config_pdp la;
	struct sockaddr_in sin;
	struct event *sigint, *sigterm, *sigusr1, *sigusr2;
	char err[CFG_ERR_LEN];
	int opt, check = 0;

	p.probe_ms = 300;
	p.next_gate_id = 1;
	while ((opt = getopt_long(argc, argv, "p:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'p': policy = optarg; break;
		case 'L': listen_at = optarg; break;
		case 'r': role = optarg; break;
		case 'P': primary = optarg; break;
		case 'b': p.probe_ms = (uint32_t)atoi(optarg); break;
		case 'd': dlog_file = optarg; break;
		case 'D': p.delay_ms = (uint32_t)atoi(optarg); break;
		case 'l': level = optarg; break;
		case 'C': check = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (policy == NULL || optind != argc || (strcmp(role, "primary") && strcmp(role, "backup")) ||
			(strcmp(role, "backup") == 0 && primary == NULL) || p.probe_ms < 10) {
		usage(stderr);
		return 2;
	}
	if (pdp_policy_load(&p.pol, policy, NULL, 0, err, sizeof(err)) != 0) {
		fprintf(stderr, "vpep-pdp: %s\n", err);
		return 1;
	}
	if (check)
		return 0;
	ctrl_log_set_name("vpep-pdp");
	if (level != NULL)
		ctrl_log_set_level(!strcmp(level, "error") ? CTRL_LOG_ERROR : !strcmp(level, "warn") ?
			CTRL_LOG_WARN : !strcmp(level, "debug") ? CTRL_LOG_DEBUG : CTRL_LOG_INFO);
	if (config_parse_hostport(listen_at, &la) != 0 || strchr(la.host, ':') != NULL) {
		fprintf(stderr, "vpep-pdp: --listen %s: expected IPv4ADDR:PORT\n", listen_at);
		return 2;
	}
	p.backup = strcmp(role, "backup") == 0;
	if (p.backup && (config_parse_hostport(primary, &p.primary) != 0 ||
			strchr(p.primary.host, ':') != NULL)) {
		fprintf(stderr, "vpep-pdp: --primary %s: expected IPv4ADDR:PORT\n", primary);
		return 2;
	}
	if (dlog_file != NULL) {
		p.dlog = fopen(dlog_file, "a");
		if (p.dlog == NULL) {
			fprintf(stderr, "vpep-pdp: %s: %s\n", dlog_file, strerror(errno));
			return 1;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	p.base = event_base_new();
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(la.port);
	inet_pton(AF_INET, la.host, &sin.sin_addr);
	p.lis = evconnlistener_new_bind(p.base, on_accept, &p,
		LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 128, (struct sockaddr *)&sin, sizeof(sin));
	if (p.lis == NULL) {
		fprintf(stderr, "vpep-pdp: cannot listen on %s: %s\n", listen_at, strerror(errno));
		return 1;
	}
	if (p.backup) {
		struct timeval tv = {p.probe_ms / 1000, (p.probe_ms % 1000) * 1000};

		p.probe_ev = event_new(p.base, -1, EV_PERSIST, on_probe, &p);
		evtimer_add(p.probe_ev, &tv);
		on_probe(-1, 0, &p);
	}
	sigint = evsignal_new(p.base, SIGINT, on_signal, p.base);
	sigterm = evsignal_new(p.base, SIGTERM, on_signal, p.base);
	evsignal_add(sigint, NULL);
	evsignal_add(sigterm, NULL);
	sigusr1 = evsignal_new(p.base, SIGUSR1, on_usr1, &p);
	sigusr2 = evsignal_new(p.base, SIGUSR2, on_usr2, &p);
	evsignal_add(sigusr1, NULL);
	evsignal_add(sigusr2, NULL);
	LOG_INFO("listening on %s as %s%s%s, KA %u s, %u rules, %u gates to push", listen_at, role,
		p.backup ? " of " : "", p.backup ? primary : "", p.pol.ka_timer_s, p.pol.n_rules,
		p.pol.n_push);
	dlog(&p, json_pack("{s:s, s:s, s:s}", "event", "start", "role", role, "listen",
		listen_at));
	event_base_dispatch(p.base);
	while (p.peers != NULL) {
		uint8_t buf[64];
		int n = cops_encode_cc(buf, sizeof(buf), p.peers->client_type ?
			p.peers->client_type : COPS_CLIENT_PCMM, COPS_ERR_SHUTTING_DOWN, 0, NULL);

		if (n > 0 && p.peers->bev != NULL) {
			bufferevent_write(p.peers->bev, buf, (size_t)n);
			flush_now(p.peers->bev);
		}
		peer_free(p.peers);
	}
	if (p.probe_bev != NULL)
		bufferevent_free(p.probe_bev);
	if (p.probe_ev != NULL)
		event_free(p.probe_ev);
	event_free(sigint);
	event_free(sigterm);
	event_free(sigusr1);
	event_free(sigusr2);
	evconnlistener_free(p.lis);
	event_base_free(p.base);
	pdp_policy_free(&p.pol);
	if (p.dlog != NULL)
		fclose(p.dlog);
	LOG_INFO("stopped");
	return 0;
}
