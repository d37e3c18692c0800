"""Wiring checks that Terraform itself does not make, even in a plan (tf-check plans every root:
missing or undeclared module arguments and references to nothing are Terraform's errors there).

Each check returns a list of problems ("<folder>: <what is wrong>"); empty means clean.
"""

from __future__ import annotations

import pathlib

import hcl
import layout


def _rel(repo: pathlib.Path, path: pathlib.Path) -> str:
    return path.relative_to(repo).as_posix()


def moved_blocks(repo: pathlib.Path) -> list[str]:
    """Every moved block's `to` names a module call of its folder. Terraform accepts one that
    names no call: the move then does nothing and apply destroys and recreates the resource."""
    problems = []
    for directory in layout.module_dirs(repo):
        parsed = hcl.load_dir(directory)
        calls = set(hcl.labelled(parsed, "module"))
        for block in parsed.get("moved", []):
            for kind, name, _ in sorted(set(hcl.references(block.get("to", ""))), key=str):
                if kind == "module" and name not in calls:
                    problems.append(f"{_rel(repo, directory)}: module.{name} is not a module call")
    return problems


def documentation(repo: pathlib.Path) -> list[str]:
    """Every variable has a type and a description; every output has a description (Terraform
    takes them all untyped and undescribed)."""
    problems = []
    for directory in layout.module_dirs(repo):
        parsed = hcl.load_dir(directory)
        where = _rel(repo, directory)
        for name, body in hcl.labelled(parsed, "variable").items():
            for field in ("type", "description"):
                if not hcl.unquote(body.get(field, "")):
                    problems.append(f"{where}: variable {name} has no {field}")
        for name, body in hcl.labelled(parsed, "output").items():
            if not hcl.unquote(body.get("description", "")):
                problems.append(f"{where}: output {name} has no description")
    return problems


def environments_alike(repo: pathlib.Path) -> list[str]:
    """Every environment declares the same variables and sets the same ones in its tfvars
    (Terraform sees one root at a time, and only warns about an undeclared tfvars name)."""
    problems = []
    envs = layout.environment_roots(repo)
    declared = {env.name: set(hcl.labelled(hcl.load_dir(env), "variable")) for env in envs}
    tfvars = {env.name: set(hcl.plain(hcl.load_file(env / layout.TFVARS))) for env in envs}
    for label, by_env in (("declares variables", declared), ("sets in terraform.tfvars", tfvars)):
        union = set().union(*by_env.values())
        for env, names in sorted(by_env.items()):
            for missing in sorted(union - names):
                problems.append(
                    f"environments/{env}: {label} without {missing} (another environment has it)"
                )
    for env in envs:
        for unknown in sorted(tfvars[env.name] - declared[env.name]):
            problems.append(
                f"environments/{env.name}: terraform.tfvars sets undeclared variable {unknown}"
            )
    return problems


CHECKS = (moved_blocks, documentation, environments_alike)


def run(repo: pathlib.Path) -> list[str]:
    return [problem for check in CHECKS for problem in check(repo)]
