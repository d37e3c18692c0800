"""Summaries of repeated measurements: median with min and max, percentiles, ratios."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence


def summary(values: Sequence[float]) -> dict:
    """Median, min and max of the runs, plus the raw runs so a reader can check them."""
    if not values:
        raise ValueError("no measurements to summarise")
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "runs": list(values),
    }


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (fraction in (0, 1]): a value that was actually observed."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def ratio(ours: float, theirs: float) -> float | None:
    """ours / theirs, or None when the denominator is zero (nothing to compare against)."""
    return ours / theirs if theirs else None
