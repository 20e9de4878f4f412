#include "ssh.h"

#include "cursor.h"
#include "error.h"

#include <botan/base64.h>
#include <botan/ec_group.h>
#include <botan/ecdsa.h>
#include <botan/ed25519.h>
#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/rsa.h>

#include <algorithm>

namespace keypipe::ssh {

Bytes public_blob(const PublicKey& key) {
    Writer w;
    w.string(ssh_name(key.type));
    switch (key.type) {
    case KeyType::rsa: {
        const RsaNumbers rsa = rsa_numbers(key);
        w.mpint(rsa.e);
        w.mpint(rsa.n);
        break;
    }
    case KeyType::ed25519:
        w.string(ByteView(dynamic_cast<const Botan::Ed25519_PublicKey&>(*key.key).get_public_key()));
        break;
    default: {
        w.string(ssh_curve_name(key.type));
        w.string(ByteView(ec_numbers(key).point));
    }
    }
    return w.take();
}

PublicKey parse_public_blob(ByteView blob) {
    Cursor c(blob, "SSH public key");
    const KeyType type = key_type_from_ssh_name(c.name("key type"));
    std::unique_ptr<Botan::Public_Key> key;
    if (type == KeyType::rsa) {
        const Botan::BigInt e = c.mpint("e");
        const Botan::BigInt n = c.mpint("n");
        c.expect_end();
        return make_rsa_public_key(n, e, "SSH public key");
    } else if (type == KeyType::ed25519) {
        const ByteView pk = c.string("public key");
        if (pk.size() != 32) c.fail("public key", "Ed25519 public key is not 32 bytes");
        key = std::make_unique<Botan::Ed25519_PublicKey>(pk.data(), pk.size());
    } else {
        if (c.name("curve name") != ssh_curve_name(type)) c.fail("curve name", "does not match the key type");
        const ByteView q = c.string("public point");
        c.expect_end();
        return make_ec_public_key(type, q, "SSH public key");
    }
    c.expect_end();
    return make_public_key(std::move(key), "");
}

namespace {

// The length of the control character that starts at s[i], or 0: C0 controls but TAB
// (ssh-keygen keeps a TAB in a comment, and it starts no line), DEL, C1 controls (U+0080 to
// U+009F: U+009B is a terminal's CSI) and the bidirectional controls that make a terminal
// show text in another order than it is (U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069).
size_t control_at(std::string_view s, size_t i) {
    const auto at = [&](size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
    const unsigned c = at(0);
    if ((c < 0x20 && c != '\t') || c == 0x7f) return 1;
    if (c == 0xc2 && at(1) >= 0x80 && at(1) <= 0x9f) return 2;
    if (c == 0xe2 && at(1) == 0x80 && ((at(2) >= 0xaa && at(2) <= 0xae) || at(2) == 0x8e || at(2) == 0x8f)) return 3;
    if (c == 0xe2 && at(1) == 0x81 && at(2) >= 0xa6 && at(2) <= 0xa9) return 3;
    return 0;
}

}  // namespace

std::string clean_comment(std::string_view comment) {
    std::string out;
    out.reserve(comment.size());
    for (size_t i = 0; i < comment.size();) {
        const size_t n = control_at(comment, i);
        out += n ? '?' : comment[i];
        i += n ? n : 1;
    }
    return out;
}

bool has_control_characters(std::string_view comment) {
    for (size_t i = 0; i < comment.size(); ++i)
        if (control_at(comment, i)) return true;
    return false;
}

std::string authorized_keys_line(const PublicKey& key, const std::string& comment) {
    const Bytes blob = public_blob(key);
    std::string line = std::string(ssh_name(key.type)) + " " + Botan::base64_encode(blob);
    if (!comment.empty()) line += " " + clean_comment(comment);
    return line + "\n";
}

std::string fingerprint_sha256(ByteView blob) {
    auto h = Botan::HashFunction::create_or_throw("SHA-256");
    h->update(blob.data(), blob.size());
    std::string b64 = Botan::base64_encode(h->final());
    while (!b64.empty() && b64.back() == '=') b64.pop_back();
    return "SHA256:" + b64;
}

std::string fingerprint_md5(ByteView blob) {
    auto h = Botan::HashFunction::create_or_throw("MD5");
    h->update(blob.data(), blob.size());
    const std::string hex = Botan::hex_encode(h->final(), false);
    std::string out = "MD5:";
    for (size_t i = 0; i < hex.size(); i += 2) {
        if (i) out += ':';
        out += hex.substr(i, 2);
    }
    return out;
}

std::string fingerprint_line(const PublicKey& key, const std::string& comment, bool md5) {
    const Bytes blob = public_blob(key);
    return std::to_string(key_bits(key)) + " " + (md5 ? fingerprint_md5(blob) : fingerprint_sha256(blob)) + " " +
           (comment.empty() ? "no comment" : clean_comment(comment)) + " (" + std::string(display_name(key.type)) + ")\n";
}

}  // namespace keypipe::ssh
