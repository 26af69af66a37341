// The embedded C++ API in one program: a tiny bank with a retried transfer.
//   bazel run //examples:kv_example -- /tmp/bank

#include <tessera/database.h>

#include <iostream>

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : "bank-data";
  auto db = tessera::Database::Open(dir);
  if (!db.ok()) {
    std::cerr << db.status() << "\n";
    return 1;
  }
  auto conn = (*db)->Connect();
  auto check = [](const absl::Status& s) {
    if (!s.ok()) {
      std::cerr << s << "\n";
      std::exit(1);
    }
  };
  check(conn->Execute("CREATE TABLE IF NOT EXISTS acct(id INTEGER PRIMARY KEY, bal INTEGER)").status());
  check(conn->Execute("INSERT OR IGNORE INTO acct VALUES (1, 100), (2, 0)").status());
  check(conn->RunTransaction([](tessera::Connection& c) -> absl::Status {
    auto debit = c.Prepare("UPDATE acct SET bal = bal - ? WHERE id = ?");
    if (!debit.ok()) return debit.status();
    (*debit)->Bind(1, 30);
    (*debit)->Bind(2, 1);
    if (auto r = (*debit)->Execute(); !r.ok()) return r.status();
    return c.Execute("UPDATE acct SET bal = bal + 30 WHERE id = 2").status();
  }));
  auto rs = conn->Execute("SELECT id, bal FROM acct ORDER BY id");
  check(rs.status());
  while (rs->Next()) std::cout << rs->GetInt64(0) << " " << rs->GetInt64(1) << "\n";
  return 0;
}
