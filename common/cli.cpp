#include "cli.h"

#include "batch.h"
#include "error.h"
#include "platform.h"
#include "process.h"
#include "ssh.h"
#include "walk.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <iostream>
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

// True when stdout and stderr are the same terminal: a progress line on stderr would
// then break the lines printed on stdout.
bool same_terminal() {
#ifdef _WIN32  // a process has one console
    return platform::is_terminal(STDOUT_FILENO) && platform::is_terminal(STDERR_FILENO);
#else
    struct stat out {}, err {};
    return ::isatty(STDOUT_FILENO) && ::isatty(STDERR_FILENO) && ::fstat(STDOUT_FILENO, &out) == 0 &&
           ::fstat(STDERR_FILENO, &err) == 0 && out.st_rdev == err.st_rdev;
#endif
}

// The one place a message line is printed: "TOOL: text".
void print_line(const std::string& tool, std::string_view text) {
    std::cerr << tool << ": " << printable(text) << "\n";
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
    size_t used = 0;  // only what a read wrote needs wiping: a 1 KiB input, not 64 KiB
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(std::string("cannot read: ") + std::strerror(errno));
        if (n == 0) break;
        used = std::max(used, static_cast<size_t>(n));
        if (data.size() + static_cast<size_t>(n) > max_input_bytes)
            throw Error("input larger than the " + std::to_string(max_input_bytes >> 20) + " MiB limit");
        data.insert(data.end(), buf, buf + n);
    }
    Botan::secure_scrub_memory(buf, used);
    return data;
}

}  // namespace

// Error lines carry text from the input (PEM labels, PPK header values, file names): a
// line must stay one short line and must not drive the terminal. Control characters,
// C1 controls and bytes that are not UTF-8 become \xNN; beyond max_bytes it is cut.
std::string printable(std::string_view s, size_t max_bytes) {
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
                    ssh::fingerprint_sha256(ByteView(ssh::public_blob(key))), encrypted, std::nullopt};
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

PassphraseRing& Tool::passphrases(const Args& args, const std::string& option) {
    std::lock_guard<std::mutex> lock(passphrases_mutex_);
    for (auto& [name, ring] : rings_)
        if (name == option) return *ring;
    std::vector<std::string> specs = args.has(option) ? args.get<std::vector<std::string>>(option) : std::vector<std::string>{};
    rings_.emplace_back(option, std::make_unique<PassphraseRing>(std::move(specs), "--" + option));
    return *rings_.back().second;
}

void refuse_passphrase_from_stdin(const Args& args, std::initializer_list<const char*> options) {
    for (const char* option : options) {
        if (!args.has(option)) continue;
        std::vector<std::string> specs;
        try {
            specs.push_back(args.str(option));
        } catch (const boost::bad_any_cast&) {  // an option given once per passphrase
            specs = args.get<std::vector<std::string>>(option);
        }
        for (const auto& spec : specs)
            if (reads_stdin(spec))
                throw UsageError(std::string("--") + option + " " + spec +
                                 " reads stdin, but stdin is already the input (give the input as a file, or the passphrase another way)");
    }
}

std::string key_format_option(const Args& args) {
    if (args.has("key-format") && args.has("format")) throw UsageError("give --key-format once (--format is the same option)");
    std::string f = args.has("format") ? args.str("format") : args.str("key-format", "openssh");
    std::transform(f.begin(), f.end(), f.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (f == "traditional" || f == "pem") f = "pkcs1";
    if (f != "openssh" && f != "pkcs8" && f != "pkcs1")
        throw UsageError("--key-format takes openssh, pkcs8 or pkcs1 (traditional and pem are pkcs1)");
    return f;
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
    if (!output_names_.empty()) {
        os << "\nOutput names:\n";
        if (takes_inputs_)
            os << "  With -d DIR, each input writes under DIR (and its folder below the -r folder), "
                  "where STEM is its name without the last extension:\n";
        for (const auto& line : output_names_) os << "  " << line << "\n";
    }
    os << "\nExit status: 0 success, 1 bad or unreadable input (any input, in a batch), 2 usage error"
       << (takes_inputs_ ? ", 130 or 143 when SIGINT or SIGTERM stopped a batch.\n" : ".\n");
}

// Adds the options every tool shares and parses the command line. Throws UsageError.
po::variables_map Tool::parse(int argc, char** argv) {
    po::options_description common("Common options", help_width, help_width / 2);
    if (takes_inputs_) {
        common.add_options()
            ("output,o", po::value<std::string>()->value_name("FILE"), "write all output to FILE instead of stdout (- is stdout)")
            ("out-dir,d", po::value<std::string>()->value_name("DIR"), "write one file per input into DIR (same stem, new extension)")
            ("force,f", "replace existing output files")
            ("recursive,r", "convert the files in folders given as INPUT, keeping their structure under -d")
            ("hidden", "with -r, include hidden files and folders")
            ("follow-symlinks", "with -r, follow symbolic links")
            ("exclude", po::value<std::vector<std::string>>()->value_name("GLOB"),
             "with -r, leave out files and folders matching GLOB below the folder (repeatable)")
            ("jobs,j", po::value<int>()->value_name("N"), "convert N inputs in parallel (default: the number of cores)")
            ("quiet,q", "print only failures and the summary")
            ("fail-fast", "stop at the first input that fails")
            ("dry-run", "convert in memory and report, but write no file")
            ("json", report_output_ ? "print one JSON object per line for each object found, instead of text"
                                    : "report one JSON object per input, then a summary object, on stdout (needs -d or -o)");
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
    return vm;
}

int Tool::run(int argc, char** argv, const Body& body, const CombinedBody& combined) {
    combined_ = combined;
    return run(argc, argv, body);
}

int Tool::run(int argc, char** argv, const Body& body) {
    harden_process();  // first: closed fds 0-2, core dumps, signals (common/process.h)
    // Botan locks its secure-memory pool page by page on first use, each page between two
    // guard pages: even 8 pages (32 KiB) cost 56 of pem2der's 97 system calls and about a
    // third of its run time (README "Speed"). Like ssh-keygen, puttygen and openssl,
    // keypipe therefore does not lock memory by default; secrets are still wiped on
    // release. BOTAN_MLOCK_POOL_SIZE=32 (KiB) in the environment turns it back on.
    platform::set_default_env("BOTAN_MLOCK_POOL_SIZE", "0");
    platform::start(argc, argv);  // Windows: UTF-8 argv from the wide command line, binary stdio
    try {
        const Args args(parse(argc, argv));
        if (args.has("help")) {
            print_help(std::cout);
            return 0;
        }
        if (args.has("version")) {
            std::cout << name_ << " (keypipe) " << version_string << "\n";
            return 0;
        }
        if (args.has("output") && args.has("out-dir")) throw UsageError("-o and -d cannot be used together");
        if (args.has("json") && !report_output_ && (!args.has("output") || args.str("output") == "-") && !args.has("out-dir"))
            throw UsageError("--json needs -d DIR or -o FILE (stdout carries the JSON)");
        if (args.has("jobs") && args.get<int>("jobs") < 1) throw UsageError("-j takes a number of at least 1");
        if (!takes_inputs_ && args.has("input")) throw UsageError("takes no input files");
        if (validate_) validate_(args);

        if (takes_inputs_ && combined_ && !args.has("out-dir")) return run_combined(args, combined_);
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

namespace {
WalkOptions walk_options(const Args& args) {
    WalkOptions walk;
    walk.recursive = args.has("recursive");
    walk.hidden = args.has("hidden");
    walk.follow = args.has("follow-symlinks");
    if (args.has("exclude")) walk.exclude = args.get<std::vector<std::string>>("exclude");
    return walk;
}

// The inputs the command line names (stdin when none), folders walked; stdin at most once,
// and then not also the passphrase's source.
std::vector<Input> command_line_inputs(const Args& args) {
    std::vector<std::string> paths = args.has("input") ? args.get<std::vector<std::string>>("input") : std::vector<std::string>{};
    if (paths.empty()) paths.push_back("-");
    std::vector<Input> inputs = expand_inputs(paths, walk_options(args));
    if (std::count_if(inputs.begin(), inputs.end(), [](const Input& i) { return i.is_stdin(); }) > 1)
        throw UsageError("stdin (-) can be given only once");
    if (std::any_of(inputs.begin(), inputs.end(), [](const Input& i) { return i.is_stdin(); })) refuse_passphrase_from_stdin(args);
    return inputs;
}

}  // namespace

int Tool::run_combined(const Args& args, const CombinedBody& combined) {
    if (args.has("json")) throw UsageError("--json needs -d DIR here (without it, all inputs make one output)");
    std::vector<Input> inputs = command_line_inputs(args);
    const std::string output = args.str("output");
    std::error_code ec;  // an existing -o target is refused before any work, as in a batch
    if (!output.empty() && output != "-" && !args.has("force") && fs::is_regular_file(platform::fs_path(output), ec))
        throw Error(output, "file exists (use -f to replace it)");
    Sink sink;
    combined(args, inputs, sink);
    if (args.has("dry-run")) return 0;
    SecretBytes all;
    Sensitivity s = Sensitivity::public_data;
    for (const auto& item : sink.items()) {
        append(all, ByteView(item.data));
        if (item.sensitivity == Sensitivity::private_key) s = item.sensitivity;
    }
    if (output.empty() || output == "-") write_stdout(ByteView(all), s);
    else write_file_atomic(output, ByteView(all), s, args.has("force"));
    return 0;
}

// Several private keys in one file or stream are not a key file any reader takes (a .ppk
// or OpenSSH file holds one key); a private key or DER on a terminal helps nobody. Both
// are refused before any input is read, passphrase asked or KDF run.
void Tool::check_destination(const Args& args, size_t inputs) const {
    const bool to_stdout = !args.has("out-dir") && (!args.has("output") || args.str("output") == "-");
    const bool to_one = !args.has("out-dir");
    const bool private_out = private_output_ && private_output_(args);
    if (private_out && to_one && inputs > 1)
        throw UsageError(std::to_string(inputs) + " inputs would write their private keys into one " +
                         (to_stdout ? std::string("stdout") : args.str("output")) + " (use -d DIR for one file per input)");
    if (!to_stdout || args.has("dry-run") || !platform::is_terminal(STDOUT_FILENO)) return;
    if (private_out) throw Error("<stdout>", "refusing to write a private key to a terminal (use -o FILE or redirect stdout)");
    if (binary_output_ && binary_output_(args))
        throw Error("<stdout>", "refusing to write binary DER to a terminal (use -o FILE or redirect)");
}

int Tool::run_batch(const Args& args, const Body& body) {
    std::vector<Input> inputs = command_line_inputs(args);
    check_destination(args, inputs.size());

    BatchOptions o;
    o.report.tool = name_;
    o.report.quiet = args.has("quiet");
    o.to_dir = args.has("out-dir");
    o.out_dir = args.str("out-dir");
    o.to_file = args.has("output") && args.str("output") != "-";
    o.output = o.to_file ? args.str("output") : "";
    o.force = args.has("force");
    o.dry_run = args.has("dry-run");
    o.json = args.has("json") && !report_output_;  // a report's --json is its own output
    o.fail_fast = args.has("fail-fast");
    // Default: one worker per core (outputs are made durable a group at a time, so
    // workers seldom wait on the disk).
    o.jobs = args.has("jobs") ? static_cast<unsigned>(args.get<int>("jobs")) : std::max(1u, std::thread::hardware_concurrency());
    o.fixed_extension = fixed_extension_;
    o.numbered = numbered_always_ || (!numbered_option_.empty() && args.has(numbered_option_));
    o.numbered_because = numbered_always_ ? "numbered outputs of" : "--" + numbered_option_ + " numbers the outputs of";
    // One output per input: what the tool cannot use is skipped. Into one stream or file,
    // every input named must convert.
    o.skips = o.to_dir || args.has("recursive");
    o.report.progress = inputs.size() > 8 && platform::is_terminal(STDERR_FILENO) && !o.json && !o.report.quiet &&
                        !(same_terminal() && (o.dry_run || (!o.to_dir && !o.to_file)));

    // An -o target that cannot be written is refused before any work (an Argon2 or RSA run can take a while).
    if (o.to_file && !o.dry_run) check_target(o.output, Sensitivity::public_data, o.force);
    Batch batch(std::move(o), std::move(inputs), [&](Input& in, Sink& sink) { body(args, in, sink); }, classify_);
    batch.plan();
    return batch.run(std::cout, std::cerr);
}

void check_comment_option(const Args& args) {
    if (args.has("comment") && ssh::has_control_characters(args.str("comment")))
        throw UsageError("--comment must not contain control characters (a newline would start another line)");
}

}  // namespace keypipe
