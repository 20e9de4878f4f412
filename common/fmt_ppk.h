// PuTTY private key files, PPK versions 2 and 3 (formats.md §5; PuTTY 0.78 sshpubk.c).
#pragma once

#include "bytes.h"
#include "kdf_limits.h"
#include "key.h"
#include "passphrase.h"

#include <botan/rng.h>

#include <optional>
#include <string>

namespace keypipe::ppk {

// True when the input starts with "PuTTY-User-Key-File-". Never throws.
bool sniff(ByteView input);

// Reads a PPK v2 or v3 file (LF or CRLF). Asks `pass` only when encrypted. Argon2 costs
// are checked against `limits` before hashing, and its memory is reserved in their budget. Throws Error ("wrong passphrase or
// corrupted file (MAC check failed)", "unsupported PPK version 4", ...).
PrivateKey read(ByteView input, PassphraseSource& pass, const KdfLimits& limits = KdfLimits());

// What a PPK file keeps in clear: the public key (with the file's comment) and whether
// the private part is encrypted.
struct PublicPart {
    PublicKey key;
    bool encrypted = false;
};

// Reads only the header lines and the public blob, as `puttygen -O public-openssh` does: no
// passphrase, no key derivation, and no MAC check (without the passphrase there is no MAC
// key; PuTTY's public loader checks none either). Bounded like read() (line counts) and
// validated: known version and encryption, base64, the blob parsed into a Botan key of the
// type the first line names. Throws Error.
PublicPart read_public(ByteView input);

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
// Costs must stay within `limits` (what key2ppk writes must read back). Throws Error
// ("unknown parameter ..."); the command line names the option.
Params parse_params(const std::string& text, const KdfLimits& limits = KdfLimits());

// The PPK file text. An empty passphrase writes "Encryption: none". Unencrypted output
// is byte-identical to puttygen 0.78's for the same key and comment; encrypted output
// differs only by the random salt (and the timed pass count when passes is unset).
// Argon2's memory is reserved in `limits`' budget; time-chosen pass counts stay within them.
// Without `passes`, the first encrypted write in a process picks the count by puttygen's
// rule and later writes with the same kdf, memory, parallelism and time reuse it (thread-safe).
SecretBytes write(const PrivateKey& key, const std::string& comment, const Params& params, ByteView passphrase,
                  Botan::RandomNumberGenerator& rng, const KdfLimits& limits = KdfLimits());

// The pass count puttygen's time rule chose in this process for params' kdf, memory,
// parallelism and time, if a write has measured it and it is within `limits`.
std::optional<uint32_t> timed_passes(const Params& params, const KdfLimits& limits = KdfLimits());

// The comment puttygen gives a key imported from a format without comments.
constexpr const char* imported_comment = "imported-openssh-key";

}  // namespace keypipe::ppk
