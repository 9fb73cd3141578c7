/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * COPS (RFC 2748) codec. See cops_codec.h for the contract and
 * docs/cops-codec.md for the rules enforced here.
 *
 * Decoding runs in two passes over the frame:
 *  1. objects: framing (length, padding), C-Num/C-Type validity, the exact
 *     size of fixed-layout objects and their typed views;
 *  2. grammar: order, multiplicity and mandatory objects for the op code,
 *     following the BNF of RFC 2748 section 3.
 * Both passes only read inside [buf, buf + len).
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cops_codec.h"

#define BIT(n) (1u << (n))

static inline uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint32_t
pad4(uint32_t n)
{
	return (n + 3u) & ~3u;
}

/* ---------------------------------------------------------------- names */

static const char *const op_names[] = {
	[COPS_OP_REQ] = "REQ", [COPS_OP_DEC] = "DEC", [COPS_OP_RPT] = "RPT",
	[COPS_OP_DRQ] = "DRQ", [COPS_OP_SSQ] = "SSQ", [COPS_OP_OPN] = "OPN",
	[COPS_OP_CAT] = "CAT", [COPS_OP_CC] = "CC", [COPS_OP_KA] = "KA",
	[COPS_OP_SSC] = "SSC",
};

static const char *const op_descs[] = {
	[COPS_OP_REQ] = "Request",
	[COPS_OP_DEC] = "Decision",
	[COPS_OP_RPT] = "Report State",
	[COPS_OP_DRQ] = "Delete Request State",
	[COPS_OP_SSQ] = "Synchronize State Request",
	[COPS_OP_OPN] = "Client-Open",
	[COPS_OP_CAT] = "Client-Accept",
	[COPS_OP_CC] = "Client-Close",
	[COPS_OP_KA] = "Keep-Alive",
	[COPS_OP_SSC] = "Synchronize Complete",
};

static const char *const obj_names[] = {
	[COPS_OBJ_HANDLE] = "Handle",
	[COPS_OBJ_CONTEXT] = "Context",
	[COPS_OBJ_IN_INT] = "In-Interface",
	[COPS_OBJ_OUT_INT] = "Out-Interface",
	[COPS_OBJ_REASON] = "Reason",
	[COPS_OBJ_DECISION] = "Decision",
	[COPS_OBJ_LPDP_DECISION] = "LPDP Decision",
	[COPS_OBJ_ERROR] = "Error",
	[COPS_OBJ_CLIENTSI] = "ClientSI",
	[COPS_OBJ_KA_TIMER] = "Keep-Alive Timer",
	[COPS_OBJ_PEPID] = "PEPID",
	[COPS_OBJ_REPORT_TYPE] = "Report-Type",
	[COPS_OBJ_PDP_REDIR_ADDR] = "PDPRedirAddr",
	[COPS_OBJ_LAST_PDP_ADDR] = "LastPDPAddr",
	[COPS_OBJ_ACCT_TIMER] = "Accounting Timer",
	[COPS_OBJ_INTEGRITY] = "Integrity",
};

static const char *const error_names[] = {
	[COPS_ERR_BAD_HANDLE] = "Bad handle",
	[COPS_ERR_INVALID_HANDLE_REF] = "Invalid handle reference",
	[COPS_ERR_BAD_MSG_FORMAT] = "Bad message format",
	[COPS_ERR_UNABLE_TO_PROCESS] = "Unable to process",
	[COPS_ERR_MANDATORY_CSI_MISSING] = "Mandatory client-specific info missing",
	[COPS_ERR_UNSUPPORTED_CLIENT] = "Unsupported client-type",
	[COPS_ERR_MANDATORY_OBJ_MISSING] = "Mandatory COPS object missing",
	[COPS_ERR_CLIENT_FAILURE] = "Client failure",
	[COPS_ERR_COMMUNICATION_FAILURE] = "Communication failure",
	[COPS_ERR_UNSPECIFIED] = "Unspecified",
	[COPS_ERR_SHUTTING_DOWN] = "Shutting down",
	[COPS_ERR_REDIRECT] = "Redirect to preferred server",
	[COPS_ERR_UNKNOWN_OBJECT] = "Unknown COPS object",
	[COPS_ERR_AUTH_FAILURE] = "Authentication failure",
	[COPS_ERR_AUTH_REQUIRED] = "Authentication required",
};

static const char *const reason_names[] = {
	[COPS_REASON_UNSPECIFIED] = "Unspecified",
	[COPS_REASON_MANAGEMENT] = "Management",
	[COPS_REASON_PREEMPTED] = "Preempted",
	[COPS_REASON_TEAR] = "Tear",
	[COPS_REASON_TIMEOUT] = "Timeout",
	[COPS_REASON_ROUTE_CHANGE] = "Route change",
	[COPS_REASON_INSUFFICIENT_RESOURCES] = "Insufficient resources",
	[COPS_REASON_PDP_DIRECTIVE] = "PDP's directive",
	[COPS_REASON_UNSUPPORTED_DECISION] = "Unsupported decision",
	[COPS_REASON_SYNC_HANDLE_UNKNOWN] = "Synchronize handle unknown",
	[COPS_REASON_TRANSIENT_HANDLE] = "Transient handle",
	[COPS_REASON_MALFORMED_DECISION] = "Malformed decision",
	[COPS_REASON_UNKNOWN_OBJECT] = "Unknown COPS object from PDP",
};

static const char *const report_names[] = {
	[COPS_REPORT_SUCCESS] = "Success",
	[COPS_REPORT_FAILURE] = "Failure",
	[COPS_REPORT_ACCOUNTING] = "Accounting",
};

static const char *const dec_cmd_names[] = {
	[COPS_DEC_CMD_NULL] = "NULL",
	[COPS_DEC_CMD_INSTALL] = "Install",
	[COPS_DEC_CMD_REMOVE] = "Remove",
};

#define NAME(tab, i)                                                                              \
	((size_t)(i) < sizeof(tab) / sizeof((tab)[0]) && (tab)[i] != NULL ? (tab)[i] : "unknown")

const char *
cops_op_name(uint8_t op_code)
{
	return NAME(op_names, op_code);
}

const char *
cops_op_desc(uint8_t op_code)
{
	return NAME(op_descs, op_code);
}

const char *
cops_obj_name(uint8_t c_num)
{
	return NAME(obj_names, c_num);
}

const char *
cops_error_name(uint16_t code)
{
	return NAME(error_names, code);
}

const char *
cops_reason_name(uint16_t code)
{
	return NAME(reason_names, code);
}

const char *
cops_report_type_name(uint16_t type)
{
	return NAME(report_names, type);
}

const char *
cops_dec_cmd_name(uint16_t cmd)
{
	return NAME(dec_cmd_names, cmd);
}

const char *
cops_client_type_name(uint16_t client_type)
{
	switch (client_type) {
	case COPS_CLIENT_KA:
		return "None (Keep-Alive)";
	case COPS_CLIENT_RSVP:
		return "RSVP";
	case COPS_CLIENT_PR:
		return "COPS-PR (DiffServ QoS)";
	case COPS_CLIENT_PC_DQOS:
		return "PacketCable Dynamic QoS";
	case COPS_CLIENT_PCMM:
		return "PacketCable Multimedia";
	default:
		return "unknown";
	}
}

/*
 * Valid C-Types per C-Num as a bit mask (bit n = C-Type n). Anything outside
 * is answered with Error 13, the code RFC 2748 reserves for objects a peer
 * does not understand.
 */
static const uint16_t ctype_mask[] = {
	[COPS_OBJ_HANDLE] = BIT(1),
	[COPS_OBJ_CONTEXT] = BIT(1),
	[COPS_OBJ_IN_INT] = BIT(1) | BIT(2),
	[COPS_OBJ_OUT_INT] = BIT(1) | BIT(2),
	[COPS_OBJ_REASON] = BIT(1),
	[COPS_OBJ_DECISION] = BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5),
	[COPS_OBJ_LPDP_DECISION] = BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5),
	[COPS_OBJ_ERROR] = BIT(1),
	[COPS_OBJ_CLIENTSI] = BIT(1) | BIT(2),
	[COPS_OBJ_KA_TIMER] = BIT(1),
	[COPS_OBJ_PEPID] = BIT(1),
	[COPS_OBJ_REPORT_TYPE] = BIT(1),
	[COPS_OBJ_PDP_REDIR_ADDR] = BIT(1) | BIT(2),
	[COPS_OBJ_LAST_PDP_ADDR] = BIT(1) | BIT(2),
	[COPS_OBJ_ACCT_TIMER] = BIT(1),
	[COPS_OBJ_INTEGRITY] = BIT(1),
};

static int
ctype_valid(uint8_t c_num, uint8_t c_type)
{
	if (c_num == 0 || c_num >= sizeof(ctype_mask) / sizeof(ctype_mask[0]))
		return 0;
	return c_type < 16 && (ctype_mask[c_num] & BIT(c_type)) != 0;
}

const char *
cops_ctype_name(uint8_t c_num, uint8_t c_type)
{
	if (!ctype_valid(c_num, c_type))
		return "unknown";
	switch (c_num) {
	case COPS_OBJ_IN_INT:
	case COPS_OBJ_OUT_INT:
		return c_type == COPS_CTYPE_IPV4 ? "IPv4 address + ifIndex" : "IPv6 address + ifIndex";
	case COPS_OBJ_PDP_REDIR_ADDR:
	case COPS_OBJ_LAST_PDP_ADDR:
		return c_type == COPS_CTYPE_IPV4 ? "IPv4 address + TCP port" : "IPv6 address + TCP port";
	case COPS_OBJ_DECISION:
	case COPS_OBJ_LPDP_DECISION: {
		static const char *const n[] = { NULL, "Flags", "Stateless data", "Replacement data",
			"Client specific data", "Named data" };
		return n[c_type];
	}
	case COPS_OBJ_CLIENTSI:
		return c_type == COPS_CLIENTSI_SIGNALED ? "Signaled ClientSI" : "Named ClientSI";
	case COPS_OBJ_INTEGRITY:
		return "HMAC digest";
	default:
		return cops_obj_name(c_num);
	}
}

/* ---------------------------------------------------------------- errors */

static const char *
op_label(uint8_t op, char *tmp, size_t n)
{
	if (op >= COPS_OP_REQ && op <= COPS_OP_SSC)
		return op_names[op];
	snprintf(tmp, n, "op %u", op);
	return tmp;
}

/*
 * Fill err (if any) and return -errnum. obj_index 0 means the problem is in
 * the header or at the message level; otherwise the object is named.
 */
static int __attribute__((format(printf, 9, 10)))
fail(struct cops_err *err, int errnum, uint16_t code, uint16_t sub_code, uint8_t op,
	uint16_t obj_index, uint32_t offset, const struct cops_obj *obj, const char *fmt, ...)
{
	char opbuf[16];
	const char *opl;
	va_list ap;
	int n;

	if (err == NULL)
		return -errnum;
	err->errnum = errnum;
	err->code = code;
	err->sub_code = sub_code;
	err->obj_index = obj_index;
	err->offset = offset;
	err->c_num = obj != NULL ? obj->c_num : 0;
	err->c_type = obj != NULL ? obj->c_type : 0;

	opl = op_label(op, opbuf, sizeof(opbuf));
	if (obj != NULL && obj_index != 0)
		n = snprintf(err->msg, sizeof(err->msg), "%s: object #%u %s (C-Num %u, C-Type %u) at offset %u: ",
			opl, obj_index, cops_obj_name(obj->c_num), obj->c_num, obj->c_type, offset);
	else if (obj_index == 0)
		n = snprintf(err->msg, sizeof(err->msg), "%s: header: ", opl);
	else
		n = snprintf(err->msg, sizeof(err->msg), "%s: ", opl);
	if (n < 0 || (size_t)n >= sizeof(err->msg))
		return -errnum;
	va_start(ap, fmt);
	vsnprintf(err->msg + n, sizeof(err->msg) - (size_t)n, fmt, ap);
	va_end(ap);
	return -errnum;
}

#define FAIL_OBJ(err, errnum, code, sub, op, idx, o, ...)                                          \
	fail(err, errnum, code, sub, op, (uint16_t)(idx), (o)->offset, o, __VA_ARGS__)
#define BADMSG_OBJ(err, op, idx, o, ...)                                                           \
	FAIL_OBJ(err, EBADMSG, COPS_ERR_BAD_MSG_FORMAT, 0, op, idx, o, __VA_ARGS__)

/* ---------------------------------------------------------------- object pass */

static int
check_fixed_len(struct cops_err *err, uint8_t op, unsigned int idx, const struct cops_obj *o,
	uint16_t want)
{
	if (o->len != want)
		return BADMSG_OBJ(err, op, idx, o, "length %u, expected %u", o->len, want);
	return 0;
}

static void
read_ip(struct cops_ip *ip, uint8_t c_type, const uint8_t *p)
{
	memset(ip, 0, sizeof(*ip));
	ip->family = c_type == COPS_CTYPE_IPV4 ? 4 : 6;
	memcpy(ip->addr, p, c_type == COPS_CTYPE_IPV4 ? 4 : 16);
}

/* Length checks and the typed view of one object whose header is valid. */
static int
parse_obj(struct cops_obj *o, unsigned int idx, uint8_t op, struct cops_err *err)
{
	const uint8_t *d = o->data;
	int rc = 0;
	uint16_t i;

	switch (o->c_num) {
	case COPS_OBJ_HANDLE:
		/* A handle names request state; an empty one cannot. */
		if (o->data_len == 0)
			return BADMSG_OBJ(err, op, idx, o, "empty handle");
		break;
	case COPS_OBJ_CONTEXT:
		rc = check_fixed_len(err, op, idx, o, 8);
		if (rc == 0) {
			o->u.context.r_type = rd16(d);
			o->u.context.m_type = rd16(d + 2);
		}
		break;
	case COPS_OBJ_IN_INT:
	case COPS_OBJ_OUT_INT:
		rc = check_fixed_len(err, op, idx, o, o->c_type == COPS_CTYPE_IPV4 ? 12 : 24);
		if (rc == 0) {
			read_ip(&o->u.iface.ip, o->c_type, d);
			o->u.iface.ifindex = rd32(d + (o->c_type == COPS_CTYPE_IPV4 ? 4 : 16));
		}
		break;
	case COPS_OBJ_REASON:
	case COPS_OBJ_ERROR:
		rc = check_fixed_len(err, op, idx, o, 8);
		if (rc == 0) {
			o->u.error.code = rd16(d);
			o->u.error.sub_code = rd16(d + 2);
		}
		break;
	case COPS_OBJ_DECISION:
	case COPS_OBJ_LPDP_DECISION:
		if (o->c_type != COPS_DEC_FLAGS)
			break; /* opaque client data, any length */
		rc = check_fixed_len(err, op, idx, o, 8);
		if (rc != 0)
			break;
		o->u.decision.cmd = rd16(d);
		o->u.decision.flags = rd16(d + 2);
		/* The PEP's state machine switches on the command: refuse what it cannot act on. */
		if (o->u.decision.cmd > COPS_DEC_CMD_REMOVE)
			return BADMSG_OBJ(err, op, idx, o, "unknown command code %u", o->u.decision.cmd);
		break;
	case COPS_OBJ_CLIENTSI:
		break;
	case COPS_OBJ_KA_TIMER:
	case COPS_OBJ_ACCT_TIMER:
		rc = check_fixed_len(err, op, idx, o, 8);
		if (rc == 0) {
			o->u.timer.reserved = rd16(d);
			o->u.timer.value = rd16(d + 2);
		}
		break;
	case COPS_OBJ_PEPID:
		/* RFC 2748 2.2.11: NUL-terminated ASCII, zero padded. */
		for (i = 0; i < o->data_len && d[i] != 0; i++) {
			if (d[i] < 0x20 || d[i] > 0x7e)
				return BADMSG_OBJ(err, op, idx, o, "non-printable byte 0x%02x at PEPID[%u]",
					d[i], i);
		}
		if (i == o->data_len)
			return BADMSG_OBJ(err, op, idx, o, "PEPID is not NUL-terminated");
		if (i == 0)
			return BADMSG_OBJ(err, op, idx, o, "empty PEPID");
		for (; i < o->data_len; i++) {
			if (d[i] != 0)
				return BADMSG_OBJ(err, op, idx, o, "nonzero byte after PEPID terminator");
		}
		o->u.pepid = (const char *)d;
		break;
	case COPS_OBJ_REPORT_TYPE:
		rc = check_fixed_len(err, op, idx, o, 8);
		if (rc != 0)
			break;
		o->u.report.type = rd16(d);
		o->u.report.reserved = rd16(d + 2);
		if (o->u.report.type < COPS_REPORT_SUCCESS || o->u.report.type > COPS_REPORT_ACCOUNTING)
			return BADMSG_OBJ(err, op, idx, o, "unknown report type %u", o->u.report.type);
		break;
	case COPS_OBJ_PDP_REDIR_ADDR:
	case COPS_OBJ_LAST_PDP_ADDR: {
		uint16_t a = o->c_type == COPS_CTYPE_IPV4 ? 4 : 16;

		rc = check_fixed_len(err, op, idx, o, (uint16_t)(COPS_OBJ_HDR_LEN + a + 4));
		if (rc == 0) {
			read_ip(&o->u.pdp.ip, o->c_type, d);
			o->u.pdp.reserved = rd16(d + a);
			o->u.pdp.port = rd16(d + a + 2);
		}
		break;
	}
	case COPS_OBJ_INTEGRITY:
		if (o->data_len < 8)
			return BADMSG_OBJ(err, op, idx, o, "length %u, expected at least 12", o->len);
		o->u.integrity.key_id = rd32(d);
		o->u.integrity.seq = rd32(d + 4);
		o->u.integrity.digest = d + 8;
		o->u.integrity.digest_len = (uint16_t)(o->data_len - 8);
		break;
	}
	return rc;
}

static int
decode_objects(const uint8_t *buf, uint32_t len, struct cops_msg *msg, struct cops_err *err)
{
	uint8_t op = msg->hdr.op_code;
	uint32_t off = COPS_HDR_LEN;
	unsigned int idx = 0;

	while (off < len) {
		uint32_t rem = len - off, padded, i;
		struct cops_obj tmp, *o;
		int rc;

		idx++;
		memset(&tmp, 0, sizeof(tmp));
		tmp.offset = off;
		/* Message length is a multiple of 4 and so is off: rem >= 4 here. */
		tmp.len = rd16(buf + off);
		tmp.c_num = buf[off + 2];
		tmp.c_type = buf[off + 3];
		if (tmp.len < COPS_OBJ_HDR_LEN)
			return BADMSG_OBJ(err, op, idx, &tmp, "length %u is shorter than the 4-byte header",
				tmp.len);
		if (tmp.len > rem)
			return BADMSG_OBJ(err, op, idx, &tmp, "length %u overruns the message (%u bytes left)",
				tmp.len, rem);
		/* rem is a multiple of 4 and tmp.len <= rem, so the padding is in the frame. */
		padded = pad4(tmp.len);
		/*
		 * RFC 2748 does not say what padding contains. We require zeros so
		 * that a valid message has exactly one encoding (decode/encode is
		 * byte exact) and so that an off-by-a-few Length is caught here
		 * instead of silently shifting the next object.
		 */
		for (i = tmp.len; i < padded; i++) {
			if (buf[off + i] != 0)
				return BADMSG_OBJ(err, op, idx, &tmp, "nonzero padding byte at offset %u",
					off + i);
		}
		if (!ctype_valid(tmp.c_num, tmp.c_type)) {
			uint16_t sub = (uint16_t)(tmp.c_num << 8 | tmp.c_type);

			if (tmp.c_num == 0 || tmp.c_num > COPS_OBJ_INTEGRITY)
				return FAIL_OBJ(err, ENOTSUP, COPS_ERR_UNKNOWN_OBJECT, sub, op, idx, &tmp,
					"unknown C-Num %u", tmp.c_num);
			return FAIL_OBJ(err, ENOTSUP, COPS_ERR_UNKNOWN_OBJECT, sub, op, idx, &tmp,
				"C-Type %u is not defined for %s", tmp.c_type, cops_obj_name(tmp.c_num));
		}
		if (msg->n_obj >= COPS_MAX_OBJS)
			return FAIL_OBJ(err, E2BIG, COPS_ERR_UNABLE_TO_PROCESS, 0, op, idx, &tmp,
				"more than %u objects", COPS_MAX_OBJS);
		tmp.data = buf + off + COPS_OBJ_HDR_LEN;
		tmp.data_len = (uint16_t)(tmp.len - COPS_OBJ_HDR_LEN);
		rc = parse_obj(&tmp, idx, op, err);
		if (rc != 0)
			return rc;
		o = &msg->obj[msg->n_obj++];
		*o = tmp;
		off += padded;
	}
	return 0;
}

/* ---------------------------------------------------------------- grammar */

/* C-Nums that may appear at all in each message (RFC 2748 section 3). */
static const uint32_t allowed[] = {
	[COPS_OP_REQ] = BIT(COPS_OBJ_HANDLE) | BIT(COPS_OBJ_CONTEXT) | BIT(COPS_OBJ_IN_INT) |
		BIT(COPS_OBJ_OUT_INT) | BIT(COPS_OBJ_CLIENTSI) | BIT(COPS_OBJ_LPDP_DECISION) |
		BIT(COPS_OBJ_INTEGRITY),
	[COPS_OP_DEC] = BIT(COPS_OBJ_HANDLE) | BIT(COPS_OBJ_CONTEXT) | BIT(COPS_OBJ_DECISION) |
		BIT(COPS_OBJ_ERROR) | BIT(COPS_OBJ_INTEGRITY),
	[COPS_OP_RPT] = BIT(COPS_OBJ_HANDLE) | BIT(COPS_OBJ_REPORT_TYPE) | BIT(COPS_OBJ_CLIENTSI) |
		BIT(COPS_OBJ_INTEGRITY),
	[COPS_OP_DRQ] = BIT(COPS_OBJ_HANDLE) | BIT(COPS_OBJ_REASON) | BIT(COPS_OBJ_INTEGRITY),
	[COPS_OP_SSQ] = BIT(COPS_OBJ_HANDLE) | BIT(COPS_OBJ_INTEGRITY),
	[COPS_OP_OPN] = BIT(COPS_OBJ_PEPID) | BIT(COPS_OBJ_CLIENTSI) | BIT(COPS_OBJ_LAST_PDP_ADDR) |
		BIT(COPS_OBJ_INTEGRITY),
	[COPS_OP_CAT] = BIT(COPS_OBJ_KA_TIMER) | BIT(COPS_OBJ_ACCT_TIMER) | BIT(COPS_OBJ_INTEGRITY),
	[COPS_OP_CC] = BIT(COPS_OBJ_ERROR) | BIT(COPS_OBJ_PDP_REDIR_ADDR) | BIT(COPS_OBJ_INTEGRITY),
	[COPS_OP_KA] = BIT(COPS_OBJ_INTEGRITY),
	[COPS_OP_SSC] = BIT(COPS_OBJ_HANDLE) | BIT(COPS_OBJ_INTEGRITY),
};

struct gwalk {
	const struct cops_msg *m;
	unsigned int i;		/* next object */
	struct cops_err *err;
};

static int
peek(const struct gwalk *w, uint8_t c_num, uint8_t c_type)
{
	const struct cops_obj *o;

	if (w->i >= w->m->n_obj)
		return 0;
	o = &w->m->obj[w->i];
	return o->c_num == c_num && (c_type == 0 || o->c_type == c_type);
}

static int
present_anywhere(const struct cops_msg *m, uint8_t c_num, uint8_t c_type)
{
	unsigned int i;

	for (i = 0; i < m->n_obj; i++) {
		if (m->obj[i].c_num == c_num && (c_type == 0 || m->obj[i].c_type == c_type))
			return 1;
	}
	return 0;
}

/* Report that a mandatory object is not where the grammar needs it. */
static int
missing(struct gwalk *w, uint8_t c_num, uint8_t c_type)
{
	const struct cops_msg *m = w->m;
	uint8_t op = m->hdr.op_code;
	const struct cops_obj *o = w->i < m->n_obj ? &m->obj[w->i] : NULL;
	uint16_t sub = (uint16_t)(c_num << 8 | (c_type ? c_type : 1));
	const char *what = c_num == COPS_OBJ_DECISION || c_num == COPS_OBJ_LPDP_DECISION ?
		cops_ctype_name(c_num, c_type) : "";

	/* Present, but elsewhere: the message is malformed rather than incomplete. */
	if (present_anywhere(m, c_num, c_type)) {
		if (o != NULL)
			return BADMSG_OBJ(w->err, op, w->i + 1, o, "out of order: %s%s%s expected here",
				cops_obj_name(c_num), *what ? " " : "", what);
		return fail(w->err, EBADMSG, COPS_ERR_BAD_MSG_FORMAT, 0, op, UINT16_MAX,
			m->hdr.msg_len, NULL, "out of order: %s%s%s expected at the end",
			cops_obj_name(c_num), *what ? " " : "", what);
	}
	if (o != NULL)
		return FAIL_OBJ(w->err, ENOMSG, COPS_ERR_MANDATORY_OBJ_MISSING, sub, op, w->i + 1, o,
			"mandatory object %s%s%s (C-Num %u) missing before this object",
			cops_obj_name(c_num), *what ? " " : "", what, c_num);
	return fail(w->err, ENOMSG, COPS_ERR_MANDATORY_OBJ_MISSING, sub, op, UINT16_MAX,
		m->hdr.msg_len, NULL, "mandatory object %s%s%s (C-Num %u) missing", cops_obj_name(c_num),
		*what ? " " : "", what, c_num);
}

/* Consume the next object if it matches. Returns 1 taken, 0 absent, <0 error. */
static int
take(struct gwalk *w, uint8_t c_num, uint8_t c_type, int mandatory)
{
	if (peek(w, c_num, c_type)) {
		w->i++;
		return 1;
	}
	return mandatory ? missing(w, c_num, c_type) : 0;
}

/* [Context] Flags [Stateless] [Replacement] [ClientSI] [Named], for DEC and REQ. */
static int
take_decision(struct gwalk *w, uint8_t c_num, int context_mandatory)
{
	int rc;
	uint8_t t;

	rc = take(w, COPS_OBJ_CONTEXT, 0, context_mandatory);
	if (rc < 0)
		return rc;
	rc = take(w, c_num, COPS_DEC_FLAGS, 1);
	if (rc < 0)
		return rc;
	for (t = COPS_DEC_STATELESS; t <= COPS_DEC_NAMED; t++) {
		rc = take(w, c_num, t, 0);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int
check_grammar(const struct cops_msg *m, struct cops_err *err)
{
	struct gwalk w = { .m = m, .i = 0, .err = err };
	uint8_t op = m->hdr.op_code;
	int rc = 0;

#define TAKE(cn, ct, mand)                                                                          \
	do {                                                                                        \
		rc = take(&w, cn, ct, mand);                                                        \
		if (rc < 0)                                                                         \
			return rc;                                                                  \
	} while (0)

	switch (op) {
	case COPS_OP_REQ:
		TAKE(COPS_OBJ_HANDLE, 0, 1);
		TAKE(COPS_OBJ_CONTEXT, 0, 1);
		TAKE(COPS_OBJ_IN_INT, 0, 0);
		TAKE(COPS_OBJ_OUT_INT, 0, 0);
		while (peek(&w, COPS_OBJ_CLIENTSI, 0))
			w.i++;
		while (peek(&w, COPS_OBJ_CONTEXT, 0) || peek(&w, COPS_OBJ_LPDP_DECISION, 0)) {
			rc = take_decision(&w, COPS_OBJ_LPDP_DECISION, 0);
			if (rc < 0)
				return rc;
		}
		break;
	case COPS_OP_DEC:
		TAKE(COPS_OBJ_HANDLE, 0, 1);
		if (peek(&w, COPS_OBJ_ERROR, 0)) {
			w.i++;
			break;
		}
		do {
			rc = take_decision(&w, COPS_OBJ_DECISION, 1);
			if (rc < 0)
				return rc;
		} while (peek(&w, COPS_OBJ_CONTEXT, 0));
		break;
	case COPS_OP_RPT:
		TAKE(COPS_OBJ_HANDLE, 0, 1);
		TAKE(COPS_OBJ_REPORT_TYPE, 0, 1);
		TAKE(COPS_OBJ_CLIENTSI, 0, 0);
		break;
	case COPS_OP_DRQ:
		TAKE(COPS_OBJ_HANDLE, 0, 1);
		TAKE(COPS_OBJ_REASON, 0, 1);
		break;
	case COPS_OP_SSQ:
	case COPS_OP_SSC:
		TAKE(COPS_OBJ_HANDLE, 0, 0);
		break;
	case COPS_OP_OPN:
		TAKE(COPS_OBJ_PEPID, 0, 1);
		TAKE(COPS_OBJ_CLIENTSI, 0, 0);
		TAKE(COPS_OBJ_LAST_PDP_ADDR, 0, 0);
		break;
	case COPS_OP_CAT:
		TAKE(COPS_OBJ_KA_TIMER, 0, 1);
		TAKE(COPS_OBJ_ACCT_TIMER, 0, 0);
		break;
	case COPS_OP_CC:
		TAKE(COPS_OBJ_ERROR, 0, 1);
		TAKE(COPS_OBJ_PDP_REDIR_ADDR, 0, 0);
		break;
	case COPS_OP_KA:
		break;
	}
	/* Every message may end with Integrity, and nothing may follow it. */
	TAKE(COPS_OBJ_INTEGRITY, 0, 0);
#undef TAKE

	if (w.i < m->n_obj) {
		const struct cops_obj *o = &m->obj[w.i];

		if (allowed[op] & BIT(o->c_num))
			return BADMSG_OBJ(err, op, w.i + 1, o, "object out of order");
		return BADMSG_OBJ(err, op, w.i + 1, o, "object not allowed in %s", cops_op_desc(op));
	}
	return 0;
}

/* ---------------------------------------------------------------- decode */

int64_t
cops_frame_len(const uint8_t *buf, uint32_t len)
{
	if (buf == NULL || len < COPS_HDR_LEN)
		return -EAGAIN;
	return rd32(buf + 4);
}

int
cops_msg_decode(const uint8_t *buf, uint32_t len, struct cops_msg *msg, struct cops_err *err)
{
	struct cops_hdr *h;
	int rc;

	if (err != NULL)
		memset(err, 0, sizeof(*err));
	if (buf == NULL || msg == NULL)
		return fail(err, EINVAL, COPS_ERR_UNSPECIFIED, 0, 0, 0, 0, NULL, "NULL argument");
	msg->buf = buf;
	msg->n_obj = 0;
	memset(&msg->hdr, 0, sizeof(msg->hdr));
	if (len < COPS_HDR_LEN)
		return fail(err, EBADMSG, COPS_ERR_BAD_MSG_FORMAT, 0, len >= 2 ? buf[1] : 0, 0, 0, NULL,
			"truncated: %u bytes, the common header needs %u", len, COPS_HDR_LEN);

	h = &msg->hdr;
	h->version = buf[0] >> 4;
	h->flags = buf[0] & 0x0f;
	h->op_code = buf[1];
	h->client_type = rd16(buf + 2);
	h->msg_len = rd32(buf + 4);

	if (h->version != COPS_VERSION)
		return fail(err, EPROTONOSUPPORT, COPS_ERR_BAD_MSG_FORMAT, 0, h->op_code, 0, 0, NULL,
			"version %u is not supported (only %u)", h->version, COPS_VERSION);
	if (h->flags & ~COPS_FLAG_SOLICITED)
		return fail(err, EBADMSG, COPS_ERR_BAD_MSG_FORMAT, 0, h->op_code, 0, 0, NULL,
			"reserved flag bits set (flags 0x%x)", h->flags);
	if (h->op_code < COPS_OP_REQ || h->op_code > COPS_OP_SSC)
		return fail(err, EBADMSG, COPS_ERR_BAD_MSG_FORMAT, 0, h->op_code, 0, 1, NULL,
			"unknown op code %u", h->op_code);
	if (h->msg_len != len)
		return fail(err, EBADMSG, COPS_ERR_BAD_MSG_FORMAT, 0, h->op_code, 0, 4, NULL,
			"message length %u does not match the frame length %u", h->msg_len, len);
	if (h->msg_len % 4 != 0)
		return fail(err, EBADMSG, COPS_ERR_BAD_MSG_FORMAT, 0, h->op_code, 0, 4, NULL,
			"message length %u is not a multiple of 4", h->msg_len);
	/* RFC 2748 2.1: KA is connection-level, its client-type MUST be 0. */
	if (h->op_code == COPS_OP_KA && h->client_type != COPS_CLIENT_KA)
		return fail(err, EBADMSG, COPS_ERR_BAD_MSG_FORMAT, 0, h->op_code, 0, 2, NULL,
			"client-type 0x%04x, Keep-Alive requires 0", h->client_type);

	rc = decode_objects(buf, len, msg, err);
	if (rc != 0)
		return rc;
	return check_grammar(msg, err);
}

const struct cops_obj *
cops_msg_find(const struct cops_msg *msg, uint8_t c_num, uint8_t c_type, unsigned int nth)
{
	unsigned int i;

	if (msg == NULL)
		return NULL;
	for (i = 0; i < msg->n_obj; i++) {
		const struct cops_obj *o = &msg->obj[i];

		if (o->c_num != c_num || (c_type != 0 && o->c_type != c_type))
			continue;
		if (nth-- == 0)
			return o;
	}
	return NULL;
}

/* ---------------------------------------------------------------- builder */

void
cops_builder_init(struct cops_builder *b, uint8_t *buf, uint32_t cap, uint8_t op_code,
	uint8_t flags, uint16_t client_type)
{
	b->buf = buf;
	b->cap = cap;
	b->len = 0;
	b->obj_start = UINT32_MAX;
	b->err = 0;
	if (buf == NULL) {
		b->err = -EINVAL;
		return;
	}
	if (cap < COPS_HDR_LEN) {
		b->err = -ENOSPC;
		return;
	}
	buf[0] = (uint8_t)(COPS_VERSION << 4 | (flags & 0x0f));
	buf[1] = op_code;
	wr16(buf + 2, client_type);
	wr32(buf + 4, 0);
	b->len = COPS_HDR_LEN;
}

void
cops_builder_put(struct cops_builder *b, const void *data, uint32_t len)
{
	if (b->err != 0)
		return;
	if (len > b->cap - b->len) {
		b->err = -ENOSPC;
		return;
	}
	if (len > 0)
		memcpy(b->buf + b->len, data, len);
	b->len += len;
}

static void
put16(struct cops_builder *b, uint16_t v)
{
	uint8_t t[2];

	wr16(t, v);
	cops_builder_put(b, t, 2);
}

static void
put32(struct cops_builder *b, uint32_t v)
{
	uint8_t t[4];

	wr32(t, v);
	cops_builder_put(b, t, 4);
}

static void
put_zero(struct cops_builder *b, uint32_t n)
{
	static const uint8_t z[4];

	while (b->err == 0 && n > 0) {
		uint32_t k = n > sizeof(z) ? (uint32_t)sizeof(z) : n;

		cops_builder_put(b, z, k);
		n -= k;
	}
}

void
cops_builder_begin(struct cops_builder *b, uint8_t c_num, uint8_t c_type)
{
	uint8_t h[4] = { 0, 0, c_num, c_type };

	if (b->err != 0)
		return;
	if (b->obj_start != UINT32_MAX) {
		b->err = -EINVAL; /* objects do not nest at the COPS level */
		return;
	}
	b->obj_start = b->len;
	cops_builder_put(b, h, sizeof(h));
}

uint8_t *
cops_builder_tail(struct cops_builder *b, uint32_t *room)
{
	if (b->err != 0) {
		*room = 0;
		return NULL;
	}
	*room = b->cap - b->len;
	return b->buf + b->len;
}

void
cops_builder_commit(struct cops_builder *b, uint32_t n)
{
	if (b->err != 0)
		return;
	if (n > b->cap - b->len) {
		b->err = -ENOSPC;
		return;
	}
	b->len += n;
}

void
cops_builder_end(struct cops_builder *b)
{
	uint32_t olen;

	if (b->err != 0)
		return;
	if (b->obj_start == UINT32_MAX) {
		b->err = -EINVAL;
		return;
	}
	olen = b->len - b->obj_start;
	if (olen > COPS_OBJ_MAX_LEN) {
		b->err = -EMSGSIZE;
		return;
	}
	wr16(b->buf + b->obj_start, (uint16_t)olen);
	b->obj_start = UINT32_MAX;
	put_zero(b, pad4(olen) - olen);
}

static void
put_ip(struct cops_builder *b, const struct cops_ip *ip, uint8_t c_type)
{
	cops_builder_put(b, ip->addr, c_type == COPS_CTYPE_IPV4 ? 4 : 16);
}

void
cops_builder_obj(struct cops_builder *b, const struct cops_obj *o)
{
	size_t n;

	cops_builder_begin(b, o->c_num, o->c_type);
	switch (o->c_num) {
	case COPS_OBJ_CONTEXT:
		put16(b, o->u.context.r_type);
		put16(b, o->u.context.m_type);
		break;
	case COPS_OBJ_IN_INT:
	case COPS_OBJ_OUT_INT:
		put_ip(b, &o->u.iface.ip, o->c_type);
		put32(b, o->u.iface.ifindex);
		break;
	case COPS_OBJ_REASON:
	case COPS_OBJ_ERROR:
		put16(b, o->u.error.code);
		put16(b, o->u.error.sub_code);
		break;
	case COPS_OBJ_DECISION:
	case COPS_OBJ_LPDP_DECISION:
		if (o->c_type == COPS_DEC_FLAGS) {
			put16(b, o->u.decision.cmd);
			put16(b, o->u.decision.flags);
		} else {
			cops_builder_put(b, o->data, o->data_len);
		}
		break;
	case COPS_OBJ_KA_TIMER:
	case COPS_OBJ_ACCT_TIMER:
		put16(b, o->u.timer.reserved);
		put16(b, o->u.timer.value);
		break;
	case COPS_OBJ_PEPID:
		if (o->data != NULL) {
			cops_builder_put(b, o->data, o->data_len);
		} else if (o->u.pepid != NULL) {
			/* String plus NUL, zero padded inside the object (RFC 2748 2.2.11). */
			n = strlen(o->u.pepid) + 1;
			if (n > COPS_OBJ_MAX_LEN - COPS_OBJ_HDR_LEN - 3) {
				b->err = b->err ? b->err : -EINVAL;
				return;
			}
			cops_builder_put(b, o->u.pepid, (uint32_t)n);
			put_zero(b, pad4((uint32_t)n) - (uint32_t)n);
		}
		break;
	case COPS_OBJ_REPORT_TYPE:
		put16(b, o->u.report.type);
		put16(b, o->u.report.reserved);
		break;
	case COPS_OBJ_PDP_REDIR_ADDR:
	case COPS_OBJ_LAST_PDP_ADDR:
		put_ip(b, &o->u.pdp.ip, o->c_type);
		put16(b, o->u.pdp.reserved);
		put16(b, o->u.pdp.port);
		break;
	case COPS_OBJ_INTEGRITY:
		put32(b, o->u.integrity.key_id);
		put32(b, o->u.integrity.seq);
		cops_builder_put(b, o->u.integrity.digest, o->u.integrity.digest_len);
		break;
	default: /* Handle, ClientSI and anything opaque */
		cops_builder_put(b, o->data, o->data_len);
		break;
	}
	cops_builder_end(b);
}

int
cops_builder_finish(struct cops_builder *b)
{
	if (b->err == 0 && b->obj_start != UINT32_MAX)
		b->err = -EINVAL; /* an object was left open */
	if (b->err != 0)
		return b->err;
	wr32(b->buf + 4, b->len);
	return (int)b->len;
}

/* ---------------------------------------------------------------- encode */

int
cops_msg_encode(uint8_t *buf, uint32_t cap, const struct cops_msg *msg, struct cops_err *err)
{
	struct cops_builder b;
	struct cops_msg check;
	unsigned int i;
	int n, rc;

	if (err != NULL)
		memset(err, 0, sizeof(*err));
	if (buf == NULL || msg == NULL)
		return fail(err, EINVAL, COPS_ERR_UNSPECIFIED, 0, 0, 0, 0, NULL, "NULL argument");
	if (msg->hdr.version != COPS_VERSION)
		return fail(err, EINVAL, COPS_ERR_BAD_MSG_FORMAT, 0, msg->hdr.op_code, 0, 0, NULL,
			"version %u cannot be encoded", msg->hdr.version);
	cops_builder_init(&b, buf, cap, msg->hdr.op_code, msg->hdr.flags, msg->hdr.client_type);
	for (i = 0; i < msg->n_obj && i < COPS_MAX_OBJS; i++)
		cops_builder_obj(&b, &msg->obj[i]);
	n = cops_builder_finish(&b);
	if (n < 0)
		return fail(err, -n, COPS_ERR_UNSPECIFIED, 0, msg->hdr.op_code, 0, b.len, NULL,
			"%s while encoding", n == -ENOSPC ? "buffer too small" : "invalid object");
	/* Self-check: never put on the wire what our own decoder would refuse. */
	rc = cops_msg_decode(buf, (uint32_t)n, &check, err);
	return rc != 0 ? rc : n;
}

void
cops_msg_init(struct cops_msg *msg, uint8_t op_code, uint8_t flags, uint16_t client_type)
{
	memset(&msg->hdr, 0, sizeof(msg->hdr));
	msg->hdr.version = COPS_VERSION;
	msg->hdr.op_code = op_code;
	msg->hdr.flags = flags;
	msg->hdr.client_type = client_type;
	msg->buf = NULL;
	msg->n_obj = 0;
}

struct cops_obj *
cops_msg_add(struct cops_msg *msg, uint8_t c_num, uint8_t c_type)
{
	struct cops_obj *o;

	if (msg->n_obj >= COPS_MAX_OBJS)
		return NULL;
	o = &msg->obj[msg->n_obj++];
	memset(o, 0, sizeof(*o));
	o->c_num = c_num;
	o->c_type = c_type;
	return o;
}

/* Room left for contents in one object after its header. */
#define MAX_DATA (COPS_OBJ_MAX_LEN - COPS_OBJ_HDR_LEN)

static int
add_data(struct cops_msg *msg, uint8_t c_num, uint8_t c_type, const void *data, uint16_t len)
{
	struct cops_obj *o;

	if (len > MAX_DATA || (len > 0 && data == NULL))
		return -EINVAL;
	o = cops_msg_add(msg, c_num, c_type);
	if (o == NULL)
		return -E2BIG;
	o->data = data;
	o->data_len = len;
	o->len = (uint16_t)(COPS_OBJ_HDR_LEN + len);
	return 0;
}

int
cops_msg_add_handle(struct cops_msg *msg, const void *handle, uint16_t len)
{
	return add_data(msg, COPS_OBJ_HANDLE, 1, handle, len);
}

int
cops_msg_add_context(struct cops_msg *msg, uint16_t r_type, uint16_t m_type)
{
	struct cops_obj *o = cops_msg_add(msg, COPS_OBJ_CONTEXT, 1);

	if (o == NULL)
		return -E2BIG;
	o->u.context.r_type = r_type;
	o->u.context.m_type = m_type;
	return 0;
}

int
cops_msg_add_iface(struct cops_msg *msg, uint8_t c_num, const struct cops_iface *iface)
{
	struct cops_obj *o;

	if ((c_num != COPS_OBJ_IN_INT && c_num != COPS_OBJ_OUT_INT) || iface == NULL ||
		(iface->ip.family != 4 && iface->ip.family != 6))
		return -EINVAL;
	o = cops_msg_add(msg, c_num, iface->ip.family == 4 ? COPS_CTYPE_IPV4 : COPS_CTYPE_IPV6);
	if (o == NULL)
		return -E2BIG;
	o->u.iface = *iface;
	return 0;
}

static int
add_code(struct cops_msg *msg, uint8_t c_num, uint16_t code, uint16_t sub_code)
{
	struct cops_obj *o = cops_msg_add(msg, c_num, 1);

	if (o == NULL)
		return -E2BIG;
	o->u.error.code = code;
	o->u.error.sub_code = sub_code;
	return 0;
}

int
cops_msg_add_reason(struct cops_msg *msg, uint16_t code, uint16_t sub_code)
{
	return add_code(msg, COPS_OBJ_REASON, code, sub_code);
}

int
cops_msg_add_error(struct cops_msg *msg, uint16_t code, uint16_t sub_code)
{
	return add_code(msg, COPS_OBJ_ERROR, code, sub_code);
}

int
cops_msg_add_decision(struct cops_msg *msg, uint8_t c_num, uint16_t cmd, uint16_t flags)
{
	struct cops_obj *o;

	if (c_num != COPS_OBJ_DECISION && c_num != COPS_OBJ_LPDP_DECISION)
		return -EINVAL;
	o = cops_msg_add(msg, c_num, COPS_DEC_FLAGS);
	if (o == NULL)
		return -E2BIG;
	o->u.decision.cmd = cmd;
	o->u.decision.flags = flags;
	return 0;
}

int
cops_msg_add_decision_data(struct cops_msg *msg, uint8_t c_num, uint8_t c_type, const void *data,
	uint16_t len)
{
	if ((c_num != COPS_OBJ_DECISION && c_num != COPS_OBJ_LPDP_DECISION) ||
		c_type < COPS_DEC_STATELESS || c_type > COPS_DEC_NAMED)
		return -EINVAL;
	return add_data(msg, c_num, c_type, data, len);
}

int
cops_msg_add_clientsi(struct cops_msg *msg, uint8_t c_type, const void *data, uint16_t len)
{
	if (c_type != COPS_CLIENTSI_SIGNALED && c_type != COPS_CLIENTSI_NAMED)
		return -EINVAL;
	return add_data(msg, COPS_OBJ_CLIENTSI, c_type, data, len);
}

int
cops_msg_add_timer(struct cops_msg *msg, uint8_t c_num, uint16_t seconds)
{
	struct cops_obj *o;

	if (c_num != COPS_OBJ_KA_TIMER && c_num != COPS_OBJ_ACCT_TIMER)
		return -EINVAL;
	o = cops_msg_add(msg, c_num, 1);
	if (o == NULL)
		return -E2BIG;
	o->u.timer.value = seconds;
	return 0;
}

int
cops_msg_add_pepid(struct cops_msg *msg, const char *pepid)
{
	struct cops_obj *o;
	size_t n;

	if (pepid == NULL)
		return -EINVAL;
	n = strlen(pepid) + 1;
	if (n > MAX_DATA - 3)
		return -EINVAL;
	o = cops_msg_add(msg, COPS_OBJ_PEPID, 1);
	if (o == NULL)
		return -E2BIG;
	o->u.pepid = pepid;
	o->data_len = (uint16_t)pad4((uint32_t)n);
	o->len = (uint16_t)(COPS_OBJ_HDR_LEN + o->data_len);
	return 0;
}

int
cops_msg_add_report_type(struct cops_msg *msg, uint16_t type)
{
	struct cops_obj *o = cops_msg_add(msg, COPS_OBJ_REPORT_TYPE, 1);

	if (o == NULL)
		return -E2BIG;
	o->u.report.type = type;
	return 0;
}

int
cops_msg_add_pdp_addr(struct cops_msg *msg, uint8_t c_num, const struct cops_ip *ip, uint16_t port)
{
	struct cops_obj *o;

	if ((c_num != COPS_OBJ_PDP_REDIR_ADDR && c_num != COPS_OBJ_LAST_PDP_ADDR) || ip == NULL ||
		(ip->family != 4 && ip->family != 6))
		return -EINVAL;
	o = cops_msg_add(msg, c_num, ip->family == 4 ? COPS_CTYPE_IPV4 : COPS_CTYPE_IPV6);
	if (o == NULL)
		return -E2BIG;
	o->u.pdp.ip = *ip;
	o->u.pdp.port = port;
	return 0;
}

int
cops_msg_add_integrity(struct cops_msg *msg, uint32_t key_id, uint32_t seq, const uint8_t *digest,
	uint16_t digest_len)
{
	struct cops_obj *o;

	if (digest_len > MAX_DATA - 8 || (digest_len > 0 && digest == NULL))
		return -EINVAL;
	o = cops_msg_add(msg, COPS_OBJ_INTEGRITY, 1);
	if (o == NULL)
		return -E2BIG;
	o->u.integrity.key_id = key_id;
	o->u.integrity.seq = seq;
	o->u.integrity.digest = digest;
	o->u.integrity.digest_len = digest_len;
	return 0;
}

/* ---------------------------------------------------------------- one-call encoders */

/* Run a sequence of cops_msg_add_*() calls, stopping at the first failure. */
#define TRY(expr)                                                                                   \
	do {                                                                                        \
		int rc_ = (expr);                                                                   \
		if (rc_ < 0)                                                                        \
			return rc_;                                                                 \
	} while (0)

int
cops_encode_opn(uint8_t *buf, uint32_t cap, uint16_t client_type, const char *pepid,
	const struct cops_pdp_addr *last_pdp_addr, const void *clientsi, uint16_t clientsi_len)
{
	struct cops_msg m;

	cops_msg_init(&m, COPS_OP_OPN, 0, client_type);
	TRY(cops_msg_add_pepid(&m, pepid));
	if (clientsi != NULL)
		TRY(cops_msg_add_clientsi(&m, COPS_CLIENTSI_SIGNALED, clientsi, clientsi_len));
	if (last_pdp_addr != NULL)
		TRY(cops_msg_add_pdp_addr(&m, COPS_OBJ_LAST_PDP_ADDR, &last_pdp_addr->ip,
			last_pdp_addr->port));
	return cops_msg_encode(buf, cap, &m, NULL);
}

int
cops_encode_cat(uint8_t *buf, uint32_t cap, uint16_t client_type, uint16_t ka_seconds,
	uint16_t acct_seconds)
{
	struct cops_msg m;

	/* CAT answers an OPN: RFC 2748 3.7 marks it solicited. */
	cops_msg_init(&m, COPS_OP_CAT, COPS_FLAG_SOLICITED, client_type);
	TRY(cops_msg_add_timer(&m, COPS_OBJ_KA_TIMER, ka_seconds));
	if (acct_seconds != 0)
		TRY(cops_msg_add_timer(&m, COPS_OBJ_ACCT_TIMER, acct_seconds));
	return cops_msg_encode(buf, cap, &m, NULL);
}

int
cops_encode_cc(uint8_t *buf, uint32_t cap, uint16_t client_type, uint16_t error_code,
	uint16_t error_sub_code, const struct cops_pdp_addr *redirect)
{
	struct cops_msg m;

	cops_msg_init(&m, COPS_OP_CC, 0, client_type);
	TRY(cops_msg_add_error(&m, error_code, error_sub_code));
	if (redirect != NULL)
		TRY(cops_msg_add_pdp_addr(&m, COPS_OBJ_PDP_REDIR_ADDR, &redirect->ip, redirect->port));
	return cops_msg_encode(buf, cap, &m, NULL);
}

int
cops_encode_ka(uint8_t *buf, uint32_t cap, int solicited)
{
	struct cops_msg m;

	cops_msg_init(&m, COPS_OP_KA, solicited ? COPS_FLAG_SOLICITED : 0, COPS_CLIENT_KA);
	return cops_msg_encode(buf, cap, &m, NULL);
}

int
cops_encode_req(uint8_t *buf, uint32_t cap, uint16_t client_type, const void *handle,
	uint16_t handle_len, uint16_t r_type, uint16_t m_type, const void *clientsi,
	uint16_t clientsi_len)
{
	struct cops_msg m;

	cops_msg_init(&m, COPS_OP_REQ, 0, client_type);
	TRY(cops_msg_add_handle(&m, handle, handle_len));
	TRY(cops_msg_add_context(&m, r_type, m_type));
	if (clientsi != NULL)
		TRY(cops_msg_add_clientsi(&m, COPS_CLIENTSI_SIGNALED, clientsi, clientsi_len));
	return cops_msg_encode(buf, cap, &m, NULL);
}

int
cops_encode_dec(uint8_t *buf, uint32_t cap, uint16_t client_type, int solicited,
	const void *handle, uint16_t handle_len, uint16_t r_type, uint16_t m_type, uint16_t cmd,
	uint16_t dec_flags, const void *csi, uint16_t csi_len)
{
	struct cops_msg m;

	cops_msg_init(&m, COPS_OP_DEC, solicited ? COPS_FLAG_SOLICITED : 0, client_type);
	TRY(cops_msg_add_handle(&m, handle, handle_len));
	TRY(cops_msg_add_context(&m, r_type, m_type));
	TRY(cops_msg_add_decision(&m, COPS_OBJ_DECISION, cmd, dec_flags));
	if (csi != NULL)
		TRY(cops_msg_add_decision_data(&m, COPS_OBJ_DECISION, COPS_DEC_CLIENT_SI, csi,
			csi_len));
	return cops_msg_encode(buf, cap, &m, NULL);
}

int
cops_encode_dec_error(uint8_t *buf, uint32_t cap, uint16_t client_type, const void *handle,
	uint16_t handle_len, uint16_t error_code, uint16_t error_sub_code)
{
	struct cops_msg m;

	cops_msg_init(&m, COPS_OP_DEC, COPS_FLAG_SOLICITED, client_type);
	TRY(cops_msg_add_handle(&m, handle, handle_len));
	TRY(cops_msg_add_error(&m, error_code, error_sub_code));
	return cops_msg_encode(buf, cap, &m, NULL);
}

int
cops_encode_rpt(uint8_t *buf, uint32_t cap, uint16_t client_type, int solicited,
	const void *handle, uint16_t handle_len, uint16_t report_type, const void *clientsi,
	uint16_t clientsi_len)
{
	struct cops_msg m;

	cops_msg_init(&m, COPS_OP_RPT, solicited ? COPS_FLAG_SOLICITED : 0, client_type);
	TRY(cops_msg_add_handle(&m, handle, handle_len));
	TRY(cops_msg_add_report_type(&m, report_type));
	if (clientsi != NULL)
		TRY(cops_msg_add_clientsi(&m, COPS_CLIENTSI_SIGNALED, clientsi, clientsi_len));
	return cops_msg_encode(buf, cap, &m, NULL);
}

int
cops_encode_drq(uint8_t *buf, uint32_t cap, uint16_t client_type, const void *handle,
	uint16_t handle_len, uint16_t reason, uint16_t reason_sub)
{
	struct cops_msg m;

	cops_msg_init(&m, COPS_OP_DRQ, 0, client_type);
	TRY(cops_msg_add_handle(&m, handle, handle_len));
	TRY(cops_msg_add_reason(&m, reason, reason_sub));
	return cops_msg_encode(buf, cap, &m, NULL);
}

static int
encode_sync(uint8_t *buf, uint32_t cap, uint8_t op, uint16_t client_type, const void *handle,
	uint16_t handle_len)
{
	struct cops_msg m;

	cops_msg_init(&m, op, 0, client_type);
	if (handle_len > 0)
		TRY(cops_msg_add_handle(&m, handle, handle_len));
	return cops_msg_encode(buf, cap, &m, NULL);
}

int
cops_encode_ssq(uint8_t *buf, uint32_t cap, uint16_t client_type, const void *handle,
	uint16_t handle_len)
{
	return encode_sync(buf, cap, COPS_OP_SSQ, client_type, handle, handle_len);
}

int
cops_encode_ssc(uint8_t *buf, uint32_t cap, uint16_t client_type, const void *handle,
	uint16_t handle_len)
{
	return encode_sync(buf, cap, COPS_OP_SSC, client_type, handle, handle_len);
}
