// Value: one SQL datum.
//
// Types are strict (PostgreSQL-style): NULL, INTEGER (int64), REAL (double),
// TEXT, BLOB, BOOLEAN. A Value owns its bytes. Values are cheap to move and
// safe to share read-only across threads; a single Value is not synchronized.
//
// A Value takes 24 bytes: rows hold many, so their size decides how much
// memory scans, joins and sorts touch. Strings of up to 16 bytes are kept
// inline; longer ones in one heap block the Value owns. A moved-from Value
// is NULL.

#ifndef TESSERA_COMMON_VALUE_H_
#define TESSERA_COMMON_VALUE_H_

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"

namespace tessera {

enum class Type : uint8_t {
  kNull = 0,
  kInteger = 1,
  kReal = 2,
  kText = 3,
  kBlob = 4,
  kBoolean = 5,
  // SQLite's NUMERIC affinity, of a column or a CAST: what it holds or
  // gives is a number where it can be (INTEGER when that is exact), else
  // the value as it was. No value has this type.
  kNumeric = 6,
};

// "NULL", "INTEGER", "REAL", "TEXT", "BLOB", "BOOLEAN" or "NUMERIC".
absl::string_view TypeName(Type type);

class Value {
 public:
  // A NULL value.
  Value() : big_{nullptr, 0} {}
  Value(const Value& other) { CopyFrom(other); }
  Value(Value&& other) noexcept { TakeFrom(other); }
  Value& operator=(const Value& other) {
    if (this != &other) {
      Release();
      CopyFrom(other);
    }
    return *this;
  }
  Value& operator=(Value&& other) noexcept {
    if (this != &other) {
      Release();
      TakeFrom(other);
    }
    return *this;
  }
  ~Value() { Release(); }

  static Value Null() { return Value(); }
  static Value Integer(int64_t v);
  static Value Real(double v);
  static Value Text(absl::string_view v);
  static Value Blob(absl::string_view v);
  static Value Boolean(bool v);
  // TEXT that the JSON functions made (SQLite's JSON subtype): another JSON
  // function embeds it as JSON instead of as a string. The mark travels with
  // copies of the Value; it is not stored, so a value read back from a table
  // is plain TEXT. Comparisons ignore it.
  static Value Json(absl::string_view v);

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  // True for TEXT made by Json().
  bool is_json() const { return json_; }
  // True for INTEGER and REAL.
  bool is_numeric() const {
    return type_ == Type::kInteger || type_ == Type::kReal;
  }

  // Accessors: the caller must have checked type(); a wrong-type access
  // returns the zero value of the requested type rather than crashing.
  int64_t integer() const { return type_ == Type::kInteger ? int_ : 0; }
  double real() const { return type_ == Type::kReal ? real_ : 0.0; }
  bool boolean() const { return type_ == Type::kBoolean && int_ != 0; }
  // Bytes of a TEXT or BLOB value (empty for other types).
  absl::string_view bytes() const {
    if (type_ != Type::kText && type_ != Type::kBlob) return absl::string_view();
    return heap_ ? absl::string_view(big_.data, big_.size)
                 : absl::string_view(small_, small_size_);
  }

  // The numeric value as a double (INTEGER converted); 0 for non-numerics.
  double AsDouble() const;

  // Total order used for sorting and keys: NULL < BOOLEAN < numbers < TEXT <
  // BLOB. INTEGER and REAL compare numerically with each other (exactly, even
  // past 2^53). Among REALs, NaN sorts below every other number and equals
  // itself; -0.0 equals +0.0. Returns <0, 0 or >0.
  static int Compare(const Value& a, const Value& b);

  // SQL comparison with three-valued logic: nullopt when either side is NULL,
  // otherwise Compare(a, b).
  static std::optional<int> SqlCompare(const Value& a, const Value& b);

  // SQL `=`: nullopt when either side is NULL.
  static std::optional<bool> SqlEquals(const Value& a, const Value& b) {
    std::optional<int> c = SqlCompare(a, b);
    if (!c.has_value()) return std::nullopt;
    return *c == 0;
  }

  // Rendering for shells and error messages: NULL as "NULL", REAL with up to
  // 15 significant digits, BLOB as X'hex', BOOLEAN as true/false.
  std::string ToString() const;

  friend bool operator==(const Value& a, const Value& b) {
    return a.type_ == b.type_ && Compare(a, b) == 0;
  }
  friend bool operator!=(const Value& a, const Value& b) { return !(a == b); }

 private:
  static constexpr size_t kInlineBytes = 16;

  // A TEXT or BLOB value of `type` holding a copy of `bytes`.
  static Value String(Type type, absl::string_view bytes);
  void CopyFrom(const Value& other) {
    type_ = other.type_;
    json_ = other.json_;
    small_size_ = other.small_size_;
    heap_ = false;
    if (other.heap_) {
      CopyHeapBytes(other);
    } else {
      std::memcpy(&big_, &other.big_, sizeof(big_));  // whichever member is live
    }
  }
  // Gives this Value its own copy of other's heap bytes.
  void CopyHeapBytes(const Value& other);
  // Takes other's contents (its heap block too) and leaves it NULL.
  void TakeFrom(Value& other) noexcept {
    type_ = other.type_;
    json_ = other.json_;
    heap_ = other.heap_;
    small_size_ = other.small_size_;
    std::memcpy(&big_, &other.big_, sizeof(big_));  // whichever member is live
    other.type_ = Type::kNull;
    other.json_ = false;
    other.heap_ = false;
  }
  void Release() {
    if (heap_) delete[] big_.data;
    heap_ = false;
  }

  Type type_ = Type::kNull;
  bool heap_ = false;          // the bytes are in big_ (else small_)
  bool json_ = false;          // TEXT made by Json()
  uint8_t small_size_ = 0;     // length of an inline string
  union {
    int64_t int_;              // INTEGER, BOOLEAN
    double real_;              // REAL
    char small_[kInlineBytes];  // TEXT/BLOB of up to kInlineBytes bytes
    struct {
      char* data;
      size_t size;
    } big_;                    // longer TEXT/BLOB, owned
  };
};

static_assert(sizeof(Value) == 24, "Value is meant to stay small");

// A REAL as SQL that reads back as the same REAL: SQLite's 15 digits, 17
// where 15 do not round-trip, always with a '.' (also before an exponent:
// 1.0e+300), 9e999 for an infinity, NULL for NaN. For quote() and for SQL
// the AST printer stores (CHECK, DEFAULT), where 2.0 must stay REAL.
std::string RealLiteral(double d);

}  // namespace tessera

#endif  // TESSERA_COMMON_VALUE_H_
