// SSH public keys as text: OpenSSH one-line keys and RFC 4716 blocks (formats.md §3.4, §3.6).
//
// One-line keys are read as ssh-keygen -l reads them (OpenSSH 9.2 do_fingerprint): a line is
// "TYPE BASE64[ COMMENT]"; when it is not, its first field (authorized_keys options, whose
// double quotes may hold blanks, or known_hosts host patterns) is skipped and the rest must
// be. A known_hosts @cert-authority/@revoked marker before that is accepted too (ssh-keygen
// -l skips such lines; ssh reads them). The type word must equal the type inside the blob,
// which is what tells a key from an option that happens to look like one.
//
// RFC 4716 blocks are read as the RFC says (headers "Tag: value" with '\' continuation,
// then base64) and as puttygen writes them (a quoted Comment with '\' escapes). Not
// supported: SSH-1 public keys ("1024 35 1234..."), which OpenSSH 9.2 no longer reads.
#include "fmt_sshpub.h"

#include "cursor.h"
#include "error.h"
#include "lines.h"
#include "pem.h"
#include "ssh.h"

#include <botan/base64.h>

#include <optional>

namespace keypipe::sshpub {
namespace {

constexpr std::string_view rfc4716_begin = "---- BEGIN SSH2 PUBLIC KEY ----";
constexpr std::string_view rfc4716_end = "---- END SSH2 PUBLIC KEY ----";
constexpr size_t rfc4716_width = 70;  // ssh-keygen -e; RFC 4716 allows up to 72

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim_left(std::string_view s) {
    while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
    return s;
}

std::string_view trim(std::string_view s) {
    s = trim_left(s);
    while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
    return s;
}

std::string at_line(size_t n) { return "line " + std::to_string(n) + ": "; }

// The first word of s, up to a blank; a double-quoted part may hold blanks and \" (the
// options of an authorized_keys line, skipped as ssh-keygen skips them).
size_t field_end(std::string_view s) {
    bool quoted = false;
    size_t i = 0;
    for (; i < s.size() && (quoted || !is_blank(s[i])); ++i) {
        if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == '"')
            ++i;
        else if (s[i] == '"')
            quoted = !quoted;
    }
    return i;
}

struct KeyText {
    Bytes blob;
    std::string comment;
};

// "TYPE BASE64[ COMMENT]" at the start of s, or nullopt when s does not start so. The blob is
// not parsed beyond its type name.
std::optional<KeyText> key_at(std::string_view s) {
    const size_t type_end = s.find_first_of(" \t");
    if (type_end == 0 || type_end == std::string_view::npos) return std::nullopt;
    const std::string_view type = s.substr(0, type_end);
    const std::string_view rest = trim_left(s.substr(type_end));
    const std::string_view b64 = rest.substr(0, rest.find_first_of(" \t"));
    if (b64.empty() || b64.size() % 4 != 0 ||
        b64.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") != std::string_view::npos)
        return std::nullopt;
    KeyText k;
    try {
        k.blob = Botan::unlock(Botan::base64_decode(std::string(b64)));
        Cursor c(ByteView(k.blob), "SSH public key");
        if (c.string("key type").as_string() != type) return std::nullopt;
    } catch (const std::exception&) {
        return std::nullopt;
    }
    k.comment = std::string(trim_left(rest.substr(b64.size())));
    return k;
}

// The flag options of sshd(8) AUTHORIZED_KEYS FILE FORMAT; options with a value have '='.
bool looks_like_options(std::string_view field) {
    if (field.substr(0, 3) == "|1|") return false;  // a hashed known_hosts name (base64 holds '=')
    if (field.find('=') != std::string_view::npos || field.find('"') != std::string_view::npos) return true;
    static constexpr std::string_view flags[] = {
        "agent-forwarding", "cert-authority", "no-agent-forwarding", "no-port-forwarding", "no-pty",
        "no-user-rc", "no-X11-forwarding", "port-forwarding", "pty", "restrict", "user-rc",
        "X11-forwarding", "no-touch-required", "verify-required", "touch-required"};
    size_t start = 0;
    while (start <= field.size()) {
        const size_t comma = std::min(field.find(',', start), field.size());
        const std::string_view word = field.substr(start, comma - start);
        bool known = false;
        for (std::string_view f : flags) known = known || word == f;
        if (!known) return false;
        start = comma + 1;
    }
    return true;
}

PublicKey parse_blob(ByteView blob, size_t line) {
    try {
        return ssh::parse_public_blob(blob);
    } catch (const Error& e) {
        throw Error(at_line(line) + e.what());
    }
}

// One OpenSSH line (not blank, not a comment). nullopt when it holds no key at all; throws
// when it is a key line whose key is broken or unsupported.
std::optional<Entry> read_line(std::string_view line, size_t number, bool parse) {
    std::string_view s = trim_left(line);
    Entry e;
    e.line = number;
    if (s.front() == '@') {
        const size_t end = s.find_first_of(" \t");
        e.marker = std::string(s.substr(0, end));
        if (e.marker != "@cert-authority" && e.marker != "@revoked") return std::nullopt;
        s = trim_left(s.substr(std::min(end, s.size())));
    }
    std::optional<KeyText> k = e.marker.empty() ? key_at(s) : std::nullopt;
    if (k) {
        e.format = "OpenSSH public key";
    } else {
        const size_t end = field_end(s);
        e.prefix = std::string(s.substr(0, end));
        k = key_at(trim_left(s.substr(end)));
        if (!k) return std::nullopt;
        e.format = e.marker.empty() && looks_like_options(e.prefix) ? "authorized_keys" : "known_hosts";
    }
    if (parse) e.key = parse_blob(ByteView(k->blob), number);
    e.key.comment = std::move(k->comment);
    return e;
}

// "Comment: \"a \\\"b\\\"\"" → a "b" (puttygen's quoting; a value without quotes is kept).
std::string unquote(std::string_view value) {
    value = trim(value);
    if (value.size() < 2 || value.front() != '"' || value.back() != '"') return std::string(value);
    value = value.substr(1, value.size() - 2);
    std::string out;
    for (size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '\\' && i + 1 < value.size()) ++i;
        out += value[i];
    }
    return out;
}

Entry read_rfc4716(Lines& lines, size_t begin) {
    Entry e;
    e.format = "RFC 4716";
    e.line = begin;
    std::string comment, b64, header;
    bool in_headers = true;
    std::string_view line;
    for (size_t count = 0;; ++count) {
        if (!lines.next(line)) throw Error(at_line(begin) + "\"" + std::string(rfc4716_begin) + "\" without its END line");
        if (count > max_rfc4716_lines)
            throw Error(at_line(begin) + "SSH2 PUBLIC KEY block longer than " + std::to_string(max_rfc4716_lines) + " lines");
        const std::string_view text = trim(line);
        if (text == rfc4716_end) break;
        if (in_headers && (!header.empty() || text.find(':') != std::string_view::npos)) {
            header += text;
            if (!header.empty() && header.back() == '\\') {  // continued on the next line
                header.pop_back();
                continue;
            }
            const size_t colon = header.find(':');
            const std::string tag = header.substr(0, colon);
            if (tag.size() == 7 && (tag[0] == 'C' || tag[0] == 'c') && tag.substr(1) == "omment")
                comment = unquote(std::string_view(header).substr(colon + 1));
            header.clear();
            continue;
        }
        in_headers = false;
        for (char c : text)
            if (!is_blank(c)) b64 += c;
    }
    const Bytes blob = translate_errors(at_line(begin) + "bad base64 in the SSH2 PUBLIC KEY block",
                                        [&] { return Botan::unlock(Botan::base64_decode(b64)); });
    e.key = parse_blob(ByteView(blob), begin);
    e.key.comment = std::move(comment);
    return e;
}

}  // namespace

std::string display_comment(const Entry& entry) {
    return entry.key.comment.empty() ? entry.prefix : entry.key.comment;
}

bool sniff(ByteView input) {
    Lines lines(input.as_string(), pem::max_line_bytes);
    std::string_view line;
    try {
        while (lines.next(line)) {
            const std::string_view s = trim(line);
            if (s.empty() || s.front() == '#') continue;
            if (s == rfc4716_begin) return true;
            return read_line(s, lines.number(), false).has_value();
        }
    } catch (const std::exception&) {  // an overlong line, or a line that is no key
    }
    return false;
}

std::vector<Entry> read(ByteView input) {
    std::vector<Entry> out;
    Lines lines(input.as_string(), pem::max_line_bytes);
    std::string_view line;
    while (lines.next(line)) {
        const std::string_view s = trim(line);
        if (s.empty() || s.front() == '#') continue;
        if (out.size() == max_keys) throw Error(at_line(lines.number()) + "more than " + std::to_string(max_keys) + " keys");
        if (s == rfc4716_begin) {
            out.push_back(read_rfc4716(lines, lines.number()));
            continue;
        }
        std::optional<Entry> e = read_line(line, lines.number(), true);
        if (!e) throw Error(at_line(lines.number()) + "not an OpenSSH public key line");
        out.push_back(std::move(*e));
    }
    if (out.empty()) throw Error("no public key found");
    return out;
}

std::string write_rfc4716(const PublicKey& key, const std::string& comment) {
    std::string out = std::string(rfc4716_begin) + "\n";
    if (!comment.empty()) {
        out += "Comment: \"";
        for (char c : ssh::clean_comment(comment)) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += "\"\n";
    }
    const std::string b64 = Botan::base64_encode(ssh::public_blob(key));
    for (size_t i = 0; i < b64.size(); i += rfc4716_width) out += b64.substr(i, rfc4716_width) + "\n";
    return out + std::string(rfc4716_end) + "\n";
}

}  // namespace keypipe::sshpub
