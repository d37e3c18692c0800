"""`asyncinfer`: run the local stack (`up`), talk to any asyncinfer API (`predict`,
`status`, `burst`) and check an AWS account before an apply (`preflight`). Exit codes: 0 done,
1 the request or a preflight check failed, 2 usage, HTTP or AWS error, 3 timeout."""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import signal
import sys
import threading
from collections.abc import Sequence

from asyncinfer_shared.contract import Status

from . import defaults
from .client import DEFAULT_API_URL, ApiClient, ApiError, WaitTimeout, checked_api_url
from .lambda_runtime import HandlerNotFound
from .settings import SettingsError, parse_assignment

EXIT_OK, EXIT_FAILED, EXIT_ERROR, EXIT_TIMEOUT = 0, 1, 2, 3
SPINNER = "|/-\\"


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except ApiError as error:
        print(json.dumps({"status_code": error.status, "body": error.body}), file=sys.stderr)
        return EXIT_ERROR
    except (OSError, SettingsError, HandlerNotFound) as error:
        print(f"asyncinfer: {error}", file=sys.stderr)
        return EXIT_ERROR


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="asyncinfer", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    env = os.environ

    up = commands.add_parser("up", help="run the whole stack locally until Ctrl-C or SIGTERM")
    up.add_argument("--api-host", default=env.get("ASYNCINFER_API_HOST", defaults.API_HOST))
    up.add_argument(
        "--api-port", type=int, default=int(env.get("ASYNCINFER_API_PORT", defaults.API_PORT))
    )
    up.add_argument(
        "--aws-port", type=int, default=int(env.get("ASYNCINFER_AWS_PORT", defaults.AWS_PORT))
    )
    up.add_argument(
        "--endpoint-url",
        default=env.get("AWS_ENDPOINT_URL"),
        help="an AWS endpoint already running (LocalStack...); default: start moto here",
    )
    up.add_argument("--region", default=env.get("AWS_REGION", defaults.REGION))
    up.add_argument(
        "--name-prefix", default=env.get("ASYNCINFER_NAME_PREFIX", defaults.NAME_PREFIX)
    )
    up.add_argument("--model-path", default=env.get("MODEL_PATH"))
    up.add_argument("--model-file", default=env.get("ASYNCINFER_MODEL_FILE"))
    up.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="SECTION.KEY=VALUE",
        help="override one value of infra/settings.json (repeatable)",
    )
    up.add_argument(
        "--poll-wait-seconds",
        type=int,
        default=int(env.get("ASYNCINFER_POLL_WAIT_SECONDS", defaults.POLL_WAIT_SECONDS)),
        help="long-poll wait of each ReceiveMessage (Ctrl-C returns within about this)",
    )
    up.add_argument(
        "--enqueue-handler", default=env.get("ASYNCINFER_ENQUEUE_HANDLER", defaults.ENQUEUE_HANDLER)
    )
    up.add_argument(
        "--worker-handler", default=env.get("ASYNCINFER_WORKER_HANDLER", defaults.WORKER_HANDLER)
    )
    up.add_argument(
        "--dead-letter-handler",
        default=env.get(defaults.DEAD_LETTER_HANDLER_VARIABLE, defaults.DEAD_LETTER_HANDLER),
        help="the DLQ drain's handler; empty: no drain (dead-lettered requests stay as they are)",
    )
    up.add_argument(
        "--enqueue-concurrency",
        type=int,
        default=int(env.get("ASYNCINFER_ENQUEUE_CONCURRENCY", defaults.ENQUEUE_CONCURRENCY)),
        help="enqueue handler invocations at once; further requests wait for a slot",
    )
    up.add_argument("--no-warm", action="store_true", help="skip the worker warm-up at start")
    up.add_argument("--ready-file", help="write the stack's URLs and names here as JSON once up")
    up.set_defaults(run=_up)

    predict = commands.add_parser("predict", help="submit a text; --wait polls for the result")
    predict.add_argument("text")
    predict.add_argument("--threshold", type=float)
    _add_client_options(predict)
    predict.set_defaults(run=_predict)

    status = commands.add_parser("status", help="show (or --wait for) a request's status")
    status.add_argument("request_id")
    _add_client_options(status)
    status.set_defaults(run=_status)

    burst = commands.add_parser("burst", help="submit N requests at once, report throughput")
    burst.add_argument("-n", "--requests", type=int, default=200)
    burst.add_argument("--concurrency", type=int, default=50)
    burst.add_argument("--timeout", type=float, default=300.0)
    _add_url_option(burst)
    burst.set_defaults(run=_burst)

    preflight = commands.add_parser(
        "preflight",
        help="before an apply: do the planned reservations fit the account's Lambda quota, "
        "does the worker image exist (exit 1 when not)",
    )
    preflight.add_argument("--env", required=True, help="an environments/<env> root")
    preflight.add_argument(
        "--name-prefix",
        # Terraform's default name_prefix (environments/shared/variables.tf), not the local stack's.
        default=env.get("TF_VAR_name_prefix", "asyncinfer"),
        help="the stack is <prefix>-<env> (default $TF_VAR_name_prefix or %(default)s)",
    )
    preflight.add_argument(
        "--worker-image-uri",
        default=env.get("TF_VAR_worker_image_uri"),
        help="the image the plan deploys (default $TF_VAR_worker_image_uri)",
    )
    preflight.add_argument("--region", help="default: the environment's aws_region")
    preflight.set_defaults(run=_preflight)
    return parser


def _add_client_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--wait", action="store_true", help="poll until succeeded or failed")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds --wait may take")
    _add_url_option(parser)


def _add_url_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--url",
        type=_api_url,
        default=os.environ.get("ASYNCINFER_API_URL", DEFAULT_API_URL),
        help="API base URL (default $ASYNCINFER_API_URL or %(default)s)",
    )


def _api_url(value: str) -> str:
    # argparse applies this to the default too, so a bad $ASYNCINFER_API_URL is a usage error.
    try:
        return checked_api_url(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


# -- up ----------------------------------------------------------------------------------------


def _up(args: argparse.Namespace) -> int:
    from .stack import LocalStack  # boto3 and moto only for this command

    overrides = dict(parse_assignment(item) for item in args.set)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    stack = LocalStack(
        api_host=args.api_host,
        api_port=args.api_port,
        aws_port=args.aws_port,
        endpoint_url=args.endpoint_url,
        region=args.region,
        name_prefix=args.name_prefix,
        setting_overrides=overrides,
        model_path=args.model_path,
        model_file=pathlib.Path(args.model_file or defaults.MODEL_FILE),
        enqueue_handler=args.enqueue_handler,
        worker_handler=args.worker_handler,
        dead_letter_handler=args.dead_letter_handler,
        poll_wait_seconds=args.poll_wait_seconds,
        enqueue_concurrency=args.enqueue_concurrency,
        warm_worker=not args.no_warm,
    )
    with stack:
        info = stack.info()
        _print_banner(info, embedded=args.endpoint_url is None)
        if args.ready_file:
            _write_atomically(pathlib.Path(args.ready_file), json.dumps(info))
        while not stop.wait(0.2):
            pass
        print("stopping...", file=sys.stderr, flush=True)
    print("stopped", file=sys.stderr, flush=True)
    sys.stdout.flush()
    # Everything is stopped and flushed; the interpreter's own teardown (torch's, mostly) would
    # only add a couple of seconds to every Ctrl-C.
    os._exit(EXIT_OK)


def _print_banner(info: dict, embedded: bool) -> None:
    where = "moto, in a child process" if embedded else "already running"
    api = info["api_url"]
    print(
        f"asyncinfer local stack is up\n"
        f"  API            {api}\n"
        f"  AWS endpoint   {info['endpoint_url']} ({where})\n"
        f"  queue          {info['queue_url']}\n"
        f"  dead letters   {info['dlq_url']}\n"
        f"  results table  {info['results_table']}\n"
        f"  model          {info['model_path']}\n"
        f"try:\n"
        f"  curl -s -X POST {api}/predict -H 'content-type: application/json' "
        f'-d \'{{"text": "a gripping, beautiful film"}}\'\n'
        f"  curl -s {api}/status/<request_id>\n"
        f"Ctrl-C to stop.",
        flush=True,
    )


def _write_atomically(path: pathlib.Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text)
    temporary.replace(path)


# -- client commands ---------------------------------------------------------------------------


def _predict(args: argparse.Namespace) -> int:
    client = ApiClient(args.url)
    accepted = client.submit(args.text, args.threshold)
    if not args.wait:
        print(json.dumps(accepted, indent=2))
        return EXIT_OK
    print(f"submitted {accepted['request_id']}", file=sys.stderr)
    return _wait_and_print(client, accepted["request_id"], args.timeout)


def _status(args: argparse.Namespace) -> int:
    client = ApiClient(args.url)
    if args.wait:
        return _wait_and_print(client, args.request_id, args.timeout)
    status = client.status(args.request_id)
    print(json.dumps(status, indent=2))
    return EXIT_FAILED if status.get("status") == Status.FAILED else EXIT_OK


def _wait_and_print(client: ApiClient, request_id: str, timeout: float) -> int:
    progress = _Progress(sys.stderr)
    try:
        final = client.wait(request_id, timeout=timeout, on_poll=progress.update)
    except WaitTimeout as timeout_error:
        progress.done()
        print(f"timed out after {timeout:.0f}s: {timeout_error}", file=sys.stderr)
        if timeout_error.last is not None:
            print(json.dumps(timeout_error.last, indent=2))
        return EXIT_TIMEOUT
    progress.done()
    print(json.dumps(final, indent=2))
    return EXIT_OK if final.get("status") == Status.SUCCEEDED else EXIT_FAILED


class _Progress:
    """A spinner on a terminal; one line per status change otherwise (logs, CI)."""

    def __init__(self, stream):
        self._stream = stream
        self._tty = stream.isatty()
        self._polls = 0
        self._last_status: str | None = None

    def update(self, status: dict | None, elapsed: float) -> None:
        current = status.get("status") if status else "unreachable"
        self._polls += 1
        if self._tty:
            spin = SPINNER[self._polls % len(SPINNER)]
            self._stream.write(f"\r{spin} {current:<11} {elapsed:5.1f}s")
            self._stream.flush()
        elif current != self._last_status:
            print(f"{current} after {elapsed:.1f}s", file=self._stream, flush=True)
        self._last_status = current

    def done(self) -> None:
        if self._tty and self._polls:
            self._stream.write("\n")
            self._stream.flush()


# -- burst -------------------------------------------------------------------------------------


def _burst(args: argparse.Namespace) -> int:
    from .burst import run_burst

    report = run_burst(ApiClient(args.url), args.requests, args.concurrency, args.timeout)
    print(json.dumps(report.as_dict(), indent=2))
    return EXIT_OK if report.succeeded == report.requests else EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())


# -- preflight ---------------------------------------------------------------------------------


def _preflight(args: argparse.Namespace) -> int:
    import boto3  # only for this command
    from botocore.exceptions import BotoCoreError, ClientError

    from . import preflight

    try:
        if not args.worker_image_uri:
            raise preflight.PreflightError(
                "no worker image: pass --worker-image-uri or set TF_VAR_worker_image_uri"
            )
        plan = preflight.load_plan(args.env, args.name_prefix)
        image = preflight.parse_image_uri(args.worker_image_uri)
    except preflight.PreflightError as error:
        print(f"asyncinfer preflight: {error}", file=sys.stderr)
        return EXIT_ERROR
    lambda_client = boto3.client("lambda", region_name=args.region or plan.region)
    try:
        ok, lines = preflight.run(
            plan,
            image,
            account_client=lambda_client,
            lambda_client=lambda_client,
            ecr_client=boto3.client("ecr", region_name=image.region),
        )
    except (BotoCoreError, ClientError) as error:
        print(f"asyncinfer preflight: cannot read the account: {error}", file=sys.stderr)
        return EXIT_ERROR
    print("\n".join(lines))
    return EXIT_OK if ok else EXIT_FAILED
