// What --json reports about the object a format converter (pem2der, der2pem) passed
// through: the public key of a certificate, a public key or an unencrypted private key.
#pragma once

#include "key.h"
#include "objects.h"

#include <optional>

namespace keypipe {

// The object's public key, or nullopt when it holds none that can be read without a
// passphrase (encrypted keys, CRLs, requests...) or does not parse. Never throws Error.
std::optional<PublicKey> object_public_key(const Object& o);

}  // namespace keypipe
