#!/usr/bin/env bash
# Install everything needed to TEST the site: build deps, test Python packages,
# Debian Chromium (+ chromedriver), a Java runtime for vnu, and node_modules
# (axe-core, vnu-jar). Idempotent; a run with everything present is fast and offline.
# Never runs `playwright install`: tests drive /usr/bin/chromium.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

bash "$ROOT/scripts/setup.sh"

pip_install_reqs "$ROOT/requirements-test.txt"

# --- Browser (Debian packages) ---
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    apt_install chromium chromium-driver
else
    log "chromium present: /usr/bin/chromium"
fi

# --- rsync, for the tested deploy instructions (tests/test_deploy.py) ---
if ! command -v rsync >/dev/null 2>&1; then
    apt_install rsync
fi

# --- Java for the Nu Html Checker (vnu.jar) ---
if java -version >/dev/null 2>&1; then
    log "java present: $(java -version 2>&1 | head -n 1)"
else
    apt_install default-jre-headless
    java -version
fi

# --- node_modules: axe-core + vnu-jar ---
if ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm
fi
AXE_JS="node_modules/axe-core/axe.min.js"
VNU_JAR="node_modules/vnu-jar/build/dist/vnu.jar"
STAMP="node_modules/.bantin-npm-stamp"
npm_stamp() { cat package.json package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1; }
if [ -f "$AXE_JS" ] && [ -f "$VNU_JAR" ] && [ -f package-lock.json ] \
        && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(npm_stamp)" ]; then
    log "node_modules up to date"
else
    # --ignore-scripts: vnu-jar's postinstall would try to download a Java runtime;
    # we use the system java instead.
    if [ -f package-lock.json ]; then
        log "npm ci"
        npm ci --no-audit --no-fund --ignore-scripts
    else
        log "npm install (no package-lock.json yet)"
        npm install --no-audit --no-fund --ignore-scripts
    fi
    for f in "$AXE_JS" "$VNU_JAR"; do
        [ -f "$f" ] || { log "missing after npm install: $f"; exit 1; }
    done
    npm_stamp > "$STAMP"
fi

# --- The reliability tests run the build as the user nobody (root reads every folder, so a folder
# it cannot read needs another user): let nobody reach the interpreter (search, not list, each folder).
PY_REAL="$(python3 -c 'import os, sys; print(os.path.realpath(sys.executable))')"
folder="$(dirname "$PY_REAL")"
while [ "$folder" != "/" ]; do
    if [ "$(id -u)" = 0 ] && [ -n "$(find "$folder" -maxdepth 0 ! -perm -o+x)" ]; then
        chmod o+x "$folder"
    fi
    folder="$(dirname "$folder")"
done

log "test dependencies ready"
