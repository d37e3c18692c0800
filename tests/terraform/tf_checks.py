"""Shared by the Terraform tests: the offline checks Terraform cannot make (.ci/terraform_checks)
and a way to plant a defect in a throw-away copy of the Terraform tree."""

from __future__ import annotations

import functools
import pathlib
import shutil
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / ".ci" / "terraform_checks"))

import checkov_check  # noqa: E402
import environment_roles  # noqa: E402
import hcl  # noqa: E402
import image_push_role  # noqa: E402
import layout  # noqa: E402
import module_docs  # noqa: E402
import wiring  # noqa: E402

__all__ = [
    "checkov_check",
    "environment_roles",
    "hcl",
    "image_push_role",
    "layout",
    "module_docs",
    "wiring",
]


def tree_copy(into: pathlib.Path) -> pathlib.Path:
    """A copy of the repo's Terraform (and lambda/, which the enqueue zip reads) to plant in."""
    for folder in ("modules", "infra", "environments", "lambda"):
        shutil.copytree(
            REPO / folder, into / folder, ignore=shutil.ignore_patterns(".terraform", "__pycache__")
        )
    return into


def plant(path: pathlib.Path, old: str, new: str) -> None:
    """Replace one exact piece of a file; fails loudly if the piece is not there exactly once."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is in {path} {text.count(old)} times, not once"
    path.write_text(text.replace(old, new), encoding="utf-8")


@functools.cache
def checkov_report_of_repo() -> dict:
    """One checkov scan of the real tree per test session (it takes about 20 s)."""
    return checkov_check.scan(REPO)
