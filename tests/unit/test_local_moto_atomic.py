"""The local stack makes moto's conditional writes atomic, as DynamoDB's are: of several writers
racing for one condition, exactly one wins."""

import threading
import time

import boto3
import pytest
from moto import mock_aws

from asyncinfer_local.moto_atomic import (
    ITEM_OPERATIONS,
    is_atomic,
    make_dynamodb_item_operations_atomic,
)

WRITERS = 4
RACES = 60


@pytest.fixture
def slow_conditions(monkeypatch):
    """Widen moto's window between checking a condition and writing the item, so that without
    a lock a race is near certain."""
    import moto.dynamodb.models as models

    parser = models.create_condition_expression_parser

    class SlowParser:
        def __init__(self, *args, **kwargs):
            self._parser = parser(*args, **kwargs)

        def parse(self):
            condition = self._parser.parse()
            check = condition.expr

            def slow_check(item):
                passed = check(item)
                time.sleep(0.02)
                return passed

            condition.expr = slow_check
            return condition

    slow_parser = SlowParser

    monkeypatch.setattr(models, "create_condition_expression_parser", slow_parser)


@pytest.fixture
def bare_table():
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName="race",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield client


@pytest.fixture
def table(monkeypatch, bare_table):
    make_dynamodb_item_operations_atomic(monkeypatch.setattr)
    return bare_table


def race_once(client, key: str) -> int:
    """WRITERS threads try the same pending -> processing move at once; returns how many won."""
    client.put_item(TableName="race", Item={"id": {"S": key}, "status": {"S": "pending"}})
    start = threading.Barrier(WRITERS)
    wins = []

    def write():
        start.wait(timeout=10)
        try:
            client.update_item(
                TableName="race",
                Key={"id": {"S": key}},
                UpdateExpression="SET #s = :processing",
                ConditionExpression="#s = :pending",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={
                    ":pending": {"S": "pending"},
                    ":processing": {"S": "processing"},
                },
            )
            wins.append(1)
        except client.exceptions.ConditionalCheckFailedException:
            pass

    threads = [threading.Thread(target=write) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return len(wins)


def test_exactly_one_of_racing_conditional_writers_wins(table, slow_conditions):
    assert is_atomic()
    winners = [race_once(table, f"item-{n}") for n in range(RACES // 10)]
    assert winners == [1] * (RACES // 10)


def test_exactly_one_wins_at_full_speed(table):
    winners = [race_once(table, f"item-{n}") for n in range(RACES)]
    assert winners == [1] * RACES


@pytest.fixture
def plain_moto(monkeypatch):
    """moto as shipped, even where a local stack started earlier in this process wrapped it."""
    from moto.dynamodb.models import DynamoDBBackend

    for name in ITEM_OPERATIONS:
        operation = getattr(DynamoDBBackend, name)
        monkeypatch.setattr(DynamoDBBackend, name, getattr(operation, "__wrapped__", operation))
    assert not is_atomic()


def test_without_the_lock_racing_writers_both_win(plain_moto, bare_table, slow_conditions):
    # The defect the lock exists for: plain moto lets several writers pass one condition.
    winners = [race_once(bare_table, f"item-{n}") for n in range(RACES // 10)]
    assert max(winners) > 1


def test_making_moto_atomic_twice_wraps_once(monkeypatch):
    from moto.dynamodb.models import DynamoDBBackend

    make_dynamodb_item_operations_atomic(monkeypatch.setattr)
    wrapped = DynamoDBBackend.update_item
    make_dynamodb_item_operations_atomic(monkeypatch.setattr)
    assert DynamoDBBackend.update_item is wrapped
