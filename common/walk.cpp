#include "walk.h"

#include "error.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <sys/stat.h>
#include <utility>
#ifdef _WIN32
#include "platform.h"

#include <filesystem>
#else
#include <dirent.h>
#include <fnmatch.h>
#endif

namespace keypipe {
namespace {

#ifdef _WIN32
namespace fs = std::filesystem;
using FolderId = std::string;  // the canonical path (no inodes)
bool is_separator(char c) { return c == '/' || c == '\\'; }
#else
using FolderId = std::pair<dev_t, ino_t>;  // a folder is known by (device, inode)
bool is_separator(char c) { return c == '/'; }
#endif

// A file system entry as the walk sees it: `id` for folders, `error` when it is missing.
struct Status {
    enum class Kind { missing, file, folder, link, other } kind;
    FolderId id;
    std::string error;
};

struct Listing {
    std::vector<std::string> names;      // without . and ..
    std::string open_error, read_error;  // "" when none
};

#ifdef _WIN32
// Windows has neither opendir's (dev, inode) identities for loop detection nor fnmatch:
// the walk goes through std::filesystem (UTF-8 names through platform::fs_path), a folder
// is known by its canonical path, and patterns are matched by glob() below with fnmatch's
// rules (* ? [...] [!...], \ escapes; with a / in the pattern, * and ? stop at /).
bool glob(const char* p, const char* t, bool pathname) {
    for (; *p; ++p, ++t) {
        if (*p == '*') {
            while (p[1] == '*') ++p;
            for (const char* rest = t;; ++rest) {
                if (glob(p + 1, rest, pathname)) return true;
                if (!*rest || (pathname && *rest == '/')) return false;
            }
        }
        if (!*t || (pathname && *t == '/' && *p != '/')) return false;
        if (*p == '?') continue;
        if (*p == '[') {
            const char* q = p + 1;
            const bool negate = *q == '!' || *q == '^';
            if (negate) ++q;
            bool match = false;
            const char* start = q;
            while (*q && (*q != ']' || q == start)) {
                if (q[1] == '-' && q[2] && q[2] != ']') {
                    match |= static_cast<unsigned char>(*t) >= static_cast<unsigned char>(*q) &&
                             static_cast<unsigned char>(*t) <= static_cast<unsigned char>(q[2]);
                    q += 3;
                } else {
                    match |= *q++ == *t;
                }
            }
            if (!*q) {  // no closing ]: a literal [
                if (*t != '[') return false;
                continue;
            }
            if (match == negate) return false;
            p = q;
            continue;
        }
        if (*p == '\\' && p[1]) ++p;
        if (*p != *t) return false;
    }
    return !*t;
}

// What the walk needs of the file system (the POSIX twin is below).
Status status(const std::string& path, bool follow) {
    std::error_code ec;
    const fs::path p = platform::fs_path(path);
    const fs::file_status st = follow ? fs::status(p, ec) : fs::symlink_status(p, ec);
    if (ec || !fs::exists(st)) return {Status::Kind::missing, {}, ec ? ec.message() : "no such file or directory"};
    if (fs::is_symlink(st)) return {Status::Kind::link, {}, {}};
    if (fs::is_regular_file(st)) return {Status::Kind::file, {}, {}};
    if (!fs::is_directory(st)) return {Status::Kind::other, {}, {}};
    return {Status::Kind::folder, platform::utf8(fs::canonical(p, ec)), {}};
}

Listing list_folder(const std::string& path) {
    Listing l;
    std::error_code ec;
    fs::directory_iterator it(platform::fs_path(path), ec);
    if (ec) {
        l.open_error = ec.message();
        return l;
    }
    for (const fs::directory_iterator end; !ec && it != end; it.increment(ec)) l.names.push_back(platform::utf8(it->path().filename()));
    if (ec) l.read_error = ec.message();
    return l;
}

bool is_folder(const std::string& path) {
    std::error_code ec;
    return fs::is_directory(platform::fs_path(path), ec);
}

bool matches(const std::string& pattern, const std::string& text, bool pathname) {
    return glob(pattern.c_str(), text.c_str(), pathname);
}
#else

// What the walk needs of the file system.
Status status(const std::string& path, bool follow) {
    struct stat st {};
    if ((follow ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st)) != 0) return {Status::Kind::missing, {}, std::strerror(errno)};
    if (S_ISLNK(st.st_mode)) return {Status::Kind::link, {}, {}};
    if (S_ISREG(st.st_mode)) return {Status::Kind::file, {}, {}};
    if (!S_ISDIR(st.st_mode)) return {Status::Kind::other, {}, {}};
    return {Status::Kind::folder, {st.st_dev, st.st_ino}, {}};
}

Listing list_folder(const std::string& path) {
    Listing l;
    DIR* d = ::opendir(path.c_str());
    if (!d) {
        l.open_error = std::strerror(errno);
        return l;
    }
    errno = 0;
    while (const dirent* e = ::readdir(d)) {
        const std::string name = e->d_name;
        if (name != "." && name != "..") l.names.push_back(name);
    }
    const int err = errno;
    ::closedir(d);
    if (err) l.read_error = std::strerror(err);
    return l;
}

bool is_folder(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool matches(const std::string& pattern, const std::string& text, bool pathname) {
    return ::fnmatch(pattern.c_str(), text.c_str(), pathname ? FNM_PATHNAME : 0) == 0;
}
#endif

// One folder tree below `root`, depth first: regular files become inputs; folders seen
// before (a symlink loop, or a second link to one folder) and unreadable folders become
// marked inputs, so that the batch names them. Bounded by options.max_entries.
class Walker {
public:
    Walker(std::string root, const WalkOptions& options, std::vector<Input>& out)
        : root_(std::move(root)), options_(options), out_(out) {}

    void walk() {
        const Status st = status(root_, true);
        if (st.kind == Status::Kind::missing) throw Error(root_, "cannot read: " + st.error);
        folder(root_, "", st.id, {});
    }

private:
    void folder(const std::string& path, const std::string& rel, const FolderId& id, std::vector<FolderId> chain) {
        if (!seen_.insert(id).second) {
            const bool loop = std::find(chain.begin(), chain.end(), id) != chain.end();
            marked(path, true, loop ? "symlink loop" : "folder already walked by another link");
            return;
        }
        chain.push_back(id);
        const Listing listing = list_folder(path);
        if (!listing.open_error.empty()) {
            marked(path, false, "cannot open the folder: " + listing.open_error);
            return;
        }
        if (!listing.read_error.empty()) marked(path, false, "cannot read the folder: " + listing.read_error);
        const std::string prefix = is_separator(path.back()) ? path : path + "/";
        for (const auto& name : listing.names) entry(prefix + name, rel.empty() ? name : rel + "/" + name, name, chain);
    }

    void entry(const std::string& path, const std::string& rel, const std::string& name, const std::vector<FolderId>& chain) {
        if (!options_.hidden && name[0] == '.') return;
        if (excluded(rel, options_.exclude)) return;
        Status st = status(path, false);
        if (st.kind == Status::Kind::link) {
            if (!options_.follow) return;
            st = status(path, true);
        }
        if (st.kind == Status::Kind::missing) return;  // gone since the listing, or a dangling link
        if (++entries_ > options_.max_entries)
            throw Error(root_, "more than " + std::to_string(options_.max_entries) + " files and folders");
        if (st.kind == Status::Kind::folder) folder(path, rel, st.id, chain);
        else if (st.kind == Status::Kind::file) out_.emplace_back(path, root_);
    }

    void marked(const std::string& path, bool skip, std::string why) {
        out_.emplace_back(path, root_);
        out_.back().mark(skip, std::move(why));
    }

    std::string root_;
    const WalkOptions& options_;
    std::vector<Input>& out_;
    std::set<FolderId> seen_;
    size_t entries_ = 0;
};

}  // namespace

bool excluded(const std::string& relative_path, const std::vector<std::string>& patterns) {
    const size_t slash = relative_path.find_last_of('/');
    const std::string name = slash == std::string::npos ? relative_path : relative_path.substr(slash + 1);
    for (const auto& p : patterns) {
        const bool whole = p.find('/') != std::string::npos;
        if (matches(p, whole ? relative_path : name, whole)) return true;
    }
    return false;
}

std::vector<Input> expand_inputs(const std::vector<std::string>& paths, const WalkOptions& options) {
    std::vector<Input> inputs;
    for (const auto& path : paths) {
        if (path != "-" && options.recursive && is_folder(path)) {
            const size_t first = inputs.size();
            Walker(path, options, inputs).walk();
            std::sort(inputs.begin() + static_cast<long>(first), inputs.end(),
                      [](const Input& a, const Input& b) { return a.path() < b.path(); });
        } else {
            inputs.emplace_back(path);
        }
    }
    return inputs;
}

}  // namespace keypipe
