/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <rte_malloc.h>
#include <rte_random.h>
#include <rte_rcu_qsbr.h>

#include "dp.h"
#include "endpoint_fmt.h"
#include "app_detect.h"
#include "media_expect.h"
#include "policy.h"
#include "sig_db.h"
#include "sip_worker.h"
#include "voip.h"

/* flow_entry.flags bits used here */
#define VF_PROBE_FAILED 0x80 /* RTP probation failed once: do not try again */
#define VF_SCANS_MASK   0x3f /* payload packets examined so far (saturating) */

static const char *const class_names[VPEP_CLASS_MAX] = {
#define X(n, d) #n,
	VPEP_CLASSES(X)
#undef X
};

extern const char vpep_signatures_builtin[];
extern const unsigned int vpep_signatures_builtin_len;

/* The signature set, shared read-only by every worker. */
static struct sig_db *sigs;

const char *
voip_flow_class_name(uint16_t app_class)
{
	unsigned int c = FLOW_APP_CLASS(app_class);

	if (app_class & FLOW_APP_UNDECIDED)
		return "undecided";
	return c < VPEP_CLASS_MAX ? class_names[c] : "unknown";
}

int
voip_global_init(unsigned int n_workers, int socket, char *err, size_t err_len)
{
	char msg[512];

	if (dp.conf.signatures[0] != '\0')
		sigs = sig_db_load(dp.conf.signatures, msg, sizeof(msg));
	else
		sigs = sig_db_load_text("built-in signatures.json", vpep_signatures_builtin,
				vpep_signatures_builtin_len, msg, sizeof(msg));
	if (sigs == NULL) {
		snprintf(err, err_len, "signatures: %s", msg);
		return -EINVAL;
	}
	if (media_expect_init(dp.conf.media_expectations, n_workers, socket) != 0) {
		snprintf(err, err_len, "cannot create the media expectation table (%u endpoints): "
				"give EAL more memory or lower media.expectations",
				dp.conf.media_expectations);
		return -ENOMEM;
	}
	return 0;
}

void
voip_global_free(void)
{
	media_expect_free();
	sig_db_free(sigs);
	sigs = NULL;
}

unsigned int
voip_signature_count(void)
{
	return sigs ? sig_db_count(sigs) : 0;
}

static void app_slot_put(struct voip_worker *vw, uint32_t i);

/* A flow leaves the table: release its application state, count it by class. */
static void
release_flow(void *ctx, uint32_t idx)
{
	struct dp_worker *w = ctx;
	struct voip_worker *vw = w->voip;
	struct flow_entry *e = &w->flows->e[idx];
	unsigned int cls = FLOW_APP_CLASS(e->app_class);
	struct voip_class_stats *cs;

	if (e->app_class & FLOW_APP_UNDECIDED) {
		vw->undecided_flows++;
		cls = VPEP_CLASS_unknown;
	}
	cs = &vw->classes[cls < VPEP_CLASS_MAX ? cls : VPEP_CLASS_unknown];
	cs->flows++;
	cs->packets += e->pkts[0] + e->pkts[1];
	cs->bytes += e->bytes[0] + e->bytes[1];
	if (e->app_ref != FLOW_NIL) {
		switch (FLOW_APP_CLASS(e->app_class)) {
		case VPEP_CLASS_rtp:
		case VPEP_CLASS_rtcp:
		case VPEP_CLASS_rtp_unsignalled:
			/* A candidate never validated leaves no stream behind. */
			if (e->app_class & FLOW_APP_UNDECIDED)
				media_flow_discard(&vw->media, e->app_ref);
			else
				media_flow_free(&vw->media, e->app_ref);
			break;
		case VPEP_CLASS_sip:
			sip_worker_tcp_release(vw->sip, e->app_ref);
			break;
		case VPEP_CLASS_pop3:
		case VPEP_CLASS_http:
		case VPEP_CLASS_cwmp:
			app_slot_put(vw, e->app_ref);
			break;
		default:
			break;
		}
		e->app_ref = FLOW_NIL;
	}
}

static void *
sip_alloc(void *ctx, size_t bytes)
{
	const struct dp_worker *w = ctx;

	return rte_zmalloc_socket("sip", bytes, RTE_CACHE_LINE_SIZE, w->socket);
}

int
voip_worker_init(struct dp_worker *w, char *err, size_t err_len)
{
	const struct dp_config *c = &dp.conf;
	struct voip_worker *vw;
	struct mos_config mc;
	struct sip_conf sc;
	size_t sz = media_pool_mem_size(c->media_flows, c->media_stream_log);

	vw = rte_zmalloc_socket("voip", sizeof(*vw), RTE_CACHE_LINE_SIZE, w->socket);
	if (vw == NULL)
		goto nomem;
	w->voip = vw;
	vw->media_mem = rte_zmalloc_socket("media", sz, RTE_CACHE_LINE_SIZE, w->socket);
	if (vw->media_mem == NULL)
		goto nomem;
	mos_config_default(&mc);
	mc.default_delay_ms = c->mos_default_delay_ms;
	mc.jb_ms = (uint16_t)c->mos_jitter_buffer_ms;
	media_pool_init(&vw->media, vw->media_mem, c->media_flows, c->media_stream_log, &mc);
	vw->media.probe_min_ns = (uint64_t)c->rtp_unsignalled_min_ms * 1000000ull;
	vw->scan_packets = c->classify_scan_packets;
	vw->sip = rte_zmalloc_socket("sip_worker", sizeof(*vw->sip), RTE_CACHE_LINE_SIZE,
			w->socket);
	sc = c->sip;
	/* Call-ID index key: unpredictable, so crafted Call-IDs cannot pile up on one bucket. */
	sc.ct.hash_seed = rte_rand();
	if (vw->sip == NULL || sip_worker_init(vw->sip, w->id, &sc, sip_alloc, w) != 0) {
		snprintf(err, err_len,
				"worker %u: cannot allocate %zu MiB for SIP state (%u calls, %u TCP "
				"flows of 2 x %u bytes): give EAL more memory (-m or --socket-mem; "
				"hugepages in production) or lower sip.calls, sip.tcp_flows or "
				"sip.tcp_buffer",
				w->id, (sip_worker_mem_size(&c->sip) + (1u << 20) - 1) >> 20,
				c->sip.calls, c->sip.tcp_flows, c->sip.tcp_buffer);
		return -ENOMEM;
	}
	if (sig_db_scratch_alloc(sigs, &vw->scratch) != 0) {
		snprintf(err, err_len, "worker %u: cannot allocate a Hyperscan scratch space", w->id);
		return -ENOMEM;
	}
	vw->apps_n = c->app_flows;
	vw->apps_free = FLOW_NIL;
	if (vw->apps_n > 0) {
		uint32_t i;

		vw->apps = rte_zmalloc_socket("apps", (size_t)vw->apps_n * sizeof(*vw->apps),
				RTE_CACHE_LINE_SIZE, w->socket);
		if (vw->apps == NULL)
			goto nomem;
		for (i = vw->apps_n; i-- > 0;) {
			vw->apps[i].next_free = vw->apps_free;
			vw->apps_free = i;
		}
	}
	w->flows->release = release_flow;
	w->flows->release_ctx = w;
	if (rte_rcu_qsbr_thread_register(media_expect_qsbr(), w->id) != 0) {
		snprintf(err, err_len, "worker %u: cannot register with RCU", w->id);
		return -EINVAL;
	}
	rte_rcu_qsbr_thread_online(media_expect_qsbr(), w->id);
	return 0;
nomem:
	snprintf(err, err_len,
			"worker %u: cannot allocate %zu MiB for media state (%u flows, %u-stream log) "
			"and %zu MiB for POP3/HTTP state: give EAL more memory (-m or --socket-mem; "
			"hugepages in production) or lower media.flows, media.stream_log or "
			"classification.app_flows",
			w->id, (sz + (1u << 20) - 1) >> 20, c->media_flows, c->media_stream_log,
			((size_t)c->app_flows * sizeof(struct app_slot) + (1u << 20) - 1) >> 20);
	return -ENOMEM;
}

void
voip_worker_free(struct dp_worker *w)
{
	struct voip_worker *vw = w->voip;

	if (vw == NULL)
		return;
	if (media_expect_qsbr() != NULL) {
		rte_rcu_qsbr_thread_offline(media_expect_qsbr(), w->id);
		rte_rcu_qsbr_thread_unregister(media_expect_qsbr(), w->id);
	}
	sig_db_scratch_free(vw->scratch);
	rte_free(vw->apps);
	if (vw->sip != NULL) {
		sip_worker_free(vw->sip, rte_free);
		rte_free(vw->sip);
	}
	rte_free(vw->media_mem);
	rte_free(vw);
	w->voip = NULL;
}

void
voip_loop(struct dp_worker *w)
{
	rte_rcu_qsbr_quiescent(media_expect_qsbr(), w->id);
	sip_worker_tick(w->voip->sip, w->now_ns);
}

/* The transport payload as one piece (chains are read into the worker's buffer). */
static inline const uint8_t *
payload_of(struct dp_worker *w, struct rte_mbuf *m, const struct pkt_meta *meta)
{
	if (likely(m->nb_segs == 1))
		return rte_pktmbuf_mtod_offset(m, const uint8_t *, meta->payload_off);
	if (meta->payload_len > w->linbuf_len)
		return NULL;
	return rte_pktmbuf_read(m, meta->payload_off, meta->payload_len, w->linbuf);
}

/* The flow's endpoints in its direction-0 (lo -> hi) order. */
static void
endpoints(const struct pkt_meta *meta, uint8_t dir, struct media_endpoints *ep)
{
	unsigned int lo = dir, hi = !dir; /* dir 0: the packet goes lo -> hi */

	memset(ep, 0, sizeof(*ep));
	ep->family = meta->family;
	memcpy(ep->addr[lo], meta->src, 16);
	memcpy(ep->addr[hi], meta->dst, 16);
	ep->port[lo] = meta->sport;
	ep->port[hi] = meta->dport;
}

static inline void
decide(struct flow_entry *e, enum vpep_class cls)
{
	e->app_class = (uint16_t)cls;
}

static void
media_packet(struct dp_worker *w, struct flow_entry *e, uint8_t dir, const uint8_t *p,
		const struct pkt_meta *meta, uint64_t now_ns)
{
	struct voip_worker *vw = w->voip;
	int rc = media_flow_packet(&vw->media, e->app_ref, dir, p, meta->payload_len,
			meta->payload_len + (meta->l4_off - meta->l3_off) + 8, now_ns);

	if (rc == 1) {
		decide(e, VPEP_CLASS_rtp_unsignalled);
	} else if (rc < 0) {
		/* Not RTP after all: never try again, and let classification go on. */
		media_flow_discard(&vw->media, e->app_ref);
		e->app_ref = FLOW_NIL;
		e->app_class = FLOW_APP_UNDECIDED;
		e->flags |= VF_PROBE_FAILED;
	}
}

/* Sequence number and flag octet of a TCP packet's header (it may span mbuf segments). */
static int
tcp_seq_flags(const struct rte_mbuf *m, const struct pkt_meta *meta, uint32_t *seq,
		uint8_t *flags)
{
	uint8_t hdr[14];
	const uint8_t *t = rte_pktmbuf_read(m, meta->l4_off, sizeof(hdr), hdr);

	if (t == NULL)
		return -1;
	*seq = (uint32_t)t[4] << 24 | (uint32_t)t[5] << 16 | (uint32_t)t[6] << 8 | t[7];
	*flags = t[13];
	return 0;
}

/* Signalling 5-tuple of a packet as the call table records it. */
static void
sig_of(const struct pkt_meta *meta, struct call_sig *sig)
{
	memset(sig, 0, sizeof(*sig));
	sig->family = meta->family;
	sig->l4proto = meta->l4_proto;
	sig->sport = meta->sport;
	sig->dport = meta->dport;
	memcpy(sig->src, meta->src, 16);
	memcpy(sig->dst, meta->dst, 16);
}

/* A packet of a SIP flow: datagrams are framed as they are, segments through the stream. */
static void
sip_packet(struct dp_worker *w, struct flow_entry *e, uint8_t dir, struct rte_mbuf *m,
		const uint8_t *p, const struct pkt_meta *meta, uint64_t now_ns)
{
	struct sip_worker *sw = w->voip->sip;
	struct call_sig sig;

	sig_of(meta, &sig);
	if (meta->l4_proto == 17) {
		if (p != NULL && meta->payload_len > 0)
			sip_worker_datagram(sw, p, meta->payload_len, &sig, now_ns);
		else if (meta->payload_len > 0)
			sw->st.ctr[SIPW_CTR_UNREADABLE]++;
		return;
	}
	if (meta->l4_proto == 6) {
		uint32_t seq;
		uint8_t flags;

		if (tcp_seq_flags(m, meta, &seq, &flags) != 0)
			return;
		if (p == NULL && meta->payload_len > 0) {
			sw->st.ctr[SIPW_CTR_UNREADABLE]++;
			return;
		}
		sip_worker_segment(sw, &e->app_ref, dir, seq, flags, p, meta->payload_len, &sig,
				now_ns);
	}
}

static uint32_t
app_slot_take(struct voip_worker *vw)
{
	uint32_t i = vw->apps_free;

	if (i == FLOW_NIL) {
		vw->apps_full++;
		return FLOW_NIL;
	}
	vw->apps_free = vw->apps[i].next_free;
	memset(&vw->apps[i], 0, sizeof(vw->apps[i]));
	return i;
}

static void
app_slot_put(struct voip_worker *vw, uint32_t i)
{
	if (i >= vw->apps_n)
		return;
	vw->apps[i].next_free = vw->apps_free;
	vw->apps_free = i;
}

static inline bool
app_counted(unsigned int cls)
{
	return cls == VPEP_CLASS_pop3 || cls == VPEP_CLASS_http || cls == VPEP_CLASS_cwmp;
}

/* The new bytes of a TCP segment, in order: retransmissions are not fed twice, a hole is
 * reported as a gap. Returns false when nothing of the segment is new. */
static bool
app_segment(struct voip_worker *vw, struct app_slot *a, uint8_t dir, uint32_t seq,
		const uint8_t **p, uint32_t *len, bool *gap)
{
	uint32_t d = dir & 1, skip;

	*gap = false;
	if (a->seq_known & (1u << d)) {
		int32_t off = (int32_t)(seq - a->next_seq[d]);

		if (off > 0) {
			*gap = true;
			vw->app_gaps++;
		} else if (off < 0) {
			skip = (uint32_t)-off;
			if (skip >= *len) {
				vw->app_retrans++;
				return false;
			}
			*p += skip;
			*len -= skip;
			seq += skip;
		}
	}
	a->next_seq[d] = seq + *len;
	a->seq_known |= (uint8_t)(1u << d);
	return true;
}

/*
 * A packet of a flow of another recognised application. POP3 and HTTP (CWMP is SOAP over
 * HTTP) are followed message by message on TCP; the others are only classified.
 */
static void
app_packet(struct dp_worker *w, struct flow_entry *e, uint8_t dir, struct rte_mbuf *m,
		const uint8_t *p, const struct pkt_meta *meta, uint32_t detect_flags)
{
	struct voip_worker *vw = w->voip;
	unsigned int cls = FLOW_APP_CLASS(e->app_class);
	struct app_slot *a;
	uint32_t len = meta->payload_len, seq;
	uint8_t flags;
	bool gap;

	if (meta->l4_proto != 6 || !app_counted(cls))
		return;
	if (e->app_ref == FLOW_NIL) {
		e->app_ref = app_slot_take(vw);
		if (e->app_ref == FLOW_NIL)
			return;
		a = &vw->apps[e->app_ref];
		/* The classifying packet says which side it came from, when it can tell. */
		a->client_dir = (detect_flags & APP_F_RESPONSE) ? !dir : dir;
		if (cls == VPEP_CLASS_pop3)
			pop3_init(&a->u.pop3);
		else
			http_msg_init(&a->u.http);
	}
	if (e->app_ref >= vw->apps_n || len == 0 || p == NULL)
		return;
	a = &vw->apps[e->app_ref];
	if (tcp_seq_flags(m, meta, &seq, &flags) != 0)
		return;
	if (!app_segment(vw, a, dir, seq, &p, &len, &gap))
		return;
	if (cls == VPEP_CLASS_pop3) {
		pop3_input(&a->u.pop3, dir == a->client_dir, p, len, &vw->pop3);
		return;
	}
	if (gap)
		http_msg_gap(&a->u.http, dir, &vw->http);
	http_msg_input(&a->u.http, dir, p, len, &vw->http);
	/* TR-069 is SOAP over HTTP: the namespace usually shows in a body after the headers. */
	if (cls == VPEP_CLASS_http && http_msg_cwmp_seen(&a->u.http))
		e->app_class = VPEP_CLASS_cwmp;
}

/* An SDP-announced endpoint on either side of this packet. */
static const struct media_expect_info *
find_expectation(const struct pkt_meta *meta)
{
	const struct media_expect_info *info;
	struct media_key k;

	media_key_set(&k, meta->family, meta->dst, meta->dport);
	info = media_expect_lookup(&k);
	if (info != NULL)
		return info;
	media_key_set(&k, meta->family, meta->src, meta->sport);
	return media_expect_lookup(&k);
}

/*
 * A signalled RTP flow sends a payload type its SDP did not list: a re-INVITE or UPDATE may
 * have changed the codec. The expectation holds the current map; take it. Checked only when
 * the payload type changes, so steady streams pay one compare.
 */
static void
refresh_payload_types(struct dp_worker *w, struct flow_entry *e, const uint8_t *p,
		const struct pkt_meta *meta)
{
	struct media_flow *f = &w->voip->media.flows[e->app_ref];
	const struct media_expect_info *info;
	uint8_t pt;

	if (meta->payload_len < 12 || (p[0] >> 6) != 2)
		return;
	pt = p[1] & 0x7f;
	if (likely(pt == f->last_pt))
		return;
	f->last_pt = pt;
	if (f->kind == MEDIA_RTCP || (pt >= 72 && pt <= 76) || media_flow_knows_pt(f, pt))
		return;
	info = find_expectation(meta);
	if (info != NULL && info->call == f->call) {
		media_flow_signal(&w->voip->media, e->app_ref, info);
		w->voip->pt_refreshed++;
	}
}

/*
 * Decide the class of a flow from one of its first payload packets: an endpoint SDP
 * announced first, then RTP probation for UDP that looks like RTP. A flow that stays
 * undecided for scan_packets payload packets is "unknown" from then on.
 */
static void
classify(struct dp_worker *w, struct flow_entry *e, uint8_t dir, struct rte_mbuf *m,
		const struct pkt_meta *meta, uint64_t now_ns)
{
	struct voip_worker *vw = w->voip;
	const struct media_expect_info *info;
	struct media_endpoints ep;
	const uint8_t *p;
	unsigned int scans;

	if (meta->l4_proto != 17 && meta->l4_proto != 6) {
		decide(e, VPEP_CLASS_unknown);
		return;
	}
	if (meta->payload_len == 0)
		return; /* a handshake or an empty datagram: wait for data */
	p = payload_of(w, m, meta);
	if (p == NULL)
		return;
	/* A probation candidate in progress: it decides itself (validated or rejected), unless
	 * the SDP announcing it is processed meanwhile (on another worker, a moment later than
	 * the first media packet): then it is signalled media, its counts so far kept. */
	if (e->app_ref != FLOW_NIL) {
		info = find_expectation(meta);
		if (info != NULL) {
			media_flow_signal(&vw->media, e->app_ref, info);
			decide(e, info->kind == MEDIA_RTCP ? VPEP_CLASS_rtcp : VPEP_CLASS_rtp);
			vw->late_signalled++;
		}
		media_packet(w, e, dir, p, meta, now_ns);
		if (e->app_ref != FLOW_NIL)
			return;
		goto budget;
	}
	/* A SIP start line: the flow is signalling (ports play no part). */
	if (tcp_stream_sip_start(p, meta->payload_len)) {
		decide(e, VPEP_CLASS_sip);
		sip_packet(w, e, dir, m, p, meta, now_ns);
		return;
	}
	if (meta->l4_proto == 17) {
		info = find_expectation(meta);
		if (info != NULL) {
			endpoints(meta, dir, &ep);
			e->app_ref = media_flow_alloc(&vw->media, info, &ep);
			decide(e, info->kind == MEDIA_RTCP ? VPEP_CLASS_rtcp : VPEP_CLASS_rtp);
			if (e->app_ref != FLOW_NIL)
				media_packet(w, e, dir, p, meta, now_ns);
			return;
		}
	}
	/* Signatures, each match confirmed by its protocol's validator. */
	{
		uint32_t flags = 0;
		enum vpep_class cls = app_detect(sigs, vw->scratch, p, meta->payload_len,
				meta->l4_proto, meta->sport, meta->dport, -1, &flags);

		if (unlikely(flags & APP_F_SCAN_ERROR))
			vw->scan_errors++;
		/* Keep-alives (CRLF, "hello", zeros) say nothing: they do not use up the budget. */
		if (flags & APP_F_KEEPALIVE)
			return;
		if (cls == VPEP_CLASS_sip) {
			decide(e, VPEP_CLASS_sip);
			sip_packet(w, e, dir, m, p, meta, now_ns);
			return;
		}
		if (cls != VPEP_CLASS_unknown) {
			decide(e, cls);
			app_packet(w, e, dir, m, p, meta, flags);
			return;
		}
	}
	if (meta->l4_proto == 17) {
		/* Version 2 and room for a header: worth a probation, once. */
		if (!(e->flags & VF_PROBE_FAILED) && meta->payload_len >= 12 && (p[0] >> 6) == 2) {
			endpoints(meta, dir, &ep);
			e->app_ref = media_flow_alloc(&vw->media, NULL, &ep);
			if (e->app_ref != FLOW_NIL) {
				e->app_class = FLOW_APP_UNDECIDED | VPEP_CLASS_rtp_unsignalled;
				media_packet(w, e, dir, p, meta, now_ns);
			}
		}
	}
budget:
	if (!(e->app_class & FLOW_APP_UNDECIDED))
		return;
	scans = (e->flags & VF_SCANS_MASK) + 1u;
	if (scans >= vw->scan_packets) {
		decide(e, VPEP_CLASS_unknown);
		return;
	}
	e->flags = (uint8_t)((e->flags & ~VF_SCANS_MASK) | (scans & VF_SCANS_MASK));
}

/* One tracked packet of flow idx travelling in direction dir (voip_burst() does each). */
static void
voip_packet(struct dp_worker *w, uint32_t idx, uint8_t dir, struct rte_mbuf *m,
		const struct pkt_meta *meta, uint64_t now_ns)
{
	struct flow_entry *e = &w->flows->e[idx];
	const uint8_t *p;

	if (unlikely(e->app_class & FLOW_APP_UNDECIDED)) {
		classify(w, e, dir, m, meta, now_ns);
		return;
	}
	switch (e->app_class) {
	case VPEP_CLASS_unknown:
		/* A UDP 5-tuple that began with keep-alives or noise, then carries SIP (with Call-ID
		 * steering, this worker may only have seen the datagrams without a Call-ID):
		 * signalling after all. One byte compared for anything else. */
		if (meta->l4_proto != 17 || meta->payload_len < 16)
			return;
		{
			uint8_t first;
			const uint8_t *f = rte_pktmbuf_read(m, meta->payload_off, 1, &first);

			if (f == NULL || *f < 'A' || *f > 'Z')
				return;
		}
		p = payload_of(w, m, meta);
		if (p == NULL || !tcp_stream_sip_start(p, meta->payload_len))
			return;
		decide(e, VPEP_CLASS_sip);
		w->voip->late_sip++;
		sip_packet(w, e, dir, m, p, meta, now_ns);
		return;
	case VPEP_CLASS_pop3:
	case VPEP_CLASS_http:
	case VPEP_CLASS_cwmp:
		if (e->app_ref == FLOW_NIL || meta->payload_len == 0)
			return;
		p = payload_of(w, m, meta);
		app_packet(w, e, dir, m, p, meta, 0);
		return;
	case VPEP_CLASS_sip:
		/* TCP segments without payload still matter: SYN, FIN and RST. */
		p = meta->payload_len ? payload_of(w, m, meta) : NULL;
		sip_packet(w, e, dir, m, p, meta, now_ns);
		return;
	case VPEP_CLASS_rtp:
	case VPEP_CLASS_rtcp:
	case VPEP_CLASS_rtp_unsignalled:
		if (e->app_ref == FLOW_NIL || meta->payload_len == 0)
			return;
		p = payload_of(w, m, meta);
		if (p == NULL)
			return;
		if (e->app_class != VPEP_CLASS_rtp_unsignalled)
			refresh_payload_types(w, e, p, meta);
		media_packet(w, e, dir, p, meta, now_ns);
		return;
	default:
		return;
	}
}

void
voip_burst(struct dp_worker *w, unsigned int n, const uint32_t *idx, const uint8_t *dir,
		struct rte_mbuf *const *pkts, const struct pkt_meta *meta, const uint64_t *now_ns,
		uint8_t *sip_hint)
{
	struct sip_worker *sw = w->voip->sip;
	unsigned int k;

	if (sip_hint == NULL) {
		for (k = 0; k < n; k++)
			if (likely(idx[k] != FLOW_NIL))
				voip_packet(w, idx[k], dir[k], pkts[k], &meta[k], now_ns[k]);
		return;
	}
	/* The SIP worker leaves its verdict on the message in hand in sw->hint. */
	for (k = 0; k < n; k++) {
		sw->hint = POLICY_SIP_NONE;
		if (likely(idx[k] != FLOW_NIL))
			voip_packet(w, idx[k], dir[k], pkts[k], &meta[k], now_ns[k]);
		sip_hint[k] = sw->hint;
	}
}

void
voip_worker_finish(struct dp_worker *w)
{
	struct flow_key k;
	uint32_t iter = 0, idx;

	sip_worker_finish(w->voip->sip, w->now_ns);
	/* Flows still tracked are counted by their class now; their streams stay live for the
	 * report (they are read from the media pool). */
	while ((idx = flow_table_next(w->flows, &iter, &k)) != FLOW_NIL) {
		struct flow_entry *e = &w->flows->e[idx];
		unsigned int cls = (e->app_class & FLOW_APP_UNDECIDED) ? VPEP_CLASS_unknown :
									   FLOW_APP_CLASS(e->app_class);
		struct voip_class_stats *cs = &w->voip->classes[cls];

		if (e->app_class & FLOW_APP_UNDECIDED)
			w->voip->undecided_flows++;
		cs->flows++;
		cs->packets += e->pkts[0] + e->pkts[1];
		cs->bytes += e->bytes[0] + e->bytes[1];
	}
}

/* The call a media handle names, on whichever worker owns it. */
static const struct call *
call_of_handle(uint64_t handle)
{
	unsigned int w;
	struct call_ref ref;

	if (sip_call_handle_split(handle, &w, &ref) != 0 || w >= dp.n_workers ||
			dp.workers[w]->voip == NULL)
		return NULL;
	return sip_worker_call(dp.workers[w]->voip->sip, handle);
}

/* What a MOS was computed from, by name (docs/stats-json.md). */
static json_t *
mos_basis_json(uint32_t basis)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ MOS_F_RTT, "rtcp_rtt" }, { MOS_F_DELAY_DEFAULT, "default_delay" },
		{ MOS_F_LOSS_SEQ, "sequence_loss" }, { MOS_F_LOSS_JB, "jitter_buffer_loss" },
		{ MOS_F_BURST, "loss_bursts" }, { MOS_F_NIC_DROPS, "nic_drops_seen" },
		{ MOS_F_CODEC_DEFAULT, "codec_default" }, { MOS_F_CODEC_ASSUMED, "codec_assumed" },
		{ MOS_F_FEW_PACKETS, "few_packets" },
	};
	json_t *a = json_array();
	unsigned int i;

	for (i = 0; i < RTE_DIM(names); i++)
		if (basis & names[i].bit)
			json_array_append_new(a, json_string(names[i].name));
	return a;
}

static json_t *
stream_json(const struct media_stream_record *r)
{
	const struct call *c = r->signalled ? call_of_handle(r->call) : NULL;
	char src[64], dst[64], ssrc[16];
	json_t *o;

	dp_format_endpoint(src, sizeof(src), r->family, r->src, r->sport);
	dp_format_endpoint(dst, sizeof(dst), r->family, r->dst, r->dport);
	snprintf(ssrc, sizeof(ssrc), "0x%08X", r->rep.ssrc);
	o = json_pack("{s:s, s:s, s:s, s:o, s:b, s:i, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
		      "s:I, s:f, s:f, s:f, s:o, s:f, s:f}",
			"ssrc", ssrc, "src", src, "dst", dst, "call_id",
			c != NULL ? json_stringn(c->call_id, strnlen(c->call_id, CALL_ID_MAX)) :
				    json_null(),
			"signalled",
			r->signalled, "payload_type", r->pt, "codec", r->codec, "packets",
			(json_int_t)r->rep.packets, "expected", (json_int_t)r->rep.expected,
			"lost", (json_int_t)r->rep.lost, "duplicates",
			(json_int_t)r->rep.duplicates, "reordered", (json_int_t)r->rep.reordered,
			"telephone_event_packets", (json_int_t)r->rep.te_packets,
			"telephone_event_duplicates", (json_int_t)r->rep.te_duplicates,
			"late_for_jitter_buffer", (json_int_t)r->rep.jb_late, "max_delta_ms",
			r->rep.max_delta_ms, "mean_jitter_ms", r->rep.mean_jitter_ms,
			"max_jitter_ms", r->rep.max_jitter_ms, "rtt_ms",
			r->rtt_us >= 0 ? json_real((double)r->rtt_us / 1000.0) : json_null(),
			"mos", r->mos.mos, "r_factor", r->mos.r_factor);
	json_object_set_new(o, "video", json_boolean(r->is_video));
	json_object_set_new(o, "duration_s", json_real(r->rep.duration_s));
	json_object_set_new(o, "bytes", json_integer((json_int_t)r->bytes));
	json_object_set_new(o, "markers", json_integer(r->markers));
	json_object_set_new(o, "payload_type_changes", json_integer(r->pt_changes));
	json_object_set_new(o, "mos_basis", mos_basis_json(r->mos.basis));
	json_object_set_new(o, "rtcp_sr", json_integer(r->rtcp_sr));
	json_object_set_new(o, "rtcp_rr", json_integer(r->rtcp_rr));
	if (r->signalled) {
		char h[24];

		snprintf(h, sizeof(h), "%016" PRIx64, r->call);
		json_object_set_new(o, "call_handle", json_string(h));
	} else {
		json_object_set_new(o, "call_handle", json_null());
	}
	return o;
}

/* One call as the stats document sees it: where it is, and its worst audio MOS. */
struct call_pick {
	const struct call *cl;
	uint64_t h;
	uint32_t worker;
	uint32_t order;  /* position in the table walk: the order `calls` lists them in */
	double mos;      /* lowest audio MOS among its streams; 0: none */
	uint8_t listed;
};

/* MOS bands of calls_summary.active_by_mos: vpep-ctrl's (ctrl/metrics.c), lower bound inclusive. */
static const double mos_band_lo[] = { 0.0, 2.58, 3.1, 3.6, 4.03, 4.34 };
static const char *const mos_band_name[] = {
	"1.00-2.58", "2.58-3.10", "3.10-3.60", "3.60-4.03", "4.03-4.34", "4.34-5.00",
};

static int
pick_by_handle(const void *a, const void *b)
{
	uint64_t x = ((const struct call_pick *)a)->h, y = ((const struct call_pick *)b)->h;

	return x < y ? -1 : x > y;
}

static int
pick_by_order(const void *a, const void *b)
{
	uint32_t x = ((const struct call_pick *)a)->order, y = ((const struct call_pick *)b)->order;

	return x < y ? -1 : x > y;
}

/* The calls worth listing first: active ones, then the most recent (latest first INVITE). */
static int
pick_by_interest(const void *a, const void *b)
{
	const struct call_pick *x = *(const struct call_pick *const *)a;
	const struct call_pick *y = *(const struct call_pick *const *)b;
	int xa = x->cl->state != CALL_S_TERMINATED, ya = y->cl->state != CALL_S_TERMINATED;

	if (xa != ya)
		return ya - xa;
	if (x->cl->setup_time != y->cl->setup_time)
		return x->cl->setup_time > y->cl->setup_time ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static struct call_pick *
pick_find(struct call_pick *p, size_t n, uint64_t h)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p[mid].h == h)
			return &p[mid];
		if (p[mid].h < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Append n to a growing array; -ENOMEM leaves it as it was. */
static int
grow(void **a, size_t *cap, size_t n, size_t need, size_t size)
{
	void *b;
	size_t c = *cap ? *cap : 256;

	if (n + need <= *cap)
		return 0;
	while (c < n + need)
		c *= 2;
	b = realloc(*a, c * size);
	if (b == NULL)
		return -ENOMEM;
	*a = b;
	*cap = c;
	return 0;
}

void
voip_stats_json(json_t *doc, uint32_t calls_max)
{
	json_t *classes = json_object(), *streams = json_array(), *media = json_object();
	json_t *calls = json_array(), *summary, *by_state, *by_reason, *by_mos, *by_mos_all;
	uint64_t media_ctr[MEDIA_CTR_MAX] = { 0 }, undecided = 0, late = 0, refreshed = 0;
	uint64_t late_sip = 0;
	uint64_t scan_errors = 0, apps_full = 0, app_gaps = 0, app_retrans = 0;
	uint64_t n_state[CALL_S_MAX] = { 0 }, n_reason[CALL_REASON_MAX] = { 0 };
	uint64_t n_band[RTE_DIM(mos_band_lo)] = { 0 }, n_no_mos = 0;
	uint64_t n_band_all[RTE_DIM(mos_band_lo)] = { 0 }, n_no_mos_all = 0;
	uint64_t streams_max = calls_max > UINT32_MAX / 4 ? UINT64_MAX : (uint64_t)calls_max * 4;
	uint64_t streams_omitted = 0;
	struct pop3_counters pop3;
	struct http_msg_counters http;
	json_t *pop3_o = json_object(), *http_o = json_object();
	static struct sip_stats sip_sum;
	struct call_table_stats cts;
	struct voip_class_stats cs[VPEP_CLASS_MAX];
	struct call_pick *picks = NULL, **order = NULL;
	struct media_stream_record *recs = NULL;
	json_t **listed_json = NULL;
	size_t n_picks = 0, cap_picks = 0, n_recs = 0, cap_recs = 0, n_listed = 0, k;
	double worst = 0, worst_all = 0;
	unsigned int i, c;

	memset(cs, 0, sizeof(cs));
	memset(&sip_sum, 0, sizeof(sip_sum));
	memset(&pop3, 0, sizeof(pop3));
	memset(&http, 0, sizeof(http));
	memset(&cts, 0, sizeof(cts));
	/* First every call and every stream, as plain records: JSON only for what is listed. */
	for (i = 0; i < dp.n_workers; i++) {
		const struct voip_worker *vw = dp.workers[i]->voip;
		const struct media_pool *mp;
		struct flow_key fk;
		uint32_t iter = 0, idx, j;

		if (vw == NULL)
			continue;
		mp = &vw->media;
		undecided += vw->undecided_flows;
		late += vw->late_signalled;
		late_sip += vw->late_sip;
		refreshed += vw->pt_refreshed;
		scan_errors += vw->scan_errors;
		apps_full += vw->apps_full;
		app_gaps += vw->app_gaps;
		app_retrans += vw->app_retrans;
		for (c = 0; c < POP3_CTR_MAX; c++)
			pop3.v[c] += vw->pop3.v[c];
		for (c = 0; c < HTTP_MSG_CTR_MAX; c++)
			http.v[c] += vw->http.v[c];
		sip_stats_add(&sip_sum, &cts, vw->sip);
		for (j = 0; j < vw->sip->ct.capacity; j++) {
			const struct call *cl = call_table_at(&vw->sip->ct, j);

			if (cl == NULL)
				continue;
			if (grow((void **)&picks, &cap_picks, n_picks, 1, sizeof(*picks)) != 0)
				break;
			picks[n_picks] = (struct call_pick){
				.cl = cl,
				.h = sip_call_handle(i, call_table_ref(&vw->sip->ct, cl)),
				.worker = i,
				.order = (uint32_t)n_picks,
			};
			n_picks++;
		}
		for (c = 0; c < VPEP_CLASS_MAX; c++) {
			cs[c].flows += vw->classes[c].flows;
			cs[c].packets += vw->classes[c].packets;
			cs[c].bytes += vw->classes[c].bytes;
		}
		for (c = 0; c < MEDIA_CTR_MAX; c++)
			media_ctr[c] += mp->ctr[c];
		/* memcpy() and qsort() must not see a NULL array, even for 0 elements (UBSan) */
		if (mp->log_n > 0 &&
				grow((void **)&recs, &cap_recs, n_recs, mp->log_n, sizeof(*recs)) == 0) {
			memcpy(&recs[n_recs], mp->log, mp->log_n * sizeof(*recs));
			n_recs += mp->log_n;
		}
		/* Streams of flows still live. */
		while ((idx = flow_table_next(dp.workers[i]->flows, &iter, &fk)) != FLOW_NIL) {
			const struct flow_entry *e = &dp.workers[i]->flows->e[idx];

			switch (FLOW_APP_CLASS(e->app_class)) {
			case VPEP_CLASS_rtp:
			case VPEP_CLASS_rtcp:
			case VPEP_CLASS_rtp_unsignalled:
				break;
			default:
				continue;
			}
			if (e->app_ref == FLOW_NIL || (e->app_class & FLOW_APP_UNDECIDED))
				continue;
			if (grow((void **)&recs, &cap_recs, n_recs, 2 * MEDIA_SLOTS, sizeof(*recs)) != 0)
				break;
			n_recs += media_flow_records(mp, e->app_ref, &recs[n_recs]);
		}
	}

	/* Each call takes the worst audio MOS among its streams as its own. */
	if (n_picks > 0)
		qsort(picks, n_picks, sizeof(*picks), pick_by_handle);
	for (k = 0; k < n_recs; k++) {
		const struct media_stream_record *r = &recs[k];
		struct call_pick *p;

		if (!r->signalled || r->is_video || !(r->mos.mos > 0))
			continue;
		p = pick_find(picks, n_picks, r->call);
		if (p != NULL && (p->mos == 0 || r->mos.mos < p->mos))
			p->mos = r->mos.mos;
	}

	/* The summary, over every call whatever the list below holds. */
	for (k = 0; k < n_picks; k++) {
		const struct call_pick *p = &picks[k];
		int active = p->cl->state != CALL_S_TERMINATED;

		n_state[p->cl->state < CALL_S_MAX ? p->cl->state : CALL_S_TERMINATED]++;
		if (!active && p->cl->reason < CALL_REASON_MAX)
			n_reason[p->cl->reason]++;
		if (p->mos > 0) {
			for (c = RTE_DIM(mos_band_lo) - 1; c > 0 && p->mos < mos_band_lo[c]; c--)
				;
			n_band_all[c]++;
			if (worst_all == 0 || p->mos < worst_all)
				worst_all = p->mos;
			if (active) {
				n_band[c]++;
				if (worst == 0 || p->mos < worst)
					worst = p->mos;
			}
		} else {
			n_no_mos_all++;
			n_no_mos += active;
		}
	}

	/* The list: every call when they fit, else the most interesting calls_max of them. */
	if (n_picks > calls_max) {
		order = malloc(n_picks * sizeof(*order));
		if (order != NULL) {
			for (k = 0; k < n_picks; k++)
				order[k] = &picks[k];
			qsort(order, n_picks, sizeof(*order), pick_by_interest);
			for (k = 0; k < calls_max; k++)
				order[k]->listed = 1;
			free(order);
		}
	} else {
		for (k = 0; k < n_picks; k++)
			picks[k].listed = 1;
	}
	if (n_picks > 0)
		qsort(picks, n_picks, sizeof(*picks), pick_by_order);
	listed_json = calloc(n_picks ? n_picks : 1, sizeof(*listed_json));
	for (k = 0; k < n_picks && listed_json != NULL; k++) {
		json_t *co;

		if (!picks[k].listed)
			continue;
		co = sip_call_json(picks[k].cl, picks[k].h, dp.workers[picks[k].worker]->now_ns);
		json_object_set_new(co, "worker", json_integer(picks[k].worker));
		json_object_set_new(co, "streams", json_array());
		json_object_set_new(co, "mos", picks[k].mos > 0 ? json_real(picks[k].mos) :
								  json_null());
		json_array_append_new(calls, co);
		listed_json[k] = co;
		n_listed++;
	}
	/* Streams: those of listed calls (in the call too), and those of no held call. */
	if (n_picks > 0)
		qsort(picks, n_picks, sizeof(*picks), pick_by_handle);
	for (k = 0; k < n_recs; k++) {
		const struct media_stream_record *r = &recs[k];
		struct call_pick *p = r->signalled ? pick_find(picks, n_picks, r->call) : NULL;
		json_t *st;

		if ((p != NULL && !p->listed) || (uint64_t)json_array_size(streams) >= streams_max) {
			streams_omitted++;
			continue;
		}
		st = stream_json(r);
		if (p != NULL && listed_json != NULL)
			json_array_append(json_object_get(listed_json[p->order], "streams"), st);
		json_array_append_new(streams, st);
	}
	free(listed_json);
	free(picks);
	free(recs);

	json_object_set_new(doc, "sip", sip_stats_json(&sip_sum, &cts));
	for (c = 0; c < POP3_CTR_MAX; c++)
		json_object_set_new(pop3_o, pop3_ctr_name(c), json_integer((json_int_t)pop3.v[c]));
	for (c = 0; c < HTTP_MSG_CTR_MAX; c++)
		json_object_set_new(http_o, http_msg_ctr_name(c), json_integer((json_int_t)http.v[c]));
	json_object_set_new(doc, "pop3", pop3_o);
	json_object_set_new(doc, "http", http_o);
	json_object_set_new(doc, "applications",
			json_pack("{s:I, s:I, s:I, s:I}", "signatures",
					(json_int_t)voip_signature_count(), "state_pool_full",
					(json_int_t)apps_full, "tcp_gaps", (json_int_t)app_gaps,
					"tcp_retransmissions", (json_int_t)app_retrans));
	by_state = json_object();
	for (c = 0; c < CALL_S_MAX; c++)
		json_object_set_new(by_state, call_state_name(c), json_integer((json_int_t)n_state[c]));
	by_reason = json_object();
	for (c = 1; c < CALL_REASON_MAX; c++)
		json_object_set_new(by_reason, call_reason_name(c),
				json_integer((json_int_t)n_reason[c]));
	by_mos = json_object();
	for (c = 0; c < RTE_DIM(mos_band_lo); c++)
		json_object_set_new(by_mos, mos_band_name[c], json_integer((json_int_t)n_band[c]));
	json_object_set_new(by_mos, "none", json_integer((json_int_t)n_no_mos));
	by_mos_all = json_object();
	for (c = 0; c < RTE_DIM(mos_band_lo); c++)
		json_object_set_new(by_mos_all, mos_band_name[c],
				json_integer((json_int_t)n_band_all[c]));
	json_object_set_new(by_mos_all, "none", json_integer((json_int_t)n_no_mos_all));
	summary = json_pack("{s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:I}",
			"calls", (json_int_t)n_picks, "active",
			(json_int_t)(n_picks - n_state[CALL_S_TERMINATED]), "terminated",
			(json_int_t)n_state[CALL_S_TERMINATED], "by_state", by_state,
			"terminated_by_reason", by_reason, "active_by_mos", by_mos,
			"worst_active_mos", worst > 0 ? json_real(worst) : json_null(), "by_mos",
			by_mos_all, "worst_mos", worst_all > 0 ? json_real(worst_all) : json_null(),
			"streams",
			(json_int_t)n_recs, "calls_listed", (json_int_t)n_listed, "streams_listed",
			(json_int_t)json_array_size(streams));
	json_object_set_new(doc, "calls_summary", summary);
	json_object_set_new(doc, "calls", calls);
	json_object_set_new(doc, "calls_omitted", json_integer((json_int_t)(n_picks - n_listed)));
	for (c = 0; c < VPEP_CLASS_MAX; c++)
		json_object_set_new(classes, class_names[c],
				json_pack("{s:I, s:I, s:I}", "flows", (json_int_t)cs[c].flows,
						"packets", (json_int_t)cs[c].packets, "bytes",
						(json_int_t)cs[c].bytes));
	for (c = 0; c < MEDIA_CTR_MAX; c++)
		json_object_set_new(media, media_ctr_name((enum media_ctr)c),
				json_integer((json_int_t)media_ctr[c]));
	json_object_set_new(media, "undecided_flows", json_integer((json_int_t)undecided));
	json_object_set_new(media, "late_signalled", json_integer((json_int_t)late));
	json_object_set_new(media, "late_sip", json_integer((json_int_t)late_sip));
	json_object_set_new(media, "payload_types_refreshed", json_integer((json_int_t)refreshed));
	json_object_set_new(media, "signature_scan_errors", json_integer((json_int_t)scan_errors));
	json_object_set_new(media, "expectations", json_integer(media_expect_count()));
	json_object_set_new(doc, "classes", classes);
	json_object_set_new(doc, "media", media);
	json_object_set_new(doc, "rtp_streams", streams);
	json_object_set_new(doc, "rtp_streams_omitted", json_integer((json_int_t)streams_omitted));
}

void
voip_summary(FILE *f)
{
	json_t *doc = json_object(), *v, *classes, *calls, *streams;
	const char *k;
	size_t i;
	unsigned int n_mos = 0, by_reason[CALL_REASON_MAX] = { 0 }, r;
	double mos_sum = 0, mos_min = 5;

	voip_stats_json(doc, UINT32_MAX);
	classes = json_object_get(doc, "classes");
	fprintf(f, "  classes    :");
	i = 0;
	json_object_foreach(classes, k, v) {
		json_int_t n = json_integer_value(json_object_get(v, "flows"));

		if (n > 0)
			fprintf(f, "%s %s %" JSON_INTEGER_FORMAT, i++ ? "," : "", k, n);
	}
	fprintf(f, "%s\n", i ? "" : " none");
	calls = json_object_get(doc, "calls");
	json_array_foreach(calls, i, v) {
		const char *reason = json_string_value(json_object_get(v, "reason"));

		for (r = 0; r < CALL_REASON_MAX; r++)
			if (reason != NULL && strcmp(reason, call_reason_name(r)) == 0)
				by_reason[r]++;
	}
	fprintf(f, "  calls      : %zu", json_array_size(calls));
	for (r = 1; r < CALL_REASON_MAX; r++)
		if (by_reason[r])
			fprintf(f, ", %s %u", call_reason_name(r), by_reason[r]);
	fprintf(f, "\n");
	streams = json_object_get(doc, "rtp_streams");
	json_array_foreach(streams, i, v) {
		double m = json_number_value(json_object_get(v, "mos"));

		if (m > 0 && !json_is_true(json_object_get(v, "video"))) {
			n_mos++;
			mos_sum += m;
			mos_min = m < mos_min ? m : mos_min;
		}
	}
	fprintf(f, "  rtp        : %zu streams", json_array_size(streams));
	if (n_mos)
		fprintf(f, ", MOS mean %.2f, lowest %.2f", mos_sum / n_mos, mos_min);
	fprintf(f, "\n  sip        : %" JSON_INTEGER_FORMAT " messages, %" JSON_INTEGER_FORMAT
		   " malformed\n",
			json_integer_value(json_object_get(json_object_get(doc, "sip"), "messages")),
			json_integer_value(json_object_get(json_object_get(doc, "sip"), "malformed")));
	json_decref(doc);
}
