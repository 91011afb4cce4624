#!/bin/bash
# lab/border.sh start|stop GATEWAY: starts border on a lab gateway (pid in /run/border-lab/GW/border.pid, log
# appended to border.log) or stops it with SIGTERM, which withdraws its attractions.
set -euo pipefail
LAB=${LAB:-bl}
ROOT=/run/border-lab
REPO=$(cd "$(dirname "$0")/.." && pwd)
BORDER=${BORDER:-$ROOT/bin/border}
gw=$2
case $1 in
  start)
    ip netns exec "$LAB-$gw" setsid "$BORDER" run --config "$REPO/examples/lab/$gw.json" >>"$ROOT/$gw/border.log" 2>&1 < /dev/null &
    echo $! > "$ROOT/$gw/border.pid"
    ;;
  stop)
    kill -TERM "$(cat "$ROOT/$gw/border.pid")"
    ;;
  *) echo "usage: lab/border.sh start|stop GATEWAY"; exit 2;;
esac
