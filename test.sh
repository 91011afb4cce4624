#!/usr/bin/env bash
# Runs every test tier: unit tests, and as root the integration tier in network namespaces with
# the real nft, unbound, tayga, FRR and gobgpd, and the VM tier with the real Jool module in a QEMU
# guest. Installs what the tiers need and builds the guest first (as root).
# Prints one closing line: "tests: N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")"

if [ "$(id -u)" -eq 0 ]; then
  scripts/debian-packages.sh
  # The VM tier's guest, with the real Jool module; built once, reused while its build script is unchanged.
  tests/vm/build-guest.sh
else
  echo "test.sh: not root: installing nothing, and the integration tier will skip" >&2
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test --solution Border.sln 2>&1 | tee "$log" || status=$?

# The deployment tier: Ansible lint, the four sites rendered and validated, the role applied twice
# into a throwaway overlay of this machine, the Debian package built and installed. Root only.
if [ "$(id -u)" -eq 0 ]; then
  deploy/ci.sh 2>&1 | tee -a "$log" || status=$?
fi

# Microsoft.Testing.Platform prints per-run totals; deploy/ci.sh ends with "deploy: N passed, N failed".
awk '
  /^[[:space:]]+failed: [0-9]+/    { failed += $2 }
  /^[[:space:]]+succeeded: [0-9]+/ { passed += $2 }
  /^[[:space:]]+skipped: [0-9]+/   { skipped += $2 }
  /^deploy: [0-9]+ passed, [0-9]+ failed/ { passed += $2; failed += $4 }
  END { printf "tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped }
' "$log"
exit "$status"
