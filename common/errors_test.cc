#include "common/errors.h"

#include <gtest/gtest.h>

namespace tessera {
namespace {

TEST(ErrorsTest, TypedErrorRoundTrips) {
  absl::Status s = MakeTypedError(absl::StatusCode::kFailedPrecondition,
                                  "range moved", ErrorKind::kRangeMoved,
                                  std::string("\x00\x01zz", 4));
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "range moved");
  std::optional<ErrorDetail> d = GetErrorDetail(s);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->kind, ErrorKind::kRangeMoved);
  EXPECT_EQ(d->bytes, std::string("\x00\x01zz", 4));
  EXPECT_TRUE(HasErrorKind(s, ErrorKind::kRangeMoved));
  EXPECT_FALSE(HasErrorKind(s, ErrorKind::kWriteTooOld));
}

TEST(ErrorsTest, PlainStatusHasNoDetail) {
  EXPECT_FALSE(GetErrorDetail(absl::InternalError("x")).has_value());
  EXPECT_FALSE(GetErrorDetail(absl::OkStatus()).has_value());
}

TEST(ErrorsTest, DetailSurvivesCopy) {
  absl::Status s = MakeTypedError(absl::StatusCode::kAborted, "too old",
                                  ErrorKind::kWriteTooOld, "ts");
  absl::Status copy = s;
  EXPECT_TRUE(HasErrorKind(copy, ErrorKind::kWriteTooOld));
}

}  // namespace
}  // namespace tessera
