"""The bootstrap's per-environment roles cannot widen themselves, and what the stack creates
stays inside them (docs/security.md).

Why not in Terraform: these are review rules on what IAM would allow (a role widening itself),
which Terraform does not evaluate and the stand-in does not either (no IAM semantics offline).
Read from the HCL, like image_push_role: the apply role's IAM rights are only on the
environment's function roles and only with the boundary on them; it may never drop the boundary
or touch any other role; the plan role reads no data; nothing managed (PowerUserAccess,
ReadOnlyAccess) is attached; every function role carries the boundary; the HTTP API answers CORS
preflights without the authorizer; the worker repository never expires a tagged image; the
bootstrap configures a bucket one setting at a time.

`run` returns a list of problems; empty means clean.
"""

from __future__ import annotations

import itertools
import json
import pathlib

import hcl
import image_push_role
import layout

FUNCTION_ROLES = "${local.function_role_arns[each.key]}"
BOUNDARY = "${local.boundary_arn[each.key]}"
# Changing what a role may do: allowed only on a role that carries the boundary.
POLICY_CHANGES = {
    "iam:CreateRole",
    "iam:PutRolePermissionsBoundary",
    "iam:PutRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:AttachRolePolicy",
    "iam:DetachRolePolicy",
}
# Reading the stack's data (items, messages, objects, log events) rather than its settings.
DATA_READS = {
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:ExportTableToPointInTime",
    "sqs:ReceiveMessage",
    "logs:GetLogEvents",
    "logs:FilterLogEvents",
    "logs:StartQuery",
    "kms:Decrypt",
    "lambda:InvokeFunction",
    "s3:GetObjectVersion",
}
STATE_OBJECTS = {"${local.arns[each.key].state_object}", "${local.arns[each.key].state_lock}"}
FUNCTION_MODULES = ("enqueue", "worker", "dead_letters")
BUCKET_SETTINGS_ORDER = [
    "aws_s3_bucket_versioning",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_ownership_controls",
    "aws_s3_bucket_lifecycle_configuration",
    "aws_s3_bucket_policy",
]


def _listed(value) -> list[str]:
    return value if isinstance(value, list) else [value]


def _statements(document: dict) -> list[dict]:
    return document.get("statement", [])


def apply_role(documents: dict) -> list[str]:
    name = "data.aws_iam_policy_document.apply"
    document = documents.get("apply", {})
    problems = []
    denies = {}
    for statement in _statements(document):
        actions = set(statement.get("actions", []))
        if statement.get("effect") == "Deny":
            denies[statement.get("sid")] = statement
            continue
        if any(a.endswith("*") for a in actions):
            problems.append(f"{name}: {statement.get('sid')} allows a wildcard action")
        iam = {a for a in actions if a.startswith("iam:")}
        if iam and statement.get("resources") != FUNCTION_ROLES:
            problems.append(
                f"{name}: {statement.get('sid')} allows {sorted(iam)} beyond the function roles"
            )
        bounded = any(
            c.get("variable") == "iam:PermissionsBoundary" and c.get("values") == [BOUNDARY]
            for c in statement.get("condition", [])
        )
        if iam & POLICY_CHANGES and not bounded:
            problems.append(
                f"{name}: {statement.get('sid')} allows {sorted(iam & POLICY_CHANGES)} "
                "without the iam:PermissionsBoundary condition"
            )
        if "iam:DeleteRolePermissionsBoundary" in iam:
            problems.append(f"{name}: allows removing the permissions boundary")
    keep = [s for s in denies.values() if "iam:DeleteRolePermissionsBoundary" in s["actions"]]
    if not keep or keep[0].get("resources") != ["*"]:
        problems.append(f"{name}: no Deny of iam:DeleteRolePermissionsBoundary on every role")
    fence = [s for s in denies.values() if s.get("not_resources") == FUNCTION_ROLES]
    if not fence or fence[0].get("actions") != ["iam:*"]:
        problems.append(f"{name}: no Deny of iam:* on everything but the function roles")
    return problems


def role_names(values: dict) -> list[str]:
    """The function roles the apply role may manage are named exactly, never like a CI role."""
    problems = []
    suffixes = values.get("local.function_role_suffixes") or []
    if sorted(suffixes) != sorted(m.replace("_", "-") for m in FUNCTION_MODULES):
        problems.append(
            f"local.function_role_suffixes {suffixes} are not the stack's functions "
            f"{[m.replace('_', '-') for m in FUNCTION_MODULES]}"
        )
    for suffix in suffixes:
        if "*" in suffix or suffix in ("plan", "apply") or suffix.startswith("image"):
            problems.append(f"function role suffix {suffix!r} could name a CI role")
    return problems


def plan_role(documents: dict) -> list[str]:
    name = "data.aws_iam_policy_document.plan"
    problems = []
    for statement in _statements(documents.get("plan", {})):
        actions = set(statement.get("actions", []))
        if any(a.endswith("*") for a in actions):
            problems.append(f"{name}: {statement.get('sid')} allows a wildcard action")
        if actions & DATA_READS:
            problems.append(
                f"{name}: {statement.get('sid')} reads data: {sorted(actions & DATA_READS)}"
            )
        if (
            "s3:GetObject" in actions
            and not set(_listed(statement.get("resources"))) <= STATE_OBJECTS
        ):
            problems.append(f"{name}: {statement.get('sid')} reads objects beyond the state")
        if any(
            a.split(":")[0] in {"iam"} and not a.split(":")[1].startswith(("Get", "List"))
            for a in actions
        ):
            problems.append(f"{name}: {statement.get('sid')} changes IAM")
    return problems


def no_managed_policies(resources: dict) -> list[str]:
    return [
        f"{rtype}.{name} attaches {body.get('policy_arn')} to a CI role"
        for (rtype, name), body in resources.items()
        if rtype == "aws_iam_role_policy_attachment"
    ]


def boundary_on_function_roles(repo: pathlib.Path) -> list[str]:
    problems = []
    module = hcl.load_dir(repo / "modules/function")
    role = next((hcl.plain(b) for t, n, b in hcl.resources(module) if t == "aws_iam_role"), {})
    if role.get("permissions_boundary") != "${var.permissions_boundary_arn}":
        problems.append("modules/function: the role has no permissions_boundary")
    calls = hcl.labelled(hcl.load_dir(repo / layout.STACK), "module")
    for name in FUNCTION_MODULES:
        if (
            hcl.plain(calls.get(name, {})).get("permissions_boundary_arn")
            != "${var.permissions_boundary_arn}"
        ):
            problems.append(f"infra: module.{name} is not given permissions_boundary_arn")
    stack = hcl.labelled(hcl.load_file(repo / layout.ENVIRONMENTS / "shared/stack.tf"), "module")
    given = str(hcl.plain(stack.get("stack", {})).get("permissions_boundary_arn"))
    if not given.endswith(":policy/${local.stack_name}-function-boundary"):
        problems.append(
            "environments/shared/stack.tf: the stack is not given the bootstrap's boundary"
        )
    return problems


def cors_preflight_route(repo: pathlib.Path) -> list[str]:
    module = hcl.load_dir(repo / "modules/http_api")
    routes = {}
    for entry in module.get("locals", []):
        routes.update(hcl.plain(entry).get("routes", {}))
    if not any(
        r.get("key", "").startswith("OPTIONS ") and r.get("protected") is False
        for r in routes.values()
    ):
        return [
            "modules/http_api: no OPTIONS route without authorization (CORS preflights get 401)"
        ]
    return []


def ecr_lifecycle(repo: pathlib.Path) -> list[str]:
    module = hcl.load_dir(repo / "modules/ecr_repository")
    text = "".join(
        (repo / "modules/ecr_repository").joinpath(p.name).read_text()
        for p in (repo / "modules/ecr_repository").glob("*.tf")
    )
    problems = []
    for chunk in text.split("selection")[1:]:
        line = chunk.splitlines()[0]
        if 'tagStatus = "untagged"' not in line:
            problems.append(
                f"modules/ecr_repository: a lifecycle rule expires tagged images ({line.strip()})"
            )
    del module
    return problems


def bucket_settings_in_order(resources: dict) -> list[str]:
    problems = []
    for before, after in itertools.pairwise(BUCKET_SETTINGS_ORDER):
        depends = resources.get((after, "this"), {}).get("depends_on", [])
        if f"${{{before}.this}}" not in depends:
            problems.append(f"{after}.this does not wait for {before}.this (S3 OperationAborted)")
    return problems


def run(repo: pathlib.Path) -> list[str]:
    resources, documents, values = image_push_role.bootstrap(repo)
    problems = (
        apply_role(documents)
        + role_names(values)
        + plan_role(documents)
        + no_managed_policies(resources)
        + bucket_settings_in_order(resources)
    )
    problems = [f"{layout.BOOTSTRAP}: {p}" for p in problems]
    return (
        problems
        + boundary_on_function_roles(repo)
        + cors_preflight_route(repo)
        + ecr_lifecycle(repo)
    )


if __name__ == "__main__":
    print(json.dumps(run(layout.REPO), indent=2))
