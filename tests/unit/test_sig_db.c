/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Unit tests for dataplane/sig_db.c: loading configs/signatures.json, scanning with it, and
 * every kind of error a signature file can have (each must name file:line:col and the key
 * path; a pattern Hyperscan refuses must name the signature id and Hyperscan's message).
 *
 * The shipped file is found through $VPEP_SIGNATURES, else VPEP_SIGNATURES_FILE (an absolute
 * path the build defines). Every other signature set is written here. Payloads are copied
 * into malloc'd buffers of exactly their length before they are scanned.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <hs.h>

#include "sig_db.h"

#ifndef VPEP_SIGNATURES_FILE
#define VPEP_SIGNATURES_FILE "configs/signatures.json"
#endif

static const char *
signatures_file(void)
{
	const char *env = getenv("VPEP_SIGNATURES");

	return env != NULL && env[0] != '\0' ? env : VPEP_SIGNATURES_FILE;
}

/* ---- helpers ------------------------------------------------------------------------------- */

static char errbuf[2048];

/* Load a signature set from text; errbuf gets the error. */
static struct sig_db *
load_text(const char *text)
{
	errbuf[0] = '\0';
	return sig_db_load_text("test.json", text, strlen(text), errbuf, sizeof(errbuf));
}

/* Expect text to be refused with errno e and an error containing each of the strings. */
static void
expect_error(const char *text, int e, ...)
{
	struct sig_db *db;
	const char *want;
	va_list ap;

	errno = 0;
	db = load_text(text);
	if (db != NULL)
		fail_msg("accepted: %s", text);
	assert_int_equal(errno, e);
	va_start(ap, e);
	while ((want = va_arg(ap, const char *)) != NULL) {
		if (strstr(errbuf, want) == NULL)
			fail_msg("error \"%s\" does not contain \"%s\"", errbuf, want);
	}
	va_end(ap);
}

/* Scan an exact-size copy of s. */
static int
scan(const struct sig_db *db, struct hs_scratch *scr, const char *s, uint8_t l4,
	struct sig_matches *m)
{
	size_t n = strlen(s);
	uint8_t *b = malloc(n ? n : 1);
	int rc;

	assert_non_null(b);
	memcpy(b, s, n);
	rc = sig_db_scan(db, scr, b, (uint32_t)n, l4, m);
	free(b);
	return rc;
}

/* A minimal valid signature set around one signature object (its fields as text). */
#define ONE_SIG(fields)                                                                            \
	"{\n"                                                                                      \
	"  \"version\": 1,\n"                                                                      \
	"  \"signatures\": [\n"                                                                    \
	"    {\n" fields "\n"                                                                      \
	"    }\n"                                                                                  \
	"  ]\n"                                                                                    \
	"}\n"

/* ---- the shipped file ---------------------------------------------------------------------- */

struct fx {
	struct sig_db *db;
	struct hs_scratch *scr;
};

static int
setup_file(void **state)
{
	static struct fx fx;
	char err[1024];

	fx.db = sig_db_load(signatures_file(), err, sizeof(err));
	if (fx.db == NULL) {
		print_error("%s\n", err);
		return -1;
	}
	fx.scr = NULL;
	if (sig_db_scratch_alloc(fx.db, &fx.scr) != 0)
		return -1;
	*state = &fx;
	return 0;
}

static int
teardown_file(void **state)
{
	struct fx *fx = *state;

	sig_db_scratch_free(fx->scr);
	sig_db_free(fx->db);
	return 0;
}

/* The shipped set loads and has the signatures the validators are written for. */
static void
test_shipped_file_loads(void **state)
{
	struct fx *fx = *state;
	static const char *const ids[] = {"sip-request", "sip-response", "sip-scanner-ua",
		"http-request", "http-response", "cwmp-namespace", "pop3-greeting", "pop3-command",
		"cip-encap", "cops-header", "rtsp-request", "rtsp-response"};
	unsigned int i, classes = 0;

	assert_true(sig_db_count(fx->db) > 0);
	assert_true(sig_db_count(fx->db) <= SIG_DB_MAX_SIGS);
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		int idx = sig_db_find(fx->db, ids[i]);

		if (idx < 0)
			fail_msg("signature %s missing", ids[i]);
		assert_string_equal(sig_db_entry(fx->db, (unsigned int)idx)->id, ids[i]);
	}
	for (i = 0; i < sig_db_count(fx->db); i++) {
		const struct sig_entry *e = sig_db_entry(fx->db, i);

		classes |= 1u << e->cls;
		/* payload signatures never name the RTP family or unknown */
		assert_true(e->cls != VPEP_CLASS_unknown && e->cls != VPEP_CLASS_rtp &&
			    e->cls != VPEP_CLASS_rtcp && e->cls != VPEP_CLASS_rtp_unsignalled);
		/* a scan only records which signatures matched: one callback each is enough */
		assert_true(e->hs_flags & HS_FLAG_SINGLEMATCH);
	}
	assert_int_equal(classes, 1u << VPEP_CLASS_sip | 1u << VPEP_CLASS_http |
					  1u << VPEP_CLASS_pop3 | 1u << VPEP_CLASS_cwmp |
					  1u << VPEP_CLASS_cip | 1u << VPEP_CLASS_cops |
					  1u << VPEP_CLASS_rtsp);
	assert_int_equal(sig_db_find(fx->db, "no-such-id"), -ENOENT);
	assert_int_equal(sig_db_find(fx->db, NULL), -ENOENT);
	assert_null(sig_db_entry(fx->db, sig_db_count(fx->db)));
	assert_string_equal(sig_db_class_name(VPEP_CLASS_cwmp), "cwmp");
	assert_string_equal(sig_db_class_name(VPEP_CLASS_MAX), "?");
}

/* Scans report the signatures, classes and tags that matched. */
static void
test_scan_matches(void **state)
{
	struct fx *fx = *state;
	struct sig_matches m;
	int idx;

	/* a SIP INVITE start line */
	assert_int_equal(
		scan(fx->db, fx->scr, "INVITE sip:bob@example.com SIP/2.0\r\nVia: x\r\n", 17, &m),
		0);
	idx = sig_db_find(fx->db, "sip-request");
	assert_true(sig_matches_test(&m, (unsigned int)idx));
	assert_true(m.class_mask & 1u << VPEP_CLASS_sip);
	assert_true(m.count >= 1);
	assert_int_equal(m.tags, 0);

	/* a SIPVicious OPTIONS: the scanner tag */
	assert_int_equal(scan(fx->db, fx->scr,
				 "OPTIONS sip:100@10.0.0.1 SIP/2.0\r\n"
				 "User-Agent: friendly-scanner\r\n\r\n",
				 17, &m),
		0);
	assert_true(m.tags & SIG_TAG_SCANNER);

	/* an HTTP request over TCP matches, over UDP it does not (transport "tcp") */
	assert_int_equal(scan(fx->db, fx->scr, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 6, &m), 0);
	assert_true(m.class_mask & 1u << VPEP_CLASS_http);
	assert_int_equal(scan(fx->db, fx->scr, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 17, &m), 0);
	assert_false(m.class_mask & 1u << VPEP_CLASS_http);

	/* "where": "start": the same request line not at the first byte does not match */
	assert_int_equal(scan(fx->db, fx->scr, " GET / HTTP/1.1\r\nHost: a\r\n\r\n", 6, &m), 0);
	assert_false(m.class_mask & 1u << VPEP_CLASS_http);

	/* "where": "anywhere": the CWMP namespace deep in a body */
	assert_int_equal(
		scan(fx->db, fx->scr,
			"xxxxxxxx<soap:Envelope xmlns:cwmp=\"urn:dslforum-org:cwmp-1-0\">", 6, &m),
		0);
	assert_true(m.class_mask & 1u << VPEP_CLASS_cwmp);

	/* an empty payload matches nothing and is not an error */
	assert_int_equal(scan(fx->db, fx->scr, "", 6, &m), 0);
	assert_int_equal(m.count, 0);
	assert_int_equal(m.class_mask, 0);
}

/* Port hints answer only for classes whose matching signatures list the port. */
static void
test_port_hint(void **state)
{
	struct fx *fx = *state;
	struct sig_matches m;

	assert_int_equal(scan(fx->db, fx->scr, "+OK\r\n", 6, &m), 0);
	assert_true(sig_db_port_hint(fx->db, &m, VPEP_CLASS_pop3, 40000, 110));
	assert_true(sig_db_port_hint(fx->db, &m, VPEP_CLASS_pop3, 110, 40000));
	assert_false(sig_db_port_hint(fx->db, &m, VPEP_CLASS_pop3, 40000, 6379));
	/* no sip signature matched: the SIP port says nothing */
	assert_false(sig_db_port_hint(fx->db, &m, VPEP_CLASS_sip, 5060, 5060));
	assert_false(sig_db_port_hint(fx->db, &m, VPEP_CLASS_MAX, 110, 110));
	assert_false(sig_db_port_hint(NULL, &m, VPEP_CLASS_pop3, 110, 110));
}

/* Bad arguments are refused, and out is cleared whenever it is given. */
static void
test_scan_bad_args(void **state)
{
	struct fx *fx = *state;
	struct hs_scratch *s2 = NULL;
	struct sig_matches m;
	const uint8_t b[1] = {'x'};

	memset(&m, 0xff, sizeof(m));
	assert_int_equal(sig_db_scan(NULL, fx->scr, b, 1, 6, &m), -EINVAL);
	assert_int_equal(m.count, 0);
	assert_int_equal(sig_db_scan(fx->db, NULL, b, 1, 6, &m), -EINVAL);
	assert_int_equal(sig_db_scan(fx->db, fx->scr, NULL, 1, 6, &m), -EINVAL);
	assert_int_equal(sig_db_scan(fx->db, fx->scr, b, 1, 6, NULL), -EINVAL);
	assert_int_equal(sig_db_scan(fx->db, fx->scr, NULL, 0, 6, &m), 0);

	/* a second scratch for a second worker; *scratch must be NULL on entry */
	assert_int_equal(sig_db_scratch_alloc(fx->db, &s2), 0);
	assert_non_null(s2);
	assert_int_equal(sig_db_scratch_alloc(fx->db, &s2), -EINVAL);
	assert_int_equal(sig_db_scratch_alloc(NULL, &s2), -EINVAL);
	assert_int_equal(sig_db_scratch_alloc(fx->db, NULL), -EINVAL);
	assert_int_equal(sig_db_scan(fx->db, s2, b, 1, 6, &m), 0);
	sig_db_scratch_free(s2);
	sig_db_scratch_free(NULL);
	sig_db_free(NULL);
	assert_int_equal(sig_db_count(NULL), 0);
}

/* ---- sets written here --------------------------------------------------------------------- */

/* Every optional key, and what the loader makes of it. */
static void
test_every_key(void **state)
{
	struct sig_matches m;
	struct hs_scratch *scr = NULL;
	const struct sig_entry *e;
	struct sig_db *db;

	(void)state;
	db = load_text(
		"{\n"
		"  \"version\": 1,\n"
		"  \"description\": \"test set\",\n"
		"  \"signatures\": [\n"
		"    { \"id\": \"a.b_c-1\", \"class\": \"rtsp\", \"pattern\": \"abc\",\n"
		"      \"flags\": [\"caseless\", \"dotall\", \"multiline\", \"singlematch\"],\n"
		"      \"transport\": \"udp\", \"where\": \"start\", \"min_len\": 5,\n"
		"      \"ports\": [554, 8554], \"tags\": [\"scanner\"],\n"
		"      \"description\": \"every key\" },\n"
		"    { \"id\": \"u\", \"class\": \"http\", \"pattern\": \"\\u00e9t\\u00e9\",\n"
		"      \"flags\": [\"utf8\", \"ucp\"] }\n"
		"  ]\n"
		"}\n");
	if (db == NULL)
		fail_msg("%s", errbuf);
	assert_int_equal(sig_db_count(db), 2);
	e = sig_db_entry(db, 0);
	assert_string_equal(e->id, "a.b_c-1");
	assert_int_equal(e->cls, VPEP_CLASS_rtsp);
	assert_int_equal(e->transport, SIG_TP_UDP);
	assert_int_equal(e->where, SIG_WHERE_START);
	assert_int_equal(e->min_len, 5);
	assert_int_equal(e->n_ports, 2);
	assert_int_equal(e->ports[1], 8554);
	assert_int_equal(e->tags, SIG_TAG_SCANNER);
	e = sig_db_entry(db, 1);
	assert_int_equal(e->transport, SIG_TP_ANY);
	assert_int_equal(e->where, SIG_WHERE_ANYWHERE);

	assert_int_equal(sig_db_scratch_alloc(db, &scr), 0);
	/* caseless, anchored, UDP only, at least 5 bytes */
	assert_int_equal(scan(db, scr, "ABCde", 17, &m), 0);
	assert_true(sig_matches_test(&m, 0));
	assert_int_equal(scan(db, scr, "ABCde", 6, &m), 0);
	assert_false(sig_matches_test(&m, 0));
	assert_int_equal(scan(db, scr, "ABCd", 17, &m), 0);
	assert_false(sig_matches_test(&m, 0));
	assert_int_equal(scan(db, scr, "xABCde", 17, &m), 0);
	assert_false(sig_matches_test(&m, 0));
	/* UTF-8 literal anywhere */
	assert_int_equal(scan(db, scr, "un \xc3\xa9t\xc3\xa9 chaud", 6, &m), 0);
	assert_true(sig_matches_test(&m, 1));
	assert_int_equal(m.count, 1);
	sig_db_scratch_free(scr);
	sig_db_free(db);
}

/* Malformed JSON: jansson's line and column. */
static void
test_error_bad_json(void **state)
{
	(void)state;
	/* a missing comma after the version on line 2 */
	expect_error(
		"{\n  \"version\": 1\n  \"signatures\": []\n}\n", EINVAL, "test.json:3:", NULL);
	expect_error("", EINVAL, "test.json:", NULL);
	expect_error("[1, 2]", EINVAL, "test.json:1:1", "must be a JSON object", NULL);
	/* duplicate keys are refused by the parser */
	expect_error("{\"version\": 1, \"version\": 1, \"signatures\": []}", EINVAL,
		"test.json:1:", "duplicate", NULL);
}

/* Unknown keys at the top level and in a signature. */
static void
test_error_unknown_key(void **state)
{
	(void)state;
	expect_error("{\n  \"version\": 1,\n  \"sigs\": []\n}\n", EINVAL,
		"test.json:3:3: sigs:", "unknown key", NULL);
	expect_error(ONE_SIG("      \"id\": \"x\",\n"
			     "      \"class\": \"sip\",\n"
			     "      \"pattern\": \"x\",\n"
			     "      \"port\": [5060]"),
		EINVAL, "test.json:8:7: signatures[0].port: unknown key", NULL);
}

/* A class that is not a class, and classes payload signatures may not name. */
static void
test_error_bad_class(void **state)
{
	(void)state;
	expect_error(ONE_SIG("      \"id\": \"x\",\n"
			     "      \"class\": \"smtp\",\n"
			     "      \"pattern\": \"x\""),
		EINVAL, "test.json:6:7: signatures[0].class:", "\"smtp\" is not one of", NULL);
	expect_error(ONE_SIG("      \"id\": \"x\",\n"
			     "      \"class\": \"rtp\",\n"
			     "      \"pattern\": \"x\""),
		EINVAL, "test.json:6:7: signatures[0].class:", "not decided by payload", NULL);
	expect_error(ONE_SIG("      \"id\": \"x\",\n"
			     "      \"class\": \"unknown\",\n"
			     "      \"pattern\": \"x\""),
		EINVAL, "signatures[0].class", NULL);
	expect_error(ONE_SIG("      \"id\": \"x\",\n"
			     "      \"class\": 3,\n"
			     "      \"pattern\": \"x\""),
		EINVAL, "signatures[0].class: expected a string", NULL);
}

/* A pattern Hyperscan refuses: the id, the path with line:col and Hyperscan's own words. */
static void
test_error_pattern(void **state)
{
	(void)state;
	/* an unbalanced parenthesis */
	expect_error("{\n"
		     "  \"version\": 1,\n"
		     "  \"signatures\": [\n"
		     "    { \"id\": \"good\", \"class\": \"sip\", \"pattern\": \"SIP\" },\n"
		     "    { \"id\": \"broken-paren\", \"class\": \"http\",\n"
		     "      \"pattern\": \"GET (\" }\n"
		     "  ]\n"
		     "}\n",
		EINVAL, "test.json:6:7: signatures[1].pattern:", "\"broken-paren\"",
		"Missing close parenthesis", NULL);
	/* a back-reference, which Hyperscan does not support */
	expect_error(ONE_SIG("      \"id\": \"backref\",\n"
			     "      \"class\": \"sip\",\n"
			     "      \"pattern\": \"(a)\\\\1\""),
		EINVAL, "test.json:7:7: signatures[0].pattern:", "\"backref\"", "Hyperscan", NULL);
	/* a pattern that matches the empty buffer (Hyperscan refuses it without ALLOWEMPTY) */
	expect_error(ONE_SIG("      \"id\": \"empty-match\",\n"
			     "      \"class\": \"sip\",\n"
			     "      \"pattern\": \"a*\""),
		EINVAL, "signatures[0].pattern:", "\"empty-match\"", "empty", NULL);
	/* a pattern that tries to escape the \A(?:...) wrapper of "where": "start" */
	expect_error(ONE_SIG("      \"id\": \"escape\",\n"
			     "      \"class\": \"sip\",\n"
			     "      \"where\": \"start\",\n"
			     "      \"pattern\": \"a)|(b\""),
		EINVAL, "signatures[0].pattern:", "\"escape\"", NULL);
	expect_error(ONE_SIG("      \"id\": \"x\",\n"
			     "      \"class\": \"sip\",\n"
			     "      \"pattern\": \"\""),
		EINVAL, "signatures[0].pattern: empty pattern", NULL);
}

/* The same id twice. */
static void
test_error_duplicate_id(void **state)
{
	(void)state;
	expect_error("{\n"
		     "  \"version\": 1,\n"
		     "  \"signatures\": [\n"
		     "    { \"id\": \"twice\", \"class\": \"sip\", \"pattern\": \"a\" },\n"
		     "    { \"id\": \"other\", \"class\": \"sip\", \"pattern\": \"b\" },\n"
		     "    { \"id\": \"twice\", \"class\": \"http\", \"pattern\": \"c\" }\n"
		     "  ]\n"
		     "}\n",
		EINVAL, "test.json:6:7: signatures[2].id:", "duplicate id \"twice\"",
		"signatures[0]", NULL);
}

/* One signature more than the bitmap holds; an empty set. */
static void
test_error_too_many(void **state)
{
	size_t cap = 64 + (SIG_DB_MAX_SIGS + 1) * 64, n = 0;
	char *t = malloc(cap);
	unsigned int i;

	(void)state;
	assert_non_null(t);
	n += (size_t)snprintf(t + n, cap - n, "{\n\"version\": 1,\n\"signatures\": [\n");
	for (i = 0; i <= SIG_DB_MAX_SIGS; i++)
		n += (size_t)snprintf(t + n, cap - n,
			"{\"id\": \"s%u\", \"class\": \"sip\", \"pattern\": \"p%u\"}%s\n", i, i,
			i < SIG_DB_MAX_SIGS ? "," : "");
	snprintf(t + n, cap - n, "]}\n");
	expect_error(t, EINVAL, "test.json:3:1: signatures:", "257 signatures, at most 256", NULL);
	free(t);
	expect_error("{\"version\": 1, \"signatures\": []}", EINVAL, "signatures:", "empty", NULL);
}

/* Every other value the loader checks. */
static void
test_error_values(void **state)
{
	(void)state;
	expect_error("{\"signatures\": []}", EINVAL, "test.json:1:1",
		"missing required key "
		"\"version\"",
		NULL);
	expect_error("{\"version\": 2, \"signatures\": []}", EINVAL,
		"version:", "out of range [1, 1]", NULL);
	expect_error("{\"version\": 1}", EINVAL, "missing required key \"signatures\"", NULL);
	expect_error("{\"version\": 1, \"signatures\": {}}", EINVAL,
		"signatures: expected an array", NULL);
	expect_error("{\"version\": 1, \"signatures\": [7]}", EINVAL,
		"signatures[0]:", "expected an object", NULL);
	expect_error(ONE_SIG("      \"class\": \"sip\", \"pattern\": \"x\""), EINVAL,
		"signatures[0]: missing required key \"id\"", NULL);
	expect_error(ONE_SIG("      \"id\": \"x\", \"class\": \"sip\""), EINVAL,
		"missing required key \"pattern\"", NULL);
	expect_error(ONE_SIG("      \"id\": \"x\", \"pattern\": \"x\""), EINVAL,
		"missing required key \"class\"", NULL);
	expect_error(ONE_SIG("      \"id\": \"has space\", \"class\": \"sip\", \"pattern\": \"x\""),
		EINVAL, "signatures[0].id:", "[A-Za-z0-9._-]", NULL);
	expect_error(ONE_SIG("      \"id\": \"\", \"class\": \"sip\", \"pattern\": \"x\""), EINVAL,
		"signatures[0].id:", NULL);
	expect_error(ONE_SIG("      \"id\": \"a-very-long-identifier-that-goes-on-and-on-and-on\","
			     " \"class\": \"sip\", \"pattern\": \"x\""),
		EINVAL, "signatures[0].id: string longer than 47", NULL);
	expect_error(ONE_SIG("      \"id\": \"x\", \"class\": \"sip\", \"pattern\": \"x\",\n"
			     "      \"flags\": [\"caseless\", \"greedy\"]"),
		EINVAL, "test.json:6:29: signatures[0].flags[1]:", "unknown flag \"greedy\"", NULL);
	expect_error(ONE_SIG("      \"id\": \"x\", \"class\": \"sip\", \"pattern\": \"x\",\n"
			     "      \"flags\": [\"dotall\", \"dotall\"]"),
		EINVAL, "signatures[0].flags[1]:", "listed twice", NULL);
	expect_error(ONE_SIG("      \"id\": \"x\", \"class\": \"sip\", \"pattern\": \"x\",\n"
			     "      \"flags\": \"caseless\""),
		EINVAL, "signatures[0].flags: expected an array", NULL);
	expect_error(ONE_SIG("      \"id\": \"x\", \"class\": \"sip\", \"pattern\": \"x\",\n"
			     "      \"transport\": \"sctp\""),
		EINVAL, "signatures[0].transport:", "\"sctp\" is not one of", NULL);
	expect_error(ONE_SIG("      \"id\": \"x\", \"class\": \"sip\", \"pattern\": \"x\",\n"
			     "      \"where\": \"end\""),
		EINVAL, "signatures[0].where:", NULL);
	expect_error(ONE_SIG("      \"id\": \"x\", \"class\": \"sip\", \"pattern\": \"x\",\n"
			     "      \"min_len\": 65536"),
		EINVAL, "signatures[0].min_len:", "out of range", NULL);
	expect_error(ONE_SIG("      \"id\": \"x\", \"class\": \"sip\", \"pattern\": \"x\",\n"
			     "      \"min_len\": -1"),
		EINVAL, "signatures[0].min_len:", NULL);
	expect_error(ONE_SIG("      \"id\": \"x\", \"class\": \"sip\", \"pattern\": \"x\",\n"
			     "      \"ports\": [5060, 0]"),
		EINVAL, "signatures[0].ports[1]:", "out of range [1, 65535]", NULL);
	expect_error(ONE_SIG("      \"id\": \"x\", \"class\": \"sip\", \"pattern\": \"x\",\n"
			     "      \"ports\": [70000]"),
		EINVAL, "signatures[0].ports[0]:", NULL);
	expect_error(ONE_SIG("      \"id\": \"x\", \"class\": \"sip\", \"pattern\": \"x\",\n"
			     "      \"ports\": [1, 2, 3, 4, 5, 6, 7, 8, 9]"),
		EINVAL, "signatures[0].ports:", "at most 8", NULL);
	expect_error(ONE_SIG("      \"id\": \"x\", \"class\": \"sip\", \"pattern\": \"x\",\n"
			     "      \"tags\": [\"evil\"]"),
		EINVAL, "signatures[0].tags[0]:", "unknown tag", NULL);
	expect_error(ONE_SIG("      \"id\": \"x\", \"class\": \"sip\", \"pattern\": \"x\",\n"
			     "      \"tags\": [\"scanner\", \"scanner\"]"),
		EINVAL, "signatures[0].tags[1]:", "listed twice", NULL);
	expect_error(ONE_SIG("      \"id\": \"x\", \"class\": \"sip\", \"pattern\": \"x\",\n"
			     "      \"description\": 5"),
		EINVAL, "signatures[0].description: expected a string", NULL);
	/* a NUL inside the pattern cannot reach Hyperscan's C-string API: jansson refuses it */
	expect_error(ONE_SIG("      \"id\": \"x\", \"class\": \"sip\", \"pattern\": \"a\\u0000b\""),
		EINVAL, "test.json:5:", "u0000", NULL);
}

/* Files: one that does not exist, and the error buffer being optional. */
static void
test_error_file(void **state)
{
	char small[16];

	(void)state;
	errno = 0;
	assert_null(sig_db_load("/nonexistent/signatures.json", errbuf, sizeof(errbuf)));
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(errbuf, "/nonexistent/signatures.json: cannot open"));
	/* no error buffer, and a buffer too small for the message: truncated, terminated */
	assert_null(sig_db_load_text("t.json", "{", 1, NULL, 0));
	assert_null(sig_db_load_text("t.json", "{", 1, small, sizeof(small)));
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

int
main(void)
{
	const struct CMUnitTest file_tests[] = {
		cmocka_unit_test(test_shipped_file_loads),
		cmocka_unit_test(test_scan_matches),
		cmocka_unit_test(test_port_hint),
		cmocka_unit_test(test_scan_bad_args),
	};
	const struct CMUnitTest text_tests[] = {
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_error_bad_json),
		cmocka_unit_test(test_error_unknown_key),
		cmocka_unit_test(test_error_bad_class),
		cmocka_unit_test(test_error_pattern),
		cmocka_unit_test(test_error_duplicate_id),
		cmocka_unit_test(test_error_too_many),
		cmocka_unit_test(test_error_values),
		cmocka_unit_test(test_error_file),
	};
	int rc;

	rc = cmocka_run_group_tests_name("sig_db_file", file_tests, setup_file, teardown_file);
	rc += cmocka_run_group_tests_name("sig_db_text", text_tests, NULL, NULL);
	return rc;
}
