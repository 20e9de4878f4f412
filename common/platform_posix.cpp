// platform.h on POSIX systems; Windows: platform_win.cpp.
#include "platform.h"

#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>

namespace keypipe::platform {

void start(int&, char**&) {}

void set_default_env(const char* name, const char* value) { ::setenv(name, value, 0); }

int open_read(const std::string& path) { return ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY); }

bool is_terminal(int fd) { return ::isatty(fd) == 1; }

std::string host_name() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0 || !name[0]) return "localhost";
    return name;
}

std::filesystem::path fs_path(const std::string& utf8) { return utf8; }

std::string utf8(const std::filesystem::path& path) { return path.string(); }

}  // namespace keypipe::platform
