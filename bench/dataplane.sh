#!/usr/bin/env bash
# Data-plane throughput with iperf3 (TCP, one stream, 5 s a run, RUNS runs of each path, interleaved).
# Usage: bench/dataplane.sh [RUNS]   (as root; default 3; LAB=bn by default)
#   NAT44, plain vs border: three namespaces of their own, client 198.51.100.10 - gateway (interfaces named
#     core and upstream, like a lab gateway) - server 203.0.113.34. Plain forwarding first, then the same
#     gateway with border's table loaded: the ruleset `nft list table inet border` prints on the lab's gw1.
#   NAT66 and NAT64 in the lab: c6 to inet, given an IPv6 address here for NAT66, through whichever
#     gateway core hashes the flow onto: NAT66 through border's nft table, NAT64 through Tayga.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
RUNS=${1:-3}

[ "$(id -u)" = 0 ] || { echo "bench/dataplane.sh: run as root (network namespaces)"; exit 1; }
command -v iperf3 >/dev/null || { echo "bench/dataplane.sh: iperf3 missing (scripts/debian-packages.sh)"; exit 1; }
[ -x "$BORDER" ] || scripts/publish.sh >/dev/null

extra_ns=(dpc dpg dps)
cleanup_on_exit bench_cleanup

bench_header
lab_up
wait_for 60 on_core "$NAT64_PREFIX" gw1 || { echo "gw1 did not announce"; exit 1; }
ruleset=$(mktemp)
cleanup_on_exit 'rm -f "$ruleset"; bench_cleanup'
ns gw1 nft list table inet border > "$ruleset"

for n in "${extra_ns[@]}"; do ip netns add "$LAB-$n"; ns "$n" ip link set lo up; done
ip link add core netns "$LAB-dpg" type veth peer name gw netns "$LAB-dpc"
ip link add upstream netns "$LAB-dpg" type veth peer name gw netns "$LAB-dps"
for n in dpc dps; do ns "$n" ip link set gw up; done
ns dpg ip link set core up; ns dpg ip link set upstream up
ns dpg sysctl -qw net.ipv4.ip_forward=1
ns dpc ip addr add 198.51.100.10/30 dev gw
ns dpg ip addr add 198.51.100.9/30 dev core
ns dpg ip addr add 203.0.113.33/30 dev upstream
ns dps ip addr add 203.0.113.34/30 dev gw
ns dpc ip route add default via 198.51.100.9
# The server routes both the client's own addresses (plain) and border's NAT44 pool (translated) back.
ns dps ip route add 198.51.100.8/30 via 203.0.113.33
ns dps ip route add 192.0.2.0/30 via 203.0.113.33

# Not through ns(): a backgrounded function is a subshell, and $! would name it rather than iperf3.
ip netns exec "$LAB-dps" iperf3 -s >/dev/null 2>&1 & pids+=($!)
ip netns exec "$LAB-inet" iperf3 -s >/dev/null 2>&1 & pids+=($!)
ns upstream ip addr add 2001:db8:d78:f09::1/64 dev inet nodad
ns inet ip addr add 2001:db8:d78:f09::10/64 dev upstream nodad
ns inet ip -6 route add default via 2001:db8:d78:f09::1
# gobgpd sends the NAT66 pools over the IPv4 session with a next hop upstream cannot use: route them here.
ns upstream ip -6 route add 2001:db8:d78::3:0:0/125 via 2001:db8:d78:f01::2
ns upstream ip -6 route add 2001:db8:d78::3:1:0/125 via 2001:db8:d78:f02::2
wait_for 10 sh -c "ip netns exec $LAB-c6 ping -c1 -W1 -n 2001:db8:d78:f09::10 >/dev/null" || { echo "c6 cannot reach inet over NAT66"; exit 1; }

rate() { # rate NS TARGET: one 5 s run, the receiver's Mbit/s
  ns "$1" iperf3 -c "$2" -t 5 -J | python3 -c 'import json, sys; print(round(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6))'
}
declare -A results
for _ in $(seq 1 "$RUNS"); do
  ns dpg nft delete table inet border 2>/dev/null || true
  results[plain]+=" $(rate dpc 203.0.113.34)"
  ns dpg nft -f "$ruleset"
  results[nat44]+=" $(rate dpc 203.0.113.34)"
  results[nat66]+=" $(rate c6 2001:db8:d78:f09::10)"
  results[nat64]+=" $(rate c6 "$SERVER6")"
done
ns dpg nft list table inet border | grep -c snat | sed 's/^/snat rules in the loaded table: /'

median() { tr ' ' '\n' <<< "$1" | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "| path | runs, Mbit/s | median | vs plain |"
echo "| --- | --- | --- | --- |"
plain=$(median "${results[plain]}")
for path in plain nat44 nat66 nat64; do
  m=$(median "${results[$path]}")
  echo "| $path | ${results[$path]# } | $m | $(awk -v a="$m" -v b="$plain" 'BEGIN { printf "%.0f%%", 100 * a / b }') |"
done
