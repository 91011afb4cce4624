#!/usr/bin/env bash
# VM tier scenario (runs inside the guest, as root): the guest can run what
# later scenarios need next to Jool, per network namespace:
#  - FRR (zebra + ospf6d) in gw and in core: the adjacency comes up and core
#    learns the NAT64 prefix that gw originates;
#  - Unbound in inet as the test zone's server (A records only) and in gw as
#    the DNS64 resolver: core's resolver query for srv.test. AAAA comes back
#    synthesized inside the NAT64 prefix;
#  - Jool in gw: core reaches the IPv4-only server by that synthesized address.
# Jool's module must be loaded already: the scenario does not load it (border does, on a gateway); run it in a group
# after jool-border (run-scenario.sh jool-border,daemons-smoke). Documentation addresses only.
set -euo pipefail
# shellcheck source=tests/vm/scenarios/lib.sh
. "${BORDER_SHARE:-/share}/lib.sh"

PREFIX=2001:db8:d78:564::/96
SERVER4=203.0.113.10
NAMESPACES=(core gw inet)
WORK=$(mktemp -d /tmp/daemons-smoke.XXXXXX)
chmod 0755 "$WORK"   # the daemons run as users frr and unbound
PIDFILES=()

T0=$(cut -d' ' -f1 /proc/uptime)
step() { echo "== [$(awk -v t0="$T0" '{ printf "%.2f", $1 - t0 }' /proc/uptime)s] $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

cleanup() {
    local f pid
    for f in "${PIDFILES[@]}"; do
        [[ -s $f ]] || continue
        pid=$(cat "$f")
        [[ $pid =~ ^[0-9]+$ ]] && kill "$pid" 2>/dev/null || true
    done
    if jool instance display --csv 2>/dev/null | grep -q ',border,'; then
        in_ns gw jool instance remove border 2>/dev/null || true
    fi
    for ns in "${NAMESPACES[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

# retry SECONDS DESCRIPTION CMD...: runs CMD every 0.25 s until it succeeds.
retry() {
    local secs=$1 what=$2 i; shift 2
    for ((i = 0; i < secs * 4; i++)); do
        "$@" > /dev/null 2>&1 && return 0
        sleep 0.25
    done
    fail "$what (not within $secs s)"
}

jool_module_loaded || fail "Jool's module is not loaded: run this scenario after one in which border loaded it (run-scenario.sh jool-border,daemons-smoke)"

step "namespaces: core (IPv6-only site router) -- gw (NAT64, DNS64) -- inet (IPv4-only server)"
for ns in "${NAMESPACES[@]}"; do ip netns add "$ns"; in_ns "$ns" ip link set lo up; done
ip link add core-gw netns core type veth peer name gw-core netns gw
ip link add inet-gw netns inet type veth peer name gw-inet netns gw
in_ns core ip -6 addr add 2001:db8:d78:50b::10/64 dev core-gw nodad
in_ns core ip link set core-gw up
in_ns gw ip -6 addr add 2001:db8:d78:50b::1/64 dev gw-core nodad
in_ns gw ip -6 addr add 2001:db8:d78:500::1:0/128 dev lo
in_ns gw ip addr add 203.0.113.1/24 dev gw-inet
in_ns gw ip link set gw-core up
in_ns gw ip link set gw-inet up
in_ns gw sh -c 'echo 1 > /proc/sys/net/ipv6/conf/all/forwarding && echo 1 > /proc/sys/net/ipv4/ip_forward'
in_ns inet ip addr add "$SERVER4/24" dev inet-gw
in_ns inet ip link set inet-gw up
in_ns inet ip route add default via 203.0.113.1
# What gw attracts: the NAT64 prefix (Jool takes the packets before routing).
in_ns gw ip -6 route add blackhole "$PREFIX"

step "FRR: zebra and ospf6d in gw and core"
chown frr:frr /run/frr
frr_start() { # NS ROUTER_ID IFACE REDISTRIBUTE(yes|no)
    local ns=$1 rid=$2 ifc=$3 d=$WORK/frr-$1 daemon
    mkdir -p "$d"
    : > "$d/zebra.conf"
    {
        echo "interface $ifc"
        echo " ipv6 ospf6 area 0"
        echo " ipv6 ospf6 hello-interval 1"
        echo " ipv6 ospf6 dead-interval 3"
        echo " ipv6 ospf6 network point-to-point"
        echo "router ospf6"
        echo " ospf6 router-id $rid"
        if [[ $4 == yes ]]; then
            # The NAT64 prefix (a kernel route) and the resolver's anycast
            # address (on lo), as external type 1 metric 200.
            echo " redistribute kernel metric-type 1 metric 200"
            echo " redistribute connected metric-type 1 metric 200"
        fi
        echo "exit"
    } > "$d/ospf6d.conf"
    chown -R frr:frr "$d"
    for daemon in zebra ospf6d; do
        in_ns "$ns" "/usr/lib/frr/$daemon" -d -N "$ns" -f "$d/$daemon.conf" -i "$d/$daemon.pid" \
            --vty_socket "$d" -z "$d/zserv.api"
        PIDFILES+=("$d/$daemon.pid")
        if [[ $daemon == zebra ]]; then
            retry 10 "zebra in $ns did not open its API socket" test -S "$d/zserv.api"
        fi
    done
}
frr_start gw 198.51.100.1 gw-core yes
frr_start core 198.51.100.2 core-gw no
retry 30 "OSPFv3 adjacency gw-core" sh -c "vtysh --vty_socket '$WORK/frr-core' -c 'show ipv6 ospf6 neighbor' | grep -q Full"
retry 30 "core did not learn $PREFIX from gw" sh -c "ip netns exec core ip -6 route show '$PREFIX' | grep -q 'proto ospf'"
retry 30 "core did not learn the resolver's anycast address from gw" \
    sh -c "ip netns exec core ip -6 route show 2001:db8:d78:500::1:0 | grep -q 'proto ospf'"
in_ns core ip -6 route show proto ospf
vtysh --vty_socket "$WORK/frr-core" -c 'show ipv6 route ospf6'
# core's only way to the Internet side is the attracted prefix.

step "Unbound: test zone server in inet, DNS64 resolver in gw"
write_unbound_test_zone "$WORK" "$SERVER4" 2001:db8:d78:500::1:0 "$PREFIX"
unbound-checkconf "$WORK/auth.conf"
unbound-checkconf "$WORK/dns64.conf"
in_ns inet unbound -c "$WORK/auth.conf"
PIDFILES+=("$WORK/auth.pid")
in_ns gw unbound -c "$WORK/dns64.conf"
PIDFILES+=("$WORK/dns64.pid")
retry 15 "the test zone server does not answer" \
    sh -c "ip netns exec gw dig +time=1 +tries=1 +short @$SERVER4 srv.test. A | grep -qx $SERVER4"
in_ns gw dig +short @"$SERVER4" srv.test. A
retry 15 "the DNS64 resolver does not synthesize" \
    sh -c "ip netns exec core dig +time=1 +tries=1 +short @2001:db8:d78:500::1:0 srv.test. AAAA | grep -q '^2001:db8:d78:564::'"
aaaa=$(in_ns core dig +short @2001:db8:d78:500::1:0 srv.test. AAAA)
echo "srv.test. AAAA $aaaa"
[[ $aaaa == 2001:db8:d78:564::cb00:710a ]] || fail "synthesized AAAA is '$aaaa'"

step "Jool in gw; core reaches the server by the synthesized address"
cat > "$WORK/jool.json" <<EOF
{
  "instance": "border",
  "framework": "netfilter",
  "global": { "pool6": "$PREFIX", "lowest-ipv6-mtu": 1280 },
  "pool4": [
    { "protocol": "TCP", "prefix": "192.0.2.0/30", "port range": "1024-65535" },
    { "protocol": "UDP", "prefix": "192.0.2.0/30", "port range": "1024-65535" },
    { "protocol": "ICMP", "prefix": "192.0.2.0/30" }
  ]
}
EOF
in_ns gw jool file handle "$WORK/jool.json"
in_ns core ping -6 -n -c 2 -i 0.2 -W 3 "$aaaa"

step "stop everything"
cleanup
trap - EXIT
step "PASS: daemons-smoke"
