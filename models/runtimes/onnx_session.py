"""ONNX Runtime sessions configured once for every model. Imports onnxruntime, never torch."""

import pathlib

import onnxruntime

# Lambda bills CPU by memory size and the batches are small: one intra-op thread was faster
# than two on the 2-vCPU machine we measured on, and never oversubscribes what we get.
INTRA_OP_THREADS = 1
INTER_OP_THREADS = 1


def open_session(model_file: pathlib.Path) -> onnxruntime.InferenceSession:
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = INTRA_OP_THREADS
    options.inter_op_num_threads = INTER_OP_THREADS
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    return onnxruntime.InferenceSession(
        str(model_file), sess_options=options, providers=["CPUExecutionProvider"]
    )


def metadata_of(session: onnxruntime.InferenceSession) -> dict[str, str]:
    """The model's metadata_props: where a build stores the settings its pre-processing needs."""
    return dict(session.get_modelmeta().custom_metadata_map)
