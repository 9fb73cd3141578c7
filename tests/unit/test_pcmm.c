/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for ctrl/pcmm.c (PacketCable Multimedia objects and gates).
 *
 * Reference bytes are written by hand from the layouts Wireshark's
 * packet-cops.c (4.0) dissects; inputs are copied into exact-size heap
 * buffers so a sanitizer build catches reads past len.
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
#include "pcmm.h"

/* Every PCMM object we know, in S-Num order, values as commented per object. */
static const uint8_t all_objs[] = {
	/* TransactionID: id 7, command 4 (Gate-Set) */
	0x00, 0x08, 0x01, 0x01, 0x00, 0x07, 0x00, 0x04,
	/* AMID: application type 1, AM tag 0x0102 */
	0x00, 0x08, 0x02, 0x01, 0x00, 0x01, 0x01, 0x02,
	/* SubscriberID IPv4 10.1.2.3 */
	0x00, 0x08, 0x03, 0x01, 10, 1, 2, 3,
	/* SubscriberID IPv6 2001:db8::5 */
	0x00, 0x14, 0x03, 0x02, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x05,
	/* GateID 0x1000ab01 */
	0x00, 0x08, 0x04, 0x01, 0x10, 0x00, 0xab, 0x01,
	/* GateSpec: upstream + DSCP overwrite, DSCP 0xb8 mask 0xfc, session class 1, T1..T4 200/10/30/40 */
	0x00, 0x10, 0x05, 0x01, 0x03, 0xb8, 0xfc, 0x01, 0x00, 0xc8, 0x00, 0x0a, 0x00, 0x1e, 0x00, 0x28,
	/* Classifier: UDP, DSCP b8/fc, 10.1.2.3:5004 -> 198.51.100.7:6000, priority 64 */
	0x00, 0x18, 0x06, 0x01, 0x00, 0x11, 0xb8, 0xfc, 10, 1, 2, 3, 198, 51, 100, 7,
	0x13, 0x8c, 0x17, 0x70, 0x40, 0x00, 0x00, 0x00,
	/* Extended Classifier: UDP, 10.1.2.3/32 5004-5005 -> 198.51.100.0/24 6000-6001, id 1, prio 64, active, add */
	0x00, 0x28, 0x06, 0x02, 0x00, 0x11, 0x00, 0x00, 10, 1, 2, 3, 255, 255, 255, 255,
	198, 51, 100, 0, 255, 255, 255, 0, 0x13, 0x8c, 0x13, 0x8d, 0x17, 0x70, 0x17, 0x71,
	0x00, 0x01, 0x40, 0x01, 0x00, 0x00, 0x00, 0x00,
	/* IPv6 Classifier: flags 1, tc 00-ff/fc, flow label 0x12345, UDP, 2001:db8::10/128 5060-5061 ->
	 * 2001:db8:0:1::/64 5060, id 2, prio 32, active, add */
	0x00, 0x40, 0x06, 0x03, 0x01, 0x00, 0xff, 0xfc, 0x00, 0x01, 0x23, 0x45, 0x00, 0x11, 0x80, 0x40,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
	0x13, 0xc4, 0x13, 0xc5, 0x13, 0xc4, 0x13, 0xc4, 0x00, 0x02, 0x20, 0x01, 0x00, 0x00, 0x00, 0x00,
	/* FlowSpec: envelope 1, service 2 (guaranteed), r=12000 b=232 p=12000 m=232 M=232 R=12000 S=800 */
	0x00, 0x24, 0x07, 0x01, 0x01, 0x02, 0x00, 0x00, 0x46, 0x3b, 0x80, 0x00, 0x43, 0x68, 0x00, 0x00,
	0x46, 0x3b, 0x80, 0x00, 0x00, 0x00, 0x00, 0xe8, 0x00, 0x00, 0x00, 0xe8, 0x46, 0x3b, 0x80, 0x00,
	0x00, 0x00, 0x03, 0x20,
	/* DOCSIS Service Class Name "EF", envelope 7 */
	0x00, 0x0c, 0x07, 0x02, 0x07, 0x00, 0x00, 0x00, 'E', 'F', 0x00, 0x00,
	/* Best Effort, one envelope: prio 5, policy 0x1ff, rates 128000/3044/64000, 232/1522, masks 0x11/0x22/0x33 */
	0x00, 0x2c, 0x07, 0x03, 0x01, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xff,
	0x00, 0x01, 0xf4, 0x00, 0x00, 0x00, 0x0b, 0xe4, 0x00, 0x00, 0xfa, 0x00, 0x00, 0xe8, 0x05, 0xf2,
	0x00, 0x00, 0x00, 0x11, 0x00, 0x00, 0x00, 0x22, 0x00, 0x00, 0x00, 0x33,
	/* Event Generation Info: PRKS 192.0.2.40:1813, SRKS 192.0.2.41:1814, BCID ts 0x5f000000, "VPEP0001", "0+00000", counter 77 */
	0x00, 0x2c, 0x08, 0x01, 192, 0, 2, 40, 0x07, 0x15, 0x00, 0x00, 192, 0, 2, 41, 0x07, 0x16, 0x00, 0x00,
	0x5f, 0x00, 0x00, 0x00, 'V', 'P', 'E', 'P', '0', '0', '0', '1', '0', '+', '0', '0', '0', '0', '0', 0x00,
	0x00, 0x00, 0x00, 0x4d,
	/* Volume-Based Usage Limit 1000000 */
	0x00, 0x0c, 0x09, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0f, 0x42, 0x40,
	/* Time-Based Usage Limit 3600 s */
	0x00, 0x08, 0x0a, 0x01, 0x00, 0x00, 0x0e, 0x10,
	/* Opaque Data "vpep-opq" */
	0x00, 0x0c, 0x0b, 0x01, 'v', 'p', 'e', 'p', '-', 'o', 'p', 'q',
	/* Gate Time Info 1700000123 */
	0x00, 0x08, 0x0c, 0x01, 0x65, 0x53, 0xf1, 0x7b,
	/* Gate Usage Info 123456789012 octets */
	0x00, 0x0c, 0x0d, 0x01, 0x00, 0x00, 0x00, 0x1c, 0xbe, 0x99, 0x1a, 0x14,
	/* PacketCable Error 6 (missing required object), sub-code 0x0501 (GateSpec) */
	0x00, 0x08, 0x0e, 0x01, 0x00, 0x06, 0x05, 0x01,
	/* Gate State 4 (committed), reason 0 */
	0x00, 0x08, 0x0f, 0x01, 0x00, 0x04, 0x00, 0x00,
	/* Version Info 5.0 */
	0x00, 0x08, 0x10, 0x01, 0x00, 0x05, 0x00, 0x00,
	/* PSID 7 */
	0x00, 0x08, 0x11, 0x01, 0x00, 0x00, 0x00, 0x07,
	/* Synch Options: report type 1, synch type 0 */
	0x00, 0x08, 0x12, 0x01, 0x00, 0x00, 0x01, 0x00,
	/* Msg Receipt Key 0xcafebabe */
	0x00, 0x08, 0x13, 0x01, 0xca, 0xfe, 0xba, 0xbe,
	/* UserID "alice" */
	0x00, 0x0c, 0x15, 0x01, 'a', 'l', 'i', 'c', 'e', 0x00, 0x00, 0x00,
	/* SharedResourceID 9 */
	0x00, 0x08, 0x16, 0x01, 0x00, 0x00, 0x00, 0x09,
};

/* Gate-Set-Ack: TransactionID 7 / cmd 5, AMID 1/0x0102, SubscriberID 10.1.2.3, GateID 0x1000ab01. */
static const uint8_t set_ack_bytes[] = {
	0x00, 0x08, 0x01, 0x01, 0x00, 0x07, 0x00, 0x05,
	0x00, 0x08, 0x02, 0x01, 0x00, 0x01, 0x01, 0x02,
	0x00, 0x08, 0x03, 0x01, 10, 1, 2, 3,
	0x00, 0x08, 0x04, 0x01, 0x10, 0x00, 0xab, 0x01,
};

static const struct pcmm_amid amid = { 1, 0x0102 };

static int
decode_copy(const uint8_t *buf, uint32_t len, struct pcmm_msg *m, struct pcmm_err *e)
{
	uint8_t *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, buf, len);
	rc = pcmm_msg_decode(copy, len, m, e);
	free(copy);
	return rc;
}

static int
gate_copy(const uint8_t *buf, uint32_t len, struct pcmm_gate *g, struct pcmm_err *e)
{
	uint8_t *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, buf, len);
	rc = pcmm_gate_decode(copy, len, g, e);
	g->opaque = NULL; /* pointed into the copy */
	free(copy);
	return rc;
}

static void
expect_obj_fail(const uint8_t *buf, uint32_t len, int errnum, uint16_t code, uint16_t sub,
	const char *needle)
{
	struct pcmm_msg m;
	struct pcmm_err e;
	int rc = decode_copy(buf, len, &m, &e);

	if (rc != -errnum || e.code != code || e.sub_code != sub || strstr(e.msg, needle) == NULL)
		print_error("rc=%d code=%u sub=0x%04x msg=\"%s\"\n", rc, e.code, e.sub_code, e.msg);
	assert_int_equal(rc, -errnum);
	assert_int_equal(e.code, code);
	assert_int_equal(e.sub_code, sub);
	assert_non_null(strstr(e.msg, needle));
}

static void
expect_gate_fail(const uint8_t *buf, uint32_t len, int errnum, uint16_t code, uint16_t sub,
	const char *needle)
{
	struct pcmm_gate g;
	struct pcmm_err e;
	int rc = gate_copy(buf, len, &g, &e);

	if (rc != -errnum || e.code != code || e.sub_code != sub || strstr(e.msg, needle) == NULL)
		print_error("rc=%d code=%u sub=0x%04x msg=\"%s\"\n", rc, e.code, e.sub_code, e.msg);
	assert_int_equal(rc, -errnum);
	assert_int_equal(e.code, code);
	assert_int_equal(e.sub_code, sub);
	assert_non_null(strstr(e.msg, needle));
}

/* ------------------------------------------------------------------ objects */

static void
test_decode_all_objects(void **state)
{
	static struct pcmm_msg m;
	struct pcmm_err e;
	const struct pcmm_obj *o;

	(void)state;
	assert_int_equal(pcmm_msg_decode(all_objs, sizeof(all_objs), &m, &e), 0);
	assert_int_equal(m.n_obj, 26);
	assert_int_equal(m.n_unknown, 0);

	o = pcmm_msg_find(&m, PCMM_TRANSACTION_ID, 0, 0);
	assert_int_equal(o->u.txn.id, 7);
	assert_int_equal(o->u.txn.cmd, PCMM_GATE_SET);
	o = pcmm_msg_find(&m, PCMM_AMID, 1, 0);
	assert_int_equal(o->u.amid.app_type, 1);
	assert_int_equal(o->u.amid.am_tag, 0x0102);
	o = pcmm_msg_find(&m, PCMM_SUBSCRIBER_ID, PCMM_SUB_IPV4, 0);
	assert_int_equal(o->u.sub.family, 4);
	assert_memory_equal(o->u.sub.addr, "\x0a\x01\x02\x03", 4);
	o = pcmm_msg_find(&m, PCMM_SUBSCRIBER_ID, PCMM_SUB_IPV6, 0);
	assert_int_equal(o->u.sub.family, 6);
	assert_int_equal(o->u.sub.addr[15], 5);
	assert_int_equal(pcmm_msg_find(&m, PCMM_GATE_ID, 0, 0)->u.gate_id, 0x1000ab01);
	o = pcmm_msg_find(&m, PCMM_GATE_SPEC, 0, 0);
	assert_int_equal(o->u.gate_spec.flags, PCMM_GATE_FLAG_UPSTREAM | PCMM_GATE_FLAG_DSCP_OVERWRITE);
	assert_int_equal(o->u.gate_spec.dscp_tos, 0xb8);
	assert_int_equal(o->u.gate_spec.dscp_tos_mask, 0xfc);
	assert_int_equal(o->u.gate_spec.session_class, 1);
	assert_int_equal(o->u.gate_spec.t1, 200);
	assert_int_equal(o->u.gate_spec.t4, 40);

	o = pcmm_msg_find(&m, PCMM_CLASSIFIER, PCMM_CLS_LEGACY, 0);
	assert_int_equal(o->u.cls.s_type, PCMM_CLS_LEGACY);
	assert_int_equal(o->u.cls.protocol, 17);
	assert_int_equal(o->u.cls.dscp_tos, 0xb8);
	assert_memory_equal(o->u.cls.dst, "\xc6\x33\x64\x07", 4);
	assert_int_equal(o->u.cls.sport, 5004);
	assert_int_equal(o->u.cls.dport, 6000);
	assert_int_equal(o->u.cls.priority, 64);
	o = pcmm_msg_find(&m, PCMM_CLASSIFIER, PCMM_CLS_EXTENDED, 0);
	assert_memory_equal(o->u.cls.dst_mask, "\xff\xff\xff\x00", 4);
	assert_int_equal(o->u.cls.sport_end, 5005);
	assert_int_equal(o->u.cls.dport_end, 6001);
	assert_int_equal(o->u.cls.id, 1);
	assert_int_equal(o->u.cls.activation, PCMM_CLS_ACTIVE);
	assert_int_equal(o->u.cls.action, PCMM_CLS_ADD);
	o = pcmm_msg_find(&m, PCMM_CLASSIFIER, PCMM_CLS_IPV6, 0);
	assert_int_equal(o->u.cls.flags, 1);
	assert_int_equal(o->u.cls.tc_high, 0xff);
	assert_int_equal(o->u.cls.flow_label, 0x12345);
	assert_int_equal(o->u.cls.protocol, 17);
	assert_int_equal(o->u.cls.src_prefix, 128);
	assert_int_equal(o->u.cls.dst_prefix, 64);
	assert_int_equal(o->u.cls.src[15], 0x10);
	assert_int_equal(o->u.cls.dst[7], 1);
	assert_int_equal(o->u.cls.sport_end, 5061);
	assert_int_equal(o->u.cls.id, 2);

	o = pcmm_msg_find(&m, PCMM_TRAFFIC_PROFILE, PCMM_TP_FLOWSPEC, 0);
	assert_int_equal(o->u.tp.s_type, PCMM_TP_FLOWSPEC);
	assert_int_equal(o->u.tp.n_env, 1);
	assert_int_equal(o->u.tp.service_number, 2);
	assert_true(pcmm_f32_value(o->u.tp.fs[0].token_rate) == 12000.0f);
	assert_true(pcmm_f32_value(o->u.tp.fs[0].token_size) == 232.0f);
	assert_int_equal(o->u.tp.fs[0].max_packet_size, 232);
	assert_int_equal(o->u.tp.fs[0].slack_term, 800);
	o = pcmm_msg_find(&m, PCMM_TRAFFIC_PROFILE, PCMM_TP_SCN, 0);
	assert_int_equal(o->u.tp.envelope, 7);
	assert_string_equal(o->u.tp.scn, "EF");
	assert_int_equal(o->u.tp.scn_len, 4);
	o = pcmm_msg_find(&m, PCMM_TRAFFIC_PROFILE, PCMM_TP_BE, 0);
	assert_int_equal(o->u.tp.n_env, 1);
	assert_int_equal(o->u.tp.docsis[0].traffic_priority, 5);
	assert_int_equal(o->u.tp.docsis[0].req_tx_policy, 0x1ff);
	assert_int_equal(o->u.tp.docsis[0].max_sustained_rate, 128000);
	assert_int_equal(o->u.tp.docsis[0].max_concat_burst, 1522);
	assert_int_equal(o->u.tp.docsis[0].attr_aggr_mask, 0x33);

	o = pcmm_msg_find(&m, PCMM_EVENT_GEN_INFO, 0, 0);
	assert_memory_equal(o->u.egi.prks_addr, "\xc0\x00\x02\x28", 4);
	assert_int_equal(o->u.egi.srks_port, 1814);
	assert_memory_equal(o->u.egi.bcid_element_id, "VPEP0001", 8);
	assert_int_equal(o->u.egi.bcid_event_counter, 77);
	assert_int_equal(pcmm_msg_find(&m, PCMM_VOLUME_LIMIT, 0, 0)->u.volume_limit, 1000000);
	assert_int_equal(pcmm_msg_find(&m, PCMM_TIME_LIMIT, 0, 0)->u.time_limit, 3600);
	o = pcmm_msg_find(&m, PCMM_OPAQUE_DATA, 0, 0);
	assert_int_equal(o->data_len, 8);
	assert_memory_equal(o->data, "vpep-opq", 8);
	assert_int_equal(pcmm_msg_find(&m, PCMM_GATE_TIME_INFO, 0, 0)->u.time_committed, 1700000123);
	assert_true(pcmm_msg_find(&m, PCMM_GATE_USAGE_INFO, 0, 0)->u.octets == 123456789012ULL);
	o = pcmm_msg_find(&m, PCMM_PC_ERROR, 0, 0);
	assert_int_equal(o->u.error.code, PCMM_ERR_MISSING_OBJECT);
	assert_int_equal(o->u.error.sub_code, 0x0501);
	assert_int_equal(pcmm_msg_find(&m, PCMM_GATE_STATE, 0, 0)->u.state.state, PCMM_STATE_COMMITTED);
	assert_int_equal(pcmm_msg_find(&m, PCMM_VERSION_INFO, 0, 0)->u.version.major, 5);
	assert_int_equal(pcmm_msg_find(&m, PCMM_PSID, 0, 0)->u.psid, 7);
	assert_int_equal(pcmm_msg_find(&m, PCMM_SYNCH_OPTIONS, 0, 0)->u.synch.report_type, 1);
	assert_int_equal(pcmm_msg_find(&m, PCMM_MSG_RECEIPT_KEY, 0, 0)->u.msg_receipt_key, 0xcafebabe);
	assert_memory_equal(pcmm_msg_find(&m, PCMM_USERID, 0, 0)->data, "alice", 6);
	assert_int_equal(pcmm_msg_find(&m, PCMM_SHARED_RESOURCE_ID, 0, 0)->u.shared_resource_id, 9);
	assert_null(pcmm_msg_find(&m, PCMM_CLASSIFIER, 0, 3));
}

static void
test_roundtrip_all_objects(void **state)
{
	static struct pcmm_msg m;
	struct pcmm_err e;
	/* Encoder output. */
	uint8_t out[sizeof(all_objs)];
	uint32_t cap;

	(void)state;
	assert_int_equal(pcmm_msg_decode(all_objs, sizeof(all_objs), &m, &e), 0);
	assert_int_equal(pcmm_msg_encode(out, sizeof(out), &m), sizeof(all_objs));
	assert_memory_equal(out, all_objs, sizeof(all_objs));
	for (cap = 0; cap < sizeof(all_objs); cap += 7)
		assert_int_equal(pcmm_msg_encode(out, cap, &m), -ENOSPC);
}

/* Build each object from its struct and compare with the hand-written bytes. */
static void
test_encode_objects_from_structs(void **state)
{
	/* GateSpec of all_objs. */
	static const uint8_t gs[] = { 0x00, 0x10, 0x05, 0x01, 0x03, 0xb8, 0xfc, 0x01,
		0x00, 0xc8, 0x00, 0x0a, 0x00, 0x1e, 0x00, 0x28 };
	/* SCN "EF" (envelope 7), encoded from a C string. */
	static const uint8_t scn[] = { 0x00, 0x0c, 0x07, 0x02, 0x07, 0x00, 0x00, 0x00, 'E', 'F', 0, 0 };
	/* SCN with a 15-character name: NUL then no padding (16 bytes). */
	static const uint8_t scn15[] = { 0x00, 0x18, 0x07, 0x02, 0x01, 0x00, 0x00, 0x00,
		'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', 0 };
	struct pcmm_obj o;
	/* Encoder output. */
	uint8_t out[64];

	(void)state;
	memset(&o, 0, sizeof(o));
	o.s_num = PCMM_GATE_SPEC;
	o.s_type = 1;
	o.u.gate_spec.flags = 3;
	o.u.gate_spec.dscp_tos = 0xb8;
	o.u.gate_spec.dscp_tos_mask = 0xfc;
	o.u.gate_spec.session_class = 1;
	o.u.gate_spec.t1 = 200;
	o.u.gate_spec.t2 = 10;
	o.u.gate_spec.t3 = 30;
	o.u.gate_spec.t4 = 40;
	assert_int_equal(pcmm_obj_encode(out, sizeof(out), &o), sizeof(gs));
	assert_memory_equal(out, gs, sizeof(gs));
	assert_int_equal(pcmm_obj_encode(out, sizeof(gs) - 1, &o), -ENOSPC);

	memset(&o, 0, sizeof(o));
	o.s_num = PCMM_TRAFFIC_PROFILE;
	o.s_type = PCMM_TP_SCN;
	o.u.tp.envelope = 7;
	o.u.tp.scn = "EF";
	assert_int_equal(pcmm_obj_encode(out, sizeof(out), &o), sizeof(scn));
	assert_memory_equal(out, scn, sizeof(scn));
	o.u.tp.envelope = 1;
	o.u.tp.scn = "ABCDEFGHIJKLMNO";
	assert_int_equal(pcmm_obj_encode(out, sizeof(out), &o), sizeof(scn15));
	assert_memory_equal(out, scn15, sizeof(scn15));
	o.u.tp.scn = "ABCDEFGHIJKLMNOP"; /* 16 characters: too long */
	assert_int_equal(pcmm_obj_encode(out, sizeof(out), &o), -EINVAL);
	o.u.tp.scn = "";
	assert_int_equal(pcmm_obj_encode(out, sizeof(out), &o), -EINVAL);
	o.u.tp.scn = NULL;
	assert_int_equal(pcmm_obj_encode(out, sizeof(out), &o), -EINVAL);

	/* Envelope counts outside 1..3 cannot be encoded. */
	memset(&o, 0, sizeof(o));
	o.s_num = PCMM_TRAFFIC_PROFILE;
	o.s_type = PCMM_TP_BE;
	o.u.tp.envelope = 1;
	assert_int_equal(pcmm_obj_encode(out, sizeof(out), &o), -EINVAL);
	o.u.tp.n_env = 4;
	assert_int_equal(pcmm_obj_encode(out, sizeof(out), &o), -EINVAL);
	/* Opaque data must keep 32-bit alignment. */
	memset(&o, 0, sizeof(o));
	o.s_num = PCMM_OPAQUE_DATA;
	o.s_type = 1;
	o.data = (const uint8_t *)"abc";
	o.data_len = 3;
	assert_int_equal(pcmm_obj_encode(out, sizeof(out), &o), -EINVAL);
	assert_int_equal(pcmm_obj_encode(NULL, 10, &o), -EINVAL);
}

/* Every traffic profile S-Type with 1, 2 and 3 envelopes: sizes and round trip. */
static void
test_traffic_profiles_all_layouts(void **state)
{
	static const struct {
		uint8_t s_type;
		uint16_t env_len;
	} tps[] = {
		{ PCMM_TP_FLOWSPEC, 28 }, { PCMM_TP_BE, 36 }, { PCMM_TP_NRTPS, 40 }, { PCMM_TP_RTPS, 40 },
		{ PCMM_TP_UGS, 28 }, { PCMM_TP_UGS_AD, 36 }, { PCMM_TP_DOWNSTREAM, 40 },
	};
	/* Envelope field value for 1, 2 and 3 envelope blocks (index = count). */
	static const uint8_t env_bits[] = { 0, 0x1, 0x3, 0x7 };
	struct pcmm_obj o;
	static struct pcmm_msg m;
	struct pcmm_err e;
	/* Encoder output. */
	uint8_t out[256];
	unsigned int t, n, k;
	int len;

	(void)state;
	for (t = 0; t < sizeof(tps) / sizeof(tps[0]); t++) {
		for (n = 1; n <= 3; n++) {
			memset(&o, 0, sizeof(o));
			o.s_num = PCMM_TRAFFIC_PROFILE;
			o.s_type = tps[t].s_type;
			o.u.tp.s_type = tps[t].s_type;
			o.u.tp.envelope = env_bits[n];
			o.u.tp.n_env = (uint8_t)n;
			if (tps[t].s_type == PCMM_TP_FLOWSPEC) {
				o.u.tp.service_number = 5;
				for (k = 0; k < n; k++) {
					o.u.tp.fs[k].token_rate = pcmm_f32_bits(1000.5f * (float)(k + 1));
					o.u.tp.fs[k].slack_term = 7 + k;
					o.u.tp.fs[k].max_packet_size = 1500;
				}
			} else {
				/* Fill only what this layout carries, via a decode of all-ones. */
				memset(out, 0, sizeof(out));
				for (k = 0; k < n; k++) {
					o.u.tp.docsis[k].req_attr_mask = 0x100 + k;
					o.u.tp.docsis[k].forbid_attr_mask = 0x200 + k;
					o.u.tp.docsis[k].attr_aggr_mask = 0x300 + k;
				}
			}
			len = pcmm_obj_encode(out, sizeof(out), &o);
			assert_int_equal(len, 8 + (int)n * tps[t].env_len);
			assert_int_equal(pcmm_msg_decode(out, (uint32_t)len, &m, &e), 0);
			assert_int_equal(m.n_obj, 1);
			assert_int_equal(m.obj[0].u.tp.n_env, n);
			assert_int_equal(m.obj[0].u.tp.envelope, env_bits[n]);
			assert_memory_equal(&m.obj[0].u.tp, &o.u.tp, sizeof(o.u.tp));
		}
	}
	/* Upstream Drop has no envelope body. */
	memset(&o, 0, sizeof(o));
	o.s_num = PCMM_TRAFFIC_PROFILE;
	o.s_type = PCMM_TP_UPSTREAM_DROP;
	o.u.tp.envelope = 1;
	assert_int_equal(pcmm_obj_encode(out, sizeof(out), &o), 8);
	assert_int_equal(pcmm_msg_decode(out, 8, &m, &e), 0);
	assert_int_equal(m.obj[0].u.tp.n_env, 0);
}

/*
 * Field order of every envelope layout, independent of pcmm.c's tables:
 * the envelope body is filled with the byte sequence 01 02 03 ..., so each
 * field's value names its position. Expected values follow the field order
 * of Wireshark's packet-cops.c (the I05 variants).
 */
static void
test_envelope_field_order(void **state)
{
	/* Object under test: header, envelope byte 1, 3 reserved, then 01 02 03 ... */
	uint8_t b[8 + 40];
	static struct pcmm_msg m;
	struct pcmm_err e;
	const struct pcmm_docsis_env *d;
	const struct pcmm_flowspec_env *f;
	/* Traffic profile S-Types with envelope blocks. */
	static const uint8_t types[] = { PCMM_TP_FLOWSPEC, PCMM_TP_BE, PCMM_TP_NRTPS, PCMM_TP_RTPS,
		PCMM_TP_UGS, PCMM_TP_UGS_AD, PCMM_TP_DOWNSTREAM };
	/* Envelope block size of each entry of types[] (I05 layouts). */
	static const uint8_t lens[] = { 28, 36, 40, 40, 28, 36, 40 };
	unsigned int t, i;

	(void)state;
	for (t = 0; t < sizeof(types); t++) {
		memset(b, 0, sizeof(b));
		b[1] = (uint8_t)(8 + lens[t]);
		b[2] = PCMM_TRAFFIC_PROFILE;
		b[3] = types[t];
		b[4] = PCMM_ENV_AUTHORIZED;
		for (i = 0; i < lens[t]; i++)
			b[8 + i] = (uint8_t)(i + 1);
		assert_int_equal(decode_copy(b, 8u + lens[t], &m, &e), 0);
		d = &m.obj[0].u.tp.docsis[0];
		f = &m.obj[0].u.tp.fs[0];
		switch (types[t]) {
		case PCMM_TP_FLOWSPEC:
			assert_int_equal(f->token_rate, 0x01020304);
			assert_int_equal(f->token_size, 0x05060708);
			assert_int_equal(f->peak_rate, 0x090a0b0c);
			assert_int_equal(f->min_policed_unit, 0x0d0e0f10);
			assert_int_equal(f->max_packet_size, 0x11121314);
			assert_int_equal(f->rate, 0x15161718);
			assert_int_equal(f->slack_term, 0x191a1b1c);
			break;
		case PCMM_TP_BE:
		case PCMM_TP_NRTPS:
			assert_int_equal(d->traffic_priority, 0x01);
			assert_int_equal(d->req_tx_policy, 0x05060708);
			assert_int_equal(d->max_sustained_rate, 0x090a0b0c);
			assert_int_equal(d->max_burst, 0x0d0e0f10);
			assert_int_equal(d->min_reserved_rate, 0x11121314);
			assert_int_equal(d->min_rsv_pkt_size, 0x1516);
			assert_int_equal(d->max_concat_burst, 0x1718);
			if (types[t] == PCMM_TP_BE) {
				assert_int_equal(d->req_attr_mask, 0x191a1b1c);
				assert_int_equal(d->forbid_attr_mask, 0x1d1e1f20);
				assert_int_equal(d->attr_aggr_mask, 0x21222324);
			} else {
				assert_int_equal(d->nominal_poll_interval, 0x191a1b1c);
				assert_int_equal(d->req_attr_mask, 0x1d1e1f20);
				assert_int_equal(d->forbid_attr_mask, 0x21222324);
				assert_int_equal(d->attr_aggr_mask, 0x25262728);
			}
			/* Envelope-level reserved bytes 02 03 04 after the 3 top-level ones. */
			assert_int_equal(m.obj[0].n_rsvd, 6);
			assert_memory_equal(m.obj[0].rsvd + 3, "\x02\x03\x04", 3);
			break;
		case PCMM_TP_RTPS:
			assert_int_equal(d->req_tx_policy, 0x01020304);
			assert_int_equal(d->max_sustained_rate, 0x05060708);
			assert_int_equal(d->max_burst, 0x090a0b0c);
			assert_int_equal(d->min_reserved_rate, 0x0d0e0f10);
			assert_int_equal(d->min_rsv_pkt_size, 0x1112);
			assert_int_equal(d->max_concat_burst, 0x1314);
			assert_int_equal(d->nominal_poll_interval, 0x15161718);
			assert_int_equal(d->tolerated_poll_jitter, 0x191a1b1c);
			assert_int_equal(d->req_attr_mask, 0x1d1e1f20);
			assert_int_equal(d->forbid_attr_mask, 0x21222324);
			assert_int_equal(d->attr_aggr_mask, 0x25262728);
			break;
		case PCMM_TP_UGS:
		case PCMM_TP_UGS_AD:
			assert_int_equal(d->req_tx_policy, 0x01020304);
			assert_int_equal(d->unsolicited_grant_size, 0x0506);
			assert_int_equal(d->grants_per_interval, 0x07);
			assert_int_equal(d->nominal_grant_interval, 0x090a0b0c);
			assert_int_equal(d->tolerated_grant_jitter, 0x0d0e0f10);
			if (types[t] == PCMM_TP_UGS) {
				assert_int_equal(d->req_attr_mask, 0x11121314);
				assert_int_equal(d->forbid_attr_mask, 0x15161718);
				assert_int_equal(d->attr_aggr_mask, 0x191a1b1c);
			} else {
				assert_int_equal(d->nominal_poll_interval, 0x11121314);
				assert_int_equal(d->tolerated_poll_jitter, 0x15161718);
				assert_int_equal(d->req_attr_mask, 0x191a1b1c);
				assert_int_equal(d->forbid_attr_mask, 0x1d1e1f20);
				assert_int_equal(d->attr_aggr_mask, 0x21222324);
			}
			break;
		case PCMM_TP_DOWNSTREAM:
			assert_int_equal(d->traffic_priority, 0x01);
			assert_int_equal(d->ds_resequencing, 0x02);
			assert_int_equal(d->max_sustained_rate, 0x05060708);
			assert_int_equal(d->max_burst, 0x090a0b0c);
			assert_int_equal(d->min_reserved_rate, 0x0d0e0f10);
			assert_int_equal(d->min_rsv_pkt_size, 0x1112);
			assert_int_equal(d->max_ds_latency, 0x15161718);
			assert_int_equal(d->ds_peak_rate, 0x191a1b1c);
			assert_int_equal(d->req_attr_mask, 0x1d1e1f20);
			assert_int_equal(d->forbid_attr_mask, 0x21222324);
			assert_int_equal(d->attr_aggr_mask, 0x25262728);
			break;
		}
	}
}

static void
test_reserved_bytes_kept(void **state)
{
	/* Classifier whose 3 reserved bytes are 0xaa 0xbb 0xcc (sent by a sloppy peer). */
	static const uint8_t cls_rsvd[] = {
		0x00, 0x18, 0x06, 0x01, 0x00, 0x11, 0x00, 0x00, 10, 1, 2, 3, 198, 51, 100, 7,
		0x13, 0x8c, 0x17, 0x70, 0x40, 0xaa, 0xbb, 0xcc,
	};
	static struct pcmm_msg m;
	struct pcmm_err e;
	/* Encoder output. */
	uint8_t out[sizeof(cls_rsvd)];

	(void)state;
	assert_int_equal(pcmm_msg_decode(cls_rsvd, sizeof(cls_rsvd), &m, &e), 0);
	assert_int_equal(m.obj[0].n_rsvd, 3);
	assert_memory_equal(m.obj[0].rsvd, "\xaa\xbb\xcc", 3);
	assert_int_equal(pcmm_msg_encode(out, sizeof(out), &m), sizeof(cls_rsvd));
	assert_memory_equal(out, cls_rsvd, sizeof(cls_rsvd));
}

static void
test_unknown_objects_skipped(void **state)
{
	/* GateID, an unknown S-Num 99 object (8 bytes), a GateID with unknown S-Type 7. */
	static const uint8_t unk[] = {
		0x00, 0x08, 0x04, 0x01, 0x00, 0x00, 0x00, 0x01,
		0x00, 0x0c, 0x63, 0x01, 1, 2, 3, 4, 5, 6, 7, 8,
		0x00, 0x08, 0x04, 0x07, 9, 9, 9, 9,
	};
	static struct pcmm_msg m;
	struct pcmm_err e;
	/* Encoder output. */
	uint8_t out[sizeof(unk)];

	(void)state;
	assert_int_equal(pcmm_msg_decode(unk, sizeof(unk), &m, &e), 0);
	assert_int_equal(m.n_obj, 3);
	assert_int_equal(m.n_unknown, 2);
	assert_true(m.obj[0].known);
	assert_false(m.obj[1].known);
	assert_int_equal(m.obj[1].s_num, 99);
	assert_int_equal(m.obj[1].data_len, 8);
	assert_false(m.obj[2].known);
	assert_string_equal(pcmm_obj_name(99, 1), "unknown");
	assert_string_equal(pcmm_obj_name(PCMM_GATE_ID, 7), "GateID");
	assert_int_equal(pcmm_msg_encode(out, sizeof(out), &m), sizeof(unk));
	assert_memory_equal(out, unk, sizeof(unk));
}

static void
test_object_framing_errors(void **state)
{
	/* GateID followed by a TransactionID; the second object gets broken below. */
	static const uint8_t two[] = {
		0x00, 0x08, 0x04, 0x01, 0x10, 0x00, 0xab, 0x01,
		0x00, 0x08, 0x01, 0x01, 0x00, 0x07, 0x00, 0x04,
	};
	/* Copy of two[] with the second object's Length patched, plus up to 3 stray bytes. */
	uint8_t b[sizeof(two) + 3];

	(void)state;
	memcpy(b, two, sizeof(two));
	b[9] = 0;
	expect_obj_fail(b, sizeof(two), EBADMSG, PCMM_ERR_INVALID_OBJECT, 0x0101,
		"PCMM: object #2 TransactionID (S-Num 1, S-Type 1) at offset 8: length 0 is shorter");
	b[9] = 2;
	expect_obj_fail(b, sizeof(two), EBADMSG, PCMM_ERR_INVALID_OBJECT, 0x0101, "length 2 is shorter");
	b[9] = 6;
	expect_obj_fail(b, sizeof(two), EBADMSG, PCMM_ERR_INVALID_OBJECT, 0x0101,
		"length 6 is not a multiple of 4");
	b[9] = 12;
	expect_obj_fail(b, sizeof(two), EBADMSG, PCMM_ERR_INVALID_OBJECT, 0x0101,
		"length 12 overruns the data (8 bytes left)");
	/* 1..3 stray bytes after the last object. */
	memcpy(b, two, sizeof(two));
	memset(b + sizeof(two), 0, 3);
	expect_obj_fail(b, sizeof(two) + 1, EBADMSG, PCMM_ERR_INVALID_OBJECT, 0,
		"PCMM: object #3 unknown (S-Num 0, S-Type 0) at offset 16: 1 trailing bytes");
	expect_obj_fail(b, sizeof(two) + 3, EBADMSG, PCMM_ERR_INVALID_OBJECT, 0, "3 trailing bytes");
}

/* Every known fixed-size object, one word too long and one word too short. */
static void
test_object_wrong_lengths(void **state)
{
	static struct pcmm_msg m;
	struct pcmm_err e;
	uint32_t off = 0;

	(void)state;
	assert_int_equal(pcmm_msg_decode(all_objs, sizeof(all_objs), &m, &e), 0);
	for (unsigned int i = 0; i < m.n_obj; i++) {
		const struct pcmm_obj *o = &m.obj[i];
		/* One object of all_objs with its Length patched one word longer or shorter. */
		uint8_t b[300];
		uint16_t want = (uint16_t)(o->s_num << 8 | o->s_type);
		int variable = o->s_num == PCMM_OPAQUE_DATA || o->s_num == PCMM_USERID ||
			o->s_num == PCMM_TRAFFIC_PROFILE;

		memcpy(b, all_objs + off, o->len);
		off += o->len;
		if (variable)
			continue;
		/* Longer: the object claims 4 more bytes, which are there (zeros). */
		memset(b + o->len, 0, 4);
		b[0] = 0;
		b[1] = (uint8_t)(o->len + 4);
		expect_obj_fail(b, o->len + 4u, EBADMSG, PCMM_ERR_INVALID_OBJECT, want, "expected");
		/* Shorter by 4 bytes. */
		b[1] = (uint8_t)(o->len - 4);
		if (o->len - 4 >= PCMM_OBJ_HDR_LEN)
			expect_obj_fail(b, o->len - 4u, EBADMSG, PCMM_ERR_INVALID_OBJECT, want,
				"expected");
	}
	assert_int_equal(off, sizeof(all_objs));
}

static void
test_object_value_errors(void **state)
{
	/* Best Effort claiming envelopes 0x3 (two) with a single envelope block. */
	uint8_t be[44];
	/* SCN variants (envelope 1): valid "EF" layout, modified below. */
	uint8_t scn[] = { 0x00, 0x0c, 0x07, 0x02, 0x01, 0x00, 0x00, 0x00, 'E', 'F', 0x00, 0x00 };
	/* SCN whose name field is 24 bytes (longer than DOCSIS allows). */
	uint8_t scn_long[32] = { 0x00, 0x20, 0x07, 0x02, 0x01 };
	/* Extended classifier from all_objs (activation/action patched below). */
	uint8_t ext[40];
	/* IPv6 classifier from all_objs (prefix length patched below). */
	uint8_t v6[64];
	/* Best Effort with 4 envelope blocks (8 + 4 * 36 bytes). */
	uint8_t be4[152];

	(void)state;
	memcpy(be, all_objs + 8 + 8 + 8 + 20 + 8 + 16 + 24 + 40 + 64 + 36 + 12, sizeof(be));
	assert_int_equal(be[3], PCMM_TP_BE);
	be[4] = 0x3;
	expect_obj_fail(be, sizeof(be), EBADMSG, PCMM_ERR_INVALID_FIELD, 0x0703,
		"Best Effort Service (S-Num 7, S-Type 3) at offset 0: envelope 0x3 does not match 1");
	be[4] = 0x2;
	expect_obj_fail(be, sizeof(be), EBADMSG, PCMM_ERR_INVALID_FIELD, 0x0703, "envelope 0x2");
	memset(be4, 0, sizeof(be4));
	be4[1] = sizeof(be4);
	be4[2] = 7;
	be4[3] = PCMM_TP_BE;
	be4[4] = 7;
	expect_obj_fail(be4, sizeof(be4), EBADMSG, PCMM_ERR_INVALID_OBJECT, 0x0703,
		"length 152 is not 8 + 1..3 envelopes of 36");

	scn[9] = 0x01;
	expect_obj_fail(scn, sizeof(scn), EBADMSG, PCMM_ERR_INVALID_FIELD, 0x0702, "non-printable byte 0x01");
	scn[9] = 'F';
	scn[10] = 'G';
	scn[11] = 'H';
	expect_obj_fail(scn, sizeof(scn), EBADMSG, PCMM_ERR_INVALID_FIELD, 0x0702, "not NUL-terminated");
	scn[8] = 0;
	expect_obj_fail(scn, sizeof(scn), EBADMSG, PCMM_ERR_INVALID_FIELD, 0x0702, "1..15 characters");
	memset(scn_long + 8, 'A', 23);
	expect_obj_fail(scn_long, sizeof(scn_long), EBADMSG, PCMM_ERR_INVALID_OBJECT, 0x0702,
		"name field of 24 bytes");
	scn_long[1] = 0x14;
	scn_long[8 + 16] = 0;
	memset(scn_long + 8, 'A', 16);
	scn_long[8 + 11] = 0; /* NUL would be at 16 -> too long; put it at 11: valid */
	{
		static struct pcmm_msg m;
		struct pcmm_err e;
		/* First 20 bytes of scn_long: an SCN object with a 12-byte name field. */
		uint8_t tmp[20];

		memcpy(tmp, scn_long, 20);
		assert_int_equal(pcmm_msg_decode(tmp, 20, &m, &e), 0);
		tmp[8 + 11] = 'A'; /* 12 characters and no NUL in 12 bytes */
		assert_int_equal(pcmm_msg_decode(tmp, 20, &m, &e), -EBADMSG);
	}

	memcpy(ext, all_objs + 8 + 8 + 8 + 20 + 8 + 16 + 24, sizeof(ext));
	assert_int_equal(ext[3], PCMM_CLS_EXTENDED);
	ext[35] = 2; /* activation */
	expect_obj_fail(ext, sizeof(ext), EBADMSG, PCMM_ERR_INVALID_FIELD, 0x0602,
		"activation state 2 / action 0 out of range");
	ext[35] = 1;
	ext[36] = 4; /* action */
	expect_obj_fail(ext, sizeof(ext), EBADMSG, PCMM_ERR_INVALID_FIELD, 0x0602, "action 4");
	memcpy(v6, all_objs + 8 + 8 + 8 + 20 + 8 + 16 + 24 + 40, sizeof(v6));
	assert_int_equal(v6[3], PCMM_CLS_IPV6);
	v6[14] = 129;
	expect_obj_fail(v6, sizeof(v6), EBADMSG, PCMM_ERR_INVALID_FIELD, 0x0603, "prefix length 129/64");
}

static void
test_too_many_objects(void **state)
{
	/* 33 GateID objects of 8 bytes each (one more than PCMM_MAX_OBJS). */
	uint8_t b[8 * (PCMM_MAX_OBJS + 1)];
	static struct pcmm_msg m;
	struct pcmm_err e;
	unsigned int i;

	(void)state;
	/* 33 GateID objects. */
	for (i = 0; i < PCMM_MAX_OBJS + 1; i++)
		memcpy(b + 8 * i, "\x00\x08\x04\x01\x00\x00\x00\x01", 8);
	assert_int_equal(decode_copy(b, 8 * PCMM_MAX_OBJS, &m, &e), 0);
	assert_int_equal(m.n_obj, PCMM_MAX_OBJS);
	expect_obj_fail(b, sizeof(b), E2BIG, PCMM_ERR_OTHER, 0, "more than 32 objects");
	/* Empty sequence is fine; NULL msg is not. */
	assert_int_equal(pcmm_msg_decode(NULL, 0, &m, &e), 0);
	assert_int_equal(m.n_obj, 0);
	assert_int_equal(pcmm_msg_decode(b, 8, NULL, &e), -EINVAL);
}

/* ------------------------------------------------------------------ gates */

static void
make_gate_set(struct pcmm_gate *g)
{
	struct pcmm_classifier *c;

	memset(g, 0, sizeof(*g));
	g->cmd = PCMM_GATE_SET;
	g->txn_id = 7;
	g->amid = amid;
	g->subscriber.family = 4;
	memcpy(g->subscriber.addr, "\x0a\x01\x02\x03", 4);
	g->present = PCMM_GATE_HAS_SPEC | PCMM_GATE_HAS_TRAFFIC | PCMM_GATE_HAS_EGI |
		PCMM_GATE_HAS_VOLUME_LIMIT | PCMM_GATE_HAS_TIME_LIMIT;
	g->spec.flags = PCMM_GATE_FLAG_UPSTREAM | PCMM_GATE_FLAG_DSCP_OVERWRITE;
	g->spec.dscp_tos = 0xb8;
	g->spec.dscp_tos_mask = 0xfc;
	g->spec.session_class = 1;
	g->spec.t1 = 200;
	g->tp.s_type = PCMM_TP_FLOWSPEC;
	g->tp.envelope = 1;
	g->tp.service_number = 2;
	g->tp.n_env = 1;
	g->tp.fs[0].token_rate = pcmm_f32_bits(12000.0f);
	g->tp.fs[0].max_packet_size = 232;
	c = &g->cls[g->n_cls++];
	c->s_type = PCMM_CLS_LEGACY;
	c->protocol = 17;
	memcpy(c->src, "\x0a\x01\x02\x03", 4);
	memcpy(c->dst, "\xc6\x33\x64\x07", 4);
	c->sport = 5004;
	c->dport = 6000;
	c->priority = 64;
	c = &g->cls[g->n_cls++];
	c->s_type = PCMM_CLS_IPV6;
	c->protocol = 256;
	c->src_prefix = 128;
	c->dst_prefix = 64;
	c->src[0] = 0x20;
	c->dst[0] = 0x20;
	c->activation = 1;
	memcpy(g->egi.bcid_element_id, "VPEP0001", 8);
	g->egi.bcid_event_counter = 1;
	g->volume_limit = 99;
	g->time_limit = 60;
}

static void
test_gate_set_roundtrip(void **state)
{
	struct pcmm_gate g, g2;
	struct pcmm_err e;
	/* Encoded gate. */
	uint8_t buf[512];
	int n;

	(void)state;
	make_gate_set(&g);
	g.cmd = PCMM_GATE_INFO; /* forced to Gate-Set by the helper */
	n = pcmm_gate_set_encode(buf, sizeof(buf), &g);
	/* TXN 8 + AMID 8 + SUB 8 + GateSpec 16 + FlowSpec 36 + Classifier 24 + IPv6 64 + EGI 44 + Vol 12 + Time 8 */
	assert_int_equal(n, 228);
	assert_int_equal(pcmm_gate_set_decode(buf, (uint32_t)n, &g2, &e), 0);
	g.cmd = PCMM_GATE_SET;
	assert_memory_equal(&g, &g2, sizeof(g));
	assert_int_equal(gate_copy(buf, (uint32_t)n, &g2, &e), 0);
	assert_int_equal(g2.n_cls, 2);
	assert_int_equal(g2.cls[1].protocol, 256);
	assert_int_equal(g2.spec.dscp_tos, 0xb8);
	assert_true((g2.spec.flags & PCMM_GATE_FLAG_UPSTREAM) != 0);

	/* SCN travels through the gate's own copy. */
	g.tp.s_type = PCMM_TP_SCN;
	g.tp.n_env = 0;
	g.tp.envelope = 7;
	strcpy(g.scn, "VOICE_EF");
	n = pcmm_gate_encode(buf, sizeof(buf), &g, &e);
	assert_true(n > 0);
	assert_int_equal(pcmm_gate_decode(buf, (uint32_t)n, &g2, &e), 0);
	assert_string_equal(g2.scn, "VOICE_EF");
	assert_null(g2.tp.scn);
	assert_int_equal(g2.tp.s_type, PCMM_TP_SCN);

	/* Not enough room anywhere. */
	for (uint32_t cap = 0; cap < (uint32_t)n; cap += 5)
		assert_int_equal(pcmm_gate_encode(buf, cap, &g, &e), -ENOSPC);
}

static void
test_gate_ack_err_info_delete(void **state)
{
	struct pcmm_subscriber_id sub = { .family = 4, .addr = { 10, 1, 2, 3 } };
	struct pcmm_gate g;
	struct pcmm_err e;
	/* Encoded gate command. */
	uint8_t buf[256];
	int n;

	(void)state;
	n = pcmm_gate_ref_encode(buf, sizeof(buf), PCMM_GATE_SET_ACK, 7, &amid, &sub, 0x1000ab01);
	assert_int_equal(n, sizeof(set_ack_bytes));
	assert_memory_equal(buf, set_ack_bytes, sizeof(set_ack_bytes));
	assert_int_equal(gate_copy(set_ack_bytes, sizeof(set_ack_bytes), &g, &e), 0);
	assert_int_equal(g.cmd, PCMM_GATE_SET_ACK);
	assert_int_equal(g.gate_id, 0x1000ab01);
	assert_int_equal(g.present, PCMM_GATE_HAS_GATE_ID);

	n = pcmm_gate_ref_encode(buf, sizeof(buf), PCMM_GATE_INFO, 8, &amid, &sub, 0x1000ab01);
	assert_int_equal(n, 32);
	assert_int_equal(gate_copy(buf, (uint32_t)n, &g, &e), 0);
	assert_int_equal(g.cmd, PCMM_GATE_INFO);
	n = pcmm_gate_ref_encode(buf, sizeof(buf), PCMM_GATE_DELETE, 9, &amid, &sub, 0x1000ab01);
	assert_int_equal(gate_copy(buf, (uint32_t)n, &g, &e), 0);
	assert_int_equal(g.cmd, PCMM_GATE_DELETE);
	n = pcmm_gate_ref_encode(buf, sizeof(buf), PCMM_GATE_DELETE_ACK, 9, &amid, &sub, 0x1000ab01);
	assert_int_equal(gate_copy(buf, (uint32_t)n, &g, &e), 0);

	/* Gate-Set-Err may omit the GateID; Delete-Err may not. */
	n = pcmm_gate_err_encode(buf, sizeof(buf), PCMM_GATE_SET_ERR, 7, &amid, &sub, 0,
		PCMM_ERR_INSUFFICIENT_RESOURCES, 0);
	assert_int_equal(n, 32);
	assert_int_equal(gate_copy(buf, (uint32_t)n, &g, &e), 0);
	assert_int_equal(g.error.code, PCMM_ERR_INSUFFICIENT_RESOURCES);
	assert_int_equal(g.present, PCMM_GATE_HAS_ERROR);
	assert_int_equal(pcmm_gate_err_encode(buf, sizeof(buf), PCMM_GATE_DELETE_ERR, 9, &amid, &sub,
		0, PCMM_ERR_UNKNOWN_GATE_ID, 0), -ENOMSG);
	n = pcmm_gate_err_encode(buf, sizeof(buf), PCMM_GATE_INFO_ERR, 8, &amid, &sub, 5,
		PCMM_ERR_UNKNOWN_GATE_ID, 0);
	assert_int_equal(gate_copy(buf, (uint32_t)n, &g, &e), 0);
	assert_int_equal(g.gate_id, 5);

	n = pcmm_gate_report_state_encode(buf, sizeof(buf), 10, &amid, &sub, 0x1000ab01,
		PCMM_STATE_IDLE, 5);
	assert_int_equal(n, 40);
	assert_int_equal(gate_copy(buf, (uint32_t)n, &g, &e), 0);
	assert_int_equal(g.state.state, PCMM_STATE_IDLE);
	assert_int_equal(g.state.reason, 5);

	/* IPv6 subscriber; a gate without a subscriber family cannot be encoded. */
	sub.family = 6;
	n = pcmm_gate_ref_encode(buf, sizeof(buf), PCMM_GATE_INFO, 8, &amid, &sub, 1);
	assert_int_equal(n, 44);
	sub.family = 0;
	assert_int_equal(pcmm_gate_ref_encode(buf, sizeof(buf), PCMM_GATE_INFO, 8, &amid, &sub, 1),
		-EINVAL);
}

static void
test_gate_missing_required(void **state)
{
	struct pcmm_gate g;
	struct pcmm_err e;
	/* Encoded Gate-Set (buf) and the same with one object cut out (cut). */
	uint8_t buf[512], cut[512];
	int n;
	uint32_t off, len;

	(void)state;
	make_gate_set(&g);
	n = pcmm_gate_set_encode(buf, sizeof(buf), &g);
	assert_true(n > 0);
	/* Remove each object in turn; required ones must be reported by S-Num. */
	for (off = 0; off < (uint32_t)n; off += len) {
		uint8_t sn = buf[off + 2], st = buf[off + 3];
		int rc;

		len = (uint32_t)(buf[off] << 8 | buf[off + 1]);
		memcpy(cut, buf, off);
		memcpy(cut + off, buf + off + len, (size_t)n - off - len);
		rc = gate_copy(cut, (uint32_t)n - len, &g, &e);
		switch (sn) {
		case PCMM_TRANSACTION_ID:
		case PCMM_AMID:
		case PCMM_SUBSCRIBER_ID:
		case PCMM_GATE_SPEC:
		case PCMM_TRAFFIC_PROFILE:
			assert_int_equal(rc, -ENOMSG);
			assert_int_equal(e.code, PCMM_ERR_MISSING_OBJECT);
			assert_int_equal(e.sub_code, sn << 8 | 1);
			assert_non_null(strstr(e.msg, "missing required object"));
			break;
		default:
			/* Optional objects, and one of the two classifiers. */
			assert_int_equal(rc, 0);
			(void)st;
			break;
		}
	}
	/* No classifier at all. */
	make_gate_set(&g);
	g.n_cls = 0;
	assert_int_equal(pcmm_gate_encode(buf, sizeof(buf), &g, &e), -ENOMSG);
	assert_string_equal(e.msg, "Gate-Set: missing required object Classifier (S-Num 6)");
	/* No traffic profile. */
	make_gate_set(&g);
	g.present &= ~PCMM_GATE_HAS_TRAFFIC;
	assert_int_equal(pcmm_gate_encode(buf, sizeof(buf), &g, &e), -ENOMSG);
	assert_int_equal(e.sub_code, 0x0701);
	/* Gate-Info-Ack needs the gate's spec, profile and classifiers. */
	make_gate_set(&g);
	g.cmd = PCMM_GATE_INFO_ACK;
	assert_int_equal(pcmm_gate_encode(buf, sizeof(buf), &g, &e), -ENOMSG);
	assert_non_null(strstr(e.msg, "Gate-Info-Ack: missing required object GateID"));
}

static void
test_gate_errors(void **state)
{
	/* Gate-Set-Ack bytes with a second GateID appended. */
	uint8_t dup[sizeof(set_ack_bytes) + 8];
	/* Gate-Set-Ack bytes with the command changed to 99 / 17 / 0. */
	uint8_t cmd[sizeof(set_ack_bytes)];
	/* Gate-Set-Ack bytes without the TransactionID. */
	const uint8_t *no_txn = set_ack_bytes + 8;
	struct pcmm_gate g;
	struct pcmm_err e;
	/* Encoded Gate-Set, then 3 more legacy classifiers appended. */
	uint8_t buf[512];

	(void)state;
	memcpy(dup, set_ack_bytes, sizeof(set_ack_bytes));
	memcpy(dup + sizeof(set_ack_bytes), set_ack_bytes + 24, 8);
	expect_gate_fail(dup, sizeof(dup), EBADMSG, PCMM_ERR_INVALID_OBJECT, 0x0401,
		"object #5 GateID (S-Num 4, S-Type 1) at offset 32: duplicate object");
	memcpy(cmd, set_ack_bytes, sizeof(cmd));
	cmd[7] = 99;
	expect_gate_fail(cmd, sizeof(cmd), ENOTSUP, PCMM_ERR_UNKNOWN_GATE_CMD, 0,
		"gate command 99 (unknown) is not a gate command");
	cmd[7] = PCMM_PDP_CONFIG;
	expect_gate_fail(cmd, sizeof(cmd), ENOTSUP, PCMM_ERR_UNKNOWN_GATE_CMD, 0, "PDP-Config");
	cmd[7] = 0;
	expect_gate_fail(cmd, sizeof(cmd), ENOTSUP, PCMM_ERR_UNKNOWN_GATE_CMD, 0, "gate command 0");
	expect_gate_fail(no_txn, 24, ENOMSG, PCMM_ERR_MISSING_OBJECT, 0x0101,
		"missing required object TransactionID");
	cmd[7] = PCMM_GATE_SET_ACK;
	assert_int_equal(gate_copy(cmd, sizeof(cmd), &g, &e), 0);
	assert_int_equal(pcmm_gate_set_decode(cmd, sizeof(cmd), &g, &e), -ENOTSUP);
	assert_non_null(strstr(e.msg, "expected Gate-Set, got Gate-Set-Ack"));

	/* Five classifiers. */
	make_gate_set(&g);
	{
		int n = pcmm_gate_set_encode(buf, sizeof(buf), &g);
		uint32_t i;

		assert_true(n > 0);
		for (i = 0; i < 3; i++) /* append 3 more legacy classifiers (24 bytes each) */
			memcpy(buf + n + 24 * i, all_objs + 8 + 8 + 8 + 20 + 8 + 16, 24);
		expect_gate_fail(buf, (uint32_t)n + 72, E2BIG, PCMM_ERR_TOO_MANY_CLASSIFIERS, 0,
			"more than 4 classifiers");
		assert_int_equal(gate_copy(buf, (uint32_t)n + 48, &g, &e), 0);
		assert_int_equal(g.n_cls, 4);
	}
	/* Object-level errors surface through the gate decoder unchanged. */
	expect_gate_fail(set_ack_bytes, 30, EBADMSG, PCMM_ERR_INVALID_OBJECT, 0x0401, "overruns");
	assert_int_equal(pcmm_gate_decode(NULL, 4, &g, &e), -EINVAL);
}

/* Cutting a Gate-Set at every byte: only object boundaries parse as objects. */
static void
test_gate_set_truncated_every_byte(void **state)
{
	static struct pcmm_msg m;
	struct pcmm_gate g;
	struct pcmm_err e;
	/* Encoded Gate-Set. */
	uint8_t buf[512];
	uint32_t len, next = 0;
	int n, boundary;

	(void)state;
	make_gate_set(&g);
	n = pcmm_gate_set_encode(buf, sizeof(buf), &g);
	assert_true(n > 0);
	for (len = 0; len <= (uint32_t)n; len++) {
		int rc = decode_copy(buf, len, &m, &e);

		if (len == next) {
			assert_int_equal(rc, 0);
			if (len < (uint32_t)n)
				next += (uint32_t)(buf[len] << 8 | buf[len + 1]);
		} else {
			assert_int_equal(rc, -EBADMSG);
			assert_int_equal(e.code, PCMM_ERR_INVALID_OBJECT);
		}
		/*
		 * As a gate, a prefix is valid only if it ends on an object boundary
		 * (optional trailing objects may be cut); the complete one must be.
		 */
		boundary = rc == 0;
		rc = gate_copy(buf, len, &g, &e);
		if (len == (uint32_t)n)
			assert_int_equal(rc, 0);
		if (!boundary)
			assert_true(rc < 0);
		if (len < 8 + 8 + 8 + 16 + 36 + 24) /* up to the first classifier: incomplete */
			assert_true(rc < 0);
	}
}

/* ------------------------------------------------------------------ COPS framing */

static void
test_cops_dec_and_rpt(void **state)
{
	/* 4-byte client handle 0x0000002a. */
	static const uint8_t handle[4] = { 0, 0, 0, 0x2a };
	struct pcmm_subscriber_id sub = { .family = 4, .addr = { 10, 1, 2, 3 } };
	struct pcmm_gate g, g2;
	struct pcmm_err pe;
	struct cops_msg m;
	struct cops_err ce;
	/* Encoded COPS message. */
	uint8_t buf[512];
	int n;

	(void)state;
	make_gate_set(&g);
	n = pcmm_cops_dec_encode(buf, sizeof(buf), 1, handle, 4, &g);
	assert_int_equal(n, 8 + 8 + 8 + 8 + 4 + 228);
	assert_int_equal(cops_msg_decode(buf, (uint32_t)n, &m, &ce), 0);
	assert_int_equal(m.hdr.op_code, COPS_OP_DEC);
	assert_int_equal(m.hdr.client_type, COPS_CLIENT_PCMM);
	assert_int_equal(m.hdr.flags, COPS_FLAG_SOLICITED);
	assert_int_equal(m.obj[1].u.context.r_type, COPS_RTYPE_CONFIG);
	assert_int_equal(m.obj[2].u.decision.cmd, COPS_DEC_CMD_INSTALL);
	assert_int_equal(m.obj[3].c_type, COPS_DEC_CLIENT_SI);
	assert_int_equal(pcmm_cops_gate_decode(&m, &g2, &pe), 0);
	assert_memory_equal(&g, &g2, sizeof(g));

	/* Gate-Set-Ack in a solicited RPT, Report-Type success. */
	memset(&g, 0, sizeof(g));
	g.cmd = PCMM_GATE_SET_ACK;
	g.txn_id = 7;
	g.amid = amid;
	g.subscriber = sub;
	g.gate_id = 0x1000ab01;
	g.present = PCMM_GATE_HAS_GATE_ID;
	n = pcmm_cops_rpt_encode(buf, sizeof(buf), handle, 4, &g);
	assert_int_equal(n, 8 + 8 + 8 + 4 + (int)sizeof(set_ack_bytes));
	assert_memory_equal(buf + n - sizeof(set_ack_bytes), set_ack_bytes, sizeof(set_ack_bytes));
	assert_int_equal(cops_msg_decode(buf, (uint32_t)n, &m, &ce), 0);
	assert_int_equal(m.hdr.flags, COPS_FLAG_SOLICITED);
	assert_int_equal(m.obj[1].u.report.type, COPS_REPORT_SUCCESS);
	assert_int_equal(pcmm_cops_gate_decode(&m, &g2, &pe), 0);
	assert_int_equal(g2.gate_id, 0x1000ab01);

	/* Errors are reported as failures; Gate-Report-State is unsolicited. */
	g.cmd = PCMM_GATE_DELETE_ERR;
	g.present |= PCMM_GATE_HAS_ERROR;
	g.error.code = PCMM_ERR_UNKNOWN_GATE_ID;
	n = pcmm_cops_rpt_encode(buf, sizeof(buf), handle, 4, &g);
	assert_int_equal(cops_msg_decode(buf, (uint32_t)n, &m, &ce), 0);
	assert_int_equal(m.obj[1].u.report.type, COPS_REPORT_FAILURE);
	g.cmd = PCMM_GATE_REPORT_STATE;
	g.present = PCMM_GATE_HAS_GATE_ID | PCMM_GATE_HAS_STATE;
	g.state.state = PCMM_STATE_IDLE;
	n = pcmm_cops_rpt_encode(buf, sizeof(buf), handle, 4, &g);
	assert_int_equal(cops_msg_decode(buf, (uint32_t)n, &m, &ce), 0);
	assert_int_equal(m.hdr.flags, 0);

	/* Incomplete gate, short buffer, bad arguments. */
	g.present = 0;
	assert_int_equal(pcmm_cops_rpt_encode(buf, sizeof(buf), handle, 4, &g), -ENOMSG);
	make_gate_set(&g);
	assert_int_equal(pcmm_cops_dec_encode(buf, 100, 0, handle, 4, &g), -ENOSPC);
	assert_int_equal(pcmm_cops_dec_encode(buf, 20, 0, handle, 4, &g), -ENOSPC);
	assert_int_equal(pcmm_cops_dec_encode(buf, sizeof(buf), 0, handle, 0, &g), -EINVAL);
	assert_int_equal(pcmm_cops_rpt_encode(buf, sizeof(buf), handle, 4, NULL), -EINVAL);

	/* A non-PCMM message carries no gate. */
	n = cops_encode_ka(buf, sizeof(buf), 0);
	assert_int_equal(cops_msg_decode(buf, (uint32_t)n, &m, &ce), 0);
	assert_int_equal(pcmm_cops_gate_decode(&m, &g2, &pe), -ENOENT);
	assert_non_null(strstr(pe.msg, "KA (client-type 0x0000) carries no PacketCable Multimedia data"));
	assert_int_equal(pcmm_cops_gate_decode(NULL, &g2, &pe), -EINVAL);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(pcmm_cmd_name(PCMM_GATE_SET), "Gate-Set");
	assert_string_equal(pcmm_cmd_name(PCMM_GATE_REPORT_STATE), "Gate-Report-State");
	assert_string_equal(pcmm_cmd_name(PCMM_MSG_RECEIPT), "Msg-Receipt");
	assert_string_equal(pcmm_cmd_name(3), "unknown");
	assert_string_equal(pcmm_cmd_name(1000), "unknown");
	assert_string_equal(pcmm_obj_name(PCMM_CLASSIFIER, PCMM_CLS_IPV6), "IPv6 Classifier");
	assert_string_equal(pcmm_obj_name(PCMM_TRAFFIC_PROFILE, PCMM_TP_UGS_AD), "UGS with Activity Detection");
	assert_string_equal(pcmm_obj_name(PCMM_TRAFFIC_PROFILE, 42), "Traffic Profile");
	assert_string_equal(pcmm_error_name(PCMM_ERR_UNKNOWN_GATE_CMD), "Unknown Gate Command");
	assert_string_equal(pcmm_error_name(3), "unknown");
	assert_string_equal(pcmm_gate_state_name(PCMM_STATE_COMMITTED), "Committed");
	assert_string_equal(pcmm_gate_state_name(0), "unknown");
	assert_int_equal(pcmm_f32_bits(12000.0f), 0x463b8000);
	assert_true(pcmm_f32_value(0x43680000) == 232.0f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_all_objects),
		cmocka_unit_test(test_roundtrip_all_objects),
		cmocka_unit_test(test_encode_objects_from_structs),
		cmocka_unit_test(test_traffic_profiles_all_layouts),
		cmocka_unit_test(test_envelope_field_order),
		cmocka_unit_test(test_reserved_bytes_kept),
		cmocka_unit_test(test_unknown_objects_skipped),
		cmocka_unit_test(test_object_framing_errors),
		cmocka_unit_test(test_object_wrong_lengths),
		cmocka_unit_test(test_object_value_errors),
		cmocka_unit_test(test_too_many_objects),
		cmocka_unit_test(test_gate_set_roundtrip),
		cmocka_unit_test(test_gate_ack_err_info_delete),
		cmocka_unit_test(test_gate_missing_required),
		cmocka_unit_test(test_gate_errors),
		cmocka_unit_test(test_gate_set_truncated_every_byte),
		cmocka_unit_test(test_cops_dec_and_rpt),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("pcmm", tests, NULL, NULL);
}
