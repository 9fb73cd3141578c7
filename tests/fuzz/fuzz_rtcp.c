/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * libFuzzer target for rtcp_parse().
 *
 * The input, copied into a buffer of exactly its size, is parsed strictly and with RFC 5506
 * reduced-size allowed. On success every offset the parser reports (SDES text, BYE reason, APP
 * data) must lie inside the input, counts must respect the array bounds, and a strict success
 * must also be a reduced-size success. Report blocks feed rtcp_rtt(), which must not fail in any
 * way other than its documented errors.
 *
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Idataplane \
 *        dataplane/rtcp_parse.c tests/fuzz/fuzz_rtcp.c -o fuzz_rtcp
 * Replay: ./fuzz_rtcp -runs=0 tests/fuzz/corpus/rtcp
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtcp_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                        \
	do {                                                                                \
		if (!(cond)) {                                                              \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                            \
		}                                                                           \
	} while (0)

static void
check_info(const struct rtcp_info *in, size_t size)
{
	unsigned int i;

	CHECK(in->n_packets >= 1);
	CHECK(in->n_rb <= RTCP_MAX_RB);
	CHECK(in->n_sdes <= RTCP_MAX_SDES_ITEMS);
	CHECK(in->n_bye <= RTCP_MAX_BYE_SSRC);
	CHECK(in->n_dlrr <= RTCP_MAX_DLRR);
	for (i = 0; i < in->n_sdes; i++)
		CHECK((uint64_t)in->sdes[i].off + in->sdes[i].len <= size);
	if (in->has_bye_reason)
		CHECK((uint64_t)in->bye_reason_off + in->bye_reason_len <= size);
	if (in->has_app)
		CHECK((uint64_t)in->app_data_off + in->app_data_len <= size);
	for (i = 0; i < in->n_rb; i++) {
		uint32_t rtt;
		int rc = rtcp_rtt(in->rb[i].ext_high_seq, in->rb[i].lsr, in->rb[i].dlsr, &rtt);

		CHECK(rc == 0 || rc == -EINVAL || rc == -ERANGE);
		CHECK(in->rb[i].cum_lost >= -8388608 && in->rb[i].cum_lost <= 8388607);
		(void)rtcp_q16_to_us(in->rb[i].dlsr);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rtcp_info strict, relaxed;
	uint8_t *buf = malloc(size ? size : 1);
	int rc1, rc2;

	CHECK(buf != NULL);
	if (size)
		memcpy(buf, data, size);
	rc1 = rtcp_parse(buf, (uint32_t)size, 0, &strict);
	rc2 = rtcp_parse(buf, (uint32_t)size, RTCP_PARSE_F_REDUCED_SIZE, &relaxed);
	CHECK(rc1 >= 0 && rc1 < RTCP_STATUS_MAX);
	CHECK(rc2 >= 0 && rc2 < RTCP_STATUS_MAX);
	CHECK(rtcp_status_name(rc1) != NULL);
	CHECK(strict.err_offset <= size && relaxed.err_offset <= size);
	if (rc1 == RTCP_OK) {
		CHECK(rc2 == RTCP_OK);
		CHECK(!strict.reduced_size);
		check_info(&strict, size);
	}
	if (rc2 == RTCP_OK)
		check_info(&relaxed, size);
	if (size >= 8)
		(void)rtcp_ntp_mid32((uint64_t)data[0] << 56 | (uint64_t)data[1] << 48 |
				     (uint64_t)data[2] << 40 | (uint64_t)data[7]);
	free(buf);
	return 0;
}
