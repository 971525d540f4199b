#pragma once
// Network faults on the loopback interface, for tests: a TCP proxy that can cut its
// connections mid-stream, a listener that accepts and never answers, and a closed port.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace reliability {

// Forwards every connection made to 127.0.0.1:port() to target_host:target_port, one thread
// per direction. Can cut all its connections (both ends see the peer vanish) at once, or as
// soon as a number of bytes has gone from the server to the client.
class TcpProxy {
 public:
  TcpProxy(const std::string& target_host, int target_port);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  int port() const { return port_; }

  // Cut every connection once `bytes` (counted over all connections) have been forwarded from
  // the server to the client; connections made after the cut are refused. 0 = never.
  void cut_after_server_bytes(std::int64_t bytes) { cut_at_ = bytes; }
  void cut_now();

  std::int64_t server_bytes() const { return server_bytes_; }
  int connections() const { return connections_; }
  bool cut() const { return cut_; }

 private:
  struct Link;
  void accept_loop();
  void pump(std::shared_ptr<Link> link, bool from_server);

  std::string target_host_;
  int target_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false}, cut_{false};
  std::atomic<std::int64_t> cut_at_{0}, server_bytes_{0};
  std::atomic<int> connections_{0};
  std::mutex mutex_;
  std::vector<std::shared_ptr<Link>> links_;  // guarded by mutex_
  std::vector<std::thread> threads_;          // guarded by mutex_
  std::thread acceptor_;
};

// Accepts connections on 127.0.0.1:port() and never sends a byte: a hung server, or a
// firewall that swallows packets after the handshake.
class SilentListener {
 public:
  SilentListener();
  ~SilentListener();
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;

  int port() const { return port_; }
  int accepted() const { return accepted_; }

 private:
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> accepted_{0};
  std::vector<int> held_;  // only touched by the acceptor thread, then the destructor
  std::thread acceptor_;
};

// A loopback port nobody listens on (bound, then released): connecting is refused.
int closed_port();

}  // namespace reliability
