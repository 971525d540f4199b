#include "reliability/netns.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "reliability/pg_server.hpp"

namespace reliability {
namespace {


const std::string ns_prefix = "mst";  // mst<pid>-<host>; interfaces m<pid><n>h / m<pid><n>r

// Namespaces left behind by a test process that no longer runs (killed by a timeout).
void remove_stale_namespaces() {
  std::istringstream list(run_cmd({"ip", "netns", "list"}).out);
  for (std::string line; std::getline(list, line);) {
    const std::string name = line.substr(0, line.find(' '));
    if (name.rfind(ns_prefix, 0) != 0) continue;
    const auto dash = name.find('-');
    if (dash == std::string::npos) continue;
    const std::string pid = name.substr(ns_prefix.size(), dash - ns_prefix.size());
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    if (kill(std::stoi(pid), 0) != 0) run_cmd({"ip", "netns", "delete", name});  // its veths go with it
  }
}

}  // namespace

std::string netns_unavailable() {
  if (geteuid() != 0) return "network namespaces need root (CI runs the tests as root)";
  if (run_cmd({"/bin/sh", "-c", "command -v ip"}).exit_code != 0) return "no `ip` command: install iproute2";
  const std::string probe = ns_prefix + std::to_string(getpid()) + "-probe";
  const auto r = run_cmd({"ip", "netns", "add", probe});
  run_cmd({"ip", "netns", "delete", probe});
  if (r.exit_code != 0) return "`ip netns add` failed: " + r.err;
  return "";
}

Network::Network() : prefix_(ns_prefix + std::to_string(getpid())), subnet_(static_cast<int>(getpid() % 200)) {
  remove_stale_namespaces();
}

Network::~Network() {
  // Delete the links first, synchronously: a deleted namespace takes its veths with it only
  // a moment later, and the next test's links would collide with them.
  for (const auto& l : links_) run_cmd({"ip", "link", "delete", l.root_dev});
  for (const auto& h : hosts_) run_cmd({"ip", "netns", "delete", ns_name(h)});
}

std::string Network::ns_name(const std::string& name) const { return prefix_ + "-" + name; }

const Network::Link& Network::connect(const std::string& name) {
  if (std::find(hosts_.begin(), hosts_.end(), name) == hosts_.end()) {
    must_run({"ip", "netns", "add", ns_name(name)});
    hosts_.push_back(name);
    must_run({"ip", "-n", ns_name(name), "link", "set", "lo", "up"});
  }
  const int n = static_cast<int>(links_.size());
  if (n >= 60) throw std::runtime_error("Network: too many links");
  Link link;
  link.host = name;
  // Unique per process and Network (<= 15 characters): a previous Network's devices may still
  // be on their way out.
  static int networks = 0;
  if (n == 0) instance_ = networks++ % 100;
  const std::string dev = "m" + std::to_string(getpid() % 100000) + "i" + std::to_string(instance_) + "x" +
                          std::to_string(n);
  link.host_dev = dev + "h";
  link.root_dev = dev + "r";
  // 10.231.<subnet>.<4n>/30: .1 the root end, .2 the host end
  const std::string net = "10.231." + std::to_string(subnet_) + ".";
  link.root_addr = net + std::to_string(4 * n + 1);
  link.host_addr = net + std::to_string(4 * n + 2);
  must_run({"ip", "link", "add", link.root_dev, "type", "veth", "peer", "name", link.host_dev, "netns", ns_name(name)});
  must_run({"ip", "addr", "add", link.root_addr + "/30", "dev", link.root_dev});
  must_run({"ip", "link", "set", link.root_dev, "up"});
  must_run({"ip", "-n", ns_name(name), "addr", "add", link.host_addr + "/30", "dev", link.host_dev});
  must_run({"ip", "-n", ns_name(name), "link", "set", link.host_dev, "up"});
  links_.push_back(link);
  return links_.back();
}

void Network::set_up(const Link& link, bool up) {
  must_run({"ip", "-n", ns_name(link.host), "link", "set", link.host_dev, up ? "up" : "down"});
}

std::vector<std::string> Network::in_host(const std::string& name, const std::vector<std::string>& argv) const {
  std::vector<std::string> out = {"/usr/bin/env", "ip", "netns", "exec", ns_name(name)};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

}  // namespace reliability
