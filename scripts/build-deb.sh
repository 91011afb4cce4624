#!/usr/bin/env bash
# Builds the Debian package of border: artifacts/deb/border_VERSION_ARCH.deb.
# Contents: /usr/bin/border, its systemd unit, an empty /etc/border for the gateway's config, the
# example configs, and maintainer scripts that create the `border` group for the control socket.
# Uses the binary scripts/publish.sh built (artifacts/bin/border); pass --publish to build it first.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = --publish ]; then
  scripts/publish.sh
fi
binary=artifacts/bin/border
if [ ! -x "$binary" ]; then
  echo "build-deb.sh: $binary is missing: run scripts/publish.sh first (or pass --publish)" >&2
  exit 2
fi
for tool in dpkg-deb dpkg; do
  command -v "$tool" >/dev/null || { echo "build-deb.sh: $tool is needed (apt-get install dpkg)" >&2; exit 2; }
done

# The package's version is the binary's own, so `border version` and `dpkg -l border` agree.
version=$("$binary" version | awk '{print $2}')
arch=$(dpkg --print-architecture)
if ! [[ "$version" =~ ^[0-9][A-Za-z0-9.+~-]*$ ]]; then
  echo "build-deb.sh: '$binary version' printed no usable version: '$version'" >&2
  exit 2
fi

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
root="$staging/border"

install -d -m 0755 "$root/DEBIAN" "$root/usr/bin" "$root/lib/systemd/system" "$root/etc/border" \
  "$root/usr/share/doc/border/examples"
install -m 0755 "$binary" "$root/usr/bin/border"
install -m 0644 deploy/debian/border.service "$root/lib/systemd/system/border.service"
install -m 0755 deploy/debian/postinst deploy/debian/postrm "$root/DEBIAN/"
install -m 0644 README.md docs/config.md "$root/usr/share/doc/border/"
install -m 0644 examples/sites/*.json examples/lab/*.json "$root/usr/share/doc/border/examples/"
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" deploy/debian/control.in > "$root/DEBIAN/control"
echo "Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)" >> "$root/DEBIAN/control"

# Fixed timestamps make two builds of the same tree byte-identical, so re-deploying an unchanged
# package reports no change.
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
find "$root" -exec touch -h -d "@$epoch" {} +

mkdir -p artifacts/deb
out="artifacts/deb/border_${version}_${arch}.deb"
SOURCE_DATE_EPOCH=$epoch dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
echo "built $(pwd)/$out ($(stat -c %s "$out") bytes)"
