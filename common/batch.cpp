#include "batch.h"

#include "error.h"
#include "process.h"
#include "output.h"
#include "platform.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <functional>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#ifdef _WIN32
#include <windows.h>
#endif

namespace keypipe {
namespace {

// 0, or the first SIGINT/SIGTERM a running batch received (set from a signal handler).
std::atomic<int> interrupted{0};
static_assert(std::atomic<int>::is_always_lock_free, "set from a signal handler");

// Workers make the outputs of this many inputs durable with one syncfs, then link them.
constexpr size_t group_size = 16;

bool exists(const std::string& path) {  // a dangling symbolic link exists too
    std::error_code ec;
    return std::filesystem::exists(std::filesystem::symlink_status(platform::fs_path(path), ec));
}

std::string join_path(const std::string& a, const std::string& b) {
    if (a.empty()) return b;
    if (b.empty()) return a;
    return a.back() == '/' ? a + b : a + "/" + b;
}

// "stem-12" -> "stem"; "" when the base does not end in -DIGITS.
std::string unnumbered(const std::string& base) {
    const size_t dash = base.find_last_of('-');
    if (dash == std::string::npos || dash == 0 || dash + 1 == base.size() ||
        base.find_first_not_of("0123456789", dash + 1) != std::string::npos)
        return "";
    return base.substr(0, dash);
}

// While a batch runs: the first SIGINT or SIGTERM asks it to stop starting inputs (a
// second one, back at the default action, ends the process at once), and a closed pipe
// on stdout is a write error instead of a silent death. A signal ignored when the
// process started (a background job's SIGINT) stays ignored.
#ifdef _WIN32
// Windows has no signals: Ctrl-C and Ctrl-Break reach a console program as console control
// events, on a thread of their own. The first one asks the batch to stop starting inputs
// (as SIGINT, so the run ends with the same summary and exit status 130); the second one
// finds the batch already interrupted and is left to the default handler, which ends the
// process. A prompt's own handler (console_win.cpp) ends the process at once. A closed
// pipe on stdout is already a write error on Windows.
class SignalScope {
public:
    SignalScope() { SetConsoleCtrlHandler(on_control, TRUE); }
    ~SignalScope() { SetConsoleCtrlHandler(on_control, FALSE); }
    SignalScope(const SignalScope&) = delete;
    SignalScope& operator=(const SignalScope&) = delete;

private:
    static BOOL WINAPI on_control(DWORD event) {
        if (event != CTRL_C_EVENT && event != CTRL_BREAK_EVENT) return FALSE;
        if (interrupted.load() != 0) return FALSE;
        Batch::interrupt(SIGINT);
        return TRUE;
    }
};
#else
class SignalScope {
public:
    SignalScope() {
        for (int s : {SIGINT, SIGTERM}) {
            struct sigaction old {};
            ::sigaction(s, nullptr, &old);
            if (old.sa_handler == SIG_IGN) continue;
            struct sigaction sa {};
            sa.sa_handler = [](int sig) {
                end_if_prompting(sig);  // Ctrl-C at a passphrase prompt ends the run, echo restored
                Batch::interrupt(sig);
            };
            sa.sa_flags = SA_RESETHAND;
            sigemptyset(&sa.sa_mask);
            ::sigaction(s, &sa, nullptr);
            restore_.emplace_back(s, old);
        }
        struct sigaction ign {};
        ign.sa_handler = SIG_IGN;
        sigemptyset(&ign.sa_mask);
        struct sigaction old {};
        ::sigaction(SIGPIPE, &ign, &old);
        restore_.emplace_back(SIGPIPE, old);
    }
    ~SignalScope() {
        for (const auto& [s, old] : restore_) ::sigaction(s, &old, nullptr);
    }
    SignalScope(const SignalScope&) = delete;
    SignalScope& operator=(const SignalScope&) = delete;

private:
    std::vector<std::pair<int, struct sigaction>> restore_;
};
#endif

}  // namespace

struct Batch::Staged {
    size_t index;
    Result result;
    std::vector<std::unique_ptr<StagedFile>> files;
};

void Batch::interrupt(int signal) {
    int none = 0;
    interrupted.compare_exchange_strong(none, signal);
}

void Batch::reset_interrupt() { interrupted.store(0); }

Batch::Batch(BatchOptions options, std::vector<Input> inputs, Convert convert, Classify classify)
    : options_(std::move(options)), inputs_(std::move(inputs)), convert_(std::move(convert)), classify_(std::move(classify)) {}

Batch::~Batch() = default;

std::string Batch::base_for(const Input& in) const {
    return join_path(join_path(options_.out_dir, in.relative_dir()), in.stem());
}

// ---------------------------------------------------------------------------------------
// Planning

std::optional<std::string> Batch::skip_reason(Input& in) {
    if (!classify_ || !options_.skips) return std::nullopt;
    try {
        return classify_(in.bytes());
    } catch (const Error&) {
        return std::nullopt;  // unreadable: converting it reports why
    }
}

void Batch::plan() {
    if (!options_.to_dir) return;
    // Only the hash of each base is kept for all inputs (a million inputs: 16 MB); the
    // few that share one are compared by name.
    std::vector<std::pair<size_t, size_t>> hashes;  // hash of base, input
    hashes.reserve(inputs_.size());
    for (size_t i = 0; i < inputs_.size(); ++i)
        if (!inputs_[i].mark()) hashes.emplace_back(std::hash<std::string>{}(base_for(inputs_[i])), i);
    std::sort(hashes.begin(), hashes.end());
    std::map<std::string, std::vector<size_t>> shared;  // base -> inputs, for bases hashed alike
    for (size_t k = 0; k < hashes.size();) {
        size_t end = k + 1;
        while (end < hashes.size() && hashes[end].first == hashes[k].first) ++end;
        if (end - k > 1)
            for (size_t m = k; m < end; ++m) shared[base_for(inputs_[hashes[m].second])].push_back(hashes[m].second);
        k = end;
    }
    std::vector<std::string> clashes;
    record_clashes(shared, clashes);
    if (options_.numbered) {
        std::map<std::string, size_t> bases;  // only when numbering: every base by name
        for (const auto& [h, i] : hashes) bases.emplace(base_for(inputs_[i]), i);
        for (const auto& [base, i] : bases) {
            const auto other = bases.find(unnumbered(base));
            if (other == bases.end() || inputs_[i].mark() || inputs_[other->second].mark()) continue;
            clashes.push_back(inputs_[other->second].display_name() + " and " + inputs_[i].display_name() +
                              " could both write " + base + ".* (" + options_.numbered_because + " " +
                              inputs_[other->second].display_name() + ")");
        }
    }
    if (clashes.size() == 1) throw UsageError(clashes.front());
    if (!clashes.empty()) {
        std::string all = std::to_string(clashes.size()) + " clashes: " + clashes.front();
        for (size_t k = 1; k < clashes.size(); ++k) all += "; " + clashes[k];
        throw UsageError(all);
    }
}

// Inputs that share a base clash only when two of them will really write: a .pub beside
// its private key, or a README, is classified now and skipped later.
void Batch::record_clashes(const std::map<std::string, std::vector<size_t>>& by_base, std::vector<std::string>& clashes) {
    for (const auto& [base, members] : by_base) {
        if (members.size() < 2) continue;
        std::vector<size_t> writers;
        for (size_t i : members) {
            Input& in = inputs_[i];
            if (const auto reason = skip_reason(in)) in.mark(true, *reason);
            else writers.push_back(i);
            in.release();
        }
        if (writers.size() < 2) continue;
        std::string names = inputs_[writers[0]].display_name();
        for (size_t k = 1; k < writers.size(); ++k)
            names += (k + 1 == writers.size() ? " and " : ", ") + inputs_[writers[k]].display_name();
        clashes.push_back(names + " would both write " + base + ".*");
    }
}

// ---------------------------------------------------------------------------------------
// Converting one input (on a worker)

void Batch::fail(Result& r, const Input& in, const std::string& subject, const std::string& what) {
    r.status = Status::failed;
    r.error = (subject.empty() ? in.display_name() : subject) + ": " + what;
    r.items.clear();
    r.outputs.clear();
}

// An input the body refused is skipped, not failed, when the tool cannot use it at all.
void Batch::classify_failure(Input& in, Result& r) {
    if (const auto reason = skip_reason(in)) {
        r = Result{};
        r.status = Status::skipped;
        r.skip = *reason;
    }
}

Result Batch::convert_one(size_t i, std::vector<std::unique_ptr<StagedFile>>& files) {
    Input& in = inputs_[i];
    Result r;
    try {
        if (const auto& m = in.mark()) {
            if (m->skip) r.status = Status::skipped, r.skip = m->text;
            else fail(r, in, "", m->text);
        } else if (options_.to_dir && !options_.fixed_extension.empty() && !options_.force &&
                   exists(base_for(in) + options_.fixed_extension)) {
            r.status = Status::skipped;
            r.skip = "exists";
            r.outputs.push_back(base_for(in) + options_.fixed_extension);
        } else {
            Sink sink;
            convert_(in, sink);
            r.note = sink.note();
            place(in, sink, r, files);
        }
    } catch (const Error& e) {
        files.clear();
        fail(r, in, e.subject(), e.what());
        if (e.subject().empty()) classify_failure(in, r);
    } catch (const std::bad_alloc&) {
        files.clear();
        fail(r, in, "", "out of memory");
    } catch (const UsageError&) {
        throw;
    } catch (const std::exception& e) {
        files.clear();
        fail(r, in, "", std::string("internal error: ") + e.what());
    }
    in.release();  // the input's bytes, wiped
    return r;
}

// Where a converted input's outputs go: kept for stdout or -o, or staged under -d.
void Batch::place(Input& in, Sink& sink, Result& r, std::vector<std::unique_ptr<StagedFile>>& files) {
    if (!options_.to_dir) {
        r.items = std::move(sink.items());
        return;
    }
    for (const auto& item : sink.items()) r.outputs.push_back(base_for(in) + item.suffix + item.extension);
    claim(r.outputs, static_cast<size_t>(&in - inputs_.data()));
    if (!options_.dry_run)  // what a killed run left, even when everything here is skipped
        for (const auto& out : r.outputs) remove_stale_temporaries(parent_dir(out));
    if (!options_.force && std::any_of(r.outputs.begin(), r.outputs.end(), exists)) {
        r.status = Status::skipped;
        r.skip = "exists";
        return;
    }
    if (options_.dry_run) return;
    for (size_t k = 0; k < r.outputs.size(); ++k) {
        const OutputItem& item = sink.items()[k];
        prepare_dir(parent_dir(r.outputs[k]), item.sensitivity);
        try {
            files.push_back(std::make_unique<StagedFile>(r.outputs[k], ByteView(item.data), item.sensitivity, options_.force));
        } catch (const Error&) {
            // Another run wrote it since the look above: as if it had been there (see commit()).
            if (options_.force || !exists(r.outputs[k])) throw;
            files.clear();
            r.status = Status::skipped;
            r.skip = "exists";
            return;
        }
    }
}

// Outputs whose names depend on content (der2pem numbers the objects of a file) cannot
// all be checked by plan(): no path is written twice by one run, whatever the order.
// Paths are remembered by a 64-bit hash (a million outputs: about 40 MB).
void Batch::claim(const std::vector<std::string>& paths, size_t input) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& p : paths) {
        const auto it = claimed_.find(std::hash<std::string>{}(p));
        if (it != claimed_.end() && it->second != input)
            throw Error(p, "is also an output of " + inputs_[it->second].display_name() + " in this run");
    }
    for (const auto& p : paths) claimed_.emplace(std::hash<std::string>{}(p), input);
}

// Folders this run creates are 0755 for public outputs; once a private key goes into one
// (a mixed batch), it and the folders above it that this run created become 0700.
void Batch::prepare_dir(const std::string& dir, Sensitivity s) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> made;
    make_output_dir(dir, s, &made);
    created_dirs_.insert(made.begin(), made.end());
#ifndef _WIN32  // Windows: the key file's own protected DACL (output_win.cpp) is what keeps it private
    if (s == Sensitivity::private_key)
        for (const auto& d : created_dirs_)
            if ((dir == d || dir.rfind(d + "/", 0) == 0) && private_dirs_.insert(d).second && ::chmod(d.c_str(), 0700) != 0) {
                // FAT has no modes to change (its mount options give them): fine if private.
                const int err = errno;
                struct stat st {};
                if (::stat(d.c_str(), &st) != 0 || (st.st_mode & 077) != 0)
                    throw Error(d, std::string("cannot make the folder private: ") + std::strerror(err));
            }
#endif
    written_dirs_.insert(dir);
}

// ---------------------------------------------------------------------------------------
// Workers

void Batch::commit(std::vector<Staged>& group) {
    std::vector<StagedFile*> all;
    for (auto& g : group)
        for (auto& f : g.files) all.push_back(f.get());
    std::optional<Error> sync_error;
    try {
        sync_staged(all);
    } catch (const Error& e) {
        sync_error = e;
    }
    for (auto& g : group) {
        for (auto& f : g.files) {
            try {
                if (sync_error) throw *sync_error;
                f->link();
            } catch (const Error& e) {
                // Another run wrote it since this one looked: as if it had been there.
                if (!options_.force && !sync_error && exists(f->path())) {
                    g.result.status = Status::skipped;
                    g.result.skip = "exists";
                } else {
                    fail(g.result, inputs_[g.index], e.subject(), e.what());
                }
                break;
            }
        }
        g.files.clear();
        publish(g.index, std::move(g.result));
    }
    group.clear();
}

void Batch::publish(size_t i, Result r) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (r.status == Status::failed && options_.fail_fast) stop_ = true;
    done_.emplace(i, std::move(r));
    cv_.notify_all();
}

std::optional<size_t> Batch::take() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (interrupted.load() != 0) stop_ = true;
    if (stop_ || next_ >= inputs_.size()) return std::nullopt;
    return next_++;
}

void Batch::work() {
    std::vector<Staged> group;
    std::optional<size_t> i;
    try {
        while ((i = take())) {
            std::vector<std::unique_ptr<StagedFile>> files;
            Result r = convert_one(*i, files);
            reporter_->finished();
            if (files.empty()) {
                publish(*i, std::move(r));
                continue;
            }
            group.push_back(Staged{*i, std::move(r), std::move(files)});
            if (group.size() >= group_size) commit(group);
        }
    } catch (...) {  // a UsageError from a body: the whole run is a usage error
        std::lock_guard<std::mutex> lock(mutex_);
        if (!usage_failure_) usage_failure_ = std::current_exception();
        stop_ = true;
        cv_.notify_all();
    }
    commit(group);
}

// ---------------------------------------------------------------------------------------
// Reporting, in input order (the calling thread)

// Waits for input i's result; false when it will never come (the run stopped first).
bool Batch::wait_for(size_t i, Result& r, Reporter& reporter) {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        if (interrupted.load() != 0) stop_ = true;
        const auto it = done_.find(i);
        if (it != done_.end()) {
            r = std::move(it->second);
            done_.erase(it);
            return true;
        }
        if (usage_failure_ || (stop_ && next_ <= i)) return false;
        lock.unlock();
        reporter.tick();
        lock.lock();
        cv_.wait_for(lock, std::chrono::milliseconds(50));
    }
}

void Batch::report_stdout(Result& r) {
    if (stdout_error_) return;
    try {
        for (const auto& item : r.items) {
            const bool binary = item.extension == ".der" || item.extension == ".cer";
            if (binary && platform::is_terminal(STDOUT_FILENO))
                throw Error("<stdout>", "refusing to write binary DER to a terminal (use -o FILE or redirect)");
            write_stdout(ByteView(item.data), item.sensitivity);
        }
    } catch (const Error& e) {
        stdout_error_ = (e.subject().empty() ? "" : e.subject() + ": ") + e.what();
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;  // a closed pipe: nobody reads what the rest would print
    }
}

void Batch::count(const Result& r, Tally& t) {
    if (r.status == Status::converted) ++t.converted;
    else if (r.status == Status::failed) ++t.failed;
    else ++t.skipped[r.skip];
}

// -o FILE: the outputs of every input, in input order, written as one file at the end
// (or not at all when an input failed).
void Batch::finish_output_file(Tally& t, Reporter& reporter) {
    std::string not_written;
    if (t.failed || t.signal) {
        not_written = t.signal ? "not written (interrupted)" : "not written (an input failed)";
        if (inputs_.size() > 1) reporter.message(options_.output + ": " + not_written);
    } else if (options_.dry_run) {
        if (!options_.json) reporter.dry_run_file(options_.output);
    } else {
        SecretBytes all;
        Sensitivity s = Sensitivity::public_data;
        for (const auto& item : collected_) {
            append(all, ByteView(item.data));
            if (item.sensitivity == Sensitivity::private_key) s = item.sensitivity;
        }
        try {
            write_file_atomic(options_.output, ByteView(all), s, options_.force);
        } catch (const Error& e) {  // every converted input is then a failure
            const std::string error = (e.subject().empty() ? options_.output : e.subject()) + ": " + e.what();
            reporter.message(error);
            for (auto& [i, r] : deferred_)
                if (r.status == Status::converted) r.status = Status::failed, r.error = error;
            t.failed += t.converted;
            t.converted = 0;
        }
    }
    for (auto& [i, r] : deferred_) {
        if (r.status == Status::converted && not_written.empty()) r.outputs = {options_.output};
        if (r.status == Status::converted && !not_written.empty()) r.reason = not_written;
        reporter.json(inputs_[i], r);
    }
}

// Reports each input's result in input order as workers publish them; returns how many.
size_t Batch::report_in_order(Tally& t, Reporter& reporter) {
    size_t reported = 0;
    for (size_t i = 0; i < inputs_.size(); ++i) {
        Result r;
        if (!wait_for(i, r, reporter)) break;
        ++reported;
        count(r, t);
        if (r.status == Status::converted && options_.to_file) {
            for (auto& item : r.items) collected_.push_back(std::move(item));
        } else if (r.status == Status::converted && !options_.to_dir && !options_.dry_run) {
            report_stdout(r);
        }
        reporter.result(inputs_[i], r, options_.json && !options_.to_file);
        if (options_.json && options_.to_file) {
            r.items.clear();
            deferred_.emplace_back(i, std::move(r));
        }
        if (!reporter.out_ok() && !stdout_error_) {
            stdout_error_ = "<stdout>: write failed";
            std::lock_guard<std::mutex> lock(mutex_);
            stop_ = true;
        }
    }
    return reported;
}

int Batch::run(std::ostream& out, std::ostream& err) {
    const size_t n = inputs_.size();
    ReportOptions ro = options_.report;
    ro.json = options_.json;
    ro.dry_run = options_.dry_run;
    ro.to_dir = options_.to_dir;
    ro.fail_fast = options_.fail_fast;
    Reporter reporter(ro, n, out, err);
    reporter_ = &reporter;
    SignalScope signals;
    std::vector<std::thread> workers;
    // Whatever leaves this function, the workers are told to stop and are joined first.
    struct Joiner {
        Batch& batch;
        std::vector<std::thread>& workers;
        ~Joiner() {
            {
                std::lock_guard<std::mutex> lock(batch.mutex_);
                batch.stop_ = true;
            }
            for (auto& w : workers)
                if (w.joinable()) w.join();
        }
    } joiner{*this, workers};
    const unsigned jobs = static_cast<unsigned>(std::max<size_t>(1, std::min<size_t>(options_.jobs, n)));
    for (unsigned t = 0; t < jobs; ++t) workers.emplace_back([this] { work(); });

    Tally t;
    t.total = n;
    const size_t reported = report_in_order(t, reporter);
    for (auto& w : workers) w.join();
    for (const auto& d : written_dirs_) sync_directory(d);
    reporter.clear();
    if (usage_failure_) std::rethrow_exception(usage_failure_);
    t.signal = interrupted.load();
    t.not_run = n - reported;
    if (options_.to_file) finish_output_file(t, reporter);
    if (stdout_error_) reporter.message(*stdout_error_);
    reporter.summary(t);
    if (t.signal) return 128 + t.signal;
    return t.failed || stdout_error_ || !reporter.out_ok() ? 1 : 0;
}

}  // namespace keypipe
