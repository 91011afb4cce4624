#!/usr/bin/env bash
# How fast border's own speakers move an attraction at the neighbour: FRR OSPF (ospfd, ospf6d) to a core router's
# kernel table, GoBGP to an upstream's (its bgpd installs what it learns). Builds core -- gw -- upstream in network
# namespaces named sw<pid>-*, runs bench/SpeakerBench (FrrOspfSpeaker and GobgpSpeaker, as `border run` uses them)
# for TRIALS withdraw/announce rounds per attraction, prints a markdown table, and removes everything it made.
# Usage: bench/speaker-withdraw.sh [TRIALS]   (as root; default 20; about 3 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
. lab/common.sh
TRIALS=${1:-20}
P=sw$$
RUN=$(mktemp -d /tmp/speaker-withdraw.XXXXXX)
chmod 755 "$RUN"
[ "$(id -u)" = 0 ] || { echo "speaker-withdraw.sh: run as root (network namespaces)" >&2; exit 1; }

cleanup() {
  for pidfile in "$RUN"/*/*.pid "$RUN"/gobgpd.pid; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  for n in core gw up; do ip netns del "$P-$n" 2>/dev/null || true; done
  rm -rf "$RUN"
}
trap cleanup EXIT

dotnet build bench/SpeakerBench/SpeakerBench.csproj -c Release -o "$RUN/bench" >"$RUN/build.log" 2>&1 \
  || { cat "$RUN/build.log" >&2; exit 1; }

ns() { ip netns exec "$P-$1" "${@:2}"; }
for n in core gw up; do
  ip netns add "$P-$n"
  ns "$n" ip link set lo up
  ns "$n" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
done
ip link add c-gw netns "$P-core" type veth peer name g-core netns "$P-gw"
ip link add g-up netns "$P-gw" type veth peer name u-gw netns "$P-up"
for end in core:c-gw gw:g-core gw:g-up up:u-gw; do ns "${end%%:*}" ip link set "${end#*:}" up; done
ns core ip addr add 198.51.100.97/30 dev c-gw
ns gw ip addr add 198.51.100.98/30 dev g-core
ns core ip addr add 2001:db8:d78:5f0::1/64 dev c-gw nodad
ns gw ip addr add 2001:db8:d78:5f0::2/64 dev g-core nodad
ns gw ip addr add 203.0.113.2/30 dev g-up
ns up ip addr add 203.0.113.1/30 dev u-gw
ns gw ip addr add 2001:db8:d78:f01::2/64 dev g-up nodad
ns up ip addr add 2001:db8:d78:f01::1/64 dev u-gw nodad
# The gateway's services, as the lab has them: anycast addresses on a local interface, Tayga's route to the /96.
ns gw ip addr add 198.51.100.53/32 dev lo
ns gw ip addr add 2001:db8:d78:500::1:0/128 dev lo
ns gw ip -6 route add 2001:db8:d78:564::/96 dev lo

ospf_router() { printf 'router ospf\n ospf router-id %s\n network 198.51.100.96/30 area 0\nrouter ospf6\n ospf6 router-id %s\n' "$1" "$1"; }
frr() { # frr NS CONFIG DAEMONS...
  local dir=$RUN/$1
  mkdir -p "$dir"; chown frr:frr "$dir"
  printf 'frr defaults traditional\n%s\n' "$2" > "$RUN/$1.conf"
  for daemon in "${@:3}"; do
    ns "$1" "/usr/lib/frr/$daemon" -d -N "$P-$1" -f "$RUN/$1.conf" -i "$dir/$daemon.pid" --vty_socket "$dir" -z "$dir/zserv.api" 2>/dev/null
  done
}
frr core "$(ospf_if c-gw)
$(ospf_router 198.51.100.97)" zebra ospfd ospf6d
frr gw "$(ospf_if g-core)
$(ospf_router 198.51.100.98)" zebra staticd ospfd ospf6d
frr up "router bgp 64500
 bgp router-id 203.0.113.1
 no bgp ebgp-requires-policy
 neighbor 203.0.113.2 remote-as 64513
 neighbor 203.0.113.2 timers connect 1
 address-family ipv6 unicast
  neighbor 203.0.113.2 activate
 exit-address-family" zebra bgpd

cat > "$RUN/gobgpd.toml" <<'TOML'
[global.config]
as = 64513
router-id = "203.0.113.2"
port = -1
[[neighbors]]
config = { neighbor-address = "203.0.113.1", peer-as = 64500 }
transport = { config = { local-address = "203.0.113.2" } }
timers = { config = { connect-retry = 1 } }
afi-safis = [ { config = { afi-safi-name = "ipv4-unicast" } }, { config = { afi-safi-name = "ipv6-unicast" } } ]
TOML
ip netns exec "$P-gw" gobgpd -f "$RUN/gobgpd.toml" --api-hosts "unix://$RUN/gobgpd.sock" --pprof-disable -p >"$RUN/gobgpd.log" 2>&1 &
echo $! > "$RUN/gobgpd.pid"

wait_for() { # wait_for WHAT COMMAND...: up to 30 s
  for _ in $(seq 1 60); do "${@:2}" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "speaker-withdraw.sh: timed out waiting for $1" >&2; exit 1
}
wait_for "OSPF adjacency" sh -c "vtysh --vty_socket $RUN/core -c 'show ip ospf neighbor' | grep -q Full"
wait_for "OSPFv3 adjacency" sh -c "vtysh --vty_socket $RUN/core -c 'show ipv6 ospf6 neighbor' | grep -q Full"
wait_for "BGP session" sh -c "vtysh --vty_socket $RUN/up -c 'show bgp neighbors 203.0.113.2 json' | grep -q Established"

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); FRR $(dpkg-query -W -f '${Version}' frr), gobgpd $(gobgpd --version 2>&1 | awk '{print $NF}'); $TRIALS trials"
"$RUN/bench/SpeakerBench" "$RUN/gw" "unix://$RUN/gobgpd.sock" "$P-core" "$P-up" "$TRIALS"
