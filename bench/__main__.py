"""`python -m bench` (what `make bench` runs): every benchmark, then bench/results/ as JSON,
a markdown table and a PNG chart. `--smoke` runs tiny sizes (what `make test` checks)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

# Before anything creates a boto3 client: the simulated round trip must be in every session.
from bench.latency import DEFAULT_ROUND_TRIP_MS, install

LATENCY = install()
os.environ.setdefault("LOG_LEVEL", "WARNING")  # handler logs would bury the progress lines

from bench.chart import write_chart  # noqa: E402
from bench.coldstart import run_cold_starts  # noqa: E402
from bench.endtoend import run_end_to_end  # noqa: E402
from bench.handler_bench import HandlerSizes, run_handler_benchmarks  # noqa: E402
from bench.machine import REPO, machine_stamp  # noqa: E402
from bench.report import validate, write_json, write_markdown  # noqa: E402
from bench.targets import verdicts  # noqa: E402

MODEL = REPO / "worker" / "model" / "artifacts" / "sentiment.pt"
RESULTS = REPO / "bench" / "results"


@dataclass(frozen=True)
class Preset:
    handler_runs: int
    stream_messages: int
    enqueue_requests: int
    cold_start_runs: int
    cold_start_warm_up: bool
    end_to_end_sizes: tuple[int, ...]
    end_to_end_runs: int
    end_to_end_timeout_seconds: float


PRESETS = {
    "full": Preset(
        handler_runs=5,
        stream_messages=1000,
        enqueue_requests=20,
        cold_start_runs=5,
        cold_start_warm_up=True,
        end_to_end_sizes=(200, 1000),
        end_to_end_runs=5,
        end_to_end_timeout_seconds=300,
    ),
    "smoke": Preset(
        handler_runs=2,
        stream_messages=20,
        enqueue_requests=2,
        cold_start_runs=1,
        cold_start_warm_up=False,
        end_to_end_sizes=(10,),
        end_to_end_runs=1,
        end_to_end_timeout_seconds=60,
    ),
}
SECTIONS = ("handlers", "cold_starts", "end_to_end")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    preset = PRESETS["smoke" if args.smoke else "full"]
    if not args.model.is_file():
        print(f"bench: no model at {args.model}: run `make model` first", file=sys.stderr)
        return 2
    import torch

    torch.set_num_threads(1)  # both sides, as the worker configures itself
    round_trips = [0.0, args.round_trip_ms]
    started = time.perf_counter()
    results: dict = {
        "machine": machine_stamp(),
        "config": {
            "preset": "smoke" if args.smoke else "full",
            "round_trips_ms": round_trips,
            "runs": {
                "handlers": preset.handler_runs,
                "cold_starts": preset.cold_start_runs,
                "end_to_end": preset.end_to_end_runs,
            },
            **asdict(preset),
        },
    }
    sections = args.only or list(SECTIONS)
    if "handlers" in sections:
        _say("handlers: worker and enqueue, ours vs seed-style baseline, moto in-process")
        results["handlers"] = run_handler_benchmarks(
            args.model,
            LATENCY,
            round_trips,
            HandlerSizes(preset.handler_runs, preset.stream_messages, preset.enqueue_requests),
        )
    if "cold_starts" in sections:
        _say("cold starts: fresh processes")
        results["cold_starts"] = run_cold_starts(
            args.model, preset.cold_start_runs, warm_up=preset.cold_start_warm_up
        )
    if "end_to_end" in sections:
        _say("end to end: local stack vs emulator ceiling")
        results["end_to_end"] = run_end_to_end(
            list(preset.end_to_end_sizes),
            preset.end_to_end_runs,
            preset.end_to_end_timeout_seconds,
        )
    results["duration_seconds"] = time.perf_counter() - started
    results["targets"] = [verdict.as_dict() for verdict in verdicts(results)]
    validate(results)
    args.out.mkdir(parents=True, exist_ok=True)
    for path in (
        write_json(results, args.out),
        write_markdown(results, args.out),
        write_chart(results, args.out),
    ):
        _say(f"wrote {path}")
    for verdict in verdicts(results):
        _say(f"{'MET   ' if verdict.met else 'MISSED'} {verdict.name}: {verdict.measured:.2f}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: checks the harness")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for the results")
    parser.add_argument("--model", type=Path, default=MODEL, help="TorchScript model file")
    parser.add_argument(
        "--round-trip-ms",
        type=float,
        default=DEFAULT_ROUND_TRIP_MS,
        help="simulated AWS round trip per call (also measured at 0 ms)",
    )
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help="run only these sections")
    return parser


def _say(line: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {line}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
