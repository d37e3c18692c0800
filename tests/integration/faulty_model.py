"""A TorchScript model with a planted fault: it raises for any text carrying MODEL_ERROR and
otherwise defers to the real model, so the worker's retry-until-exhausted path runs for real."""

# No `from __future__ import annotations`: TorchScript reads the annotations as types.
import pathlib
import warnings

import torch

MODEL_ERROR = "[planted:model-error]"


class FaultyModel(torch.nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner = inner
        self.marker = MODEL_ERROR  # TorchScript reads module attributes, not Python globals

    def forward(self, texts: list[str]) -> torch.Tensor:
        for text in texts:
            if self.marker in text:
                raise RuntimeError("planted model error")
        return self.inner(texts)


def write_faulty_model(real_model: pathlib.Path, out: pathlib.Path) -> pathlib.Path:
    with warnings.catch_warnings():
        # torch 2.13 deprecates TorchScript in favour of torch.export; the worker loads TorchScript.
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.jit.script(FaultyModel(torch.jit.load(str(real_model)))).save(str(out))
    return out
