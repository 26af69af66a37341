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
  // Types `s` like a person: after a pause, so the line editor has set up
  // the terminal (libedit flushes input typed while it switches modes).
  void Send(const std::string& s) {
    usleep(100 * 1000);
    mark_ = all_.size();
    (void)!write(fd_, s.data(), s.size());
  }
  // Reads until `needle` appears in the output since the last Send (or 5 s
  // pass).
  bool WaitFor(const std::string& needle) {
    for (int i = 0; i < 500; ++i) {
      if (all_.find(needle, mark_) != std::string::npos) return true;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 10) > 0) {
        char buf[4096];
        ssize_t n = read(fd_, buf, sizeof buf);
        if (n > 0) all_.append(buf, n);
        if (n <= 0) break;
      }
    }
    return all_.find(needle, mark_) != std::string::npos;
  }
  // Waits up to 2 s for the child to exit; its status, or -1.
  int Wait() {
    int status = 0;
    for (int i = 0; i < 200; ++i) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 10) > 0) {
        char buf[4096];
        ssize_t n = read(fd_, buf, sizeof buf);
        if (n > 0) all_.append(buf, n);
      }
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
  size_t mark_ = 0;
};

TEST(TesseraPtyTest, InteractiveSession) {
  std::string tmp = std::getenv("TEST_TMPDIR");
  Pty pty(tmp, tmp + "/pty-store");
  ASSERT_TRUE(pty.WaitFor("tessera> ")) << pty.output();
  pty.Send("CREATE TABLE t(a INTEGER PRIMARY KEY);\r");
  ASSERT_TRUE(pty.WaitFor("tessera> ")) << pty.output();
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
  ASSERT_TRUE(pty.WaitFor("tessera> ")) << pty.output();
  // Ctrl-C drops pending input without leaving.
  pty.Send("SELECT 'never\r");
  ASSERT_TRUE(pty.WaitFor("-> ")) << pty.output();
  pty.Send("\x03");
  ASSERT_TRUE(pty.WaitFor("tessera> ")) << pty.output();
  pty.Send("SELECT 42 AS answer;\r");
  ASSERT_TRUE(pty.WaitFor("| answer |")) << pty.output();  // ran on its own
  // A syntax error shows the caret.
  pty.Send("SELEC 1;\r");
  ASSERT_TRUE(pty.WaitFor("SQLSTATE 42601")) << pty.output();
  ASSERT_TRUE(pty.WaitFor("\n^")) << pty.output();
  ASSERT_TRUE(pty.WaitFor("tessera> ")) << pty.output();
  // Ctrl-D leaves with status 0 and saves the history. (A key pressed while
  // the line editor resets the terminal can be discarded by it, so press
  // again if nothing happens, as a person would.)
  int status = -1;
  for (int attempt = 0; attempt < 3 && status == -1; ++attempt) {
    pty.Send("\x04");
    status = pty.Wait();
  }
  EXPECT_TRUE(status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << status << "\n" << pty.output();
  std::ifstream history(tmp + "/.tessera_history");
  std::stringstream h;
  h << history.rdbuf();
  EXPECT_TRUE(absl::StrContains(h.str(), "BEGIN;")) << h.str();
}

}  // namespace
