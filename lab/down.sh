#!/bin/bash
# Takes the lab down: border, gobgpd, FRR, the CLAT and inet's servers by their pid files, then the namespaces,
# c6's resolv.conf under /etc/netns, and the lab's files. A process still in one of the lab's namespaces after
# that was started without its pid recorded, or outlived what should have ended it: lab/down.sh names it, ends
# it, and exits 1 once everything else is removed.
set -uo pipefail
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
[ "$(id -u)" = 0 ] || { echo "lab/down.sh: run as root"; exit 1; }

nodes=(core upstream gw1 gw2 c6 c4 inet)
# The lab's namespaces by the inode of their nsfs file, which is also what /proc/PID/ns/net of a process in
# one of them resolves to.
declare -A lab_namespace=()
for n in "${nodes[@]}"; do
  if inode=$(stat -L -c %i "/run/netns/$LAB-$n" 2>/dev/null); then lab_namespace[$inode]=$LAB-$n; fi
done
# lab_processes: "PID NAMESPACE" for each process in one of the lab's namespaces (a zombie has none). stat fails
# for a process that ended while it ran, which says nothing about the others.
lab_processes() {
  local inode path pid
  { stat -L -c '%i %n' /proc/[0-9]*/ns/net 2>/dev/null || true; } | while read -r inode path; do
    if [ -n "${lab_namespace[$inode]:-}" ]; then pid=${path#/proc/}; echo "${pid%/ns/net} ${lab_namespace[$inode]}"; fi
  done
}
in_lab() { local found; found=$(lab_processes); grep -q "^$1 " <<<"$found"; }

end() { # end PID [TENTHS]: TERM (and CONT, for one a test stopped), then KILL after TENTHS (50) tenths of a second;
  # only a process in the lab's namespaces (a pid file may be stale, its pid reused)
  in_lab "$1" || return 0
  kill -TERM "$1" 2>/dev/null || return 0
  kill -CONT "$1" 2>/dev/null
  wait_gone "$1" "${2:-50}" && return 0
  kill -KILL "$1" 2>/dev/null
  wait_gone "$1" 20 || echo "lab/down.sh: pid $1 outlived SIGKILL" >&2
}
stop() { [ -f "$1" ] && end "$(cat "$1")" "${2:-}"; } # stop PIDFILE [TENTHS]

# border first: it withdraws its announcements through FRR and gobgpd, and ends its own children. Up to 60 s, as a
# withdrawal may take its 5 s budget per speaker on a busy machine; a KILL would leave its children behind.
for gw in gw1 gw2; do stop "$ROOT/$gw/border.pid" 600; done
for pidfile in "$ROOT"/gw[12]/gobgpd.pid "$ROOT/c6/clat.pid" "$ROOT/inet/unbound.pid" "$ROOT/inet/ncat.pid" \
  "$ROOT"/*/frr/*.pid; do
  stop "$pidfile"
done

# border's children (its guard, its monitors) leave within moments of it; anything there after 5 s is a leftover.
for _ in $(seq 1 50); do [ -z "$(lab_processes)" ] && break; sleep 0.1; done
leftovers=$(lab_processes)
while read -r pid namespace; do
  [ -n "$pid" ] || continue
  echo "lab/down.sh: LEFTOVER in $namespace: pid $pid ($(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)) still" \
    "runs after everything the lab recorded has ended: what started it left it behind, a bug. Ending it." >&2
  end "$pid"
done <<<"$leftovers"

for n in "${nodes[@]}"; do ip netns del "$LAB-$n" 2>/dev/null || true; done
rm -rf "/etc/netns/$LAB-c6"
rmdir /etc/netns 2>/dev/null || true
rm -rf "$ROOT/core" "$ROOT/upstream" "$ROOT/gw1" "$ROOT/gw2" "$ROOT/c6" "$ROOT/inet"
rmdir "$ROOT" 2>/dev/null || true
if [ -n "$leftovers" ]; then
  echo "lab/down.sh: lab down, but $(wc -l <<<"$leftovers") process(es) were left in its namespaces (above)" >&2
  exit 1
fi
echo "lab down"
