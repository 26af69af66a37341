// Order-preserving key encoding.
//
// EncodeKeyValue() appends a self-delimiting encoding of a Value such that,
// for two values of the same column type (NULL allowed), memcmp order of the
// encodings equals Value::Compare order (ascending), or its reverse
// (descending). Because every encoding is self-delimiting and no encoding is
// a proper prefix of another, encodings concatenate into composite keys that
// sort column by column.
//
// Layout (ascending; descending inverts every byte):
//   NULL     0x05                       (NULLs first ascending, last descending)
//   BOOLEAN  0x10 then 0x00 | 0x01
//   INTEGER  0x20 then 8 bytes big-endian of (v XOR 2^63)
//   REAL     0x28 then 8 bytes: IEEE bits with the sign flipped (positives) or
//            all bits flipped (negatives); -0.0 is encoded as +0.0 and every
//            NaN as 8 zero bytes, below -Inf (Value::Compare's NaN policy).
//   TEXT     0x30 then bytes with 0x00 escaped as 0x00 0xFF, ended by 0x00 0x01
//   BLOB     0x40 then the same escaping as TEXT
// INTEGER and REAL use different tags: a key column has one strict type, so
// mixed INTEGER/REAL keys in one column are not order-preserving.

#ifndef TESSERA_COMMON_KEY_ENCODING_H_
#define TESSERA_COMMON_KEY_ENCODING_H_

#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "common/value.h"

namespace tessera {

enum class SortOrder : uint8_t { kAscending = 0, kDescending = 1 };

// Appends the encoding of `value` to `*dst`.
void EncodeKeyValue(const Value& value, SortOrder order, std::string* dst);

// Decodes one value from the front of `*in` and advances it. Returns
// kDataLoss on malformed input; never reads past the end.
absl::Status DecodeKeyValue(absl::string_view* in, SortOrder order, Value* out);

// Composite helpers: encode/decode a tuple where column i uses orders[i].
// `orders` must have values.size() entries.
void EncodeKeyTuple(const std::vector<Value>& values,
                    const std::vector<SortOrder>& orders, std::string* dst);
absl::Status DecodeKeyTuple(absl::string_view* in,
                            const std::vector<SortOrder>& orders,
                            std::vector<Value>* out);

// Returns the smallest key greater than every key that has `prefix` as a
// prefix, or "" when none exists (prefix is all 0xFF). Used for span ends.
std::string PrefixEnd(absl::string_view prefix);

}  // namespace tessera

#endif  // TESSERA_COMMON_KEY_ENCODING_H_
