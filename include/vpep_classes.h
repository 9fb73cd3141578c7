/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Application classes a flow can be given, shared by vpep-dataplane (classification, policy)
 * and vpep-ctrl (API, metrics, policy by class). Appending is allowed; renumbering changes
 * the wire contract.
 */

#ifndef VPEP_CLASSES_H
#define VPEP_CLASSES_H

/* X(name, description) */
#define VPEP_CLASSES(X) \
	X(unknown, "not (yet) recognised") \
	X(sip, "SIP signalling (RFC 3261), over UDP, TCP or fragments") \
	X(rtp, "RTP media announced by SDP") \
	X(rtcp, "RTCP announced by SDP (port+1, a=rtcp, or multiplexed)") \
	X(rtp_unsignalled, "RTP no SDP announced, recognised by RFC 3550 validity and probation") \
	X(http, "HTTP/1.x") \
	X(pop3, "POP3 (RFC 1939)") \
	X(cwmp, "TR-069 CWMP: SOAP with the cwmp namespace over HTTP") \
	X(cip, "Common Industrial Protocol over EtherNet/IP") \
	X(cops, "COPS (RFC 2748) with a valid header") \
	X(rtsp, "RTSP (RFC 2326/7826)")

enum vpep_class {
#define VPEP_CLASS_ENUM(name, desc) VPEP_CLASS_##name,
	VPEP_CLASSES(VPEP_CLASS_ENUM)
#undef VPEP_CLASS_ENUM
	VPEP_CLASS_MAX
};

#endif /* VPEP_CLASSES_H */
