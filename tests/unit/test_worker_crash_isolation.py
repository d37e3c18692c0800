"""A message that kills the worker (out of memory, a segfault, a timeout) must not take its
batch-mates with it: after a delivery died, its requests run one by one, the ones that ran alone
before last. The kill is simulated by a model that raises a BaseException the handler does not
catch, so the invocation ends as a dead process's would: nothing stored, nothing acknowledged."""

from __future__ import annotations

import time

import pytest
from worker_doubles import (
    InvocationContext,
    forwards_made,
    held,
    sqs_event,
    stored,
    submitted,
    tiny_module,
)

from asyncinfer_shared.contract import Attr, Status, utc_now_iso
from asyncinfer_worker import batch as batch_module
from asyncinfer_worker.handler import handler
from asyncinfer_worker.model_holder import LoadedModel

KILL = "__kills_the_worker__"
# The invocation's lease ends this soon, as a dead invocation's deadline passes.
SHORT_LIVED = InvocationContext(remaining_ms=1)


class WorkerKilled(BaseException):
    """What the process's death looks like from inside: nothing after it runs."""


@pytest.fixture
def killing_model(monkeypatch):
    predict = LoadedModel.predict

    def predict_or_die(self, texts):
        if any(KILL in text for text in texts):
            raise WorkerKilled
        return predict(self, texts)

    monkeypatch.setattr(LoadedModel, "predict", predict_or_die)


def deliver(event: dict) -> bool:
    """One invocation; True when the worker died in it. Then wait out its (1 ms) lease."""
    try:
        handler(event, SHORT_LIVED)
    except WorkerKilled:
        died = True
    else:
        died = False
    time.sleep(0.01)
    return died


def statuses(dynamodb, *messages) -> list[str]:
    return [stored(dynamodb, message.request_id)[Attr.STATUS] for message in messages]


def redeliveries(messages, first_receive: int = 1):
    for receive in range(first_receive, first_receive + 10):
        yield sqs_event(*messages, receive_count=receive)


def test_batch_mates_of_a_killer_finish_once_it_ran_alone(worker_env, killing_model):
    dynamodb = worker_env.aws.dynamodb
    killer = submitted(dynamodb, f"good {KILL}")
    mates = [submitted(dynamodb, "good"), submitted(dynamodb, "bad")]
    deliveries = redeliveries([killer, *mates])

    assert deliver(next(deliveries))  # one batched forward: all three die
    assert statuses(dynamodb, killer, *mates) == [Status.PROCESSING] * 3
    assert deliver(next(deliveries))  # each alone, the killer first: it dies again, marked
    assert stored(dynamodb, killer.request_id)[Attr.RAN_ALONE_AT]
    assert deliver(next(deliveries))  # the marked killer runs last: its mates finish first

    assert statuses(dynamodb, *mates) == [Status.SUCCEEDED] * 2
    assert statuses(dynamodb, killer) == [Status.PROCESSING]


def test_requests_no_delivery_started_before_still_share_one_forward(worker_env):
    dynamodb = worker_env.aws.dynamodb
    fresh = [submitted(dynamodb, "good"), submitted(dynamodb, "good good")]
    suspect = submitted(dynamodb, "bad")
    held(dynamodb, suspect.request_id, lease_in_ms=-1000, started_at=utc_now_iso())

    forwards = forwards_made(
        tiny_module(worker_env.model_path),
        lambda: handler(sqs_event(*fresh, suspect, receive_count=2), None),
    )

    assert forwards == [2, 1]  # the batch's fresh requests together, the suspect alone
    assert statuses(dynamodb, *fresh, suspect) == [Status.SUCCEEDED] * 3
    assert stored(dynamodb, suspect.request_id)[Attr.ATTEMPTS] == 2


def test_planted_without_isolation_a_killer_takes_its_batch_mates_along(
    worker_env, killing_model, monkeypatch
):
    """The check above can fail: with suspects back in the batched forward, the mates die with
    the killer on every delivery."""
    monkeypatch.setattr(batch_module.Admitted, "suspect", property(lambda self: False))
    dynamodb = worker_env.aws.dynamodb
    killer = submitted(dynamodb, f"good {KILL}")
    mates = [submitted(dynamodb, "good"), submitted(dynamodb, "bad")]
    deliveries = redeliveries([killer, *mates])

    for _ in range(3):
        assert deliver(next(deliveries))

    assert statuses(dynamodb, *mates) == [Status.PROCESSING] * 2
