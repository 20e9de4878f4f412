// PuTTY private key files, PPK versions 2 and 3 (formats.md §5; PuTTY 0.78 sshpubk.c).
#pragma once

#include "bytes.h"
#include "key.h"
#include "passphrase.h"

#include <botan/rng.h>

#include <optional>
#include <string>

namespace keypipe::ppk {

// True when the input starts with "PuTTY-User-Key-File-". Never throws.
bool sniff(ByteView input);

// Reads a PPK v2 or v3 file (LF or CRLF). Asks `pass` only when encrypted. Argon2 cost
// is checked against the limits below before hashing. Throws Error ("wrong passphrase or
// corrupted file (MAC check failed)", "unsupported PPK version 4", ...).
PrivateKey read(ByteView input, PassphraseSource& pass);

struct Params {
    int version = 3;                    // 2 or 3
    std::string kdf = "Argon2id";       // Argon2id, Argon2i, Argon2d (header spelling)
    uint32_t memory_kib = 8192;
    std::optional<uint32_t> passes;     // unset: chosen from time_ms, as puttygen does
    uint32_t time_ms = 100;
    uint32_t parallelism = 1;
};

// Parses puttygen's --ppk-param syntax: "version=3,kdf=argon2id,memory=8192,time=100,
// passes=8,parallelism=1" (aliases mem, parallel; numbers with base auto-detection).
// Throws UsageError.
Params parse_params(const std::string& text);

// The PPK file text. passphrase empty: "Encryption: none". Unencrypted output is
// byte-identical to puttygen 0.78 for the same key and comment.
SecretBytes write(const PrivateKey& key, const Params& params, ByteView passphrase,
                  Botan::RandomNumberGenerator& rng);

// What puttygen names a key when the input has no comment: "rsa-key-YYYYMMDD" etc.
std::string default_comment(KeyType type);

constexpr uint32_t max_argon2_memory_kib = 1u << 20;  // 1 GiB
constexpr uint64_t max_argon2_passes = 10000;
constexpr uint32_t max_argon2_parallelism = 64;

}  // namespace keypipe::ppk
