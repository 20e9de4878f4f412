#include "der.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    expect_clean([&] { keypipe::der::detect_label(fuzz_input(data, size)); });
    expect_clean([&] { keypipe::der::check_single_element(fuzz_input(data, size)); });
    return 0;
}
