// What every tool shares: option parsing and --help/--version, the input loop, output
// destinations (stdout, -o FILE, -d DIR), and the one place where errors become a single
// stderr line and an exit code (0 success, 1 bad input, 2 usage).
//
// A tool's body sees one input at a time and hands its results to a Sink; it never opens
// files, prints or exits, so the same body serves stdin, files and batches.
#pragma once

#include "bytes.h"
#include "output.h"
#include "passphrase.h"

#include <boost/program_options.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace keypipe {

namespace po = boost::program_options;

constexpr size_t max_input_bytes = 64 * 1024 * 1024;

extern const char* const version_string;

class Input {
public:
    explicit Input(std::string path) : path_(std::move(path)) {}
    const std::string& path() const { return path_; }               // "-" for stdin
    std::string display_name() const { return path_ == "-" ? "<stdin>" : path_; }
    bool is_stdin() const { return path_ == "-"; }
    // File name without folder and last extension ("stdin" for stdin).
    std::string stem() const;
    // The whole input, read once, at most max_input_bytes. Throws Error.
    ByteView bytes();

private:
    std::string path_;
    std::optional<SecretBytes> data_;
};

struct OutputItem {
    SecretBytes data;
    Sensitivity sensitivity;
    std::string extension;   // ".cer"; used with -d DIR
    std::string suffix;      // added to the stem with -d DIR (e.g. "-2" for the 2nd block)
};

class Sink {
public:
    void put(ByteView data, Sensitivity s, std::string extension, std::string suffix = "");
    void text(std::string_view s, std::string extension = "") {
        put(ByteView(s), Sensitivity::public_data, std::move(extension));
    }
    std::vector<OutputItem>& items() { return items_; }

private:
    std::vector<OutputItem> items_;
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
    // A passphrase source from --passin/--passout (a prompt when the option is absent).
    Passphrase passphrase(const std::string& option) const { return Passphrase(str(option), "--" + option); }

private:
    po::variables_map vm_;
};

class Tool {
public:
    using Body = std::function<void(const Args&, Input&, Sink&)>;

    Tool(std::string name, std::string summary);

    po::options_description_easy_init options() { return options_.add_options(); }
    void examples(std::vector<std::string> lines) { examples_ = std::move(lines); }
    // For tools that read no input (genkeycert): the body runs once with a null input.
    void no_inputs() { takes_inputs_ = false; }
    // Checks that run after parsing (option combinations); throw UsageError.
    void validate(std::function<void(const Args&)> check) { validate_ = std::move(check); }

    int run(int argc, char** argv, const Body& body);

    const std::string& name() const { return name_; }

private:
    void print_help(std::ostream& os) const;
    void deliver(const Args& args, Input* in, std::vector<OutputItem>& items, std::vector<OutputItem>& collected);

    std::string name_, summary_;
    po::options_description options_;
    std::vector<std::string> examples_;
    bool takes_inputs_ = true;
    std::function<void(const Args&)> validate_;
};

}  // namespace keypipe
