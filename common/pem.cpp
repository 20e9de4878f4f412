#include "pem.h"

#include "error.h"
#include "lines.h"

#include <botan/base64.h>

#include <array>

namespace keypipe::pem {
namespace {

constexpr std::string_view begin_marker = "-----BEGIN ";
constexpr std::string_view end_marker = "-----END ";
constexpr std::string_view dashes = "-----";

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
    return s;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
    return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// "-----BEGIN X-----" -> "X"; returns false when the line is not such a marker.
bool marker_label(std::string_view line, std::string_view marker, std::string& label) {
    if (!starts_with(line, marker) || !ends_with(line, dashes) ||
        line.size() < marker.size() + dashes.size())
        return false;
    label = std::string(line.substr(marker.size(), line.size() - marker.size() - dashes.size()));
    return true;
}

bool is_base64_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/' || c == '=';
}

}  // namespace

std::string Block::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (k == name) return v;
    return {};
}

bool contains_pem(ByteView input) {
    const std::string_view text = input.as_string();
    for (size_t pos = text.find(begin_marker); pos != std::string_view::npos;
         pos = text.find(begin_marker, pos + 1)) {
        size_t start = pos;
        while (start > 0 && is_blank(text[start - 1])) --start;
        if (start == 0 || text[start - 1] == '\n') return true;
    }
    return false;
}

std::vector<Block> decode_all(ByteView input) {
    std::vector<Block> blocks;
    Lines lines(input.as_string(), max_line_bytes);
    std::string_view raw;
    std::string label;
    while (lines.next(raw)) {
        if (!marker_label(trim(raw), begin_marker, label)) continue;  // text around blocks
        if (blocks.size() == max_blocks)
            throw Error("more than " + std::to_string(max_blocks) + " PEM blocks");
        Block block;
        block.label = label;
        block.line = lines.number();
        Botan::secure_vector<char> b64;  // base64 of a private key: wiped on every path
        bool in_headers = true, ended = false;
        while (lines.next(raw)) {
            const std::string_view line = trim(raw);
            const std::string where = "line " + std::to_string(lines.number()) + ": ";
            if (marker_label(line, end_marker, label)) {
                if (label != block.label)
                    throw Error(where + "END \"" + label + "\" does not match BEGIN \"" + block.label + "\"");
                ended = true;
                break;
            }
            if (starts_with(line, begin_marker))
                throw Error(where + "BEGIN inside \"" + block.label + "\" block (missing END line)");
            const size_t colon = line.find(':');
            if (in_headers && colon != std::string_view::npos) {
                block.headers.emplace_back(std::string(trim(line.substr(0, colon))),
                                           std::string(trim(line.substr(colon + 1))));
                continue;
            }
            in_headers = false;
            for (char c : line)
                if (!is_base64_char(c)) throw Error(where + "not base64 inside \"" + block.label + "\" block");
            b64.insert(b64.end(), line.begin(), line.end());
        }
        if (!ended)
            throw Error("line " + std::to_string(block.line) + ": BEGIN \"" + block.label +
                        "\" has no END line");
        const std::string_view text(b64.data(), b64.size());
        const size_t pad = text.find('=');
        if (text.size() % 4 != 0 || (pad != std::string::npos && pad + 2 < text.size()) ||
            (pad != std::string::npos && text.find_first_not_of('=', pad) != std::string::npos))
            throw Error("line " + std::to_string(block.line) + ": \"" + block.label +
                        "\" block has a truncated or malformed base64 body");
        block.body = translate_errors(
            "line " + std::to_string(block.line) + ": \"" + block.label + "\" block has bad base64",
            [&] { return Botan::base64_decode(b64.data(), b64.size(), false); });
        blocks.push_back(std::move(block));
    }
    return blocks;
}

SecretBytes base64_secret(ByteView data) {
    SecretBytes out(Botan::base64_encode_max_output(data.size()));
    size_t consumed = 0;
    const size_t written = Botan::base64_encode(reinterpret_cast<char*>(out.data()), data.data(), data.size(), consumed, true);
    out.resize(written);
    return out;
}

namespace {
template <typename Out>
Out encode_into(std::string_view label, ByteView body, const Headers& headers, size_t width) {
    const SecretBytes b64 = base64_secret(body);
    const std::string_view text = ByteView(b64).as_string();
    Out out;
    out.reserve(text.size() + text.size() / width + 2 * label.size() + 32);
    auto put = [&](std::string_view s) { out.insert(out.end(), s.begin(), s.end()); };
    put("-----BEGIN ");
    put(label);
    put("-----\n");
    for (const auto& [name, value] : headers) {
        put(name);
        put(": ");
        put(value);
        put("\n");
    }
    if (!headers.empty()) put("\n");
    for (size_t i = 0; i < text.size(); i += width) {
        put(text.substr(i, width));
        put("\n");
    }
    put("-----END ");
    put(label);
    put("-----\n");
    return out;
}
}  // namespace

std::string encode(std::string_view label, ByteView body, const Headers& headers, size_t width) {
    return encode_into<std::string>(label, body, headers, width);
}

SecretBytes encode_secret(std::string_view label, ByteView body, const Headers& headers, size_t width) {
    return encode_into<SecretBytes>(label, body, headers, width);
}

}  // namespace keypipe::pem
