/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Unit tests for dataplane/pop3.c: a whole session through the phases, every command of RFC
 * 1939 (and LAST, CAPA, STLS, AUTH), +OK/-ERR counting, clear-text logins (USER/PASS, AUTH
 * PLAIN/LOGIN) against APOP and challenge-response SASL, malformed lines, lines split across
 * segments, and pipelining. Every session is hand-written here. Each segment is copied into a
 * malloc'd buffer of exactly its length before it is fed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pop3.h"

#define C 1 /* client to server */
#define S 0 /* server to client */

struct sess {
	struct pop3_state s;
	struct pop3_counters c;
};

static void
start(struct sess *x)
{
	memset(x, 0, sizeof(*x));
	pop3_init(&x->s);
}

/* Feed one segment (an exact-size copy of the first n bytes of p). */
static void
feed_n(struct sess *x, int dir, const char *p, size_t n)
{
	uint8_t *b = malloc(n ? n : 1);

	assert_non_null(b);
	memcpy(b, p, n);
	pop3_input(&x->s, dir, b, (uint32_t)n, &x->c);
	free(b);
}

static void
feed(struct sess *x, int dir, const char *p)
{
	feed_n(x, dir, p, strlen(p));
}

/* Feed one byte per segment. */
static void
feed_bytes(struct sess *x, int dir, const char *p)
{
	size_t i, n = strlen(p);

	for (i = 0; i < n; i++)
		feed_n(x, dir, p + i, 1);
}

#define CTR(x, id) ((x)->c.v[POP3_CTR_##id])

/* The session of RFC 1939 section 10 plus every other command, as (direction, text) steps. */
static const struct step {
	int dir;
	const char *text;
} session[] = {
	{S, "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n"},
	{C, "CAPA\r\n"},
	{S, "+OK Capability list follows\r\nTOP\r\nUSER\r\nUIDL\r\nPIPELINING\r\n.\r\n"},
	{C, "USER mrose\r\n"},
	{S, "+OK mrose is a real hoopy frood\r\n"},
	{C, "PASS secret\r\n"},
	{S, "+OK mrose's maildrop has 2 messages (320 octets)\r\n"},
	{C, "STAT\r\n"},
	{S, "+OK 2 320\r\n"},
	{C, "LIST\r\n"},
	{S, "+OK 2 messages (320 octets)\r\n1 120\r\n2 200\r\n.\r\n"},
	{C, "LIST 2\r\n"},
	{S, "+OK 2 200\r\n"},
	/* a body with a dot-stuffed line and a line that looks like a status */
	{C, "RETR 1\r\n"},
	{S, "+OK 120 octets\r\nSubject: hi\r\n\r\n..not the end\r\n+OK not a reply\r\n.\r\n"},
	{C, "TOP 2 0\r\n"},
	{S, "+OK\r\nSubject: two\r\n\r\n.\r\n"},
	{C, "UIDL\r\n"},
	{S, "+OK\r\n1 whqtswO00WBw418f9t5JxYwZ\r\n2 QhdPYR:00WBw1Ph7x7\r\n.\r\n"},
	{C, "UIDL 1\r\n"},
	{S, "+OK 1 whqtswO00WBw418f9t5JxYwZ\r\n"},
	{C, "DELE 1\r\n"},
	{S, "+OK message 1 deleted\r\n"},
	{C, "DELE 1\r\n"},
	{S, "-ERR message 1 already deleted\r\n"},
	{C, "NOOP\r\n"},
	{S, "+OK\r\n"},
	{C, "LAST\r\n"},
	{S, "+OK 1\r\n"},
	{C, "RSET\r\n"},
	{S, "+OK maildrop has 2 messages (320 octets)\r\n"},
	{C, "QUIT\r\n"},
	{S, "+OK dewey POP3 server signing off (maildrop empty)\r\n"},
};

static void
check_session_counters(const struct sess *x)
{
	assert_int_equal(CTR(x, CMD_CAPA), 1);
	assert_int_equal(CTR(x, CMD_USER), 1);
	assert_int_equal(CTR(x, CMD_PASS), 1);
	assert_int_equal(CTR(x, CMD_STAT), 1);
	assert_int_equal(CTR(x, CMD_LIST), 2);
	assert_int_equal(CTR(x, CMD_RETR), 1);
	assert_int_equal(CTR(x, CMD_TOP), 1);
	assert_int_equal(CTR(x, CMD_UIDL), 2);
	assert_int_equal(CTR(x, CMD_DELE), 2);
	assert_int_equal(CTR(x, CMD_NOOP), 1);
	assert_int_equal(CTR(x, CMD_LAST), 1);
	assert_int_equal(CTR(x, CMD_RSET), 1);
	assert_int_equal(CTR(x, CMD_QUIT), 1);
	assert_int_equal(CTR(x, CMD_APOP), 0);
	assert_int_equal(CTR(x, CMD_OTHER), 0);
	/* 16 replies, the greeting included, one of them -ERR */
	assert_int_equal(CTR(x, REPLY_OK), 16);
	assert_int_equal(CTR(x, REPLY_ERR), 1);
	/* CAPA, LIST, RETR, TOP, UIDL */
	assert_int_equal(CTR(x, MULTILINE_REPLIES), 5);
	assert_int_equal(CTR(x, LOGINS), 1);
	assert_int_equal(CTR(x, CLEARTEXT_LOGINS), 1);
	assert_int_equal(CTR(x, CLEARTEXT_CREDENTIALS), 1);
	assert_int_equal(CTR(x, LOGIN_FAILURES), 0);
	assert_int_equal(CTR(x, PHASE_AUTHORIZATION), 1);
	assert_int_equal(CTR(x, PHASE_TRANSACTION), 1);
	assert_int_equal(CTR(x, PHASE_UPDATE), 1);
	assert_int_equal(CTR(x, ERR_BAD_REPLY), 0);
	assert_int_equal(CTR(x, ERR_UNSOLICITED), 0);
	assert_int_equal(CTR(x, ERR_WRONG_PHASE), 0);
	assert_int_equal(CTR(x, ERR_BAD_COMMAND), 0);
	assert_int_equal(CTR(x, ERR_BAD_ARGUMENT), 0);
	assert_int_equal(CTR(x, MIDSTREAM), 0);
	assert_int_equal(pop3_phase(&x->s), POP3_PHASE_UPDATE);
}

/* ---- tests --------------------------------------------------------------------------------- */

/* The whole session, one segment per step, with the phase checked along the way. */
static void
test_session_phases(void **state)
{
	struct sess x;
	unsigned int i;

	(void)state;
	start(&x);
	assert_int_equal(pop3_phase(&x.s), POP3_PHASE_NONE);
	for (i = 0; i < sizeof(session) / sizeof(session[0]); i++) {
		feed(&x, session[i].dir, session[i].text);
		if (i == 0)
			assert_int_equal(pop3_phase(&x.s), POP3_PHASE_AUTHORIZATION);
		if (i == 5) /* PASS sent, not yet answered */
			assert_int_equal(pop3_phase(&x.s), POP3_PHASE_AUTHORIZATION);
		if (i == 6)
			assert_int_equal(pop3_phase(&x.s), POP3_PHASE_TRANSACTION);
	}
	check_session_counters(&x);
	assert_string_equal(pop3_phase_name(pop3_phase(&x.s)), "update");
}

/* The same bytes one per segment, and each direction in one segment: the same counters. */
static void
test_session_split(void **state)
{
	struct sess x;
	unsigned int i;

	(void)state;
	start(&x);
	for (i = 0; i < sizeof(session) / sizeof(session[0]); i++)
		feed_bytes(&x, session[i].dir, session[i].text);
	check_session_counters(&x);

	/* CR and LF in different segments, a keyword split in the middle */
	start(&x);
	feed(&x, S, "+OK ready\r");
	feed(&x, S, "\n");
	feed(&x, C, "US");
	feed(&x, C, "ER bob\r");
	feed(&x, C, "\nPA");
	feed(&x, C, "SS x\r\n");
	feed(&x, S, "+OK\r\n+OK logged in\r\n");
	assert_int_equal(CTR(&x, CMD_USER), 1);
	assert_int_equal(CTR(&x, CMD_PASS), 1);
	assert_int_equal(CTR(&x, LOGINS), 1);
	assert_int_equal(CTR(&x, ERR_BAD_ARGUMENT), 0);
	assert_int_equal(pop3_phase(&x.s), POP3_PHASE_TRANSACTION);
}

/* Pipelined commands (RFC 2449 6.6) answered in one segment, multi-line bodies included. */
static void
test_pipelining(void **state)
{
	struct sess x;

	(void)state;
	start(&x);
	feed(&x, S, "+OK\r\n");
	feed(&x, C, "USER a\r\nPASS b\r\nSTAT\r\nLIST\r\nRETR 1\r\nDELE 1\r\nQUIT\r\n");
	feed(&x, S,
		"+OK\r\n+OK in\r\n+OK 1 5\r\n+OK\r\n1 5\r\n.\r\n+OK\r\nabcde\r\n.\r\n"
		"+OK deleted\r\n+OK bye\r\n");
	assert_int_equal(CTR(&x, REPLY_OK), 8);
	assert_int_equal(CTR(&x, MULTILINE_REPLIES), 2);
	assert_int_equal(CTR(&x, LOGINS), 1);
	assert_int_equal(CTR(&x, ERR_UNSOLICITED), 0);
	assert_int_equal(CTR(&x, ERR_BAD_REPLY), 0);
	assert_int_equal(CTR(&x, ERR_WRONG_PHASE), 0);
	assert_int_equal(pop3_phase(&x.s), POP3_PHASE_UPDATE);

	/* more outstanding commands than the queue holds */
	start(&x);
	feed(&x, S, "+OK\r\n");
	feed(&x, C, "NOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\n");
	assert_int_equal(CTR(&x, CMD_NOOP), 9);
	assert_int_equal(CTR(&x, ERR_PIPELINE_OVERFLOW), 1);
	assert_int_equal(CTR(&x, ERR_WRONG_PHASE), 9); /* NOOP before login */
}

/* APOP logs in without a clear-text password; a refused APOP is a failure. */
static void
test_apop(void **state)
{
	struct sess x;

	(void)state;
	start(&x);
	feed(&x, S, "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n");
	feed(&x, C, "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n");
	feed(&x, S, "-ERR permission denied\r\n");
	feed(&x, C, "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n");
	feed(&x, S, "+OK maildrop has 1 message (369 octets)\r\n");
	assert_int_equal(CTR(&x, CMD_APOP), 2);
	assert_int_equal(CTR(&x, LOGINS), 1);
	assert_int_equal(CTR(&x, LOGIN_FAILURES), 1);
	assert_int_equal(CTR(&x, CLEARTEXT_LOGINS), 0);
	assert_int_equal(CTR(&x, CLEARTEXT_CREDENTIALS), 0);
	assert_int_equal(pop3_phase(&x.s), POP3_PHASE_TRANSACTION);
	/* the analyser checks that an argument is there, not the digest (app_detect does) */
	feed(&x, C, "APOP mrose xyz\r\n");
	assert_int_equal(CTR(&x, ERR_BAD_ARGUMENT), 0);
	assert_int_equal(CTR(&x, ERR_WRONG_PHASE), 1); /* APOP after the login */
}

/* USER/PASS: the password crosses in clear whether or not it is accepted. */
static void
test_user_pass(void **state)
{
	struct sess x;

	(void)state;
	start(&x);
	feed(&x, S, "+OK\r\n");
	feed(&x, C, "USER bob\r\n");
	feed(&x, S, "+OK\r\n");
	feed(&x, C, "PASS wrong\r\n");
	feed(&x, S, "-ERR invalid password\r\n");
	assert_int_equal(CTR(&x, CLEARTEXT_CREDENTIALS), 1);
	assert_int_equal(CTR(&x, CLEARTEXT_LOGINS), 0);
	assert_int_equal(CTR(&x, LOGIN_FAILURES), 1);
	/* PASS again without a new USER: out of order */
	feed(&x, C, "PASS again\r\n");
	assert_int_equal(CTR(&x, ERR_WRONG_PHASE), 1);
	feed(&x, S, "-ERR\r\n");
	feed(&x, C, "USER bob\r\n");
	feed(&x, S, "+OK\r\n");
	feed(&x, C, "PASS right\r\n");
	feed(&x, S, "+OK\r\n");
	assert_int_equal(CTR(&x, CLEARTEXT_CREDENTIALS), 3);
	assert_int_equal(CTR(&x, CLEARTEXT_LOGINS), 1);
	assert_int_equal(CTR(&x, LOGINS), 1);
	/* a refused USER: the PASS that follows is out of order */
	start(&x);
	feed(&x, S, "+OK\r\n");
	feed(&x, C, "USER nobody\r\n");
	feed(&x, S, "-ERR no such user\r\n");
	feed(&x, C, "PASS x\r\n");
	assert_int_equal(CTR(&x, ERR_WRONG_PHASE), 1);
}

/* SASL: PLAIN and LOGIN are clear text, CRAM-MD5 is not; challenges and responses counted. */
static void
test_auth(void **state)
{
	struct sess x;

	(void)state;
	start(&x);
	feed(&x, S, "+OK\r\n");
	feed(&x, C, "AUTH PLAIN\r\n");
	feed(&x, S, "+ \r\n");
	feed(&x, C, "AGJvYgBzZWNyZXQ=\r\n");
	feed(&x, S, "+OK logged in\r\n");
	assert_int_equal(CTR(&x, CMD_AUTH), 1);
	assert_int_equal(CTR(&x, SASL_CHALLENGES), 1);
	assert_int_equal(CTR(&x, SASL_RESPONSES), 1);
	assert_int_equal(CTR(&x, CLEARTEXT_LOGINS), 1);
	assert_int_equal(CTR(&x, CLEARTEXT_CREDENTIALS), 1);
	assert_int_equal(pop3_phase(&x.s), POP3_PHASE_TRANSACTION);
	/* a SASL response is not a command */
	assert_int_equal(CTR(&x, ERR_BAD_COMMAND), 0);

	/* AUTH LOGIN with an initial response, in lower case */
	start(&x);
	feed(&x, S, "+OK\r\n");
	feed(&x, C, "auth login Ym9i\r\n");
	feed(&x, S, "+ UGFzc3dvcmQ6\r\n");
	feed(&x, C, "c2VjcmV0\r\n");
	feed(&x, S, "+OK\r\n");
	assert_int_equal(CTR(&x, CLEARTEXT_LOGINS), 1);

	/* CRAM-MD5: a login, not in clear; a cancelled exchange is a failure */
	start(&x);
	feed(&x, S, "+OK\r\n");
	feed(&x, C, "AUTH CRAM-MD5\r\n");
	feed(&x, S, "+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UuZXhhbXBsZS5uZXQ+\r\n");
	feed(&x, C, "*\r\n");
	feed(&x, S, "-ERR cancelled\r\n");
	feed(&x, C, "AUTH CRAM-MD5\r\n");
	feed(&x, S, "+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UuZXhhbXBsZS5uZXQ+\r\n");
	feed(&x, C, "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw\r\n");
	feed(&x, S, "+OK\r\n");
	assert_int_equal(CTR(&x, LOGINS), 1);
	assert_int_equal(CTR(&x, LOGIN_FAILURES), 1);
	assert_int_equal(CTR(&x, CLEARTEXT_LOGINS), 0);
	assert_int_equal(CTR(&x, CLEARTEXT_CREDENTIALS), 0);
	assert_int_equal(CTR(&x, SASL_RESPONSES), 2);

	/* bare AUTH: a mechanism listing (multi-line) */
	start(&x);
	feed(&x, S, "+OK\r\n");
	feed(&x, C, "AUTH\r\n");
	feed(&x, S, "+OK\r\nPLAIN\r\nCRAM-MD5\r\n.\r\n");
	assert_int_equal(CTR(&x, MULTILINE_REPLIES), 1);
	assert_int_equal(CTR(&x, ERR_BAD_REPLY), 0);
}

/* STLS: after its +OK nothing is parsed (it is TLS), in either direction. */
static void
test_stls(void **state)
{
	struct sess x;
	static const char tls_hello[] = "\x16\x03\x01\x00\xa3\x01\x00\x00\x9f\x03\x03\r\n";

	(void)state;
	start(&x);
	feed(&x, S, "+OK\r\n");
	feed(&x, C, "STLS\r\n");
	feed(&x, S, "+OK Begin TLS negotiation\r\n");
	assert_int_equal(pop3_phase(&x.s), POP3_PHASE_TLS);
	assert_int_equal(CTR(&x, TLS_STARTED), 1);
	feed(&x, C, tls_hello);
	feed(&x, S, tls_hello);
	feed(&x, C, "USER x\r\nPASS y\r\n");
	assert_int_equal(CTR(&x, CMD_USER), 0);
	assert_int_equal(CTR(&x, ERR_BAD_REPLY), 0);
	assert_int_equal(CTR(&x, ERR_BAD_COMMAND), 0);
	/* a refused STLS keeps the session in clear */
	start(&x);
	feed(&x, S, "+OK\r\n");
	feed(&x, C, "STLS\r\n");
	feed(&x, S, "-ERR not now\r\n");
	assert_int_equal(pop3_phase(&x.s), POP3_PHASE_AUTHORIZATION);
}

/* Malformed lines from either side. */
static void
test_malformed(void **state)
{
	struct sess x;
	char longline[400];

	(void)state;
	start(&x);
	feed(&x, S, "+OK\r\n");
	/* no keyword, digits, a keyword glued to garbage */
	feed(&x, C, "\r\n");
	feed(&x, C, "1234\r\n");
	feed(&x, C, "USER\x01x\r\n");
	assert_int_equal(CTR(&x, ERR_BAD_COMMAND), 3);
	feed(&x, S, "-ERR\r\n-ERR\r\n-ERR\r\n");
	assert_int_equal(CTR(&x, ERR_UNSOLICITED), 0);
	/* an unknown keyword */
	feed(&x, C, "XTND XMIT\r\n");
	assert_int_equal(CTR(&x, CMD_OTHER), 1);
	feed(&x, S, "-ERR unknown\r\n");
	/* arguments: missing, extra, not numeric, a lone space */
	feed(&x, C, "USER\r\n");
	feed(&x, C, "STAT 1\r\n");
	feed(&x, C, "RETR one\r\n");
	feed(&x, C, "TOP 1\r\n");
	feed(&x, C, "NOOP \r\n");
	assert_int_equal(CTR(&x, ERR_BAD_ARGUMENT), 5);
	feed(&x, S, "-ERR\r\n-ERR\r\n-ERR\r\n-ERR\r\n-ERR\r\n");
	/* commands of the wrong phase */
	feed(&x, C, "RETR 1\r\n");
	feed(&x, S, "-ERR\r\n");
	assert_int_equal(CTR(&x, ERR_WRONG_PHASE), 5); /* STAT, RETR one, TOP, NOOP, RETR 1 */
	/* a line longer than 255 octets */
	memset(longline, 'a', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	memcpy(longline, "USER ", 5);
	memcpy(longline + sizeof(longline) - 3, "\r\n", 2);
	feed(&x, C, longline);
	assert_int_equal(CTR(&x, ERR_LINE_TOO_LONG), 1);
	/* server lines that are no status */
	feed(&x, S, "OK fine\r\n");
	feed(&x, S, "+OKAY\r\n");
	assert_int_equal(CTR(&x, ERR_BAD_REPLY), 2);
	/* a reply with nothing outstanding */
	feed(&x, S, "+OK\r\n+OK\r\n");
	assert_int_equal(CTR(&x, ERR_UNSOLICITED), 1);
	/* binary junk does not crash and is counted as lines */
	feed_n(&x, S, "\x00\xff\n\x80\n", 5);
	assert_int_equal(CTR(&x, ERR_BAD_REPLY), 4);
}

/* Wrong phases: transaction commands before login, authorization commands after it, anything
 * after QUIT; QUIT in AUTHORIZATION does not enter UPDATE. */
static void
test_wrong_phase(void **state)
{
	struct sess x;

	(void)state;
	start(&x);
	feed(&x, S, "+OK\r\n");
	feed(&x, C, "STAT\r\n");
	feed(&x, S, "-ERR log in first\r\n");
	feed(&x, C, "USER a\r\nPASS b\r\n");
	feed(&x, S, "+OK\r\n+OK\r\n");
	feed(&x, C, "USER a\r\n");
	feed(&x, S, "-ERR\r\n");
	feed(&x, C, "STLS\r\n");
	feed(&x, S, "-ERR\r\n");
	assert_int_equal(CTR(&x, ERR_WRONG_PHASE), 3);
	feed(&x, C, "QUIT\r\nNOOP\r\n");
	assert_int_equal(CTR(&x, ERR_WRONG_PHASE), 4);

	start(&x);
	feed(&x, S, "+OK\r\n");
	feed(&x, C, "QUIT\r\n");
	feed(&x, S, "+OK bye\r\n");
	assert_int_equal(pop3_phase(&x.s), POP3_PHASE_AUTHORIZATION);
	assert_int_equal(CTR(&x, PHASE_UPDATE), 0);
}

/* A session picked up after its greeting. */
static void
test_midstream(void **state)
{
	struct sess x;

	(void)state;
	start(&x);
	feed(&x, C, "RETR 3\r\n");
	assert_int_equal(CTR(&x, MIDSTREAM), 1);
	assert_int_equal(pop3_phase(&x.s), POP3_PHASE_TRANSACTION);
	feed(&x, S, "+OK\r\nbody\r\n.\r\n");
	feed(&x, C, "QUIT\r\n");
	feed(&x, S, "+OK\r\n");
	assert_int_equal(pop3_phase(&x.s), POP3_PHASE_UPDATE);
	assert_int_equal(CTR(&x, ERR_WRONG_PHASE), 0);

	start(&x);
	feed(&x, C, "USER x\r\n");
	assert_int_equal(pop3_phase(&x.s), POP3_PHASE_AUTHORIZATION);
}

/* Names, lookups, the line validator's edges, NULL arguments. */
static void
test_names_and_edges(void **state)
{
	struct pop3_counters c;
	struct pop3_state s;
	enum pop3_cmd cmd;
	unsigned int i;

	(void)state;
	assert_true(sizeof(struct pop3_state) <= 32);
	assert_string_equal(pop3_ctr_name(POP3_CTR_CMD_USER), "pop3_cmd_user");
	assert_string_equal(pop3_ctr_name(POP3_CTR_CLEARTEXT_LOGINS), "pop3_cleartext_logins");
	assert_string_equal(pop3_ctr_name(POP3_CTR_MAX), "?");
	for (i = 0; i < POP3_CTR_MAX; i++)
		assert_true(strncmp(pop3_ctr_name(i), "pop3_", 5) == 0);
	assert_string_equal(pop3_cmd_name(POP3_CMD_RETR), "RETR");
	assert_string_equal(pop3_cmd_name(POP3_CMD_OTHER), "");
	assert_string_equal(pop3_cmd_name(POP3_CMD_MAX), "?");
	assert_string_equal(pop3_phase_name(POP3_PHASE_TRANSACTION), "transaction");
	assert_string_equal(pop3_phase_name(99), "?");
	assert_int_equal(pop3_cmd_lookup((const uint8_t *)"uidl", 4), POP3_CMD_UIDL);
	assert_int_equal(pop3_cmd_lookup((const uint8_t *)"UID", 3), POP3_CMD_OTHER);
	for (i = 0; i < POP3_CMD_OTHER; i++)
		assert_int_equal(pop3_cmd_lookup((const uint8_t *)pop3_cmd_name(i),
					 (uint32_t)strlen(pop3_cmd_name(i))),
			i);

	assert_int_equal(pop3_cmd_line((const uint8_t *)"TOP 1 2", 7, &cmd), 1);
	assert_int_equal(cmd, POP3_CMD_TOP);
	assert_int_equal(pop3_cmd_line((const uint8_t *)"TOP 1 2", 0xffffffffu, &cmd), 0);
	assert_int_equal(pop3_cmd_line(NULL, 0, &cmd), 0);
	assert_int_equal(pop3_cmd_line((const uint8_t *)"LIST", 4, &cmd), 1);
	assert_int_equal(pop3_cmd_line((const uint8_t *)"LIST 1 2", 8, &cmd), 0);

	pop3_init(&s);
	memset(&c, 0, sizeof(c));
	pop3_input(NULL, 1, (const uint8_t *)"x", 1, &c);
	pop3_input(&s, 1, NULL, 1, &c);
	pop3_input(&s, 1, (const uint8_t *)"x", 1, NULL);
	pop3_input(&s, 1, (const uint8_t *)"x", 0, &c);
	for (i = 0; i < POP3_CTR_MAX; i++)
		assert_int_equal(c.v[i], 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_session_phases),
		cmocka_unit_test(test_session_split),
		cmocka_unit_test(test_pipelining),
		cmocka_unit_test(test_apop),
		cmocka_unit_test(test_user_pass),
		cmocka_unit_test(test_auth),
		cmocka_unit_test(test_stls),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_wrong_phase),
		cmocka_unit_test(test_midstream),
		cmocka_unit_test(test_names_and_edges),
	};

	return cmocka_run_group_tests_name("pop3", tests, NULL, NULL);
}
