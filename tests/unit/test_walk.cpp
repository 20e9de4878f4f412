// The folder walk (common/walk.cpp): --exclude patterns, sorted files, hidden names,
// symbolic links and loops, unreadable folders as marked inputs, and the entry limit. The
// pattern and plain-walk cases also run cross-built under wine, where walk.cpp has its own
// glob matcher instead of fnmatch, so the two agree on what a pattern matches; the cases
// with links, modes and fork are POSIX only.
#include "error.h"
#include "test_util.h"
#include "walk.h"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#ifndef _WIN32
#include <sys/wait.h>
#include <unistd.h>
#endif

using namespace keypipe;
namespace fs = std::filesystem;

#ifndef _WIN32
namespace {

struct Tree {
    fs::path dir;
    Tree() {
        char tmpl[] = "/tmp/keypipe-test-walk-XXXXXX";
        dir = ::mkdtemp(tmpl);
    }
    ~Tree() {
        std::error_code ec;
        fs::permissions(dir / "locked", fs::perms::owner_all, ec);
        fs::remove_all(dir);
    }
    void file(const std::string& rel) {
        fs::create_directories((dir / rel).parent_path());
        std::ofstream(dir / rel) << "x";
    }
    std::string root() const { return dir.string(); }
};

// The inputs as paths below the tree, with "!" before a marked one.
std::vector<std::string> walk(const Tree& t, WalkOptions o) {
    o.recursive = true;
    std::vector<std::string> out;
    for (const Input& in : expand_inputs({t.root()}, o)) {
        BOOST_TEST(in.from_folder());
        out.push_back((in.mark() ? "!" : "") + fs::path(in.path()).lexically_relative(t.dir).string());
    }
    return out;
}

}  // namespace

#endif

BOOST_AUTO_TEST_SUITE(test_walk)
BOOST_AUTO_TEST_CASE(a_pattern_without_a_slash_matches_the_name) {
    BOOST_TEST(excluded("a/b/key.pub", {"*.pub"}));
    BOOST_TEST(excluded("key.pub", {"*.pub"}));
    BOOST_TEST(!excluded("key.pem", {"*.pub"}));
    BOOST_TEST(excluded("a/k1.pem", {"k?.pem"}));
    BOOST_TEST(!excluded("a/k12.pem", {"k?.pem"}));
    BOOST_TEST(excluded("k7.pem", {"k[0-9].pem"}));
    BOOST_TEST(!excluded("kx.pem", {"k[0-9].pem"}));
    BOOST_TEST(excluded("kx.pem", {"k[!0-9].pem"}));
    BOOST_TEST(excluded("a*b", {"a\\*b"}));
    BOOST_TEST(!excluded("axb", {"a\\*b"}));
    BOOST_TEST(excluded("x", {"nothing", "*"}));
    BOOST_TEST(!excluded("x", {}));
}

BOOST_AUTO_TEST_CASE(a_pattern_with_a_slash_matches_the_whole_path_and_star_stops_at_slash) {
    BOOST_TEST(excluded("old/k.pem", {"old/*"}));
    BOOST_TEST(!excluded("old/sub/k.pem", {"old/*"}));
    BOOST_TEST(excluded("old/sub/k.pem", {"old/*/*"}));
    BOOST_TEST(!excluded("new/old/k.pem", {"old/*"}));
    BOOST_TEST(!excluded("a/b", {"a?b"}));  // without a slash in the pattern: the name "b" only
    BOOST_TEST(!excluded("a/b", {"a/?/b"}));
}

BOOST_AUTO_TEST_CASE(walk_lists_regular_files_sorted_skipping_hidden_and_excluded) {
    std::random_device random;
    fs::path root;
    do root = fs::temp_directory_path() / ("keypipe-test-walk-" + std::to_string(random()));
    while (!fs::create_directory(root));
    fs::create_directories(root / "b" / "c");
    fs::create_directories(root / ".hidden");
    for (const char* f : {"z.pem", "a.pem", "b/c/k.pem", "b/skip.pub", ".hidden/x.pem", ".dot.pem"})
        std::ofstream(root / f) << "x";
    WalkOptions o;
    o.recursive = true;
    o.exclude = {"*.pub"};
    const auto inputs = expand_inputs({root.string()}, o);
    std::vector<std::string> rel;
    for (const auto& in : inputs) rel.push_back(fs::path(in.path()).lexically_relative(root).generic_string());
    fs::remove_all(root);
    BOOST_TEST(rel == (std::vector<std::string>{"a.pem", "b/c/k.pem", "z.pem"}), boost::test_tools::per_element());
}

#ifndef _WIN32
BOOST_AUTO_TEST_CASE(files_come_sorted_without_hidden_names) {
    Tree t;
    for (auto f : {"b.pem", "a/z.key", "a/b.key", ".hidden", ".ssh/id_rsa", "c"}) t.file(f);
    BOOST_TEST(walk(t, {}) == (std::vector<std::string>{"a/b.key", "a/z.key", "b.pem", "c"}));
    WalkOptions hidden;
    hidden.hidden = true;
    BOOST_TEST(walk(t, hidden) == (std::vector<std::string>{".hidden", ".ssh/id_rsa", "a/b.key", "a/z.key", "b.pem", "c"}));
}

BOOST_AUTO_TEST_CASE(inputs_named_directly_are_kept_as_given) {
    Tree t;
    t.file("k.pem");
    const auto inputs = expand_inputs({"-", t.root(), "missing"}, WalkOptions{});  // no -r: a folder is a path
    BOOST_TEST(inputs.size() == 3u);
    BOOST_TEST(inputs[0].is_stdin());
    BOOST_TEST(inputs[1].path() == t.root());
    BOOST_TEST(!inputs[1].from_folder());
    BOOST_TEST(inputs[2].path() == "missing");
}

BOOST_AUTO_TEST_CASE(exclude_matches_names_at_any_depth_or_whole_paths) {
    BOOST_TEST(excluded("a/b/known_hosts", {"known_hosts"}));
    BOOST_TEST(excluded("x.pub", {"*.pub"}));
    BOOST_TEST(excluded("team/alice/x.pub", {"*.pub"}));
    BOOST_TEST(!excluded("team/alice/x.pem", {"*.pub"}));
    BOOST_TEST(excluded("team/alice", {"team/*"}));
    BOOST_TEST(!excluded("team/alice/x.pem", {"team/*"}));  // * stays within a name
    BOOST_TEST(!excluded("other/team/x", {"team/x"}));        // a pattern with '/' is anchored
    Tree t;
    for (auto f : {"id_rsa", "id_rsa.pub", "config", "sub/known_hosts", "sub/k.pem"}) t.file(f);
    WalkOptions o;
    o.exclude = {"*.pub", "known_hosts", "config"};
    BOOST_TEST(walk(t, o) == (std::vector<std::string>{"id_rsa", "sub/k.pem"}));
}

BOOST_AUTO_TEST_CASE(symbolic_links_are_followed_only_when_asked) {
    Tree t;
    t.file("real/k.pem");
    fs::create_directory_symlink("real", t.dir / "link");
    fs::create_symlink("real/k.pem", t.dir / "k-link.pem");
    BOOST_TEST(walk(t, {}) == (std::vector<std::string>{"real/k.pem"}));
    WalkOptions follow;
    follow.follow = true;
    // The folder seen through two names is walked once, whichever name comes first; the
    // other is a skipped input saying why.
    const auto got = walk(t, follow);
    BOOST_TEST((got == std::vector<std::string>{"k-link.pem", "link/k.pem", "!real"} ||
                got == std::vector<std::string>{"k-link.pem", "!link", "real/k.pem"}));
    follow.recursive = true;
    for (const Input& in : expand_inputs({t.root()}, follow))
        if (in.mark()) BOOST_TEST(in.mark()->text == "folder already walked by another link");
}

BOOST_AUTO_TEST_CASE(a_symlink_loop_is_one_skipped_input_not_a_hang) {
    Tree t;
    t.file("k.pem");
    fs::create_directory_symlink(".", t.dir / "a");
    fs::create_directory_symlink(".", t.dir / "b");
    WalkOptions follow;
    follow.follow = true;
    std::vector<Input> inputs;
    follow.recursive = true;
    inputs = expand_inputs({t.root()}, follow);
    size_t files = 0, loops = 0;
    for (const Input& in : inputs) {
        if (!in.mark()) ++files;
        else if (in.mark()->skip && in.mark()->text == "symlink loop") ++loops;
    }
    BOOST_TEST(files == 1u);
    BOOST_TEST(loops == 2u);
}

BOOST_AUTO_TEST_CASE(an_unreadable_folder_is_a_failed_input_and_the_rest_is_walked) {
    Tree t;
    t.file("k.pem");
    t.file("locked/x.pem");
    fs::permissions(t.dir, fs::perms::owner_all | fs::perms::others_read | fs::perms::others_exec);
    fs::permissions(t.dir / "k.pem", fs::perms::owner_read | fs::perms::others_read);
    fs::permissions(t.dir / "locked", fs::perms::none);
    // Mode 000 does not stop root: walk as nobody, in a child.
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(3);
        WalkOptions o;
        o.recursive = true;
        const auto got = expand_inputs({t.root()}, o);
        const bool ok = got.size() == 2 && !got[0].mark() && got[1].mark() && !got[1].mark()->skip &&
                        got[1].mark()->text.rfind("cannot open the folder: Permission denied", 0) == 0 &&
                        got[1].path() == t.root() + "/locked";
        ::_exit(ok ? 0 : 1);
    }
    int status = 0;
    BOOST_REQUIRE(::waitpid(pid, &status, 0) == pid);
    BOOST_TEST(WIFEXITED(status));
    BOOST_TEST(WEXITSTATUS(status) == 0);
}

BOOST_AUTO_TEST_CASE(the_limit_counts_folders_as_well_as_files) {
    Tree t;
    for (auto f : {"a/1", "b/2", "c/3"}) t.file(f);
    WalkOptions o;
    o.recursive = true;
    o.max_entries = 5;  // 3 folders and 3 files
    BOOST_TEST(test::error_of([&] { expand_inputs({t.root()}, o); }).find("more than 5 files and folders") != std::string::npos);
    o.max_entries = 6;
    BOOST_TEST(expand_inputs({t.root()}, o).size() == 3u);
}
#endif

BOOST_AUTO_TEST_SUITE_END()
