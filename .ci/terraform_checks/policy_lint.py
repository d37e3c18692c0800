"""IAM policy lint: parliament (its own offline IAM database) over every aws_iam_policy_document
of an offline plan (`terraform show -json` of a stand-in plan), statement by statement.

What a plan knows decides what is checked. Actions are always known (they are literals), so
every statement is checked for unknown services and actions. Resource ARNs of resources the same
plan creates (queues, buckets, the table) are unknown until apply; a statement whose resources
and conditions are all known is checked fully (resource types that do not fit the action,
`Resource: *` where the action has resource types, conditions the action does not take). Trust
and resource-policy statements (with principals) get the action check only: parliament lints
identity policies, and reads a statement without Resource as malformed.

parliament imports pkg_resources, which .venv's setuptools lacks, so it runs in its own venv
(.tools/parliament, pinned in .ci/parliament/requirements.txt), created on first use.
"""

from __future__ import annotations

import json
import pathlib
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import layout
from tool_venv import ensure_tool_venv

TOOL_DIR = layout.REPO / ".ci" / "parliament"
VENV = layout.REPO / ".tools" / "parliament"
REQUIREMENTS = TOOL_DIR / "requirements.txt"
RUNNER = TOOL_DIR / "lint_statements.py"
INSTALL_TIMEOUT_SECONDS = 600
LINT_TIMEOUT_SECONDS = 120

# The findings about actions alone: valid whatever the resources turn out to be.
ACTION_ISSUES = {"UNKNOWN_ACTION", "UNKNOWN_PREFIX"}


@dataclass(frozen=True)
class Statement:
    document: str  # the data source's address in the plan
    index: int
    sid: str
    policy: dict  # a one-statement policy document for parliament
    resources_known: bool

    @property
    def id(self) -> str:
        return f"{self.document} statement {self.index} ({self.sid or 'no sid'})"


def _any_unknown(flags) -> bool:
    if flags is True:
        return True
    if isinstance(flags, dict):
        return any(_any_unknown(v) for v in flags.values())
    if isinstance(flags, list):
        return any(_any_unknown(v) for v in flags)
    return False


def _documents(plan: dict) -> Iterator[tuple[str, dict, dict]]:
    """(address, values, unknown flags) of every policy document, read at plan or at apply."""

    def walk(module: dict) -> Iterator[dict]:
        yield from module.get("resources", [])
        for child in module.get("child_modules", []):
            yield from walk(child)

    prior = plan.get("prior_state", {}).get("values", {}).get("root_module", {})
    for resource in walk(prior):
        if resource["mode"] == "data" and resource["type"] == "aws_iam_policy_document":
            yield resource["address"], resource["values"], {}
    for change in plan.get("resource_changes", []):
        if change["mode"] == "data" and change["type"] == "aws_iam_policy_document":
            yield change["address"], change["change"]["after"], change["change"]["after_unknown"]


def statements(plan: dict) -> list[Statement]:
    found = []
    for address, values, unknown in _documents(plan):
        unknown_statements = unknown.get("statement") or []
        for index, statement in enumerate(values.get("statement") or []):
            flags = unknown_statements[index] if index < len(unknown_statements) else {}
            identity = not statement.get("principals") and not statement.get("not_principals")
            resource_key = "resources" if statement.get("resources") else "not_resources"
            resources_known = (
                identity
                and bool(statement.get(resource_key))
                and not _any_unknown(flags.get(resource_key))
                and not _any_unknown(flags.get("condition"))
            )
            policy_statement: dict = {"Effect": statement.get("effect") or "Allow"}
            if statement.get("actions"):
                policy_statement["Action"] = statement["actions"]
            else:
                policy_statement["NotAction"] = statement.get("not_actions") or []
            if resources_known:
                name = "Resource" if resource_key == "resources" else "NotResource"
                policy_statement[name] = statement[resource_key]
                conditions: dict = {}
                for condition in statement.get("condition") or []:
                    test = conditions.setdefault(condition["test"], {})
                    test[condition["variable"]] = condition["values"]
                if conditions:
                    policy_statement["Condition"] = conditions
            else:
                policy_statement["Resource"] = "*"  # a stand-in; only action findings are kept
            found.append(
                Statement(
                    address,
                    index,
                    statement.get("sid") or "",
                    {"Version": "2012-10-17", "Statement": [policy_statement]},
                    resources_known,
                )
            )
    return found


def ensure_installed() -> pathlib.Path:
    """The tool venv's python; installs the pinned parliament when missing or stale."""
    return ensure_tool_venv(VENV, REQUIREMENTS, INSTALL_TIMEOUT_SECONDS) / "python"


def findings(checked: list[Statement]) -> list[str]:
    """parliament's findings that count: action findings everywhere, all findings where the
    resources are known. Which findings a tree may have is the caller's to say (with reasons)."""
    by_id = {s.id: s for s in checked}
    done = subprocess.run(  # noqa: S603 - our pinned parliament on our own documents
        [str(ensure_installed()), str(RUNNER)],
        input=json.dumps([{"id": s.id, "document": s.policy} for s in checked]),
        capture_output=True,
        text=True,
        timeout=LINT_TIMEOUT_SECONDS,
        check=True,
    )
    problems = []
    for finding in json.loads(done.stdout):
        statement = by_id[finding["id"]]
        if not statement.resources_known and finding["issue"] not in ACTION_ISSUES:
            continue
        problems.append(f"{finding['id']}: {finding['issue']} {finding['detail']}")
    return problems
