/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Per-flow POP3 analyser (RFC 1939, with RFC 1725 LAST, RFC 2449 CAPA, RFC 2595 STLS and
 * RFC 5034 AUTH).
 *
 * pop3_input() is fed the TCP payload of a pop3 flow one segment at a time, in stream order,
 * with its direction. It follows the session through its phases
 *     greeting -> AUTHORIZATION -> TRANSACTION -> UPDATE
 * (and TLS after a successful STLS, where it stops looking), matches each +OK / -ERR to the
 * command it answers (commands may be pipelined, RFC 2449 6.6), skips multi-line replies up to
 * their "." line, tells SASL exchanges apart from commands, and counts what it saw into struct
 * pop3_counters. A "clear-text login" is a successful USER/PASS, or AUTH PLAIN / AUTH LOGIN,
 * not protected by STLS; APOP and challenge-response SASL mechanisms are not clear text.
 * pop3_cleartext_credentials counts the same commands when they are sent, whatever the answer:
 * a refused password crossed the network in clear all the same. A command is judged against
 * the phase the session will be in if the logins still awaiting a reply succeed, so that a
 * pipelined "USER, PASS, STAT" is in order.
 *
 * Lines may be split across segments and a segment may hold many lines. Lines are never
 * buffered whole: the state keeps the first POP3_CLI_HEAD bytes of the current client line and
 * POP3_SRV_HEAD bytes of the current server line (enough for a keyword, an AUTH mechanism name
 * or a status indicator) and a saturating length. The state is at most 32 bytes, to live in the
 * flow's application area. Pure: no allocation, no I/O, never reads past len.
 */

#ifndef POP3_H
#define POP3_H

#include <stdint.h>

/* Bytes kept from the start of the current client / server line. */
#define POP3_CLI_HEAD 11 /* "AUTH PLAIN" + the delimiter after the mechanism */
#define POP3_SRV_HEAD 5	 /* "-ERR" + delimiter */
/* Commands whose replies are still outstanding (pipelining depth tracked). */
#define POP3_QUEUE 8
/* RFC 2449 4: a command line is at most 255 octets including CRLF. */
#define POP3_MAX_CMD_LINE 255

/* Commands: X(id, keyword). */
#define POP3_CMD_LIST(X)                                                                           \
	X(USER, "USER")                                                                            \
	X(PASS, "PASS")                                                                            \
	X(APOP, "APOP")                                                                            \
	X(STAT, "STAT")                                                                            \
	X(LIST, "LIST")                                                                            \
	X(RETR, "RETR")                                                                            \
	X(DELE, "DELE")                                                                            \
	X(NOOP, "NOOP")                                                                            \
	X(LAST, "LAST")                                                                            \
	X(RSET, "RSET")                                                                            \
	X(TOP, "TOP")                                                                              \
	X(UIDL, "UIDL")                                                                            \
	X(QUIT, "QUIT")                                                                            \
	X(CAPA, "CAPA")                                                                            \
	X(STLS, "STLS")                                                                            \
	X(AUTH, "AUTH")                                                                            \
	X(OTHER, "")

#define POP3_CMD_ENUM_(id, kw) POP3_CMD_##id,
enum pop3_cmd { POP3_CMD_LIST(POP3_CMD_ENUM_) POP3_CMD_MAX };
#undef POP3_CMD_ENUM_

enum pop3_phase {
	POP3_PHASE_NONE = 0, /* no greeting seen yet */
	POP3_PHASE_AUTHORIZATION,
	POP3_PHASE_TRANSACTION,
	POP3_PHASE_UPDATE, /* QUIT accepted in TRANSACTION */
	POP3_PHASE_TLS,	   /* STLS accepted: the rest is TLS and is not parsed */
};

/*
 * Counters: X(id, name). The name is the stats JSON field and the Prometheus metric suffix.
 * The first POP3_CMD_MAX entries are the commands in enum pop3_cmd order.
 */
#define POP3_CTR_LIST(X)                                                                           \
	X(CMD_USER, "pop3_cmd_user")                                                               \
	X(CMD_PASS, "pop3_cmd_pass")                                                               \
	X(CMD_APOP, "pop3_cmd_apop")                                                               \
	X(CMD_STAT, "pop3_cmd_stat")                                                               \
	X(CMD_LIST, "pop3_cmd_list")                                                               \
	X(CMD_RETR, "pop3_cmd_retr")                                                               \
	X(CMD_DELE, "pop3_cmd_dele")                                                               \
	X(CMD_NOOP, "pop3_cmd_noop")                                                               \
	X(CMD_LAST, "pop3_cmd_last")                                                               \
	X(CMD_RSET, "pop3_cmd_rset")                                                               \
	X(CMD_TOP, "pop3_cmd_top")                                                                 \
	X(CMD_UIDL, "pop3_cmd_uidl")                                                               \
	X(CMD_QUIT, "pop3_cmd_quit")                                                               \
	X(CMD_CAPA, "pop3_cmd_capa")                                                               \
	X(CMD_STLS, "pop3_cmd_stls")                                                               \
	X(CMD_AUTH, "pop3_cmd_auth")                                                               \
	X(CMD_OTHER, "pop3_cmd_other") /* any other keyword */                                     \
	X(REPLY_OK, "pop3_reply_ok")   /* +OK, the greeting included */                            \
	X(REPLY_ERR, "pop3_reply_err")                                                             \
	X(MULTILINE_REPLIES, "pop3_multiline_replies")                                             \
	X(SASL_CHALLENGES, "pop3_sasl_challenges")   /* "+ " continuation lines */                 \
	X(SASL_RESPONSES, "pop3_sasl_responses")     /* client lines inside an AUTH exchange */    \
	X(LOGINS, "pop3_logins")		     /* PASS, APOP or AUTH accepted */             \
	X(LOGIN_FAILURES, "pop3_login_failures")     /* ... refused */                             \
	X(CLEARTEXT_LOGINS, "pop3_cleartext_logins") /* accepted PASS, AUTH PLAIN/LOGIN */         \
	X(CLEARTEXT_CREDENTIALS, "pop3_cleartext_credentials") /* PASS, AUTH PLAIN/LOGIN sent */   \
	X(PHASE_AUTHORIZATION, "pop3_phase_authorization")                                         \
	X(PHASE_TRANSACTION, "pop3_phase_transaction")                                             \
	X(PHASE_UPDATE, "pop3_phase_update")                                                       \
	X(TLS_STARTED, "pop3_tls_started")                                                         \
	X(MIDSTREAM, "pop3_midstream")	       /* session picked up after its greeting */          \
	X(ERR_BAD_REPLY, "pop3_err_bad_reply") /* server line that is no status indicator */       \
	X(ERR_UNSOLICITED, "pop3_err_unsolicited_reply")                                           \
	X(ERR_WRONG_PHASE, "pop3_err_wrong_phase")   /* command not allowed in this phase */       \
	X(ERR_BAD_COMMAND, "pop3_err_bad_command")   /* client line without a keyword */           \
	X(ERR_BAD_ARGUMENT, "pop3_err_bad_argument") /* missing, extra or non-numeric argument */  \
	X(ERR_LINE_TOO_LONG, "pop3_err_line_too_long")                                             \
	X(ERR_PIPELINE_OVERFLOW, "pop3_err_pipeline_overflow")

#define POP3_CTR_ENUM_(id, name) POP3_CTR_##id,
enum pop3_ctr { POP3_CTR_LIST(POP3_CTR_ENUM_) POP3_CTR_MAX };
#undef POP3_CTR_ENUM_

/* Counter increments; the caller sums them into per-worker counters. */
struct pop3_counters {
	uint64_t v[POP3_CTR_MAX];
};

/* Per-flow state (opaque; <= 32 bytes). */
struct pop3_state {
	uint8_t phase; /* enum pop3_phase */
	uint8_t q_head;
	uint8_t q_len;
	uint8_t cli_len; /* bytes of the current client line so far, CR included (saturates) */
	uint16_t flags;	 /* internal */
	uint8_t srv_len;
	uint8_t cli_head[POP3_CLI_HEAD];
	uint8_t srv_head[POP3_SRV_HEAD];
	uint8_t queue[POP3_QUEUE]; /* outstanding commands, oldest first */
};

/** Start a flow. */
void pop3_init(struct pop3_state *s);

/**
 * Feed one TCP segment. from_client is non-zero for the client-to-server direction. Counter
 * increments are added to c. Safe on any bytes.
 */
void pop3_input(struct pop3_state *s, int from_client, const uint8_t *buf, uint32_t len,
	struct pop3_counters *c);

/** Current phase. */
static inline enum pop3_phase
pop3_phase(const struct pop3_state *s)
{
	return (enum pop3_phase)s->phase;
}

/** Name of counter i ("pop3_cmd_user"); "?" if out of range. */
const char *pop3_ctr_name(unsigned int i);

/** Keyword of a command ("RETR"); "" for OTHER, "?" if out of range. */
const char *pop3_cmd_name(unsigned int cmd);

/** Name of a phase ("transaction"); "?" if out of range. */
const char *pop3_phase_name(unsigned int phase);

/** Command of a keyword (case-insensitive); POP3_CMD_OTHER if not one of the list. */
enum pop3_cmd pop3_cmd_lookup(const uint8_t *kw, uint32_t len);

/**
 * Validate one whole command line (line[0, len), without its CRLF): a keyword of the list
 * followed by the arguments its grammar wants (none, a message number, "n m" for TOP, a name,
 * an optional SASL mechanism...). Sets *cmd to the keyword's command (POP3_CMD_OTHER when it is
 * not one) and returns 1 when the line is valid, 0 otherwise. Used by app_detect.c.
 */
int pop3_cmd_line(const uint8_t *line, uint32_t len, enum pop3_cmd *cmd);

#endif /* POP3_H */
