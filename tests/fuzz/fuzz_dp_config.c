/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Fuzz target for the dataplane configuration loader (jansson + our validation) and the
 * key-position locator used in its error messages. Any input must give either a loaded
 * configuration or an error of the form "name:line:col: ...", never a crash.
 */

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dp_config.h"
#include "json_pos.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = { "", "ports", "ports[0]", "ports[1].device",
		"flows.when_full", "workers.lcores[2]", "reassembly", "a.b.c[3].d" };
	struct dp_config c;
	char err[2048];
	char *text;
	unsigned int line, col, i;
	int rc;

	if (size > 1 << 16)
		return 0;
	text = malloc(size ? size : 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	dp_config_defaults(&c);
	err[0] = '\0';
	rc = dp_config_load_text(&c, "fuzz.json", text, size, err, sizeof(err));
	if (rc != 0)
		assert(strncmp(err, "fuzz.json", 9) == 0);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (json_pos_locate(text, size, paths[i], &line, &col) == 0)
			assert(line >= 1 && col >= 1);
	free(text);
	return 0;
}
