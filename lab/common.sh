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

# The lab's daemons are started only here, by lab/up.sh and by lab/daemon.sh (a test restarting one).
# start_frr_daemon NODE DAEMON: one FRR daemon with the node's config and its own pathspace; it daemonizes itself.
start_frr_daemon() {
  local dir=$ROOT/$1/frr
  ip netns exec "$LAB-$1" "/usr/lib/frr/$2" -d -N "$LAB-$1" -f "$ROOT/$1/frr.conf" -i "$dir/$2.pid" --vty_socket "$dir" -z "$dir/zserv.api"
}
# start_gobgpd GATEWAY: gobgpd detached, its log appended, its pid recorded.
start_gobgpd() {
  ip netns exec "$LAB-$1" setsid gobgpd -f "$ROOT/$1/gobgpd.toml" --api-hosts 127.0.0.1:50051 --pprof-disable -p \
    >>"$ROOT/$1/gobgpd.log" 2>&1 < /dev/null &
  echo $! > "$ROOT/$1/gobgpd.pid"
}
