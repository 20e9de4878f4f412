// The keys in the objects of an input: certificates and public keys (sshpubfromcert), and
// what --json reports about the object a format converter (pem2der, der2pem) passed
// through: the public key of a certificate, a public key or an unencrypted private key.
#pragma once

#include "cert.h"
#include "key.h"
#include "objects.h"

#include <optional>

namespace keypipe {

// The certificate of a CERTIFICATE, X509 CERTIFICATE or TRUSTED CERTIFICATE object (its
// trust data left aside); nullopt for other labels. Throws Error for a bad certificate.
std::optional<cert::Certificate> object_certificate(const Object& o);

// The key of a PUBLIC KEY or RSA PUBLIC KEY object; nullopt for other labels. Throws Error.
std::optional<PublicKey> object_bare_public_key(const Object& o);

// The object's public key, or nullopt when it holds none that can be read without a
// passphrase (encrypted keys, CRLs, requests...) or does not parse. Never throws Error.
std::optional<PublicKey> object_public_key(const Object& o);

}  // namespace keypipe
