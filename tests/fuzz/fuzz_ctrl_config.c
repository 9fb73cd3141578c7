/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Fuzz target for vpep-ctrl's configuration loader (ctrl/config.c): any input gives either a
 * loaded configuration whose values are within their documented ranges, or an error of the
 * form "name:line:col: ...", never a crash.
 */

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	char err[CFG_ERR_LEN];
	char *text;
	uint32_t i;

	if (size > 1 << 16)
		return 0;
	text = malloc(size ? size : 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	err[0] = '\0';
	if (config_load(&c, "fuzz.json", text, size, err, sizeof(err)) != 0) {
		assert(strncmp(err, "fuzz.json:", 10) == 0);
	} else {
		assert(c.n_sessions <= CONFIG_MAX_SESSIONS);
		for (i = 0; i < c.n_sessions; i++)
			assert(c.sessions[i].n_pdps >= 1 && c.sessions[i].n_pdps <= CONFIG_MAX_PDPS);
		assert(c.lpdp.n_rules <= LPDP_MAX_RULES);
		assert(c.backoff_min_ms <= c.backoff_max_ms);
	}
	free(text);
	return 0;
}
