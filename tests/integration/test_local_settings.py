"""The local stack takes its settings from infra/settings.json plus explicit overrides, and the
resources it provisions carry exactly those values."""

from __future__ import annotations

import json

import pytest

from asyncinfer_local.settings import DEFAULT_SETTINGS_FILE, SettingsError, load_settings
from tests.integration.conftest import TEST_STACK_SETTINGS

FILE = json.loads(DEFAULT_SETTINGS_FILE.read_text())


def test_settings_are_the_shared_file_without_overrides():
    settings = load_settings(environ={})
    for section in ("queue", "worker", "enqueue", "dead_letters", "results"):
        assert dict(settings.values[section]) == FILE[section]


def test_environment_and_explicit_overrides_keep_the_files_types():
    environ = {"ASYNCINFER_QUEUE_VISIBILITY_TIMEOUT_SECONDS": "30"}
    settings = load_settings({"worker.batch_size": "5"}, environ=environ)
    assert settings.visibility_timeout_seconds == 30
    assert settings.batch_size == 5
    assert settings.max_receive_count == FILE["queue"]["max_receive_count"]


@pytest.mark.parametrize(("given", "taken"), [("5", 5), (5, 5), ("null", None), (None, None)])
def test_a_setting_the_file_leaves_null_takes_a_number_or_null(given, taken):
    assert FILE["dead_letters"]["reserved_concurrency"] is None
    settings = load_settings({"dead_letters.reserved_concurrency": given}, environ={})
    assert settings.get("dead_letters.reserved_concurrency") == taken


@pytest.mark.parametrize(
    "overrides",
    [
        {"queue.no_such_key": 1},
        {"nosection.key": 1},
        {"worker.batch_size": "ten"},
        {"dead_letters.reserved_concurrency": "five"},
        {"dead_letters.reserved_concurrency": True},
    ],
)
def test_unknown_or_mistyped_overrides_are_refused(overrides):
    with pytest.raises(SettingsError):
        load_settings(overrides, environ={})


def test_provisioned_resources_carry_the_settings(target):
    if not target.local:
        pytest.skip("checks the stack this suite provisions itself")
    expected = load_settings(TEST_STACK_SETTINGS, environ={})
    sqs, dynamodb = target.client("sqs"), target.client("dynamodb")
    queue = sqs.get_queue_attributes(QueueUrl=target.queue_url, AttributeNames=["All"])
    attributes = queue["Attributes"]
    assert int(attributes["VisibilityTimeout"]) == expected.visibility_timeout_seconds
    assert int(attributes["MessageRetentionPeriod"]) == expected.get(
        "queue.message_retention_seconds"
    )
    assert int(attributes["ReceiveMessageWaitTimeSeconds"]) == expected.get(
        "queue.receive_wait_time_seconds"
    )
    redrive = json.loads(attributes["RedrivePolicy"])
    assert int(redrive["maxReceiveCount"]) == expected.max_receive_count
    dlq = sqs.get_queue_attributes(QueueUrl=target.dlq_url, AttributeNames=["All"])
    assert redrive["deadLetterTargetArn"] == dlq["Attributes"]["QueueArn"]
    assert int(dlq["Attributes"]["MessageRetentionPeriod"]) == expected.get(
        "queue.dlq_message_retention_seconds"
    )
    assert int(dlq["Attributes"]["VisibilityTimeout"]) == expected.get(
        "queue.dlq_visibility_timeout_seconds"
    )
    table = dynamodb.describe_table(TableName=target.results_table)["Table"]
    assert table["KeySchema"] == [
        {"AttributeName": expected.get("results.hash_key"), "KeyType": "HASH"}
    ]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    ttl = dynamodb.describe_time_to_live(TableName=target.results_table)["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": expected.ttl_attribute}
