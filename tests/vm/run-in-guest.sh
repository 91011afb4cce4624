#!/usr/bin/env bash
# Boot the VM tier's guest once and run SHARE_DIR/scenario.sh inside it.
#
# Usage: tests/vm/run-in-guest.sh SHARE_DIR [TIMEOUT_SECONDS]
#
# SHARE_DIR is shared with the guest over 9p (mounted at /share, cache=loose:
# do not change it while the guest runs). The guest runs `bash
# /share/scenario.sh` with /share as its working directory and BORDER_SHARE=/share,
# and writes output.log and exit-status there; QEMU's serial console goes to
# SHARE_DIR/console.log. The guest's root image is used with snapshot=on: each
# boot starts from the same clean image.
#
# Exit status: the scenario's own exit status, or
#   76   QEMU is installed but failed before the guest's first console line: its output printed
#   77   QEMU is not installed here: reason printed (the tests skip on it, except under CI=true)
#   78   the guest is not built (run tests/vm/build-guest.sh)
#   124  the time limit (default 300 s) ran out; QEMU was killed
#   125  the guest ended without reporting a scenario status (see console.log)
#
# Environment: BORDER_VM_DIR (guest directory, default <repo>/.cache/vm),
# BORDER_VM_KERNEL (the kernel QEMU boots, default BORDER_VM_DIR/vmlinux),
# BORDER_VM_MEM (MiB, default 1024), BORDER_VM_SMP (default 2),
# BORDER_VM_APPEND (extra kernel command line words), BORDER_VM_TIMES (a file
# this run appends "boot SHARE_NAME MILLISECONDS" to, for test.sh's total).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/../.." && pwd)
VM_DIR=${BORDER_VM_DIR:-$REPO/.cache/vm}

usage() { echo "usage: $0 SHARE_DIR [TIMEOUT_SECONDS]" >&2; exit 2; }
[[ $# -ge 1 && $# -le 2 ]] || usage
SHARE=$(cd "$1" 2>/dev/null && pwd) || { echo "run-in-guest: no such directory: $1" >&2; exit 2; }
TIMEOUT=${2:-300}
[[ $TIMEOUT =~ ^[0-9]+$ && $TIMEOUT -ge 10 ]] || { echo "run-in-guest: TIMEOUT_SECONDS must be a number >= 10" >&2; exit 2; }
[[ -f $SHARE/scenario.sh ]] || { echo "run-in-guest: $SHARE/scenario.sh does not exist" >&2; exit 2; }

QEMU=$(command -v qemu-system-x86_64 || true)
if [[ -z $QEMU ]]; then
    echo "run-in-guest: cannot run QEMU: qemu-system-x86_64 is not installed (apt-get install --no-install-recommends qemu-system-x86)" >&2
    exit 77
fi
for f in vmlinux initrd.img rootfs.ext4; do
    if [[ ! -s $VM_DIR/$f ]]; then
        echo "run-in-guest: the guest is not built ($VM_DIR/$f is missing); run tests/vm/build-guest.sh" >&2
        exit 78
    fi
done

# The scenario gets a little less time than QEMU so that the guest can still
# write its output and status when the scenario runs out of time.
GUEST_TIMEOUT=$(( TIMEOUT > 40 ? TIMEOUT - 20 : TIMEOUT / 2 ))

rm -f "$SHARE/console.log" "$SHARE/output.log" "$SHARE/exit-status" "$SHARE/init-error" "$SHARE/qemu.log"

# shellcheck disable=SC2054  # the commas are QEMU option syntax
QEMU_ARGS=(
    -name border-vm
    -nodefaults -no-user-config -display none -no-reboot
    -accel tcg,thread=multi -cpu max
    -smp "${BORDER_VM_SMP:-2}" -m "${BORDER_VM_MEM:-1024}"
    -kernel "${BORDER_VM_KERNEL:-$VM_DIR/vmlinux}"
    -initrd "$VM_DIR/initrd.img"
    -append "console=ttyS0 quiet loglevel=3 panic=-1 border.timeout=$GUEST_TIMEOUT cryptomgr.notests mitigations=off tsc=reliable no_timer_check ${BORDER_VM_APPEND:-}"
    -drive "file=$VM_DIR/rootfs.ext4,if=virtio,format=raw,snapshot=on,cache=unsafe"
    -nic none
    -virtfs "local,path=$SHARE,mount_tag=share,security_model=none,multidevs=remap"
    -device isa-debug-exit,iobase=0xf4,iosize=0x04
    -serial "file:$SHARE/console.log"
)

QPID=""
# Is our child QEMU still running? Read its state from /proc (a dead child
# stays a zombie until we wait for it; kill -0 cannot tell).
qemu_running() {
    local stat state
    stat=$(cat "/proc/$QPID/stat" 2>/dev/null) || return 1
    state=${stat##*) }; state=${state%% *}
    [[ $state != Z && $state != X ]]
}
# Waits up to SECONDS (in 0.1 s steps) for QEMU to end.
wait_qemu_end() {
    local steps=$(( $1 * 10 )) i
    for ((i = 0; i < steps; i++)); do
        qemu_running || return 0
        sleep 0.1
    done
    ! qemu_running
}
stop_qemu() {
    [[ -n $QPID ]] || return 0
    if qemu_running; then
        kill -TERM "$QPID" 2>/dev/null || true
        wait_qemu_end 5 || kill -KILL "$QPID" 2>/dev/null || true
    fi
    wait "$QPID" 2>/dev/null || true
    QPID=""
}
on_signal() { echo "run-in-guest: interrupted; stopping QEMU (pid $QPID)" >&2; stop_qemu; exit 130; }
trap on_signal INT TERM
trap stop_qemu EXIT

START_NS=$(date +%s%N)
"$QEMU" "${QEMU_ARGS[@]}" > "$SHARE/qemu.log" 2>&1 < /dev/null &
QPID=$!

timed_out=0
wait_qemu_end "$TIMEOUT" || timed_out=1
if [[ $timed_out -eq 1 ]]; then
    echo "run-in-guest: time limit of $TIMEOUT s reached; killing QEMU (pid $QPID)" >&2
    stop_qemu
fi
qrc=0
if [[ -n $QPID ]]; then
    wait "$QPID" || qrc=$?
    QPID=""
fi
ELAPSED_MS=$(( ($(date +%s%N) - START_NS) / 1000000 ))
ELAPSED=$(printf '%d.%03d' $((ELAPSED_MS / 1000)) $((ELAPSED_MS % 1000)))

console_tail() {
    if [[ -s $SHARE/console.log ]]; then
        echo "---- last lines of $SHARE/console.log ----" >&2
        tail -n 40 "$SHARE/console.log" >&2
        echo "----" >&2
    fi
}

if [[ -s $SHARE/output.log ]]; then
    echo "---- scenario output ($SHARE/output.log) ----"
    cat "$SHARE/output.log"
    echo "----"
fi

if [[ $timed_out -eq 1 ]]; then
    console_tail
    echo "run-in-guest: timed out after ${ELAPSED} s (boot + run)" >&2
    exit 124
fi

# QEMU's status is 2*rc+1 when the guest left through isa-debug-exit.
if [[ -s $SHARE/exit-status ]] && [[ $(cat "$SHARE/exit-status") =~ ^[0-9]+$ ]]; then
    rc=$(cat "$SHARE/exit-status")
    if [[ -s $SHARE/init-error ]]; then
        echo "run-in-guest: guest init failed: $(cat "$SHARE/init-error")" >&2
        console_tail
    fi
elif (( qrc % 2 == 1 )) && [[ ! -s $SHARE/qemu.log || $qrc -ne 1 ]]; then
    rc=$(( (qrc - 1) / 2 ))
    echo "run-in-guest: no exit-status file; status $rc from the debug-exit port" >&2
    console_tail
elif [[ ! -s $SHARE/console.log ]]; then
    # QEMU ended without the guest ever writing to the console: it did not start. It is installed, so this is a
    # failure to boot, not a machine without QEMU.
    echo "run-in-guest: QEMU exited with status $qrc before the guest started:" >&2
    sed 's/^/  /' "$SHARE/qemu.log" >&2
    exit 76
else
    echo "run-in-guest: the guest ended without a scenario status (QEMU status $qrc)" >&2
    console_tail
    rc=125
fi

BOOT=$(sed -n 's/^border-guest-init: up after \([0-9.]*\) s.*/\1/p' "$SHARE/console.log" 2>/dev/null | head -n 1)
echo "run-in-guest: boot + run took ${ELAPSED} s (guest up after ${BOOT:-?} s of it); scenario exit status $rc"
if [[ -n ${BORDER_VM_TIMES:-} ]]; then
    echo "boot $(basename "$SHARE") $ELAPSED_MS" >> "$BORDER_VM_TIMES"
fi
exit "$rc"
