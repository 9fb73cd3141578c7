/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cops_fsm.h"

#define SLOT_BITS	20
#define SLOT_MASK	((1u << SLOT_BITS) - 1)
#define NO_SLOT		UINT32_MAX
#define MSG_CAP		4096	/* everything the PEP sends fits: gates are a few hundred bytes */

static uint64_t
rng_next(struct cops_fsm *f)
{
	/* xorshift64*: KA jitter only, not security */
	f->rng ^= f->rng >> 12;
	f->rng ^= f->rng << 25;
	f->rng ^= f->rng >> 27;
	return f->rng * 0x2545F4914F6CDD1DULL;
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static uint32_t
get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
tx(struct cops_fsm *f, const uint8_t *buf, int n)
{
	if (n < COPS_HDR_LEN)
		return;
	if (buf[1] <= COPS_OP_SSC)
		f->tx[buf[1]]++;
	f->ops->send(f->ctx, buf, (uint32_t)n);
}

int
cops_fsm_init(struct cops_fsm *f, const struct cops_fsm_cfg *cfg,
	const struct cops_fsm_ops *ops, void *ctx, uint64_t seed)
{
	if (f == NULL || cfg == NULL || ops == NULL || ops->send == NULL || ops->closed == NULL)
		return -EINVAL;
	memset(f, 0, sizeof(*f));
	f->cfg = *cfg;
	f->cfg.pepid[COPS_FSM_PEPID_LEN - 1] = '\0';
	if (f->cfg.open_timeout_ms == 0)
		f->cfg.open_timeout_ms = 1000;
	f->ops = ops;
	f->ctx = ctx;
	f->rng = seed ? seed : 0x9e3779b97f4a7c15ULL;
	f->free_head = NO_SLOT;
	f->gen = 1;
	return 0;
}

void
cops_fsm_free(struct cops_fsm *f)
{
	uint32_t i;

	for (i = 0; i < f->n_slots; i++)
		free(f->reqs[i].req);
	free(f->reqs);
	f->reqs = NULL;
	f->n_slots = 0;
	f->n_reqs = 0;
	f->free_head = NO_SLOT;
}

const char *
cops_fsm_state_name(int state)
{
	switch (state) {
	case COPS_FSM_IDLE:
		return "idle";
	case COPS_FSM_OPENING:
		return "opening";
	case COPS_FSM_OPEN:
		return "open";
	}
	return "?";
}

const char *
cops_fsm_close_name(int why)
{
	switch (why) {
	case COPS_FSM_CLOSE_PDP_LOST:
		return "pdp-lost";
	case COPS_FSM_CLOSE_OPEN_TIMEOUT:
		return "open-timeout";
	case COPS_FSM_CLOSE_PDP_CC:
		return "pdp-client-close";
	case COPS_FSM_CLOSE_BAD_MSG:
		return "bad-message";
	case COPS_FSM_CLOSE_LOCAL:
		return "local";
	}
	return "?";
}

struct cops_fsm_req *
cops_fsm_req_get(struct cops_fsm *f, uint32_t handle)
{
	uint32_t slot = handle & SLOT_MASK;

	if (slot == 0 || slot > f->n_slots)
		return NULL;
	if (f->reqs[slot - 1].handle != handle)
		return NULL;
	return &f->reqs[slot - 1];
}

static struct cops_fsm_req *
req_alloc(struct cops_fsm *f)
{
	struct cops_fsm_req *r;
	uint32_t slot;

	if (f->free_head == NO_SLOT) {
		uint32_t n = f->n_slots ? f->n_slots * 2 : 64, i;
		struct cops_fsm_req *t;

		if (n > SLOT_MASK)
			return NULL;
		t = realloc(f->reqs, n * sizeof(*t));
		if (t == NULL)
			return NULL;
		memset(t + f->n_slots, 0, (n - f->n_slots) * sizeof(*t));
		/* chain the new slots, lowest first */
		for (i = n; i-- > f->n_slots;) {
			t[i].next_free = f->free_head;
			f->free_head = i;
		}
		f->reqs = t;
		f->n_slots = n;
	}
	slot = f->free_head;
	r = &f->reqs[slot];
	f->free_head = r->next_free;
	/* the generation makes a stale handle from a freed slot unknown, not someone else's */
	f->gen = (f->gen + 1) & 0xfff;
	if (f->gen == 0)
		f->gen = 1;
	r->handle = f->gen << SLOT_BITS | (slot + 1);
	r->next_free = NO_SLOT;
	f->n_reqs++;
	return r;
}

static void
req_free(struct cops_fsm *f, struct cops_fsm_req *r)
{
	uint32_t slot = (uint32_t)(r - f->reqs);

	free(r->req);
	memset(r, 0, sizeof(*r));
	r->next_free = f->free_head;
	f->free_head = slot;
	f->n_reqs--;
}

static int
req_store(struct cops_fsm *f, struct cops_fsm_req *r, uint16_t r_type, const uint8_t *csi,
	uint16_t csi_len)
{
	uint8_t buf[MSG_CAP], h[4];
	uint8_t *copy;
	int n;

	put_be32(h, r->handle);
	n = cops_encode_req(buf, sizeof(buf), f->cfg.client_type, h, 4, r_type, 0,
		csi_len ? csi : NULL, csi_len);
	if (n < 0)
		return n;
	copy = malloc((size_t)n);
	if (copy == NULL)
		return -ENOMEM;
	memcpy(copy, buf, (size_t)n);
	free(r->req);
	r->req = copy;
	r->len = (uint16_t)n;
	return 0;
}

static void
req_send(struct cops_fsm *f, struct cops_fsm_req *r)
{
	r->state = COPS_REQ_PENDING;
	r->update_queued = 0;
	tx(f, r->req, r->len);
}

/* Re-send every request (after CAT, or SSQ without a handle). */
static void
resend_all(struct cops_fsm *f)
{
	uint32_t i;

	for (i = 0; i < f->n_slots; i++)
		if (f->reqs[i].handle != 0)
			req_send(f, &f->reqs[i]);
}

static int
has_decisions(const struct cops_fsm *f)
{
	uint32_t i;

	for (i = 0; i < f->n_slots; i++)
		if (f->reqs[i].handle != 0 && f->reqs[i].state == COPS_REQ_DECIDED)
			return 1;
	return 0;
}

void
cops_fsm_connected(struct cops_fsm *f, const struct cops_pdp_addr *pdp, uint64_t now)
{
	uint8_t buf[MSG_CAP];
	const struct cops_pdp_addr *last = NULL;
	int n;

	/* RFC 2748 2.2.11: LastPDPAddr when the PEP still caches decisions of another PDP */
	if (f->have_last_pdp && has_decisions(f))
		last = &f->last_pdp;
	n = cops_encode_opn(buf, sizeof(buf), f->cfg.client_type, f->cfg.pepid, last, NULL, 0);
	if (pdp != NULL)
		f->pdp = *pdp;
	f->state = COPS_FSM_OPENING;
	f->opened_at = now;
	f->last_rx = now;
	tx(f, buf, n);
}

static void
to_idle(struct cops_fsm *f)
{
	uint32_t i;

	if (f->state == COPS_FSM_OPEN) {
		f->last_pdp = f->pdp;
		f->have_last_pdp = 1;
	}
	f->state = COPS_FSM_IDLE;
	f->ka_ms = 0;
	f->acct_ms = 0;
	/* requests outlive the connection: they are re-sent to the next PDP after its CAT */
	for (i = 0; i < f->n_slots; i++)
		if (f->reqs[i].handle != 0 && f->reqs[i].state == COPS_REQ_PENDING)
			f->reqs[i].state = COPS_REQ_QUEUED;
}

void
cops_fsm_disconnected(struct cops_fsm *f)
{
	to_idle(f);
}

static void
close_with(struct cops_fsm *f, int why, uint16_t error_code, uint16_t sub,
	const struct cops_pdp_addr *redirect)
{
	uint8_t buf[MSG_CAP];

	if (error_code != 0 && why != COPS_FSM_CLOSE_PDP_CC)
		tx(f, buf, cops_encode_cc(buf, sizeof(buf), f->cfg.client_type, error_code, sub,
			NULL));
	to_idle(f);
	f->ops->closed(f->ctx, why, error_code, redirect);
}

void
cops_fsm_close(struct cops_fsm *f, uint16_t error_code)
{
	if (f->state == COPS_FSM_IDLE)
		return;
	close_with(f, COPS_FSM_CLOSE_LOCAL, error_code, 0, NULL);
}

int64_t
cops_fsm_frame(const uint8_t *buf, uint32_t len)
{
	int64_t n = cops_frame_len(buf, len);

	if (n < 0)
		return n;
	/* check what a stream reader can before waiting for a body that may never come */
	if ((buf[0] >> 4) != COPS_VERSION || n < COPS_HDR_LEN || n > COPS_FSM_MAX_MSG || (n & 3))
		return -EBADMSG;
	return n;
}

static void
drq(struct cops_fsm *f, const uint8_t *h, uint16_t h_len, uint16_t reason, uint16_t sub)
{
	uint8_t buf[MSG_CAP];

	tx(f, buf, cops_encode_drq(buf, sizeof(buf), f->cfg.client_type, h, h_len, reason, sub));
}

/*
 * Recover the handle of a DEC that did not decode: the Handle object comes first (RFC 2748
 * 3.3), so if the first object header is a sane Handle we can still answer with a DRQ.
 */
static int
raw_dec_handle(const uint8_t *buf, uint32_t len, const uint8_t **h, uint16_t *h_len)
{
	uint16_t olen;

	if (len < COPS_HDR_LEN + COPS_OBJ_HDR_LEN + 4 || buf[1] != COPS_OP_DEC)
		return -1;
	olen = (uint16_t)(buf[8] << 8 | buf[9]);
	if (buf[10] != COPS_OBJ_HANDLE || buf[11] != 1 || olen < COPS_OBJ_HDR_LEN + 1 ||
			COPS_HDR_LEN + (uint32_t)olen > len)
		return -1;
	*h = buf + COPS_HDR_LEN + COPS_OBJ_HDR_LEN;
	*h_len = olen - COPS_OBJ_HDR_LEN;
	return 0;
}

/*
 * The PacketCable gate of a DEC (Decision C-Type 4), whatever the client type: an enterprise
 * client type may carry the same objects (pcmm_cops_gate_decode() insists on 0x800A).
 */
static int
gate_of(const struct cops_msg *m, struct pcmm_gate *g, struct pcmm_err *pe)
{
	const struct cops_obj *o = cops_msg_find(m, COPS_OBJ_DECISION, COPS_DEC_CLIENT_SI, 0);

	if (o == NULL)
		return -ENOENT;
	return pcmm_gate_decode(o->data, o->data_len, g, pe);
}

/* A DEC for a request we hold: extract the decision and hand it over. */
static void
on_dec(struct cops_fsm *f, const struct cops_msg *m, const uint8_t *buf, uint32_t len)
{
	const struct cops_obj *ho = cops_msg_find(m, COPS_OBJ_HANDLE, 0, 0);
	const struct cops_obj *o;
	struct cops_fsm_req *r = NULL;
	struct cops_fsm_dec d;
	struct pcmm_err pe;
	uint32_t handle = 0;
	int rc;

	(void)buf;
	(void)len;
	if (ho != NULL && ho->data_len == 4) {
		handle = get_be32(ho->data);
		r = cops_fsm_req_get(f, handle);
	}
	if (r == NULL) {
		f->rx_unknown_handle++;
		if (ho != NULL)
			drq(f, ho->data, ho->data_len, COPS_REASON_UNSPECIFIED, 0);
		return;
	}
	memset(&d, 0, sizeof(d));
	d.solicited = (m->hdr.flags & COPS_FLAG_SOLICITED) != 0;
	o = cops_msg_find(m, COPS_OBJ_ERROR, 0, 0);
	if (o != NULL) {
		d.has_error = 1;
		d.error_code = o->u.error.code;
		d.error_sub = o->u.error.sub_code;
	} else {
		o = cops_msg_find(m, COPS_OBJ_DECISION, COPS_DEC_FLAGS, 0);
		if (o == NULL)
			goto malformed;
		d.cmd = o->u.decision.cmd;
		if (d.cmd > COPS_DEC_CMD_REMOVE)
			goto malformed;
		rc = gate_of(m, &d.gate, &pe);
		if (rc == 0)
			d.has_gate = 1;
		else if (rc != -ENOENT)
			goto malformed;
	}
	if (d.solicited && r->state == COPS_REQ_PENDING)
		r->state = COPS_REQ_DECIDED;
	else if (r->state != COPS_REQ_PENDING)
		r->state = COPS_REQ_DECIDED;
	if (f->ops->decision != NULL)
		f->ops->decision(f->ctx, handle, r->cookie, &d);
	/* the application may have deleted the request in the callback */
	r = cops_fsm_req_get(f, handle);
	if (r != NULL && r->update_queued && f->state == COPS_FSM_OPEN)
		req_send(f, r);
	return;
malformed:
	f->drq_malformed++;
	drq(f, ho->data, ho->data_len, COPS_REASON_MALFORMED_DECISION, 0);
	{
		uint64_t cookie = r->cookie;

		req_free(f, r);
		if (f->ops->dropped != NULL)
			f->ops->dropped(f->ctx, handle, cookie, COPS_REASON_MALFORMED_DECISION);
	}
}

static void
on_bad(struct cops_fsm *f, const uint8_t *buf, uint32_t len, const struct cops_err *err)
{
	const uint8_t *h;
	uint16_t h_len;

	f->rx_bad++;
	if (raw_dec_handle(buf, len, &h, &h_len) == 0) {
		uint32_t handle = h_len == 4 ? get_be32(h) : 0;
		struct cops_fsm_req *r = handle ? cops_fsm_req_get(f, handle) : NULL;
		uint16_t reason = err->code == COPS_ERR_UNKNOWN_OBJECT ?
			COPS_REASON_UNKNOWN_OBJECT : COPS_REASON_MALFORMED_DECISION;
		uint16_t sub = reason == COPS_REASON_UNKNOWN_OBJECT ? err->sub_code : 0;

		/* RFC 2748 2.2.5: a decision we cannot use is answered by deleting its state */
		f->drq_malformed++;
		drq(f, h, h_len, reason, sub);
		if (r != NULL) {
			uint64_t cookie = r->cookie;

			req_free(f, r);
			if (f->ops->dropped != NULL)
				f->ops->dropped(f->ctx, handle, cookie, reason);
		}
		return;
	}
	close_with(f, COPS_FSM_CLOSE_BAD_MSG, err->code ? err->code : COPS_ERR_BAD_MSG_FORMAT,
		err->sub_code, NULL);
}

static void
on_ssq(struct cops_fsm *f, const struct cops_msg *m)
{
	const struct cops_obj *ho = cops_msg_find(m, COPS_OBJ_HANDLE, 0, 0);
	uint8_t buf[MSG_CAP];

	if (ho != NULL) {
		struct cops_fsm_req *r = ho->data_len == 4 ?
			cops_fsm_req_get(f, get_be32(ho->data)) : NULL;

		if (r == NULL)
			drq(f, ho->data, ho->data_len, COPS_REASON_SYNC_HANDLE_UNKNOWN, 0);
		else
			req_send(f, r);
		tx(f, buf, cops_encode_ssc(buf, sizeof(buf), f->cfg.client_type, ho->data,
			ho->data_len));
		return;
	}
	resend_all(f);
	tx(f, buf, cops_encode_ssc(buf, sizeof(buf), f->cfg.client_type, NULL, 0));
}

static void
schedule_ka(struct cops_fsm *f, uint64_t now)
{
	/* RFC 2748 3.10: a random moment between 1/4 and 3/4 of the KA timer */
	uint64_t span = f->ka_ms / 2;

	f->next_ka = now + f->ka_ms / 4 + (span ? rng_next(f) % (span + 1) : 0);
}

void
cops_fsm_input(struct cops_fsm *f, const uint8_t *buf, uint32_t len, uint64_t now)
{
	struct cops_msg m;
	struct cops_err err;
	const struct cops_obj *o;

	if (f->state == COPS_FSM_IDLE)
		return;
	f->last_rx = now;
	if (cops_msg_decode(buf, len, &m, &err) != 0) {
		on_bad(f, buf, len, &err);
		return;
	}
	if (m.hdr.op_code <= COPS_OP_SSC)
		f->rx[m.hdr.op_code]++;
	if (m.hdr.op_code != COPS_OP_KA && m.hdr.client_type != f->cfg.client_type) {
		/* RFC 2748 2.1: client type is per connection here; anything else is not ours */
		close_with(f, COPS_FSM_CLOSE_BAD_MSG, COPS_ERR_UNSUPPORTED_CLIENT, 0, NULL);
		return;
	}
	switch (m.hdr.op_code) {
	case COPS_OP_CAT:
		if (f->state != COPS_FSM_OPENING) {
			f->rx_unexpected++;
			return;
		}
		o = cops_msg_find(&m, COPS_OBJ_KA_TIMER, 0, 0);
		f->ka_ms = o != NULL ? o->u.timer.value * 1000u : 0;
		o = cops_msg_find(&m, COPS_OBJ_ACCT_TIMER, 0, 0);
		f->acct_ms = o != NULL ? o->u.timer.value * 1000u : 0;
		f->state = COPS_FSM_OPEN;
		if (f->ka_ms)
			schedule_ka(f, now);
		if (f->acct_ms)
			f->next_acct = now + f->acct_ms;
		resend_all(f);
		if (f->ops->opened != NULL)
			f->ops->opened(f->ctx);
		return;
	case COPS_OP_CC:
		o = cops_msg_find(&m, COPS_OBJ_PDP_REDIR_ADDR, 0, 0);
		{
			const struct cops_obj *e = cops_msg_find(&m, COPS_OBJ_ERROR, 0, 0);

			close_with(f, COPS_FSM_CLOSE_PDP_CC, e ? e->u.error.code : 0, 0,
				o ? &o->u.pdp : NULL);
		}
		return;
	case COPS_OP_KA:
		return;	/* last_rx is all a KA is for */
	case COPS_OP_DEC:
		if (f->state != COPS_FSM_OPEN) {
			f->rx_unexpected++;
			return;
		}
		on_dec(f, &m, buf, len);
		return;
	case COPS_OP_SSQ:
		if (f->state != COPS_FSM_OPEN) {
			f->rx_unexpected++;
			return;
		}
		on_ssq(f, &m);
		return;
	default:
		/* REQ, RPT, DRQ, OPN, SSC travel PEP -> PDP only */
		f->rx_unexpected++;
		return;
	}
}

static void
acct_reports(struct cops_fsm *f)
{
	uint8_t buf[MSG_CAP], h[4];
	uint32_t i;

	for (i = 0; i < f->n_slots; i++) {
		if (f->reqs[i].handle == 0 || f->reqs[i].state != COPS_REQ_DECIDED)
			continue;
		put_be32(h, f->reqs[i].handle);
		tx(f, buf, cops_encode_rpt(buf, sizeof(buf), f->cfg.client_type, 0, h, 4,
			COPS_REPORT_ACCOUNTING, NULL, 0));
	}
}

uint64_t
cops_fsm_tick(struct cops_fsm *f, uint64_t now)
{
	uint8_t buf[MSG_CAP];
	uint64_t next = UINT64_MAX;

	switch (f->state) {
	case COPS_FSM_OPENING:
		if (now >= f->opened_at + f->cfg.open_timeout_ms) {
			/* the PDP accepted the connection but does not answer (frozen, overloaded) */
			close_with(f, COPS_FSM_CLOSE_OPEN_TIMEOUT, COPS_ERR_COMMUNICATION_FAILURE, 0,
				NULL);
			return UINT64_MAX;
		}
		return f->opened_at + f->cfg.open_timeout_ms;
	case COPS_FSM_OPEN:
		if (f->ka_ms) {
			if (now >= f->last_rx + f->ka_ms) {
				close_with(f, COPS_FSM_CLOSE_PDP_LOST,
					COPS_ERR_COMMUNICATION_FAILURE, 0, NULL);
				return UINT64_MAX;
			}
			if (now >= f->next_ka) {
				tx(f, buf, cops_encode_ka(buf, sizeof(buf), 0));
				schedule_ka(f, now);
			}
			next = f->next_ka < f->last_rx + f->ka_ms ? f->next_ka :
				f->last_rx + f->ka_ms;
		}
		if (f->acct_ms) {
			if (now >= f->next_acct) {
				acct_reports(f);
				f->next_acct = now + f->acct_ms;
			}
			if (f->next_acct < next)
				next = f->next_acct;
		}
		return next;
	default:
		return UINT64_MAX;
	}
}

int
cops_fsm_request(struct cops_fsm *f, uint64_t cookie, uint16_t r_type,
	const uint8_t *csi, uint16_t csi_len, uint32_t *handle)
{
	struct cops_fsm_req *r = req_alloc(f);
	int rc;

	if (r == NULL)
		return -ENOMEM;
	r->cookie = cookie;
	rc = req_store(f, r, r_type, csi, csi_len);
	if (rc < 0) {
		req_free(f, r);
		return rc;
	}
	r->state = COPS_REQ_QUEUED;
	if (f->state == COPS_FSM_OPEN)
		req_send(f, r);
	if (handle != NULL)
		*handle = r->handle;
	return 0;
}

int
cops_fsm_update(struct cops_fsm *f, uint32_t handle, uint16_t r_type,
	const uint8_t *csi, uint16_t csi_len)
{
	struct cops_fsm_req *r = cops_fsm_req_get(f, handle);
	int rc;

	if (r == NULL)
		return -ENOENT;
	rc = req_store(f, r, r_type, csi, csi_len);
	if (rc < 0)
		return rc;
	if (f->state != COPS_FSM_OPEN)
		r->state = COPS_REQ_QUEUED;
	else if (r->state == COPS_REQ_PENDING)
		r->update_queued = 1;	/* at most one outstanding REQ per handle */
	else
		req_send(f, r);
	return 0;
}

int
cops_fsm_delete(struct cops_fsm *f, uint32_t handle, uint16_t reason)
{
	struct cops_fsm_req *r = cops_fsm_req_get(f, handle);
	uint8_t h[4];

	if (r == NULL)
		return -ENOENT;
	/* a queued request never reached a PDP: nothing to delete there */
	if (f->state == COPS_FSM_OPEN && r->state != COPS_REQ_QUEUED) {
		put_be32(h, handle);
		drq(f, h, 4, reason, 0);
	}
	req_free(f, r);
	return 0;
}

int
cops_fsm_report(struct cops_fsm *f, uint32_t handle, int solicited, uint16_t type,
	const uint8_t *csi, uint16_t csi_len)
{
	uint8_t buf[MSG_CAP], h[4];
	int n;

	if (cops_fsm_req_get(f, handle) == NULL)
		return -ENOENT;
	if (f->state != COPS_FSM_OPEN)
		return -ENOTCONN;
	put_be32(h, handle);
	n = cops_encode_rpt(buf, sizeof(buf), f->cfg.client_type, solicited, h, 4, type,
		csi_len ? csi : NULL, csi_len);
	if (n < 0)
		return n;
	tx(f, buf, n);
	return 0;
}
