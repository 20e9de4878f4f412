#include "output.h"

#include "error.h"
#include "process.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <set>
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
    struct stat st {};
    if (::stat(path_.c_str(), &st) == 0) {
        if (S_ISDIR(st.st_mode)) throw Error(path_, "is a directory");
        // A device or pipe (-o /dev/null, -o /dev/stdout, a FIFO) is written to, never
        // replaced: renaming over /dev/null would put a regular file in its place.
        if (!S_ISREG(st.st_mode)) {
            Fd out(::open(path_.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC));
            if (out.get() < 0) throw Error(path_, "cannot open: " + errno_text(errno));
            if (s == Sensitivity::private_key && ::isatty(out.get()))
                throw Error(path_, "refusing to write a private key to a terminal");
            write_all(out.get(), data, path_);
            linked_ = true;  // nothing left to do
            return;
        }
        if (!force) exists(path_);
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
