// The batch engine (common/batch.cpp) with a fake body: input order of reports whatever
// order workers finish in, fail-fast, claims on outputs, clashes planned before anything
// is written, skipped inputs, and interruption.
#include "batch.h"
#include "error.h"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

using namespace keypipe;
namespace fs = std::filesystem;

namespace {

struct Folder {
    fs::path dir;
    Folder() {  // mkdtemp, portably (the Windows build runs this suite too)
        std::random_device random;
        for (;;) {
            dir = fs::temp_directory_path() / ("keypipe-test-batch-" + std::to_string(random()));
            if (fs::create_directory(dir)) break;
        }
    }
    ~Folder() { fs::remove_all(dir); }
    std::string file(const std::string& name, const std::string& content) {
        std::ofstream(dir / name) << content;
        return (dir / name).string();
    }
    std::string out() const { return (dir / "out").string(); }
};

BatchOptions to_dir(const std::string& dir, unsigned jobs) {
    BatchOptions o;
    o.report.tool = "t";
    o.to_dir = true;
    o.out_dir = dir;
    o.json = true;
    o.jobs = jobs;
    o.skips = true;
    return o;
}

// Writes the input's text to STEM.out; "fail" fails, "pub" is refused as a public key.
void echo(Input& in, Sink& out) {
    const std::string text(in.bytes().as_string());
    if (text == "fail" || text == "pub") throw Error("cannot convert");
    out.text(text, ".out");
}

std::optional<std::string> classify(ByteView input) {
    if (input.as_string() == "pub") return std::string("public key");
    return std::nullopt;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(test_batch)

BOOST_AUTO_TEST_CASE(reports_in_input_order_whatever_order_workers_finish) {
    Folder f;
    std::vector<Input> inputs;
    constexpr int n = 40;
    for (int i = 0; i < n; ++i) inputs.emplace_back(f.file("k" + std::to_string(100 + i), std::to_string(i)));
    auto slow_first = [](Input& in, Sink& out) {  // earlier inputs take longer
        const int i = std::stoi(std::string(in.bytes().as_string()));
        std::this_thread::sleep_for(std::chrono::milliseconds((n - i) % 7));
        echo(in, out);
    };
    Batch batch(to_dir(f.out(), 8), std::move(inputs), slow_first, nullptr);
    std::ostringstream out, err;
    BOOST_TEST(batch.run(out, err) == 0);
    const auto rows = lines(out.str());
    BOOST_TEST_REQUIRE(rows.size() == n + 1u);
    // The row names the input's path, whose separator is the platform's ("\\" in JSON on Windows).
    for (int i = 0; i < n; ++i) BOOST_TEST(rows[i].find("k" + std::to_string(100 + i) + "\"") != std::string::npos);
    BOOST_TEST(rows.back().find("\"converted\":40") != std::string::npos);
    BOOST_TEST(err.str() == "converted 40, skipped 0, failed 0\n");
    std::ifstream written(f.out() + "/k117.out");
    BOOST_TEST(std::string(std::istreambuf_iterator<char>(written), {}) == "17");
}

BOOST_AUTO_TEST_CASE(fail_fast_starts_nothing_after_a_failure) {
    Folder f;
    std::vector<Input> inputs;
    for (int i = 0; i < 10; ++i) inputs.emplace_back(f.file("k" + std::to_string(i), i == 3 ? "fail" : "ok"));
    std::atomic<int> calls{0};
    BatchOptions o = to_dir(f.out(), 1);
    o.fail_fast = true;
    o.json = false;
    Batch batch(o, std::move(inputs), [&](Input& in, Sink& s) { ++calls, echo(in, s); }, nullptr);
    std::ostringstream out, err;
    BOOST_TEST(batch.run(out, err) == 1);
    BOOST_TEST(calls == 4);
    BOOST_TEST(err.str().find("converted 3, skipped 0, failed 1, not run 6 (--fail-fast)") != std::string::npos);
    BOOST_TEST(!fs::exists(f.out() + "/k4.out"));
}

// Without numbered outputs declared, plan() cannot see that a.txt writes a-1.out: the
// claim at run time refuses the second writer instead of letting it replace the first.
BOOST_AUTO_TEST_CASE(claims_refuse_a_path_written_by_two_inputs) {
    Folder f;
    std::vector<Input> inputs;
    inputs.emplace_back(f.file("a.txt", "x"));
    inputs.emplace_back(f.file("a-1.txt", "y"));
    auto numbered = [](Input& in, Sink& out) {
        if (in.stem() == "a") out.put(in.bytes(), Sensitivity::public_data, ".out", "-1");
        else out.put(in.bytes(), Sensitivity::public_data, ".out");
    };
    Batch batch(to_dir(f.out(), 1), std::move(inputs), numbered, nullptr);
    batch.plan();
    std::ostringstream out, err;
    BOOST_TEST(batch.run(out, err) == 1);
    BOOST_TEST(err.str().find("a-1.out: is also an output of " + (f.dir / "a.txt").string() + " in this run") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(plan_lists_every_clash_and_ignores_files_the_tool_cannot_use) {
    Folder f;
    std::vector<Input> inputs;
    inputs.emplace_back(f.file("a.pem", "1"));
    inputs.emplace_back(f.file("a.key", "2"));
    inputs.emplace_back(f.file("b.pem", "3"));
    inputs.emplace_back(f.file("b.key", "4"));
    inputs.emplace_back(f.file("id", "5"));
    inputs.emplace_back(f.file("id.pub", "pub"));
    Batch batch(to_dir(f.out(), 2), std::move(inputs), echo, classify);
    try {
        batch.plan();
        BOOST_FAIL("no clash found");
    } catch (const UsageError& e) {
        const std::string what = e.what();
        BOOST_TEST(what.find("2 clashes: ") == 0u);
        BOOST_TEST(what.find("a.pem and ") != std::string::npos);
        BOOST_TEST(what.find("b.key would both write " + f.out() + "/b.*") != std::string::npos);
        BOOST_TEST(what.find("id") == std::string::npos);
    }
    BOOST_TEST(!fs::exists(f.out()));
}

BOOST_AUTO_TEST_CASE(files_the_tool_cannot_use_are_skipped_not_failed) {
    Folder f;
    std::vector<Input> inputs;
    inputs.emplace_back(f.file("id", "key"));
    inputs.emplace_back(f.file("id.pub", "pub"));
    inputs.emplace_back(f.file("x", "fail"));
    Batch batch(to_dir(f.out(), 2), std::move(inputs), echo, classify);
    batch.plan();
    std::ostringstream out, err;
    BOOST_TEST(batch.run(out, err) == 1);
    const auto rows = lines(out.str());
    BOOST_TEST(rows[1].find("\"status\":\"skipped\",\"reason\":\"public key\"") != std::string::npos);
    BOOST_TEST(err.str().find("id.pub: skipped (public key)\n") != std::string::npos);
    BOOST_TEST(err.str().find("converted 1, skipped 1 (public key), failed 1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(interruption_stops_starting_inputs_and_says_so) {
    Folder f;
    std::vector<Input> inputs;
    for (int i = 0; i < 20; ++i) inputs.emplace_back(f.file("k" + std::to_string(i), std::to_string(i)));
    std::atomic<int> calls{0};
    auto body = [&](Input& in, Sink& s) {
        if (++calls == 5) Batch::interrupt(SIGINT);
        echo(in, s);
    };
    Batch::reset_interrupt();
    Batch batch(to_dir(f.out(), 1), std::move(inputs), body, nullptr);
    std::ostringstream out, err;
    const int status = batch.run(out, err);
    Batch::reset_interrupt();
    BOOST_TEST(status == 128 + SIGINT);
    BOOST_TEST(calls == 5);
    BOOST_TEST(fs::exists(f.out() + "/k4.out"));  // the input in flight is finished, whole
    BOOST_TEST(err.str().find("interrupted (SIGINT): converted 5, skipped 0, failed 0, not started 15") != std::string::npos);
    BOOST_TEST(lines(out.str()).back().find("\"interrupted\":\"SIGINT\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(summary_line_names_each_skip_reason) {
    Tally t;
    t.converted = 2;
    t.skipped = {{"exists", 3}, {"public key", 1}};
    BOOST_TEST(summary_line(t, false, false) == "converted 2, skipped 4 (3 exists, 1 public key), failed 0");
    BOOST_TEST(with_commas(1460) == "1,460");
    BOOST_TEST(with_commas(999) == "999");
    BOOST_TEST(with_commas(1234567) == "1,234,567");
}

BOOST_AUTO_TEST_SUITE_END()
