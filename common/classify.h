// What an input is, at a glance, for batches over real folders: a ~/.ssh holds keys beside
// their .pub files, authorized_keys, known_hosts and config; a team share holds
// certificates, requests and READMEs. A tool skips what it cannot use instead of failing
// on it. These functions sniff (PEM labels, DER structure, PPK and OpenSSH public-key
// headers); they never decrypt, and never throw.
#pragma once

#include "bytes.h"

#include <optional>
#include <string>

namespace keypipe {

// nullopt when the input holds a private key, or looks like it tries to (a damaged PEM
// block labelled PRIVATE KEY, undecodable DER): converting it then reports the real error.
// Otherwise what it holds: "public key", "certificate", "certificate request",
// "not a key".
std::optional<std::string> why_not_private_key(ByteView input);

// nullopt for PEM or DER input; "not PEM or DER" for text or binary that is neither.
std::optional<std::string> why_not_pem_or_der(ByteView input);

// nullopt when the input holds a certificate or a public key; else what it holds.
std::optional<std::string> why_not_certificate(ByteView input);

}  // namespace keypipe
