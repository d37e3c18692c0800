"""`asyncinfer preflight --env <env>`: before an apply, does the account's Lambda concurrency
have room for what the environment reserves, and does the worker image it names exist in ECR?

The concurrency rule is AWS's (PutFunctionConcurrency, Lambda API reference,
https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionConcurrency.html): "You can reserve
concurrency for as many functions as you like, as long as you leave at least 100 simultaneous
executions unreserved for functions that aren't configured with a per-function limit." Past it,
the apply fails with "Specified ReservedConcurrentExecutions for function decreases account's
UnreservedConcurrentExecution below its minimum value". New accounts get a reduced quota
(https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html), so at 100 or less
nothing can be reserved at all.

Read-only: GetAccountSettings, GetFunctionConcurrency and ecr:DescribeImages, which the
environment's plan role grants (infra/bootstrap/environment_roles.tf).
"""

from __future__ import annotations

import pathlib
import re
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from .settings import REPO_ROOT, SettingsError, load_settings

# AWS keeps this many executions for the functions without a reservation (docs cited above).
UNRESERVED_MINIMUM = 100
QUOTA_TO_REQUEST = 'Service Quotas > AWS Lambda > "Concurrent executions"'

# What Terraform's variable validation accepts (infra/variables.tf worker_image_uri).
_IMAGE_URI = re.compile(
    r"^(?P<registry>[^/]+)/(?P<repository>[^:@]+)"
    r"(?:@(?P<digest>sha256:[0-9a-f]{64})|:(?P<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))$"
)
_ECR_REGISTRY = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com$"
)


class PreflightError(Exception):
    """The environment or an input cannot be read: a usage error, not a failed check."""


@dataclass(frozen=True)
class PlannedFunction:
    """One function of the stack as the environment plans it."""

    name: str
    reserved: int | None
    provisioned: int

    @property
    def demand(self) -> int:
        # A reservation takes its size from the unreserved pool; without one, provisioned
        # concurrency is allocated from that same pool (and within a reservation, it is not extra).
        return self.reserved if self.reserved is not None else self.provisioned


@dataclass(frozen=True)
class Plan:
    environment: str
    region: str
    functions: tuple[PlannedFunction, ...]


@dataclass(frozen=True)
class ConcurrencyVerdict:
    total: int
    unreserved: int
    already_ours: int  # what this environment's functions reserve today (re-applies free it)
    demand: int

    @property
    def available(self) -> int:
        return self.unreserved + self.already_ours - UNRESERVED_MINIMUM

    @property
    def fits(self) -> bool:
        return self.demand <= max(self.available, 0)

    @property
    def quota_needed(self) -> int:
        """The smallest "Concurrent executions" quota with room for the plan."""
        reserved_by_others = self.total - self.unreserved - self.already_ours
        return reserved_by_others + self.demand + UNRESERVED_MINIMUM


def load_plan(environment: str, name_prefix: str, repo_root: pathlib.Path = REPO_ROOT) -> Plan:
    """The reservations `environments/<env>/terraform.tfvars` and infra/settings.json plan,
    named as environments/shared/stack.tf and infra/main.tf name the functions."""
    import hcl2  # only this command needs the HCL parser

    tfvars_path = repo_root / "environments" / environment / "terraform.tfvars"
    if not tfvars_path.is_file():
        known = sorted(
            p.parent.name for p in (repo_root / "environments").glob("*/terraform.tfvars")
        )
        raise PreflightError(f"no environment {environment!r} (known: {', '.join(known)})")
    tfvars = hcl2.loads(tfvars_path.read_text(encoding="utf-8"))
    # The environment's overrides on infra/settings.json, merged as the local stack merges its
    # own (and as infra/ does); no ASYNCINFER_* variable of this shell counts.
    overrides = {
        f"{section}.{key}": value
        for section, body in (tfvars.get("settings_overrides") or {}).items()
        for key, value in body.items()
    }
    try:
        settings = load_settings(overrides, environ={}, path=repo_root / "infra" / "settings.json")
    except SettingsError as error:
        raise PreflightError(f"environments/{environment}/terraform.tfvars: {error}") from error

    stack = f"{name_prefix}-{environment}"
    functions = (
        PlannedFunction(
            f"{stack}-enqueue",
            tfvars.get("enqueue_reserved_concurrency"),
            int(tfvars.get("enqueue_provisioned_concurrency") or 0),
        ),
        # The environments pass no worker provisioned concurrency (infra's default 0).
        PlannedFunction(f"{stack}-worker", tfvars.get("worker_reserved_concurrency"), 0),
        PlannedFunction(
            f"{stack}-dead-letters", settings.get("dead_letters.reserved_concurrency"), 0
        ),
    )
    region = str(tfvars.get("aws_region", "")).strip('"')
    return Plan(environment, region, functions)


def concurrency_verdict(plan: Plan, account_client: Any, lambda_client: Any) -> ConcurrencyVerdict:
    """account_client answers GetAccountSettings, lambda_client GetFunctionConcurrency: the
    same client in real use (two parameters because moto lacks GetAccountSettings, so its test
    stubs that one call on a client of its own)."""
    limit = account_client.get_account_settings()["AccountLimit"]
    already_ours = 0
    for function in plan.functions:
        try:
            current = lambda_client.get_function_concurrency(FunctionName=function.name)
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
            continue  # not deployed yet: reserves nothing today
        already_ours += current.get("ReservedConcurrentExecutions") or 0
    return ConcurrencyVerdict(
        total=limit["ConcurrentExecutions"],
        unreserved=limit["UnreservedConcurrentExecutions"],
        already_ours=already_ours,
        demand=sum(function.demand for function in plan.functions),
    )


@dataclass(frozen=True)
class ImageRef:
    registry_id: str
    region: str
    repository: str
    image_id: dict[str, str]  # {"imageTag": ...} or {"imageDigest": ...}


def parse_image_uri(uri: str) -> ImageRef:
    match = _IMAGE_URI.match(uri)
    registry = _ECR_REGISTRY.match(match["registry"]) if match else None
    if not match or not registry:
        raise PreflightError(
            f"worker image {uri!r} is not <account>.dkr.ecr.<region>.amazonaws.com/<repository>"
            " with :<tag> or @sha256:<digest>"
        )
    image_id = {"imageDigest": match["digest"]} if match["digest"] else {"imageTag": match["tag"]}
    return ImageRef(registry["account"], registry["region"], match["repository"], image_id)


def image_exists(image: ImageRef, ecr_client: Any) -> bool:
    try:
        found = ecr_client.describe_images(
            registryId=image.registry_id, repositoryName=image.repository, imageIds=[image.image_id]
        )
    except ClientError as error:
        if error.response["Error"]["Code"] in (
            "ImageNotFoundException",
            "RepositoryNotFoundException",
        ):
            return False
        raise
    return bool(found["imageDetails"])


def concurrency_report(plan: Plan, verdict: ConcurrencyVerdict) -> list[str]:
    lines = [
        f"account: {verdict.total} concurrent executions, {verdict.unreserved} unreserved"
        f" ({verdict.already_ours} of the reserved ones are {plan.environment}'s own)",
        *(
            f"  {f.name}: reserved {f.reserved if f.reserved is not None else 'none'},"
            f" provisioned {f.provisioned}"
            for f in plan.functions
        ),
        f"planned: {verdict.demand} taken from the unreserved pool; room for"
        f" {max(verdict.available, 0)} (unreserved minus the {UNRESERVED_MINIMUM} AWS keeps)",
    ]
    if verdict.fits:
        lines.append("concurrency: OK")
    else:
        lines.append(
            f"concurrency: DOES NOT FIT: request a quota of at least {verdict.quota_needed} at"
            f" {QUOTA_TO_REQUEST} in {plan.region}, or set the reservations to null in"
            f" environments/{plan.environment}/terraform.tfvars"
        )
    return lines


def run(
    plan: Plan, image: ImageRef, *, account_client: Any, lambda_client: Any, ecr_client: Any
) -> tuple[bool, list[str]]:
    """Both checks: whether each passed, and the report lines. AWS errors (no credentials,
    AccessDenied) propagate: they are not a verdict."""
    verdict = concurrency_verdict(plan, account_client, lambda_client)
    lines = concurrency_report(plan, verdict)
    found = image_exists(image, ecr_client)
    shown = f"{image.repository} {next(iter(image.image_id.values()))}"
    lines.append(
        f"worker image: OK ({shown})"
        if found
        else f"worker image: NOT FOUND: {shown} is not in registry {image.registry_id}"
        f" ({image.region}); push it (deploy.yml's image job) or fix TF_VAR_worker_image_uri"
    )
    return verdict.fits and found, lines
