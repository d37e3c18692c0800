"""Pure parts of the worker: its settings from the environment and its view of SQS records."""

import json

import pytest
from worker_doubles import EVENTS

from asyncinfer_worker.records import SqsRecord, records_of
from asyncinfer_worker.settings import SettingsError, WorkerSettings

REQUIRED = {"RESULTS_TABLE": "results", "MODEL_PATH": "/opt/model/sentiment.pt"}


def test_settings_defaults():
    settings = WorkerSettings.from_env(REQUIRED)
    assert settings.max_receive_count == 5
    assert settings.dlq_url is None
    assert settings.io_concurrency == 10
    assert settings.lease_fallback_seconds == 900


def test_settings_read_every_variable():
    settings = WorkerSettings.from_env(
        {
            **REQUIRED,
            "MAX_RECEIVE_COUNT": "7",
            "DLQ_URL": "https://q/dlq",
            "IO_CONCURRENCY": "1",
            "LEASE_FALLBACK_SECONDS": "120",
        }
    )
    assert (
        settings.max_receive_count,
        settings.dlq_url,
        settings.io_concurrency,
        settings.lease_fallback_seconds,
    ) == (7, "https://q/dlq", 1, 120)


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_missing_required_setting_is_named(missing):
    environ = {key: value for key, value in REQUIRED.items() if key != missing}
    with pytest.raises(SettingsError, match=missing):
        WorkerSettings.from_env(environ)


@pytest.mark.parametrize("value", ["0", "-1", "five", "2.5"])
@pytest.mark.parametrize("name", ["MAX_RECEIVE_COUNT", "LEASE_FALLBACK_SECONDS"])
def test_counts_must_be_positive_integers(name, value):
    with pytest.raises(SettingsError, match=name):
        WorkerSettings.from_env({**REQUIRED, name: value})


def test_records_of_a_real_shaped_sqs_event():
    event = json.loads((EVENTS / "sqs_batch.json").read_text())
    records = records_of(event)
    assert [record.message_id for record in records] == [
        "059f36b4-87a3-44ab-83d2-661975830a7d",
        "2e1424d4-f796-459a-8184-9c92662be6da",
    ]
    assert all(record.receive_count == 1 for record in records)
    assert records[0].receipt_handle == event["Records"][0]["receiptHandle"]
    assert records[0].event_source_arn == (
        "arn:aws:sqs:eu-west-1:123456789012:asyncinfer-dev-requests"
    )
    assert json.loads(records[0].body)["schema_version"] == 1


@pytest.mark.parametrize("event", [{}, {"Records": None}, {"Records": []}])
def test_event_without_records_has_none(event):
    assert records_of(event) == []


@pytest.mark.parametrize(("receive_count", "last"), [(1, False), (4, False), (5, True), (6, True)])
def test_last_receive_is_at_or_past_the_max_receive_count(receive_count, last):
    record = SqsRecord("m-1", "{}", receive_count)
    assert record.is_last_receive(5) is last


def test_record_without_receive_count_counts_as_first_receive():
    record = SqsRecord.from_event_record({"messageId": "m-1", "body": None})
    assert (record.receive_count, record.body, record.receipt_handle) == (1, "", "")
