// Bounded readers and their mirror-image writer for the SSH wire encoding (RFC 4251).
//
// Cursor reads a byte buffer front to back; every read is checked against what is left
// and the first problem throws one Error naming the record, the field and the offset:
//   "OpenSSH private key: key count at byte 51: 4 bytes needed, 2 left"
// Writer appends the same primitives, canonical encodings only (minimal mpints).
#pragma once

#include "bytes.h"
#include "error.h"

#include <botan/bigint.h>

#include <string>
#include <string_view>

namespace keypipe {

class Cursor {
public:
    Cursor(ByteView data, std::string what) : data_(data), what_(std::move(what)) {}

    uint8_t u8(const char* field);
    uint32_t u32(const char* field);
    ByteView bytes(size_t n, const char* field);
    ByteView string(const char* field) { return bytes(u32(field), field); }
    // An SSH string holding a name: printable ASCII, at most max_name_length bytes.
    std::string name(const char* field);
    // Non-negative mpint of at most max_bits; non-minimal encodings are accepted (as
    // ssh-keygen does) but negative ones are refused.
    Botan::BigInt mpint(const char* field, size_t max_bits = max_mpint_bits);
    // Checks that the next bytes equal `magic` (raw, no length prefix).
    void expect_magic(ByteView magic, const char* field);
    // A length-prefixed nested record with bounds of its own.
    Cursor sub(const char* field) { return Cursor(string(field), what_ + " " + field); }

    size_t remaining() const { return data_.size() - pos_; }
    size_t offset() const { return pos_; }
    ByteView rest() const { return data_.subspan(pos_); }
    void expect_end(const char* field = "end") const;

    [[noreturn]] void fail(const char* field, const std::string& why) const;

    static constexpr size_t max_name_length = 64;
    static constexpr size_t max_mpint_bits = 16384 + 8;  // RSA-16384 plus a sign byte

private:
    ByteView data_;
    size_t pos_ = 0;
    std::string what_;
};

template <typename Buffer>
class BasicWriter {
public:
    void u8(uint8_t v) { out_.push_back(v); }
    void u32(uint32_t v) {
        for (int shift = 24; shift >= 0; shift -= 8) out_.push_back(static_cast<uint8_t>(v >> shift));
    }
    void raw(ByteView v) { out_.insert(out_.end(), v.begin(), v.end()); }
    void string(ByteView v) {
        u32(static_cast<uint32_t>(v.size()));
        raw(v);
    }
    void string(std::string_view s) { string(ByteView(s)); }
    // Minimal two's complement, leading zero byte when the top bit is set; zero is "".
    void mpint(const Botan::BigInt& v) {
        SecretBytes b = Botan::BigInt::encode_locked(v);
        if (!b.empty() && (b[0] & 0x80)) b.insert(b.begin(), 0);
        string(ByteView(b));
    }
    const Buffer& data() const { return out_; }
    Buffer take() { return std::move(out_); }
    size_t size() const { return out_.size(); }

private:
    Buffer out_;
};

using Writer = BasicWriter<Bytes>;
using SecretWriter = BasicWriter<SecretBytes>;

}  // namespace keypipe
