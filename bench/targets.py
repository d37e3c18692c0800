"""The targets of issue 7, read off a results document: each one met or missed, with the
number it was judged on."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Verdict:
    name: str
    measured: float  # the median ratio (or overhead) the target is judged on
    limit: float
    met: bool
    judged_on: str

    def as_dict(self) -> dict:
        return asdict(self)


def _at_most(name: str, measured: float, limit: float, judged_on: str) -> Verdict:
    return Verdict(name, measured, limit, measured <= limit, judged_on)


def verdicts(results: dict) -> list[Verdict]:
    found: list[Verdict] = []
    handlers = results.get("handlers", {})
    at_8 = handlers.get("8ms")
    if at_8:
        ratios = at_8["worker_batch_of_10"]["ratio"]["baseline"]
        found.append(
            _at_most(
                "worker batch wall <= 1/3 of baseline at 8 ms",
                ratios["wall_s"]["median"],
                1 / 3,
                "wall time of a batch of 10, moto in-process",
            )
        )
        found.append(
            _at_most(
                "worker batch wall <= 1/3 of baseline at 8 ms (emulator CPU excluded)",
                ratios["wall_minus_emulator_s"]["median"],
                1 / 3,
                "same runs, minus the CPU moto spent serving the calls in-process",
            )
        )
    cold = results.get("cold_starts")
    if cold:
        found.append(
            _at_most(
                "enqueue import <= 1.2x bare import boto3",
                cold["enqueue_import"]["ratio"]["bare_boto3"]["seconds"]["median"],
                1.2,
                "fresh interpreters",
            )
        )
        found.append(
            _at_most(
                "worker init <= 1.15x bare import torch",
                cold["worker_init"]["ratio"]["bare_torch"]["seconds"]["median"],
                1.15,
                "fresh interpreters: import + model load + warm-up",
            )
        )
    for size, burst in results.get("end_to_end", {}).get("bursts", {}).items():
        found.append(
            _at_most(
                f"local end-to-end overhead <= 20% over the emulator ceiling ({size} requests)",
                burst["ratio"]["ceiling"]["span_s"]["median"] - 1,
                0.20,
                "time from first acceptance to last success, ours / ceiling - 1",
            )
        )
    return found
