"""The harness's own pieces: the simulated round trip, the interleaved runner, percentiles."""

from __future__ import annotations

import threading

import boto3
import pytest
from moto import mock_aws

from bench.latency import install
from bench.runner import compare
from bench.stats import percentile, summary

LATENCY = install()


@pytest.fixture
def queue():
    with mock_aws():
        client = boto3.client("sqs", region_name="us-east-1")
        yield client, client.create_queue(QueueName="harness")["QueueUrl"]


def test_hook_records_nothing_outside_a_measurement(queue):
    client, url = queue
    client.send_message(QueueUrl=url, MessageBody="before")
    with LATENCY.measure(0) as log:
        pass
    assert log.total == 0


def test_sequential_calls_are_all_on_the_critical_path(queue):
    client, url = queue
    with LATENCY.measure(20) as log:
        for _ in range(4):
            client.send_message(QueueUrl=url, MessageBody="x")
    assert log.by_operation == {"sqs.SendMessage": 4}
    assert log.critical_path() == 4


def test_concurrent_calls_overlap_on_the_critical_path(queue):
    client, url = queue
    start = threading.Barrier(4)

    def send():
        start.wait()
        client.send_message(QueueUrl=url, MessageBody="x")

    with LATENCY.measure(200) as log:
        threads = [threading.Thread(target=send) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert log.total == 4
    assert log.critical_path() == 1


def test_emulator_cpu_is_charged_to_the_measurement(queue):
    client, url = queue
    with LATENCY.measure(0) as log:
        for _ in range(3):
            client.send_message(QueueUrl=url, MessageBody="x")
    assert log.emulator_cpu_s > 0


def test_measurements_do_not_nest():
    with LATENCY.measure(0), pytest.raises(RuntimeError), LATENCY.measure(0):
        pass


def test_runner_rotates_which_side_goes_first():
    order: list[str] = []

    def side(name: str, value: float):
        def measure():
            order.append(name)
            return {"seconds": value}, {}

        return measure

    result = compare({"ours": side("ours", 1.0), "baseline": side("baseline", 4.0)}, runs=4)
    assert order == ["ours", "baseline", "baseline", "ours"] * 2
    assert result["ratio"]["baseline"]["seconds"]["median"] == 0.25
    assert result["ours"]["seconds"]["runs"] == [1.0] * 4


def test_runner_needs_our_side_and_a_reference():
    with pytest.raises(ValueError):
        compare({"baseline": lambda: ({}, {})}, runs=1)


def test_percentile_is_an_observed_value_by_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 0.50) == 50
    assert percentile(values, 0.99) == 99
    assert percentile([7.0], 0.99) == 7.0


def test_summary_keeps_median_min_max_and_runs():
    assert summary([3.0, 1.0, 2.0]) == {
        "median": 2.0,
        "min": 1.0,
        "max": 3.0,
        "runs": [3.0, 1.0, 2.0],
    }
