// Reading a private key whatever its format, and the table of formats keypipe writes.
#pragma once

#include "bytes.h"
#include "key.h"
#include "passphrase.h"

namespace keypipe {

// The first private key in `input`, sniffed among: PEM (PRIVATE KEY, ENCRYPTED PRIVATE KEY,
// RSA/EC PRIVATE KEY incl. legacy Proc-Type encryption, OPENSSH PRIVATE KEY) in any block
// order, DER (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1), and PPK v2/v3. `pass` is asked
// only for encrypted input. Throws Error with what the input is when it holds no private
// key ("a certificate, not a private key", "a public key, not a private key", ...).
PrivateKey read_private_key(ByteView input, PassphraseSource& pass);

}  // namespace keypipe
