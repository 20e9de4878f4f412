// The only exception types that leave common/.
//
// Error: bad or unreadable input, or an output that cannot be written (exit 1).
// UsageError: the command line is wrong (exit 2).
// Messages are one line, lowercase, without a final period, and never contain key
// bytes or passphrases. An Error may name its own subject (an output file, say);
// otherwise the tool prefixes the current input's name.
#pragma once

#include <stdexcept>
#include <string>

namespace keypipe {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& what) : std::runtime_error(what) {}
    Error(std::string subject, const std::string& what)
        : std::runtime_error(what), subject_(std::move(subject)) {}
    // The file the message is about when it is not the current input ("" if none).
    const std::string& subject() const { return subject_; }

private:
    std::string subject_;
};

class UsageError : public std::runtime_error {
public:
    explicit UsageError(const std::string& what) : std::runtime_error(what) {}
};

// Runs f and turns any Botan (or other std::exception that is not ours) into an Error
// carrying `what` instead of library text. Use at the boundary to Botan calls whose
// failure means "the input is not a valid X".
template <typename F>
auto translate_errors(const std::string& what, F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const Error&) {
        throw;
    } catch (const UsageError&) {
        throw;
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception&) {
        throw Error(what);
    }
}

}  // namespace keypipe
