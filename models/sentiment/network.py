"""The classifier: bucket ids in, calibrated (negative, positive) probabilities out.

Tokenization stays outside the network (models/sentiment/tokenizer.py), so the graph exported
to ONNX holds only tensors: exporting string handling would bake sample texts in as constants.
"""

import torch
from torch import nn


class SentimentClassifier(nn.Module):
    """Mean of hashed feature embeddings, a linear layer, and a softmax with a temperature.
    A text without any feature (the empty string, punctuation only) gets a zero embedding,
    hence the learned prior."""

    def __init__(self, num_buckets: int, embedding_dim: int, min_n: int, max_n: int) -> None:
        super().__init__()
        self.num_buckets = num_buckets
        self.embedding_dim = embedding_dim
        self.min_n = min_n
        self.max_n = max_n
        # mean mode (not quantized: quantize_dynamic would silently turn the mean into a sum)
        self.embedding = nn.EmbeddingBag(num_buckets, embedding_dim, mode="mean")
        self.classifier = nn.Linear(embedding_dim, 2)
        # set by calibration; a buffer so it travels in the state dict and the exported graph
        self.register_buffer("temperature", torch.ones(()))

    def logits(self, ids: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
        """Uncalibrated scores (temperature 1), the quantity training optimizes."""
        return self.classifier(self.embedding(ids, offsets))

    def forward(self, ids: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.logits(ids, offsets) / self.temperature, dim=1)
