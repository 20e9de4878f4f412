// What differs between POSIX and Windows under the tools, besides writing files (output.h
// has two implementations: output.cpp, output_win.cpp): process start-up, opening an
// input, terminals, the host name and file names. platform_posix.cpp and platform_win.cpp
// implement it; CMake compiles the one for the target. Strings are UTF-8 on both.
#pragma once

#include <filesystem>
#include <string>

namespace keypipe::platform {

// Called first by Tool::run. POSIX: nothing. Windows: argv becomes the UTF-8 form of the
// wide command line (narrow main() loses what the ANSI code page cannot spell), stdin,
// stdout and stderr switch to binary mode (no CRLF translation, no ^Z end of input), and
// a crash ends the process with exit code 99 (wine can report 0 for a segfault).
void start(int& argc, char**& argv);

// Sets an environment variable unless the user set it already.
void set_default_env(const char* name, const char* value);

// Opens a file for reading, in binary mode, not inherited by children; -1 and errno when
// it cannot.
int open_read(const std::string& path);

// True when fd is an interactive terminal (a console on Windows; NUL is not one).
bool is_terminal(int fd);

// This machine's name; "localhost" when it has none.
std::string host_name();

// A UTF-8 path for std::filesystem and back (on Windows, std::string conversions would go
// through the ANSI code page and lose characters).
std::filesystem::path fs_path(const std::string& utf8);
std::string utf8(const std::filesystem::path& path);

}  // namespace keypipe::platform
