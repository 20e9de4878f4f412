// Text encodings and file formats that are not keypipe's own, recognised so that they are
// read (a byte-order mark) or refused by name (ssh.com, SSH-1, dropbear keys) instead of
// being called "not PEM or DER".
#pragma once

#include "bytes.h"

#include <optional>
#include <string>

namespace keypipe::text {

// The input without its byte-order mark, as UTF-8: a UTF-8 BOM (Windows Notepad) is
// dropped, UTF-16 LE or BE with a BOM (PowerShell 5 Out-File) is converted. nullopt when
// there is no BOM (the input is used as it is). Throws Error for UTF-16 that is cut short
// or holds an unpaired surrogate.
std::optional<SecretBytes> decode_bom(ByteView input);

// What a known but unsupported key file is, as an error message ("an ssh.com private key
// (---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----) is not supported; puttygen converts it"),
// or "" when the input is none of them. Never throws.
std::string unsupported_format(ByteView input);

}  // namespace keypipe::text
