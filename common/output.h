// The only code that writes files. Every file is created complete or not at all:
// written to an unnamed temporary file (O_TMPFILE) in the target's folder with its final
// mode from the start (0600 for private keys), fsync'd, then linked into place (a link
// never replaces an existing file) or renamed over the target with --force. A crash,
// Ctrl-C or SIGKILL at any point leaves either the old state or the whole new file.
#pragma once

#include "bytes.h"

#include <memory>
#include <string>
#include <sys/types.h>
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

// Temporary names. Where a file cannot be staged unnamed (no O_TMPFILE), where -f
// replaces a file, and where a batch holds more staged files than it keeps descriptors
// for, the file has a name beside the target until it is put in place:
// ".keypipe-PID-START-HOST-N.tmp", where START is the process's start time (clock ticks
// after boot) and HOST tags the boot and PID namespace. A kill -9 can leave one behind.
// Before the first file is staged in a folder, the process removes from it such names
// that it can prove stale: owned by the effective user, and made by a process that no
// longer runs (same HOST, and no process PID started at START; where /proc hides PID,
// as hidepid does for processes that are not dumpable, no process PID at all), or of another HOST
// (another boot, machine or container) and unchanged for an hour. A live run's
// temporaries are never touched.
void remove_stale_temporaries(const std::string& dir);

// The two halves of write_file_atomic, for a batch: the constructor checks the target
// and writes the data to the unnamed temporary file (or writes a device or FIFO
// directly); sync() fdatasyncs it; link() puts it in place (Error(path, ...) as above).
// A StagedFile destroyed before link() leaves nothing behind. At most a few hundred
// staged files (a quarter of RLIMIT_NOFILE) keep their descriptor open; the rest are
// parked under a temporary name and closed, so a bundle of thousands of blocks stages
// under any descriptor limit.
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
    friend class FileGroup;
    struct Placed;  // how a placed file is taken back (FileGroup)
    enum class Streams { write_now, refuse };
    StagedFile(std::string path, ByteView data, Sensitivity s, bool force, Streams streams);
    void park();
    void close_fd();
    std::string named_temp();  // temp_name_, linking the unnamed file there first if needed
    Placed place(bool keep_old);
    std::string path_, dir_, temp_name_;  // temp_name_: without O_TMPFILE, or parked
    int fd_ = -1;
    dev_t dev_ = 0;
    ino_t ino_ = 0;
    bool force_ = false, linked_ = false;
};

// Makes the data of many staged files durable at once: one syncfs per filesystem, which
// commits the journal once instead of once per file (a batch of 500 small files: one
// fdatasync each costs more than converting them). Then link() each.
void sync_staged(const std::vector<StagedFile*>& files);

// Files that belong together, such as a key and its certificate: all of them or none.
// add() checks each target as check_target() does and stages a file completely (written
// and, by commit(), made durable) without touching its name; a FIFO, a device or "-"
// (stdout) is only checked. commit() then writes the streams, in order, and puts the
// files in place, in order. When putting one in place fails (a name created by someone
// else meanwhile, without -f), the ones before it are taken back: a new name is removed,
// and a replaced file gets its old content back (renameat2 RENAME_EXCHANGE, or a kept
// hard link or copy of the old file where that is missing). So a failure before commit()
// places anything leaves every old file as it was, and one after leaves the old files
// too, except what a stream already received. Throws Error(path, ...) for the file that
// failed. The data given to add() must stay valid until commit(). A group destroyed
// before commit() leaves nothing behind.
class FileGroup {
public:
    explicit FileGroup(bool force);
    ~FileGroup();
    FileGroup(const FileGroup&) = delete;
    FileGroup& operator=(const FileGroup&) = delete;
    void add(const std::string& path, ByteView data, Sensitivity s);
    void commit();

private:
    struct Member;
    std::vector<std::unique_ptr<Member>> members_;
    bool force_;
};

// True when the two output paths name the same file, existing or not (same folder and
// name, or the same regular file); two devices (/dev/null twice) are not the same file.
bool same_file(const std::string& a, const std::string& b);

// fsyncs a folder, so that the names linked into it are durable.
void sync_directory(const std::string& dir);

// Writes all of `data` to stdout. A private key is refused when stdout is a terminal.
void write_stdout(ByteView data, Sensitivity s);

// Creates `dir` (and parents) if missing: 0700 when it will hold private keys, else 0755.
// The folders it created are appended to *created, parents first.
void make_output_dir(const std::string& dir, Sensitivity s, std::vector<std::string>* created = nullptr);

}  // namespace keypipe
