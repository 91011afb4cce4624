#!/usr/bin/env bash
# Record what the real jool CLI prints, and its exit codes, for the Jool
# engine's tests (Border.Tests/Nat/Jool/Recorded/).
#
# Usage:
#   tests/vm/record-jool.sh            on the host: records the host's failure
#                                      outputs (jool-tools, no module) as
#                                      host-no-module-*, then boots the guest and
#                                      records the real module's outputs there
#   tests/vm/record-jool.sh --in-guest DIR
#                                      inside the guest (used by the above)
#
# Each recording NAME is four files: NAME.args (the jool arguments, one a line),
# NAME.stdout, NAME.stderr and NAME.exit (the exit code). The JSON files given
# to `jool file handle` are saved as input-*.json.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# The lab's instance (DESIGN.md): NAT64 prefix 2001:db8:d78:564::/96, gw1's pool4.
write_inputs() { # DIR
    local dir=$1
    jool_json border 2001:db8:d78:564::/96 192.0.2.0/30 > "$dir/input-border.json"
    jool_json border 2001:db8:d78:564::/96 192.0.2.4/30 > "$dir/input-border-pool4-changed.json"
    jool_json border 2001:db8:d78:565::/96 192.0.2.0/30 > "$dir/input-border-pool6-changed.json"
    printf '{\n  "instance": "border",\n  "framework": "netfilter",\n  "global": {\n' > "$dir/input-invalid.json"
}

jool_json() { # INSTANCE POOL6 POOL4
    cat <<EOF
{
  "instance": "$1",
  "framework": "netfilter",
  "global": {
    "pool6": "$2",
    "lowest-ipv6-mtu": 1280
  },
  "pool4": [
    { "protocol": "TCP", "prefix": "$3", "port range": "1024-65535" },
    { "protocol": "UDP", "prefix": "$3", "port range": "1024-65535" },
    { "protocol": "ICMP", "prefix": "$3" }
  ]
}
EOF
}

# record DIR NAME ARGS...: runs `jool ARGS...` from DIR and saves what it said.
record() {
    local dir=$1 name=$2; shift 2
    printf '%s\n' "$@" > "$dir/$name.args"
    run_and_save "$dir" "$name" jool "$@"
}

# record_modprobe DIR NAME [WRAPPER...]: runs `modprobe jool`, as border does, and saves what it said. NAME starts
# with modprobe- (the tests take the program from the name). WRAPPER runs it in a changed machine.
record_modprobe() {
    local dir=$1 name=$2; shift 2
    [[ $name == modprobe-* ]] || { echo "record-jool: recording $name of modprobe must be named modprobe-*" >&2; return 1; }
    echo jool > "$dir/$name.args"
    run_and_save "$dir" "$name" "$@" modprobe jool
}

# run_and_save DIR NAME COMMAND...: runs COMMAND from DIR and saves its stdout, stderr and exit code as NAME.*.
run_and_save() {
    local dir=$1 name=$2; shift 2
    local rc=0
    (cd "$dir" && timeout 20 "$@" > "$name.stdout" 2> "$name.stderr") || rc=$?
    echo "$rc" > "$dir/$name.exit"
    printf '  %-40s exit %3d  %s\n' "$name" "$rc" "$*"
}

# A wrapper for record_modprobe: a private mount namespace whose /lib/modules is empty, a machine without a module
# tree for the running kernel (as the build machines are).
WITHOUT_MODULE_TREE=(unshare --mount --propagation private sh -c 'mount -t tmpfs none /lib/modules && exec "$@"' sh)

# ------------------------------------------------------------------- in guest
record_in_guest() { # DIR
    local dir=$1
    mkdir -p "$dir"
    write_inputs "$dir"
    echo "recording in the guest: kernel $(uname -r)"

    if grep -qE '^jool(_common)? ' /proc/modules; then
        echo "jool is loaded before the recorder loaded it" >&2
        return 1
    fi
    record_modprobe "$dir" modprobe-jool
    record_modprobe "$dir" modprobe-jool-loaded
    record "$dir" version --version
    record "$dir" help --help

    # file handle: create, the same again, a changed pool4, a changed pool6,
    # a broken file, a missing file.
    record "$dir" file-handle-create file handle input-border.json
    record "$dir" instance-display instance display
    record "$dir" instance-display-csv instance display --csv
    record "$dir" global-display -i border global display
    record "$dir" global-display-csv -i border global display --csv
    record "$dir" pool4-display -i border pool4 display
    record "$dir" pool4-display-csv -i border pool4 display --csv
    record "$dir" pool4-display-csv-tcp -i border pool4 display --csv --tcp
    record "$dir" pool4-display-csv-udp -i border pool4 display --csv --udp
    record "$dir" pool4-display-csv-icmp -i border pool4 display --csv --icmp
    record "$dir" stats-display-csv -i border stats display --csv
    record "$dir" stats-display-csv-all -i border stats display --csv --all
    record "$dir" session-display-csv -i border session display --csv --numeric
    record "$dir" bib-display-csv -i border bib display --csv --numeric

    record "$dir" file-handle-unchanged file handle input-border.json
    record "$dir" global-display-csv-after-unchanged -i border global display --csv
    record "$dir" pool4-display-csv-after-unchanged -i border pool4 display --csv

    record "$dir" file-handle-pool4-changed file handle input-border-pool4-changed.json
    record "$dir" pool4-display-csv-after-pool4-changed -i border pool4 display --csv
    record "$dir" pool4-display-csv-udp-after-pool4-changed -i border pool4 display --csv --udp

    record "$dir" file-handle-pool6-changed file handle input-border-pool6-changed.json
    record "$dir" global-display-csv-after-pool6-changed -i border global display --csv

    record "$dir" file-handle-invalid-json file handle input-invalid.json
    record "$dir" file-handle-missing-file file handle input-does-not-exist.json

    # The instance goes away.
    record "$dir" instance-remove instance remove border
    record "$dir" instance-display-no-instance instance display
    record "$dir" instance-display-csv-no-instance instance display --csv
    record "$dir" global-display-no-instance -i border global display
    record "$dir" global-display-csv-no-instance -i border global display --csv
    record "$dir" pool4-display-no-instance -i border pool4 display
    record "$dir" pool4-display-csv-no-instance -i border pool4 display --csv
    record "$dir" pool4-display-csv-udp-no-instance -i border pool4 display --csv --udp
    record "$dir" stats-display-csv-no-instance -i border stats display --csv
    record "$dir" instance-remove-no-instance instance remove border

    # The module goes away.
    modprobe -r jool
    if grep -qE '^jool(_common)? ' /proc/modules; then
        echo "jool is still loaded after modprobe -r jool" >&2
        return 1
    fi
    record "$dir" version-no-module --version
    record "$dir" instance-display-no-module instance display
    record "$dir" instance-display-csv-no-module instance display --csv
    record "$dir" global-display-no-module -i border global display
    record "$dir" global-display-csv-no-module -i border global display --csv
    record "$dir" pool4-display-csv-no-module -i border pool4 display --csv
    record "$dir" file-handle-no-module file handle input-border.json
    record "$dir" instance-remove-no-module instance remove border
    record_modprobe "$dir" modprobe-jool-no-module-tree "${WITHOUT_MODULE_TREE[@]}"

    {
        echo "KERNEL_VERSION=$(uname -r)"
        echo "JOOL_CLI_VERSION=$(jool --version)"
        echo "JOOL_TOOLS_DEB_VERSION=$(dpkg-query -W -f '${Version}' jool-tools)"
        echo "JOOL_DKMS_DEB_VERSION=$(dpkg-query -W -f '${Version}' jool-dkms)"
    } > "$dir/guest-versions.env"
}

# ----------------------------------------------------------------------- host
record_on_host() { # DIR
    local dir=$1 tmp
    if ! command -v jool > /dev/null; then
        echo "record-jool: jool-tools is not installed on the host; not recording host-no-module-*" >&2
        return 0
    fi
    if [[ -d /sys/module/jool || -d /sys/module/jool_common ]]; then
        echo "record-jool: this host has the Jool module loaded; not recording host-no-module-*" >&2
        return 0
    fi
    tmp=$(mktemp -d)
    write_inputs "$tmp"
    echo "recording on the host ($(uname -r), no Jool module):"
    record "$tmp" version --version
    record "$tmp" instance-display instance display
    record "$tmp" instance-display-csv instance display --csv
    record "$tmp" global-display -i border global display
    record "$tmp" global-display-csv -i border global display --csv
    record "$tmp" pool4-display-csv -i border pool4 display --csv
    record "$tmp" file-handle file handle input-border.json
    record "$tmp" instance-remove instance remove border
    if command -v modprobe > /dev/null; then
        record_modprobe "$tmp" modprobe-jool
    else
        echo "record-jool: kmod is not installed on the host; not recording host-no-module-modprobe-jool" >&2
    fi
    local f
    for f in "$tmp"/*.args; do
        f=$(basename "${f%.args}")
        for ext in args stdout stderr exit; do
            cp "$tmp/$f.$ext" "$dir/host-no-module-$f.$ext"
        done
    done
    echo "HOST_JOOL_TOOLS_DEB_VERSION=$(dpkg-query -W -f '${Version}' jool-tools 2>/dev/null || echo unknown)" \
        > "$dir/host-versions.env"
    rm -rf "$tmp"
}

write_readme() { # DIR
    local dir=$1 jool kver
    jool=$(sed -n 's/^JOOL_CLI_VERSION=//p' "$dir/guest-versions.env")
    kver=$(sed -n 's/^KERNEL_VERSION=//p' "$dir/guest-versions.env")
    cat > "$dir/README.md" <<EOF
# Recorded outputs of the real jool CLI

Recorded from the real Jool $jool (the jool-dkms kernel module and jool-tools
from Debian bookworm, $(sed -n 's/^JOOL_TOOLS_DEB_VERSION=//p' "$dir/guest-versions.env")) in the VM tier's guest
(kernel $kver) by \`tests/vm/record-jool.sh\`. Do not edit them by hand.

Each recording \`NAME\` is four files:

| file | content |
| --- | --- |
| \`NAME.args\` | the arguments given to \`jool\` (to \`modprobe\` for \`modprobe-*\`), one a line |
| \`NAME.stdout\` | what it wrote to standard output |
| \`NAME.stderr\` | what it wrote to standard error |
| \`NAME.exit\` | its exit code |

The commands ran in this order, each in the state the previous ones left:
\`modprobe jool\` loading the module (\`modprobe-jool\`) and again
(\`modprobe-jool-loaded\`), \`file handle input-border.json\` creating instance
\`border\` (pool6 2001:db8:d78:564::/96, pool4 192.0.2.0/30 TCP/UDP 1024-65535
and ICMP, lowest-ipv6-mtu 1280), queries, the same file again (\`-unchanged\`),
a changed pool4 (\`-pool4-changed\`, 192.0.2.4/30), a changed pool6
(\`-pool6-changed\`), a broken and a missing file, \`instance remove border\`,
the same queries with the instance gone (\`-no-instance\`), then
\`modprobe -r jool\` and the queries with the module gone (\`-no-module\`),
and last \`modprobe jool\` in a private mount namespace whose \`/lib/modules\`
is empty (\`modprobe-jool-no-module-tree\`: a machine without the module's
files). The \`input-*.json\` files are the files given to \`jool file handle\`.

\`host-no-module-*\` were recorded on a build machine that has jool-tools
($(sed -n 's/^HOST_JOOL_TOOLS_DEB_VERSION=//p' "$dir/host-versions.env" 2>/dev/null)) but cannot load kernel modules: the
CLI's answer when Jool's module is not there at all (and modprobe's, as
\`host-no-module-modprobe-jool\`, when kmod is installed there).

Values that change from run to run: the Namespace column of \`instance
display\` (a kernel address), the counters of \`stats display\`, and the
guest's kernel version in the module directory modprobe names.

## Regenerate

As root, from the repository root:

    tests/vm/build-guest.sh     # once; about 2 minutes, cached in .cache/vm
    tests/vm/record-jool.sh     # about 25 s; rewrites this folder

Then review the diff: a change in these files is a change in what the engine
must parse.
EOF
}

# ----------------------------------------------------------------------- main
if [[ ${1:-} == --in-guest ]]; then
    [[ $# -eq 2 ]] || { echo "usage: $0 --in-guest DIR" >&2; exit 2; }
    record_in_guest "$2"
    exit 0
fi
[[ $# -eq 0 ]] || { echo "usage: $0 [--in-guest DIR]" >&2; exit 2; }

REPO=$(cd "$SCRIPT_DIR/../.." && pwd)
DEST=$REPO/Border.Tests/Nat/Jool/Recorded
SHARE=$(mktemp -d "${TMPDIR:-/tmp}/border-vm.record-jool.XXXXXX")
cp "${BASH_SOURCE[0]}" "$SHARE/record-jool.sh"
cat > "$SHARE/scenario.sh" <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
bash /share/record-jool.sh --in-guest /share/recorded
EOF

rc=0
"$SCRIPT_DIR/run-in-guest.sh" "$SHARE" 180 || rc=$?
if [[ $rc -ne 0 || ! -s $SHARE/recorded/guest-versions.env ]]; then
    echo "record-jool: the guest run failed (exit $rc); share kept in $SHARE" >&2
    exit $(( rc == 0 ? 1 : rc ))
fi

mkdir -p "$DEST"
# Replace the recordings whole: a recording that is no longer made must go.
find "$DEST" -maxdepth 1 -type f \( -name '*.args' -o -name '*.stdout' -o -name '*.stderr' \
    -o -name '*.exit' -o -name 'input-*.json' -o -name '*-versions.env' -o -name README.md \) -delete
cp "$SHARE"/recorded/* "$DEST/"
record_on_host "$DEST"
write_readme "$DEST"
rm -rf "$SHARE"
echo "record-jool: $(find "$DEST" -maxdepth 1 -name '*.exit' | wc -l) recordings in ${DEST#"$REPO"/}"
