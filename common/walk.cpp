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
// Windows has neither opendir's (dev, inode) identities for loop detection nor fnmatch:
// the walk goes through std::filesystem (UTF-8 names through platform::fs_path), a folder
// is known by its canonical path, and patterns are matched by glob() below with fnmatch's
// rules (* ? [...] [!...], \ escapes; with a / in the pattern, * and ? stop at /).
namespace fs = std::filesystem;

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

class Walker {
public:
    Walker(std::string root, const WalkOptions& options, std::vector<Input>& out)
        : root_(std::move(root)), options_(options), out_(out) {}

    void walk() {
        std::error_code ec;
        if (!fs::exists(platform::fs_path(root_), ec)) throw Error(root_, "cannot read: " + ec.message());
        folder(root_, "", {});
    }

private:
    void folder(const std::string& path, const std::string& rel, std::vector<std::string> chain) {
        std::error_code ec;
        const std::string id = platform::utf8(fs::canonical(platform::fs_path(path), ec));
        if (!seen_.insert(id).second) {
            const bool loop = std::find(chain.begin(), chain.end(), id) != chain.end();
            marked(path, true, loop ? "symlink loop" : "folder already walked by another link");
            return;
        }
        chain.push_back(id);
        std::vector<std::string> names;
        fs::directory_iterator it(platform::fs_path(path), ec);
        if (ec) {
            marked(path, false, "cannot open the folder: " + ec.message());
            return;
        }
        for (const fs::directory_iterator end; !ec && it != end; it.increment(ec))
            names.push_back(platform::utf8(it->path().filename()));
        if (ec) marked(path, false, "cannot read the folder: " + ec.message());
        for (const auto& name : names)
            entry(path + (path.back() == '/' || path.back() == '\\' ? "" : "/") + name, rel.empty() ? name : rel + "/" + name, name, chain);
    }

    void entry(const std::string& path, const std::string& rel, const std::string& name, const std::vector<std::string>& chain) {
        if (!options_.hidden && name[0] == '.') return;
        if (excluded(rel, options_.exclude)) return;
        std::error_code ec;
        fs::file_status st = fs::symlink_status(platform::fs_path(path), ec);
        if (ec) return;  // gone since the listing
        if (fs::is_symlink(st)) {
            if (!options_.follow) return;
            st = fs::status(platform::fs_path(path), ec);
            if (ec) return;
        }
        if (++entries_ > options_.max_entries)
            throw Error(root_, "more than " + std::to_string(options_.max_entries) + " files and folders");
        if (fs::is_directory(st)) folder(path, rel, chain);
        else if (fs::is_regular_file(st)) out_.emplace_back(path, root_);
    }

    void marked(const std::string& path, bool skip, std::string why) {
        out_.emplace_back(path, root_);
        out_.back().mark(skip, std::move(why));
    }

    std::string root_;
    const WalkOptions& options_;
    std::vector<Input>& out_;
    std::set<std::string> seen_;
    size_t entries_ = 0;
};

bool is_folder(const std::string& path) {
    std::error_code ec;
    return fs::is_directory(platform::fs_path(path), ec);
}

bool matches(const std::string& pattern, const std::string& text, bool pathname) {
    return glob(pattern.c_str(), text.c_str(), pathname);
}
#else

using FolderId = std::pair<dev_t, ino_t>;

class Walker {
public:
    Walker(std::string root, const WalkOptions& options, std::vector<Input>& out)
        : root_(std::move(root)), options_(options), out_(out) {}

    void walk() {
        struct stat st {};
        if (::stat(root_.c_str(), &st) != 0) throw Error(root_, std::string("cannot read: ") + std::strerror(errno));
        folder(root_, "", st, {});
    }

private:
    void folder(const std::string& path, const std::string& rel, const struct stat& st, std::vector<FolderId> chain) {
        const FolderId id{st.st_dev, st.st_ino};
        if (!seen_.insert(id).second) {
            const bool loop = std::find(chain.begin(), chain.end(), id) != chain.end();
            marked(path, true, loop ? "symlink loop" : "folder already walked by another link");
            return;
        }
        chain.push_back(id);
        DIR* d = ::opendir(path.c_str());
        if (!d) {
            marked(path, false, std::string("cannot open the folder: ") + std::strerror(errno));
            return;
        }
        std::vector<std::string> names;
        errno = 0;
        while (const dirent* e = ::readdir(d)) {
            const std::string name = e->d_name;
            if (name != "." && name != "..") names.push_back(name);
        }
        const int err = errno;
        ::closedir(d);
        if (err) marked(path, false, std::string("cannot read the folder: ") + std::strerror(err));
        for (const auto& name : names) entry(path + (path.back() == '/' ? "" : "/") + name, rel.empty() ? name : rel + "/" + name, name, chain);
    }

    void entry(const std::string& path, const std::string& rel, const std::string& name, const std::vector<FolderId>& chain) {
        if (!options_.hidden && name[0] == '.') return;
        if (excluded(rel, options_.exclude)) return;
        struct stat st {};
        if (::lstat(path.c_str(), &st) != 0) return;  // gone since the listing
        if (S_ISLNK(st.st_mode)) {
            if (!options_.follow || ::stat(path.c_str(), &st) != 0) return;
        }
        if (++entries_ > options_.max_entries)
            throw Error(root_, "more than " + std::to_string(options_.max_entries) + " files and folders");
        if (S_ISDIR(st.st_mode)) folder(path, rel, st, chain);
        else if (S_ISREG(st.st_mode)) out_.emplace_back(path, root_);
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

bool is_folder(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool matches(const std::string& pattern, const std::string& text, bool pathname) {
    return ::fnmatch(pattern.c_str(), text.c_str(), pathname ? FNM_PATHNAME : 0) == 0;
}
#endif

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
