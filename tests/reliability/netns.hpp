#pragma once
// Hosts simulated by network namespaces, for tests that need real TCP between machines: each
// host is a namespace joined to the root namespace by veth links with addresses of their own.
// Setting a link down is a cut cable: packets vanish, no FIN, no RST. Everything is removed
// by the destructor (and leftovers of a killed test process by the next one).
#include <deque>
#include <string>
#include <vector>

namespace reliability {

// Why namespaces cannot be used here ("" if they can): not root, no `ip`, or `ip netns add`
// refused. Tests print it and skip.
std::string netns_unavailable();

class Network {
 public:
  struct Link {
    std::string host;       // namespace name
    std::string host_dev, root_dev;
    std::string host_addr;  // the host's address on this link
    std::string root_addr;  // the root namespace's address: where a server there is reached
  };

  Network();
  ~Network();
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  // A new link between host `name` (created on first use) and the root namespace.
  const Link& connect(const std::string& name);

  // The link's host end down (the host's cable pulled) or up again.
  void set_up(const Link& link, bool up);

  // argv run inside the host's namespace.
  std::vector<std::string> in_host(const std::string& name, const std::vector<std::string>& argv) const;

 private:
  std::string ns_name(const std::string& name) const;
  std::string prefix_;
  int subnet_;
  int instance_ = 0;  // which Network of this process: part of device names
  std::vector<std::string> hosts_;
  std::deque<Link> links_;  // references handed out stay valid
};

}  // namespace reliability
