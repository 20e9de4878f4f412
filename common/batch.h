// The batch engine behind every tool's INPUT... list: plan (refuse clashes before anything
// is read or written), convert each input on a pool of workers, commit the outputs of a
// group of inputs with one sync, and report in input order through a Reporter.
//
// Per-input state is kept to what the clash check and the ordered report need: an input's
// bytes are released (and wiped) as soon as its outputs are staged, and its result as
// soon as it has been reported, so memory is bounded by the number of workers, not by
// the number of inputs.
#pragma once

#include "cli.h"
#include "report.h"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>
#include <string>
#include <vector>

namespace keypipe {

class StagedFile;

// What the command line asked of a batch.
struct BatchOptions {
    ReportOptions report;          // tool name, -q, progress line; run() fills in the rest
    std::string out_dir;           // -d DIR ("" without -d)
    std::string output;            // -o FILE ("" for stdout)
    bool to_dir = false, to_file = false;
    bool force = false, dry_run = false, json = false, fail_fast = false;
    unsigned jobs = 1;
    std::string fixed_extension;   // every output has it: an existing one is skipped unread
    bool numbered = false;         // one input may write STEM-N.EXT
    std::string numbered_because;  // for the clash message: "--all numbers the outputs of"
    bool skips = false;            // an input the tool cannot use is skipped, not failed
};

// Why an input gives nothing for this tool ("public key", "not a key"), or nullopt when
// the tool can use it. Cheap and never throws: it sniffs, it does not decrypt.
using Classify = std::function<std::optional<std::string>(ByteView)>;
// The tool's body for one input.
using Convert = std::function<void(Input&, Sink&)>;

class Batch {
public:
    Batch(BatchOptions options, std::vector<Input> inputs, Convert convert, Classify classify);
    ~Batch();
    Batch(const Batch&) = delete;
    Batch& operator=(const Batch&) = delete;

    // Refuses, before anything is written, two inputs that would write the same output
    // (all such clashes in one UsageError). Inputs the tool cannot use do not clash.
    void plan();
    // Runs the batch and reports it on out/err. Returns the exit status: 0, 1 (an input
    // failed or stdout failed), or 128 + the signal that interrupted it. Throws the
    // UsageError a body threw.
    int run(std::ostream& out, std::ostream& err);

    // Asks every running batch to stop starting inputs, as SIGINT/SIGTERM do. Async-signal-safe.
    static void interrupt(int signal);
    static void reset_interrupt();

private:
    struct Staged;
    std::string base_for(const Input& in) const;
    std::optional<std::string> skip_reason(Input& in);
    Result convert_one(size_t i, std::vector<std::unique_ptr<StagedFile>>& files);
    void place(Input& in, Sink& sink, Result& r, std::vector<std::unique_ptr<StagedFile>>& files);
    void fail(Result& r, const Input& in, const std::string& subject, const std::string& what);
    void classify_failure(Input& in, Result& r);
    void claim(const std::vector<std::string>& paths, size_t input);
    void prepare_dir(const std::string& dir, Sensitivity s);
    void commit(std::vector<Staged>& group);
    void publish(size_t i, Result r);
    std::optional<size_t> take();
    void work();
    bool wait_for(size_t i, Result& r, Reporter& reporter);
    size_t report_in_order(Tally& t, Reporter& reporter);
    void report_stdout(Result& r);
    void finish_output_file(Tally& t, Reporter& reporter);
    void count(const Result& r, Tally& t);
    void record_clashes(const std::map<std::string, std::vector<size_t>>& by_base, std::vector<std::string>& clashes);

    BatchOptions options_;
    std::vector<Input> inputs_;
    Convert convert_;
    Classify classify_;
    Reporter* reporter_ = nullptr;

    std::mutex mutex_;                 // guards everything below
    std::condition_variable cv_;
    std::map<size_t, Result> done_;    // finished, not yet reported
    size_t next_ = 0;
    bool stop_ = false;
    std::exception_ptr usage_failure_;
    std::unordered_map<size_t, size_t> claimed_;  // hash of an output path -> input
    std::set<std::string> written_dirs_, created_dirs_, private_dirs_;

    // The reporting thread's own:
    std::vector<OutputItem> collected_;      // -o FILE
    std::vector<std::pair<size_t, Result>> deferred_;  // -o FILE with --json: reported once written
    std::optional<std::string> stdout_error_;
};

}  // namespace keypipe
