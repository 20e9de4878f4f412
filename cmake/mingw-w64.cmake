# Cross-compiles keypipe for 64-bit Windows with Debian's mingw-w64 (posix threads, so
# std::thread works) against the static dependencies scripts/windows/build-deps.sh builds:
#   cmake -S . -B build-win64 -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64.cmake -DKEYPIPE_WIN_DEPS=PREFIX
# ctest then runs the cross-built unit tests through wine.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(KEYPIPE_WIN_DEPS "" CACHE PATH "prefix made by scripts/windows/build-deps.sh")
if(NOT KEYPIPE_WIN_DEPS)
  message(FATAL_ERROR "set -DKEYPIPE_WIN_DEPS to the prefix scripts/windows/build-deps.sh prints")
endif()
set(CMAKE_TRY_COMPILE_PLATFORM_VARIABLES KEYPIPE_WIN_DEPS)  # try_compile re-reads this file

set(CMAKE_CXX_COMPILER x86_64-w64-mingw32-g++-posix)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)
# Only the mingw sysroot and the deps prefix: never the host's /usr/include or /usr/lib.
set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32 ${KEYPIPE_WIN_DEPS})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(ENV{PKG_CONFIG_LIBDIR} ${KEYPIPE_WIN_DEPS}/lib/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")
set(Boost_USE_STATIC_LIBS ON)
set(Boost_NO_BOOST_CMAKE ON)

# One .exe that imports only system DLLs (KERNEL32, msvcrt, ...): a missing DLL under wine
# fails silently with exit 53, and users copy a single file.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")
set(CMAKE_CROSSCOMPILING_EMULATOR env WINEDEBUG=-all wine)
