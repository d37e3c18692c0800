"""The shipped module: texts in, calibrated (negative, positive) probabilities out."""

import torch
from torch import nn

from . import tokenizer


class SentimentClassifier(nn.Module):
    """Mean of hashed feature embeddings, a linear layer, and a softmax with a temperature.

    Everything from raw strings to probabilities runs inside TorchScript, so whoever loads the
    scripted file needs torch and nothing else. A text without any feature (the empty string,
    punctuation only) gets a zero embedding, hence the learned prior.
    """

    def __init__(self, num_buckets: int, embedding_dim: int, min_n: int, max_n: int) -> None:
        super().__init__()
        self.num_buckets = num_buckets
        self.embedding_dim = embedding_dim
        self.min_n = min_n
        self.max_n = max_n
        # mean mode (not quantized: quantize_dynamic would silently turn the mean into a sum)
        self.embedding = nn.EmbeddingBag(num_buckets, embedding_dim, mode="mean")
        self.classifier = nn.Linear(embedding_dim, 2)
        # set by calibration; a buffer so it travels in the state dict and the scripted file
        self.register_buffer("temperature", torch.ones(()))

    @classmethod
    def like(cls, other: nn.Module) -> "SentimentClassifier":
        """An eager copy (same sizes and weights) of a classifier, scripted or not."""
        copy = cls(other.num_buckets, other.embedding_dim, other.min_n, other.max_n)
        copy.load_state_dict(other.state_dict())
        return copy

    @torch.jit.export
    def featurize(self, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        return tokenizer.featurize(texts, self.num_buckets, self.min_n, self.max_n)

    @torch.jit.export
    def logits(self, ids: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
        """Uncalibrated scores (temperature 1), the quantity training optimizes."""
        return self.classifier(self.embedding(ids, offsets))

    def forward(self, texts: list[str]) -> torch.Tensor:
        # inference only (training goes through `logits`): no autograd graph for callers
        # that forget inference_mode
        with torch.no_grad():
            probabilities = torch.zeros((0, 2))
            if len(texts) > 0:
                ids, offsets = self.featurize(texts)
                logits = self.logits(ids, offsets)
                probabilities = torch.softmax(logits / self.temperature, dim=1)
        return probabilities
