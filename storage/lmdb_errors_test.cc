// LMDB failure modes map to clear Status errors; nothing crashes.

#include <gtest/gtest.h>

#include <fstream>

#include "storage/engine.h"
#include "storage/test_util.h"

namespace tessera::storage {
namespace {

TEST(LmdbErrorsTest, ReadersFullIsResourceExhausted) {
  EngineOptions o;
  o.max_readers = 2;
  o.durable = false;
  auto e = Engine::Open(testing::NewTempDir("readers"), o);
  ASSERT_TRUE(e.ok()) << e.status();
  auto s1 = (*e)->NewSnapshot();
  auto s2 = (*e)->NewSnapshot();
  ASSERT_TRUE(s1.ok() && s2.ok());
  auto s3 = (*e)->NewSnapshot();
  ASSERT_FALSE(s3.ok());
  EXPECT_EQ(s3.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(s3.status().message().find("readers"), std::string::npos)
      << s3.status();
  s1->reset();
  EXPECT_TRUE((*e)->NewSnapshot().ok());  // a slot is free again
}

TEST(LmdbErrorsTest, CorruptStoreFileIsDataLoss) {
  std::string dir = testing::NewTempDir("corrupt");
  {
    std::ofstream f(dir + "/data.mdb", std::ios::binary);
    std::string junk(64 * 1024, '\x5a');
    f.write(junk.data(), junk.size());
  }
  auto e = Engine::Open(dir);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), absl::StatusCode::kDataLoss) << e.status();
  EXPECT_NE(e.status().message().find(dir), std::string::npos);
}

TEST(LmdbErrorsTest, StorePathThatIsAFileIsAnError) {
  std::string dir = testing::NewTempDir("notdir");
  std::string file = dir + "/plain-file";
  std::ofstream(file) << "x";
  auto e = Engine::Open(file);
  EXPECT_FALSE(e.ok());
}

TEST(LmdbErrorsTest, ZeroReadersRejected) {
  EngineOptions o;
  o.max_readers = 0;
  EXPECT_EQ(Engine::Open(testing::NewTempDir("zero"), o).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(LmdbErrorsTest, ErrorMapping) {
  EXPECT_TRUE(LmdbError(MDB_SUCCESS, "x").ok());
  EXPECT_EQ(LmdbError(MDB_CORRUPTED, "x").code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(LmdbError(ENOSPC, "commit").code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_NE(LmdbError(ENOSPC, "commit").message().find("disk full"),
            std::string::npos);
  EXPECT_EQ(LmdbError(EACCES, "open").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(LmdbError(MDB_PANIC, "x").code(), absl::StatusCode::kInternal);
}

TEST(LmdbErrorsTest, GrowingWhileSnapshotIsHeldFailsClearlyThenRecovers) {
  EngineOptions o;
  o.initial_map_size = 1 << 20;
  o.durable = false;
  o.resize_wait = absl::Milliseconds(100);
  auto e = Engine::Open(testing::NewTempDir("held"), o);
  ASSERT_TRUE(e.ok());
  auto snap = (*e)->NewSnapshot();
  ASSERT_TRUE(snap.ok());
  absl::Status s;
  int i = 0;
  for (; i < 1000 && s.ok(); ++i) {
    WriteBatch b;
    b.Put("k" + std::to_string(i), Timestamp{1, 0}, std::string(4000, 'x'));
    s = (*e)->Write(b);
  }
  ASSERT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(s.message().find("snapshots"), std::string::npos) << s;
  snap->reset();
  WriteBatch b;
  b.Put("after", Timestamp{1, 0}, std::string(4000, 'x'));
  EXPECT_TRUE((*e)->Write(b).ok());
}

}  // namespace
}  // namespace tessera::storage
