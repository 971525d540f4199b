#pragma once
// A PostgreSQL 15 server of the test's own, for faults the shared test cluster must not see:
// listening on every address (so hosts in network namespaces reach it over a veth link),
// restarted mid-run, with TLS, or as a streaming standby. Runs as the unprivileged user
// meter-sync-pg when the test runs as root (as scripts/pg-cluster.sh does); stopped and
// deleted by the destructor.
#include <string>
#include <vector>

#include "support/process.hpp"

namespace reliability {

class PgServer {
 public:
  // initdb + start. `conf` lines go into postgresql.conf (e.g. "ssl = on").
  explicit PgServer(const std::vector<std::string>& conf = {});
  // A hot standby of `primary` (pg_basebackup -R), started on a port of its own.
  static PgServer standby_of(const PgServer& primary);
  ~PgServer();
  PgServer(PgServer&&) noexcept;
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  int port() const { return port_; }
  const std::string& dir() const { return dir_; }  // data directory is dir() + "/data"
  // "host=127.0.0.1 port=P user=postgres": the form METER_SYNC_TEST_PG takes.
  std::string conninfo() const;

  // pg_ctl <args> on this server as the cluster user; throws with pg_ctl's output on failure.
  testing_support::ProcessResult pg_ctl(const std::vector<std::string>& args) const;
  void restart_fast() const;
  void promote() const;

  // argv run as the cluster user (runuser when root), from "/" (root's cwd may be closed to it).
  static std::vector<std::string> as_cluster_user(const std::vector<std::string>& argv);
  static void chown_to_cluster_user(const std::string& path);

 private:
  struct Blank {};
  explicit PgServer(Blank) {}
  void start();
  std::string dir_;
  int port_ = 0;
};

// Points the TestDatabases of this process at `server` while in scope (METER_SYNC_TEST_PG).
class UseServer {
 public:
  explicit UseServer(const PgServer& server);
  ~UseServer();
  UseServer(const UseServer&) = delete;
  UseServer& operator=(const UseServer&) = delete;

 private:
  std::string previous_;
};

struct TestCa;
// The CA whose certificate the shared server presents, and the server the host-fault tests
// share (listening on every address, TLS on; started on first use, stopped at exit).
const TestCa& shared_ca();
PgServer& shared_server();

// argv with argv[0] looked up in PATH (run_process wants a path).
testing_support::ProcessResult run_cmd(const std::vector<std::string>& argv);
// The same; throws std::runtime_error naming the command and its output unless it exits 0.
testing_support::ProcessResult must_run(const std::vector<std::string>& argv);

}  // namespace reliability
