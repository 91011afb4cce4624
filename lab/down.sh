#!/bin/bash
# Takes the lab down: border, gobgpd, FRR, the CLAT and inet's servers by their pid files, then the namespaces,
# c6's resolv.conf under /etc/netns, and the lab's files.
set -uo pipefail
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
[ "$(id -u)" = 0 ] || { echo "lab/down.sh: run as root"; exit 1; }

stop() { # stop PIDFILE: TERM, then KILL after 5 s
  [ -f "$1" ] || return 0
  local pid; pid=$(cat "$1")
  kill -TERM "$pid" 2>/dev/null || return 0
  wait_gone "$pid" 50 || kill -KILL "$pid" 2>/dev/null || true
}

for gw in gw1 gw2; do stop "$ROOT/$gw/border.pid"; done
for pidfile in "$ROOT/c6/clat.pid" "$ROOT/inet/unbound.pid" "$ROOT/inet/ncat.pid"; do stop "$pidfile"; done
# What outlived its parent (a tayga or unbound after border was killed, a gobgpd) is found by the lab paths in
# its command line: only processes this lab started carry them.
for cmdline in /proc/[0-9]*/cmdline; do
  pid=${cmdline#/proc/}; pid=${pid%/cmdline}
  if tr '\0' ' ' 2>/dev/null < "$cmdline" | grep -qE -- " $ROOT/(gw[12]|c6|inet)/"; then
    echo "$pid" > "$ROOT/leftover.pid"; stop "$ROOT/leftover.pid"
  fi
done
rm -f "$ROOT/leftover.pid"
for pidfile in "$ROOT"/*/frr/*.pid; do [ -e "$pidfile" ] && stop "$pidfile"; done
for n in core upstream gw1 gw2 c6 c4 inet; do ip netns del "$LAB-$n" 2>/dev/null || true; done
rm -rf "/etc/netns/$LAB-c6"
rmdir /etc/netns 2>/dev/null || true
rm -rf "$ROOT/core" "$ROOT/upstream" "$ROOT/gw1" "$ROOT/gw2" "$ROOT/c6" "$ROOT/inet"
rmdir "$ROOT" 2>/dev/null || true
echo "lab down"
