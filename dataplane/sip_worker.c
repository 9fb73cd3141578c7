/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <rte_hash_crc.h>

#include "endpoint_fmt.h"
#include "media_expect.h"
#include "rtp_pt.h"
#include "sdp_parse.h"
#include "dp.h"
#include "policy.h"
#include "vpep_ipc.h"
#include "sip_worker.h"

/* Timers run at most this often; expectations are withdrawn within this of their linger. */
#define SIP_TICK_PERIOD_NS (100ull * 1000 * 1000)
#define SIP_TICK_BUDGET	   256
/* Messages framed from one datagram at most (a datagram is at most 64 KiB anyway). */
#define SIP_MAX_MSGS_PER_DGRAM 16

static const char *const ctr_names[SIPW_CTR_MAX] = {
#define SIPW_CTR_NAME_(id, name) name,
	SIPW_CTR_LIST(SIPW_CTR_NAME_)
#undef SIPW_CTR_NAME_
};

static const char *const seg_names[TCP_SEG_MAX] = {
#define SEG_NAME_(id, name) name,
	TCP_SEG_LIST(SEG_NAME_)
#undef SEG_NAME_
};

static size_t
align64(size_t n)
{
	return (n + 63) & ~(size_t)63;
}

size_t
sip_worker_mem_size(const struct sip_conf *c)
{
	return align64(call_table_mem_size(c->calls)) +
	       align64((size_t)c->calls * sizeof(struct sip_call_gate)) +
	       align64((size_t)c->tcp_flows * sizeof(struct sip_tcp_slot)) +
	       (size_t)c->tcp_flows * 2 * c->tcp_buffer;
}

int
sip_worker_init(struct sip_worker *sw, unsigned int worker_id, const struct sip_conf *c,
		void *(*alloc)(void *ctx, size_t bytes), void *ctx)
{
	size_t ct_bytes = call_table_mem_size(c->calls);
	uint32_t i;

	memset(sw, 0, offsetof(struct sip_worker, upd));
	sw->worker_id = worker_id;
	if (ct_bytes == 0 || c->tcp_buffer > TCP_STREAM_CAP_MAX)
		return -EINVAL;
	sw->ct_mem = alloc(ctx, ct_bytes);
	if (sw->ct_mem == NULL)
		return -ENOMEM;
	if (call_table_init(&sw->ct, sw->ct_mem, ct_bytes, c->calls, &c->ct) != 0)
		return -EINVAL;
	sw->gates = alloc(ctx, (size_t)c->calls * sizeof(*sw->gates));
	if (sw->gates == NULL)
		return -ENOMEM;
	sw->tcp_n = c->tcp_flows;
	sw->tcp_cap = c->tcp_buffer;
	sw->tcp_free = SIP_TCP_NONE;
	if (sw->tcp_n > 0) {
		sw->tcp = alloc(ctx, (size_t)sw->tcp_n * sizeof(*sw->tcp));
		sw->tcp_buf = alloc(ctx, (size_t)sw->tcp_n * 2 * sw->tcp_cap);
		if (sw->tcp == NULL || sw->tcp_buf == NULL)
			return -ENOMEM;
		for (i = sw->tcp_n; i-- > 0;) {
			sw->tcp[i].next_free = sw->tcp_free;
			sw->tcp_free = i;
		}
	}
	return 0;
}

void
sip_worker_free(struct sip_worker *sw, void (*release)(void *ptr))
{
	release(sw->ct_mem);
	release(sw->gates);
	sw->gates = NULL;
	release(sw->tcp);
	release(sw->tcp_buf);
	sw->ct_mem = NULL;
	sw->tcp = NULL;
	sw->tcp_buf = NULL;
}

/* CRC32-C of a Call-ID, read through memcpy: it sits at any alignment in the packet (and
 * rte_hash_crc() would load it as uint64_t, undefined behaviour there). */
static inline uint32_t
steer_crc(const uint8_t *s, uint32_t len)
{
	uint32_t h = 0x5eed5150;
	uint64_t v8;
	uint32_t v4 = 0;

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&v8, s, 8);
		h = rte_hash_crc_8byte(v8, h);
	}
	if (len > 0) {
		memcpy(&v4, s, len >= 4 ? 4 : len);
		h = rte_hash_crc_4byte(v4, h);
		if (len > 4) {
			v4 = 0;
			memcpy(&v4, s + 4, len - 4);
			h = rte_hash_crc_4byte(v4, h);
		}
	}
	return h;
}

uint32_t
sip_steer_hash(const uint8_t *p, uint32_t len)
{
	struct sip_str id;

	/* Every start line begins with an upper-case method or "SIP/2.0"; RTP starts 0x80+. */
	if (len < 16 || p[0] < 'A' || p[0] > 'Z' || !tcp_stream_sip_start(p, len))
		return 0;
	if (sip_call_id_peek(p, len, &id) != 0 || id.len == 0)
		return 0;
	return steer_crc(p + id.off, id.len) | 1u;
}

/* ---- media expectations ---- */

static void
expect_key(struct media_key *k, const struct call_expect_key *ck)
{
	media_key_set(k, ck->family, ck->addr, ck->port);
}

/* Encoding name of pt: this message's rtpmap for the m= line when it has one, else static. */
static void
pt_name(char out[16], const struct sdp_session *sdp, const uint8_t *sdp_buf, unsigned int mi,
		uint8_t pt)
{
	const struct sdp_rtpmap *rm = NULL;
	const struct rtp_codec *c;

	out[0] = '\0';
	if (sdp != NULL && mi < sdp->nmedia)
		rm = sdp_media_rtpmap(sdp, mi, pt);
	if (rm != NULL && rm->enc.len > 0) {
		uint32_t n = rm->enc.len < 15 ? rm->enc.len : 15;

		memcpy(out, sdp_buf + rm->enc.off, n);
		out[n] = '\0';
		return;
	}
	c = rtp_pt_static(pt);
	if (c != NULL) {
		strncpy(out, c->name, 15);
		out[15] = '\0';
	}
}

/* ---- policy: admission when a call's media is first published, release at withdrawal ---- */

/* What the local rules look at, from the expectations just published for one call. */
struct admit_facts {
	char codecs[CALL_MAX_MEDIA * 2][16];
	unsigned int n_codecs;
	uint64_t bps[CALL_MAX_MEDIA]; /* per m= line: its first codec's bandwidth */
};

static void
admit_note(struct admit_facts *af, const struct call_expect *e, const struct media_expect_info *info,
		const struct policy_conf *pc)
{
	unsigned int j, m = e->media_idx < CALL_MAX_MEDIA ? e->media_idx : CALL_MAX_MEDIA - 1;
	uint64_t bps = 0;

	if (e->kind == CALL_EXPECT_RTCP)
		return;
	for (j = 0; j < info->n_pt; j++) {
		unsigned int k;

		if (info->pt[j].pt == info->te_pt || info->pt[j].name[0] == '\0')
			continue;
		for (k = 0; k < af->n_codecs; k++)
			if (strcmp(af->codecs[k], info->pt[j].name) == 0)
				break;
		if (k == af->n_codecs && af->n_codecs < RTE_DIM(af->codecs))
			memcpy(af->codecs[af->n_codecs++], info->pt[j].name, 16);
		/* an offer lists alternatives: size for the most demanding until the answer
		 * (published next) narrows the list */
		bps = RTE_MAX(bps, policy_codec_bps(info->pt[j].name, info->pt[j].clock,
					   e->key.family));
	}
	if (bps == 0)
		bps = info->is_video ? pc->gate.video_bps : pc->gate.unknown_codec_bps;
	if (bps > af->bps[m])
		af->bps[m] = bps;
}

static void
ipc_addr(struct vpep_ipc_addr *a, uint8_t family, const uint8_t *addr)
{
	memset(a, 0, sizeof(*a));
	if (family != CALL_AF_IP4 && family != CALL_AF_IP6)
		return;
	a->family = family;
	a->prefix_len = family == CALL_AF_IP4 ? 32 : 128;
	memcpy(a->addr, addr, family == CALL_AF_IP4 ? 4 : 16);
}

/* The link's admission event for a call: identities, and per m= line both sides' RTP and
 * RTCP endpoints with the first codec (include/vpep_ipc.h). */
static void
admission_event(struct vpep_ipc_admission *ev, const struct call *c, const struct admit_facts *af)
{
	unsigned int i, n;

	memset(ev, 0, sizeof(*ev));
	if (c->sig.l4proto == 6)
		ev->flags |= VPEP_IPC_ADM_TCP;
	ipc_addr(&ev->caller_addr, c->sig.family, c->sig.src);
	snprintf(ev->call_id, sizeof(ev->call_id), "%s", c->call_id);
	snprintf(ev->from_uri, sizeof(ev->from_uri), "%s", c->from);
	snprintf(ev->to_uri, sizeof(ev->to_uri), "%s", c->to);
	n = c->nmedia;
	if (c->oa_pending && c->oa_nmedia > n)
		n = c->oa_nmedia;
	for (i = 0; i < n && i < CALL_MAX_MEDIA && ev->n_media < VPEP_IPC_MAX_MEDIA; i++) {
		const struct call_media_side *o = &c->media[i].side[CALL_SIDE_CALLER];
		const struct call_media_side *a = &c->media[i].side[CALL_SIDE_CALLEE];
		struct vpep_ipc_media *m = &ev->media[ev->n_media];

		/* an offer not answered yet is only in the pending list */
		if (c->oa_pending && i < c->oa_nmedia) {
			if (c->oa_side == CALL_SIDE_CALLER && !(o->flags & CALL_MS_PRESENT))
				o = &c->pending[i];
			else if (c->oa_side == CALL_SIDE_CALLEE && !(a->flags & CALL_MS_PRESENT))
				a = &c->pending[i];
		}

		if (!(o->flags & CALL_MS_PRESENT) && !(a->flags & CALL_MS_PRESENT))
			continue;
		ipc_addr(&m->offer_addr, o->family, o->addr);
		ipc_addr(&m->answer_addr, a->family, a->addr);
		m->offer_port = o->port;
		m->answer_port = a->port;
		m->offer_rtcp_port = c->media[i].rtcp_mux ? o->port : o->rtcp_port;
		m->answer_rtcp_port = c->media[i].rtcp_mux ? a->port : a->rtcp_port;
		m->media_type = o->type == SDP_MEDIA_VIDEO || a->type == SDP_MEDIA_VIDEO ?
				VPEP_IPC_MEDIA_VIDEO : o->type == SDP_MEDIA_AUDIO ||
				a->type == SDP_MEDIA_AUDIO ? VPEP_IPC_MEDIA_AUDIO : VPEP_IPC_MEDIA_OTHER;
		m->payload_type = a->npt > 0 ? a->pt[0] : o->npt > 0 ? o->pt[0] : 0;
		m->clock_rate = a->npt > 0 ? a->clock[0] : o->npt > 0 ? o->clock[0] : 0;
		m->bandwidth_bps = (uint32_t)RTE_MIN(af->bps[i < CALL_MAX_MEDIA ? i : 0],
				(uint64_t)UINT32_MAX);
		if (i < af->n_codecs)
			memcpy(m->codec, af->codecs[i], sizeof(m->codec) - 1);
		ev->n_media++;
	}
}

static void
admit_call(struct sip_worker *sw, struct call_ref ref, const struct admit_facts *af,
		uint64_t now_ns)
{
	const struct call *c = call_table_get(&sw->ct, ref);
	uint64_t h = sip_call_handle(sw->worker_id, ref), bps = 0;
	struct sip_call_gate *sg;
	struct policy_call_facts f;
	unsigned int i;

	if (c == NULL || ref.slot >= sw->ct.capacity)
		return;
	sg = &sw->gates[ref.slot];
	for (i = 0; i < CALL_MAX_MEDIA; i++)
		bps += af->bps[i];
	memset(&f, 0, sizeof(f));
	f.caller = c->from;
	f.callee = c->to;
	f.codecs = (const char(*)[16])af->codecs;
	f.n_codecs = af->n_codecs;
	f.bandwidth_bps = bps;
	admission_event(&sw->adm_ev, c, af);
	if (sg->handle == h) {
		/* an answer or a re-offer changed the media: resize a locally decided gate */
		policy_call_update(sw->worker_id, h, &f, sg->family, sg->addr, now_ns, &sw->adm_ev);
		return;
	}
	sg->family = c->sig.family;
	memcpy(sg->addr, c->sig.src, 16);
	sg->start_ns = now_ns;
	if (policy_call_admit(sw->worker_id, h, &f, sg->family, sg->addr, now_ns,
			    &sw->adm_ev) >= 0)
		sg->handle = h;
}

/* A withdrawal for ref: when the call is over (or gone), its gate goes with its media. */
static void
release_call(struct sip_worker *sw, struct call_ref ref, uint64_t now_ns)
{
	const struct call *c;
	struct sip_call_gate *sg;
	uint64_t h = sip_call_handle(sw->worker_id, ref);

	if (ref.slot >= sw->ct.capacity)
		return;
	sg = &sw->gates[ref.slot];
	if (sg->handle != h)
		return;
	c = call_table_get(&sw->ct, ref);
	if (c != NULL && c->state != CALL_S_TERMINATED)
		return; /* a re-offer moved the media; the call goes on */
	{
		struct vpep_ipc_call_end ev;

		memset(&ev, 0, sizeof(ev));
		if (c != NULL) {
			ev.reason = c->reason;
			snprintf(ev.call_id, sizeof(ev.call_id), "%s", c->call_id);
			ev.duration_ms = (uint32_t)RTE_MIN(call_duration_ns(c, now_ns) / 1000000,
					(uint64_t)UINT32_MAX);
		}
		policy_call_release(sw->worker_id, h, sg->family, sg->addr, now_ns, &ev);
	}
	sg->handle = 0;
}

static void
apply_update(struct sip_worker *sw, const struct sdp_session *sdp, const uint8_t *sdp_buf,
		uint64_t now_ns)
{
	const struct call_update *u = &sw->upd;
	const struct policy_conf *pc = policy_current();
	struct media_expect_info info;
	struct admit_facts af;
	struct call_ref admit_ref = { 0, 0 };
	bool admit = false;
	struct media_key k;
	unsigned int i, j;
	int rc;

	memset(&af, 0, sizeof(af));
	for (i = 0; i < u->ndel; i++) {
		release_call(sw, u->del[i].ref, now_ns);
		expect_key(&k, &u->del[i]);
		rc = media_expect_del_owned(&k, sip_call_handle(sw->worker_id, u->del[i].ref));
		if (rc == 0)
			sw->st.ctr[SIPW_CTR_EXPECT_DELETED]++;
		else if (rc == -EBUSY)
			sw->st.ctr[SIPW_CTR_EXPECT_STALE]++;
	}
	for (i = 0; i < u->nadd; i++) {
		const struct call_expect *e = &u->add[i];

		memset(&info, 0, sizeof(info));
		info.call = sip_call_handle(sw->worker_id, e->key.ref);
		info.kind = e->kind == CALL_EXPECT_RTCP	   ? MEDIA_RTCP :
			    e->kind == CALL_EXPECT_RTP_MUX ? MEDIA_RTP_RTCP :
							     MEDIA_RTP;
		info.media_idx = e->media_idx;
		info.te_pt = e->te_pt;
		info.is_video = e->media_type == SDP_MEDIA_VIDEO;
		info.n_pt = e->npt < MEDIA_EXPECT_MAX_PT ? e->npt : MEDIA_EXPECT_MAX_PT;
		for (j = 0; j < info.n_pt; j++) {
			info.pt[j].pt = e->pt[j];
			info.pt[j].clock = e->clock[j];
			pt_name(info.pt[j].name, sdp, sdp_buf, e->media_idx, e->pt[j]);
		}
		expect_key(&k, &e->key);
		if (media_expect_add(&k, &info) == 0)
			sw->st.ctr[SIPW_CTR_EXPECT_ADDED]++;
		else
			sw->st.ctr[SIPW_CTR_EXPECT_FULL]++;
		if (pc != NULL) {
			/* one message publishes media of one call */
			if (admit && (admit_ref.slot != e->key.ref.slot ||
					     admit_ref.gen != e->key.ref.gen)) {
				admit_call(sw, admit_ref, &af, now_ns);
				memset(&af, 0, sizeof(af));
			}
			admit_ref = e->key.ref;
			admit = true;
			admit_note(&af, e, &info, pc);
		}
	}
	if (admit)
		admit_call(sw, admit_ref, &af, now_ns);
}

/* ---- messages ---- */

static void
count_message(struct sip_worker *sw, const struct sip_msg *m)
{
	sw->st.ctr[SIPW_CTR_MESSAGES]++;
	if (m->kind == SIP_KIND_REQUEST)
		sw->st.requests[m->method < SIP_METHOD_MAX ? m->method : SIP_METHOD_UNKNOWN]++;
	else if (m->status >= SIP_STATUS_MIN && m->status <= SIP_STATUS_MAX)
		sw->st.responses[m->status - SIP_STATUS_MIN]++;
}

/* A complete message at buf (msg parsed): count it, track its call, publish its media. */
static void
handle_message(struct sip_worker *sw, const uint8_t *buf, const struct sip_msg *msg,
		const struct call_sig *sig, uint64_t now_ns)
{
	const struct sdp_session *sdp = NULL;
	const uint8_t *sdp_buf = NULL;
	const struct policy_gate *gt;
	struct call_ref ref = { 0, 0 };

	count_message(sw, msg);
	if (dp.policy_on && msg->kind == SIP_KIND_REQUEST && sig->family != 0) {
		bool sweep = msg->method == SIP_METHOD_REGISTER || msg->method == SIP_METHOD_OPTIONS;
		const uint8_t *user = NULL;
		uint32_t user_len = 0;
		struct sip_uri uri;
		uint8_t hint;

		if (sweep && msg->to.uri.len > 0 && sip_uri_parse(buf, msg->to.uri, &uri) == 0) {
			user = uri.scheme == SIP_URI_TEL ? buf + uri.number.off : buf + uri.user.off;
			user_len = uri.scheme == SIP_URI_TEL ? uri.number.len : uri.user.len;
		}
		hint = policy_sip_request(dp.workers[sw->worker_id], sig->family, sig->src,
				msg->user_agent.len ? buf + msg->user_agent.off : NULL,
				msg->user_agent.len, user, user_len, sweep, now_ns);
		if (hint != POLICY_SIP_NONE) {
			/* dropped before it reaches the service: it makes no call either */
			sw->hint = hint;
			return;
		}
	}
	if (msg->flags & SIP_F_SDP) {
		sdp_buf = buf + msg->sdp.off;
		if (sdp_parse(sdp_buf, msg->sdp.len, &sw->sdp) == SDP_PARSE_OK)
			sdp = &sw->sdp;
		else
			sw->st.ctr[SIPW_CTR_SDP_MALFORMED]++;
	}
	if (call_table_sip(&sw->ct, buf, msg, sdp, now_ns, sig, &sw->upd, &ref) < 0)
		return;
	if (sw->upd.nadd || sw->upd.ndel)
		apply_update(sw, sdp, sdp_buf, now_ns);
	gt = policy_call_gate(sip_call_handle(sw->worker_id, ref));
	if (gt != NULL && gt->verdict == POLICY_DENY && gt->deny_signalling)
		sw->hint = POLICY_SIP_DENIED_CALL;
}

static void
count_error(struct sip_worker *sw, const struct sip_msg *m)
{
	sw->st.ctr[SIPW_CTR_MALFORMED]++;
	sw->st.errors[m->err < SIP_ERR_MAX ? m->err : SIP_ERR_NONE]++;
}

void
sip_worker_datagram(struct sip_worker *sw, const uint8_t *p, uint32_t len,
		const struct call_sig *sig, uint64_t now_ns)
{
	struct sip_msg *m = &sw->msg;
	uint32_t off = 0;
	unsigned int n_msgs = 0;

	/* NAT keep-alives some user agents send instead of CRLF: a few spaces, tabs or zeros. */
	if (len <= 16) {
		uint32_t i;

		for (i = 0; i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\0' ||
				p[i] == '\r' || p[i] == '\n'); i++)
			;
		if (i == len) {
			sw->st.ctr[SIPW_CTR_KEEPALIVES]++;
			return;
		}
	}
	while (off < len && n_msgs < SIP_MAX_MSGS_PER_DGRAM) {
		int rc = sip_msg_parse(p + off, len - off, SIP_TRANSPORT_DGRAM, m);

		if (rc < 0) {
			/* Octets after a message that are not a message of their own are the
			 * "trailing octets" RFC 3261 18.3 says to discard; the first thing in
			 * the datagram is counted as malformed (or as not SIP at all). */
			if (n_msgs > 0)
				sw->st.ctr[SIPW_CTR_TRAILING_DISCARDED]++;
			else if (m->kind == SIP_KIND_NONE)
				sw->st.ctr[SIPW_CTR_NOT_SIP]++;
			else
				count_error(sw, m);
			return;
		}
		if (m->kind == SIP_KIND_KEEPALIVE) {
			sw->st.ctr[SIPW_CTR_KEEPALIVES]++;
			off += (uint32_t)rc;
			continue;
		}
		if (n_msgs++ > 0)
			sw->st.ctr[SIPW_CTR_EXTRA_IN_DATAGRAM]++;
		/* Over a datagram the parser takes the rest of it; the message is msg_len long
		 * and what follows may be another message (RFC 4475 3.1.2.x, some UAs). */
		handle_message(sw, p + off, m, sig, now_ns);
		if (m->trailing_len == 0)
			return;
		if (!tcp_stream_sip_start(p + off + m->msg_len, m->trailing_len)) {
			sw->st.ctr[SIPW_CTR_TRAILING_DISCARDED]++;
			return;
		}
		off += m->msg_len;
	}
}

void
sip_worker_tcp_release(struct sip_worker *sw, uint32_t slot)
{
	if (slot >= sw->tcp_n)
		return;
	sw->tcp[slot].next_free = sw->tcp_free;
	sw->tcp_free = slot;
}

static uint32_t
tcp_slot_take(struct sip_worker *sw)
{
	uint32_t s = sw->tcp_free;
	uint8_t *b;

	if (s == SIP_TCP_NONE)
		return SIP_TCP_NONE;
	sw->tcp_free = sw->tcp[s].next_free;
	b = sw->tcp_buf + (size_t)s * 2 * sw->tcp_cap;
	tcp_stream_init(&sw->tcp[s].st[0], b, sw->tcp_cap);
	tcp_stream_init(&sw->tcp[s].st[1], b + sw->tcp_cap, sw->tcp_cap);
	return s;
}

void
sip_worker_segment(struct sip_worker *sw, uint32_t *slot, uint8_t dir, uint32_t seq,
		uint8_t tcp_flags, const uint8_t *p, uint32_t len, const struct call_sig *sig,
		uint64_t now_ns)
{
	struct sip_msg *m = &sw->msg;
	struct tcp_stream *st;
	int r;

	if (*slot == SIP_TCP_NONE) {
		*slot = tcp_slot_take(sw);
		if (*slot == SIP_TCP_NONE) {
			sw->st.ctr[SIPW_CTR_TCP_NO_BUFFER]++;
			*slot = SIP_TCP_NONE - 1; /* tried: do not count this flow again */
			return;
		}
	}
	if (*slot >= sw->tcp_n)
		return;
	st = &sw->tcp[*slot].st[dir & 1];
	r = tcp_stream_segment(st, seq, tcp_flags, p, len);
	if (r >= 0 && r < TCP_SEG_MAX)
		sw->st.tcp_segments[r]++;
	for (;;) {
		uint32_t n;
		const uint8_t *d = tcp_stream_data(st, &n);
		int rc;

		if (n == 0)
			break;
		rc = sip_msg_parse(d, n, SIP_TRANSPORT_STREAM, m);
		if (rc > 0) {
			if (m->kind == SIP_KIND_KEEPALIVE)
				sw->st.ctr[SIPW_CTR_KEEPALIVES]++;
			else
				handle_message(sw, d, m, sig, now_ns);
			tcp_stream_consume(st, (uint32_t)rc);
		} else if (rc == SIP_PARSE_NEED_MORE) {
			if (m->msg_len > tcp_stream_cap(st)) {
				sw->st.ctr[SIPW_CTR_TCP_MSG_SKIPPED]++;
				tcp_stream_skip(st, m->msg_len);
			}
			break;
		} else {
			if (m->kind == SIP_KIND_NONE)
				sw->st.ctr[SIPW_CTR_NOT_SIP]++;
			else
				count_error(sw, m);
			sw->st.ctr[SIPW_CTR_TCP_RESYNC]++;
			tcp_stream_lose(st);
			break;
		}
	}
}

void
sip_worker_tick(struct sip_worker *sw, uint64_t now_ns)
{
	unsigned int rounds = 0;

	if (now_ns < sw->next_tick_ns)
		return;
	sw->next_tick_ns = now_ns + SIP_TICK_PERIOD_NS;
	do {
		call_table_tick(&sw->ct, now_ns, &sw->upd, SIP_TICK_BUDGET);
		if (sw->upd.nadd || sw->upd.ndel)
			apply_update(sw, NULL, NULL, now_ns);
	} while (sw->upd.more && ++rounds < 8);
}

void
sip_worker_finish(struct sip_worker *sw, uint64_t now_ns)
{
	call_table_finish(&sw->ct, now_ns);
}

const struct call *
sip_worker_call(const struct sip_worker *sw, uint64_t handle)
{
	struct call_ref ref;
	unsigned int w;

	if (sip_call_handle_split(handle, &w, &ref) != 0 || w != sw->worker_id)
		return NULL;
	return call_table_get(&sw->ct, ref);
}

/* ---- JSON ---- */

/* Wire bytes as a JSON string: UTF-8 as is; anything else (or a NUL) as '?'. */
static json_t *
str_json(const char *s, unsigned int len)
{
	char clean[CALL_URI_MAX > CALL_ID_MAX ? CALL_URI_MAX : CALL_ID_MAX];
	json_t *j = json_stringn(s, len);
	unsigned int i;

	if (j != NULL)
		return j;
	if (len > sizeof(clean))
		len = sizeof(clean);
	for (i = 0; i < len; i++)
		clean[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	return json_stringn(clean, len);
}

static json_t *
time_json(const struct call *c, unsigned int bit, uint64_t t)
{
	if (bit != 0 && !(c->tset & bit))
		return json_null();
	return json_real((double)t / 1e9);
}

static json_t *
addr_json(uint8_t family, const uint8_t *a, uint16_t port)
{
	char out[INET6_ADDRSTRLEN + 8];

	if (family != CALL_AF_IP4 && family != CALL_AF_IP6)
		return json_null();
	dp_format_endpoint(out, sizeof(out), family, a, port);
	return json_string(out);
}

json_t *
sip_call_json(const struct call *c, uint64_t handle, uint64_t now_ns)
{
	json_t *o = json_object(), *codecs = json_array(), *media = json_array(), *sig;
	char h[24];
	unsigned int i, s;

	snprintf(h, sizeof(h), "%016" PRIx64, handle);
	json_object_set_new(o, "handle", json_string(h));
	json_object_set_new(o, "call_id", str_json(c->call_id, c->call_id_len < CALL_ID_MAX ?
									c->call_id_len :
									CALL_ID_MAX - 1));
	json_object_set_new(o, "state", json_string(call_state_name(c->state)));
	json_object_set_new(o, "reason", c->reason ? json_string(call_reason_name(c->reason)) :
						     json_null());
	json_object_set_new(o, "final_code", c->code ? json_integer(c->code) : json_null());
	if (c->reason == CALL_REASON_BYE)
		json_object_set_new(o, "bye_side", json_string(call_side_name(c->bye_side)));
	json_object_set_new(o, "from", str_json(c->from, c->from_len));
	json_object_set_new(o, "to", str_json(c->to, c->to_len));
	json_object_set_new(o, "from_tag", str_json(c->from_tag, c->from_tag_len));
	json_object_set_new(o, "to_tag", str_json(c->to_tag, c->to_tag_len));
	json_object_set_new(o, "from_display", str_json(c->from_display, c->from_display_len));
	json_object_set_new(o, "to_display", str_json(c->to_display, c->to_display_len));
	json_object_set_new(o, "user_agent", str_json(c->user_agent, c->user_agent_len));
	json_object_set_new(o, "setup_time", time_json(c, 0, c->setup_time));
	json_object_set_new(o, "ringing_time", time_json(c, CALL_T_RINGING, c->ringing_time));
	json_object_set_new(o, "answer_time", time_json(c, CALL_T_ANSWER, c->answer_time));
	json_object_set_new(o, "established_time",
			time_json(c, CALL_T_ESTABLISHED, c->established_time));
	json_object_set_new(o, "end_time", time_json(c, CALL_T_END, c->end_time));
	json_object_set_new(o, "duration_s", json_real((double)call_duration_ns(c, now_ns) / 1e9));
	for (i = 0; i < c->ncodecs && i < CALL_MAX_CODECS; i++)
		json_array_append_new(codecs, json_string(c->codecs[i]));
	json_object_set_new(o, "codecs", codecs);
	json_object_set_new(o, "flags", json_integer(c->flags));
	json_object_set_new(o, "partial", json_boolean(c->flags & CALL_F_PARTIAL));
	json_object_set_new(o, "on_hold", json_boolean(c->flags & CALL_F_HOLD));
	json_object_set_new(o, "hold_count", json_integer(c->hold_count));
	sig = json_pack("{s:i, s:o, s:o}", "l4_proto", c->sig.l4proto, "src",
			addr_json(c->sig.family, c->sig.src, c->sig.sport), "dst",
			addr_json(c->sig.family, c->sig.dst, c->sig.dport));
	json_object_set_new(o, "signalling", sig);
	json_object_set_new(o, "messages",
			json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:[i,i,i,i,i,i], s:i, "
				  "s:i}",
					"invite", c->counts.invite, "reinvite", c->counts.reinvite,
					"ack", c->counts.ack, "bye", c->counts.bye, "cancel",
					c->counts.cancel, "prack", c->counts.prack, "update",
					c->counts.update, "other_requests", c->counts.other_req,
					"responses", c->counts.resp[0], c->counts.resp[1],
					c->counts.resp[2], c->counts.resp[3], c->counts.resp[4],
					c->counts.resp[5], "retransmissions", c->counts.retrans,
					"stray", c->counts.stray));
	for (i = 0; i < c->nmedia && i < CALL_MAX_MEDIA; i++) {
		json_t *mo = json_object(), *sides = json_object();

		json_object_set_new(mo, "rtcp_mux", json_boolean(c->media[i].rtcp_mux));
		for (s = 0; s < 2; s++) {
			const struct call_media_side *ms = &c->media[i].side[s];

			if (!(ms->flags & CALL_MS_PRESENT))
				continue;
			json_object_set_new(sides, call_side_name(s),
					json_pack("{s:o, s:i, s:b}", "rtp",
							addr_json(ms->family, ms->addr, ms->port),
							"payload_types", ms->npt, "hold",
							(ms->flags & CALL_MS_HOLD) != 0));
		}
		json_object_set_new(mo, "sides", sides);
		json_array_append_new(media, mo);
	}
	json_object_set_new(o, "media", media);
	return o;
}

/* Both structs are nothing but uint64_t counters: sum them as arrays. */
static void
add_u64s(void *sum, const void *add, size_t bytes)
{
	const uint64_t *a = add;
	uint64_t *b = sum;
	size_t i;

	for (i = 0; i < bytes / sizeof(uint64_t); i++)
		b[i] += a[i];
}

void
sip_stats_add(struct sip_stats *sum, struct call_table_stats *cts, const struct sip_worker *sw)
{
	add_u64s(sum, &sw->st, sizeof(sw->st));
	add_u64s(cts, &sw->ct.stats, sizeof(sw->ct.stats));
}

json_t *
sip_stats_json(const struct sip_stats *s, const struct call_table_stats *cts)
{
	json_t *o = json_object(), *req = json_object(), *resp = json_object();
	json_t *err = json_object(), *seg = json_object(), *calls = json_object();
	char code[8];
	unsigned int i;

	for (i = 0; i < SIPW_CTR_MAX; i++)
		json_object_set_new(o, ctr_names[i], json_integer((json_int_t)s->ctr[i]));
	for (i = 0; i < SIP_METHOD_MAX; i++)
		json_object_set_new(req, sip_method_name(i), json_integer((json_int_t)s->requests[i]));
	for (i = 0; i <= SIP_STATUS_MAX - SIP_STATUS_MIN; i++) {
		if (s->responses[i] == 0)
			continue;
		snprintf(code, sizeof(code), "%u", i + SIP_STATUS_MIN);
		json_object_set_new(resp, code, json_integer((json_int_t)s->responses[i]));
	}
	for (i = 1; i < SIP_ERR_MAX; i++)
		json_object_set_new(err, sip_err_name(i), json_integer((json_int_t)s->errors[i]));
	for (i = 0; i < TCP_SEG_MAX; i++)
		json_object_set_new(seg, seg_names[i], json_integer((json_int_t)s->tcp_segments[i]));
	for (i = 0; i < CALL_SIP_MAX; i++)
		json_object_set_new(calls, call_sip_result_name((int)i),
				json_integer((json_int_t)cts->sip[i]));
	json_object_set_new(calls, "created", json_integer((json_int_t)cts->created));
	json_object_set_new(calls, "revived", json_integer((json_int_t)cts->revived));
	json_object_set_new(calls, "evicted_terminated",
			json_integer((json_int_t)cts->evicted_terminated));
	json_object_set_new(calls, "evicted_setup", json_integer((json_int_t)cts->evicted_setup));
	json_object_set_new(calls, "evicted_active", json_integer((json_int_t)cts->evicted_active));
	json_object_set_new(calls, "timeout_setup", json_integer((json_int_t)cts->timeout_setup));
	json_object_set_new(calls, "timeout_session",
			json_integer((json_int_t)cts->timeout_session));
	json_object_set_new(calls, "freed", json_integer((json_int_t)cts->freed));
	json_object_set_new(calls, "sdp_ignored", json_integer((json_int_t)cts->sdp_ignored));
	json_object_set_new(calls, "sdp_unusable", json_integer((json_int_t)cts->sdp_unusable));
	json_object_set_new(o, "requests", req);
	json_object_set_new(o, "responses", resp);
	json_object_set_new(o, "malformed_reasons", err);
	json_object_set_new(o, "tcp_segments", seg);
	json_object_set_new(o, "call_table", calls);
	return o;
}
