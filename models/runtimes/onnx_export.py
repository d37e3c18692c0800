"""Export a torch network to ONNX reproducibly (build time only: imports torch).

The opset is pinned here together with onnxruntime's version in each model's requirements.txt:
onnxruntime 1.32 runs opset 23, and a model exported for a newer opset fails to load.
"""

import pathlib

import onnx
import torch

OPSET = 23
# ONNX Runtime version the opset above was checked against (models/*/requirements.txt pins it).
ONNXRUNTIME_VERSION = "1.32.0"


def export(
    network: torch.nn.Module,
    example_inputs: tuple[torch.Tensor, ...],
    input_names: list[str],
    output_names: list[str],
    dynamic_shapes: tuple,
    path: pathlib.Path,
    metadata: dict[str, str],
    opset: int = OPSET,
) -> None:
    """Write `network` as ONNX with the dynamo exporter, `metadata` as its metadata_props."""
    program = torch.onnx.export(
        network.eval(),
        example_inputs,
        input_names=input_names,
        output_names=output_names,
        dynamic_shapes=dynamic_shapes,
        opset_version=opset,
        dynamo=True,
        optimize=True,
        verbose=False,
    )
    proto = program.model_proto
    proto.producer_version = torch.__version__.split("+")[0]
    del proto.metadata_props[:]
    for key, value in sorted(metadata.items()):
        proto.metadata_props.add(key=key, value=value)
    onnx.checker.check_model(proto)
    path.parent.mkdir(parents=True, exist_ok=True)
    # The proto serialized in one piece (no external data file): one file, one sha256.
    path.write_bytes(proto.SerializeToString(deterministic=True))
