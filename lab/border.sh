#!/bin/bash
# lab/border.sh start|stop GATEWAY: starts border on a lab gateway (pid in $ROOT/GW/border.pid, log
# appended to border.log) or stops it with SIGTERM, which withdraws its attractions, and waits until it has exited.
set -euo pipefail
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
BORDER=${BORDER:-$ROOT/bin/border}
gw=$2
case $1 in
  start)
    start_detached "$gw" "$ROOT/$gw/border.log" "$ROOT/$gw/border.pid" "$BORDER" run --config "$(lab_config "$gw")"
    ;;
  stop)
    pid=$(cat "$ROOT/$gw/border.pid")
    kill -TERM "$pid"
    # A clean stop withdraws and ends the engines before border exits; a start right after must not meet it.
    wait_gone "$pid" 1200 || { echo "lab/border.sh: border on $gw (pid $pid) did not stop within 120 s" >&2; exit 1; }
    ;;
  *) echo "usage: lab/border.sh start|stop GATEWAY"; exit 2;;
esac
