/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * RFC 4475 "SIP Torture Test Messages" against sip_msg_parse() (and
 * sdp_parse() for their SDP bodies).
 *
 * The 49 messages and INDEX.tsv live in ../shared/corpus/sip-torture beside
 * the checkout (they are not copied into this repository). The directory is,
 * in this order: $VPEP_SIP_TORTURE_DIR, argv[1], $VPEP_CORPUS_DIR + "/sip-torture"
 * (what the meson unit tests set), VPEP_SOURCE_ROOT (a compile definition) +
 * "/../shared/corpus/sip-torture", "../shared/corpus/sip-torture" relative to
 * the working directory. When none has INDEX.tsv every test is
 * skipped with a message saying where it looked, and the program exits 77
 * (meson's "skipped").
 *
 * Expectations: INDEX.tsv says, per file, the RFC's category and expected
 * handling. A message is expected to be rejected as malformed when its
 * category is "invalid" (RFC 4475 3.1.2) or "semantically invalid" with a 400
 * response (3.3.1 missing headers, 3.3.8 repeated single-value headers, 3.3.9
 * repeated Content-Length); everything else is accepted, leaving 416/420/415/
 * 406/483-style decisions to the application. The table below adds what the
 * RFC text says about each message (Call-ID, CSeq, method, and for rejects
 * the reason vpep counts) and is cross-checked against INDEX.tsv.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "sdp_parse.h"
#include "sip_parse.h"

#define TORTURE_COUNT 49

struct expect {
	const char *file;
	bool ok;	    /* parsed as a well-formed message */
	const char *method; /* request method text; NULL for a response */
	int status;	    /* response status */
	const char *call_id;
	uint32_t cseq;
	enum sip_error err; /* reason when !ok */
	void (*extra)(const uint8_t *buf, uint32_t len, const struct sip_msg *m);
};

static char corpus_dir[4096];

/* ---- helpers ------------------------------------------------------------------------------- */

static uint8_t *
read_file(const char *name, uint32_t *len)
{
	char path[4200];
	FILE *f;
	long n;
	uint8_t *b;

	snprintf(path, sizeof(path), "%s/%s", corpus_dir, name);
	f = fopen(path, "rb");
	if (f == NULL) {
		print_error("cannot open %s: %s\n", path, strerror(errno));
		fail();
	}
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	/* exactly n bytes, so ASan sees any read past the datagram */
	b = malloc(n > 0 ? (size_t)n : 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (uint32_t)n;
	return b;
}

static void
check_str(const uint8_t *buf, struct sip_str s, const char *expect)
{
	size_t n = strlen(expect);

	if (s.len != n || memcmp(buf + s.off, expect, n) != 0) {
		print_error("got \"%.*s\", expected \"%s\"\n", (int)s.len,
			(const char *)buf + s.off, expect);
		fail();
	}
}

/* ---- per-message extra checks (what RFC 4475 says each one is about) ------------------------ */

static void
x_wsinv(const uint8_t *b, uint32_t len, const struct sip_msg *m)
{
	(void)len;
	assert_true(m->flags & SIP_F_FOLDED);
	check_str(b, m->to.tag, "1918181833n");
	check_str(b, m->to.uri, "sip:vivekg@chair-dnrc.example.com");
	check_str(b, m->from.tag, "98asjd8");
	check_str(b, m->from.display, "J Rosenberg \\\\\\\"");
	assert_int_equal(m->max_forwards, 68);
	assert_int_equal(m->via_count, 3);
	check_str(b, m->via.transport, "UDP");
	check_str(b, m->via.host, "192.0.2.2");
	check_str(b, m->via.branch, "390skdjuw");
	check_str(b, m->contact.display, "Quoted string \\\"\\\"");
	check_str(b, m->contact.uri, "sip:jdrosen@example.com");
	assert_int_equal(m->content_length, 150);
}

static void
x_intmeth(const uint8_t *b, uint32_t len, const struct sip_msg *m)
{
	(void)len;
	assert_int_equal(m->method, SIP_METHOD_UNKNOWN);
	check_str(b, m->from.tag, "_token~1'+`*%!-.");
	check_str(b, m->from.display, "token1~` token2'+_ token3*%!.-");
	check_str(b, m->via.branch, "z9hG4bK-.!%66*_+`'~");
	/* the To display name carries escaped BEL, NUL and DEL */
	assert_int_equal(m->to.display.len, 20);
}

static void
x_esc01(const uint8_t *b, uint32_t len, const struct sip_msg *m)
{
	/* The unescaped form of esc01's To URI. */
	static const uint8_t user[] = "sip:user@example.com";
	struct sip_str u = {0, sizeof(user) - 1};

	(void)len;
	check_str(b, m->ruri, "sip:sips%3Auser%40example.com@example.net");
	/* "escaped characters in URIs must be compared unescaped" */
	assert_true(sip_uri_aor_equal(b, m->to.uri, user, u));
	check_str(
		b, m->contact.uri, "sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31");
}

static void
x_escnull(const uint8_t *b, uint32_t len, const struct sip_msg *m)
{
	(void)len;
	check_str(b, m->to.uri, "sip:null-%00-null@example.com");
	assert_int_equal(m->contact_count, 2);
}

static void
x_esc02(const uint8_t *b, uint32_t len, const struct sip_msg *m)
{
	(void)len;
	/* % is not an escape in a method: this is not REGISTER */
	assert_int_equal(m->method, SIP_METHOD_UNKNOWN);
	assert_int_equal(m->cseq_method, SIP_METHOD_UNKNOWN);
	/* "C%6Fntact" is an unknown header name, not a Contact */
	assert_int_equal(m->contact_count, 2);
	check_str(b, m->contact.uri, "sip:alias1@host1.example.com");
}

static void
x_lwsdisp(const uint8_t *b, uint32_t len, const struct sip_msg *m)
{
	(void)len;
	check_str(b, m->from.display, "caller");
	check_str(b, m->from.uri, "sip:caller@example.com");
}

static void
x_longreq(const uint8_t *b, uint32_t len, const struct sip_msg *m)
{
	(void)b;
	assert_int_equal(len, 3515);
	assert_int_equal(m->via_count, 34);
	assert_int_equal(m->to.uri.len, 379);
	assert_true(m->from.tag.len > 100);
}

static void
x_dblreq(const uint8_t *b, uint32_t len, const struct sip_msg *m)
{
	struct sip_msg m2;

	/* one message; the INVITE after it is discarded trailing octets */
	assert_int_equal(m->msg_len, 300);
	assert_int_equal(m->trailing_len, len - 300);
	assert_true(m->flags & SIP_F_TRAILING_OCTETS);
	/* a dataplane datagram loop stops here: the whole datagram was consumed */
	assert_int_equal(sip_msg_parse(b, len, SIP_TRANSPORT_DGRAM, &m2), (int)len);
}

static void
x_semiuri(const uint8_t *b, uint32_t len, const struct sip_msg *m)
{
	struct sip_uri u;

	(void)len;
	assert_int_equal(sip_uri_parse(b, m->ruri, &u), 0);
	check_str(b, u.user, "user;par=u%40example.net");
	check_str(b, u.host, "example.com");
}

static void
x_transports(const uint8_t *b, uint32_t len, const struct sip_msg *m)
{
	(void)len;
	assert_int_equal(m->via_count, 5);
	assert_int_equal(m->via.tp, SIP_VIA_TP_UDP);
	check_str(b, m->via.host, "t1.example.com");
}

static void
x_mpart01(const uint8_t *b, uint32_t len, const struct sip_msg *m)
{
	(void)b;
	(void)len;
	assert_true(m->flags & SIP_F_MULTIPART);
	assert_false(m->flags & SIP_F_SDP);
	assert_int_equal(m->body.len, 553);
}

static void
x_unreason(const uint8_t *b, uint32_t len, const struct sip_msg *m)
{
	(void)len;
	assert_true(m->reason.len > 14);
	assert_memory_equal(b + m->reason.off, "= 2**3 * 5**2 ", 14);
}

static void
x_noreason(const uint8_t *b, uint32_t len, const struct sip_msg *m)
{
	(void)b;
	(void)len;
	assert_int_equal(m->reason.len, 0);
}

static void
x_badbranch(const uint8_t *b, uint32_t len, const struct sip_msg *m)
{
	(void)len;
	/* the branch is only the magic cookie: not an RFC 3261 transaction id */
	check_str(b, m->via.branch, "z9hG4bK");
	assert_false(m->flags & SIP_F_BRANCH_3261);
}

static void
x_other_scheme(const uint8_t *b, uint32_t len, const struct sip_msg *m)
{
	(void)b;
	(void)len;
	assert_int_equal(m->ruri_scheme, SIP_URI_OTHER);
}

static void
x_unksm2(const uint8_t *b, uint32_t len, const struct sip_msg *m)
{
	(void)len;
	check_str(b, m->to.uri, "isbn:2983792873");
	check_str(b, m->from.uri, "http://www.example.com");
	check_str(b, m->contact.uri, "name:John_Smith");
}

static void
x_bext01(const uint8_t *b, uint32_t len, const struct sip_msg *m)
{
	int i = sip_hdr_find(m, SIP_HDR_REQUIRE, 0);

	(void)len;
	assert_true(i >= 0);
	check_str(b, (struct sip_str){m->hdrs[i].val_off, m->hdrs[i].val_len},
		"nothingSupportsThis, nothingSupportsThisEither");
}

static void
x_invut(const uint8_t *b, uint32_t len, const struct sip_msg *m)
{
	(void)len;
	check_str(b, m->content_type, "application/unknownformat");
	assert_false(m->flags & SIP_F_SDP);
}

static void
x_bcast(const uint8_t *b, uint32_t len, const struct sip_msg *m)
{
	(void)len;
	assert_int_equal(m->via_count, 2);
	check_str(b, m->via.host, "192.0.2.198");
}

static void
x_zeromf(const uint8_t *b, uint32_t len, const struct sip_msg *m)
{
	(void)b;
	(void)len;
	assert_true(m->flags & SIP_F_HAS_MAX_FWD);
	assert_int_equal(m->max_forwards, 0);
}

static void
x_cparam01(const uint8_t *b, uint32_t len, const struct sip_msg *m)
{
	struct sip_str v;

	(void)len;
	/* not in <>: ";unknownparam" is a Contact header parameter, not a URI one */
	check_str(b, m->contact.uri, "sip:+19725552222@gw1.example.net");
	assert_int_equal(sip_param_find(b, m->contact.value, "unknownparam", &v), 1);
}

static void
x_cparam02(const uint8_t *b, uint32_t len, const struct sip_msg *m)
{
	(void)len;
	check_str(b, m->contact.uri, "sip:+19725552222@gw1.example.net;unknownparam");
}

static void
x_regescrt(const uint8_t *b, uint32_t len, const struct sip_msg *m)
{
	struct sip_uri u;

	(void)len;
	assert_int_equal(sip_uri_parse(b, m->contact.uri, &u), 0);
	check_str(b, u.headers, "Route=%3Csip:sip.example.com%3E");
}

static void
x_inv2543(const uint8_t *b, uint32_t len, const struct sip_msg *m)
{
	(void)b;
	/* no Content-Length over UDP: the body is the rest of the datagram */
	assert_false(m->flags & SIP_F_HAS_CL);
	assert_int_equal(m->body.off + m->body.len, len);
	assert_int_equal(m->via.branch.len, 0);
	assert_false(m->flags & SIP_F_HAS_MAX_FWD);
}

/* ---- the table ------------------------------------------------------------------------------ */

#define OK_REQ(f, meth, cid, cs, x)                                                                \
	{                                                                                          \
		f, true, meth, 0, cid, cs, SIP_ERR_NONE, x                                         \
	}
#define OK_RSP(f, st, cid, cs, x)                                                                  \
	{                                                                                          \
		f, true, NULL, st, cid, cs, SIP_ERR_NONE, x                                        \
	}
#define BAD(f, e)                                                                                  \
	{                                                                                          \
		f, false, NULL, 0, NULL, 0, SIP_ERR_##e, NULL                                      \
	}

static const struct expect table[TORTURE_COUNT] = {
	/* 3.1.1 valid */
	OK_REQ("wsinv.dat", "INVITE", "wsinv.ndaksdj@192.0.2.1", 9, x_wsinv),
	OK_REQ("intmeth.dat", "!interesting-Method0123456789_*+`.%indeed'~",
		"intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{", 139122385, x_intmeth),
	OK_REQ("esc01.dat", "INVITE", "esc01.239409asdfakjkn23onasd0-3234", 234234, x_esc01),
	OK_REQ("escnull.dat", "REGISTER", "escnull.39203ndfvkjdasfkq3w4otrq0adsfdfnavd", 14398234,
		x_escnull),
	OK_REQ("esc02.dat", "RE%47IST%45R", "esc02.asdfnqwo34rq23i34jrjasdcnl23nrlknsdf", 29344,
		x_esc02),
	OK_REQ("lwsdisp.dat", "OPTIONS", "lwsdisp.1234abcd@funky.example.com", 60, x_lwsdisp),
	OK_REQ("longreq.dat", "INVITE",
		"longreq.onereallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreally"
		"reallyreallyreallyreallyreallyreallyreallyreallyreallylongcallid",
		3882340, x_longreq),
	OK_REQ("dblreq.dat", "REGISTER", "dblreq.0ha0isndaksdj99sdfafnl3lk233412", 8, x_dblreq),
	OK_REQ("semiuri.dat", "OPTIONS", "semiuri.0ha0isndaksdj", 8, x_semiuri),
	OK_REQ("transports.dat", "OPTIONS", "transports.kijh4akdnaqjkwendsasfdj", 60, x_transports),
	OK_REQ("mpart01.dat", "MESSAGE", "3d9485ad0c49859b@Zmx1ZmZ5LW1hYy0xNi5sb2NhbA..", 1,
		x_mpart01),
	OK_RSP("unreason.dat", 200, "unreason.1234ksdfak3j2erwedfsASdf", 35, x_unreason),
	OK_RSP("noreason.dat", 100, "noreason.asndj203insdf99223ndf", 35, x_noreason),
	/* 3.1.2 invalid */
	BAD("badinv01.dat", BAD_VIA),
	BAD("clerr.dat", BODY_TRUNCATED),
	BAD("ncl.dat", BAD_CONTENT_LENGTH),
	BAD("scalar02.dat", BAD_CSEQ),
	BAD("scalarlg.dat", BAD_CSEQ),
	BAD("quotbal.dat", UNTERMINATED_QUOTE),
	BAD("ltgtruri.dat", BAD_REQUEST_URI),
	BAD("lwsruri.dat", BAD_REQUEST_URI),
	BAD("lwsstart.dat", BAD_START_LINE),
	BAD("trws.dat", BAD_START_LINE),
	BAD("escruri.dat", BAD_REQUEST_URI),
	BAD("baddate.dat", BAD_DATE),
	BAD("regbadct.dat", BAD_CONTACT),
	BAD("badaspec.dat", BAD_TO),
	BAD("baddn.dat", BAD_FROM),
	BAD("badvers.dat", BAD_VERSION),
	BAD("mismatch01.dat", CSEQ_METHOD_MISMATCH),
	BAD("mismatch02.dat", CSEQ_METHOD_MISMATCH),
	BAD("bigcode.dat", BAD_STATUS_CODE),
	/* 3.2 transaction layer */
	OK_REQ("badbranch.dat", "OPTIONS", "badbranch.sadonfo23i420jv0as0derf3j3n", 8, x_badbranch),
	/* 3.3 application layer */
	BAD("insuf.dat", MISSING_CALL_ID),
	OK_REQ("unkscm.dat", "OPTIONS", "unkscm.nasdfasser0q239nwsdfasdkl34", 3923423,
		x_other_scheme),
	OK_REQ("novelsc.dat", "OPTIONS", "novelsc.asdfasser0q239nwsdfasdkl34", 3923423,
		x_other_scheme),
	OK_REQ("unksm2.dat", "REGISTER", "unksm2.daksdj@hyphenated-host.example.com", 234902,
		x_unksm2),
	OK_REQ("bext01.dat", "OPTIONS", "bext01.0ha0isndaksdj", 8, x_bext01),
	OK_REQ("invut.dat", "INVITE", "invut.0ha0isndaksdjadsfij34n23d", 235448, x_invut),
	OK_REQ("regaut01.dat", "REGISTER", "regaut01.0ha0isndaksdj", 9338, NULL),
	BAD("multi01.dat", DUP_CSEQ),
	BAD("mcl01.dat", DUP_CONTENT_LENGTH_MISMATCH),
	OK_RSP("bcast.dat", 200, "bcast.0384840201234ksdfak3j2erwedfsASdf", 35, x_bcast),
	OK_REQ("zeromf.dat", "OPTIONS", "zeromf.jfasdlfnm2o2l43r5u0asdfas", 39234321, x_zeromf),
	OK_REQ("cparam01.dat", "REGISTER", "cparam01.70710@saturn.example.com", 2, x_cparam01),
	OK_REQ("cparam02.dat", "REGISTER", "cparam02.70710@saturn.example.com", 3, x_cparam02),
	OK_REQ("regescrt.dat", "REGISTER", "regescrt.k345asrl3fdbv@192.0.2.1", 14398234,
		x_regescrt),
	OK_REQ("sdp01.dat", "INVITE", "sdp01.ndaksdj9342dasdd", 8, NULL),
	/* 3.4 backward compatibility */
	OK_REQ("inv2543.dat", "INVITE", "inv2543.1717@ift.client.example.com", 56, x_inv2543),
};

/* ---- tests ---------------------------------------------------------------------------------- */

/* Whatever happens on any input: a sane return and ranges inside the input. */
static void
check_sane(int r, uint32_t len, const struct sip_msg *m, enum sip_transport t)
{
	if (r > 0) {
		assert_true((uint32_t)r <= len);
		assert_true(m->msg_len <= (uint32_t)r);
		assert_true(m->body.off + m->body.len <= len);
		assert_true(m->call_id.off + m->call_id.len <= len);
	} else if (r == SIP_PARSE_MALFORMED) {
		assert_int_not_equal(m->err, SIP_ERR_NONE);
		assert_true(m->err_off <= len);
	} else {
		assert_int_equal(r, SIP_PARSE_NEED_MORE);
		assert_int_equal(t, SIP_TRANSPORT_STREAM);
	}
}

static void
test_torture_file(void **state)
{
	const struct expect *x = *state;
	struct sip_msg m;
	uint32_t len, k;
	uint8_t *buf = read_file(x->file, &len);
	int r = sip_msg_parse(buf, len, SIP_TRANSPORT_DGRAM, &m);

	if (x->ok) {
		if (r < 0)
			print_error("%s rejected: %s at %u (hdr %s)\n", x->file,
				sip_err_name(m.err), m.err_off, sip_hdr_name(m.err_hdr));
		assert_int_equal(r, (int)len);
		if (x->method != NULL) {
			assert_int_equal(m.kind, SIP_KIND_REQUEST);
			check_str(buf, m.method_str, x->method);
			check_str(buf, m.cseq_method_str, x->method);
		} else {
			assert_int_equal(m.kind, SIP_KIND_RESPONSE);
			assert_int_equal(m.status, x->status);
		}
		check_str(buf, m.call_id, x->call_id);
		assert_int_equal(m.cseq, x->cseq);
		if (x->extra != NULL)
			x->extra(buf, len, &m);
		/* SDP bodies of accepted messages: all are the same audio+video offer */
		if (m.flags & SIP_F_SDP) {
			struct sdp_session sdp;
			uint8_t *s = malloc(m.sdp.len);

			memcpy(s, buf + m.sdp.off, m.sdp.len);
			if (sdp_parse(s, m.sdp.len, &sdp) != SDP_PARSE_OK)
				print_error("SDP: %s at %u\n", sdp_err_name(sdp.err), sdp.err_off);
			assert_int_equal(sdp_parse(s, m.sdp.len, &sdp), SDP_PARSE_OK);
			assert_true(sdp.nmedia >= 1);
			assert_int_equal(sdp.media[0].type, SDP_MEDIA_AUDIO);
			assert_int_equal(sdp.media[0].port, 49217);
			assert_int_equal(sdp.media[0].proto, SDP_PROTO_RTP_AVP);
			assert_non_null(sdp_media_conn(&sdp, 0));
			if (sdp.nmedia > 1) {
				assert_int_equal(sdp.media[1].type, SDP_MEDIA_VIDEO);
				assert_int_equal(sdp.media[1].port, 3227);
			}
			free(s);
		}
		/* over a stream the same bytes frame by Content-Length */
		r = sip_msg_parse(buf, len, SIP_TRANSPORT_STREAM, &m);
		if (m.flags & SIP_F_HAS_CL)
			assert_int_equal(r, (int)m.msg_len);
		else
			assert_int_equal(m.err, SIP_ERR_MISSING_CONTENT_LENGTH);
	} else {
		if (r != SIP_PARSE_MALFORMED || m.err != x->err)
			print_error("%s: ret %d err %s, expected %s\n", x->file, r,
				sip_err_name(m.err), sip_err_name(x->err));
		assert_int_equal(r, SIP_PARSE_MALFORMED);
		assert_string_equal(sip_err_name(m.err), sip_err_name(x->err));
		assert_true(m.err_off <= len);
	}

	/* Robustness: every truncation of the datagram, as a datagram and as a stream. */
	for (k = 0; k <= len; k++) {
		uint8_t *p = malloc(k ? k : 1);

		memcpy(p, buf, k);
		r = sip_msg_parse(p, k, SIP_TRANSPORT_DGRAM, &m);
		check_sane(r, k, &m, SIP_TRANSPORT_DGRAM);
		r = sip_msg_parse(p, k, SIP_TRANSPORT_STREAM, &m);
		check_sane(r, k, &m, SIP_TRANSPORT_STREAM);
		free(p);
	}
	free(buf);
}

/* INDEX.tsv and the table agree on which files exist and which are to be rejected. */
static void
test_index_consistency(void **state)
{
	uint32_t len, rows = 0, i;
	uint8_t *idx;
	char *text, *line, *save = NULL;
	bool seen[TORTURE_COUNT] = {false};

	(void)state;
	idx = read_file("INDEX.tsv", &len);
	text = malloc(len + 1);
	memcpy(text, idx, len);
	text[len] = 0;
	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		char *f[7], *fs = NULL, *tok;
		int nf = 0;
		bool reject;

		for (tok = strtok_r(line, "\t", &fs); tok != NULL && nf < 7;
			tok = strtok_r(NULL, "\t", &fs))
			f[nf++] = tok;
		if (strcmp(f[0], "file") == 0)
			continue; /* header row */
		assert_true(nf >= 6);
		reject = strcmp(f[3], "invalid") == 0 ||
			 (strcmp(f[3], "semantically invalid") == 0 && strstr(f[5], "400") != NULL);
		for (i = 0; i < TORTURE_COUNT; i++)
			if (strcmp(table[i].file, f[0]) == 0)
				break;
		if (i == TORTURE_COUNT) {
			print_error("%s is in INDEX.tsv but not in the table\n", f[0]);
			fail();
		}
		if (table[i].ok == reject)
			print_error("%s: INDEX.tsv category \"%s\" / \"%s\" disagrees\n", f[0],
				f[3], f[5]);
		assert_int_equal(table[i].ok, !reject);
		assert_false(seen[i]);
		seen[i] = true;
		rows++;
	}
	assert_int_equal(rows, TORTURE_COUNT);
	free(text);
	free(idx);
}

static void
test_corpus_missing(void **state)
{
	(void)state;
	print_message("RFC 4475 corpus not found (looked in %s; set VPEP_SIP_TORTURE_DIR "
		      "or pass the directory as argv[1]): skipping\n",
		corpus_dir);
	skip();
}

static bool
has_index(const char *dir)
{
	char path[4200];
	struct stat st;

	snprintf(path, sizeof(path), "%s/INDEX.tsv", dir);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Pick the corpus directory; returns false (and names the first candidate) if none exists. */
static bool
find_corpus(int argc, char **argv)
{
	static char from_corpus_env[4096];
	const char *cand[5];
	int n = 0, i;
	const char *env = getenv("VPEP_SIP_TORTURE_DIR");
	const char *corpus = getenv("VPEP_CORPUS_DIR");

	if (env != NULL && env[0] != 0)
		cand[n++] = env;
	if (argc > 1)
		cand[n++] = argv[1];
	if (corpus != NULL && corpus[0] != 0) {
		snprintf(from_corpus_env, sizeof(from_corpus_env), "%s/sip-torture", corpus);
		cand[n++] = from_corpus_env;
	}
#ifdef VPEP_SOURCE_ROOT
	cand[n++] = VPEP_SOURCE_ROOT "/../shared/corpus/sip-torture";
#endif
	cand[n++] = "../shared/corpus/sip-torture";
	for (i = 0; i < n; i++) {
		if (has_index(cand[i])) {
			snprintf(corpus_dir, sizeof(corpus_dir), "%s", cand[i]);
			return true;
		}
	}
	corpus_dir[0] = 0;
	for (i = 0; i < n; i++) {
		strncat(corpus_dir, cand[i], sizeof(corpus_dir) - strlen(corpus_dir) - 1);
		if (i + 1 < n)
			strncat(corpus_dir, ", ", sizeof(corpus_dir) - strlen(corpus_dir) - 1);
	}
	return false;
}

int
main(int argc, char **argv)
{
	struct CMUnitTest tests[TORTURE_COUNT + 1];
	size_t n = 0, i;
	int failed;

	if (!find_corpus(argc, argv)) {
		const struct CMUnitTest skip_tests[] = {
			cmocka_unit_test(test_corpus_missing),
		};
		failed = cmocka_run_group_tests_name("sip_torture", skip_tests, NULL, NULL);
		return failed != 0 ? failed : 77;
	}
	printf("RFC 4475 corpus: %s\n", corpus_dir);
	memset(tests, 0, sizeof(tests));
	tests[n].name = "index_consistency";
	tests[n].test_func = test_index_consistency;
	n++;
	for (i = 0; i < TORTURE_COUNT; i++, n++) {
		tests[n].name = table[i].file;
		tests[n].test_func = test_torture_file;
		tests[n].initial_state = (void *)(uintptr_t)&table[i];
	}
	return _cmocka_run_group_tests("sip_torture", tests, n, NULL, NULL);
}
