/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Unit tests for the COPS PEP state machine (ctrl/cops_fsm.c): driven with hand-built PDP
 * messages and a fake clock, every message it sends is decoded with the codec and checked.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cops_fsm.h"

#define MAX_SENT 256

/* What the FSM did, recorded by the callbacks. */
struct rec {
	uint8_t sent[MAX_SENT][2048];
	uint32_t sent_len[MAX_SENT];
	int n_sent;
	int closed, close_why;
	uint16_t close_error;
	int redirected;
	struct cops_pdp_addr redirect;
	int opened;
	int decisions;
	struct cops_fsm_dec last_dec;
	uint64_t last_cookie;
	int dropped;
	uint16_t drop_reason;
};

static struct rec R;

static void
cb_send(void *ctx, const uint8_t *buf, uint32_t len)
{
	(void)ctx;
	assert_true(R.n_sent < MAX_SENT);
	assert_true(len <= sizeof(R.sent[0]));
	memcpy(R.sent[R.n_sent], buf, len);
	R.sent_len[R.n_sent++] = len;
}

static void
cb_closed(void *ctx, int why, uint16_t error_code, const struct cops_pdp_addr *redirect)
{
	(void)ctx;
	R.closed++;
	R.close_why = why;
	R.close_error = error_code;
	if (redirect != NULL) {
		R.redirected = 1;
		R.redirect = *redirect;
	}
}

static void
cb_opened(void *ctx)
{
	(void)ctx;
	R.opened++;
}

static void
cb_decision(void *ctx, uint32_t handle, uint64_t cookie, const struct cops_fsm_dec *dec)
{
	(void)ctx;
	(void)handle;
	R.decisions++;
	R.last_dec = *dec;
	R.last_cookie = cookie;
}

static void
cb_dropped(void *ctx, uint32_t handle, uint64_t cookie, uint16_t reason)
{
	(void)ctx;
	(void)handle;
	(void)cookie;
	R.dropped++;
	R.drop_reason = reason;
}

static const struct cops_fsm_ops ops = {
	.send = cb_send, .closed = cb_closed, .opened = cb_opened, .decision = cb_decision,
	.dropped = cb_dropped,
};

/* Decode sent message i (it must decode: the FSM only sends valid COPS). */
static void
sent_msg(int i, struct cops_msg *m)
{
	struct cops_err err;

	assert_true(i < R.n_sent);
	if (cops_msg_decode(R.sent[i], R.sent_len[i], m, &err) != 0)
		fail_msg("sent message %d does not decode: %s", i, err.msg);
}

static int
count_sent(uint8_t op)
{
	int i, n = 0;

	for (i = 0; i < R.n_sent; i++)
		n += R.sent[i][1] == op;
	return n;
}

static int
last_sent(uint8_t op)
{
	int i;

	for (i = R.n_sent - 1; i >= 0; i--)
		if (R.sent[i][1] == op)
			return i;
	return -1;
}

static void
feed(struct cops_fsm *f, const uint8_t *buf, int n, uint64_t now)
{
	assert_true(n > 0);
	assert_int_equal(cops_fsm_frame(buf, (uint32_t)n), n);
	cops_fsm_input(f, buf, (uint32_t)n, now);
}

/* An FSM connected and open: OPN sent, CAT with KA 4 s and accounting 0 received. */
static void
open_fsm(struct cops_fsm *f, uint16_t ka)
{
	struct cops_fsm_cfg cfg;
	struct cops_pdp_addr pdp;
	uint8_t buf[256];

	memset(&R, 0, sizeof(R));
	memset(&cfg, 0, sizeof(cfg));
	cfg.client_type = COPS_CLIENT_PCMM;
	snprintf(cfg.pepid, sizeof(cfg.pepid), "pep-1");
	cfg.open_timeout_ms = 500;
	assert_int_equal(cops_fsm_init(f, &cfg, &ops, NULL, 42), 0);
	memset(&pdp, 0, sizeof(pdp));
	pdp.ip.family = 4;
	pdp.ip.addr[0] = 127;
	pdp.ip.addr[3] = 1;
	pdp.port = 3288;
	cops_fsm_connected(f, &pdp, 1000);
	assert_int_equal(f->state, COPS_FSM_OPENING);
	feed(f, buf, cops_encode_cat(buf, sizeof(buf), COPS_CLIENT_PCMM, ka, 0), 1001);
	assert_int_equal(f->state, COPS_FSM_OPEN);
	assert_int_equal(R.opened, 1);
}

static void
handle_bytes(uint32_t h, uint8_t *b)
{
	b[0] = (uint8_t)(h >> 24);
	b[1] = (uint8_t)(h >> 16);
	b[2] = (uint8_t)(h >> 8);
	b[3] = (uint8_t)h;
}

static void
test_open_sends_opn_with_pepid(void **state)
{
	struct cops_fsm f;
	struct cops_msg m;
	const struct cops_obj *o;

	(void)state;
	open_fsm(&f, 4);
	sent_msg(0, &m);
	assert_int_equal(m.hdr.op_code, COPS_OP_OPN);
	assert_int_equal(m.hdr.client_type, COPS_CLIENT_PCMM);
	o = cops_msg_find(&m, COPS_OBJ_PEPID, 0, 0);
	assert_non_null(o);
	assert_string_equal(o->u.pepid, "pep-1");
	/* no cached decisions: no LastPDPAddr */
	assert_null(cops_msg_find(&m, COPS_OBJ_LAST_PDP_ADDR, 0, 0));
	assert_int_equal(f.ka_ms, 4000);
	cops_fsm_free(&f);
}

static void
test_ka_timing_and_pdp_lost(void **state)
{
	struct cops_fsm f;
	uint64_t t, next;
	uint8_t buf[64];
	int i;

	(void)state;
	open_fsm(&f, 4);
	/* the PEP's KA falls between 1/4 and 3/4 of the KA timer after the CAT */
	for (i = 0; i < 50; i++) {
		int before = count_sent(COPS_OP_KA);

		next = cops_fsm_tick(&f, f.last_rx);
		assert_true(next >= f.last_rx + 1000 && next <= f.last_rx + 3000);
		cops_fsm_tick(&f, next);
		assert_int_equal(count_sent(COPS_OP_KA), before + 1);
		/* the PDP answers: the loss clock restarts */
		feed(&f, buf, cops_encode_ka(buf, sizeof(buf), 1), next);
	}
	assert_int_equal(R.closed, 0);
	/* silence: one KA period after the last message the PDP is lost, with CC error 9 */
	t = f.last_rx;
	cops_fsm_tick(&f, t + 3999);
	assert_int_equal(R.closed, 0);
	cops_fsm_tick(&f, t + 4000);
	assert_int_equal(R.closed, 1);
	assert_int_equal(R.close_why, COPS_FSM_CLOSE_PDP_LOST);
	{
		struct cops_msg m;
		const struct cops_obj *e;

		sent_msg(last_sent(COPS_OP_CC), &m);
		e = cops_msg_find(&m, COPS_OBJ_ERROR, 0, 0);
		assert_non_null(e);
		assert_int_equal(e->u.error.code, COPS_ERR_COMMUNICATION_FAILURE);
	}
	assert_int_equal(f.state, COPS_FSM_IDLE);
	cops_fsm_free(&f);
}

static void
test_open_timeout(void **state)
{
	struct cops_fsm f;
	struct cops_fsm_cfg cfg;

	(void)state;
	memset(&R, 0, sizeof(R));
	memset(&cfg, 0, sizeof(cfg));
	cfg.client_type = COPS_CLIENT_PCMM;
	cfg.open_timeout_ms = 500;
	assert_int_equal(cops_fsm_init(&f, &cfg, &ops, NULL, 1), 0);
	cops_fsm_connected(&f, NULL, 100);
	assert_int_equal(cops_fsm_tick(&f, 100), 600);
	cops_fsm_tick(&f, 599);
	assert_int_equal(R.closed, 0);
	cops_fsm_tick(&f, 600);
	assert_int_equal(R.closed, 1);
	assert_int_equal(R.close_why, COPS_FSM_CLOSE_OPEN_TIMEOUT);
	cops_fsm_free(&f);
}

/* REQ, solicited DEC, one outstanding REQ per handle, update after the DEC. */
static void
test_request_decision_update(void **state)
{
	struct cops_fsm f;
	struct cops_msg m;
	uint8_t csi[8] = {0, 8, 16, 1, 0, 5, 0, 0}, buf[256], h[4];
	uint32_t handle;

	(void)state;
	open_fsm(&f, 0);
	assert_int_equal(cops_fsm_request(&f, 77, COPS_RTYPE_IN_ADMISSION, csi, 8, &handle), 0);
	sent_msg(last_sent(COPS_OP_REQ), &m);
	handle_bytes(handle, h);
	assert_memory_equal(cops_msg_find(&m, COPS_OBJ_HANDLE, 0, 0)->data, h, 4);
	/* an update while the REQ is outstanding waits for its DEC */
	assert_int_equal(cops_fsm_update(&f, handle, COPS_RTYPE_IN_ADMISSION, csi, 8), 0);
	assert_int_equal(count_sent(COPS_OP_REQ), 1);
	feed(&f, buf, cops_encode_dec(buf, sizeof(buf), COPS_CLIENT_PCMM, 1, h, 4,
		COPS_RTYPE_IN_ADMISSION, 0, COPS_DEC_CMD_INSTALL, 0, NULL, 0), 1100);
	assert_int_equal(R.decisions, 1);
	assert_int_equal(R.last_cookie, 77);
	assert_int_equal(R.last_dec.cmd, COPS_DEC_CMD_INSTALL);
	assert_true(R.last_dec.solicited);
	assert_int_equal(count_sent(COPS_OP_REQ), 2);	/* the queued update went out */
	assert_int_equal(cops_fsm_report(&f, handle, 1, COPS_REPORT_SUCCESS, NULL, 0), 0);
	assert_int_equal(count_sent(COPS_OP_RPT), 1);
	/* delete: DRQ with the reason */
	assert_int_equal(cops_fsm_delete(&f, handle, COPS_REASON_TEAR), 0);
	sent_msg(last_sent(COPS_OP_DRQ), &m);
	assert_int_equal(cops_msg_find(&m, COPS_OBJ_REASON, 0, 0)->u.reason.code,
		COPS_REASON_TEAR);
	assert_null(cops_fsm_req_get(&f, handle));
	assert_int_equal(cops_fsm_delete(&f, handle, COPS_REASON_TEAR), -ENOENT);
	cops_fsm_free(&f);
}

/* Malformed DEC -> DRQ Malformed Decision; unknown object -> DRQ 13 with C-Num/C-Type. */
static void
test_malformed_dec_drq(void **state)
{
	struct cops_fsm f;
	struct cops_msg m;
	uint8_t buf[256], h[4];
	uint32_t handle, handle2;
	const struct cops_obj *r;
	/* DEC: header, Handle(len 8), Context(len 8), Decision Flags object claiming length 6 */
	uint8_t bad[] = {
		0x11, COPS_OP_DEC, 0x80, 0x0a, 0, 0, 0, 32,
		0, 8, 1, 1, 0, 0, 0, 0,			/* Handle: patched below */
		0, 8, 2, 1, 0, 1, 0, 0,			/* Context: R-Type 1 */
		0, 6, 6, 1, 0, 1, 0, 0,			/* Decision Flags, Length 6: malformed */
	};
	/* DEC with Handle, Context, Flags and an object C-Num 99, C-Type 1 */
	uint8_t unk[] = {
		0x11, COPS_OP_DEC, 0x80, 0x0a, 0, 0, 0, 40,
		0, 8, 1, 1, 0, 0, 0, 0,			/* Handle: patched below */
		0, 8, 2, 1, 0, 1, 0, 0,			/* Context */
		0, 8, 6, 1, 0, 1, 0, 0,			/* Decision Flags: Install */
		0, 8, 99, 1, 1, 2, 3, 4,		/* unknown object */
	};

	(void)state;
	open_fsm(&f, 0);
	assert_int_equal(cops_fsm_request(&f, 1, 1, NULL, 0, &handle), 0);
	assert_int_equal(cops_fsm_request(&f, 2, 1, NULL, 0, &handle2), 0);
	handle_bytes(handle, bad + 12);
	cops_fsm_input(&f, bad, sizeof(bad), 1200);
	sent_msg(last_sent(COPS_OP_DRQ), &m);
	r = cops_msg_find(&m, COPS_OBJ_REASON, 0, 0);
	assert_int_equal(r->u.reason.code, COPS_REASON_MALFORMED_DECISION);
	assert_int_equal(R.dropped, 1);
	assert_null(cops_fsm_req_get(&f, handle));
	handle_bytes(handle2, unk + 12);
	cops_fsm_input(&f, unk, sizeof(unk), 1200);
	sent_msg(last_sent(COPS_OP_DRQ), &m);
	r = cops_msg_find(&m, COPS_OBJ_REASON, 0, 0);
	assert_int_equal(r->u.reason.code, COPS_REASON_UNKNOWN_OBJECT);
	assert_int_equal(r->u.reason.sub_code, 99 << 8 | 1);
	assert_int_equal(R.dropped, 2);
	assert_int_equal(R.closed, 0);	/* a bad decision does not end the session */
	/* a DEC for a handle never issued: DRQ for it */
	handle_bytes(0xdeadbeef, h);
	feed(&f, buf, cops_encode_dec(buf, sizeof(buf), COPS_CLIENT_PCMM, 1, h, 4, 1, 0,
		COPS_DEC_CMD_INSTALL, 0, NULL, 0), 1300);
	sent_msg(last_sent(COPS_OP_DRQ), &m);
	assert_memory_equal(cops_msg_find(&m, COPS_OBJ_HANDLE, 0, 0)->data, h, 4);
	assert_int_equal(f.rx_unknown_handle, 1);
	cops_fsm_free(&f);
}

static void
test_garbage_closes_with_error(void **state)
{
	struct cops_fsm f;
	struct cops_msg m;
	/* a KA whose only object claims a length of 2 */
	uint8_t bad[] = {0x10, COPS_OP_KA, 0, 0, 0, 0, 0, 12, 0, 2, 10, 1};
	/* version 2 / a length not a multiple of 4 / shorter than a header */
	uint8_t v2[] = {0x20, 9, 0, 0, 0, 0, 0, 8};
	uint8_t odd[] = {0x10, 9, 0, 0, 0, 0, 0, 10};
	uint8_t tiny[] = {0x10, 9, 0, 0, 0, 0, 0, 4};

	(void)state;
	assert_int_equal(cops_fsm_frame(v2, sizeof(v2)), -EBADMSG);
	assert_int_equal(cops_fsm_frame(odd, sizeof(odd)), -EBADMSG);
	assert_int_equal(cops_fsm_frame(tiny, sizeof(tiny)), -EBADMSG);
	assert_int_equal(cops_fsm_frame(tiny, 5), -EAGAIN);
	open_fsm(&f, 0);
	cops_fsm_input(&f, bad, sizeof(bad), 1100);
	assert_int_equal(R.closed, 1);
	assert_int_equal(R.close_why, COPS_FSM_CLOSE_BAD_MSG);
	sent_msg(last_sent(COPS_OP_CC), &m);
	assert_int_equal(cops_msg_find(&m, COPS_OBJ_ERROR, 0, 0)->u.error.code,
		COPS_ERR_BAD_MSG_FORMAT);
	cops_fsm_free(&f);
}

/* SSQ: every request again, then SSC; unknown handle: DRQ Synchronize Handle Unknown. */
static void
test_ssq(void **state)
{
	struct cops_fsm f;
	struct cops_msg m;
	uint8_t buf[256], h[4];
	uint32_t a, b;

	(void)state;
	open_fsm(&f, 0);
	cops_fsm_request(&f, 1, 1, NULL, 0, &a);
	cops_fsm_request(&f, 2, 1, NULL, 0, &b);
	R.n_sent = 0;
	feed(&f, buf, cops_encode_ssq(buf, sizeof(buf), COPS_CLIENT_PCMM, NULL, 0), 2000);
	assert_int_equal(count_sent(COPS_OP_REQ), 2);
	assert_int_equal(R.sent[R.n_sent - 1][1], COPS_OP_SSC);
	handle_bytes(0x1234, h);
	feed(&f, buf, cops_encode_ssq(buf, sizeof(buf), COPS_CLIENT_PCMM, h, 4), 2001);
	sent_msg(last_sent(COPS_OP_DRQ), &m);
	assert_int_equal(cops_msg_find(&m, COPS_OBJ_REASON, 0, 0)->u.reason.code,
		COPS_REASON_SYNC_HANDLE_UNKNOWN);
	cops_fsm_free(&f);
}

/* After a loss the requests are queued and re-sent after the next CAT; OPN then carries
 * LastPDPAddr because decisions are cached. A CC with PDPRedirAddr is a redirect. */
static void
test_reconnect_resend_and_redirect(void **state)
{
	struct cops_fsm f;
	struct cops_msg m;
	struct cops_pdp_addr to;
	uint8_t buf[256], h[4];
	uint32_t a;

	(void)state;
	open_fsm(&f, 0);
	cops_fsm_request(&f, 1, 1, NULL, 0, &a);
	handle_bytes(a, h);
	feed(&f, buf, cops_encode_dec(buf, sizeof(buf), COPS_CLIENT_PCMM, 1, h, 4, 1, 0,
		COPS_DEC_CMD_INSTALL, 0, NULL, 0), 1100);
	memset(&to, 0, sizeof(to));
	to.ip.family = 4;
	to.ip.addr[0] = 10;
	to.ip.addr[3] = 9;
	to.port = 4000;
	feed(&f, buf, cops_encode_cc(buf, sizeof(buf), COPS_CLIENT_PCMM, COPS_ERR_REDIRECT, 0,
		&to), 1200);
	assert_int_equal(R.closed, 1);
	assert_true(R.redirected);
	assert_int_equal(R.redirect.port, 4000);
	assert_int_equal(R.redirect.ip.addr[3], 9);
	/* a request made while disconnected is queued, not sent */
	R.n_sent = 0;
	cops_fsm_request(&f, 2, 1, NULL, 0, NULL);
	assert_int_equal(R.n_sent, 0);
	cops_fsm_connected(&f, &to, 1300);
	sent_msg(0, &m);
	assert_int_equal(m.hdr.op_code, COPS_OP_OPN);
	assert_non_null(cops_msg_find(&m, COPS_OBJ_LAST_PDP_ADDR, 0, 0));
	assert_int_equal(cops_msg_find(&m, COPS_OBJ_LAST_PDP_ADDR, 0, 0)->u.pdp.port, 3288);
	feed(&f, buf, cops_encode_cat(buf, sizeof(buf), COPS_CLIENT_PCMM, 10, 0), 1301);
	assert_int_equal(count_sent(COPS_OP_REQ), 2);	/* both requests, to the new PDP */
	cops_fsm_free(&f);
}

/* Many handles: each unique, all found, freed slots give new handles. */
static void
test_many_handles(void **state)
{
	static uint32_t hs[20000];
	struct cops_fsm f;
	uint32_t i;

	(void)state;
	open_fsm(&f, 0);
	f.ops = &ops;
	for (i = 0; i < 20000; i++) {
		R.n_sent = 0;
		assert_int_equal(cops_fsm_request(&f, i + 1, 1, NULL, 0, &hs[i]), 0);
	}
	assert_int_equal(f.n_reqs, 20000);
	for (i = 0; i < 20000; i++)
		assert_int_equal(cops_fsm_req_get(&f, hs[i])->cookie, i + 1);
	R.n_sent = 0;
	assert_int_equal(cops_fsm_delete(&f, hs[5], 1), 0);
	R.n_sent = 0;
	cops_fsm_request(&f, 99, 1, NULL, 0, &i);
	assert_int_not_equal(i, hs[5]);	/* same slot, new generation */
	assert_null(cops_fsm_req_get(&f, hs[5]));
	cops_fsm_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_sends_opn_with_pepid),
		cmocka_unit_test(test_ka_timing_and_pdp_lost),
		cmocka_unit_test(test_open_timeout),
		cmocka_unit_test(test_request_decision_update),
		cmocka_unit_test(test_malformed_dec_drq),
		cmocka_unit_test(test_garbage_closes_with_error),
		cmocka_unit_test(test_ssq),
		cmocka_unit_test(test_reconnect_resend_and_redirect),
		cmocka_unit_test(test_many_handles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
