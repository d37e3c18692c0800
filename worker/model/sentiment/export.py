"""Saving the scripted model, and measuring the saved file the way the worker uses it."""

import dataclasses
import hashlib
import io
import pathlib
import statistics
import time
import zipfile

import torch

from .network import SentimentClassifier

WARM_UP_FORWARDS = 3


DEBUG_RECORD_SUFFIX = ".debug_pkl"
SERIALIZATION_ID_SUFFIX = ".data/serialization_id"


def save_scripted(model: SentimentClassifier, path: pathlib.Path) -> str:
    """Script and save the model; returns the file's sha256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    torch.jit.save(torch.jit.script(model.eval()), buffer)
    path.write_bytes(without_debug_records(buffer.getvalue()))
    return hashlib.sha256(path.read_bytes()).hexdigest()


def without_debug_records(archive: bytes) -> bytes:
    """The TorchScript archive minus its `*.debug_pkl` source-range records.

    Those records hold the absolute paths of our Python sources, so the same weights saved from
    two checkouts would get two sha256s, and model_version is derived from the sha256. torch.jit
    loads and runs the archive the same without them; only its error messages lose source lines.
    The archive's serialization id is a checksum that covered the dropped records, so it is
    recomputed from what is kept. Entries keep their names, order and timestamps.
    """
    source = zipfile.ZipFile(io.BytesIO(archive))
    kept = [e for e in source.infolist() if not e.filename.endswith(DEBUG_RECORD_SUFFIX)]
    contents = {entry.filename: source.read(entry) for entry in kept}
    for name in contents:
        if name.endswith(SERIALIZATION_ID_SUFFIX):
            contents[name] = serialization_id(contents, exclude=name)
    stripped = io.BytesIO()
    with zipfile.ZipFile(stripped, "w", zipfile.ZIP_STORED) as target:
        for entry in kept:
            target.writestr(entry, contents[entry.filename])
    return stripped.getvalue()


def serialization_id(contents: dict[str, bytes], exclude: str) -> bytes:
    """A 40-digit id, like torch's own, derived from every other record's name and bytes."""
    digest = hashlib.sha256()
    for name, data in contents.items():
        if name != exclude:
            digest.update(name.encode() + b"\0" + data)
    return str(int(digest.hexdigest(), 16))[:40].encode()


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
