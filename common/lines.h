// Reading text line by line, bounded: the one line splitter of the PEM and OpenSSH
// public-key readers.
#pragma once

#include "error.h"

#include <string>
#include <string_view>

namespace keypipe {

// The lines of `text` without their line ends (LF or CRLF: a CR before the LF is dropped),
// numbered from 1. A line longer than `max_bytes` is an Error ("line N: longer than M
// bytes"), so that a reader never holds or scans an unbounded line.
class Lines {
public:
    Lines(std::string_view text, size_t max_bytes) : text_(text), max_bytes_(max_bytes) {}
    // The next line; false at the end. Throws Error for an overlong line.
    bool next(std::string_view& line) {
        if (pos_ >= text_.size()) return false;
        size_t end = text_.find('\n', pos_);
        if (end == std::string_view::npos) end = text_.size();
        if (end - pos_ > max_bytes_)
            throw Error("line " + std::to_string(number_ + 1) + ": longer than " + std::to_string(max_bytes_) + " bytes");
        line = text_.substr(pos_, end - pos_);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        pos_ = end + 1;
        ++number_;
        return true;
    }
    // The number of the line next() returned last.
    size_t number() const { return number_; }

private:
    std::string_view text_;
    size_t max_bytes_;
    size_t pos_ = 0, number_ = 0;
};

}  // namespace keypipe
