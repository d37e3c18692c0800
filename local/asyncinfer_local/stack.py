"""The whole stack: AWS endpoint (moto in a child process), provisioned resources, the HTTP API
in front of the enqueue handler, the SQS event source mapping in front of the worker handler
and the one from the dead-letter queue to the dead-letter drain (as infra/main.tf wires them
on AWS).

    with LocalStack(api_port=0, aws_port=0) as stack:   # free ports
        print(stack.api_url)
"""

from __future__ import annotations

import os
import pathlib
import sys
import uuid
from collections.abc import Mapping
from typing import Any, TextIO

from asyncinfer_shared.contract import utc_now_iso

from . import defaults
from .aws import DUMMY_CREDENTIALS, EmbeddedAws, Endpoint, ensure_port_free
from .http_api import HttpApi
from .lambda_runtime import FunctionConfig, Handler, InvocationError, invoke, load_handler
from .provision import Resources, provision, upload_model
from .settings import Settings, load_settings
from .sqs_mapping import MappingConfig, SqsEventSourceMapping


class LocalStack:
    """Start with start() or `with`; stop() undoes everything start() did, including the
    environment variables it set for the handlers."""

    def __init__(
        self,
        *,
        api_host: str = defaults.API_HOST,
        api_port: int = defaults.API_PORT,
        aws_port: int = defaults.AWS_PORT,
        endpoint_url: str | None = None,
        region: str = defaults.REGION,
        name_prefix: str = defaults.NAME_PREFIX,
        settings: Settings | None = None,
        setting_overrides: Mapping[str, Any] | None = None,
        model_path: str | None = None,
        model_file: pathlib.Path = defaults.MODEL_FILE,
        enqueue_handler: str | Handler = defaults.ENQUEUE_HANDLER,
        worker_handler: str | Handler = defaults.WORKER_HANDLER,
        dead_letter_handler: str | Handler = defaults.DEAD_LETTER_HANDLER,
        poll_wait_seconds: int = defaults.POLL_WAIT_SECONDS,
        enqueue_concurrency: int = defaults.ENQUEUE_CONCURRENCY,
        warm_worker: bool = True,
        log_level: str | None = None,
        log: TextIO | None = sys.stderr,
    ):
        """endpoint_url: an AWS endpoint already running (LocalStack...); None starts moto on
        api_host:aws_port. model_path: what the worker gets as MODEL_PATH; an s3:// URL gets
        model_file uploaded there first. setting_overrides: `section.key` -> value over
        infra/settings.json (and its ASYNCINFER_* environment overrides). enqueue_handler,
        worker_handler: dotted names, imported once the environment is set, or callables.
        dead_letter_handler: the same for the DLQ drain; an empty name runs no drain."""
        self.settings = settings or load_settings(setting_overrides)
        self._api_host, self._api_port, self._aws_port = api_host, api_port, aws_port
        self._endpoint_url = endpoint_url
        self._region = region
        self._name_prefix = name_prefix
        self._model_file = pathlib.Path(model_file)
        self._model_path = model_path or str(self._model_file)
        self._handler_names = (enqueue_handler, worker_handler)
        self._dead_letter_handler = dead_letter_handler
        self._poll_wait_seconds = poll_wait_seconds
        self._enqueue_concurrency = enqueue_concurrency
        self._warm_worker = warm_worker
        self._log_level = log_level
        self._log = log
        self._saved_environ: dict[str, str] | None = None
        self._embedded: EmbeddedAws | None = None
        self._api: HttpApi | None = None
        self._mappings: list[SqsEventSourceMapping] = []
        self.endpoint: Endpoint | None = None
        self.resources: Resources | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> LocalStack:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        self._require_model_file()
        ensure_port_free(self._api_host, self._api_port, "ASYNCINFER_API_PORT")
        self._saved_environ = dict(os.environ)
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        # Every mapping's pollers wind down at once: stopping one after another would add their
        # long-poll waits up.
        for mapping in self._mappings:
            mapping.request_stop()
        while self._mappings:
            self._mappings.pop().stop()
        if self._api is not None:
            self._api.stop()
            self._api = None
        if self._embedded is not None:
            self._embedded.stop()
            self._embedded = None
        if self._saved_environ is not None:
            os.environ.clear()
            os.environ.update(self._saved_environ)
            self._saved_environ = None

    # -- what it runs ------------------------------------------------------------------------

    @property
    def api_url(self) -> str:
        if self._api is None:
            raise RuntimeError("The stack is not started.")
        return self._api.url

    def info(self) -> dict[str, Any]:
        """Everything a client or a test needs to reach the running stack."""
        if self.endpoint is None or self.resources is None:
            raise RuntimeError("The stack is not started.")
        return {
            "api_url": self.api_url,
            "endpoint_url": self.endpoint.url,
            "region": self.endpoint.region,
            "model_path": self._model_path,
            # False when started without a drain: dead letters then stay in the DLQ
            "dead_letter_drain": bool(self._dead_letter_handler),
            **self.resources.as_dict(),
        }

    def _start(self) -> None:
        if self._endpoint_url is None:
            self._embedded = EmbeddedAws(self._api_host, self._aws_port)
            url = self._embedded.start()
            # Never let an embedded run pick up real credentials or a profile.
            os.environ.pop("AWS_PROFILE", None)
            os.environ.update(DUMMY_CREDENTIALS)
        else:
            url = self._endpoint_url
            for name, value in DUMMY_CREDENTIALS.items():
                os.environ.setdefault(name, value)
        self.endpoint = Endpoint(url, self._region, dummy_credentials=self._embedded is not None)
        os.environ["AWS_ENDPOINT_URL"] = url
        os.environ["AWS_REGION"] = os.environ["AWS_DEFAULT_REGION"] = self._region
        self.resources = provision(self.endpoint, self.settings, self._name_prefix)
        if self._model_path.startswith("s3://"):
            upload_model(self.endpoint, self._model_path, self._model_file)
        os.environ.update(self._function_environment())
        # Imported only now, as Lambda does: after the environment is set.
        enqueue, worker = (
            name if callable(name) else load_handler(name) for name in self._handler_names
        )
        if self._warm_worker:
            self._warm(worker)
        self._api = HttpApi(
            enqueue,
            self._function("enqueue"),
            host=self._api_host,
            port=self._api_port,
            access_log=self._log,
            max_concurrent_invocations=self._enqueue_concurrency,
        )
        self._mappings.append(
            self._event_source_mapping(
                worker, "worker", self.resources.queue_url, self.resources.queue_arn
            )
        )
        drain = self._dead_letter_handler
        if drain:
            self._mappings.append(
                self._event_source_mapping(
                    drain if callable(drain) else load_handler(drain),
                    "dead_letters",
                    self.resources.dlq_url,
                    self.resources.dlq_arn,
                )
            )
        else:
            self._say("no dead-letter drain: dead-lettered requests stay as they are")
        self._api.start()
        for mapping in self._mappings:
            mapping.start()

    def _event_source_mapping(
        self, handler: Handler, role: str, queue_url: str, queue_arn: str
    ) -> SqsEventSourceMapping:
        """`role`'s mapping, configured from its section of the settings as Terraform's is."""
        concurrency = self.settings.get(f"{role}.maximum_concurrency")
        return SqsEventSourceMapping(
            self.endpoint.client(
                "sqs",
                max_pool_connections=concurrency + 2,
                read_timeout=self._poll_wait_seconds + 30,
            ),
            handler,
            self._function(role),
            MappingConfig(
                queue_url=queue_url,
                queue_arn=queue_arn,
                region=self._region,
                batch_size=self.settings.get(f"{role}.batch_size"),
                batching_window_seconds=self.settings.get(
                    f"{role}.maximum_batching_window_in_seconds"
                ),
                maximum_concurrency=concurrency,
                poll_wait_seconds=self._poll_wait_seconds,
            ),
            log=self._log,
        )

    def _function_environment(self) -> dict[str, str]:
        """The environment Terraform gives the functions (all run in this process)."""
        assert self.resources is not None
        environment = {
            "RESULTS_TABLE": self.resources.results_table,
            "QUEUE_URL": self.resources.queue_url,
            "RESULT_TTL_SECONDS": str(self.settings.result_ttl_seconds),
            "MODEL_PATH": self._model_path,
            "MAX_RECEIVE_COUNT": str(self.settings.max_receive_count),
            "DLQ_URL": self.resources.dlq_url,
        }
        if self._log_level:
            environment["LOG_LEVEL"] = self._log_level
        return environment

    def _function(self, role: str) -> FunctionConfig:
        return FunctionConfig(
            name=f"{self._name_prefix}-{role.replace('_', '-')}",
            timeout_seconds=self.settings.get(f"{role}.timeout_seconds"),
            memory_size_mb=self.settings.get(f"{role}.memory_size_mb"),
            region=self._region,
        )

    def _warm(self, worker: Any) -> None:
        """Send the scheduled warm-up event the deployed stack gets, so the model is loaded
        before the first request (as a warmed Lambda would be)."""
        event = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": "000000000000",
            "time": utc_now_iso(),
            "region": self._region,
            "resources": [f"arn:aws:events:{self._region}:000000000000:rule/warm-up"],
            "detail": {},
        }
        try:
            invoke(worker, event, self._function("worker"))
        except InvocationError as error:
            self._say(f"worker warm-up failed ({error}); the first batch will load the model")

    def _require_model_file(self) -> None:
        """The file the worker loads, or the one uploaded to an s3:// MODEL_PATH, must exist."""
        local = self._model_file if self._model_path.startswith("s3://") else self._model_path
        if not pathlib.Path(local).is_file():
            raise FileNotFoundError(
                f"No model at {local}: run `make model` first, "
                "or set MODEL_PATH to an existing model."
            )

    def _say(self, line: str) -> None:
        if self._log is not None:
            print(line, file=self._log, flush=True)
