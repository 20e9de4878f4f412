// Reading a private key whatever its format, through the table of formats (formats.h).
#pragma once

#include "bytes.h"
#include "kdf_limits.h"
#include "key.h"
#include "passphrase.h"

namespace keypipe {

// The first private key in `input`: a whole-file format whose sniff matches (PPK, PKCS#12), else
// the first PEM block or DER object that a format's labels name (PRIVATE KEY, ENCRYPTED
// PRIVATE KEY, RSA/EC PRIVATE KEY incl. legacy Proc-Type encryption, OPENSSH PRIVATE KEY),
// in any block order. `pass` is asked only for encrypted input; KDF costs are checked
// against `limits`. Throws Error with what the input is when it holds no private key ("a
// certificate, not a private key", "a public key, not a private key", ...).
PrivateKey read_private_key(ByteView input, PassphraseSource& pass, const KdfLimits& limits = KdfLimits());

// The public key (with the file's comment, "" for formats without one) of the first private
// key in `input`, and whether that key is encrypted. A PPK keeps its public blob and comment
// in clear, so it is read without passphrase, KDF or MAC (ppk::read_public), like
// `puttygen -O public-openssh`; any other input is read whole by read_private_key, asking
// `pass` only when encrypted. Throws Error as read_private_key does.
struct PublicKeyRead {
    PublicKey key;
    bool encrypted = false;
};
PublicKeyRead read_public_key(ByteView input, PassphraseSource& pass, const KdfLimits& limits = KdfLimits());

}  // namespace keypipe
