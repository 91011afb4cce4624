#!/bin/bash
# PID 1 of the VM tier's guest (installed by the initramfs as
# /sbin/border-guest-init). Mounts what the scenarios need, mounts the host's
# share at /share, runs /share/scenario.sh, writes its output and exit status
# to the share and leaves QEMU through the isa-debug-exit port.
#
# Kernel command line: border.timeout=SECONDS (scenario time limit, default 240).
#
# Files written to the share:
#   output.log    the scenario's stdout and stderr (copied to the console after)
#   exit-status   the scenario's exit status (a number), or the init's own
#                 failure code 125 with the reason in init-error
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=dumb

SHARE=/share

# Leave QEMU with status 2*rc+1 (isa-debug-exit at port 0xf4).
debug_exit() {
    local rc=$(( $1 & 255 ))
    sync
    printf "\\$(printf '%03o' "$rc")" | dd of=/dev/port bs=1 seek=244 count=1 status=none 2>/dev/null
    # Not reached when the port exists; otherwise panic (QEMU runs with -no-reboot).
    echo o > /proc/sysrq-trigger
    sleep 5
    exit "$rc"
}

fail() {
    echo "border-guest-init: $*" >&2
    if mountpoint -q "$SHARE"; then
        echo "$*" > "$SHARE/init-error"
        echo 125 > "$SHARE/exit-status"
        sync
        umount "$SHARE" 2>/dev/null
    fi
    debug_exit 125
}

mount -t proc proc /proc || fail "mount /proc"
mount -t sysfs sysfs /sys || fail "mount /sys"
[[ -c /dev/null ]] || mount -t devtmpfs devtmpfs /dev || fail "mount /dev"
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts || fail "mount /dev/pts"
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t tmpfs -o mode=0755 tmpfs /run || fail "mount /run"
mount -t tmpfs -o mode=1777 tmpfs /tmp || fail "mount /tmp"
mkdir -p /run/lock /run/netns /run/frr /run/unbound
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null || true
mount -t bpf bpf /sys/fs/bpf 2>/dev/null || true
ln -sf /proc/self/fd /dev/fd 2>/dev/null || true

hostname border-vm
ip link set lo up

for mod in 9pnet_virtio 9p; do
    modprobe "$mod" || fail "modprobe $mod"
done
mkdir -p "$SHARE"
mount -t 9p -o trans=virtio,version=9p2000.L,cache=loose,msize=262144 share "$SHARE" \
    || fail "cannot mount the 9p share"

timeout_s=240
for word in $(cat /proc/cmdline); do
    case $word in
        border.timeout=*) timeout_s=${word#border.timeout=} ;;
    esac
done
[[ $timeout_s =~ ^[0-9]+$ ]] || timeout_s=240

echo "border-guest-init: up after $(cut -d' ' -f1 /proc/uptime) s (kernel $(uname -r)); running scenario.sh (limit ${timeout_s} s)"
[[ -f $SHARE/scenario.sh ]] || fail "no scenario.sh in the share"

cd "$SHARE" || fail "cd $SHARE"
rc=0
# Straight to a file: a process the scenario leaves behind cannot hold up the
# init by keeping a pipe open. The console gets a copy afterwards.
BORDER_SHARE=$SHARE timeout -k 5 "$timeout_s" bash "$SHARE/scenario.sh" \
    > "$SHARE/output.log" 2>&1 < /dev/null
rc=$?
[[ $rc -eq 124 ]] && echo "border-guest-init: scenario timed out after ${timeout_s} s" >> "$SHARE/output.log"
cat "$SHARE/output.log"
echo "border-guest-init: scenario exit status $rc at $(cut -d' ' -f1 /proc/uptime) s"

cd /
echo "$rc" > "$SHARE/exit-status"
sync
umount "$SHARE" 2>/dev/null || umount -l "$SHARE" 2>/dev/null || true
debug_exit "$rc"
