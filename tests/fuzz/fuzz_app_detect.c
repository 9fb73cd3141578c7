/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * libFuzzer target for app_detect() and its validators, with the shipped signature set
 * (configs/signatures.json: $VPEP_SIGNATURES, else the VPEP_SIGNATURES_FILE path the build
 * defines), loaded once.
 *
 * The input is one payload, copied into a malloc'd buffer of exactly its size, classified
 * under several transport/port/direction combinations. Aborts when an invariant breaks:
 *  - the class is in range and never rtp, rtcp or rtp_unsignalled (those are decided from SDP
 *    and RTP probation, never from a payload), and Hyperscan never fails;
 *  - unknown comes with no flags other than need-more or keep-alive; a class never comes
 *    with need-more; http, pop3 and cwmp only over TCP;
 *  - the class is backed by its validator: STRONG, or WEAK with the port-hint flag (cwmp:
 *    the HTTP validator, plus the namespace);
 *  - a payload whose first byte carries RTP version 2 is never classified;
 *  - app_detect_upgrade() answers http or cwmp; the same call twice answers the same.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_detect.h"
#include "sig_db.h"

#ifndef VPEP_SIGNATURES_FILE
#define VPEP_SIGNATURES_FILE "configs/signatures.json"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c);      \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#define ALL_FLAGS                                                                                  \
	(APP_F_SCANNER | APP_F_NEED_MORE | APP_F_PORT_HINT | APP_F_REQUEST | APP_F_RESPONSE |      \
		APP_F_MALFORMED | APP_F_PARTIAL | APP_F_SCAN_ERROR | APP_F_KEEPALIVE)

static struct sig_db *db;
static struct hs_scratch *scr;

static void
init(void)
{
	const char *env = getenv("VPEP_SIGNATURES");
	const char *file = env != NULL && env[0] ? env : VPEP_SIGNATURES_FILE;
	char err[1024];

	db = sig_db_load(file, err, sizeof(err));
	if (db == NULL) {
		fprintf(stderr, "fuzz_app_detect: %s (set VPEP_SIGNATURES)\n", err);
		abort();
	}
	CHECK(sig_db_scratch_alloc(db, &scr) == 0);
}

/* Transport, ports and direction guess: each hint port of the shipped set, and none. */
static const struct {
	uint8_t l4;
	uint16_t sport, dport;
	int8_t from_client;
} combos[] = {
	{17, 5060, 5060, -1},
	{6, 40000, 5060, 1},
	{6, 40000, 80, 1},
	{6, 80, 40000, 0},
	{6, 110, 40000, 0},
	{6, 40000, 110, 1},
	{6, 40000, 3288, 1},
	{17, 40000, 44818, -1},
	{6, 40000, 44818, 1},
	{17, 2222, 2222, -1},
	{6, 40000, 554, 1},
	{6, 40000, 7547, 1},
	{6, 40000, 40001, -1},
	{17, 40000, 40001, -1},
};

static enum app_verdict
validator(unsigned int cls, const uint8_t *b, uint32_t n, uint8_t l4, int from_client)
{
	uint32_t f = 0;

	switch (cls) {
	case VPEP_CLASS_sip:
		return app_detect_sip(b, n, l4, &f);
	case VPEP_CLASS_http:
	case VPEP_CLASS_cwmp:
		return app_detect_http(b, n, &f);
	case VPEP_CLASS_rtsp:
		return app_detect_rtsp(b, n, &f);
	case VPEP_CLASS_pop3:
		return app_detect_pop3(b, n, from_client, &f);
	case VPEP_CLASS_cops:
		return app_detect_cops(b, n, l4, &f);
	case VPEP_CLASS_cip:
		return app_detect_cip(b, n, l4, &f);
	default:
		return APP_V_NO;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *b;
	uint32_t n, i;

	if (db == NULL)
		init();
	if (size > 65535)
		size = 65535; /* one IP packet's payload at most */
	n = (uint32_t)size;
	b = malloc(size ? size : 1);
	CHECK(b != NULL);
	memcpy(b, data, size);

	for (i = 0; i < sizeof(combos) / sizeof(combos[0]); i++) {
		uint32_t f = 0, f2 = 0;
		enum vpep_class c = app_detect(db, scr, b, n, combos[i].l4, combos[i].sport,
			combos[i].dport, combos[i].from_client, &f);
		enum app_verdict v;

		CHECK((unsigned int)c < VPEP_CLASS_MAX);
		CHECK(c != VPEP_CLASS_rtp && c != VPEP_CLASS_rtcp &&
			c != VPEP_CLASS_rtp_unsignalled);
		CHECK((f & ~ALL_FLAGS) == 0);
		CHECK(!(f & APP_F_SCAN_ERROR));
		CHECK(app_detect(db, scr, b, n, combos[i].l4, combos[i].sport, combos[i].dport,
			      combos[i].from_client, &f2) == c &&
			f2 == f);
		if (c == VPEP_CLASS_unknown) {
			CHECK((f & ~(APP_F_NEED_MORE | APP_F_KEEPALIVE)) == 0);
			continue;
		}
		CHECK(!(f & (APP_F_NEED_MORE | APP_F_KEEPALIVE)));
		CHECK(n > 0 && (b[0] & 0xc0) != 0x80);
		if (c == VPEP_CLASS_http || c == VPEP_CLASS_pop3 || c == VPEP_CLASS_cwmp)
			CHECK(combos[i].l4 == 6);
		v = validator(c, b, n, combos[i].l4, combos[i].from_client);
		CHECK(v == APP_V_STRONG || (v == APP_V_WEAK && (f & APP_F_PORT_HINT)));
		if (c == VPEP_CLASS_cwmp)
			CHECK(app_detect_cwmp(b, n) == APP_V_STRONG);
	}

	/* later segments of an http flow */
	{
		uint32_t f;
		enum vpep_class u = app_detect_upgrade(db, scr, b, n, 6, &f);

		CHECK(u == VPEP_CLASS_http || u == VPEP_CLASS_cwmp);
		CHECK(u == VPEP_CLASS_http || app_detect_cwmp(b, n) == APP_V_STRONG);
	}

	/* the validators alone, every transport and direction guess: verdicts in range */
	for (i = 0; i < 3; i++) {
		uint8_t l4 = i == 0 ? 6 : i == 1 ? 17 : 1;
		int dir;
		uint32_t f;

		CHECK(app_detect_sip(b, n, l4, &f) <= APP_V_STRONG);
		CHECK(app_detect_cops(b, n, l4, &f) <= APP_V_STRONG);
		CHECK(app_detect_cip(b, n, l4, &f) <= APP_V_STRONG);
		for (dir = -1; dir <= 1; dir++)
			CHECK(app_detect_pop3(b, n, dir, &f) <= APP_V_STRONG);
	}
	{
		uint32_t f = 0;

		CHECK(app_detect_http(b, n, &f) <= APP_V_STRONG);
		CHECK(app_detect_rtsp(b, n, &f) <= APP_V_STRONG);
		CHECK((f & ~ALL_FLAGS) == 0);
	}
	free(b);
	return 0;
}
