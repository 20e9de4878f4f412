#include "report.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace keypipe {
namespace {

using json_t = nlohmann::ordered_json;

std::string dump(const json_t& j) {
    // The input's name is also given as input_bytes_hex when it is not UTF-8; here,
    // invalid bytes become U+FFFD rather than an exception.
    return j.dump(-1, ' ', false, json_t::error_handler_t::replace);
}

bool is_utf8(const std::string& s) {
    try {
        (void)json_t(s).dump();
        return true;
    } catch (const json_t::type_error&) {
        return false;
    }
}

std::string hex(const std::string& s) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : s) out += {digits[c >> 4], digits[c & 15]};
    return out;
}

template <typename T>
json_t or_null(bool present, const T& value) {
    return present ? json_t(value) : json_t(nullptr);
}

const char* signal_name(int s) { return s == SIGINT ? "SIGINT" : s == SIGTERM ? "SIGTERM" : "a signal"; }

}  // namespace

// A progress line on stderr, redrawn at most ten times a second. It counts inputs as they
// finish, in any order, so it moves from the first second even when the first input in
// order is a slow one.
class Reporter::Progress {
public:
    Progress(size_t total, std::ostream& err) : total_(total), err_(err), start_(clock::now()) {}
    void draw(size_t done) {
        const auto now = clock::now();
        // The first line after 200 ms: a quick batch shows none.
        if (now - start_ < std::chrono::milliseconds(200) || now - last_ < std::chrono::milliseconds(100)) return;
        last_ = now;
        const double secs = std::chrono::duration<double>(now - start_).count();
        const double rate = static_cast<double>(done) / secs;
        const size_t width = 30, filled = width * done / std::max<size_t>(total_, 1);
        std::string bar(filled, '#');
        bar.resize(width, '.');
        char line[200];
        int len = std::snprintf(line, sizeof line, "\r[%s] %zu/%zu  %.*f/s", bar.c_str(), done, total_, rate < 10 ? 1 : 0, rate);
        // An estimate from fewer inputs or less time can be off by more than a factor of 2.
        if (done >= 4 && secs >= 1 && done < total_)
            len += std::snprintf(line + len, sizeof line - static_cast<size_t>(len), "  ETA %.0fs",
                                 static_cast<double>(total_ - done) / rate);
        err_ << line << "\033[K" << std::flush;
        drawn_ = true;
    }
    void clear() {
        if (drawn_) err_ << "\r\033[K" << std::flush;
        drawn_ = false;
    }

private:
    using clock = std::chrono::steady_clock;
    size_t total_;
    std::ostream& err_;
    bool drawn_ = false;
    clock::time_point start_, last_;
};

size_t Tally::skipped_total() const {
    size_t n = 0;
    for (const auto& [reason, k] : skipped) n += k;
    return n;
}

std::string with_commas(size_t n) {
    std::string s = std::to_string(n);
    for (size_t pos = s.size(); pos > 3; pos -= 3) s.insert(pos - 3, ",");
    return s;
}

std::string summary_line(const Tally& t, bool dry_run, bool fail_fast) {
    std::string line = t.signal ? std::string("interrupted (") + signal_name(t.signal) + "): " : "";
    line += std::string(dry_run ? "would convert " : "converted ") + std::to_string(t.converted) + ", skipped " +
            std::to_string(t.skipped_total());
    if (t.skipped.size() == 1) {
        line += " (" + t.skipped.begin()->first + ")";
    } else if (!t.skipped.empty()) {
        std::string parts;
        for (const auto& [reason, k] : t.skipped) parts += (parts.empty() ? "" : ", ") + std::to_string(k) + " " + reason;
        line += " (" + parts + ")";
    }
    line += ", failed " + std::to_string(t.failed);
    if (t.signal) line += ", not started " + std::to_string(t.not_run);
    else if (t.not_run) line += ", not run " + std::to_string(t.not_run) + (fail_fast ? " (--fail-fast)" : "");
    return line;
}

Reporter::Reporter(const ReportOptions& options, size_t total, std::ostream& out, std::ostream& err)
    : options_(options), out_(out), err_(err) {
    if (options_.progress) progress_ = std::make_unique<Progress>(total, err_);
}

Reporter::~Reporter() { clear(); }

void Reporter::tick() {
    if (progress_) progress_->draw(finished_.load(std::memory_order_relaxed));
}

void Reporter::clear() {
    if (progress_) progress_->clear();
}

bool Reporter::out_ok() const { return static_cast<bool>(out_); }

void Reporter::message(const std::string& text) {
    clear();
    err_ << options_.tool << ": " << printable(text) << "\n" << std::flush;
}

void Reporter::skipped_line(const Input& in, const Result& r) {
    if (options_.quiet) return;
    if (skip_lines_ == max_skip_lines) {
        ++skips_folded_;
        return;
    }
    ++skip_lines_;
    if (r.skip == "exists") {
        std::string out = r.outputs.empty() ? "" : r.outputs.front();  // the first one that exists
        for (auto o = r.outputs.rbegin(); o != r.outputs.rend(); ++o)
            if (::access(o->c_str(), F_OK) == 0) out = *o;
        message(in.display_name() + ": skipped, " + out + " exists (use -f to replace it)");
    } else {
        message(in.display_name() + ": skipped (" + r.skip + ")");
    }
}

void Reporter::dry_run_lines(const Result& r) {
    if (options_.to_dir) {
        for (const auto& path : r.outputs) out_ << printable(path) << "\n";
    } else {
        for (const auto& item : r.items)
            out_ << "<stdout>: " << (item.extension.empty() ? "text" : item.extension.substr(1)) << ", "
                 << with_commas(item.data.size()) << " bytes\n";
    }
    out_.flush();
}

void Reporter::dry_run_file(const std::string& path) { out_ << printable(path) << "\n" << std::flush; }

void Reporter::result(const Input& in, const Result& r, bool json_now) {
    if (r.status == Status::failed) message(r.error);
    else if (r.status == Status::skipped) skipped_line(in, r);
    else if (options_.dry_run && !options_.json) dry_run_lines(r);
    if (json_now) json(in, r);
    tick();
}

void Reporter::json(const Input& in, const Result& r) {
    json_t j;
    j["input"] = in.display_name();
    if (!is_utf8(in.display_name())) j["input_bytes_hex"] = hex(in.display_name());
    j["output"] = or_null(!r.outputs.empty(), r.outputs.empty() ? "" : r.outputs.front());
    j["outputs"] = r.outputs;
    j["status"] = r.status == Status::failed ? "failed" : r.status == Status::skipped ? "skipped"
                  : options_.dry_run ? "would convert" : "converted";
    j["reason"] = r.status == Status::skipped ? json_t(r.skip) : or_null(!r.reason.empty(), r.reason);
    const bool key = r.note.has_value();
    j["key_type"] = or_null(key, key ? r.note->type : "");
    j["bits"] = or_null(key, key ? r.note->bits : 0);
    j["fingerprint"] = or_null(key, key ? r.note->fingerprint : "");
    j["encrypted"] = or_null(key, key && r.note->encrypted);
    j["output_encrypted"] = or_null(key && r.note->output_encrypted.has_value(), key && r.note->output_encrypted.value_or(false));
    j["error"] = or_null(!r.error.empty(), r.error);
    out_ << dump(j) << "\n" << std::flush;
}

void Reporter::summary(const Tally& t) {
    clear();
    if (skips_folded_)
        message("... and " + std::to_string(skips_folded_) + " more skipped (use --json for every input)");
    if (options_.json) {
        json_t skipped_by = json_t::object();
        for (const auto& [reason, k] : t.skipped) skipped_by[reason] = k;
        json_t summary = {{"converted", t.converted}, {"skipped", t.skipped_total()}, {"skipped_by_reason", skipped_by},
                          {"failed", t.failed}, {"not_run", t.not_run}, {"total", t.total}, {"dry_run", options_.dry_run},
                          {"interrupted", t.signal ? json_t(signal_name(t.signal)) : json_t(nullptr)}};
        out_ << dump(json_t{{"summary", summary}}) << "\n" << std::flush;
    }
    if (t.total > 1 || options_.to_dir || options_.json || t.signal)
        if (!(t.total == 1 && t.failed == 1 && !t.signal)) err_ << summary_line(t, options_.dry_run, options_.fail_fast) << "\n" << std::flush;
}

}  // namespace keypipe
