// OpenSSH private key format "openssh-key-v1" (formats.md §4; OpenSSH PROTOCOL.key).
#pragma once

#include "bytes.h"
#include "kdf_limits.h"
#include "key.h"
#include "passphrase.h"

#include <botan/rng.h>

#include <string>

namespace keypipe::openssh {

// Reads the first OPENSSH PRIVATE KEY block of `input` (PEM text; tolerant of CRLF, text
// around the block, any width). Asks `pass` only when the key is encrypted. Ciphers: none,
// aes128/192/256-ctr, aes128/192/256-cbc, aes128/256-gcm@openssh.com,
// chacha20-poly1305@openssh.com, 3des-cbc; KDF none or bcrypt (rounds capped by `limits`).
// Throws Error ("wrong passphrase", "unsupported cipher: X", structure errors naming the field).
PrivateKey read(ByteView input, PassphraseSource& pass, const KdfLimits& limits = KdfLimits());

// Same, from the already base64-decoded payload of the block.
PrivateKey read_binary(ByteView blob, PassphraseSource& pass, const KdfLimits& limits = KdfLimits());

struct WriteOptions {
    // Empty: unencrypted (cipher and kdf "none"). Otherwise aes256-ctr with bcrypt.
    SecretBytes passphrase;
    uint32_t rounds = 16;          // bcrypt rounds, ssh-keygen's default
    size_t width = 70;             // base64 columns; ssh-keygen writes 70, puttygen 64
};

// PEM text "-----BEGIN OPENSSH PRIVATE KEY-----..." with LF line ends and final newline,
// exactly as ssh-keygen 9.2 writes it (block size 8 padding when unencrypted).
SecretBytes write(const PrivateKey& key, const WriteOptions& options, Botan::RandomNumberGenerator& rng);

}  // namespace keypipe::openssh
