// output.h on Windows (POSIX: output.cpp). The same guarantees by Windows means: the data
// goes to a new temporary file beside the target (CREATE_NEW), is flushed to disk
// (FlushFileBuffers), and is moved into place by MoveFileExW, which refuses an existing
// target unless --force asks for MOVEFILE_REPLACE_EXISTING. A failure at any point deletes
// the temporary file. Private keys (and folders made for them) are created with a
// protected DACL that allows the current user, SYSTEM and Administrators and nobody else:
// the Windows form of mode 0600, and exactly what Windows OpenSSH's permission check
// accepts for an identity file (it refuses a key that any other account can read).
// Not here: POSIX's folder fsync (NTFS journals the rename itself) and syncfs batching.
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
#include <memory>

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

    std::unique_ptr<OwnerOnly> owner_only;
    if (s == Sensitivity::private_key) owner_only = std::make_unique<OwnerOnly>();
    HANDLE h = INVALID_HANDLE_VALUE;
    DWORD err = 0;
    // "." stays implicit, and "C:" (that drive's current folder) or "C:\\" take no separator.
    const std::string prefix = dir_ == "." ? "" : is_separator(dir_.back()) || dir_.back() == ':' ? dir_ : dir_ + "\\";
    for (int attempt = 0; attempt < 100; ++attempt) {
        temp_name_ = prefix + ".keypipe-" + std::to_string(GetCurrentProcessId()) + "-" + std::to_string(attempt) + ".tmp";
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
