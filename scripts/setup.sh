#!/usr/bin/env bash
# Install everything needed to BUILD the site (not to test it). Idempotent; does not build.
#   bash scripts/setup.sh && python3 build.py
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

pip_install_reqs "$ROOT/requirements.txt"
python3 "$ROOT/scripts/sample_photo.py" >/dev/null  # the sample bulletin's camera photo, made from code
log "build dependencies ready"
