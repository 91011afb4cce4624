#!/bin/bash
# Brings up the lab of DESIGN.md in network namespaces and runs border on gw1 and gw2.
#   core      FRR OSPF/OSPFv3 to both gateways; the IPv6-only client LAN 2001:db8:d78:50b::/64 towards c6
#   gw1, gw2  FRR zebra/staticd/ospfd/ospf6d (OSPF speaker), gobgpd (eBGP speaker, AS 64513), tayga, nftables, border
#   upstream  FRR bgpd, AS 64500: eBGP to both gateways, sends each a default; routes to inet
#   c6        IPv6-only client, its resolver the anycast DNS64 address; also the CLAT (tayga, stateless) for c4
#   c4        IPv4-only device 192.0.2.130 behind the CLAT in c6 (464XLAT: CLAT in c6, NAT64 on the gateways)
#   inet      IPv4-only server 203.0.113.10 (a TCP server on port 80 that tells each client the address it
#             saw) and the authoritative server of the test zone example. (A records only; unbound)
# Documentation addresses only. Everything lives in namespaces named $LAB-* and under $ROOT (lab/common.sh);
# lab/down.sh removes it all.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
REPO=$(dirname "$HERE")
BORDER=${BORDER:-$( [ -x /usr/local/bin/border ] && echo /usr/local/bin/border || echo "$ROOT/bin/border" )}

[ "$(id -u)" = 0 ] || { echo "lab/up.sh: run as root (network namespaces)"; exit 1; }
for tool in ip nft /usr/lib/frr/zebra /usr/lib/frr/ospfd /usr/lib/frr/ospf6d /usr/lib/frr/bgpd vtysh gobgpd tayga unbound unbound-control ncat; do
  command -v "$tool" >/dev/null || { echo "lab/up.sh: $tool is missing; ./install.sh installs the lab's packages"; exit 1; }
done
if ip netns list | grep -q "^$LAB-"; then echo "lab/up.sh: a lab is already up (namespaces $LAB-*); lab/down.sh first"; exit 1; fi

mkdir -p "$ROOT"
if [ ! -x "$BORDER" ]; then
  echo "building border into $ROOT/bin"
  dotnet publish "$REPO/Border.App/Border.App.csproj" -c Release -o "$ROOT/bin" >/dev/null
fi

ns() { ip netns exec "$LAB-$1" "${@:2}"; }
link() { # link A IFA B IFB
  ip link add "$2" netns "$LAB-$1" type veth peer name "$4" netns "$LAB-$3"
  ns "$1" ip link set "$2" up; ns "$3" ip link set "$4" up
}
addr() { ns "$1" ip addr add "$3" dev "$2" nodad 2>/dev/null || ns "$1" ip addr add "$3" dev "$2"; }

for n in core upstream gw1 gw2 c6 c4 inet; do
  ip netns add "$LAB-$n"
  ns "$n" ip link set lo up
  ns "$n" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
done

link core c6 c6 core
addr core c6 2001:db8:d78:50b::1/64
addr c6 core 2001:db8:d78:50b::10/64
ns c6 ip -6 route add default via 2001:db8:d78:50b::1

i=0
for gw in gw1 gw2; do
  i=$((i + 1))
  link core "$gw" "$gw" core
  addr core "$gw" "198.51.100.$((93 + 4 * i))/30"      # .97 (gw1 .98), .101 (gw2 .102)
  addr "$gw" core "198.51.100.$((94 + 4 * i))/30"
  addr core "$gw" "2001:db8:d78:5f$i::1/64"
  addr "$gw" core "2001:db8:d78:5f$i::2/64"
  link upstream "$gw" "$gw" upstream
  addr upstream "$gw" "203.0.113.$((4 * i - 3))/30"     # .1 (gw1 .2), .5 (gw2 .6)
  addr "$gw" upstream "203.0.113.$((4 * i - 2))/30"
  addr upstream "$gw" "2001:db8:d78:f0$i::1/64"
  addr "$gw" upstream "2001:db8:d78:f0$i::2/64"
  # The gateway's own way out; gobgpd does not install what it learns.
  ns "$gw" ip route add default via "203.0.113.$((4 * i - 3))"
  ns "$gw" ip -6 route add default via "2001:db8:d78:f0$i::1"
done

link upstream inet inet upstream
addr upstream inet 203.0.113.9/29
addr inet upstream 203.0.113.10/29
ns inet ip route add default via 203.0.113.9

# inet: the test zone's authoritative server (A records only: the gateways' DNS64 synthesizes the AAAA) and the
# IPv4-only server's TCP port 80, which answers with the address the connection came from.
mkdir -p "$ROOT/inet"
cat > "$ROOT/inet/zone.conf" <<CONF
server:
	directory: "$ROOT/inet"
	chroot: ""
	username: ""
	pidfile: ""
	use-syslog: no
	logfile: ""
	do-daemonize: no
	interface: 203.0.113.10
	access-control: 203.0.113.0/24 allow
	local-zone: "example." static
	local-data: "example. 300 IN SOA ns.example. hostmaster.example. 1 3600 600 86400 300"
	local-data: "server.example. 300 IN A 203.0.113.10"
CONF
start_detached inet "$ROOT/inet/unbound.log" "$ROOT/inet/unbound.pid" unbound -d -p -c "$ROOT/inet/zone.conf"
start_detached inet "$ROOT/inet/ncat.log" "$ROOT/inet/ncat.pid" ncat --listen --keep-open 203.0.113.10 80 --exec /usr/bin/env

# c6 asks the anycast resolver; ip netns exec bind-mounts this file over /etc/resolv.conf.
mkdir -p "/etc/netns/$LAB-c6"
printf 'nameserver 2001:db8:d78:500::1:0\n' > "/etc/netns/$LAB-c6/resolv.conf"

# c4: an IPv4-only device behind a CLAT in c6. Tayga there is stateless: it maps c4's address to one IPv6
# address of the client LAN (c6 answers neighbour solicitations for it) and every other IPv4 address into the
# NAT64 prefix, so c4's packets reach the gateways' NAT64 as IPv6 (464XLAT).
link c6 c4 c4 c6
addr c6 c4 192.0.2.129/29
addr c4 c6 192.0.2.130/29
ns c4 ip route add default via 192.0.2.129
mkdir -p "$ROOT/c6/clat"
cat > "$ROOT/c6/clat.conf" <<CONF
tun-device clat
ipv4-addr 192.0.2.137
prefix 2001:db8:d78:564::/96
map 192.0.2.130 2001:db8:d78:50b::464
data-dir $ROOT/c6/clat
CONF
ns c6 tayga --mktun --config "$ROOT/c6/clat.conf" >/dev/null
ns c6 ip link set clat up
ns c6 ip route add default dev clat
ns c6 ip -6 route add 2001:db8:d78:50b::464/128 dev clat
ns c6 sysctl -qw net.ipv6.conf.core.proxy_ndp=1
ns c6 ip -6 neigh add proxy 2001:db8:d78:50b::464 dev core
start_detached c6 "$ROOT/c6/clat.log" "$ROOT/c6/clat.pid" tayga --nodetach --config "$ROOT/c6/clat.conf"

frr() { # frr NS CONFIG DAEMONS...
  local dir=$ROOT/$1/frr
  mkdir -p "$dir"; chown frr:frr "$dir"
  printf '%s\n' "$2" > "$ROOT/$1/frr.conf"
  for daemon in "${@:3}"; do start_frr_daemon "$1" "$daemon"; done
}

frr core "frr defaults traditional
hostname core
$(ospf_if gw1)
$(ospf_if gw2)
router ospf
 ospf router-id 198.51.100.97
 network 198.51.100.96/29 area 0
 timers throttle spf 0 50 500
router ospf6
 ospf6 router-id 198.51.100.97
 timers throttle spf 0 50 500
 redistribute connected" zebra ospfd ospf6d

i=0
for gw in gw1 gw2; do
  i=$((i + 1))
  frr "$gw" "frr defaults traditional
hostname $gw
$(ospf_if core)
router ospf
 ospf router-id 198.51.100.$((94 + 4 * i))
 network 198.51.100.$((92 + 4 * i))/30 area 0
router ospf6
 ospf6 router-id 198.51.100.$((94 + 4 * i))" zebra staticd ospfd ospf6d
  mkdir -p "$ROOT/$gw/state"
  sed "s|/run/border-lab/|$ROOT/|g" "$REPO/examples/lab/$gw.json" > "$(lab_config "$gw")"
  cat > "$ROOT/$gw/gobgpd.toml" <<TOML
[global.config]
  as = 64513
  router-id = "203.0.113.$((4 * i - 2))"
  port = -1
[[neighbors]]
  [neighbors.config]
    neighbor-address = "203.0.113.$((4 * i - 3))"
    peer-as = 64500
  [neighbors.transport.config]
    local-address = "203.0.113.$((4 * i - 2))"
  [neighbors.timers.config]
    connect-retry = 1
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv6-unicast"
TOML
  start_gobgpd "$gw"
done

frr upstream "frr defaults traditional
hostname upstream
router bgp 64500
 bgp router-id 203.0.113.1
 no bgp ebgp-requires-policy
 neighbor 203.0.113.2 remote-as 64513
 neighbor 203.0.113.2 advertisement-interval 0
 neighbor 203.0.113.2 timers connect 1
 neighbor 203.0.113.6 remote-as 64513
 neighbor 203.0.113.6 advertisement-interval 0
 neighbor 203.0.113.6 timers connect 1
 address-family ipv4 unicast
  neighbor 203.0.113.2 default-originate
  neighbor 203.0.113.6 default-originate
 exit-address-family
 address-family ipv6 unicast
  neighbor 203.0.113.2 activate
  neighbor 203.0.113.6 activate
 exit-address-family" zebra bgpd

for gw in gw1 gw2; do BORDER=$BORDER LAB=$LAB "$HERE/border.sh" start "$gw"; done

echo "waiting for both gateways' checks to pass and their announcements to reach core (up to 60 s)"
for _ in $(seq 1 60); do
  nat64=$(ns core ip -6 route show 2001:db8:d78:564::/96 2>/dev/null | grep -c via || true)
  resolver=$(ns core ip -6 route show 2001:db8:d78:500::1:0/128 2>/dev/null | grep -c via || true)
  [ "$nat64" -ge 2 ] && [ "$resolver" -ge 2 ] && break
  sleep 1
done

for gw in gw1 gw2; do
  echo "=== border status on $gw"
  ns "$gw" "$BORDER" status --socket "$ROOT/$gw/control.sock" || true
done
cat <<TXT
=== core's routes to the NAT64 prefix and the anycast resolver (one path per healthy gateway)
$(ns core ip -6 route show 2001:db8:d78:564::/96)
$(ns core ip -6 route show 2001:db8:d78:500::1:0/128)
$(ns core ip -4 route show 198.51.100.53/32)

Try next:
  ip netns exec $LAB-c6 ping -c3 2001:db8:d78:564::203.0.113.10         # IPv6-only client to the IPv4 server through NAT64
  ip netns exec $LAB-c6 dig +short AAAA server.example                  # DNS64 at the anycast resolver: a synthesized AAAA
  ip netns exec $LAB-c6 ping -6 -c3 server.example                       # the IPv4-only server by name: DNS64 + NAT64
  ip netns exec $LAB-c6 ncat -6 --recv-only server.example 80 | grep ADDR  # TCP; the server saw a gateway's pool address
  ip netns exec $LAB-c4 ping -c3 203.0.113.10                            # IPv4-only device by literal: CLAT in c6 + NAT64 (464XLAT)
  kill -9 \$(ps --ppid \$(cat $ROOT/gw1/border.pid) -o pid=,comm= | awk '\$2=="tayga"{print \$1}')   # gw1's tayga; watch core's /96 lose gw1
  kill -STOP \$(ps --ppid \$(cat $ROOT/gw1/border.pid) -o pid=,comm= | awk '\$2=="unbound"{print \$1}')  # gw1's resolver hangs: core keeps only gw2's anycast /128 (kill -CONT to end it)
  ip netns exec $LAB-gw1 $BORDER drain --service nat64 --reason test --socket $ROOT/gw1/control.sock
  ip netns exec $LAB-gw1 $BORDER undrain --service nat64 --socket $ROOT/gw1/control.sock
  less $ROOT/gw1/border.log                                              # one line per decision with its cause
  LAB=$LAB lab/down.sh                                                   # removes everything
TXT
