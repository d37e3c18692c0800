"""What the integration suite runs against: a local stack it starts, or the stack named by
environment variables (LocalStack or a real deployment).

    ASYNCINFER_API_URL         API base URL; when unset the suite starts its own local stack
    AWS_ENDPOINT_URL           AWS endpoint of that stack (LocalStack); unset = real AWS
    ASYNCINFER_QUEUE_URL       work queue URL          } needed only by the cases that talk to
    ASYNCINFER_DLQ_URL         dead-letter queue URL   } the queue and table directly; they are
    ASYNCINFER_RESULTS_TABLE   results table name      } skipped with this reason otherwise
    AWS_REGION                 region (default us-east-1)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import boto3
import localstack_client.session

DIRECT_ACCESS_VARIABLES = ("ASYNCINFER_QUEUE_URL", "ASYNCINFER_DLQ_URL", "ASYNCINFER_RESULTS_TABLE")
SKIP_REASON = (
    "needs direct access to the queue and table: set "
    + ", ".join(DIRECT_ACCESS_VARIABLES)
    + " (and AWS_ENDPOINT_URL for LocalStack) next to ASYNCINFER_API_URL"
)


@dataclass(frozen=True)
class Target:
    api_url: str
    region: str
    endpoint_url: str | None = None
    queue_url: str | None = None
    dlq_url: str | None = None
    results_table: str | None = None
    local: bool = False  # started by this suite: nothing else uses its queue
    # A deployed stack's dead-letter drain empties the DLQ within seconds: only a stack started
    # without one keeps what the worker forwarded there for a test to read.
    dlq_drained: bool = True

    @property
    def has_direct_access(self) -> bool:
        return bool(self.queue_url and self.dlq_url and self.results_table)

    def client(self, service: str) -> Any:
        """A boto3 client for this target: real AWS, or a local endpoint through
        localstack-client (LocalStack, or the moto server of a stack this suite started)."""
        if self.endpoint_url is None:
            return boto3.client(service, region_name=self.region)
        # localstack-client sends every service to $AWS_ENDPOINT_URL when it is set, else to
        # localstack_host; a stack started here reuses $AWS_ENDPOINT_URL when it is set, so
        # the two can only disagree by mistake: say so rather than talk to the wrong stack.
        environment_url = os.environ.get("AWS_ENDPOINT_URL", "").strip()
        if environment_url and environment_url.rstrip("/") != self.endpoint_url.rstrip("/"):
            raise RuntimeError(
                f"AWS_ENDPOINT_URL={environment_url} but the target stack is at "
                f"{self.endpoint_url}: unset one of them"
            )
        session = localstack_client.session.Session(
            region_name=self.region, localstack_host=urlsplit(self.endpoint_url).netloc
        )
        return session.client(service)


def target_from_environment() -> Target | None:
    api_url = os.environ.get("ASYNCINFER_API_URL")
    if not api_url:
        return None
    return Target(
        api_url=api_url,
        region=os.environ.get("AWS_REGION", os.environ.get("AWS_DEFAULT_REGION", "us-east-1")),
        endpoint_url=os.environ.get("AWS_ENDPOINT_URL"),
        queue_url=os.environ.get("ASYNCINFER_QUEUE_URL"),
        dlq_url=os.environ.get("ASYNCINFER_DLQ_URL"),
        results_table=os.environ.get("ASYNCINFER_RESULTS_TABLE"),
    )


def target_from_stack(info: dict) -> Target:
    return Target(
        api_url=info["api_url"],
        region=info["region"],
        endpoint_url=info["endpoint_url"],
        queue_url=info["queue_url"],
        dlq_url=info["dlq_url"],
        results_table=info["results_table"],
        local=True,
        dlq_drained=info["dead_letter_drain"],
    )
