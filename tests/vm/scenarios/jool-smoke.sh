#!/usr/bin/env bash
# VM tier smoke scenario (runs inside the guest, as root):
#  - with the real Jool module, which border loaded earlier in the boot (the scenario does not load it: it runs in
#    the group `jool-border,jool-smoke`, see lib.sh);
#  - `jool file handle` creates the lab's NAT64 instance `border` in the
#    gateway's network namespace `gw`;
#  - an IPv6-only client (namespace c6) reaches an IPv4-only server (namespace
#    inet, 203.0.113.10) through it as 2001:db8:d78:564::cb00:710a: ICMP echo,
#    TCP and UDP, and the server sees a pool4 address as the source.
# Documentation addresses only.
set -euo pipefail
# shellcheck source=tests/vm/scenarios/lib.sh
. "${BORDER_SHARE:-/share}/lib.sh"

PREFIX=2001:db8:d78:564::/96
SERVER4=203.0.113.10
SERVER6=2001:db8:d78:564::cb00:710a   # 203.0.113.10 embedded in the /96
POOL4=192.0.2.0/30
NAMESPACES=(c6 gw inet)
PIDS=()
WORK=$(mktemp -d /tmp/jool-smoke.XXXXXX)

T0=$(cut -d' ' -f1 /proc/uptime)
step() { echo "== [$(awk -v t0="$T0" '{ printf "%.2f", $1 - t0 }' /proc/uptime)s] $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

cleanup() {
    local pid ns
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    if ip netns exec gw jool instance display --csv 2>/dev/null | grep -q ',border,'; then
        ip netns exec gw jool instance remove border || true
    fi
    for ns in "${NAMESPACES[@]}"; do
        ip netns del "$ns" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# Waits (bounded: 50 x 0.1 s) until NS has a listener on PROTO PORT.
wait_listen() { # NS tcp|udp PORT
    local i flag=-ltn
    [[ $2 == udp ]] && flag=-lun
    for ((i = 0; i < 50; i++)); do
        in_ns "$1" ss -H "$flag" "sport = :$3" | grep -q . && return 0
        sleep 0.1
    done
    fail "no $2 listener on port $3 in $1"
}

step "the Jool module, loaded by border"
jool_module_loaded || fail "Jool's module is not loaded: this scenario runs after one in which border loaded it (run-scenario.sh jool-border,jool-smoke)"
grep -E '^jool(_common)? ' /proc/modules
jool --version

step "namespaces: c6 (IPv6-only client) -- gw (NAT64) -- inet (IPv4-only server)"
for ns in "${NAMESPACES[@]}"; do
    ip netns add "$ns"
    in_ns "$ns" ip link set lo up
done
ip link add c6-gw netns c6 type veth peer name gw-c6 netns gw
ip link add inet-gw netns inet type veth peer name gw-inet netns gw
in_ns c6 ip -6 addr add 2001:db8:d78:50b::10/64 dev c6-gw nodad
in_ns c6 ip link set c6-gw up
in_ns c6 ip -6 route add default via 2001:db8:d78:50b::1
in_ns gw ip -6 addr add 2001:db8:d78:50b::1/64 dev gw-c6 nodad
in_ns gw ip addr add 203.0.113.1/24 dev gw-inet
in_ns gw ip link set gw-c6 up
in_ns gw ip link set gw-inet up
in_ns gw sh -c 'echo 1 > /proc/sys/net/ipv6/conf/all/forwarding && echo 1 > /proc/sys/net/ipv4/ip_forward'
in_ns inet ip addr add "$SERVER4/24" dev inet-gw
in_ns inet ip link set inet-gw up
in_ns inet ip route add default via 203.0.113.1
# The client has no IPv4 at all, the server no IPv6 route.
[[ -z $(in_ns c6 ip -4 addr show scope global) ]] || fail "c6 has IPv4 addresses"

step "create the NAT64 instance 'border' in gw with jool file handle"
cat > "$WORK/border.json" <<EOF
{
  "instance": "border",
  "framework": "netfilter",
  "global": {
    "pool6": "$PREFIX",
    "lowest-ipv6-mtu": 1280
  },
  "pool4": [
    { "protocol": "TCP", "prefix": "$POOL4", "port range": "1024-65535" },
    { "protocol": "UDP", "prefix": "$POOL4", "port range": "1024-65535" },
    { "protocol": "ICMP", "prefix": "$POOL4" }
  ]
}
EOF
in_ns gw jool file handle "$WORK/border.json"
in_ns gw jool instance display
in_ns gw jool -i border global display | grep -E 'pool6|lowest-ipv6-mtu'
in_ns gw jool -i border global display --csv | grep -qx "pool6,$PREFIX" || fail "pool6 is not $PREFIX"
# pool4 lists one row per address, one protocol per call (TCP by default).
for proto in TCP UDP ICMP; do
    rows=$(in_ns gw jool -i border pool4 display --csv "--${proto,,}")
    echo "$rows"
    n=$(grep -cE "^0,$proto,192\.0\.2\.[0-3]," <<< "$rows" || true)
    [[ $n -eq 4 ]] || fail "pool4 has $n $proto rows for $POOL4, expected 4"
done

step "ICMP: c6 pings $SERVER6 ($SERVER4 through Jool)"
in_ns c6 ping -6 -n -c 3 -i 0.2 -W 3 "$SERVER6"

step "TCP: c6 connects to [$SERVER6]:8080"
in_ns inet socat -T 10 "TCP4-LISTEN:8080,bind=$SERVER4,reuseaddr" \
    SYSTEM:'echo "tcp-peer=$SOCAT_PEERADDR"' &
PIDS+=($!)
wait_listen inet tcp 8080
# -t: after its empty stdin ends, the client waits that long for the reply (socat's default, 0.5 s, is less than
# an emulated guest on a busy host may take to answer).
reply=$(in_ns c6 timeout 10 socat -t 5 -T 5 - "TCP6:[$SERVER6]:8080" < /dev/null)
echo "server said: $reply"
[[ $reply =~ ^tcp-peer=192\.0\.2\.[0-3]$ ]] || fail "TCP reply '$reply' does not come from pool4 $POOL4"

step "UDP: c6 sends to [$SERVER6]:5300"
in_ns inet socat -T 10 "UDP4-RECVFROM:5300,bind=$SERVER4" \
    SYSTEM:'echo "udp-peer=$SOCAT_PEERADDR"' &
PIDS+=($!)
wait_listen inet udp 5300
reply=$(echo ping | in_ns c6 timeout 10 socat -t 5 -T 5 - "UDP6:[$SERVER6]:5300")
echo "server said: $reply"
[[ $reply =~ ^udp-peer=192\.0\.2\.[0-3]$ ]] || fail "UDP reply '$reply' does not come from pool4 $POOL4"

step "Jool's state after the traffic"
in_ns gw jool -i border session display --numeric --tcp
in_ns gw jool -i border session display --numeric --udp
in_ns gw jool -i border session display --numeric --icmp
in_ns gw jool -i border stats display | head -n 20

step "remove the instance"
in_ns gw jool instance remove border
cleanup
trap - EXIT

step "PASS: jool-smoke"
