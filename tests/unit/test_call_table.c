/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Unit tests for dataplane/call_table.c.
 *
 * Every SIP message is written as text by msg_send() (start line, Via, From,
 * To, Call-ID, CSeq, optional User-Agent/Server, Content-Type and an SDP
 * body made by sdp_audio() & co), copied into a malloc'd buffer of exactly
 * its length, parsed with sip_msg_parse() and sdp_parse() as the dataplane
 * does, and fed to call_table_sip(). The parties: Alice (caller, tag "a1",
 * 10.0.0.1) calls Bob (callee, tag "b1", 10.0.0.2). Time is in seconds
 * (T(s)) from an arbitrary epoch.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "call_table.h"
#include "sdp_parse.h"
#include "sip_parse.h"

#define T(s) ((uint64_t)(s)*1000000000ull)

/* ---- harness -------------------------------------------------------------------------------- */

struct env {
	struct call_table ct;
	void *mem;
	struct call_update upd;
	struct call_ref ref;
	uint64_t now;
	unsigned int branch; /* next generated Via branch */
	bool sdp_unusable;   /* next message: hand NULL for its SDP */
};

static struct env *
env_new(uint32_t capacity, const struct call_table_conf *conf)
{
	struct env *e = calloc(1, sizeof(*e));
	size_t n = call_table_mem_size(capacity);

	assert_non_null(e);
	assert_true(n > 0);
	assert_int_equal(posix_memalign(&e->mem, 64, n), 0);
	assert_int_equal(call_table_init(&e->ct, e->mem, n, capacity, conf), 0);
	e->now = T(1000);
	return e;
}

static void
env_free(struct env *e)
{
	free(e->mem);
	free(e);
}

/* Which party sends a request (responses come from the other one). */
enum who { ALICE = 0, BOB = 1 };

/* One message of a dialog. */
struct m {
	const char *cid;
	int code;	    /* 0: request; else a response with this status */
	const char *method; /* request method, or the CSeq method of a response */
	enum who orig;	    /* who sent the request (of the transaction, for responses) */
	unsigned int cseq;
	const char *atag;   /* Alice's tag; NULL none */
	const char *btag;   /* Bob's tag; NULL none (initial INVITE, CANCEL, 100) */
	const char *branch; /* Via branch; NULL: a new one */
	const char *sdp;    /* body; NULL none */
	const char *extra;  /* extra header lines (CRLF-terminated) */
};

static char last_branch[64];

/* Write msg as SIP text, parse it and feed it to the table; returns the result. */
static int
msg_send(struct env *e, const struct m *msg)
{
	const char *ruri = msg->orig == ALICE ? "sip:bob@example.com" : "sip:alice@192.0.2.1:5060";
	const char *at = msg->atag, *bt = msg->btag;
	char text[8192], start[128], atag[80] = "", btag[80] = "", br[64], ctype[64] = "";
	struct sip_msg *sm = calloc(1, sizeof(*sm));
	struct sdp_session *sd = calloc(1, sizeof(*sd));
	const struct sdp_session *sdp = NULL;
	uint8_t *buf;
	size_t len;
	int r;

	assert_non_null(sm);
	assert_non_null(sd);
	if (msg->code == 0)
		snprintf(start, sizeof(start), "%s %s SIP/2.0", msg->method, ruri);
	else
		snprintf(start, sizeof(start), "SIP/2.0 %d Whatever", msg->code);
	if (at != NULL)
		snprintf(atag, sizeof(atag), ";tag=%s", at);
	if (bt != NULL)
		snprintf(btag, sizeof(btag), ";tag=%s", bt);
	if (msg->branch != NULL)
		snprintf(br, sizeof(br), "%s", msg->branch);
	else
		snprintf(br, sizeof(br), "z9hG4bK%u", ++e->branch);
	snprintf(last_branch, sizeof(last_branch), "%s", br);
	if (msg->sdp != NULL)
		snprintf(ctype, sizeof(ctype), "Content-Type: application/sdp\r\n");
	/* Alice's requests: From Alice To Bob; Bob's: the reverse. Responses keep them. */
	snprintf(text, sizeof(text),
		"%s\r\n"
		"Via: SIP/2.0/UDP %s:5060;branch=%s\r\n"
		"From: %s%s\r\n"
		"To: %s%s\r\n"
		"Call-ID: %s\r\n"
		"CSeq: %u %s\r\n"
		"%s%s"
		"Content-Length: %zu\r\n"
		"\r\n"
		"%s",
		start, msg->orig == ALICE ? "192.0.2.1" : "192.0.2.2", br,
		msg->orig == ALICE ? "\"Alice\" <sip:alice@example.com>" : "<sip:bob@example.com>",
		msg->orig == ALICE ? atag : btag,
		msg->orig == ALICE ? "Bob <sip:bob@example.com>"
				   : "\"Alice\" <sip:alice@example.com>",
		msg->orig == ALICE ? btag : atag, msg->cid, msg->cseq, msg->method,
		msg->extra != NULL ? msg->extra : "", ctype, msg->sdp ? strlen(msg->sdp) : 0,
		msg->sdp ? msg->sdp : "");
	len = strlen(text);
	buf = malloc(len);
	assert_non_null(buf);
	memcpy(buf, text, len);
	r = sip_msg_parse(buf, (uint32_t)len, SIP_TRANSPORT_DGRAM, sm);
	if (r < 0)
		print_error("sip parse: %s at %u\n%s\n", sip_err_name(sm->err), sm->err_off, text);
	assert_int_equal(r, (int)len);
	if (sm->flags & SIP_F_SDP) {
		if (sdp_parse(buf + sm->sdp.off, sm->sdp.len, sd) == SDP_PARSE_OK)
			sdp = sd;
		else
			print_error("sdp parse: %s\n", sdp_err_name(sd->err));
		if (e->sdp_unusable)
			sdp = NULL;
	}
	e->sdp_unusable = false;
	r = call_table_sip(&e->ct, buf, sm, sdp, e->now, NULL, &e->upd, &e->ref);
	assert_true(r >= 0 && r < CALL_SIP_MAX);
	assert_true(e->upd.nadd <= CALL_UPDATE_MAX_ADD && e->upd.ndel <= CALL_UPDATE_MAX_DEL);
	free(buf);
	free(sm);
	free(sd);
	return r;
}

/* Shorthands for the messages of one dialog (Call-ID cid, tags a1 / b1 unless given). */
static int
req(struct env *e, const char *cid, const char *method, enum who from, unsigned int cseq,
	const char *sdp)
{
	struct m m = {cid, 0, method, from, cseq, "a1", "b1", NULL, sdp, NULL};

	return msg_send(e, &m);
}

static int
rsp(struct env *e, const char *cid, int code, const char *method, enum who orig, unsigned int cseq,
	const char *sdp)
{
	struct m m = {
		cid, code, method, orig, cseq, "a1", code == 100 ? NULL : "b1", NULL, sdp, NULL};

	return msg_send(e, &m);
}

/* Initial INVITE from Alice (no To tag). */
static int
invite(struct env *e, const char *cid, unsigned int cseq, const char *sdp)
{
	struct m m = {cid, 0, "INVITE", ALICE, cseq, "a1", NULL, NULL, sdp,
		"User-Agent: softphone/1.0\r\n"};

	return msg_send(e, &m);
}

static const struct call *
cur(struct env *e)
{
	const struct call *c = call_table_get(&e->ct, e->ref);

	assert_non_null(c);
	return c;
}

static const struct call *
find(struct env *e, const char *cid)
{
	return call_table_lookup(&e->ct, (const uint8_t *)cid, (uint32_t)strlen(cid));
}

/* SDP: one audio line (PCMU + telephone-event) at ip:port, with extra lines appended. */
static char sdpbuf[8][1024];
static unsigned int sdpn;

static const char *
sdp_audio(const char *ip, unsigned int port, const char *extra)
{
	char *b = sdpbuf[sdpn++ % 8];
	bool v6 = strchr(ip, ':') != NULL;

	snprintf(b, sizeof(sdpbuf[0]),
		"v=0\r\n"
		"o=- 1 1 IN %s %s\r\n"
		"s=-\r\n"
		"c=IN %s %s\r\n"
		"t=0 0\r\n"
		"m=audio %u RTP/AVP 0 101\r\n"
		"a=rtpmap:101 telephone-event/8000\r\n"
		"%s",
		v6 ? "IP6" : "IP4", ip, v6 ? "IP6" : "IP4", ip, port, extra ? extra : "");
	return b;
}

/* SDP: audio (PCMA, G722) and video (H264 96) at ip, ports pa and pv. */
static const char *
sdp_av(const char *ip, unsigned int pa, unsigned int pv)
{
	char *b = sdpbuf[sdpn++ % 8];

	snprintf(b, sizeof(sdpbuf[0]),
		"v=0\r\n"
		"o=- 1 1 IN IP4 %s\r\n"
		"s=-\r\n"
		"c=IN IP4 %s\r\n"
		"t=0 0\r\n"
		"m=audio %u RTP/AVP 8 9\r\n"
		"m=video %u RTP/AVP 96\r\n"
		"a=rtpmap:96 H264/90000\r\n",
		ip, ip, pa, pv);
	return b;
}

static void
key_of(struct call_expect_key *k, const char *ip, unsigned int port)
{
	memset(k, 0, sizeof(*k));
	if (strchr(ip, ':') != NULL) {
		k->family = CALL_AF_IP6;
		assert_int_equal(inet_pton(AF_INET6, ip, k->addr), 1);
	} else {
		k->family = CALL_AF_IP4;
		assert_int_equal(inet_pton(AF_INET, ip, k->addr), 1);
	}
	k->port = (uint16_t)port;
}

static bool
key_is(const struct call_expect_key *a, const char *ip, unsigned int port)
{
	struct call_expect_key k;

	key_of(&k, ip, port);
	return a->family == k.family && a->port == k.port && memcmp(a->addr, k.addr, 16) == 0;
}

/* The last update publishes ip:port with this kind; returns it. */
static const struct call_expect *
added(struct env *e, const char *ip, unsigned int port, int kind)
{
	unsigned int i;

	for (i = 0; i < e->upd.nadd; i++)
		if (key_is(&e->upd.add[i].key, ip, port)) {
			assert_int_equal(e->upd.add[i].kind, kind);
			assert_int_equal(e->upd.add[i].key.ref.slot, e->ref.slot);
			return &e->upd.add[i];
		}
	print_error("%s:%u not added (nadd %u)\n", ip, port, e->upd.nadd);
	fail();
	return NULL;
}

static bool
deleted(const struct call_update *u, const char *ip, unsigned int port)
{
	unsigned int i;

	for (i = 0; i < u->ndel; i++)
		if (key_is(&u->del[i], ip, port))
			return true;
	return false;
}

/* The call's current expectations contain ip:port (of kind; -1 any); returns the count. */
static int
has_expect(struct env *e, struct call_ref ref, const char *ip, unsigned int port, int kind)
{
	struct call_expect ex[CALL_MAX_EXPECT];
	int n = call_table_expectations(&e->ct, ref, ex), i;

	assert_true(n >= 0 && n <= CALL_MAX_EXPECT);
	for (i = 0; i < n; i++)
		if (key_is(&ex[i].key, ip, port))
			return kind < 0 || ex[i].kind == kind;
	return 0;
}

static int
n_expect(struct env *e, struct call_ref ref)
{
	struct call_expect ex[CALL_MAX_EXPECT];

	return call_table_expectations(&e->ct, ref, ex);
}

/* A full call set-up up to ESTABLISHED: INVITE (offer), 100, 180, 200 (answer), ACK. */
static struct call_ref
setup_call(struct env *e, const char *cid, const char *offer, const char *answer)
{
	assert_int_equal(invite(e, cid, 1, offer), CALL_SIP_NEW);
	assert_int_equal(rsp(e, cid, 100, "INVITE", ALICE, 1, NULL), CALL_SIP_UPDATED);
	assert_int_equal(rsp(e, cid, 180, "INVITE", ALICE, 1, NULL), CALL_SIP_UPDATED);
	e->now += T(2);
	assert_int_equal(rsp(e, cid, 200, "INVITE", ALICE, 1, answer), CALL_SIP_UPDATED);
	assert_int_equal(req(e, cid, "ACK", ALICE, 1, NULL), CALL_SIP_UPDATED);
	assert_int_equal(cur(e)->state, CALL_S_ESTABLISHED);
	return e->ref;
}

/* ---- tests ---------------------------------------------------------------------------------- */

static void
test_names_and_init(void **state)
{
	struct call_table ct;
	struct call_table_conf cf;
	uint64_t mem[64];

	(void)state;
	assert_string_equal(call_state_name(CALL_S_ESTABLISHED), "established");
	assert_string_equal(call_state_name(99), "unknown");
	assert_string_equal(call_reason_name(CALL_REASON_REJECTED), "rejected");
	assert_string_equal(call_reason_name(CALL_REASON_NONE), "");
	assert_string_equal(call_reason_name(CALL_REASON_ACTIVE_AT_END), "active_at_end");
	assert_string_equal(call_expect_kind_name(CALL_EXPECT_RTP_MUX), "rtp_mux");
	assert_string_equal(call_sip_result_name(CALL_SIP_UNKNOWN_CALL), "unknown_call");
	assert_string_equal(call_sip_result_name(-1), "unknown");
	assert_string_equal(call_side_name(CALL_SIDE_CALLER), "caller");
	assert_string_equal(call_side_name(CALL_SIDE_CALLEE), "callee");

	call_table_conf_default(&cf);
	assert_true(cf.setup_timeout_ns == T(60) && cf.session_timeout_ns == T(7200));
	assert_true(cf.linger_ns == T(10) && cf.retain_ns == 0);
	assert_int_equal(call_table_mem_size(0), 0);
	assert_int_equal(call_table_mem_size((1u << 24) + 1), 0);
	assert_true(call_table_mem_size(1) >= sizeof(struct call));
	assert_int_equal(call_table_init(&ct, mem, sizeof(mem), 0, NULL), -EINVAL);
	assert_int_equal(call_table_init(&ct, mem, sizeof(mem), 1, NULL), -EINVAL); /* too small */
	assert_int_equal(call_table_init(NULL, mem, sizeof(mem), 1, NULL), -EINVAL);
	assert_int_equal(call_table_init(&ct, (uint8_t *)mem + 4, 1 << 20, 1, NULL), -EINVAL);
	assert_int_equal(call_table_sip(NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL), -EINVAL);
}

static void
test_basic_call_bye_caller(void **state)
{
	struct env *e = env_new(16, NULL);
	const struct call *c;
	const struct call_expect *x;
	struct call_ref ref;
	uint64_t t0 = e->now;

	(void)state;
	/* INVITE with an offer: Alice's RTP and RTCP are published at once (pending) */
	assert_int_equal(invite(e, "c1@x", 1, sdp_audio("10.0.0.1", 4000, NULL)), CALL_SIP_NEW);
	ref = e->ref;
	assert_int_equal(e->upd.nadd, 2);
	assert_int_equal(e->upd.ndel, 0);
	x = added(e, "10.0.0.1", 4000, CALL_EXPECT_RTP);
	assert_int_equal(x->side, CALL_SIDE_CALLER);
	assert_int_equal(x->media_type, SDP_MEDIA_AUDIO);
	assert_int_equal(x->te_pt, 101);
	assert_int_equal(x->npt, 2);
	assert_int_equal(x->pt[0], 0);
	assert_int_equal(x->clock[0], 8000);
	assert_int_equal(x->clock[1], 8000);
	added(e, "10.0.0.1", 4001, CALL_EXPECT_RTCP);
	c = cur(e);
	assert_int_equal(c->state, CALL_S_TRYING);
	assert_string_equal(c->call_id, "c1@x");
	assert_string_equal(c->from, "sip:alice@example.com");
	assert_string_equal(c->to, "sip:bob@example.com");
	assert_string_equal(c->from_tag, "a1");
	assert_string_equal(c->from_display, "Alice");
	assert_string_equal(c->to_display, "Bob");
	assert_string_equal(c->user_agent, "softphone/1.0");
	assert_int_equal(c->user_agent_len, 13);
	assert_int_equal(c->via_tp, SIP_VIA_TP_UDP);
	assert_true(c->setup_time == t0);

	assert_int_equal(rsp(e, "c1@x", 100, "INVITE", ALICE, 1, NULL), CALL_SIP_UPDATED);
	assert_int_equal(cur(e)->state, CALL_S_TRYING);
	e->now += T(1);
	assert_int_equal(rsp(e, "c1@x", 180, "INVITE", ALICE, 1, NULL), CALL_SIP_UPDATED);
	c = cur(e);
	assert_int_equal(c->state, CALL_S_RINGING);
	assert_true(c->tset & CALL_T_RINGING);
	assert_true(c->ringing_time == t0 + T(1));
	assert_string_equal(c->to_tag, "b1");

	/* 200 with the answer: Bob's endpoints published, Alice's unchanged */
	e->now += T(4);
	assert_int_equal(rsp(e, "c1@x", 200, "INVITE", ALICE, 1, sdp_audio("10.0.0.2", 5000, NULL)),
		CALL_SIP_UPDATED);
	assert_int_equal(e->upd.nadd, 2);
	assert_int_equal(e->upd.ndel, 0);
	x = added(e, "10.0.0.2", 5000, CALL_EXPECT_RTP);
	assert_int_equal(x->side, CALL_SIDE_CALLEE);
	added(e, "10.0.0.2", 5001, CALL_EXPECT_RTCP);
	c = cur(e);
	assert_int_equal(c->state, CALL_S_ANSWERED);
	assert_int_equal(c->code, 200);
	assert_true(c->answer_time == t0 + T(5));
	assert_int_equal(c->ncodecs, 2);
	assert_string_equal(c->codecs[0], "PCMU");
	assert_string_equal(c->codecs[1], "telephone-event");
	assert_int_equal(c->nmedia, 1);
	assert_int_equal(c->media[0].rtcp_mux, 0);
	assert_int_equal(c->media[0].side[CALL_SIDE_CALLER].port, 4000);
	assert_int_equal(c->media[0].side[CALL_SIDE_CALLEE].port, 5000);
	assert_int_equal(c->media[0].side[CALL_SIDE_CALLEE].rtcp_port, 5001);
	assert_int_equal(n_expect(e, ref), 4);

	e->now += T(1);
	assert_int_equal(req(e, "c1@x", "ACK", ALICE, 1, NULL), CALL_SIP_UPDATED);
	c = cur(e);
	assert_int_equal(c->state, CALL_S_ESTABLISHED);
	assert_true(c->established_time == t0 + T(6));
	assert_true(call_duration_ns(c, t0 + T(65)) == T(60));

	e->now += T(60);
	assert_int_equal(req(e, "c1@x", "BYE", ALICE, 2, NULL), CALL_SIP_UPDATED);
	assert_int_equal(e->upd.ndel, 0); /* withdrawn after linger, not now */
	assert_int_equal(rsp(e, "c1@x", 200, "BYE", ALICE, 2, NULL), CALL_SIP_UPDATED);
	c = cur(e);
	assert_int_equal(c->state, CALL_S_TERMINATED);
	assert_int_equal(c->reason, CALL_REASON_BYE);
	assert_int_equal(c->bye_side, CALL_SIDE_CALLER);
	assert_true(c->tset & CALL_T_END);
	assert_true(c->end_time == t0 + T(66));
	assert_true(call_duration_ns(c, t0 + T(1000)) == T(61));
	assert_int_equal(c->counts.invite, 1);
	assert_int_equal(c->counts.ack, 1);
	assert_int_equal(c->counts.bye, 1);
	assert_int_equal(c->counts.resp[0], 2);
	assert_int_equal(c->counts.resp[1], 2);
	assert_int_equal(c->counts.retrans, 0);
	assert_int_equal(c->counts.stray, 0);

	/* linger: 10 s after the BYE the four endpoints are withdrawn */
	assert_int_equal(call_table_tick(&e->ct, e->now + T(9), &e->upd, 16), 0);
	assert_int_equal(e->upd.ndel, 0);
	assert_int_equal(call_table_tick(&e->ct, e->now + T(10), &e->upd, 16), 1);
	assert_int_equal(e->upd.ndel, 4);
	assert_false(e->upd.more);
	assert_true(deleted(&e->upd, "10.0.0.1", 4000) && deleted(&e->upd, "10.0.0.1", 4001));
	assert_true(deleted(&e->upd, "10.0.0.2", 5000) && deleted(&e->upd, "10.0.0.2", 5001));
	assert_int_equal(e->upd.del[0].ref.slot, ref.slot);
	assert_int_equal(e->upd.del[0].ref.gen, ref.gen);
	c = call_table_get(&e->ct, ref);
	assert_non_null(c);
	assert_true(c->flags & CALL_F_WITHDRAWN);
	assert_int_equal(n_expect(e, ref), 0);
	/* retain 0: the record stays until its slot is needed */
	assert_int_equal(call_table_tick(&e->ct, e->now + T(100000), &e->upd, 16), 0);
	assert_int_equal(call_table_count(&e->ct), 1);
	assert_true(call_table_at(&e->ct, ref.slot) == c);
	assert_null(call_table_at(&e->ct, ref.slot + 1));
	assert_int_equal(call_table_ref(&e->ct, c).gen, ref.gen);
	assert_true(find(e, "c1@x") == c);
	assert_null(find(e, "c1@y"));

	assert_int_equal(e->ct.stats.created, 1);
	assert_int_equal(e->ct.stats.sip[CALL_SIP_NEW], 1);
	assert_int_equal(e->ct.stats.sip[CALL_SIP_UPDATED], 6);
	assert_int_equal(e->ct.stats.expect_added, 4);
	assert_int_equal(e->ct.stats.expect_deleted, 4);
	env_free(e);
}

static void
test_bye_callee_and_retrans(void **state)
{
	struct env *e = env_new(16, NULL);
	const struct call *c;

	(void)state;
	setup_call(e, "c2", sdp_audio("10.0.0.1", 4000, NULL), sdp_audio("10.0.0.2", 5000, NULL));
	assert_int_equal(req(e, "c2", "BYE", BOB, 7, NULL), CALL_SIP_UPDATED);
	c = cur(e);
	assert_int_equal(c->reason, CALL_REASON_BYE);
	assert_int_equal(c->bye_side, CALL_SIDE_CALLEE);
	assert_false(c->flags & CALL_F_BYE_EARLY);
	/* the same BYE again (retransmission, or seen on a second hop) */
	assert_int_equal(req(e, "c2", "BYE", BOB, 7, NULL), CALL_SIP_RETRANS);
	assert_int_equal(rsp(e, "c2", 200, "BYE", BOB, 7, NULL), CALL_SIP_UPDATED);
	c = cur(e);
	assert_int_equal(c->counts.bye, 2);
	assert_int_equal(c->counts.retrans, 1);
	assert_int_equal(e->ct.stats.sip[CALL_SIP_RETRANS], 1);
	env_free(e);
}

static void
test_cancel_487(void **state)
{
	struct env *e = env_new(16, NULL);
	struct m cancel = {"c3", 0, "CANCEL", ALICE, 1, "a1", NULL, NULL, NULL, NULL};
	struct m r487 = {"c3", 487, "INVITE", ALICE, 1, "a1", "b1", NULL, NULL, NULL};
	struct m ack = {"c3", 0, "ACK", ALICE, 1, "a1", "b1", NULL, NULL, NULL};
	char br[64];
	const struct call *c;

	(void)state;
	assert_int_equal(invite(e, "c3", 1, sdp_audio("10.0.0.1", 4000, NULL)), CALL_SIP_NEW);
	snprintf(br, sizeof(br), "%s", last_branch);
	assert_int_equal(rsp(e, "c3", 180, "INVITE", ALICE, 1, NULL), CALL_SIP_UPDATED);
	cancel.branch = br; /* CANCEL and the ACK of a non-2xx reuse the INVITE's branch */
	assert_int_equal(msg_send(e, &cancel), CALL_SIP_UPDATED);
	assert_true(cur(e)->flags & CALL_F_CANCELLED);
	assert_int_equal(cur(e)->state, CALL_S_RINGING);
	assert_int_equal(msg_send(e, &cancel), CALL_SIP_RETRANS);
	assert_int_equal(rsp(e, "c3", 200, "CANCEL", ALICE, 1, NULL), CALL_SIP_UPDATED);
	assert_int_equal(msg_send(e, &r487), CALL_SIP_UPDATED);
	ack.branch = br;
	assert_int_equal(msg_send(e, &ack), CALL_SIP_UPDATED);
	c = cur(e);
	assert_int_equal(c->state, CALL_S_TERMINATED);
	assert_int_equal(c->reason, CALL_REASON_CANCEL);
	assert_int_equal(c->code, 487);
	assert_false(c->tset & CALL_T_ANSWER);
	assert_false(c->flags & CALL_F_INFERRED_ANSWER);
	assert_int_equal(c->counts.cancel, 2);
	assert_int_equal(c->counts.resp[3], 1);
	assert_true(call_duration_ns(c, e->now) == 0);
	/* the 487 again */
	assert_int_equal(msg_send(e, &r487), CALL_SIP_RETRANS);
	/* the offer lingers like any expectation of a terminated call */
	assert_int_equal(n_expect(e, e->ref), 2);
	env_free(e);
}

static void
test_rejected_486(void **state)
{
	struct env *e = env_new(16, NULL);
	const struct call *c;

	(void)state;
	assert_int_equal(invite(e, "c4", 1, sdp_audio("10.0.0.1", 4000, NULL)), CALL_SIP_NEW);
	assert_int_equal(rsp(e, "c4", 486, "INVITE", ALICE, 1, NULL), CALL_SIP_UPDATED);
	c = cur(e);
	assert_int_equal(c->state, CALL_S_TERMINATED);
	assert_int_equal(c->reason, CALL_REASON_REJECTED);
	assert_int_equal(c->code, 486);
	assert_int_equal(rsp(e, "c4", 486, "INVITE", ALICE, 1, NULL), CALL_SIP_RETRANS);
	assert_int_equal(cur(e)->counts.resp[3], 2);
	env_free(e);
}

static void
test_auth_retry_revived(void **state)
{
	struct env *e = env_new(16, NULL);
	struct m ack = {"c5", 0, "ACK", ALICE, 1, "a1", "b1", NULL, NULL, NULL};
	const char *offer = sdp_audio("10.0.0.1", 4000, NULL);
	const struct call *c;
	struct call_ref ref;
	char br[64];

	(void)state;
	assert_int_equal(invite(e, "c5", 1, offer), CALL_SIP_NEW);
	ref = e->ref;
	snprintf(br, sizeof(br), "%s", last_branch);
	assert_int_equal(rsp(e, "c5", 407, "INVITE", ALICE, 1, NULL), CALL_SIP_UPDATED);
	assert_int_equal(cur(e)->reason, CALL_REASON_REJECTED);
	ack.branch = br;
	assert_int_equal(msg_send(e, &ack), CALL_SIP_UPDATED);
	e->now += T(1);
	/* the retry: same Call-ID and From tag, CSeq + 1, same offer: nothing to republish */
	assert_int_equal(invite(e, "c5", 2, offer), CALL_SIP_UPDATED);
	assert_int_equal(e->ref.slot, ref.slot);
	assert_int_equal(e->ref.gen, ref.gen);
	assert_int_equal(e->upd.nadd, 0);
	assert_int_equal(e->upd.ndel, 0);
	c = cur(e);
	assert_int_equal(c->state, CALL_S_TRYING);
	assert_int_equal(c->reason, CALL_REASON_NONE);
	assert_int_equal(c->code, 0);
	assert_false(c->tset & CALL_T_END);
	assert_int_equal(c->counts.invite, 2);
	assert_int_equal(c->invite_cseq, 2);
	assert_int_equal(e->ct.stats.revived, 1);
	/* the 407 of the first attempt again: a stale CSeq */
	assert_int_equal(rsp(e, "c5", 407, "INVITE", ALICE, 1, NULL), CALL_SIP_STRAY);
	assert_int_equal(cur(e)->state, CALL_S_TRYING);
	/* a second challenge, then a retry with another port: old withdrawn, new published */
	assert_int_equal(rsp(e, "c5", 401, "INVITE", ALICE, 2, NULL), CALL_SIP_UPDATED);
	assert_int_equal(invite(e, "c5", 3, sdp_audio("10.0.0.1", 4010, NULL)), CALL_SIP_UPDATED);
	assert_int_equal(e->ct.stats.revived, 2);
	assert_int_equal(e->upd.ndel, 2);
	assert_true(deleted(&e->upd, "10.0.0.1", 4000) && deleted(&e->upd, "10.0.0.1", 4001));
	added(e, "10.0.0.1", 4010, CALL_EXPECT_RTP);
	added(e, "10.0.0.1", 4011, CALL_EXPECT_RTCP);
	assert_int_equal(rsp(e, "c5", 200, "INVITE", ALICE, 3, sdp_audio("10.0.0.2", 5000, NULL)),
		CALL_SIP_UPDATED);
	c = cur(e);
	assert_int_equal(c->state, CALL_S_ANSWERED);
	assert_int_equal(c->code, 200);
	assert_int_equal(n_expect(e, e->ref), 4);
	env_free(e);
}

static void
test_setup_timeout(void **state)
{
	struct env *e = env_new(16, NULL);
	uint64_t t0 = e->now;
	const struct call *c;
	struct call_ref ref;

	(void)state;
	assert_int_equal(invite(e, "c6", 1, sdp_audio("10.0.0.1", 4000, NULL)), CALL_SIP_NEW);
	ref = e->ref;
	assert_int_equal(rsp(e, "c6", 180, "INVITE", ALICE, 1, NULL), CALL_SIP_UPDATED);
	assert_int_equal(call_table_tick(&e->ct, t0 + T(59), &e->upd, 8), 0);
	c = call_table_get(&e->ct, ref);
	assert_int_equal(c->state, CALL_S_RINGING);
	assert_int_equal(call_table_tick(&e->ct, t0 + T(60), &e->upd, 8), 1);
	assert_int_equal(c->state, CALL_S_TERMINATED);
	assert_int_equal(c->reason, CALL_REASON_TIMEOUT);
	assert_true(c->end_time == t0 + T(60));
	assert_int_equal(e->ct.stats.timeout_setup, 1);
	assert_int_equal(e->upd.ndel, 0);
	assert_int_equal(call_table_tick(&e->ct, t0 + T(70), &e->upd, 8), 1);
	assert_int_equal(e->upd.ndel, 2);
	env_free(e);
}

static void
test_session_timeout_and_touch(void **state)
{
	struct call_table_conf cf;
	struct env *e;
	struct call_ref ref;
	uint64_t t1;

	(void)state;
	call_table_conf_default(&cf);
	cf.session_timeout_ns = T(100);
	cf.linger_ns = 0;
	e = env_new(16, &cf);
	ref = setup_call(
		e, "c7", sdp_audio("10.0.0.1", 4000, NULL), sdp_audio("10.0.0.2", 5000, NULL));
	t1 = e->now;
	assert_int_equal(call_table_touch(&e->ct, ref, t1 + T(50)), 0);
	assert_int_equal(call_table_tick(&e->ct, t1 + T(120), &e->upd, 8), 0);
	assert_int_equal(call_table_get(&e->ct, ref)->state, CALL_S_ESTABLISHED);
	/* silent for 100 s after the touch: terminated, and (linger 0) withdrawn in the same tick
	 */
	assert_int_equal(call_table_tick(&e->ct, t1 + T(150), &e->upd, 8), 2);
	assert_int_equal(call_table_get(&e->ct, ref)->reason, CALL_REASON_SESSION_TIMEOUT);
	assert_int_equal(e->upd.ndel, 4);
	assert_int_equal(e->ct.stats.timeout_session, 1);
	ref.gen++;
	assert_int_equal(call_table_touch(&e->ct, ref, t1), -ENOENT);
	assert_int_equal(n_expect(e, ref), -ENOENT);
	env_free(e);
}

static void
test_reinvite_port_change(void **state)
{
	struct env *e = env_new(16, NULL);
	struct call_ref ref;
	const struct call *c;

	(void)state;
	ref = setup_call(
		e, "c8", sdp_audio("10.0.0.1", 4000, NULL), sdp_audio("10.0.0.2", 5000, NULL));
	/* Alice moves her media to 4002: published as soon as offered, the old stays until the
	 * answer */
	assert_int_equal(req(e, "c8", "INVITE", ALICE, 2, sdp_audio("10.0.0.1", 4002, NULL)),
		CALL_SIP_UPDATED);
	assert_int_equal(e->upd.ndel, 0);
	assert_int_equal(e->upd.nadd, 2);
	added(e, "10.0.0.1", 4002, CALL_EXPECT_RTP);
	assert_int_equal(n_expect(e, ref), 6);
	assert_int_equal(req(e, "c8", "INVITE", ALICE, 2, sdp_audio("10.0.0.1", 4002, NULL)),
		CALL_SIP_RETRANS);
	assert_int_equal(rsp(e, "c8", 200, "INVITE", ALICE, 2, sdp_audio("10.0.0.2", 5000, NULL)),
		CALL_SIP_UPDATED);
	assert_int_equal(e->upd.ndel, 2);
	assert_true(deleted(&e->upd, "10.0.0.1", 4000) && deleted(&e->upd, "10.0.0.1", 4001));
	assert_int_equal(e->upd.nadd, 0);
	assert_int_equal(rsp(e, "c8", 200, "INVITE", ALICE, 2, sdp_audio("10.0.0.2", 5000, NULL)),
		CALL_SIP_RETRANS);
	assert_int_equal(req(e, "c8", "ACK", ALICE, 2, NULL), CALL_SIP_UPDATED);
	assert_int_equal(req(e, "c8", "ACK", ALICE, 2, NULL), CALL_SIP_RETRANS);
	c = cur(e);
	assert_int_equal(c->counts.reinvite, 2);
	assert_int_equal(c->counts.retrans, 3);
	assert_int_equal(c->media[0].side[CALL_SIDE_CALLER].port, 4002);
	assert_int_equal(n_expect(e, ref), 4);
	assert_true(has_expect(e, ref, "10.0.0.1", 4003, CALL_EXPECT_RTCP));

	/* Bob re-INVITEs (his own CSeq space: 1 is fine), moving to 5002; rejected with 488 */
	assert_int_equal(req(e, "c8", "INVITE", BOB, 1, sdp_audio("10.0.0.2", 5002, NULL)),
		CALL_SIP_UPDATED);
	assert_int_equal(e->upd.nadd, 2);
	assert_int_equal(rsp(e, "c8", 488, "INVITE", BOB, 1, NULL), CALL_SIP_UPDATED);
	assert_int_equal(e->upd.ndel, 2);
	assert_true(deleted(&e->upd, "10.0.0.2", 5002));
	assert_int_equal(cur(e)->media[0].side[CALL_SIDE_CALLEE].port, 5000);
	/* an old re-INVITE CSeq: stray */
	assert_int_equal(req(e, "c8", "INVITE", ALICE, 1, sdp_audio("10.0.0.1", 4002, NULL)),
		CALL_SIP_STRAY);
	assert_int_equal(cur(e)->counts.stray, 1);
	env_free(e);
}

static void
test_hold_resume(void **state)
{
	struct env *e = env_new(16, NULL);
	struct call_ref ref;
	const struct call *c;

	(void)state;
	ref = setup_call(
		e, "c9", sdp_audio("10.0.0.1", 4000, NULL), sdp_audio("10.0.0.2", 5000, NULL));
	/* RFC 3264 hold: sendonly / recvonly; the endpoints stay published (RTCP flows on) */
	assert_int_equal(
		req(e, "c9", "INVITE", ALICE, 2, sdp_audio("10.0.0.1", 4000, "a=sendonly\r\n")),
		CALL_SIP_UPDATED);
	assert_int_equal(rsp(e, "c9", 200, "INVITE", ALICE, 2,
				 sdp_audio("10.0.0.2", 5000, "a=recvonly\r\n")),
		CALL_SIP_UPDATED);
	c = cur(e);
	assert_true(c->flags & CALL_F_HOLD);
	assert_int_equal(c->hold_count, 1);
	assert_int_equal(c->media[0].side[CALL_SIDE_CALLER].dir, SDP_DIR_SENDONLY);
	assert_true(c->media[0].side[CALL_SIDE_CALLER].flags & CALL_MS_HOLD);
	assert_int_equal(n_expect(e, ref), 4);
	/* resume */
	assert_int_equal(req(e, "c9", "INVITE", ALICE, 3, sdp_audio("10.0.0.1", 4000, NULL)),
		CALL_SIP_UPDATED);
	assert_int_equal(rsp(e, "c9", 200, "INVITE", ALICE, 3, sdp_audio("10.0.0.2", 5000, NULL)),
		CALL_SIP_UPDATED);
	assert_false(cur(e)->flags & CALL_F_HOLD);
	/* RFC 2543 hold: c=0.0.0.0 publishes nothing for Alice, so her endpoints go */
	assert_int_equal(req(e, "c9", "INVITE", ALICE, 4, sdp_audio("0.0.0.0", 4000, NULL)),
		CALL_SIP_UPDATED);
	assert_int_equal(e->upd.nadd, 0);
	assert_int_equal(rsp(e, "c9", 200, "INVITE", ALICE, 4, sdp_audio("10.0.0.2", 5000, NULL)),
		CALL_SIP_UPDATED);
	assert_int_equal(e->upd.ndel, 2);
	assert_true(deleted(&e->upd, "10.0.0.1", 4000) && deleted(&e->upd, "10.0.0.1", 4001));
	c = cur(e);
	assert_true(c->flags & CALL_F_HOLD);
	assert_int_equal(c->hold_count, 2);
	assert_true(c->media[0].side[CALL_SIDE_CALLER].flags & CALL_MS_NULL_ADDR);
	assert_int_equal(c->media[0].side[CALL_SIDE_CALLER].family, 0);
	assert_int_equal(n_expect(e, ref), 2);
	/* and back */
	assert_int_equal(req(e, "c9", "INVITE", ALICE, 5, sdp_audio("10.0.0.1", 4000, NULL)),
		CALL_SIP_UPDATED);
	added(e, "10.0.0.1", 4000, CALL_EXPECT_RTP);
	assert_int_equal(rsp(e, "c9", 200, "INVITE", ALICE, 5, sdp_audio("10.0.0.2", 5000, NULL)),
		CALL_SIP_UPDATED);
	assert_false(cur(e)->flags & CALL_F_HOLD);
	assert_int_equal(n_expect(e, ref), 4);
	env_free(e);
}

static void
test_rtcp_mux(void **state)
{
	struct env *e = env_new(16, NULL);
	struct call_ref ref;

	(void)state;
	/* offered: only a proposal, so RTP and RTCP (port + 1) are published */
	assert_int_equal(
		invite(e, "c10", 1, sdp_audio("10.0.0.1", 4000, "a=rtcp-mux\r\n")), CALL_SIP_NEW);
	ref = e->ref;
	added(e, "10.0.0.1", 4000, CALL_EXPECT_RTP);
	added(e, "10.0.0.1", 4001, CALL_EXPECT_RTCP);
	/* accepted: one RTP_MUX entry per side, Alice's RTCP withdrawn */
	assert_int_equal(rsp(e, "c10", 200, "INVITE", ALICE, 1,
				 sdp_audio("10.0.0.2", 5000, "a=rtcp-mux\r\n")),
		CALL_SIP_UPDATED);
	assert_int_equal(e->upd.ndel, 1);
	assert_true(deleted(&e->upd, "10.0.0.1", 4001));
	added(e, "10.0.0.1", 4000, CALL_EXPECT_RTP_MUX);
	added(e, "10.0.0.2", 5000, CALL_EXPECT_RTP_MUX);
	assert_int_equal(e->upd.nadd, 2);
	assert_int_equal(cur(e)->media[0].rtcp_mux, 1);
	assert_int_equal(n_expect(e, ref), 2);

	/* declined by the answer: RTP and RTCP on both sides */
	assert_int_equal(
		invite(e, "c11", 1, sdp_audio("10.0.0.1", 4100, "a=rtcp-mux\r\n")), CALL_SIP_NEW);
	assert_int_equal(rsp(e, "c11", 200, "INVITE", ALICE, 1, sdp_audio("10.0.0.2", 5100, NULL)),
		CALL_SIP_UPDATED);
	assert_int_equal(cur(e)->media[0].rtcp_mux, 0);
	assert_int_equal(n_expect(e, e->ref), 4);
	assert_true(has_expect(e, e->ref, "10.0.0.1", 4101, CALL_EXPECT_RTCP));
	env_free(e);
}

static void
test_rtcp_attr_ipv6_fqdn(void **state)
{
	struct env *e = env_new(16, NULL);
	const struct call *c;

	(void)state;
	/* a=rtcp with an address (RFC 3605) */
	assert_int_equal(
		invite(e, "c12", 1, sdp_audio("10.0.0.1", 4000, "a=rtcp:5555 IN IP4 10.0.0.9\r\n")),
		CALL_SIP_NEW);
	added(e, "10.0.0.1", 4000, CALL_EXPECT_RTP);
	added(e, "10.0.0.9", 5555, CALL_EXPECT_RTCP);
	assert_int_equal(e->upd.nadd, 2);
	assert_true(cur(e)->pending[0].flags & CALL_MS_RTCP_ATTR);
	/* IPv6 answer, a=rtcp port only (address of c=) */
	assert_int_equal(rsp(e, "c12", 200, "INVITE", ALICE, 1,
				 sdp_audio("2001:db8::2", 6000, "a=rtcp:6009\r\n")),
		CALL_SIP_UPDATED);
	added(e, "2001:db8::2", 6000, CALL_EXPECT_RTP);
	assert_int_equal(added(e, "2001:db8::2", 6009, CALL_EXPECT_RTCP)->key.family, CALL_AF_IP6);
	c = cur(e);
	assert_int_equal(c->media[0].side[CALL_SIDE_CALLEE].family, CALL_AF_IP6);
	assert_int_equal(c->media[0].side[CALL_SIDE_CALLEE].rtcp_port, 6009);

	/* a host name in c=: nothing published for that side */
	assert_int_equal(
		invite(e, "c13", 1, sdp_audio("media.example.com", 4000, NULL)), CALL_SIP_NEW);
	/* sdp_audio() writes IN IP4 <name>: the SDP parser keeps it as an FQDN */
	assert_int_equal(e->upd.nadd, 0);
	assert_int_equal(rsp(e, "c13", 200, "INVITE", ALICE, 1, sdp_audio("10.0.0.2", 5000, NULL)),
		CALL_SIP_UPDATED);
	assert_int_equal(e->upd.nadd, 2);
	c = cur(e);
	assert_true(c->flags & CALL_F_FQDN_MEDIA);
	assert_true(c->media[0].side[CALL_SIDE_CALLER].flags & CALL_MS_FQDN);
	env_free(e);
}

static void
test_multi_media_and_port0(void **state)
{
	struct env *e = env_new(16, NULL);
	const struct call *c;
	struct call_ref ref;
	const struct call_expect *x;

	(void)state;
	assert_int_equal(invite(e, "c14", 1, sdp_av("10.0.0.1", 4000, 4100)), CALL_SIP_NEW);
	ref = e->ref;
	assert_int_equal(e->upd.nadd, 4);
	x = added(e, "10.0.0.1", 4100, CALL_EXPECT_RTP);
	assert_int_equal(x->media_idx, 1);
	assert_int_equal(x->media_type, SDP_MEDIA_VIDEO);
	assert_int_equal(x->pt[0], 96);
	assert_int_equal(x->clock[0], 90000);
	assert_int_equal(x->te_pt, 0xff);
	assert_int_equal(rsp(e, "c14", 200, "INVITE", ALICE, 1, sdp_av("10.0.0.2", 5000, 5100)),
		CALL_SIP_UPDATED);
	assert_int_equal(e->upd.nadd, 4);
	assert_int_equal(n_expect(e, ref), 8);
	c = cur(e);
	assert_int_equal(c->nmedia, 2);
	assert_int_equal(c->ncodecs, 2);
	assert_string_equal(c->codecs[0], "PCMA");
	assert_string_equal(c->codecs[1], "G722");
	assert_int_equal(added(e, "10.0.0.2", 5000, CALL_EXPECT_RTP)->clock[1], 8000); /* G722 */

	/* video refused (port 0) in the answer: neither side's video is published */
	assert_int_equal(invite(e, "c15", 1, sdp_av("10.0.0.1", 4200, 4300)), CALL_SIP_NEW);
	ref = e->ref;
	assert_int_equal(rsp(e, "c15", 200, "INVITE", ALICE, 1, sdp_av("10.0.0.2", 5200, 0)),
		CALL_SIP_UPDATED);
	assert_int_equal(e->upd.ndel, 2);
	assert_true(deleted(&e->upd, "10.0.0.1", 4300) && deleted(&e->upd, "10.0.0.1", 4301));
	assert_int_equal(e->upd.nadd, 2);
	assert_int_equal(n_expect(e, ref), 4);
	assert_false(has_expect(e, ref, "10.0.0.1", 4300, -1));
	assert_int_equal(cur(e)->media[1].side[CALL_SIDE_CALLEE].port, 0);
	env_free(e);
}

static void
test_retransmissions(void **state)
{
	struct env *e = env_new(16, NULL);
	const char *offer = sdp_audio("10.0.0.1", 4000, NULL);
	const struct call *c;

	(void)state;
	assert_int_equal(invite(e, "c16", 1, offer), CALL_SIP_NEW);
	assert_int_equal(invite(e, "c16", 1, offer), CALL_SIP_RETRANS);
	assert_int_equal(e->upd.nadd + e->upd.ndel, 0);
	assert_int_equal(rsp(e, "c16", 200, "INVITE", ALICE, 1, sdp_audio("10.0.0.2", 5000, NULL)),
		CALL_SIP_UPDATED);
	assert_int_equal(rsp(e, "c16", 200, "INVITE", ALICE, 1, sdp_audio("10.0.0.2", 5000, NULL)),
		CALL_SIP_RETRANS);
	assert_int_equal(req(e, "c16", "ACK", ALICE, 1, NULL), CALL_SIP_UPDATED);
	assert_int_equal(req(e, "c16", "ACK", ALICE, 1, NULL), CALL_SIP_RETRANS);
	c = cur(e);
	assert_int_equal(c->counts.invite, 2);
	assert_int_equal(c->counts.ack, 2);
	assert_int_equal(c->counts.resp[1], 2);
	assert_int_equal(c->counts.retrans, 3);
	assert_int_equal(e->ct.stats.sip[CALL_SIP_RETRANS], 3);
	env_free(e);
}

static void
test_stray_unknown_not_call(void **state)
{
	struct env *e = env_new(16, NULL);
	struct m bye_other = {"c17", 0, "BYE", ALICE, 5, "zz", "b1", NULL, NULL, NULL};
	struct m reg = {"r1", 0, "REGISTER", ALICE, 1, "a1", NULL, NULL, NULL, NULL};
	struct m opt = {"o1", 0, "OPTIONS", ALICE, 1, "a1", NULL, NULL, NULL, NULL};
	struct m optr = {"o1", 200, "OPTIONS", ALICE, 1, "a1", "b1", NULL, NULL, NULL};
	struct m info = {"c17", 0, "INFO", ALICE, 3, "a1", "b1", NULL, NULL, NULL};
	struct sip_msg ka;
	uint8_t crlf[4] = {'\r', '\n', '\r', '\n'};

	(void)state;
	setup_call(e, "c17", sdp_audio("10.0.0.1", 4000, NULL), sdp_audio("10.0.0.2", 5000, NULL));
	/* a BYE with the Call-ID but another From tag: another dialog */
	assert_int_equal(msg_send(e, &bye_other), CALL_SIP_STRAY);
	assert_int_equal(e->ref.slot, call_table_ref(&e->ct, find(e, "c17")).slot);
	assert_int_equal(find(e, "c17")->state, CALL_S_ESTABLISHED);
	assert_int_equal(find(e, "c17")->counts.stray, 1);
	/* a 180 for a CSeq the call never used */
	assert_int_equal(rsp(e, "c17", 180, "INVITE", ALICE, 9, NULL), CALL_SIP_STRAY);
	/* in-dialog INFO */
	assert_int_equal(msg_send(e, &info), CALL_SIP_UPDATED);
	assert_int_equal(find(e, "c17")->counts.other_req, 1);
	/* in-dialog requests with an unknown Call-ID */
	assert_int_equal(req(e, "nope", "BYE", ALICE, 2, NULL), CALL_SIP_UNKNOWN_CALL);
	assert_int_equal(e->ref.slot, UINT32_MAX);
	assert_int_equal(rsp(e, "nope", 200, "INVITE", ALICE, 1, NULL), CALL_SIP_UNKNOWN_CALL);
	assert_int_equal(req(e, "nope", "ACK", ALICE, 1, NULL), CALL_SIP_UNKNOWN_CALL);
	/* not about calls */
	assert_int_equal(msg_send(e, &reg), CALL_SIP_NOT_CALL);
	assert_int_equal(msg_send(e, &opt), CALL_SIP_NOT_CALL);
	assert_int_equal(msg_send(e, &optr), CALL_SIP_NOT_CALL);
	assert_int_equal(sip_msg_parse(crlf, sizeof(crlf), SIP_TRANSPORT_DGRAM, &ka), 4);
	assert_int_equal(ka.kind, SIP_KIND_KEEPALIVE);
	assert_int_equal(call_table_sip(&e->ct, crlf, &ka, NULL, e->now, NULL, &e->upd, NULL),
		CALL_SIP_NOT_CALL);
	assert_int_equal(call_table_count(&e->ct), 1);
	assert_int_equal(e->ct.stats.sip[CALL_SIP_STRAY], 2);
	assert_int_equal(e->ct.stats.sip[CALL_SIP_UNKNOWN_CALL], 3);
	assert_int_equal(e->ct.stats.sip[CALL_SIP_NOT_CALL], 4);
	env_free(e);
}

static void
test_eviction(void **state)
{
	struct env *e = env_new(3, NULL);
	struct call_ref r_term, r_setup, r_act1, r_act2, r_new;

	(void)state;
	/* three calls: one terminated (lingering), one ringing, one established */
	r_act1 = setup_call(
		e, "e1", sdp_audio("10.0.1.1", 4000, NULL), sdp_audio("10.0.1.2", 5000, NULL));
	r_term = setup_call(
		e, "e2", sdp_audio("10.0.2.1", 4000, NULL), sdp_audio("10.0.2.2", 5000, NULL));
	assert_int_equal(req(e, "e2", "BYE", BOB, 1, NULL), CALL_SIP_UPDATED);
	assert_int_equal(invite(e, "e3", 1, sdp_audio("10.0.3.1", 4000, NULL)), CALL_SIP_NEW);
	r_setup = e->ref;
	assert_int_equal(call_table_count(&e->ct), 3);

	/* full: the terminated call goes first, its 4 endpoints withdrawn in the same update */
	assert_int_equal(invite(e, "e4", 1, sdp_audio("10.0.4.1", 4000, NULL)), CALL_SIP_NEW);
	r_new = e->ref;
	assert_int_equal(e->ct.stats.evicted_terminated, 1);
	assert_null(call_table_get(&e->ct, r_term));
	assert_null(find(e, "e2"));
	assert_int_equal(e->upd.ndel, 4);
	assert_true(deleted(&e->upd, "10.0.2.1", 4000) && deleted(&e->upd, "10.0.2.2", 5001));
	assert_int_equal(e->upd.del[0].ref.gen, r_term.gen);
	assert_int_equal(e->upd.nadd, 2);
	assert_int_equal(r_new.slot, r_term.slot); /* the slot is reused with a new generation */
	assert_int_not_equal(r_new.gen, r_term.gen);

	/* then the oldest call in set-up (e3, before e4) */
	assert_int_equal(invite(e, "e5", 1, sdp_audio("10.0.5.1", 4000, NULL)), CALL_SIP_NEW);
	assert_int_equal(e->ct.stats.evicted_setup, 1);
	assert_null(call_table_get(&e->ct, r_setup));
	assert_non_null(find(e, "e4"));
	assert_int_equal(e->upd.ndel, 2);
	assert_true(deleted(&e->upd, "10.0.3.1", 4000));

	/* make e4 and e5 active; e5 published the same address e1 uses */
	e->now += T(1);
	assert_int_equal(rsp(e, "e4", 200, "INVITE", ALICE, 1, sdp_audio("10.0.4.2", 5000, NULL)),
		CALL_SIP_UPDATED);
	assert_int_equal(rsp(e, "e5", 200, "INVITE", ALICE, 1, sdp_audio("10.0.5.2", 5000, NULL)),
		CALL_SIP_UPDATED);
	/* the least recently active is e1: evicted; the new call re-publishes one of its
	 * addresses, so that one is an add only (never in both arrays) */
	assert_int_equal(invite(e, "e6", 1, sdp_audio("10.0.1.1", 4000, NULL)), CALL_SIP_NEW);
	r_act2 = e->ref;
	assert_int_equal(e->ct.stats.evicted_active, 1);
	assert_null(call_table_get(&e->ct, r_act1));
	assert_false(deleted(&e->upd, "10.0.1.1", 4000));
	assert_false(deleted(&e->upd, "10.0.1.1", 4001));
	assert_true(deleted(&e->upd, "10.0.1.2", 5000));
	assert_int_equal(e->upd.ndel, 2);
	assert_int_equal(added(e, "10.0.1.1", 4000, CALL_EXPECT_RTP)->key.ref.gen, r_act2.gen);
	assert_int_equal(call_table_count(&e->ct), 3);
	env_free(e);
}

static void
test_long_call_id(void **state)
{
	struct env *e = env_new(16, NULL);
	char id1[201], id2[202];
	const struct call *c;

	(void)state;
	memset(id1, 'x', 200);
	id1[200] = '\0';
	memset(id2, 'x', 201);
	id2[201] = '\0';
	assert_int_equal(invite(e, id1, 1, NULL), CALL_SIP_NEW);
	c = cur(e);
	assert_true(c->flags & CALL_F_CALL_ID_TRUNC);
	assert_int_equal(c->call_id_len, 200);
	assert_int_equal(strlen(c->call_id), CALL_ID_MAX - 1);
	assert_true(find(e, id1) == c);
	/* same prefix, other length: another call */
	assert_null(find(e, id2));
	assert_int_equal(invite(e, id2, 1, NULL), CALL_SIP_NEW);
	assert_true(cur(e) != c);
	assert_int_equal(invite(e, id1, 1, NULL), CALL_SIP_RETRANS);
	assert_true(cur(e) == c);
	assert_null(find(e, "short")); /* and short ids are not confused with it */
	env_free(e);
}

static void
test_forking(void **state)
{
	struct env *e = env_new(16, NULL);
	struct m r180a = {"f1", 180, "INVITE", ALICE, 1, "a1", "b1", NULL, NULL, NULL};
	struct m r180b = {"f1", 180, "INVITE", ALICE, 1, "a1", "b2", NULL, NULL, NULL};
	struct m r200b = {"f1", 200, "INVITE", ALICE, 1, "a1", "b2", NULL, NULL, NULL};
	struct m r200a = {"f1", 200, "INVITE", ALICE, 1, "a1", "b1", NULL, NULL, NULL};
	struct m ack_a = {"f1", 0, "ACK", ALICE, 1, "a1", "b1", NULL, NULL, NULL};
	struct m bye_a = {"f1", 0, "BYE", ALICE, 2, "a1", "b1", NULL, NULL, NULL};
	struct m ack_b = {"f1", 0, "ACK", ALICE, 1, "a1", "b2", NULL, NULL, NULL};
	struct m bye_b = {"f1", 0, "BYE", BOB, 1, "a1", "b2", NULL, NULL, NULL};
	const struct call *c;

	(void)state;
	r200b.sdp = sdp_audio("10.0.0.3", 5300, NULL);
	r200a.sdp = sdp_audio("10.0.0.2", 5000, NULL);
	assert_int_equal(invite(e, "f1", 1, sdp_audio("10.0.0.1", 4000, NULL)), CALL_SIP_NEW);
	assert_int_equal(msg_send(e, &r180a), CALL_SIP_UPDATED);
	assert_int_equal(msg_send(e, &r180b), CALL_SIP_UPDATED);
	c = cur(e);
	assert_true(c->flags & CALL_F_FORKED);
	assert_int_equal(c->early_dialogs, 2);
	assert_string_equal(c->to_tag, "b2");
	assert_int_equal(msg_send(e, &r180a), CALL_SIP_UPDATED);
	assert_int_equal(c->early_dialogs, 2);
	assert_int_equal(msg_send(e, &r200b), CALL_SIP_UPDATED);
	added(e, "10.0.0.3", 5300, CALL_EXPECT_RTP);
	assert_string_equal(c->to_tag, "b2");
	/* a second fork answers too: noted, its SDP not used */
	assert_int_equal(msg_send(e, &r200a), CALL_SIP_UPDATED);
	assert_int_equal(e->upd.nadd, 0);
	assert_true(c->flags & CALL_F_MULTI_2XX);
	assert_string_equal(c->to_tag, "b2");
	/* Alice ACKs and BYEs the extra dialog: strays for this call */
	assert_int_equal(msg_send(e, &ack_b), CALL_SIP_UPDATED);
	assert_int_equal(c->state, CALL_S_ESTABLISHED);
	assert_int_equal(msg_send(e, &ack_a), CALL_SIP_STRAY);
	assert_int_equal(msg_send(e, &bye_a), CALL_SIP_STRAY);
	assert_int_equal(c->state, CALL_S_ESTABLISHED);
	assert_int_equal(c->counts.stray, 2);
	assert_int_equal(msg_send(e, &bye_b), CALL_SIP_UPDATED);
	assert_int_equal(c->reason, CALL_REASON_BYE);
	assert_int_equal(c->bye_side, CALL_SIDE_CALLEE);
	env_free(e);
}

static void
test_early_media(void **state)
{
	struct env *e = env_new(16, NULL);
	const struct call *c;

	(void)state;
	assert_int_equal(invite(e, "em", 1, sdp_audio("10.0.0.1", 4000, NULL)), CALL_SIP_NEW);
	assert_int_equal(rsp(e, "em", 183, "INVITE", ALICE, 1, sdp_audio("10.0.0.2", 5000, NULL)),
		CALL_SIP_UPDATED);
	added(e, "10.0.0.2", 5000, CALL_EXPECT_RTP);
	c = cur(e);
	assert_int_equal(c->state, CALL_S_RINGING);
	assert_true(c->flags & CALL_F_EARLY_MEDIA);
	assert_false(c->oa_pending);
	/* the 2xx repeats the answer: nothing changes */
	assert_int_equal(rsp(e, "em", 200, "INVITE", ALICE, 1, sdp_audio("10.0.0.2", 5000, NULL)),
		CALL_SIP_UPDATED);
	assert_int_equal(e->upd.nadd + e->upd.ndel, 0);
	assert_int_equal(c->state, CALL_S_ANSWERED);

	/* an announcement server answers early, the callee's 2xx then gives other media */
	assert_int_equal(invite(e, "em2", 1, sdp_audio("10.0.0.1", 4100, NULL)), CALL_SIP_NEW);
	assert_int_equal(rsp(e, "em2", 183, "INVITE", ALICE, 1, sdp_audio("10.0.0.7", 7000, NULL)),
		CALL_SIP_UPDATED);
	assert_int_equal(rsp(e, "em2", 200, "INVITE", ALICE, 1, sdp_audio("10.0.0.2", 5100, NULL)),
		CALL_SIP_UPDATED);
	assert_true(deleted(&e->upd, "10.0.0.7", 7000) && deleted(&e->upd, "10.0.0.7", 7001));
	added(e, "10.0.0.2", 5100, CALL_EXPECT_RTP);
	assert_int_equal(n_expect(e, e->ref), 4);
	env_free(e);
}

static void
test_sdp_unusable(void **state)
{
	struct env *e = env_new(16, NULL);
	const struct call *c;

	(void)state;
	e->sdp_unusable = true; /* the body is SDP, but say it did not parse */
	assert_int_equal(invite(e, "u1", 1, sdp_audio("10.0.0.1", 4000, NULL)), CALL_SIP_NEW);
	assert_int_equal(e->upd.nadd, 0);
	c = cur(e);
	assert_true(c->flags & CALL_F_SDP_UNUSABLE);
	assert_true(c->oa_pending); /* it still is the offer */
	assert_int_equal(e->ct.stats.sdp_unusable, 1);
	assert_int_equal(rsp(e, "u1", 200, "INVITE", ALICE, 1, sdp_audio("10.0.0.2", 5000, NULL)),
		CALL_SIP_UPDATED);
	assert_int_equal(e->upd.nadd, 2);
	added(e, "10.0.0.2", 5000, CALL_EXPECT_RTP);
	assert_int_equal(n_expect(e, e->ref), 2);
	/* SDP in a BYE has no offer/answer role */
	assert_int_equal(
		req(e, "u1", "BYE", ALICE, 2, sdp_audio("10.0.0.1", 4000, NULL)), CALL_SIP_UPDATED);
	assert_int_equal(e->ct.stats.sdp_ignored, 1);
	env_free(e);
}

static void
test_delayed_offer_and_update(void **state)
{
	struct env *e = env_new(16, NULL);
	const struct call *c;
	struct call_ref ref;

	(void)state;
	/* INVITE without SDP: the 200 makes the offer, the ACK answers */
	assert_int_equal(invite(e, "d1", 1, NULL), CALL_SIP_NEW);
	ref = e->ref;
	assert_int_equal(e->upd.nadd, 0);
	assert_int_equal(rsp(e, "d1", 200, "INVITE", ALICE, 1, sdp_audio("10.0.0.2", 5000, NULL)),
		CALL_SIP_UPDATED);
	assert_int_equal(added(e, "10.0.0.2", 5000, CALL_EXPECT_RTP)->side, CALL_SIDE_CALLEE);
	c = cur(e);
	assert_true(c->oa_pending);
	assert_int_equal(c->oa_side, CALL_SIDE_CALLEE);
	assert_int_equal(
		req(e, "d1", "ACK", ALICE, 1, sdp_audio("10.0.0.1", 4000, NULL)), CALL_SIP_UPDATED);
	added(e, "10.0.0.1", 4000, CALL_EXPECT_RTP);
	assert_false(c->oa_pending);
	assert_false(c->flags & CALL_F_EARLY_MEDIA);
	assert_int_equal(c->state, CALL_S_ESTABLISHED);
	assert_int_equal(n_expect(e, ref), 4);

	/* UPDATE from Bob moving to 5010, answered in its 200 */
	assert_int_equal(req(e, "d1", "UPDATE", BOB, 1, sdp_audio("10.0.0.2", 5010, NULL)),
		CALL_SIP_UPDATED);
	added(e, "10.0.0.2", 5010, CALL_EXPECT_RTP);
	assert_int_equal(rsp(e, "d1", 200, "UPDATE", BOB, 1, sdp_audio("10.0.0.1", 4000, NULL)),
		CALL_SIP_UPDATED);
	assert_true(deleted(&e->upd, "10.0.0.2", 5000));
	assert_int_equal(c->counts.update, 1);
	assert_int_equal(n_expect(e, ref), 4);

	/* reliable 183 with an offer (INVITE without SDP), answered in PRACK: early media */
	assert_int_equal(invite(e, "d2", 1, NULL), CALL_SIP_NEW);
	assert_int_equal(rsp(e, "d2", 183, "INVITE", ALICE, 1, sdp_audio("10.0.0.2", 5200, NULL)),
		CALL_SIP_UPDATED);
	assert_int_equal(req(e, "d2", "PRACK", ALICE, 2, sdp_audio("10.0.0.1", 4200, NULL)),
		CALL_SIP_UPDATED);
	added(e, "10.0.0.1", 4200, CALL_EXPECT_RTP);
	c = cur(e);
	assert_true(c->flags & CALL_F_EARLY_MEDIA);
	assert_int_equal(c->counts.prack, 1);
	assert_int_equal(rsp(e, "d2", 200, "PRACK", ALICE, 2, NULL), CALL_SIP_UPDATED);
	assert_int_equal(n_expect(e, e->ref), 4);
	env_free(e);
}

static void
test_partial_and_inferred(void **state)
{
	struct env *e = env_new(16, NULL);
	struct m ok200 = {
		"p1", 200, "INVITE", ALICE, 20, "a1", "b1", NULL, NULL, "Server: pbx/2\r\n"};
	const struct call *c;

	(void)state;
	/* first seen mid-call: a re-INVITE */
	assert_int_equal(
		req(e, "p1", "INVITE", ALICE, 20, sdp_audio("10.0.0.1", 4000, NULL)), CALL_SIP_NEW);
	c = cur(e);
	assert_true(c->flags & CALL_F_PARTIAL);
	assert_int_equal(c->state, CALL_S_ESTABLISHED);
	assert_int_equal(c->counts.reinvite, 1);
	assert_int_equal(c->user_agent_len, 0);
	/* the 200 carries Server: the record's user_agent falls back to it */
	ok200.sdp = sdp_audio("10.0.0.2", 5000, NULL);
	assert_int_equal(msg_send(e, &ok200), CALL_SIP_UPDATED);
	assert_string_equal(c->user_agent, "pbx/2");
	assert_int_equal(n_expect(e, e->ref), 4);
	assert_int_equal(req(e, "p1", "BYE", BOB, 3, NULL), CALL_SIP_UPDATED);
	assert_int_equal(c->reason, CALL_REASON_BYE);

	/* the 2xx was missed: the ACK (a new transaction) says the call was answered */
	assert_int_equal(invite(e, "p2", 1, sdp_audio("10.0.0.1", 4100, NULL)), CALL_SIP_NEW);
	assert_int_equal(req(e, "p2", "ACK", ALICE, 1, NULL), CALL_SIP_UPDATED);
	c = cur(e);
	assert_true(c->flags & CALL_F_INFERRED_ANSWER);
	assert_int_equal(c->state, CALL_S_ESTABLISHED);
	assert_true(c->tset & CALL_T_ANSWER);
	/* the late 2xx still gives the answer */
	assert_int_equal(rsp(e, "p2", 200, "INVITE", ALICE, 1, sdp_audio("10.0.0.2", 5100, NULL)),
		CALL_SIP_UPDATED);
	added(e, "10.0.0.2", 5100, CALL_EXPECT_RTP);
	assert_int_equal(c->code, 200);
	assert_int_equal(c->state, CALL_S_ESTABLISHED);

	/* BYE before any 2xx */
	assert_int_equal(invite(e, "p3", 1, NULL), CALL_SIP_NEW);
	assert_int_equal(req(e, "p3", "BYE", ALICE, 2, NULL), CALL_SIP_UPDATED);
	assert_true(cur(e)->flags & CALL_F_BYE_EARLY);
	env_free(e);
}

static void
test_finish(void **state)
{
	struct env *e = env_new(16, NULL);
	struct call_ref r1, r2, r3;
	uint64_t tend;

	(void)state;
	r1 = setup_call(
		e, "z1", sdp_audio("10.0.0.1", 4000, NULL), sdp_audio("10.0.0.2", 5000, NULL));
	r2 = setup_call(
		e, "z2", sdp_audio("10.0.0.1", 4100, NULL), sdp_audio("10.0.0.2", 5100, NULL));
	assert_int_equal(req(e, "z2", "BYE", ALICE, 2, NULL), CALL_SIP_UPDATED);
	assert_int_equal(invite(e, "z3", 1, NULL), CALL_SIP_NEW);
	r3 = e->ref;
	tend = e->now + T(30);
	assert_int_equal(call_table_finish(&e->ct, tend), 2);
	assert_int_equal(call_table_get(&e->ct, r1)->reason, CALL_REASON_ACTIVE_AT_END);
	assert_int_equal(call_table_get(&e->ct, r1)->state, CALL_S_ESTABLISHED);
	assert_true(call_table_get(&e->ct, r1)->end_time == tend);
	assert_true(call_duration_ns(call_table_get(&e->ct, r1), tend + T(100)) ==
		    tend - call_table_get(&e->ct, r1)->answer_time);
	assert_int_equal(call_table_get(&e->ct, r2)->reason, CALL_REASON_BYE);
	assert_int_equal(call_table_get(&e->ct, r3)->reason, CALL_REASON_ACTIVE_AT_END);
	assert_int_equal(call_table_get(&e->ct, r3)->state, CALL_S_TRYING);
	/* finished calls keep their expectations and no timer touches them */
	assert_int_equal(n_expect(e, r1), 4);
	assert_int_equal(
		call_table_tick(&e->ct, tend + T(100000), &e->upd, 64), 1); /* z2's linger */
	assert_int_equal(call_table_get(&e->ct, r1)->reason, CALL_REASON_ACTIVE_AT_END);
	assert_int_equal(call_table_finish(&e->ct, tend), 0);
	env_free(e);
}

static void
test_tick_budget_and_retain(void **state)
{
	struct call_table_conf cf;
	struct env *e;
	char cid[32];
	unsigned int i, total = 0, calls = 0;

	(void)state;
	call_table_conf_default(&cf);
	cf.linger_ns = 0;
	cf.retain_ns = T(5);
	e = env_new(64, &cf);
	for (i = 0; i < 10; i++) {
		snprintf(cid, sizeof(cid), "t%u", i);
		setup_call(e, cid, sdp_audio("10.0.0.1", 4000 + 10 * i, NULL),
			sdp_audio("10.0.0.2", 5000 + 10 * i, NULL));
		assert_int_equal(req(e, cid, "BYE", ALICE, 2, NULL), CALL_SIP_UPDATED);
	}
	/* budget 3: at most three actions per call, `more` until nothing is due */
	do {
		i = call_table_tick(&e->ct, e->now, &e->upd, 3);
		assert_true(i <= 3);
		total += e->upd.ndel;
		calls++;
	} while (e->upd.more);
	assert_int_equal(total, 40);
	assert_true(calls >= 4);
	/* retain_ns after the linger every record is freed */
	assert_true(call_table_tick(&e->ct, e->now + T(5), &e->upd, 100) <= 10);
	assert_int_equal(e->ct.stats.freed, 10);
	assert_int_equal(call_table_count(&e->ct), 0);

	for (i = 0; i < 30; i++) {
		snprintf(cid, sizeof(cid), "u%u", i);
		setup_call(e, cid, sdp_audio("10.0.0.1", 4000 + 10 * i, NULL),
			sdp_audio("10.0.0.2", 5000 + 10 * i, NULL));
		assert_int_equal(req(e, cid, "BYE", ALICE, 2, NULL), CALL_SIP_UPDATED);
	}
	/* a budget above what one update holds: stops when del[] is full (24 calls x 4) */
	assert_int_equal(call_table_tick(&e->ct, e->now, &e->upd, 100), 24);
	assert_true(e->upd.more);
	assert_int_equal(e->upd.ndel, CALL_UPDATE_MAX_DEL);
	assert_true(call_table_tick(&e->ct, e->now, &e->upd, 100) >= 6);
	assert_int_equal(e->upd.ndel, 24);
	assert_false(e->upd.more);
	env_free(e);
}

/* Index churn: many calls created and freed in a small table; every live one stays findable. */
static void
test_index_churn(void **state)
{
	struct call_table_conf cf;
	struct env *e;
	char cid[32];
	unsigned int i, k, seed = 12345;

	(void)state;
	call_table_conf_default(&cf);
	cf.linger_ns = 0;
	cf.retain_ns = 1;
	cf.hash_seed = 0x1234567890abcdefull;
	e = env_new(37, &cf);
	for (i = 0; i < 2000; i++) {
		seed = seed * 1103515245u + 12345u;
		snprintf(cid, sizeof(cid), "k%u", (seed >> 8) % 100000);
		if (find(e, cid) != NULL)
			continue;
		assert_int_equal(invite(e, cid, 1, NULL), CALL_SIP_NEW);
		if ((seed >> 4) % 3 == 0) {
			assert_int_equal(req(e, cid, "BYE", ALICE, 2, NULL), CALL_SIP_UPDATED);
			e->now += 2;
			call_table_tick(&e->ct, e->now, &e->upd, 1000);
		}
		assert_true(call_table_count(&e->ct) <= 37);
		/* every slot in use is found by its Call-ID */
		for (k = 0; k < 37; k++) {
			const struct call *c = call_table_at(&e->ct, k);

			if (c != NULL)
				assert_true(call_table_lookup(&e->ct, (const uint8_t *)c->call_id,
						    c->call_id_len) == c);
		}
	}
	assert_true(e->ct.stats.freed + e->ct.stats.evicted_setup > 0);
	env_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_and_init),
		cmocka_unit_test(test_basic_call_bye_caller),
		cmocka_unit_test(test_bye_callee_and_retrans),
		cmocka_unit_test(test_cancel_487),
		cmocka_unit_test(test_rejected_486),
		cmocka_unit_test(test_auth_retry_revived),
		cmocka_unit_test(test_setup_timeout),
		cmocka_unit_test(test_session_timeout_and_touch),
		cmocka_unit_test(test_reinvite_port_change),
		cmocka_unit_test(test_hold_resume),
		cmocka_unit_test(test_rtcp_mux),
		cmocka_unit_test(test_rtcp_attr_ipv6_fqdn),
		cmocka_unit_test(test_multi_media_and_port0),
		cmocka_unit_test(test_retransmissions),
		cmocka_unit_test(test_stray_unknown_not_call),
		cmocka_unit_test(test_eviction),
		cmocka_unit_test(test_long_call_id),
		cmocka_unit_test(test_forking),
		cmocka_unit_test(test_early_media),
		cmocka_unit_test(test_sdp_unusable),
		cmocka_unit_test(test_delayed_offer_and_update),
		cmocka_unit_test(test_partial_and_inferred),
		cmocka_unit_test(test_finish),
		cmocka_unit_test(test_tick_budget_and_retain),
		cmocka_unit_test(test_index_churn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
