#!/usr/bin/env bash
# Failover, recovery and flap of border in the lab, side by side with ExaBGP's healthcheck.
# Usage: bench/failover.sh [TRIALS]   (as root; TRIALS per fault, default 20; LAB=bn by default; FAULTS to pick some)
#
# Every fault hits gw1; gw2 carries the client flow meanwhile. Per trial: wait until gw1 is healthy and
# its attraction is on core, inject the fault, wait until core's kernel table lost it, clear the fault,
# wait until it is back. The times come from `ip -ts monitor route` running in core's and upstream's
# namespaces (the kernel's own notifications, microsecond stamps), the client outage from c6 pinging the
# IPv4 server through NAT64 every 10 ms with a flow label that core hashes onto gw1. bench/analyse.py
# turns the records into the table.
#
# gw1 runs with two changes to the lab's example: NAT64 gets a pool of its own (192.0.2.64/30), so that
# killing Tayga withdraws a BGP path upstream as it withdraws ExaBGP's; and flap damping forgets a flap
# after 3 s up (max_hold_down 3s, hold_down 1s) so that trials spaced 3.5 s apart get no hold-down.
# The flap phase then restarts gw1 with the lab's example as it is (damping at its defaults).
#
# ExaBGP (Debian's exabgp, its healthcheck program) runs three times in namespaces of its own, each
# peering with upstream's FRR and guarding gw1's Tayga with the same check: the Tayga process the trial
# started with is alive. It withdraws 192.0.2.72/30 with its defaults, .76/30 checking every second, and
# .80/30 checking ten times a second (rise and fall 1). --withdraw-on-down is needed with all three:
# by default the healthcheck keeps announcing a down service with a worse MED instead of withdrawing.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
TRIALS=${1:-20}
SPACING=3.5

[ "$(id -u)" = 0 ] || { echo "bench/failover.sh: run as root (network namespaces)"; exit 1; }
for tool in exabgp python3 ip; do command -v "$tool" >/dev/null || { echo "bench/failover.sh: $tool missing (scripts/debian-packages.sh)"; exit 1; }; done
[ -x "$BORDER" ] || scripts/publish.sh >/dev/null

RUN=$ROOT.failover
rm -rf "$RUN"; mkdir -p "$RUN"
exa=(defaults:1:72 every-1s:2:76 every-0.1s:3:80)
extra_ns=(exa1 exa2 exa3)
cleanup_on_exit bench_cleanup

bench_header
lab_up
config=$(lab_config gw1)
cp "$config" "$RUN/gw1.example.json"
sed -i -e 's|"prefix": "2001:db8:d78:564::/96",|&\n    "pool4": "192.0.2.64/30",|' \
  -e 's|"health": {|&\n    "damping": { "hold_down": "1s", "max_hold_down": "3s" },|' "$config"
"$BORDER" validate "$config" >/dev/null
# NAT64's data-plane probe leaves through the new pool: upstream must route it back before border announces
# it. A covering /29 does; zebra would prefer a kernel route for the /30 itself to the BGP path.
ns upstream ip route add 192.0.2.64/29 via 203.0.113.2 metric 4000
restart_border gw1 >/dev/null
wait_for 30 on_upstream 192.0.2.64/30 || { echo "gw1's NAT64 pool did not reach upstream"; exit 1; }

# ExaBGP instances: link to upstream, neighbour line there, the healthcheck process.
guarded=$RUN/guarded.pid
child "$(border_pid gw1)" tayga > "$guarded"
cat > "$RUN/check.sh" <<SH
#!/bin/sh
# The Tayga this trial began with is alive: not gone, not a zombie.
state=\$(awk '{print \$3}' /proc/\$(cat $guarded)/stat 2>/dev/null)
[ -n "\$state" ] && [ "\$state" != Z ]
SH
chmod +x "$RUN/check.sh"
for spec in "${exa[@]}"; do
  name=${spec%%:*}; rest=${spec#*:}; i=${rest%%:*}; net=${rest#*:}
  case $name in
    defaults) timing="";;
    every-1s) timing="--interval 1 --fast-interval 1 --rise 1 --fall 1";;
    every-0.1s) timing="--interval 0.1 --fast-interval 0.1 --rise 1 --fall 1";;
  esac
  ip netns add "$LAB-exa$i"
  ip link add "exa$i" netns "$LAB-upstream" type veth peer name upstream netns "$LAB-exa$i"
  ns upstream ip link set "exa$i" up; ns "exa$i" ip link set upstream up; ns "exa$i" ip link set lo up
  ns upstream ip addr add "203.0.113.$((12 + 4 * i + 1))/30" dev "exa$i"
  ns "exa$i" ip addr add "203.0.113.$((12 + 4 * i + 2))/30" dev upstream
  vty upstream -c 'configure terminal' -c 'router bgp 64500' \
    -c "neighbor 203.0.113.$((12 + 4 * i + 2)) remote-as 64513" \
    -c "neighbor 203.0.113.$((12 + 4 * i + 2)) advertisement-interval 0" \
    -c "neighbor 203.0.113.$((12 + 4 * i + 2)) timers connect 1" >/dev/null
  cat > "$RUN/exa$i.conf" <<CONF
process guard {
  run /usr/bin/python3 -m exabgp healthcheck --no-syslog --withdraw-on-down --no-ip-setup --name $name $timing --ip 192.0.2.$net/30 --cmd $RUN/check.sh;
  encoder text;
}
neighbor 203.0.113.$((12 + 4 * i + 1)) {
  router-id 203.0.113.$((12 + 4 * i + 2));
  local-address 203.0.113.$((12 + 4 * i + 2));
  local-as 64513;
  peer-as 64500;
  api { processes [ guard ]; }
}
CONF
  ip netns exec "$LAB-exa$i" env exabgp_daemon_user=root exabgp_api_cli=false exabgp_log_destination=stdout \
    setsid exabgp "$RUN/exa$i.conf" >"$RUN/exa$i.log" 2>&1 </dev/null &
  pids+=($!); echo "$!" > "$RUN/exa$i.pid"
done
for spec in "${exa[@]}"; do
  net=${spec##*:}
  wait_for 60 on_upstream "192.0.2.$net/30" || { echo "ExaBGP ($spec) did not announce within 60 s"; tail "$RUN"/exa*.log; exit 1; }
done

for n in core upstream; do
  ip netns exec "$LAB-$n" ip -ts monitor route >"$RUN/mon-$n.txt" 2>&1 &
  pids+=($!)
done

# The client flow: a flow label that core hashes onto gw1, so that gw1's faults cut it.
label=
for candidate in $(seq 1 16); do
  before=$(ns gw1 cat /sys/class/net/core/statistics/rx_packets)
  ns c6 ping -q -n -F "$candidate" -i 0.01 -c 20 -W 1 "$SERVER6" >/dev/null || true
  after=$(ns gw1 cat /sys/class/net/core/statistics/rx_packets)
  [ $((after - before)) -ge 20 ] && { label=$candidate; break; }
done
[ -n "$label" ] || { echo "no flow label among 1-16 takes gw1"; exit 1; }
sleep 7   # the kernel keeps a flow label leased for 6 s after its socket closed
ip netns exec "$LAB-c6" ping -D -n -F "$label" -i 0.01 -W 1 -w 3600 "$SERVER6" >"$RUN/ping.txt" 2>&1 &
pids+=($!)
wait_for 5 grep -q 'bytes from' "$RUN/ping.txt" || { echo "the client flow does not run:"; head -3 "$RUN/ping.txt"; exit 1; }

record() { echo "$1 $trial $t0 $t1 $2 $3 $4 $5" >> "$RUN/trials.txt"; }
gw1_ready() { on_core "$1" gw1 && on_upstream 192.0.2.64/30; }
# ExaBGP guards the Tayga border runs now, once border has restarted it.
guard_new_tayga() {
  local p; p=$(child "$(border_pid gw1)" tayga)
  [ -n "$p" ] && [ "$p" != "$target" ] && echo "$p" > "$guarded"
}
exa_ready() { on_upstream 192.0.2.72/30 && on_upstream 192.0.2.76/30 && on_upstream 192.0.2.80/30; }

inject() { # inject FAULT: prints nothing; the fault starts when it returns (t0 is taken just before)
  case $1 in
    tayga-kill) kill -KILL "$target";;
    tayga-hang|unbound-hang) kill -STOP "$target";;
    unbound-kill) kill -KILL "$target";;
    nft-delete) ns gw1 nft delete table inet border;;
    uplink-down) ns gw1 ip link set upstream down;;
    border-kill) kill -KILL "$target";;
  esac
}
clear_fault() {
  case $1 in
    tayga-hang|unbound-hang) kill -CONT "$target";;
    uplink-down)
      # The kernel dropped the link's IPv6 address and the gateway's static defaults with it.
      ns gw1 ip link set upstream up
      ns gw1 ip addr replace 2001:db8:d78:f01::2/64 dev upstream nodad
      ns gw1 ip route replace default via 203.0.113.1
      ns gw1 ip -6 route replace default via 2001:db8:d78:f01::1;;
    border-kill) BORDER=$BORDER LAB=$LAB lab/border.sh start gw1;;
  esac
}

faults=(tayga-kill tayga-hang nft-delete uplink-down border-kill)
if [ -n "$(child "$(border_pid gw1)" unbound)" ]; then
  faults+=(unbound-kill unbound-hang)
else
  echo "unbound faults: skipped, gw1 runs no Unbound (the lab's example has no DNS64)"
fi
# FAULTS="tayga-hang unbound-hang" measures only those (the ExaBGP comparison needs tayga-kill).
[ -z "${FAULTS:-}" ] || read -r -a faults <<< "$FAULTS"
anycast=2001:db8:d78:500::1:0/128

exa_tree() { # exa_tree I: ExaBGP instance I's pid and its healthcheck's
  local p; p=$(cat "$RUN/exa$1.pid"); echo "$p $(ps --ppid "$p" -o pid= | head -1)"
}
cpu0=$(cpu_ticks "$(border_pid gw1)")
read -r -a exa_pids <<< "$(exa_tree 1) $(exa_tree 2) $(exa_tree 3)"
exa0=$(cpu_ticks "${exa_pids[@]}"); window0=$(now)

for fault in "${faults[@]}"; do
  prefix=$NAT64_PREFIX; flow=1
  case $fault in unbound-*) prefix=$anycast; flow=0;; esac
  for trial in $(seq 1 "$TRIALS"); do
    wait_for 60 gw1_ready "$prefix" || { echo "$fault trial $trial: gw1 not back within 60 s"; exit 1; }
    [ "$fault" = tayga-kill ] && { wait_for 30 exa_ready || { echo "ExaBGP not back within 30 s"; exit 1; }; }
    sleep "$SPACING"
    case $fault in
      tayga-*) target=$(child "$(border_pid gw1)" tayga); echo "$target" > "$guarded";;
      unbound-*) target=$(child "$(border_pid gw1)" unbound);;
      border-kill) target=$(border_pid gw1);;
    esac
    t0=$(now); inject "$fault"
    # border re-applies a deleted table and a killed border withdraws nothing: a short wait tells so.
    case $fault in nft-delete|border-kill) limit=3;; *) limit=10;; esac
    wait_for "$limit" off_core "$prefix" gw1 || true
    if [ "$fault" = tayga-kill ]; then
      wait_for 15 off_upstream 192.0.2.72/30 || true
    fi
    t1=$(now); clear_fault "$fault"
    if [ "$fault" = tayga-kill ]; then
      t1=$t0   # border restarts Tayga itself: recovery counts from the kill
      # border waits 250 ms before restarting Tayga, doubling per crash within 60 s, up to 30 s.
      wait_for 40 guard_new_tayga || { echo "border did not restart Tayga within 40 s"; exit 1; }
    fi
    record "$fault" core "$prefix" dev_gw1 "$flow"
    if [ "$fault" = tayga-kill ]; then
      record tayga-kill@upstream upstream 192.0.2.64/30 proto_bgp 0
      for spec in "${exa[@]}"; do record "exabgp-${spec%%:*}" upstream "192.0.2.${spec##*:}/30" proto_bgp 0; done
    fi
  done
  if [ "$fault" = tayga-kill ]; then
    window=$(echo "$window0 $(now)" | awk '{print $2 - $1}')
    echo "cpu over the tayga-kill trials (${window%.*} s): border $(( $(cpu_ticks "$(border_pid gw1)") - cpu0 )) ticks," \
      "the three ExaBGPs with their healthchecks $(( $(cpu_ticks "${exa_pids[@]}") - exa0 )) ticks (ticks of 1/$(getconf CLK_TCK) s)"
    for spec in "${exa[@]}"; do
      i=${spec#*:}; i=${i%%:*}
      read -r -a tree <<< "$(exa_tree "$i")"
      echo "  exabgp ${spec%%:*}: $(cpu_ticks "${tree[@]}") ticks since it started"
    done
  fi
done
wait_for 60 gw1_ready "$NAT64_PREFIX"

echo
python3 bench/analyse.py "$RUN"
echo "client flow: c6 ping -i 0.01 -F $label to $SERVER6, outage = longest gap between replies after the fault"

# Flap: gw1 back on the lab's example (damping at its defaults), then its uplink down and up every second.
cp "$RUN/gw1.example.json" "$config"
echo
echo "border run to the NAT64 prefix at core (gw1 restarted on the example): $(restart_border gw1) s"
sleep 3
flap0=$(now)
for _ in $(seq 1 30); do
  ns gw1 ip link set upstream down; sleep 1
  clear_fault uplink-down; sleep 1
done
flap1=$(now)
wait_for 150 on_core "$NAT64_PREFIX" gw1 || true
sleep 1
python3 - "$RUN" "$flap0" "$flap1" "$(now)" <<'PY'
import sys
from pathlib import Path
sys.path.insert(0, "bench")
from analyse import blocks, transitions
run, start, end, after = Path(sys.argv[1]), *map(float, sys.argv[2:])
for ns, prefix, match in [("core", "2001:db8:d78:564::/96", "dev gw1"), ("core", "0.0.0.0/0", "dev gw1"),
                          ("upstream", "192.0.2.0/30", "proto bgp")]:
    changes = transitions(list(blocks(run / f"mon-{ns}.txt")), prefix, match)
    during = [c for c in changes if start <= c[0] <= end]
    settled = [c for c in changes if end < c[0] <= after]
    print(f"flap, uplink down 1 s / up 1 s for 60 s: {ns} saw {len(during)} changes of {prefix} via gw1 "
          f"(an undamped gateway: 60), then {len(settled)} more until it settled "
          f"{'announced' if changes and changes[-1][1] else 'withdrawn'}")
PY
echo "border log lines naming a hold-down: $(grep -c 'held down' "$ROOT/gw1/border.log" || true)"
