#include "common/arena.h"

#include <cstring>

namespace tessera {

absl::string_view Arena::Copy(absl::string_view bytes) {
  if (bytes.empty()) return absl::string_view();
  char* out = Allocate(bytes.size());
  std::memcpy(out, bytes.data(), bytes.size());
  return absl::string_view(out, bytes.size());
}

char* Arena::Allocate(size_t n) {
  used_ += n;
  if (n == 0) return nullptr;
  char* out;
  if (n > left_ && n > block_size_ / 4) {
    // A block of its own; the current block keeps its free space.
    blocks_.push_back(std::make_unique<char[]>(n));
    out = blocks_.back().get();
  } else {
    if (n > left_) {
      blocks_.push_back(std::make_unique_for_overwrite<char[]>(block_size_));
      next_ = blocks_.back().get();
      left_ = block_size_;
    }
    out = next_;
    next_ += n;
    left_ -= n;
  }
  return out;
}

void Arena::Clear() {
  blocks_.clear();
  next_ = inline_;
  left_ = kInlineBytes;
  used_ = 0;
}

}  // namespace tessera
