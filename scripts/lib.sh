# Shared by the scripts: install what is missing (Debian 12, as root), and build.
# shellcheck shell=bash

# Packages to build keypipe and to run its tests against the real peers.
KEYPIPE_BUILD_DEPS=(g++ cmake make pkg-config python3 libbotan-2-dev libboost-program-options-dev libboost-test-dev nlohmann-json3-dev libsodium-dev nettle-dev)
KEYPIPE_PEERS=(openssl openssh-client openssh-server putty-tools python3 python3-cryptography python3-bcrypt gnutls-bin openjdk-17-jre-headless dropbear-bin util-linux procps jq exfatprogs exfat-fuse)
# The Windows build (scripts/package --windows): cross compiler, wine to run the .exe tools,
# dpkg-dev for `apt-get source`, zip for the package, ccache for the cross build.
KEYPIPE_WINDOWS_DEPS=(g++-mingw-w64-x86-64-posix wine wine64 dpkg-dev xz-utils zip ccache)

# install_missing PKG...: apt-get install only the packages that are not installed yet
# (apt-get update first, once, and only if something is missing).
install_missing() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
    done
    ((${#missing[@]})) || return 0
    echo "installing: ${missing[*]}" >&2
    if [[ $(id -u) != 0 ]]; then
        echo "error: not root; install these first: ${missing[*]}" >&2
        return 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# build [BUILD_DIR [CMAKE_ARGS...]]: configure and build (Release unless told otherwise).
build() {
    local dir=${1:-build}
    shift || true
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
    cmake --build "$dir" -j"$(nproc)" >/dev/null
}
