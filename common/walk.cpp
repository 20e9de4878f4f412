#include "walk.h"

#include "error.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fnmatch.h>
#include <set>
#include <sys/stat.h>
#include <utility>

namespace keypipe {
namespace {

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

}  // namespace

bool excluded(const std::string& relative_path, const std::vector<std::string>& patterns) {
    const size_t slash = relative_path.find_last_of('/');
    const std::string name = slash == std::string::npos ? relative_path : relative_path.substr(slash + 1);
    for (const auto& p : patterns) {
        const bool whole = p.find('/') != std::string::npos;
        if (::fnmatch(p.c_str(), whole ? relative_path.c_str() : name.c_str(), whole ? FNM_PATHNAME : 0) == 0) return true;
    }
    return false;
}

std::vector<Input> expand_inputs(const std::vector<std::string>& paths, const WalkOptions& options) {
    std::vector<Input> inputs;
    for (const auto& path : paths) {
        struct stat st {};
        if (path != "-" && options.recursive && ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
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
