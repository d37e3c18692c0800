"""Regenerate the golden probabilities the model tests compare against.

    python worker/model/write_golden.py   # after `make model`, when the model changes on purpose

Writes tests/unit/test_model_golden.json: fixed texts (ordinary reviews, neutral text and the
edge cases the worker can receive) with the probabilities the current model gives them.
"""

import argparse
import hashlib
import json
import pathlib

import torch

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
# Wide enough for float differences of a rebuild on another CPU, narrow enough to catch a
# changed tokenizer, network or calibration.
TOLERANCE = 0.02
GOLDEN_TEXTS = [
    "A wonderful, moving film with brilliant performances and a beautiful script.",
    "Charming, witty and full of warmth.",
    "A dull, tedious mess with a lazy script and wooden acting.",
    "Boring, predictable and far too long.",
    "The film opens in Boston in 1962 and follows three brothers.",
    "Not bad, not great.",
    "",
    "!!!",
    "Great movie 😀🎬",
    "素晴らしい映画です",
    "Ça m'a beaucoup plu, même si c'est un peu long.",
    ("so bad " * 143)[:1000],  # the longest text the API accepts
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--model", type=pathlib.Path, default=REPO_ROOT / "worker/model/artifacts/sentiment.pt"
    )
    parser.add_argument(
        "--out", type=pathlib.Path, default=REPO_ROOT / "tests/unit/test_model_golden.json"
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    torch.set_num_threads(1)
    model = torch.jit.load(str(args.model))
    with torch.inference_mode():
        probabilities = model(GOLDEN_TEXTS).tolist()
    golden = {
        "generated_from_sha256": hashlib.sha256(args.model.read_bytes()).hexdigest(),
        "tolerance": TOLERANCE,
        "cases": [
            {"text": text, "probabilities": [round(p, 6) for p in pair]}
            for text, pair in zip(GOLDEN_TEXTS, probabilities, strict=True)
        ],
    }
    args.out.write_text(json.dumps(golden, ensure_ascii=False, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
