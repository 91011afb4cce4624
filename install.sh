#!/usr/bin/env bash
# Installs everything border needs on a fresh Debian 12 machine, builds it, installs it as
# /usr/local/bin/border, and runs the main job on the built-in default: the lab gateways.
set -euo pipefail
cd "$(dirname "$0")"

scripts/debian-packages.sh
scripts/publish.sh
install -m 0755 artifacts/bin/border /usr/local/bin/border

echo
echo "== border $(border version | cut -d' ' -f2) installed as /usr/local/bin/border"
for gateway in examples/lab/gw1.json examples/lab/gw2.json; do
  border validate "$gateway"
done
echo
echo "== What border applies and announces on lab gateway gw1:"
border render examples/lab/gw1.json
echo "== Next: lab/up.sh runs border on the lab gateways gw1 and gw2 (lab/down.sh removes it); docs/config.md describes the file."
