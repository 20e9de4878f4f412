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

// Writes `data` to `path` as described above. Throws Error(path, ...) when the file
// exists and !force ("file exists (use -f to replace it)"), or on any I/O failure.
// With sync_dir false the caller promises to fsync the folder itself later (a batch
// does it once per folder instead of once per file).
void write_file_atomic(const std::string& path, ByteView data, Sensitivity s, bool force, bool sync_dir = true);

// fsyncs a folder, so that the names linked into it are durable.
void sync_directory(const std::string& dir);

// Writes all of `data` to stdout. A private key is refused when stdout is a terminal.
void write_stdout(ByteView data, Sensitivity s);

// Creates `dir` (and parents) if missing: 0700 when it will hold private keys, else 0755.
// The folders it created are appended to *created, parents first.
void make_output_dir(const std::string& dir, Sensitivity s, std::vector<std::string>* created = nullptr);

}  // namespace keypipe
