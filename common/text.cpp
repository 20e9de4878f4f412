// Byte-order marks and the key formats keypipe names but does not read (issue 12 §4).
// Signatures: ssh.com / SECSH keys start with "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----"
// (puttygen -O private-sshcom); SSH-1 RSA keys, from ssh-keygen -t rsa1 and PuTTY alike,
// with "SSH PRIVATE KEY FILE FORMAT 1.1\n"; dropbear keys are a bare SSH wire record
// starting with the key type as an SSH string (dropbearkey).
#include "text.h"

#include "error.h"
#include "key.h"

#include <algorithm>

namespace keypipe::text {
namespace {

void append_utf8(SecretBytes& out, uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<uint8_t>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<uint8_t>(0xc0 | (cp >> 6)));
        out.push_back(static_cast<uint8_t>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<uint8_t>(0xe0 | (cp >> 12)));
        out.push_back(static_cast<uint8_t>(0x80 | ((cp >> 6) & 0x3f)));
        out.push_back(static_cast<uint8_t>(0x80 | (cp & 0x3f)));
    } else {
        out.push_back(static_cast<uint8_t>(0xf0 | (cp >> 18)));
        out.push_back(static_cast<uint8_t>(0x80 | ((cp >> 12) & 0x3f)));
        out.push_back(static_cast<uint8_t>(0x80 | ((cp >> 6) & 0x3f)));
        out.push_back(static_cast<uint8_t>(0x80 | (cp & 0x3f)));
    }
}

SecretBytes from_utf16(ByteView data, bool big_endian) {
    if (data.size() % 2) throw Error("UTF-16 text with an odd number of bytes");
    SecretBytes out;
    out.reserve(data.size() / 2);
    auto unit = [&](size_t i) {
        return static_cast<uint32_t>(big_endian ? data[i] << 8 | data[i + 1] : data[i + 1] << 8 | data[i]);
    };
    for (size_t i = 0; i < data.size(); i += 2) {
        uint32_t cp = unit(i);
        if (cp >= 0xd800 && cp <= 0xdbff && i + 3 < data.size() && unit(i + 2) >= 0xdc00 && unit(i + 2) <= 0xdfff) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (unit(i + 2) - 0xdc00);
            i += 2;
        } else if (cp >= 0xd800 && cp <= 0xdfff) {
            throw Error("UTF-16 text with an unpaired surrogate at byte " + std::to_string(i + 2));
        }
        append_utf8(out, cp);
    }
    return out;
}

bool starts_with(ByteView input, std::string_view prefix) { return input.as_string().substr(0, prefix.size()) == prefix; }

}  // namespace

std::optional<SecretBytes> decode_bom(ByteView input) {
    if (starts_with(input, "\xef\xbb\xbf")) return input.subspan(3).to_secret();
    if (starts_with(input, "\xff\xfe")) return from_utf16(input.subspan(2), false);
    if (starts_with(input, "\xfe\xff")) return from_utf16(input.subspan(2), true);
    return std::nullopt;
}

std::string unsupported_format(ByteView input) {
    if (starts_with(input, "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----"))
        return "an ssh.com (SECSH) private key is not supported (puttygen KEY -O private-openssh-new converts it)";
    if (starts_with(input, "SSH PRIVATE KEY FILE FORMAT 1.1\n"))
        return "an SSH-1 private key (ssh-keygen -t rsa1, PuTTY SSH-1) is not supported: SSH-1 is obsolete";
    // dropbear: uint32 length, then the key type name
    if (input.size() > 4 && input[0] == 0 && input[1] == 0 && input[2] == 0) {
        const size_t n = input[3];
        const std::string_view name = input.as_string().substr(4, n);
        const auto& types = key_types();
        if (name == "ssh-dss" || std::any_of(types.begin(), types.end(), [&](const KeyTypeInfo& t) { return name == t.ssh_name; }))
            return "a dropbear private key is not supported (dropbearconvert dropbear openssh KEY OUT converts it)";
    }
    return "";
}

}  // namespace keypipe::text
