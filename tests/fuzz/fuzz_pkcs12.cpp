// PKCS#12 reader. A random file almost never passes the MAC, so the input is used twice:
// as a whole PFX, and as the authenticated safe of a PFX wrapped around it here with a
// valid one-iteration HMAC-SHA1 MAC, which lets the fuzzer reach the bags, attributes
// and decryption behind the MAC. keyinfo's description of a PFX without its password
// (inspect.cpp) reads both too.
#include "fmt_pkcs12.h"
#include "fuzz_common.h"
#include "inspect.h"

#include <botan/der_enc.h>
#include <botan/mac.h>

namespace {

keypipe::SecretBytes with_mac(keypipe::ByteView auth_safe) {
    const uint8_t salt[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    const keypipe::SecretBytes bmp = keypipe::pkcs12::bmp_password(keypipe::ByteView(std::string_view("keypipe")));
    auto hmac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-1)");
    hmac->set_key(keypipe::pkcs12::kdf("SHA-1", 3, keypipe::ByteView(bmp), keypipe::ByteView(salt, 8), 1, 20));
    hmac->update(auth_safe.data(), auth_safe.size());
    return Botan::DER_Encoder()
        .start_cons(Botan::SEQUENCE)
        .encode(size_t(3))
        .start_cons(Botan::SEQUENCE)
        .encode(Botan::OID("1.2.840.113549.1.7.1"))
        .start_explicit(0).encode(auth_safe.data(), auth_safe.size(), Botan::OCTET_STRING).end_explicit()
        .end_cons()
        .start_cons(Botan::SEQUENCE)
        .start_cons(Botan::SEQUENCE)
        .start_cons(Botan::SEQUENCE).encode(Botan::OID("1.3.14.3.2.26")).encode_null().end_cons()
        .encode(hmac->final(), Botan::OCTET_STRING)
        .end_cons()
        .encode(salt, 8, Botan::OCTET_STRING)
        .encode(size_t(1))
        .end_cons()
        .end_cons()
        .get_contents();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    keypipe::FixedPassphrase pass("keypipe");
    expect_clean([&] { keypipe::pkcs12::sniff(fuzz_input(data, size)); });
    expect_clean([&] { keypipe::pkcs12::read(fuzz_input(data, size), pass); });
    const keypipe::SecretBytes wrapped = with_mac(fuzz_input(data, size));
    expect_clean([&] { keypipe::pkcs12::read(keypipe::ByteView(wrapped), pass); });
    expect_clean([&] { keypipe::inspect::describe(fuzz_input(data, size)); });
    expect_clean([&] { keypipe::inspect::describe(keypipe::ByteView(wrapped)); });
    return 0;
}
