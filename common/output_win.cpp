// output.h on Windows (POSIX: output.cpp). The same guarantees by Windows means: the data
// goes to a new temporary file beside the target (CREATE_NEW), is flushed to disk
// (FlushFileBuffers), and is moved into place by MoveFileExW, which refuses an existing
// target unless --force asks for MOVEFILE_REPLACE_EXISTING. A failure at any point deletes
// the temporary file. Private keys (and folders made for them) are created with a
// protected DACL that allows the current user, SYSTEM and Administrators and nobody else:
// the Windows form of mode 0600, and exactly what Windows OpenSSH's permission check
// accepts for an identity file (it refuses a key that any other account can read).
// FileGroup stages every file first, then moves them into place in order; when one move
// fails, the ones before it are taken back (a new name deleted, a replaced file restored
// from a hard link kept of it, or from where it was moved aside where links are missing).
// A temporary's name carries the process id and the process's creation time, which
// together name one process for good (Windows reuses ids, never an id with the same
// creation time): remove_stale_temporaries deletes a leftover only when that process is
// gone, or the id now names a process created at another time.
// Not here: POSIX's folder fsync (NTFS journals the rename itself), syncfs batching and the
// descriptor bound (Windows has no small handle limit).
#include "output.h"

#include <windows.h>
#include <aclapi.h>

#include "error.h"
#include "platform.h"
#include "win32.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <io.h>
#include <atomic>
#include <memory>
#include <mutex>
#include <set>

namespace keypipe {
namespace {

[[noreturn]] void exists(const std::string& path) { throw Error(path, "file exists (use -f to replace it)"); }

[[noreturn]] void fail(const std::string& path, const std::string& what, DWORD code) {
    throw Error(path, what + ": " + win32::error_text(code));
}

bool is_separator(char c) { return c == '/' || c == '\\'; }

// A security descriptor whose DACL grants full control to the current user, SYSTEM and
// Administrators, protected from the ACEs the folder would pass on.
class OwnerOnly {
public:
    OwnerOnly() {
        HANDLE token = nullptr;
        if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) fail("<security>", "cannot read the user", GetLastError());
        DWORD size = 0;
        GetTokenInformation(token, TokenUser, nullptr, 0, &size);
        user_.reset(new BYTE[size]);
        const BOOL ok = GetTokenInformation(token, TokenUser, user_.get(), size, &size);
        const DWORD err = GetLastError();
        CloseHandle(token);
        if (!ok) fail("<security>", "cannot read the user", err);
        PSID sids[3] = {reinterpret_cast<TOKEN_USER*>(user_.get())->User.Sid, system_, admins_};
        DWORD system_size = sizeof system_, admins_size = sizeof admins_;
        CreateWellKnownSid(WinLocalSystemSid, nullptr, system_, &system_size);
        CreateWellKnownSid(WinBuiltinAdministratorsSid, nullptr, admins_, &admins_size);
        DWORD acl_size = sizeof(ACL);
        for (PSID sid : sids) acl_size += static_cast<DWORD>(sizeof(ACCESS_ALLOWED_ACE) - sizeof(DWORD)) + GetLengthSid(sid);
        acl_.reset(new BYTE[acl_size]);
        PACL acl = reinterpret_cast<PACL>(acl_.get());
        InitializeAcl(acl, acl_size, ACL_REVISION);
        for (PSID sid : sids) AddAccessAllowedAce(acl, ACL_REVISION, FILE_ALL_ACCESS, sid);
        InitializeSecurityDescriptor(&sd_, SECURITY_DESCRIPTOR_REVISION);
        SetSecurityDescriptorDacl(&sd_, TRUE, acl, FALSE);
        SetSecurityDescriptorControl(&sd_, SE_DACL_PROTECTED, SE_DACL_PROTECTED);
        attributes_ = {sizeof attributes_, &sd_, FALSE};
    }
    SECURITY_ATTRIBUTES* attributes() { return &attributes_; }
    PACL acl() { return reinterpret_cast<PACL>(acl_.get()); }

private:
    std::unique_ptr<BYTE[]> user_, acl_;
    BYTE system_[SECURITY_MAX_SID_SIZE] = {}, admins_[SECURITY_MAX_SID_SIZE] = {};
    SECURITY_DESCRIPTOR sd_{};
    SECURITY_ATTRIBUTES attributes_{};
};

void write_all(int fd, ByteView data, const std::string& name) {
    size_t done = 0;
    while (done < data.size()) {
        const size_t chunk = std::min<size_t>(data.size() - done, 1u << 30);
        const int n = ::_write(fd, data.data() + done, static_cast<unsigned>(chunk));
        if (n < 0) throw Error(name, std::string("write failed: ") + std::strerror(errno));
        done += static_cast<size_t>(n);
    }
}

HANDLE os_handle(int fd) { return reinterpret_cast<HANDLE>(_get_osfhandle(fd)); }

// What is at `path`: nothing, a folder, a file, or a device/pipe (NUL, CON, \\.\pipe\x)
// that is written to and never replaced. A console is reported as such.
enum class Kind { none, folder, file, stream, console };
Kind inspect(const std::string& path) {
    const std::wstring wide = win32::widen(path);
    const DWORD attributes = GetFileAttributesW(wide.c_str());
    if (attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY)) return Kind::folder;
    const HANDLE h = CreateFileW(wide.c_str(), GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr, OPEN_EXISTING,
                                 FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h == INVALID_HANDLE_VALUE) return attributes != INVALID_FILE_ATTRIBUTES ? Kind::file : Kind::none;
    Kind kind = Kind::file;
    if (GetFileType(h) != FILE_TYPE_DISK) {
        DWORD mode = 0;
        kind = GetConsoleMode(h, &mode) ? Kind::console : Kind::stream;
    }
    CloseHandle(h);
    return kind;
}

// Writes to an existing device or pipe (the POSIX side's FIFO or /dev/null case).
void write_stream(const std::string& path, ByteView data, Sensitivity s) {
    const HANDLE h = CreateFileW(win32::widen(path).c_str(), GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                                 OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h == INVALID_HANDLE_VALUE) fail(path, "cannot open", GetLastError());
    const int fd = _open_osfhandle(reinterpret_cast<intptr_t>(h), _O_WRONLY | _O_BINARY);
    if (fd < 0) {
        CloseHandle(h);
        throw Error(path, "cannot open: " + std::string(std::strerror(errno)));
    }
    struct Closer {
        int fd;
        ~Closer() { ::_close(fd); }
    } closer{fd};
    if (s == Sensitivity::private_key && platform::is_terminal(fd)) throw Error(path, "refusing to write a private key to a terminal");
    write_all(fd, data, path);
}

// The identity of an existing file (volume and file index), for same_file.
bool file_id(const std::string& path, BY_HANDLE_FILE_INFORMATION& info) {
    const HANDLE h = CreateFileW(win32::widen(path).c_str(), 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                 nullptr, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, nullptr);
    if (h == INVALID_HANDLE_VALUE) return false;
    const bool ok = GetFileInformationByHandle(h, &info) && GetFileType(h) == FILE_TYPE_DISK;
    CloseHandle(h);
    return ok;
}

// The full path, case-folded: Windows file names compare without case.
std::wstring full_path(const std::string& path) {
    const std::wstring wide = win32::widen(path);
    std::wstring out(MAX_PATH, L'\0');
    DWORD n = GetFullPathNameW(wide.c_str(), static_cast<DWORD>(out.size()), out.data(), nullptr);
    if (n > out.size()) {
        out.resize(n);
        n = GetFullPathNameW(wide.c_str(), n, out.data(), nullptr);
    }
    out.resize(n);
    CharLowerBuffW(out.data(), static_cast<DWORD>(out.size()));
    return out;
}

// When a process was created, in 100 ns units since 1601 (0 if unknown).
unsigned long long creation_time(HANDLE process) {
    FILETIME created{}, exited{}, kernel{}, user{};
    if (!GetProcessTimes(process, &created, &exited, &kernel, &user)) return 0;
    return (static_cast<unsigned long long>(created.dwHighDateTime) << 32) | created.dwLowDateTime;
}

constexpr char temp_prefix[] = ".keypipe-";

// `dir` with a separator to put a name after: "." stays implicit, and "C:" (that drive's
// current folder) or "C:\\" take none.
std::string dir_prefix(const std::string& dir) {
    return dir == "." ? "" : is_separator(dir.back()) || dir.back() == ':' ? dir : dir + "\\";
}

// A name beside `dir`'s files that nobody else uses: .keypipe-PID-CREATED-[old]N.tmp.
std::string temp_in(const std::string& dir, const std::string& tag, int attempt) {
    static const std::string me =
        std::to_string(GetCurrentProcessId()) + "-" + std::to_string(creation_time(GetCurrentProcess()));
    return dir_prefix(dir) + temp_prefix + me + "-" + tag + std::to_string(attempt) + ".tmp";
}

bool all_digits(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

// Whether `name` is a temporary of a keypipe run that has ended. Names without a creation
// time (earlier builds' .keypipe-PID-N.tmp) cannot be proved stale and are left alone, as
// is one whose process exists but cannot be asked when it started (another user's).
bool is_stale_temp(const std::string& name) {
    const size_t prefix = sizeof temp_prefix - 1;
    if (name.size() < prefix + 4 || name.compare(0, prefix, temp_prefix) != 0 || name.compare(name.size() - 4, 4, ".tmp") != 0)
        return false;
    const std::string middle = name.substr(prefix, name.size() - prefix - 4);
    const size_t a = middle.find('-'), b = a == std::string::npos ? a : middle.find('-', a + 1);
    if (b == std::string::npos || middle.find('-', b + 1) != std::string::npos) return false;
    const std::string pid = middle.substr(0, a), created = middle.substr(a + 1, b - a - 1), last = middle.substr(b + 1);
    if (!all_digits(pid) || !all_digits(created) || pid.size() > 10 || created.size() > 20 ||
        !(all_digits(last) || (last.compare(0, 3, "old") == 0 && all_digits(last.substr(3)))))
        return false;
    const unsigned long long id = std::stoull(pid), when = std::stoull(created);
    if (id > 0xFFFFFFFFull) return false;
    const HANDLE process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, static_cast<DWORD>(id));
    if (!process) return GetLastError() == ERROR_INVALID_PARAMETER;  // no such process
    DWORD code = 0;
    const bool ended = GetExitCodeProcess(process, &code) && code != STILL_ACTIVE;
    const unsigned long long started = creation_time(process);
    CloseHandle(process);
    return ended || (started != 0 && started != when);
}

}  // namespace

std::string parent_dir(const std::string& path) {
    size_t slash = path.size();
    while (slash > 0 && !is_separator(path[slash - 1])) --slash;
    const bool drive = path.size() >= 2 && path[1] == ':';
    if (slash == 0) return drive ? path.substr(0, 2) : ".";                      // "C:name": that drive's folder
    if (slash == 1 || (drive && slash == 3)) return path.substr(0, slash);      // "\name", "C:\name"
    return path.substr(0, slash - 1);
}

void sync_directory(const std::string&) {}

StagedFile::StagedFile(std::string path, ByteView data, Sensitivity s, bool force)
    : path_(std::move(path)), dir_(parent_dir(path_)), force_(force) {
    const std::wstring target = win32::widen(path_);
    const DWORD attributes = GetFileAttributesW(target.c_str());
    if (attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY)) throw Error(path_, "is a directory");
    // A device or pipe (-o NUL, -o CON, \\.\pipe\x) is written to, never replaced.
    const HANDLE probe = CreateFileW(target.c_str(), GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr, OPEN_EXISTING,
                                     FILE_ATTRIBUTE_NORMAL, nullptr);
    if (probe != INVALID_HANDLE_VALUE) {
        const bool device = GetFileType(probe) != FILE_TYPE_DISK;
        if (device) {
            const int fd = _open_osfhandle(reinterpret_cast<intptr_t>(probe), _O_WRONLY | _O_BINARY);
            if (fd < 0) {
                CloseHandle(probe);
                throw Error(path_, "cannot open: " + std::string(std::strerror(errno)));
            }
            struct Closer {
                int fd;
                ~Closer() { ::_close(fd); }
            } closer{fd};
            if (s == Sensitivity::private_key && platform::is_terminal(fd))
                throw Error(path_, "refusing to write a private key to a terminal");
            write_all(fd, data, path_);
            linked_ = true;  // nothing left to do
            return;
        }
        CloseHandle(probe);
        if (!force) exists(path_);
    } else if (attributes != INVALID_FILE_ATTRIBUTES && !force) {
        exists(path_);  // there, but not ours to open (read-only, in use)
    }

    remove_stale_temporaries(dir_);
    std::unique_ptr<OwnerOnly> owner_only;
    if (s == Sensitivity::private_key) owner_only = std::make_unique<OwnerOnly>();
    HANDLE h = INVALID_HANDLE_VALUE;
    DWORD err = 0;
    static std::atomic<int> counter{0};  // batch workers stage in parallel
    for (int attempt = 0; attempt < 100; ++attempt) {
        temp_name_ = temp_in(dir_, "", counter++);
        h = CreateFileW(win32::widen(temp_name_).c_str(), GENERIC_WRITE | READ_CONTROL | WRITE_DAC, 0,
                        owner_only ? owner_only->attributes() : nullptr, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, nullptr);
        err = GetLastError();
        if (h != INVALID_HANDLE_VALUE || (err != ERROR_FILE_EXISTS && err != ERROR_ALREADY_EXISTS)) break;
    }
    if (h == INVALID_HANDLE_VALUE) {
        temp_name_.clear();
        if (err == ERROR_PATH_NOT_FOUND) throw Error(path_, "cannot create: folder " + dir_ + " does not exist");
        fail(path_, "cannot create a temporary file", err);
    }
    if (owner_only) {
        // Again through the handle: some file systems ignore the descriptor given at creation.
        SetSecurityInfo(h, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION, nullptr,
                        nullptr, owner_only->acl(), nullptr);
    }
    fd_ = _open_osfhandle(reinterpret_cast<intptr_t>(h), _O_WRONLY | _O_BINARY);
    if (fd_ < 0) {
        CloseHandle(h);
        throw Error(path_, "cannot create a temporary file: " + std::string(std::strerror(errno)));
    }
    write_all(fd_, data, path_);
}

StagedFile::~StagedFile() {
    if (fd_ >= 0) ::_close(fd_);
    if (!linked_ && !temp_name_.empty()) DeleteFileW(win32::widen(temp_name_).c_str());
}

void StagedFile::sync() {
    if (linked_) return;
    if (!FlushFileBuffers(os_handle(fd_))) fail(path_, "flush failed", GetLastError());
}

void StagedFile::link() {
    if (linked_) return;
    ::_close(fd_);  // MoveFileExW moves a closed file; our sharing mode keeps others out until then
    fd_ = -1;
    const DWORD flags = MOVEFILE_WRITE_THROUGH | (force_ ? MOVEFILE_REPLACE_EXISTING : 0);
    if (!MoveFileExW(win32::widen(temp_name_).c_str(), win32::widen(path_).c_str(), flags)) {
        const DWORD err = GetLastError();
        if (err == ERROR_ALREADY_EXISTS || err == ERROR_FILE_EXISTS) exists(path_);
        fail(path_, "cannot write", err);
    }
    temp_name_.clear();
    linked_ = true;
}

void sync_staged(const std::vector<StagedFile*>& files) {
    for (StagedFile* f : files) f->sync();
}

void check_target(const std::string& path, Sensitivity s, bool force) {
    if (path == "-") {
        if (s == Sensitivity::private_key && platform::is_terminal(_fileno(stdout)))
            throw Error("<stdout>", "refusing to write a private key to a terminal (use -o FILE or redirect stdout)");
        return;
    }
    switch (inspect(path)) {
    case Kind::folder: throw Error(path, "is a directory");
    case Kind::console:
        if (s == Sensitivity::private_key) throw Error(path, "refusing to write a private key to a terminal");
        return;
    case Kind::stream: return;
    case Kind::file:
        if (!force) exists(path);
        return;
    case Kind::none: break;
    }
    const std::string dir = parent_dir(path);
    const DWORD attributes = GetFileAttributesW(win32::widen(dir).c_str());
    if (attributes == INVALID_FILE_ATTRIBUTES) throw Error(path, "cannot create: folder " + dir + " does not exist");
    if (!(attributes & FILE_ATTRIBUTE_DIRECTORY)) throw Error(path, "cannot create: " + dir + " is not a folder");
    // Whether the folder's ACL lets us create is known only when we try (StagedFile).
}

void remove_stale_temporaries(const std::string& dir) {
    static std::mutex mutex;
    static std::set<std::string> done;
    {
        std::lock_guard<std::mutex> lock(mutex);
        if (!done.insert(dir).second) return;
    }
    const std::string prefix = dir_prefix(dir);
    WIN32_FIND_DATAW entry{};
    const HANDLE find = FindFirstFileW(win32::widen(prefix + temp_prefix + "*.tmp").c_str(), &entry);
    if (find == INVALID_HANDLE_VALUE) return;
    do {
        if (entry.dwFileAttributes & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_REPARSE_POINT)) continue;
        const std::string name = win32::narrow(entry.cFileName, wcslen(entry.cFileName));
        if (is_stale_temp(name)) DeleteFileW(win32::widen(prefix + name).c_str());
    } while (FindNextFileW(find, &entry));
    FindClose(find);
}

bool same_file(const std::string& a, const std::string& b) {
    BY_HANDLE_FILE_INFORMATION ia{}, ib{};
    const bool has_a = file_id(a, ia), has_b = file_id(b, ib);
    if (has_a && has_b)
        return ia.dwVolumeSerialNumber == ib.dwVolumeSerialNumber && ia.nFileIndexHigh == ib.nFileIndexHigh &&
               ia.nFileIndexLow == ib.nFileIndexLow;
    if (inspect(a) == Kind::stream || inspect(a) == Kind::console) return false;  // NUL twice is fine
    return full_path(a) == full_path(b);
}

struct FileGroup::Member {
    std::string path;
    ByteView data;
    Sensitivity s;
    std::unique_ptr<StagedFile> staged;  // null: a stream ("-", a device or pipe), written at commit
    std::string backup;                  // after placing over an old file: where the old file is
    bool old_moved = false;              // backup is the old file itself (no hard link possible)
};

FileGroup::FileGroup(bool force) : force_(force) {}

FileGroup::~FileGroup() = default;  // each StagedFile deletes its temporary file

void FileGroup::add(const std::string& path, ByteView data, Sensitivity s) {
    check_target(path, s, force_);
    auto m = std::make_unique<Member>();
    m->path = path;
    m->data = data;
    m->s = s;
    if (path != "-" && inspect(path) != Kind::stream && inspect(path) != Kind::console)
        m->staged = std::make_unique<StagedFile>(path, data, s, force_);
    members_.push_back(std::move(m));
}

void FileGroup::commit() {
    for (auto& m : members_)
        if (m->staged) m->staged->sync();
    for (auto& m : members_) {
        if (m->staged) continue;
        if (m->path == "-") write_stdout(m->data, m->s);
        else write_stream(m->path, m->data, m->s);
    }
    // Puts member i in place, keeping what it replaces so that it can be taken back.
    auto place = [&](Member& m) {
        StagedFile& f = *m.staged;
        ::_close(f.fd_);
        f.fd_ = -1;
        const std::wstring target = win32::widen(f.path_);
        if (force_ && GetFileAttributesW(target.c_str()) != INVALID_FILE_ATTRIBUTES) {
            for (int attempt = 0; attempt < 100 && m.backup.empty(); ++attempt) {
                const std::string name = temp_in(f.dir_, "old", attempt);
                if (CreateHardLinkW(win32::widen(name).c_str(), target.c_str(), nullptr)) {
                    m.backup = name;
                } else if (GetLastError() != ERROR_ALREADY_EXISTS && GetLastError() != ERROR_FILE_EXISTS) {
                    // No hard links here (FAT): move the old file aside, with its own ACL.
                    if (!MoveFileExW(target.c_str(), win32::widen(name).c_str(), MOVEFILE_WRITE_THROUGH))
                        fail(f.path_, "cannot keep the old file", GetLastError());
                    m.backup = name;
                    m.old_moved = true;
                }
            }
        }
        const DWORD flags = MOVEFILE_WRITE_THROUGH | (force_ && !m.old_moved ? MOVEFILE_REPLACE_EXISTING : 0);
        if (!MoveFileExW(win32::widen(f.temp_name_).c_str(), target.c_str(), flags)) {
            const DWORD err = GetLastError();
            if (m.old_moved) MoveFileExW(win32::widen(m.backup).c_str(), target.c_str(), MOVEFILE_WRITE_THROUGH);
            else if (!m.backup.empty()) DeleteFileW(win32::widen(m.backup).c_str());
            m.backup.clear();
            if (err == ERROR_ALREADY_EXISTS || err == ERROR_FILE_EXISTS) exists(f.path_);
            fail(f.path_, "cannot write", err);
        }
        f.temp_name_.clear();
        f.linked_ = true;
    };
    size_t placed = 0;
    try {
        for (; placed < members_.size(); ++placed)
            if (members_[placed]->staged) place(*members_[placed]);
    } catch (...) {
        for (size_t i = placed; i-- > 0;) {  // take back, newest first
            Member& m = *members_[i];
            if (!m.staged) continue;
            const std::wstring target = win32::widen(m.path);
            if (m.backup.empty()) DeleteFileW(target.c_str());
            else MoveFileExW(win32::widen(m.backup).c_str(), target.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH);
        }
        throw;
    }
    for (auto& m : members_)
        if (!m->backup.empty()) DeleteFileW(win32::widen(m->backup).c_str());
}

void write_file_atomic(const std::string& path, ByteView data, Sensitivity s, bool force) {
    StagedFile f(path, data, s, force);
    f.sync();
    f.link();
}

void write_stdout(ByteView data, Sensitivity s) {
    if (s == Sensitivity::private_key && platform::is_terminal(_fileno(stdout)))
        throw Error("<stdout>", "refusing to write a private key to a terminal (use -o FILE or redirect stdout)");
    std::fflush(stdout);
    write_all(_fileno(stdout), data, "<stdout>");
}

void make_output_dir(const std::string& dir, Sensitivity s, std::vector<std::string>* created) {
    const std::wstring wide = win32::widen(dir);
    const DWORD attributes = GetFileAttributesW(wide.c_str());
    if (attributes != INVALID_FILE_ATTRIBUTES) {
        if (!(attributes & FILE_ATTRIBUTE_DIRECTORY)) throw Error(dir, "not a directory");
        return;
    }
    const std::string parent = parent_dir(dir);
    if (parent != dir && parent != "." && !(parent.size() <= 3 && parent.size() >= 1 && (is_separator(parent.back()) || parent.back() == ':')))
        make_output_dir(parent, s, created);
    std::unique_ptr<OwnerOnly> owner_only;
    if (s == Sensitivity::private_key) owner_only = std::make_unique<OwnerOnly>();
    if (CreateDirectoryW(wide.c_str(), owner_only ? owner_only->attributes() : nullptr)) {
        if (created) created->push_back(dir);
    } else if (GetLastError() != ERROR_ALREADY_EXISTS) {
        fail(dir, "cannot create directory", GetLastError());
    }
}

}  // namespace keypipe
