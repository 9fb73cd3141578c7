/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <string.h>

#include "media_flow.h"
#include "rtp_parse.h"
#include "rtp_pt.h"

/* Largest timestamp step a probation packet may take: 2 s at 48 kHz. */
#define PROBE_MAX_TS_STEP 96000u

static const char *const ctr_names[MEDIA_CTR_MAX] = {
#define X(n, d) #n,
	MEDIA_COUNTERS(X)
#undef X
};

const char *
media_ctr_name(enum media_ctr c)
{
	return (unsigned int)c < MEDIA_CTR_MAX ? ctr_names[c] : "?";
}

size_t
media_pool_mem_size(uint32_t flows, uint32_t log_cap)
{
	return (size_t)flows * sizeof(struct media_flow) +
	       (size_t)log_cap * sizeof(struct media_stream_record);
}

void
media_pool_init(struct media_pool *p, void *mem, uint32_t flows, uint32_t log_cap,
		const struct mos_config *mos)
{
	uint32_t i;

	memset(p, 0, sizeof(*p));
	p->flows = mem;
	p->capacity = flows;
	p->log = (struct media_stream_record *)((uint8_t *)mem +
						(size_t)flows * sizeof(struct media_flow));
	p->log_cap = log_cap;
	p->mos = *mos;
	for (i = 0; i < flows; i++)
		p->flows[i].next_free = i + 1 < flows ? i + 1 : MEDIA_NIL;
	p->free_head = flows ? 0 : MEDIA_NIL;
}

static void
take_info(struct media_flow *f, const struct media_expect_info *info)
{
	unsigned int i;

	f->call = info->call;
	f->kind = info->kind;
	f->te_pt = info->te_pt;
	f->media_idx = info->media_idx;
	f->is_video = info->is_video;
	f->n_pt = info->n_pt > MEDIA_EXPECT_MAX_PT ? MEDIA_EXPECT_MAX_PT : info->n_pt;
	for (i = 0; i < f->n_pt; i++) {
		f->pt[i].pt = info->pt[i].pt;
		f->pt[i].clock = info->pt[i].clock;
		memcpy(f->pt[i].name, info->pt[i].name, sizeof(f->pt[i].name));
	}
}

uint32_t
media_flow_alloc(struct media_pool *p, const struct media_expect_info *info,
		const struct media_endpoints *ep)
{
	struct media_flow *f;
	uint32_t id = p->free_head;

	if (id == MEDIA_NIL) {
		p->ctr[MEDIA_CTR_media_pool_full]++;
		return MEDIA_NIL;
	}
	f = &p->flows[id];
	p->free_head = f->next_free;
	memset(f, 0, sizeof(*f));
	f->in_use = 1;
	f->ep = *ep;
	f->te_pt = RTP_PT_NONE;
	f->dir[0].loop_us = f->dir[1].loop_us = -1;
	f->last_pt = RTP_PT_NONE;
	if (info != NULL) {
		take_info(f, info);
	} else {
		f->kind = MEDIA_RTP;
		f->dir[0].probing = f->dir[1].probing = true;
	}
	p->used++;
	return id;
}

void
media_flow_signal(struct media_pool *p, uint32_t id, const struct media_expect_info *info)
{
	struct media_flow *f = &p->flows[id];
	unsigned int d, i, k;

	if (!f->in_use)
		return;
	take_info(f, info);
	for (d = 0; d < 2; d++) {
		f->dir[d].probing = false;
		/* Streams already running learn the (new) payload type map. */
		for (i = 0; i < MEDIA_SLOTS; i++) {
			struct media_slot *sl = &f->dir[d].slot[i];

			if (!sl->used)
				continue;
			for (k = 0; k < f->n_pt; k++)
				rtp_stream_map_pt(&sl->rtp, f->pt[k].pt, f->pt[k].clock,
						f->pt[k].pt == f->te_pt);
		}
	}
}

bool
media_flow_knows_pt(const struct media_flow *f, uint8_t pt)
{
	unsigned int i;

	for (i = 0; i < f->n_pt; i++)
		if (f->pt[i].pt == pt)
			return true;
	return pt == f->te_pt || rtp_pt_static_clock(pt) != 0;
}

/* Clock of a payload type: the SDP's rtpmap, else the RFC 3551 static table. */
static uint32_t
pt_clock(const struct media_flow *f, uint8_t pt)
{
	unsigned int i;

	for (i = 0; i < f->n_pt; i++)
		if (f->pt[i].pt == pt)
			return f->pt[i].clock;
	return rtp_pt_static_clock(pt);
}

static const char *
pt_name(const struct media_flow *f, uint8_t pt)
{
	const struct rtp_codec *c;
	unsigned int i;

	for (i = 0; i < f->n_pt; i++)
		if (f->pt[i].pt == pt && f->pt[i].name[0])
			return f->pt[i].name;
	c = rtp_pt_static(pt);
	return c ? c->name : "";
}

static void
slot_init(const struct media_pool *p, const struct media_flow *f, struct media_slot *sl,
		const struct rtp_hdr_info *h, uint64_t now_ns)
{
	unsigned int i;

	memset(sl, 0, sizeof(*sl));
	rtp_stream_init(&sl->rtp, h->ssrc, pt_clock(f, h->pt), h->pt, f->te_pt);
	for (i = 0; i < f->n_pt; i++)
		rtp_stream_map_pt(&sl->rtp, f->pt[i].pt, f->pt[i].clock, f->pt[i].pt == f->te_pt);
	if (p->mos.jb_ms)
		rtp_stream_set_jb(&sl->rtp, p->mos.jb_ms);
	sl->used = true;
	sl->pt = h->pt == f->te_pt ? RTP_PT_NONE : h->pt;
	sl->last_ns = now_ns;
}

/* One stream's report, with its MOS. */
static void
make_record(const struct media_pool *p, const struct media_flow *f, unsigned int d,
		const struct media_slot *sl, struct media_stream_record *r)
{
	const struct media_dir *dir = &f->dir[d];
	struct mos_input in;
	const char *name;

	memset(r, 0, sizeof(*r));
	r->call = f->call;
	r->bytes = sl->rtp.bytes;
	r->markers = sl->rtp.markers;
	r->pt_changes = sl->rtp.pt_changes;
	r->family = f->ep.family;
	r->pt = sl->pt != RTP_PT_NONE ? sl->pt : sl->rtp.last_pt;
	r->signalled = f->call != 0;
	r->is_video = f->is_video;
	memcpy(r->src, f->ep.addr[d], 16);
	memcpy(r->dst, f->ep.addr[!d], 16);
	r->sport = f->ep.port[d];
	r->dport = f->ep.port[!d];
	name = pt_name(f, r->pt);
	strncpy(r->codec, name, sizeof(r->codec) - 1);
	rtp_stream_report(&sl->rtp, &r->rep);
	/* End to end: both loops when both are known, else the one vpep saw. */
	if (f->dir[0].loop_us >= 0 && f->dir[1].loop_us >= 0)
		r->rtt_us = f->dir[0].loop_us + f->dir[1].loop_us;
	else if (f->dir[0].loop_us >= 0 || f->dir[1].loop_us >= 0)
		r->rtt_us = f->dir[0].loop_us >= 0 ? f->dir[0].loop_us : f->dir[1].loop_us;
	else
		r->rtt_us = -1;
	r->rtcp_sr = dir->rtcp_sr;
	r->rtcp_rr = dir->rtcp_rr;
	memset(&in, 0, sizeof(in));
	mos_input_from_stream(&in, &sl->rtp);
	in.codec = name[0] ? rtp_codec_by_name(name, (uint32_t)strlen(name)) : NULL;
	if (in.codec == NULL)
		in.codec = rtp_pt_static(r->pt);
	in.rtt_us = r->rtt_us;
	mos_compute(&in, &p->mos, &r->mos);
}

static void
log_slot(struct media_pool *p, const struct media_flow *f, unsigned int d,
		const struct media_slot *sl)
{
	if (!sl->used || sl->rtp.packets == 0)
		return;
	if (p->log_n == p->log_cap) {
		p->ctr[MEDIA_CTR_stream_log_full]++;
		return;
	}
	make_record(p, f, d, sl, &p->log[p->log_n++]);
}

/* The stream of this SSRC in direction d, starting one (and ending the oldest) if needed. */
static struct media_slot *
slot_for(struct media_pool *p, struct media_flow *f, unsigned int d,
		const struct rtp_hdr_info *h, uint64_t now_ns)
{
	struct media_dir *dir = &f->dir[d];
	struct media_slot *free_sl = NULL, *oldest = NULL;
	unsigned int i;

	/* The running stream, nearly always: an SSRC has one slot at most. */
	for (i = 0; i < MEDIA_SLOTS; i++)
		if (dir->slot[i].rtp.ssrc == h->ssrc && dir->slot[i].used)
			return &dir->slot[i];
	for (i = 0; i < MEDIA_SLOTS; i++) {
		struct media_slot *sl = &dir->slot[i];

		if (!sl->used) {
			if (free_sl == NULL)
				free_sl = sl;
			continue;
		}
		if (oldest == NULL || sl->last_ns < oldest->last_ns)
			oldest = sl;
	}
	if (free_sl == NULL) {
		log_slot(p, f, d, oldest);
		p->ctr[MEDIA_CTR_rtp_ssrc_changes]++;
		free_sl = oldest;
	}
	slot_init(p, f, free_sl, h, now_ns);
	return free_sl;
}

/* Runs a candidate may start over (a lost or reordered packet) before it is rejected. */
#define PROBE_MAX_RESTARTS 3

/*
 * Unsignalled candidates: a run of packets that only RTP would produce (RFC 3550 A.1: same
 * SSRC, consecutive sequence numbers, plausible timestamps), at least MEDIA_PROBATION packets
 * and, without SDP to vouch for it, lasting probe_min_ns: short bursts of RTP-shaped
 * datagrams are not enough evidence. A broken run starts over a few times (loss and
 * reordering happen) before the candidate is rejected.
 */
static int
probe(struct media_pool *p, struct media_dir *dir, const struct rtp_hdr_info *h, uint64_t now_ns)
{
	bool ok = h->pt < 72 || h->pt > 76; /* 72-76 would be RTCP (RFC 5761) */

	if (!ok) {
		p->ctr[MEDIA_CTR_unsignalled_rejected]++;
		return -1;
	}
	if (dir->probe_ok > 0) {
		uint32_t step = h->timestamp - dir->probe_ts;

		if (h->ssrc != dir->probe_ssrc || h->seq != (uint16_t)(dir->probe_seq + 1) ||
				step > PROBE_MAX_TS_STEP) {
			if (++dir->probe_restarts > PROBE_MAX_RESTARTS) {
				p->ctr[MEDIA_CTR_unsignalled_rejected]++;
				return -1;
			}
			dir->probe_ok = 0;
		}
	}
	if (dir->probe_ok == 0)
		dir->probe_start_ns = now_ns;
	dir->probe_ssrc = h->ssrc;
	dir->probe_seq = h->seq;
	dir->probe_ts = h->timestamp;
	if (dir->probe_ok < UINT8_MAX)
		dir->probe_ok++;
	if (dir->probe_ok < MEDIA_PROBATION || now_ns - dir->probe_start_ns < p->probe_min_ns)
		return 0;
	dir->probing = false;
	p->ctr[MEDIA_CTR_unsignalled_validated]++;
	return 1;
}

static void
rtcp_packet(struct media_pool *p, struct media_flow *f, unsigned int d, const uint8_t *payload,
		uint32_t len, uint64_t now_ns)
{
	struct media_dir *dir = &f->dir[d], *other = &f->dir[!d];
	struct rtcp_info info;
	unsigned int i;

	dir->rtcp_packets++;
	p->ctr[MEDIA_CTR_rtcp_packets]++;
	if (rtcp_parse(payload, len, 0, &info) != 0) {
		dir->rtcp_bad++;
		p->ctr[MEDIA_CTR_rtcp_bad]++;
		return;
	}
	if (info.has_sr) {
		dir->rtcp_sr++;
		dir->last_sr_mid32 = rtcp_ntp_mid32_of(info.sr.ntp_sec, info.sr.ntp_frac);
		dir->last_sr_ns = now_ns;
	} else {
		dir->rtcp_rr++;
	}
	/* A report block answering the other direction's last SR closes a loop through vpep. */
	for (i = 0; i < info.n_rb; i++) {
		const struct rtcp_report_block *rb = &info.rb[i];
		int64_t loop_ns;

		if (rb->lsr == 0 || rb->lsr != other->last_sr_mid32 || other->last_sr_ns == 0)
			continue;
		loop_ns = (int64_t)(now_ns - other->last_sr_ns) -
			  (int64_t)rtcp_q16_to_us(rb->dlsr) * 1000;
		if (loop_ns < 0)
			continue; /* DLSR rounding or a stale SR: no sample */
		other->loop_us = loop_ns / 1000;
		p->ctr[MEDIA_CTR_rtcp_rtt_samples]++;
	}
}

int
media_flow_packet(struct media_pool *p, uint32_t id, uint8_t dir_idx, const uint8_t *payload,
		uint32_t len, uint32_t wire_len, uint64_t now_ns)
{
	struct media_flow *f = &p->flows[id];
	struct media_dir *dir = &f->dir[dir_idx & 1];
	struct rtp_hdr_info h;
	struct media_slot *sl;
	int validated = 0;

	if (f->kind == MEDIA_RTCP ||
			(f->kind == MEDIA_RTP_RTCP && rtp_is_rtcp(payload, len))) {
		rtcp_packet(p, f, dir_idx & 1, payload, len, now_ns);
		return 0;
	}
	if (rtp_hdr_parse(payload, len, &h) != 0) {
		p->ctr[MEDIA_CTR_rtp_bad_header]++;
		if (dir->probing) {
			p->ctr[MEDIA_CTR_unsignalled_rejected]++;
			return -1;
		}
		return 0;
	}
	if (dir->probing) {
		validated = probe(p, dir, &h, now_ns);
		if (validated < 0)
			return -1;
	}
	sl = slot_for(p, f, dir_idx & 1, &h, now_ns);
	sl->last_ns = now_ns;
	if (sl->pt == RTP_PT_NONE && h.pt != f->te_pt)
		sl->pt = h.pt;
	if (rtp_stream_update(&sl->rtp, &h, now_ns, wire_len) >= 0)
		p->ctr[MEDIA_CTR_rtp_packets]++;
	return validated;
}

/* Back to the free list (the caller logged what it wanted to). */
static void
put_free(struct media_pool *p, uint32_t id)
{
	struct media_flow *f = &p->flows[id];

	f->in_use = 0;
	f->next_free = p->free_head;
	p->free_head = id;
	p->used--;
}

void
media_flow_discard(struct media_pool *p, uint32_t id)
{
	if (p->flows[id].in_use)
		put_free(p, id);
}

void
media_flow_free(struct media_pool *p, uint32_t id)
{
	struct media_flow *f = &p->flows[id];
	unsigned int d, i;

	if (!f->in_use)
		return;
	for (d = 0; d < 2; d++)
		for (i = 0; i < MEDIA_SLOTS; i++)
			log_slot(p, f, d, &f->dir[d].slot[i]);
	put_free(p, id);
}

unsigned int
media_flow_records(const struct media_pool *p, uint32_t id, struct media_stream_record *out)
{
	const struct media_flow *f = &p->flows[id];
	unsigned int d, i, n = 0;

	for (d = 0; d < 2; d++) {
		for (i = 0; i < MEDIA_SLOTS; i++) {
			const struct media_slot *sl = &f->dir[d].slot[i];

			if (sl->used && sl->rtp.packets > 0)
				make_record(p, f, d, sl, &out[n++]);
		}
	}
	return n;
}
