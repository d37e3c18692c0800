"""Defaults of the local stack that are not infra settings: handler names as the Lambda
functions are configured, ports, and the prefix of the local resource names."""

from .settings import REPO_ROOT

ENQUEUE_HANDLER = "asyncinfer_enqueue.handler.handler"
WORKER_HANDLER = "asyncinfer_worker.handler.handler"
DEAD_LETTER_HANDLER = "asyncinfer_worker.drain.handler"  # infra/main.tf's command
# `asyncinfer up --dead-letter-handler`'s variable; set empty, no drain runs (planted defects).
DEAD_LETTER_HANDLER_VARIABLE = "ASYNCINFER_DEAD_LETTER_HANDLER"
NAME_PREFIX = "asyncinfer-local"
API_HOST = "127.0.0.1"
API_PORT = 8080
AWS_PORT = 4566  # LocalStack's edge port, so tools that expect LocalStack find moto there
POLL_WAIT_SECONDS = 2
ENQUEUE_CONCURRENCY = 8  # enqueue invocations at once; more requests wait for a slot
REGION = "us-east-1"
MODEL_FILE = REPO_ROOT / "worker" / "model" / "artifacts" / "sentiment.pt"  # `make model` output
