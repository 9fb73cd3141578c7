/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/* The leveled logger of vpep-ctrl and vpep-pdp: one line per event on stderr, with the
 * monotonic time in seconds so lines can be matched with status-file timestamps. */

#ifndef VPEP_CTRL_LOG_H
#define VPEP_CTRL_LOG_H

enum ctrl_log_level {
	CTRL_LOG_ERROR = 0,
	CTRL_LOG_WARN,
	CTRL_LOG_INFO,
	CTRL_LOG_DEBUG,
};

void ctrl_log_set_level(int level);
void ctrl_log_set_name(const char *name);
int ctrl_log_enabled(int level);
void ctrl_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define LOG_ERR(...) ctrl_log(CTRL_LOG_ERROR, __VA_ARGS__)
#define LOG_WARN(...) ctrl_log(CTRL_LOG_WARN, __VA_ARGS__)
#define LOG_INFO(...) ctrl_log(CTRL_LOG_INFO, __VA_ARGS__)
#define LOG_DEBUG(...) do { if (ctrl_log_enabled(CTRL_LOG_DEBUG)) \
		ctrl_log(CTRL_LOG_DEBUG, __VA_ARGS__); } while (0)

/* Monotonic milliseconds (CLOCK_MONOTONIC), the time base of every timer and timestamp. */
#include <stdint.h>
uint64_t ctrl_now_ms(void);
double ctrl_now_s(void);

#endif /* VPEP_CTRL_LOG_H */
