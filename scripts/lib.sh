# Shared helpers for scripts/setup.sh and scripts/setup-test.sh. Source it; don't run it.
# Everything here is idempotent and does no network work when nothing is missing.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"

log() { printf '[setup] %s\n' "$*" >&2; }

# True if every `name==version` pin in FILE (following `-r other.txt`) is installed
# at exactly that version. Lets a second run skip pip entirely (fast, offline).
reqs_satisfied() {
    "$PYTHON" - "$1" <<'PY'
import os, re, sys
from importlib import metadata

def pins(path, seen):
    path = os.path.abspath(path)
    if path in seen:
        return
    seen.add(path)
    with open(path, encoding="utf-8") as fh:
        for raw in fh:
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            m = re.match(r"^(?:-r|--requirement)\s*(\S+)$", line)
            if m:
                yield from pins(os.path.join(os.path.dirname(path), m.group(1)), seen)
                continue
            m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*(\S+)$", line)
            if not m:
                sys.exit(1)  # something we can't check cheaply: let pip decide
            yield m.group(1), m.group(2)

for name, want in pins(sys.argv[1], set()):
    try:
        have = metadata.version(name)
    except metadata.PackageNotFoundError:
        sys.exit(1)
    if have != want:
        sys.exit(1)
PY
}

ensure_pip() {
    if "$PYTHON" -m pip --version >/dev/null 2>&1; then
        return 0
    fi
    log "pip is missing for $PYTHON; installing python3-pip via apt"
    apt_install python3-pip
}

# pip install -r FILE, unless everything is already pinned-installed.
# Handles PEP 668 "externally-managed-environment" (Debian's /usr/bin/python3)
# by retrying with --break-system-packages.
pip_install_reqs() {
    local req="$1"
    if reqs_satisfied "$req"; then
        log "$(basename "$req"): all pins already installed"
        return 0
    fi
    ensure_pip
    log "pip install -r $(basename "$req")"
    local out status
    out="$(mktemp)"
    set +e
    "$PYTHON" -m pip install --disable-pip-version-check --root-user-action=ignore \
        -r "$req" 2>&1 | tee "$out"
    status=${PIPESTATUS[0]}
    set -e
    if [ "$status" -ne 0 ] && grep -q 'externally-managed-environment' "$out"; then
        log "externally-managed Python: retrying with --break-system-packages"
        "$PYTHON" -m pip install --disable-pip-version-check --root-user-action=ignore \
            --break-system-packages -r "$req"
        status=$?
    fi
    rm -f "$out"
    return "$status"
}

_APT_UPDATED=0
apt_install() {
    if ! command -v apt-get >/dev/null 2>&1; then
        log "apt-get not available; cannot install: $*"
        return 1
    fi
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    if [ "$_APT_UPDATED" -eq 0 ]; then
        log "apt-get update"
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
        _APT_UPDATED=1
    fi
    log "apt-get install -y $*"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}
