// What a batch prints, apart from the outputs themselves: a line per failed or skipped
// input on stderr, --dry-run's list and --json lines on stdout, a progress line on
// stderr, and the summary.
#pragma once

#include "cli.h"

#include <atomic>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace keypipe {

enum class Status { converted, skipped, failed };

// The outcome of one input.
struct Result {
    Status status = Status::converted;
    std::string error;                 // failed: one line, without the tool name
    std::string skip;                  // skipped: "exists", "public key", "not a key", ...
    std::vector<OutputItem> items;     // converted, for stdout and -o
    std::vector<std::string> outputs;  // paths written (or that would be)
    std::string reason;                // why a converted input was not written
    std::optional<KeyNote> note;
};

// Counts for the summary.
struct Tally {
    size_t converted = 0, failed = 0, not_run = 0, total = 0;
    std::map<std::string, size_t> skipped;  // by reason
    int signal = 0;                         // the signal that interrupted the run, or 0
    size_t skipped_total() const;
};

struct ReportOptions {
    std::string tool;           // first word of every message line
    bool json = false;          // JSON lines on stdout
    bool quiet = false;         // -q: only failures and the summary
    bool dry_run = false;
    bool to_dir = false;        // with --dry-run: list the files (else what stdout would get)
    bool progress = false;      // draw a progress line on stderr
    bool fail_fast = false;     // named in the summary when inputs were not run
};

// Skipped lines beyond this many are folded into one line before the summary.
constexpr size_t max_skip_lines = 10;

class Reporter {
public:
    Reporter(const ReportOptions& options, size_t total, std::ostream& out, std::ostream& err);
    ~Reporter();
    Reporter(const Reporter&) = delete;
    Reporter& operator=(const Reporter&) = delete;

    // Workers call this as each input finishes (in any order): the progress line counts it.
    void finished() { finished_.fetch_add(1, std::memory_order_relaxed); }
    // Redraws the progress line, at most ten times a second.
    void tick();
    // The lines for one input, in input order, and its JSON line when json_now.
    void result(const Input& in, const Result& r, bool json_now);
    void json(const Input& in, const Result& r);
    // "TOOL: text" on stderr.
    void message(const std::string& text);
    // --dry-run with -o FILE: the file it would write.
    void dry_run_file(const std::string& path);
    void summary(const Tally& t);
    // Removes the progress line.
    void clear();
    // False once a write to stdout failed (a full disk, a closed pipe).
    bool out_ok() const;

private:
    void skipped_line(const Input& in, const Result& r);
    void dry_run_lines(const Result& r);
    class Progress;
    ReportOptions options_;
    std::ostream& out_;
    std::ostream& err_;
    std::unique_ptr<Progress> progress_;
    std::atomic<size_t> finished_{0};
    size_t skip_lines_ = 0, skips_folded_ = 0;
};

// "1,460": byte counts as people read them.
std::string with_commas(size_t n);
// The summary line: "converted 3, skipped 2 (exists), failed 1".
std::string summary_line(const Tally& t, bool dry_run, bool fail_fast);

}  // namespace keypipe
