/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/* How every endpoint appears in the statistics JSON. Header-only: pure modules use it too. */

#ifndef ENDPOINT_FMT_H
#define ENDPOINT_FMT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <arpa/inet.h>

/* "a.b.c.d:port", or "[v6]:port" for family 6 (addr: 4 or 16 bytes, network order). */
static inline void
dp_format_endpoint(char *buf, size_t cap, uint8_t family, const uint8_t *addr, uint16_t port)
{
	char ip[INET6_ADDRSTRLEN];

	inet_ntop(family == 4 ? AF_INET : AF_INET6, addr, ip, sizeof(ip));
	snprintf(buf, cap, family == 6 ? "[%s]:%u" : "%s:%u", ip, port);
}

#endif /* ENDPOINT_FMT_H */
