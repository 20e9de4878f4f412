// walk.cpp: --exclude patterns, and the walk of a folder. The same cases run on Linux
// (fnmatch) and, cross-built, under wine (walk.cpp's own glob matcher on Windows), so the
// two agree on what a pattern matches.
#include "walk.h"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <random>

using namespace keypipe;
namespace fs = std::filesystem;

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

BOOST_AUTO_TEST_SUITE_END()
