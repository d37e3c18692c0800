"""The worker image push role (infra/bootstrap) grants exactly what deploy.yml's image job calls,
and only this repository's pushes to its default branch may assume it.

Why not in Terraform: no validation or precondition can say "this role's grants are exactly
the image job's calls"; it is a review rule. It reads the HCL (the inline policy, the shared
GitHub trust document with the subjects it gives this role, whatever else is attached to the
role) because in a plan the repository's ARN is unknown and the stand-in renders the documents
only at apply; a bootstrap `terraform test` with that output overridden (as
infra/tests/iam.tftest.hcl does for the function roles) could take it over.

`run` returns a list of problems ("infra/bootstrap: <what is wrong>"); empty means clean.
"""

from __future__ import annotations

import pathlib
import re

import hcl
import layout

ROLE = "image_push"
ROLE_NAME = "${var.name_prefix}-image-push"  # deploy.yml finds the role by this name
REPOSITORY_ARN = "${module.worker_images.repository_arn}"

# resource -> actions: the job's calls (amazon-ecr-login, `aws ecr describe-images`, a buildx
# push). GetAuthorizationToken has no resource type, so IAM accepts only "*" for it.
ALLOWED = {
    "*": {"ecr:GetAuthorizationToken"},
    REPOSITORY_ARN: {
        "ecr:DescribeImages",
        "ecr:BatchCheckLayerAvailability",
        "ecr:InitiateLayerUpload",
        "ecr:UploadLayerPart",
        "ecr:CompleteLayerUpload",
        "ecr:BatchGetImage",
        "ecr:PutImage",
    },
}

# IAM's minimum; the job ends (45 min timeout) before the session does.
MAX_SESSION_SECONDS = 3600

# The trust: one document for every GitHub role (for_each over local.github_subjects), whose
# "image-push" entry must be the default branch's subject alone.
TRUST = "github_trust"
TRUST_REFERENCE = '${data.aws_iam_policy_document.github_trust["image-push"].json}'
TRUSTED_PRINCIPALS = [
    {"type": "Federated", "identifiers": ["${aws_iam_openid_connect_provider.github.arn}"]}
]
TRUSTED_CONDITIONS = [
    ("StringEquals", "token.actions.githubusercontent.com:aud", ["sts.amazonaws.com"]),
    ("StringLike", "token.actions.githubusercontent.com:sub", "${each.value}"),
]
SUBJECTS_ENTRY = re.compile(r'\{\s*"image-push"\s*=\s*\[\s*local\.default_branch_subject\s*\]\s*\}')
ANY_SUBJECTS_ENTRY = re.compile(r'image-push"?\s*=')  # quoted or bare: merge() keeps the last
DEFAULT_BRANCH_SUBJECT = "repo:${var.github_repository}:ref:refs/heads/${var.default_branch}"
DEFAULT_BRANCH = "main"  # deploy.yml's `on.push.branches` (tests/lint/workflow_policy.py)

WHERE = layout.BOOTSTRAP


def document_name(reference: str) -> str:
    """<name> of "${data.aws_iam_policy_document.<name>.json}"."""
    return reference.removeprefix("${data.aws_iam_policy_document.").removesuffix(".json}")


def bootstrap(repo: pathlib.Path) -> tuple[dict, dict, dict]:
    """(resources, policy documents, variables and locals by "var."/"local." name)."""
    parsed = hcl.load_dir(repo / layout.BOOTSTRAP)
    resources = {(t, n): hcl.plain(b) for t, n, b in hcl.resources(parsed)}
    documents = {
        n: hcl.plain(b)
        for t, n, b in hcl.resources(parsed, "data")
        if t == "aws_iam_policy_document"
    }
    values = {
        f"var.{n}": hcl.plain(b).get("default") for n, b in hcl.labelled(parsed, "variable").items()
    }
    for entry in parsed.get("locals", []):
        values.update({f"local.{k}": v for k, v in hcl.plain(entry).items()})
    return resources, documents, values


def granted(document: dict) -> dict[str, set[str]]:
    """resource -> actions the document's Allow statements grant."""
    allowed: dict[str, set[str]] = {}
    for statement in document.get("statement", []):
        if statement.get("effect", "Allow") == "Allow":
            for resource in statement.get("resources", []):
                allowed.setdefault(resource, set()).update(statement.get("actions", []))
    return allowed


def conditions(statement: dict) -> list[tuple]:
    """(test, variable, values) of each condition of a statement, in a stable order."""
    return sorted(
        (
            (c.get("test"), c.get("variable"), c.get("values"))
            for c in statement.get("condition", [])
        ),
        key=str,
    )


def role_settings(role: dict) -> list[str]:
    problems = []
    if role.get("name") != ROLE_NAME:
        problems.append(f"aws_iam_role.{ROLE} is named {role.get('name')!r}, not {ROLE_NAME!r}")
    duration = role.get("max_session_duration", MAX_SESSION_SECONDS)
    if not isinstance(duration, int) or duration > MAX_SESSION_SECONDS:
        problems.append(
            f"aws_iam_role.{ROLE} max_session_duration {duration!r} is above "
            f"{MAX_SESSION_SECONDS} seconds"
        )
    return problems


def attached_policies(resources: dict) -> tuple[list[str], list[str]]:
    """(problems, the policy documents attached inline): one inline policy, nothing else."""
    problems, inline = [], []
    for (rtype, name), body in resources.items():
        mentions_role = any(
            f"aws_iam_role.{ROLE}." in s or s.endswith("-image-push") for s in hcl.strings(body)
        )
        if (rtype, name) == ("aws_iam_role", ROLE) or not mentions_role:
            continue
        if rtype == "aws_iam_role_policy":
            inline.append(document_name(str(body.get("policy", ""))))
        else:
            problems.append(f"{rtype}.{name} attaches more to aws_iam_role.{ROLE}")
    if len(inline) != 1:
        problems.append(f"aws_iam_role.{ROLE} has {len(inline)} inline policies, not one")
    return problems, inline


def permissions(document: dict, name: str) -> list[str]:
    """The Allow statements grant ALLOWED exactly: no other action, no other resource."""
    problems = []
    if document.get("dynamic") or document.get("source_policy_documents"):
        problems.append(f"{name}: statements from elsewhere (dynamic or source documents)")
    for statement in document.get("statement", []):
        if {"not_actions", "not_resources"} & set(statement):
            problems.append(f"{name}: statement {statement.get('sid')!r} inverts its scope")
    allowed = granted(document)
    for resource in sorted(set(allowed) | set(ALLOWED)):
        extra = allowed.get(resource, set()) - ALLOWED.get(resource, set())
        missing = ALLOWED.get(resource, set()) - allowed.get(resource, set())
        if extra:
            problems.append(f"{name}: allows {sorted(extra)} on {resource}; the job calls none")
        if missing:
            problems.append(f"{name}: lacks {sorted(missing)} on {resource}; the job calls them")
    return problems


def trust_statement(document: dict) -> list[str]:
    """One statement: web identity from GitHub's OIDC provider, our audience, each.value."""
    name = f"data.aws_iam_policy_document.{TRUST}"
    statements = document.get("statement", [])
    if len(statements) != 1 or document.get("dynamic"):
        return [f"{name}: {len(statements)} trust statements, not one"]
    (statement,) = statements
    problems = []
    actions = statement.get("actions")
    if statement.get("effect", "Allow") != "Allow" or actions != ["sts:AssumeRoleWithWebIdentity"]:
        problems.append(f"{name}: trusts {actions}, not web identity alone")
    if statement.get("principals") != TRUSTED_PRINCIPALS:
        problems.append(f"{name}: trusts {statement.get('principals')}, not GitHub's OIDC provider")
    if conditions(statement) != TRUSTED_CONDITIONS:
        problems.append(
            f"{name}: trust conditions {conditions(statement)} are not {TRUSTED_CONDITIONS}"
        )
    if document.get("for_each") != "${local.github_subjects}":
        problems.append(f"{name}: for_each is not local.github_subjects")
    return problems


def trusted_subjects(values: dict) -> list[str]:
    """The push role's subjects: this repository's default branch (main), nothing else."""
    problems = []
    subjects = str(values.get("local.github_subjects"))
    entries = len(ANY_SUBJECTS_ENTRY.findall(subjects))
    if entries != 1 or not SUBJECTS_ENTRY.search(subjects):
        problems.append(
            f'local.github_subjects gives "image-push" {entries} entries, not just '
            '{"image-push" = [local.default_branch_subject]}'
        )
    if values.get("local.default_branch_subject") != DEFAULT_BRANCH_SUBJECT:
        problems.append(
            f"local.default_branch_subject is {values.get('local.default_branch_subject')!r}, "
            f"not {DEFAULT_BRANCH_SUBJECT!r}"
        )
    if values.get("var.default_branch") != DEFAULT_BRANCH:
        problems.append(
            f"var.default_branch defaults to {values.get('var.default_branch')!r}; deploy.yml "
            f"runs on {DEFAULT_BRANCH!r}"
        )
    return problems


def run(repo: pathlib.Path) -> list[str]:
    resources, documents, values = bootstrap(repo)
    role = resources.get(("aws_iam_role", ROLE))
    if role is None:
        return [f"{WHERE}: no aws_iam_role.{ROLE} (the worker image push role)"]
    problems = role_settings(role)
    attached, inline = attached_policies(resources)
    problems += attached
    for name in inline:
        problems += permissions(documents.get(name, {}), f"data.aws_iam_policy_document.{name}")
    if role.get("assume_role_policy") != TRUST_REFERENCE:
        problems.append(f"aws_iam_role.{ROLE} is not trusted through {TRUST_REFERENCE}")
    problems += trust_statement(documents.get(TRUST, {})) + trusted_subjects(values)
    return [f"{WHERE}: {p}" for p in problems]
