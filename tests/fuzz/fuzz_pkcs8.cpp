// PKCS#8 (plain and encrypted), PKCS#1 and SEC1 readers on raw DER.
#include "fmt_pkcs8.h"
#include "fmt_traditional.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    keypipe::FixedPassphrase pass("keypipe");
    expect_clean([&] { keypipe::pkcs8::read(fuzz_input(data, size)); });
    expect_clean([&] { keypipe::pkcs8::read_encrypted(fuzz_input(data, size), pass); });
    expect_clean([&] { keypipe::traditional::read_pkcs1(fuzz_input(data, size)); });
    expect_clean([&] { keypipe::traditional::read_sec1(fuzz_input(data, size)); });
    return 0;
}
