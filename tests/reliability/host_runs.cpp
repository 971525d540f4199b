#include "reliability/host_runs.hpp"

namespace reliability {

const char* const short_dead_peer = " keepalives_idle=2 keepalives_interval=1 keepalives_count=2 tcp_user_timeout=4000";

std::string via(const std::string& conninfo, const Network::Link& link) {
  return conninfo + " host=" + link.root_addr;  // libpq: the last value of a keyword wins
}

testing_support::Child run_on_host(const Network& net, const Network::Link& local_link,
                                   const Network::Link& remote_link, const TestDatabases& db,
                                   const std::vector<std::string>& args, const std::string& remote_suffix,
                                   const std::string& local_suffix) {
  return testing_support::Child(net.in_host(local_link.host,
                                            meter_sync_argv(via(db.local_conninfo(), local_link) + local_suffix,
                                                            via(db.remote_conninfo(), remote_link) + remote_suffix,
                                                            args)));
}

std::future<ProcessResult> in_background(testing_support::Child child) {
  return std::async(std::launch::async, [c = std::move(child)]() mutable { return c.wait(); });
}

std::int64_t lock_holders(TestDatabases& db) {
  return db.local_count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                        " AND classid = 0 AND objid = 63837 AND objsubid = 1");
}

}  // namespace reliability
