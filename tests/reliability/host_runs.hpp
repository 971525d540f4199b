#pragma once
// meter-sync runs on hosts simulated by network namespaces, against the shared server of the
// host-fault tests (pg_server.hpp) reached over the hosts' links.
#include <future>
#include <string>
#include <vector>

#include "reliability/helpers.hpp"
#include "reliability/netns.hpp"
#include "reliability/pg_server.hpp"

namespace reliability {

// Skips the test (returns from it) with the reason when namespaces cannot be used here.
#define SKIP_WITHOUT_NETNS()                                           \
  do {                                                                 \
    const std::string why_no_netns = reliability::netns_unavailable(); \
    if (!why_no_netns.empty()) {                                       \
      MESSAGE("skipped: " << why_no_netns);                            \
      return;                                                          \
    }                                                                  \
  } while (false)

// A connection string of the shared server, reached through `link` (its root-side address).
std::string via(const std::string& conninfo, const Network::Link& link);

// Dead-peer bounds shortened for a fast test (both ends: the tool passes them to the server).
extern const char* const short_dead_peer;  // " keepalives_idle=2 keepalives_interval=1 ..."

// meter-sync run on `link`'s host with both databases reached through the given links.
testing_support::Child run_on_host(const Network& net, const Network::Link& local_link,
                                   const Network::Link& remote_link, const TestDatabases& db,
                                   const std::vector<std::string>& args,
                                   const std::string& remote_suffix = "", const std::string& local_suffix = "");

// Waits for a child in the background.
std::future<ProcessResult> in_background(testing_support::Child child);

// Sessions holding the advisory lock (default key 63837) on the local database.
std::int64_t lock_holders(TestDatabases& db);

}  // namespace reliability
