#include "reliability/net_faults.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace reliability {
namespace {

// A TCP socket listening on 127.0.0.1 at a free port; returns the fd and sets `port`.
int listen_loopback(int& port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 64) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const std::string error = std::strerror(errno);
    close(fd);
    throw std::runtime_error("cannot listen on 127.0.0.1: " + error);
  }
  port = ntohs(addr.sin_port);
  return fd;
}

// Waits up to 100 ms for a connection; -1 if none came.
int accept_within_100ms(int listen_fd) {
  pollfd p{listen_fd, POLLIN, 0};
  if (poll(&p, 1, 100) <= 0) return -1;
  return accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
}

int connect_to(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return -1;
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd >= 0 && connect(fd, found->ai_addr, found->ai_addrlen) != 0) {
    close(fd);
    freeaddrinfo(found);
    return -1;
  }
  freeaddrinfo(found);
  return fd;
}

bool write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

// The two sockets of one proxied connection. They are shut down when either side ends or
// on a cut, and closed only by the proxy's destructor (so no fd is reused while in use).
struct TcpProxy::Link {
  int client_fd = -1, server_fd = -1;
  void shut() const {
    shutdown(client_fd, SHUT_RDWR);
    shutdown(server_fd, SHUT_RDWR);
  }
};

TcpProxy::TcpProxy(const std::string& target_host, int target_port)
    : target_host_(target_host), target_port_(target_port) {
  listen_fd_ = listen_loopback(port_);
  acceptor_ = std::thread([this] { accept_loop(); });
}

TcpProxy::~TcpProxy() {
  stopping_ = true;
  acceptor_.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& link : links_) link->shut();
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
  for (const auto& link : links_) {
    close(link->client_fd);
    close(link->server_fd);
  }
  close(listen_fd_);
}

void TcpProxy::cut_now() {
  std::lock_guard<std::mutex> lock(mutex_);
  cut_ = true;
  for (const auto& link : links_) link->shut();
}

void TcpProxy::accept_loop() {
  while (!stopping_) {
    const int client = accept_within_100ms(listen_fd_);
    if (client < 0) continue;
    const int server = cut_ ? -1 : connect_to(target_host_, target_port_);
    if (server < 0) {  // after a cut the "network" stays down
      close(client);
      continue;
    }
    auto link = std::make_shared<Link>();
    link->client_fd = client;
    link->server_fd = server;
    ++connections_;
    std::lock_guard<std::mutex> lock(mutex_);
    links_.push_back(link);
    threads_.emplace_back([this, link] { pump(link, false); });
    threads_.emplace_back([this, link] { pump(link, true); });
  }
}

void TcpProxy::pump(std::shared_ptr<Link> link, bool from_server) {
  const int from = from_server ? link->server_fd : link->client_fd;
  const int to = from_server ? link->client_fd : link->server_fd;
  char buf[16384];
  for (;;) {
    const ssize_t got = recv(from, buf, sizeof buf, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0 || cut_) break;
    size_t n = static_cast<size_t>(got);
    bool cut_here = false;
    if (from_server && cut_at_ > 0) {  // forward exactly up to the threshold, then cut
      const std::int64_t room = cut_at_ - server_bytes_;
      if (room <= static_cast<std::int64_t>(n)) {
        n = static_cast<size_t>(std::max<std::int64_t>(room, 0));
        cut_here = true;
      }
    }
    if (!write_all(to, buf, n)) break;
    if (from_server) server_bytes_ += static_cast<std::int64_t>(n);
    if (cut_here) {
      cut_now();
      return;
    }
  }
  link->shut();  // one side ended: end the other too, as a real connection would
}

SilentListener::SilentListener() {
  listen_fd_ = listen_loopback(port_);
  acceptor_ = std::thread([this] {
    while (!stopping_) {
      const int fd = accept_within_100ms(listen_fd_);
      if (fd < 0) continue;
      held_.push_back(fd);  // never read from, never written to
      ++accepted_;
    }
  });
}

SilentListener::~SilentListener() {
  stopping_ = true;
  acceptor_.join();
  for (int fd : held_) close(fd);
  close(listen_fd_);
}

int closed_port() {
  int port = 0;
  close(listen_loopback(port));
  return port;
}

}  // namespace reliability
