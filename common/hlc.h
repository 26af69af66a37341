// Hybrid logical clock (HLC).
//
// A Timestamp is (physical milliseconds, logical counter). Every node keeps a
// HybridClock; every message carries a timestamp and the receiver folds it in
// with Update(), so causally later events get larger timestamps even when
// physical clocks disagree (within max_offset).

#ifndef TESSERA_COMMON_HLC_H_
#define TESSERA_COMMON_HLC_H_

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace tessera {

struct Timestamp {
  int64_t wall_ms = 0;
  uint32_t logical = 0;

  static constexpr Timestamp Min() { return Timestamp{0, 0}; }
  static constexpr Timestamp Max() {
    return Timestamp{INT64_MAX, UINT32_MAX};
  }
  bool IsZero() const { return wall_ms == 0 && logical == 0; }
  // The smallest timestamp strictly greater than this one.
  Timestamp Next() const;
  // The largest timestamp strictly smaller than this one (Min stays Min).
  Timestamp Prev() const;
  // "wall_ms.logical", e.g. "1700000000123.4".
  std::string ToString() const;
  // One increasing integer: the wall time above the low 20 bits of the
  // logical counter (a hidden rowid, a trigger's creation order).
  int64_t AsInt64() const { return (wall_ms << 20) | (logical & 0xFFFFF); }

  friend bool operator==(Timestamp a, Timestamp b) {
    return a.wall_ms == b.wall_ms && a.logical == b.logical;
  }
  friend bool operator!=(Timestamp a, Timestamp b) { return !(a == b); }
  friend bool operator<(Timestamp a, Timestamp b) {
    return a.wall_ms < b.wall_ms ||
           (a.wall_ms == b.wall_ms && a.logical < b.logical);
  }
  friend bool operator<=(Timestamp a, Timestamp b) { return !(b < a); }
  friend bool operator>(Timestamp a, Timestamp b) { return b < a; }
  friend bool operator>=(Timestamp a, Timestamp b) { return !(a < b); }
};

// Appends 12 bytes (8 wall, 4 logical, big-endian) to `*dst`.
void EncodeTimestamp(Timestamp ts, std::string* dst);
// Reads 12 bytes from the front of `*in`; kDataLoss when too short or the
// wall time is negative.
absl::Status DecodeTimestamp(absl::string_view* in, Timestamp* ts);

// Source of physical time in milliseconds. Implementations are thread-safe.
class PhysicalClock {
 public:
  virtual ~PhysicalClock() = default;
  virtual int64_t NowMillis() = 0;
};

// The machine's wall clock.
class SystemClock : public PhysicalClock {
 public:
  int64_t NowMillis() override { return absl::ToUnixMillis(absl::Now()); }
  // A process-wide instance; never destroyed.
  static SystemClock* Default();
};

// A clock tests move by hand. Thread-safe.
class ManualClock : public PhysicalClock {
 public:
  explicit ManualClock(int64_t start_ms) : now_ms_(start_ms) {}
  int64_t NowMillis() override {
    absl::MutexLock l(&mu_);
    return now_ms_;
  }
  void Set(int64_t ms) {
    absl::MutexLock l(&mu_);
    now_ms_ = ms;
  }
  void Advance(int64_t ms) {
    absl::MutexLock l(&mu_);
    now_ms_ += ms;
  }

 private:
  absl::Mutex mu_;
  int64_t now_ms_ ABSL_GUARDED_BY(mu_);
};

// Thread-safe. Now() is strictly monotonic across all callers.
class HybridClock {
 public:
  // `physical` is not owned and must outlive the clock. A remote timestamp
  // more than `max_offset` ahead of our physical time is rejected.
  HybridClock(PhysicalClock* physical, absl::Duration max_offset);

  // Returns a timestamp greater than every timestamp this clock returned or
  // was updated with before.
  Timestamp Now();

  // Folds a timestamp received from another node into this clock. Returns the
  // clock's new value (greater than both `remote` and the previous value), or
  // kFailedPrecondition when `remote` is beyond max_offset of our physical
  // clock (the clock is then left unchanged).
  absl::StatusOr<Timestamp> Update(Timestamp remote);

  // Makes every later Now() greater than `ts`, whatever the physical clock
  // says (used on restart with the highest timestamp the store persisted).
  void ForwardTo(Timestamp ts);

  absl::Duration max_offset() const { return max_offset_; }

 private:
  PhysicalClock* const physical_;
  const absl::Duration max_offset_;
  absl::Mutex mu_;
  Timestamp last_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tessera

#endif  // TESSERA_COMMON_HLC_H_
