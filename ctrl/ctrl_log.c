/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "ctrl_log.h"

static int log_level = CTRL_LOG_INFO;
static const char *log_name = "vpep-ctrl";

void
ctrl_log_set_level(int level)
{
	log_level = level;
}

void
ctrl_log_set_name(const char *name)
{
	log_name = name;
}

int
ctrl_log_enabled(int level)
{
	return level <= log_level;
}

uint64_t
ctrl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

double
ctrl_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
ctrl_log(int level, const char *fmt, ...)
{
	static const char *const names[] = {"error", "warn", "info", "debug"};
	char line[1024];
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* one fprintf per line so lines of two processes sharing a terminal do not interleave */
	fprintf(stderr, "%.3f %s %s: %s\n", ctrl_now_s(), log_name,
		names[level < 0 ? 0 : level > 3 ? 3 : level], line);
}
