// bcrypt_pbkdf (OpenBSD), the key derivation of encrypted OpenSSH private keys.
//
// Botan's Bcrypt_PBKDF computes the 32-byte output blocks one after the other, and each
// block is the whole cost again (rounds x 129 EKSBlowfish key expansions). The blocks are
// independent, and every OpenSSH cipher asks for two or more (aes256-ctr: 48 bytes, 2
// blocks; chacha20-poly1305: 64 bytes, 2 blocks), so this computes them on one thread
// each, with Botan's Blowfish (Blowfish::salted_set_key) and SHA-512 doing all the
// cryptography; only bcrypt_pbkdf's glue (salt hashing, the 64 encryptions of its magic
// string, the byte order, the interleaving of blocks) is written here, following Botan's
// own bcrypt_pbkdf.cpp. A one-block output goes to Botan's Bcrypt_PBKDF directly.
// tests/unit/test_bcrypt_pbkdf.cpp holds the two to the same bytes.
#pragma once

#include "bytes.h"

#include <cstdint>

namespace keypipe {

// length bytes of bcrypt_pbkdf(passphrase, salt, rounds). The caller caps rounds
// (kdf_limits.h). Throws Botan's Invalid_Argument for rounds 0 or an output beyond
// Botan's own limit (10 MiB).
SecretBytes bcrypt_pbkdf(ByteView passphrase, ByteView salt, uint32_t rounds, size_t length);

}  // namespace keypipe
