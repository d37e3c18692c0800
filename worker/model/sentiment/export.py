"""Saving the scripted model, and measuring the saved file the way the worker uses it."""

import dataclasses
import hashlib
import pathlib
import statistics
import time

import torch

from .network import SentimentClassifier

WARM_UP_FORWARDS = 3


def save_scripted(model: SentimentClassifier, path: pathlib.Path) -> str:
    """Script and save the model; returns the file's sha256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.jit.save(torch.jit.script(model.eval()), str(path))
    return hashlib.sha256(path.read_bytes()).hexdigest()


def predict(model: torch.jit.ScriptModule, texts: list[str], batch_size: int) -> torch.Tensor:
    """Probabilities for any number of texts, batch_size at a time."""
    with torch.inference_mode():
        parts = [model(texts[i : i + batch_size]) for i in range(0, len(texts), batch_size)]
    return torch.cat(parts) if parts else torch.zeros((0, 2))


@dataclasses.dataclass(frozen=True)
class Timings:
    load_and_warm_up_ms: float
    batch_of_10_median_ms: float
    batch_of_10_p90_ms: float
    batch_of_10_long_texts_median_ms: float


def milliseconds_since(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def time_batches(model: torch.jit.ScriptModule, batches: list[list[str]]) -> list[float]:
    durations = []
    with torch.inference_mode():
        for batch in batches:
            start = time.perf_counter()
            model(batch)
            durations.append(milliseconds_since(start))
    return sorted(durations)


def measure(path: pathlib.Path, texts: list[str], repeats: int = 50) -> Timings:
    """Load + 3 warm-up forwards (what a cold worker pays), then batches of 10 held-out texts
    and batches of 10 texts at the 1000-character input limit."""
    start = time.perf_counter()
    model = torch.jit.load(str(path))
    with torch.inference_mode():
        for _ in range(WARM_UP_FORWARDS):
            model(texts[:10])
    load_ms = milliseconds_since(start)
    batches = [texts[(i * 10) % (len(texts) - 10) :][:10] for i in range(repeats)]
    typical = time_batches(model, batches)
    long_batch = [(text * (1000 // max(len(text), 1) + 1))[:1000] for text in texts[:10]]
    long = time_batches(model, [long_batch] * (repeats // 5))
    return Timings(
        load_and_warm_up_ms=load_ms,
        batch_of_10_median_ms=statistics.median(typical),
        batch_of_10_p90_ms=typical[int(0.9 * len(typical))],
        batch_of_10_long_texts_median_ms=statistics.median(long),
    )
