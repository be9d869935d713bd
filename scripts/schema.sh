#!/usr/bin/env bash
# Regenerates every service's src/schema.rs with `diesel print-schema` from a database its own
# migrations built; with --check, fails when a committed schema.rs has drifted instead.
#
#   scripts/schema.sh          rewrite services/*/src/schema.rs
#   scripts/schema.sh --check  compare only (make lint)
#
# Each service's services/<svc>/diesel.toml holds its print-schema options (schema, and the
# outbox tables that shared/core declares itself).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
MODE="${1:-write}"
SERVICES=(user tribe event payment notification)

log() { printf 'schema.sh: %s\n' "$*" >&2; }

if ! command -v diesel >/dev/null 2>&1; then
  log "installing diesel_cli (needs libpq)"
  if ! dpkg -s libpq-dev >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq libpq-dev >/dev/null
  fi
  cargo install diesel_cli --version '~2.3' --no-default-features --features postgres --locked
fi

eval "$(scripts/db.sh up)"
db="circle_schema_check_$$"
role_url() { # role -> URL of $db as that role, from the admin URL
  python3 - "$DATABASE_URL" "$1" "$db" "${CIRCLE_DB_ROLE_PASSWORD:-$1}" <<'PY'
import sys, urllib.parse as u
admin, role, db, password = sys.argv[1:]
p = u.urlsplit(admin)
host = p.hostname + (f":{p.port}" if p.port else "")
print(u.urlunsplit((p.scheme, f"{role}:{u.quote(password, safe='')}@{host}", "/" + db, p.query, "")))
PY
}
admin_in_db() { python3 -c 'import sys,urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/"+sys.argv[2])))' "$DATABASE_URL" "$db"; }

psql -q "$DATABASE_URL" -c "CREATE DATABASE $db" >/dev/null
trap 'psql -q "$DATABASE_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null' EXIT
psql -q "$(admin_in_db)" -c "CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE EXTENSION IF NOT EXISTS citext; CREATE EXTENSION IF NOT EXISTS pgcrypto;" >/dev/null

cargo build -q $(printf -- '-p %s-service ' "${SERVICES[@]}")
drifted=0
for svc in "${SERVICES[@]}"; do
  psql -q "$DATABASE_URL" -c "GRANT CONNECT, CREATE ON DATABASE $db TO circle_$svc" >/dev/null
  url="$(role_url "circle_$svc")"
  env_var="$(echo "$svc" | tr '[:lower:]' '[:upper:]')_DATABASE_URL"
  env "$env_var=$url" RUST_LOG=warn "target/debug/$svc-service" migrate >/dev/null
  generated="$(mktemp)"
  (cd "services/$svc" && diesel print-schema --database-url "$url" --config-file diesel.toml) > "$generated"
  if [ "$MODE" = "--check" ]; then
    if ! diff -u "services/$svc/src/schema.rs" "$generated"; then
      log "services/$svc/src/schema.rs differs from what diesel print-schema produces"
      drifted=1
    fi
  else
    cp "$generated" "services/$svc/src/schema.rs"
    log "wrote services/$svc/src/schema.rs"
  fi
  rm -f "$generated"
done
exit "$drifted"
