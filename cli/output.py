"""Shared output helpers for CLI commands: one JSON document or human text."""

from __future__ import annotations

import json
import math
from typing import Any


def _finite(obj: Any) -> Any:
    """Replace NaN/inf floats with None so the JSON is strict (RFC 8259)."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj


def emit(payload: dict[str, Any], as_json: bool, human: str | None = None) -> None:
    """Print ``payload`` as one JSON document (``as_json``) or ``human`` text."""
    if as_json:
        print(json.dumps(_finite(payload), ensure_ascii=False, allow_nan=False))
    else:
        print(human if human is not None else json.dumps(_finite(payload), indent=2, ensure_ascii=False))
