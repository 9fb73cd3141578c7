/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for ctrl/cops_codec.c (RFC 2748 COPS codec).
 *
 * Byte arrays are written by hand from RFC 2748 section 2, not produced by
 * the encoder, so encoder and decoder are each checked against an
 * independent reference. Inputs are copied into heap buffers of exactly
 * their size so a sanitizer build catches any read past len.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cops_codec.h"

/* Decode a copy of buf[0..len) held in an exact-size heap buffer. */
static int
decode(const uint8_t *buf, uint32_t len, struct cops_msg *m, struct cops_err *e)
{
	uint8_t *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, buf, len);
	rc = cops_msg_decode(copy, len, m, e);
	/* The views must not outlive the copy: compare what we need now. */
	if (rc == 0)
		assert_ptr_equal(m->buf, copy);
	free(copy);
	return rc;
}

/* Decode and expect failure with errno, Error code and a message containing needle. */
static void
expect_fail(const uint8_t *buf, uint32_t len, int errnum, uint16_t code, const char *needle)
{
	struct cops_msg m;
	struct cops_err e;
	int rc = decode(buf, len, &m, &e);

	if (rc != -errnum || e.code != code || strstr(e.msg, needle) == NULL)
		print_error("rc=%d code=%u msg=\"%s\"\n", rc, e.code, e.msg);
	assert_int_equal(rc, -errnum);
	assert_int_equal(e.errnum, errnum);
	assert_int_equal(e.code, code);
	assert_non_null(strstr(e.msg, needle));
}

/* Encode m and compare with the reference bytes. */
static void
expect_encoding(const struct cops_msg *m, const uint8_t *ref, size_t ref_len)
{
	/* Encoder output. */
	uint8_t out[512];
	struct cops_err e;
	int n = cops_msg_encode(out, sizeof(out), m, &e);

	if (n < 0)
		print_error("encode failed: %s\n", e.msg);
	assert_int_equal(n, (int)ref_len);
	assert_memory_equal(out, ref, ref_len);
}

/* ------------------------------------------------------------------ reference messages */

/* OPN, client-type 0x800A: PEPID "vpep" (NUL + 3 pad bytes inside the object), LastPDPAddr 192.0.2.21:3288. */
static const uint8_t opn_bytes[] = {
	0x10, 0x06, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x20,
	0x00, 0x0c, 0x0b, 0x01, 'v', 'p', 'e', 'p', 0x00, 0x00, 0x00, 0x00,
	0x00, 0x0c, 0x0e, 0x01, 192, 0, 2, 21, 0x00, 0x00, 0x0c, 0xd8,
};

/* CAT (solicited), client-type 0x800A: KA timer 30 s, Accounting timer 60 s. */
static const uint8_t cat_bytes[] = {
	0x11, 0x07, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x18,
	0x00, 0x08, 0x0a, 0x01, 0x00, 0x00, 0x00, 0x1e,
	0x00, 0x08, 0x0f, 0x01, 0x00, 0x00, 0x00, 0x3c,
};

/* CC: Error 12 (redirect), PDPRedirAddr IPv6 2001:db8::30 port 3918. */
static const uint8_t cc_bytes[] = {
	0x10, 0x08, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x28,
	0x00, 0x08, 0x08, 0x01, 0x00, 0x0c, 0x00, 0x00,
	0x00, 0x18, 0x0d, 0x02, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x30,
	0x00, 0x00, 0x0f, 0x4e,
};

/* KA, unsolicited, client-type 0, no objects. */
static const uint8_t ka_bytes[] = { 0x10, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08 };

/* REQ: Handle 0a0b0c0d, Context R-Type 8 (configuration) M-Type 0, ClientSI with PCMM Version Info 5.0. */
static const uint8_t req_bytes[] = {
	0x10, 0x01, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x24,
	0x00, 0x08, 0x01, 0x01, 0x0a, 0x0b, 0x0c, 0x0d,
	0x00, 0x08, 0x02, 0x01, 0x00, 0x08, 0x00, 0x00,
	0x00, 0x0c, 0x09, 0x01, 0x00, 0x08, 0x10, 0x01, 0x00, 0x05, 0x00, 0x00,
};

/* DEC (solicited): Handle 0000002a, Context R-Type 8, Decision Install, client-specific data deadbeef. */
static const uint8_t dec_bytes[] = {
	0x11, 0x02, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x28,
	0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x00, 0x2a,
	0x00, 0x08, 0x02, 0x01, 0x00, 0x08, 0x00, 0x00,
	0x00, 0x08, 0x06, 0x01, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x08, 0x06, 0x04, 0xde, 0xad, 0xbe, 0xef,
};

/* DEC with an Error (2, invalid handle reference) instead of decisions. */
static const uint8_t dec_error_bytes[] = {
	0x11, 0x02, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x18,
	0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x00, 0x2a,
	0x00, 0x08, 0x08, 0x01, 0x00, 0x02, 0x00, 0x00,
};

/* RPT (solicited): Handle 0000002a, Report-Type 1 (success). */
static const uint8_t rpt_bytes[] = {
	0x11, 0x03, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x18,
	0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x00, 0x2a,
	0x00, 0x08, 0x0c, 0x01, 0x00, 0x01, 0x00, 0x00,
};

/* DRQ: Handle 0000002a, Reason 2 (management) sub-code 0. */
static const uint8_t drq_bytes[] = {
	0x10, 0x04, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x18,
	0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x00, 0x2a,
	0x00, 0x08, 0x05, 0x01, 0x00, 0x02, 0x00, 0x00,
};

/* SSQ without a handle: synchronize all state. */
static const uint8_t ssq_bytes[] = { 0x10, 0x05, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x08 };

/* SSC with Handle 0000002a. */
static const uint8_t ssc_bytes[] = {
	0x10, 0x0a, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x10,
	0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x00, 0x2a,
};

/*
 * REQ (client-type 1) with every optional REQ object: 5-byte Handle (padded),
 * Context, In-Int IPv4 192.0.2.11 ifindex 3, Out-Int IPv6 2001:db8::11
 * ifindex 4, ClientSI (named, 2 bytes + 2 pad), LPDP Context, LPDP Decision
 * flags (NULL decision, trigger error), LPDP stateless data (4 bytes),
 * Integrity key 1 seq 7 with a 12-byte digest.
 */
static const uint8_t req_full_bytes[] = {
	0x10, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x78,
	0x00, 0x09, 0x01, 0x01, 0x01, 0x02, 0x03, 0x04, 0x05, 0x00, 0x00, 0x00,
	0x00, 0x08, 0x02, 0x01, 0x00, 0x01, 0x00, 0x01,
	0x00, 0x0c, 0x03, 0x01, 192, 0, 2, 11, 0x00, 0x00, 0x00, 0x03,
	0x00, 0x18, 0x04, 0x02, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x11,
	0x00, 0x00, 0x00, 0x04,
	0x00, 0x06, 0x09, 0x02, 0xab, 0xcd, 0x00, 0x00,
	0x00, 0x08, 0x02, 0x01, 0x00, 0x02, 0x00, 0x00,
	0x00, 0x08, 0x07, 0x01, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x08, 0x07, 0x02, 0x11, 0x22, 0x33, 0x44,
	0x00, 0x18, 0x10, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x07,
	0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8,
};

/* ------------------------------------------------------------------ valid messages */

static void
test_decode_opn(void **state)
{
	struct cops_msg m;
	struct cops_err e;

	(void)state;
	assert_int_equal(decode(opn_bytes, sizeof(opn_bytes), &m, &e), 0);
	assert_int_equal(m.hdr.version, 1);
	assert_int_equal(m.hdr.op_code, COPS_OP_OPN);
	assert_int_equal(m.hdr.client_type, COPS_CLIENT_PCMM);
	assert_int_equal(m.hdr.msg_len, 32);
	assert_int_equal(m.n_obj, 2);
	assert_int_equal(m.obj[0].c_num, COPS_OBJ_PEPID);
	assert_int_equal(m.obj[0].len, 12);
	assert_int_equal(m.obj[0].offset, 8);
	assert_int_equal(m.obj[1].c_num, COPS_OBJ_LAST_PDP_ADDR);
	assert_int_equal(m.obj[1].u.pdp.ip.family, 4);
	assert_int_equal(m.obj[1].u.pdp.port, 3288);
	assert_memory_equal(m.obj[1].u.pdp.ip.addr, "\xc0\x00\x02\x15", 4);
}

static void
test_decode_pepid_view(void **state)
{
	struct cops_msg m;
	struct cops_err e;

	(void)state;
	/* Not through decode(): the PEPID view points into the buffer. */
	assert_int_equal(cops_msg_decode(opn_bytes, sizeof(opn_bytes), &m, &e), 0);
	assert_string_equal(m.obj[0].u.pepid, "vpep");
	assert_ptr_equal(m.obj[0].data, opn_bytes + 12);
	assert_int_equal(m.obj[0].data_len, 8);
}

static void
test_decode_cat_cc_ka(void **state)
{
	struct cops_msg m;
	struct cops_err e;

	(void)state;
	assert_int_equal(decode(cat_bytes, sizeof(cat_bytes), &m, &e), 0);
	assert_int_equal(m.hdr.flags, COPS_FLAG_SOLICITED);
	assert_int_equal(m.obj[0].u.timer.value, 30);
	assert_int_equal(m.obj[1].c_num, COPS_OBJ_ACCT_TIMER);
	assert_int_equal(m.obj[1].u.timer.value, 60);

	assert_int_equal(decode(cc_bytes, sizeof(cc_bytes), &m, &e), 0);
	assert_int_equal(m.obj[0].u.error.code, COPS_ERR_REDIRECT);
	assert_int_equal(m.obj[1].u.pdp.ip.family, 6);
	assert_int_equal(m.obj[1].u.pdp.port, 3918);
	assert_int_equal(m.obj[1].u.pdp.ip.addr[15], 0x30);

	assert_int_equal(decode(ka_bytes, sizeof(ka_bytes), &m, &e), 0);
	assert_int_equal(m.hdr.op_code, COPS_OP_KA);
	assert_int_equal(m.n_obj, 0);
}

static void
test_decode_req_dec_rpt(void **state)
{
	struct cops_msg m;
	struct cops_err e;

	(void)state;
	assert_int_equal(decode(req_bytes, sizeof(req_bytes), &m, &e), 0);
	assert_int_equal(m.n_obj, 3);
	assert_int_equal(m.obj[1].u.context.r_type, COPS_RTYPE_CONFIG);
	assert_int_equal(m.obj[2].c_num, COPS_OBJ_CLIENTSI);
	assert_int_equal(m.obj[2].data_len, 8);

	assert_int_equal(decode(dec_bytes, sizeof(dec_bytes), &m, &e), 0);
	assert_int_equal(m.n_obj, 4);
	assert_int_equal(m.obj[2].u.decision.cmd, COPS_DEC_CMD_INSTALL);
	assert_int_equal(m.obj[3].c_type, COPS_DEC_CLIENT_SI);
	assert_int_equal(m.obj[3].data_len, 4);

	assert_int_equal(decode(dec_error_bytes, sizeof(dec_error_bytes), &m, &e), 0);
	assert_int_equal(m.obj[1].u.error.code, COPS_ERR_INVALID_HANDLE_REF);

	assert_int_equal(decode(rpt_bytes, sizeof(rpt_bytes), &m, &e), 0);
	assert_int_equal(m.obj[1].u.report.type, COPS_REPORT_SUCCESS);
}

static void
test_decode_drq_ssq_ssc(void **state)
{
	struct cops_msg m;
	struct cops_err e;

	(void)state;
	assert_int_equal(decode(drq_bytes, sizeof(drq_bytes), &m, &e), 0);
	assert_int_equal(m.obj[1].u.reason.code, COPS_REASON_MANAGEMENT);
	assert_int_equal(decode(ssq_bytes, sizeof(ssq_bytes), &m, &e), 0);
	assert_int_equal(m.n_obj, 0);
	assert_int_equal(decode(ssc_bytes, sizeof(ssc_bytes), &m, &e), 0);
	assert_int_equal(m.n_obj, 1);
}

static void
test_decode_req_all_objects(void **state)
{
	struct cops_msg m;
	struct cops_err e;
	const struct cops_obj *o;

	(void)state;
	assert_int_equal(cops_msg_decode(req_full_bytes, sizeof(req_full_bytes), &m, &e), 0);
	assert_int_equal(m.n_obj, 9);
	/* 5-byte handle: Length 9, 3 padding bytes. */
	assert_int_equal(m.obj[0].len, 9);
	assert_int_equal(m.obj[0].data_len, 5);
	assert_int_equal(m.obj[1].offset, 20);
	o = cops_msg_find(&m, COPS_OBJ_IN_INT, 0, 0);
	assert_non_null(o);
	assert_int_equal(o->u.iface.ip.family, 4);
	assert_int_equal(o->u.iface.ifindex, 3);
	o = cops_msg_find(&m, COPS_OBJ_OUT_INT, COPS_CTYPE_IPV6, 0);
	assert_non_null(o);
	assert_int_equal(o->u.iface.ifindex, 4);
	assert_int_equal(o->u.iface.ip.addr[15], 0x11);
	o = cops_msg_find(&m, COPS_OBJ_CLIENTSI, COPS_CLIENTSI_NAMED, 0);
	assert_non_null(o);
	assert_int_equal(o->len, 6);
	o = cops_msg_find(&m, COPS_OBJ_LPDP_DECISION, COPS_DEC_FLAGS, 0);
	assert_non_null(o);
	assert_int_equal(o->u.decision.cmd, COPS_DEC_CMD_NULL);
	assert_int_equal(o->u.decision.flags, COPS_DEC_FLAG_TRIGGER_ERROR);
	assert_non_null(cops_msg_find(&m, COPS_OBJ_CONTEXT, 0, 1));
	assert_null(cops_msg_find(&m, COPS_OBJ_CONTEXT, 0, 2));
	o = cops_msg_find(&m, COPS_OBJ_INTEGRITY, 0, 0);
	assert_non_null(o);
	assert_int_equal(o->u.integrity.key_id, 1);
	assert_int_equal(o->u.integrity.seq, 7);
	assert_int_equal(o->u.integrity.digest_len, 12);
	assert_ptr_equal(o->u.integrity.digest, req_full_bytes + sizeof(req_full_bytes) - 12);
}

/* ------------------------------------------------------------------ encoding */

static void
test_encode_helpers_match_reference(void **state)
{
	/* Client handle 0x0000002a used by the DEC/RPT/DRQ/SSC references. */
	static const uint8_t h4[4] = { 0x00, 0x00, 0x00, 0x2a };
	/* Client handle 0x0a0b0c0d of req_bytes. */
	static const uint8_t hreq[4] = { 0x0a, 0x0b, 0x0c, 0x0d };
	/* PCMM Version Info 5.0 object, the ClientSI payload of req_bytes. */
	static const uint8_t vinfo[8] = { 0x00, 0x08, 0x10, 0x01, 0x00, 0x05, 0x00, 0x00 };
	/* Opaque client-specific decision data of dec_bytes. */
	static const uint8_t csi[4] = { 0xde, 0xad, 0xbe, 0xef };
	struct cops_pdp_addr pdp;
	/* Encoder output. */
	uint8_t out[256];

	(void)state;
	memset(&pdp, 0, sizeof(pdp));
	pdp.ip.family = 4;
	memcpy(pdp.ip.addr, "\xc0\x00\x02\x15", 4);
	pdp.port = 3288;
	assert_int_equal(cops_encode_opn(out, sizeof(out), COPS_CLIENT_PCMM, "vpep", &pdp, NULL, 0),
		sizeof(opn_bytes));
	assert_memory_equal(out, opn_bytes, sizeof(opn_bytes));

	assert_int_equal(cops_encode_cat(out, sizeof(out), COPS_CLIENT_PCMM, 30, 60), sizeof(cat_bytes));
	assert_memory_equal(out, cat_bytes, sizeof(cat_bytes));

	memset(&pdp, 0, sizeof(pdp));
	pdp.ip.family = 6;
	memcpy(pdp.ip.addr, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x30", 16);
	pdp.port = 3918;
	assert_int_equal(cops_encode_cc(out, sizeof(out), COPS_CLIENT_PCMM, COPS_ERR_REDIRECT, 0, &pdp),
		sizeof(cc_bytes));
	assert_memory_equal(out, cc_bytes, sizeof(cc_bytes));

	assert_int_equal(cops_encode_ka(out, sizeof(out), 0), sizeof(ka_bytes));
	assert_memory_equal(out, ka_bytes, sizeof(ka_bytes));

	assert_int_equal(cops_encode_req(out, sizeof(out), COPS_CLIENT_PCMM, hreq, 4, COPS_RTYPE_CONFIG,
		0, vinfo, sizeof(vinfo)), sizeof(req_bytes));
	assert_memory_equal(out, req_bytes, sizeof(req_bytes));

	assert_int_equal(cops_encode_dec(out, sizeof(out), COPS_CLIENT_PCMM, 1, h4, 4, COPS_RTYPE_CONFIG,
		0, COPS_DEC_CMD_INSTALL, 0, csi, sizeof(csi)), sizeof(dec_bytes));
	assert_memory_equal(out, dec_bytes, sizeof(dec_bytes));

	assert_int_equal(cops_encode_dec_error(out, sizeof(out), COPS_CLIENT_PCMM, h4, 4,
		COPS_ERR_INVALID_HANDLE_REF, 0), sizeof(dec_error_bytes));
	assert_memory_equal(out, dec_error_bytes, sizeof(dec_error_bytes));

	assert_int_equal(cops_encode_rpt(out, sizeof(out), COPS_CLIENT_PCMM, 1, h4, 4,
		COPS_REPORT_SUCCESS, NULL, 0), sizeof(rpt_bytes));
	assert_memory_equal(out, rpt_bytes, sizeof(rpt_bytes));

	assert_int_equal(cops_encode_drq(out, sizeof(out), COPS_CLIENT_PCMM, h4, 4,
		COPS_REASON_MANAGEMENT, 0), sizeof(drq_bytes));
	assert_memory_equal(out, drq_bytes, sizeof(drq_bytes));

	assert_int_equal(cops_encode_ssq(out, sizeof(out), COPS_CLIENT_PCMM, NULL, 0), sizeof(ssq_bytes));
	assert_memory_equal(out, ssq_bytes, sizeof(ssq_bytes));

	assert_int_equal(cops_encode_ssc(out, sizeof(out), COPS_CLIENT_PCMM, h4, 4), sizeof(ssc_bytes));
	assert_memory_equal(out, ssc_bytes, sizeof(ssc_bytes));
}

static void
test_encode_builder_full_req(void **state)
{
	/* 5-byte client handle of req_full_bytes (Length 9, 3 padding bytes follow). */
	static const uint8_t h5[5] = { 1, 2, 3, 4, 5 };
	/* Named ClientSI payload. */
	static const uint8_t named[2] = { 0xab, 0xcd };
	/* LPDP stateless decision data. */
	static const uint8_t stateless[4] = { 0x11, 0x22, 0x33, 0x44 };
	/* HMAC digest (12 bytes, HMAC-MD5-96 sized). */
	static const uint8_t digest[12] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8 };
	struct cops_iface in, out;
	struct cops_msg m;

	(void)state;
	memset(&in, 0, sizeof(in));
	memset(&out, 0, sizeof(out));
	in.ip.family = 4;
	memcpy(in.ip.addr, "\xc0\x00\x02\x0b", 4);
	in.ifindex = 3;
	out.ip.family = 6;
	memcpy(out.ip.addr, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x11", 16);
	out.ifindex = 4;
	cops_msg_init(&m, COPS_OP_REQ, 0, COPS_CLIENT_RSVP);
	assert_int_equal(cops_msg_add_handle(&m, h5, sizeof(h5)), 0);
	assert_int_equal(cops_msg_add_context(&m, 1, 1), 0);
	assert_int_equal(cops_msg_add_iface(&m, COPS_OBJ_IN_INT, &in), 0);
	assert_int_equal(cops_msg_add_iface(&m, COPS_OBJ_OUT_INT, &out), 0);
	assert_int_equal(cops_msg_add_clientsi(&m, COPS_CLIENTSI_NAMED, named, sizeof(named)), 0);
	assert_int_equal(cops_msg_add_context(&m, 2, 0), 0);
	assert_int_equal(cops_msg_add_decision(&m, COPS_OBJ_LPDP_DECISION, COPS_DEC_CMD_NULL,
		COPS_DEC_FLAG_TRIGGER_ERROR), 0);
	assert_int_equal(cops_msg_add_decision_data(&m, COPS_OBJ_LPDP_DECISION, COPS_DEC_STATELESS,
		stateless, sizeof(stateless)), 0);
	assert_int_equal(cops_msg_add_integrity(&m, 1, 7, digest, sizeof(digest)), 0);
	expect_encoding(&m, req_full_bytes, sizeof(req_full_bytes));
}

/* decode -> encode must reproduce the input exactly (lossless decoding). */
static void
test_roundtrip_reference_messages(void **state)
{
	static const struct {
		const uint8_t *b;
		size_t n;
	} refs[] = {
		{ opn_bytes, sizeof(opn_bytes) }, { cat_bytes, sizeof(cat_bytes) },
		{ cc_bytes, sizeof(cc_bytes) }, { ka_bytes, sizeof(ka_bytes) },
		{ req_bytes, sizeof(req_bytes) }, { dec_bytes, sizeof(dec_bytes) },
		{ dec_error_bytes, sizeof(dec_error_bytes) }, { rpt_bytes, sizeof(rpt_bytes) },
		{ drq_bytes, sizeof(drq_bytes) }, { ssq_bytes, sizeof(ssq_bytes) },
		{ ssc_bytes, sizeof(ssc_bytes) }, { req_full_bytes, sizeof(req_full_bytes) },
	};
	struct cops_msg m, m2;
	struct cops_err e;
	/* Encoder output. */
	uint8_t out[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
		assert_int_equal(cops_msg_decode(refs[i].b, (uint32_t)refs[i].n, &m, &e), 0);
		assert_int_equal(cops_msg_encode(out, sizeof(out), &m, &e), (int)refs[i].n);
		assert_memory_equal(out, refs[i].b, refs[i].n);
		/* And the re-decoded views equal the first ones (x == decode(encode(x))). */
		assert_int_equal(cops_msg_decode(out, (uint32_t)refs[i].n, &m2, &e), 0);
		assert_int_equal(m2.n_obj, m.n_obj);
		assert_memory_equal(&m2.hdr, &m.hdr, sizeof(m.hdr));
	}
}

/* Reserved fields survive decode/encode even when a peer sets them. */
static void
test_roundtrip_keeps_reserved(void **state)
{
	/* CAT whose KA timer object has nonzero reserved bytes (0xbeef) before the value 30. */
	static const uint8_t cat_rsvd[] = {
		0x11, 0x07, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x10,
		0x00, 0x08, 0x0a, 0x01, 0xbe, 0xef, 0x00, 0x1e,
	};
	struct cops_msg m;
	struct cops_err e;
	/* Encoder output. */
	uint8_t out[64];

	(void)state;
	assert_int_equal(cops_msg_decode(cat_rsvd, sizeof(cat_rsvd), &m, &e), 0);
	assert_int_equal(m.obj[0].u.timer.reserved, 0xbeef);
	assert_int_equal(m.obj[0].u.timer.value, 30);
	assert_int_equal(cops_msg_encode(out, sizeof(out), &m, &e), sizeof(cat_rsvd));
	assert_memory_equal(out, cat_rsvd, sizeof(cat_rsvd));
}

static void
test_encode_enospc_every_size(void **state)
{
	struct cops_msg m;
	struct cops_err e;
	/* Encoder output, pre-filled with 0x5a to detect writes past the capacity. */
	uint8_t out[256];
	uint32_t cap;

	(void)state;
	assert_int_equal(cops_msg_decode(req_full_bytes, sizeof(req_full_bytes), &m, &e), 0);
	for (cap = 0; cap < sizeof(req_full_bytes); cap++) {
		memset(out, 0x5a, sizeof(out));
		assert_int_equal(cops_msg_encode(out, cap, &m, &e), -ENOSPC);
		/* Nothing written past the capacity. */
		assert_int_equal(out[cap], 0x5a);
	}
	assert_int_equal(cops_msg_encode(out, sizeof(req_full_bytes), &m, &e), sizeof(req_full_bytes));
}

static void
test_encode_rejects_invalid(void **state)
{
	/* Client handle 0x00000001. */
	static const uint8_t h4[4] = { 0, 0, 0, 1 };
	struct cops_msg m;
	struct cops_err e;
	/* Encoder output. */
	uint8_t out[256];
	unsigned int i;

	(void)state;
	/* DEC without a decision: the encoder's self-check names what is missing. */
	cops_msg_init(&m, COPS_OP_DEC, 0, COPS_CLIENT_PCMM);
	assert_int_equal(cops_msg_add_handle(&m, h4, 4), 0);
	assert_int_equal(cops_msg_add_context(&m, COPS_RTYPE_CONFIG, 0), 0);
	assert_int_equal(cops_msg_encode(out, sizeof(out), &m, &e), -ENOMSG);
	assert_int_equal(e.code, COPS_ERR_MANDATORY_OBJ_MISSING);
	assert_non_null(strstr(e.msg, "Decision Flags"));

	/* Report type out of range. */
	assert_int_equal(cops_encode_rpt(out, sizeof(out), COPS_CLIENT_PCMM, 1, h4, 4, 9, NULL, 0),
		-EBADMSG);
	/* KA with a client-type is impossible through the helper; via a struct it is refused. */
	cops_msg_init(&m, COPS_OP_KA, 0, COPS_CLIENT_PCMM);
	assert_int_equal(cops_msg_encode(out, sizeof(out), &m, &e), -EBADMSG);
	/* Empty PEPID. */
	assert_int_equal(cops_encode_opn(out, sizeof(out), COPS_CLIENT_PCMM, "", NULL, NULL, 0),
		-EBADMSG);
	/* Argument checks of the setters. */
	cops_msg_init(&m, COPS_OP_REQ, 0, 1);
	assert_int_equal(cops_msg_add_clientsi(&m, 3, h4, 4), -EINVAL);
	assert_int_equal(cops_msg_add_decision(&m, COPS_OBJ_CLIENTSI, 1, 0), -EINVAL);
	assert_int_equal(cops_msg_add_decision_data(&m, COPS_OBJ_DECISION, COPS_DEC_FLAGS, h4, 4),
		-EINVAL);
	assert_int_equal(cops_msg_add_timer(&m, COPS_OBJ_HANDLE, 1), -EINVAL);
	assert_int_equal(cops_msg_add_pepid(&m, NULL), -EINVAL);
	assert_int_equal(cops_msg_add_handle(&m, NULL, 4), -EINVAL);
	assert_int_equal(cops_msg_add_pdp_addr(&m, COPS_OBJ_HANDLE, NULL, 0), -EINVAL);
	for (i = 0; i < COPS_MAX_OBJS; i++)
		assert_int_equal(cops_msg_add_context(&m, 1, 0), 0);
	assert_int_equal(cops_msg_add_context(&m, 1, 0), -E2BIG);
	assert_null(cops_msg_add(&m, COPS_OBJ_CONTEXT, 1));
	assert_int_equal(cops_msg_encode(NULL, 10, &m, &e), -EINVAL);
}

static void
test_builder(void **state)
{
	/* The PCMM Version Info object written in place inside a ClientSI. */
	static const uint8_t vinfo[8] = { 0x00, 0x08, 0x10, 0x01, 0x00, 0x05, 0x00, 0x00 };
	struct cops_builder b;
	struct cops_obj o;
	/* Builder output buffer. */
	uint8_t out[64], *tail;
	uint32_t room;

	(void)state;
	cops_builder_init(&b, out, sizeof(out), COPS_OP_REQ, 0, COPS_CLIENT_PCMM);
	memset(&o, 0, sizeof(o));
	o.c_num = COPS_OBJ_HANDLE;
	o.c_type = 1;
	o.data = (const uint8_t *)"\x0a\x0b\x0c\x0d";
	o.data_len = 4;
	cops_builder_obj(&b, &o);
	memset(&o, 0, sizeof(o));
	o.c_num = COPS_OBJ_CONTEXT;
	o.c_type = 1;
	o.u.context.r_type = COPS_RTYPE_CONFIG;
	cops_builder_obj(&b, &o);
	cops_builder_begin(&b, COPS_OBJ_CLIENTSI, COPS_CLIENTSI_SIGNALED);
	tail = cops_builder_tail(&b, &room);
	assert_non_null(tail);
	assert_true(room >= sizeof(vinfo));
	memcpy(tail, vinfo, sizeof(vinfo));
	cops_builder_commit(&b, sizeof(vinfo));
	cops_builder_end(&b);
	assert_int_equal(cops_builder_finish(&b), sizeof(req_bytes));
	assert_memory_equal(out, req_bytes, sizeof(req_bytes));

	/* Objects do not nest; an unclosed object fails finish; errors are sticky. */
	cops_builder_init(&b, out, sizeof(out), COPS_OP_REQ, 0, 1);
	cops_builder_begin(&b, COPS_OBJ_CLIENTSI, 1);
	cops_builder_begin(&b, COPS_OBJ_CLIENTSI, 1);
	assert_int_equal(cops_builder_finish(&b), -EINVAL);
	cops_builder_init(&b, out, sizeof(out), COPS_OP_REQ, 0, 1);
	cops_builder_begin(&b, COPS_OBJ_CLIENTSI, 1);
	assert_int_equal(cops_builder_finish(&b), -EINVAL);
	cops_builder_init(&b, out, 12, COPS_OP_REQ, 0, 1);
	cops_builder_put(&b, vinfo, sizeof(vinfo));
	cops_builder_put(&b, vinfo, 1);
	assert_int_equal(cops_builder_finish(&b), -ENOSPC);
	cops_builder_init(&b, out, 4, COPS_OP_KA, 0, 0);
	assert_int_equal(cops_builder_finish(&b), -ENOSPC);
}

/* ------------------------------------------------------------------ error paths */

static void
test_truncated_every_byte(void **state)
{
	static const struct {
		const uint8_t *b;
		size_t n;
	} msgs[] = {
		{ opn_bytes, sizeof(opn_bytes) }, { dec_bytes, sizeof(dec_bytes) },
		{ req_full_bytes, sizeof(req_full_bytes) }, { cc_bytes, sizeof(cc_bytes) },
	};
	struct cops_msg m;
	struct cops_err e;
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		for (len = 0; len < msgs[i].n; len++) {
			int rc = decode(msgs[i].b, (uint32_t)len, &m, &e);

			assert_int_equal(rc, -EBADMSG);
			assert_int_equal(e.code, COPS_ERR_BAD_MSG_FORMAT);
			assert_int_equal(e.obj_index, 0);
		}
		assert_int_equal(decode(msgs[i].b, (uint32_t)msgs[i].n, &m, &e), 0);
	}
	expect_fail(dec_bytes, 5, EBADMSG, COPS_ERR_BAD_MSG_FORMAT, "truncated: 5 bytes");
	expect_fail(dec_bytes, 20, EBADMSG, COPS_ERR_BAD_MSG_FORMAT,
		"message length 40 does not match the frame length 20");
}

/*
 * Truncate the frame at every object boundary but fix up the Length field:
 * the result is framed correctly, so the grammar must catch what is missing.
 */
static void
test_truncated_objects_with_fixed_length(void **state)
{
	/* dec_bytes with the Length field rewritten to cut it at an object boundary. */
	uint8_t b[sizeof(dec_bytes)];
	struct cops_msg m;
	struct cops_err e;
	uint32_t len;

	(void)state;
	for (len = 8; len < 32; len += 8) {
		memcpy(b, dec_bytes, sizeof(b));
		b[7] = (uint8_t)len;
		assert_int_equal(decode(b, len, &m, &e), -ENOMSG);
		assert_int_equal(e.code, COPS_ERR_MANDATORY_OBJ_MISSING);
		assert_non_null(strstr(e.msg, "missing"));
	}
	/* Without the client-specific data the DEC is still valid. */
	b[7] = 32;
	assert_int_equal(decode(b, 32, &m, &e), 0);
}

static void
test_header_errors(void **state)
{
	/* Copy of dec_bytes (or ka_bytes) with one header field patched per case. */
	uint8_t b[sizeof(dec_bytes)];

	(void)state;
	memcpy(b, dec_bytes, sizeof(b));
	b[0] = 0x21; /* version 2 */
	expect_fail(b, sizeof(b), EPROTONOSUPPORT, COPS_ERR_BAD_MSG_FORMAT, "DEC: header: version 2");
	memcpy(b, dec_bytes, sizeof(b));
	b[0] = 0x13; /* flag 0x2 is reserved */
	expect_fail(b, sizeof(b), EBADMSG, COPS_ERR_BAD_MSG_FORMAT, "reserved flag bits");
	memcpy(b, dec_bytes, sizeof(b));
	b[1] = 11;
	expect_fail(b, sizeof(b), EBADMSG, COPS_ERR_BAD_MSG_FORMAT, "op 11: header: unknown op code");
	b[1] = 0;
	expect_fail(b, sizeof(b), EBADMSG, COPS_ERR_BAD_MSG_FORMAT, "unknown op code 0");
	memcpy(b, dec_bytes, sizeof(b));
	b[7] = 44; /* longer than the frame */
	expect_fail(b, sizeof(b), EBADMSG, COPS_ERR_BAD_MSG_FORMAT, "message length 44");
	b[7] = 36; /* shorter than the frame */
	expect_fail(b, sizeof(b), EBADMSG, COPS_ERR_BAD_MSG_FORMAT, "message length 36");
	b[7] = 38; /* not a multiple of 4: frame of 38 bytes */
	expect_fail(b, 38, EBADMSG, COPS_ERR_BAD_MSG_FORMAT, "not a multiple of 4");
	memcpy(b, ka_bytes, sizeof(ka_bytes));
	b[3] = 0x0a;
	expect_fail(b, sizeof(ka_bytes), EBADMSG, COPS_ERR_BAD_MSG_FORMAT, "Keep-Alive requires 0");
}

static void
test_object_length_errors(void **state)
{
	/* Copy of dec_bytes with one object Length patched per case. */
	uint8_t b[sizeof(dec_bytes)];

	(void)state;
	/* Decision flags object (#3, offset 24) with Length 0, 2, 6 and 12. */
	memcpy(b, dec_bytes, sizeof(b));
	b[25] = 0;
	expect_fail(b, sizeof(b), EBADMSG, COPS_ERR_BAD_MSG_FORMAT,
		"DEC: object #3 Decision (C-Num 6, C-Type 1) at offset 24: length 0 is shorter");
	b[25] = 2;
	expect_fail(b, sizeof(b), EBADMSG, COPS_ERR_BAD_MSG_FORMAT, "length 2 is shorter");
	/* Length 6: the two following bytes (00 00) are its padding. */
	b[25] = 6;
	b[30] = 0;
	b[31] = 0;
	expect_fail(b, sizeof(b), EBADMSG, COPS_ERR_BAD_MSG_FORMAT,
		"DEC: object #3 Decision (C-Num 6, C-Type 1) at offset 24: length 6, expected 8");
	memcpy(b, dec_bytes, sizeof(b));
	b[25] = 12;
	expect_fail(b, sizeof(b), EBADMSG, COPS_ERR_BAD_MSG_FORMAT, "length 12, expected 8");
	/* Last object overrunning the message. */
	memcpy(b, dec_bytes, sizeof(b));
	b[33] = 12;
	expect_fail(b, sizeof(b), EBADMSG, COPS_ERR_BAD_MSG_FORMAT,
		"object #4 Decision (C-Num 6, C-Type 4) at offset 32: length 12 overruns");
	/* Variable-length object whose Length is not a multiple of 4: legal, padded. */
	memcpy(b, dec_bytes, sizeof(b));
	b[33] = 7; /* 3 bytes of data + 1 padding byte (0xef must then be 0) */
	expect_fail(b, sizeof(b), EBADMSG, COPS_ERR_BAD_MSG_FORMAT, "nonzero padding byte at offset 39");
	b[39] = 0;
	{
		struct cops_msg m;
		struct cops_err e;

		assert_int_equal(decode(b, sizeof(b), &m, &e), 0);
		assert_int_equal(m.obj[3].len, 7);
		assert_int_equal(m.obj[3].data_len, 3);
	}
}

static void
test_object_type_errors(void **state)
{
	/* Copy of dec_bytes with one C-Num or C-Type patched per case. */
	uint8_t b[sizeof(dec_bytes)];

	(void)state;
	memcpy(b, dec_bytes, sizeof(b));
	b[18] = 42; /* Context -> unknown C-Num 42 */
	expect_fail(b, sizeof(b), ENOTSUP, COPS_ERR_UNKNOWN_OBJECT, "unknown C-Num 42");
	{
		struct cops_msg m;
		struct cops_err e;

		assert_int_equal(decode(b, sizeof(b), &m, &e), -ENOTSUP);
		assert_int_equal(e.sub_code, 42 << 8 | 1);
		assert_int_equal(e.obj_index, 2);
		assert_int_equal(e.offset, 16);
		assert_int_equal(e.c_num, 42);
	}
	b[18] = 0;
	expect_fail(b, sizeof(b), ENOTSUP, COPS_ERR_UNKNOWN_OBJECT, "unknown C-Num 0");
	b[18] = 17;
	expect_fail(b, sizeof(b), ENOTSUP, COPS_ERR_UNKNOWN_OBJECT, "unknown C-Num 17");
	memcpy(b, dec_bytes, sizeof(b));
	b[19] = 2; /* Context C-Type 2 does not exist */
	expect_fail(b, sizeof(b), ENOTSUP, COPS_ERR_UNKNOWN_OBJECT,
		"object #2 Context (C-Num 2, C-Type 2) at offset 16: C-Type 2 is not defined for Context");
	memcpy(b, dec_bytes, sizeof(b));
	b[35] = 6; /* Decision C-Type 6 does not exist */
	expect_fail(b, sizeof(b), ENOTSUP, COPS_ERR_UNKNOWN_OBJECT, "C-Type 6 is not defined for Decision");
	memcpy(b, dec_bytes, sizeof(b));
	b[35] = 0;
	expect_fail(b, sizeof(b), ENOTSUP, COPS_ERR_UNKNOWN_OBJECT, "C-Type 0");
}

static void
test_value_errors(void **state)
{
	/* Copies of opn_bytes (b) and dec_bytes (d) with one value patched per case. */
	uint8_t b[sizeof(opn_bytes)], d[sizeof(dec_bytes)];

	(void)state;
	memcpy(d, dec_bytes, sizeof(d));
	d[29] = 3; /* command code 3 */
	expect_fail(d, sizeof(d), EBADMSG, COPS_ERR_BAD_MSG_FORMAT, "unknown command code 3");
	memcpy(d, dec_bytes, sizeof(d));
	d[9] = 4; /* Handle with no data */
	d[12] = d[13] = d[14] = d[15] = 0;
	expect_fail(d, sizeof(d), EBADMSG, COPS_ERR_BAD_MSG_FORMAT, "Handle (C-Num 1, C-Type 1) at offset 8: empty handle");
	{
		/* Copy of rpt_bytes with the Report-Type value patched. */
		uint8_t r[sizeof(rpt_bytes)];

		memcpy(r, rpt_bytes, sizeof(r));
		r[21] = 4;
		expect_fail(r, sizeof(r), EBADMSG, COPS_ERR_BAD_MSG_FORMAT, "unknown report type 4");
		r[21] = 0;
		expect_fail(r, sizeof(r), EBADMSG, COPS_ERR_BAD_MSG_FORMAT, "unknown report type 0");
	}
	memcpy(b, opn_bytes, sizeof(b));
	memset(b + 12, 'X', 8); /* PEPID without NUL inside its Length */
	expect_fail(b, sizeof(b), EBADMSG, COPS_ERR_BAD_MSG_FORMAT, "PEPID is not NUL-terminated");
	memcpy(b, opn_bytes, sizeof(b));
	b[13] = 0x07;
	expect_fail(b, sizeof(b), EBADMSG, COPS_ERR_BAD_MSG_FORMAT, "non-printable byte 0x07 at PEPID[1]");
	memcpy(b, opn_bytes, sizeof(b));
	b[12] = 0;
	expect_fail(b, sizeof(b), EBADMSG, COPS_ERR_BAD_MSG_FORMAT, "empty PEPID");
	memcpy(b, opn_bytes, sizeof(b));
	b[18] = 'z';
	expect_fail(b, sizeof(b), EBADMSG, COPS_ERR_BAD_MSG_FORMAT, "nonzero byte after PEPID terminator");
	{
		/* KA with an Integrity object of 8 bytes (no room for key id + sequence). */
		static const uint8_t ka_int[] = {
			0x10, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
			0x00, 0x08, 0x10, 0x01, 0x00, 0x00, 0x00, 0x01,
		};
		expect_fail(ka_int, sizeof(ka_int), EBADMSG, COPS_ERR_BAD_MSG_FORMAT,
			"Integrity (C-Num 16, C-Type 1) at offset 8: length 8, expected at least 12");
	}
}

static void
test_missing_mandatory(void **state)
{
	/* DEC with Handle and Context only: Decision flags missing at the end. */
	static const uint8_t dec_no_flags[] = {
		0x10, 0x02, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x18,
		0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x00, 0x2a,
		0x00, 0x08, 0x02, 0x01, 0x00, 0x08, 0x00, 0x00,
	};
	/* DEC with only a Handle. */
	static const uint8_t dec_handle_only[] = {
		0x10, 0x02, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x10,
		0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x00, 0x2a,
	};
	/* OPN with only a LastPDPAddr: PEPID missing. */
	static const uint8_t opn_no_pepid[] = {
		0x10, 0x06, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x14,
		0x00, 0x0c, 0x0e, 0x01, 192, 0, 2, 21, 0x00, 0x00, 0x0c, 0xd8,
	};
	/* CC without an Error object. */
	static const uint8_t cc_empty[] = { 0x10, 0x08, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x08 };
	/* CAT without a KA timer, only an Accounting timer. */
	static const uint8_t cat_no_ka[] = {
		0x10, 0x07, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x10,
		0x00, 0x08, 0x0f, 0x01, 0x00, 0x00, 0x00, 0x3c,
	};
	/* RPT with a Handle but no Report-Type. */
	static const uint8_t rpt_no_type[] = {
		0x10, 0x03, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x10,
		0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x00, 0x2a,
	};
	/* DRQ with only a Reason: the Handle is missing. */
	static const uint8_t drq_no_handle[] = {
		0x10, 0x04, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x10,
		0x00, 0x08, 0x05, 0x01, 0x00, 0x02, 0x00, 0x00,
	};
	/* REQ with a Handle but no Context. */
	static const uint8_t req_no_context[] = {
		0x10, 0x01, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x10,
		0x00, 0x08, 0x01, 0x01, 0x0a, 0x0b, 0x0c, 0x0d,
	};
	struct cops_msg m;
	struct cops_err e;

	(void)state;
	expect_fail(dec_no_flags, sizeof(dec_no_flags), ENOMSG, COPS_ERR_MANDATORY_OBJ_MISSING,
		"DEC: mandatory object Decision Flags (C-Num 6) missing");
	assert_int_equal(decode(dec_no_flags, sizeof(dec_no_flags), &m, &e), -ENOMSG);
	assert_int_equal(e.sub_code, 6 << 8 | 1);
	expect_fail(dec_handle_only, sizeof(dec_handle_only), ENOMSG, COPS_ERR_MANDATORY_OBJ_MISSING,
		"Context (C-Num 2) missing");
	expect_fail(opn_no_pepid, sizeof(opn_no_pepid), ENOMSG, COPS_ERR_MANDATORY_OBJ_MISSING,
		"OPN: object #1 LastPDPAddr (C-Num 14, C-Type 1) at offset 8: mandatory object PEPID");
	expect_fail(cc_empty, sizeof(cc_empty), ENOMSG, COPS_ERR_MANDATORY_OBJ_MISSING,
		"CC: mandatory object Error (C-Num 8) missing");
	expect_fail(cat_no_ka, sizeof(cat_no_ka), ENOMSG, COPS_ERR_MANDATORY_OBJ_MISSING,
		"Keep-Alive Timer (C-Num 10) missing");
	expect_fail(rpt_no_type, sizeof(rpt_no_type), ENOMSG, COPS_ERR_MANDATORY_OBJ_MISSING,
		"Report-Type (C-Num 12) missing");
	expect_fail(drq_no_handle, sizeof(drq_no_handle), ENOMSG, COPS_ERR_MANDATORY_OBJ_MISSING,
		"Handle (C-Num 1) missing");
	expect_fail(req_no_context, sizeof(req_no_context), ENOMSG, COPS_ERR_MANDATORY_OBJ_MISSING,
		"Context (C-Num 2) missing");
}

static void
test_wrong_order_and_unexpected(void **state)
{
	/* DEC with Decision flags before Context. */
	static const uint8_t dec_swapped[] = {
		0x10, 0x02, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x20,
		0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x00, 0x2a,
		0x00, 0x08, 0x06, 0x01, 0x00, 0x01, 0x00, 0x00,
		0x00, 0x08, 0x02, 0x01, 0x00, 0x08, 0x00, 0x00,
	};
	/* CAT with the Accounting timer before the KA timer. */
	static const uint8_t cat_swapped[] = {
		0x11, 0x07, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x18,
		0x00, 0x08, 0x0f, 0x01, 0x00, 0x00, 0x00, 0x3c,
		0x00, 0x08, 0x0a, 0x01, 0x00, 0x00, 0x00, 0x1e,
	};
	/* DEC whose client-specific data precedes the replacement data (C-Type 4 then 3). */
	static const uint8_t dec_ctype_order[] = {
		0x10, 0x02, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x30,
		0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x00, 0x2a,
		0x00, 0x08, 0x02, 0x01, 0x00, 0x08, 0x00, 0x00,
		0x00, 0x08, 0x06, 0x01, 0x00, 0x01, 0x00, 0x00,
		0x00, 0x08, 0x06, 0x04, 0xde, 0xad, 0xbe, 0xef,
		0x00, 0x08, 0x06, 0x03, 0x01, 0x02, 0x03, 0x04,
	};
	/* DEC carrying a KA timer, which no DEC may contain. */
	static const uint8_t dec_with_ka[] = {
		0x10, 0x02, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x28,
		0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x00, 0x2a,
		0x00, 0x08, 0x02, 0x01, 0x00, 0x08, 0x00, 0x00,
		0x00, 0x08, 0x06, 0x01, 0x00, 0x01, 0x00, 0x00,
		0x00, 0x08, 0x0a, 0x01, 0x00, 0x00, 0x00, 0x1e,
	};
	/* SSQ with Integrity followed by a Handle: Integrity must be last. */
	static const uint8_t ssq_integrity_first[] = {
		0x10, 0x05, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x1c,
		0x00, 0x0c, 0x10, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
		0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x00, 0x2a,
	};
	/* DEC with both an Error and a decision. */
	static const uint8_t dec_error_and_decision[] = {
		0x10, 0x02, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x28,
		0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x00, 0x2a,
		0x00, 0x08, 0x08, 0x01, 0x00, 0x02, 0x00, 0x00,
		0x00, 0x08, 0x02, 0x01, 0x00, 0x08, 0x00, 0x00,
		0x00, 0x08, 0x06, 0x01, 0x00, 0x01, 0x00, 0x00,
	};
	/* RPT with two Report-Type objects. */
	static const uint8_t rpt_twice[] = {
		0x10, 0x03, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x20,
		0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x00, 0x2a,
		0x00, 0x08, 0x0c, 0x01, 0x00, 0x01, 0x00, 0x00,
		0x00, 0x08, 0x0c, 0x01, 0x00, 0x02, 0x00, 0x00,
	};

	(void)state;
	expect_fail(dec_swapped, sizeof(dec_swapped), EBADMSG, COPS_ERR_BAD_MSG_FORMAT,
		"DEC: object #2 Decision (C-Num 6, C-Type 1) at offset 16: out of order: Context expected here");
	expect_fail(cat_swapped, sizeof(cat_swapped), EBADMSG, COPS_ERR_BAD_MSG_FORMAT,
		"CAT: object #1 Accounting Timer (C-Num 15, C-Type 1) at offset 8: out of order");
	expect_fail(dec_ctype_order, sizeof(dec_ctype_order), EBADMSG, COPS_ERR_BAD_MSG_FORMAT,
		"object #5 Decision (C-Num 6, C-Type 3) at offset 40: object out of order");
	expect_fail(dec_with_ka, sizeof(dec_with_ka), EBADMSG, COPS_ERR_BAD_MSG_FORMAT,
		"object #4 Keep-Alive Timer (C-Num 10, C-Type 1) at offset 32: object not allowed in Decision");
	expect_fail(ssq_integrity_first, sizeof(ssq_integrity_first), EBADMSG, COPS_ERR_BAD_MSG_FORMAT,
		"SSQ: object #2 Handle (C-Num 1, C-Type 1) at offset 20: object out of order");
	expect_fail(dec_error_and_decision, sizeof(dec_error_and_decision), EBADMSG,
		COPS_ERR_BAD_MSG_FORMAT, "object #3 Context (C-Num 2, C-Type 1) at offset 24: object out of order");
	expect_fail(rpt_twice, sizeof(rpt_twice), EBADMSG, COPS_ERR_BAD_MSG_FORMAT,
		"object #3 Report-Type (C-Num 12, C-Type 1) at offset 24: object out of order");
}

static void
test_multiple_decisions(void **state)
{
	/* DEC with two decisions (Context + Flags each); the second removes. */
	static const uint8_t dec_two[] = {
		0x10, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x30,
		0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x00, 0x2a,
		0x00, 0x08, 0x02, 0x01, 0x00, 0x01, 0x00, 0x00,
		0x00, 0x08, 0x06, 0x01, 0x00, 0x01, 0x00, 0x00,
		0x00, 0x08, 0x02, 0x01, 0x00, 0x04, 0x00, 0x00,
		0x00, 0x08, 0x06, 0x01, 0x00, 0x02, 0x00, 0x00,
	};
	struct cops_msg m;
	struct cops_err e;

	(void)state;
	assert_int_equal(decode(dec_two, sizeof(dec_two), &m, &e), 0);
	assert_int_equal(cops_msg_find(&m, COPS_OBJ_DECISION, 1, 1)->u.decision.cmd, COPS_DEC_CMD_REMOVE);
}

static void
test_too_many_objects(void **state)
{
	/* REQ: Handle, Context and 31 ClientSI objects of 8 bytes (33 objects, one too many). */
	uint8_t b[8 + 8 * (COPS_MAX_OBJS + 1)];
	struct cops_msg m;
	struct cops_err e;
	unsigned int i;

	(void)state;
	/* REQ: Handle, Context, then ClientSI objects (any number allowed by the grammar). */
	memset(b, 0, sizeof(b));
	b[0] = 0x10;
	b[1] = COPS_OP_REQ;
	b[3] = 1;
	for (i = 0; i < COPS_MAX_OBJS + 1; i++) {
		uint8_t *o = b + 8 + 8 * i;

		o[1] = 8;
		o[2] = i == 0 ? COPS_OBJ_HANDLE : i == 1 ? COPS_OBJ_CONTEXT : COPS_OBJ_CLIENTSI;
		o[3] = 1;
		o[7] = 1;
	}
	b[7] = (uint8_t)(8 + 8 * COPS_MAX_OBJS);
	b[6] = (uint8_t)((8 + 8 * COPS_MAX_OBJS) >> 8);
	assert_int_equal(decode(b, 8 + 8 * COPS_MAX_OBJS, &m, &e), 0);
	assert_int_equal(m.n_obj, COPS_MAX_OBJS);
	b[7] = (uint8_t)sizeof(b);
	b[6] = (uint8_t)(sizeof(b) >> 8);
	expect_fail(b, sizeof(b), E2BIG, COPS_ERR_UNABLE_TO_PROCESS, "object #33 ClientSI");
}

static void
test_nonzero_padding(void **state)
{
	/* REQ with a 5-byte handle whose 3 padding bytes are 00 00 01. */
	uint8_t b[sizeof(req_full_bytes)];

	(void)state;
	memcpy(b, req_full_bytes, sizeof(b));
	b[19] = 0x01;
	expect_fail(b, sizeof(b), EBADMSG, COPS_ERR_BAD_MSG_FORMAT,
		"REQ: object #1 Handle (C-Num 1, C-Type 1) at offset 8: nonzero padding byte at offset 19");
}

static void
test_null_args_and_frame_len(void **state)
{
	struct cops_msg m;
	struct cops_err e;

	(void)state;
	assert_int_equal(cops_msg_decode(NULL, 8, &m, &e), -EINVAL);
	assert_int_equal(cops_msg_decode(ka_bytes, 8, NULL, &e), -EINVAL);
	assert_int_equal(cops_msg_decode(ka_bytes, 8, &m, NULL), 0);
	assert_int_equal(cops_msg_decode(ka_bytes, 7, &m, NULL), -EBADMSG);
	assert_int_equal(cops_frame_len(dec_bytes, 7), -EAGAIN);
	assert_int_equal(cops_frame_len(dec_bytes, 8), 40);
	assert_int_equal(cops_frame_len(NULL, 8), -EAGAIN);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(cops_op_name(COPS_OP_DEC), "DEC");
	assert_string_equal(cops_op_name(COPS_OP_SSC), "SSC");
	assert_string_equal(cops_op_name(0), "unknown");
	assert_string_equal(cops_op_name(200), "unknown");
	assert_string_equal(cops_op_desc(COPS_OP_CAT), "Client-Accept");
	assert_string_equal(cops_obj_name(COPS_OBJ_PDP_REDIR_ADDR), "PDPRedirAddr");
	assert_string_equal(cops_obj_name(17), "unknown");
	assert_string_equal(cops_ctype_name(COPS_OBJ_DECISION, COPS_DEC_CLIENT_SI), "Client specific data");
	assert_string_equal(cops_ctype_name(COPS_OBJ_IN_INT, 2), "IPv6 address + ifIndex");
	assert_string_equal(cops_ctype_name(COPS_OBJ_HANDLE, 2), "unknown");
	assert_string_equal(cops_error_name(COPS_ERR_UNKNOWN_OBJECT), "Unknown COPS object");
	assert_string_equal(cops_error_name(15), "Authentication required");
	assert_string_equal(cops_error_name(16), "unknown");
	assert_string_equal(cops_reason_name(COPS_REASON_TEAR), "Tear");
	assert_string_equal(cops_report_type_name(COPS_REPORT_ACCOUNTING), "Accounting");
	assert_string_equal(cops_dec_cmd_name(COPS_DEC_CMD_REMOVE), "Remove");
	assert_string_equal(cops_client_type_name(COPS_CLIENT_PCMM), "PacketCable Multimedia");
	assert_string_equal(cops_client_type_name(0x1234), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_opn),
		cmocka_unit_test(test_decode_pepid_view),
		cmocka_unit_test(test_decode_cat_cc_ka),
		cmocka_unit_test(test_decode_req_dec_rpt),
		cmocka_unit_test(test_decode_drq_ssq_ssc),
		cmocka_unit_test(test_decode_req_all_objects),
		cmocka_unit_test(test_encode_helpers_match_reference),
		cmocka_unit_test(test_encode_builder_full_req),
		cmocka_unit_test(test_roundtrip_reference_messages),
		cmocka_unit_test(test_roundtrip_keeps_reserved),
		cmocka_unit_test(test_encode_enospc_every_size),
		cmocka_unit_test(test_encode_rejects_invalid),
		cmocka_unit_test(test_builder),
		cmocka_unit_test(test_truncated_every_byte),
		cmocka_unit_test(test_truncated_objects_with_fixed_length),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_object_length_errors),
		cmocka_unit_test(test_object_type_errors),
		cmocka_unit_test(test_value_errors),
		cmocka_unit_test(test_missing_mandatory),
		cmocka_unit_test(test_wrong_order_and_unexpected),
		cmocka_unit_test(test_multiple_decisions),
		cmocka_unit_test(test_too_many_objects),
		cmocka_unit_test(test_nonzero_padding),
		cmocka_unit_test(test_null_args_and_frame_len),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("cops_codec", tests, NULL, NULL);
}
