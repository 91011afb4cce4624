# Sourced by the bench scripts: the lab's names (lab/common.sh) and the helpers every measurement shares.
# LAB defaults to "bn", the benchmarks' own lab, so a bench run never disturbs the default lab or a test run.
LAB=${LAB:-bn}
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$BENCH")
. "$REPO/lab/common.sh"
BORDER=${BORDER:-$REPO/artifacts/bin/border}
NAT64_PREFIX=2001:db8:d78:564::/96
SERVER6=2001:db8:d78:564::203.0.113.10

ns() { ip netns exec "$LAB-$1" "${@:2}"; }
vty() { vtysh --vty_socket "$ROOT/$1/frr" "${@:2}"; }
now() { echo "$EPOCHREALTIME"; }

# dead PID: true once the process is gone or a zombie (PID 1 reaps orphans slowly, so kill -0 lies).
dead() { local state; state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || echo X); [ "$state" = Z ] || [ "$state" = X ]; }

# stop_pid PID: TERM, then KILL when it has not gone within 5 s.
stop_pid() {
  kill -TERM "$1" 2>/dev/null || return 0
  for _ in $(seq 1 50); do dead "$1" && return 0; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
}

# wait_for SECONDS COMMAND...: polls COMMAND every 20 ms until it succeeds; fails after SECONDS (or after
# SECONDS x 50 tries, whichever comes first).
wait_for() {
  local limit=$1; shift
  local end=$((SECONDS + limit))
  for _ in $(seq 1 $((limit * 50))); do
    "$@" && return 0
    [ "$SECONDS" -lt "$end" ] || return 1
    sleep 0.02
  done
  return 1
}

# child PID NAME: the pid of PID's child called NAME (border is the parent of the engines it supervises).
child() { ps --ppid "$1" -o pid=,comm= | awk -v name="$2" '$2 == name {print $1; exit}'; }
border_pid() { cat "$ROOT/$1/border.pid"; }

# cpu_ticks PID...: user + system clock ticks of the processes and of their children already reaped.
cpu_ticks() {
  local total=0 pid fields
  for pid in "$@"; do
    fields=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null) || continue
    total=$((total + $(echo "$fields" | awk '{print $12 + $13 + $14 + $15}')))
  done
  echo "$total"
}

# routes NS PREFIX: NS's kernel routes for PREFIX (ip shows IPv4 unless told the family).
routes() { case $2 in *:*) ip -6 -n "$LAB-$1" route show "$2";; *) ip -4 -n "$LAB-$1" route show "$2";; esac 2>/dev/null; }
# on_core PREFIX DEV: core's kernel table has PREFIX through the gateway behind DEV.
on_core() { routes core "$1" | grep -q "dev $2"; }
off_core() { ! on_core "$@"; }
# on_upstream PREFIX: upstream's kernel table has PREFIX from BGP (zebra installs bgpd's best path).
on_upstream() { routes upstream "$1" | grep -q "proto bgp"; }
off_upstream() { ! on_upstream "$@"; }

# What a bench script starts beside the lab: bench_cleanup ends these processes, removes these namespaces
# ($LAB-NAME) and takes the lab down; cleanup_on_exit runs it on every way out, signals included.
pids=()
extra_ns=()
bench_cleanup() {
  for pid in "${pids[@]}"; do stop_pid "$pid"; done
  for n in "${extra_ns[@]}"; do ip netns del "$LAB-$n" 2>/dev/null || true; done
  LAB=$LAB "$REPO/lab/down.sh" >/dev/null
}
cleanup_on_exit() { trap "$1" EXIT; trap 'exit 1' INT TERM; }

# bench_header: when, where (the load matters: other jobs may share the cores) and which commit.
bench_header() {
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) at the start (other jobs share it)"
  echo "border: $(git -C "$REPO" log -1 --format='%h %s' | cut -c1-90)"
}

# lab_up: the lab with this build, or nothing when it is up already.
lab_up() {
  if ! ip netns list | grep -q "^$LAB-core"; then
    BORDER=$BORDER LAB=$LAB "$REPO/lab/up.sh" >"$ROOT.up.log" 2>&1 || { cat "$ROOT.up.log"; return 1; }
  fi
}

# restart_border GW: stops border on GW (it withdraws on a clean stop) and starts it again with the
# config file as it is now; prints the seconds from the start to core having the NAT64 prefix through GW.
restart_border() {
  # Its guard process outlives a daemon that died and withdraws after it: it must be gone too.
  local pid guard; pid=$(border_pid "$1"); guard=$(child "$pid" border)
  stop_pid "$pid"
  [ -z "$guard" ] || wait_for 10 dead "$guard" || stop_pid "$guard"
  wait_for 10 off_core "$NAT64_PREFIX" "$1" || true
  local t0; t0=$(now)
  BORDER=$BORDER LAB=$LAB "$REPO/lab/border.sh" start "$1"
  wait_for 60 on_core "$NAT64_PREFIX" "$1" || { echo "border on $1 did not announce within 60 s" >&2; return 1; }
  echo "$t0 $(now)" | awk '{printf "%.3f\n", $2 - $1}'
}
