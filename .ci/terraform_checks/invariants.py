"""The stack's invariants, checked on the values each environment really deploys.

Terraform enforces the same rules at plan time (preconditions in modules/sqs_trigger, validations
in modules/ and on infra's settings_overrides); this check sees them offline: infra/settings.json
merged with each environment's settings_overrides and terraform.tfvars.
"""

from __future__ import annotations

import json
import pathlib

import hcl
import layout

LAMBDA_MAX_TIMEOUT_SECONDS = 900
MIN_MAX_RECEIVE_COUNT = 5
VISIBILITY_TO_TIMEOUT_RATIO = 6
MIN_MAPPING_CONCURRENCY = 2


def effective_settings(repo: pathlib.Path, env: pathlib.Path) -> tuple[dict, dict]:
    """(settings as the environment deploys them, the environment's tfvars)."""
    settings = json.loads((repo / layout.SETTINGS).read_text(encoding="utf-8"))
    tfvars = hcl.plain(hcl.load_file(env / layout.TFVARS))
    for section, values in (tfvars.get("settings_overrides") or {}).items():
        settings[section] = {**settings[section], **values}
    return settings, tfvars


def problems_of(settings: dict, tfvars: dict) -> list[str]:
    queue, worker = settings["queue"], settings["worker"]
    found = []
    if (
        queue["visibility_timeout_seconds"]
        < VISIBILITY_TO_TIMEOUT_RATIO * worker["timeout_seconds"]
    ):
        found.append(
            f"queue.visibility_timeout_seconds {queue['visibility_timeout_seconds']} is below "
            f"{VISIBILITY_TO_TIMEOUT_RATIO} x worker.timeout_seconds "
            f"({VISIBILITY_TO_TIMEOUT_RATIO * worker['timeout_seconds']})"
        )
    if queue["max_receive_count"] < MIN_MAX_RECEIVE_COUNT:
        found.append(
            f"queue.max_receive_count {queue['max_receive_count']} is below {MIN_MAX_RECEIVE_COUNT}"
        )
    if worker["timeout_seconds"] > LAMBDA_MAX_TIMEOUT_SECONDS:
        found.append(
            f"worker.timeout_seconds {worker['timeout_seconds']} is above "
            f"{LAMBDA_MAX_TIMEOUT_SECONDS}"
        )
    reserved = tfvars.get("worker_reserved_concurrency")
    if worker["maximum_concurrency"] < MIN_MAPPING_CONCURRENCY:
        found.append(
            f"worker.maximum_concurrency {worker['maximum_concurrency']} is below "
            f"{MIN_MAPPING_CONCURRENCY}"
        )
    # No reservation (null) is allowed: a fresh account has too little quota for one, and the
    # mapping's maximum_concurrency caps the worker then.
    if reserved is not None and worker["maximum_concurrency"] > reserved:
        found.append(
            f"worker.maximum_concurrency {worker['maximum_concurrency']} is above "
            f"worker_reserved_concurrency {reserved}"
        )
    return found + _dead_letter_problems(queue, settings["dead_letters"])


def _dead_letter_problems(queue: dict, drain: dict) -> list[str]:
    """The dead-letter drain's mapping on the DLQ obeys the same rules as the worker's."""
    found = []
    if (
        queue["dlq_visibility_timeout_seconds"]
        < VISIBILITY_TO_TIMEOUT_RATIO * drain["timeout_seconds"]
    ):
        found.append(
            f"queue.dlq_visibility_timeout_seconds {queue['dlq_visibility_timeout_seconds']} is "
            f"below {VISIBILITY_TO_TIMEOUT_RATIO} x dead_letters.timeout_seconds "
            f"({VISIBILITY_TO_TIMEOUT_RATIO * drain['timeout_seconds']})"
        )
    concurrency, reserved = drain["maximum_concurrency"], drain["reserved_concurrency"]
    if concurrency < MIN_MAPPING_CONCURRENCY:
        found.append(
            f"dead_letters.maximum_concurrency {concurrency} is below {MIN_MAPPING_CONCURRENCY}"
        )
    if reserved is not None and concurrency > reserved:
        found.append(
            f"dead_letters.maximum_concurrency {concurrency} is above "
            f"dead_letters.reserved_concurrency {reserved}"
        )
    return found


def unknown_overrides(repo: pathlib.Path, tfvars: dict) -> list[str]:
    """Overrides that name no setting of settings.json (a typo would silently do nothing)."""
    settings = json.loads((repo / layout.SETTINGS).read_text(encoding="utf-8"))
    overrides = tfvars.get("settings_overrides") or {}
    return [
        f"settings_overrides.{section}.{key} is not a setting of {layout.SETTINGS}"
        for section, values in overrides.items()
        for key in values
        if key not in settings.get(section, {})
    ]


def run(repo: pathlib.Path) -> list[str]:
    problems = []
    for env in layout.environment_roots(repo):
        tfvars = hcl.plain(hcl.load_file(env / layout.TFVARS))
        found = unknown_overrides(repo, tfvars)
        if not found:
            found = problems_of(*effective_settings(repo, env))
        problems += [f"environments/{env.name}: {p}" for p in found]
    return problems
