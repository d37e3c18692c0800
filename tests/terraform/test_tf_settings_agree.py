"""Terraform takes the shared settings from infra/settings.json (the file the local stack reads),
and those settings agree with the handlers' contract and with AWS's rules."""

import json

import pytest

from asyncinfer_shared.contract import Attr
from tests.terraform.tf_checks import REPO, hcl

SETTINGS = json.loads((REPO / "infra/settings.json").read_text(encoding="utf-8"))
STACK = hcl.load_dir(REPO / "infra")
CALLS = {name: hcl.plain(body) for name, body in hcl.labelled(STACK, "module").items()}


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


# What each queue trigger is given, and the settings its precondition messages name for it.
TRIGGER_INPUTS = {
    "worker_trigger": {
        "batch_size": "worker.batch_size",
        "maximum_batching_window_in_seconds": "worker.maximum_batching_window_in_seconds",
        "maximum_concurrency": "worker.maximum_concurrency",
        "queue_visibility_timeout_seconds": "queue.visibility_timeout_seconds",
        "function_timeout_seconds": "worker.timeout_seconds",
        "function_reserved_concurrency": "worker_reserved_concurrency",
    },
    "dead_letters_trigger": {
        "batch_size": "dead_letters.batch_size",
        "maximum_batching_window_in_seconds": "dead_letters.maximum_batching_window_in_seconds",
        "maximum_concurrency": "dead_letters.maximum_concurrency",
        "queue_visibility_timeout_seconds": "queue.dlq_visibility_timeout_seconds",
        "function_timeout_seconds": "dead_letters.timeout_seconds",
        "function_reserved_concurrency": "dead_letters.reserved_concurrency",
    },
}


def _expression(setting: str) -> str:
    """The Terraform that reads a setting: a settings.json "<section>.<key>" or a root variable."""
    if "." in setting:
        section, key = setting.split(".")
        assert key in SETTINGS[section], setting
        return f"${{local.{setting}}}"
    return f"${{var.{setting}}}"


def _misnamed(call: dict) -> list[str]:
    """Inputs whose precondition message would name another setting than the one passed."""
    return [
        f"{argument} is {call[argument]} but messages name {name}"
        for argument, name in call["setting_names"].items()
        if call[argument] != _expression(name)
    ]


@pytest.mark.parametrize(
    ("trigger", "argument", "setting"),
    [(t, a, s) for t, inputs in TRIGGER_INPUTS.items() for a, s in inputs.items()],
)
def test_queue_trigger_argument_comes_from_its_setting(trigger, argument, setting):
    assert CALLS[trigger][argument] == _expression(setting)


@pytest.mark.parametrize("trigger", sorted(TRIGGER_INPUTS))
def test_queue_trigger_messages_name_the_settings_it_is_given(trigger):
    call = CALLS[trigger]
    assert set(call["setting_names"]) == {
        "queue_visibility_timeout_seconds",
        "function_timeout_seconds",
        "maximum_concurrency",
        "function_reserved_concurrency",
    }
    assert _misnamed(call) == []


def test_queue_trigger_message_naming_another_setting_is_caught():
    call = CALLS["worker_trigger"]
    swapped = {**call["setting_names"], "function_timeout_seconds": "dead_letters.timeout_seconds"}
    assert _misnamed({**call, "setting_names": swapped}) == [
        "function_timeout_seconds is ${local.worker.timeout_seconds} but messages name "
        "dead_letters.timeout_seconds"
    ]


def test_drain_max_receive_count_is_the_queues():
    count = CALLS["dead_letters"]["environment_variables"]["MAX_RECEIVE_COUNT"]
    assert count == "${tostring(module.queue.max_receive_count)}"


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
