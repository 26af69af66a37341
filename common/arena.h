// Arena: owns copies of many small byte strings in a few large blocks, so
// keeping a string costs no allocation of its own (a transaction's write
// buffer keeps every key and value it is given).
//
// The views Copy() returns stay valid and unchanged until Clear() or the
// arena's destruction. Not thread-safe.

#ifndef TESSERA_COMMON_ARENA_H_
#define TESSERA_COMMON_ARENA_H_

#include <cstddef>
#include <memory>
#include <vector>

#include "absl/strings/string_view.h"

namespace tessera {

class Arena {
 public:
  // The first kInlineBytes bytes live in the arena object itself, so a
  // small user (a one-row transaction) allocates nothing.
  static constexpr size_t kInlineBytes = 256;

  // Blocks are `block_size` bytes; a string larger than a quarter block
  // gets a block of its own, so little space is left unused.
  explicit Arena(size_t block_size = 64 * 1024)
      : block_size_(block_size), next_(inline_), left_(kInlineBytes) {}
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // A copy of `bytes` owned by the arena.
  absl::string_view Copy(absl::string_view bytes);
  // `n` uninitialized bytes owned by the arena, for the caller to fill
  // (and overwrite later if it likes).
  char* Allocate(size_t n);

  // Frees every block; all views handed out become invalid.
  void Clear();

  // Bytes handed out by Copy() since the last Clear().
  size_t used() const { return used_; }

 private:
  const size_t block_size_;
  std::vector<std::unique_ptr<char[]>> blocks_;
  char inline_[kInlineBytes];
  char* next_;  // free space in the newest regular block (or inline_)
  size_t left_;
  size_t used_ = 0;
};

}  // namespace tessera

#endif  // TESSERA_COMMON_ARENA_H_
