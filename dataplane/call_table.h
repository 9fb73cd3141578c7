/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Per-worker table of SIP calls (INVITE dialogs) and the media they announce.
 *
 * The worker that owns a Call-ID feeds every SIP message of it, one at a
 * time, already parsed: struct sip_msg from sip_msg_parse() over buf, plus
 * the struct sdp_session that sdp_parse() produced from
 * (buf + msg->sdp.off, msg->sdp.len) when the message carries SDP (NULL if
 * it carries none, or if the SDP did not parse). call_table_sip() updates
 * the call record and returns, in a struct call_update, the MEDIA
 * EXPECTATIONS to withdraw and to publish: the RTP/RTCP endpoints the
 * offer/answer exchange announced, which the dataplane puts in a
 * cross-worker table so the worker that receives the media finds the call.
 *
 * Everything is in memory the caller gives at init (call_table_mem_size()):
 * records, the Call-ID index (open addressing, linear probing, backward-shift
 * deletion) and intrusive lists for timeouts and eviction. No allocation,
 * no I/O, no locks: the owner worker is the only user. Time is an argument
 * (ns, any epoch, non-decreasing), so captures drive it deterministically.
 * See docs/calls.md for the state machine and every policy.
 */
#ifndef VPEP_CALL_TABLE_H
#define VPEP_CALL_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sdp_parse.h"
#include "sip_parse.h"

/* Bounded copies kept per call (bytes, including the terminating NUL). */
#define CALL_ID_MAX	    128 /* longer Call-IDs are keyed by prefix + full length + hash */
#define CALL_URI_MAX	    128 /* From / To URI (address of record as written) */
#define CALL_TAG_MAX	    64
#define CALL_DISPLAY_MAX    48
#define CALL_UA_MAX	    96
#define CALL_CODEC_NAME_MAX 16
#define CALL_MAX_CODECS	    4
#define CALL_MAX_MEDIA	    4 /* m= lines kept per call; more set CALL_F_MEDIA_TRUNCATED */
#define CALL_MAX_PT	    8 /* payload types kept per m= line and side */

/*
 * Endpoints a call can have published at once: per kept m= line, RTP and
 * RTCP of both sides (4 x 2 x 2), plus RTP and RTCP of a pending offer
 * (4 x 2).
 */
#define CALL_MAX_EXPECT (CALL_MAX_MEDIA * 2 * 2 + CALL_MAX_MEDIA * 2)

/*
 * Bounds of one struct call_update. One SIP message changes one call, and
 * may evict one other: at most CALL_MAX_EXPECT publications and
 * CALL_MAX_EXPECT withdrawals (the call's own, or the victim's when the
 * message created a call, never both: a new call had nothing published).
 * call_table_tick() fills withdrawals of several calls up to
 * CALL_UPDATE_MAX_DEL and sets `more` when it had to stop.
 */
#define CALL_UPDATE_MAX_ADD CALL_MAX_EXPECT
#define CALL_UPDATE_MAX_DEL (CALL_MAX_EXPECT * 4)

#define CALL_STATE_LIST(X)                                                                         \
	X(TRYING, "trying")	      /* INVITE seen, no 18x or final response */                 \
	X(RINGING, "ringing")	      /* a 101-199 response seen (180, 183...) */                 \
	X(ANSWERED, "answered")	      /* 2xx to the INVITE seen */                                \
	X(ESTABLISHED, "established") /* ACK for the 2xx seen */                                  \
	X(TERMINATED, "terminated")

#define CALL_STATE_ENUM_(id, name) CALL_S_##id,
enum call_state { CALL_STATE_LIST(CALL_STATE_ENUM_) CALL_S_MAX };
#undef CALL_STATE_ENUM_

#define CALL_REASON_LIST(X)                                                                        \
	X(NONE, "")			      /* still in progress */                             \
	X(BYE, "bye")			      /* BYE seen (either side; see bye_side) */          \
	X(CANCEL, "cancel")		      /* final non-2xx after a CANCEL, or 487 */           \
	X(REJECTED, "rejected")		      /* 3xx-6xx final response: see code */              \
	X(TIMEOUT, "timeout")		      /* no final response within setup_timeout */        \
	X(SESSION_TIMEOUT, "session_timeout") /* answered, silent for session_timeout */          \
	X(ACTIVE_AT_END, "active_at_end")     /* still up when call_table_finish() ran */

#define CALL_REASON_ENUM_(id, name) CALL_REASON_##id,
enum call_reason { CALL_REASON_LIST(CALL_REASON_ENUM_) CALL_REASON_MAX };
#undef CALL_REASON_ENUM_

/* The two parties. The caller is the UAC of the initial INVITE (its From tag). */
enum call_side {
	CALL_SIDE_CALLER = 0,
	CALL_SIDE_CALLEE = 1,
};

/*
 * What call_table_sip() did with a message (one dataplane counter each;
 * second column: counter name).
 */
#define CALL_SIP_LIST(X)                                                                           \
	X(NEW, "new")		       /* created a call record */                                \
	X(UPDATED, "updated")	       /* belongs to a call: state, media or counts changed */    \
	X(RETRANS, "retrans")	       /* a retransmission of something already seen */           \
	X(STRAY, "stray")	       /* known Call-ID, but another dialog or a stale CSeq */    \
	X(UNKNOWN_CALL, "unknown_call") /* in-dialog message for a Call-ID not in the table */    \
	X(NOT_CALL, "not_call")	       /* not about an INVITE dialog (REGISTER, OPTIONS...) */

#define CALL_SIP_ENUM_(id, name) CALL_SIP_##id,
enum call_sip_result { CALL_SIP_LIST(CALL_SIP_ENUM_) CALL_SIP_MAX };
#undef CALL_SIP_ENUM_

/* Kind of a media expectation. */
#define CALL_EXPECT_KIND_LIST(X)                                                                   \
	X(RTP, "rtp")		/* RTP endpoint (RTCP goes to rtcp) */                             \
	X(RTCP, "rtcp")		/* RTCP endpoint (a=rtcp, else RTP port + 1) */                    \
	X(RTP_MUX, "rtp_mux")	/* RTP and RTCP on one port (rtcp-mux negotiated, RFC 5761) */

#define CALL_EXPECT_KIND_ENUM_(id, name) CALL_EXPECT_##id,
enum call_expect_kind { CALL_EXPECT_KIND_LIST(CALL_EXPECT_KIND_ENUM_) CALL_EXPECT_MAX };
#undef CALL_EXPECT_KIND_ENUM_

/* Address families of call_expect_key.family and call_sig.family. */
#define CALL_AF_IP4 4
#define CALL_AF_IP6 6

/*
 * A reference to a call that survives the record being evicted: the slot
 * and the generation of the record in it. call_table_get() returns NULL
 * once the slot was freed or reused.
 */
struct call_ref {
	uint32_t slot;
	uint32_t gen;
};

/*
 * Key of an expectation in the cross-worker table: one transport address.
 * 28 bytes. The dataplane removes the entry on a withdrawal only if it
 * still refers to ref: a newer call may have re-published the address.
 */
struct call_expect_key {
	uint8_t family; /* CALL_AF_IP4 / CALL_AF_IP6 */
	uint8_t pad;
	uint16_t port;	  /* host order, never 0 */
	uint8_t addr[16]; /* network order; IPv4 in the first 4 bytes, the rest 0 */
	struct call_ref ref;
};

/*
 * One media expectation: where media of a call is expected, and how to
 * read it. The payload types are those the announcing side's SDP lists for
 * the m= line, i.e. what that side RECEIVES (RFC 3264 5.1): use the
 * expectation of the destination address for the clock of a packet. 76
 * bytes.
 */
struct call_expect {
	struct call_expect_key key;
	uint8_t kind;	    /* enum call_expect_kind */
	uint8_t side;	    /* enum call_side whose SDP announced the address */
	uint8_t media_idx;  /* m= line index in the SDP (0-based) */
	uint8_t media_type; /* enum sdp_media_type: AUDIO or VIDEO */
	uint8_t te_pt;	    /* telephone-event payload type, RTP_PT_NONE (0xff) if none */
	uint8_t npt;
	uint8_t pt[CALL_MAX_PT];
	uint8_t pad[2];
	uint32_t clock[CALL_MAX_PT]; /* clock rate of pt[i] in Hz (rtpmap, else RFC 3551), 0 unknown */
};

/*
 * Changes to the expectation table: apply del[] first, then add[]. An add
 * is an upsert (an existing entry for the same key is replaced). A key
 * never appears in both arrays of one update.
 */
struct call_update {
	uint16_t nadd;
	uint16_t ndel;
	uint8_t more; /* call_table_tick() stopped early (room or budget): call it again */
	struct call_expect add[CALL_UPDATE_MAX_ADD];
	struct call_expect_key del[CALL_UPDATE_MAX_DEL];
};

/* The signalling transport of a message, for the record. */
struct call_sig {
	uint8_t family;	 /* CALL_AF_IP4 / CALL_AF_IP6, 0 unknown */
	uint8_t l4proto; /* 17 UDP, 6 TCP, 132 SCTP */
	uint16_t sport;	 /* host order */
	uint16_t dport;
	uint8_t pad[2];
	uint8_t src[16]; /* network order; IPv4 in the first 4 bytes */
	uint8_t dst[16];
};

/* call_media_side.flags */
#define CALL_MS_PRESENT	  (1u << 0) /* this side's SDP had this m= line */
#define CALL_MS_RTP	  (1u << 1) /* RTP-family proto (RTP/AVP, SAVP, AVPF, SAVPF, UDP/TLS/RTP/...) */
#define CALL_MS_MUX	  (1u << 2) /* a=rtcp-mux in this side's SDP */
#define CALL_MS_HOLD	  (1u << 3) /* sendonly/inactive or null address (sdp_media_is_hold) */
#define CALL_MS_NULL_ADDR (1u << 4) /* c=0.0.0.0 or :: (RFC 2543 hold): nothing published */
#define CALL_MS_FQDN	  (1u << 5) /* c= is a host name: nothing published */
#define CALL_MS_RTCP_ATTR (1u << 6) /* a=rtcp given (RFC 3605) */

/* One side's view of one m= line. 84 bytes. */
struct call_media_side {
	uint8_t flags;	     /* CALL_MS_* */
	uint8_t family;	     /* CALL_AF_*, 0 if no usable address */
	uint8_t rtcp_family; /* of rtcp_addr */
	uint8_t dir;	     /* enum sdp_dir, effective (media, else session, else sendrecv) */
	uint8_t type;	     /* enum sdp_media_type */
	uint8_t proto;	     /* enum sdp_proto */
	uint8_t te_pt;	     /* RTP_PT_NONE if none */
	uint8_t npt;
	uint16_t port;	    /* RTP port; 0 = stream rejected/disabled */
	uint16_t rtcp_port; /* RTCP port without mux: a=rtcp, else port + 1 (0 if none) */
	uint8_t addr[16];   /* RTP address: media c=, else session c= */
	uint8_t rtcp_addr[16];
	uint8_t pt[CALL_MAX_PT];
	uint32_t clock[CALL_MAX_PT];
};

/* One m= line of the negotiated session. */
struct call_media {
	uint8_t rtcp_mux; /* negotiated: a=rtcp-mux in offer AND answer */
	uint8_t pad[3];
	struct call_media_side side[2]; /* [enum call_side] */
};

/* Per-call SIP message counts (saturating). */
struct call_counts {
	uint16_t invite; /* initial INVITEs (retransmissions and auth retries included) */
	uint16_t reinvite;
	uint16_t ack;
	uint16_t bye;
	uint16_t cancel;
	uint16_t prack;
	uint16_t update;
	uint16_t other_req; /* INFO, NOTIFY, REFER, MESSAGE, OPTIONS... in the dialog */
	uint16_t resp[6];   /* [0] 1xx ... [5] 6xx */
	uint16_t retrans;   /* messages recognised as retransmissions (also counted above) */
	uint16_t stray;	    /* messages with this Call-ID that fit no dialog of the call */
};

/* call.flags */
#define CALL_F_PARTIAL	       (1u << 0) /* first message was not an initial INVITE (mid-call) */
#define CALL_F_FORKED	       (1u << 1) /* responses with more than one To tag (forking) */
#define CALL_F_MULTI_2XX       (1u << 2) /* 2xx from more than one fork */
#define CALL_F_INFERRED_ANSWER (1u << 3) /* ACK for a 2xx came before (or without) the 2xx */
#define CALL_F_CANCELLED       (1u << 4) /* a CANCEL was seen before the final response */
#define CALL_F_HOLD	       (1u << 5) /* on hold now (some side sendonly/inactive/null) */
#define CALL_F_WITHDRAWN       (1u << 6) /* expectations withdrawn after linger (or never) */
#define CALL_F_MEDIA_TRUNC     (1u << 7) /* more m= lines or payload types than kept */
#define CALL_F_FQDN_MEDIA      (1u << 8) /* an SDP gave a host name: that side not published */
#define CALL_F_CALL_ID_TRUNC   (1u << 9) /* Call-ID longer than CALL_ID_MAX - 1 */
#define CALL_F_SDP_UNUSABLE    (1u << 10) /* a body was SDP but did not parse (NULL given) */
#define CALL_F_EARLY_MEDIA     (1u << 11) /* an answer before any 2xx (1xx, PRACK, UPDATE) */
#define CALL_F_BYE_EARLY       (1u << 12) /* BYE before any 2xx */

/* call.tset: which optional times are set (a capture may start at time 0). */
#define CALL_T_RINGING	   (1u << 0)
#define CALL_T_ANSWER	   (1u << 1)
#define CALL_T_ESTABLISHED (1u << 2)
#define CALL_T_END	   (1u << 3)

/*
 * One call record (about 2 KiB: sizeof(struct call)). Strings are copies of
 * the wire bytes, NUL-terminated, with their length (a quoted display name
 * may contain an escaped NUL): JSON writers must escape them. Fields named
 * in docs/calls.md are the `calls` objects of the stats JSON.
 */
struct call {
	/* identity and state */
	uint32_t gen;	 /* generation of this slot (call_ref.gen) */
	uint32_t hash;	 /* Call-ID hash (private) */
	uint32_t flags;	 /* CALL_F_* */
	uint16_t code;	 /* final response code to the INVITE (0 none) */
	uint8_t state;	 /* enum call_state */
	uint8_t reason;	 /* enum call_reason */
	uint8_t tset;	 /* CALL_T_* */
	uint8_t bye_side; /* enum call_side that sent the BYE (reason BYE) */
	uint8_t via_tp;	 /* enum sip_via_transport of the initial INVITE's top Via */
	uint8_t nmedia;	 /* media[] entries used */
	uint8_t ncodecs;
	uint8_t hold_count; /* times the call went on hold (saturating) */
	uint8_t early_dialogs; /* distinct To tags seen in 1xx/2xx (saturating) */
	uint8_t in_use;	 /* private */

	/* private bookkeeping: lists, transactions, offer/answer */
	uint8_t list;
	uint8_t oa_pending; /* an offer awaits its answer */
	uint8_t oa_side;    /* enum call_side of the offerer */
	uint8_t oa_method;  /* enum sip_method of the transaction carrying the offer */
	uint8_t oa_nmedia;  /* pending[] entries used */
	uint8_t ans_side;   /* last answer: side, method, CSeq (a 2xx may repeat a 183's) */
	uint8_t ans_method;
	uint8_t reinvite_seen; /* reinvite_cseq is valid */
	uint8_t reinvite_side; /* enum call_side that sent the latest re-INVITE */
	uint8_t delayed_side;  /* enum call_side that sent the INVITE of delayed_cseq */
	uint8_t txn;	       /* transaction bits (ACK seen, re-INVITE final seen...) */
	uint8_t pad0;
	uint32_t tag_hash[4]; /* hashes of the first distinct To tags (early_dialogs) */
	uint32_t prev, next;
	uint32_t oa_cseq;
	uint32_t ans_cseq;
	uint32_t invite_cseq;	/* CSeq of the initial INVITE (latest attempt; UINT32_MAX: partial) */
	uint32_t reinvite_cseq; /* CSeq of the latest re-INVITE */
	uint32_t delayed_cseq;	/* CSeq of the latest INVITE without SDP (+1; 0 none) */
	uint32_t invite_branch; /* hash of the initial INVITE's top Via branch (0 none) */

	/* times, ns */
	uint64_t setup_time;	  /* first INVITE */
	uint64_t ringing_time;	  /* first 101-199 */
	uint64_t answer_time;	  /* first 2xx */
	uint64_t established_time; /* ACK for the 2xx */
	uint64_t end_time;	  /* termination (or call_table_finish()) */
	uint64_t invite_time;	  /* latest initial INVITE attempt (setup timer) */
	uint64_t last_activity;	  /* latest SIP message (or call_table_touch()) */

	/* parties */
	uint16_t call_id_len; /* full length on the wire (may exceed the copy) */
	uint8_t from_len, to_len, from_tag_len, to_tag_len, from_display_len, to_display_len;
	uint8_t user_agent_len;
	uint8_t pad1[7];
	char call_id[CALL_ID_MAX];
	char from[CALL_URI_MAX];	 /* caller's From URI */
	char to[CALL_URI_MAX];		 /* To URI of the initial INVITE */
	char from_tag[CALL_TAG_MAX];	 /* caller's tag */
	char to_tag[CALL_TAG_MAX];	 /* callee's tag: latest early dialog, then the 2xx's */
	char from_display[CALL_DISPLAY_MAX];
	char to_display[CALL_DISPLAY_MAX];
	char user_agent[CALL_UA_MAX]; /* User-Agent of the INVITE (Server of a response if none) */
	char codecs[CALL_MAX_CODECS][CALL_CODEC_NAME_MAX]; /* answer's first audio m= PTs */

	struct call_sig sig;	   /* signalling 5-tuple of the initial INVITE */
	struct call_counts counts; /* SIP messages of this call */
	struct call_media media[CALL_MAX_MEDIA];
	struct call_media_side pending[CALL_MAX_MEDIA]; /* pending offer (private) */
};

struct call_table_conf {
	uint64_t setup_timeout_ns;   /* no final response after INVITE (default 60 s) */
	uint64_t session_timeout_ns; /* answered and silent (default 2 h; 0 = never) */
	uint64_t linger_ns;	     /* expectations kept after termination (default 10 s) */
	uint64_t retain_ns; /* terminated records freed this long after linger (0 = when needed) */
	uint64_t hash_seed; /* Call-ID hash key: random per process against collision floods */
};

/* Table-wide counters (plain, owner-written, read by the control thread). */
struct call_table_stats {
	uint64_t sip[CALL_SIP_MAX]; /* per enum call_sip_result */
	uint64_t created;
	uint64_t revived;	     /* auth/redirect retries that restarted a rejected call */
	uint64_t evicted_terminated; /* eviction victims by class */
	uint64_t evicted_setup;
	uint64_t evicted_active;
	uint64_t timeout_setup;
	uint64_t timeout_session;
	uint64_t freed; /* terminated records freed after retain_ns */
	uint64_t sdp_ignored;	/* SDP with no offer/answer role */
	uint64_t sdp_unusable;	/* SDP that did not parse */
	uint64_t expect_added;	/* publications emitted */
	uint64_t expect_deleted; /* withdrawals emitted */
};

/*
 * The table handle (the caller owns it, e.g. in its worker context; the
 * memory given to call_table_init() holds records and index).
 */
struct call_table {
	struct call *calls;
	uint64_t *index; /* (hash << 32) | (slot + 1); 0 = empty */
	uint32_t capacity;
	uint32_t index_mask;
	uint32_t count;
	uint32_t free_head;
	uint32_t list_head[5];
	uint32_t list_tail[5];
	struct call_table_conf conf;
	struct call_table_stats stats;
};

/** Defaults: 60 s setup, 2 h session, 10 s linger, retain 0, seed 0. */
void call_table_conf_default(struct call_table_conf *conf);

/** Bytes of memory call_table_init() needs for capacity calls (0 if capacity is invalid). */
size_t call_table_mem_size(uint32_t capacity);

/**
 * Set up a table over mem (8-byte aligned, at least call_table_mem_size()
 * bytes; cleared here). conf NULL = defaults. Returns 0, or -EINVAL
 * (capacity 0 or above 2^24, mem too small or misaligned, NULL ct).
 */
int call_table_init(struct call_table *ct, void *mem, size_t mem_len, uint32_t capacity,
	const struct call_table_conf *conf);

/**
 * Process one SIP message.
 * @param buf    the bytes msg was parsed from (sip_msg_parse() succeeded)
 * @param msg    the parsed message; keep-alives are NOT_CALL
 * @param sdp    sdp_parse() of (buf + msg->sdp.off, msg->sdp.len) when
 *               msg->flags has SIP_F_SDP and it parsed; NULL otherwise (a
 *               message with SIP_F_SDP and NULL counts as unusable SDP: it
 *               takes its place in the offer/answer exchange, publishing
 *               nothing)
 * @param now    time of the message, ns
 * @param sig    signalling 5-tuple (may be NULL), stored for a new call
 * @param upd    output: expectations to withdraw/publish (always reset)
 * @param ref    output (may be NULL): the call the message belongs to,
 *               {UINT32_MAX, 0} if none
 * @return an enum call_sip_result (>= 0), or -EINVAL.
 */
int call_table_sip(struct call_table *ct, const uint8_t *buf, const struct sip_msg *msg,
	const struct sdp_session *sdp, uint64_t now, const struct call_sig *sig,
	struct call_update *upd, struct call_ref *ref);

/**
 * Timers, to call periodically (e.g. every 100 ms) with the current time:
 * setup and session timeouts (call -> terminated), withdrawal of the
 * expectations of calls terminated linger_ns ago, freeing of records
 * retain_ns after that. Does at most `budget` of these actions and stops
 * early when upd has no room for the next withdrawal, or when the budget ran
 * out with an action still due (upd->more is then 1: call again). upd is
 * reset first. Returns the number of actions done.
 */
unsigned int call_table_tick(
	struct call_table *ct, uint64_t now, struct call_update *upd, unsigned int budget);

/**
 * End of input (end of a capture, shutdown): every call not terminated gets
 * reason ACTIVE_AT_END and end_time = now; its state is kept. Returns the
 * number of calls marked. Expectations are not withdrawn.
 */
unsigned int call_table_finish(struct call_table *ct, uint64_t now);

/**
 * Media of a call was seen (by the owner worker, e.g. from aggregated
 * per-call activity): counts as activity for the session timeout.
 * Returns 0, or -ENOENT for a stale reference.
 */
int call_table_touch(struct call_table *ct, struct call_ref ref, uint64_t now);

/** The call behind ref, or NULL if the reference is stale. */
const struct call *call_table_get(const struct call_table *ct, struct call_ref ref);

/** The call in slot (0 .. capacity-1) if in use, for iteration; NULL otherwise. */
const struct call *call_table_at(const struct call_table *ct, uint32_t slot);

/** Reference of a record returned by call_table_get()/call_table_at(). */
struct call_ref call_table_ref(const struct call_table *ct, const struct call *c);

/** The call with this Call-ID (byte-exact), or NULL. */
const struct call *call_table_lookup(const struct call_table *ct, const uint8_t *call_id,
	uint32_t len);

/**
 * The expectations the call has published now (what the dataplane should
 * hold for it), into out[] (room for CALL_MAX_EXPECT). Returns their
 * number, or -ENOENT for a stale reference. Lets a restarted expectation
 * table be refilled.
 */
int call_table_expectations(
	const struct call_table *ct, struct call_ref ref, struct call_expect *out);

/** Number of calls in the table. */
uint32_t call_table_count(const struct call_table *ct);

/** duration_s of the stats JSON in ns: answer to end (or to now while up); 0 if unanswered. */
uint64_t call_duration_ns(const struct call *c, uint64_t now);

/** Names for JSON and counters ("established", "rejected", "rtp_mux", "unknown_call"). */
const char *call_state_name(unsigned int state);
const char *call_reason_name(unsigned int reason);
const char *call_expect_kind_name(unsigned int kind);
const char *call_sip_result_name(int result);
const char *call_side_name(unsigned int side); /* "caller" / "callee" */

#endif /* VPEP_CALL_TABLE_H */
