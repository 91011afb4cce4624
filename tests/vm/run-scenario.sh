#!/usr/bin/env bash
# Run one VM tier scenario, or a group of them in one boot, in a fresh share directory.
#
# Usage: tests/vm/run-scenario.sh SCENARIO[,SCENARIO...] [TIMEOUT_SECONDS]
#   SCENARIO: a file, or a name from tests/vm/scenarios/ (e.g. jool-smoke)
#
# One scenario is the share's scenario.sh. Several, comma-separated, are a group: one boot runs them in that
# order, each to its end (scenario-group.sh), and writes each one's exit status to NAME.status in the share; the
# group's exit status is the first scenario's that is not 0. The share directory is removed after a pass and kept
# (its path printed) after a failure; BORDER_VM_KEEP=1 keeps it always. The exit status is that of run-in-guest.sh
# (the scenario's or the group's, or 76/77/78/124/125).
#
# Environment: BORDER_VM_SHARE=DIR uses DIR (made if missing, must be empty,
# always kept) as the share instead of a temporary one; BORDER_VM_FILES lists
# files (space-separated paths) copied into the share beside scenario.sh, e.g.
# the published border binary for scenarios/jool-border.sh.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ $# -ge 1 && $# -le 2 ]] || { echo "usage: $0 SCENARIO[,SCENARIO...] [TIMEOUT_SECONDS]" >&2; exit 2; }
IFS=, read -r -a NAMES <<< "$1"
SCENARIOS=()
for name in "${NAMES[@]}"; do
    scenario=$name
    [[ -f $scenario ]] || scenario=$SCRIPT_DIR/scenarios/${name%.sh}.sh
    [[ -f $scenario ]] || { echo "run-scenario: no scenario $name" >&2; exit 2; }
    SCENARIOS+=("$scenario")
done
[[ ${#SCENARIOS[@]} -gt 0 ]] || { echo "run-scenario: no scenario named in '$1'" >&2; exit 2; }
LABEL=$(for scenario in "${SCENARIOS[@]}"; do basename "${scenario%.sh}"; done | paste -sd+)

if [[ -n ${BORDER_VM_SHARE:-} ]]; then
    SHARE=$BORDER_VM_SHARE
    mkdir -p "$SHARE"
    [[ -z $(ls -A "$SHARE") ]] || { echo "run-scenario: BORDER_VM_SHARE $SHARE is not empty" >&2; exit 2; }
    BORDER_VM_KEEP=1
else
    SHARE=$(mktemp -d "${TMPDIR:-/tmp}/border-vm.$LABEL.XXXXXX")
fi
if [[ ${#SCENARIOS[@]} -eq 1 ]]; then
    cp "${SCENARIOS[0]}" "$SHARE/scenario.sh"
else
    cp "$SCRIPT_DIR/scenario-group.sh" "$SHARE/scenario.sh"
    for scenario in "${SCENARIOS[@]}"; do
        name=$(basename "${scenario%.sh}")
        [[ $name != scenario && $name != lib && ! -e $SHARE/$name.sh ]] \
            || { echo "run-scenario: $name cannot be in the group (named twice, or the name of a share file)" >&2; exit 2; }
        cp "$scenario" "$SHARE/$name.sh"
        echo "$name" >> "$SHARE/group"
    done
fi
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
