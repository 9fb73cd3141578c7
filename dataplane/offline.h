/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Offline mode: prepare a capture for net_pcap.
 *
 * A DPDK port only ever sees Ethernet frames, and net_pcap hands over whatever the file holds.
 * So the capture is read once first: its packets are counted (offline mode ends when the port
 * has delivered them all) and a capture with another link type (Linux cooked SLL/SLL2, raw IP,
 * DLT_NULL/LOOP, PPP) is rewritten to a temporary Ethernet pcap with a synthetic Ethernet
 * header, keeping timestamps in nanoseconds. Anything else is refused with one clear line.
 */

#ifndef OFFLINE_H
#define OFFLINE_H

#include <stdbool.h>
#include <stdint.h>

struct offline_capture {
	char path[4096];       /* the file the user gave */
	char feed_path[4096];  /* the file net_pcap reads (path, or the converted copy) */
	int linktype;          /* DLT_* of the input */
	char linktype_name[64];
	bool converted;
	uint64_t packets;       /* packets readable in the file */
	uint64_t truncated;     /* packets whose capture length is below their wire length */
	uint64_t unconvertible; /* frames of a supported link type carrying something unknown */
	bool read_error;        /* the file ends in a damaged record (counted up to it) */
	char read_error_msg[256];
};

/*
 * Inspect `path`, converting it into tmpdir when needed. Returns 0, or -1 with a one-line
 * explanation in err.
 */
int offline_prepare(const char *path, const char *tmpdir, struct offline_capture *cap, char *err,
		size_t err_len);

/* Remove the converted copy, if any. */
void offline_cleanup(struct offline_capture *cap);

/*
 * Turn one frame of link type `dlt` into an Ethernet frame in out (cap bytes). Returns the new
 * length, or -1 when the link type is not supported. Exposed for unit tests.
 */
int offline_to_ether(int dlt, const uint8_t *in, uint32_t len, uint8_t *out, uint32_t cap);

/* True when link type dlt is Ethernet or can be converted. */
bool offline_linktype_supported(int dlt);

#endif /* OFFLINE_H */
