#!/usr/bin/env bash
# THE test command: installs what the tests need, then runs pytest.
# Arguments are passed to pytest, e.g. `bash scripts/test.sh -k smoke -x`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup-test.sh
exec "${PYTHON:-python3}" -m pytest -n "${BANTIN_TEST_WORKERS:-2}" "$@"
