"""Every module's README documents each of its variables and outputs (as a `name` in a table
row), so the docs a caller reads cannot drift from the interface Terraform enforces.
Why not in Terraform: Terraform never reads a README."""

from __future__ import annotations

import pathlib
import re

import hcl
import layout

README = "README.md"


def undocumented(module_dir: pathlib.Path) -> list[str]:
    readme = module_dir / README
    if not readme.is_file():
        return [f"{module_dir.name}: no {README}"]
    rows = "\n".join(line for line in readme.read_text().splitlines() if line.startswith("|"))
    module = hcl.load_dir(module_dir)
    return [
        f"{module_dir.name}: {kind} `{name}` is not in a table row of its {README}"
        for kind in ("variable", "output")
        for name in sorted(hcl.labelled(module, kind))
        if not re.search(rf"`{re.escape(name)}`", rows)
    ]


def run(repo: pathlib.Path) -> list[str]:
    modules = sorted(p for p in (repo / layout.MODULES).iterdir() if any(p.glob("*.tf")))
    return [problem for module_dir in modules for problem in undocumented(module_dir)]
