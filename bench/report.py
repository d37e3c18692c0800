"""The results document as JSON and as a markdown table."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

from bench.targets import verdicts

JSON_NAME = "results.json"
MARKDOWN_NAME = "results.md"
CHART_NAME = "results.png"


class MalformedResults(ValueError):
    """The results document is missing something or holds a number that cannot be right."""


def write_json(results: dict, folder: Path) -> Path:
    path = folder / JSON_NAME
    path.write_text(json.dumps(results, indent=2, sort_keys=False) + "\n")
    return path


# -- validation ----------------------------------------------------------------------------------

STAMP_FIELDS = ("date", "cpu_count", "python", "torch")


def validate(results: dict) -> None:
    """Raise MalformedResults unless the document is stamped and every summary is sane: finite
    numbers, non-negative except overheads (ours can beat the ceiling within noise),
    min <= median <= max, and as many runs as configured."""
    stamp = results.get("machine") or {}
    missing = [name for name in STAMP_FIELDS if not stamp.get(name)]
    if missing:
        raise MalformedResults(f"machine stamp lacks {missing}")
    runs = results.get("config", {}).get("runs")
    summaries = list(_summaries(results))
    if not summaries:
        raise MalformedResults("no measurements")
    for where, summary in summaries:
        numbers = [summary["median"], summary["min"], summary["max"], *summary["runs"]]
        floor = -math.inf if "overhead" in where else 0
        if not all(isinstance(n, int | float) and math.isfinite(n) and n >= floor for n in numbers):
            raise MalformedResults(f"{where}: not a finite number in range: {summary}")
        if not summary["min"] <= summary["median"] <= summary["max"]:
            raise MalformedResults(f"{where}: min <= median <= max does not hold: {summary}")
        expected = runs.get(where.split("/")[0]) if isinstance(runs, dict) else None
        if expected is not None and len(summary["runs"]) != expected:
            raise MalformedResults(f"{where}: {len(summary['runs'])} runs, expected {expected}")


def _summaries(node, path: str = "") -> Iterator[tuple[str, dict]]:
    if isinstance(node, dict):
        if {"median", "min", "max", "runs"} <= node.keys():
            yield path, node
            return
        for key, value in node.items():
            yield from _summaries(value, f"{path}/{key}" if path else key)


# -- markdown ------------------------------------------------------------------------------------


def _span(summary: dict, scale: float = 1.0, digits: int = 1) -> str:
    median, low, high = (summary[k] * scale for k in ("median", "min", "max"))
    return f"{median:.{digits}f} ({low:.{digits}f}-{high:.{digits}f})"


def _ratio(summary: dict | None) -> str:
    return _span(summary, digits=2) if summary else "n/a"


def _rows(results: dict) -> Iterator[tuple[str, str, str, str, str]]:
    """(what, ours, reference, ratio, unit) rows."""
    for key, at in results.get("handlers", {}).items():
        if key == "critical_path":
            continue
        rt = f"{at['round_trip_ms']:g} ms"
        batch = at["worker_batch_of_10"]
        yield (
            f"Worker: batch of 10, round trip {rt}",
            _span(batch["ours"]["wall_s"], 1000),
            _span(batch["baseline"]["wall_s"], 1000),
            _ratio(batch["ratio"]["baseline"]["wall_s"]),
            "ms",
        )
        yield (
            f"Worker: batch of 10, round trip {rt}, emulator CPU excluded",
            _span(batch["ours"]["wall_minus_emulator_s"], 1000),
            _span(batch["baseline"]["wall_minus_emulator_s"], 1000),
            _ratio(batch["ratio"]["baseline"]["wall_minus_emulator_s"]),
            "ms",
        )
        stream = at["worker_stream"]
        yield (
            f"Worker: {stream['messages']:,} messages, round trip {rt}",
            _span(stream["ours"]["wall_s"], digits=2),
            _span(stream["baseline"]["wall_s"], digits=2),
            _ratio(stream["ratio"]["baseline"]["wall_s"]),
            "s",
        )
        yield (
            f"Worker: {stream['messages']:,} messages, round trip {rt}, emulator CPU excluded",
            _span(stream["ours"]["wall_minus_emulator_s"], digits=2),
            _span(stream["baseline"]["wall_minus_emulator_s"], digits=2),
            _ratio(stream["ratio"]["baseline"]["wall_minus_emulator_s"]),
            "s",
        )
        enqueue = at["enqueue_request"]
        yield (
            f"Enqueue: latency per request, round trip {rt}",
            _span(enqueue["ours"]["latency_s"], 1000, 2),
            _span(enqueue["baseline"]["latency_s"], 1000, 2),
            _ratio(enqueue["ratio"]["baseline"]["latency_s"]),
            "ms",
        )
    critical = results.get("handlers", {}).get("critical_path")
    if critical:
        for label, key, unit in (
            (
                "Worker: AWS calls per batch of 10, total / on the critical path",
                "worker_batch_of_10",
                "calls",
            ),
            (
                "Enqueue: AWS calls per request, total / on the critical path",
                "enqueue_request",
                "calls",
            ),
        ):
            ours, base = critical[key]["ours"], critical[key]["baseline"]
            sequential = "critical_path_calls_per_unit"
            yield (
                label,
                f"{ours['aws_calls_per_unit']:g} / {ours[sequential]:g}",
                f"{base['aws_calls_per_unit']:g} / {base[sequential]:g}",
                f"{ours[sequential] / base[sequential]:.2f}",
                unit,
            )
    cold = results.get("cold_starts")
    if cold:
        enqueue = cold["enqueue_import"]
        torch_seen = enqueue["ours"]["extras"].get("torch_imported")
        yield (
            "Cold start: enqueue module import vs bare `import boto3` "
            f"(torch imported: {torch_seen})",
            _span(enqueue["ours"]["seconds"], 1000),
            _span(enqueue["bare_boto3"]["seconds"], 1000),
            _ratio(enqueue["ratio"]["bare_boto3"]["seconds"]),
            "ms",
        )
        init = cold["worker_init"]
        yield (
            "Cold start: worker init (import + model load + warm-up) vs bare `import torch`",
            _span(init["ours"]["seconds"], 1000, 0),
            _span(init["bare_torch"]["seconds"], 1000, 0),
            _ratio(init["ratio"]["bare_torch"]["seconds"]),
            "ms",
        )
        yield (
            "Cold start: the AWS SDK import inside worker init (both sides import it at init)",
            _span(init["ours"]["sdk_import_seconds"], 1000, 0),
            _span(init["baseline"]["sdk_import_seconds"], 1000, 0),
            _ratio(init["ratio"]["baseline"]["sdk_import_seconds"]),
            "ms",
        )
        yield (
            "Cold start: worker init vs seed-style worker init",
            _span(init["ours"]["seconds"], 1000, 0),
            _span(init["baseline"]["seconds"], 1000, 0),
            _ratio(init["ratio"]["baseline"]["seconds"]),
            "ms",
        )
        yield (
            "Cold start: worker init + first batch of 10 (8 ms not simulated: local moto server)"
            " vs seed-style worker",
            _span(init["ours"]["init_and_first_batch_seconds"], 1000, 0),
            _span(init["baseline"]["init_and_first_batch_seconds"], 1000, 0),
            _ratio(init["ratio"]["baseline"]["init_and_first_batch_seconds"]),
            "ms",
        )
        yield (
            "Memory: worker peak RSS after init and a batch of 10 (moto runs in another process)",
            _span(init["ours"]["peak_rss_mb_after_batch"], digits=0),
            _span(init["baseline"]["peak_rss_mb_after_batch"], digits=0),
            _ratio(init["ratio"]["baseline"]["peak_rss_mb_after_batch"]),
            "MiB",
        )
    for size, burst in results.get("end_to_end", {}).get("bursts", {}).items():
        for metric, label, unit, digits in (
            ("span_s", "first acceptance to last success", "s", 2),
            ("throughput_rps", "throughput", "requests/s", 1),
            ("p50_ms", "p50 submit-to-succeeded", "ms", 0),
            ("p99_ms", "p99 submit-to-succeeded", "ms", 0),
        ):
            yield (
                f"End to end, {int(size):,} requests: {label} (vs emulator ceiling)",
                _span(burst["ours"][metric], digits=digits),
                _span(burst["ceiling"][metric], digits=digits),
                _ratio(burst["ratio"]["ceiling"][metric]),
                unit,
            )


def markdown(results: dict) -> str:
    stamp = results["machine"]
    lines = [
        "# asyncinfer benchmark results",
        "",
        f"Measured {stamp['date']} on {stamp['cpu_count']} CPUs ({stamp['cpu']}, "
        f"{stamp['platform']}), Python {stamp['python']}, torch {stamp['torch']}, "
        f"boto3 {stamp['boto3']}, moto {stamp['moto']}, commit {stamp['git_commit']}, "
        f"load average at start {_load(stamp)}.",
        f"Regenerate with `make bench` ({results['config']['preset']} preset, "
        f"{results['duration_seconds']:.0f} s). Each cell: median (min-max) over the runs; "
        "the ratio is ours / reference taken within each run. Method and caveats: "
        "[bench/README.md](../README.md).",
        "",
        "| measurement | ours | reference | ratio | unit |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [f"| {' | '.join(row)} |" for row in _rows(results)]
    lines += [
        "",
        "## Targets",
        "",
        "| target | measured | limit | met |",
        "| --- | --- | --- | --- |",
    ]
    for verdict in verdicts(results):
        lines.append(
            f"| {verdict.name} | {verdict.measured:.2f} | {verdict.limit:.2f} | "
            f"{'yes' if verdict.met else '**no**'} |"
        )
    lines += [
        "",
        "References: the seed-style baseline (bench/baseline/) for the handlers and memory; "
        "bare `import boto3` / `import torch` for cold starts; the emulator ceiling (the same "
        "moto server doing the same requests' raw SQS/DynamoDB operations) end to end.",
        "",
    ]
    return "\n".join(lines)


def _load(stamp: dict) -> str:
    load = stamp.get("load_average_at_start")
    return ", ".join(f"{value:.2f}" for value in load) if load else "unknown"


def write_markdown(results: dict, folder: Path) -> Path:
    path = folder / MARKDOWN_NAME
    path.write_text(markdown(results))
    return path
