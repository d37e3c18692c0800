"""The benchmark harness, run end to end at tiny sizes (`python -m bench --smoke`), produces a
well-formed, stamped results document, a markdown table and a PNG chart.

No timing is asserted here: benchmarks are judged in bench/results/, never in tests. Only what
the harness must get right whatever the machine: structure, counts, files.
"""

from __future__ import annotations

import copy
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from bench.report import MalformedResults, validate

REPO = Path(__file__).resolve().parents[2]
MODEL = REPO / "worker" / "model" / "artifacts" / "sentiment.pt"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def smoke(tmp_path_factory) -> Path:
    if not MODEL.is_file():
        pytest.skip("no model: run `make model` (make test does)")
    out = tmp_path_factory.mktemp("bench-smoke")
    completed = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    return out


@pytest.fixture
def results(smoke) -> dict:
    return json.loads((smoke / "results.json").read_text())


def test_smoke_results_pass_validation(results):
    validate(results)


def test_smoke_results_are_stamped_with_machine_and_date(results):
    stamp = results["machine"]
    assert stamp["cpu_count"] >= 1
    assert stamp["python"].startswith("3.")
    assert stamp["torch"].startswith("2.13.0")
    assert stamp["date"].endswith("Z")


def test_smoke_covers_every_section_at_both_round_trips(results):
    assert set(results["handlers"]) == {"0ms", "8ms", "critical_path"}
    assert set(results["cold_starts"]) == {"enqueue_import", "worker_init"}
    assert set(results["end_to_end"]["bursts"]) == {"10"}
    burst = results["end_to_end"]["bursts"]["10"]
    assert {"ours", "ceiling", "ratio"} <= burst.keys()
    assert len(burst["ratio"]["ceiling"]["span_s"]["runs"]) == 1
    for key in ("0ms", "8ms"):
        for name in ("worker_batch_of_10", "worker_stream", "enqueue_request"):
            comparison = results["handlers"][key][name]
            assert {"ours", "baseline", "ratio"} <= comparison.keys()
            assert len(next(iter(comparison["ratio"]["baseline"].values()))["runs"]) == 2


def test_smoke_counts_the_aws_calls_each_side_makes(results):
    critical = results["handlers"]["critical_path"]
    ours, baseline = (
        critical["worker_batch_of_10"]["ours"],
        critical["worker_batch_of_10"]["baseline"],
    )
    # Ours: at least one conditional write per message, made concurrently.
    assert ours["aws_calls_per_unit"] >= 10
    assert set(ours["aws_calls_by_operation"]) <= {"dynamodb.UpdateItem", "dynamodb.PutItem"}
    # The seed: one unconditional put per message, one after another.
    assert baseline["aws_calls_by_operation"] == {"dynamodb.PutItem": 10}
    assert baseline["critical_path_calls_per_unit"] == 10
    assert ours["critical_path_calls_per_unit"] < baseline["critical_path_calls_per_unit"]
    for side in ("ours", "baseline"):
        assert critical["enqueue_request"][side]["aws_calls_by_operation"] == {
            "dynamodb.PutItem": 1,
            "sqs.SendMessage": 1,
        }


def test_smoke_enqueue_import_does_not_load_torch(results):
    assert results["cold_starts"]["enqueue_import"]["ours"]["extras"]["torch_imported"] is False


def test_smoke_judges_every_target(results):
    names = " / ".join(target["name"] for target in results["targets"])
    for target_of_issue_7 in (
        "worker batch wall <= 1/3 of baseline at 8 ms",
        "enqueue import <= 1.2x bare import boto3",
        "worker init <= 1.15x bare import torch",
        "local end-to-end overhead <= 20% over the emulator ceiling (10 requests)",
    ):
        assert target_of_issue_7 in names
    for target in results["targets"]:
        assert isinstance(target["met"], bool)
        assert math.isfinite(target["measured"])


def test_smoke_markdown_table_has_a_row_per_measurement(smoke, results):
    text = (smoke / "results.md").read_text()
    assert "| measurement | ours | reference | ratio | unit |" in text
    for label in ("Worker: batch of 10, round trip 8 ms", "Cold start: worker init", "End to end"):
        assert label in text
    assert results["machine"]["date"] in text
    assert text.count("\n| ") >= 20


def test_smoke_chart_is_a_png(smoke):
    data = (smoke / "results.png").read_bytes()
    assert data.startswith(PNG_MAGIC)
    assert len(data) > 10_000


@pytest.mark.parametrize(
    "plant",
    [
        pytest.param(lambda r: r["machine"].pop("torch"), id="missing-stamp"),
        pytest.param(
            lambda r: r["handlers"]["8ms"]["worker_batch_of_10"]["ours"]["wall_s"].update(
                median=math.nan
            ),
            id="nan-median",
        ),
        pytest.param(
            lambda r: r["cold_starts"]["worker_init"]["ours"]["seconds"].update(min=1e9),
            id="min-above-median",
        ),
        pytest.param(
            lambda r: r["end_to_end"]["bursts"]["10"]["ours"]["p99_ms"]["runs"].append(1.0),
            id="wrong-run-count",
        ),
    ],
)
def test_validation_catches_a_planted_defect(results, plant):
    broken = copy.deepcopy(results)
    plant(broken)
    with pytest.raises(MalformedResults):
        validate(broken)
