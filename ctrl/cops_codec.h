/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * COPS (RFC 2748) message codec: pure encode/decode, no I/O, no allocation.
 *
 * Decoding validates a complete message (one frame, as delimited by the
 * Message Length of the common header) and produces a header plus a bounded
 * array of objects whose contents point INTO the caller's buffer (zero copy).
 * Every fixed-layout object also gets a typed view (struct cops_obj.u).
 *
 * Decoding is lossless for valid messages: every byte other than object
 * padding is represented in struct cops_msg (reserved fields included), and
 * padding must be zero, so cops_msg_encode(cops_msg_decode(buf)) == buf.
 *
 * On error the decoder fills struct cops_err with a one-line description
 * naming the offending object, e.g.
 *   "DEC: object #3 Decision (C-Num 6, C-Type 1) at offset 24: length 6, expected 8"
 * and with the RFC 2748 Error-Code / Sub-code the PEP should report back.
 *
 * Encoding writes into a caller-provided buffer with a capacity, fills the
 * message length, pads objects to 32 bits and checks the produced message
 * with the decoder, so nothing this module emits is rejected by it.
 *
 * See docs/cops-codec.md for the object table, validation rules and the
 * error mapping.
 */

#ifndef VPEP_CTRL_COPS_CODEC_H
#define VPEP_CTRL_COPS_CODEC_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define COPS_VERSION		1
#define COPS_HDR_LEN		8	/* common header */
#define COPS_OBJ_HDR_LEN	4	/* Length(2) C-Num(1) C-Type(1) */
#define COPS_OBJ_MAX_LEN	0xffff	/* object Length is 16 bits */
#define COPS_MAX_OBJS		32	/* objects kept per message; more -> -E2BIG */
#define COPS_ERR_MSG_LEN	192
#define COPS_TCP_PORT		3288

/* Common header flags (RFC 2748 2.1). All other bits MUST be 0. */
#define COPS_FLAG_SOLICITED	0x1

/* Client types we name; everything else is carried opaquely. */
#define COPS_CLIENT_KA		0x0000	/* KA messages MUST use 0 */
#define COPS_CLIENT_RSVP	0x0001
#define COPS_CLIENT_PR		0x0002	/* COPS-PR / DiffServ QoS */
#define COPS_CLIENT_PC_DQOS	0x8008	/* PacketCable Dynamic QoS */
#define COPS_CLIENT_PCMM	0x800a	/* PacketCable Multimedia */

enum cops_op {
	COPS_OP_REQ = 1,	/* Request */
	COPS_OP_DEC = 2,	/* Decision */
	COPS_OP_RPT = 3,	/* Report State */
	COPS_OP_DRQ = 4,	/* Delete Request State */
	COPS_OP_SSQ = 5,	/* Synchronize State Request */
	COPS_OP_OPN = 6,	/* Client-Open */
	COPS_OP_CAT = 7,	/* Client-Accept */
	COPS_OP_CC = 8,		/* Client-Close */
	COPS_OP_KA = 9,		/* Keep-Alive */
	COPS_OP_SSC = 10,	/* Synchronize Complete */
};

/* Object C-Num values (RFC 2748 2.2). */
enum cops_cnum {
	COPS_OBJ_HANDLE = 1,
	COPS_OBJ_CONTEXT = 2,
	COPS_OBJ_IN_INT = 3,
	COPS_OBJ_OUT_INT = 4,
	COPS_OBJ_REASON = 5,
	COPS_OBJ_DECISION = 6,
	COPS_OBJ_LPDP_DECISION = 7,
	COPS_OBJ_ERROR = 8,
	COPS_OBJ_CLIENTSI = 9,
	COPS_OBJ_KA_TIMER = 10,
	COPS_OBJ_PEPID = 11,
	COPS_OBJ_REPORT_TYPE = 12,
	COPS_OBJ_PDP_REDIR_ADDR = 13,
	COPS_OBJ_LAST_PDP_ADDR = 14,
	COPS_OBJ_ACCT_TIMER = 15,
	COPS_OBJ_INTEGRITY = 16,
};

/* C-Types shared by several objects. */
#define COPS_CTYPE_IPV4		1	/* In-Int, Out-Int, PDPRedirAddr, LastPDPAddr */
#define COPS_CTYPE_IPV6		2

/* Decision / LPDP Decision C-Types. */
enum cops_dec_ctype {
	COPS_DEC_FLAGS = 1,		/* command code + flags (mandatory) */
	COPS_DEC_STATELESS = 2,		/* stateless data */
	COPS_DEC_REPLACEMENT = 3,	/* replacement data */
	COPS_DEC_CLIENT_SI = 4,		/* client specific decision data */
	COPS_DEC_NAMED = 5,		/* named decision data */
};

/* ClientSI C-Types. */
#define COPS_CLIENTSI_SIGNALED	1
#define COPS_CLIENTSI_NAMED	2

/* Decision command codes (C-Type 1). */
enum cops_dec_cmd {
	COPS_DEC_CMD_NULL = 0,
	COPS_DEC_CMD_INSTALL = 1,
	COPS_DEC_CMD_REMOVE = 2,
};
#define COPS_DEC_FLAG_TRIGGER_ERROR	0x1

/* Context R-Type flags. */
#define COPS_RTYPE_IN_ADMISSION	0x1	/* incoming message / admission control */
#define COPS_RTYPE_RESOURCE	0x2	/* resource allocation */
#define COPS_RTYPE_OUTGOING	0x4	/* outgoing message */
#define COPS_RTYPE_CONFIG	0x8	/* configuration */

/* Error object codes (RFC 2748 2.2.8). */
enum cops_error_code {
	COPS_ERR_BAD_HANDLE = 1,
	COPS_ERR_INVALID_HANDLE_REF = 2,
	COPS_ERR_BAD_MSG_FORMAT = 3,
	COPS_ERR_UNABLE_TO_PROCESS = 4,
	COPS_ERR_MANDATORY_CSI_MISSING = 5,
	COPS_ERR_UNSUPPORTED_CLIENT = 6,
	COPS_ERR_MANDATORY_OBJ_MISSING = 7,
	COPS_ERR_CLIENT_FAILURE = 8,
	COPS_ERR_COMMUNICATION_FAILURE = 9,
	COPS_ERR_UNSPECIFIED = 10,
	COPS_ERR_SHUTTING_DOWN = 11,
	COPS_ERR_REDIRECT = 12,
	COPS_ERR_UNKNOWN_OBJECT = 13,	/* sub-code = C-Num << 8 | C-Type */
	COPS_ERR_AUTH_FAILURE = 14,
	COPS_ERR_AUTH_REQUIRED = 15,
};

/* Reason object codes (RFC 2748 2.2.5). */
enum cops_reason_code {
	COPS_REASON_UNSPECIFIED = 1,
	COPS_REASON_MANAGEMENT = 2,
	COPS_REASON_PREEMPTED = 3,
	COPS_REASON_TEAR = 4,
	COPS_REASON_TIMEOUT = 5,
	COPS_REASON_ROUTE_CHANGE = 6,
	COPS_REASON_INSUFFICIENT_RESOURCES = 7,
	COPS_REASON_PDP_DIRECTIVE = 8,
	COPS_REASON_UNSUPPORTED_DECISION = 9,
	COPS_REASON_SYNC_HANDLE_UNKNOWN = 10,
	COPS_REASON_TRANSIENT_HANDLE = 11,
	COPS_REASON_MALFORMED_DECISION = 12,
	COPS_REASON_UNKNOWN_OBJECT = 13,	/* sub-code = C-Num << 8 | C-Type */
};

/* Report-Type values (RFC 2748 2.2.12). */
enum cops_report_type {
	COPS_REPORT_SUCCESS = 1,
	COPS_REPORT_FAILURE = 2,
	COPS_REPORT_ACCOUNTING = 3,
};

/* An IP address as carried on the wire (network byte order bytes). */
struct cops_ip {
	uint8_t family;		/* 4 or 6 (from the C-Type), 0 = unset */
	uint8_t addr[16];	/* IPv4 uses addr[0..3] */
};

/* In-Int / Out-Int contents. */
struct cops_iface {
	struct cops_ip ip;
	uint32_t ifindex;
};

/* PDPRedirAddr / LastPDPAddr contents. */
struct cops_pdp_addr {
	struct cops_ip ip;
	uint16_t reserved;	/* kept for lossless re-encoding; send 0 */
	uint16_t port;
};

/* Integrity (C-Type 1, HMAC digest). The digest points into the message. */
struct cops_integrity {
	uint32_t key_id;
	uint32_t seq;
	const uint8_t *digest;
	uint16_t digest_len;
};

/*
 * One object. On decode, data/data_len describe the contents (after the
 * 4-byte header, without padding) inside the decoded buffer and u holds the
 * typed view of fixed-layout objects. On encode, fixed-layout objects are
 * written from u and variable ones (Handle, Decision C-Types 2-5, ClientSI,
 * PEPID, Integrity digest) from data/data_len; use the cops_obj_set_*()
 * helpers to fill one.
 */
struct cops_obj {
	uint32_t offset;	/* of the object header in the message (decode) */
	uint16_t len;		/* Length field: header + contents, no padding */
	uint8_t c_num;
	uint8_t c_type;
	const uint8_t *data;
	uint16_t data_len;
	union {
		struct {
			uint16_t r_type;
			uint16_t m_type;
		} context;
		struct cops_iface iface;	/* In-Int, Out-Int */
		struct {
			uint16_t code;
			uint16_t sub_code;
		} reason, error;
		struct {
			uint16_t cmd;		/* enum cops_dec_cmd */
			uint16_t flags;
		} decision;			/* Decision / LPDP C-Type 1 */
		struct {
			uint16_t reserved;
			uint16_t value;		/* seconds; 0 = infinity / none */
		} timer;			/* KA timer, Accounting timer */
		const char *pepid;		/* NUL-terminated inside data */
		struct {
			uint16_t type;		/* enum cops_report_type */
			uint16_t reserved;
		} report;
		struct cops_pdp_addr pdp;	/* PDPRedirAddr, LastPDPAddr */
		struct cops_integrity integrity;
	} u;
};

struct cops_hdr {
	uint8_t version;
	uint8_t flags;
	uint8_t op_code;
	uint16_t client_type;
	uint32_t msg_len;
};

/* A decoded (or to-be-encoded) message. */
struct cops_msg {
	struct cops_hdr hdr;
	const uint8_t *buf;	/* the decoded buffer (decode only) */
	uint16_t n_obj;
	struct cops_obj obj[COPS_MAX_OBJS];
};

/*
 * Decode failure details. errnum is the (positive) errno also returned
 * negated. code/sub_code are the RFC 2748 Error object values a PEP should
 * send back (in a CC, or a failure RPT, at its discretion).
 */
struct cops_err {
	int errnum;
	uint16_t code;		/* enum cops_error_code */
	uint16_t sub_code;
	uint16_t obj_index;	/* 1-based; 0 = the common header */
	uint32_t offset;	/* byte offset of the problem in the message */
	uint8_t c_num;		/* of the offending object, 0 if none */
	uint8_t c_type;
	char msg[COPS_ERR_MSG_LEN];
};

/*
 * Read the Message Length of a common header so a stream reader knows how
 * many bytes make up the frame. Returns the length (>= 8) or -EAGAIN when
 * fewer than 8 bytes are available. It does not validate anything else.
 */
int64_t cops_frame_len(const uint8_t *buf, uint32_t len);

/*
 * Decode and validate one complete COPS message.
 *
 * buf/len must be exactly one frame: the Message Length field must equal len.
 * msg receives the header and objects (pointers into buf, so buf must outlive
 * msg). err may be NULL.
 *
 * Returns 0, or a negative errno with err filled:
 *  -EBADMSG          malformed: lengths, padding, reserved flags, order,
 *                    values, object not allowed in this message (code 3)
 *  -EPROTONOSUPPORT  version is not 1 (code 3)
 *  -ENOTSUP          unknown C-Num or C-Type for its C-Num (code 13,
 *                    sub-code C-Num << 8 | C-Type)
 *  -ENOMSG           a mandatory object is missing (code 7, sub-code
 *                    C-Num << 8 | C-Type of the missing object)
 *  -E2BIG            more than COPS_MAX_OBJS objects (code 4)
 *  -EINVAL           NULL buf/msg
 */
int cops_msg_decode(const uint8_t *buf, uint32_t len, struct cops_msg *msg, struct cops_err *err);

/*
 * Encode msg (hdr.version/op_code/flags/client_type and objects; hdr.msg_len
 * is ignored and computed) into buf. The result is validated with
 * cops_msg_decode(), so the grammar rules apply to encoding too.
 * Returns the number of bytes written, -ENOSPC if cap is too small, or the
 * decoder's negative errno (err filled, may be NULL) if msg is invalid.
 */
int cops_msg_encode(uint8_t *buf, uint32_t cap, const struct cops_msg *msg, struct cops_err *err);

/* Find the nth (0-based) object with c_num and, if c_type != 0, c_type. */
const struct cops_obj *cops_msg_find(const struct cops_msg *msg, uint8_t c_num, uint8_t c_type,
	unsigned int nth);

/* Start an empty message for encoding. */
void cops_msg_init(struct cops_msg *msg, uint8_t op_code, uint8_t flags, uint16_t client_type);

/*
 * Append an object slot to msg and return it zeroed with c_num/c_type set,
 * or NULL when COPS_MAX_OBJS objects are already present.
 */
struct cops_obj *cops_msg_add(struct cops_msg *msg, uint8_t c_num, uint8_t c_type);

/*
 * Object setters for encoding. Each returns 0 or -E2BIG (message full) /
 * -EINVAL (argument out of range, e.g. data too long for a 16-bit Length).
 * Variable data is referenced, not copied: it must live until encoding.
 */
int cops_msg_add_handle(struct cops_msg *msg, const void *handle, uint16_t len);
int cops_msg_add_context(struct cops_msg *msg, uint16_t r_type, uint16_t m_type);
int cops_msg_add_iface(struct cops_msg *msg, uint8_t c_num, const struct cops_iface *iface);
int cops_msg_add_reason(struct cops_msg *msg, uint16_t code, uint16_t sub_code);
int cops_msg_add_decision(struct cops_msg *msg, uint8_t c_num, uint16_t cmd, uint16_t flags);
int cops_msg_add_decision_data(struct cops_msg *msg, uint8_t c_num, uint8_t c_type,
	const void *data, uint16_t len);
int cops_msg_add_error(struct cops_msg *msg, uint16_t code, uint16_t sub_code);
int cops_msg_add_clientsi(struct cops_msg *msg, uint8_t c_type, const void *data, uint16_t len);
int cops_msg_add_timer(struct cops_msg *msg, uint8_t c_num, uint16_t seconds);
int cops_msg_add_pepid(struct cops_msg *msg, const char *pepid);
int cops_msg_add_report_type(struct cops_msg *msg, uint16_t type);
int cops_msg_add_pdp_addr(struct cops_msg *msg, uint8_t c_num, const struct cops_ip *ip,
	uint16_t port);
int cops_msg_add_integrity(struct cops_msg *msg, uint32_t key_id, uint32_t seq,
	const uint8_t *digest, uint16_t digest_len);

/*
 * Low-level builder: write a message object by object straight into a
 * buffer. Used to place encoded client data (e.g. PacketCable objects)
 * directly inside a COPS object without an intermediate copy. Errors are
 * sticky: after the first failure every call is a no-op and
 * cops_builder_finish() reports it.
 */
struct cops_builder {
	uint8_t *buf;
	uint32_t cap;
	uint32_t len;
	uint32_t obj_start;	/* offset of the open object, UINT32_MAX if none */
	int err;		/* first error, 0 if none */
};

void cops_builder_init(struct cops_builder *b, uint8_t *buf, uint32_t cap, uint8_t op_code,
	uint8_t flags, uint16_t client_type);
/* Write one complete object (typed view or data, as for cops_msg_encode). */
void cops_builder_obj(struct cops_builder *b, const struct cops_obj *obj);
/* Open an object; contents follow with cops_builder_put()/_tail()+_commit(). */
void cops_builder_begin(struct cops_builder *b, uint8_t c_num, uint8_t c_type);
void cops_builder_put(struct cops_builder *b, const void *data, uint32_t len);
/* Free space for in-place writing; *room receives its size (0 on error). */
uint8_t *cops_builder_tail(struct cops_builder *b, uint32_t *room);
/* Account n bytes written at cops_builder_tail(); n <= room. */
void cops_builder_commit(struct cops_builder *b, uint32_t n);
/* Close the open object: set its Length and add zero padding. */
void cops_builder_end(struct cops_builder *b);
/* Fill the message length; returns the total size or the sticky -errno. */
int cops_builder_finish(struct cops_builder *b);

/*
 * One-call encoders for every message type. Handles are opaque byte strings
 * (most PEPs use 4 bytes). Optional arguments are NULL / 0 to omit. Return
 * bytes written or a negative errno as cops_msg_encode().
 */
int cops_encode_opn(uint8_t *buf, uint32_t cap, uint16_t client_type, const char *pepid,
	const struct cops_pdp_addr *last_pdp_addr, const void *clientsi, uint16_t clientsi_len);
int cops_encode_cat(uint8_t *buf, uint32_t cap, uint16_t client_type, uint16_t ka_seconds,
	uint16_t acct_seconds /* 0 = omit */);
int cops_encode_cc(uint8_t *buf, uint32_t cap, uint16_t client_type, uint16_t error_code,
	uint16_t error_sub_code, const struct cops_pdp_addr *redirect);
int cops_encode_ka(uint8_t *buf, uint32_t cap, int solicited);
int cops_encode_req(uint8_t *buf, uint32_t cap, uint16_t client_type, const void *handle,
	uint16_t handle_len, uint16_t r_type, uint16_t m_type, const void *clientsi,
	uint16_t clientsi_len);
/* DEC with one Decision: Context, Flags and optional client-specific data. */
int cops_encode_dec(uint8_t *buf, uint32_t cap, uint16_t client_type, int solicited,
	const void *handle, uint16_t handle_len, uint16_t r_type, uint16_t m_type, uint16_t cmd,
	uint16_t dec_flags, const void *csi, uint16_t csi_len);
/* DEC carrying an Error instead of decisions. */
int cops_encode_dec_error(uint8_t *buf, uint32_t cap, uint16_t client_type, const void *handle,
	uint16_t handle_len, uint16_t error_code, uint16_t error_sub_code);
int cops_encode_rpt(uint8_t *buf, uint32_t cap, uint16_t client_type, int solicited,
	const void *handle, uint16_t handle_len, uint16_t report_type, const void *clientsi,
	uint16_t clientsi_len);
int cops_encode_drq(uint8_t *buf, uint32_t cap, uint16_t client_type, const void *handle,
	uint16_t handle_len, uint16_t reason, uint16_t reason_sub);
int cops_encode_ssq(uint8_t *buf, uint32_t cap, uint16_t client_type, const void *handle,
	uint16_t handle_len /* 0 = no handle: synchronize all */);
int cops_encode_ssc(uint8_t *buf, uint32_t cap, uint16_t client_type, const void *handle,
	uint16_t handle_len);

/* Names for logs and docs; never NULL ("unknown" for unassigned values). */
const char *cops_op_name(uint8_t op_code);		/* "DEC" */
const char *cops_op_desc(uint8_t op_code);		/* "Decision" */
const char *cops_obj_name(uint8_t c_num);		/* "Decision" */
const char *cops_ctype_name(uint8_t c_num, uint8_t c_type);	/* "Flags" */
const char *cops_error_name(uint16_t code);
const char *cops_reason_name(uint16_t code);
const char *cops_report_type_name(uint16_t type);
const char *cops_dec_cmd_name(uint16_t cmd);
const char *cops_client_type_name(uint16_t client_type);

#ifdef __cplusplus
}
#endif

#endif /* VPEP_CTRL_COPS_CODEC_H */
