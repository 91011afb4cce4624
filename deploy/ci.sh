#!/usr/bin/env bash
# The deployment checks, as root on a Debian 12 machine (CI's kind). In order:
#   1. ansible-lint (Debian's) and ansible-playbook --syntax-check on deploy/ansible, and a bad
#      variable stopping the play before its first task (meta/argument_specs.yml);
#   2. the role's templates rendered for each of the four sites, every file checked by the tool
#      that reads it (border validate, vtysh --dryrun, gobgpd --dry-run, unbound-checkconf), and
#      each border.json compared with examples/sites/NAME.json (same JSON, comments aside);
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
    grep -q '^Wants=frr.service unbound.service$' "$dir/border.service.d-10-daemons.conf"
}
check "variant bgpd + tayga + nat66 off renders and validates" variant

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
  if command -v systemd-analyze >/dev/null; then
    local out
    out=$(systemd-analyze verify /lib/systemd/system/border.service 2>&1)
    if [ -n "$out" ]; then echo "$out"; return 1; fi
    echo "systemd-analyze verify border.service: no warnings"
  else
    echo "systemd-analyze is not installed: the unit is not verified"
  fi
}
echo "== deploy: the package installed here"
check "dpkg -i $(basename "$deb") and border version" install_deb

echo "deploy: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
