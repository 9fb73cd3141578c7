#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
#
# The appliance's main job on the embedded default: the bundled VoIP capture
# (tests/data/demo-voip.pcap, made by tests/tools/vpep_gen.py) goes through vpep-dataplane in
# offline mode, inline, and the summary is printed. Output: out/demo-out.pcap and
# out/demo-stats.json. Policy (configs/demo.json): voice EF, SIP CS3, codec-sized call gates,
# SIP rate limit and scanner blocking. Runs without hugepages so that it works on any machine.
set -eu
cd "$(dirname "$0")/.."
mkdir -p out
# The main lcore controls, at least one more works; on a one-CPU machine both share it.
if [ "$(nproc)" -ge 2 ]; then lcores="-l 0-1"; else lcores="--lcores 0@0,1@0"; fi
build/dataplane/vpep-dataplane --no-huge -m 1024 --no-shconf --no-pci $lcores \
	--log-level=lib.eal:warning --log-level=user1:warning --no-telemetry -- \
	--config configs/demo.json --read tests/data/demo-voip.pcap --write out/demo-out.pcap \
	--stats-json out/demo-stats.json --summary
echo
echo "Forwarded packets: out/demo-out.pcap    Statistics: out/demo-stats.json"
