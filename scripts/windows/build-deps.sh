#!/usr/bin/env bash
# Builds the Windows (x86_64, mingw-w64) dependencies of keypipe from Debian's own source
# packages, into a prefix cached outside the repository, and prints that prefix:
#   Botan 2            from `apt-get source botan` (Debian's patches applied by dpkg-source),
#                      static, minimized to the modules keypipe uses plus the CPU-specific ones
#   Boost              ProgramOptions and Test (unit tests), compiled from the boost1.74 sources;
#                      the headers are Debian's /usr/include/boost
#   nettle             RC2 for PKCS#12 (not in Botan 2), from `apt-get source nettle`, static,
#                      without the public-key half (no GMP) and without assembly (nothing we
#                      use from nettle has any)
#   nlohmann-json      header-only: Debian's headers and CMake package files
# The cache key hashes the source versions, the compiler version and this recipe (flags and
# module list), so a second run on the same machine takes seconds. No binary from elsewhere.
#   scripts/windows/build-deps.sh          prints the prefix (builds it when not cached)
#   scripts/windows/build-deps.sh --cached exits 0 when the prefix is built, 1 when not
#                                          (installs and builds nothing)
# KEYPIPE_WIN_CACHE overrides the cache folder (default /var/cache/keypipe-win64).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/windows/lib.sh
source "$here/lib.sh"
cached_only=0
[[ ${1:-} == --cached ]] && cached_only=1
((cached_only)) || windows_install_toolchain

cache=${KEYPIPE_WIN_CACHE:-/var/cache/keypipe-win64}
CXX=x86_64-w64-mingw32-g++-posix
AR=x86_64-w64-mingw32-ar

# What keypipe asks Botan for (cipher, hash, KDF and key names in common/), with the
# dependencies Botan's configure resolves itself left out. The CPU-specific modules matter:
# without them PBKDF2-SHA256 runs ~9x slower than Debian's native build.
botan_modules=(
    aes des cbc ctr gcm chacha poly1305 md5 sha1 sha2_32 sha2_64 hmac
    pbkdf2 pbes2 argon2 bcrypt_pbkdf scrypt
    pubkey rsa ecdsa ed25519 emsa_pkcs1 emsa_pssr emsa1 eme_pkcs1 x509
    hex base64 system_rng auto_rng hmac_drbg chacha_rng locking_allocator
    aes_ni aes_vperm sha2_32_x86 sha2_32_bmi2 sha2_64_bmi2 sha1_x86 sha1_sse2 ghash_cpu
    ghash_vperm argon2_ssse3 chacha_simd32 chacha_avx2 simd simd_avx2 rdrand_rng processor_rng
)
botan_configure=(--os=mingw --cpu=x86_64 --cc=gcc "--cc-bin=$CXX" "--ar-command=$AR"
    --disable-shared-library --build-targets=static --system-cert-bundle=none
    --without-documentation --minimized-build "--enable-modules=$(IFS=,; echo "${botan_modules[*]}")")
# Boost: Debian builds these libraries with -O2; the defines make them the static,
# non-auto-linking variant that FindBoost looks for.
boost_cxxflags=(-O2 -std=c++17 -DBOOST_ALL_NO_LIB -DBOOST_BIND_GLOBAL_PLACEHOLDERS)
boost_libs=(program_options test)
nettle_configure=(--host=x86_64-w64-mingw32 --disable-shared --enable-static --disable-public-key
    --disable-assembler --disable-documentation --disable-openssl)

botan_version=$(dpkg-query -W -f='${source:Version}' libbotan-2-dev)
boost_version=$(dpkg-query -W -f='${source:Version}' libboost1.74-dev)
json_version=$(dpkg-query -W -f='${Version}' nlohmann-json3-dev)
nettle_version=$(dpkg-query -W -f='${source:Version}' nettle-dev)
compiler=$($CXX --version | head -1)
key=$(printf '%s\n' "$botan_version" "$boost_version" "$json_version" "$compiler" \
        "${botan_configure[*]}" "${boost_cxxflags[*]}" "${boost_libs[*]}" "$nettle_version" "${nettle_configure[*]}" | sha256sum | cut -c1-16)
prefix=$cache/$key
if [[ -f $prefix/.complete ]]; then
    echo "$prefix"
    exit 0
fi
((cached_only)) && exit 1

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9                                     # one build at a time; another may just have made it
if [[ -f $prefix/.complete ]]; then
    echo "$prefix"
    exit 0
fi
# A run that stopped after Botan resumes there (Botan is most of the time).
[[ -f $prefix/.botan-complete ]] || rm -rf "$prefix" "$prefix.src"
mkdir -p "$prefix"/{lib,include,share/licenses} "$prefix.src"
cd "$prefix.src"
log=$prefix.src/build.log
echo "building the Windows dependencies into $prefix (log: $log)" >&2
windows_enable_deb_src

if [[ ! -f $prefix/.botan-complete ]]; then
    echo "  botan $botan_version: source package" >&2
    apt-get source -qq "botan=$botan_version" >>"$log" 2>&1
    botan_src=$(find . -maxdepth 1 -type d -name 'botan-*' | head -1)
    echo "  botan: configure and build (a few minutes)" >&2
    (cd "$botan_src" && python3 ./configure.py "${botan_configure[@]}" --prefix="$prefix" \
            --with-build-dir=build-win64 >>"$log" 2>&1 &&
        nice make -f build-win64/Makefile -j"${KEYPIPE_JOBS:-2}" libs >>"$log" 2>&1 &&
        make -f build-win64/Makefile install >>"$log" 2>&1)
    cp "$botan_src/license.txt" "$prefix/share/licenses/botan-license.txt"
    touch "$prefix/.botan-complete"
fi

echo "  boost $boost_version: ${boost_libs[*]} from the source package" >&2
[[ -f $(ls boost1.74_*.dsc 2>/dev/null | head -1) ]] ||
    apt-get source -qq --download-only "boost1.74=$boost_version" >>"$log" 2>&1
orig=$(ls boost1.74_*.orig.tar.*)
top=$( (tar -tf "$orig" || true) | head -1 | cut -d/ -f1)  # head closes the pipe early
members=("$top/LICENSE_1_0.txt")
for lib in "${boost_libs[@]}"; do members+=("$top/libs/$lib/src"); done
tar -xf "$orig" "${members[@]}"
# Debian's patches, where any touches these sources (none did for 1.74.0-18).
tar -xf "$(ls boost1.74_*.debian.tar.*)" debian/patches
while read -r patch _; do
    [[ -z $patch || $patch == \#* ]] && continue
    if grep -qE "^\+\+\+ [^ ]*libs/($(IFS='|'; echo "${boost_libs[*]}"))/src/" "debian/patches/$patch"; then
        (cd "$top" && patch -p1 -s <"../debian/patches/$patch")
    fi
done <debian/patches/series
cp "$top/LICENSE_1_0.txt" "$prefix/share/licenses/boost-license.txt"

# Headers: only Debian's boost/ and nlohmann/ folders are shown to the cross compiler,
# never /usr/include itself (glibc's headers would shadow mingw's).
ln -sfn /usr/include/boost "$prefix/include/boost"
ln -sfn /usr/include/nlohmann "$prefix/include/nlohmann"
mkdir -p "$prefix/share/cmake"
cp -r /usr/share/cmake/nlohmann_json "$prefix/share/cmake/"
for lib in "${boost_libs[@]}"; do
    name=$lib
    [[ $lib == test ]] && name=unit_test_framework
    mkdir -p "obj/$lib"
    srcs=()
    for src in "$top/libs/$lib/src/"*.cpp; do
        # cpp_main and test_main belong to other Boost.Test libraries (prg_exec_monitor...)
        case $(basename "$src") in cpp_main.cpp | test_main.cpp) continue ;; esac
        srcs+=("$src")
    done
    printf '%s\n' "${srcs[@]}" | nice xargs -P"${KEYPIPE_JOBS:-2}" -I{} sh -c \
        "$CXX ${boost_cxxflags[*]} -I'$prefix/include' -c {} -o obj/$lib/\$(basename {} .cpp).o" >>"$log" 2>&1
    $AR rcs "$prefix/lib/libboost_$name.a" "obj/$lib/"*.o
done

if [[ ! -f $prefix/.nettle-complete ]]; then
    echo "  nettle $nettle_version: source package, configure and build" >&2
    apt-get source -qq "nettle=$nettle_version" >>"$log" 2>&1
    nettle_src=$(find . -maxdepth 1 -type d -name 'nettle-*' | head -1)
    # Debian's patches leave configure.ac newer than config.h.in: without this, make asks
    # for autoheader, which the build does not need.
    (cd "$nettle_src" && touch aclocal.m4 && touch configure config.h.in stamp-h.in &&
        CC=x86_64-w64-mingw32-gcc-posix ./configure "${nettle_configure[@]}" --prefix="$prefix" \
            >>"$log" 2>&1 &&
        nice make -j"${KEYPIPE_JOBS:-2}" libnettle.a >>"$log" 2>&1 &&
        make install-headers install-static install-pkgconfig >>"$log" 2>&1)
    cp "$nettle_src/COPYINGv3" "$prefix/share/licenses/nettle-license.txt"  # LGPLv3 (or GPLv2+) for libnettle
    touch "$prefix/.nettle-complete"
fi

printf '%s\n' "botan $botan_version" "boost $boost_version" "nettle $nettle_version" "nlohmann-json $json_version" \
    "$compiler" "botan: ${botan_configure[*]}" "nettle: ${nettle_configure[*]}" >"$prefix/VERSIONS"
touch "$prefix/.complete"
cd "$cache" && rm -rf "$prefix.src"
echo "$prefix"
