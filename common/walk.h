// The command line's INPUT list as a list of inputs: files as given, and with -r the
// regular files under each folder, sorted, with hidden entries, symbolic links and
// --exclude matches left out unless asked for.
#pragma once

#include "cli.h"

#include <string>
#include <vector>

namespace keypipe {

struct WalkOptions {
    bool recursive = false;             // -r: folders given as INPUT are walked
    bool hidden = false;                // --hidden: include .names
    bool follow = false;                // --follow-symlinks
    std::vector<std::string> exclude;   // --exclude GLOB: against the path below the folder
    size_t max_entries = max_inputs;    // files and folders together
};

// Folders are tracked by (device, inode): with --follow-symlinks, a link back to a folder
// already walked (a loop) is an input marked skipped ("symlink loop"), once, and a folder
// that cannot be read is an input marked failed, so the rest of the batch goes on.
// Throws Error when a walk finds more than max_entries files and folders.
std::vector<Input> expand_inputs(const std::vector<std::string>& paths, const WalkOptions& options);

// rsync and fd's reading of --exclude: a pattern without '/' matches any file or folder
// name at any depth; one with '/' matches the whole relative path (* stays within a name).
bool excluded(const std::string& relative_path, const std::vector<std::string>& patterns);

}  // namespace keypipe
