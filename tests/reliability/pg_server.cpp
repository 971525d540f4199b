#include "reliability/pg_server.hpp"
#include "reliability/test_ca.hpp"

#include <arpa/inet.h>
#include <glob.h>
#include <signal.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace reliability {
namespace {

const std::string pgbin = "/usr/lib/postgresql/15/bin/";
const std::string cluster_user = "meter-sync-pg";

bool is_root() { return geteuid() == 0; }

// A TCP port free on every address (the server listens on all of them).
int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  socklen_t len = sizeof a;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    throw std::runtime_error("no free TCP port");
  close(fd);
  return ntohs(a.sin_port);
}

// Servers left running by a test process that was killed (a ctest timeout): stopped, deleted.
void remove_stale_servers() {
  glob_t found{};
  if (glob("/tmp/meter-sync-host-pg.*/owner", 0, nullptr, &found) == 0) {
    for (size_t i = 0; i < found.gl_pathc; ++i) {
      const std::string owner_file = found.gl_pathv[i];
      const std::string dir = owner_file.substr(0, owner_file.rfind('/'));
      int pid = 0;
      std::ifstream(owner_file) >> pid;
      if (pid <= 0 || kill(pid, 0) == 0) continue;
      run_cmd(PgServer::as_cluster_user({pgbin + "pg_ctl", "-D", dir + "/data", "-m", "immediate", "-s", "stop"}));
      run_cmd({"rm", "-rf", dir});
    }
  }
  globfree(&found);
}

std::string make_dir() {
  remove_stale_servers();
  std::string tmpl = "/tmp/meter-sync-host-pg.XXXXXX";
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  std::ofstream(tmpl + "/owner") << getpid() << "\n";
  if (is_root()) {
    must_run({"chmod", "0755", tmpl});
    PgServer::chown_to_cluster_user(tmpl);
  }
  return tmpl;
}

std::string server_options(int port, const std::string& dir) {
  return "-c listen_addresses=* -p " + std::to_string(port) + " -k " + dir +
         " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100";
}

}  // namespace

testing_support::ProcessResult run_cmd(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0].find('/') != std::string::npos) return testing_support::run_process(argv);
  std::vector<std::string> with_path = {"/usr/bin/env"};  // looks the program up in PATH
  with_path.insert(with_path.end(), argv.begin(), argv.end());
  return testing_support::run_process(with_path);
}

testing_support::ProcessResult must_run(const std::vector<std::string>& argv) {
  auto r = run_cmd(argv);
  if (r.exit_code != 0) {
    std::string cmd;
    for (const auto& a : argv) cmd += (cmd.empty() ? "" : " ") + a;
    throw std::runtime_error(cmd + " exited " + std::to_string(r.exit_code) + ": " + r.err + r.out);
  }
  return r;
}

std::vector<std::string> PgServer::as_cluster_user(const std::vector<std::string>& argv) {
  std::vector<std::string> out = {"/bin/sh", "-c", "cd / && exec \"$@\"", "sh"};
  if (is_root()) out.insert(out.end(), {"runuser", "-u", cluster_user, "--"});
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

void PgServer::chown_to_cluster_user(const std::string& path) {
  if (!is_root()) return;
  if (run_cmd({"id", "-u", cluster_user}).exit_code != 0)
    must_run({"useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", cluster_user});
  must_run({"chown", cluster_user, path});
}

PgServer::PgServer(const std::vector<std::string>& conf) : dir_(make_dir()), port_(free_port()) {
  must_run(as_cluster_user({pgbin + "initdb", "-D", dir_ + "/data", "--username=postgres", "--auth=trust",
                            "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"}));
  std::ofstream out(dir_ + "/data/postgresql.conf", std::ios::app);
  for (const auto& line : conf) out << line << "\n";
  out.close();
  // the test hosts' links (netns.cpp): 10.231.0.0/16
  std::ofstream(dir_ + "/data/pg_hba.conf", std::ios::app) << "host all all 10.231.0.0/16 trust\n";
  start();
}

PgServer PgServer::standby_of(const PgServer& primary) {
  PgServer s{Blank{}};
  s.dir_ = make_dir();
  s.port_ = free_port();
  must_run(as_cluster_user({pgbin + "pg_basebackup", "-h", "127.0.0.1", "-p", std::to_string(primary.port_),
                            "-U", "postgres", "-D", s.dir_ + "/data", "-R", "-X", "stream", "--no-sync"}));
  must_run(as_cluster_user({"/bin/sh", "-c", "echo 'hot_standby = on' >> " + s.dir_ + "/data/postgresql.conf"}));
  s.start();
  return s;
}

void PgServer::start() {
  must_run(as_cluster_user({pgbin + "pg_ctl", "-D", dir_ + "/data", "-l", dir_ + "/server.log", "-w", "-s",
                            "start", "-o", server_options(port_, dir_)}));
}

PgServer::PgServer(PgServer&& o) noexcept : dir_(std::move(o.dir_)), port_(o.port_) { o.dir_.clear(); }

PgServer::~PgServer() {
  if (dir_.empty()) return;
  run_cmd(as_cluster_user({pgbin + "pg_ctl", "-D", dir_ + "/data", "-m", "immediate", "-s", "stop"}));
  run_cmd({"rm", "-rf", dir_});
}

std::string PgServer::conninfo() const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres";
}

testing_support::ProcessResult PgServer::pg_ctl(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {pgbin + "pg_ctl", "-D", dir_ + "/data", "-l", dir_ + "/server.log"};
  argv.insert(argv.end(), args.begin(), args.end());
  return must_run(as_cluster_user(argv));
}

void PgServer::restart_fast() const { pg_ctl({"-w", "-s", "-m", "fast", "restart", "-o", server_options(port_, dir_)}); }

void PgServer::promote() const { pg_ctl({"-w", "-s", "promote"}); }

UseServer::UseServer(const PgServer& server) {
  const char* v = std::getenv("METER_SYNC_TEST_PG");
  previous_ = v ? v : "";
  setenv("METER_SYNC_TEST_PG", server.conninfo().c_str(), 1);
}

UseServer::~UseServer() { setenv("METER_SYNC_TEST_PG", previous_.c_str(), 1); }

const TestCa& shared_ca() {
  static TestCa ca;
  return ca;
}

PgServer& shared_server() {
  static PgServer server({shared_ca().conf()});
  return server;
}

}  // namespace reliability
