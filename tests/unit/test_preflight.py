"""`asyncinfer preflight`: the real tfvars, the concurrency rule and the worker image look-up.

Moto in-process holds the functions (their current reservations, through GetFunctionConcurrency)
and the ECR repository. Moto does not implement Lambda GetAccountSettings, so that one call is
answered by botocore's Stubber on a client of its own (the command's tests, whose clients the
command builds, answer it with a before-call handler on boto3's default session, which is how
Stubber answers too); everything else talks to moto.
"""

from __future__ import annotations

import io
import json
import pathlib
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from asyncinfer_local import cli, preflight

REGION = "eu-west-1"
ACCOUNT = "123456789012"  # moto's account
REPOSITORY = "asyncinfer-worker"
REGISTRY = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"
REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def aws(monkeypatch) -> Iterator[None]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield


@contextmanager
def account(total: int, unreserved: int) -> Iterator[object]:
    """A Lambda client whose only call, GetAccountSettings, answers these limits."""
    client = boto3.client("lambda", region_name=REGION)
    with Stubber(client) as stubber:
        stubber.add_response(
            "get_account_settings",
            {
                "AccountLimit": {
                    "ConcurrentExecutions": total,
                    "UnreservedConcurrentExecutions": unreserved,
                }
            },
        )
        yield client
        stubber.assert_no_pending_responses()


def deploy_function(name: str, reserved: int | None) -> None:
    iam = boto3.client("iam")
    role = iam.create_role(
        RoleName=f"{name}-role",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return None\n")
    lam = boto3.client("lambda", region_name=REGION)
    lam.create_function(
        FunctionName=name,
        Runtime="python3.11",
        Role=role,
        Handler="handler.handler",
        Code={"ZipFile": code.getvalue()},
    )
    if reserved is not None:
        lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=reserved)


def push_image(tag: str) -> str:
    """The pushed image's digest."""
    ecr = boto3.client("ecr", region_name=REGION)
    ecr.create_repository(repositoryName=REPOSITORY)
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {},
            "layers": [],
            "tag": tag,
        }
    )
    pushed = ecr.put_image(repositoryName=REPOSITORY, imageManifest=manifest, imageTag=tag)
    return pushed["image"]["imageId"]["imageDigest"]


def run(environment: str, account_client, image_uri: str) -> tuple[bool, list[str]]:
    return preflight.run(
        preflight.load_plan(environment, "asyncinfer"),
        preflight.parse_image_uri(image_uri),
        account_client=account_client,
        lambda_client=boto3.client("lambda", region_name=REGION),
        ecr_client=boto3.client("ecr", region_name=REGION),
    )


# -- the environments as planned -----------------------------------------------------------


def test_the_environments_plan_what_their_tfvars_say():
    prod = preflight.load_plan("prod", "asyncinfer")
    assert prod.region == REGION
    assert {f.name: (f.reserved, f.provisioned) for f in prod.functions} == {
        "asyncinfer-prod-enqueue": (100, 2),
        "asyncinfer-prod-worker": (10, 0),
        "asyncinfer-prod-dead-letters": (None, 0),
    }
    for environment in ("dev", "staging"):
        plan = preflight.load_plan(environment, "my-team")
        assert [f.name for f in plan.functions] == [
            f"my-team-{environment}-enqueue",
            f"my-team-{environment}-worker",
            f"my-team-{environment}-dead-letters",
        ]
        assert sum(f.demand for f in plan.functions) == 0


def test_a_settings_override_of_the_drain_reservation_counts(tmp_path):
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "settings.json").write_bytes(
        (REPO_ROOT / "infra" / "settings.json").read_bytes()
    )
    (tmp_path / "environments" / "test").mkdir(parents=True)
    (tmp_path / "environments" / "test" / "terraform.tfvars").write_text(
        'aws_region = "eu-west-1"\n'
        "settings_overrides = { dead_letters = { reserved_concurrency = 5 } }\n"
        "worker_reserved_concurrency = null\n"
        "enqueue_reserved_concurrency = null\n"
        "enqueue_provisioned_concurrency = 3\n"
    )
    plan = preflight.load_plan("test", "asyncinfer", repo_root=tmp_path)
    # unreserved enqueue: its provisioned 3 comes out of the unreserved pool too
    assert [f.demand for f in plan.functions] == [3, 0, 5]


# -- concurrency -------------------------------------------------------------------------------


def test_prod_does_not_fit_a_fresh_account_and_says_which_quota(aws):
    image = f"{REGISTRY}/{REPOSITORY}@{push_image('abc123')}"
    with account(total=10, unreserved=10) as client:
        ok, lines = run("prod", client, image)
    assert not ok
    verdict_line = next(line for line in lines if line.startswith("concurrency:"))
    # 110 reserved (enqueue 100, worker 10) + the 100 AWS keeps unreserved
    assert "DOES NOT FIT" in verdict_line and "at least 210" in verdict_line
    assert '"Concurrent executions"' in verdict_line
    assert "worker image: OK" in lines[-1]


def test_dev_fits_a_fresh_account(aws):
    image = f"{REGISTRY}/{REPOSITORY}:abc123"
    push_image("abc123")
    with account(total=10, unreserved=10) as client:
        ok, lines = run("dev", client, image)
    assert ok, lines
    assert "concurrency: OK" in lines


@pytest.mark.parametrize(
    ("total", "unreserved", "fits"),
    [(210, 210, True), (209, 209, False), (1000, 1000, True)],
)
def test_the_100_unreserved_rule_at_its_edge(aws, total, unreserved, fits):
    push_image("abc123")
    with account(total, unreserved) as client:
        ok, _ = run("prod", client, f"{REGISTRY}/{REPOSITORY}:abc123")
    assert ok is fits


def test_a_reapply_counts_the_environments_own_reservations_as_free(aws):
    # prod deployed: its 110 are already out of the unreserved pool of a 300 quota. Re-applying
    # the same values must pass; counting them twice (190 - 100 < 110) would refuse it.
    deploy_function("asyncinfer-prod-enqueue", 100)
    deploy_function("asyncinfer-prod-worker", 10)
    deploy_function("asyncinfer-prod-dead-letters", None)
    push_image("abc123")
    with account(total=300, unreserved=190) as client:
        ok, lines = run("prod", client, f"{REGISTRY}/{REPOSITORY}:abc123")
    assert ok, lines
    assert any("110 of the reserved ones are prod's own" in line for line in lines)


def test_other_reservations_in_the_account_take_room(aws):
    # Another function (say staging's, in a shared account) reserves 95 of 300.
    push_image("abc123")
    with account(total=300, unreserved=205) as client:
        ok, lines = run("prod", client, f"{REGISTRY}/{REPOSITORY}:abc123")
    assert not ok
    assert any("at least 305" in line for line in lines)


# -- the worker image --------------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["tag", "digest", "repository"])
def test_a_missing_worker_image_fails(aws, missing):
    if missing != "repository":
        push_image("abc123")
    image = {
        "tag": f"{REGISTRY}/{REPOSITORY}:def456",
        "digest": f"{REGISTRY}/{REPOSITORY}@sha256:{'0' * 64}",
        "repository": f"{REGISTRY}/{REPOSITORY}:abc123",
    }[missing]
    with account(total=1000, unreserved=1000) as client:
        ok, lines = run("dev", client, image)
    assert not ok
    assert lines[-1].startswith("worker image: NOT FOUND")
    assert "concurrency: OK" in lines


def test_an_image_outside_ecr_is_a_usage_error():
    with pytest.raises(preflight.PreflightError, match=r"dkr\.ecr"):
        preflight.parse_image_uri("docker.io/library/python:3.11")


# -- the command -------------------------------------------------------------------------------


def test_the_command_refuses_an_unknown_environment(capsys):
    code = cli.main(["preflight", "--env", "qa", "--worker-image-uri", f"{REGISTRY}/r:t"])
    assert code == cli.EXIT_ERROR
    assert "no environment 'qa' (known: dev, prod, staging)" in capsys.readouterr().err


def test_the_command_needs_the_worker_image(capsys, monkeypatch):
    monkeypatch.delenv("TF_VAR_worker_image_uri", raising=False)
    assert cli.main(["preflight", "--env", "dev"]) == cli.EXIT_ERROR
    assert "TF_VAR_worker_image_uri" in capsys.readouterr().err


@contextmanager
def account_for_the_command(total: int, unreserved: int) -> Iterator[None]:
    """The command builds its own clients from boto3's default session, so the one call moto
    lacks is answered there: a before-call handler for GetAccountSettings only, as Stubber does
    it; every other call still goes to moto."""
    from botocore.awsrequest import AWSResponse

    boto3.setup_default_session(region_name=REGION)
    limits = {"ConcurrentExecutions": total, "UnreservedConcurrentExecutions": unreserved}
    calls = []

    def answer(**_):
        calls.append(1)
        return AWSResponse(None, 200, {}, None), {"AccountLimit": limits}

    boto3.DEFAULT_SESSION.events.register("before-call.lambda.GetAccountSettings", answer)
    try:
        yield
    finally:
        boto3.DEFAULT_SESSION = None
    assert calls == [1]


@pytest.mark.parametrize(
    ("environment", "total", "expected"),
    [("prod", 10, cli.EXIT_FAILED), ("prod", 1000, cli.EXIT_OK), ("dev", 10, cli.EXIT_OK)],
)
def test_the_command_exits_by_the_verdict(aws, capsys, environment, total, expected):
    digest = push_image("abc123")
    with account_for_the_command(total, total):
        code = cli.main(
            [
                "preflight",
                "--env",
                environment,
                "--worker-image-uri",
                f"{REGISTRY}/{REPOSITORY}@{digest}",
            ]
        )
    out = capsys.readouterr().out
    assert code == expected, out
    assert ("DOES NOT FIT" in out) is (expected == cli.EXIT_FAILED)
    assert "worker image: OK" in out


def test_the_command_fails_on_a_missing_image(aws, capsys, monkeypatch):
    push_image("abc123")
    monkeypatch.setenv("TF_VAR_worker_image_uri", f"{REGISTRY}/{REPOSITORY}:not-pushed")
    with account_for_the_command(1000, 1000):
        assert cli.main(["preflight", "--env", "staging"]) == cli.EXIT_FAILED
    assert "worker image: NOT FOUND" in capsys.readouterr().out
