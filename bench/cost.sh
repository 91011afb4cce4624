#!/usr/bin/env bash
# What border costs on a lab gateway: resident memory and CPU while idle, the `border status` round trip,
# and the time from `border run` to its first announcement at core.
# Usage: bench/cost.sh [IDLE_SECONDS] [STARTS]   (as root; defaults 300 and 5; LAB=bn by default)
# Idle: gw1 healthy, nothing changing, one probe a second of /proc/PID/status (VmRSS) and /proc/PID/stat
# (utime + stime). Start: border on gw1 stopped (it withdraws) and started STARTS times; each time from
# the start to core's kernel table having the NAT64 prefix through gw1 (it must pass its checks' rise first).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
IDLE=${1:-300}
STARTS=${2:-5}

[ "$(id -u)" = 0 ] || { echo "bench/cost.sh: run as root (network namespaces)"; exit 1; }
command -v hyperfine >/dev/null || { echo "bench/cost.sh: hyperfine missing (scripts/debian-packages.sh)"; exit 1; }
[ -x "$BORDER" ] || scripts/publish.sh >/dev/null
cleanup_on_exit bench_cleanup

bench_header
lab_up
wait_for 60 on_core "$NAT64_PREFIX" gw1 || { echo "gw1 did not announce"; exit 1; }
sleep 5

pid=$(border_pid gw1)
hz=$(getconf CLK_TCK)
rss=()
own_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
ticks0=$(cpu_ticks "$pid"); own0=$(own_ticks "$pid"); t0=$(now)
for _ in $(seq 1 "$IDLE"); do
  rss+=("$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")")
  sleep 1
done
ticks1=$(cpu_ticks "$pid"); own1=$(own_ticks "$pid"); t1=$(now)
printf '%s\n' "${rss[@]}" | sort -n | awk -v n="${#rss[@]}" '
  { v[NR] = $1 } END { printf "idle RSS over %d probes: min %.1f MiB, median %.1f MiB, max %.1f MiB\n", n, v[1] / 1024, v[int((n + 1) / 2)] / 1024, v[n] / 1024 }'
echo "$ticks0 $ticks1 $t0 $t1 $hz $own0 $own1" | awk '{ s = $4 - $3; printf "idle CPU: %.2f%% of one core in %.0f s: border itself %.2f%%, the programs its checks run (nft, ping, vtysh, reaped) %.2f%%\n", 100 * ($2 - $1) / $5 / s, s, 100 * ($7 - $6) / $5 / s, 100 * ($2 - $1 - $7 + $6) / $5 / s }'

table=$(mktemp)
cleanup_on_exit 'rm -f "$table"; bench_cleanup'
hyperfine --warmup 5 --runs 100 -N --style none --export-json "$table" \
  "ip netns exec $LAB-gw1 $BORDER status --socket $ROOT/gw1/control.sock" >/dev/null
python3 - "$table" <<'PY'
import json, statistics, sys
times = sorted(t * 1000 for t in json.load(open(sys.argv[1]))["results"][0]["times"])
p95 = times[round(0.95 * len(times)) - 1]
print(f"border status round trip, {len(times)} runs (hyperfine, with ip netns exec): "
      f"p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, min {times[0]:.1f} ms, max {times[-1]:.1f} ms")
PY

starts=()
for _ in $(seq 1 "$STARTS"); do starts+=("$(restart_border gw1)"); done
printf '%s\n' "${starts[@]}" | sort -n | awk '{ v[NR] = $1 } END { printf "border run to the NAT64 prefix at core, %d starts: min %.2f s, median %.2f s, max %.2f s\n", NR, v[1], v[int((NR + 1) / 2)], v[NR] }'
