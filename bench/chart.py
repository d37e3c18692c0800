"""The results as one PNG: four panels of medians with min-max whiskers, ours against each
reference, stamped with the machine and the date."""

from __future__ import annotations

from pathlib import Path

import matplotlib

# No display: render straight to a file. Chosen before pyplot is first imported (below).
matplotlib.use("Agg")

import matplotlib.pyplot as plt

from bench.report import CHART_NAME

OURS_COLOUR, REFERENCE_COLOUR = "#1f77b4", "#bbbbbb"


def _bars(axis, groups: list[tuple[str, dict, dict]], scale: float, unit: str, title: str):
    """groups: (label, ours summary, reference summary)."""
    width = 0.38
    for offset, index, colour, name in (
        (-width / 2, 1, OURS_COLOUR, "ours"),
        (width / 2, 2, REFERENCE_COLOUR, "reference"),
    ):
        medians = [group[index]["median"] * scale for group in groups]
        lows = [m - group[index]["min"] * scale for m, group in zip(medians, groups, strict=True)]
        highs = [group[index]["max"] * scale - m for m, group in zip(medians, groups, strict=True)]
        positions = [position + offset for position in range(len(groups))]
        axis.bar(positions, medians, width, yerr=[lows, highs], capsize=3, color=colour, label=name)
    axis.set_xticks(range(len(groups)), [group[0] for group in groups], fontsize=7)
    axis.set_ylabel(unit)
    axis.set_title(title, fontsize=9)
    axis.legend(fontsize=7)


def _pair(comparison: dict, metric: str, reference: str = "baseline") -> tuple[dict, dict]:
    return comparison["ours"][metric], comparison[reference][metric]


def write_chart(results: dict, folder: Path) -> Path:
    figure, axes = plt.subplots(2, 2, figsize=(12, 8))
    handlers = {k: v for k, v in results.get("handlers", {}).items() if k != "critical_path"}
    _bars(
        axes[0][0],
        [
            (f"batch of 10, {key}{suffix}", *_pair(at["worker_batch_of_10"], metric))
            for metric, suffix in (("wall_s", ""), ("wall_minus_emulator_s", "\nno emulator CPU"))
            for key, at in handlers.items()
        ],
        1000,
        "ms",
        "Worker batch wall time (reference: seed-style baseline)",
    )
    _bars(
        axes[0][1],
        [
            (f"enqueue, {key}", *_pair(at["enqueue_request"], "latency_s"))
            for key, at in handlers.items()
        ],
        1000,
        "ms per request",
        "Enqueue latency (reference: seed-style baseline)",
    )
    cold = results.get("cold_starts")
    if cold:
        init = cold["worker_init"]
        _bars(
            axes[1][0],
            [
                (
                    "enqueue import\nvs import boto3",
                    *_pair(cold["enqueue_import"], "seconds", "bare_boto3"),
                ),
                ("worker init\nvs import torch", *_pair(init, "seconds", "bare_torch")),
                ("worker init\nvs seed-style init", *_pair(init, "seconds")),
            ],
            1000,
            "ms",
            "Cold starts, fresh processes",
        )
    bursts = results.get("end_to_end", {}).get("bursts", {})
    if bursts:
        _bars(
            axes[1][1],
            [
                (f"{int(size):,} requests", *_pair(burst, "throughput_rps", "ceiling"))
                for size, burst in bursts.items()
            ],
            1,
            "requests/s reaching succeeded",
            "Local stack end to end (reference: emulator ceiling)",
        )
    stamp = results["machine"]
    figure.suptitle(
        f"asyncinfer benchmarks - {stamp['date']} - {stamp['cpu_count']} CPUs, "
        f"Python {stamp['python']}, torch {stamp['torch']} - median, whiskers min-max",
        fontsize=10,
    )
    figure.tight_layout()
    path = folder / CHART_NAME
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
