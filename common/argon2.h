// Argon2 (RFC 9106), the key derivation of PPK v3 files.
//
// libsodium's crypto_pwhash picks an SSSE3/AVX2/AVX-512 implementation at run time and is
// about three times faster than Botan 2's portable one, so it computes every hash its API
// can express: Argon2id, and Argon2i with at least 3 passes, one lane, a 16-byte salt and
// 16 or more output bytes (puttygen's defaults are all of these). Anything else (Argon2d,
// parallelism above 1, other salt sizes, Argon2i with 1 or 2 passes) goes to Botan. Both
// give the same bytes for the same parameters; tests/unit/test_argon2.cpp holds them to it.
#pragma once

#include "bytes.h"

#include <cstdint>
#include <string_view>

namespace keypipe {

// Argon2 with Botan's flavour names ("Argon2id", "Argon2i", "Argon2d"), memory in KiB.
// The caller caps the cost (kdf_limits.h) before calling. Throws keypipe::Error for an
// unknown flavour, Botan's exception for parameters Argon2 rejects (memory below 8 KiB
// per lane, zero passes or lanes), and Error when libsodium cannot get the memory.
SecretBytes argon2(std::string_view flavour, ByteView passphrase, ByteView salt, uint32_t memory_kib,
                   uint32_t passes, uint32_t parallelism, size_t length);

// The two engines behind argon2(), exposed so that a unit test can hold them equal.
namespace argon2_engine {
bool libsodium_covers(std::string_view flavour, size_t salt_size, uint32_t memory_kib, uint32_t passes,
                      uint32_t parallelism, size_t length);
// Only for parameters libsodium_covers() accepts.
SecretBytes libsodium(std::string_view flavour, ByteView passphrase, ByteView salt, uint32_t memory_kib,
                      uint32_t passes, size_t length);
SecretBytes botan(std::string_view flavour, ByteView passphrase, ByteView salt, uint32_t memory_kib,
                  uint32_t passes, uint32_t parallelism, size_t length);
}  // namespace argon2_engine

}  // namespace keypipe
