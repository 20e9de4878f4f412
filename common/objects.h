// Splitting an input into the objects it holds, whatever its encoding: every PEM block
// of a PEM stream (text around blocks ignored), or one DER object whose label is
// detected from its structure. Tools choose among objects by label; they never look at
// PEM markers themselves.
#pragma once

#include "bytes.h"
#include "kdf_limits.h"
#include "passphrase.h"
#include "pem.h"

#include <string>
#include <vector>

namespace keypipe {

struct Object {
    std::string label;        // PEM label, or the detected one for DER input
    SecretBytes body;         // DER (or, for OPENSSH PRIVATE KEY, its binary payload)
    std::vector<std::pair<std::string, std::string>> headers;  // legacy PEM headers
    bool from_pem = false;
    size_t line = 0;          // PEM BEGIN line, 0 for DER
};

// Throws Error: "empty input", "not PEM or DER", or a PEM/DER structure error.
std::vector<Object> read_objects(ByteView input);
// The same, and a PKCS#12 file (DER or base64) becomes its certificates and private keys
// (CERTIFICATE and PRIVATE KEY objects, in bag order), read with `pass` and its costs
// capped by `limits` (pkcs12::read).
std::vector<Object> read_objects(ByteView input, PassphraseSource& pass, const KdfLimits& limits);

// Why an object has no DER form, for der2pem and pem2der ("" when it has one): an
// OpenSSH private key, or a legacy encrypted PEM key (Proc-Type: 4,ENCRYPTED). The tools
// add how to convert it.
std::string why_not_der(const Object& o);

// Labels holding private keys (whose output must be written as private).
bool is_private_label(const std::string& label);

// True when the object's label or its DER structure (sniffed as der2pem does, whatever
// the label says) is a private key, or the structure cannot be classified (fail closed):
// a wrong label must not make key output public.
bool holds_private_key(const Object& o);

}  // namespace keypipe
