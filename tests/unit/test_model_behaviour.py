"""The shipped TorchScript model (built by `make model`): interface, edge cases, parity with
the Python definition it was scripted from, and golden outputs."""

import json
import pathlib
import subprocess
import sys

import pytest
import torch
from model.sentiment import tokenizer
from model.sentiment.network import SentimentClassifier

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
MODEL_PATH = REPO_ROOT / "worker/model/artifacts/sentiment.pt"
GOLDEN_PATH = pathlib.Path(__file__).with_name("test_model_golden.json")
# Texts whose meaning is not in doubt: a sentiment model that gets one wrong is broken.
CLEARLY_POSITIVE = [
    "A wonderful, moving film with brilliant performances and a beautiful script.",
    "One of the best movies of the year: funny, smart and heartfelt.",
    "A masterpiece. Gorgeous, powerful and unforgettable.",
]
CLEARLY_NEGATIVE = [
    "A dull, tedious mess with a lazy script and wooden acting.",
    "The worst film of the year: stupid, ugly and pointless.",
    "Boring, predictable and far too long.",
]
# Multi-byte characters are where TorchScript (bytes) and Python (code points) part ways.
MIXED_TEXTS = [
    "",
    "   ",
    "Great movie!",
    "NOT GOOD AT ALL.",
    "Ça m'a beaucoup plu: très réussi.",
    "Great movie 😀🎬👍🏽",
    "素晴らしい映画です。最高\uff01",  # fullwidth exclamation mark
    "영화가 정말 재미있었어요",
    "Zalgo t̷̛e̶x̴t and a zero\u200bwidth space",
    "x" * 1000,
    "é" * 1000,
    *CLEARLY_POSITIVE,
    *CLEARLY_NEGATIVE,
]


@pytest.fixture(scope="module")
def scripted() -> torch.jit.ScriptModule:
    if not MODEL_PATH.exists():
        pytest.fail(f"{MODEL_PATH} is missing: run `make model` first")
    torch.set_num_threads(1)
    return torch.jit.load(str(MODEL_PATH))


@pytest.fixture(scope="module")
def eager(scripted) -> SentimentClassifier:
    return SentimentClassifier.like(scripted).eval()


def predict(model, texts: list[str]) -> torch.Tensor:
    with torch.inference_mode():
        return model(texts)


def test_output_is_one_probability_pair_per_text(scripted):
    probabilities = predict(scripted, MIXED_TEXTS)
    assert probabilities.shape == (len(MIXED_TEXTS), 2)
    assert probabilities.dtype == torch.float32
    assert bool(((probabilities >= 0) & (probabilities <= 1)).all())
    torch.testing.assert_close(probabilities.sum(dim=1), torch.ones(len(MIXED_TEXTS)))


def test_empty_batch_gives_zero_rows(scripted):
    assert predict(scripted, []).shape == (0, 2)


@pytest.mark.parametrize(
    "text",
    ["", "x" * 1000, "Great movie 😀🎬👍🏽", "素晴らしい映画です", "🙂" * 250],
    ids=["empty", "1000-characters", "emoji", "cjk", "1000-bytes-of-emoji"],
)
def test_edge_case_text_gets_a_finite_probability_pair(scripted, text):
    pair = predict(scripted, [text])[0]
    assert bool(torch.isfinite(pair).all())
    assert abs(pair.sum().item() - 1) < 1e-6


def test_clearly_positive_reviews_are_positive(scripted):
    probabilities = predict(scripted, CLEARLY_POSITIVE)
    assert (probabilities[:, 1] > 0.5).tolist() == [True] * len(CLEARLY_POSITIVE)


def test_clearly_negative_reviews_are_negative(scripted):
    probabilities = predict(scripted, CLEARLY_NEGATIVE)
    assert (probabilities[:, 0] > 0.5).tolist() == [True] * len(CLEARLY_NEGATIVE)


def test_probabilities_of_a_text_do_not_depend_on_its_batch_neighbours(scripted):
    alone = torch.cat([predict(scripted, [text]) for text in MIXED_TEXTS])
    together = predict(scripted, MIXED_TEXTS)
    reversed_order = predict(scripted, MIXED_TEXTS[::-1]).flip(0)
    torch.testing.assert_close(together, alone, rtol=0, atol=1e-6)
    torch.testing.assert_close(reversed_order, alone, rtol=0, atol=1e-6)


def test_golden_texts_keep_their_recorded_probabilities(scripted):
    golden = json.loads(GOLDEN_PATH.read_text())
    texts = [case["text"] for case in golden["cases"]]
    expected = torch.tensor([case["probabilities"] for case in golden["cases"]])
    torch.testing.assert_close(predict(scripted, texts), expected, rtol=0, atol=golden["tolerance"])


def test_scripted_and_python_tokenizers_give_the_same_features(scripted, eager):
    for scripted_part, eager_part in zip(
        scripted.featurize(MIXED_TEXTS), eager.featurize(MIXED_TEXTS), strict=True
    ):
        assert torch.equal(scripted_part, eager_part)


def test_scripted_and_python_models_give_the_same_probabilities(scripted, eager):
    torch.testing.assert_close(
        predict(scripted, MIXED_TEXTS), predict(eager, MIXED_TEXTS), rtol=0, atol=1e-6
    )


def test_parity_texts_catch_a_tokenizer_that_reads_code_points(scripted, eager, monkeypatch):
    """Plants the classic bug (hashing Python code points, not UTF-8 bytes) in the eager copy
    and checks the parity texts expose it, so the parity tests above can fail."""
    monkeypatch.setattr(tokenizer, "utf8_bytes", lambda text: [ord(char) for char in text])
    scripted_ids, _ = scripted.featurize(MIXED_TEXTS)
    eager_ids, _ = eager.featurize(MIXED_TEXTS)
    assert not torch.equal(scripted_ids, eager_ids)


def test_model_runs_with_torch_alone():
    """The worker image has torch and no training code: the file must not need any."""
    repo_paths = [str(REPO_ROOT), str(REPO_ROOT / "worker"), str(REPO_ROOT / "lambda")]
    program = (
        "import sys\n"
        f"sys.path = [p for p in sys.path if p not in {repo_paths!r}]\n"
        "import torch\n"
        f"model = torch.jit.load({str(MODEL_PATH)!r})\n"
        "print(model(['A wonderful film', '']).shape)\n"
        "assert 'model' not in sys.modules and 'sentiment' not in sys.modules\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "torch.Size([2, 2])"
