/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * POP3 session analyser (see pop3.h). Lines are recognised from their first bytes only, so the
 * state stays within 32 bytes however long a line or a multi-line reply is.
 */

#include <stddef.h>
#include <string.h>

#include "pop3.h"

_Static_assert(sizeof(struct pop3_state) <= 32, "pop3 state must fit the flow's app area");
_Static_assert(POP3_CMD_MAX < 32, "a queue entry keeps the command in 5 bits");
_Static_assert(
	(int)POP3_CTR_CMD_OTHER == (int)POP3_CMD_OTHER, "command counters follow the commands");

/* Queue entry: command | flags. */
#define Q_CMD_MASK 0x1fu
#define Q_MULTI	   0x20u /* a +OK to it is followed by a multi-line body */
#define Q_MECH	   0x40u /* AUTH with a mechanism (a login attempt) */
#define Q_CLEAR	   0x80u /* ...and the mechanism sends the password in clear (PLAIN, LOGIN) */

/* pop3_state.flags */
#define F_USER_SENT (1u << 0) /* USER given and not refused: PASS may follow */
#define F_SASL	    (1u << 1) /* inside an AUTH exchange: client lines are SASL responses */
#define F_SRV_MULTI (1u << 2) /* the server is sending a multi-line body */
#define F_QUIT	    (1u << 3) /* QUIT sent: nothing may follow */
#define F_CLI_CR    (1u << 4) /* the client line so far ends in CR (it may be cut before LF) */
#define F_SRV_CR    (1u << 5) /* the same for the server line */

static const char *const ctr_names[] = {
#define POP3_CTR_NAME_(id, name) name,
	POP3_CTR_LIST(POP3_CTR_NAME_)
#undef POP3_CTR_NAME_
};

static const char *const cmd_names[] = {
#define POP3_CMD_NAME_(id, kw) kw,
	POP3_CMD_LIST(POP3_CMD_NAME_)
#undef POP3_CMD_NAME_
};

static const char *const phase_names[] = {"none", "authorization", "transaction", "update", "tls"};

const char *
pop3_ctr_name(unsigned int i)
{
	return i < POP3_CTR_MAX ? ctr_names[i] : "?";
}

const char *
pop3_cmd_name(unsigned int cmd)
{
	return cmd < POP3_CMD_MAX ? cmd_names[cmd] : "?";
}

const char *
pop3_phase_name(unsigned int phase)
{
	return phase < sizeof(phase_names) / sizeof(phase_names[0]) ? phase_names[phase] : "?";
}

static uint8_t
upper(uint8_t ch)
{
	return ch >= 'a' && ch <= 'z' ? (uint8_t)(ch - 32) : ch;
}

static int
is_alpha(uint8_t ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static int
is_digit(uint8_t ch)
{
	return ch >= '0' && ch <= '9';
}

enum pop3_cmd
pop3_cmd_lookup(const uint8_t *kw, uint32_t len)
{
	unsigned int c, i;

	for (c = 0; c < POP3_CMD_OTHER; c++) {
		const char *k = cmd_names[c];

		if (strlen(k) != len)
			continue;
		for (i = 0; i < len && upper(kw[i]) == (uint8_t)k[i]; i++)
			;
		if (i == len)
			return (enum pop3_cmd)c;
	}
	return POP3_CMD_OTHER;
}

void
pop3_init(struct pop3_state *s)
{
	memset(s, 0, sizeof(*s));
}

/* ---- command queue ------------------------------------------------------------------------- */

static void
queue_push(struct pop3_state *s, uint8_t e, struct pop3_counters *c)
{
	if (s->q_len == POP3_QUEUE) {
		c->v[POP3_CTR_ERR_PIPELINE_OVERFLOW]++;
		return;
	}
	s->queue[(s->q_head + s->q_len) % POP3_QUEUE] = e;
	s->q_len++;
}

static uint8_t
queue_pop(struct pop3_state *s)
{
	uint8_t e = s->queue[s->q_head];

	s->q_head = (uint8_t)((s->q_head + 1) % POP3_QUEUE);
	s->q_len--;
	return e;
}

/* ---- client side --------------------------------------------------------------------------- */

static int
transaction_cmd(enum pop3_cmd cmd)
{
	switch (cmd) {
	case POP3_CMD_STAT:
	case POP3_CMD_LIST:
	case POP3_CMD_RETR:
	case POP3_CMD_DELE:
	case POP3_CMD_NOOP:
	case POP3_CMD_LAST:
	case POP3_CMD_RSET:
	case POP3_CMD_TOP:
	case POP3_CMD_UIDL:
		return 1;
	default:
		return 0;
	}
}

/* Digits from a to the end of what is visible (at least one), optionally "n SP m" for TOP. */
static int
numeric_args(const uint8_t *h, uint32_t a, uint32_t hl, uint32_t l, int two)
{
	uint32_t i, spaces = 0;

	if (a >= l)
		return 0;
	for (i = a; i < hl; i++) {
		if (is_digit(h[i]))
			continue;
		if (two && h[i] == ' ' && spaces == 0 && i > a && i + 1 < l) {
			spaces++;
			continue;
		}
		return 0;
	}
	return two ? (spaces == 1 || hl < l) : 1;
}

/*
 * Check a command's arguments from the visible head h[0, hl) of a line of content length l
 * (kw: keyword length; the argument, if any, starts at kw + 1). Sets the queue entry flags.
 */
static int
args_ok(enum pop3_cmd cmd, const uint8_t *h, uint32_t kw, uint32_t hl, uint32_t l, uint8_t *e)
{
	int has_arg = l > kw + 1;
	uint32_t a = kw + 1;

	if (l == kw + 1)
		return 0; /* keyword followed by a lone SP */
	switch (cmd) {
	case POP3_CMD_STAT:
	case POP3_CMD_NOOP:
	case POP3_CMD_RSET:
	case POP3_CMD_QUIT:
	case POP3_CMD_STLS:
	case POP3_CMD_LAST:
		return !has_arg;
	case POP3_CMD_CAPA:
		*e |= Q_MULTI;
		return !has_arg;
	case POP3_CMD_RETR:
		*e |= Q_MULTI;
		return numeric_args(h, a, hl, l, 0);
	case POP3_CMD_DELE:
		return numeric_args(h, a, hl, l, 0);
	case POP3_CMD_TOP:
		*e |= Q_MULTI;
		return numeric_args(h, a, hl, l, 1);
	case POP3_CMD_LIST:
	case POP3_CMD_UIDL:
		if (!has_arg) {
			*e |= Q_MULTI; /* scan listing */
			return 1;
		}
		return numeric_args(h, a, hl, l, 0);
	case POP3_CMD_USER:
	case POP3_CMD_PASS:
	case POP3_CMD_APOP:
		return has_arg;
	case POP3_CMD_AUTH:
		if (!has_arg) {
			*e |= Q_MULTI; /* non-standard mechanism listing */
			return 1;
		}
		*e |= Q_MECH;
		/* "PLAIN"/"LOGIN" then the end of the line or SP initial-response */
		if (hl >= a + 5 && (l == a + 5 || (hl > a + 5 && h[a + 5] == ' '))) {
			uint8_t m[5];
			uint32_t i;

			for (i = 0; i < 5; i++)
				m[i] = upper(h[a + i]);
			if (memcmp(m, "PLAIN", 5) == 0 || memcmp(m, "LOGIN", 5) == 0)
				*e |= Q_CLEAR;
		}
		return 1;
	default:
		return 1;
	}
}

int
pop3_cmd_line(const uint8_t *line, uint32_t len, enum pop3_cmd *cmd)
{
	uint32_t kw, i;
	uint8_t e = 0;

	*cmd = POP3_CMD_OTHER;
	/* written so that no len can wrap the comparison */
	if (line == NULL || len > POP3_MAX_CMD_LINE - 2)
		return 0;
	for (kw = 0; kw < len && is_alpha(line[kw]); kw++)
		;
	if (kw < 3 || kw > 4 || (kw < len && line[kw] != ' '))
		return 0;
	*cmd = pop3_cmd_lookup(line, kw);
	if (*cmd == POP3_CMD_OTHER)
		return 0;
	/* RFC 2449 4: arguments are printable ASCII (UTF-8 user names tolerated) */
	for (i = kw; i < len; i++)
		if (line[i] < 0x20 || line[i] == 0x7f)
			return 0;
	if (*cmd == POP3_CMD_APOP) {
		/* APOP name digest: the digest is 32 hex digits (RFC 1939 7) */
		if (len < kw + 1 + 1 + 1 + 32 || line[len - 33] != ' ')
			return 0;
		for (i = len - 32; i < len; i++)
			if (!is_digit(line[i]) && !(upper(line[i]) >= 'A' && upper(line[i]) <= 'F'))
				return 0;
	}
	return args_ok(*cmd, line, kw, len, len, &e);
}

/*
 * A login command (PASS, APOP, AUTH with a mechanism) is still waiting for its reply. A
 * pipelining client (RFC 2449 6.6) may send "USER a, PASS b, STAT" at once: the STAT is judged
 * as if the login succeeds, since it is in order for the client; if the login fails the server
 * answers STAT -ERR, which is counted as such.
 */
static int
login_pending(const struct pop3_state *s)
{
	unsigned int i;

	for (i = 0; i < s->q_len; i++) {
		uint8_t e = s->queue[(s->q_head + i) % POP3_QUEUE];
		unsigned int cmd = e & Q_CMD_MASK;

		if (cmd == POP3_CMD_PASS || cmd == POP3_CMD_APOP ||
			(cmd == POP3_CMD_AUTH && (e & Q_MECH)))
			return 1;
	}
	return 0;
}

static void
client_line(struct pop3_state *s, struct pop3_counters *c)
{
	const uint8_t *h = s->cli_head;
	uint32_t l = s->cli_len, hl, kw;
	enum pop3_cmd cmd;
	uint8_t e;
	int wrong = 0;

	/* content length without the CR (a saturated length stays "too long") */
	if ((s->flags & F_CLI_CR) && l > 0 && l < 255)
		l--;
	hl = l < POP3_CLI_HEAD ? l : POP3_CLI_HEAD;
	if (s->flags & F_SASL) {
		c->v[POP3_CTR_SASL_RESPONSES]++;
		return;
	}
	if (s->cli_len >= POP3_MAX_CMD_LINE)
		c->v[POP3_CTR_ERR_LINE_TOO_LONG]++;
	for (kw = 0; kw < hl && is_alpha(h[kw]); kw++)
		;
	if (kw == 0 || kw > 8 || (kw < hl && h[kw] != ' ') || (kw == hl && hl < l)) {
		c->v[POP3_CTR_ERR_BAD_COMMAND]++;
		queue_push(s, POP3_CMD_OTHER, c); /* the server answers it with -ERR */
		return;
	}
	cmd = pop3_cmd_lookup(h, kw);
	c->v[POP3_CTR_CMD_USER + cmd]++;
	e = (uint8_t)cmd;
	if (!args_ok(cmd, h, kw, hl, l, &e))
		c->v[POP3_CTR_ERR_BAD_ARGUMENT]++;

	if (s->phase == POP3_PHASE_NONE) {
		/* the greeting was not seen: the session was picked up in the middle */
		c->v[POP3_CTR_MIDSTREAM]++;
		s->phase = transaction_cmd(cmd) ? POP3_PHASE_TRANSACTION : POP3_PHASE_AUTHORIZATION;
	}
	if ((s->flags & F_QUIT) || s->phase == POP3_PHASE_UPDATE)
		wrong = 1;
	else if (s->phase == POP3_PHASE_AUTHORIZATION && !login_pending(s))
		wrong = transaction_cmd(cmd) || (cmd == POP3_CMD_PASS && !(s->flags & F_USER_SENT));
	else /* TRANSACTION, or a login still unanswered (see login_pending()) */
		wrong = cmd == POP3_CMD_USER || cmd == POP3_CMD_PASS || cmd == POP3_CMD_APOP ||
			cmd == POP3_CMD_AUTH || cmd == POP3_CMD_STLS;
	if (wrong)
		c->v[POP3_CTR_ERR_WRONG_PHASE]++;
	/*
	 * A password crossed the network in clear whatever the server answers: count it when it
	 * is sent (pop3_cleartext_credentials) and, separately, when it is accepted
	 * (pop3_cleartext_logins, in reply()). Nothing after STLS is parsed, so "sent here" is
	 * "sent without TLS".
	 */
	if ((cmd == POP3_CMD_PASS && l > kw + 1) || (e & Q_CLEAR))
		c->v[POP3_CTR_CLEARTEXT_CREDENTIALS]++;
	if (cmd == POP3_CMD_USER)
		s->flags |= F_USER_SENT;
	if (cmd == POP3_CMD_QUIT)
		s->flags |= F_QUIT;
	queue_push(s, e, c);
}

/* ---- server side --------------------------------------------------------------------------- */

static void
login(struct pop3_state *s, int clear, struct pop3_counters *c)
{
	c->v[POP3_CTR_LOGINS]++;
	if (clear)
		c->v[POP3_CTR_CLEARTEXT_LOGINS]++;
	if (s->phase != POP3_PHASE_TRANSACTION) {
		s->phase = POP3_PHASE_TRANSACTION;
		c->v[POP3_CTR_PHASE_TRANSACTION]++;
	}
}

static void
reply(struct pop3_state *s, int ok, struct pop3_counters *c)
{
	enum pop3_cmd cmd;
	uint8_t e;

	c->v[ok ? POP3_CTR_REPLY_OK : POP3_CTR_REPLY_ERR]++;
	if (s->q_len == 0) {
		if (s->phase == POP3_PHASE_NONE) {
			if (ok) { /* the greeting */
				s->phase = POP3_PHASE_AUTHORIZATION;
				c->v[POP3_CTR_PHASE_AUTHORIZATION]++;
			}
			return;
		}
		c->v[POP3_CTR_ERR_UNSOLICITED]++;
		return;
	}
	e = queue_pop(s);
	cmd = (enum pop3_cmd)(e & Q_CMD_MASK);
	switch (cmd) {
	case POP3_CMD_USER:
		if (!ok)
			s->flags &= (uint16_t)~F_USER_SENT;
		return;
	case POP3_CMD_PASS:
		s->flags &= (uint16_t)~F_USER_SENT;
		if (ok)
			login(s, 1, c);
		else
			c->v[POP3_CTR_LOGIN_FAILURES]++;
		return;
	case POP3_CMD_APOP:
		if (ok)
			login(s, 0, c);
		else
			c->v[POP3_CTR_LOGIN_FAILURES]++;
		return;
	case POP3_CMD_AUTH:
		s->flags &= (uint16_t)~F_SASL;
		if (e & Q_MECH) {
			if (ok)
				login(s, (e & Q_CLEAR) != 0, c);
			else
				c->v[POP3_CTR_LOGIN_FAILURES]++;
			return;
		}
		break;
	case POP3_CMD_STLS:
		if (ok) {
			/* everything after this reply is TLS: stop parsing both directions */
			s->phase = POP3_PHASE_TLS;
			s->q_len = 0;
			c->v[POP3_CTR_TLS_STARTED]++;
		}
		return;
	case POP3_CMD_QUIT:
		if (ok && s->phase == POP3_PHASE_TRANSACTION) {
			s->phase = POP3_PHASE_UPDATE;
			c->v[POP3_CTR_PHASE_UPDATE]++;
		}
		return;
	default:
		break;
	}
	if (ok && (e & Q_MULTI)) {
		s->flags |= F_SRV_MULTI;
		c->v[POP3_CTR_MULTILINE_REPLIES]++;
	}
}

static void
server_line(struct pop3_state *s, struct pop3_counters *c)
{
	const uint8_t *h = s->srv_head;
	uint32_t l = s->srv_len, hl;

	if ((s->flags & F_SRV_CR) && l > 0 && l < 255)
		l--;
	hl = l < POP3_SRV_HEAD ? l : POP3_SRV_HEAD;
	if (s->flags & F_SRV_MULTI) {
		/* body lines are dot-stuffed; only "." alone ends the reply (RFC 1939 3) */
		if (l == 1 && h[0] == '.')
			s->flags &= (uint16_t)~F_SRV_MULTI;
		return;
	}
	if (hl >= 3 && memcmp(h, "+OK", 3) == 0 &&
		(l == 3 || (hl > 3 && (h[3] == ' ' || h[3] == '\t')))) {
		reply(s, 1, c);
	} else if (hl >= 4 && memcmp(h, "-ERR", 4) == 0 &&
		   (l == 4 || (hl > 4 && (h[4] == ' ' || h[4] == '\t')))) {
		reply(s, 0, c);
	} else if (hl >= 1 && h[0] == '+' && (l == 1 || (hl > 1 && h[1] == ' ')) && s->q_len > 0 &&
		   (s->queue[s->q_head] & Q_CMD_MASK) == POP3_CMD_AUTH) {
		/* RFC 5034 continuation: the client's next lines answer the challenge */
		c->v[POP3_CTR_SASL_CHALLENGES]++;
		s->flags |= F_SASL;
	} else {
		c->v[POP3_CTR_ERR_BAD_REPLY]++;
	}
}

void
pop3_input(struct pop3_state *s, int from_client, const uint8_t *buf, uint32_t len,
	struct pop3_counters *c)
{
	uint8_t *head, *lenp;
	uint32_t cap, pos = 0;
	uint16_t cr;

	if (s == NULL || c == NULL || buf == NULL)
		return;
	head = from_client ? s->cli_head : s->srv_head;
	lenp = from_client ? &s->cli_len : &s->srv_len;
	cap = from_client ? POP3_CLI_HEAD : POP3_SRV_HEAD;
	cr = from_client ? F_CLI_CR : F_SRV_CR;
	while (pos < len && s->phase != POP3_PHASE_TLS) {
		const uint8_t *lf = memchr(buf + pos, '\n', len - pos);
		uint32_t end = lf != NULL ? (uint32_t)(lf - buf) : len;
		uint32_t n = end - pos;

		if (*lenp < cap) {
			uint32_t k = cap - *lenp < n ? cap - *lenp : n;

			memcpy(head + *lenp, buf + pos, k);
		}
		/* saturate at 255: "longer than any valid line" is all that matters */
		*lenp = n >= 255u - *lenp ? 255 : (uint8_t)(*lenp + n);
		/* whether the line ends in CR: the CR and its LF may be in different segments */
		if (n > 0)
			s->flags =
				(uint16_t)(buf[end - 1] == '\r' ? s->flags | cr : s->flags & ~cr);
		pos = end;
		if (lf == NULL)
			break;
		pos++;
		if (from_client)
			client_line(s, c);
		else
			server_line(s, c);
		*lenp = 0;
		s->flags &= (uint16_t)~cr;
	}
}
