#include "output.h"

#include "error.h"
#include "process.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <mutex>
#include <set>
#include <sys/resource.h>
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

// ---------------------------------------------------------------------------------------
// Temporary names

namespace {

constexpr const char temp_prefix[] = ".keypipe-";
// A temporary of another boot, machine or PID namespace cannot be proved dead; one whose
// name has not changed (ctime) for this long is.
constexpr time_t foreign_temp_age_seconds = 3600;

std::string read_small_file(const std::string& path) {
    Fd f(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (f.get() < 0) return "";
    char buf[1024];
    ssize_t n;
    do n = ::read(f.get(), buf, sizeof buf); while (n < 0 && errno == EINTR);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

// The start time of process `pid` in clock ticks after boot (field 22 of /proc/PID/stat),
// or "" when there is no such process (or no /proc).
std::string start_time(const std::string& pid) {
    const std::string stat = read_small_file("/proc/" + pid + "/stat");
    const size_t paren = stat.rfind(')');  // the command name may hold spaces and ')'
    if (paren == std::string::npos) return "";
    size_t pos = paren + 1;
    for (int field = 3; field <= 22; ++field) {  // fields after the name: state is 3
        pos = stat.find_first_not_of(' ', pos);
        if (pos == std::string::npos) return "";
        const size_t end = stat.find(' ', pos);
        if (field == 22) return stat.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
        pos = end;
    }
    return "";
}

// Eight hex digits naming this boot of this machine and this PID namespace.
std::string host_tag() {
    char ns[64] = {};
    const ssize_t n = ::readlink("/proc/self/ns/pid", ns, sizeof ns - 1);
    const std::string text = read_small_file("/proc/sys/kernel/random/boot_id") + (n > 0 ? std::string(ns, n) : "");
    uint32_t h = 2166136261u;  // FNV-1a
    for (unsigned char c : text) h = (h ^ c) * 16777619u;
    char hex[9];
    std::snprintf(hex, sizeof hex, "%08x", h);
    return hex;
}

struct ProcessTag {
    std::string pid, start, host;
};

// This process's tag, read once (again in a forked child).
ProcessTag this_process() {
    static std::mutex mutex;
    static ProcessTag tag;
    std::lock_guard<std::mutex> lock(mutex);
    const std::string pid = std::to_string(::getpid());
    if (tag.pid != pid) tag = {pid, start_time("self"), host_tag()};
    return tag;
}

std::atomic<unsigned> temp_counter{0};

std::string temp_path(const std::string& dir) {
    const ProcessTag p = this_process();
    return dir + "/" + temp_prefix + p.pid + "-" + (p.start.empty() ? "0" : p.start) + "-" + p.host + "-" +
           std::to_string(temp_counter++) + ".tmp";
}

bool all_digits(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

// Whether `name` (a folder entry) is a keypipe temporary that no live run can still use.
bool is_stale_temp(const std::string& name, const struct stat& st, time_t now) {
    const size_t prefix = sizeof temp_prefix - 1;
    if (name.compare(0, prefix, temp_prefix) != 0 || name.size() < prefix + 4 || name.compare(name.size() - 4, 4, ".tmp") != 0)
        return false;
    std::vector<std::string> parts;
    const std::string middle = name.substr(prefix, name.size() - prefix - 4);
    for (size_t pos = 0;;) {
        const size_t dash = middle.find('-', pos);
        parts.push_back(middle.substr(pos, dash == std::string::npos ? std::string::npos : dash - pos));
        if (dash == std::string::npos) break;
        pos = dash + 1;
    }
    const bool old_age = now - st.st_ctime > foreign_temp_age_seconds;
    // Before 0.x the names were .keypipe-PID-N.tmp, with nothing to tell a reused PID.
    if (parts.size() == 2 && all_digits(parts[0]) && all_digits(parts[1])) return old_age;
    if (parts.size() != 4 || !all_digits(parts[0]) || !all_digits(parts[1]) || !all_digits(parts[3]) || parts[2].size() != 8 ||
        parts[2].find_first_not_of("0123456789abcdef") != std::string::npos)
        return false;
    const ProcessTag me = this_process();
    if (parts[2] != me.host || me.start.empty()) return old_age;
    const std::string start = start_time(parts[0]);
    if (!start.empty()) return start != parts[1];  // gone, or the PID now names a newer process
    // No /proc entry: gone, unless /proc hides it (hidepid, and tools are not dumpable).
    const long pid = std::strtol(parts[0].c_str(), nullptr, 10);
    if (pid <= 0 || pid > INT_MAX || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)) return true;
    return old_age;
}

// How many staged files keep a descriptor open, and how many may: a quarter of the
// descriptor limit, so that 1,100 blocks of one bundle stage under `ulimit -n 64`.
std::atomic<int> open_staged{0};

int staged_fd_budget() {
    static const int budget = [] {
        struct rlimit rl {};
        if (::getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return 256;
        return static_cast<int>(std::clamp<rlim_t>(rl.rlim_cur / 4, 4, 256));
    }();
    return budget;
}

bool no_hard_links(int err) { return err == EPERM || err == EOPNOTSUPP || err == ENOSYS || err == EMLINK; }
bool flag_unsupported(int err) { return err == EINVAL || err == ENOSYS || err == EOPNOTSUPP; }

int rename2(const std::string& from, const std::string& to, unsigned flags) {
    return ::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), flags);
}

// Creates a new temporary file in `dir` with `mode`; returns its descriptor and name.
int create_temp(const std::string& dir, mode_t mode, std::string& name) {
    for (int attempt = 0; attempt < 100; ++attempt) {
        name = temp_path(dir);
        const int fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
        if (fd >= 0 || errno != EEXIST) {
            if (fd < 0) name.clear();
            return fd;
        }
    }
    name.clear();
    return -1;
}

// Keeps the file at `path` under a temporary name beside it, for a rollback: a hard link,
// or a copy where the filesystem has none. "" when there is nothing at `path`.
std::string keep_old(const std::string& path) {
    const std::string dir = parent_dir(path);
    for (int attempt = 0; attempt < 100; ++attempt) {
        std::string kept = temp_path(dir);
        if (::link(path.c_str(), kept.c_str()) == 0) return kept;
        if (errno == ENOENT) return "";
        if (errno == EEXIST) continue;
        if (!no_hard_links(errno)) throw Error(path, "cannot keep the old file: " + errno_text(errno));
        break;
    }
    Fd in(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    struct stat st {};
    if (in.get() < 0 && errno == ENOENT) return "";
    if (in.get() < 0 || ::fstat(in.get(), &st) != 0 || !S_ISREG(st.st_mode))
        throw Error(path, "cannot keep the old file: " + errno_text(in.get() < 0 ? errno : EINVAL));
    std::string kept;
    Fd out(create_temp(dir, st.st_mode & 07777, kept));
    if (out.get() < 0) throw Error(path, "cannot keep the old file: " + errno_text(errno));
    try {
        char buf[65536];
        for (;;) {
            const ssize_t n = ::read(in.get(), buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw Error(path, "cannot keep the old file: " + errno_text(errno));
            if (n == 0) break;
            write_all(out.get(), ByteView(reinterpret_cast<const uint8_t*>(buf), static_cast<size_t>(n)), path);
        }
        ::fchmod(out.get(), st.st_mode & 07777);
        if (::fdatasync(out.get()) != 0) throw Error(path, "cannot keep the old file: " + errno_text(errno));
    } catch (...) {
        ::unlink(kept.c_str());
        throw;
    }
    return kept;
}

}  // namespace

void remove_stale_temporaries(const std::string& dir) {
    static std::mutex mutex;
    static std::set<std::string> done;
    {
        std::lock_guard<std::mutex> lock(mutex);
        if (!done.insert(dir).second) return;
    }
    DIR* d = ::opendir(dir.c_str());
    if (!d) return;
    const uid_t me = ::geteuid();
    const time_t now = ::time(nullptr);
    while (const dirent* e = ::readdir(d)) {
        if (std::strncmp(e->d_name, temp_prefix, sizeof temp_prefix - 1) != 0) continue;
        struct stat st {};
        if (::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || st.st_uid != me ||
            !(S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)))
            continue;
        if (is_stale_temp(e->d_name, st, now)) ::unlinkat(::dirfd(d), e->d_name, 0);
    }
    ::closedir(d);
}

// ---------------------------------------------------------------------------------------
// Staged files

// How a placed file is taken back: a name this run created is removed; a replaced file
// is put back from where it was kept (exchanged: `kept` holds it after a RENAME_EXCHANGE).
struct StagedFile::Placed {
    enum Kind { none, created, exchanged, replaced } kind = none;
    std::string path, kept;
    dev_t dev = 0;
    ino_t ino = 0;

    // False when the old state could not be restored (`kept` is then left in place).
    bool undo() {
        switch (kind) {
        case none: return true;
        case created: {
            struct stat st {};
            if (::lstat(path.c_str(), &st) == 0 && st.st_dev == dev && st.st_ino == ino) ::unlink(path.c_str());
            return true;
        }
        case exchanged:
            if (rename2(kept, path, RENAME_EXCHANGE) != 0) return false;
            ::unlink(kept.c_str());
            return true;
        case replaced: return ::rename(kept.c_str(), path.c_str()) == 0;
        }
        return true;
    }
    void forget_old() {
        if (!kept.empty()) ::unlink(kept.c_str());
        kept.clear();
    }
};

StagedFile::StagedFile(std::string path, ByteView data, Sensitivity s, bool force)
    : StagedFile(std::move(path), data, s, force, Streams::write_now) {}

StagedFile::StagedFile(std::string path, ByteView data, Sensitivity s, bool force, Streams streams)
    : path_(std::move(path)), dir_(parent_dir(path_)), force_(force) {
    const mode_t mode = s == Sensitivity::private_key ? 0600 : 0666;  // public files: umask applies
    const Target target = inspect(path_, force);
    if (target.kind == Target::stream) {
        if (streams == Streams::refuse) changed(path_);
        write_stream(path_, target, data, s);
        linked_ = true;  // nothing left to do
        return;
    }
    remove_stale_temporaries(dir_);
    fd_ = ::open(dir_.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
    if (fd_ < 0) {
        if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) throw Error(path_, "cannot create: " + errno_text(errno));
        // No O_TMPFILE here: a named temporary file, removed unless linked.
        fd_ = create_temp(dir_, mode, temp_name_);
        if (fd_ < 0) throw Error(path_, "cannot create a temporary file: " + errno_text(errno));
    }
    ++open_staged;
    try {  // (a constructor that throws gets no destructor)
        if (s == Sensitivity::private_key) ::fchmod(fd_, 0600);  // whatever the umask
        write_all(fd_, data, path_);
        struct stat st {};
        if (::fstat(fd_, &st) == 0) dev_ = st.st_dev, ino_ = st.st_ino;
        if (open_staged.load() > staged_fd_budget()) park();
    } catch (...) {
        close_fd();
        if (!temp_name_.empty()) ::unlink(temp_name_.c_str());
        throw;
    }
}

StagedFile::~StagedFile() {
    close_fd();
    if (!linked_ && !temp_name_.empty()) ::unlink(temp_name_.c_str());
}

void StagedFile::close_fd() {
    if (fd_ < 0) return;
    ::close(fd_);
    fd_ = -1;
    --open_staged;
}

std::string StagedFile::named_temp() {
    if (!temp_name_.empty()) return temp_name_;
    const std::string proc = "/proc/self/fd/" + std::to_string(fd_);
    for (int attempt = 0; attempt < 100; ++attempt) {
        const std::string name = temp_path(dir_);
        if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, name.c_str(), AT_SYMLINK_FOLLOW) == 0) return temp_name_ = name;
        if (errno != EEXIST) break;
    }
    throw Error(path_, "cannot write: " + errno_text(errno));
}

// Closes the descriptor of a staged file, which keeps its data under a temporary name.
void StagedFile::park() {
    named_temp();
    close_fd();
}

void StagedFile::sync() {
    if (linked_) return;
    Fd reopened(fd_ < 0 ? ::open(temp_name_.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1);
    const int fd = fd_ >= 0 ? fd_ : reopened.get();
    if (fd < 0 || ::fdatasync(fd) != 0) throw Error(path_, "fsync failed: " + errno_text(errno));
}

void StagedFile::link() { place(false); }

// Puts the staged file at its name (see FileGroup for `keep_old`).
StagedFile::Placed StagedFile::place(bool keep_old_file) {
    Placed p;
    if (linked_) return p;
    p.path = path_;
    p.dev = dev_;
    p.ino = ino_;
    if (!force_ && temp_name_.empty()) {
        const std::string proc = "/proc/self/fd/" + std::to_string(fd_);
        if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, path_.c_str(), AT_SYMLINK_FOLLOW) != 0) {
            if (errno == EEXIST) exists(path_);
            throw Error(path_, "cannot write: " + errno_text(errno));
        }
        p.kind = Placed::created;
    } else if (!force_) {
        if (::link(temp_name_.c_str(), path_.c_str()) == 0) {
            ::unlink(temp_name_.c_str());
        } else if (errno == EEXIST) {
            exists(path_);
        } else if (!no_hard_links(errno)) {
            throw Error(path_, "cannot write: " + errno_text(errno));
        } else if (rename2(temp_name_, path_, RENAME_NOREPLACE) != 0) {
            // FAT and exFAT have no hard links; their kernel drivers have RENAME_NOREPLACE,
            // some FUSE ones do not: then a look just before a plain rename.
            if (errno == EEXIST) exists(path_);
            if (!flag_unsupported(errno)) throw Error(path_, "cannot write: " + errno_text(errno));
            struct stat st {};
            if (::lstat(path_.c_str(), &st) == 0) exists(path_);
            if (::rename(temp_name_.c_str(), path_.c_str()) != 0) throw Error(path_, "cannot write: " + errno_text(errno));
        }
        p.kind = Placed::created;
    } else {
        const std::string temp = named_temp();
        if (keep_old_file && rename2(temp, path_, RENAME_EXCHANGE) == 0) {
            p.kind = Placed::exchanged;  // temp now holds the old file
            p.kept = temp;
            struct stat st {};
            if (::lstat(temp.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {  // a rename would refuse it too
                p.undo();
                throw Error(path_, "is a directory");
            }
        } else if (keep_old_file && errno != ENOENT && !flag_unsupported(errno)) {
            throw Error(path_, "cannot write: " + errno_text(errno));
        } else {
            if (keep_old_file) p.kept = keep_old(path_);
            if (::rename(temp.c_str(), path_.c_str()) != 0) {
                const int err = errno;
                if (!p.kept.empty()) ::unlink(p.kept.c_str());
                throw Error(path_, "cannot write: " + errno_text(err));
            }
            p.kind = p.kept.empty() ? Placed::created : Placed::replaced;
        }
    }
    temp_name_.clear();
    linked_ = true;
    return p;
}

void sync_staged(const std::vector<StagedFile*>& files) {
    std::set<dev_t> synced;
    for (StagedFile* f : files) {
        if (f->linked_ || !synced.insert(f->dev_).second) continue;
        Fd dir(f->fd_ < 0 ? ::open(f->dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1);
        const int fd = f->fd_ >= 0 ? f->fd_ : dir.get();
        if (fd < 0 || ::syncfs(fd) != 0) {  // not expected; fall back to one fdatasync per file
            for (StagedFile* g : files) g->sync();
            return;
        }
    }
}

// ---------------------------------------------------------------------------------------
// Files that belong together

struct FileGroup::Member {
    std::string path;
    ByteView data;
    Sensitivity sensitivity;
    Target target;                     // a stream: written by commit()
    std::unique_ptr<StagedFile> file;  // a file: staged by add()
};

FileGroup::FileGroup(bool force) : force_(force) {}

FileGroup::~FileGroup() = default;

void FileGroup::add(const std::string& path, ByteView data, Sensitivity s) {
    auto m = std::make_unique<Member>();
    m->path = path;
    m->data = data;
    m->sensitivity = s;
    if (path == "-") {
        check_target(path, s, force_);
    } else {
        m->target = inspect(path, force_);
        if (m->target.kind == Target::stream) check_target(path, s, force_);  // a terminal, for a key
        else m->file.reset(new StagedFile(path, data, s, force_, StagedFile::Streams::refuse));
    }
    members_.push_back(std::move(m));
}

void FileGroup::commit() {
    for (auto& m : members_)
        if (m->file) m->file->sync();
    for (auto& m : members_) {
        if (m->file) continue;
        if (m->path == "-") write_stdout(m->data, m->sensitivity);
        else write_stream(m->path, m->target, m->data, m->sensitivity);
    }
    std::vector<StagedFile::Placed> placed;
    for (auto& m : members_) {
        if (!m->file) continue;
        try {
            placed.push_back(m->file->place(true));
        } catch (const Error& e) {
            std::string lost;
            for (auto it = placed.rbegin(); it != placed.rend(); ++it)
                if (!it->undo()) lost += (lost.empty() ? "" : ", ") + it->path + " (kept as " + it->kept + ")";
            if (lost.empty()) throw;
            throw Error(e.subject(), std::string(e.what()) + "; could not put back the old " + lost);
        }
    }
    std::set<std::string> dirs;
    for (auto& m : members_)
        if (m->file) dirs.insert(m->file->dir());
    for (const auto& d : dirs) sync_directory(d);
    for (auto& p : placed) p.forget_old();
    members_.clear();
}

bool same_file(const std::string& a, const std::string& b) {
    struct stat sa {}, sb {};
    if (::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0)  // devices (/dev/null twice) are fine
        return S_ISREG(sa.st_mode) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    if (a == b) return true;
    const auto base = [](const std::string& p) { return p.substr(p.find_last_of('/') + 1); };
    return base(a) == base(b) && ::stat(parent_dir(a).c_str(), &sa) == 0 && ::stat(parent_dir(b).c_str(), &sb) == 0 &&
           sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
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
