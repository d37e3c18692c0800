"""The model card `make model` writes next to the model describes that very file."""

import hashlib
import pathlib
import re

import pytest
from model.sentiment.card import ACCURACY_ROW

ARTIFACTS = pathlib.Path(__file__).resolve().parents[2] / "worker/model/artifacts"
MINIMUM_HELD_OUT_ACCURACY = 0.70


@pytest.fixture(scope="module")
def card() -> str:
    path = ARTIFACTS / "MODEL_CARD.md"
    if not path.exists():
        pytest.fail(f"{path} is missing: run `make model` first")
    return path.read_text()


def test_card_records_a_held_out_accuracy_of_at_least_70_percent(card):
    match = re.search(rf"^\| {ACCURACY_ROW} \| ([0-9.]+) \|$", card, re.MULTILINE)
    assert match, f"no '{ACCURACY_ROW}' row in the card"
    assert float(match.group(1)) >= MINIMUM_HELD_OUT_ACCURACY


def test_card_names_the_sha256_of_the_model_file_beside_it(card):
    sha256 = hashlib.sha256((ARTIFACTS / "sentiment.pt").read_bytes()).hexdigest()
    assert f"`sentiment.pt`: sha256 `{sha256}`" in card
    assert f"model_version: `sentiment-{sha256[:12]}`" in card


def test_card_credits_the_data_source(card):
    assert "Bo Pang and Lillian Lee" in card
    assert "Proceedings of the\nACL, 2004" in card


def test_model_file_holds_no_path_of_this_checkout():
    # model_version is derived from the file's sha256: a checkout path inside the file (as
    # TorchScript's debug records carry) would give the same weights another version per clone.
    checkout = str(ARTIFACTS.parents[2]).encode()
    assert checkout not in (ARTIFACTS / "sentiment.pt").read_bytes()
