#include "cursor.h"

namespace keypipe {

void Cursor::fail(const char* field, const std::string& why) const {
    throw Error(what_ + ": " + field + " at byte " + std::to_string(pos_) + ": " + why);
}

uint8_t Cursor::u8(const char* field) { return bytes(1, field)[0]; }

uint32_t Cursor::u32(const char* field) {
    const ByteView b = bytes(4, field);
    return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
}

ByteView Cursor::bytes(size_t n, const char* field) {
    if (n > remaining())
        fail(field, std::to_string(n) + " bytes needed, " + std::to_string(remaining()) + " left");
    const ByteView v = data_.subspan(pos_, n);
    pos_ += n;
    return v;
}

std::string Cursor::name(const char* field) {
    const size_t start = pos_;
    const ByteView v = string(field);
    if (v.size() > max_name_length) {
        pos_ = start;
        fail(field, "name longer than " + std::to_string(max_name_length) + " bytes");
    }
    for (uint8_t ch : v) {
        if (ch < 0x21 || ch > 0x7e) {
            pos_ = start;
            fail(field, "not a printable name");
        }
    }
    return std::string(v.as_string());
}

Botan::BigInt Cursor::mpint(const char* field, size_t max_bits) {
    const size_t start = pos_;
    const ByteView v = string(field);
    if (!v.empty() && (v[0] & 0x80)) {
        pos_ = start;
        fail(field, "negative integer");
    }
    if (v.size() > max_bits / 8 + 1) {
        pos_ = start;
        fail(field, "integer larger than " + std::to_string(max_bits) + " bits");
    }
    return Botan::BigInt(v.data(), v.size());
}

void Cursor::expect_magic(ByteView magic, const char* field) {
    const size_t start = pos_;
    if (bytes(magic.size() <= remaining() ? magic.size() : remaining(), field) != magic) {
        pos_ = start;
        fail(field, "wrong magic");
    }
}

void Cursor::expect_end(const char* field) const {
    if (remaining() != 0) fail(field, std::to_string(remaining()) + " unexpected bytes");
}

}  // namespace keypipe
