#!/usr/bin/env bash
# Installs the Debian packages border needs: the OS components it drives, and what building the
# NativeAOT binary and running the test tiers need. Safe to run again: apt-get skips what is there.
set -euo pipefail

packages=(
  # What border supervises and announces through.
  nftables unbound tayga frr gobgpd jool-tools
  # What it runs and the tests use to build namespaces and send traffic.
  iproute2 iputils-ping bind9-dnsutils ncat procps kmod
  # What the control socket's tests use to run its client as other users, and a group served by NSS beyond
  # /etc/group (systemd's userdb records).
  util-linux passwd libnss-systemd
  # What the benchmarks under bench/ measure with, and compare border against (ExaBGP's healthcheck).
  exabgp iperf3 hyperfine
  # What the NativeAOT publish links with.
  clang zlib1g-dev
)

if [ "$(id -u)" -ne 0 ]; then
  echo "debian-packages.sh: run as root: it installs Debian packages" >&2
  exit 2
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${packages[@]}"
