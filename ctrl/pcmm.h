/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PacketCable Multimedia (PCMM, COPS client-type 0x800A) object codec.
 *
 * PCMM objects travel inside COPS objects: in a DEC as Decision C-Type 4
 * (client specific decision data) from the Policy Server, and in REQ/RPT as
 * ClientSI C-Type 1 from the CMTS (the PEP). Each PCMM object has a COPS-like
 * 4-byte header: Length(2) S-Num(1) S-Type(1).
 *
 * S-Num/S-Type numbers and field layouts follow Wireshark's packet-cops.c
 * (4.0), which is our reference for "what decodes cleanly"; traffic
 * profiles use the PCMM I05 layouts (envelopes carrying the Attribute
 * Aggregation Rule Mask).
 *
 * Two layers:
 *  - objects: pcmm_msg_decode() splits a PCMM object sequence into a bounded
 *    array of typed objects (struct pcmm_obj), strictly length-checked.
 *    Unknown S-Num/S-Type are kept raw, counted and reported, not rejected.
 *    Decoding is lossless (reserved bytes are kept), so
 *    pcmm_msg_encode(pcmm_msg_decode(buf)) == buf.
 *  - gates: struct pcmm_gate is what vpep-ctrl works with (gate id,
 *    direction, DSCP, classifiers, traffic profile, session class, timers,
 *    ...). pcmm_gate_decode() checks the objects a gate command requires;
 *    pcmm_gate_*_encode() build Gate-Set, -Ack, -Err, Gate-Info, Gate-Delete,
 *    Gate-Report-State.
 *
 * No I/O, no allocation; decoders never read outside [buf, buf + len) and
 * return pointers into buf for variable-length data.
 */

#ifndef VPEP_CTRL_PCMM_H
#define VPEP_CTRL_PCMM_H

#include <stdint.h>

#include "cops_codec.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PCMM_OBJ_HDR_LEN	4
#define PCMM_MAX_OBJS		32	/* per object sequence; more -> -E2BIG */
#define PCMM_MAX_CLASSIFIERS	4	/* per gate */
#define PCMM_MAX_ENVELOPES	3	/* authorized, reserved, committed */
#define PCMM_MAX_RSVD		16	/* reserved bytes kept per object */
#define PCMM_SCN_MAX		15	/* DOCSIS service class name chars */
#define PCMM_ERR_MSG_LEN	192

/* S-Num values. */
enum pcmm_snum {
	PCMM_TRANSACTION_ID = 1,
	PCMM_AMID = 2,
	PCMM_SUBSCRIBER_ID = 3,		/* S-Type 1 IPv4, 2 IPv6 */
	PCMM_GATE_ID = 4,
	PCMM_GATE_SPEC = 5,
	PCMM_CLASSIFIER = 6,		/* S-Type 1 legacy, 2 extended, 3 IPv6 */
	PCMM_TRAFFIC_PROFILE = 7,	/* S-Type: enum pcmm_tp_type */
	PCMM_EVENT_GEN_INFO = 8,
	PCMM_VOLUME_LIMIT = 9,
	PCMM_TIME_LIMIT = 10,
	PCMM_OPAQUE_DATA = 11,
	PCMM_GATE_TIME_INFO = 12,
	PCMM_GATE_USAGE_INFO = 13,
	PCMM_PC_ERROR = 14,
	PCMM_GATE_STATE = 15,
	PCMM_VERSION_INFO = 16,
	PCMM_PSID = 17,
	PCMM_SYNCH_OPTIONS = 18,
	PCMM_MSG_RECEIPT_KEY = 19,
	PCMM_USERID = 21,
	PCMM_SHARED_RESOURCE_ID = 22,
};

#define PCMM_SUB_IPV4		1
#define PCMM_SUB_IPV6		2
#define PCMM_CLS_LEGACY		1
#define PCMM_CLS_EXTENDED	2
#define PCMM_CLS_IPV6		3

/* Traffic Profile S-Types. */
enum pcmm_tp_type {
	PCMM_TP_FLOWSPEC = 1,
	PCMM_TP_SCN = 2,		/* DOCSIS service class name */
	PCMM_TP_BE = 3,			/* best effort */
	PCMM_TP_NRTPS = 4,		/* non-real-time polling */
	PCMM_TP_RTPS = 5,		/* real-time polling */
	PCMM_TP_UGS = 6,		/* unsolicited grant */
	PCMM_TP_UGS_AD = 7,		/* UGS with activity detection */
	PCMM_TP_DOWNSTREAM = 8,
	PCMM_TP_UPSTREAM_DROP = 9,
};

/* Gate command types (TransactionID). */
enum pcmm_cmd {
	PCMM_GATE_SET = 4,
	PCMM_GATE_SET_ACK = 5,
	PCMM_GATE_SET_ERR = 6,
	PCMM_GATE_INFO = 7,
	PCMM_GATE_INFO_ACK = 8,
	PCMM_GATE_INFO_ERR = 9,
	PCMM_GATE_DELETE = 10,
	PCMM_GATE_DELETE_ACK = 11,
	PCMM_GATE_DELETE_ERR = 12,
	PCMM_GATE_OPEN = 13,
	PCMM_GATE_CLOSE = 14,
	PCMM_GATE_REPORT_STATE = 15,
	PCMM_INVALID_GATE_CMD_ERR = 16,
	PCMM_PDP_CONFIG = 17,
	PCMM_PDP_CONFIG_ACK = 18,
	PCMM_PDP_CONFIG_ERR = 19,
	PCMM_SYNCH_REQUEST = 20,
	PCMM_SYNCH_REPORT = 21,
	PCMM_SYNCH_COMPLETE = 22,
	PCMM_MSG_RECEIPT = 23,
};

/* PacketCable Error codes (S-Num 14). */
enum pcmm_error_code {
	PCMM_ERR_INSUFFICIENT_RESOURCES = 1,
	PCMM_ERR_UNKNOWN_GATE_ID = 2,
	PCMM_ERR_MISSING_OBJECT = 6,	/* sub-code = S-Num << 8 | S-Type */
	PCMM_ERR_INVALID_OBJECT = 7,	/* sub-code = S-Num << 8 | S-Type */
	PCMM_ERR_VOLUME_LIMIT = 8,
	PCMM_ERR_TIME_LIMIT = 9,
	PCMM_ERR_SESSION_CLASS_LIMIT = 10,
	PCMM_ERR_UNDEFINED_SCN = 11,
	PCMM_ERR_INCOMPATIBLE_ENVELOPE = 12,
	PCMM_ERR_INVALID_SUBSCRIBER = 13,
	PCMM_ERR_UNAUTHORIZED_AMID = 14,
	PCMM_ERR_TOO_MANY_CLASSIFIERS = 15,
	PCMM_ERR_POLICY_EXCEPTION = 16,
	PCMM_ERR_INVALID_FIELD = 17,
	PCMM_ERR_TRANSPORT = 18,
	PCMM_ERR_UNKNOWN_GATE_CMD = 19,
	PCMM_ERR_UNAUTHORIZED_PSID = 20,
	PCMM_ERR_NO_STATE_FOR_PDP = 21,
	PCMM_ERR_UNSUPPORTED_SYNCH = 22,
	PCMM_ERR_INCREMENTAL_INCOMPLETE = 23,
	PCMM_ERR_OTHER = 127,
};

/* Gate State values (S-Num 15). */
enum pcmm_gate_state_value {
	PCMM_STATE_IDLE = 1,
	PCMM_STATE_AUTHORIZED = 2,
	PCMM_STATE_RESERVED = 3,
	PCMM_STATE_COMMITTED = 4,
	PCMM_STATE_COMMITTED_RECOVERY = 5,
};

/* GateSpec flags and session class bits. */
#define PCMM_GATE_FLAG_UPSTREAM		0x01	/* direction: 0 downstream, 1 upstream */
#define PCMM_GATE_FLAG_DSCP_OVERWRITE	0x02
#define PCMM_SESSION_PRIORITY_MASK	0x07
#define PCMM_SESSION_PREEMPTION		0x08

/* Classifier activation state / action. */
#define PCMM_CLS_INACTIVE	0
#define PCMM_CLS_ACTIVE		1
#define PCMM_CLS_ADD		0
#define PCMM_CLS_REPLACE	1
#define PCMM_CLS_DELETE		2
#define PCMM_CLS_NO_CHANGE	3

/* Traffic profile envelope bits. */
#define PCMM_ENV_AUTHORIZED	0x1
#define PCMM_ENV_RESERVED	0x2
#define PCMM_ENV_COMMITTED	0x4

struct pcmm_transaction_id {
	uint16_t id;
	uint16_t cmd;		/* enum pcmm_cmd */
};

struct pcmm_amid {
	uint16_t app_type;
	uint16_t am_tag;
};

struct pcmm_subscriber_id {
	uint8_t family;		/* 4 or 6 (from the S-Type) */
	uint8_t addr[16];	/* network order; IPv4 in addr[0..3] */
};

struct pcmm_gate_spec {
	uint8_t flags;		/* PCMM_GATE_FLAG_* */
	uint8_t dscp_tos;	/* DS field value to mark (with overwrite flag) */
	uint8_t dscp_tos_mask;
	uint8_t session_class;	/* priority (0x07), preemption (0x08), configurable (0xf0) */
	uint16_t t1, t2, t3, t4; /* seconds */
};

/*
 * One classifier; s_type says which fields the wire carries:
 *  legacy (6/1): protocol, dscp, src, dst, sport, dport, priority
 *  extended (6/2): + masks, port ranges, id, activation, action
 *  IPv6 (6/3): flags, tc low/high/mask, flow label, next header (protocol),
 *    prefix lengths, 16-byte addresses, port ranges, id, priority,
 *    activation, action
 * Addresses are network-order bytes; IPv4 ones use src[0..3] / dst[0..3].
 */
struct pcmm_classifier {
	uint8_t s_type;		/* PCMM_CLS_* (not a wire field of the body) */
	uint16_t protocol;	/* IP protocol / IPv6 next header; 256 = any */
	uint8_t dscp_tos;
	uint8_t dscp_tos_mask;
	uint8_t src[16];
	uint8_t src_mask[4];
	uint8_t dst[16];
	uint8_t dst_mask[4];
	uint8_t src_prefix;
	uint8_t dst_prefix;
	uint16_t sport, sport_end;
	uint16_t dport, dport_end;
	uint16_t id;
	uint8_t priority;
	uint8_t activation;	/* PCMM_CLS_INACTIVE / ACTIVE */
	uint8_t action;		/* PCMM_CLS_ADD ... NO_CHANGE */
	uint8_t flags;		/* IPv6 */
	uint8_t tc_low, tc_high, tc_mask;
	uint32_t flow_label;
};

/* RSVP-style FlowSpec envelope (7/1). Floats are IEEE-754 bit patterns. */
struct pcmm_flowspec_env {
	uint32_t token_rate;	/* float bytes/s */
	uint32_t token_size;	/* float bytes */
	uint32_t peak_rate;	/* float bytes/s */
	uint32_t min_policed_unit;
	uint32_t max_packet_size;
	uint32_t rate;		/* float bytes/s */
	uint32_t slack_term;	/* microseconds */
};

/* DOCSIS parameter envelope (7/3..7/8); each S-Type uses a subset. */
struct pcmm_docsis_env {
	uint8_t traffic_priority;
	uint8_t ds_resequencing;
	uint32_t req_tx_policy;
	uint32_t max_sustained_rate;
	uint32_t max_burst;
	uint32_t min_reserved_rate;
	uint16_t min_rsv_pkt_size;
	uint16_t max_concat_burst;
	uint32_t nominal_poll_interval;
	uint32_t tolerated_poll_jitter;
	uint16_t unsolicited_grant_size;
	uint8_t grants_per_interval;
	uint32_t nominal_grant_interval;
	uint32_t tolerated_grant_jitter;
	uint32_t max_ds_latency;
	uint32_t ds_peak_rate;
	uint32_t req_attr_mask;
	uint32_t forbid_attr_mask;
	uint32_t attr_aggr_mask;
};

struct pcmm_traffic_profile {
	uint8_t s_type;		/* enum pcmm_tp_type (not a wire field of the body) */
	uint8_t envelope;	/* PCMM_ENV_* */
	uint8_t service_number;	/* FlowSpec: 2 guaranteed, 5 controlled load */
	uint8_t n_env;		/* envelopes present, 1..3 (0 for SCN, upstream drop) */
	/* SCN (7/2): the name field, NUL-terminated, zero padded. On encode,
	 * scn_len 0 means "scn is a C string: add NUL and padding". */
	const char *scn;
	uint16_t scn_len;
	union {
		struct pcmm_flowspec_env fs[PCMM_MAX_ENVELOPES];
		struct pcmm_docsis_env docsis[PCMM_MAX_ENVELOPES];
	};
};

struct pcmm_event_gen_info {
	uint8_t prks_addr[4];
	uint16_t prks_port;
	uint8_t srks_addr[4];
	uint16_t srks_port;
	uint32_t bcid_timestamp;
	uint8_t bcid_element_id[8];
	uint8_t bcid_time_zone[8];
	uint32_t bcid_event_counter;
};

struct pcmm_error {
	uint16_t code;		/* enum pcmm_error_code */
	uint16_t sub_code;
};

struct pcmm_gate_state {
	uint16_t state;		/* enum pcmm_gate_state_value */
	uint16_t reason;
};

struct pcmm_version {
	uint16_t major;
	uint16_t minor;
};

struct pcmm_synch_options {
	uint8_t report_type;
	uint8_t synch_type;
};

/*
 * One PCMM object. data/data_len are the body (after the header) inside the
 * decoded buffer; for Opaque Data, UserID and unknown objects they are also
 * what gets encoded. rsvd[] keeps reserved bytes in wire order so that
 * re-encoding is byte exact; leave it zeroed when building objects.
 */
struct pcmm_obj {
	uint32_t offset;	/* of the header inside the decoded sequence */
	uint16_t len;
	uint8_t s_num;
	uint8_t s_type;
	uint8_t known;		/* 0: unknown S-Num/S-Type, carried raw */
	uint8_t n_rsvd;
	uint8_t rsvd[PCMM_MAX_RSVD];
	const uint8_t *data;
	uint16_t data_len;
	union {
		struct pcmm_transaction_id txn;
		struct pcmm_amid amid;
		struct pcmm_subscriber_id sub;
		uint32_t gate_id;
		struct pcmm_gate_spec gate_spec;
		struct pcmm_classifier cls;
		struct pcmm_traffic_profile tp;
		struct pcmm_event_gen_info egi;
		uint64_t volume_limit;		/* kilobytes */
		uint32_t time_limit;		/* seconds */
		uint32_t time_committed;	/* Gate Time Info, epoch seconds */
		uint64_t octets;		/* Gate Usage Info */
		struct pcmm_error error;
		struct pcmm_gate_state state;
		struct pcmm_version version;
		uint32_t psid;
		struct pcmm_synch_options synch;
		uint32_t msg_receipt_key;
		uint32_t shared_resource_id;
	} u;
};

/* A decoded PCMM object sequence. */
struct pcmm_msg {
	uint16_t n_obj;
	uint16_t n_unknown;	/* objects with known == 0 */
	struct pcmm_obj obj[PCMM_MAX_OBJS];
};

/*
 * Failure details. code/sub_code are the PacketCable Error object values
 * the CMTS should return in a Gate-*-Err (e.g. 6 Missing Required Object or
 * 7 Invalid Object with sub-code S-Num << 8 | S-Type).
 */
struct pcmm_err {
	int errnum;
	uint16_t code;		/* enum pcmm_error_code */
	uint16_t sub_code;
	uint16_t obj_index;	/* 1-based, 0 = message level */
	uint32_t offset;
	uint8_t s_num, s_type;
	char msg[PCMM_ERR_MSG_LEN];
};

/*
 * Decode a PCMM object sequence (the body of a ClientSI C-Type 1 or a
 * Decision C-Type 4). Returns 0 or:
 *  -EBADMSG  framing or object length/value error (code 7 or 17)
 *  -E2BIG    more than PCMM_MAX_OBJS objects (code 127)
 *  -EINVAL   NULL argument
 * An empty sequence is valid (n_obj 0). err may be NULL.
 */
int pcmm_msg_decode(const uint8_t *buf, uint32_t len, struct pcmm_msg *msg, struct pcmm_err *err);

/*
 * Encode one object / a sequence. Length fields are computed. Returns bytes
 * written, -ENOSPC, or -EINVAL for an object that cannot be encoded (bad
 * S-Num/S-Type for a known object, envelope count out of range, ...).
 */
int pcmm_obj_encode(uint8_t *buf, uint32_t cap, const struct pcmm_obj *obj);
int pcmm_msg_encode(uint8_t *buf, uint32_t cap, const struct pcmm_msg *msg);

/* Find the nth (0-based) object with s_num and, if s_type != 0, s_type. */
const struct pcmm_obj *pcmm_msg_find(const struct pcmm_msg *msg, uint8_t s_num, uint8_t s_type,
	unsigned int nth);

/* IEEE-754 helpers for FlowSpec fields. */
uint32_t pcmm_f32_bits(float f);
float pcmm_f32_value(uint32_t bits);

/* PCMM_GATE_HAS_*: optional parts of struct pcmm_gate that are present. */
#define PCMM_GATE_HAS_GATE_ID		0x0001
#define PCMM_GATE_HAS_SPEC		0x0002
#define PCMM_GATE_HAS_TRAFFIC		0x0004
#define PCMM_GATE_HAS_EGI		0x0008
#define PCMM_GATE_HAS_VOLUME_LIMIT	0x0010
#define PCMM_GATE_HAS_TIME_LIMIT	0x0020
#define PCMM_GATE_HAS_OPAQUE		0x0040
#define PCMM_GATE_HAS_ERROR		0x0080
#define PCMM_GATE_HAS_STATE		0x0100
#define PCMM_GATE_HAS_TIME_INFO		0x0200
#define PCMM_GATE_HAS_USAGE_INFO	0x0400
#define PCMM_GATE_HAS_VERSION		0x0800

/*
 * A gate command and the gate it is about. Copyable: the SCN is copied into
 * scn[], only opaque points into the decoded buffer.
 */
struct pcmm_gate {
	uint16_t txn_id;
	uint16_t cmd;			/* enum pcmm_cmd */
	uint32_t present;		/* PCMM_GATE_HAS_* */
	struct pcmm_amid amid;
	struct pcmm_subscriber_id subscriber;
	uint32_t gate_id;
	struct pcmm_gate_spec spec;	/* direction, DSCP, session class, T1..T4 */
	struct pcmm_traffic_profile tp;	/* tp.scn is unused (NULL): the SCN is scn[] */
	char scn[PCMM_SCN_MAX + 1];
	uint8_t n_cls;
	struct pcmm_classifier cls[PCMM_MAX_CLASSIFIERS];
	struct pcmm_event_gen_info egi;
	uint64_t volume_limit;
	uint32_t time_limit;
	const uint8_t *opaque;
	uint16_t opaque_len;
	struct pcmm_error error;
	struct pcmm_gate_state state;
	uint32_t time_committed;
	uint64_t octets;
	struct pcmm_version version;
};

/*
 * Decode a PCMM object sequence as a gate command and check the objects
 * the command requires (see docs/cops-codec.md). Objects a gate does not
 * model (PSID, UserID, ...) and unknown objects are ignored. Returns 0 or:
 *  -EBADMSG  as pcmm_msg_decode(), or a duplicated object (code 7)
 *  -ENOMSG   a required object is missing (code 6, sub S-Num << 8 | S-Type)
 *  -ENOTSUP  not a gate command, or no TransactionID (code 19)
 *  -E2BIG    more than PCMM_MAX_CLASSIFIERS classifiers (code 15)
 */
int pcmm_gate_decode(const uint8_t *buf, uint32_t len, struct pcmm_gate *gate,
	struct pcmm_err *err);

/*
 * Encode a gate command: TransactionID, AMID, SubscriberID, then the
 * present parts in PCMM order. The output is checked with
 * pcmm_gate_decode(). Returns bytes written, -ENOSPC, or the decoder's
 * error for an incomplete gate (err may be NULL).
 */
int pcmm_gate_encode(uint8_t *buf, uint32_t cap, const struct pcmm_gate *gate,
	struct pcmm_err *err);

/* Gate-Set: gate->cmd is forced to PCMM_GATE_SET. */
int pcmm_gate_set_encode(uint8_t *buf, uint32_t cap, const struct pcmm_gate *gate);
/* Decode and require a Gate-Set. */
int pcmm_gate_set_decode(const uint8_t *buf, uint32_t len, struct pcmm_gate *gate,
	struct pcmm_err *err);
/* Gate-Set-Ack, Gate-Info, Gate-Delete, Gate-Delete-Ack (and Open/Close). */
int pcmm_gate_ref_encode(uint8_t *buf, uint32_t cap, uint16_t cmd, uint16_t txn_id,
	const struct pcmm_amid *amid, const struct pcmm_subscriber_id *sub, uint32_t gate_id);
/* Gate-Set-Err / Gate-Info-Err / Gate-Delete-Err; gate_id 0 = omit (Set-Err only). */
int pcmm_gate_err_encode(uint8_t *buf, uint32_t cap, uint16_t cmd, uint16_t txn_id,
	const struct pcmm_amid *amid, const struct pcmm_subscriber_id *sub, uint32_t gate_id,
	uint16_t error_code, uint16_t error_sub_code);
/* Gate-Report-State with a Gate State object. */
int pcmm_gate_report_state_encode(uint8_t *buf, uint32_t cap, uint16_t txn_id,
	const struct pcmm_amid *amid, const struct pcmm_subscriber_id *sub, uint32_t gate_id,
	uint16_t state, uint16_t reason);

/*
 * COPS framing for PCMM: a DEC (Handle, Context R-Type Configuration,
 * Decision Install, Decision C-Type 4 = gate) from the Policy Server, or an
 * RPT (Handle, Report-Type, ClientSI C-Type 1 = gate) from the CMTS; the
 * report type is Failure for *-Err commands and Success otherwise.
 * Client-type is 0x800A. Returns bytes written or a negative errno.
 */
int pcmm_cops_dec_encode(uint8_t *buf, uint32_t cap, int solicited, const void *handle,
	uint16_t handle_len, const struct pcmm_gate *gate);
int pcmm_cops_rpt_encode(uint8_t *buf, uint32_t cap, const void *handle, uint16_t handle_len,
	const struct pcmm_gate *gate);
/*
 * Find the PCMM payload of a decoded COPS message (client-type 0x800A: a
 * DEC's Decision C-Type 4, or the ClientSI C-Type 1 of a REQ/RPT/OPN) and
 * decode it as a gate command. -ENOENT if the message carries none.
 */
int pcmm_cops_gate_decode(const struct cops_msg *msg, struct pcmm_gate *gate,
	struct pcmm_err *err);

/* Names for logs; never NULL. */
const char *pcmm_cmd_name(uint16_t cmd);
const char *pcmm_obj_name(uint8_t s_num, uint8_t s_type);
const char *pcmm_error_name(uint16_t code);
const char *pcmm_gate_state_name(uint16_t state);

#ifdef __cplusplus
}
#endif

#endif /* VPEP_CTRL_PCMM_H */
