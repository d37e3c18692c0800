"""The model holder and its source: lazy single load, warm-up, version id, S3 or local file."""

import hashlib
import math

import pytest
import torch
from worker_doubles import tiny_probabilities

from asyncinfer_worker.model_holder import (
    WARM_UP_BATCHES,
    ModelHolder,
    ModelOutputError,
    checked_probabilities,
    holder_for,
)
from asyncinfer_worker.model_source import (
    ModelSourceError,
    local_model_file,
    model_version,
    split_s3_uri,
)


def no_s3_client():
    raise AssertionError("a local MODEL_PATH must not ask for an S3 client")


def test_model_version_is_file_stem_and_sha256_prefix(tiny_model_path):
    digest = hashlib.sha256(tiny_model_path.read_bytes()).hexdigest()
    assert model_version(tiny_model_path) == f"tiny-sentiment-{digest[:12]}"


def test_model_loads_once_per_holder_and_is_shared(tiny_model_path):
    holder = ModelHolder(str(tiny_model_path))
    assert not holder.is_loaded
    first = holder.get()
    assert holder.is_loaded
    assert holder.get() is first
    assert first.module.calls == len(WARM_UP_BATCHES)  # no reload: no more forwards


def test_holder_for_returns_one_holder_per_model_path(tiny_model_path, tmp_path):
    assert holder_for(str(tiny_model_path)) is holder_for(str(tiny_model_path))
    assert holder_for(str(tiny_model_path)) is not holder_for(str(tmp_path / "other.pt"))


def test_load_runs_warm_up_forwards_and_sets_one_torch_thread(tiny_model_path):
    torch.set_num_threads(2)
    model = ModelHolder(str(tiny_model_path)).get()
    assert 2 <= model.module.calls <= 3
    assert model.module.batch_sizes == [len(texts) for texts in WARM_UP_BATCHES]
    assert torch.get_num_threads() == 1
    assert model.load_ms > 0


def test_predict_returns_one_probability_pair_per_text(tiny_model_path):
    model = ModelHolder(str(tiny_model_path)).get()
    texts = ["good good", "bad", "plain"]
    for (p_negative, p_positive), text in zip(model.predict(texts), texts, strict=True):
        expected_negative, expected_positive = tiny_probabilities(text)
        assert p_negative == pytest.approx(expected_negative, abs=1e-6)
        assert p_positive == pytest.approx(expected_positive, abs=1e-6)


def test_local_model_path_never_asks_for_s3(tiny_model_path):
    assert local_model_file(str(tiny_model_path), no_s3_client) == tiny_model_path


def test_missing_local_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelSourceError, match="is not a file"):
        local_model_file(str(tmp_path / "absent.pt"), no_s3_client)


@pytest.mark.parametrize("uri", ["s3://bucket", "s3://bucket/", "s3:///key.pt", "s3://b/dir/"])
def test_incomplete_s3_uri_is_rejected(uri):
    with pytest.raises(ModelSourceError, match="s3://bucket/key"):
        split_s3_uri(uri)


def test_s3_model_is_downloaded_to_tmp_and_versioned_by_its_bytes(aws, tiny_model_path):
    aws.s3.create_bucket(
        Bucket="models", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    aws.s3.upload_file(str(tiny_model_path), "models", "releases/sentiment-v2.pt")

    model = ModelHolder("s3://models/releases/sentiment-v2.pt").get()

    digest = hashlib.sha256(tiny_model_path.read_bytes()).hexdigest()[:12]
    assert model.version == f"sentiment-v2-{digest}"
    assert model.predict(["good"])[0][1] == pytest.approx(tiny_probabilities("good")[1])


@pytest.mark.parametrize(
    "rows",
    [
        [[0.5, 0.5]],  # one row for two texts
        [[0.5, 0.5], [0.2, 0.3, 0.5]],  # three classes
        [[0.5, 0.5], [math.nan, 0.5]],
        [[0.5, 0.5], [-0.1, 1.1]],
    ],
)
def test_model_output_that_is_not_a_pair_of_probabilities_per_text_is_refused(rows):
    with pytest.raises(ModelOutputError):
        checked_probabilities(rows, 2)


def test_real_model_loads_with_its_version_and_answers_probabilities(real_model_path):
    model = ModelHolder(str(real_model_path)).get()
    digest = hashlib.sha256(real_model_path.read_bytes()).hexdigest()[:12]
    assert model.version == f"{real_model_path.stem}-{digest}"
    texts = ["", "a" * 1000, "great 🎬 电影", "An utterly wonderful film."]
    for p_negative, p_positive in model.predict(texts):
        assert p_negative + p_positive == pytest.approx(1.0, abs=1e-5)
    assert model.predict([]) == []
