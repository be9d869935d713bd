#!/usr/bin/env bash
# Postgres for circle: a project-local server, or the setup of an existing one.
#
#   scripts/db.sh up      ensure the server runs and the database/roles exist;
#                         prints `export VAR=...` lines (and nothing else) on stdout
#   scripts/db.sh env     print the same export lines without starting anything
#   scripts/db.sh status  show what is running and what exists
#   scripts/db.sh down    stop the project-local server (pg_ctl stop -m fast)
#
# Typical use:  eval "$(scripts/db.sh up)"
#
# DATABASE_URL unset (or equal to the local admin URL): a project-local server in
#   <repo>/.local/pg (data/, run/ for the socket, log/postgres.log) on 127.0.0.1:$PGPORT_LOCAL
#   (default 54329), trust auth, reused across runs. As root it runs as the `postgres` OS user.
# DATABASE_URL set: the admin URL (superuser or CREATEDB+CREATEROLE) of an existing server;
#   only the database/role setup is done there.
#
# Setup (idempotent): database `circle`; per service a LOGIN role (NOSUPERUSER, password =
# role name unless CIRCLE_DB_ROLE_PASSWORD is set) with CONNECT, CREATE on database circle and
# `search_path = <schema>, public`; extensions pg_trgm, citext, pgcrypto in schema public of
# circle. The services create their own schemas, so no role has rights on another's schema.
#
# All diagnostics go to stderr. Logs: .local/pg/log/postgres.log.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_ROOT="$REPO/.local/pg"
PG_DATA="$PG_ROOT/data"
PG_RUN="$PG_ROOT/run"
PG_LOGDIR="$PG_ROOT/log"
PG_LOG="$PG_LOGDIR/postgres.log"
LOCAL_PORT="${PGPORT_LOCAL:-54329}"
# Unix socket paths are limited to 107 bytes: with a deep checkout, put the socket under /tmp.
if [ $((${#PG_RUN} + 20)) -gt 100 ]; then
  PG_RUN="/tmp/circle-pg-$(printf '%s' "$REPO" | cksum | cut -d' ' -f1)"
fi
LOCAL_ADMIN_URL="postgres://postgres@127.0.0.1:${LOCAL_PORT}/postgres"
DB_NAME="circle"

# service  role  schema  env var
SERVICES=(
  "user circle_user users USER_DATABASE_URL"
  "tribe circle_tribe tribes TRIBE_DATABASE_URL"
  "event circle_event events EVENT_DATABASE_URL"
  "payment circle_payment payments PAYMENT_DATABASE_URL"
  "notification circle_notification notifications NOTIFICATION_DATABASE_URL"
)

log() { printf 'db.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

# Runs a command as root (directly, or via sudo when available).
as_root() {
  if is_root; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install $* by hand"
  log "installing $* with apt-get (this happens once)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

# ---------------------------------------------------------------------------
# mode: local server or external admin URL

MODE=local
ADMIN_URL="$LOCAL_ADMIN_URL"
if [ -n "${DATABASE_URL:-}" ] && [ "${DATABASE_URL}" != "$LOCAL_ADMIN_URL" ]; then
  MODE=external
  ADMIN_URL="$DATABASE_URL"
fi

# ---------------------------------------------------------------------------
# URL helpers (pure bash)

urlencode() {
  local LC_ALL=C s="$1" out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c="${s:i:1}"
    case "$c" in
      [a-zA-Z0-9.~_-]) out+="$c" ;;
      *) out+="$(printf '%%%02X' "'$c")" ;;
    esac
  done
  printf '%s' "$out"
}

# Splits ADMIN_URL into URL_SCHEME, URL_HOSTPORT (host[:port]) and URL_QUERY ("" or "?...").
parse_admin_url() {
  local url="$ADMIN_URL" rest authority
  case "$url" in
    postgres://* | postgresql://*) ;;
    *) die "DATABASE_URL must be a postgres:// or postgresql:// URL" ;;
  esac
  URL_SCHEME="${url%%://*}"
  rest="${url#*://}"
  URL_QUERY=""
  if [[ "$rest" == *\?* ]]; then
    URL_QUERY="?${rest#*\?}"
    rest="${rest%%\?*}"
  fi
  authority="${rest%%/*}"
  URL_HOSTPORT="${authority##*@}"
}

# The admin URL with its database replaced by $1.
admin_url_for_db() {
  local url="$ADMIN_URL" db="$1" base query=""
  if [[ "$url" == *\?* ]]; then
    query="?${url#*\?}"
    url="${url%%\?*}"
  fi
  base="${url#*://}"
  base="${base%%/*}"
  printf '%s://%s/%s%s' "${url%%://*}" "$base" "$db" "$query"
}

# Shell-quotes $1 for `eval`, leaving plain URLs unquoted for readability.
shq() {
  if [[ "$1" =~ ^[A-Za-z0-9_./:@%+=,-]+$ ]]; then
    printf '%s' "$1"
  else
    printf "'%s'" "${1//\'/\'\\\'\'}"
  fi
}

role_password() { printf '%s' "${CIRCLE_DB_ROLE_PASSWORD:-$1}"; }

print_env() {
  local scheme hostport query line role var
  if [ "$MODE" = local ]; then
    scheme=postgres hostport="127.0.0.1:${LOCAL_PORT}" query=""
  else
    parse_admin_url
    scheme="$URL_SCHEME" hostport="$URL_HOSTPORT" query="$URL_QUERY"
  fi
  printf 'export DATABASE_URL=%s\n' "$(shq "$ADMIN_URL")"
  for line in "${SERVICES[@]}"; do
    read -r _ role _ var <<<"$line"
    printf 'export %s=%s\n' "$var" \
      "$(shq "${scheme}://${role}:$(urlencode "$(role_password "$role")")@${hostport}/${DB_NAME}${query}")"
  done
}

# ---------------------------------------------------------------------------
# local server

find_pg_bin() {
  local dir best="" best_ver=-1 ver
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ] || continue
    ver="$(basename "$(dirname "$dir")")"
    ver="${ver%%.*}"
    [[ "$ver" =~ ^[0-9]+$ ]] || continue
    if [ "$ver" -gt "$best_ver" ]; then best_ver="$ver" best="$dir"; fi
  done
  printf '%s' "$best"
}

ensure_pg_bin() {
  PG_BIN="$(find_pg_bin)"
  if [ -z "$PG_BIN" ]; then
    apt_install postgresql postgresql-contrib
    PG_BIN="$(find_pg_bin)"
    [ -n "$PG_BIN" ] || die "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin after install"
  fi
}

ensure_psql() {
  if [ -n "${PG_BIN:-}" ] && [ -x "$PG_BIN/psql" ]; then
    PSQL="$PG_BIN/psql"
  elif [ -n "$(find_pg_bin)" ] && [ -x "$(find_pg_bin)/psql" ]; then
    PSQL="$(find_pg_bin)/psql"
  elif command -v psql >/dev/null 2>&1; then
    PSQL="$(command -v psql)"
  else
    apt_install postgresql-client
    command -v psql >/dev/null 2>&1 || die "psql still missing after installing postgresql-client"
    PSQL="$(command -v psql)"
  fi
}

# Runs a server tool as the OS user that owns the cluster (postgres when we are root).
# fd 9 (the lock) is closed so that a started server does not inherit and hold it.
as_pg() {
  if is_root; then
    (cd / && runuser -u postgres -- "$@") 9>&-
  else
    (cd / && "$@") 9>&-
  fi
}

# As root: make sure the postgres OS user exists and can reach the repo's .local/pg.
prepare_root_access() {
  if ! id -u postgres >/dev/null 2>&1; then
    log "creating OS user postgres"
    useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi
  # postgres needs search (x) permission on every parent of .local/pg.
  local dir="$REPO/.local"
  while [ "$dir" != / ] && [ -n "$dir" ]; do
    if ! runuser -u postgres -- test -x "$dir" 2>/dev/null; then
      log "granting o+x on $dir so the postgres user can reach $PG_ROOT"
      chmod o+x "$dir"
    fi
    dir="$(dirname "$dir")"
  done
  local d
  for d in "$PG_ROOT" "$PG_RUN" "$PG_LOGDIR"; do
    [ "$(stat -c %U "$d")" = postgres ] || chown postgres:postgres "$d"
  done
  if [ -d "$PG_DATA" ] && [ "$(stat -c %U "$PG_DATA")" != postgres ]; then
    log "handing $PG_DATA to the postgres user"
    chown -R postgres:postgres "$PG_DATA"
  fi
}

pg_running() {
  [ -f "$PG_DATA/PG_VERSION" ] && as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

start_local() {
  ensure_pg_bin
  mkdir -p "$REPO/.local" "$PG_ROOT" "$PG_RUN" "$PG_LOGDIR"
  if is_root; then prepare_root_access; fi
  if [ -d "$PG_DATA" ]; then chmod 700 "$PG_DATA" 2>/dev/null || as_pg chmod 700 "$PG_DATA"; fi

  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    local locale_args=(--no-locale)
    if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then locale_args=(--locale=C.UTF-8); fi
    log "initdb into $PG_DATA ($("$PG_BIN/postgres" --version))"
    as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --encoding=UTF8 "${locale_args[@]}" \
      --auth-local=trust --auth-host=trust >"$PG_LOGDIR/initdb.log" 2>&1 \
      || { cat "$PG_LOGDIR/initdb.log" >&2; die "initdb failed"; }
    # Only local socket and 127.0.0.1, no password (a development server).
    as_pg sh -c "cat > '$PG_DATA/pg_hba.conf'" <<'EOF'
# circle project-local server: trust on the local socket and 127.0.0.1 only.
# TYPE  DATABASE  USER  ADDRESS       METHOD
local   all       all                 trust
host    all       all   127.0.0.1/32  trust
local   replication all               trust
host    replication all 127.0.0.1/32  trust
EOF
  fi

  if pg_running; then
    log "local Postgres already running (127.0.0.1:${LOCAL_PORT})"
    return 0
  fi

  # Settings for a disposable development/test server: fast, not crash-safe.
  local opts="-p ${LOCAL_PORT} -c listen_addresses=127.0.0.1 -k '${PG_RUN}'"
  opts+=" -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  log "starting local Postgres on 127.0.0.1:${LOCAL_PORT} (log: ${PG_LOG})"
  if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -o "$opts" -w -t 60 start >/dev/null 2>&1; then
    tail -n 30 "$PG_LOG" >&2 || true
    die "Postgres did not start (is port ${LOCAL_PORT} taken? set PGPORT_LOCAL)"
  fi
}

stop_local() {
  PG_BIN="$(find_pg_bin)"
  if [ -z "$PG_BIN" ] || [ ! -f "$PG_DATA/PG_VERSION" ]; then
    log "no local Postgres in $PG_DATA"
    return 0
  fi
  if pg_running; then
    log "stopping local Postgres"
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
  else
    log "local Postgres is not running"
  fi
}

# ---------------------------------------------------------------------------
# database / role setup (runs against ADMIN_URL; idempotent)

psql_admin() {
  PGOPTIONS="-c client_min_messages=warning" PGCONNECT_TIMEOUT=10 \
    "$PSQL" -X -q -v ON_ERROR_STOP=1 --no-psqlrc "$@"
}

wait_reachable() {
  local i
  for i in $(seq 1 50); do
    if psql_admin -d "$ADMIN_URL" -tAc 'SELECT 1' >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  psql_admin -d "$ADMIN_URL" -tAc 'SELECT 1' >&2 || true
  die "cannot connect to the admin database ($( [ "$MODE" = local ] && echo "$LOCAL_ADMIN_URL" || echo 'DATABASE_URL'))"
}

setup_database() {
  ensure_psql
  wait_reachable
  local sql="" line role schema
  local vars=()
  sql="SELECT 'CREATE DATABASE ${DB_NAME}' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '${DB_NAME}') \\gexec
"
  for line in "${SERVICES[@]}"; do
    read -r _ role schema _ <<<"$line"
    # Passwords go in as psql variables (-v), so no quoting games; :'pw_x' quotes them as literals.
    vars+=(-v "pw_${role}=$(role_password "$role")")
    sql+="SELECT format('CREATE ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD %L', '${role}', :'pw_${role}')
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${role}') \\gexec
SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', '${role}', :'pw_${role}') \\gexec
SELECT format('ALTER ROLE %I WITH NOSUPERUSER', '${role}')
  WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${role}' AND rolsuper) \\gexec
ALTER ROLE ${role} SET search_path = ${schema}, public;
GRANT CONNECT, CREATE ON DATABASE ${DB_NAME} TO ${role};
"
  done
  psql_admin "${vars[@]}" -d "$ADMIN_URL" <<<"$sql" >&2 || die "role/database setup failed"

  # Inside the circle database: shared extensions in public; nobody but the owner creates in public.
  psql_admin -d "$(admin_url_for_db "$DB_NAME")" >&2 <<'EOF' || die "extension setup failed"
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;
EOF
}

status() {
  local rc=0
  log "mode: $MODE"
  if [ "$MODE" = local ]; then
    PG_BIN="$(find_pg_bin)"
    if [ -z "$PG_BIN" ]; then
      log "server binaries: not installed (db.sh up installs them)"
      return 1
    fi
    log "server binaries: $PG_BIN"
    log "data: $PG_DATA  socket: $PG_RUN  log: $PG_LOG"
    if pg_running; then log "server: running on 127.0.0.1:${LOCAL_PORT}"; else
      log "server: not running"
      return 1
    fi
  fi
  ensure_psql
  if ! psql_admin -d "$ADMIN_URL" -tAc 'SELECT 1' >/dev/null 2>&1; then
    log "admin connection: FAILED"
    return 1
  fi
  log "admin connection: ok"
  psql_admin -d "$ADMIN_URL" -P pager=off >&2 -c "SELECT datname AS database FROM pg_database WHERE datname = '${DB_NAME}'" || rc=1
  psql_admin -d "$ADMIN_URL" -P pager=off >&2 -c "SELECT rolname AS role, rolcanlogin AS login, rolsuper AS superuser, array_to_string(rolconfig, ' ') AS settings FROM pg_roles WHERE rolname LIKE 'circle\\_%' ORDER BY 1" || rc=1
  psql_admin -d "$(admin_url_for_db "$DB_NAME")" -P pager=off >&2 -c "SELECT extname AS extension, extversion AS version, extnamespace::regnamespace AS schema FROM pg_extension WHERE extname IN ('pg_trgm','citext','pgcrypto') ORDER BY 1" || rc=1
  psql_admin -d "$(admin_url_for_db "$DB_NAME")" -P pager=off >&2 -c "SELECT nspname AS schema, nspowner::regrole AS owner FROM pg_namespace WHERE nspname IN ('users','tribes','events','payments','notifications') ORDER BY 1" || rc=1
  return $rc
}

with_lock() {
  # Serialise concurrent `up`s (several engineers / make targets at once).
  mkdir -p "$REPO/.local"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$REPO/.local/db.lock"
    flock -w 120 9 || die "timed out waiting for $REPO/.local/db.lock"
  fi
  "$@"
}

up() {
  if [ "$MODE" = local ]; then start_local; else log "using the server at DATABASE_URL (no local server)"; fi
  setup_database
  print_env
}

case "${1:-}" in
  up) with_lock up ;;
  env) print_env ;;
  status) status ;;
  down)
    if [ "$MODE" = local ]; then with_lock stop_local; else
      log "DATABASE_URL points at an external server: nothing to stop"
    fi
    ;;
  *)
    echo "usage: $0 {up|down|env|status}" >&2
    exit 2
    ;;
esac
