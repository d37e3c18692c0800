"""Terraform takes the shared settings from infra/settings.json (the file the local stack reads),
and those settings agree with the handlers' contract and with AWS's rules."""

import json

import pytest

from asyncinfer_shared.contract import Attr
from tests.terraform.tf_checks import REPO, hcl

SETTINGS = json.loads((REPO / "infra/settings.json").read_text(encoding="utf-8"))
STACK = hcl.load_dir(REPO / "infra")
CALLS = {name: hcl.plain(body) for name, body in hcl.labelled(STACK, "module").items()}
MAPPINGS = {
    n: hcl.plain(b) for t, n, b in hcl.resources(STACK) if t == "aws_lambda_event_source_mapping"
}
MAPPING = MAPPINGS["worker"]


def test_stack_reads_settings_json():
    settings_local = next(entry for entry in STACK["locals"] if "settings" in entry)["settings"]
    assert settings_local == '${jsondecode(file("${path.module}/settings.json"))}'


@pytest.mark.parametrize(
    ("module", "argument", "setting"),
    [
        ("queue", "visibility_timeout_seconds", "queue.visibility_timeout_seconds"),
        ("queue", "message_retention_seconds", "queue.message_retention_seconds"),
        ("queue", "receive_wait_time_seconds", "queue.receive_wait_time_seconds"),
        ("queue", "max_receive_count", "queue.max_receive_count"),
        ("queue", "dlq_message_retention_seconds", "queue.dlq_message_retention_seconds"),
        ("queue", "dlq_visibility_timeout_seconds", "queue.dlq_visibility_timeout_seconds"),
        ("worker", "timeout_seconds", "worker.timeout_seconds"),
        ("worker", "memory_size_mb", "worker.memory_size_mb"),
        ("enqueue", "timeout_seconds", "enqueue.timeout_seconds"),
        ("enqueue", "memory_size_mb", "enqueue.memory_size_mb"),
        ("dead_letters", "timeout_seconds", "dead_letters.timeout_seconds"),
        ("dead_letters", "memory_size_mb", "dead_letters.memory_size_mb"),
        ("dead_letters", "reserved_concurrency", "dead_letters.reserved_concurrency"),
        ("results", "ttl_attribute", "results.ttl_attribute"),
        ("results", "hash_key", "results.hash_key"),
    ],
)
def test_module_argument_comes_from_settings_json(module, argument, setting):
    section, key = setting.split(".")
    assert key in SETTINGS[section]
    assert CALLS[module][argument] == f"${{local.{setting}}}"


@pytest.mark.parametrize("argument", ["batch_size", "maximum_batching_window_in_seconds"])
def test_event_source_mapping_argument_comes_from_settings_json(argument):
    assert argument in SETTINGS["worker"]
    assert MAPPING[argument] == f"${{local.worker.{argument}}}"


@pytest.mark.parametrize(
    "argument", ["batch_size", "maximum_batching_window_in_seconds", "maximum_concurrency"]
)
def test_dlq_mapping_argument_comes_from_settings_json(argument):
    assert argument in SETTINGS["dead_letters"]
    drain = MAPPINGS["dead_letters"]
    value = (
        drain["scaling_config"][0][argument]
        if argument == "maximum_concurrency"
        else drain[argument]
    )
    assert value == f"${{local.dead_letters.{argument}}}"


def test_drain_max_receive_count_is_the_queues():
    count = CALLS["dead_letters"]["environment_variables"]["MAX_RECEIVE_COUNT"]
    assert count == "${tostring(module.queue.max_receive_count)}"


def test_mapping_maximum_concurrency_comes_from_settings_json():
    assert MAPPING["scaling_config"] == [
        {"maximum_concurrency": "${local.worker.maximum_concurrency}"}
    ]


def test_enqueue_result_ttl_comes_from_settings_json():
    ttl = CALLS["enqueue"]["environment_variables"]["RESULT_TTL_SECONDS"]
    assert ttl == "${tostring(local.results.result_ttl_seconds)}"


def test_worker_max_receive_count_is_the_queues():
    count = CALLS["worker"]["environment_variables"]["MAX_RECEIVE_COUNT"]
    assert count == "${tostring(module.queue.max_receive_count)}"


def test_ttl_attribute_is_the_one_the_handlers_write():
    assert SETTINGS["results"]["ttl_attribute"] == Attr.EXPIRES_AT


def test_hash_key_is_the_request_id_attribute():
    assert SETTINGS["results"]["hash_key"] == Attr.REQUEST_ID


def test_max_receive_count_is_at_least_five():
    assert SETTINGS["queue"]["max_receive_count"] >= 5


def test_dlq_visibility_timeout_is_at_least_six_drain_timeouts():
    assert (
        SETTINGS["queue"]["dlq_visibility_timeout_seconds"]
        >= 6 * SETTINGS["dead_letters"]["timeout_seconds"]
    )


def test_visibility_timeout_is_at_least_six_worker_timeouts():
    assert (
        SETTINGS["queue"]["visibility_timeout_seconds"] >= 6 * SETTINGS["worker"]["timeout_seconds"]
    )
