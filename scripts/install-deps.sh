#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 the vpep developers
#
# Install the Debian 12 packages vpep needs, and only those that are missing.
#
#   scripts/install-deps.sh build   compile and run the appliance (make demo)
#   scripts/install-deps.sh test    build + everything the test suite uses (make test)
#   scripts/install-deps.sh bench   build + dpdk-testpmd for the reference run (Debian ships
#                                   it in dpdk-dev), tshark for the generated SIP loop
#                                   (make bench)
#   scripts/install-deps.sh --list SET   print the packages of SET and exit
#
# Needs root to install (apt-get); when everything is present it needs nothing and says so.
# Nothing is downloaded from anywhere but the configured Debian mirrors.
set -eu

set_name=${1:-build}
list_only=0
if [ "$set_name" = "--list" ]; then
	list_only=1
	set_name=${2:-build}
fi

# Hyperscan only exists for x86-64; elsewhere vectorscan provides the same libhs.
if [ "$(dpkg --print-architecture 2>/dev/null || echo amd64)" = amd64 ]; then
	hs=libhyperscan-dev
else
	hs=libvectorscan-dev
fi

build="gcc make meson ninja-build pkg-config python3 jq libdpdk-dev $hs libjansson-dev \
libevent-dev libpcap-dev libcmocka-dev"
case "$set_name" in
build) pkgs="$build" ;;
bench) pkgs="$build dpdk-dev tshark" ;;
test) pkgs="$build dpdk tshark python3-scapy clang libclang-rt-14-dev iproute2 procps \
prometheus slowhttptest chromium curl" ;;
*)
	echo "install-deps.sh: unknown set \"$set_name\" (build, test, bench)" >&2
	exit 2
	;;
esac

if [ "$list_only" = 1 ]; then
	echo $pkgs
	exit 0
fi

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ -z "$missing" ]; then
	exit 0
fi

echo "install-deps.sh: installing$missing"
if [ "$(id -u)" != 0 ]; then
	echo "install-deps.sh: these Debian packages are missing:$missing" >&2
	echo "install-deps.sh: run as root: apt-get install -y$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer for it.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing
