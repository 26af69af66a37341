// Drives `tessera sql` interactively through a pseudo-terminal, as a person
// at a terminal would: prompts, a multi-line statement, a transaction
// prompt, Ctrl-C dropping pending input, history saved on exit (Ctrl-D).

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/match.h"

namespace {

class Pty {
 public:
  explicit Pty(const std::string& home, const std::string& store) {
    pid_ = forkpty(&fd_, nullptr, nullptr, nullptr);
    if (pid_ == 0) {
      setenv("HOME", home.c_str(), 1);
      setenv("TERM", "dumb", 1);
      execl("./tessera", "./tessera", "sql", "--store", store.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~Pty() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(fd_);
  }
  void Send(const std::string& s) { (void)!write(fd_, s.data(), s.size()); }
  // Reads until `needle` appears in everything read so far (or 5 s pass).
  bool WaitFor(const std::string& needle) {
    for (int i = 0; i < 500; ++i) {
      if (absl::StrContains(all_, needle)) return true;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 10) > 0) {
        char buf[4096];
        ssize_t n = read(fd_, buf, sizeof buf);
        if (n > 0) all_.append(buf, n);
        if (n <= 0) break;
      }
    }
    return absl::StrContains(all_, needle);
  }
  int Wait() {
    int status = 0;
    for (int i = 0; i < 500; ++i) {
      WaitFor("\x01never");  // drain output
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return status;
      }
    }
    return -1;
  }
  const std::string& output() const { return all_; }

 private:
  int fd_ = -1;
  pid_t pid_ = -1;
  std::string all_;
};

TEST(TesseraPtyTest, InteractiveSession) {
  std::string tmp = std::getenv("TEST_TMPDIR");
  Pty pty(tmp, tmp + "/pty-store");
  ASSERT_TRUE(pty.WaitFor("tessera> ")) << pty.output();
  pty.Send("CREATE TABLE t(a INTEGER PRIMARY KEY);\r");
  pty.Send("INSERT INTO t VALUES (1), (2);\r");
  ASSERT_TRUE(pty.WaitFor("2 rows affected")) << pty.output();
  // A statement over two lines shows the continuation prompt.
  pty.Send("SELECT count(*) AS n\r");
  ASSERT_TRUE(pty.WaitFor("-> ")) << pty.output();
  pty.Send("FROM t;\r");
  ASSERT_TRUE(pty.WaitFor("(1 row)")) << pty.output();
  // The prompt shows an open transaction.
  pty.Send("BEGIN;\r");
  ASSERT_TRUE(pty.WaitFor("tessera*> ")) << pty.output();
  pty.Send("ROLLBACK;\r");
  // Ctrl-C drops pending input without leaving.
  pty.Send("SELECT 'never\r");
  pty.Send("\x03");
  pty.Send("SELECT 42 AS answer;\r");
  ASSERT_TRUE(pty.WaitFor("| answer |")) << pty.output();  // ran as its own statement
  EXPECT_FALSE(absl::StrContains(pty.output(), "never'")) << pty.output();
  // A syntax error shows the caret.
  pty.Send("SELEC 1;\r");
  ASSERT_TRUE(pty.WaitFor("SQLSTATE 42601")) << pty.output();
  // Ctrl-D leaves with status 0 and saves the history.
  pty.Send("\x04");
  int status = pty.Wait();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  std::ifstream history(tmp + "/.tessera_history");
  std::stringstream h;
  h << history.rdbuf();
  EXPECT_TRUE(absl::StrContains(h.str(), "BEGIN;")) << h.str();
}

}  // namespace
