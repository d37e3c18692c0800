"""The worker tests' probes catch the reference chapter's worker defects when they are planted.

ChapterStyleWorker keeps defects 7, 8 and 9 of /work/shared/reference/README.md on purpose; each
probe that passes for our handler (test_worker_handler.py) must report the defect here, or the
probe could not fail. UselessLeaseStore plants a lease that never holds anything, which the
copies probe of test_worker_lease.py must catch.
"""

import json
import os

import pytest
import torch
from worker_doubles import (
    TABLE,
    copies_probe,
    forwards_made,
    redelivery_probe,
    sqs_event,
    status_after_last_receive_failure,
    submitted,
    tiny_module,
)

from asyncinfer_shared.contract import Attr, Status, prediction_result, utc_now_iso
from asyncinfer_shared.results_table import ResultsTable
from asyncinfer_worker import handler as handler_module


class ChapterStyleWorker:
    """The chapter's worker pattern, defects kept: a forward per message (9), an unconditional
    write (8), and nothing that fails a request whose message runs out of receives (7)."""

    def __init__(self, dynamodb):
        self.module = torch.jit.load(os.environ["MODEL_PATH"])
        self.dynamodb = dynamodb

    def __call__(self, event, context):
        for record in event["Records"]:
            message = json.loads(record["body"])
            p_negative, p_positive = self.module([message["text"]])[0].tolist()
            result = prediction_result(p_negative, p_positive, message["threshold"], "chapter")
            self.dynamodb.put_item(
                TableName=TABLE,
                Item={
                    Attr.REQUEST_ID: {"S": message["request_id"]},
                    Attr.STATUS: {"S": Status.SUCCEEDED.value},
                    Attr.RESULT: {"S": json.dumps(result)},
                    Attr.COMPLETED_AT: {"S": utc_now_iso()},
                },
            )
        return {"statusCode": 200}


@pytest.fixture
def chapter_worker(worker_env):
    return ChapterStyleWorker(worker_env.aws.dynamodb)


def test_one_forward_probe_catches_a_forward_per_message(worker_env, chapter_worker):
    messages = [submitted(worker_env.aws.dynamodb, text) for text in ("good", "bad", "ok")]
    forwards = forwards_made(
        chapter_worker.module, lambda: chapter_worker(sqs_event(*messages), None)
    )
    assert forwards == [1, 1, 1]


def test_redelivery_probe_catches_rerun_inference_and_overwrite(worker_env, chapter_worker):
    message = submitted(worker_env.aws.dynamodb, "good")
    forwards, before, after = redelivery_probe(
        chapter_worker, chapter_worker.module, worker_env.aws.dynamodb, message
    )
    assert forwards == [1]
    assert after != before  # completed_at rewritten by the second delivery


def test_last_receive_probe_catches_a_request_left_pending(worker_env, chapter_worker):
    status = status_after_last_receive_failure(chapter_worker, worker_env.aws.dynamodb)
    assert status == Status.PENDING


class UselessLeaseStore(ResultsTable):
    """Writes the lease in epoch seconds where milliseconds are meant: every lease has already
    run out, as if processing -> processing were admitted with no lease condition at all."""

    def start_processing(self, request_id, now_iso, lease_expires_at=None):
        return super().start_processing(request_id, now_iso, lease_expires_at // 1000)


def test_copies_probe_catches_a_lease_that_holds_nothing(worker_env, atomic_updates, monkeypatch):
    monkeypatch.setattr(handler_module, "ResultsTable", UselessLeaseStore)
    dynamodb = worker_env.aws.dynamodb
    message = submitted(dynamodb, "good fun")

    probe = copies_probe(
        handler_module.handler, tiny_module(worker_env.model_path), dynamodb, message
    )

    assert sum(probe.forwards) == 2  # both copies inferred (the second admitted runs alone)
    assert probe.item[Attr.ATTEMPTS] == 2
    assert probe.retried == []
