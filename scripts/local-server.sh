# Sourced by the scripts that drive a live server (schemathesis.sh, soak.sh), not run.
#
# start_local_server BINARY [STDERR_FILE]: serves Config/kotoba.json with BINARY on a free port at log level
# warning (stderr to STDERR_FILE when given), sets $port and $server, kills the server when the calling script
# exits, and returns once /readyz answers 200 or two minutes have passed.
start_local_server() {
  local binary=$1 errors=${2:-}
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  if [ -n "$errors" ]; then
    "$binary" serve --config Config/kotoba.json --port "$port" --log-level warning 2>"$errors" &
  else
    "$binary" serve --config Config/kotoba.json --port "$port" --log-level warning &
  fi
  server=$!
  trap 'kill "$server" 2>/dev/null || true' EXIT
  for _ in $(seq 1 1200); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && return 0
    sleep 0.1
  done
}
