# Sourced by the lab scripts. LAB names the lab: its namespaces are $LAB-*, its files under $ROOT. The
# default lab is "bl" in /run/border-lab; another name gives a second lab beside it (/run/border-lab-NAME),
# so that test runs and benchmarks need not wait for each other.
LAB=${LAB:-bl}
if [ "$LAB" = bl ]; then ROOT=/run/border-lab; else ROOT=/run/border-lab-$LAB; fi
# The gateway's config: the example with the lab's root in its paths.
lab_config() { echo "$ROOT/$1/border.json"; }
# ospf_if NAME: FRR's settings for an OSPF interface of the lab: fast hellos, point-to-point, area 0.
# A retransmit interval of 1 s: a neighbour drops an LSA that arrives within 1 s of the one before (RFC 2328's
# MinLSArrival), and a withdrawal right after an announcement would otherwise wait the default 5 s to be resent.
ospf_if() { printf 'interface %s\n ip ospf hello-interval 1\n ip ospf dead-interval 3\n ip ospf retransmit-interval 1\n ip ospf network point-to-point\n ipv6 ospf6 hello-interval 1\n ipv6 ospf6 dead-interval 3\n ipv6 ospf6 retransmit-interval 1\n ipv6 ospf6 network point-to-point\n ipv6 ospf6 area 0\n' "$1"; }
# running PID: whether the process is there and not a zombie (kill -0 counts zombies, and PID 1 reaps slowly).
running() { case $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || echo X) in Z|X) return 1;; esac; }
# wait_gone PID TENTHS: waits up to TENTHS tenths of a second for the process to end; fails when it has not.
wait_gone() { for _ in $(seq 1 "$2"); do running "$1" || return 0; sleep 0.1; done; return 1; }

# Every process the lab starts has a pid file holding the pid of the program itself, checked here once it runs:
# lab/down.sh ends each by its pid file, and whatever it still finds in the lab's namespaces is a bug.
# runs_as PIDFILE PROGRAM: waits up to 5 s until the pid in PIDFILE runs PROGRAM (/proc/PID/comm, at most 15
# characters); fails naming what runs there instead.
runs_as() {
  local want pid=
  want=$(basename "$2"); want=${want:0:15}
  for _ in $(seq 1 50); do
    pid=$(cat "$1" 2>/dev/null || true)
    if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$want" ]; then return 0; fi
    sleep 0.1
  done
  echo "lab: $1 names pid ${pid:-(none)}, which runs $(cat "/proc/$pid/comm" 2>/dev/null || echo nothing), not $want" >&2
  return 1
}
# start_detached NODE LOG PIDFILE PROGRAM ARGS...: PROGRAM in the node's namespace, in a session of its own (no
# terminal's signals reach it), its output appended to LOG. A simple command in the background: the shell's child
# execs ip netns exec, which execs setsid, which execs PROGRAM (setsid forks only a process group leader, and a
# script's background job is none), so $! is PROGRAM's own pid. Never through a shell function: $! would be the
# subshell running it, and the program would outlive a kill of that pid.
start_detached() {
  local node=$1 log=$2 pidfile=$3
  shift 3
  ip netns exec "$LAB-$node" setsid "$@" >>"$log" 2>&1 < /dev/null &
  echo $! > "$pidfile"
  runs_as "$pidfile" "$1" || { echo "lab: $1 in $LAB-$node did not start as recorded; its log is $log" >&2; return 1; }
}

# The lab's daemons are started only here, by lab/up.sh and by lab/daemon.sh (a test restarting one).
# start_frr_daemon NODE DAEMON: one FRR daemon with the node's config and its own pathspace; it daemonizes itself
# and writes its pid file.
start_frr_daemon() {
  local dir=$ROOT/$1/frr
  ip netns exec "$LAB-$1" "/usr/lib/frr/$2" -d -N "$LAB-$1" -f "$ROOT/$1/frr.conf" -i "$dir/$2.pid" --vty_socket "$dir" -z "$dir/zserv.api"
  runs_as "$dir/$2.pid" "$2"
}
# start_gobgpd GATEWAY: gobgpd detached, its log appended, its pid recorded.
start_gobgpd() {
  start_detached "$1" "$ROOT/$1/gobgpd.log" "$ROOT/$1/gobgpd.pid" \
    gobgpd -f "$ROOT/$1/gobgpd.toml" --api-hosts 127.0.0.1:50051 --pprof-disable -p
}
