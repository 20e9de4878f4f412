#!/usr/bin/env bash
# Installs the package in a clean Debian 12 root (debootstrap, as root) the way a user
# would, `apt install ./keypipe_VERSION_amd64.deb`, then runs every tool there: --version,
# a real conversion, and checks the man pages and completions are in place.
#   bash tests/package/package_test.sh build/keypipe_0.1.0_amd64.deb
# The debootstrap result is cached as build/debootstrap-bookworm.tar.gz for the next run.
set -euo pipefail
deb=$(readlink -f "${1:?usage: package_test.sh PACKAGE.deb}")
cache=$(dirname "$deb")/debootstrap-bookworm.tar.gz
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
root=$(mktemp -d)
cleanup() {
    umount "$root/proc" 2>/dev/null || true
    rm -rf "$root"
}
trap cleanup EXIT

start=$(date +%s)
if [[ ! -s $cache ]]; then
    echo "making the debootstrap tarball (first run only)"
    debootstrap --variant=minbase --make-tarball="$cache" bookworm "$root/tmp-tarball" "$mirror" >/dev/null
fi
debootstrap --variant=minbase --unpack-tarball="$cache" bookworm "$root" "$mirror" >/dev/null
mount -t proc proc "$root/proc"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
cp "$deb" "$root/tmp/"
name=$(basename "$deb")
chroot "$root" /bin/sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ./tmp/$name >/dev/null"

pass=0 fail=0
check() { if eval "$2"; then echo "ok   $1"; pass=$((pass + 1)); else echo "FAIL $1"; fail=$((fail + 1)); fi; }
for tool in genkeycert pem2der der2pem sshpubfromcert key2ppk ppk2key keyinfo key2pfx; do
    check "$tool --version in the clean root" 'chroot "$root" "$tool" --version | grep -q "^$tool (keypipe) "'
    check "$tool man page installed" 'chroot "$root" dpkg -L keypipe | grep -qx "/usr/share/man/man1/$tool.1.gz"'
    check "$tool completion installed" '[[ -s $root/usr/share/bash-completion/completions/$tool ]]'
done
check "a conversion works in the clean root" \
    'chroot "$root" sh -c "genkeycert --type ed25519 --keyout /tmp/k --out /tmp/c.pem && sshpubfromcert /tmp/c.pem && key2ppk /tmp/k -o /tmp/k.ppk && test -s /tmp/k.ppk" >/dev/null'
# Installed-Size: the tools are links to one binary, counted once (cmake/deb-installed-size.cmake);
# the goal is 10 MB, and the field must still cover what is really installed.
size=$(chroot "$root" dpkg-query -W -f='${Installed-Size}' keypipe)
real=$(chroot "$root" sh -c 'dpkg -L keypipe | while read -r f; do [ -f "$f" ] && [ ! -L "$f" ] && echo "$f"; done | xargs du -kc --apparent-size | tail -1 | cut -f1')
check "Installed-Size $size KiB is at most 10 MB" '(( size <= 10240 ))'
check "Installed-Size covers the files really installed ($real KiB)" '(( size >= real ))'
check "dependencies are satisfied" 'chroot "$root" dpkg -s keypipe | grep -q "^Status: install ok installed"'
echo "package test took $(( $(date +%s) - start )) s"
echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
