#!/bin/bash
# lab/daemon.sh frr NODE DAEMON | gobgpd GATEWAY: starts one of the lab's routing daemons again, as lab/up.sh did
# (a test that stopped it by its pid file brings it back this way).
set -euo pipefail
. "$(cd "$(dirname "$0")" && pwd)/common.sh"
case ${1:-} in
  frr) start_frr_daemon "$2" "$3";;
  gobgpd) start_gobgpd "$2";;
  *) echo "usage: lab/daemon.sh frr NODE DAEMON | gobgpd GATEWAY"; exit 2;;
esac
