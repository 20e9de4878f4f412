// Helpers shared by the Windows files (platform_win.cpp, output_win.cpp, console_win.cpp).
// Windows only; include after <windows.h>.
#pragma once

#include <string>

namespace keypipe::win32 {

// UTF-8 <-> UTF-16. Invalid input becomes U+FFFD, as MultiByteToWideChar does.
std::wstring widen(const std::string& utf8);
std::string narrow(const wchar_t* utf16, size_t length);
inline std::string narrow(const std::wstring& utf16) { return narrow(utf16.data(), utf16.size()); }

// The system's one-line text for a GetLastError() code ("access is denied"), in the shape
// of strerror's messages: first letter lowercase, no final period.
std::string error_text(unsigned long code);

}  // namespace keypipe::win32
