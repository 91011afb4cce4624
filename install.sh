#!/usr/bin/env bash
# Installs everything border needs on a fresh Debian 12 machine, builds it, installs it as
# /usr/local/bin/border, and runs the main job on the built-in default: the lab (lab/up.sh), two
# gateways running border in network namespaces serving an IPv6-only client. lab/down.sh removes it.
set -euo pipefail
cd "$(dirname "$0")"

scripts/debian-packages.sh
scripts/publish.sh
install -m 0755 artifacts/bin/border /usr/local/bin/border

echo
echo "== border $(border version | cut -d' ' -f2) installed as /usr/local/bin/border; starting the lab"
exec lab/up.sh
