#!/usr/bin/env bash
# A scenario group's scenario.sh (run-scenario.sh copies it into the share for a group): runs the scenarios the
# share's file `group` names, one a line, in that order, in one boot, each to its end. Each scenario's exit status
# goes to NAME.status in the share; the group's is the first scenario's that is not 0.
set -u
SHARE=${BORDER_SHARE:-/share}
rc=0
while read -r name; do
    [[ -n $name ]] || continue
    echo "== scenario $name"
    status=0
    bash "$SHARE/$name.sh" || status=$?
    echo "$status" > "$SHARE/$name.status"
    echo "== scenario $name: exit status $status"
    [[ $rc -ne 0 ]] || rc=$status
done < "$SHARE/group"
exit "$rc"
