"""Planning and data-source reads: values are cty msgpack (unknown = extension type 0)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import pathlib
import zipfile

import msgpack

UNKNOWN = msgpack.ExtType(0, b"\x00")
# Optional arguments the provider computes when unset and that references commonly read.
COMPUTED_WHEN_UNSET = {
    "id",
    "arn",
    "tags_all",
    "name",
    "url",
    "invoke_arn",
    "qualified_arn",
    "version",
}
ACCOUNT_ID = "123456789012"


def is_unknown(value) -> bool:
    return isinstance(value, msgpack.ExtType)


def plan_object(model: dict, proposed: dict, prior) -> dict:
    planned = dict(proposed)
    for name, spec in model["attributes"].items():
        if planned.get(name) is not None:
            continue
        if prior and prior.get(name) is not None:
            planned[name] = prior[name]
        elif spec.get("computed_only") or (
            name in COMPUTED_WHEN_UNSET and not spec.get("required")
        ):
            planned[name] = UNKNOWN
    for name, spec in model["blocks"].items():
        items = planned.get(name)
        if isinstance(items, list):
            planned[name] = [
                plan_object(spec["block"], item, None) if isinstance(item, dict) else item
                for item in items
            ]
    return planned


def null_computed(model: dict, config: dict) -> dict:
    return {**config, **{n: None for n, s in model["attributes"].items() if config.get(n) is None}}


def read_data(provider: str, type_name: str, model: dict, config: dict, region: str):
    state = null_computed(model, config)
    if provider == "archive":
        return archive_file(state)
    region = config.get("region") or region
    if type_name == "aws_caller_identity":
        state.update(
            account_id=ACCOUNT_ID,
            id=ACCOUNT_ID,
            user_id="AIDASTANDIN",
            arn=f"arn:aws:iam::{ACCOUNT_ID}:user/standin",
        )
    elif type_name == "aws_region":
        state.update(
            id=region,
            name=region,
            region=region,
            endpoint=f"ec2.{region}.amazonaws.com",
            description=region,
        )
    elif type_name == "aws_partition":
        state.update(
            id="aws",
            partition="aws",
            dns_suffix="amazonaws.com",
            reverse_dns_prefix="com.amazonaws",
        )
    elif type_name == "aws_iam_policy_document":
        document = policy_document(config)
        text = json.dumps(document, indent=2)
        state.update(
            json=text,
            minified_json=json.dumps(document, separators=(",", ":")),
            id=str(int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)),
        )
    else:
        state.setdefault("id", type_name)
        if state["id"] is None:
            state["id"] = type_name
    return state, []


def _one_or_list(values):
    values = sorted(values)
    return values[0] if len(values) == 1 else values


def policy_document(config: dict) -> dict:
    """The JSON aws_iam_policy_document renders: same keys and order, one value not in a list."""
    document: dict = {"Version": config.get("version") or "2012-10-17"}
    if config.get("policy_id"):
        document["Id"] = config["policy_id"]
    statements = []
    for st in config.get("statement") or []:
        out: dict = {}
        if st.get("sid"):
            out["Sid"] = st["sid"]
        out["Effect"] = st.get("effect") or "Allow"
        for key, name in (
            ("actions", "Action"),
            ("not_actions", "NotAction"),
            ("resources", "Resource"),
            ("not_resources", "NotResource"),
        ):
            if st.get(key):
                out[name] = _one_or_list(st[key])
        for key, name in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
            if st.get(key):
                principals: dict = {}
                for p in st[key]:
                    principals.setdefault(p["type"], []).extend(p["identifiers"])
                if list(principals) == ["*"] and principals["*"] == ["*"]:
                    out[name] = "*"
                else:
                    out[name] = {k: _one_or_list(v) for k, v in principals.items()}
        if st.get("condition"):
            conditions: dict = {}
            for c in st["condition"]:
                conditions.setdefault(c["test"], {})[c["variable"]] = _one_or_list(c["values"])
            out["Condition"] = conditions
        statements.append(out)
    document["Statement"] = _merge(config, statements)
    return document


def _merge(config: dict, statements: list) -> list:
    """The provider's merge: source documents' statements first, then this document's (a sid
    this document repeats replaces the source's); override documents replace by sid or append."""
    merged: list = []
    for source in config.get("source_policy_documents") or []:
        merged.extend(json.loads(source).get("Statement") or [])
    overrides = [json.loads(d) for d in config.get("override_policy_documents") or []]
    for documents in ([{"Statement": statements}], overrides):
        for document in documents:
            for statement in document.get("Statement") or []:
                sid = statement.get("Sid")
                same = [i for i, s in enumerate(merged) if sid and s.get("Sid") == sid]
                if same:
                    merged[same[0]] = statement
                else:
                    merged.append(statement)
    return merged


def archive_file(state: dict):
    """archive_file's zip, for real: the enqueue package must exist before a plan can hash it."""
    if state.get("type") != "zip":
        return state, [
            (
                "Unsupported archive type",
                "The stand-in archive provider writes zip files only.",
                ["type"],
            )
        ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if state.get("source_file"):
            archive.write(state["source_file"], os.path.basename(state["source_file"]))
        elif state.get("source_dir"):
            root = pathlib.Path(state["source_dir"])
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                archive.write(path, path.relative_to(root).as_posix())
        elif state.get("source_content_filename"):
            archive.writestr(state["source_content_filename"], state.get("source_content") or "")
    data = buffer.getvalue()
    out = pathlib.Path(state["output_path"])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    state.update(
        id=hashlib.sha1(data).hexdigest(),  # noqa: S324 - archive_file's own id and output_sha
        output_size=len(data),
        output_sha=hashlib.sha1(data).hexdigest(),  # noqa: S324
        output_md5=hashlib.md5(data).hexdigest(),  # noqa: S324
        output_sha256=hashlib.sha256(data).hexdigest(),
        output_sha512=hashlib.sha512(data).hexdigest(),
        output_base64sha256=base64.b64encode(hashlib.sha256(data).digest()).decode(),
        output_base64sha512=base64.b64encode(hashlib.sha512(data).digest()).decode(),
    )
    return state, []
