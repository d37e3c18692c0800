"""The extractor reads the provider schema out of a wheel shaped like cdktn-provider-aws's
(a tiny synthetic one here, so the test needs no 70 MB download)."""

from __future__ import annotations

import io
import json
import pathlib
import sys
import tarfile
import zipfile

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / ".ci"))

from tfschema import extract  # noqa: E402
from tfschema.schema import extractor_source_sha256  # noqa: E402

NS = "@cdktn/provider-aws"
REGISTRY = "https://registry.terraform.io/providers/hashicorp/aws/6.69.1/docs"


def link(kind: str, type_name: str, argument: str) -> dict:
    text = f"{{@link {REGISTRY}/{kind}/{type_name}#{argument} X#{argument}}}"
    return {"summary": f"Docs at Terraform Registry: {text}."}


def prop(name, docs, jsii_type=None, optional=True):
    entry = {"name": name, "docs": docs, "type": jsii_type or {"primitive": "string"}}
    return {**entry, "optional": True} if optional else entry


def block_docs(argument: str, type_name: str) -> dict:
    return {
        "summary": f"{argument} block.",
        "remarks": link("resources", type_name, argument)["summary"],
    }


def struct(fqn, properties):
    return {"fqn": fqn, "kind": "interface", "datatype": True, "properties": properties}


def resource_class(fqn, base, kind, type_name, getters):
    return {
        "fqn": fqn,
        "kind": "class",
        "base": base,
        "docs": {
            "summary": f"Represents a {{@link {REGISTRY}/{kind}/{type_name[4:]} {type_name}}}."
        },
        "initializer": {
            "parameters": [
                {"name": "scope"},
                {"name": "id"},
                {"name": "config", "type": {"fqn": f"{fqn}Config"}},
            ]
        },
        "properties": [{"name": "tfResourceType", "static": True}] + [{"name": g} for g in getters],
    }


def list_of(fqn):
    return {
        "union": {
            "types": [
                {"fqn": "cdktn.IResolvable"},
                {"collection": {"kind": "array", "elementtype": {"fqn": fqn}}},
            ]
        }
    }


W = f"{NS}.widget.Widget"
TYPES = {
    W: resource_class(
        W,
        "cdktn.TerraformResource",
        "resources",
        "aws_widget",
        [
            "arn",
            "name",
            "nameInput",
            "sizeGb",
            "sizeGbInput",
            "ttl",
            "selfAttribute",
            "fetchToken",
            "checksumCrc32C",
        ],
    ),
    f"{W}Config": struct(
        f"{W}Config",
        [
            prop("name", link("resources", "widget", "name"), optional=False),
            prop("sizeGb", link("resources", "widget", "size_gb"), {"primitive": "number"}),
            prop("ttl", block_docs("ttl", "widget"), {"fqn": f"{W}Ttl"}),
            prop("rule", block_docs("rule", "widget"), list_of(f"{W}Rule"), optional=False),
            prop(
                "encryption", link("resources", "widget", "encryption"), {"fqn": f"{W}Encryption"}
            ),
        ],
    ),
    f"{W}Ttl": struct(
        f"{W}Ttl",
        [
            prop(
                "enabled",
                link("resources", "widget", "enabled"),
                {"primitive": "boolean"},
                optional=False,
            )
        ],
    ),
    f"{W}Rule": struct(
        f"{W}Rule",
        [prop("statement", block_docs("statement", "widget"), list_of(f"{W}RuleStatement"))],
    ),
    f"{W}RuleStatement": struct(
        f"{W}RuleStatement",
        [prop("andStatement", block_docs("and_statement", "widget"), list_of(f"{W}RuleStatement"))],
    ),
    f"{W}Encryption": struct(
        f"{W}Encryption", [prop("kmsKeyArn", link("resources", "widget", "kms_key_arn"))]
    ),
    f"{NS}.dataAwsWidget.DataAwsWidget": resource_class(
        f"{NS}.dataAwsWidget.DataAwsWidget",
        "cdktn.TerraformDataSource",
        "data-sources",
        "aws_widget",
        ["arn", "name", "nameInput"],
    ),
    f"{NS}.dataAwsWidget.DataAwsWidgetConfig": struct(
        f"{NS}.dataAwsWidget.DataAwsWidgetConfig",
        [prop("name", link("data-sources", "widget", "name"), optional=False)],
    ),
    f"{NS}.provider.AwsProviderConfig": struct(
        f"{NS}.provider.AwsProviderConfig",
        [
            prop(
                "region",
                {
                    "summary": "AWS region.",
                    "remarks": f"{{@link {REGISTRY}#region AwsProvider#region}}",
                },
            )
        ],
    ),
    "cdktn.IResolvable": {"fqn": "cdktn.IResolvable", "kind": "interface"},
}


@pytest.fixture
def wheel(tmp_path) -> pathlib.Path:
    jsii = json.dumps({"name": NS, "types": TYPES}).encode()
    tgz = io.BytesIO()
    with tarfile.open(fileobj=tgz, mode="w:gz") as tar:
        member = tarfile.TarInfo(extract.JSII_MEMBER)
        member.size = len(jsii)
        tar.addfile(member, io.BytesIO(jsii))
    path = tmp_path / extract.WHEEL_NAME
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(extract.JSII_TARBALL, tgz.getvalue())
    return path


def test_resource_arguments_blocks_and_attributes_are_extracted(wheel):
    schema = extract.build_schema(extract.read_jsii_types(wheel))
    assert schema["provider_version"] == "6.69.1"
    assert schema["resource"]["aws_widget"] == {
        "a": {"name": 1, "size_gb": 0},
        "b": {
            "ttl": [0, {"a": {"enabled": 1}}],
            "rule": [1, {"b": {"statement": [0, {"b": {"and_statement": [0, {"*": 1}]}}]}}],
        },
        "o": {"encryption": [0, {"a": {"kms_key_arn": 0}}]},
        "c": ["arn", "checksum_crc32_c", "fetch_token", "get_token", "self", "self_attribute"],
    }


def test_data_source_and_provider_config_are_extracted(wheel):
    schema = extract.build_schema(extract.read_jsii_types(wheel))
    assert schema["data"]["aws_widget"] == {"a": {"name": 1}, "c": ["arn"]}
    assert schema["provider_config"] == {"a": {"region": 0}}


def test_written_schema_has_one_type_per_line_and_the_extractor_hash(wheel, tmp_path):
    out = tmp_path / "schema.json"
    extract.write_schema(extract.build_schema(extract.read_jsii_types(wheel)), out)
    written = json.loads(out.read_text())
    assert written["extractor_sha256"] == extractor_source_sha256()
    assert written["source"]["sha256"] == extract.WHEEL_SHA256
    type_lines = [
        line.rstrip(",")
        for line in out.read_text().splitlines()
        if line.startswith('"aws_widget":')
    ]
    assert [json.loads("{" + line + "}")["aws_widget"] for line in type_lines] == [
        written["resource"]["aws_widget"],
        written["data"]["aws_widget"],
    ]


def test_wheel_with_another_sha256_is_refused(wheel):
    with pytest.raises(SystemExit, match="is not the pinned"):
        extract.ensure_wheel(wheel.parent)
