// Byte containers used across keypipe.
//
// ByteView is a non-owning view (C++17 has no std::span); Bytes owns public data;
// SecretBytes owns key material and passphrases and is wiped on release (Botan's
// secure_vector).
#pragma once

#include <botan/secmem.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace keypipe {

using Bytes = std::vector<uint8_t>;
using SecretBytes = Botan::secure_vector<uint8_t>;

class ByteView {
public:
    constexpr ByteView() = default;
    constexpr ByteView(const uint8_t* data, size_t size) : data_(data), size_(size) {}
    template <typename Alloc>
    ByteView(const std::vector<uint8_t, Alloc>& v) : data_(v.data()), size_(v.size()) {}  // NOLINT: implicit by design
    explicit ByteView(std::string_view s)
        : data_(reinterpret_cast<const uint8_t*>(s.data())), size_(s.size()) {}

    constexpr const uint8_t* data() const { return data_; }
    constexpr size_t size() const { return size_; }
    constexpr bool empty() const { return size_ == 0; }
    constexpr const uint8_t* begin() const { return data_; }
    constexpr const uint8_t* end() const { return data_ + size_; }
    constexpr uint8_t operator[](size_t i) const { return data_[i]; }

    // Caller guarantees offset <= size(); count is clamped to what is left.
    ByteView subspan(size_t offset, size_t count = SIZE_MAX) const {
        const size_t left = size_ - offset;
        return {data_ + offset, count < left ? count : left};
    }
    std::string_view as_string() const { return {reinterpret_cast<const char*>(data_), size_}; }
    Bytes to_bytes() const { return Bytes(begin(), end()); }
    SecretBytes to_secret() const { return SecretBytes(begin(), end()); }

    friend bool operator==(ByteView a, ByteView b) {
        return a.size_ == b.size_ && (a.size_ == 0 || std::equal(a.begin(), a.end(), b.begin()));
    }
    friend bool operator!=(ByteView a, ByteView b) { return !(a == b); }

private:
    const uint8_t* data_ = nullptr;
    size_t size_ = 0;
};

inline void append(Bytes& out, ByteView v) { out.insert(out.end(), v.begin(), v.end()); }
inline void append(SecretBytes& out, ByteView v) { out.insert(out.end(), v.begin(), v.end()); }

}  // namespace keypipe
