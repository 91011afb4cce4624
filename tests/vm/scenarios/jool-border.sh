#!/usr/bin/env bash
# VM tier scenario group (runs inside the guest, as root, in one boot): the published `border` binary runs
# `border run` on a gateway with the real Jool module, and a neighbour router running FRR is the judge.
#
#   c6 (IPv6-only client) -- core (FRR: OSPF, OSPFv3, and eBGP upstream AS 64500) -- gw (border, FRR, Jool)
#                                                                                  -- inet (IPv4-only server)
#
#  0. record-jool.sh --in-guest records the jool CLI's outputs into recorded/ (the host compares them with the
#     committed recordings), and unloads the module it loaded to record them;
#  1. Jool's module is not loaded when border starts (nothing in this scenario loads it); border loads it, applies
#     its Jool instance from the config and reads it back; nat64 is healthy in `border status --json`; core learns
#     the NAT64 /96; c6 reaches inet through it by ping, TCP and a name from DNS64;
#  2. faults, each TRIALS times: the instance removed, the module removed (border alone loads it again), pool4
#     flushed: each is detected with its own reason (status and log), the /96 leaves core's kernel table (timed
#     from the fault), border re-applies the instance, status shows the rise count being passed while the /96 is
#     still withdrawn, and the /96 comes back after it;
#  3. `border drain --service nat64`: the /96 leaves core while a TCP connection opened before still carries data.
#
# The guest runs under TCG emulation, several times slower than the host (a vtysh call takes 1 to 6 s of it), so
# border's probes get long intervals and timeouts.
# Needs in the share: border (the published binary) and record-jool.sh; optional: trials (a number). Writes to the share: checks.log (one
# "PASS name" or "FAIL name: why" a line, also printed), timings.csv (fault,trial,ms), border.log, status-*.json,
# recorded/, and frr/ (the daemons' logs). Exits 1 when a check failed. Documentation addresses only.
set -euo pipefail
# shellcheck source=tests/vm/scenarios/lib.sh
. "${BORDER_SHARE:-/share}/lib.sh"

SHARE=${BORDER_SHARE:-/share}
BORDER=$SHARE/border
# Trials of each fault: the share's file "trials" when present (a benchmark run), else 1.
TRIALS=$(cat "$SHARE/trials" 2>/dev/null || echo 1)
[[ $TRIALS =~ ^[1-9][0-9]?$ ]] || { echo "trials must be a number from 1 to 99, not '$TRIALS'"; exit 2; }
PREFIX=2001:db8:d78:564::/96
SERVER4=203.0.113.10
SERVER6=2001:db8:d78:564::cb00:710a  # SERVER4 inside PREFIX (RFC 6052)
RESOLVER6=2001:db8:d78:500::1:0
NAMESPACES=(c6 core gw inet)
WORK=$(mktemp -d /tmp/jool-border.XXXXXX)
chmod 0755 "$WORK"  # FRR runs as user frr
CONTROL=$WORK/control.sock
LOG=$SHARE/border.log
PIDFILES=()
BORDER_PID=""
FAILED=0
: > "$SHARE/checks.log"
echo "fault,trial,ms" > "$SHARE/timings.csv"
mkdir -p "$SHARE/frr"

T0=$(cut -d' ' -f1 /proc/uptime)
step() { echo "== [$(awk -v t0="$T0" '{ printf "%.2f", $1 - t0 }' /proc/uptime)s] $*"; }
pass() { echo "PASS $1" | tee -a "$SHARE/checks.log"; }
fail() { echo "FAIL $1: $2" | tee -a "$SHARE/checks.log"; FAILED=1; }
# check NAME WHY CMD...: PASS when CMD succeeds, FAIL with WHY otherwise.
check() { local name=$1 why=$2; shift 2; if "$@"; then pass "$name"; else fail "$name" "$why"; fi; }
# must NAME WHY CMD...: as check, but nothing after it can work without it.
must() { check "$@" || true; [[ $FAILED -eq 0 ]] || { echo "stopping: $1 failed"; exit 1; }; }
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# within SECONDS CMD...: runs CMD every 0.1 s until it succeeds; false after SECONDS.
within() {
    local deadline=$(( $(now_ms) + $1 * 1000 )); shift
    until "$@" > /dev/null 2>&1; do
        (( $(now_ms) < deadline )) || return 1
        sleep 0.1
    done
}

# Waits up to 30 s for every process still in the scenario's namespaces (border finishing its stop, its guard, the
# daemons) to end, then kills what is left: the next scenario of a group must start on a quiet guest.
end_namespace_processes() {
    local ns pids i
    for ((i = 0; i < 300; i++)); do
        pids=$(for ns in "${NAMESPACES[@]}"; do ip netns pids "$ns" 2>/dev/null || true; done)
        [[ -n $pids ]] || return 0
        (( i != 0 )) || echo "$pids" | xargs -r kill -TERM 2>/dev/null || true
        sleep 0.1
    done
    echo "still running after 30 s, killed: $(echo "$pids" | xargs)"
    echo "$pids" | xargs -r kill -KILL 2>/dev/null || true
}

cleanup() {
    local f pid
    if [[ -n $BORDER_PID ]]; then kill -TERM "$BORDER_PID" 2>/dev/null || true; fi
    for f in "${PIDFILES[@]}"; do
        [[ -s $f ]] || continue
        pid=$(cat "$f")
        if [[ $pid =~ ^[0-9]+$ ]]; then kill "$pid" 2>/dev/null || true; fi
    done
    jobs -p | xargs -r kill 2>/dev/null || true
    end_namespace_processes
    for f in "$WORK"/frr-*/frr.log; do [[ -f $f ]] && cp "$f" "$SHARE/frr/$(basename "$(dirname "$f")").log"; done
    for ns in "${NAMESPACES[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

step "0. record the jool CLI's outputs"
must recorded "record-jool.sh --in-guest failed" bash "$SHARE/record-jool.sh" --in-guest "$SHARE/recorded"

step "1. namespaces: c6 -- core -- gw -- inet"
for ns in "${NAMESPACES[@]}"; do ip netns add "$ns"; in_ns "$ns" ip link set lo up; done
ip link add c6-core netns c6 type veth peer name core-c6 netns core
ip link add core-gw netns core type veth peer name gw-core netns gw
ip link add gw-inet netns gw type veth peer name inet-gw netns inet
in_ns c6 ip -6 addr add 2001:db8:d78:50b::10/64 dev c6-core nodad
in_ns c6 ip link set c6-core up
in_ns c6 ip -6 route add default via 2001:db8:d78:50b::1
in_ns core ip -6 addr add 2001:db8:d78:50b::1/64 dev core-c6 nodad
in_ns core ip addr add 198.51.100.97/30 dev core-gw
in_ns core ip -6 addr add 2001:db8:d78:5f1::1/64 dev core-gw nodad
in_ns gw ip addr add 198.51.100.98/30 dev gw-core
in_ns gw ip -6 addr add 2001:db8:d78:5f1::2/64 dev gw-core nodad
in_ns gw ip -6 addr add "$RESOLVER6/128" dev lo
in_ns gw ip addr add 203.0.113.1/24 dev gw-inet
in_ns inet ip addr add "$SERVER4/24" dev inet-gw
for pair in core:core-c6 core:core-gw gw:gw-core gw:gw-inet inet:inet-gw; do in_ns "${pair%%:*}" ip link set "${pair#*:}" up; done
in_ns inet ip route add default via 203.0.113.1
# The resolver's anycast address is announced by border only with dns64, which this gateway leaves out.
in_ns core ip -6 route add "$RESOLVER6/128" via 2001:db8:d78:5f1::2
for ns in core gw; do
    in_ns "$ns" sh -c 'echo 1 > /proc/sys/net/ipv6/conf/all/forwarding && echo 1 > /proc/sys/net/ipv4/ip_forward'
done
# The route the gateway has for what it attracts (Jool takes the packets before routing); border's OSPF speaker
# redistributes it while nat64 is in service.
in_ns gw ip -6 route add blackhole "$PREFIX"

step "FRR in core (the judge, and the upstream) and in gw"
chown frr:frr /run/frr
ospf_if() { printf 'interface %s\n ip ospf hello-interval 1\n ip ospf dead-interval 3\n ip ospf retransmit-interval 1\n ip ospf network point-to-point\n ipv6 ospf6 hello-interval 1\n ipv6 ospf6 dead-interval 3\n ipv6 ospf6 retransmit-interval 1\n ipv6 ospf6 network point-to-point\n ipv6 ospf6 area 0\n' "$1"; }
frr_start() { # NS CONFIG
    local ns=$1 dir=$WORK/frr-$1 daemon
    mkdir -p "$dir"
    printf '%s\nlog file %s/frr.log\n' "$2" "$dir" > "$dir/frr.conf"
    chown -R frr:frr "$dir"
    for daemon in zebra ospfd ospf6d bgpd; do
        in_ns "$ns" "/usr/lib/frr/$daemon" -d -N "$ns" -f "$dir/frr.conf" -i "$dir/$daemon.pid" \
            --vty_socket "$dir" -z "$dir/zserv.api"
        PIDFILES+=("$dir/$daemon.pid")
        [[ $daemon != zebra ]] || within 10 test -S "$dir/zserv.api"
    done
}
frr_start core "frr defaults traditional
hostname core
$(ospf_if core-gw)
router ospf
 ospf router-id 198.51.100.97
 network 198.51.100.96/30 area 0
router ospf6
 ospf6 router-id 198.51.100.97
 redistribute connected
router bgp 64500
 bgp router-id 198.51.100.97
 no bgp ebgp-requires-policy
 neighbor 198.51.100.98 remote-as 64513
 neighbor 198.51.100.98 timers connect 1
 neighbor 198.51.100.98 advertisement-interval 0
 address-family ipv4 unicast
  neighbor 198.51.100.98 default-originate
 exit-address-family"
frr_start gw "frr defaults traditional
hostname gw
$(ospf_if gw-core)
router ospf
 ospf router-id 198.51.100.98
 network 198.51.100.96/30 area 0
router ospf6
 ospf6 router-id 198.51.100.98
router bgp 64513
 bgp router-id 198.51.100.98
 no bgp ebgp-requires-policy
 neighbor 198.51.100.97 remote-as 64500
 neighbor 198.51.100.97 timers connect 1
 neighbor 198.51.100.97 advertisement-interval 0"
vtysh_core() { vtysh --vty_socket "$WORK/frr-core" -c "$1"; }
must ospf6-adjacency "core and gw have no Full OSPFv3 adjacency within 40 s" \
    within 40 sh -c "vtysh --vty_socket '$WORK/frr-core' -c 'show ipv6 ospf6 neighbor' | grep -q Full"
must gw-learns-client-lan "gw has no OSPFv3 route to the client LAN" \
    within 20 sh -c "ip -n gw -6 route show 2001:db8:d78:50b::/64 | grep -q 'proto ospf'"

step "servers in inet: TCP echo on port 7; the test zone's name server (A records only); DNS64 resolver in gw"
in_ns inet setsid socat TCP4-LISTEN:7,reuseaddr,fork EXEC:cat < /dev/null > /dev/null 2>&1 &
echo $! > "$WORK/echo.pid"
PIDFILES+=("$WORK/echo.pid")
write_unbound_test_zone "$WORK" "$SERVER4" "$RESOLVER6" "$PREFIX"
in_ns inet unbound -c "$WORK/auth.conf"
PIDFILES+=("$WORK/auth.pid")
in_ns gw unbound -c "$WORK/dns64.conf"
PIDFILES+=("$WORK/dns64.pid")

step "border run on gw (Jool engine)"
cat > "$WORK/border.json" <<EOF
{
  "gateway": "gw",
  "site": { "inside_ipv4": ["198.51.100.0/25"], "inside_ipv6": ["2001:db8:d78:500::/56"] },
  "interfaces": { "inside": "gw-core", "uplink": "gw-inet" },
  "nat64": {
    "engine": "jool",
    "prefix": "$PREFIX",
    "pool4": "192.0.2.0/30",
    "jool": {
      "instance": "border",
      "lowest_ipv6_mtu": 1280,
      "ports": { "tcp": "1024-65535", "udp": "1024-65535", "icmp": "1024-65535" }
    }
  },
  "ospf": { "metric": 200, "metric_type": "E1" },
  "bgp": { "speaker": "frr", "asn": 64513, "neighbors": [{ "address": "198.51.100.97", "asn": 64500 }] },
  "speakers": { "frr": { "vty_socket": "$WORK/frr-gw" } },
  "health": {
    "nat64": { "interval": "5s", "timeout": "4500ms", "rise": 2, "fall": 2 },
    "uplink": { "interval": "10s", "timeout": "9s", "rise": 1, "fall": 3 },
    "damping": { "hold_down": "1s", "max_hold_down": "2s" }
  },
  "daemon": { "state_dir": "$WORK/state", "control_socket": "$CONTROL", "metrics": "off" }
}
EOF
cp "$WORK/border.json" "$SHARE/border.json"
must config-valid "border validate refused the config" "$BORDER" validate "$WORK/border.json"
must module-not-loaded-before-border "Jool's module is loaded before border starts (/proc/modules or /sys/module/jool)" \
    jool_module_absent
# Not through in_ns: a backgrounded shell function is a subshell, and $! would be its PID, not border's.
ip netns exec gw setsid "$BORDER" run --config "$WORK/border.json" > "$LOG" 2>&1 < /dev/null &
BORDER_PID=$!

status_json() { in_ns gw "$BORDER" status --json --socket "$CONTROL"; }
announced() { [[ -n $(ip -n core -6 route show "$PREFIX" proto ospf) ]]; }
withdrawn() { ! announced; }
nat64_up() { status_json | tr -d '\n ' | grep -q '"name":"nat64","engine":"jool","health":"up"'; }

if ! within 240 announced; then
    # What border and FRR were doing, for the failure report.
    ps -eo pid,ppid,etimes,time,stat,args > "$SHARE/ps.txt"
    { time in_ns gw vtysh --vty_socket "$WORK/frr-gw" -c 'show bgp summary json'; } > "$SHARE/vtysh-gw.txt" 2>&1 || true
fi
status_json > "$SHARE/status-up.json" || true
must announced-at-core "core has no OSPF route for $PREFIX within 240 s of border's start (status-up.json)" announced
check status-nat64-healthy "border status --json does not show nat64 up with engine jool within 60 s" within 60 nat64_up
check status-readback "status does not show the instance read back" \
    grep -q "instance border present with pool6 $PREFIX and pool4 192.0.2.0/30" "$SHARE/status-up.json"
MODULE_LOADED="; loaded it with modprobe jool to apply instance border"
check module-loaded-by-border "Jool's module is not loaded, or border's log does not say it loaded it" \
    sh -c "grep -F 'jool kernel module not loaded' '$LOG' | grep -qF '$MODULE_LOADED' && grep -qE '^jool ' /proc/modules"
in_ns gw jool -i border global display --csv > "$WORK/global.csv"
in_ns gw jool -i border pool4 display --csv --tcp > "$WORK/pool4-tcp.csv"
in_ns gw jool -i border pool4 display --csv --icmp > "$WORK/pool4-icmp.csv"
check jool-instance-pool6 "jool's pool6 is not $PREFIX" grep -qx "pool6,$PREFIX" "$WORK/global.csv"
check jool-instance-mtu "jool's lowest-ipv6-mtu is not 1280" grep -qx "lowest-ipv6-mtu,1280" "$WORK/global.csv"
check jool-instance-pool4-tcp "jool's TCP pool4 is not 192.0.2.0-3 with ports 1024-65535" \
    test "$(grep -c ',TCP,192\.0\.2\.[0-3],1024,65535,' "$WORK/pool4-tcp.csv")" -eq 4
check jool-instance-pool4-icmp "jool's ICMP pool4 is not 192.0.2.0-3 with ids 1024-65535" \
    test "$(grep -c ',ICMP,192\.0\.2\.[0-3],1024,65535,' "$WORK/pool4-icmp.csv")" -eq 4

ping_server() { in_ns c6 ping -6 -n -c 2 -i 0.2 -W 2 "$SERVER6"; }
tcp_echo() { [[ $(echo "$1" | in_ns c6 timeout 10 socat -t 2 - "TCP6:[$SERVER6]:7") == "$1" ]]; }
check ping-through-jool "c6 cannot ping $SERVER4 by $SERVER6" ping_server
check tcp-through-jool "no TCP echo from $SERVER4:7 by $SERVER6" tcp_echo hello
check dns64-synthesizes "srv.test. AAAA is not $SERVER6" within 15 sh -c "[ \"\$(ip netns exec c6 dig +time=1 +tries=1 +short @$RESOLVER6 srv.test. AAAA)\" = $SERVER6 ]"
check tcp-through-dns64-name "no TCP echo by the DNS64 name" sh -c "[ \"\$(echo byname | ip netns exec c6 timeout 10 socat -t 2 - \"TCP6:[\$(ip netns exec c6 dig +short @$RESOLVER6 srv.test. AAAA)]:7\")\" = byname ]"

step "2. faults"
# fault NAME TRIAL EXPECTED_REASON BREAK_CMD RESTORE_CMD [HEAL_LOG]: HEAL_LOG, when given, is text border's log must
# show after the fault (check NAME-TRIAL-heal-logged).
fault() {
    local name=$1 trial=$2 reason=$3 break_cmd=$4 restore_cmd=$5 heal_log=${6:-} lines start elapsed seen="" rising=""
    lines=$(wc -l < "$LOG")
    eval "$break_cmd" || fail "$name-$trial-fault" "'$break_cmd' failed"
    start=$(now_ms)
    # The reason shows in status while the fault lasts; border re-applies at once, so look while waiting. A status
    # call costs tens of ms in the guest, which is the measurement's resolution until the reason was seen.
    local deadline=$(( start + 60000 ))
    while (( $(now_ms) < deadline )); do
        if [[ -z $seen ]] && status_json > "$WORK/status.json" 2>/dev/null && grep -qF "$reason" "$WORK/status.json"; then
            seen=yes
            cp "$WORK/status.json" "$SHARE/status-$name-$trial.json"
        fi
        withdrawn && break
        sleep 0.05
    done
    if withdrawn; then
        elapsed=$(( $(now_ms) - start ))
        echo "$name,$trial,$elapsed" >> "$SHARE/timings.csv"
        echo "TIMING $name trial $trial: /96 gone from core's kernel table $elapsed ms after the fault"
        pass "$name-$trial-withdrawn-at-core"
    else
        fail "$name-$trial-withdrawn-at-core" "$PREFIX still at core 60 s after the fault"
    fi
    if [[ -z $seen ]]; then
        if within 5 sh -c "ip netns exec gw '$BORDER' status --json --socket '$CONTROL' | grep -qF '$reason'"; then seen=yes; fi
    fi
    check "$name-$trial-reason-in-status" "border status --json never showed '$reason'" test -n "$seen"
    check "$name-$trial-reason-in-log" "border's log has no 'nat64 down' line with '$reason'" \
        sh -c "tail -n +$((lines + 1)) '$LOG' | grep 'nat64 down' | grep -qF '$reason'"
    eval "$restore_cmd"
    # Border announces again only after the rise count (2) of passing probes: while the /96 is still away, status
    # shows the instance's probe passing 1 of 2.
    deadline=$(( $(now_ms) + 90000 ))
    until announced; do
        if [[ -z $rising ]] && status_json 2> /dev/null | grep -qF "jool-instance border: passed 1 of 2"; then rising=yes; fi
        (( $(now_ms) < deadline )) || break
        sleep 0.1
    done
    check "$name-$trial-reannounced" "$PREFIX not back at core within 90 s" announced
    check "$name-$trial-rise-count-before-reannounce" "status never showed the probe passing 1 of 2 while $PREFIX was withdrawn" \
        test -n "$rising"
    check "$name-$trial-healed" "border's log does not say the instance was applied again" \
        sh -c "tail -n +$((lines + 1)) '$LOG' | grep -q 'jool instance border applied'"
    if [[ -n $heal_log ]]; then
        check "$name-$trial-heal-logged" "border's log does not say '$heal_log' after the fault" \
            sh -c "tail -n +$((lines + 1)) '$LOG' | grep -qF '$heal_log'"
    fi
    check "$name-$trial-nat64-up" "nat64 is not up again" within 10 nat64_up
    check "$name-$trial-ping-after" "c6 cannot ping $SERVER4 after the fault healed" ping_server
}
for ((trial = 1; trial <= TRIALS; trial++)); do
    fault instance-removed "$trial" "instance border missing" \
        "in_ns gw jool instance remove border" ":"
    # Nothing but border loads the module again.
    fault module-removed "$trial" "jool kernel module not loaded" \
        "modprobe -r jool || { in_ns gw jool instance remove border && modprobe -r jool; }" ":" "$MODULE_LOADED"
    fault pool4-flushed "$trial" "pool4 differs: missing" \
        "in_ns gw jool -i border pool4 flush" ":"
done

step "3. drain nat64 with a TCP connection open"
# A fallback route outside the main table (which zebra and this judge do not look at) stands for whatever
# still brings an existing flow's packets to the drained gateway.
in_ns core ip -6 route add "$PREFIX" via 2001:db8:d78:5f1::2 dev core-gw table 100
in_ns core ip -6 rule add pref 40000 lookup 100
in_ns c6 bash -c "
    exec 3<>/dev/tcp/$SERVER6/7 || exit 1
    echo before >&3; read -r -t 10 line <&3; echo \"\$line\" > $WORK/conn-before
    for ((i = 0; i < 600; i++)); do [[ -e $WORK/drained ]] && break; sleep 0.1; done
    echo after >&3; read -r -t 10 line <&3; echo \"\$line\" > $WORK/conn-after
" > /dev/null 2>&1 &
CONN=$!
check drain-connection-opened "the TCP connection did not carry data before the drain" \
    within 20 grep -qx before "$WORK/conn-before"
in_ns gw jool -i border session display --csv --numeric --tcp > "$WORK/sessions-before.csv" || true
in_ns gw "$BORDER" drain --service nat64 --reason "vm tier" --socket "$CONTROL"
status_json > "$SHARE/status-drained.json" || true
check drain-withdrawn-at-core "$PREFIX still at core 30 s after the drain" within 30 withdrawn
check drain-in-status "status does not show the drain" grep -q '"reason": "vm tier"' "$SHARE/status-drained.json"
in_ns gw jool -i border session display --csv --numeric --tcp > "$WORK/sessions-drained.csv" || true
cp "$WORK"/sessions-*.csv "$SHARE/" 2>/dev/null || true
check drain-session-kept "the Jool TCP session to $SERVER4:7 is gone after the drain" \
    grep -q ",$SERVER4,7," "$WORK/sessions-drained.csv"
touch "$WORK/drained"
wait "$CONN" || true
check drain-connection-carries-data "the TCP connection opened before the drain carried no data after it" \
    grep -qx after "$WORK/conn-after"
in_ns core ip -6 rule del pref 40000 lookup 100
in_ns core ip -6 route del "$PREFIX" table 100
in_ns gw "$BORDER" undrain --service nat64 --socket "$CONTROL"
check undrain-reannounced "$PREFIX not back at core within 60 s of the undrain" within 60 announced

step "stop border: a clean stop withdraws"
kill -TERM "$BORDER_PID"
# A stop waits for the pass under way, and under TCG one pass of vtysh calls can take tens of seconds.
check stop-withdrawn "$PREFIX still at core 120 s after border was told to stop" within 120 withdrawn
BORDER_PID=""

step "timings (ms from the fault to $PREFIX gone from core's kernel table; guest under TCG emulation)"
cat "$SHARE/timings.csv"
if [[ $FAILED -ne 0 ]]; then
    echo "jool-border: some checks failed (checks.log)"
    exit 1
fi
echo "PASS: jool-border"
