// X.509 certificates and SubjectPublicKeyInfo.
#include "cert.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    expect_clean([&] { keypipe::cert::read_certificate(fuzz_input(data, size)); });
    expect_clean([&] { keypipe::cert::public_key_from_spki(fuzz_input(data, size)); });
    return 0;
}
