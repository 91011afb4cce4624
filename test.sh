#!/usr/bin/env bash
# Runs every test tier: unit tests, and as root the integration tier in network namespaces with
# the real nft, unbound, tayga, FRR and gobgpd, and the VM tier with the real Jool module in a QEMU
# guest. Installs what the tiers need and builds the guest first (as root).
# Prints one closing line: "tests: N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")"

# The VM tier's cost is printed at the end: building the guest and border, and every guest boot (run-in-guest.sh
# appends each boot's time to BORDER_VM_TIMES).
export BORDER_VM_TIMES
BORDER_VM_TIMES=$(mktemp)
ms() { echo $(( $(date +%s%N) / 1000000 )); }
if [ "$(id -u)" -eq 0 ]; then
  scripts/debian-packages.sh
  # The VM tier's guest, with the real Jool module; built once, reused while its build script is unchanged.
  # The guest runs the published border binary (tests/vm/scenarios/jool-border.sh).
  vm_start=$(ms)
  tests/vm/build-guest.sh
  scripts/publish.sh
  echo "build $(( $(ms) - vm_start ))" >> "$BORDER_VM_TIMES"
else
  echo "test.sh: not root: installing nothing, and the integration tier will skip" >&2
fi

log=$(mktemp)
trap 'rm -f "$log" "$BORDER_VM_TIMES"' EXIT
status=0
dotnet test --solution Border.sln 2>&1 | tee "$log" || status=$?

# The deployment tier: Ansible lint, the four sites rendered and validated, the role applied twice
# into a throwaway overlay of this machine, the Debian package built and installed. Root only.
if [ "$(id -u)" -eq 0 ]; then
  deploy/ci.sh 2>&1 | tee -a "$log" || status=$?
fi

awk '{ total += $NF; if ($1 == "boot") { boots++; boot += $NF } else { build += $NF } }
  END { printf "vm tier: %.0f s added (guest and border build %.0f s, %d guest boots %.0f s)\n", total / 1000, build / 1000, boots, boot / 1000 }
' "$BORDER_VM_TIMES" | tee -a "$log"

# Microsoft.Testing.Platform prints per-run totals; deploy/ci.sh ends with "deploy: N passed, N failed".
awk '
  /^[[:space:]]+failed: [0-9]+/    { failed += $2 }
  /^[[:space:]]+succeeded: [0-9]+/ { passed += $2 }
  /^[[:space:]]+skipped: [0-9]+/   { skipped += $2 }
  /^deploy: [0-9]+ passed, [0-9]+ failed/ { passed += $2; failed += $4 }
  END { printf "tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped }
' "$log"
exit "$status"
