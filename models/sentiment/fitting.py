"""Training, evaluation and temperature calibration of the classifier on encoded reviews."""

import copy
import dataclasses
import math
from collections.abc import Callable

import torch
from torch.nn import functional

from . import tokenizer
from .corpus import Review
from .network import SentimentClassifier


@dataclasses.dataclass(frozen=True)
class Hyperparameters:
    num_buckets: int = 2**16
    embedding_dim: int = 8
    min_n: int = 3
    max_n: int = 5
    learning_rate: float = 0.003
    epochs: int = 6
    batch_size: int = 32


@dataclasses.dataclass(frozen=True)
class Encoded:
    """Reviews as EmbeddingBag inputs: one tensor of bucket ids per text, and the labels."""

    bags: list[torch.Tensor]
    labels: torch.Tensor

    def batch(self, indices: list[int]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(ids, offsets, labels) of the given texts, in the given order."""
        bags = [self.bags[index] for index in indices]
        lengths = torch.tensor([0] + [len(bag) for bag in bags[:-1]], dtype=torch.long)
        return torch.cat(bags), lengths.cumsum(0), self.labels[indices]

    def everything(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        return self.batch(list(range(len(self.bags))))


def encode(reviews: list[Review], hyper: Hyperparameters) -> Encoded:
    """Featurize with the shared tokenizer: the very code the predictor runs."""
    ids_array, offsets_array = tokenizer.featurize(
        [review.text for review in reviews], hyper.num_buckets, hyper.min_n, hyper.max_n
    )
    ids, offsets = torch.from_numpy(ids_array), torch.from_numpy(offsets_array)
    ends = torch.cat([offsets[1:], torch.tensor([len(ids)])])
    bags = [ids[start:end] for start, end in zip(offsets.tolist(), ends.tolist(), strict=True)]
    labels = torch.tensor([review.label for review in reviews], dtype=torch.long)
    return Encoded(bags, labels)


@dataclasses.dataclass(frozen=True)
class Evaluation:
    accuracy: float
    log_loss: float


def evaluate_logits(logits: torch.Tensor, labels: torch.Tensor) -> Evaluation:
    accuracy = (logits.argmax(dim=1) == labels).double().mean().item()
    return Evaluation(accuracy, functional.cross_entropy(logits, labels).item())


def logits_of(model: SentimentClassifier, data: Encoded) -> tuple[torch.Tensor, torch.Tensor]:
    ids, offsets, labels = data.everything()
    with torch.no_grad():
        return model.logits(ids, offsets), labels


def train_one_epoch(
    model: SentimentClassifier,
    data: Encoded,
    optimizer: torch.optim.Optimizer,
    batch_size: int,
    generator: torch.Generator,
) -> None:
    order = torch.randperm(len(data.bags), generator=generator).tolist()
    for start in range(0, len(order), batch_size):
        ids, offsets, labels = data.batch(order[start : start + batch_size])
        loss = functional.cross_entropy(model.logits(ids, offsets), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def train(
    model: SentimentClassifier,
    train_data: Encoded,
    validation_data: Encoded,
    hyper: Hyperparameters,
    generator: torch.Generator,
    report: Callable[[str], None],
) -> int:
    """Adam for a fixed number of epochs; keeps the weights of the epoch with the lowest
    validation log loss (the model overfits this small corpus within a few epochs).
    Returns that epoch (1-based)."""
    optimizer = torch.optim.Adam(model.parameters(), lr=hyper.learning_rate)
    best_loss, best_epoch, best_state = math.inf, 0, copy.deepcopy(model.state_dict())
    for epoch in range(1, hyper.epochs + 1):
        train_one_epoch(model, train_data, optimizer, hyper.batch_size, generator)
        result = evaluate_logits(*logits_of(model, validation_data))
        report(
            f"epoch {epoch}/{hyper.epochs}: validation accuracy {result.accuracy:.4f},"
            f" log loss {result.log_loss:.4f}"
        )
        if result.log_loss < best_loss:
            best_loss, best_epoch, best_state = (
                result.log_loss,
                epoch,
                copy.deepcopy(model.state_dict()),
            )
    model.load_state_dict(best_state)
    return best_epoch


def fit_temperature(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """The temperature minimising log loss of softmax(logits / T): golden-section search on
    log T in [-3, 3] (the loss is unimodal there). Deterministic, no optimizer state."""

    def loss(log_t: float) -> float:
        return functional.cross_entropy(logits / math.exp(log_t), labels).item()

    ratio = (math.sqrt(5) - 1) / 2
    low, high = -3.0, 3.0
    for _ in range(60):
        left, right = high - ratio * (high - low), low + ratio * (high - low)
        if loss(left) < loss(right):
            high = right
        else:
            low = left
    return math.exp((low + high) / 2)


def calibration_error(probabilities: torch.Tensor, labels: torch.Tensor, bins: int = 10) -> float:
    """Expected calibration error: mean |confidence - accuracy| over equal-width confidence
    bins of the predicted label, weighted by bin size."""
    confidence, predicted = probabilities.max(dim=1)
    correct = (predicted == labels).double()
    bin_of = torch.clamp((confidence * bins).long(), max=bins - 1)
    error = 0.0
    for index in range(bins):
        members = bin_of == index
        if members.any():
            gap = confidence[members].double().mean() - correct[members].mean()
            error += members.double().mean().item() * abs(gap.item())
    return error
