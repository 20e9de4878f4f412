// What every tool shares: option parsing and --help/--version, the input list (files,
// stdin, folders with -r), output destinations (stdout, -o FILE, -d DIR), batches run in
// parallel with per-input failures, a summary, --json and a progress bar, and the one
// place where errors become a single stderr line and an exit code (0 success, 1 bad
// input, 2 usage).
//
// A tool's body sees one input at a time and hands its results to a Sink; it never opens
// files, prints or exits, so the same body serves stdin, files and batches, and bodies of
// different inputs may run on different threads.
#pragma once

#include "bytes.h"
#include "error.h"
#include "kdf_limits.h"
#include "key.h"
#include "output.h"
#include "passphrase.h"

#include <boost/program_options.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace keypipe {

namespace po = boost::program_options;

constexpr size_t max_input_bytes = 64 * 1024 * 1024;
constexpr size_t max_inputs = 1000000;  // a folder walk stops there rather than exhaust memory

extern const char* const version_string;

// Text from inputs (file names, PEM labels) as it may appear in a message line: control
// characters, C1 controls and bytes that are not UTF-8 become \xNN; beyond max_bytes it is cut.
std::string printable(std::string_view s, size_t max_bytes = 400);

class Input {
public:
    // path: "-" for stdin; root: the folder given on the command line that -r found it
    // under ("" for inputs named directly), for keeping relative structure with -d.
    explicit Input(std::string path, std::string root = "") : path_(std::move(path)), root_(std::move(root)) {}
    const std::string& path() const { return path_; }
    std::string display_name() const { return path_ == "-" ? "<stdin>" : path_; }
    bool is_stdin() const { return path_ == "-"; }
    // Found by walking a folder given with -r (not named on the command line).
    bool from_folder() const { return !root_.empty(); }
    // File name without folder and last extension ("stdin" for stdin).
    std::string stem() const;
    // Folder below the -r root ("" when none), e.g. "team/alice" for ROOT/team/alice/id.pem.
    std::string relative_dir() const;
    // The whole input, read once, at most max_input_bytes. Throws Error.
    ByteView bytes();
    // Frees (and wipes) the bytes once the input is done with.
    void release() { data_.reset(); }

    // What is known of an input before it is read: a folder that cannot be read (failed),
    // a symlink loop or a file the tool cannot use (skipped).
    struct Mark {
        bool skip;
        std::string text;
    };
    void mark(bool skip, std::string text) { mark_ = Mark{skip, std::move(text)}; }
    const std::optional<Mark>& mark() const { return mark_; }

private:
    std::string path_, root_;
    std::optional<SecretBytes> data_;
    std::optional<Mark> mark_;
};

struct OutputItem {
    SecretBytes data;
    Sensitivity sensitivity;
    std::string extension;   // ".cer"; used with -d DIR
    std::string suffix;      // added to the stem with -d DIR (e.g. "-2" for the 2nd block)
};

// What --json reports about the key an input held.
struct KeyNote {
    std::string type;         // "ssh-rsa", ...
    size_t bits = 0;
    std::string fingerprint;  // SHA256:...
    bool encrypted = false;   // the input was encrypted
    std::optional<bool> output_encrypted;  // for tools that write a private key
};

class Sink {
public:
    void put(ByteView data, Sensitivity s, std::string extension, std::string suffix = "");
    void text(std::string_view s, std::string extension = "") {
        put(ByteView(s), Sensitivity::public_data, std::move(extension));
    }
    void note_key(const PublicKey& key, bool encrypted);
    // Whether the private key written is encrypted (after note_key).
    void note_output_encrypted(bool encrypted) {
        if (note_) note_->output_encrypted = encrypted;
    }
    std::vector<OutputItem>& items() { return items_; }
    const std::optional<KeyNote>& note() const { return note_; }

private:
    std::vector<OutputItem> items_;
    std::optional<KeyNote> note_;
};

class Args {
public:
    explicit Args(po::variables_map vm) : vm_(std::move(vm)) {}
    bool has(const std::string& name) const { return vm_.count(name) != 0 && !vm_[name].defaulted(); }
    template <typename T>
    T get(const std::string& name) const { return vm_[name].as<T>(); }
    std::string str(const std::string& name, const std::string& fallback = "") const {
        return vm_.count(name) ? vm_[name].as<std::string>() : fallback;
    }

private:
    po::variables_map vm_;
};

// The private key format asked for with --key-format (or its alias --format): "openssh",
// "pkcs8" or "pkcs1", case-insensitive, with "traditional" and "pem" meaning pkcs1.
// Throws UsageError for anything else or for both options at once.
std::string key_format_option(const Args& args);

// Throws UsageError when --passin or --passout (any of `options` given) would read its
// passphrase from stdin (fd:0, file:/dev/stdin, ...) while stdin is the input: the
// passphrase would be read out of the input. Tool::run checks it for inputs; genkeycert
// for --key -.
void refuse_passphrase_from_stdin(const Args& args, std::initializer_list<const char*> options = {"passin", "passout"});

class Tool {
public:
    using Body = std::function<void(const Args&, Input&, Sink&)>;

    Tool(std::string name, std::string summary);

    po::options_description_easy_init options() { return options_.add_options(); }
    void examples(std::vector<std::string> lines) { examples_ = std::move(lines); }
    // What each input writes with -d DIR, for --help's "Output names" (and the man page).
    void output_names(std::vector<std::string> lines) { output_names_ = std::move(lines); }
    // For tools that read no input (genkeycert): the body runs once; no batch options.
    void no_inputs() { takes_inputs_ = false; }
    // For tools whose output is a report (keyinfo): --json selects the tool's own JSON
    // output on stdout instead of the per-input status lines, and needs no -d or -o.
    void report_output() { report_output_ = true; }
    // Checks that run after parsing (option combinations); throw UsageError.
    void validate(std::function<void(const Args&)> check) { validate_ = std::move(check); }
    // The extension every output has, when known in advance: with -d, an existing output
    // is then skipped before the input is even read.
    void output_extension(std::string ext) { fixed_extension_ = std::move(ext); }
    // With this option given, one input may write several outputs, numbered STEM-1.EXT,
    // STEM-2.EXT...: with -d, an input whose stem is another's STEM-N is then refused.
    void numbered_outputs_with(std::string option) { numbered_option_ = std::move(option); }
    // Every input may write several numbered outputs (der2pem: one per object).
    void numbered_outputs() { numbered_always_ = true; }
    // Why an input gives nothing for this tool ("public key", "not a key"; nullopt when
    // it does). In a batch such an input is skipped, not failed, and clashes with nothing.
    void classify(std::function<std::optional<std::string>(ByteView)> f) { classify_ = std::move(f); }
    // When the output is a private key: several inputs into one -o FILE or stdout are
    // refused, and so is a terminal on stdout, before anything is read.
    void private_output_when(std::function<bool(const Args&)> f) { private_output_ = std::move(f); }
    // When the output is binary (DER): a terminal on stdout is refused before anything is read.
    void binary_output_when(std::function<bool(const Args&)> f) { binary_output_ = std::move(f); }
    // A passphrase source shared by every input of the run (thread-safe, asked at most once;
    // may be called from the bodies of several inputs at once).
    Passphrase& passphrase(const Args& args, const std::string& option);
    // The sources of an option that may be given several times (--passin), shared the same way.
    PassphraseRing& passphrases(const Args& args, const std::string& option);

    int run(int argc, char** argv, const Body& body);

    // For tools that combine their inputs into one output (key2pfx: a key, its certificate
    // and the chain from several files): without -d, `combined` runs once over every input,
    // in command-line order, and its output goes to stdout or -o; with -d, each input is
    // converted alone by `body`. An Error about one input names it as its subject.
    using CombinedBody = std::function<void(const Args&, std::vector<Input>&, Sink&)>;
    int run(int argc, char** argv, const Body& body, const CombinedBody& combined);

    const std::string& name() const { return name_; }

private:
    void print_help(std::ostream& os) const;
    po::variables_map parse(int argc, char** argv);
    int run_batch(const Args& args, const Body& body);
    int run_combined(const Args& args, const CombinedBody& combined);
    void check_destination(const Args& args, size_t inputs) const;

    std::string name_, summary_;
    po::options_description options_;
    std::vector<std::string> examples_, output_names_;
    bool takes_inputs_ = true;
    bool report_output_ = false;
    std::function<void(const Args&)> validate_;
    std::string fixed_extension_;
    std::string numbered_option_;
    bool numbered_always_ = false;
    std::function<std::optional<std::string>(ByteView)> classify_;
    std::function<bool(const Args&)> private_output_, binary_output_;
    std::mutex passphrases_mutex_;  // bodies of a batch ask for sources from several threads
    std::vector<std::pair<std::string, std::unique_ptr<Passphrase>>> passphrases_;
    CombinedBody combined_;
    std::vector<std::pair<std::string, std::unique_ptr<PassphraseRing>>> rings_;
};

// The command-line side of codec parsers: runs `parse` on an option's value, and its Error
// becomes a UsageError naming the option ("--subject: unknown attribute ...").
template <typename F>
auto parse_option(const std::string& option, F&& parse) -> decltype(parse()) {
    try {
        return parse();
    } catch (const Error& e) {
        throw UsageError(option + ": " + e.what());
    }
}

// The KDF limits of a run: the defaults, or 16 times them with --allow-costly-kdf; limit
// errors say how to raise them.
inline KdfLimits kdf_limits_from(const Args& args) {
    KdfLimits limits = args.has("allow-costly-kdf") ? KdfLimits().relaxed() : KdfLimits();
    limits.raise_hint = " (--allow-costly-kdf raises it)";
    return limits;
}

// -C/--comment TEXT: control characters are a mistake there (a newline would start
// another line of authorized_keys). Throws UsageError.
void check_comment_option(const Args& args);

}  // namespace keypipe
