"""Repeated, interleaved measurement of our side against one or more reference sides.

Every side runs in every run, in an order that rotates from run to run, so drift on a shared
machine (other processes, a queue growing in the emulator) hits all sides alike.
"""

from __future__ import annotations

from collections.abc import Callable

from bench.stats import ratio, summary

OURS = "ours"

# One run of one side: named numbers to summarise (seconds, MiB...) and descriptive extras that
# do not vary between runs (AWS calls per batch...).
Measurement = Callable[[], tuple[dict[str, float], dict]]


def compare(sides: dict[str, Measurement], runs: int) -> dict:
    """Run every side `runs` times, interleaved. Per side and metric: median, min, max and the
    runs. Per reference side and shared metric: the ratio ours/reference taken per run (pairs
    from the same run), summarised the same way."""
    if runs < 1:
        raise ValueError("runs must be >= 1")
    if OURS not in sides or len(sides) < 2:
        raise ValueError("compare needs 'ours' and at least one reference side")
    names = list(sides)
    values: dict[str, dict[str, list[float]]] = {name: {} for name in names}
    extras: dict[str, dict] = {name: {} for name in names}
    for run in range(runs):
        shift = run % len(names)
        for name in names[shift:] + names[:shift]:
            metrics, extras[name] = sides[name]()
            for metric, value in metrics.items():
                values[name].setdefault(metric, []).append(value)
    result: dict = {
        name: {"extras": extras[name], **{m: summary(v) for m, v in values[name].items()}}
        for name in names
    }
    result["ratio"] = {}
    for reference in names:
        if reference == OURS:
            continue
        shared = [metric for metric in values[OURS] if metric in values[reference]]
        result["ratio"][reference] = {}
        for metric in shared:
            pairs = zip(values[OURS][metric], values[reference][metric], strict=True)
            ratios = [r for ours, theirs in pairs if (r := ratio(ours, theirs)) is not None]
            result["ratio"][reference][metric] = summary(ratios) if ratios else None
    return result
