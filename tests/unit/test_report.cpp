// What a batch prints (common/report.cpp): the summary line, skipped and failed lines,
// --dry-run lists, JSON lines, and failed writes to stdout.
#include "report.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <csignal>
#include <sstream>

using namespace keypipe;

namespace {

struct Printed {
    std::ostringstream out, err;
    Reporter reporter;
    explicit Printed(ReportOptions o, size_t total = 2) : reporter((o.tool = "t", o), total, out, err) {}
};

Result skipped(std::string why) {
    Result r;
    r.status = Status::skipped;
    r.skip = std::move(why);
    return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(test_report)

BOOST_AUTO_TEST_CASE(byte_counts_with_commas) {
    BOOST_TEST(with_commas(0) == "0");
    BOOST_TEST(with_commas(999) == "999");
    BOOST_TEST(with_commas(1000) == "1,000");
    BOOST_TEST(with_commas(1234567) == "1,234,567");
}

BOOST_AUTO_TEST_CASE(the_summary_line) {
    Tally t;
    t.converted = 3;
    t.failed = 1;
    BOOST_TEST(summary_line(t, false, false) == "converted 3, skipped 0, failed 1");
    BOOST_TEST(summary_line(t, true, false) == "would convert 3, skipped 0, failed 1");
    t.skipped["exists"] = 2;
    BOOST_TEST(summary_line(t, false, false) == "converted 3, skipped 2 (exists), failed 1");
    t.skipped["public key"] = 1;
    BOOST_TEST(summary_line(t, false, false) == "converted 3, skipped 3 (2 exists, 1 public key), failed 1");
    t.not_run = 4;
    BOOST_TEST(summary_line(t, false, true) == "converted 3, skipped 3 (2 exists, 1 public key), failed 1, not run 4 (--fail-fast)");
    t.signal = SIGINT;
    BOOST_TEST(summary_line(t, false, true) ==
               "interrupted (SIGINT): converted 3, skipped 3 (2 exists, 1 public key), failed 1, not started 4");
}

BOOST_AUTO_TEST_CASE(failed_and_skipped_lines_name_the_input_on_stderr) {
    Printed p({});
    Result failed;
    failed.status = Status::failed;
    failed.error = "a.pem: wrong passphrase";
    p.reporter.result(Input("a.pem"), failed, false);
    p.reporter.result(Input("b.pub"), skipped("public key"), false);
    BOOST_TEST(p.err.str() == "t: a.pem: wrong passphrase\nt: b.pub: skipped (public key)\n");
    BOOST_TEST(p.out.str() == "");
}

BOOST_AUTO_TEST_CASE(names_are_printed_escaped) {
    Printed p({});
    p.reporter.result(Input("evil\x1b[31m\nname"), skipped("not a key"), false);
    const std::string err = p.err.str();
    BOOST_TEST(err.find('\x1b') == std::string::npos);
    BOOST_TEST(std::count(err.begin(), err.end(), '\n') == 1);
}

BOOST_AUTO_TEST_CASE(quiet_drops_skipped_lines_and_many_are_folded) {
    Printed quiet([] { ReportOptions o; o.quiet = true; return o; }());
    quiet.reporter.result(Input("x"), skipped("not a key"), false);
    BOOST_TEST(quiet.err.str() == "");

    Printed p({}, 20);
    Tally t;
    for (size_t i = 0; i < max_skip_lines + 5; ++i) p.reporter.result(Input("k" + std::to_string(i)), skipped("not a key"), false);
    t.total = max_skip_lines + 5;
    t.skipped["not a key"] = t.total;
    p.reporter.summary(t);
    const std::string err = p.err.str();
    BOOST_TEST(std::count(err.begin(), err.end(), '\n') == static_cast<long>(max_skip_lines + 2));
    BOOST_TEST(err.find("t: ... and 5 more skipped (use --json for every input)\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_single_failed_input_gets_no_summary) {
    Printed p({}, 1);
    Tally t;
    t.total = 1;
    t.failed = 1;
    p.reporter.summary(t);
    BOOST_TEST(p.err.str() == "");
    t.total = 2;
    p.reporter.summary(t);
    BOOST_TEST(p.err.str() == "converted 0, skipped 0, failed 1\n");
}

BOOST_AUTO_TEST_CASE(json_lines_on_stdout) {
    Printed p([] { ReportOptions o; o.json = true; return o; }());
    Result r;
    r.outputs = {"out/a.ppk"};
    r.note = KeyNote{"ssh-ed25519", 256, "SHA256:abc", true, true};
    p.reporter.result(Input("a.pem"), r, true);
    p.reporter.result(Input("b\xff.pem"), skipped("exists"), true);
    std::istringstream lines(p.out.str());
    std::string first, second;
    std::getline(lines, first);
    std::getline(lines, second);
    BOOST_TEST(first.find("\"input\":\"a.pem\"") != std::string::npos);
    BOOST_TEST(first.find("\"status\":\"converted\"") != std::string::npos);
    BOOST_TEST(first.find("\"output\":\"out/a.ppk\"") != std::string::npos);
    BOOST_TEST(first.find("\"fingerprint\":\"SHA256:abc\"") != std::string::npos);
    BOOST_TEST(second.find("\"status\":\"skipped\"") != std::string::npos);
    BOOST_TEST(second.find("\"reason\":\"exists\"") != std::string::npos);
    BOOST_TEST(second.find("\"input_bytes_hex\":\"62ff2e70656d\"") != std::string::npos);  // the name, lossless
}

BOOST_AUTO_TEST_CASE(dry_run_lists_files_or_what_stdout_would_get) {
    ReportOptions o;
    o.dry_run = true;
    o.to_dir = true;
    Printed files(o);
    Result r;
    r.outputs = {"out/a.ppk", "out/b.ppk"};
    files.reporter.result(Input("a"), r, false);
    BOOST_TEST(files.out.str() == "out/a.ppk\nout/b.ppk\n");

    o.to_dir = false;
    Printed to_stdout(o);
    Result s;
    s.items.push_back(OutputItem{SecretBytes(1500, 0), Sensitivity::public_data, ".der", ""});
    to_stdout.reporter.result(Input("a"), s, false);
    BOOST_TEST(to_stdout.out.str() == "<stdout>: der, 1,500 bytes\n");
}

BOOST_AUTO_TEST_CASE(a_failed_stdout_is_seen) {
    Printed p([] { ReportOptions o; o.json = true; return o; }());
    BOOST_TEST(p.reporter.out_ok());
    p.out.setstate(std::ios::badbit);  // what a full disk or a closed pipe does to the stream
    p.reporter.result(Input("a"), Result{}, true);
    BOOST_TEST(!p.reporter.out_ok());
}

BOOST_AUTO_TEST_SUITE_END()
