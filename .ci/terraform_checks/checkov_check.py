"""checkov over all Terraform, offline, with this stack's custom policies (.ci/checkov/policies).
Why not in Terraform: security rules (encryption, logging, public access) are no part of a valid
configuration; a plan accepts an unencrypted queue.

checkov pins an old boto3, so it lives in its own venv (.tools/checkov), created here on first
use from the pinned .ci/checkov/requirements.txt; later runs reuse it.
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import layout
from tool_venv import ensure_tool_venv

CHECKOV_DIR = ".ci/checkov"
VENV = layout.REPO / ".tools" / "checkov"
REQUIREMENTS = layout.REPO / CHECKOV_DIR / "requirements.txt"
POLICIES = layout.REPO / CHECKOV_DIR / "policies"
SCANNED = (layout.MODULES, layout.STACK, layout.ENVIRONMENTS)
OFFLINE_ENV = {"BC_SKIP_MAPPING": "TRUE", "CKV_SKIP_PACKAGE_UPDATE_CHECK": "TRUE"}
INSTALL_TIMEOUT_SECONDS = 1200
SCAN_TIMEOUT_SECONDS = 300


def ensure_installed() -> pathlib.Path:
    """The checkov executable; installs the pinned version when the venv is missing or stale."""
    return ensure_tool_venv(VENV, REQUIREMENTS, INSTALL_TIMEOUT_SECONDS) / "checkov"


def scan(repo: pathlib.Path) -> dict:
    """checkov's JSON report (results and summary) for the Terraform under repo."""
    command = [str(ensure_installed()), "--framework", "terraform", "--skip-download"]
    command += [
        "--external-checks-dir",
        str(POLICIES),
        "--output",
        "json",
        "--directory",
        str(repo),
    ]
    # One scan of the whole tree, so checkov renders each root with the modules it calls;
    # every other top-level folder (venvs, tests, handlers) is skipped.
    for other in sorted(p.name for p in repo.iterdir() if p.is_dir() and p.name not in SCANNED):
        command += ["--skip-path", other]
    completed = subprocess.run(  # noqa: S603 - our pinned checkov on our own tree
        command,
        capture_output=True,
        text=True,
        env={**os.environ, **OFFLINE_ENV},
        timeout=SCAN_TIMEOUT_SECONDS,
        check=False,
    )
    if completed.returncode not in (0, 1):  # 1 means failed checks; anything else is a crash
        raise RuntimeError(f"checkov exited {completed.returncode}: {completed.stderr[-2000:]}")
    report = json.loads(completed.stdout)
    reports = report if isinstance(report, list) else [report]
    terraform = [r for r in reports if r.get("check_type") == "terraform"]
    if not terraform:  # checkov prints a bare summary when it found nothing to check
        raise RuntimeError(f"checkov found no Terraform under {repo}: {completed.stdout[:500]}")
    return terraform[0]


def failures(report: dict) -> list[str]:
    return [
        f"{f['check_id']} {f['resource']} ({f['file_path']}): {f['check_name']}"
        for f in report["results"]["failed_checks"]
    ]


def skips_without_reason(report: dict) -> list[str]:
    """Every skip must be inline with its reason (#checkov:skip=CKV_X:<why>)."""
    return [
        f"{s['check_id']} {s['resource']} ({s['file_path']}): skipped without a reason"
        for s in report["results"]["skipped_checks"]
        if not (s.get("check_result", {}).get("suppress_comment") or "").strip()
        or s["check_result"]["suppress_comment"].strip() == "No comment provided"
    ]


def run(repo: pathlib.Path) -> list[str]:
    report = scan(repo)
    return failures(report) + skips_without_reason(report)


if __name__ == "__main__":
    summary = scan(layout.REPO)["summary"]
    print(json.dumps(summary))
    sys.exit(0)
