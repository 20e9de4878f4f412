# Shared by scripts/windows/*: the cross toolchain, wine and Debian's source packages.
# shellcheck shell=bash
_windows_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=scripts/lib.sh
source "$_windows_root/scripts/lib.sh"

# windows_install_toolchain: mingw-w64 (posix threads), wine, and what builds the deps.
windows_install_toolchain() {
    install_missing "${KEYPIPE_BUILD_DEPS[@]}" "${KEYPIPE_WINDOWS_DEPS[@]}"
}

# windows_enable_deb_src: a deb-src entry for the suites already configured, so that
# `apt-get source` works (Debian's images ship without one).
windows_enable_deb_src() {
    if grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/; then
        return 0
    fi
    echo "adding deb-src entries: /etc/apt/sources.list.d/keypipe-deb-src.sources" >&2
    local file=/etc/apt/sources.list.d/debian.sources
    if [[ -f $file ]]; then
        # The same URIs, suites and keys as the binary entries.
        sed 's/^Types: deb$/Types: deb-src/' "$file" >/etc/apt/sources.list.d/keypipe-deb-src.sources
    else
        sed -n 's/^deb \(.*\)/deb-src \1/p' /etc/apt/sources.list >/etc/apt/sources.list.d/keypipe-deb-src.list
    fi
    apt-get update -qq
}

# windows_wine_prefix: a wine prefix of our own beside the dependency cache (made once, ~700
# MB, 5-20 s), and a wineserver kept running meanwhile: each .exe run then costs ~0.1 s.
# The server stays 60 s after its last program: call this again right before running tests.
windows_wine_prefix() {
    export WINEPREFIX=${WINEPREFIX:-${KEYPIPE_WIN_CACHE:-/var/cache/keypipe-win64}/wineprefix}
    export WINEDEBUG=-all
    [[ -d $WINEPREFIX ]] || wineboot -i >/dev/null 2>&1
    # Its own descriptors closed: a wineserver started inside `cmd | tail` or by CTest would
    # hold the pipe open, and the reader would wait for it to exit.
    wineserver -p 60 </dev/null >/dev/null 2>&1 || true  # fails when one already runs: fine
    # Likewise the services a new server's first program starts (services.exe, winedevice,
    # plugplay...): started from a CTest test they inherit its pipe and live as long as the
    # server, so CTest waited for that test until its timeout. Start them here, detached.
    wine cmd /c exit </dev/null >/dev/null 2>&1 || true
}
