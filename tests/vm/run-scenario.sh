#!/usr/bin/env bash
# Run one VM tier scenario in a fresh share directory.
#
# Usage: tests/vm/run-scenario.sh SCENARIO [TIMEOUT_SECONDS]
#   SCENARIO: a file, or a name from tests/vm/scenarios/ (e.g. jool-smoke)
#
# The share directory is removed after a pass and kept (its path printed) after
# a failure; BORDER_VM_KEEP=1 keeps it always. The exit status is that of
# run-in-guest.sh (the scenario's, or 77/78/124/125).
#
# Environment: BORDER_VM_SHARE=DIR uses DIR (made if missing, must be empty,
# always kept) as the share instead of a temporary one; BORDER_VM_FILES lists
# files (space-separated paths) copied into the share beside scenario.sh, e.g.
# the published border binary for scenarios/jool-border.sh.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ $# -ge 1 && $# -le 2 ]] || { echo "usage: $0 SCENARIO [TIMEOUT_SECONDS]" >&2; exit 2; }
SCENARIO=$1
if [[ ! -f $SCENARIO ]]; then
    SCENARIO=$SCRIPT_DIR/scenarios/${1%.sh}.sh
fi
[[ -f $SCENARIO ]] || { echo "run-scenario: no scenario $1" >&2; exit 2; }

if [[ -n ${BORDER_VM_SHARE:-} ]]; then
    SHARE=$BORDER_VM_SHARE
    mkdir -p "$SHARE"
    [[ -z $(ls -A "$SHARE") ]] || { echo "run-scenario: BORDER_VM_SHARE $SHARE is not empty" >&2; exit 2; }
    BORDER_VM_KEEP=1
else
    SHARE=$(mktemp -d "${TMPDIR:-/tmp}/border-vm.$(basename "${SCENARIO%.sh}").XXXXXX")
fi
cp "$SCENARIO" "$SHARE/scenario.sh"
cp "$SCRIPT_DIR/scenarios/lib.sh" "$SHARE/lib.sh"
for file in ${BORDER_VM_FILES:-}; do
    [[ -f $file ]] || { echo "run-scenario: $file (in BORDER_VM_FILES) does not exist" >&2; exit 2; }
    cp "$file" "$SHARE/"
done
rc=0
"$SCRIPT_DIR/run-in-guest.sh" "$SHARE" "${2:-300}" || rc=$?
if [[ $rc -eq 0 && ${BORDER_VM_KEEP:-0} != 1 ]]; then
    rm -rf "$SHARE"
else
    echo "run-scenario: share kept in $SHARE (output.log, console.log, exit-status)"
fi
exit "$rc"
