/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Read one frame's UDP or TCP payload out of a capture of the shared test
 * corpus (../shared/corpus/pcaps, third-party captures that must never be
 * copied into this repository), so unit tests can run assertions on real
 * messages at run time.
 *
 * The corpus is looked for in $VPEP_CORPUS_DIR when that is set (and only
 * there), otherwise in VPEP_SOURCE_ROOT/../shared/corpus when the build
 * defines VPEP_SOURCE_ROOT, then in ../shared/corpus, ../../shared/corpus,
 * ../../../shared/corpus and ../../../../shared/corpus relative to the working
 * directory. A directory counts as the corpus when it has a pcaps/
 * subdirectory; when $VPEP_CORPUS_DIR names one without, the corpus is absent.
 *
 * Link types: Ethernet (with any number of 802.1Q/802.1ad tags), Linux SLL
 * and SLL2, BSD loopback (DLT_NULL/DLT_LOOP) and raw IP. Network layer: IPv4
 * and IPv6 (hop-by-hop, routing, destination-options and atomic fragment
 * headers skipped), IP-in-IP, and GRE (version 0 with IPv4/IPv6/Ethernet
 * inside, version 1 "enhanced GRE" with PPP inside). Transport: UDP or TCP.
 * IP fragments are not reassembled: a fragment is reported as -EMSGSIZE.
 */
#ifndef VPEP_TESTS_CORPUS_FRAMES_H
#define VPEP_TESTS_CORPUS_FRAMES_H

#include <stdint.h>

/* What corpus_frame_payload_info() found around the payload. */
struct corpus_frame_info {
	int linktype;	    /* pcap_datalink() of the capture */
	uint8_t ip_version; /* 4 or 6: the innermost IP header */
	uint8_t l4_proto;   /* 17 (UDP) or 6 (TCP) */
	uint8_t tunnels;    /* GRE or IP-in-IP layers crossed */
	uint16_t sport, dport;
	uint32_t wire_len; /* frame length on the wire */
};

/*
 * Copy the UDP or TCP payload of frame frame_no (1-based, as Wireshark
 * numbers frames) of pcaps/capture_name into buf (cap bytes), its length
 * into *len. Returns 0, or:
 *   -ENOENT           no corpus directory found (the caller should skip);
 *   -EIO              the capture cannot be opened or read (corpus present);
 *   -EINVAL           frame_no is 0 or an argument is NULL;
 *   -ENODATA          the capture has fewer than frame_no frames;
 *   -EPROTONOSUPPORT  link type, tunnel or transport not handled;
 *   -EMSGSIZE         the frame is an IP fragment;
 *   -EPROTO           truncated or inconsistent headers;
 *   -ENOBUFS          the payload is larger than cap.
 * corpus_last_error() then says what went wrong in words.
 */
int corpus_frame_payload(
	const char *capture_name, unsigned int frame_no, uint8_t *buf, uint32_t cap, uint32_t *len);

/* The same, also filling *info (may be NULL). */
int corpus_frame_payload_info(const char *capture_name, unsigned int frame_no, uint8_t *buf,
	uint32_t cap, uint32_t *len, struct corpus_frame_info *info);

/* The corpus directory found, or NULL when there is none. */
const char *corpus_dir(void);

/* Where the corpus was looked for, in words (for skip messages). */
const char *corpus_searched(void);

/* Description of the last failure of corpus_frame_payload*(). */
const char *corpus_last_error(void);

#endif
