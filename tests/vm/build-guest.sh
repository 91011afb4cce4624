#!/usr/bin/env bash
# Build the Debian bookworm guest of the VM test tier: a kernel that QEMU boots
# directly (uncompressed vmlinux, PVH entry), a tiny busybox initramfs and an
# ext4 root image with the real Jool module (built by DKMS for the guest kernel),
# jool-tools and the daemons the scenarios need (FRR, Unbound, Tayga, nftables).
#
# Usage: tests/vm/build-guest.sh [--force]
#
# Output (outside git): ${BORDER_VM_DIR:-<repo>/.cache/vm}
#   vmlinux       uncompressed guest kernel
#   initrd.img    busybox initramfs (loads virtio + ext4, then switch_root)
#   rootfs.ext4   root file system image (QEMU uses it with snapshot=on)
#   guest.env     facts about the guest (kernel and Jool versions)
#   stamp         hash of the inputs the outputs were built from
#
# The Debian mirror is the one this machine's apt already uses (read from the
# apt sources); BORDER_VM_MIRROR overrides it. Needs root.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/../.." && pwd)
OUT=${BORDER_VM_DIR:-$REPO/.cache/vm}
SUITE=bookworm
GUEST_INIT=$SCRIPT_DIR/guest-init.sh

FORCE=0
for arg in "$@"; do
    case $arg in
        --force) FORCE=1 ;;
        -h|--help) sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "build-guest: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

# What goes into the guest. Build-only packages (compiler, headers, dkms) are
# installed too but trimmed from the image.
GUEST_PACKAGES=(
    linux-image-amd64 linux-headers-amd64 jool-dkms jool-tools
    busybox-static kmod procps iproute2 iputils-ping nftables
    frr unbound tayga socat ncat bind9-dnsutils
)
# Modules the initramfs loads, in this order, with their dependencies.
INITRD_MODULES=(crc32c_generic virtio_pci virtio_blk ext4)

START=$SECONDS
log() { printf 'build-guest: [%4ds] %s\n' "$((SECONDS - START))" "$*"; }
die() { printf 'build-guest: error: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "must run as root (debootstrap, chroot, mounts)"

# ---------------------------------------------------------------- inputs hash
inputs_hash() {
    # The root image depends on this script only; the initramfs also on the
    # guest init that it carries.
    case $1 in
        rootfs) sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1 ;;
        initrd) cat "${BASH_SOURCE[0]}" "$GUEST_INIT" | sha256sum | cut -d' ' -f1 ;;
    esac
}

stamp_matches() { # NAME FILE...
    local name=$1; shift
    local f
    for f in "$@"; do [[ -s $OUT/$f ]] || return 1; done
    [[ -f $OUT/stamp.$name ]] && [[ $(cat "$OUT/stamp.$name") == "$(inputs_hash "$name")" ]]
}

# ------------------------------------------------------------- host packages
ensure_host_tools() {
    local missing=() tool pkg
    for pair in debootstrap:debootstrap mkfs.ext4:e2fsprogs xz:xz-utils zstd:zstd gzip:gzip chroot:coreutils flock:util-linux; do
        tool=${pair%%:*}; pkg=${pair#*:}
        command -v "$tool" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0
    log "installing host packages: ${missing[*]}"
    if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
        apt-get update -q
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# ------------------------------------------------------------ mirror from apt
# Prints "URI SUITE" for every enabled binary source of this machine's apt.
apt_source_entries() {
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -f $f ]] || continue
        # deb [opts] URI SUITE COMPONENT...
        sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" | awk '$1 == "deb" && NF >= 3 { print $2, $3 }'
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -f $f ]] || continue
        awk '
            function flush() {
                if (types ~ /(^| )deb( |$)/ && enabled != "no")
                    for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++) print u[i], s[j]
                types = ""; enabled = ""; nu = 0; ns = 0
            }
            /^[ \t]*#/ { next }
            /^[ \t]*$/ { flush(); next }
            {
                key = tolower($1); sub(/:$/, "", key)
                if (key == "types")   { types = ""; for (k = 2; k <= NF; k++) types = types " " $k; types = types " " }
                if (key == "enabled") { enabled = tolower($2) }
                if (key == "uris")    { for (k = 2; k <= NF; k++) u[++nu] = $k }
                if (key == "suites")  { for (k = 2; k <= NF; k++) s[++ns] = $k }
            }
            END { flush() }
        ' "$f"
    done
}

mirror_for_suite() { # SUITE -> URI (first match) or nothing
    apt_source_entries | awk -v s="$1" '$2 == s { print $1; exit }'
}

# ------------------------------------------------------------ chroot mounts
WORK=""
TREE=""
MOUNTS=()

mount_chroot() {
    mount -t proc proc "$TREE/proc";          MOUNTS+=("$TREE/proc")
    mount -t sysfs sysfs "$TREE/sys";         MOUNTS+=("$TREE/sys")
    mount --bind /dev "$TREE/dev";            MOUNTS+=("$TREE/dev")
    mount --bind /dev/pts "$TREE/dev/pts";    MOUNTS+=("$TREE/dev/pts")
}

mounted_under() { # DIR: is anything mounted at or below DIR?
    awk -v d="$1" '$5 == d || index($5, d "/") == 1 { found = 1 } END { exit !found }' /proc/self/mountinfo
}

unmount_chroot() {
    local i m
    for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
        m=${MOUNTS[i]}
        if awk -v d="$m" '$5 == d { f = 1 } END { exit !f }' /proc/self/mountinfo; then
            umount "$m" 2>/dev/null || umount -l "$m" || true
        fi
    done
    MOUNTS=()
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n $TREE ]]; then unmount_chroot; fi
    if [[ -n $WORK && -d $WORK ]]; then
        if mounted_under "$WORK"; then
            echo "build-guest: warning: something is still mounted under $WORK; not deleting it" >&2
        else
            rm -rf "$WORK"
        fi
    fi
    if [[ $rc -ne 0 ]]; then
        echo "build-guest: failed (exit $rc) after $((SECONDS - START))s" >&2
    fi
    exit "$rc"
}

in_chroot() {
    chroot "$TREE" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
        DEBIAN_FRONTEND=noninteractive "$@"
}

# --------------------------------------------------------- vmlinux extraction
# Finds the compressed payload in a bzImage and unpacks it to an ELF vmlinux.
extract_vmlinux() { # BZIMAGE OUT
    local img=$1 out=$2 magic tool off n=0
    for pair in 'xz:\xfd7zXZ\x00' 'zstd:\x28\xb5\x2f\xfd' 'gzip:\x1f\x8b\x08'; do
        tool=${pair%%:*}; magic=${pair#*:}
        # Try each occurrence of the magic (at most 20) until one unpacks to ELF.
        while read -r off; do
            n=$((n + 1)); [[ $n -le 60 ]] || break
            tail -c +"$((off + 1))" "$img" | "$tool" -dc 2>/dev/null > "$out.tmp" || true
            if [[ -s $out.tmp && $(head -c 4 "$out.tmp" | od -An -tx1 | tr -d ' \n') == 7f454c46 ]]; then
                mv "$out.tmp" "$out"
                return 0
            fi
        done < <(LC_ALL=C grep -obUaP "$magic" "$img" | head -n 20 | cut -d: -f1)
    done
    rm -f "$out.tmp"
    return 1
}

# ------------------------------------------------------------------ initramfs
write_initramfs_init() { # FILE
    cat > "$1" <<'EOF'
#!/bin/busybox sh
# border VM tier: load the disk and file system drivers, mount the root image,
# install the guest init from this initramfs and switch to it.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
fail() {
    echo "initramfs: $*"
    # isa-debug-exit: QEMU exits with status 2*125+1.
    printf '\175' | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
    poweroff -f
}
while read -r mod; do
    # A failure here shows later as a missing disk or file system.
    insmod "/modules/$mod" || echo "initramfs: insmod $mod failed"
done < /modules/order
i=0
while [ ! -b /dev/vda ]; do
    i=$((i + 1)); [ $i -le 200 ] || fail "no /dev/vda after 10 s"
    sleep 0.05
done
mkdir -p /newroot
mount -t ext4 -o rw,noatime /dev/vda /newroot || fail "cannot mount /dev/vda"
cp /guest-init /newroot/sbin/border-guest-init && chmod 0755 /newroot/sbin/border-guest-init \
    || fail "cannot install the guest init"
umount /proc /sys
mount --move /dev /newroot/dev
exec switch_root /newroot /sbin/border-guest-init
EOF
    chmod 0755 "$1"
}

# Copies busybox and the initramfs modules out of the tree into PARTS.
collect_initrd_parts() { # KVER PARTS
    local kver=$1 parts=$2 mod line path base
    rm -rf "$parts"; mkdir -p "$parts/modules"
    cp "$TREE/bin/busybox" "$parts/busybox"
    : > "$parts/modules/order"
    for mod in "${INITRD_MODULES[@]}"; do
        while read -r line; do
            case $line in
                insmod\ *) path=${line#insmod }; path=${path%% *} ;;
                *) continue ;;
            esac
            base=$(basename "$path")
            case $base in
                *.ko.xz)  base=${base%.xz};  grep -qxF "$base" "$parts/modules/order" || xz -dc "$TREE$path" > "$parts/modules/$base" ;;
                *.ko.zst) base=${base%.zst}; grep -qxF "$base" "$parts/modules/order" || zstd -qdc "$TREE$path" > "$parts/modules/$base" ;;
                *.ko)     grep -qxF "$base" "$parts/modules/order" || cp "$TREE$path" "$parts/modules/$base" ;;
                *) die "unexpected module file $path" ;;
            esac
            grep -qxF "$base" "$parts/modules/order" || echo "$base" >> "$parts/modules/order"
        done < <(in_chroot modprobe -S "$kver" --show-depends "$mod")
    done
    [[ -s $parts/modules/order ]] || die "no modules found for the initramfs"
}

build_initrd() { # PARTS OUTFILE
    local parts=$1 outfile=$2 stage
    stage=$(mktemp -d "$OUT/initrd-stage.XXXXXX")
    mkdir -p "$stage"/{bin,dev,proc,sys,newroot}
    cp "$parts/busybox" "$stage/bin/busybox"
    cp -r "$parts/modules" "$stage/modules"
    write_initramfs_init "$stage/init"
    cp "$GUEST_INIT" "$stage/guest-init"
    (cd "$stage" && find . | LC_ALL=C sort | "$stage/bin/busybox" cpio -o -H newc 2>/dev/null) \
        | gzip -1 > "$outfile.tmp"
    rm -rf "$stage"
    mv "$outfile.tmp" "$outfile"
}

# ------------------------------------------------------------------- trimming
trim_tree() { # KVER
    local kver=$1 mdir=$TREE/lib/modules/$1/kernel
    # Build tools and sources: only needed to compile Jool.
    rm -rf "$TREE"/usr/src/* "$TREE"/usr/lib/gcc "$TREE"/usr/libexec/gcc \
        "$TREE"/var/lib/dkms "$TREE/lib/modules/$kver/build" "$TREE/lib/modules/$kver/source" \
        "$TREE"/usr/lib/linux-kbuild-* "$TREE"/usr/share/perl "$TREE"/usr/lib/x86_64-linux-gnu/perl
    rm -f "$TREE"/usr/bin/x86_64-linux-gnu-* "$TREE"/usr/bin/{gcc,cc,c++,cpp,g++,as,ld,ld.bfd,ld.gold,gold,objdump,objcopy,strip,ar,ranlib,gprof,make}* \
        "$TREE"/usr/lib/x86_64-linux-gnu/{libbfd,libopcodes,libctf,libgprofng,libasan,libtsan,liblsan,libubsan,libitm,libquadmath,libcc1,libisl,libmpc,libmpfr}*
    # Documentation, caches, package lists, the Debian initrd and kernel.
    rm -rf "$TREE"/usr/share/{doc,man,info,locale,lintian,linda,bash-completion,zsh} \
        "$TREE"/var/lib/apt/lists/* "$TREE"/var/cache/apt/* "$TREE"/var/cache/debconf/*-old \
        "$TREE"/var/log/* "$TREE"/boot/* "$TREE"/lib/firmware
    # Drivers a virtio guest without hardware never loads.
    rm -rf "$mdir"/sound "$mdir"/drivers/{gpu,media,infiniband,staging,usb,bluetooth,hid,iio,isdn,mmc,nfc,scsi,ata,md,input,net/wireless,net/ethernet,net/can,net/usb,net/wwan,net/ieee802154,hwmon,edac,thunderbolt,firewire,platform,video,mtd,pcmcia,leds,power,w1,spi,i2c,misc,rtc,watchdog,target,nvme,fpga,mfd,regulator,pinctrl,gpio,acpi,memstick,ntb,soundwire,vfio,vdpa,xen,hyperv,comedi,ssb,bcma} \
        "$mdir"/net/{wireless,mac80211,bluetooth,nfc,ieee802154,mac802154,6lowpan,can,wimax,rxrpc,sunrpc,ceph,rds,tipc,sctp,smc,atm,mpls,l2tp} \
        "$mdir"/fs/{nfs,nfsd,cifs,smb,ceph,ocfs2,gfs2,xfs,btrfs,f2fs,jfs,ntfs,ntfs3,reiserfs,nilfs2,ubifs,udf,hfs,hfsplus,ufs,orangefs,afs,coda,dlm,erofs,squashfs,isofs,cramfs,romfs,exfat,fat,vboxsf,zonefs,gfs2,ksmbd,lockd,nfs_common}
    in_chroot depmod "$kver"
}

# ----------------------------------------------------------------------- main
ensure_host_tools
mkdir -p "$OUT"
exec 9> "$OUT/.lock"
flock -w 1800 9 || die "another build holds $OUT/.lock"

if [[ $FORCE -eq 0 ]] && stamp_matches rootfs vmlinux rootfs.ext4 guest.env initrd-parts/busybox; then
    if stamp_matches initrd initrd.img; then
        log "guest in $OUT is up to date (stamp matches); nothing to do"
        exit 0
    fi
    log "guest init changed: rebuilding the initramfs only"
    build_initrd "$OUT/initrd-parts" "$OUT/initrd.img"
    inputs_hash initrd > "$OUT/stamp.initrd"
    log "initramfs rebuilt in $((SECONDS - START))s"
    exit 0
fi

MIRROR=${BORDER_VM_MIRROR:-$(mirror_for_suite "$SUITE")}
[[ -n $MIRROR ]] || die "no apt source for suite '$SUITE' in /etc/apt; set BORDER_VM_MIRROR"
SECURITY_MIRROR=$(mirror_for_suite "$SUITE-security")
UPDATES_MIRROR=$(mirror_for_suite "$SUITE-updates")

trap cleanup EXIT INT TERM
rm -f "$OUT"/stamp.* "$OUT"/vmlinux "$OUT"/initrd.img "$OUT"/rootfs.ext4 "$OUT"/guest.env
rm -rf "$OUT"/work.* "$OUT"/initrd-stage.* "$OUT"/initrd-parts
WORK=$(mktemp -d "$OUT/work.XXXXXX")
TREE=$WORK/tree

log "debootstrap $SUITE (minbase) from the mirror in this machine's apt sources"
debootstrap --variant=minbase --include=kmod,iproute2,iputils-ping "$SUITE" "$TREE" "$MIRROR" \
    > "$WORK/debootstrap.log" 2>&1 || { tail -n 30 "$WORK/debootstrap.log" >&2; die "debootstrap failed"; }

log "configuring apt, dpkg and initramfs-tools in the tree"
{
    echo "deb $MIRROR $SUITE main"
    [[ -n $UPDATES_MIRROR ]] && echo "deb $UPDATES_MIRROR $SUITE-updates main"
    [[ -n $SECURITY_MIRROR ]] && echo "deb $SECURITY_MIRROR $SUITE-security main"
} > "$TREE/etc/apt/sources.list"
cat > "$TREE/etc/apt/apt.conf.d/90border-vm" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
Acquire::Check-Valid-Until "false";
Dpkg::Options { "--force-unsafe-io"; };
EOF
cat > "$TREE/etc/dpkg/dpkg.cfg.d/90border-vm" <<'EOF'
force-unsafe-io
path-exclude=/usr/share/doc/*
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-exclude=/usr/share/lintian/*
EOF
printf '#!/bin/sh\n# No service starts while building the image.\nexit 101\n' > "$TREE/usr/sbin/policy-rc.d"
chmod 0755 "$TREE/usr/sbin/policy-rc.d"
mkdir -p "$TREE/etc/initramfs-tools/conf.d"
# Debian's initrd is not used to boot (we build our own), but the kernel
# package makes one: keep it small and fast to make.
printf 'MODULES=list\nCOMPRESS=gzip\n' > "$TREE/etc/initramfs-tools/conf.d/border-vm"
printf 'virtio_pci\nvirtio_blk\next4\n' >> "$TREE/etc/initramfs-tools/modules"

mount_chroot
log "apt-get install: ${GUEST_PACKAGES[*]}"
in_chroot apt-get update -q > "$WORK/apt.log" 2>&1 || { tail -n 30 "$WORK/apt.log" >&2; die "apt-get update in the tree failed"; }
in_chroot apt-get install -y -q "${GUEST_PACKAGES[@]}" >> "$WORK/apt.log" 2>&1 \
    || { tail -n 40 "$WORK/apt.log" >&2; die "apt-get install in the tree failed"; }

mapfile -t KVERS < <(ls "$TREE/lib/modules")
[[ ${#KVERS[@]} -eq 1 ]] || die "expected one kernel in the tree, found: ${KVERS[*]:-none}"
KVER=${KVERS[0]}
JOOL_DEB=$(in_chroot dpkg-query -W -f '${Version}' jool-dkms)
JOOL_VER=${JOOL_DEB%%-*}

log "building Jool $JOOL_VER for kernel $KVER with DKMS"
if ! in_chroot dkms install "jool-dkms/$JOOL_VER" -k "$KVER" > "$WORK/dkms.log" 2>&1; then
    # 'already installed' is not an error for us; a missing module is.
    cat "$WORK/dkms.log" >&2
fi
JOOL_KO=$(find "$TREE/lib/modules/$KVER" -name 'jool.ko*' | head -n 1)
[[ -n $JOOL_KO ]] || { cat "$WORK/dkms.log" >&2; die "DKMS did not produce jool.ko for $KVER"; }
log "jool module: ${JOOL_KO#"$TREE"}"

log "extracting the uncompressed kernel"
extract_vmlinux "$TREE/boot/vmlinuz-$KVER" "$WORK/vmlinux" || die "cannot extract vmlinux from vmlinuz-$KVER"

log "collecting the initramfs parts"
collect_initrd_parts "$KVER" "$WORK/initrd-parts"

unmount_chroot
mounted_under "$TREE" && die "chroot mounts are still present under $TREE"

log "trimming the tree"
trim_tree "$KVER"
# Guest configuration: no services start by themselves; scenarios start what they need.
echo border-vm > "$TREE/etc/hostname"
printf '127.0.0.1 localhost\n::1 localhost\n127.0.1.1 border-vm\n' > "$TREE/etc/hosts"
mkdir -p "$TREE/share"
{
    echo "KERNEL_VERSION=$KVER"
    echo "JOOL_VERSION=$JOOL_VER"
    echo "JOOL_DEB_VERSION=$JOOL_DEB"
    echo "JOOL_TOOLS_VERSION=$(in_chroot dpkg-query -W -f '${Version}' jool-tools)"
    echo "FRR_VERSION=$(in_chroot dpkg-query -W -f '${Version}' frr)"
    echo "UNBOUND_VERSION=$(in_chroot dpkg-query -W -f '${Version}' unbound)"
    echo "TAYGA_VERSION=$(in_chroot dpkg-query -W -f '${Version}' tayga)"
} > "$WORK/guest.env"

TREE_MB=$(du -sm "$TREE" | cut -f1)
IMAGE_MB=$(( TREE_MB * 3 / 2 + 256 ))
[[ $IMAGE_MB -ge 1024 ]] || IMAGE_MB=1024
log "making rootfs.ext4 (${IMAGE_MB} MiB, tree ${TREE_MB} MiB) with mkfs.ext4 -d"
mkfs.ext4 -q -F -L border-vm -O ^has_journal -d "$TREE" "$WORK/rootfs.ext4" "${IMAGE_MB}M" > /dev/null

log "building the initramfs"
mv "$WORK/initrd-parts" "$OUT/initrd-parts"
build_initrd "$OUT/initrd-parts" "$WORK/initrd.img"

mv "$WORK/vmlinux" "$WORK/rootfs.ext4" "$WORK/initrd.img" "$WORK/guest.env" "$OUT/"
inputs_hash rootfs > "$OUT/stamp.rootfs"
inputs_hash initrd > "$OUT/stamp.initrd"
log "done in $((SECONDS - START))s: $OUT ($(du -sh --apparent-size "$OUT/rootfs.ext4" | cut -f1) image, $(du -sh "$OUT/rootfs.ext4" | cut -f1) used)"
cat "$OUT/guest.env"
