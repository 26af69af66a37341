// Characters of UTF-8 text, for the SQL functions that count, cut and
// compare by character. Lenient: a byte that does not start a well-formed
// sequence counts as one character of its own value, so no input is
// refused (statement text is validated strictly by the parser instead).
// All functions are pure and thread-safe.

#ifndef TESSERA_COMMON_UTF8_H_
#define TESSERA_COMMON_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace tessera::utf8 {

// Characters in `s` (bytes that do not continue a sequence).
size_t CharCount(absl::string_view s);

// Bytes taken by the first `chars` characters of `s` (all of it if fewer).
size_t PrefixBytes(absl::string_view s, int64_t chars);

// The code points of `s`.
std::vector<uint32_t> Decode(absl::string_view s);

// The code point `s` starts with and the bytes it takes; {byte, 1} when s
// does not start with a well-formed sequence. `s` must not be empty.
struct CodePoint {
  uint32_t value;
  size_t bytes;
};
CodePoint First(absl::string_view s);

// Appends `cp` encoded; code points past U+10FFFF and surrogates become
// U+FFFD, so the text stays valid.
void Append(uint32_t cp, std::string* out);

}  // namespace tessera::utf8

#endif  // TESSERA_COMMON_UTF8_H_
