"""Compile our .proto files with grpcio-tools into build/standin/gen once, and import them."""

from __future__ import annotations

import importlib
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
GEN = HERE.parent.parent / "build" / "standin" / "gen"
# go-plugin's handshake cookie for Terraform providers: a plugin serves only when it is set.
MAGIC_COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"


def load():
    protos = ["tfplugin6.proto", "health.proto"]
    stale = any(
        not (GEN / p.replace(".proto", "_pb2.py")).exists()
        or (GEN / p.replace(".proto", "_pb2.py")).stat().st_mtime < (HERE / p).stat().st_mtime
        for p in protos
    )
    if stale:
        from grpc_tools import protoc

        GEN.mkdir(parents=True, exist_ok=True)
        for proto in protos:
            code = protoc.main(["protoc", f"-I{HERE}", f"--python_out={GEN}", str(HERE / proto)])
            if code:
                raise SystemExit(f"protoc failed on {proto}")
    sys.path.insert(0, str(GEN))
    return importlib.import_module("tfplugin6_pb2"), importlib.import_module("health_pb2")
