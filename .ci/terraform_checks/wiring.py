"""Wiring checks Terraform only runs with providers (validate): names that must line up.

Each check returns a list of problems ("<folder>: <what is wrong>"); empty means clean.
"""

from __future__ import annotations

import pathlib
from collections.abc import Iterator

import hcl
import layout


def _rel(repo: pathlib.Path, path: pathlib.Path) -> str:
    return path.relative_to(repo).as_posix()


def _called_modules(directory: pathlib.Path, parsed: dict) -> dict[str, tuple[dict, dict]]:
    """name -> (call body, parsed called module) for every module call with a local source."""
    calls = {}
    for name, body in hcl.labelled(parsed, "module").items():
        source = hcl.unquote(body.get("source", ""))
        if source.startswith("."):
            calls[name] = (body, hcl.load_dir((directory / source).resolve()))
    return calls


def module_arguments(repo: pathlib.Path) -> list[str]:
    """Every module call passes each required variable and no undeclared one."""
    problems = []
    for directory in layout.module_dirs(repo):
        for name, (call, called) in _called_modules(directory, hcl.load_dir(directory)).items():
            variables = hcl.labelled(called, "variable")
            passed = {k for k in call if not k.startswith("__")} - hcl.MODULE_META_ARGUMENTS
            required = {v for v, body in variables.items() if "default" not in body}
            for missing in sorted(required - passed):
                problems.append(
                    f"{_rel(repo, directory)}: module.{name} misses required variable {missing}"
                )
            for unknown in sorted(passed - set(variables)):
                problems.append(
                    f"{_rel(repo, directory)}: module.{name} passes undeclared variable {unknown}"
                )
    return problems


# Blocks whose from/to are resource addresses, not expressions: `from` names what is gone by
# design, and `to` (module.<call>.<type>.<name>) names a resource, not an output of the call.
ADDRESS_BLOCKS = ("moved", "removed")


def _references(parsed: dict) -> Iterator[tuple[str, str, str | None]]:
    """hcl.references of the module; of an address block only the module call `to` names."""
    yield from hcl.references({k: v for k, v in parsed.items() if k not in ADDRESS_BLOCKS})
    for kind in ADDRESS_BLOCKS:
        for block in parsed.get(kind, []):
            for ref_kind, name, _ in hcl.references(block.get("to", "")):
                yield ref_kind, name, None


def references(repo: pathlib.Path) -> list[str]:
    """Every var.x, local.x and module.x.y names something declared."""
    problems = []
    for directory in layout.module_dirs(repo):
        parsed = hcl.load_dir(directory)
        variables = set(hcl.labelled(parsed, "variable"))
        local_names = hcl.local_names(parsed)
        outputs = {
            name: set(hcl.labelled(called, "output"))
            for name, (_, called) in _called_modules(directory, parsed).items()
        }
        where = _rel(repo, directory)
        for kind, name, attribute in sorted(set(_references(parsed)), key=str):
            if kind == "var" and name not in variables:
                problems.append(f"{where}: var.{name} is not a declared variable")
            elif kind == "local" and name not in local_names:
                problems.append(f"{where}: local.{name} is not a declared local")
            elif kind == "module" and name not in outputs:
                problems.append(f"{where}: module.{name} is not a module call")
            elif kind == "module" and attribute and attribute not in outputs[name]:
                problems.append(
                    f"{where}: module.{name}.{attribute} is not an output of that module"
                )
    return problems


def documentation(repo: pathlib.Path) -> list[str]:
    """Every variable has a type and a description; every output has a description."""
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
    """Every environment declares the same variables and sets the same ones in its tfvars."""
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


CHECKS = (module_arguments, references, documentation, environments_alike)


def run(repo: pathlib.Path) -> list[str]:
    return [problem for check in CHECKS for problem in check(repo)]
