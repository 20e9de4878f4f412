#include "formats.h"

#include "error.h"
#include "fmt_openssh.h"
#include "fmt_pkcs8.h"
#include "fmt_pkcs12.h"
#include "fmt_ppk.h"
#include "fmt_traditional.h"
#include "pem.h"

#include <algorithm>

namespace keypipe {
namespace {

// The body of a PKCS#1 or SEC1 block, decrypted when legacy PEM encryption says so.
SecretBytes plain_body(const Object& o, ReadContext& ctx) {
    if (!traditional::is_legacy_encrypted(o.headers)) return o.body;
    for (const auto& [name, value] : o.headers)
        if (name == "DEK-Info") return traditional::decrypt_legacy(ByteView(o.body), value, ctx.pass);
    throw Error("encrypted PEM block without DEK-Info header");
}

const std::vector<KeyFormat> formats = {
    {"openssh", {}, {"OPENSSH PRIVATE KEY"}, nullptr,
     [](const Object& o, ReadContext& ctx) { return openssh::read_binary(ByteView(o.body), ctx.pass, ctx.limits); },
     nullptr,
     [](const PrivateKey& key, const WriteOptions& opt, Botan::RandomNumberGenerator& rng) {
         openssh::WriteOptions w;
         w.passphrase = opt.passphrase;
         return openssh::write(key, w, rng);
     },
     false, false, true},
    {"pkcs8", {}, {"PRIVATE KEY", "ENCRYPTED PRIVATE KEY"}, nullptr,
     [](const Object& o, ReadContext& ctx) {
         return o.label == "PRIVATE KEY" ? pkcs8::read(ByteView(o.body)) : pkcs8::read_encrypted(ByteView(o.body), ctx.pass, ctx.limits);
     },
     nullptr,
     [](const PrivateKey& key, const WriteOptions& opt, Botan::RandomNumberGenerator& rng) {
         const bool encrypt = !opt.passphrase.empty();
         const SecretBytes der = encrypt ? pkcs8::write_encrypted(key, ByteView(opt.passphrase), rng) : pkcs8::write(key);
         return opt.der ? der : pem::encode_secret(encrypt ? "ENCRYPTED PRIVATE KEY" : "PRIVATE KEY", ByteView(der));
     },
     true, true, true},
    // PKCS#1 for RSA keys, SEC1 for EC keys: OpenSSL's "traditional" format.
    {"traditional", {"pkcs1", "sec1"}, {"RSA PRIVATE KEY", "EC PRIVATE KEY"}, nullptr,
     [](const Object& o, ReadContext& ctx) {
         const SecretBytes der = plain_body(o, ctx);
         return o.label == "RSA PRIVATE KEY" ? traditional::read_pkcs1(ByteView(der)) : traditional::read_sec1(ByteView(der), ctx.ec_parameters);
     },
     nullptr,
     [](const PrivateKey& key, const WriteOptions& opt, Botan::RandomNumberGenerator& rng) {
         if (!opt.passphrase.empty()) {
             if (opt.der) throw Error("traditional DER cannot be encrypted (use pkcs8)");
             return traditional::write_pem_encrypted(key, ByteView(opt.passphrase), rng);
         }
         const SecretBytes der = traditional::write(key);
         return opt.der ? der : pem::encode_secret(traditional::label(key), ByteView(der));
     },
     true, false, false},
    {"ppk", {"putty"}, {}, ppk::sniff, nullptr,
     [](ByteView input, ReadContext& ctx) { return ppk::read(input, ctx.pass, ctx.limits); },
     [](const PrivateKey& key, const WriteOptions& opt, Botan::RandomNumberGenerator& rng) {
         return ppk::write(key, key.has_comment ? key.comment : ppk::imported_comment, opt.ppk, ByteView(opt.passphrase), rng,
                           opt.limits);
     },
     false, false, true},
    // PKCS#12 holds a key and its certificates; key2pfx writes it (with the certificates).
    {"pkcs12", {"pfx", "p12"}, {}, pkcs12::sniff, nullptr,
     [](ByteView input, ReadContext& ctx) { return pkcs12::read_private_key(input, ctx.pass, ctx.limits); },
     nullptr, false, false, false},
};

}  // namespace

bool KeyFormat::named(std::string_view n) const {
    return n == name || std::find(aliases.begin(), aliases.end(), n) != aliases.end();
}

const std::vector<KeyFormat>& key_formats() { return formats; }

const KeyFormat* find_format(std::string_view name) {
    for (const auto& f : formats)
        if (f.named(name)) return &f;
    return nullptr;
}

const KeyFormat* format_for_label(std::string_view label) {
    for (const auto& f : formats)
        if (std::find(f.labels.begin(), f.labels.end(), label) != f.labels.end()) return &f;
    return nullptr;
}

}  // namespace keypipe
