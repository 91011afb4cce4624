#!/usr/bin/env bash
# Measures the shipped binary: its size, and the wall time of `border --help` and of
# `border validate` on a lab gateway (start-up plus a full config validation).
# Usage: bench/binary.sh   (as root: installs hyperfine when missing)
set -euo pipefail
cd "$(dirname "$0")/.."

command -v hyperfine >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -q hyperfine >/dev/null 2>&1; }
scripts/publish.sh >/dev/null
binary=artifacts/bin/border

echo "date: $(date -u +%Y-%m-%d)"
echo "machine: $(nproc) cores, $(uname -r)"
echo "binary: $(stat -c %s "$binary") bytes ($(file -b "$binary" | cut -d, -f1-2))"
table=$(mktemp)
trap 'rm -f "$table"' EXIT
hyperfine --warmup 5 --runs 100 -N --style none --export-markdown "$table" \
  "$binary --help" \
  "$binary validate examples/lab/gw1.json" >/dev/null
cat "$table"
