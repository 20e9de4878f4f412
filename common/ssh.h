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

// Comments come from input data (a certificate's subject, a key file) and go into
// line-based output: authorized_keys, fingerprint lines, PPK headers, and terminals.
// A newline there would add a line of the attacker's choosing, an ESC would talk to the
// terminal, U+202E would show it reversed. Every writer of a comment passes it through
// clean_comment, which replaces each control character by '?': C0 but TAB, DEL, C1
// (U+0080-U+009F) and the bidirectional controls; other bytes (UTF-8) are kept.
std::string clean_comment(std::string_view comment);
// True when clean_comment would change `comment`.
bool has_control_characters(std::string_view comment);

// "TYPE BASE64[ COMMENT]\n" (no trailing space when the comment is empty, like ssh-keygen -y);
// the comment is cleaned (clean_comment).
std::string authorized_keys_line(const PublicKey& key, const std::string& comment);

// "SHA256:<base64 without padding>" and "MD5:aa:bb:..." over the blob.
std::string fingerprint_sha256(ByteView blob);
std::string fingerprint_md5(ByteView blob);
// What `ssh-keygen -l [-E md5]` prints: "BITS FP COMMENT (TYPE)\n", "no comment" when empty;
// the comment is cleaned (clean_comment).
std::string fingerprint_line(const PublicKey& key, const std::string& comment, bool md5);

}  // namespace keypipe::ssh
