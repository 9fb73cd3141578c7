/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the COPS codec and the PacketCable Multimedia codec.
 *
 * Each input is copied into a malloc'd buffer of exactly its size (so ASan
 * sees any read past len) and decoded as one COPS message. When it decodes:
 *  - it is re-encoded and must come out byte-identical (decoding is lossless);
 *  - encoding into a buffer one byte short must fail with -ENOSPC;
 *  - every ClientSI and client-specific Decision payload is copied into its
 *    own exact-size buffer and decoded as PCMM objects, re-encoded
 *    byte-identically, and decoded as a gate whose re-encoding must decode
 *    back to the same gate.
 * The raw input is also fed to the PCMM decoders directly, so PCMM framing
 * is fuzzed without first having to satisfy the COPS grammar.
 *
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -Ictrl \
 *        ctrl/cops_codec.c ctrl/pcmm.c tests/fuzz/fuzz_cops.c -o fuzz_cops
 * Replay: ./fuzz_cops -runs=0 tests/fuzz/corpus/cops
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cops_codec.h"
#include "pcmm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                        \
		if (!(cond)) {                                                                      \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);    \
			abort();                                                                    \
		}                                                                                   \
	} while (0)

static uint8_t *
dup_exact(const uint8_t *p, size_t n)
{
	uint8_t *b = malloc(n ? n : 1);

	CHECK(b != NULL);
	if (n)
		memcpy(b, p, n);
	return b;
}

/* Compare two decoded gates, ignoring where their opaque data lives. */
static int
gate_equal(const struct pcmm_gate *a, const struct pcmm_gate *b)
{
	struct pcmm_gate x = *a, y = *b;

	if (x.opaque_len != y.opaque_len ||
		(x.opaque_len && memcmp(x.opaque, y.opaque, x.opaque_len) != 0))
		return 0;
	x.opaque = y.opaque = NULL;
	return memcmp(&x, &y, sizeof(x)) == 0;
}

static void
fuzz_pcmm(const uint8_t *p, size_t n)
{
	static struct pcmm_msg m;
	struct pcmm_gate g, g2;
	struct pcmm_err e;
	uint8_t *buf = dup_exact(p, n), *out;
	int rc, len;

	rc = pcmm_msg_decode(buf, (uint32_t)n, &m, &e);
	if (rc == 0) {
		out = malloc(n ? n : 1);
		CHECK(out != NULL);
		len = pcmm_msg_encode(out, (uint32_t)n, &m);
		CHECK(len == (int)n);
		CHECK(n == 0 || memcmp(out, buf, n) == 0);
		if (n > 0)
			CHECK(pcmm_msg_encode(out, (uint32_t)n - 1, &m) == -ENOSPC);
		free(out);
	} else {
		CHECK(rc == -e.errnum && e.msg[0] != '\0');
	}

	rc = pcmm_gate_decode(buf, (uint32_t)n, &g, &e);
	if (rc == 0) {
		static uint8_t gbuf[65536];

		len = pcmm_gate_encode(gbuf, sizeof(gbuf), &g, &e);
		CHECK(len > 0);
		out = dup_exact(gbuf, (size_t)len);
		CHECK(pcmm_gate_decode(out, (uint32_t)len, &g2, &e) == 0);
		CHECK(gate_equal(&g, &g2));
		free(out);
	} else {
		CHECK(rc == -e.errnum && e.msg[0] != '\0');
	}
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cops_msg m;
	struct cops_err e, e2;
	uint8_t *buf, *out;
	unsigned int i;
	int rc, n;

	if (size > 0x100000)
		return 0;
	buf = dup_exact(data, size);
	(void)cops_frame_len(buf, (uint32_t)size);

	rc = cops_msg_decode(buf, (uint32_t)size, &m, &e);
	if (rc != 0) {
		CHECK(rc == -e.errnum && e.msg[0] != '\0');
		CHECK(e.code >= COPS_ERR_BAD_HANDLE && e.code <= COPS_ERR_AUTH_REQUIRED);
	} else {
		CHECK(m.hdr.msg_len == size && m.n_obj <= COPS_MAX_OBJS);
		out = malloc(size);
		CHECK(out != NULL);
		n = cops_msg_encode(out, (uint32_t)size, &m, &e2);
		CHECK(n == (int)size);
		CHECK(memcmp(out, buf, size) == 0);
		CHECK(cops_msg_encode(out, (uint32_t)size - 1, &m, &e2) == -ENOSPC);
		free(out);

		for (i = 0; i < m.n_obj; i++) {
			const struct cops_obj *o = &m.obj[i];

			CHECK(o->data >= buf && o->data + o->data_len <= buf + size);
			if ((o->c_num == COPS_OBJ_CLIENTSI && o->c_type == COPS_CLIENTSI_SIGNALED) ||
				((o->c_num == COPS_OBJ_DECISION || o->c_num == COPS_OBJ_LPDP_DECISION) &&
					o->c_type == COPS_DEC_CLIENT_SI))
				fuzz_pcmm(o->data, o->data_len);
		}
		if (m.hdr.client_type == COPS_CLIENT_PCMM) {
			struct pcmm_gate g;
			struct pcmm_err pe;

			rc = pcmm_cops_gate_decode(&m, &g, &pe);
			CHECK(rc == 0 || (rc == -pe.errnum && pe.msg[0] != '\0'));
		}
	}
	fuzz_pcmm(buf, size);
	free(buf);
	return 0;
}
