export const MAIN_USAGE = `Usage: claude-code-server <command> [options]

Serves the Claude Code CLI over HTTP (sync, SSE streaming and async jobs).

Commands:
  start     Start the HTTP server
  doctor    Check the config, the CLI, its authentication, the store and the projects

Options:
  -h, --help       Show this help (or a command's: claude-code-server start --help)
  -v, --version    Print the version

Without a config file the server listens on 127.0.0.1:8000 and keeps sessions in ./data/sessions.db.
`;

export const START_USAGE = `Usage: claude-code-server start [options]

Starts the HTTP server. SIGTERM or SIGINT shut it down gracefully: it stops accepting connections,
lets running turns finish up to server.shutdown_deadline_ms, interrupts the rest, closes the CLI
processes and the store, and exits 0.

Options:
  -c, --config <path>   Config file (default: $CCS_CONFIG, else ./config.yaml if present, else defaults)
  -p, --port <n>        Port to listen on (overrides server.port, CCS_PORT and PORT)
      --host <host>     Address to listen on (overrides server.host and CCS_HOST)
      --pretty          Human-readable log lines instead of JSON
  -h, --help            Show this help
`;

export const DOCTOR_USAGE = `Usage: claude-code-server doctor [options]

Checks that the server can run: the config parses, the Claude Code CLI is found and runs, the CLI has
credentials, the store answers, and every project directory is readable. Prints what to fix for each
failure; exits 1 when anything failed.

Options:
  -c, --config <path>   Config file (default: $CCS_CONFIG, else ./config.yaml if present, else defaults)
      --live            Also make one real, tiny API call through the CLI (costs a few tokens)
  -h, --help            Show this help
`;
