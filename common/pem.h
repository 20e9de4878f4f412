// PEM armor (RFC 7468 and OpenSSL's legacy "Proc-Type/DEK-Info" headers), formats.md §1.
//
// The reader is tolerant the way OpenSSL is, plus a little: CRLF, blanks around lines,
// any body width, text before, between and after blocks, empty lines inside a body.
// It is strict where tolerance would hide damage: the END label must match the BEGIN
// label, a BEGIN must have its END, the body must be valid base64. The writer emits
// OpenSSL's exact bytes: 64 columns, LF, final newline.
#pragma once

#include "bytes.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keypipe::pem {

// RFC 1421 headers ("Proc-Type", "4,ENCRYPTED"), in file order.
using Headers = std::vector<std::pair<std::string, std::string>>;

struct Block {
    std::string label;                                         // "CERTIFICATE", "RSA PRIVATE KEY", ...
    Headers headers;
    SecretBytes body;                                          // base64-decoded payload
    size_t line = 0;                                           // 1-based line of the BEGIN marker

    // The value of a header, or "" when absent.
    std::string header(std::string_view name) const;
};

// Bounds for hostile input; the Error names the limit.
constexpr size_t max_line_bytes = 256 * 1024;  // a one-line body of an RSA-16384 key is ~13 KiB
constexpr size_t max_blocks = 4096;            // large CA bundles hold a few hundred

// True if the input contains a "-----BEGIN " marker at the start of a line. Never throws.
bool contains_pem(ByteView input);

// Every PEM block in the input, in order. Throws Error ("line N: ...") on a malformed block.
std::vector<Block> decode_all(ByteView input);

// One block, OpenSSL style: BEGIN line, the headers ("Name: value" lines and an empty line,
// as OpenSSL writes legacy encrypted keys) when there are any, the body in base64 lines of
// `width` columns, END line. Returns text ending in "\n".
std::string encode(std::string_view label, ByteView body, const Headers& headers = {}, size_t width = 64);
// Same, into a wiped buffer (for private keys); no copy of the base64 outlives the call.
SecretBytes encode_secret(std::string_view label, ByteView body, const Headers& headers = {}, size_t width = 64);
// Base64 of `data` (with padding, one line) into a wiped buffer.
SecretBytes base64_secret(ByteView data);

}  // namespace keypipe::pem
