// console_win.h: the passphrase prompt on the Windows console.
#include "console_win.h"

#include <windows.h>

#include "error.h"
#include "passphrase.h"
#include "win32.h"

#include <botan/mem_ops.h>

#include <atomic>
#include <mutex>

namespace keypipe {
namespace {

// The console's input mode before echo went off, for the Ctrl-C handler: Ctrl-C at the
// prompt ends the process (also in a batch, whose own handler would let it go on; the
// POSIX side's end_if_prompting), and the user's console must not be left without echo.
std::atomic<HANDLE> echo_handle{nullptr};
std::atomic<DWORD> echo_mode{0};

BOOL WINAPI restore_echo(DWORD) {
    if (HANDLE h = echo_handle.load()) {
        SetConsoleMode(h, echo_mode.load());
        ExitProcess(STATUS_CONTROL_C_EXIT);  // what the default handler does
    }
    return FALSE;
}

class EchoOff {
public:
    explicit EchoOff(HANDLE in) : in_(in) {
        if (!GetConsoleMode(in_, &saved_)) return;
        echo_mode = saved_;
        echo_handle = in_;
        SetConsoleCtrlHandler(restore_echo, TRUE);
        active_ = SetConsoleMode(in_, (saved_ & ~DWORD{ENABLE_ECHO_INPUT}) | ENABLE_LINE_INPUT | ENABLE_PROCESSED_INPUT);
    }
    ~EchoOff() {
        if (active_) SetConsoleMode(in_, saved_);
        SetConsoleCtrlHandler(restore_echo, FALSE);
        echo_handle = nullptr;
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

private:
    HANDLE in_;
    DWORD saved_ = 0;
    bool active_ = false;
};

void write_console(HANDLE out, const std::string& text) {
    const std::wstring wide = win32::widen(text);
    DWORD written = 0;
    WriteConsoleW(out, wide.data(), static_cast<DWORD>(wide.size()), &written, nullptr);
}

}  // namespace

Tty::Tty()
    : in_(CreateFileW(L"CONIN$", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                      OPEN_EXISTING, 0, nullptr)),
      out_(CreateFileW(L"CONOUT$", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                       OPEN_EXISTING, 0, nullptr)) {}

Tty::~Tty() {
    if (in_ != INVALID_HANDLE_VALUE) CloseHandle(in_);
    if (out_ != INVALID_HANDLE_VALUE) CloseHandle(out_);
}

bool Tty::ok() const {
    DWORD mode = 0;
    return in_ != INVALID_HANDLE_VALUE && out_ != INVALID_HANDLE_VALUE && GetConsoleMode(in_, &mode);
}

SecretBytes Tty::ask(const std::string& prompt) {
    // One prompt at a time (passin and passout of a batch may ask from two threads).
    static std::mutex console;
    std::lock_guard<std::mutex> lock(console);
    write_console(out_, prompt);
    // UTF-16 from the console, at most as many units as the UTF-8 limit has bytes.
    Botan::secure_vector<wchar_t> line;
    {
        EchoOff off(in_);
        for (;;) {
            wchar_t ch = 0;
            DWORD n = 0;
            if (!ReadConsoleW(in_, &ch, 1, &n, nullptr))
                throw Error("cannot read passphrase from the console: " + win32::error_text(GetLastError()));
            if (n == 0 || ch == L'\n') break;  // the line ends "\r\n": both are read here
            if (ch == L'\r') continue;
            if (line.size() == max_passphrase_bytes)
                throw Error("passphrase from the console is longer than " + std::to_string(max_passphrase_bytes) + " bytes");
            line.push_back(ch);
        }
    }
    write_console(out_, "\r\n");
    SecretBytes answer;
    if (line.empty()) return answer;
    const int n = WideCharToMultiByte(CP_UTF8, 0, line.data(), static_cast<int>(line.size()), nullptr, 0, nullptr, nullptr);
    answer.resize(static_cast<size_t>(n));
    WideCharToMultiByte(CP_UTF8, 0, line.data(), static_cast<int>(line.size()), reinterpret_cast<char*>(answer.data()), n,
                        nullptr, nullptr);
    if (answer.size() > max_passphrase_bytes)
        throw Error("passphrase from the console is longer than " + std::to_string(max_passphrase_bytes) + " bytes");
    return answer;
}

}  // namespace keypipe
