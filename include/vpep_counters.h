/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Counter identifiers shared by vpep-dataplane and vpep-ctrl.
 *
 * One X-macro list is the single source of truth: the dataplane indexes its per-worker counter
 * arrays with enum vpep_ctr, the stats JSON and the IPC snapshots name counters with the same
 * strings, and vpep-ctrl turns them into API fields and Prometheus series. Appending is allowed;
 * renaming or reordering changes the wire contract (bump VPEP_IPC_VERSION).
 *
 * Kinds:
 *   TOTAL    packet/byte/flow totals
 *   ANOMALY  a malformed packet (counted once, at the first problem found); the configured
 *            "malformed" action decides whether it is forwarded or dropped
 *   INFO     something seen that is legal but worth knowing (VLAN, tunnel, IP options...)
 *   DROP     a reason the dataplane dropped a packet; dropped_packets is their sum
 */

#ifndef VPEP_COUNTERS_H
#define VPEP_COUNTERS_H

#define VPEP_CTR_KIND_TOTAL   0
#define VPEP_CTR_KIND_ANOMALY 1
#define VPEP_CTR_KIND_INFO    2
#define VPEP_CTR_KIND_DROP    3

/* X(name, kind, description) */
#define VPEP_COUNTERS(X) \
	X(rx_packets, TOTAL, "packets received from ports") \
	X(rx_bytes, TOTAL, "bytes received from ports") \
	X(tx_packets, TOTAL, "packets transmitted to ports") \
	X(tx_bytes, TOTAL, "bytes transmitted to ports") \
	X(monitored_packets, TOTAL, "packets consumed in monitor mode (inspected, not forwarded)") \
	X(handoff_out, TOTAL, "packets handed to the worker that owns their flow") \
	X(sip_steered, INFO, "UDP SIP datagrams sent to the worker of their Call-ID") \
	X(offline_sip_wait_timeout, INFO, "offline: waits for a SIP message to be processed elsewhere that timed out") \
	X(handoff_in, TOTAL, "packets received from another worker") \
	X(ipv4_packets, TOTAL, "IPv4 packets tracked (innermost header)") \
	X(ipv6_packets, TOTAL, "IPv6 packets tracked (innermost header)") \
	X(udp_packets, TOTAL, "UDP packets tracked") \
	X(tcp_packets, TOTAL, "TCP packets tracked") \
	X(other_l4_packets, TOTAL, "packets of other transport protocols tracked (ICMP, SCTP, ESP...)") \
	X(flows_created, TOTAL, "flows created") \
	X(flows_expired, TOTAL, "flows removed after their idle timeout") \
	X(flows_evicted, TOTAL, "idle flows evicted because the table was full") \
	X(flows_refused, TOTAL, "new flows not tracked because the table was full (refuse policy)") \
	X(frag_received, TOTAL, "IP fragments received") \
	X(frag_reassembled, TOTAL, "datagrams reassembled from fragments") \
	X(frag_refragmented, TOTAL, "reassembled datagrams fragmented again on output") \
	X(frag_fragments_out, TOTAL, "fragments produced on output by refragmentation") \
	/* Layer 2 */ \
	X(eth_truncated, ANOMALY, "frame shorter than an Ethernet header") \
	X(vlan_truncated, ANOMALY, "802.1Q/802.1ad tag cut short") \
	X(vlan_too_many_tags, ANOMALY, "more than two VLAN tags") \
	X(pppoe_truncated, ANOMALY, "PPPoE session header cut short") \
	X(pppoe_bad_header, ANOMALY, "PPPoE version/type/code not a session packet") \
	X(mpls_truncated, ANOMALY, "MPLS label stack cut short or too deep") \
	/* IPv4 */ \
	X(ipv4_truncated, ANOMALY, "fewer than 20 bytes where an IPv4 header starts") \
	X(ipv4_bad_version, ANOMALY, "IP version field is not 4 in an IPv4 packet") \
	X(ipv4_bad_ihl, ANOMALY, "IPv4 IHL below 5") \
	X(ipv4_options_truncated, ANOMALY, "IPv4 header (with options) longer than the packet") \
	X(ipv4_bad_total_length, ANOMALY, "IPv4 total length below the header length") \
	X(ipv4_length_exceeds_frame, ANOMALY, "IPv4 total length beyond the end of the frame") \
	X(ipv4_bad_checksum, ANOMALY, "IPv4 header checksum does not verify") \
	X(ipv4_frag_bad_length, ANOMALY, "IPv4 non-last fragment payload not a multiple of 8") \
	/* IPv6 */ \
	X(ipv6_truncated, ANOMALY, "fewer than 40 bytes where an IPv6 header starts") \
	X(ipv6_bad_version, ANOMALY, "IP version field is not 6 in an IPv6 packet") \
	X(ipv6_length_exceeds_frame, ANOMALY, "IPv6 payload length beyond the end of the frame") \
	X(ipv6_ext_truncated, ANOMALY, "IPv6 extension header runs past the packet") \
	X(ipv6_ext_too_many, ANOMALY, "IPv6 extension-header chain longer than the limit (loop)") \
	X(ipv6_hbh_not_first, ANOMALY, "IPv6 Hop-by-Hop header not directly after the IPv6 header") \
	X(ipv6_frag_bad_length, ANOMALY, "IPv6 non-last fragment payload not a multiple of 8") \
	X(ipv6_frag_header_repeated, ANOMALY, "IPv6 chain with more than one Fragment header") \
	/* Layer 4 */ \
	X(udp_truncated, ANOMALY, "UDP header cut short") \
	X(udp_bad_length, ANOMALY, "UDP length below 8 or beyond the IP payload") \
	X(tcp_truncated, ANOMALY, "TCP header cut short") \
	X(tcp_bad_data_offset, ANOMALY, "TCP data offset below 5") \
	X(tcp_options_truncated, ANOMALY, "TCP header (with options) longer than the IP payload") \
	X(gre_truncated, ANOMALY, "GRE header cut short or unsupported version") \
	X(tunnel_too_deep, ANOMALY, "tunnels nested deeper than the decapsulation limit") \
	/* Fragments and reassembly (the fragment is always dropped) */ \
	X(frag_tiny, DROP, "first fragment too small to hold the transport header (RFC 1858)") \
	X(frag_duplicate, DROP, "fragment identical in offset and length to one already held") \
	X(frag_overlap, DROP, "fragment overlapping another; the whole datagram is discarded (RFC 5722)") \
	X(frag_too_many, DROP, "more fragments than allowed for one datagram") \
	X(frag_oversize, DROP, "datagram would exceed the maximum reassembled size") \
	X(frag_of_bad_datagram, DROP, "fragment of a datagram already discarded") \
	X(frag_table_full, DROP, "no room in the reassembly table") \
	X(frag_timeout, DROP, "fragment of a datagram that was not complete before its timeout") \
	X(frag_incomplete_at_exit, DROP, "fragment of an incomplete datagram still held at shutdown") \
	X(frag_refragment_failed, DROP, "reassembled datagram could not be fragmented again (DF or no mbufs)") \
	X(frag_multiseg_unsupported, DROP, "fragment whose headers span mbuf segments") \
	/* Other drops */ \
	X(malformed_dropped, DROP, "malformed packet dropped by the configured malformed action") \
	X(tx_failed, DROP, "packet the port did not accept for transmission") \
	X(handoff_ring_full, DROP, "packet dropped because the owning worker's ring was full") \
	X(no_output_port, DROP, "packet received on a port that has no pair in inline mode") \
	X(policy_gate_denied, DROP, "media (or signalling, if so configured) of a call a decision denied") \
	X(policy_gate_red, DROP, "packet a call gate's meter coloured for dropping") \
	X(policy_class_red, DROP, "packet a class meter coloured for dropping") \
	X(policy_held, DROP, "media of a call waiting for its decision (admission pending: hold)") \
	X(policy_pinhole, DROP, "RTP to a port no SDP opened (pinhole mode)") \
	X(policy_sip_rate, DROP, "SIP request over its source's rate limit") \
	X(policy_scanner, DROP, "SIP from a recognised scanner or a blocklisted source") \
	/* Informational */ \
	X(non_ip, INFO, "frames that are not IPv4 or IPv6 (ARP, LLDP...) passed through untouched") \
	X(vlan_tagged, INFO, "frames with one VLAN tag") \
	X(vlan_qinq, INFO, "frames with two VLAN tags") \
	X(pppoe_session, INFO, "PPPoE session frames") \
	X(mpls_labelled, INFO, "MPLS-labelled frames") \
	X(ipv4_with_options, INFO, "IPv4 headers with options (skipped)") \
	X(ipv6_with_ext_headers, INFO, "IPv6 packets with extension headers") \
	X(ipv6_frag_ext_stripped, INFO, "IPv6 fragments whose unfragmentable extension headers were removed for reassembly") \
	X(tunnel_ip_in_ip, INFO, "IPv4/IPv6 in IPv4/IPv6 decapsulated") \
	X(tunnel_gre, INFO, "GRE decapsulated") \
	X(tunnel_vxlan, INFO, "VXLAN decapsulated") \
	X(tunnel_gtpu, INFO, "GTP-U decapsulated") \
	X(tunnel_teredo, INFO, "Teredo decapsulated") \
	X(inner_fragment, INFO, "fragment inside a tunnel (tracked without ports, not reassembled)")

enum vpep_ctr {
#define VPEP_CTR_ENUM(name, kind, desc) VPEP_CTR_##name,
	VPEP_COUNTERS(VPEP_CTR_ENUM)
#undef VPEP_CTR_ENUM
	VPEP_CTR_MAX
};

#endif /* VPEP_COUNTERS_H */
