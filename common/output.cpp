#include "output.h"

#include "error.h"
#include "process.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <sys/sysmacros.h>
#include <sys/stat.h>
#include <unistd.h>

namespace keypipe {
namespace {

std::string errno_text(int err) { return std::strerror(err); }

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

[[noreturn]] void changed(const std::string& path) {
    throw Error(path, "changed while being opened (not written)");
}

// What is at an output's name, and so how it is written.
struct Target {
    enum Kind { absent, regular, stream } kind = absent;  // stream: written to, never replaced
    int own_fd = -1;       // /dev/stdout, /dev/stderr, /dev/fd/N: this process's own descriptor
    struct stat st {};     // a FIFO or device: what the name led to
    bool via_link = false; // the name is a symbolic link to it
};

// The descriptor that /dev/stdout, /dev/stderr, /dev/fd/N or /proc/self/fd/N names; -1
// for any other path.
int own_stream_fd(const std::string& path) {
    if (path == "/dev/stdout") return STDOUT_FILENO;
    if (path == "/dev/stderr") return STDERR_FILENO;
    for (const char* prefix : {"/dev/fd/", "/proc/self/fd/"}) {
        const size_t n = std::strlen(prefix);
        if (path.compare(0, n, prefix) != 0 || path.size() == n || path.size() > n + 9 ||
            path.find_first_not_of("0123456789", n) != std::string::npos)
            continue;
        return std::stoi(path.substr(n));
    }
    return -1;
}

bool is_dev_null(const struct stat& st) { return S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3); }

const char* kind_name(const struct stat& st) { return S_ISFIFO(st.st_mode) ? "named pipe" : "device"; }

// Decides how `path` may be written, from what is there now. Throws Error(path, ...) for
// what is refused: a folder, a socket, another user's FIFO or device (root's are fine),
// and without `force` any existing target but /dev/null and this process's own streams.
Target inspect(const std::string& path, bool force) {
    Target t;
    t.own_fd = own_stream_fd(path);
    if (t.own_fd >= 0) {
        if (::fstat(t.own_fd, &t.st) != 0) throw Error(path, "descriptor " + std::to_string(t.own_fd) + " is not open");
        if (S_ISDIR(t.st.st_mode)) throw Error(path, "is a directory");
        t.kind = Target::stream;
        return t;
    }
    if (::lstat(path.c_str(), &t.st) != 0) {
        if (errno != ENOENT) throw Error(path, "cannot write: " + errno_text(errno));
        return t;
    }
    if (S_ISLNK(t.st.st_mode)) {
        t.via_link = true;
        if (::stat(path.c_str(), &t.st) != 0) {  // a dangling link: replaced like a file
            if (!force) exists(path);
            t.kind = Target::regular;
            return t;
        }
    }
    if (S_ISDIR(t.st.st_mode)) throw Error(path, "is a directory");
    if (S_ISREG(t.st.st_mode)) {
        if (!force) exists(path);
        t.kind = Target::regular;
        return t;
    }
    if (S_ISSOCK(t.st.st_mode)) throw Error(path, "is a socket (not written)");
    // A FIFO or a device is written to, never replaced: renaming over /dev/null would put a
    // regular file in its place. Another user's is never written, -f or not: a FIFO in a
    // shared /tmp would hand its maker the key.
    if (t.st.st_uid != ::geteuid() && t.st.st_uid != 0)
        throw Error(path, std::string("refusing to write to another user's ") + kind_name(t.st));
    if (!force && !is_dev_null(t.st)) throw Error(path, std::string("is a ") + kind_name(t.st) + " (use -f to write to it)");
    t.kind = Target::stream;
    return t;
}

// Writes to a FIFO, a device or one of this process's descriptors, as inspect() found it.
void write_stream(const std::string& path, const Target& t, ByteView data, Sensitivity s) {
    if (t.own_fd == STDOUT_FILENO && stdout_was_closed()) throw Error(path, "standard output is closed");
    // O_NONBLOCK: opening a FIFO nobody reads fails (ENXIO) instead of waiting forever.
    // O_NOFOLLOW unless the name was a link, and no O_CREAT or O_TRUNC: whatever a swap
    // puts at the name after inspect(), opening it changes nothing, and the fstat below
    // refuses it before a byte is written.
    Fd out(t.own_fd >= 0 ? ::fcntl(t.own_fd, F_DUPFD_CLOEXEC, 0)
                         : ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | (t.via_link ? 0 : O_NOFOLLOW)));
    if (out.get() < 0) {
        if (errno == ENXIO && S_ISFIFO(t.st.st_mode)) throw Error(path, "no process is reading the named pipe");
        if (errno == ELOOP || errno == ENOENT) changed(path);
        throw Error(path, "cannot open: " + errno_text(errno));
    }
    if (t.own_fd < 0) {
        struct stat now {};
        if (::fstat(out.get(), &now) != 0 || now.st_dev != t.st.st_dev || now.st_ino != t.st.st_ino ||
            (now.st_mode & S_IFMT) != (t.st.st_mode & S_IFMT) || now.st_uid != t.st.st_uid)
            changed(path);
        const int flags = ::fcntl(out.get(), F_GETFL);
        if (flags < 0 || ::fcntl(out.get(), F_SETFL, flags & ~O_NONBLOCK) != 0)
            throw Error(path, "cannot open: " + errno_text(errno));
    }
    if (s == Sensitivity::private_key && ::isatty(out.get())) throw Error(path, "refusing to write a private key to a terminal");
    write_all(out.get(), data, path);
}

}  // namespace

std::string parent_dir(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

void sync_directory(const std::string& dir) {
    Fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (d.get() >= 0) ::fsync(d.get());
}

StagedFile::StagedFile(std::string path, ByteView data, Sensitivity s, bool force)
    : path_(std::move(path)), dir_(parent_dir(path_)), force_(force) {
    const mode_t mode = s == Sensitivity::private_key ? 0600 : 0666;  // public files: umask applies
    const Target target = inspect(path_, force);
    if (target.kind == Target::stream) {
        write_stream(path_, target, data, s);
        linked_ = true;  // nothing left to do
        return;
    }
    fd_ = ::open(dir_.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
    if (fd_ < 0) {
        if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) throw Error(path_, "cannot create: " + errno_text(errno));
        // No O_TMPFILE here: a named temporary file, removed unless linked.
        for (int attempt = 0; attempt < 100; ++attempt) {
            temp_name_ = dir_ + "/.keypipe-" + std::to_string(::getpid()) + "-" + std::to_string(attempt) + ".tmp";
            fd_ = ::open(temp_name_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
            if (fd_ >= 0 || errno != EEXIST) break;
        }
        if (fd_ < 0) {
            temp_name_.clear();
            throw Error(path_, "cannot create a temporary file: " + errno_text(errno));
        }
    }
    if (s == Sensitivity::private_key) ::fchmod(fd_, 0600);  // whatever the umask
    write_all(fd_, data, path_);
}

StagedFile::~StagedFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!linked_ && !temp_name_.empty()) ::unlink(temp_name_.c_str());
}

void StagedFile::sync() {
    if (linked_) return;
    if (::fdatasync(fd_) != 0) throw Error(path_, "fsync failed: " + errno_text(errno));
}

void StagedFile::link() {
    if (linked_) return;
    if (!temp_name_.empty()) {
        if (force_) {
            if (::rename(temp_name_.c_str(), path_.c_str()) != 0) throw Error(path_, "cannot write: " + errno_text(errno));
        } else if (::link(temp_name_.c_str(), path_.c_str()) != 0) {
            if (errno == EEXIST) exists(path_);
            throw Error(path_, "cannot write: " + errno_text(errno));
        } else {
            ::unlink(temp_name_.c_str());
        }
        temp_name_.clear();
        linked_ = true;
        return;
    }
    const std::string proc = "/proc/self/fd/" + std::to_string(fd_);
    if (!force_) {
        if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, path_.c_str(), AT_SYMLINK_FOLLOW) != 0) {
            if (errno == EEXIST) exists(path_);
            throw Error(path_, "cannot write: " + errno_text(errno));
        }
    } else {
        // Link under a temporary name, then rename over the target: still atomic.
        for (int attempt = 0;; ++attempt) {
            const std::string name = dir_ + "/.keypipe-" + std::to_string(::getpid()) + "-" + std::to_string(attempt) + ".tmp";
            if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, name.c_str(), AT_SYMLINK_FOLLOW) == 0) {
                if (::rename(name.c_str(), path_.c_str()) != 0) {
                    const int err = errno;
                    ::unlink(name.c_str());
                    throw Error(path_, "cannot write: " + errno_text(err));
                }
                break;
            }
            if (errno != EEXIST || attempt == 100) throw Error(path_, "cannot write: " + errno_text(errno));
        }
    }
    linked_ = true;
}

void sync_staged(const std::vector<StagedFile*>& files) {
    std::set<dev_t> synced;
    for (StagedFile* f : files) {
        if (f->linked_) continue;
        struct stat st {};
        if (::fstat(f->fd_, &st) != 0 || !synced.insert(st.st_dev).second) continue;
        if (::syncfs(f->fd_) != 0) {  // not expected; fall back to one fdatasync per file
            for (StagedFile* g : files) g->sync();
            return;
        }
    }
}

void check_target(const std::string& path, Sensitivity s, bool force) {
    if (path == "-") {
        if (s == Sensitivity::private_key && ::isatty(STDOUT_FILENO))
            throw Error("<stdout>", "refusing to write a private key to a terminal (use -o FILE or redirect stdout)");
        return;
    }
    const Target t = inspect(path, force);
    if (t.kind == Target::stream) {
        // A terminal shows only when opened; a FIFO is not opened here (its reader may start later).
        if (s == Sensitivity::private_key && S_ISCHR(t.st.st_mode)) {
            Fd fd(t.own_fd >= 0 ? ::fcntl(t.own_fd, F_DUPFD_CLOEXEC, 0)
                                : ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
            if (fd.get() >= 0 && ::isatty(fd.get())) throw Error(path, "refusing to write a private key to a terminal");
        }
        return;
    }
    const std::string dir = parent_dir(path);
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) throw Error(path, "cannot create: folder " + dir + " does not exist");
    if (!S_ISDIR(st.st_mode)) throw Error(path, "cannot create: " + dir + " is not a folder");
    if (::access(dir.c_str(), W_OK | X_OK) != 0) throw Error(path, "cannot create: " + errno_text(errno));
}

void write_file_atomic(const std::string& path, ByteView data, Sensitivity s, bool force) {
    StagedFile f(path, data, s, force);
    f.sync();
    f.link();
    sync_directory(f.dir());
}

void write_stdout(ByteView data, Sensitivity s) {
    if (s == Sensitivity::private_key && ::isatty(STDOUT_FILENO))
        throw Error("<stdout>", "refusing to write a private key to a terminal (use -o FILE or redirect stdout)");
    if (stdout_was_closed()) throw Error("<stdout>", "standard output is closed");
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
