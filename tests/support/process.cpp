#include "support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "core/json_shapes.hpp"

extern char** environ;

namespace testing_support {
namespace {

double now_seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

std::vector<std::string> merged_environment(const EnvOverrides& overrides) {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string entry = *e;
    const auto eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& [key, value] : overrides) {
    if (value) env[key] = *value;
    else env.erase(key);
  }
  std::vector<std::string> out;
  for (const auto& [key, value] : env) out.push_back(key + "=" + value);
  return out;
}

// The arguments after the program name when this is a `meter-sync ... --json` run to log.
std::vector<std::string> json_run_arguments(const std::vector<std::string>& argv) {
  const std::string name = "meter-sync";
  if (!std::getenv("METER_SYNC_JSON_LOG") || argv.empty() || argv[0].size() < name.size() ||
      argv[0].compare(argv[0].size() - name.size(), name.size(), name) != 0)
    return {};
  bool json = false;
  for (const auto& a : argv) {
    if (a == "--help" || a == "-h" || a == "--version") return {};
    json = json || a == "--json";
  }
  return json ? std::vector<std::string>(argv.begin() + 1, argv.end()) : std::vector<std::string>{};
}

// One JSON line per run, appended with one write (O_APPEND) so parallel tests do not interleave.
void log_json_run(const std::vector<std::string>& args, const ProcessResult& result) {
  std::string command;
  for (const auto& a : args)
    if (a == "run" || a == "status") {
      command = a;
      break;
    }
  const std::string line = meter_sync::to_json_line({{"command", command},
                                                     {"args", args},
                                                     {"exit_code", result.exit_code},
                                                     {"stdout", result.out}}) + "\n";
  const int fd = open(std::getenv("METER_SYNC_JSON_LOG"), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;
  if (write(fd, line.data(), line.size()) < 0) {
    // a test log, nothing to do
  }
  close(fd);
}

}  // namespace

Child::Child(const std::vector<std::string>& argv, const EnvOverrides& env_overrides) {
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);  // the child starts with no blocked signals
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const auto env_strings = merged_environment(env_overrides);
  std::vector<char*> envp;
  for (const auto& e : env_strings) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  json_args_ = json_run_arguments(argv);
  started_ = now_seconds();
  const int rc = posix_spawn(&pid_, args[0], &actions, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(out_pipe[1]);
  close(err_pipe[1]);
  out_fd_ = out_pipe[0];
  err_fd_ = err_pipe[0];
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
}

Child::Child(Child&& other) noexcept
    : pid_(other.pid_), out_fd_(other.out_fd_), err_fd_(other.err_fd_), started_(other.started_),
      json_args_(std::move(other.json_args_)) {
  other.pid_ = -1;
  other.out_fd_ = other.err_fd_ = -1;
}

Child::~Child() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (out_fd_ >= 0) close(out_fd_);
  if (err_fd_ >= 0) close(err_fd_);
}

void Child::signal(int sig) const {
  if (pid_ > 0) kill(pid_, sig);
}

ProcessResult Child::wait() {
  ProcessResult result;
  pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<size_t>(n));
      } else {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  out_fd_ = err_fd_ = -1;
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  result.seconds = now_seconds() - started_;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (!json_args_.empty()) log_json_run(json_args_, result);
  return result;
}

ProcessResult run_process(const std::vector<std::string>& argv, const EnvOverrides& env) {
  return Child(argv, env).wait();
}

}  // namespace testing_support
