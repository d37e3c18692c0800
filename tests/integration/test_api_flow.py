"""The happy path over real HTTP: submit, poll, get a real prediction from the real model."""

from __future__ import annotations

import math
import re

import pytest

from asyncinfer_shared.contract import is_request_id

WAIT_SECONDS = 60
MODEL_VERSION = re.compile(r"^[\w.-]+-[0-9a-f]{12}$")


def test_submit_answers_202_with_request_id_poll_url_and_location(api):
    response = api.call(
        "POST", "/predict", b'{"text": "a fine film"}', {"content-type": "application/json"}
    )
    assert response.status == 202
    assert response.headers["content-type"].startswith("application/json")
    request_id = response.body["request_id"]
    assert is_request_id(request_id)
    assert response.body["status"] == "pending"
    assert response.body["poll_url"] == f"/status/{request_id}"
    assert response.headers["location"] == f"/status/{request_id}"


def test_submitted_request_succeeds_with_a_real_prediction(api):
    accepted = api.submit("a warm, funny and beautifully acted film", threshold=0.5)
    final = api.wait(accepted["request_id"], timeout=WAIT_SECONDS)

    assert final["status"] == "succeeded", final
    assert final["error"] is None
    result = final["result"]
    probabilities = result["probabilities"]
    p_negative, p_positive = probabilities["negative"], probabilities["positive"]
    assert math.isclose(p_negative + p_positive, 1.0, abs_tol=1e-4)
    assert result["prediction"] == ("positive" if p_positive > 0.5 else "negative")
    assert result["confidence"] == max(p_negative, p_positive)
    assert result["threshold"] == 0.5
    assert MODEL_VERSION.fullmatch(result["model_version"])
    assert final["attempts"] == 1
    assert final["created_at"] <= final["started_at"] <= final["completed_at"]
    assert final["metrics"]["queue_ms"] >= 0 and final["metrics"]["inference_ms"] >= 0


def test_model_ranks_a_clearly_positive_text_above_a_clearly_negative_one(api):
    # Real inference, not a constant: the texts' probabilities differ in the expected direction.
    positive = api.submit("a masterpiece: brilliant, moving, wonderful and beautifully acted")
    negative = api.submit("a dull, boring, tedious and lifeless mess; the worst film of the year")
    p_good = api.wait(positive["request_id"], timeout=WAIT_SECONDS)["result"]["probabilities"]
    p_bad = api.wait(negative["request_id"], timeout=WAIT_SECONDS)["result"]["probabilities"]
    assert p_good["positive"] > p_bad["positive"]


@pytest.mark.parametrize(("threshold", "label"), [(0.0, "positive"), (1.0, "negative")])
def test_threshold_decides_the_label_of_the_same_text(api, threshold, label):
    accepted = api.submit("an ordinary film with a few good moments", threshold=threshold)
    result = api.wait(accepted["request_id"], timeout=WAIT_SECONDS)["result"]
    assert result["threshold"] == threshold
    assert result["prediction"] == label


def test_binary_content_type_body_arrives_base64_and_is_accepted(api):
    # API Gateway base64-encodes non-text bodies; curl's default form content type is one.
    for content_type in ("application/octet-stream", "application/x-www-form-urlencoded"):
        response = api.call("POST", "/predict", b'{"text": "fine"}', {"content-type": content_type})
        assert response.status == 202, (content_type, response.body)


def test_health_answers_healthy(api):
    response = api.call("GET", "/health")
    assert response.status == 200
    assert response.body == {"status": "healthy"}
