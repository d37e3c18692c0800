"""Where the Terraform lives in this repository."""

from __future__ import annotations

import pathlib

REPO = pathlib.Path(__file__).resolve().parents[2]

# Folders holding Terraform: shared modules, the stack, and the roots that are applied.
MODULES = "modules"
STACK = "infra"
BOOTSTRAP = "infra/bootstrap"
ENVIRONMENTS = "environments"
SETTINGS = "infra/settings.json"
TFVARS = "terraform.tfvars"


def environment_roots(repo: pathlib.Path) -> list[pathlib.Path]:
    return sorted(p for p in (repo / ENVIRONMENTS).iterdir() if (p / "main.tf").is_file())


def roots(repo: pathlib.Path) -> list[pathlib.Path]:
    """Folders `terraform init` runs in."""
    return [*environment_roots(repo), repo / BOOTSTRAP]


def module_dirs(repo: pathlib.Path) -> list[pathlib.Path]:
    """Every folder of .tf files: modules, the stack and the roots."""
    modules = sorted(p for p in (repo / MODULES).iterdir() if any(p.glob("*.tf")))
    return [*modules, repo / STACK, *roots(repo)]
