// platform.h on Windows (mingw-w64); POSIX: platform_posix.cpp.
#include "platform.h"

#include <windows.h>
#include <shellapi.h>

#include "win32.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <io.h>
#include <vector>

namespace keypipe {

std::wstring win32::widen(const std::string& utf8) {
    if (utf8.empty()) return {};
    const int n = MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
    std::wstring out(static_cast<size_t>(n), L'\0');
    MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), out.data(), n);
    return out;
}

std::string win32::narrow(const wchar_t* utf16, size_t length) {
    if (length == 0) return {};
    const int n = WideCharToMultiByte(CP_UTF8, 0, utf16, static_cast<int>(length), nullptr, 0, nullptr, nullptr);
    std::string out(static_cast<size_t>(n), '\0');
    WideCharToMultiByte(CP_UTF8, 0, utf16, static_cast<int>(length), out.data(), n, nullptr, nullptr);
    return out;
}

std::string win32::error_text(unsigned long code) {
    wchar_t* text = nullptr;
    const DWORD n = FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                                   nullptr, code, MAKELANGID(LANG_ENGLISH, SUBLANG_DEFAULT),
                                   reinterpret_cast<wchar_t*>(&text), 0, nullptr);
    std::string out = n ? narrow(text, n) : "Windows error " + std::to_string(code);
    if (text) LocalFree(text);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == '.' || out.back() == ' ')) out.pop_back();
    if (!out.empty() && out[0] >= 'A' && out[0] <= 'Z') out[0] = static_cast<char>(out[0] - 'A' + 'a');
    return out;
}

namespace platform {
namespace {

// A crash (access violation, stack overflow...) ends the process with a code scripts can
// see: without this, wine sometimes reports exit 0 for a segfault.
LONG WINAPI crash_exit(EXCEPTION_POINTERS*) {
    static const char message[] = "internal error: the program crashed\n";
    DWORD written = 0;
    WriteFile(GetStdHandle(STD_ERROR_HANDLE), message, sizeof message - 1, &written, nullptr);
    TerminateProcess(GetCurrentProcess(), 99);
    return EXCEPTION_EXECUTE_HANDLER;
}

}  // namespace

void start(int& argc, char**& argv) {
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);  // no dialog boxes, ever
    SetUnhandledExceptionFilter(crash_exit);
    // Bytes in, bytes out: text mode would turn LF into CRLF on output, and collapse CRLF
    // and stop at ^Z on input (a DER certificate has both).
    _setmode(_fileno(stdin), _O_BINARY);
    _setmode(_fileno(stdout), _O_BINARY);
    _setmode(_fileno(stderr), _O_BINARY);

    // The narrow argv went through the ANSI code page: "证书.pem" arrives as "??.pem".
    static std::vector<std::string> args;
    static std::vector<char*> pointers;
    int n = 0;
    wchar_t** wide = CommandLineToArgvW(GetCommandLineW(), &n);
    if (!wide) return;
    args.clear();
    for (int i = 0; i < n; ++i) args.push_back(win32::narrow(wide[i], wcslen(wide[i])));
    LocalFree(wide);
    pointers.clear();
    for (auto& a : args) pointers.push_back(a.data());
    pointers.push_back(nullptr);
    argc = n;
    argv = pointers.data();
}

void set_default_env(const char* name, const char* value) {
    if (!std::getenv(name)) _putenv_s(name, value);
}

int open_read(const std::string& path) {
    const std::wstring wide = win32::widen(path);
    const int fd = _wopen(wide.c_str(), _O_RDONLY | _O_BINARY | _O_NOINHERIT);
    if (fd < 0) {
        // Windows refuses to open a folder (EACCES); say what POSIX says.
        const DWORD attributes = GetFileAttributesW(wide.c_str());
        if (attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY)) errno = EISDIR;
    }
    return fd;
}

bool is_terminal(int fd) {
    const HANDLE h = reinterpret_cast<HANDLE>(_get_osfhandle(fd));
    DWORD mode = 0;
    // _isatty is true for NUL too; only a console has a console mode.
    return h != INVALID_HANDLE_VALUE && GetFileType(h) == FILE_TYPE_CHAR && GetConsoleMode(h, &mode);
}

std::string host_name() {
    wchar_t name[256] = {};
    DWORD size = 255;
    if (!GetComputerNameExW(ComputerNameDnsHostname, name, &size) || size == 0) return "localhost";
    return win32::narrow(name, size);
}

std::filesystem::path fs_path(const std::string& utf8) { return std::filesystem::u8path(utf8); }

std::string utf8(const std::filesystem::path& path) { return path.u8string(); }

}  // namespace platform
}  // namespace keypipe
