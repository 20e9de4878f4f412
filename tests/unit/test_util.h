// Helpers shared by the unit tests.
#pragma once

#include "bytes.h"
#include "error.h"

#include <botan/rng.h>

#include <fstream>
#include <functional>
#include <iterator>
#include <stdexcept>
#include <string>

namespace keypipe::test {

// tests/golden: its absolute path is compiled into unit_main.cpp only, so that the other
// files' objects do not depend on where the tree is (ccache hits across clones).
std::string golden_dir();

// A file under tests/golden/.
inline std::string golden(const std::string& relative) {
    std::ifstream in(golden_dir() + "/" + relative, std::ios::binary);
    if (!in) throw std::runtime_error("missing golden file " + relative);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// The first line of a golden file, without its newline.
inline std::string golden_line(const std::string& relative) {
    std::string text = golden(relative);
    return text.substr(0, text.find('\n'));
}

// The message of the Error that f throws, or "no error".
inline std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

// An RNG that returns preset bytes, so that writers' salts and check-ints can be pinned
// and their output compared with a peer's file byte for byte.
class FixedRng final : public Botan::RandomNumberGenerator {
public:
    explicit FixedRng(Bytes bytes) : bytes_(std::move(bytes)) {}
    void randomize(uint8_t output[], size_t length) override {
        if (length > bytes_.size() - pos_) throw std::runtime_error("FixedRng: out of preset bytes");
        std::copy(bytes_.begin() + static_cast<long>(pos_), bytes_.begin() + static_cast<long>(pos_ + length), output);
        pos_ += length;
    }
    bool accepts_input() const override { return false; }
    void add_entropy(const uint8_t[], size_t) override {}
    std::string name() const override { return "FixedRng"; }
    void clear() override {}
    bool is_seeded() const override { return true; }

private:
    Bytes bytes_;
    size_t pos_ = 0;
};

}  // namespace keypipe::test
