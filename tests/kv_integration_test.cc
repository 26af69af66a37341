// Integration: storage + kv together, across splits and restarts. Writes go
// through the DistSender over many ranges; the node is closed and reopened
// (as a restart would) between phases; everything acknowledged must be there,
// with the same ranges.

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/hlc.h"
#include "kv/dist_sender.h"
#include "kv/local_transport.h"
#include "kv/store.h"
#include "storage/engine.h"
#include "storage/test_util.h"

namespace tessera {
namespace {

std::string Key(int i) { return absl::StrFormat("t/%06d", i); }

struct Node {
  std::unique_ptr<storage::Engine> engine;
  std::unique_ptr<kv::Store> store;
  kv::LocalTransport transport;
  std::unique_ptr<kv::DistSender> sender;
};

class KvIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::NewTempDir("kv-integration"); }

  void Start() {
    node_ = std::make_unique<Node>();
    storage::EngineOptions o;
    o.initial_map_size = 1 << 20;  // grows during the test
    auto e = storage::Engine::Open(dir_, o);
    ASSERT_TRUE(e.ok()) << e.status();
    node_->engine = std::move(*e);
    auto s = kv::Store::Open(1, node_->engine.get(), &clock_);
    ASSERT_TRUE(s.ok()) << s.status();
    node_->store = std::move(*s);
    node_->transport.AddStore(node_->store.get());
    node_->sender = std::make_unique<kv::DistSender>(&node_->transport, 1);
  }
  void Stop() { node_.reset(); }

  absl::StatusOr<kv::BatchResponse> Send(std::vector<kv::KvRequest> reqs) {
    kv::BatchRequest b;
    b.header.ts = clock_.Now();
    b.requests = std::move(reqs);
    return node_->sender->Send(b);
  }

  std::string dir_;
  HybridClock clock_{SystemClock::Default(), absl::Milliseconds(500)};
  std::unique_ptr<Node> node_;
};

TEST_F(KvIntegrationTest, WritesAcrossSplitsSurviveRestarts) {
  std::mt19937 rng(11);
  std::map<std::string, std::string> model;
  for (int phase = 0; phase < 4; ++phase) {
    Start();
    for (int round = 0; round < 50; ++round) {
      if (round % 7 == 0) {
        // Splits may hit an existing boundary; that is a clean error.
        (void)node_->store->SplitRange(Key(rng() % 5000));
      }
      std::vector<kv::KvRequest> reqs;
      std::map<std::string, std::string> batch;
      for (int i = 0; i < 40; ++i) {
        std::string k = Key(rng() % 5000);
        std::string v = absl::StrCat(phase, ".", round, ".", i,
                                     std::string(rng() % 300, 'x'));
        batch[k] = v;
      }
      for (auto& [k, v] : batch) reqs.push_back(kv::KvRequest::Put(k, v));
      ASSERT_TRUE(Send(reqs).ok());
      for (auto& [k, v] : batch) model[k] = v;
    }
    std::vector<kv::RangeDescriptor> ranges = node_->store->Ranges();
    Stop();
    Start();
    EXPECT_EQ(node_->store->Ranges(), ranges) << "ranges changed on restart";
    auto all = Send({kv::KvRequest::Scan(Key(0), Key(5000))});
    ASSERT_TRUE(all.ok()) << all.status();
    std::map<std::string, std::string> got(all->responses[0].rows.begin(),
                                           all->responses[0].rows.end());
    ASSERT_EQ(got, model) << "phase " << phase;
    Stop();
  }
}

TEST_F(KvIntegrationTest, TransactionalIntentsPersistAcrossRestart) {
  Start();
  storage::TxnId txn = storage::TxnId::Random();
  kv::BatchRequest b;
  b.header.ts = clock_.Now();
  b.header.txn = txn;
  b.requests = {kv::KvRequest::Put(Key(1), "a"), kv::KvRequest::Put(Key(2), "b")};
  ASSERT_TRUE(node_->sender->Send(b).ok());
  Timestamp write_ts = b.header.ts;
  Stop();
  Start();  // a restarted node rebuilds its view from LMDB alone
  auto blocked = Send({kv::KvRequest::Get(Key(1))});
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(storage::GetIntentConflict(blocked.status())->txn_id, txn);
  storage::WriteBatch resolve;
  resolve.ResolveIntent(Key(1), txn, true, write_ts);
  resolve.ResolveIntent(Key(2), txn, true, write_ts);
  ASSERT_TRUE(node_->engine->Write(resolve).ok());
  auto r = Send({kv::KvRequest::Get(Key(1)), kv::KvRequest::Get(Key(2))});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->responses[0].value, "a");
  EXPECT_EQ(r->responses[1].value, "b");
}

}  // namespace
}  // namespace tessera
