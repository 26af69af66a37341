// A one-node cluster in this process for tests: engine, store, transport,
// DistSender and TxnCoordinator wired together over a temporary directory.

#ifndef TESSERA_TXN_TEST_CLUSTER_H_
#define TESSERA_TXN_TEST_CLUSTER_H_

#include <memory>
#include <string>

#include "common/hlc.h"
#include "kv/dist_sender.h"
#include "kv/local_transport.h"
#include "kv/store.h"
#include "storage/engine.h"
#include "txn/txn.h"

namespace tessera::txn {

struct TestCluster {
  // Aborts the test binary if the store cannot be opened.
  explicit TestCluster(const std::string& name);

  HybridClock clock{SystemClock::Default(), absl::Milliseconds(500)};
  std::unique_ptr<storage::Engine> engine;
  std::unique_ptr<kv::Store> store;
  kv::LocalTransport transport;
  std::unique_ptr<kv::DistSender> sender;
  std::unique_ptr<TxnCoordinator> coordinator;
};

}  // namespace tessera::txn

#endif  // TESSERA_TXN_TEST_CLUSTER_H_
