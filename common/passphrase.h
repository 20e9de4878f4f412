// Passphrase sources, the openssl convention: pass:TEXT, env:VAR, file:PATH, fd:N, and a
// terminal prompt when none is given (or "prompt" is) and a terminal is there. With neither, asking is an
// Error that names the option, never a hang. A source is read at most once: readers ask
// only when the input is actually encrypted, so an unneeded passphrase is ignored.
#pragma once

#include "bytes.h"

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace keypipe {

// True when a --passin/--passout spec reads standard input: fd:0 (any spelling of 0),
// file:/dev/stdin, file:/dev/fd/0 or file:/proc/self/fd/0.
bool reads_stdin(const std::string& spec);

class PassphraseSource {
public:
    virtual ~PassphraseSource() = default;
    // The passphrase to open an existing secret; `what` names it for a prompt.
    virtual SecretBytes get(const std::string& what) = 0;
};

// A source from --passin / --passout. Deliberately no operator<< or to_string.
class Passphrase final : public PassphraseSource {
public:
    // spec "" = prompt on the terminal; `option` ("--passin") is named in errors.
    // Throws UsageError for a malformed spec.
    Passphrase(std::string spec, std::string option);

    SecretBytes get(const std::string& what) override;
    // A new passphrase (for encrypting output): a prompt asks twice and compares.
    // Throws Error when the source gives an empty passphrase (it would mean no encryption).
    SecretBytes get_new(const std::string& what);
    // True when a source was given on the command line.
    bool given() const { return !spec_.empty(); }

private:
    SecretBytes read_spec();
    SecretBytes ask_new(const std::string& what);
    std::string spec_, option_;
    std::optional<SecretBytes> cached_;
    std::mutex mutex_;  // inputs of a batch run on several threads; the source is read once
};

// Wraps a source for one input and records whether the input asked for a passphrase
// (that is, whether it was encrypted).
class TrackingPassphrase final : public PassphraseSource {
public:
    explicit TrackingPassphrase(PassphraseSource& inner) : inner_(inner) {}
    SecretBytes get(const std::string& what) override {
        asked_ = true;
        return inner_.get(what);
    }
    bool asked() const { return asked_; }

private:
    PassphraseSource& inner_;
    bool asked_ = false;
};

// A fixed passphrase, for tests and for callers that already hold one.
class FixedPassphrase final : public PassphraseSource {
public:
    explicit FixedPassphrase(std::string_view p) : value_(p.begin(), p.end()) {}
    SecretBytes get(const std::string&) override { return value_; }

private:
    SecretBytes value_;
};

// A source that has nothing: asking is an Error telling how to give one.
class NoPassphrase final : public PassphraseSource {
public:
    SecretBytes get(const std::string& what) override;
};

// The passphrases of an option given several times (--passin for a folder of keys under
// different passphrases). Each encrypted input is tried with each in turn, the one that
// opened the last input first. When none opens it and there is a terminal (or no source
// was given at all), it is asked for by name, as ssh-keygen does, up to 3 times; an
// answer that works joins the list. Safe to use from several threads.
class PassphraseRing {
public:
    // Throws UsageError for a malformed spec. No specs: ask on the terminal.
    PassphraseRing(std::vector<std::string> specs, std::string option);
    ~PassphraseRing();

    struct Opened {
        bool asked = false;   // the input was encrypted
        SecretBytes used;     // the passphrase that opened it
    };
    // Calls open(source) until it does not fail with "wrong passphrase". Throws what the
    // last attempt threw; Error("wrong passphrase") or Error("encrypted, no --passin
    // matched ...") when no passphrase opens the input.
    template <typename T>
    T open(const std::string& what, const std::function<T(PassphraseSource&)>& read, Opened& opened) {
        std::optional<T> value;
        opened = attempt(what, [&](PassphraseSource& p) { value.emplace(read(p)); });
        return std::move(*value);
    }

private:
    class Attempt;
    struct Tries;
    Opened attempt(const std::string& what, const std::function<void(PassphraseSource&)>& read);
    std::vector<SecretBytes> candidates(const std::string& what);
    SecretBytes prompt(const std::string& what, const std::vector<SecretBytes>& tried);
    void remember(const SecretBytes& pass);
    bool can_prompt() const;

    std::vector<std::unique_ptr<Passphrase>> sources_;
    std::string option_;
    std::vector<SecretBytes> good_;  // passphrases that opened an input, the latest first
    std::mutex mutex_;               // guards good_ and the sources' first reads
    std::mutex prompt_mutex_;        // one question on the terminal at a time
};

constexpr size_t max_passphrase_bytes = 4096;

}  // namespace keypipe
