"""Edge cases of the shared contract: prediction input rules, the SQS message schema and the
result shape (both functions rely on these exact rules)."""

from __future__ import annotations

import json
import math
import uuid

import pytest

from asyncinfer_shared.contract import (
    DEFAULT_THRESHOLD,
    MESSAGE_SCHEMA_VERSION,
    TEXT_MAX_CHARS,
    ContractError,
    ErrorCode,
    InferenceMessage,
    is_request_id,
    parse_iso,
    parse_message,
    parse_prediction_input,
    prediction_result,
    request_id_of,
    utc_now_iso,
)

REQUEST_ID = "9b2e7c1a-4d3f-4a8b-9c6d-1e2f3a4b5c6d"


def refused(value) -> ContractError:
    with pytest.raises(ContractError) as caught:
        parse_prediction_input(value)
    return caught.value


def message_body(**overrides) -> str:
    value = {
        "schema_version": MESSAGE_SCHEMA_VERSION,
        "request_id": REQUEST_ID,
        "text": "good",
        "threshold": 0.5,
        "submitted_at": "2026-11-27T21:00:00.000Z",
    }
    value.update(overrides)
    return json.dumps({key: item for key, item in value.items() if item is not ...})


def message_refused(body: str) -> ContractError:
    with pytest.raises(ContractError) as caught:
        parse_message(body)
    return caught.value


# ---------------------------------------------------------------------------
# parse_prediction_input
# ---------------------------------------------------------------------------


def test_threshold_defaults_to_one_half():
    assert parse_prediction_input({"text": "ok"}).threshold == DEFAULT_THRESHOLD


@pytest.mark.parametrize("threshold", [0, 1, 0.0, 1.0, 0.25])
def test_threshold_bounds_are_inclusive_and_become_float(threshold):
    parsed = parse_prediction_input({"text": "ok", "threshold": threshold})

    assert parsed.threshold == threshold
    assert type(parsed.threshold) is float


@pytest.mark.parametrize("threshold", [True, False])
def test_boolean_threshold_is_not_a_number(threshold):
    error = refused({"text": "ok", "threshold": threshold})

    assert error.code == ErrorCode.VALIDATION_ERROR
    assert error.details == [{"field": "threshold", "issue": "must be a number, got boolean"}]


@pytest.mark.parametrize("threshold", [math.nan, math.inf, -math.inf, 1.0000001, -1e-9])
def test_non_finite_or_out_of_range_threshold_is_refused(threshold):
    error = refused({"text": "ok", "threshold": threshold})

    assert error.details == [{"field": "threshold", "issue": "must be between 0 and 1"}]


def test_text_of_1000_code_points_is_accepted_even_as_4_byte_emoji():
    text = "😀" * TEXT_MAX_CHARS

    assert len(text.encode()) == 4 * TEXT_MAX_CHARS
    assert parse_prediction_input({"text": text}).text == text


@pytest.mark.parametrize("character", ["a", "😀", "語"])
def test_text_of_1001_code_points_is_refused(character):
    error = refused({"text": character * (TEXT_MAX_CHARS + 1)})

    assert error.details == [{"field": "text", "issue": "must be 1 to 1000 characters, got 1001"}]


def test_emoji_with_modifier_counts_as_two_code_points():
    thumbs_up_medium = "👍🏽"  # U+1F44D U+1F3FD

    assert parse_prediction_input({"text": thumbs_up_medium * 500}).text
    assert refused({"text": thumbs_up_medium * 500 + "!"}).code == ErrorCode.VALIDATION_ERROR


def test_empty_text_is_refused():
    assert refused({"text": ""}).details[0]["field"] == "text"


@pytest.mark.parametrize(
    ("value", "kind"), [([], "array"), ("x", "string"), (None, "null"), (2, "number")]
)
def test_non_object_input_is_invalid_body(value, kind):
    error = refused(value)

    assert error.code == ErrorCode.INVALID_BODY
    assert error.details == [{"field": None, "issue": f"got {kind}"}]


def test_every_problem_is_reported_at_once():
    error = refused({"text": 5, "threshold": "high", "zeta": 1, "alpha": 2})

    assert [detail["field"] for detail in error.details] == ["alpha", "zeta", "text", "threshold"]


# ---------------------------------------------------------------------------
# parse_message
# ---------------------------------------------------------------------------


def test_message_round_trips_through_json():
    message = InferenceMessage(REQUEST_ID, "très bien 👍", 0.7, "2026-11-27T21:00:00.000Z")

    assert parse_message(message.to_json()) == message


def test_message_keeps_non_ascii_text_unescaped():
    message = InferenceMessage(REQUEST_ID, "語", 0.5, "2026-11-27T21:00:00.000Z")

    assert "語" in message.to_json()


@pytest.mark.parametrize("version", [2, 0, "1", True, None, 1.5])
def test_unknown_schema_version_is_refused(version):
    error = message_refused(message_body(schema_version=version))

    assert error.code == ErrorCode.UNSUPPORTED_SCHEMA_VERSION


def test_missing_schema_version_is_refused():
    assert message_refused(message_body(schema_version=...)).code == (
        ErrorCode.UNSUPPORTED_SCHEMA_VERSION
    )


@pytest.mark.parametrize("request_id", [..., None, "", "not-a-uuid", REQUEST_ID.upper()])
def test_missing_or_malformed_request_id_is_refused(request_id):
    assert message_refused(message_body(request_id=request_id)).code == (
        ErrorCode.MISSING_REQUEST_ID
    )


@pytest.mark.parametrize("body", ["", "{", "[1]", '"text"', "null"])
def test_non_object_message_is_malformed(body):
    assert message_refused(body).code == ErrorCode.MALFORMED_MESSAGE


def test_nan_in_message_is_malformed_not_a_threshold():
    body = message_body().replace('"threshold": 0.5', '"threshold": NaN')

    assert message_refused(body).code == ErrorCode.MALFORMED_MESSAGE


def test_missing_submitted_at_is_malformed():
    assert message_refused(message_body(submitted_at=...)).code == ErrorCode.MALFORMED_MESSAGE


@pytest.mark.parametrize(
    "overrides", [{"text": ""}, {"text": "x" * 1001}, {"threshold": True}, {"threshold": 2}]
)
def test_message_with_invalid_input_is_invalid_input(overrides):
    error = message_refused(message_body(**overrides))

    assert error.code == ErrorCode.INVALID_INPUT
    assert error.details


def test_message_extra_keys_are_ignored_for_forward_compatibility():
    assert parse_message(message_body(trace_id="abc")).request_id == REQUEST_ID


def test_request_id_of_recovers_the_id_of_an_unparseable_message():
    assert request_id_of(message_body(schema_version=99)) == REQUEST_ID
    assert request_id_of("{not json") is None
    assert request_id_of('["x"]') is None
    assert request_id_of(message_body(request_id="nope")) is None


# ---------------------------------------------------------------------------
# Results, ids and time
# ---------------------------------------------------------------------------


def test_prediction_is_positive_only_above_the_threshold():
    at_threshold = prediction_result(0.4, 0.6, 0.6, "m-1")
    above = prediction_result(0.39, 0.61, 0.6, "m-1")

    assert at_threshold["prediction"] == "negative"
    assert at_threshold["confidence"] == 0.4
    assert above["prediction"] == "positive"
    assert above["confidence"] == 0.61


def test_result_carries_probabilities_threshold_and_model_version():
    assert prediction_result(0.8, 0.2, 0.5, "sentiment-0123456789ab") == {
        "prediction": "negative",
        "confidence": 0.8,
        "probabilities": {"negative": 0.8, "positive": 0.2},
        "threshold": 0.5,
        "model_version": "sentiment-0123456789ab",
    }


def test_only_lowercase_uuid4_is_a_request_id():
    assert is_request_id(str(uuid.uuid4()))
    assert not is_request_id(str(uuid.uuid1()))
    assert not is_request_id(str(uuid.uuid4()).upper())
    assert not is_request_id(None)


def test_timestamps_are_utc_millisecond_iso_and_round_trip():
    stamp = utc_now_iso()

    assert stamp.endswith("Z") and len(stamp) == len("2026-11-27T21:00:00.000Z")
    assert utc_now_iso(parse_iso(stamp)) == stamp


def test_text_with_a_lone_surrogate_is_refused():
    # json.loads('"\\ud800"') is a str that UTF-8 cannot encode: the model cannot read it.
    text = json.loads('"ok \\ud800"')
    with pytest.raises(ContractError) as raised:
        parse_prediction_input({"text": text})
    assert raised.value.code is ErrorCode.VALIDATION_ERROR
    assert raised.value.details == [
        {"field": "text", "issue": "must be valid Unicode (no lone surrogates)"}
    ]
