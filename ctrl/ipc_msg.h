/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Framing and validation of include/vpep_ipc.h messages, shared by vpep-ctrl's link to the
 * dataplane and its tests. Pure: (buf, len) in, a verdict out.
 */

#ifndef VPEP_CTRL_IPC_MSG_H
#define VPEP_CTRL_IPC_MSG_H

#include <stdint.h>

#include "vpep_ipc.h"

/* Body size a message type must have; -1 for variable (STATS), 0 for unknown types. */
int64_t ipc_msg_body_len(uint16_t type);

/*
 * Look at the start of a stream. Returns the total length of the first message (header plus
 * body) when it is complete, -EAGAIN when more bytes are needed, -EPROTO for a wrong magic or
 * version (the connection must be closed), -EBADMSG for a known type whose length is not the
 * one it defines or a body above VPEP_IPC_MAX_BODY. Unknown types are framed by hdr.len
 * (answered with -ENOTSUP by the reader). hdr (may be NULL) receives the header.
 */
int64_t ipc_msg_frame(const uint8_t *buf, uint32_t len, struct vpep_ipc_hdr *hdr);

/*
 * Check a decoded body for values the reader must refuse (counts out of range, addresses of
 * an unknown family). 0 or -EINVAL.
 */
int ipc_msg_check(uint16_t type, const void *body, uint32_t len);

const char *ipc_msg_type_name(uint16_t type);

#endif /* VPEP_CTRL_IPC_MSG_H */
