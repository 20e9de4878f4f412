#include "cli.h"

#include "error.h"
#include "platform.h"
#include "process.h"
#include "ssh.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace keypipe {

#ifndef KEYPIPE_VERSION
#define KEYPIPE_VERSION "0.0.0"
#endif
const char* const version_string = KEYPIPE_VERSION;

namespace {

namespace fs = std::filesystem;

constexpr unsigned help_width = 100;  // wide enough that --ppk-param's syntax is not split
constexpr size_t max_message_bytes = 400;

// Error lines carry text from the input (PEM labels, PPK header values, file names): a
// line must stay one short line and must not drive the terminal. Control characters,
// C1 controls and bytes that are not UTF-8 become \xNN; beyond max_bytes it is cut.
std::string printable(std::string_view s, size_t max_bytes = max_message_bytes) {
    std::string out;
    size_t i = 0;
    while (i < s.size()) {
        if (out.size() >= max_bytes) {
            out += "...";
            break;
        }
        const auto c = static_cast<unsigned char>(s[i]);
        const size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        bool ok = len != 0 && i + len <= s.size();
        uint32_t cp = len == 1 ? c : len == 2 ? c & 0x1f : len == 3 ? c & 0x0f : c & 0x07;
        for (size_t k = 1; ok && k < len; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            ok = (cc & 0xc0) == 0x80;
            cp = (cp << 6) | (cc & 0x3f);
        }
        static constexpr uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
        if (ok) ok = cp >= least[len] && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) && cp >= 0x20 &&
                     !(cp >= 0x7f && cp < 0xa0);
        if (ok) {
            out.append(s.substr(i, len));
            i += len;
        } else {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", c);
            out += hex;
            ++i;
        }
    }
    return out;
}

// The one place a message line is printed: "TOOL: text".
void print_line(const std::string& tool, std::string_view text) {
    std::cerr << tool << ": " << printable(text) << "\n";
}

std::string dump(const nlohmann::ordered_json& j) {
    // File names need not be UTF-8: invalid bytes become U+FFFD rather than an exception.
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

SecretBytes read_fd_bounded(int fd) {
    SecretBytes data;
    struct stat st {};
    if (::fstat(fd, &st) == 0) {
        if (S_ISDIR(st.st_mode)) throw Error("is a directory (use -r to convert the files in it)");
        if (S_ISREG(st.st_mode)) {
            if (static_cast<uint64_t>(st.st_size) > max_input_bytes)
                throw Error("input larger than the " + std::to_string(max_input_bytes >> 20) + " MiB limit");
            data.reserve(static_cast<size_t>(st.st_size));
        }
    }
    uint8_t buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(std::string("cannot read: ") + std::strerror(errno));
        if (n == 0) break;
        if (data.size() + static_cast<size_t>(n) > max_input_bytes)
            throw Error("input larger than the " + std::to_string(max_input_bytes >> 20) + " MiB limit");
        data.insert(data.end(), buf, buf + n);
    }
    Botan::secure_scrub_memory(buf, sizeof buf);
    return data;
}

bool is_hidden(const fs::path& p) {
    const std::string name = p.filename().string();
    return name.size() > 1 && name[0] == '.';
}

// Expands the command line's inputs: files as given, folders walked with -r (sorted,
// regular files only; hidden entries and symlinks skipped unless asked).
std::vector<Input> expand_inputs(const std::vector<std::string>& paths, const Args& args) {
    std::vector<Input> inputs;
    const bool recursive = args.has("recursive"), hidden = args.has("hidden"), follow = args.has("follow-symlinks");
    for (const auto& path : paths) {
        std::error_code ec;
        if (path != "-" && recursive && fs::is_directory(platform::fs_path(path), ec)) {
            std::vector<std::string> found;
            auto options = follow ? fs::directory_options::follow_directory_symlink : fs::directory_options::none;
            for (fs::recursive_directory_iterator it(platform::fs_path(path), options, ec), end; !ec && it != end; it.increment(ec)) {
                if (!hidden && is_hidden(it->path())) {
                    if (it->is_directory(ec)) it.disable_recursion_pending();
                    continue;
                }
                if (!follow && it->is_symlink(ec)) continue;
                if (it->is_regular_file(ec)) found.push_back(platform::utf8(it->path()));
                if (found.size() > max_inputs) throw Error(path, "more than " + std::to_string(max_inputs) + " files");
            }
            if (ec) throw Error(path, "cannot walk the folder: " + ec.message());
            std::sort(found.begin(), found.end());
            for (auto& f : found) inputs.emplace_back(std::move(f), path);
        } else {
            inputs.emplace_back(path);
        }
    }
    return inputs;
}

std::string join_path(const std::string& a, const std::string& b) {
    if (a.empty()) return b;
    if (b.empty()) return a;
    return a.back() == '/' ? a + b : a + "/" + b;
}

bool exists(const std::string& path) {  // a dangling symlink exists too
    std::error_code ec;
    return fs::exists(fs::symlink_status(platform::fs_path(path), ec));
}

enum class Status { converted, skipped, failed };

struct Result {
    Status status = Status::converted;
    std::string error;                   // one line, without the tool name
    std::vector<OutputItem> items;       // for stdout and -o
    std::vector<std::string> outputs;    // paths written (or that would be)
    std::string reason;                  // why a converted input was not written
    std::optional<KeyNote> note;
};

// A progress line on stderr, redrawn at most ten times a second.
class Progress {
public:
    // The first line appears after 100 ms: a quick batch shows none, and the rate is
    // measured over a meaningful time.
    Progress(size_t total, bool enabled) : total_(total), enabled_(enabled), start_(clock::now()), last_(start_) {}
    void update(size_t done, bool force = false) {
        if (!enabled_) return;
        const auto now = clock::now();
        if (!force && now - last_ < std::chrono::milliseconds(100)) return;
        last_ = now;
        const double secs = std::chrono::duration<double>(now - start_).count();
        const double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
        const int width = 30, filled = static_cast<int>(width * done / std::max<size_t>(total_, 1));
        std::string bar(static_cast<size_t>(filled), '#');
        bar.resize(width, '.');
        char line[160];
        std::snprintf(line, sizeof line, "\r[%s] %zu/%zu  %.0f/s  ETA %.0fs ", bar.c_str(), done, total_, rate,
                      rate > 0 ? static_cast<double>(total_ - done) / rate : 0.0);
        std::cerr << line << std::flush;
        drawn_ = true;
    }
    void clear() {
        if (drawn_) std::cerr << "\r\033[K" << std::flush;
        drawn_ = false;
    }

private:
    using clock = std::chrono::steady_clock;
    size_t total_;
    bool enabled_, drawn_ = false;
    clock::time_point start_, last_;
};

std::string json_line(const Input& in, const Result& r, bool dry_run) {
    nlohmann::ordered_json j;
    j["input"] = in.display_name();
    j["output"] = r.outputs.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.outputs.front());
    j["outputs"] = r.outputs;
    j["status"] = r.status == Status::failed    ? "failed"
                  : r.status == Status::skipped ? "skipped"
                  : dry_run                     ? "would convert"
                                                : "converted";
    j["reason"] = r.status == Status::skipped ? nlohmann::ordered_json("exists")
                  : r.reason.empty()            ? nlohmann::ordered_json(nullptr)
                                                : nlohmann::ordered_json(r.reason);
    if (r.note) {
        j["key_type"] = r.note->type;
        j["bits"] = r.note->bits;
        j["fingerprint"] = r.note->fingerprint;
        j["encrypted"] = r.note->encrypted;
    } else {
        j["key_type"] = nullptr;
        j["bits"] = nullptr;
        j["fingerprint"] = nullptr;
        j["encrypted"] = nullptr;
    }
    j["error"] = r.error.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.error);
    return dump(j) + "\n";
}

}  // namespace

std::string Input::stem() const {
    if (is_stdin()) return "stdin";
    std::string base = platform::utf8(platform::fs_path(path_).filename());
    const size_t dot = base.find_last_of('.');
    if (dot != std::string::npos && dot != 0) base.erase(dot);
    return base;
}

std::string Input::relative_dir() const {
    if (root_.empty()) return "";
    const fs::path rel = platform::fs_path(path_).lexically_relative(platform::fs_path(root_)).parent_path();
    return rel.empty() || rel == "." ? "" : platform::utf8(rel);
}

ByteView Input::bytes() {
    if (!data_) {
        if (is_stdin()) {
            data_ = read_fd_bounded(STDIN_FILENO);
        } else {
            const int fd = platform::open_read(path_);
            if (fd < 0) throw Error(std::string("cannot open: ") + std::strerror(errno));
            try {
                data_ = read_fd_bounded(fd);
            } catch (...) {
                ::close(fd);
                throw;
            }
            ::close(fd);
        }
    }
    return ByteView(*data_);
}

void Sink::put(ByteView data, Sensitivity s, std::string extension, std::string suffix) {
    items_.push_back(OutputItem{data.to_secret(), s, std::move(extension), std::move(suffix)});
}

void Sink::note_key(const PublicKey& key, bool encrypted) {
    note_ = KeyNote{std::string(ssh_name(key.type)), key_bits(key),
                    ssh::fingerprint_sha256(ByteView(ssh::public_blob(key))), encrypted};
}

Tool::Tool(std::string name, std::string summary)
    : name_(std::move(name)), summary_(std::move(summary)), options_("Options", help_width, help_width / 2) {}

Passphrase& Tool::passphrase(const Args& args, const std::string& option) {
    std::lock_guard<std::mutex> lock(passphrases_mutex_);
    for (auto& [name, source] : passphrases_)
        if (name == option) return *source;
    passphrases_.emplace_back(option, std::make_unique<Passphrase>(args.str(option), "--" + option));
    return *passphrases_.back().second;
}

void Tool::print_help(std::ostream& os) const {
    os << "Usage: " << name_ << (takes_inputs_ ? " [options] [INPUT...]\n" : " [options]\n") << summary_ << "\n";
    if (takes_inputs_)
        os << "Reads stdin when no INPUT is given or INPUT is -. PEM or DER is detected.\n";
    os << "\n" << options_ << "\n";
    if (!examples_.empty()) {
        os << "Examples:\n";
        for (const auto& e : examples_) os << "  " << e << "\n";
    }
    os << "\nExit status: 0 success, 1 bad or unreadable input (any input, in a batch), 2 usage error.\n";
}

int Tool::run(int argc, char** argv, const Body& body) {
    harden_process();  // first: closed fds 0-2, core dumps, signals (common/process.h)
    // Botan locks its secure-memory pool page by page on first use: 128 pages with guard
    // pages cost ~4 ms of system time, four times the rest of a small conversion. A
    // 32 KiB pool still keeps passphrases and key material of ordinary keys out of swap
    // (larger buffers fall back to the heap and are still wiped on release). The user's
    // own BOTAN_MLOCK_POOL_SIZE wins.
    platform::set_default_env("BOTAN_MLOCK_POOL_SIZE", "32");
    platform::start(argc, argv);
    try {
        po::options_description common("Common options", help_width, help_width / 2);
        if (takes_inputs_) {
            common.add_options()
                ("output,o", po::value<std::string>()->value_name("FILE"), "write all output to FILE instead of stdout")
                ("out-dir,d", po::value<std::string>()->value_name("DIR"), "write one file per input into DIR (same stem, new extension)")
                ("force,f", "replace existing output files")
                ("recursive,r", "convert the files in folders given as INPUT, keeping their structure under -d")
                ("hidden", "with -r, include hidden files and folders")
                ("follow-symlinks", "with -r, follow symbolic links")
                ("jobs,j", po::value<unsigned>()->value_name("N"), "convert N inputs in parallel (default: the number of cores)")
                ("fail-fast", "stop at the first input that fails")
                ("dry-run", "convert in memory and report, but write no file")
                ("json", "report one JSON object per input, then a summary object, on stdout (needs -d or -o)");
        } else {
            common.add_options()("force,f", "replace existing output files");
        }
        common.add_options()
            ("help,h", "print this help and exit")
            ("version", "print the version and exit");
        options_.add(common);
        po::options_description hidden;
        hidden.add_options()("input", po::value<std::vector<std::string>>()->multitoken(), "input files");
        po::options_description all;
        all.add(options_).add(hidden);
        po::positional_options_description positional;
        positional.add("input", -1);

        po::variables_map vm;
        try {
            po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
            po::notify(vm);
        } catch (const po::error& e) {
            throw UsageError(e.what());
        }
        const Args args(vm);
        if (args.has("help")) {
            print_help(std::cout);
            return 0;
        }
        if (args.has("version")) {
            std::cout << name_ << " (keypipe) " << version_string << "\n";
            return 0;
        }
        if (args.has("output") && args.has("out-dir")) throw UsageError("-o and -d cannot be used together");
        if (args.has("json") && !args.has("output") && !args.has("out-dir"))
            throw UsageError("--json needs -d DIR or -o FILE (stdout carries the JSON)");
        if (args.has("jobs") && args.get<unsigned>("jobs") == 0) throw UsageError("-j takes a number of at least 1");
        if (!takes_inputs_ && vm.count("input")) throw UsageError("takes no input files");
        if (validate_) validate_(args);

        if (takes_inputs_) return run_batch(args, body);
        Input none("-");  // never read: the body of a tool without inputs ignores it
        Sink sink;
        body(args, none, sink);
        for (const auto& item : sink.items()) write_stdout(ByteView(item.data), item.sensitivity);
        return 0;
    } catch (const UsageError& e) {
        print_line(name_, std::string(e.what()) + " (see " + name_ + " --help)");
        return 2;
    } catch (const Error& e) {
        print_line(name_, (e.subject().empty() ? "" : e.subject() + ": ") + e.what());
        return 1;
    } catch (const std::bad_alloc&) {
        print_line(name_, "out of memory");
        return 1;
    } catch (const std::exception& e) {
        print_line(name_, std::string("internal error: ") + e.what());
        return 1;
    }
}

int Tool::run_batch(const Args& args, const Body& body) {
    std::vector<std::string> paths = args.has("input") ? args.get<std::vector<std::string>>("input") : std::vector<std::string>{};
    if (paths.empty()) paths.push_back("-");
    std::vector<Input> inputs = expand_inputs(paths, args);
    if (std::count_if(inputs.begin(), inputs.end(), [](const Input& i) { return i.is_stdin(); }) > 1)
        throw UsageError("stdin (-) can be given only once");

    const bool to_dir = args.has("out-dir"), to_file = args.has("output"), force = args.has("force"),
               dry_run = args.has("dry-run"), json = args.has("json"), fail_fast = args.has("fail-fast");
    const std::string output = args.str("output");
    // An -o target that exists is refused before any work (an Argon2 or RSA run can take a while).
    struct stat st {};
    if (to_file && !force && !dry_run && ::stat(output.c_str(), &st) == 0 && S_ISREG(st.st_mode))
        throw Error(output, "file exists (use -f to replace it)");
    const std::string dir = args.str("out-dir");
    auto base_for = [&](const Input& in) { return join_path(join_path(dir, in.relative_dir()), in.stem()); };

    // Two inputs that would write the same DIR/STEM.* are refused before anything is
    // written; so is STEM-N.* when the tool numbers several outputs of one input.
    if (to_dir) {
        std::map<std::string, const Input*> seen;
        for (const auto& in : inputs) {
            const auto [it, fresh] = seen.emplace(base_for(in), &in);
            if (!fresh)
                throw UsageError(it->second->display_name() + " and " + in.display_name() + " would both write " +
                                 base_for(in) + ".*");
        }
        if (!numbered_option_.empty() && args.has(numbered_option_)) {
            for (const auto& [base, in] : seen) {
                const size_t dash = base.find_last_of('-');
                if (dash == std::string::npos || dash + 1 == base.size() ||
                    base.find_first_not_of("0123456789", dash + 1) != std::string::npos)
                    continue;
                const auto other = seen.find(base.substr(0, dash));
                if (other != seen.end())
                    throw UsageError(other->second->display_name() + " and " + in->display_name() + " could both write " +
                                     base + ".* (--" + numbered_option_ + " numbers the outputs of " +
                                     other->second->display_name() + ")");
            }
        }
    }

    const size_t n = inputs.size();
    // Workers take inputs in order and publish results; this thread reports them in input
    // order. Everything below is guarded by `mutex`; "input i will never run" is exactly
    // "stopped before i was taken".
    std::vector<Result> results(n);
    std::vector<char> ready(n, 0);
    std::mutex mutex;
    std::condition_variable cv;
    size_t next = 0;
    bool stop = false;
    std::set<std::string> written_dirs;  // fsync'd once each at the end, not once per file
    std::set<std::string> created_dirs, private_dirs;

    // Folders this run creates are 0755 for public outputs; once a private key goes into
    // one (a mixed batch), it and the folders above it that this run created become 0700.
    auto prepare_dir = [&](const std::string& parent, Sensitivity s) {
        std::lock_guard<std::mutex> lock(mutex);
        std::vector<std::string> made;
        make_output_dir(parent, s, &made);
        created_dirs.insert(made.begin(), made.end());
        if (s == Sensitivity::private_key)
            for (const auto& d : created_dirs)
                if ((parent == d || parent.rfind(d + "/", 0) == 0) && private_dirs.insert(d).second &&
                    ::chmod(d.c_str(), 0700) != 0)
                    throw Error(d, std::string("cannot make the folder private: ") + std::strerror(errno));
        written_dirs.insert(parent);
    };

    // The check before the run cannot see outputs that depend on content (der2pem numbers
    // the objects of a file); no path is written twice by one run, whatever the order.
    std::map<std::string, std::string> claimed;  // output path -> input
    auto claim = [&](const std::vector<std::pair<std::string, OutputItem*>>& targets, const Input& in) {
        std::lock_guard<std::mutex> lock(mutex);
        for (const auto& t : targets) {
            const auto it = claimed.find(t.first);
            if (it != claimed.end() && it->second != in.path())
                throw Error(t.first, "is also an output of " + it->second + " in this run");
        }
        for (const auto& t : targets) claimed.emplace(t.first, in.path());
    };

    auto publish = [&](size_t i, Result r) {
        std::lock_guard<std::mutex> lock(mutex);
        if (r.status == Status::failed && fail_fast) stop = true;
        results[i] = std::move(r);
        ready[i] = 1;
        cv.notify_all();
    };
    auto fail = [&](Result& r, const Input& in, const std::string& subject, const std::string& what) {
        r.status = Status::failed;
        r.error = (subject.empty() ? in.display_name() : subject) + ": " + what;
    };

    // Converted inputs whose files are written but not yet durable nor in place: a worker
    // makes a group of them durable with one syncfs, then links and publishes them.
    struct Staged {
        size_t index;
        Result result;
        std::vector<std::unique_ptr<StagedFile>> files;
    };
    constexpr size_t group_size = 16;
    auto commit = [&](std::vector<Staged>& group) {
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
            try {
                if (sync_error) throw *sync_error;
                for (auto& f : g.files) f->link();
            } catch (const Error& e) {
                fail(g.result, inputs[g.index], e.subject(), e.what());
            }
            g.files.clear();
            publish(g.index, std::move(g.result));
        }
        group.clear();
    };

    auto convert = [&](size_t i, std::vector<Staged>& group) {
        Input& in = inputs[i];
        Result r;
        std::vector<std::unique_ptr<StagedFile>> files;
        try {
            if (to_dir && !fixed_extension_.empty() && !force && exists(base_for(in) + fixed_extension_)) {
                r.status = Status::skipped;
                r.outputs.push_back(base_for(in) + fixed_extension_);
            } else {
                Sink sink;
                body(args, in, sink);
                r.note = sink.note();
                if (to_dir) {
                    std::vector<std::pair<std::string, OutputItem*>> targets;
                    for (auto& item : sink.items()) targets.emplace_back(base_for(in) + item.suffix + item.extension, &item);
                    claim(targets, in);
                    const bool any_exists = std::any_of(targets.begin(), targets.end(), [](const auto& t) { return exists(t.first); });
                    for (const auto& t : targets) r.outputs.push_back(t.first);
                    if (any_exists && !force) {
                        r.status = Status::skipped;
                    } else if (!dry_run) {
                        for (const auto& [path, item] : targets) {
                            std::string parent = platform::utf8(platform::fs_path(path).parent_path());
                            if (parent.empty()) parent = ".";
                            prepare_dir(parent, item->sensitivity);
                            files.push_back(std::make_unique<StagedFile>(path, ByteView(item->data), item->sensitivity, force));
                        }
                    }
                } else {
                    r.items = std::move(sink.items());
                }
            }
        } catch (const Error& e) {
            fail(r, in, e.subject(), e.what());
        } catch (const std::bad_alloc&) {
            fail(r, in, "", "out of memory");
        } catch (const UsageError&) {
            throw;
        } catch (const std::exception& e) {
            fail(r, in, "", std::string("internal error: ") + e.what());
        }
        if (r.status == Status::failed || files.empty()) {
            publish(i, std::move(r));  // (files of a failed input are dropped unseen)
            return;
        }
        group.push_back(Staged{i, std::move(r), std::move(files)});
        if (group.size() >= group_size) commit(group);
    };

    // Default: one worker per core (outputs are made durable a group at a time, so workers
    // seldom wait on the disk).
    unsigned jobs = args.has("jobs") ? args.get<unsigned>("jobs") : std::max(1u, std::thread::hardware_concurrency());
    jobs = static_cast<unsigned>(std::min<size_t>(jobs, n));
    std::exception_ptr usage_failure;
    auto take = [&]() -> std::optional<size_t> {
        std::lock_guard<std::mutex> lock(mutex);
        if (stop || next >= n) return std::nullopt;
        return next++;
    };
    auto work = [&] {
        std::vector<Staged> group;
        while (const std::optional<size_t> i = take()) {
            try {
                convert(*i, group);
            } catch (...) {  // a UsageError from a body: the whole run is a usage error
                commit(group);
                std::lock_guard<std::mutex> lock(mutex);
                if (!usage_failure) usage_failure = std::current_exception();
                stop = true;
                results[*i].status = Status::failed;
                ready[*i] = 1;
                cv.notify_all();
                return;
            }
        }
        commit(group);
    };
    std::vector<std::thread> workers;
    // Whatever leaves this function, the workers are told to stop and are joined first.
    struct Joiner {
        std::vector<std::thread>& workers;
        std::function<void()> stop;
        ~Joiner() {
            stop();
            for (auto& w : workers)
                if (w.joinable()) w.join();
        }
    } joiner{workers, [&] {
                 std::lock_guard<std::mutex> lock(mutex);
                 stop = true;
             }};
    if (jobs <= 1) {
        work();
    } else {
        for (unsigned t = 0; t < jobs; ++t) workers.emplace_back(work);
    }

    Progress progress(n, n > 8 && platform::is_terminal(STDERR_FILENO) && !json);
    size_t converted = 0, skipped = 0, failed = 0, done = 0;
    std::vector<OutputItem> collected;
    std::optional<std::string> stdout_error;
    std::vector<size_t> reported;  // with -o, JSON lines wait until the file is written or not
    for (size_t i = 0; i < n; ++i) {
        {
            std::unique_lock<std::mutex> lock(mutex);
            cv.wait(lock, [&] { return ready[i] || (stop && next <= i); });
            if (!ready[i] || usage_failure) break;  // never taken: stopped by --fail-fast or a usage error
        }
        Result& r = results[i];
        ++done;
        if (r.status == Status::failed) {
            ++failed;
            progress.clear();
            print_line(name_, r.error);
        } else if (r.status == Status::skipped) {
            ++skipped;
            progress.clear();
            print_line(name_, inputs[i].display_name() + ": skipped, " + r.outputs.front() +
                                  " exists (use -f to replace it)");
        } else {
            ++converted;
            if (to_file) {
                for (auto& item : r.items) collected.push_back(std::move(item));
            } else if (!to_dir && !stdout_error) {
                try {
                    for (const auto& item : r.items) write_stdout(ByteView(item.data), item.sensitivity);
                } catch (const Error& e) {
                    stdout_error = (e.subject().empty() ? "" : e.subject() + ": ") + e.what();
                }
            } else if (dry_run && !json) {
                for (const auto& path : r.outputs) std::cout << path << "\n";
            }
        }
        if (json && to_file) {
            reported.push_back(i);
        } else if (json) {
            std::cout << json_line(inputs[i], r, dry_run) << std::flush;
        }
        r.items.clear();
        progress.update(done);
    }
    for (auto& w : workers) w.join();
    for (const auto& d : written_dirs) sync_directory(d);
    progress.clear();
    if (usage_failure) std::rethrow_exception(usage_failure);
    if (stdout_error) throw Error(*stdout_error);

    if (to_file) {
        std::string not_written;
        if (failed) {
            not_written = "not written (an input failed)";
            if (n > 1) print_line(name_, output + ": " + not_written);
        } else if (dry_run) {
            if (!json) std::cout << output << "\n";
        } else {
            SecretBytes all;
            Sensitivity s = Sensitivity::public_data;
            for (const auto& item : collected) {
                append(all, ByteView(item.data));
                if (item.sensitivity == Sensitivity::private_key) s = item.sensitivity;
            }
            try {
                write_file_atomic(output, ByteView(all), s, force);
            } catch (const Error& e) {  // every converted input is then a failure
                const std::string error = (e.subject().empty() ? output : e.subject()) + ": " + e.what();
                print_line(name_, error);
                for (size_t i : reported)
                    if (results[i].status == Status::converted) {
                        results[i].status = Status::failed;
                        results[i].error = error;
                    }
                failed += converted;
                converted = 0;
            }
        }
        for (size_t i : reported) {
            Result& r = results[i];
            if (r.status == Status::converted && not_written.empty()) r.outputs = {output};
            if (r.status == Status::converted && !not_written.empty()) r.reason = not_written;
            std::cout << json_line(inputs[i], r, dry_run) << std::flush;
        }
    }
    const size_t not_run = n - done;
    if (json) {
        nlohmann::ordered_json summary = {{"converted", converted}, {"skipped", skipped}, {"failed", failed},
                                          {"not_run", not_run}, {"total", n}, {"dry_run", dry_run}};
        std::cout << dump(nlohmann::ordered_json{{"summary", summary}}) << "\n" << std::flush;
    }
    if (n > 1 || to_dir || json) {
        std::string line = std::string(dry_run ? "would convert " : "converted ") + std::to_string(converted) + ", skipped " +
                           std::to_string(skipped) + (skipped ? " (exists)" : "") + ", failed " + std::to_string(failed);
        if (not_run) line += ", not run " + std::to_string(not_run) + " (--fail-fast)";
        if (!(n == 1 && failed == 1)) std::cerr << line << "\n";
    }
    return failed ? 1 : 0;
}

}  // namespace keypipe
