#!/usr/bin/env bash
# The deployment checks, as root on a Debian 12 machine (CI's kind). In order:
#   1. ansible-lint (Debian's) and ansible-playbook --syntax-check on deploy/ansible, and a bad
#      variable stopping the play before its first task (meta/argument_specs.yml);
#   2. the role's templates rendered for each of the four sites, every file checked by the tool
#      that reads it (border validate, vtysh --dryrun, gobgpd --dry-run, unbound-checkconf), and
#      each border.json compared with examples/sites/NAME.json (same JSON, comments aside), and
#      the first site's gobgpd.conf run against an FRR upstream in network namespaces (seed 004's
#      filters: the default in, the pools out with no-export);
#   3. the Debian package built, and the role applied twice to a throwaway copy of this machine
#      (an overlay of / in a private mount and network namespace, reached with Ansible's chroot
#      connection), the second run required to change nothing;
#   4. the package installed with dpkg on this machine, `border version` run from it and its unit
#      checked by systemd-analyze verify, then purged.
# Prints "deploy: N passed, N failed" last; exits 1 when a check failed, 2 when it could not run.
# Set BORDER_SKIP_PUBLISH=1 to use an artifacts/bin/border that is already built.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
# What the role installs on a reference site (Jool, GoBGP, DNS64): the throwaway target starts
# without these, so that the role's first run installs them for real (from apt's cache).
target_packages=(nftables unbound frr gobgpd jool-dkms jool-tools)

# The throwaway target, run as `ci.sh --target BASE REPO DEBS` inside `unshare --mount --net --pid`: an
# overlay of this machine's root whose writes go to a tmpfs, so the role meets a real Debian 12
# with its real apt, dpkg and daemons' packages, and nothing it does reaches this machine.
if [ "${1:-}" = --target ]; then
  base=$2
  repo=$3
  debs=$4
  mount --make-rprivate /
  mount -t tmpfs -o size=4g border-ci-target "$base"
  mkdir "$base/upper" "$base/work" "$base/root"
  mount -t overlay overlay -o "lowerdir=/,upperdir=$base/upper,workdir=$base/work" "$base/root"
  root=$base/root
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  mount -t tmpfs tmpfs "$root/run"
  mount -t tmpfs tmpfs "$root/tmp"
  ip link set lo up
  # As in any chroot: package scripts must not start daemons (they would outlive the check).
  printf '#!/bin/sh\n# border deploy CI: no daemon starts in the throwaway target\nexit 101\n' \
    >"$root/usr/sbin/policy-rc.d"
  chmod 0755 "$root/usr/sbin/policy-rc.d"
  # A border this machine already has would make the first run's install a no-op: start without.
  chroot "$root" dpkg --purge border >/dev/null 2>&1 || true
  chroot "$root" apt-get purge -y -q "${target_packages[@]}" >"$base/purge.log" 2>&1 ||
    { cat "$base/purge.log"; exit 1; }
  mount --bind "$debs" "$root/var/cache/apt/archives"
  # The target shares this machine's kernel and has none of its own: hide the kernel trees so that
  # jool-dkms installs without compiling its module for them (minutes, and beside the point here).
  # A fresh machine of this kind has no /lib/modules at all: the mount point is made in the overlay.
  mkdir -p "$root/lib/modules"
  mount -t tmpfs tmpfs "$root/lib/modules"

  cd "$repo/deploy/ansible"
  # The real inventory and site.yml; only how the gateway is reached differs, plus what this target
  # cannot have: network for apt's lists, and a Debian kernel to fetch headers for.
  apply() { # N: one run of the role for the first reference site; its log goes to apply-N.log
    ansible-playbook site.yml --limit border0-chbtl0 --connection community.general.chroot \
      -e "ansible_host=$root" -e ansible_become=false -e border_gateway_apt_update_cache=false \
      -e border_gateway_jool_kernel_headers=false \
      >"$base/apply-$1.log" 2>&1
    local status=$?
    # Name each task that changed something, then the recap line.
    awk -v run="$1" '/^TASK \[/ { task = $0; sub(/^TASK \[/, "", task); sub(/\] \**$/, "", task) }
      /^changed: / && !seen[task]++ { print "  run " run " changed: " task }
      /systemd is not running/ { sub(/^ *"msg": "/, ""); sub(/",?$/, ""); print "  run " run ": " $0 }
      /^fatal: / { print "  run " run ": " substr($0, 1, 400) }' "$base/apply-$1.log"
    grep -E '^border0-chbtl0 +: ok=' "$base/apply-$1.log" | sed "s/^/  run $1 recap: /"
    if [ "$status" -ne 0 ]; then tail -n 30 "$base/apply-$1.log"; fi
    return "$status"
  }
  apply 1 || exit 1
  # systemd is not PID 1 here: the role must say it skips the service steps, and skip them.
  grep -q 'systemd is not running on border0-chbtl0' "$base/apply-1.log" ||
    { echo "  the role did not say that it skipped managing services"; exit 1; }
  if grep -A1 -E '^TASK \[border_gateway : Enable and start' "$base/apply-1.log" | grep -Eq '^(ok|changed):'; then
    echo "  the role managed services although systemd is not running"; exit 1
  fi
  grep -qx jool "$root/etc/modules-load.d/border-jool.conf" ||
    { echo "  the role did not list jool in /etc/modules-load.d/border-jool.conf"; exit 1; }
  apply 2 || exit 1
  grep -Eq '^border0-chbtl0 +: ok=[0-9]+ +changed=0 +unreachable=0 +failed=0' "$base/apply-2.log" || {
    echo "  the second run changed something: the role is not idempotent"; exit 1; }
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "deploy/ci.sh: run as root: it installs packages, a .deb and mounts a scratch root" >&2
  exit 2
fi

passed=0
failed=0
check() { # NAME COMMAND...: runs one check, records and prints its result, never stops the script
  local name=$1; shift
  local started=$SECONDS
  if "$@"; then
    passed=$((passed + 1)); echo "deploy: PASS $name ($((SECONDS - started))s)"
  else
    failed=$((failed + 1)); echo "deploy: FAIL $name ($((SECONDS - started))s)"
  fi
}

scratch=$(mktemp -d /tmp/border-deploy-ci.XXXXXX)
deb_installed_here=no
bgp_up=bdci-up$$
bgp_gw=bdci-gw$$
group_created_here=no
cleanup() {
  # The throwaway target's mounts live in a private mount namespace that is gone once its process
  # has exited; only files and the package installed here are left to remove.
  if [ "$deb_installed_here" = yes ]; then
    dpkg --purge border >/dev/null 2>&1 || true
  fi
  # The package leaves its group behind on purge, as Debian does; this check leaves nothing.
  if [ "$group_created_here" = yes ]; then
    delgroup --quiet border >/dev/null 2>&1 || groupdel border 2>/dev/null || true
  fi
  # Normally gone already (bgp_filters removes them); here for an interrupted run.
  ip netns del "$bgp_up" 2>/dev/null || true
  ip netns del "$bgp_gw" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT
# An interrupted run cleans up too: end the throwaway target if it runs, then exit, which runs the
# EXIT trap. (unshare ignores SIGTERM while it waits; SIGKILL ends it, and --kill-child its child.)
target_pid=
on_signal() {
  if [ -n "$target_pid" ]; then kill -KILL "$target_pid" 2>/dev/null || true; fi
  exit 130
}
trap on_signal INT TERM HUP

echo "== deploy: installing the tools"
export DEBIAN_FRONTEND=noninteractive
# The linters, and the daemons whose own parsers check the rendered files.
apt-get install -y -q --no-install-recommends ansible ansible-lint frr gobgpd unbound python3-apt \
  >"$scratch/apt.log" 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q \
  --no-install-recommends ansible ansible-lint frr gobgpd unbound python3-apt >"$scratch/apt.log" 2>&1; } \
  || { cat "$scratch/apt.log" >&2; echo "deploy/ci.sh: could not install the tools" >&2; exit 2; }

if [ "${BORDER_SKIP_PUBLISH:-0}" != 1 ]; then
  scripts/publish.sh
fi
export ANSIBLE_FORCE_COLOR=0 ANSIBLE_NOCOLOR=1 PY_COLORS=0 ANSIBLE_STDOUT_CALLBACK=default

echo "== deploy: lint"
lint() { (cd deploy/ansible && ansible-lint --nocolor 2>&1 | tail -n 20 && test "${PIPESTATUS[0]}" -eq 0); }
syntax() { (cd deploy/ansible && ansible-playbook --syntax-check site.yml render.yml); }
check ansible-lint lint
check syntax-check syntax

echo "== deploy: render the four sites and check every file"
render() {
  (cd deploy/ansible && ansible-playbook render.yml -e "border_gateway_render_dir=$scratch/render" \
    >"$scratch/render.log" 2>&1) || { cat "$scratch/render.log"; return 1; }
}
check render render
same_json() { # A B: equal as JSON once // and /* */ comments are gone (border's file format)
  python3 - "$1" "$2" <<'PY'
import json, re, sys
def load(path):
    text = open(path, encoding="utf-8").read()
    # Comments outside strings only: the config's strings never contain // or /*.
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"(?m)^\s*//.*$", "", text)
    text = re.sub(r",(\s*[}\]])", r"\1", text)
    return json.loads(text)
a, b = load(sys.argv[1]), load(sys.argv[2])
if a != b:
    print(f"{sys.argv[1]} and {sys.argv[2]} differ:\n{json.dumps(a, sort_keys=True)}\n{json.dumps(b, sort_keys=True)}")
    sys.exit(1)
PY
}
for site in border0-chbtl0 border0-chrma0 border0-chplo0 border0-nlams0; do
  dir="$scratch/render/$site"
  check "$site border validate" artifacts/bin/border validate "$dir/border.json"
  check "$site equals examples/sites/$site.json" same_json "$dir/border.json" "examples/sites/$site.json"
  check "$site frr.conf (vtysh --dryrun)" vtysh --dryrun -f "$dir/frr.conf"
  check "$site gobgpd.conf (gobgpd --dry-run)" gobgpd --dry-run -t toml -f "$dir/gobgpd.conf" --log-level=error
  check "$site unbound base (unbound-checkconf)" unbound-checkconf "$dir/unbound-border-base.conf"
  check "$site modules-load.d lists jool" grep -qx jool "$dir/modules-load.d-border-jool.conf"
done
# The other choices the role offers: bgpd instead of gobgpd, Tayga instead of Jool, switches off.
variant() {
  (cd deploy/ansible && ansible-playbook render.yml -l border0-chbtl0 \
    -e "border_gateway_render_dir=$scratch/variant" -e border_gateway_bgp_speaker=frr \
    -e border_gateway_nat64_engine=tayga -e border_gateway_nat66_enabled=false \
    -e '{"border_gateway_nat64_tayga": {"ipv4_address": "198.51.100.193", "dynamic_pool": "198.51.100.192/28"}}' \
    >"$scratch/variant.log" 2>&1) || { cat "$scratch/variant.log"; return 1; }
  local dir="$scratch/variant/border0-chbtl0"
  artifacts/bin/border validate "$dir/border.json" | tee "$scratch/variant.out" &&
    grep -q ': nat44, nat64 (tayga), dns64$' "$scratch/variant.out" &&
    vtysh --dryrun -f "$dir/frr.conf" && grep -q '^router bgp 64513$' "$dir/frr.conf" &&
    grep -q '^Wants=frr.service unbound.service$' "$dir/border.service.d-10-daemons.conf" &&
    { [ ! -e "$dir/modules-load.d-border-jool.conf" ] || { echo "  Tayga's gateway loads Jool's module at boot"; false; }; }
}
check "variant bgpd + tayga + nat66 off renders and validates" variant

wait_until() { # WHAT SECONDS COMMAND...: polls COMMAND every 0.5 s; fails naming WHAT once SECONDS have passed
  local what=$1 seconds=$2; shift 2
  for _ in $(seq 1 $((seconds * 2))); do "$@" && return 0; sleep 0.5; done
  echo "  gave up after $seconds s waiting for $what"
  return 1
}

# Seed 004's BGP filters, for real: the rendered gobgpd.conf of the first site in a network
# namespace, eBGP to FRR as the upstream (AS 64500) in another, documentation addresses only.
# The upstream offers the defaults and two more prefixes; border's part is played by adding the
# pools and one prefix that is not a pool over gobgpd's API.
bgp_filters() (
  set -euo pipefail
  local conf="$scratch/render/border0-chbtl0/gobgpd.conf" dir="$scratch/bgp"
  mkdir -p "$dir"; chown frr:frr "$dir"
  # FRR runs as frr and must reach its directory through the scratch directory (mode 0700).
  chmod 0711 "$scratch"
  gobgpd_pid=
  stop() {
    if [ -n "$gobgpd_pid" ]; then kill "$gobgpd_pid" 2>/dev/null || true; fi
    for pidfile in "$dir"/*.pid; do
      if [ -f "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null || true; fi
    done
    ip netns del "$bgp_up" 2>/dev/null || true
    ip netns del "$bgp_gw" 2>/dev/null || true
  }
  trap stop EXIT
  ip netns add "$bgp_up"; ip netns add "$bgp_gw"
  ip -n "$bgp_up" link set lo up; ip -n "$bgp_gw" link set lo up
  ip link add "$bgp_up" netns "$bgp_up" type veth peer name "$bgp_gw" netns "$bgp_gw"
  ip -n "$bgp_up" addr add 203.0.113.1/30 dev "$bgp_up"
  ip -n "$bgp_up" addr add 2001:db8:d78:f00::1/64 dev "$bgp_up" nodad
  ip -n "$bgp_gw" addr add 203.0.113.2/30 dev "$bgp_gw"
  ip -n "$bgp_gw" addr add 2001:db8:d78:f00::2/64 dev "$bgp_gw" nodad
  ip -n "$bgp_up" link set "$bgp_up" up; ip -n "$bgp_gw" link set "$bgp_gw" up
  cat >"$dir/frr.conf" <<'FRR'
hostname upstream
router bgp 64500
 bgp router-id 203.0.113.1
 no bgp ebgp-requires-policy
 no bgp network import-check
 no bgp default ipv4-unicast
 neighbor 203.0.113.2 remote-as 64513
 neighbor 2001:db8:d78:f00::2 remote-as 64513
 address-family ipv4 unicast
  neighbor 203.0.113.2 activate
  network 0.0.0.0/0
  network 203.0.113.0/24
 exit-address-family
 address-family ipv6 unicast
  neighbor 2001:db8:d78:f00::2 activate
  network ::/0
  network 2001:db8:ffff::/48
 exit-address-family
FRR
  chown frr:frr "$dir/frr.conf"
  for daemon in zebra bgpd; do
    ip netns exec "$bgp_up" /usr/lib/frr/$daemon -d -N "$bgp_up" -f "$dir/frr.conf" \
      -i "$dir/$daemon.pid" --vty_socket "$dir" -z "$dir/zserv.api" 2>>"$dir/frr.log"
  done
  ip netns exec "$bgp_gw" gobgpd -f "$conf" -t toml --api-hosts 127.0.0.1:50051 >"$dir/gobgpd.log" 2>&1 &
  gobgpd_pid=$!
  g() { ip netns exec "$bgp_gw" gobgp -p 50051 "$@"; }
  up() { ip netns exec "$bgp_up" vtysh --vty_socket "$dir" -c "$1"; }
  api_answers() { g neighbor >/dev/null 2>&1; }
  both_established() { [ "$(g neighbor | grep -c Establ)" -eq 2 ]; }
  routes_exchanged() {
    up 'show bgp ipv6 unicast' | grep -q '2001:db8:d78::3:0:0/125' && g global rib -a ipv6 | grep -q ' ::/0 '
  }
  wait_until "gobgpd's API to answer" 10 api_answers || return 1
  g global rib add 192.0.2.0/30 -a ipv4
  g global rib add 198.51.100.0/24 -a ipv4
  g global rib add 2001:db8:d78::3:0:0/125 -a ipv6
  # Both sessions up, then the upstream has what it will get.
  wait_until "both BGP sessions to be Established" 30 both_established || { g neighbor; return 1; }
  wait_until "the upstream to hold the IPv6 pool and the gateway ::/0" 10 routes_exchanged || return 1
  sleep 1
  local rib4 rib6 up4 up6 pool
  rib4=$(g global rib -a ipv4); rib6=$(g global rib -a ipv6)
  up4=$(up 'show bgp ipv4 unicast'); up6=$(up 'show bgp ipv6 unicast')
  pool=$(up 'show bgp ipv4 unicast 192.0.2.0/30')
  g neighbor
  local ok=yes
  expect() { # WHAT TEXT PATTERN present|absent
    if grep -q -- "$3" <<<"$2"; then [ "$4" = present ] && return 0; else [ "$4" = absent ] && return 0; fi
    echo "  expected $3 $4 in $1"; ok=no
  }
  expect "the gateway's IPv4 RIB" "$rib4" ' 0.0.0.0/0 .* 64500 ' present
  expect "the gateway's IPv4 RIB" "$rib4" '203.0.113.0/24' absent
  expect "the gateway's IPv6 RIB" "$rib6" ' ::/0 .* 64500 ' present
  expect "the gateway's IPv6 RIB" "$rib6" '2001:db8:ffff::/48' absent
  expect "the upstream's IPv4 table" "$up4" '192.0.2.0/30 .*64513' present
  expect "the upstream's IPv4 table" "$up4" '198.51.100.0/24' absent
  expect "the upstream's IPv6 table" "$up6" '2001:db8:d78::3:0:0/125' present
  expect "the upstream's view of 192.0.2.0/30" "$pool" 'Community: no-export' present
  [ "$ok" = yes ] && echo "  gateway took only ::/0 and 0.0.0.0/0; upstream got only the pools, with no-export"
  [ "$ok" = yes ]
)
check "gobgpd.conf filters against an FRR upstream (import default only, export pools only)" bgp_filters

# A bad variable must stop the play before the first task, naming the variable: --check and a
# local connection, since nothing may be reached or changed even if the spec failed to catch it.
bad_variables() {
  local out
  out=$(cd deploy/ansible && ansible-playbook site.yml --limit border0-chbtl0 --connection local --check \
    -e border_gateway_nat64_engine=bogus -e '{"border_gateway_bgp_neighbors": [{"address": "203.0.113.1"}]}' 2>&1) &&
    { echo "the play ran with bad variables"; return 1; }
  grep -q 'border_gateway_nat64_engine must be one of: jool, tayga, got: bogus' <<<"$out" &&
    grep -q 'missing required arguments: asn found in border_gateway_bgp_neighbors' <<<"$out" &&
    grep -Eq 'ok=[0-9]+ +changed=0 ' <<<"$out" || { echo "$out" | tail -n 5; return 1; }
}
check "bad variables stop the play, named by argument_specs" bad_variables

echo "== deploy: the Debian package"
check build-deb scripts/build-deb.sh
deb=$(ls -t artifacts/deb/border_*.deb 2>/dev/null | head -n 1 || true)
echo "== deploy: the role applied twice to a throwaway target"
# The target has no network of its own: its packages are fetched now and given to its apt.
# --reinstall fetches them even where this machine has them installed already.
# They go to a directory of our own: this machine's apt may clean its cache after every dpkg run.
mkdir -p "$scratch/debs/partial"
fetch=(apt-get install -y -q --reinstall --download-only --no-install-recommends
  -o "Dir::Cache::archives=$scratch/debs" "${target_packages[@]}")
"${fetch[@]}" >"$scratch/apt-download.log" 2>&1 ||
  { apt-get update -q >/dev/null && "${fetch[@]}" >"$scratch/apt-download.log" 2>&1; } ||
  { cat "$scratch/apt-download.log"; echo "deploy/ci.sh: could not fetch the target's packages" >&2; exit 2; }
mkdir -p "$scratch/target"
idempotence() {
  # unshare: the target's mounts and network namespace exist only as long as its processes, which
  # live in a PID namespace of their own: when its first process (the inner ci.sh) ends, however
  # it ends, the kernel ends every other, and the namespaces and mounts are gone with them.
  # A network namespace of its own keeps the role's sysctls (forwarding) off this machine.
  # In the background, so that a signal reaches on_signal at once rather than after the wait.
  unshare --mount --net --pid --fork --kill-child -- \
    "$repo/deploy/ci.sh" --target "$scratch/target" "$repo" "$scratch/debs" &
  target_pid=$!
  local status=0
  wait "$target_pid" || status=$?
  target_pid=
  return "$status"
}
check "idempotence: second run changed=0" idempotence

install_deb() {
  if dpkg -s border >/dev/null 2>&1; then
    echo "border is already installed here: leaving it, installing over it"
  else
    deb_installed_here=yes
  fi
  if ! getent group border >/dev/null; then group_created_here=yes; fi
  dpkg -i "$deb" && dpkg -s border | grep -E '^(Status|Version):' && getent group border &&
    test -f /lib/systemd/system/border.service && /usr/bin/border version || return 1
  # systemd's own parser on the unit as installed; it exits 0 on warnings, so any output fails.
  command -v systemd-analyze >/dev/null ||
    { echo "systemd-analyze is missing (Debian's systemd package): border.service cannot be verified"; return 1; }
  local out
  out=$(systemd-analyze verify /lib/systemd/system/border.service 2>&1)
  if [ -n "$out" ]; then echo "$out"; return 1; fi
  echo "systemd-analyze verify border.service: no warnings"
}
echo "== deploy: the package installed here"
check "dpkg -i $(basename "$deb") and border version" install_deb

echo "deploy: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
