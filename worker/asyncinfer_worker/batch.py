"""One SQS batch, start to finish: admit each message, one batched forward, store each outcome.

Every message ends in exactly one disposition. Only the ones that should be delivered again are
reported back to SQS (`retry`); everything else is acknowledged. A message never fails or retries
because of another message in its batch.

    admit (concurrent)    poison -> failed + DLQ | redelivery -> ack | live -> processing
                          | held by another delivery's lease -> retry, never failed here
    infer (one call)      all admitted texts in one forward; on error, one forward per text
    finish (concurrent)   succeeded (conditional) | transient -> release lease, retry;
                          failed on last receive
    suspects (one by one) marked, inferred alone, finished, then the next

Suspects (requests an earlier delivery admitted and never finished: it may have died with the
worker, and this message may be why) stay out of the batched forward and run one by one after
the others are stored: docs/worker.md, "Crash isolation". Copies of one request in one batch
race in DynamoDB like copies in two invocations; the losers are BUSY and retried after the
visibility timeout: docs/worker.md, "The processing lease". Nothing here is keyed by request id,
nor by message id (a batch can even hold one message twice): outcomes follow the records'
positions.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from botocore.exceptions import BotoCoreError, ClientError

from asyncinfer_shared.contract import (
    ContractError,
    ErrorCode,
    InferenceMessage,
    parse_iso,
    parse_message,
    prediction_result,
    request_id_of,
    utc_now_iso,
)
from asyncinfer_shared.jsonlog import get_logger, log
from asyncinfer_shared.results_table import ResultsTable, StartOutcome, StartResult
from asyncinfer_worker.io_pool import IoPool
from asyncinfer_worker.model_holder import LoadedModel
from asyncinfer_worker.records import PoisonForwarder, SqsRecord

logger = get_logger("asyncinfer_worker")

# What a DynamoDB or SQS call raises when the service, the network or a throttle says no.
AWS_ERRORS = (ClientError, BotoCoreError)


class Disposition(StrEnum):
    SUCCEEDED = "succeeded"
    POISONED = "poisoned"  # failed for good and forwarded to the DLQ
    ALREADY_DONE = "already_done"  # redelivery of a finished request, or another delivery won
    GONE = "gone"  # no live item for the request: expired, or never stored
    BUSY = "busy"  # another delivery holds the request: retried after the visibility timeout
    RETRY = "retry"  # transient failure, SQS delivers it again
    EXHAUSTED = "exhausted"  # transient failure on the last receive: failed, SQS moves it to DLQ

    @property
    def retry(self) -> bool:
        return self in (Disposition.RETRY, Disposition.EXHAUSTED, Disposition.BUSY)


@dataclass(frozen=True)
class BatchDeps:
    store: ResultsTable
    poison_forwarder: PoisonForwarder | None
    model: Callable[[], LoadedModel]  # loads on first call
    pool: IoPool
    max_receive_count: int
    lease_expires_at: int  # epoch ms: this invocation's deadline, the lease of what it starts


@dataclass(frozen=True)
class Admitted:
    record: SqsRecord
    message: InferenceMessage
    start: StartResult

    @property
    def suspect(self) -> bool:
        """An earlier delivery was admitted and never finished the request."""
        return (self.start.attempts or 0) > 1


@dataclass(frozen=True)
class Prediction:
    probabilities: tuple[float, float] | None
    inference_ms: float
    model_version: str | None = None
    error: Exception | None = None


@dataclass
class BatchReport:
    # (message id, disposition) per record, in the batch's order, as SQS sent it.
    dispositions: list[tuple[str, Disposition]] = field(default_factory=list)
    model_version: str | None = None
    inference_ms: float | None = None

    @property
    def retry_message_ids(self) -> list[str]:
        """Each message id once: Lambda retries by message id, whichever record named it."""
        return list(dict.fromkeys(message_id for message_id, d in self.dispositions if d.retry))

    @property
    def counts(self) -> dict[str, int]:
        return dict(Counter(d.value for _, d in self.dispositions))


def process_batch(records: list[SqsRecord], deps: BatchDeps) -> BatchReport:
    processor = _BatchProcessor(deps)
    report = BatchReport()
    outcomes: list[Admitted | Disposition] = deps.pool.map(processor.admit, records)
    positions = [index for index, outcome in enumerate(outcomes) if isinstance(outcome, Admitted)]
    batched = [index for index in positions if not outcomes[index].suspect]
    # Stable: in the batch's order, those that ran alone before (maybe the killer) last.
    alone = sorted(
        (index for index in positions if outcomes[index].suspect),
        key=lambda index: outcomes[index].start.ran_alone_before,
    )
    if batched:
        admitted = [outcomes[index] for index in batched]
        predictions, report.model_version, report.inference_ms = processor.infer(admitted)
        finished = deps.pool.map(processor.finish, zip(admitted, predictions, strict=True))
        for index, disposition in zip(batched, finished, strict=True):
            outcomes[index] = disposition
    if alone:
        _log_suspects([outcomes[index] for index in alone])
    for index in alone:
        outcomes[index], version = processor.run_alone(outcomes[index])
        report.model_version = report.model_version or version
    report.dispositions = [
        (record.message_id, outcome) for record, outcome in zip(records, outcomes, strict=True)
    ]
    return report


class _BatchProcessor:
    def __init__(self, deps: BatchDeps):
        self.deps = deps

    # -- admit -------------------------------------------------------------------------------

    def admit(self, record: SqsRecord) -> Admitted | Disposition:
        try:
            message = parse_message(record.body)
        except ContractError as error:
            return self._poison(record, error)
        request_id = message.request_id
        try:
            start = self.deps.store.start_processing(
                request_id, utc_now_iso(), self.deps.lease_expires_at
            )
        except AWS_ERRORS as error:
            return self._transient(
                record, request_id, ErrorCode.RETRIES_EXHAUSTED, f"could not start: {error}"
            )
        if start.outcome is StartOutcome.ALREADY_TERMINAL:
            _log(
                logging.INFO,
                "redelivery of a finished request: acknowledged without inference",
                record,
                request_id,
                stored_status=start.status,
            )
            return Disposition.ALREADY_DONE
        if start.outcome is StartOutcome.GONE:
            _log(
                logging.WARNING,
                "no live item for this request (expired or never stored): acknowledged",
                record,
                request_id,
                stored_status=start.status,
            )
            return Disposition.GONE
        if start.outcome is StartOutcome.BUSY:
            return self._busy(record, request_id, start)
        return Admitted(record=record, message=message, start=start)

    def _busy(self, record: SqsRecord, request_id: str, start: StartResult) -> Disposition:
        """Another delivery holds the request: no inference, and no failure even on the last
        receive (the holder finishes the request, or its lease runs out and the drain or a
        later copy takes over)."""
        _log(
            logging.INFO,
            "another delivery holds this request: retried later, without inference",
            record,
            request_id,
            lease_expires_at=start.lease_expires_at,
        )
        return Disposition.BUSY

    def _poison(self, record: SqsRecord, error: ContractError) -> Disposition:
        """A message that can never succeed: fail its request, move it to the DLQ, ack it."""
        request_id = request_id_of(record.body)
        if request_id is not None:
            try:
                self.deps.store.mark_failed(request_id, error.code, error.message, utc_now_iso())
            except AWS_ERRORS as store_error:
                _log(
                    logging.WARNING,
                    f"poison message: could not mark the request failed, retrying: {store_error}",
                    record,
                    request_id,
                    error_code=error.code.value,
                )
                return Disposition.RETRY
        if self.deps.poison_forwarder is None:
            _log(
                logging.ERROR,
                "poison message and no DLQ_URL: left to the queue's redrive policy",
                record,
                request_id,
                error_code=error.code.value,
            )
            return Disposition.RETRY
        try:
            self.deps.poison_forwarder.forward(record.body, error.code, record.message_id)
        except AWS_ERRORS as send_error:
            _log(
                logging.WARNING,
                f"poison message: DLQ forward failed, left to SQS redrive: {send_error}",
                record,
                request_id,
                error_code=error.code.value,
            )
            return Disposition.RETRY
        _log(
            logging.WARNING,
            f"poison message failed and forwarded to the DLQ: {error.message}",
            record,
            request_id,
            error_code=error.code.value,
        )
        return Disposition.POISONED

    # -- infer -------------------------------------------------------------------------------

    def infer(self, admitted: list[Admitted]) -> tuple[list[Prediction], str | None, float | None]:
        """One forward pass for every admitted text; per-text passes only if that one fails."""
        try:
            model = self.deps.model()
        # Whatever stops the model from loading is transient for every message in the batch.
        except Exception as error:  # noqa: BLE001
            log(logger, logging.ERROR, f"model could not be loaded: {_brief(error)}")
            failed = Prediction(None, 0.0, error=RuntimeError(f"model not loaded: {_brief(error)}"))
            return [failed] * len(admitted), None, None
        texts = [item.message.text for item in admitted]
        started = time.perf_counter()
        try:
            pairs = model.predict(texts)
        # A model error must not fail the batch: isolate the text that causes it below.
        except Exception as error:  # noqa: BLE001
            log(
                logger,
                logging.WARNING,
                f"batched forward failed, retrying text by text to isolate it: {_brief(error)}",
                batch_size=len(texts),
            )
            return [self._predict_one(model, text) for text in texts], model.version, None
        inference_ms = _elapsed_ms(started)
        predictions = [Prediction(pair, inference_ms, model.version) for pair in pairs]
        return predictions, model.version, inference_ms

    def run_alone(self, item: Admitted) -> tuple[Disposition, str | None]:
        """Mark a suspect, infer it on its own and store its outcome."""
        request_id = item.message.request_id
        try:
            self.deps.store.mark_running_alone(
                request_id, item.start.lease_expires_at, utc_now_iso()
            )
        except AWS_ERRORS as error:  # the mark only orders later deliveries: run anyway
            _log(logging.WARNING, f"run-alone mark not written: {error}", item.record, request_id)
        (prediction,), version, _ = self.infer([item])
        return self.finish((item, prediction)), version

    @staticmethod
    def _predict_one(model: LoadedModel, text: str) -> Prediction:
        started = time.perf_counter()
        try:
            (pair,) = model.predict([text])
        except Exception as error:  # noqa: BLE001 - any model error is this message's failure
            return Prediction(None, _elapsed_ms(started), error=error)
        return Prediction(pair, _elapsed_ms(started), model.version)

    # -- finish ------------------------------------------------------------------------------

    def finish(self, pair: tuple[Admitted, Prediction]) -> Disposition:
        item, prediction = pair
        record, message = item.record, item.message
        if prediction.probabilities is None:
            return self._give_up(
                item, ErrorCode.INFERENCE_FAILED, f"inference failed: {_brief(prediction.error)}"
            )
        p_negative, p_positive = prediction.probabilities
        result = prediction_result(
            p_negative, p_positive, message.threshold, prediction.model_version
        )
        metrics = {
            "queue_ms": _queue_ms(message.submitted_at, item.start.started_at),
            "inference_ms": prediction.inference_ms,
        }
        try:
            stored = self.deps.store.mark_succeeded(
                message.request_id, result, metrics, utc_now_iso()
            )
        except AWS_ERRORS as error:
            return self._give_up(
                item, ErrorCode.RETRIES_EXHAUSTED, f"could not store the result: {error}"
            )
        if not stored:
            _log(
                logging.INFO,
                "another delivery finished this request first: its outcome stays",
                record,
                message.request_id,
            )
            return Disposition.ALREADY_DONE
        _log(
            logging.INFO,
            "request succeeded",
            record,
            message.request_id,
            prediction=result["prediction"],
            attempts=item.start.attempts,
            **metrics,
        )
        return Disposition.SUCCEEDED

    # -- transient failures ------------------------------------------------------------------

    def _give_up(self, item: Admitted, code: ErrorCode, cause: str) -> Disposition:
        """A transient failure of a request we hold: release the lease before the retry, so the
        redelivery need not wait for this invocation's deadline to start it."""
        record, request_id = item.record, item.message.request_id
        if not record.is_last_receive(self.deps.max_receive_count):
            try:
                self.deps.store.release(request_id, item.start.lease_expires_at)
            except AWS_ERRORS as error:
                _log(
                    logging.WARNING,
                    f"lease not released, the retry waits for it to expire: {error}",
                    record,
                    request_id,
                )
        return self._transient(record, request_id, code, cause)

    def _transient(
        self, record: SqsRecord, request_id: str, code: ErrorCode, cause: str
    ) -> Disposition:
        """Retry through SQS; on the last receive, fail the request first so no client polls a
        request whose message has gone to the DLQ."""
        if not record.is_last_receive(self.deps.max_receive_count):
            _log(logging.WARNING, f"transient failure, will retry: {cause}", record, request_id)
            return Disposition.RETRY
        message = (
            f"{cause} (receive {record.receive_count} of {self.deps.max_receive_count}, "
            "no retries left)"
        )
        try:
            self.deps.store.mark_failed(request_id, code, message, utc_now_iso())
        except AWS_ERRORS as error:
            _log(
                logging.ERROR,
                f"last receive and the request could not be marked failed: {error}",
                record,
                request_id,
                error_code=code.value,
            )
        else:
            _log(
                logging.ERROR,
                f"request failed, message goes to the DLQ: {message}",
                record,
                request_id,
                error_code=code.value,
            )
        return Disposition.EXHAUSTED


def _log_suspects(suspects: list[Admitted]) -> None:
    log(
        logger,
        logging.WARNING,
        "requests an earlier delivery never finished: each runs alone, after the batch",
        request_ids=[item.message.request_id for item in suspects],
        ran_alone_before=[
            item.message.request_id for item in suspects if item.start.ran_alone_before
        ],
    )


def _queue_ms(submitted_at: str, started_at: str | None) -> float | None:
    """Milliseconds from submission to the first move to processing (None if unknowable)."""
    if started_at is None:
        return None
    try:
        delta = parse_iso(started_at) - parse_iso(submitted_at)
    except (TypeError, ValueError):
        return None
    return max(0.0, round(delta.total_seconds() * 1000, 1))


def _brief(error: BaseException | None, limit: int = 500) -> str:
    """One line naming an error: TorchScript errors carry a whole traceback in their text."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return f"{type(error).__name__}: {lines[-1] if lines else ''}"[:limit]


def _elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)


def _log(level: int, message: str, record: SqsRecord, request_id: str | None, **fields) -> None:
    log(
        logger,
        level,
        message,
        request_id=request_id,
        message_id=record.message_id,
        receive_count=record.receive_count,
        **fields,
    )
