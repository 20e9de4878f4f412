#!/usr/bin/env bash
# scripts/package --windows: the Windows tools as static .exe files, built on Debian 12 with
# mingw-w64 and tested under wine. Installs what is missing (root), builds the dependencies
# from Debian's source packages into a cache outside the repository (build-deps.sh), cross-
# builds every tool and the unit tests into build-win64/, runs the unit tests under wine
# (CTest) and tests/windows/*.sh against the Linux build in build/ and the real peers, then
# writes build-win64/keypipe-VERSION-win64.zip: the .exe tools, README.txt for Windows users,
# and the licence texts of what the .exe files contain.
#   scripts/package --windows            everything (tests/windows/interop.sh in full)
#   scripts/package --windows --quick    the same with tests/windows/interop.sh --quick, as
#                                        scripts/test runs it
#   KEYPIPE_WINDOWS_TEST=0 ...           build and zip only
# Each step prints its time: the dependency build (minutes the first time on a machine,
# then cached), the cross build, the wine prefix (made once, beside the cache), the tests.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=scripts/windows/lib.sh
source scripts/windows/lib.sh
interop_args=()
[[ ${1:-} == --quick ]] && interop_args=(--quick)
step_start=$SECONDS
# step NAME: the previous step's time, then the next step's name
step() {
    echo "   ($((SECONDS - step_start)) s)"
    step_start=$SECONDS
    echo "== $1"
}
echo "== install what is missing, Windows dependencies"
windows_install_toolchain
install_missing "${KEYPIPE_PEERS[@]}"

deps=$(scripts/windows/build-deps.sh)
step "wine prefix"
windows_wine_prefix
step "Windows build (deps: $deps)"
testing=ON
[[ ${KEYPIPE_WINDOWS_TEST:-1} != 0 ]] || testing=OFF  # and then no unit tests to build either
# ccache, its cache beside the dependencies': a fresh clone (CI's) recompiles only what
# changed, ~2 of the cross build's ~2.5 minutes of compiling otherwise. Paths under the
# tree are hashed relative to it (CCACHE_BASEDIR), so the clone's folder does not matter.
export CCACHE_DIR=${KEYPIPE_WIN_CACHE:-/var/cache/keypipe-win64}/ccache CCACHE_BASEDIR=$PWD CCACHE_MAXSIZE=2G
cmake -S . -B build-win64 -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64.cmake -DKEYPIPE_WIN_DEPS="$deps" \
    -DCMAKE_BUILD_TYPE=Release -DKEYPIPE_TESTS=$testing -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
ccache --zero-stats >/dev/null
nice -n 10 cmake --build build-win64 -j"${KEYPIPE_JOBS:-2}" >/dev/null
ccache --print-stats | awk -F'\t' '$1 ~ /^(direct|preprocessed)_cache_hit$/ { hits += $2 } $1 == "cache_miss" { misses = $2 }
    END { print "   ccache: " hits + 0 " compiled objects reused, " misses + 0 " compiled" }'

status=0
if [[ $testing == ON ]]; then
    step "Linux build (what the .exe files are compared with)"
    build build
    step "Windows unit tests under wine"
    windows_wine_prefix  # the server of the step above is gone after a build of over a minute
    (cd build-win64 && ctest --output-on-failure -j2 --timeout 300 </dev/null | tail -3) || status=1
    for t in tests/windows/*.sh; do
        step "$t ${interop_args[*]}"
        KEYPIPE_BIN=$PWD/build/bin KEYPIPE_WIN_BIN=$PWD/build-win64/bin bash "$t" "${interop_args[@]}" | tail -60 || status=1
    done
fi
step "zip"

version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' build-win64/CMakeCache.txt)
name=keypipe-$version-win64
stage=build-win64/$name
rm -rf "$stage" "build-win64/$name.zip"
mkdir -p "$stage/licenses"
for exe in build-win64/bin/*.exe; do
    case $(basename "$exe") in unit_tests.exe) continue ;; esac
    x86_64-w64-mingw32-strip -o "$stage/$(basename "$exe")" "$exe"
done
sed "s/@VERSION@/$version/" scripts/windows/README-windows.txt | sed 's/$/\r/' > "$stage/README.txt"
cp "$deps"/share/licenses/botan-license.txt "$stage/licenses/Botan.txt"
cp "$deps"/share/licenses/boost-license.txt "$stage/licenses/Boost.txt"
cp "$deps"/share/licenses/nettle-license.txt "$stage/licenses/nettle.txt"  # LGPLv3: RC2 for PKCS#12
cp LICENSE "$stage/licenses/keypipe.txt"
cp /usr/share/doc/nlohmann-json3-dev/copyright "$stage/licenses/nlohmann-json.txt"
cp /usr/share/doc/mingw-w64-x86-64-dev/copyright "$stage/licenses/mingw-w64.txt"  # winpthreads, CRT start-up
cp "$deps/VERSIONS" "$stage/licenses/VERSIONS.txt"
# The same sources give the same zip: file times from the last commit, no extra fields.
stamp=$(git log -1 --format=%cd --date=format:%Y%m%d%H%M.%S 2>/dev/null || date +%Y%m%d%H%M.%S)
find "$stage" -exec touch -t "$stamp" {} +
(cd build-win64 && find "$name" | LC_ALL=C sort | zip -qX -@ "$name.zip")
echo "build-win64/$name.zip"
unzip -l "build-win64/$name.zip" | tail -n +4 | head -n -2 | awk '{print "  " $4 "  " $1}'
echo "   ($((SECONDS - step_start)) s; Windows stage $SECONDS s)"
exit $status
