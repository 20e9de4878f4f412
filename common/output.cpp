#include "output.h"

#include "error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace keypipe {
namespace {

std::string errno_text(int err) { return std::strerror(err); }

std::string parent_dir(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    int release() {
        const int fd = fd_;
        fd_ = -1;
        return fd;
    }

private:
    int fd_;
};

void write_all(int fd, ByteView data, const std::string& name) {
    size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(name, "write failed: " + errno_text(errno));
        done += static_cast<size_t>(n);
    }
}

[[noreturn]] void exists(const std::string& path) { throw Error(path, "file exists (use -f to replace it)"); }

// A named temporary file for filesystems without O_TMPFILE; removed unless kept.
class NamedTemp {
public:
    NamedTemp(const std::string& dir, const std::string& path, mode_t mode) {
        for (int attempt = 0; attempt < 100; ++attempt) {
            name_ = dir + "/.keypipe-" + std::to_string(::getpid()) + "-" + std::to_string(attempt) + ".tmp";
            fd_ = ::open(name_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
            if (fd_ >= 0 || errno != EEXIST) break;
        }
        if (fd_ < 0) throw Error(path, "cannot create a temporary file: " + errno_text(errno));
    }
    ~NamedTemp() {
        if (fd_ >= 0) ::close(fd_);
        if (!kept_) ::unlink(name_.c_str());
    }
    NamedTemp(const NamedTemp&) = delete;
    NamedTemp& operator=(const NamedTemp&) = delete;
    int fd() const { return fd_; }
    const std::string& name() const { return name_; }
    void keep() { kept_ = true; }

private:
    std::string name_;
    int fd_ = -1;
    bool kept_ = false;
};

void place(const std::string& from, const std::string& path, bool force) {
    if (force) {
        if (::rename(from.c_str(), path.c_str()) != 0) throw Error(path, "cannot write: " + errno_text(errno));
    } else if (::link(from.c_str(), path.c_str()) != 0) {
        if (errno == EEXIST) exists(path);
        throw Error(path, "cannot write: " + errno_text(errno));
    }
}

}  // namespace

void sync_directory(const std::string& dir) {
    Fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (d.get() >= 0) ::fsync(d.get());
}

void write_file_atomic(const std::string& path, ByteView data, Sensitivity s, bool force, bool sync_dir) {
    const mode_t mode = s == Sensitivity::private_key ? 0600 : 0666;  // public files: umask applies
    const std::string dir = parent_dir(path);
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) {
        if (S_ISDIR(st.st_mode)) throw Error(path, "is a directory");
        // A device or pipe (-o /dev/null, -o /dev/stdout, a FIFO) is written to, never
        // replaced: renaming over /dev/null would put a regular file in its place.
        if (!S_ISREG(st.st_mode)) {
            Fd out(::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC));
            if (out.get() < 0) throw Error(path, "cannot open: " + errno_text(errno));
            if (s == Sensitivity::private_key && ::isatty(out.get()))
                throw Error(path, "refusing to write a private key to a terminal");
            write_all(out.get(), data, path);
            return;
        }
        if (!force) exists(path);
    }
    Fd tmp(::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, mode));
    if (tmp.get() < 0 && errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
        throw Error(path, "cannot create: " + errno_text(errno));
    if (tmp.get() >= 0) {
        if (s == Sensitivity::private_key) ::fchmod(tmp.get(), 0600);  // whatever the umask
        write_all(tmp.get(), data, path);
        if (::fdatasync(tmp.get()) != 0) throw Error(path, "fsync failed: " + errno_text(errno));
        const std::string proc = "/proc/self/fd/" + std::to_string(tmp.get());
        if (!force) {
            if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, path.c_str(), AT_SYMLINK_FOLLOW) != 0) {
                if (errno == EEXIST) exists(path);
                throw Error(path, "cannot write: " + errno_text(errno));
            }
        } else {
            // Link under a temporary name, then rename over the target: still atomic.
            for (int attempt = 0;; ++attempt) {
                const std::string name = dir + "/.keypipe-" + std::to_string(::getpid()) + "-" + std::to_string(attempt) + ".tmp";
                if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, name.c_str(), AT_SYMLINK_FOLLOW) == 0) {
                    if (::rename(name.c_str(), path.c_str()) != 0) {
                        const int err = errno;
                        ::unlink(name.c_str());
                        throw Error(path, "cannot write: " + errno_text(err));
                    }
                    break;
                }
                if (errno != EEXIST || attempt == 100) throw Error(path, "cannot write: " + errno_text(errno));
            }
        }
    } else {
        NamedTemp t(dir, path, mode);
        if (s == Sensitivity::private_key) ::fchmod(t.fd(), 0600);
        write_all(t.fd(), data, path);
        if (::fdatasync(t.fd()) != 0) throw Error(path, "fsync failed: " + errno_text(errno));
        place(t.name(), path, force);
    }
    if (sync_dir) sync_directory(dir);
}

void write_stdout(ByteView data, Sensitivity s) {
    if (s == Sensitivity::private_key && ::isatty(STDOUT_FILENO))
        throw Error("<stdout>", "refusing to write a private key to a terminal (use -o FILE or redirect stdout)");
    std::fflush(stdout);
    write_all(STDOUT_FILENO, data, "<stdout>");
}

void make_output_dir(const std::string& dir, Sensitivity s, std::vector<std::string>* created) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0) {
        if (!S_ISDIR(st.st_mode)) throw Error(dir, "not a directory");
        return;
    }
    const std::string parent = parent_dir(dir);
    if (parent != dir && parent != "." && parent != "/") make_output_dir(parent, s, created);
    if (::mkdir(dir.c_str(), s == Sensitivity::private_key ? 0700 : 0755) == 0) {
        if (created) created->push_back(dir);
    } else if (errno != EEXIST) {
        throw Error(dir, "cannot create directory: " + errno_text(errno));
    }
}

}  // namespace keypipe
