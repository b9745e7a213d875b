"""The one rounding rule of every published figure: half up, as readers and Excel expect.

Scores get two decimals (2.345 -> "2.35"), percentages one (a share of 0.0625 ->
"6.3%"). Python's own formatting rounds the binary float half to even, so 6.25 would
show as "6.2" on one page and "6.3" in a spreadsheet; every table, page, note and
export formats through :func:`rounded` instead.

Floating-point noise is removed first: the value is rounded to 9 decimals (the
precision the scoring compares at) before the half-up step, so a mean computed as
2.3449999999999998 reads as 2.345 and rounds to 2.35.
"""
from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

__all__ = ["SCORE_DECIMALS", "PERCENT_DECIMALS", "percent_text", "rounded", "score_text"]

SCORE_DECIMALS = 2
PERCENT_DECIMALS = 1
#: Digits kept before rounding half up, to drop binary noise (see the module docstring).
_NOISE_DECIMALS = Decimal("1e-9")
MISSING = "—"


def rounded(value: float | Decimal, decimals: int) -> Decimal:
    """``value`` rounded half up to ``decimals`` places (after dropping float noise)."""
    exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    exact = exact.quantize(_NOISE_DECIMALS, rounding=ROUND_HALF_EVEN)
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _missing(value: float | None) -> bool:
    return value is None or not math.isfinite(float(value))


def score_text(value: float | None, missing: str = MISSING) -> str:
    """A score with two decimals, half up (4.125 -> "4.13"); ``missing`` when there is none."""
    return missing if _missing(value) else str(rounded(value, SCORE_DECIMALS))


def percent_text(share: float | None, missing: str = MISSING, sign: str = "%") -> str:
    """A share (0..1) as a percentage with one decimal, half up (0.0625 -> "6.3%")."""
    if _missing(share):
        return missing
    percent = Decimal(repr(float(share))) * 100  # exact: no second binary rounding
    return f"{rounded(percent, PERCENT_DECIMALS)}{sign}"
