"""Save a side benchmark's figures where bench/README.md cites them: bench/results/<kind>-<date>.json."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def save_results(kind: str, results: dict) -> Path:
    """Write `results` as bench/results/<kind>-<date and time>.json, say where, and return the file."""
    out = RESULTS / f"{kind}-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"saved {out}")
    return out
