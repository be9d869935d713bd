#!/usr/bin/env bash
# Starts the whole circle suite on this machine (`make run`):
#   1. Postgres: scripts/db.sh up (a project-local server unless DATABASE_URL is set)
#   2. builds the six binaries (debug; RELEASE=1 for --release; NO_BUILD=1 to use what is built)
#   3. runs `<svc> migrate` for the five internal services
#   4. starts user, tribe, event, payment, notification, then edge, each in the background with
#      its log in .local/logs/<svc>.log, and waits until each one answers grpc.health.v1.Health
#   5. prints the addresses and waits; Ctrl-C (or SIGTERM) stops every service.
# If a service dies while starting or running, its log tail is printed and everything stops.
# Postgres is left running (`make db-down` stops it).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
export PATH="$REPO/.local/bin:$PATH"

LOG_DIR="$REPO/.local/logs"
STARTUP_TIMEOUT="${STARTUP_TIMEOUT:-60}"        # seconds per service
HEALTH_CHECK="${HEALTH_CHECK:-auto}"            # auto (grpcurl when present) | grpc | tcp

log() { printf 'run.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------------------
# configuration (environment, with the suite's defaults)

export BIND_HOST="${BIND_HOST:-127.0.0.1}"
export EDGE_PORT="${EDGE_PORT:-50051}"
export USER_PORT="${USER_PORT:-50061}"
export TRIBE_PORT="${TRIBE_PORT:-50062}"
export EVENT_PORT="${EVENT_PORT:-50063}"
export PAYMENT_PORT="${PAYMENT_PORT:-50064}"
export NOTIFICATION_PORT="${NOTIFICATION_PORT:-50065}"

# Where clients on this machine reach a server bound to BIND_HOST.
case "$BIND_HOST" in
  0.0.0.0 | "") CONNECT_HOST=127.0.0.1 ;;
  :: | "[::]") CONNECT_HOST="[::1]" ;;
  *:*) CONNECT_HOST="[$BIND_HOST]" ;;
  *) CONNECT_HOST="$BIND_HOST" ;;
esac

export USER_SERVICE_URL="${USER_SERVICE_URL:-http://${CONNECT_HOST}:${USER_PORT}}"
export TRIBE_SERVICE_URL="${TRIBE_SERVICE_URL:-http://${CONNECT_HOST}:${TRIBE_PORT}}"
export EVENT_SERVICE_URL="${EVENT_SERVICE_URL:-http://${CONNECT_HOST}:${EVENT_PORT}}"
export PAYMENT_SERVICE_URL="${PAYMENT_SERVICE_URL:-http://${CONNECT_HOST}:${PAYMENT_PORT}}"
export NOTIFICATION_SERVICE_URL="${NOTIFICATION_SERVICE_URL:-http://${CONNECT_HOST}:${NOTIFICATION_PORT}}"

export MAIL_SINK_DIR="${MAIL_SINK_DIR:-$REPO/.local/mail}"

# Sign-in with identity providers (user service): GOOGLE_CLIENT_ID, APPLE_CLIENT_ID and
# FACEBOOK_CLIENT_ID each turn a provider on; <PROVIDER>_ISSUER and <PROVIDER>_JWKS_URL
# override the published defaults (see README). Unset, those sign-ins are refused.
for provider in GOOGLE APPLE FACEBOOK; do
  for part in CLIENT_ID ISSUER JWKS_URL; do
    var="${provider}_${part}"
    if [ -n "${!var:-}" ]; then export "${var?}"; fi
  done
done
export RUST_LOG="${RUST_LOG:-info}"

INTERNAL=(user tribe event payment notification)
ALL=("${INTERNAL[@]}" edge)

port_of() {
  local var
  var="$(printf '%s' "$1" | tr '[:lower:]' '[:upper:]')_PORT"
  printf '%s' "${!var}"
}

# ---------------------------------------------------------------------------
# process bookkeeping and shutdown

declare -A PIDS=()
STARTED=()   # service names in start order

stop_all() {
  local svc pid i n
  trap - INT TERM EXIT
  [ "${#STARTED[@]}" -gt 0 ] || return 0
  log "stopping services"
  # Reverse start order: edge first, the services it depends on last.
  for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do
    pid="${PIDS[${STARTED[i]}]}"
    kill -TERM "$pid" 2>/dev/null || true
  done
  for ((n = 0; n < 100; n++)); do
    local alive=0
    for svc in "${STARTED[@]}"; do
      kill -0 "${PIDS[$svc]}" 2>/dev/null && alive=1
    done
    [ "$alive" = 1 ] || break
    sleep 0.1
  done
  for svc in "${STARTED[@]}"; do
    if kill -0 "${PIDS[$svc]}" 2>/dev/null; then
      log "$svc did not stop within 10 s: killing it"
      kill -KILL "${PIDS[$svc]}" 2>/dev/null || true
    fi
  done
  wait 2>/dev/null || true
  STARTED=()
  log "all services stopped (Postgres keeps running; make db-down stops it)"
}

on_signal() {
  echo >&2
  stop_all
  exit 130
}

trap on_signal INT TERM
trap stop_all EXIT

log_tail() {
  local svc="$1"
  log "last lines of $LOG_DIR/$svc.log:"
  tail -n "${LOG_TAIL_LINES:-40}" "$LOG_DIR/$svc.log" >&2 2>/dev/null || true
}

# ---------------------------------------------------------------------------
# checks

port_open() {
  local host="$1" port="$2"
  host="${host#[}"
  host="${host%]}"
  (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null
}

grpc_health() {
  # Prints grpcurl's output; succeeds when the server reports SERVING.
  local out
  out="$(grpcurl -plaintext -max-time 3 "${CONNECT_HOST}:$1" grpc.health.v1.Health/Check 2>&1)" || true
  printf '%s' "$out"
  grep -q '"SERVING"' <<<"$out"
}

wait_ready() {
  local svc="$1" port="$2" pid="$3" deadline out="" use_grpc=0 rc
  if [ "$HEALTH_CHECK" = grpc ] || { [ "$HEALTH_CHECK" = auto ] && command -v grpcurl >/dev/null 2>&1; }; then
    use_grpc=1
  fi
  deadline=$((SECONDS + STARTUP_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid" 2>/dev/null && rc=0 || rc=$?
      log "$svc exited while starting (exit code $rc)"
      log_tail "$svc"
      return 1
    fi
    if port_open "$CONNECT_HOST" "$port"; then
      if [ "$use_grpc" = 0 ]; then return 0; fi
      if out="$(grpc_health "$port")"; then return 0; fi
      # A server without reflection of the health service cannot be asked by name: accept the
      # open port rather than wait forever.
      if grep -qiE 'reflection|does not expose service' <<<"$out"; then
        log "warning: $svc: grpcurl cannot resolve grpc.health.v1.Health ($out); port is open, going on"
        return 0
      fi
    fi
    sleep 0.2
  done
  log "$svc did not become healthy on ${CONNECT_HOST}:$port within ${STARTUP_TIMEOUT}s${out:+ (last answer: $out)}"
  log_tail "$svc"
  return 1
}

# ---------------------------------------------------------------------------
# 1. database

log "preparing Postgres"
db_env="$("$REPO/scripts/db.sh" up)" || die "scripts/db.sh up failed"
eval "$db_env"

# grpcurl for the health checks and the examples below (optional).
if [ "$HEALTH_CHECK" != tcp ] && ! command -v grpcurl >/dev/null 2>&1; then
  "$REPO/scripts/tools.sh" grpcurl || log "grpcurl unavailable: waiting for open ports instead"
fi

# ---------------------------------------------------------------------------
# 2. build

PROFILE=debug
CARGO_FLAGS=()
if [ "${RELEASE:-0}" = 1 ]; then
  PROFILE=release
  CARGO_FLAGS+=(--release)
fi
TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR="$REPO/$TARGET_DIR" ;; esac
BIN_DIR="$TARGET_DIR/$PROFILE"

if [ "${NO_BUILD:-0}" != 1 ]; then
  pkgs=()
  for svc in "${ALL[@]}"; do pkgs+=(-p "$svc-service"); done
  log "cargo build --bins ${CARGO_FLAGS[*]} (${PROFILE})"
  cargo build --bins "${CARGO_FLAGS[@]}" "${pkgs[@]}" >&2
fi
for svc in "${ALL[@]}"; do
  [ -x "$BIN_DIR/$svc-service" ] || die "missing binary $BIN_DIR/$svc-service"
done

# ---------------------------------------------------------------------------
# 3. migrations, 4. start

mkdir -p "$LOG_DIR" "$MAIL_SINK_DIR"

for svc in "${ALL[@]}"; do
  port="$(port_of "$svc")"
  if port_open "$CONNECT_HOST" "$port"; then
    die "port $port ($svc) is already in use on $CONNECT_HOST: is another \`make run\` still running?"
  fi
done

for svc in "${INTERNAL[@]}"; do
  : >"$LOG_DIR/$svc.log"
  log "migrating $svc"
  if ! "$BIN_DIR/$svc-service" migrate >>"$LOG_DIR/$svc.log" 2>&1 </dev/null; then
    log "$svc-service migrate failed"
    log_tail "$svc"
    exit 1
  fi
done
: >"$LOG_DIR/edge.log"

for svc in "${ALL[@]}"; do
  port="$(port_of "$svc")"
  log "starting $svc-service on ${BIND_HOST}:${port}"
  "$BIN_DIR/$svc-service" >>"$LOG_DIR/$svc.log" 2>&1 </dev/null &
  PIDS[$svc]=$!
  STARTED+=("$svc")
  wait_ready "$svc" "$port" "${PIDS[$svc]}" || exit 1
done

# ---------------------------------------------------------------------------
# 5. report and wait

{
  echo
  echo "circle is running (${PROFILE} build). Ctrl-C stops all services."
  echo
  printf '  %-22s %-24s %s\n' SERVICE ADDRESS LOG
  for svc in "${ALL[@]}"; do
    printf '  %-22s %-24s %s\n' "$svc-service" "${CONNECT_HOST}:$(port_of "$svc")" ".local/logs/$svc.log"
  done
  printf '  %-22s %-24s\n' "postgres (admin)" "${DATABASE_URL}"
  echo
  echo "  public entry (edge):   ${CONNECT_HOST}:${EDGE_PORT}"
  echo "  mail sink (.eml):      ${MAIL_SINK_DIR}"
  echo "  logs:                  ${LOG_DIR}"
  echo
  echo "Try (grpcurl is in .local/bin: export PATH=\"$REPO/.local/bin:\$PATH\"):"
  echo "  grpcurl -plaintext localhost:${EDGE_PORT} list"
  echo "  grpcurl -plaintext localhost:${EDGE_PORT} grpc.health.v1.Health/Check"
  echo "  grpcurl -plaintext -d '{\"email\":\"ada@example.com\",\"password\":\"correct horse battery staple\"}' localhost:${EDGE_PORT} circle.edge.v1.AccountService/Register"
  echo "  grpcurl -plaintext localhost:${EDGE_PORT} describe circle.edge.v1.AccountService"
  echo
}

# Wait for any service to exit: that is a crash (a clean stop goes through the trap).
while true; do
  wait -n 2>/dev/null && rc=0 || rc=$?
  for svc in "${STARTED[@]}"; do
    if ! kill -0 "${PIDS[$svc]}" 2>/dev/null; then
      log "$svc-service exited unexpectedly (exit code $rc)"
      log_tail "$svc"
      stop_all
      exit 1
    fi
  done
done
