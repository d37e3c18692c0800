"""`asyncinfer status` and `--url` with hostile arguments: a usage error or the API's answer, with
exit code 2 and no traceback, and a request id always sent as exactly one path segment."""

from __future__ import annotations

import os
import socket
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asyncinfer_local.cli import EXIT_ERROR, main
from asyncinfer_local.http_api import HttpApi
from asyncinfer_local.lambda_runtime import FunctionConfig

FUNCTION = FunctionConfig("hostile-cli", timeout_seconds=10, memory_size_mb=128, region="eu-west-1")
FIXTURE_CHECKS = [HealthCheck.function_scoped_fixture]


@pytest.fixture(scope="module")
def api():
    """An API that answers every request 404 in JSON and records the raw paths it was sent."""
    paths: list[str] = []

    def handler(event, context):
        paths.append(event["rawPath"])
        return {"statusCode": 404, "body": '{"error": {"code": "not_found"}}'}

    server = HttpApi(handler, FUNCTION, port=0, access_log=None)
    server.start()
    server.paths = paths
    yield server
    server.stop()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# What an argv element can hold on POSIX: any text without NUL, and undecodable bytes as the
# surrogate escapes os.fsdecode gives them.
_ARGV_TEXT = st.one_of(
    st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\0"), min_size=1),
    st.binary(min_size=1).filter(lambda raw: b"\0" not in raw).map(os.fsdecode),
)


@settings(max_examples=100, deadline=None, suppress_health_check=FIXTURE_CHECKS)
@given(request_id=_ARGV_TEXT)
def test_any_request_id_is_sent_as_one_quoted_segment(api, request_id, capsys):
    if request_id.startswith("-"):
        request_id = "x" + request_id  # argparse would read it as an option
    assert main(["status", request_id, "--url", api.url]) == EXIT_ERROR  # the API's 404
    raw_bytes = request_id.encode("utf-8", "surrogateescape")
    assert api.paths[-1] == "/status/" + urllib.parse.quote(raw_bytes, safe="")
    assert "Traceback" not in capsys.readouterr().err


def test_request_id_with_a_space_reaches_the_api(api, capsys):
    assert main(["status", "a b", "--url", api.url]) == EXIT_ERROR
    assert api.paths[-1] == "/status/a%20b"
    assert '"status_code": 404' in capsys.readouterr().err


_BAD_URLS = st.one_of(
    st.sampled_from(["ftp://x", "file:///etc/passwd", "x", "", "http://", "https:///path"]),
    st.builds(
        lambda scheme, rest: f"{scheme}://{rest}",
        st.text(
            st.characters(min_codepoint=0x61, max_codepoint=0x7A), min_size=1, max_size=8
        ).filter(lambda scheme: scheme not in ("http", "https")),
        st.text(max_size=30),
    ),
    # whitespace or control characters anywhere
    st.builds(
        lambda head, bad, tail: f"http://{head}{bad}{tail}",
        st.text(max_size=10),
        st.sampled_from([" ", "\t", "\n", "\x7f", "\x00", "\u2028"]),
        st.text(max_size=10),
    ),
    st.integers(65536, 10**12).map(lambda port: f"http://127.0.0.1:{port}"),
    st.just("http://127.0.0.1:8080/?a=1"),
)


@settings(max_examples=150, deadline=None, suppress_health_check=FIXTURE_CHECKS)
@given(url=_BAD_URLS, command=st.sampled_from(["status", "predict", "burst"]))
def test_a_bad_url_is_a_usage_error_before_any_request(url, command, capsys):
    argv = {"status": ["status", "some-id"], "predict": ["predict", "hi"], "burst": ["burst"]}
    with pytest.raises(SystemExit) as exit_info:
        main([*argv[command], f"--url={url}"])
    assert exit_info.value.code == EXIT_ERROR
    err = capsys.readouterr().err
    assert "--url" in err and "Traceback" not in err


def test_an_api_nobody_listens_on_is_an_error_not_a_traceback(capsys):
    assert main(["status", "some-id", "--url", f"http://127.0.0.1:{closed_port()}"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("asyncinfer: ") and "Traceback" not in err
