#include "passphrase.h"

#include "error.h"
#include "platform.h"
#include "process.h"

#include <botan/mem_ops.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <mutex>
#include <unistd.h>
#ifdef _WIN32
#include "console_win.h"  // Tty: the console, echo off while a passphrase is typed
#else
#include <fcntl.h>
#include <termios.h>
#endif

namespace keypipe {
namespace {

// Reads the first line of fd (without LF or CRLF), at most max_passphrase_bytes.
SecretBytes read_first_line(int fd, const std::string& name) {
    SecretBytes line;
    uint8_t ch = 0;
    for (;;) {
        const ssize_t n = ::read(fd, &ch, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error("cannot read passphrase from " + name + ": " + std::strerror(errno));
        if (n == 0 || ch == '\n') break;
        if (line.size() == max_passphrase_bytes)
            throw Error("passphrase from " + name + " is longer than " + std::to_string(max_passphrase_bytes) + " bytes");
        line.push_back(ch);
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

#ifndef _WIN32  // Windows: console_win.cpp
class EchoOff {
public:
    explicit EchoOff(int fd) : fd_(fd) {
        if (tcgetattr(fd_, &saved_) == 0) {
            termios t = saved_;
            t.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            restore_terminal_on_signal(fd_, saved_);  // Ctrl-C at the prompt must not leave echo off
            active_ = tcsetattr(fd_, TCSANOW, &t) == 0;  // TCSANOW: keep type-ahead
            if (!active_) forget_terminal();
        }
    }
    ~EchoOff() {
        if (!active_) return;
        tcsetattr(fd_, TCSANOW, &saved_);
        forget_terminal();
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

private:
    int fd_;
    termios saved_{};
    bool active_ = false;
};

class Tty {
public:
    Tty() : fd_(::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) {}
    ~Tty() {
        if (fd_ >= 0) ::close(fd_);
    }
    Tty(const Tty&) = delete;
    Tty& operator=(const Tty&) = delete;
    bool ok() const { return fd_ >= 0; }
    SecretBytes ask(const std::string& prompt) {
        // One prompt at a time (passin and passout of a batch may ask from two threads):
        // a second EchoOff would save "echo off" as the state to restore.
        static std::mutex terminal;
        std::lock_guard<std::mutex> lock(terminal);
        (void)!::write(fd_, prompt.data(), prompt.size());
        SecretBytes answer;
        {
            EchoOff off(fd_);
            answer = read_first_line(fd_, "the terminal");
        }
        (void)!::write(fd_, "\n", 1);
        return answer;
    }

private:
    int fd_;
};
#endif

[[noreturn]] void no_terminal(const std::string& what, const std::string& option) {
    throw Error(what + " needs a passphrase and there is no terminal to ask on (use " + option +
                " env:VAR, file:PATH or fd:N)");
}

}  // namespace

Passphrase::Passphrase(std::string spec, std::string option) : spec_(std::move(spec)), option_(std::move(option)) {
    if (spec_ == "prompt") spec_.clear();  // ask on the terminal, as with no option at all
    if (spec_.empty()) return;
    const size_t colon = spec_.find(':');
    const std::string kind = colon == std::string::npos ? spec_ : spec_.substr(0, colon);
    if (kind != "pass" && kind != "env" && kind != "file" && kind != "fd")
        throw UsageError(option_ + " takes pass:TEXT, env:VAR, file:PATH, fd:N or prompt");
    if (colon == std::string::npos || (kind != "pass" && colon + 1 == spec_.size()))
        throw UsageError(option_ + " " + kind + ": needs a value after the colon");
}

bool reads_stdin(const std::string& spec) {
    if (spec.rfind("fd:", 0) == 0)
        return spec.size() > 3 && spec.find_first_not_of('0', 3) == std::string::npos;
    return spec == "file:/dev/stdin" || spec == "file:/dev/fd/0" || spec == "file:/proc/self/fd/0";
}

SecretBytes Passphrase::read_spec() {
    const size_t colon = spec_.find(':');
    const std::string kind = spec_.substr(0, colon), value = spec_.substr(colon + 1);
    if (kind == "pass") return SecretBytes(value.begin(), value.end());
    if (kind == "env") {
        const char* v = std::getenv(value.c_str());
        if (!v) throw Error(option_ + " env:" + value + ": variable is not set");
        return SecretBytes(v, v + std::strlen(v));
    }
    if (kind == "file") {
        const int fd = platform::open_read(value);
        if (fd < 0) throw Error(option_ + " file:" + value + ": " + std::strerror(errno));
        try {
            SecretBytes line = read_first_line(fd, "file:" + value);
            ::close(fd);
            return line;
        } catch (...) {
            ::close(fd);
            throw;
        }
    }
    char* end = nullptr;
    errno = 0;
    const long fd = std::strtol(value.c_str(), &end, 10);
    if (*end || errno || fd < 0 || fd > INT_MAX) throw UsageError(option_ + " fd: takes a file descriptor number");
    return read_first_line(static_cast<int>(fd), "fd:" + value);
}

SecretBytes Passphrase::get(const std::string& what) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (cached_) return *cached_;
    if (given()) {
        cached_ = read_spec();
    } else {
        Tty tty;
        if (!tty.ok()) no_terminal(what, option_);
        cached_ = tty.ask("Enter passphrase for " + what + ": ");
    }
    return *cached_;
}

SecretBytes Passphrase::get_new(const std::string& what) {
    SecretBytes pass = given() ? get(what) : ask_new(what);
    // Writers take an empty passphrase to mean "no encryption": asked to encrypt, an
    // empty file, variable or answer must not quietly give an unencrypted key.
    if (pass.empty())
        throw Error(option_ + " gives an empty passphrase (leave out " + option_ + " to write an unencrypted key)");
    return pass;
}

SecretBytes Passphrase::ask_new(const std::string& what) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (cached_) return *cached_;
    Tty tty;
    if (!tty.ok()) no_terminal(what, option_);
    SecretBytes first = tty.ask("Enter new passphrase for " + what + ": ");
    SecretBytes second = tty.ask("Enter the same passphrase again: ");
    if (first != second) throw Error("passphrases do not match");
    cached_ = std::move(first);
    return *cached_;
}

SecretBytes NoPassphrase::get(const std::string& what) {
    throw Error(what + " is encrypted (use --passin SRC)");
}

}  // namespace keypipe

namespace keypipe {
namespace {

constexpr int max_prompts = 3;  // as ssh-keygen and ssh ask

bool is_wrong_passphrase(const Error& e) { return std::string(e.what()).rfind("wrong passphrase", 0) == 0; }

}  // namespace

// What the attempts at one input have tried so far.
struct PassphraseRing::Tries {
    std::vector<SecretBytes> tried;  // candidates, then the terminal's answers
    bool resolved = false;
    int prompts = 0;
    std::string last_wrong;  // the reader's own message for the last refused candidate
};

// The source one attempt at an input sees: candidate k, else a new answer from the terminal.
class PassphraseRing::Attempt final : public PassphraseSource {
public:
    Attempt(PassphraseRing& ring, const std::string& name, Tries& tries, size_t k) : ring_(ring), name_(name), tries_(tries), k_(k) {}
    SecretBytes get(const std::string&) override {
        asked = true;
        if (!tries_.resolved) tries_.tried = ring_.candidates(name_), tries_.resolved = true;
        if (k_ < tries_.tried.size()) return tries_.tried[k_];
        if (ring_.sources_.empty() && !ring_.can_prompt()) Passphrase("", ring_.option_).get(name_);  // throws: no terminal
        if (tries_.prompts < max_prompts && ring_.can_prompt()) {
            ++tries_.prompts;
            tries_.tried.push_back(ring_.prompt(name_, tries_.tried));
            return tries_.tried.back();
        }
        exhausted = true;
        if (ring_.sources_.size() > 1)
            throw Error("encrypted, no " + ring_.option_ + " matched (" + std::to_string(ring_.sources_.size()) + " tried)");
        // The reader's message says more ("wrong passphrase or corrupted file (MAC check failed)").
        throw Error(tries_.last_wrong.empty() ? "wrong passphrase" : tries_.last_wrong);
    }
    bool asked = false, exhausted = false;

private:
    PassphraseRing& ring_;
    const std::string& name_;
    Tries& tries_;
    size_t k_;
};

PassphraseRing::PassphraseRing(std::vector<std::string> specs, std::string option) : option_(std::move(option)) {
    for (auto& spec : specs) sources_.push_back(std::make_unique<Passphrase>(std::move(spec), option_));
}

PassphraseRing::~PassphraseRing() = default;

bool PassphraseRing::can_prompt() const { return sources_.empty() || platform::is_terminal(STDIN_FILENO); }

// What to try, in order: the passphrases that opened earlier inputs, latest first, then
// every source not among them.
std::vector<SecretBytes> PassphraseRing::candidates(const std::string& what) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<SecretBytes> out = good_;
    for (auto& source : sources_) {
        SecretBytes p = source->get(what);
        if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(std::move(p));
    }
    return out;
}

SecretBytes PassphraseRing::prompt(const std::string& what, const std::vector<SecretBytes>& tried) {
    std::lock_guard<std::mutex> lock(prompt_mutex_);
    {  // another input may have been opened while this one waited for the terminal
        std::lock_guard<std::mutex> good_lock(mutex_);
        for (const auto& p : good_)
            if (std::find(tried.begin(), tried.end(), p) == tried.end()) return p;
    }
    Passphrase terminal("", option_);
    return terminal.get(what);
}

void PassphraseRing::remember(const SecretBytes& pass) {
    std::lock_guard<std::mutex> lock(mutex_);
    good_.erase(std::remove(good_.begin(), good_.end(), pass), good_.end());
    good_.insert(good_.begin(), pass);
}

PassphraseRing::Opened PassphraseRing::attempt(const std::string& what, const std::function<void(PassphraseSource&)>& read) {
    Tries tries;
    for (size_t k = 0;; ++k) {
        Attempt source(*this, what, tries, k);
        try {
            read(source);
        } catch (const Error& e) {
            if (source.asked && !source.exhausted && is_wrong_passphrase(e)) {
                tries.last_wrong = e.what();
                continue;
            }
            throw;
        }
        Opened opened;
        opened.asked = source.asked;
        if (source.asked && k < tries.tried.size()) {
            opened.used = tries.tried[k];
            remember(tries.tried[k]);
        }
        return opened;
    }
}

}  // namespace keypipe
