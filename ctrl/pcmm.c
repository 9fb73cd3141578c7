/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PacketCable Multimedia object codec. See pcmm.h.
 *
 * Every fixed-layout object is described once, as a list of fields (kind,
 * width, offset of the member in struct pcmm_obj.u). The decoder, the
 * encoder and the reserved-byte bookkeeping all walk the same list, so the
 * three cannot disagree about a layout. Traffic profiles add a repeated
 * envelope described the same way.
 */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "pcmm.h"

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

/* Length of s, at most max: POSIX strnlen() without depending on POSIX. */
static size_t
bounded_len(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != '\0')
		n++;
	return n;
}

uint32_t
pcmm_f32_bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return u;
}

float
pcmm_f32_value(uint32_t bits)
{
	float f;

	memcpy(&f, &bits, sizeof(f));
	return f;
}

/* ---------------------------------------------------------------- layouts */

enum fkind {
	FK_UINT,	/* big-endian integer of width 1, 2, 4 or 8 into a same-size member */
	FK_BYTES,	/* raw bytes (addresses, BCID strings) into an array member */
	FK_RSVD,	/* reserved: kept in pcmm_obj.rsvd[] */
};

struct fdesc {
	uint8_t kind;
	uint8_t width;
	uint16_t off;	/* of the member, relative to the base struct */
};

/*
 * Compile-time check that a member has the width the table claims (exact
 * for integers, at least for byte arrays): a mismatch is a negative array
 * size. It adds 0 to the offset.
 */
#define CHKW(sz, w, exact) (0 * sizeof(char[((exact) ? (sz) == (w) : (sz) >= (w)) ? 1 : -1]))
#define UMEM(m) (((struct pcmm_obj *)0)->u.m)
#define UOFF(m) (offsetof(struct pcmm_obj, u.m) - offsetof(struct pcmm_obj, u))

/* Fields of the object body, relative to pcmm_obj.u. */
#define U(w, m) { FK_UINT, w, (uint16_t)(UOFF(m) + CHKW(sizeof(UMEM(m)), w, 1)) }
#define B(w, m) { FK_BYTES, w, (uint16_t)(UOFF(m) + CHKW(sizeof(UMEM(m)), w, 0)) }
#define R(w) { FK_RSVD, w, 0 }
/* Fields of one envelope, relative to its struct. */
#define FS(m)                                                                                     \
	{ FK_UINT, 4,                                                                             \
		(uint16_t)(offsetof(struct pcmm_flowspec_env, m) +                                \
			CHKW(sizeof(((struct pcmm_flowspec_env *)0)->m), 4, 1)) }
#define D(w, m)                                                                                   \
	{ FK_UINT, w,                                                                             \
		(uint16_t)(offsetof(struct pcmm_docsis_env, m) +                                  \
			CHKW(sizeof(((struct pcmm_docsis_env *)0)->m), w, 1)) }

static const struct fdesc f_txn[] = { U(2, txn.id), U(2, txn.cmd) };
static const struct fdesc f_amid[] = { U(2, amid.app_type), U(2, amid.am_tag) };
static const struct fdesc f_sub4[] = { B(4, sub.addr) };
static const struct fdesc f_sub6[] = { B(16, sub.addr) };
static const struct fdesc f_gate_id[] = { U(4, gate_id) };
static const struct fdesc f_gate_spec[] = {
	U(1, gate_spec.flags), U(1, gate_spec.dscp_tos), U(1, gate_spec.dscp_tos_mask),
	U(1, gate_spec.session_class), U(2, gate_spec.t1), U(2, gate_spec.t2), U(2, gate_spec.t3),
	U(2, gate_spec.t4),
};
static const struct fdesc f_cls_legacy[] = {
	U(2, cls.protocol), U(1, cls.dscp_tos), U(1, cls.dscp_tos_mask), B(4, cls.src), B(4, cls.dst),
	U(2, cls.sport), U(2, cls.dport), U(1, cls.priority), R(3),
};
static const struct fdesc f_cls_ext[] = {
	U(2, cls.protocol), U(1, cls.dscp_tos), U(1, cls.dscp_tos_mask), B(4, cls.src),
	B(4, cls.src_mask), B(4, cls.dst), B(4, cls.dst_mask), U(2, cls.sport), U(2, cls.sport_end),
	U(2, cls.dport), U(2, cls.dport_end), U(2, cls.id), U(1, cls.priority),
	U(1, cls.activation), U(1, cls.action), R(3),
};
static const struct fdesc f_cls_v6[] = {
	U(1, cls.flags), U(1, cls.tc_low), U(1, cls.tc_high), U(1, cls.tc_mask),
	U(4, cls.flow_label), U(2, cls.protocol), U(1, cls.src_prefix), U(1, cls.dst_prefix),
	B(16, cls.src), B(16, cls.dst), U(2, cls.sport), U(2, cls.sport_end), U(2, cls.dport),
	U(2, cls.dport_end), U(2, cls.id), U(1, cls.priority), U(1, cls.activation),
	U(1, cls.action), R(3),
};
static const struct fdesc f_tp_flowspec[] = { U(1, tp.envelope), U(1, tp.service_number), R(2) };
static const struct fdesc f_tp_env[] = { U(1, tp.envelope), R(3) };
static const struct fdesc e_flowspec[] = {
	FS(token_rate), FS(token_size), FS(peak_rate), FS(min_policed_unit), FS(max_packet_size),
	FS(rate), FS(slack_term),
};
static const struct fdesc e_be[] = {
	D(1, traffic_priority), R(3), D(4, req_tx_policy), D(4, max_sustained_rate), D(4, max_burst),
	D(4, min_reserved_rate), D(2, min_rsv_pkt_size), D(2, max_concat_burst),
	D(4, req_attr_mask), D(4, forbid_attr_mask), D(4, attr_aggr_mask),
};
static const struct fdesc e_nrtps[] = {
	D(1, traffic_priority), R(3), D(4, req_tx_policy), D(4, max_sustained_rate), D(4, max_burst),
	D(4, min_reserved_rate), D(2, min_rsv_pkt_size), D(2, max_concat_burst),
	D(4, nominal_poll_interval), D(4, req_attr_mask), D(4, forbid_attr_mask),
	D(4, attr_aggr_mask),
};
static const struct fdesc e_rtps[] = {
	D(4, req_tx_policy), D(4, max_sustained_rate), D(4, max_burst), D(4, min_reserved_rate),
	D(2, min_rsv_pkt_size), D(2, max_concat_burst), D(4, nominal_poll_interval),
	D(4, tolerated_poll_jitter), D(4, req_attr_mask), D(4, forbid_attr_mask),
	D(4, attr_aggr_mask),
};
static const struct fdesc e_ugs[] = {
	D(4, req_tx_policy), D(2, unsolicited_grant_size), D(1, grants_per_interval), R(1),
	D(4, nominal_grant_interval), D(4, tolerated_grant_jitter), D(4, req_attr_mask),
	D(4, forbid_attr_mask), D(4, attr_aggr_mask),
};
static const struct fdesc e_ugs_ad[] = {
	D(4, req_tx_policy), D(2, unsolicited_grant_size), D(1, grants_per_interval), R(1),
	D(4, nominal_grant_interval), D(4, tolerated_grant_jitter), D(4, nominal_poll_interval),
	D(4, tolerated_poll_jitter), D(4, req_attr_mask), D(4, forbid_attr_mask),
	D(4, attr_aggr_mask),
};
static const struct fdesc e_ds[] = {
	D(1, traffic_priority), D(1, ds_resequencing), R(2), D(4, max_sustained_rate),
	D(4, max_burst), D(4, min_reserved_rate), D(2, min_rsv_pkt_size), R(2),
	D(4, max_ds_latency), D(4, ds_peak_rate), D(4, req_attr_mask), D(4, forbid_attr_mask),
	D(4, attr_aggr_mask),
};
static const struct fdesc f_egi[] = {
	B(4, egi.prks_addr), U(2, egi.prks_port), R(2), B(4, egi.srks_addr), U(2, egi.srks_port),
	R(2), U(4, egi.bcid_timestamp), B(8, egi.bcid_element_id), B(8, egi.bcid_time_zone),
	U(4, egi.bcid_event_counter),
};
static const struct fdesc f_volume[] = { U(8, volume_limit) };
static const struct fdesc f_time_limit[] = { U(4, time_limit) };
static const struct fdesc f_time_info[] = { U(4, time_committed) };
static const struct fdesc f_usage[] = { U(8, octets) };
static const struct fdesc f_error[] = { U(2, error.code), U(2, error.sub_code) };
static const struct fdesc f_state[] = { U(2, state.state), U(2, state.reason) };
static const struct fdesc f_version[] = { U(2, version.major), U(2, version.minor) };
static const struct fdesc f_psid[] = { U(4, psid) };
static const struct fdesc f_synch[] = { R(2), U(1, synch.report_type), U(1, synch.synch_type) };
static const struct fdesc f_mrk[] = { U(4, msg_receipt_key) };
static const struct fdesc f_srid[] = { U(4, shared_resource_id) };

enum vkind {
	V_NONE,		/* fixed size */
	V_ENV,		/* fixed part + 1..3 envelopes */
	V_SCN,		/* fixed part + NUL-terminated name, zero padded */
	V_RAW,		/* opaque bytes (data/data_len) */
};

struct layout {
	uint8_t s_num, s_type;
	uint8_t var;
	uint8_t nf, ne;
	const struct fdesc *f;
	const struct fdesc *e;
	const char *name;
};

#define N(a) (uint8_t)(sizeof(a) / sizeof((a)[0]))
#define FIX(sn, st, fa, nm) { sn, st, V_NONE, N(fa), 0, fa, NULL, nm }
#define ENV(st, ea, nm) { PCMM_TRAFFIC_PROFILE, st, V_ENV, N(f_tp_env), N(ea), f_tp_env, ea, nm }

static const struct layout layouts[] = {
	FIX(PCMM_TRANSACTION_ID, 1, f_txn, "TransactionID"),
	FIX(PCMM_AMID, 1, f_amid, "AMID"),
	FIX(PCMM_SUBSCRIBER_ID, PCMM_SUB_IPV4, f_sub4, "SubscriberID (IPv4)"),
	FIX(PCMM_SUBSCRIBER_ID, PCMM_SUB_IPV6, f_sub6, "SubscriberID (IPv6)"),
	FIX(PCMM_GATE_ID, 1, f_gate_id, "GateID"),
	FIX(PCMM_GATE_SPEC, 1, f_gate_spec, "GateSpec"),
	FIX(PCMM_CLASSIFIER, PCMM_CLS_LEGACY, f_cls_legacy, "Classifier"),
	FIX(PCMM_CLASSIFIER, PCMM_CLS_EXTENDED, f_cls_ext, "Extended Classifier"),
	FIX(PCMM_CLASSIFIER, PCMM_CLS_IPV6, f_cls_v6, "IPv6 Classifier"),
	{ PCMM_TRAFFIC_PROFILE, PCMM_TP_FLOWSPEC, V_ENV, N(f_tp_flowspec), N(e_flowspec),
		f_tp_flowspec, e_flowspec, "FlowSpec" },
	{ PCMM_TRAFFIC_PROFILE, PCMM_TP_SCN, V_SCN, N(f_tp_env), 0, f_tp_env, NULL,
		"DOCSIS Service Class Name" },
	ENV(PCMM_TP_BE, e_be, "Best Effort Service"),
	ENV(PCMM_TP_NRTPS, e_nrtps, "Non-Real-Time Polling Service"),
	ENV(PCMM_TP_RTPS, e_rtps, "Real-Time Polling Service"),
	ENV(PCMM_TP_UGS, e_ugs, "Unsolicited Grant Service"),
	ENV(PCMM_TP_UGS_AD, e_ugs_ad, "UGS with Activity Detection"),
	ENV(PCMM_TP_DOWNSTREAM, e_ds, "Downstream Service"),
	FIX(PCMM_TRAFFIC_PROFILE, PCMM_TP_UPSTREAM_DROP, f_tp_env, "Upstream Drop"),
	FIX(PCMM_EVENT_GEN_INFO, 1, f_egi, "Event Generation Info"),
	FIX(PCMM_VOLUME_LIMIT, 1, f_volume, "Volume-Based Usage Limit"),
	FIX(PCMM_TIME_LIMIT, 1, f_time_limit, "Time-Based Usage Limit"),
	{ PCMM_OPAQUE_DATA, 1, V_RAW, 0, 0, NULL, NULL, "Opaque Data" },
	FIX(PCMM_GATE_TIME_INFO, 1, f_time_info, "Gate Time Info"),
	FIX(PCMM_GATE_USAGE_INFO, 1, f_usage, "Gate Usage Info"),
	FIX(PCMM_PC_ERROR, 1, f_error, "PacketCable Error"),
	FIX(PCMM_GATE_STATE, 1, f_state, "Gate State"),
	FIX(PCMM_VERSION_INFO, 1, f_version, "Version Info"),
	FIX(PCMM_PSID, 1, f_psid, "PSID"),
	FIX(PCMM_SYNCH_OPTIONS, 1, f_synch, "Synch Options"),
	FIX(PCMM_MSG_RECEIPT_KEY, 1, f_mrk, "Msg Receipt Key"),
	{ PCMM_USERID, 1, V_RAW, 0, 0, NULL, NULL, "UserID" },
	FIX(PCMM_SHARED_RESOURCE_ID, 1, f_srid, "SharedResourceID"),
};

static const struct layout *
find_layout(uint8_t s_num, uint8_t s_type)
{
	size_t i;

	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		if (layouts[i].s_num == s_num && layouts[i].s_type == s_type)
			return &layouts[i];
	}
	return NULL;
}

static uint32_t
fields_len(const struct fdesc *f, unsigned int n)
{
	uint32_t len = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		len += f[i].width;
	return len;
}

/* Envelope blocks live in the same union slot for FlowSpec and DOCSIS. */
static uint8_t *
env_base(struct pcmm_obj *o, unsigned int k)
{
	if (o->s_type == PCMM_TP_FLOWSPEC)
		return (uint8_t *)&o->u.tp.fs[k];
	return (uint8_t *)&o->u.tp.docsis[k];
}

static const uint8_t *
env_cbase(const struct pcmm_obj *o, unsigned int k)
{
	if (o->s_type == PCMM_TP_FLOWSPEC)
		return (const uint8_t *)&o->u.tp.fs[k];
	return (const uint8_t *)&o->u.tp.docsis[k];
}

/* Read fields from p into base; reserved bytes go to o->rsvd. */
static const uint8_t *
read_fields(const struct fdesc *f, unsigned int n, const uint8_t *p, uint8_t *base,
	struct pcmm_obj *o)
{
	unsigned int i, j;

	for (i = 0; i < n; p += f[i].width, i++) {
		uint8_t *m = base + f[i].off;

		switch (f[i].kind) {
		case FK_UINT:
			switch (f[i].width) {
			case 1:
				*m = *p;
				break;
			case 2: {
				uint16_t v = rd16(p);

				memcpy(m, &v, 2);
				break;
			}
			case 4: {
				uint32_t v = rd32(p);

				memcpy(m, &v, 4);
				break;
			}
			case 8: {
				uint64_t v = (uint64_t)rd32(p) << 32 | rd32(p + 4);

				memcpy(m, &v, 8);
				break;
			}
			}
			break;
		case FK_BYTES:
			memcpy(m, p, f[i].width);
			break;
		case FK_RSVD:
			for (j = 0; j < f[i].width && o->n_rsvd < PCMM_MAX_RSVD; j++)
				o->rsvd[o->n_rsvd++] = p[j];
			break;
		}
	}
	return p;
}

/* Write fields from base to p; reserved bytes come from o->rsvd (*ri). */
static uint8_t *
write_fields(const struct fdesc *f, unsigned int n, uint8_t *p, const uint8_t *base,
	const struct pcmm_obj *o, unsigned int *ri)
{
	unsigned int i, j;

	for (i = 0; i < n; p += f[i].width, i++) {
		const uint8_t *m = base + f[i].off;

		switch (f[i].kind) {
		case FK_UINT:
			switch (f[i].width) {
			case 1:
				*p = *m;
				break;
			case 2: {
				uint16_t v;

				memcpy(&v, m, 2);
				wr16(p, v);
				break;
			}
			case 4: {
				uint32_t v;

				memcpy(&v, m, 4);
				wr32(p, v);
				break;
			}
			case 8: {
				uint64_t v;

				memcpy(&v, m, 8);
				wr32(p, (uint32_t)(v >> 32));
				wr32(p + 4, (uint32_t)v);
				break;
			}
			}
			break;
		case FK_BYTES:
			memcpy(p, m, f[i].width);
			break;
		case FK_RSVD:
			for (j = 0; j < f[i].width; j++, (*ri)++)
				p[j] = *ri < PCMM_MAX_RSVD ? o->rsvd[*ri] : 0;
			break;
		}
	}
	return p;
}

/* ---------------------------------------------------------------- names */

const char *
pcmm_obj_name(uint8_t s_num, uint8_t s_type)
{
	const struct layout *l = find_layout(s_num, s_type);

	if (l != NULL)
		return l->name;
	switch (s_num) {
	case PCMM_TRANSACTION_ID:
		return "TransactionID";
	case PCMM_AMID:
		return "AMID";
	case PCMM_SUBSCRIBER_ID:
		return "SubscriberID";
	case PCMM_GATE_ID:
		return "GateID";
	case PCMM_GATE_SPEC:
		return "GateSpec";
	case PCMM_CLASSIFIER:
		return "Classifier";
	case PCMM_TRAFFIC_PROFILE:
		return "Traffic Profile";
	default:
		return "unknown";
	}
}

static const char *const cmd_names[] = {
	[PCMM_GATE_SET] = "Gate-Set",
	[PCMM_GATE_SET_ACK] = "Gate-Set-Ack",
	[PCMM_GATE_SET_ERR] = "Gate-Set-Err",
	[PCMM_GATE_INFO] = "Gate-Info",
	[PCMM_GATE_INFO_ACK] = "Gate-Info-Ack",
	[PCMM_GATE_INFO_ERR] = "Gate-Info-Err",
	[PCMM_GATE_DELETE] = "Gate-Delete",
	[PCMM_GATE_DELETE_ACK] = "Gate-Delete-Ack",
	[PCMM_GATE_DELETE_ERR] = "Gate-Delete-Err",
	[PCMM_GATE_OPEN] = "Gate-Open",
	[PCMM_GATE_CLOSE] = "Gate-Close",
	[PCMM_GATE_REPORT_STATE] = "Gate-Report-State",
	[PCMM_INVALID_GATE_CMD_ERR] = "Invalid-Gate-Cmd-Err",
	[PCMM_PDP_CONFIG] = "PDP-Config",
	[PCMM_PDP_CONFIG_ACK] = "PDP-Config-Ack",
	[PCMM_PDP_CONFIG_ERR] = "PDP-Config-Error",
	[PCMM_SYNCH_REQUEST] = "Synch-Request",
	[PCMM_SYNCH_REPORT] = "Synch-Report",
	[PCMM_SYNCH_COMPLETE] = "Synch-Complete",
	[PCMM_MSG_RECEIPT] = "Msg-Receipt",
};

static const char *const error_names[] = {
	[PCMM_ERR_INSUFFICIENT_RESOURCES] = "Insufficient Resources",
	[PCMM_ERR_UNKNOWN_GATE_ID] = "Unknown GateID",
	[PCMM_ERR_MISSING_OBJECT] = "Missing Required Object",
	[PCMM_ERR_INVALID_OBJECT] = "Invalid Object",
	[PCMM_ERR_VOLUME_LIMIT] = "Volume-Based Usage Limit Exceeded",
	[PCMM_ERR_TIME_LIMIT] = "Time-Based Usage Limit Exceeded",
	[PCMM_ERR_SESSION_CLASS_LIMIT] = "Session Class Limit Exceeded",
	[PCMM_ERR_UNDEFINED_SCN] = "Undefined Service Class Name",
	[PCMM_ERR_INCOMPATIBLE_ENVELOPE] = "Incompatible Envelope",
	[PCMM_ERR_INVALID_SUBSCRIBER] = "Invalid SubscriberID",
	[PCMM_ERR_UNAUTHORIZED_AMID] = "Unauthorized AMID",
	[PCMM_ERR_TOO_MANY_CLASSIFIERS] = "Number of Classifiers Not Supported",
	[PCMM_ERR_POLICY_EXCEPTION] = "Policy Exception",
	[PCMM_ERR_INVALID_FIELD] = "Invalid Field Value in Object",
	[PCMM_ERR_TRANSPORT] = "Transport Error",
	[PCMM_ERR_UNKNOWN_GATE_CMD] = "Unknown Gate Command",
	[PCMM_ERR_UNAUTHORIZED_PSID] = "Unauthorized PSID",
	[PCMM_ERR_NO_STATE_FOR_PDP] = "No State for PDP",
	[PCMM_ERR_UNSUPPORTED_SYNCH] = "Unsupported Synch Type",
	[PCMM_ERR_INCREMENTAL_INCOMPLETE] = "Incremental Data Incomplete",
	[PCMM_ERR_OTHER] = "Other, Unspecified Error",
};

static const char *const state_names[] = {
	[PCMM_STATE_IDLE] = "Idle/Closed",
	[PCMM_STATE_AUTHORIZED] = "Authorized",
	[PCMM_STATE_RESERVED] = "Reserved",
	[PCMM_STATE_COMMITTED] = "Committed",
	[PCMM_STATE_COMMITTED_RECOVERY] = "Committed-Recovery",
};

#define NAME(tab, i)                                                                              \
	((size_t)(i) < sizeof(tab) / sizeof((tab)[0]) && (tab)[i] != NULL ? (tab)[i] : "unknown")

const char *
pcmm_cmd_name(uint16_t cmd)
{
	return NAME(cmd_names, cmd);
}

const char *
pcmm_error_name(uint16_t code)
{
	return NAME(error_names, code);
}

const char *
pcmm_gate_state_name(uint16_t state)
{
	return NAME(state_names, state);
}

/* ---------------------------------------------------------------- errors */

static int __attribute__((format(printf, 10, 11)))
fail(struct pcmm_err *err, int errnum, uint16_t code, uint16_t sub_code, const char *ctx,
	uint16_t idx, uint32_t offset, uint8_t s_num, uint8_t s_type, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (err == NULL)
		return -errnum;
	err->errnum = errnum;
	err->code = code;
	err->sub_code = sub_code;
	err->obj_index = idx;
	err->offset = offset;
	err->s_num = s_num;
	err->s_type = s_type;
	if (idx != 0)
		n = snprintf(err->msg, sizeof(err->msg), "%s: object #%u %s (S-Num %u, S-Type %u) at offset %u: ",
			ctx, idx, pcmm_obj_name(s_num, s_type), s_num, s_type, offset);
	else
		n = snprintf(err->msg, sizeof(err->msg), "%s: ", ctx);
	if (n < 0 || (size_t)n >= sizeof(err->msg))
		return -errnum;
	va_start(ap, fmt);
	vsnprintf(err->msg + n, sizeof(err->msg) - (size_t)n, fmt, ap);
	va_end(ap);
	return -errnum;
}

#define SUB(sn, st) ((uint16_t)((sn) << 8 | (st)))
#define INVALID(err, idx, o, ...)                                                                  \
	fail(err, EBADMSG, PCMM_ERR_INVALID_OBJECT, SUB((o)->s_num, (o)->s_type), "PCMM", idx,     \
		(o)->offset, (o)->s_num, (o)->s_type, __VA_ARGS__)
#define BADFIELD(err, idx, o, ...)                                                                 \
	fail(err, EBADMSG, PCMM_ERR_INVALID_FIELD, SUB((o)->s_num, (o)->s_type), "PCMM", idx,      \
		(o)->offset, (o)->s_num, (o)->s_type, __VA_ARGS__)

/* ---------------------------------------------------------------- decode */

static int
envelope_count_ok(uint8_t envelope, unsigned int n_env)
{
	/* Valid envelopes are authorized, +reserved, +committed: 1, 3, 7. */
	switch (envelope) {
	case PCMM_ENV_AUTHORIZED:
		return n_env == 1 || n_env == 0;
	case PCMM_ENV_AUTHORIZED | PCMM_ENV_RESERVED:
		return n_env == 2 || n_env == 0;
	case PCMM_ENV_AUTHORIZED | PCMM_ENV_RESERVED | PCMM_ENV_COMMITTED:
		return n_env == 3 || n_env == 0;
	default:
		return 0;
	}
}

/* Decode the body of an object whose header is already in o. */
static int
decode_body(struct pcmm_obj *o, unsigned int idx, struct pcmm_err *err)
{
	const struct layout *l = find_layout(o->s_num, o->s_type);
	const uint8_t *p = o->data;
	uint32_t fixed, rest, env_len;
	unsigned int k;

	if (l == NULL) {
		o->known = 0; /* carried raw, reported through n_unknown */
		return 0;
	}
	o->known = 1;
	fixed = fields_len(l->f, l->nf);
	if (o->data_len < fixed || (l->var == V_NONE && o->data_len != fixed))
		return INVALID(err, idx, o, "length %u, expected %s%u", o->len,
			l->var == V_NONE ? "" : "at least ", fixed + PCMM_OBJ_HDR_LEN);
	p = read_fields(l->f, l->nf, p, (uint8_t *)&o->u, o);
	rest = o->data_len - fixed;

	switch (l->var) {
	case V_ENV:
		env_len = fields_len(l->e, l->ne);
		if (rest == 0 || rest % env_len != 0 || rest / env_len > PCMM_MAX_ENVELOPES)
			return INVALID(err, idx, o, "length %u is not %u + 1..3 envelopes of %u", o->len,
				fixed + PCMM_OBJ_HDR_LEN, env_len);
		o->u.tp.n_env = (uint8_t)(rest / env_len);
		for (k = 0; k < o->u.tp.n_env; k++)
			p = read_fields(l->e, l->ne, p, env_base(o, k), o);
		break;
	case V_SCN: {
		uint16_t i;

		if (rest < 4 || rest > 20)
			return INVALID(err, idx, o, "service class name field of %u bytes, expected 4..20",
				rest);
		for (i = 0; i < rest && p[i] != 0; i++) {
			if (p[i] < 0x21 || p[i] > 0x7e)
				return BADFIELD(err, idx, o, "non-printable byte 0x%02x in service class name",
					p[i]);
		}
		if (i == rest)
			return BADFIELD(err, idx, o, "service class name is not NUL-terminated");
		if (i == 0 || i > PCMM_SCN_MAX)
			return BADFIELD(err, idx, o, "service class name must be 1..%u characters + NUL",
				PCMM_SCN_MAX);
		o->u.tp.scn = (const char *)p;
		o->u.tp.scn_len = (uint16_t)rest;
		break;
	}
	case V_RAW:
	case V_NONE:
		break;
	}

	/* Semantic checks that make a gate impossible to install as sent. */
	switch (o->s_num) {
	case PCMM_SUBSCRIBER_ID:
		o->u.sub.family = o->s_type == PCMM_SUB_IPV4 ? 4 : 6;
		break;
	case PCMM_CLASSIFIER:
		o->u.cls.s_type = o->s_type;
		if (o->s_type != PCMM_CLS_LEGACY &&
			(o->u.cls.activation > PCMM_CLS_ACTIVE || o->u.cls.action > PCMM_CLS_NO_CHANGE))
			return BADFIELD(err, idx, o, "activation state %u / action %u out of range",
				o->u.cls.activation, o->u.cls.action);
		if (o->s_type == PCMM_CLS_IPV6 && (o->u.cls.src_prefix > 128 || o->u.cls.dst_prefix > 128))
			return BADFIELD(err, idx, o, "prefix length %u/%u exceeds 128",
				o->u.cls.src_prefix, o->u.cls.dst_prefix);
		break;
	case PCMM_TRAFFIC_PROFILE:
		o->u.tp.s_type = o->s_type;
		if (!envelope_count_ok(o->u.tp.envelope, o->u.tp.n_env))
			return BADFIELD(err, idx, o, "envelope 0x%x does not match %u envelope block(s)",
				o->u.tp.envelope, o->u.tp.n_env);
		break;
	}
	return 0;
}

/*
 * Read the object at *off. Returns 1 with o filled, 0 at the end of the
 * sequence, or a negative errno.
 */
static int
next_obj(const uint8_t *buf, uint32_t len, uint32_t *off, unsigned int idx, struct pcmm_obj *o,
	struct pcmm_err *err)
{
	uint32_t rem;

	if (*off >= len)
		return 0;
	rem = len - *off;
	memset(o, 0, sizeof(*o));
	o->offset = *off;
	if (rem < PCMM_OBJ_HDR_LEN)
		return fail(err, EBADMSG, PCMM_ERR_INVALID_OBJECT, 0, "PCMM", (uint16_t)idx, *off, 0, 0,
			"%u trailing bytes cannot hold an object header", rem);
	o->len = rd16(buf + *off);
	o->s_num = buf[*off + 2];
	o->s_type = buf[*off + 3];
	if (o->len < PCMM_OBJ_HDR_LEN)
		return INVALID(err, idx, o, "length %u is shorter than the 4-byte header", o->len);
	if (o->len > rem)
		return INVALID(err, idx, o, "length %u overruns the data (%u bytes left)", o->len, rem);
	/*
	 * PCMM objects are 32-bit aligned and, unlike COPS objects, are not
	 * followed by padding: receivers (Wireshark included) step by Length.
	 */
	if (o->len % 4 != 0)
		return INVALID(err, idx, o, "length %u is not a multiple of 4", o->len);
	o->data = buf + *off + PCMM_OBJ_HDR_LEN;
	o->data_len = (uint16_t)(o->len - PCMM_OBJ_HDR_LEN);
	*off += o->len;
	return 1;
}

int
pcmm_msg_decode(const uint8_t *buf, uint32_t len, struct pcmm_msg *msg, struct pcmm_err *err)
{
	uint32_t off = 0;
	unsigned int idx = 0;
	int rc;

	if (err != NULL)
		memset(err, 0, sizeof(*err));
	if (msg == NULL || (buf == NULL && len != 0))
		return fail(err, EINVAL, PCMM_ERR_OTHER, 0, "PCMM", 0, 0, 0, 0, "NULL argument");
	msg->n_obj = 0;
	msg->n_unknown = 0;
	for (;;) {
		struct pcmm_obj *o;

		if (msg->n_obj >= PCMM_MAX_OBJS) {
			if (off < len)
				return fail(err, E2BIG, PCMM_ERR_OTHER, 0, "PCMM", (uint16_t)(idx + 1), off,
					0, 0, "more than %u objects", PCMM_MAX_OBJS);
			break;
		}
		o = &msg->obj[msg->n_obj];
		rc = next_obj(buf, len, &off, ++idx, o, err);
		if (rc <= 0) {
			if (rc < 0)
				return rc;
			break;
		}
		rc = decode_body(o, idx, err);
		if (rc < 0)
			return rc;
		if (!o->known)
			msg->n_unknown++;
		msg->n_obj++;
	}
	return 0;
}

const struct pcmm_obj *
pcmm_msg_find(const struct pcmm_msg *msg, uint8_t s_num, uint8_t s_type, unsigned int nth)
{
	unsigned int i;

	if (msg == NULL)
		return NULL;
	for (i = 0; i < msg->n_obj; i++) {
		const struct pcmm_obj *o = &msg->obj[i];

		if (o->s_num != s_num || (s_type != 0 && o->s_type != s_type))
			continue;
		if (nth-- == 0)
			return o;
	}
	return NULL;
}

/* ---------------------------------------------------------------- encode */

int
pcmm_obj_encode(uint8_t *buf, uint32_t cap, const struct pcmm_obj *o)
{
	const struct layout *l;
	uint32_t fixed, body, name_len = 0;
	unsigned int k, ri = 0;
	uint8_t *p;

	if (buf == NULL || o == NULL)
		return -EINVAL;
	l = find_layout(o->s_num, o->s_type);
	if (l == NULL || l->var == V_RAW) {
		/* Unknown objects, Opaque Data and UserID: the body is data. */
		if (o->data_len > 0xffff - PCMM_OBJ_HDR_LEN || (o->data_len > 0 && o->data == NULL) ||
			o->data_len % 4 != 0)
			return -EINVAL;
		body = o->data_len;
	} else {
		fixed = fields_len(l->f, l->nf);
		body = fixed;
		if (l->var == V_ENV) {
			if (o->u.tp.n_env < 1 || o->u.tp.n_env > PCMM_MAX_ENVELOPES)
				return -EINVAL;
			body += o->u.tp.n_env * fields_len(l->e, l->ne);
		} else if (l->var == V_SCN) {
			if (o->u.tp.scn == NULL)
				return -EINVAL;
			if (o->u.tp.scn_len != 0) {
				name_len = o->u.tp.scn_len;
			} else {
				size_t n = bounded_len(o->u.tp.scn, PCMM_SCN_MAX + 1);

				if (n == 0 || n > PCMM_SCN_MAX)
					return -EINVAL;
				name_len = ((uint32_t)n + 1 + 3) & ~3u;
			}
			body += name_len;
		}
	}
	if (PCMM_OBJ_HDR_LEN + body > cap)
		return -ENOSPC;

	wr16(buf, (uint16_t)(PCMM_OBJ_HDR_LEN + body));
	buf[2] = o->s_num;
	buf[3] = o->s_type;
	p = buf + PCMM_OBJ_HDR_LEN;
	if (l == NULL || l->var == V_RAW) {
		if (body > 0)
			memcpy(p, o->data, body);
		return (int)(PCMM_OBJ_HDR_LEN + body);
	}
	p = write_fields(l->f, l->nf, p, (const uint8_t *)&o->u, o, &ri);
	if (l->var == V_ENV) {
		for (k = 0; k < o->u.tp.n_env; k++)
			p = write_fields(l->e, l->ne, p, env_cbase(o, k), o, &ri);
	} else if (l->var == V_SCN) {
		if (o->u.tp.scn_len != 0) {
			memcpy(p, o->u.tp.scn, name_len);
		} else {
			size_t n = strlen(o->u.tp.scn);

			memset(p, 0, name_len);
			memcpy(p, o->u.tp.scn, n);
		}
	}
	return (int)(PCMM_OBJ_HDR_LEN + body);
}

int
pcmm_msg_encode(uint8_t *buf, uint32_t cap, const struct pcmm_msg *msg)
{
	uint32_t off = 0;
	unsigned int i;

	if (buf == NULL || msg == NULL)
		return -EINVAL;
	for (i = 0; i < msg->n_obj && i < PCMM_MAX_OBJS; i++) {
		int n = pcmm_obj_encode(buf + off, cap - off, &msg->obj[i]);

		if (n < 0)
			return n;
		off += (uint32_t)n;
	}
	return (int)off;
}

/* ---------------------------------------------------------------- gates */

#define SBIT(sn) (1u << (sn))

/* Objects each gate command requires (beyond >= 1 classifier where noted). */
static const struct {
	uint32_t required;
	uint8_t need_cls;
} gate_rules[] = {
	[PCMM_GATE_SET] = { SBIT(PCMM_TRANSACTION_ID) | SBIT(PCMM_AMID) | SBIT(PCMM_SUBSCRIBER_ID) |
		SBIT(PCMM_GATE_SPEC) | SBIT(PCMM_TRAFFIC_PROFILE), 1 },
	[PCMM_GATE_SET_ACK] = { SBIT(PCMM_TRANSACTION_ID) | SBIT(PCMM_AMID) |
		SBIT(PCMM_SUBSCRIBER_ID) | SBIT(PCMM_GATE_ID), 0 },
	[PCMM_GATE_SET_ERR] = { SBIT(PCMM_TRANSACTION_ID) | SBIT(PCMM_AMID) |
		SBIT(PCMM_SUBSCRIBER_ID) | SBIT(PCMM_PC_ERROR), 0 },
	[PCMM_GATE_INFO] = { SBIT(PCMM_TRANSACTION_ID) | SBIT(PCMM_AMID) | SBIT(PCMM_SUBSCRIBER_ID) |
		SBIT(PCMM_GATE_ID), 0 },
	[PCMM_GATE_INFO_ACK] = { SBIT(PCMM_TRANSACTION_ID) | SBIT(PCMM_AMID) |
		SBIT(PCMM_SUBSCRIBER_ID) | SBIT(PCMM_GATE_ID) | SBIT(PCMM_GATE_SPEC) |
		SBIT(PCMM_TRAFFIC_PROFILE), 1 },
	[PCMM_GATE_INFO_ERR] = { SBIT(PCMM_TRANSACTION_ID) | SBIT(PCMM_AMID) |
		SBIT(PCMM_SUBSCRIBER_ID) | SBIT(PCMM_GATE_ID) | SBIT(PCMM_PC_ERROR), 0 },
	[PCMM_GATE_DELETE] = { SBIT(PCMM_TRANSACTION_ID) | SBIT(PCMM_AMID) |
		SBIT(PCMM_SUBSCRIBER_ID) | SBIT(PCMM_GATE_ID), 0 },
	[PCMM_GATE_DELETE_ACK] = { SBIT(PCMM_TRANSACTION_ID) | SBIT(PCMM_AMID) |
		SBIT(PCMM_SUBSCRIBER_ID) | SBIT(PCMM_GATE_ID), 0 },
	[PCMM_GATE_DELETE_ERR] = { SBIT(PCMM_TRANSACTION_ID) | SBIT(PCMM_AMID) |
		SBIT(PCMM_SUBSCRIBER_ID) | SBIT(PCMM_GATE_ID) | SBIT(PCMM_PC_ERROR), 0 },
	[PCMM_GATE_OPEN] = { SBIT(PCMM_TRANSACTION_ID) | SBIT(PCMM_AMID) | SBIT(PCMM_SUBSCRIBER_ID) |
		SBIT(PCMM_GATE_ID), 0 },
	[PCMM_GATE_CLOSE] = { SBIT(PCMM_TRANSACTION_ID) | SBIT(PCMM_AMID) |
		SBIT(PCMM_SUBSCRIBER_ID) | SBIT(PCMM_GATE_ID), 0 },
	[PCMM_GATE_REPORT_STATE] = { SBIT(PCMM_TRANSACTION_ID) | SBIT(PCMM_AMID) |
		SBIT(PCMM_SUBSCRIBER_ID) | SBIT(PCMM_GATE_ID) | SBIT(PCMM_GATE_STATE), 0 },
};

static int
is_gate_cmd(uint16_t cmd)
{
	return cmd >= PCMM_GATE_SET && cmd <= PCMM_GATE_REPORT_STATE;
}

/* Which PCMM_GATE_HAS_* bit (if any) an S-Num fills. */
static uint32_t
has_bit(uint8_t s_num)
{
	switch (s_num) {
	case PCMM_GATE_ID:
		return PCMM_GATE_HAS_GATE_ID;
	case PCMM_GATE_SPEC:
		return PCMM_GATE_HAS_SPEC;
	case PCMM_TRAFFIC_PROFILE:
		return PCMM_GATE_HAS_TRAFFIC;
	case PCMM_EVENT_GEN_INFO:
		return PCMM_GATE_HAS_EGI;
	case PCMM_VOLUME_LIMIT:
		return PCMM_GATE_HAS_VOLUME_LIMIT;
	case PCMM_TIME_LIMIT:
		return PCMM_GATE_HAS_TIME_LIMIT;
	case PCMM_OPAQUE_DATA:
		return PCMM_GATE_HAS_OPAQUE;
	case PCMM_PC_ERROR:
		return PCMM_GATE_HAS_ERROR;
	case PCMM_GATE_STATE:
		return PCMM_GATE_HAS_STATE;
	case PCMM_GATE_TIME_INFO:
		return PCMM_GATE_HAS_TIME_INFO;
	case PCMM_GATE_USAGE_INFO:
		return PCMM_GATE_HAS_USAGE_INFO;
	case PCMM_VERSION_INFO:
		return PCMM_GATE_HAS_VERSION;
	default:
		return 0;
	}
}

static void
gate_take(struct pcmm_gate *g, const struct pcmm_obj *o)
{
	switch (o->s_num) {
	case PCMM_TRANSACTION_ID:
		g->txn_id = o->u.txn.id;
		g->cmd = o->u.txn.cmd;
		break;
	case PCMM_AMID:
		g->amid = o->u.amid;
		break;
	case PCMM_SUBSCRIBER_ID:
		g->subscriber = o->u.sub;
		break;
	case PCMM_GATE_ID:
		g->gate_id = o->u.gate_id;
		break;
	case PCMM_GATE_SPEC:
		g->spec = o->u.gate_spec;
		break;
	case PCMM_CLASSIFIER:
		g->cls[g->n_cls++] = o->u.cls;
		break;
	case PCMM_TRAFFIC_PROFILE:
		g->tp = o->u.tp;
		/* Keep the gate self-contained: copy the name, drop the pointer. */
		if (o->s_type == PCMM_TP_SCN) {
			size_t n = bounded_len(o->u.tp.scn, o->u.tp.scn_len);

			memcpy(g->scn, o->u.tp.scn, n);
			g->scn[n] = '\0';
		}
		g->tp.scn = NULL;
		g->tp.scn_len = 0;
		break;
	case PCMM_EVENT_GEN_INFO:
		g->egi = o->u.egi;
		break;
	case PCMM_VOLUME_LIMIT:
		g->volume_limit = o->u.volume_limit;
		break;
	case PCMM_TIME_LIMIT:
		g->time_limit = o->u.time_limit;
		break;
	case PCMM_OPAQUE_DATA:
		g->opaque = o->data;
		g->opaque_len = o->data_len;
		break;
	case PCMM_PC_ERROR:
		g->error = o->u.error;
		break;
	case PCMM_GATE_STATE:
		g->state = o->u.state;
		break;
	case PCMM_GATE_TIME_INFO:
		g->time_committed = o->u.time_committed;
		break;
	case PCMM_GATE_USAGE_INFO:
		g->octets = o->u.octets;
		break;
	case PCMM_VERSION_INFO:
		g->version = o->u.version;
		break;
	}
}

/* S-Nums a gate models; any other known object is accepted and ignored. */
#define GATE_SNUMS                                                                                 \
	(SBIT(PCMM_TRANSACTION_ID) | SBIT(PCMM_AMID) | SBIT(PCMM_SUBSCRIBER_ID) |                  \
		SBIT(PCMM_GATE_ID) | SBIT(PCMM_GATE_SPEC) | SBIT(PCMM_CLASSIFIER) |                \
		SBIT(PCMM_TRAFFIC_PROFILE) | SBIT(PCMM_EVENT_GEN_INFO) |                           \
		SBIT(PCMM_VOLUME_LIMIT) | SBIT(PCMM_TIME_LIMIT) | SBIT(PCMM_OPAQUE_DATA) |         \
		SBIT(PCMM_GATE_TIME_INFO) | SBIT(PCMM_GATE_USAGE_INFO) | SBIT(PCMM_PC_ERROR) |     \
		SBIT(PCMM_GATE_STATE) | SBIT(PCMM_VERSION_INFO))

int
pcmm_gate_decode(const uint8_t *buf, uint32_t len, struct pcmm_gate *g, struct pcmm_err *err)
{
	struct pcmm_obj o;
	uint32_t off = 0, seen = 0, missing_bits;
	unsigned int idx = 0;
	const char *ctx;
	uint8_t sn;
	int rc;

	if (err != NULL)
		memset(err, 0, sizeof(*err));
	if (g == NULL || (buf == NULL && len != 0))
		return fail(err, EINVAL, PCMM_ERR_OTHER, 0, "PCMM", 0, 0, 0, 0, "NULL argument");
	memset(g, 0, sizeof(*g));

	for (;;) {
		rc = next_obj(buf, len, &off, ++idx, &o, err);
		if (rc < 0)
			return rc;
		if (rc == 0)
			break;
		if (idx > PCMM_MAX_OBJS)
			return fail(err, E2BIG, PCMM_ERR_OTHER, 0, "PCMM", (uint16_t)idx, o.offset,
				o.s_num, o.s_type, "more than %u objects", PCMM_MAX_OBJS);
		rc = decode_body(&o, idx, err);
		if (rc < 0)
			return rc;
		if (!o.known || o.s_num >= 32 || !(GATE_SNUMS & SBIT(o.s_num)))
			continue;
		if (o.s_num == PCMM_CLASSIFIER) {
			if (g->n_cls >= PCMM_MAX_CLASSIFIERS)
				return fail(err, E2BIG, PCMM_ERR_TOO_MANY_CLASSIFIERS, 0, "PCMM", (uint16_t)idx,
					o.offset, o.s_num, o.s_type, "more than %u classifiers",
					PCMM_MAX_CLASSIFIERS);
		} else if (seen & SBIT(o.s_num)) {
			return INVALID(err, idx, &o, "duplicate object");
		}
		seen |= SBIT(o.s_num);
		g->present |= has_bit(o.s_num);
		gate_take(g, &o);
	}

	if (!(seen & SBIT(PCMM_TRANSACTION_ID)))
		return fail(err, ENOMSG, PCMM_ERR_MISSING_OBJECT, SUB(PCMM_TRANSACTION_ID, 1), "PCMM", 0,
			0, 0, 0, "missing required object TransactionID (S-Num 1)");
	if (!is_gate_cmd(g->cmd))
		return fail(err, ENOTSUP, PCMM_ERR_UNKNOWN_GATE_CMD, 0, "PCMM", 0, 0, 0, 0,
			"gate command %u (%s) is not a gate command", g->cmd, pcmm_cmd_name(g->cmd));
	ctx = pcmm_cmd_name(g->cmd);
	missing_bits = gate_rules[g->cmd].required & ~seen;
	for (sn = 1; sn < 32; sn++) {
		if (missing_bits & SBIT(sn))
			return fail(err, ENOMSG, PCMM_ERR_MISSING_OBJECT, SUB(sn, 1), ctx, 0, 0, 0, 0,
				"missing required object %s (S-Num %u)", pcmm_obj_name(sn, 1), sn);
	}
	if (gate_rules[g->cmd].need_cls && g->n_cls == 0)
		return fail(err, ENOMSG, PCMM_ERR_MISSING_OBJECT, SUB(PCMM_CLASSIFIER, 1), ctx, 0, 0, 0,
			0, "missing required object Classifier (S-Num 6)");
	return 0;
}

int
pcmm_gate_set_decode(const uint8_t *buf, uint32_t len, struct pcmm_gate *g, struct pcmm_err *err)
{
	int rc = pcmm_gate_decode(buf, len, g, err);

	if (rc == 0 && g->cmd != PCMM_GATE_SET)
		return fail(err, ENOTSUP, PCMM_ERR_UNKNOWN_GATE_CMD, 0, "PCMM", 0, 0, 0, 0,
			"expected Gate-Set, got %s", pcmm_cmd_name(g->cmd));
	return rc;
}

/* Append one object built by the caller; tracks the write offset. */
static int
emit(uint8_t *buf, uint32_t cap, uint32_t *off, struct pcmm_obj *o, uint8_t s_num, uint8_t s_type)
{
	int n;

	o->s_num = s_num;
	o->s_type = s_type;
	n = pcmm_obj_encode(buf + *off, cap - *off, o);
	if (n < 0)
		return n;
	*off += (uint32_t)n;
	return 0;
}

int
pcmm_gate_encode(uint8_t *buf, uint32_t cap, const struct pcmm_gate *g, struct pcmm_err *err)
{
	struct pcmm_gate check;
	struct pcmm_obj o;
	uint32_t off = 0;
	unsigned int i;
	int rc;

	if (err != NULL)
		memset(err, 0, sizeof(*err));
	if (buf == NULL || g == NULL)
		return -EINVAL;

#define EMIT(sn, st, fill)                                                                          \
	do {                                                                                        \
		memset(&o, 0, sizeof(o));                                                           \
		fill;                                                                               \
		rc = emit(buf, cap, &off, &o, sn, st);                                              \
		if (rc < 0)                                                                         \
			return rc;                                                                  \
	} while (0)
#define HAS(bit) (g->present & (bit))

	EMIT(PCMM_TRANSACTION_ID, 1, (o.u.txn.id = g->txn_id, o.u.txn.cmd = g->cmd));
	EMIT(PCMM_AMID, 1, o.u.amid = g->amid);
	if (g->subscriber.family != 4 && g->subscriber.family != 6)
		return -EINVAL;
	EMIT(PCMM_SUBSCRIBER_ID, g->subscriber.family == 4 ? PCMM_SUB_IPV4 : PCMM_SUB_IPV6,
		o.u.sub = g->subscriber);
	if (HAS(PCMM_GATE_HAS_GATE_ID))
		EMIT(PCMM_GATE_ID, 1, o.u.gate_id = g->gate_id);
	if (HAS(PCMM_GATE_HAS_SPEC))
		EMIT(PCMM_GATE_SPEC, 1, o.u.gate_spec = g->spec);
	if (HAS(PCMM_GATE_HAS_TRAFFIC)) {
		EMIT(PCMM_TRAFFIC_PROFILE, g->tp.s_type, (o.u.tp = g->tp,
			o.u.tp.scn = g->tp.s_type == PCMM_TP_SCN ? g->scn : NULL, o.u.tp.scn_len = 0));
	}
	for (i = 0; i < g->n_cls && i < PCMM_MAX_CLASSIFIERS; i++)
		EMIT(PCMM_CLASSIFIER, g->cls[i].s_type, o.u.cls = g->cls[i]);
	if (HAS(PCMM_GATE_HAS_EGI))
		EMIT(PCMM_EVENT_GEN_INFO, 1, o.u.egi = g->egi);
	if (HAS(PCMM_GATE_HAS_VOLUME_LIMIT))
		EMIT(PCMM_VOLUME_LIMIT, 1, o.u.volume_limit = g->volume_limit);
	if (HAS(PCMM_GATE_HAS_TIME_LIMIT))
		EMIT(PCMM_TIME_LIMIT, 1, o.u.time_limit = g->time_limit);
	if (HAS(PCMM_GATE_HAS_OPAQUE))
		EMIT(PCMM_OPAQUE_DATA, 1, (o.data = g->opaque, o.data_len = g->opaque_len));
	if (HAS(PCMM_GATE_HAS_ERROR))
		EMIT(PCMM_PC_ERROR, 1, o.u.error = g->error);
	if (HAS(PCMM_GATE_HAS_STATE))
		EMIT(PCMM_GATE_STATE, 1, o.u.state = g->state);
	if (HAS(PCMM_GATE_HAS_TIME_INFO))
		EMIT(PCMM_GATE_TIME_INFO, 1, o.u.time_committed = g->time_committed);
	if (HAS(PCMM_GATE_HAS_USAGE_INFO))
		EMIT(PCMM_GATE_USAGE_INFO, 1, o.u.octets = g->octets);
	if (HAS(PCMM_GATE_HAS_VERSION))
		EMIT(PCMM_VERSION_INFO, 1, o.u.version = g->version);
#undef EMIT
#undef HAS

	/* Self-check: the command must carry what it requires. */
	rc = pcmm_gate_decode(buf, off, &check, err);
	return rc < 0 ? rc : (int)off;
}

int
pcmm_gate_set_encode(uint8_t *buf, uint32_t cap, const struct pcmm_gate *gate)
{
	struct pcmm_gate g;

	if (gate == NULL)
		return -EINVAL;
	g = *gate;
	g.cmd = PCMM_GATE_SET;
	return pcmm_gate_encode(buf, cap, &g, NULL);
}

static void
gate_header(struct pcmm_gate *g, uint16_t cmd, uint16_t txn_id, const struct pcmm_amid *amid,
	const struct pcmm_subscriber_id *sub)
{
	memset(g, 0, sizeof(*g));
	g->cmd = cmd;
	g->txn_id = txn_id;
	if (amid != NULL)
		g->amid = *amid;
	if (sub != NULL)
		g->subscriber = *sub;
}

int
pcmm_gate_ref_encode(uint8_t *buf, uint32_t cap, uint16_t cmd, uint16_t txn_id,
	const struct pcmm_amid *amid, const struct pcmm_subscriber_id *sub, uint32_t gate_id)
{
	struct pcmm_gate g;

	gate_header(&g, cmd, txn_id, amid, sub);
	g.gate_id = gate_id;
	g.present = PCMM_GATE_HAS_GATE_ID;
	return pcmm_gate_encode(buf, cap, &g, NULL);
}

int
pcmm_gate_err_encode(uint8_t *buf, uint32_t cap, uint16_t cmd, uint16_t txn_id,
	const struct pcmm_amid *amid, const struct pcmm_subscriber_id *sub, uint32_t gate_id,
	uint16_t error_code, uint16_t error_sub_code)
{
	struct pcmm_gate g;

	gate_header(&g, cmd, txn_id, amid, sub);
	g.present = PCMM_GATE_HAS_ERROR;
	if (gate_id != 0) {
		g.gate_id = gate_id;
		g.present |= PCMM_GATE_HAS_GATE_ID;
	}
	g.error.code = error_code;
	g.error.sub_code = error_sub_code;
	return pcmm_gate_encode(buf, cap, &g, NULL);
}

int
pcmm_gate_report_state_encode(uint8_t *buf, uint32_t cap, uint16_t txn_id,
	const struct pcmm_amid *amid, const struct pcmm_subscriber_id *sub, uint32_t gate_id,
	uint16_t state, uint16_t reason)
{
	struct pcmm_gate g;

	gate_header(&g, PCMM_GATE_REPORT_STATE, txn_id, amid, sub);
	g.gate_id = gate_id;
	g.state.state = state;
	g.state.reason = reason;
	g.present = PCMM_GATE_HAS_GATE_ID | PCMM_GATE_HAS_STATE;
	return pcmm_gate_encode(buf, cap, &g, NULL);
}

/* ---------------------------------------------------------------- COPS framing */

static int
is_err_cmd(uint16_t cmd)
{
	return cmd == PCMM_GATE_SET_ERR || cmd == PCMM_GATE_INFO_ERR || cmd == PCMM_GATE_DELETE_ERR ||
		cmd == PCMM_INVALID_GATE_CMD_ERR || cmd == PCMM_PDP_CONFIG_ERR;
}

/* Finish a COPS message whose last object carries the encoded gate. */
static int
cops_wrap_gate(struct cops_builder *b, uint8_t c_num, uint8_t c_type, const struct pcmm_gate *g)
{
	struct cops_msg check;
	uint32_t room;
	uint8_t *tail;
	int n;

	/*
	 * The gate must be the last COPS object: Wireshark walks PCMM objects
	 * to the end of the COPS PDU, not of the enclosing object, so anything
	 * after it would be shown as bogus PCMM objects.
	 */
	cops_builder_begin(b, c_num, c_type);
	tail = cops_builder_tail(b, &room);
	if (tail == NULL)
		return cops_builder_finish(b);
	n = pcmm_gate_encode(tail, room, g, NULL);
	if (n < 0)
		return n;
	cops_builder_commit(b, (uint32_t)n);
	cops_builder_end(b);
	n = cops_builder_finish(b);
	if (n < 0)
		return n;
	return cops_msg_decode(b->buf, (uint32_t)n, &check, NULL) == 0 ? n : -EINVAL;
}

int
pcmm_cops_dec_encode(uint8_t *buf, uint32_t cap, int solicited, const void *handle,
	uint16_t handle_len, const struct pcmm_gate *gate)
{
	struct cops_builder b;
	struct cops_obj o;

	if (gate == NULL || handle == NULL || handle_len == 0)
		return -EINVAL;
	cops_builder_init(&b, buf, cap, COPS_OP_DEC, solicited ? COPS_FLAG_SOLICITED : 0,
		COPS_CLIENT_PCMM);
	memset(&o, 0, sizeof(o));
	o.c_num = COPS_OBJ_HANDLE;
	o.c_type = 1;
	o.data = handle;
	o.data_len = handle_len;
	cops_builder_obj(&b, &o);
	memset(&o, 0, sizeof(o));
	o.c_num = COPS_OBJ_CONTEXT;
	o.c_type = 1;
	o.u.context.r_type = COPS_RTYPE_CONFIG;
	cops_builder_obj(&b, &o);
	memset(&o, 0, sizeof(o));
	o.c_num = COPS_OBJ_DECISION;
	o.c_type = COPS_DEC_FLAGS;
	o.u.decision.cmd = COPS_DEC_CMD_INSTALL;
	cops_builder_obj(&b, &o);
	return cops_wrap_gate(&b, COPS_OBJ_DECISION, COPS_DEC_CLIENT_SI, gate);
}

int
pcmm_cops_rpt_encode(uint8_t *buf, uint32_t cap, const void *handle, uint16_t handle_len,
	const struct pcmm_gate *gate)
{
	struct cops_builder b;
	struct cops_obj o;
	uint8_t flags;

	if (gate == NULL || handle == NULL || handle_len == 0)
		return -EINVAL;
	/* Acks and errors answer a DEC; a report of state change is unsolicited. */
	flags = gate->cmd == PCMM_GATE_REPORT_STATE ? 0 : COPS_FLAG_SOLICITED;
	cops_builder_init(&b, buf, cap, COPS_OP_RPT, flags, COPS_CLIENT_PCMM);
	memset(&o, 0, sizeof(o));
	o.c_num = COPS_OBJ_HANDLE;
	o.c_type = 1;
	o.data = handle;
	o.data_len = handle_len;
	cops_builder_obj(&b, &o);
	memset(&o, 0, sizeof(o));
	o.c_num = COPS_OBJ_REPORT_TYPE;
	o.c_type = 1;
	o.u.report.type = is_err_cmd(gate->cmd) ? COPS_REPORT_FAILURE : COPS_REPORT_SUCCESS;
	cops_builder_obj(&b, &o);
	return cops_wrap_gate(&b, COPS_OBJ_CLIENTSI, COPS_CLIENTSI_SIGNALED, gate);
}

int
pcmm_cops_gate_decode(const struct cops_msg *msg, struct pcmm_gate *gate, struct pcmm_err *err)
{
	const struct cops_obj *o = NULL;

	if (err != NULL)
		memset(err, 0, sizeof(*err));
	if (msg == NULL || gate == NULL)
		return fail(err, EINVAL, PCMM_ERR_OTHER, 0, "PCMM", 0, 0, 0, 0, "NULL argument");
	if (msg->hdr.client_type == COPS_CLIENT_PCMM) {
		if (msg->hdr.op_code == COPS_OP_DEC)
			o = cops_msg_find(msg, COPS_OBJ_DECISION, COPS_DEC_CLIENT_SI, 0);
		else
			o = cops_msg_find(msg, COPS_OBJ_CLIENTSI, COPS_CLIENTSI_SIGNALED, 0);
	}
	if (o == NULL)
		return fail(err, ENOENT, PCMM_ERR_MISSING_OBJECT, 0, "PCMM", 0, 0, 0, 0,
			"%s (client-type 0x%04x) carries no PacketCable Multimedia data",
			cops_op_name(msg->hdr.op_code), msg->hdr.client_type);
	return pcmm_gate_decode(o->data, o->data_len, gate, err);
}
