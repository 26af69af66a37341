#include "common/hlc.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/coding.h"

namespace tessera {

Timestamp Timestamp::Next() const {
  if (logical == UINT32_MAX) return Timestamp{wall_ms + 1, 0};
  return Timestamp{wall_ms, logical + 1};
}

Timestamp Timestamp::Prev() const {
  if (logical > 0) return Timestamp{wall_ms, logical - 1};
  if (wall_ms > 0) return Timestamp{wall_ms - 1, UINT32_MAX};
  return *this;
}

std::string Timestamp::ToString() const {
  return absl::StrCat(wall_ms, ".", logical);
}

void EncodeTimestamp(Timestamp ts, std::string* dst) {
  PutFixed64BE(dst, static_cast<uint64_t>(ts.wall_ms));
  PutFixed32BE(dst, ts.logical);
}

absl::Status DecodeTimestamp(absl::string_view* in, Timestamp* ts) {
  uint64_t wall = 0;
  uint32_t logical = 0;
  if (absl::Status s = GetFixed64BE(in, &wall); !s.ok()) return s;
  if (absl::Status s = GetFixed32BE(in, &logical); !s.ok()) return s;
  if (wall > static_cast<uint64_t>(INT64_MAX)) {
    return absl::DataLossError("corrupt timestamp: negative wall time");
  }
  ts->wall_ms = static_cast<int64_t>(wall);
  ts->logical = logical;
  return absl::OkStatus();
}

SystemClock* SystemClock::Default() {
  static SystemClock* clock = new SystemClock();
  return clock;
}

HybridClock::HybridClock(PhysicalClock* physical, absl::Duration max_offset)
    : physical_(physical), max_offset_(max_offset) {}

Timestamp HybridClock::Now() {
  int64_t pt = physical_->NowMillis();
  absl::MutexLock l(&mu_);
  if (pt > last_.wall_ms) {
    last_ = Timestamp{pt, 0};
  } else {
    last_ = last_.Next();
  }
  return last_;
}

absl::StatusOr<Timestamp> HybridClock::Update(Timestamp remote) {
  int64_t pt = physical_->NowMillis();
  if (remote.wall_ms - pt > absl::ToInt64Milliseconds(max_offset_)) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "remote timestamp %s is %d ms ahead of the local clock; the maximum "
        "tolerated offset is %d ms",
        remote.ToString(), remote.wall_ms - pt,
        absl::ToInt64Milliseconds(max_offset_)));
  }
  absl::MutexLock l(&mu_);
  Timestamp highest = std::max(last_, remote);
  if (pt > highest.wall_ms) {
    last_ = Timestamp{pt, 0};
  } else {
    last_ = highest.Next();
  }
  return last_;
}

void HybridClock::ForwardTo(Timestamp ts) {
  absl::MutexLock l(&mu_);
  if (ts > last_) last_ = ts;
}

}  // namespace tessera
