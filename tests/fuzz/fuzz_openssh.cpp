// OpenSSH private keys, binary form (the PEM armor has its own target).
#include "fmt_openssh.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    keypipe::FixedPassphrase pass("keypipe");
    expect_clean([&] { keypipe::openssh::read_binary(fuzz_input(data, size), pass); });
    return 0;
}
