"""The TorchScript model: loaded lazily, once per container, warmed up, then shared.

torch is imported on first load, not at module import, so an invocation that never needs the
model (a batch of poison messages) does not pay for it.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Any

from asyncinfer_worker.model_source import local_model_file, model_version
from asyncinfer_worker.settings import CLIENTS

# Lambda bills CPU by memory size; one intra-op thread avoids oversubscribing the vCPUs we get.
TORCH_THREADS = 1
# TorchScript's profiling executor specializes the graph over the first calls: run them at load
# rather than on the first real batch. Sizes cover a single message and a full SQS batch.
WARM_UP_BATCHES = (
    ["warm-up"],
    ["a warm-up sentence for the model"] * 10,
    ["another warm-up sentence, a little longer than the first one"] * 10,
)


class ModelOutputError(RuntimeError):
    """The model output is not one (negative, positive) probability pair per text."""


@dataclass(frozen=True)
class LoadedModel:
    module: Any  # torch.jit.ScriptModule; typed loosely so this module imports without torch
    version: str
    load_ms: float

    def predict(self, texts: list[str]) -> list[tuple[float, float]]:
        """(p_negative, p_positive) per text, from one forward pass over all of them."""
        import torch

        with torch.inference_mode():
            output = self.module(texts)
        return checked_probabilities(output.tolist(), len(texts))


def checked_probabilities(rows: Any, expected: int) -> list[tuple[float, float]]:
    if not isinstance(rows, list) or len(rows) != expected:
        raise ModelOutputError(f"expected {expected} rows of probabilities, got {rows!r:.200}")
    pairs = []
    for row in rows:
        if not (isinstance(row, list) and len(row) == 2):
            raise ModelOutputError(f"expected a (negative, positive) pair, got {row!r:.200}")
        if not all(math.isfinite(p) and 0.0 <= p <= 1.0 for p in row):
            raise ModelOutputError(f"probabilities out of [0, 1]: {row!r}")
        pairs.append((float(row[0]), float(row[1])))
    return pairs


class ModelHolder:
    """Holds the one model of a container. `get()` loads it on first use; later calls reuse it."""

    def __init__(self, model_path: str):
        self.model_path = model_path
        self._model: LoadedModel | None = None
        self._lock = threading.Lock()

    @property
    def is_loaded(self) -> bool:
        return self._model is not None

    def get(self) -> LoadedModel:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _load(self) -> LoadedModel:
        # Timed from before `import torch`: on a cold start that import is most of the wait.
        started = time.perf_counter()
        import torch

        torch.set_num_threads(TORCH_THREADS)
        path = local_model_file(self.model_path, lambda: CLIENTS.client("s3"))
        module = torch.jit.load(str(path), map_location="cpu")
        module.eval()
        loaded = LoadedModel(module=module, version=model_version(path), load_ms=0.0)
        for texts in WARM_UP_BATCHES:
            loaded.predict(texts)
        load_ms = round((time.perf_counter() - started) * 1000, 1)
        return LoadedModel(module=module, version=loaded.version, load_ms=load_ms)


_holders: dict[str, ModelHolder] = {}
_holders_lock = threading.Lock()


def holder_for(model_path: str) -> ModelHolder:
    """The container's holder for MODEL_PATH (one per path, so a changed path loads afresh)."""
    with _holders_lock:
        if model_path not in _holders:
            _holders[model_path] = ModelHolder(model_path)
        return _holders[model_path]
