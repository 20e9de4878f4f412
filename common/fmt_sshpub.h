// SSH public keys as text (formats.md §3.4, §3.6): OpenSSH one-line keys (`.pub`,
// `authorized_keys` lines with options, `known_hosts` lines, hashed or not, with an
// @cert-authority or @revoked marker) and RFC 4716 blocks (`---- BEGIN SSH2 PUBLIC KEY ----`).
#pragma once

#include "bytes.h"
#include "key.h"

#include <string>
#include <vector>

namespace keypipe::sshpub {

struct Entry {
    PublicKey key;          // key.comment: the text after the key (leading blanks removed, as
                            // ssh-keygen -l shows it), or an RFC 4716 block's Comment header
    std::string format;     // "OpenSSH public key" (a bare line), "authorized_keys" (options
                            // before the key), "known_hosts" (marker or host patterns), "RFC 4716"
    std::string prefix;     // the options or host patterns before the key ("" for a bare line)
    std::string marker;     // "@cert-authority", "@revoked" or ""
    size_t line = 0;        // 1-based line where the key starts
};

// What `ssh-keygen -l` prints as an entry's comment: its comment, else the options or host
// patterns before the key ("" when neither; ssh-keygen then prints "no comment").
std::string display_comment(const Entry& entry);

constexpr size_t max_keys = 65536;        // an authorized_keys or known_hosts file of a big fleet
constexpr size_t max_rfc4716_lines = 1024;  // an RSA-16384 block is ~40 lines

// True when the first line that is not blank or a # comment is an OpenSSH public key line
// (in any of the forms above) or an RFC 4716 BEGIN line. Never throws.
bool sniff(ByteView input);

// Every public key in the input, in order. Blank lines and # comments are skipped (CRLF
// too). Throws Error("line N: ...") for a line that is not a public key, an unsupported
// key type ("line 3: unsupported key type: ssh-dss"), a bad blob or an RFC 4716 block
// without its END line.
std::vector<Entry> read(ByteView input);

// An RFC 4716 block as puttygen 0.78 writes it: the comment (control characters cleaned)
// in a quoted Comment header with '"' and '\' escaped, on one line however long (puttygen
// does not read continued header lines back), then base64 at 70 columns as ssh-keygen -e
// writes it. No Comment header when the comment is empty.
std::string write_rfc4716(const PublicKey& key, const std::string& comment);

}  // namespace keypipe::sshpub
