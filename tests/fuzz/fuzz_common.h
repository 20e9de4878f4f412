// Shared by the libFuzzer targets: every parser must either return or throw keypipe::Error
// (or UsageError for option strings). Anything else — a crash, a sanitizer report, another
// exception type escaping — is a bug the fuzzer reports.
#pragma once

#include "bytes.h"
#include "error.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

template <typename F>
void expect_clean(F&& f) {
    try {
        f();
    } catch (const keypipe::Error&) {
    } catch (const keypipe::UsageError&) {
    }
}

inline keypipe::ByteView fuzz_input(const uint8_t* data, size_t size) { return keypipe::ByteView(data, size); }
