// The only code that writes files. Every file is created complete or not at all:
// written to an unnamed temporary file (O_TMPFILE) in the target's folder with its final
// mode from the start (0600 for private keys), fsync'd, then linked into place (a link
// never replaces an existing file) or renamed over the target with --force. A crash,
// Ctrl-C or SIGKILL at any point leaves either the old state or the whole new file.
#pragma once

#include "bytes.h"

#include <string>
#include <vector>

namespace keypipe {

enum class Sensitivity { public_data, private_key };

// The folder a file is created in: "." for a bare name, "/" for "/name".
std::string parent_dir(const std::string& path);

// Checks now, before slow work, what writing `path` would refuse (Error(path, ...)): an
// existing target without `force`, a folder, a socket, another user's FIFO or device, a
// terminal for a private key, a folder that is missing or not writable. "-" is stdout.
//
// An existing FIFO or device is written to, never replaced; one owned by another user
// (root excepted) never, whatever `force`. Without `force`, every existing target is
// refused except /dev/null and the process's own streams (/dev/stdout, /dev/stderr,
// /dev/fd/N). Opening one never blocks (a FIFO nobody reads is an error).
void check_target(const std::string& path, Sensitivity s, bool force);

// Writes `data` to `path` as described above. Throws Error(path, ...) when the file
// exists and !force ("file exists (use -f to replace it)"), or on any I/O failure.
void write_file_atomic(const std::string& path, ByteView data, Sensitivity s, bool force);

// The two halves of write_file_atomic, for a batch: the constructor checks the target
// and writes the data to the unnamed temporary file (or writes a device or FIFO
// directly); sync() fdatasyncs it; link() puts it in place (Error(path, ...) as above).
// A StagedFile destroyed before link() leaves nothing behind.
class StagedFile {
public:
    StagedFile(std::string path, ByteView data, Sensitivity s, bool force);
    ~StagedFile();
    StagedFile(const StagedFile&) = delete;
    StagedFile& operator=(const StagedFile&) = delete;
    void sync();
    void link();
    const std::string& path() const { return path_; }
    const std::string& dir() const { return dir_; }

private:
    friend void sync_staged(const std::vector<StagedFile*>& files);
    std::string path_, dir_, temp_name_;  // temp_name_: only without O_TMPFILE
    int fd_ = -1;
    bool force_ = false, linked_ = false;
};

// Makes the data of many staged files durable at once: one syncfs per filesystem, which
// commits the journal once instead of once per file (a batch of 500 small files: one
// fdatasync each costs more than converting them). Then link() each.
void sync_staged(const std::vector<StagedFile*>& files);

// fsyncs a folder, so that the names linked into it are durable.
void sync_directory(const std::string& dir);

// Writes all of `data` to stdout. A private key is refused when stdout is a terminal.
void write_stdout(ByteView data, Sensitivity s);

// Creates `dir` (and parents) if missing: 0700 when it will hold private keys, else 0755.
// The folders it created are appended to *created, parents first.
void make_output_dir(const std::string& dir, Sensitivity s, std::vector<std::string>* created = nullptr);

}  // namespace keypipe
