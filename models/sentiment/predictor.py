"""Serving the sentiment model with ONNX Runtime: texts in, calibrated probabilities out.

Imports numpy and onnxruntime, never torch."""

import pathlib

import numpy as np

from models.runtimes import onnx_session
from models.runtimes.artifacts import version_of
from models.sentiment import tokenizer

MODEL_FILE = "sentiment.onnx"
DEFAULT_THRESHOLD = 0.5
# Sizes of a single message and a full SQS batch, so the first real batch finds warm caches.
WARM_UP_BATCHES = (["warm-up"], ["a warm-up sentence for the model"] * 10)


class Predictor:
    version: str

    def setup(self, artifacts_dir: pathlib.Path) -> None:
        model_file = pathlib.Path(artifacts_dir) / MODEL_FILE
        self.session = onnx_session.open_session(model_file)
        settings = onnx_session.metadata_of(self.session)
        self.num_buckets = int(settings["num_buckets"])
        self.min_n, self.max_n = int(settings["min_n"]), int(settings["max_n"])
        self.version = version_of(model_file)

    def warm_up(self) -> None:
        for texts in WARM_UP_BATCHES:
            self.probabilities(texts)

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """(p_negative, p_positive) rows, one forward pass for the whole batch."""
        ids, offsets = tokenizer.featurize(texts, self.num_buckets, self.min_n, self.max_n)
        (probabilities,) = self.session.run(None, {"ids": ids, "offsets": offsets})
        return probabilities.astype(np.float64)

    def predict(self, inputs: list[dict]) -> list[dict]:
        if not inputs:
            return []
        rows = self.probabilities([item["text"] for item in inputs])
        return [
            self.result(float(row[0]), float(row[1]), item.get("threshold", DEFAULT_THRESHOLD))
            for item, row in zip(inputs, rows, strict=True)
        ]

    @staticmethod
    def result(p_negative: float, p_positive: float, threshold: float) -> dict:
        """Positive when p(positive) > threshold; the confidence is the predicted label's
        probability (the rule the platform has always applied)."""
        label = "positive" if p_positive > threshold else "negative"
        return {
            "prediction": label,
            "confidence": p_positive if label == "positive" else p_negative,
            "probabilities": {"negative": p_negative, "positive": p_positive},
            "threshold": float(threshold),
        }
