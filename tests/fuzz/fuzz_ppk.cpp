// PuTTY PPK files.
#include "fmt_ppk.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    keypipe::FixedPassphrase pass("keypipe");
    expect_clean([&] { keypipe::ppk::read(fuzz_input(data, size), pass); });
    return 0;
}
