#include "data_api_emulator_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <vector>

extern char** environ;

namespace billflow::testing {

DataApiEmulatorProcess& DataApiEmulatorProcess::Get(const MysqlTestEnv& env) {
  static DataApiEmulatorProcess process({"--mysql-host", env.host, "--mysql-port",
                                         std::to_string(env.port), "--mysql-user", env.user,
                                         "--mysql-password", env.password});
  return process;
}

DataApiEmulatorProcess& DataApiEmulatorProcess::Get(const PostgresTestEnv& env) {
  static DataApiEmulatorProcess process({"--engine", "postgres", "--pg-host", env.host, "--pg-port",
                                         std::to_string(env.port), "--pg-user", env.user,
                                         "--pg-password", env.password});
  return process;
}

DataApiEmulatorProcess::DataApiEmulatorProcess(std::vector<std::string> engine_args) {
  // Close-on-exec, so that no other child inherits them; dup2 gives the emulator its own copies.
  int out[2];
  int in[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    error_ = "pipe failed";
    return;
  }
  if (pipe2(in, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    error_ = "pipe failed";
    return;
  }
  const std::string script = std::string(BILLFLOW_SOURCE_DIR) + "/tools/data_api_emulator.py";
  std::vector<std::string> args = {"/usr/bin/python3", script, "--exit-on-stdin-eof"};
  args.insert(args.end(), engine_args.begin(), engine_args.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  const int spawned = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  close(out[1]);
  if (spawned != 0) {
    pid_ = -1;
    close(in[1]);
    close(out[0]);
    error_ = "cannot start " + script;
    return;
  }
  stdin_fd_ = in[1];
  // The emulator prints its port once it listens.
  FILE* stream = fdopen(out[0], "r");
  char line[64] = {};
  if (stream == nullptr || std::fgets(line, sizeof line, stream) == nullptr) {
    error_ = script + " exited before printing its port";
  } else {
    endpoint_ = "http://127.0.0.1:" + std::string(line, std::strcspn(line, "\r\n"));
  }
  if (stream != nullptr) std::fclose(stream);
}

DataApiEmulatorProcess::~DataApiEmulatorProcess() {
  if (stdin_fd_ >= 0) close(stdin_fd_);  // the emulator exits at the end of its stdin
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
}

}  // namespace billflow::testing
