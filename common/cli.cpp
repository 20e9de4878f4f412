#include "cli.h"

#include "error.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <sys/stat.h>
#include <unistd.h>

namespace keypipe {

#ifndef KEYPIPE_VERSION
#define KEYPIPE_VERSION "0.0.0"
#endif
const char* const version_string = KEYPIPE_VERSION;

namespace {

SecretBytes read_fd_bounded(int fd, const std::string& name) {
    SecretBytes data;
    struct stat st {};
    if (::fstat(fd, &st) == 0) {
        if (S_ISDIR(st.st_mode)) throw Error("is a directory");
        if (S_ISREG(st.st_mode)) {
            if (static_cast<uint64_t>(st.st_size) > max_input_bytes)
                throw Error("input larger than " + std::to_string(max_input_bytes >> 20) + " MiB");
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
            throw Error("input larger than " + std::to_string(max_input_bytes >> 20) + " MiB");
        data.insert(data.end(), buf, buf + n);
    }
    Botan::secure_scrub_memory(buf, sizeof buf);
    (void)name;
    return data;
}

}  // namespace

std::string Input::stem() const {
    if (is_stdin()) return "stdin";
    const size_t slash = path_.find_last_of('/');
    std::string base = slash == std::string::npos ? path_ : path_.substr(slash + 1);
    const size_t dot = base.find_last_of('.');
    if (dot != std::string::npos && dot != 0) base.erase(dot);
    return base;
}

ByteView Input::bytes() {
    if (!data_) {
        if (is_stdin()) {
            data_ = read_fd_bounded(STDIN_FILENO, "<stdin>");
        } else {
            const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
            if (fd < 0) throw Error(std::strerror(errno) + std::string(" (cannot open)"));
            try {
                data_ = read_fd_bounded(fd, path_);
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

Tool::Tool(std::string name, std::string summary)
    : name_(std::move(name)), summary_(std::move(summary)), options_("Options") {}

void Tool::print_help(std::ostream& os) const {
    os << "Usage: " << name_ << (takes_inputs_ ? " [options] [INPUT...]\n" : " [options]\n") << summary_ << "\n";
    if (takes_inputs_)
        os << "Reads stdin when no INPUT is given or INPUT is -. PEM or DER is detected.\n";
    os << "\n" << options_ << "\n";
    if (!examples_.empty()) {
        os << "Examples:\n";
        for (const auto& e : examples_) os << "  " << e << "\n";
    }
    os << "\nExit status: 0 success, 1 bad or unreadable input, 2 usage error.\n";
}

void Tool::deliver(const Args& args, Input* in, std::vector<OutputItem>& items, std::vector<OutputItem>& collected) {
    const bool force = args.has("force");
    if (args.has("out-dir")) {
        const std::string dir = args.str("out-dir");
        for (auto& item : items) {
            make_output_dir(dir, item.sensitivity);
            const std::string stem = in ? in->stem() : name_;
            write_file_atomic(dir + "/" + stem + item.suffix + item.extension, ByteView(item.data), item.sensitivity, force);
        }
    } else if (args.has("output")) {
        for (auto& item : items) collected.push_back(std::move(item));
    } else {
        for (const auto& item : items) write_stdout(ByteView(item.data), item.sensitivity);
    }
}

int Tool::run(int argc, char** argv, const Body& body) {
    // Botan locks its secure-memory pool page by page on first use: 128 pages with guard
    // pages cost ~4 ms of system time, four times the rest of a small conversion. A
    // 32 KiB pool still keeps passphrases and key material of ordinary keys out of swap
    // (larger buffers fall back to the heap and are still wiped on release). The user's
    // own BOTAN_MLOCK_POOL_SIZE wins.
    ::setenv("BOTAN_MLOCK_POOL_SIZE", "32", 0);
    std::string where;
    auto at = [](const std::string& w) { return w.empty() ? std::string() : w + ": "; };
    try {
        po::options_description common("Common options");
        if (takes_inputs_) {
            common.add_options()
                ("output,o", po::value<std::string>()->value_name("FILE"), "write to FILE instead of stdout")
                ("out-dir,d", po::value<std::string>()->value_name("DIR"), "write one file per input into DIR")
                ("force,f", "replace existing output files");
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
        std::vector<std::string> paths =
            vm.count("input") ? vm["input"].as<std::vector<std::string>>() : std::vector<std::string>{};
        if (!takes_inputs_ && !paths.empty()) throw UsageError("takes no input files");
        if (validate_) validate_(args);

        std::vector<OutputItem> collected;
        if (!takes_inputs_) {
            Input none("-");  // never read: the body of a tool without inputs ignores it
            Sink sink;
            body(args, none, sink);
            deliver(args, nullptr, sink.items(), collected);
        } else {
            if (paths.empty()) paths.push_back("-");
            for (const auto& path : paths) {
                Input in(path);
                where = in.display_name();
                Sink sink;
                body(args, in, sink);
                deliver(args, &in, sink.items(), collected);
            }
        }
        where.clear();
        if (args.has("output")) {
            SecretBytes all_data;
            Sensitivity s = Sensitivity::public_data;
            for (const auto& item : collected) {
                append(all_data, ByteView(item.data));
                if (item.sensitivity == Sensitivity::private_key) s = item.sensitivity;
            }
            write_file_atomic(args.str("output"), ByteView(all_data), s, args.has("force"));
        }
        return 0;
    } catch (const UsageError& e) {
        std::cerr << name_ << ": " << e.what() << " (see " << name_ << " --help)\n";
        return 2;
    } catch (const Error& e) {
        std::cerr << name_ << ": " << at(e.subject().empty() ? where : e.subject()) << e.what() << "\n";
        return 1;
    } catch (const std::bad_alloc&) {
        std::cerr << name_ << ": " << at(where) << "out of memory\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << name_ << ": " << at(where) << "internal error: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace keypipe
