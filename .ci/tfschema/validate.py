"""Check every .tf file of the repo against the committed AWS provider schema.

Catches what `terraform validate` would, without the provider binary: unknown resource or data
source types, unknown arguments or nested blocks (with a "did you mean"), missing required
arguments and blocks, blocks written as arguments and the reverse, nested blocks recursively,
references to undeclared resources and to attributes a type does not have. Types of other
providers (archive_file, random_id, terraform_data, ...) are counted and skipped: we carry only
the AWS schema.

    PYTHONPATH=.ci .venv/bin/python -m tfschema.validate [paths...]
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import difflib
import pathlib
import sys
import time

from tfschema.hcl_reader import INDEX, Block, Reference, read_tf
from tfschema.schema import REGENERATE_HINT, load_schema

REPO = pathlib.Path(__file__).resolve().parents[2]
TERRAFORM_DIRS = ("modules", "infra", "environments")
SCHEMA_PROVIDER = "aws"
# Meta-arguments Terraform itself handles on every resource / data block (not in the schema).
META_ARGUMENTS = {"count", "for_each", "depends_on", "provider"}
META_BLOCKS = {"resource": {"lifecycle", "provisioner", "connection"}, "data": {"lifecycle"}}
DYNAMIC_ARGUMENTS = {"for_each", "iterator", "labels"}


@dataclasses.dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclasses.dataclass
class Stats:
    files: int = 0
    resources: int = 0  # resource and data blocks of the aws provider checked
    arguments: int = 0  # arguments and nested blocks checked, at every depth
    references: int = 0  # aws_x.name / data.aws_x.name references checked
    skipped: collections.Counter = dataclasses.field(default_factory=collections.Counter)


def suggestion(name: str, candidates) -> str:
    close = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.6)
    return f'; did you mean "{close[0]}"?' if close else ""


def provider_of(type_name: str) -> str:
    return type_name.split("_", 1)[0]


def normalized(name: str) -> str:
    """Attribute names derived from camelCase getters may split digits differently
    (checksum_crc32_c vs checksum_crc32c); compare without underscores."""
    return name.replace("_", "")


class Validator:
    def __init__(self, schema: dict, repo: pathlib.Path = REPO):
        self.schema = schema
        self.repo = repo
        self.problems: list[Problem] = []
        self.stats = Stats()
        self._path = ""

    # -- entry points -------------------------------------------------------------------------

    def validate_files(self, files: list[pathlib.Path]) -> list[Problem]:
        modules: dict[pathlib.Path, list[tuple[str, Block]]] = collections.defaultdict(list)
        for file in sorted(files):
            shown = self._shown(file)
            self.stats.files += 1
            try:
                modules[file.parent].append((shown, read_tf(file)))
            except Exception as error:  # noqa: BLE001 - any parse failure is a finding to report
                self.problems.append(Problem(shown, 0, f"cannot parse HCL: {error}"))
        for parsed in modules.values():
            self._validate_module(parsed)
        self.problems.sort(key=lambda problem: (problem.path, problem.line))
        return self.problems

    def _shown(self, file: pathlib.Path) -> str:
        try:
            return str(file.resolve().relative_to(self.repo))
        except ValueError:
            return str(file)

    def _validate_module(self, parsed: list[tuple[str, Block]]) -> None:
        declared = set()
        for _, root in parsed:
            for kind, block in self._resource_blocks(root):
                declared.add((kind, *block.labels[:2]))
        for path, root in parsed:
            self._path = path
            for kind, block in self._resource_blocks(root):
                self._check_resource(kind, block)
            for block in root.blocks:
                if block.type == "provider" and block.labels == [SCHEMA_PROVIDER]:
                    self._check_body(block, self.schema["provider_config"], "provider aws")
            for reference in self._references(root):
                self._check_reference(reference, declared)

    @staticmethod
    def _resource_blocks(root: Block):
        for block in root.blocks:
            if block.type in ("resource", "data") and len(block.labels) == 2:
                yield block.type, block
            elif block.type == "check":  # scoped data sources live inside check blocks
                yield from (("data", b) for b in block.blocks if b.type == "data")

    @staticmethod
    def _references(root: Block):
        yield from (r for argument in root.arguments.values() for r in argument.references)
        for block in root.blocks:
            if block.type in ("moved", "removed"):
                # `from` names an address that is gone by design; only `to` must exist.
                for name, argument in block.arguments.items():
                    yield from argument.references if name != "from" else ()
            else:
                yield from block.all_references()

    def _report(self, line: int, message: str) -> None:
        self.problems.append(Problem(self._path, line, message))

    # -- resources and blocks -----------------------------------------------------------------

    def _check_resource(self, kind: str, block: Block) -> None:
        type_name, name = block.labels
        if provider_of(type_name) != SCHEMA_PROVIDER:
            self.stats.skipped[type_name] += 1
            return
        schema = self.schema[kind].get(type_name)
        label = "data source" if kind == "data" else "resource"
        if schema is None:
            other = "resource" if kind == "data" else "data"
            hint = (
                f'; "{type_name}" exists as a {"data source" if other == "data" else other}'
                if type_name in self.schema[other]
                else suggestion(type_name, self.schema[kind])
            )
            self._report(
                block.line,
                f'unknown {label} type "{type_name}" in provider '
                f"{self.schema['provider_version']}{hint} (if the provider was upgraded, "
                f"{REGENERATE_HINT})",
            )
            return
        self.stats.resources += 1
        where = f"{'data.' if kind == 'data' else ''}{type_name}.{name}"
        self._check_body(block, schema, where, META_ARGUMENTS, META_BLOCKS[kind])

    def _check_body(
        self,
        block: Block,
        schema: dict,
        where: str,
        meta_arguments=frozenset(),
        meta_blocks=frozenset(),
    ) -> None:
        if "*" in schema:  # a self-nesting struct (wafv2 statements): contents not modelled
            return
        arguments, blocks, objects = schema.get("a", {}), schema.get("b", {}), schema.get("o", {})
        known = set(arguments) | set(blocks) | set(objects) | set(meta_arguments) | set(meta_blocks)
        for argument in block.arguments.values():
            self.stats.arguments += 1
            if (
                argument.name in meta_arguments
                or argument.name in arguments
                or argument.name in objects
            ):
                continue
            if argument.name in blocks:
                self._report(
                    argument.line,
                    f'{where}: "{argument.name}" is a nested block, not an '
                    f"argument: write `{argument.name} {{ ... }}` without `=`",
                )
            else:
                self._report(
                    argument.line,
                    f'{where}: unknown argument "{argument.name}"'
                    f"{suggestion(argument.name, known)}",
                )
        present = set()
        for nested in block.blocks:
            self.stats.arguments += 1
            if nested.type in meta_blocks:
                continue
            name, body = nested.type, nested
            if nested.type == "dynamic":
                name, body = self._dynamic_content(nested, where)
                if body is None:
                    continue
            present.add(name)
            if name in blocks or name in objects:
                # An object attribute may also be written as blocks: the provider's legacy
                # "attributes as blocks" (security group ingress, route table route) allow both.
                nested_schema = (blocks.get(name) or objects[name])[1]
                self._check_body(body, nested_schema, f"{where}.{name}")
            elif name in arguments:
                self._report(
                    nested.line,
                    f'{where}: "{name}" is an argument, not a nested block: write `{name} = ...`',
                )
            else:
                self._report(
                    nested.line, f'{where}: unknown nested block "{name}"{suggestion(name, known)}'
                )
        self._check_required(block, arguments, blocks, objects, present, where)

    def _dynamic_content(self, dynamic: Block, where: str) -> tuple[str, Block | None]:
        name = dynamic.labels[0] if dynamic.labels else ""
        for argument in dynamic.arguments.values():
            if argument.name not in DYNAMIC_ARGUMENTS:
                self._report(
                    argument.line,
                    f'{where}: dynamic "{name}" has unknown argument '
                    f'"{argument.name}"{suggestion(argument.name, DYNAMIC_ARGUMENTS)}',
                )
        contents = [b for b in dynamic.blocks if b.type == "content"]
        if len(contents) != 1:
            self._report(dynamic.line, f'{where}: dynamic "{name}" needs exactly one content block')
            return name, None
        return name, contents[0]

    def _check_required(self, block, arguments, blocks, objects, present, where) -> None:
        for name, required in arguments.items():
            if required and name not in block.arguments:
                self._report(block.line, f'{where}: missing required argument "{name}"')
        for name, (required, _) in objects.items():
            if required and name not in block.arguments and name not in present:
                self._report(block.line, f'{where}: missing required argument "{name}"')
        for name, (required, _) in blocks.items():
            if required and name not in present:
                self._report(block.line, f'{where}: missing required nested block "{name}"')

    # -- references ---------------------------------------------------------------------------

    def _check_reference(self, reference: Reference, declared: set) -> None:
        steps = reference.steps
        if steps[0] == "data" and len(steps) >= 3:
            kind, type_name, name, rest = "data", steps[1], steps[2], steps[3:]
        elif len(steps) >= 2 and provider_of(steps[0]) == SCHEMA_PROVIDER and "_" in steps[0]:
            kind, type_name, name, rest = "resource", steps[0], steps[1], steps[2:]
        else:
            return
        if provider_of(type_name) != SCHEMA_PROVIDER or name == INDEX:
            return
        self.stats.references += 1
        prefix = "data." if kind == "data" else ""
        if (kind, type_name, name) not in declared:
            self._report(
                reference.line,
                f"reference to undeclared {prefix}{type_name}.{name} (not declared in this module)",
            )
            return
        schema = self.schema[kind].get(type_name)
        attribute = next((step for step in rest if step != INDEX), None)
        if schema is None or attribute is None:
            return
        readable = (
            set(schema.get("a", {}))
            | set(schema.get("b", {}))
            | set(schema.get("o", {}))
            | set(schema.get("c", []))
        )
        if attribute in readable or normalized(attribute) in {normalized(r) for r in readable}:
            return
        self._report(
            reference.line,
            f"{reference}: {prefix}{type_name} has no attribute "
            f'"{attribute}"{suggestion(attribute, readable)}',
        )


def terraform_files(repo: pathlib.Path = REPO) -> list[pathlib.Path]:
    files = []
    for folder in TERRAFORM_DIRS:
        files += [f for f in (repo / folder).rglob("*.tf") if ".terraform" not in f.parts]
    return sorted(files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "paths",
        nargs="*",
        type=pathlib.Path,
        help=f"files or folders (default: {', '.join(TERRAFORM_DIRS)})",
    )
    args = parser.parse_args(argv)
    files = []
    for path in args.paths:
        files += sorted(path.rglob("*.tf")) if path.is_dir() else [path]
    started = time.perf_counter()
    validator = Validator(load_schema())
    problems = validator.validate_files(files if args.paths else terraform_files())
    seconds = time.perf_counter() - started
    for problem in problems:
        print(problem)
    s = validator.stats
    skipped = ", ".join(f"{t} x{n}" for t, n in sorted(s.skipped.items())) or "none"
    print(
        f"{len(problems)} problem(s); {s.files} files, {s.resources} aws resources/data sources, "
        f"{s.arguments} arguments and blocks, {s.references} references checked in "
        f"{seconds:.2f} s; skipped non-aws types: {skipped}"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
