// SSH public keys: wire blobs (RFC 4253 §6.6, RFC 5656, RFC 8709), authorized_keys
// lines and fingerprints exactly as ssh-keygen prints them (formats.md §3).
#pragma once

#include "bytes.h"
#include "key.h"

#include <string>

namespace keypipe::ssh {

// "string type || fields" blob as in .pub files and authorized_keys.
Bytes public_blob(const PublicKey& key);
// Parses a public blob; throws Error on malformed or unsupported input.
PublicKey parse_public_blob(ByteView blob);

// "TYPE BASE64[ COMMENT]\n" (no trailing space when the comment is empty, like ssh-keygen -y).
std::string authorized_keys_line(const PublicKey& key, const std::string& comment);

// "SHA256:<base64 without padding>" and "MD5:aa:bb:..." over the blob.
std::string fingerprint_sha256(ByteView blob);
std::string fingerprint_md5(ByteView blob);
// What `ssh-keygen -l [-E md5]` prints: "BITS FP COMMENT (TYPE)\n", "no comment" when empty.
std::string fingerprint_line(const PublicKey& key, const std::string& comment, bool md5);

}  // namespace keypipe::ssh
