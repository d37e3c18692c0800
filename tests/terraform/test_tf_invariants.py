"""The stack's invariants hold for the values every environment deploys (settings.json + tfvars),
and the Terraform states each of them as a validation or precondition with a message to act on."""

import json

import pytest

from tests.terraform.tf_checks import REPO, hcl, invariants, plant, tree_copy


def _set_setting(tree, section, key, value):
    path = tree / "infra/settings.json"
    settings = json.loads(path.read_text())
    settings[section][key] = value
    path.write_text(json.dumps(settings, indent=2))


def test_every_environment_meets_the_invariants():
    assert invariants.run(REPO) == []


def test_visibility_below_six_times_the_worker_timeout_is_reported(tmp_path):
    tree = tree_copy(tmp_path)
    _set_setting(tree, "queue", "visibility_timeout_seconds", 360)  # the chapter's 360 s for 120 s
    problems = invariants.run(tree)
    assert len(problems) == 3, problems  # every environment deploys it
    assert (
        "queue.visibility_timeout_seconds 360 is below 6 x worker.timeout_seconds (720)"
        in problems[0]
    )


def test_max_receive_count_below_five_is_reported(tmp_path):
    tree = tree_copy(tmp_path)
    _set_setting(tree, "queue", "max_receive_count", 3)
    assert invariants.run(tree)[0] == "environments/dev: queue.max_receive_count 3 is below 5"


def test_worker_timeout_above_fifteen_minutes_is_reported(tmp_path):
    tree = tree_copy(tmp_path)
    _set_setting(tree, "worker", "timeout_seconds", 1000)
    _set_setting(tree, "queue", "visibility_timeout_seconds", 6000)
    assert invariants.run(tree)[0] == "environments/dev: worker.timeout_seconds 1000 is above 900"


def test_mapping_concurrency_above_reserved_concurrency_is_reported(tmp_path):
    tree = tree_copy(tmp_path)
    plant(
        tree / "environments/prod/terraform.tfvars",
        "worker_reserved_concurrency     = 10\n",
        "worker_reserved_concurrency     = 4\n",
    )
    assert invariants.run(tree) == [
        "environments/prod: worker.maximum_concurrency 8 is above worker_reserved_concurrency 4"
    ]


def test_mapping_concurrency_below_two_is_reported(tmp_path):
    tree = tree_copy(tmp_path)
    plant(
        tree / "environments/prod/terraform.tfvars",
        "maximum_concurrency = 8",
        "maximum_concurrency = 1",
    )
    assert invariants.run(tree) == ["environments/prod: worker.maximum_concurrency 1 is below 2"]


def test_override_of_a_setting_that_does_not_exist_is_reported(tmp_path):
    tree = tree_copy(tmp_path)
    plant(
        tree / "environments/prod/terraform.tfvars",
        "maximum_concurrency = 8",
        "max_concurrency = 8",
    )
    assert invariants.run(tree) == [
        "environments/prod: settings_overrides.worker.max_concurrency is not a setting of "
        "infra/settings.json"
    ]


def test_dlq_visibility_below_six_times_the_drain_timeout_is_reported(tmp_path):
    tree = tree_copy(tmp_path)
    _set_setting(tree, "queue", "dlq_visibility_timeout_seconds", 30)
    assert invariants.run(tree)[0] == (
        "environments/dev: queue.dlq_visibility_timeout_seconds 30 is below "
        "6 x dead_letters.timeout_seconds (180)"
    )


def test_drain_concurrency_below_two_is_reported(tmp_path):
    tree = tree_copy(tmp_path)
    _set_setting(tree, "dead_letters", "maximum_concurrency", 1)
    assert invariants.run(tree)[0] == (
        "environments/dev: dead_letters.maximum_concurrency 1 is below 2"
    )


def test_drain_concurrency_above_a_reservation_is_reported(tmp_path):
    tree = tree_copy(tmp_path)
    _set_setting(tree, "dead_letters", "reserved_concurrency", 2)
    _set_setting(tree, "dead_letters", "maximum_concurrency", 3)
    assert invariants.run(tree)[0] == (
        "environments/dev: dead_letters.maximum_concurrency 3 is above "
        "dead_letters.reserved_concurrency 2"
    )


def test_no_reservation_anywhere_is_allowed(tmp_path):
    """A fresh account keeps 100 executions unreserved out of a quota that may be 10: the
    environments must be deployable with no reserved concurrency at all."""
    tree = tree_copy(tmp_path)
    plant(
        tree / "environments/prod/terraform.tfvars",
        "worker_reserved_concurrency     = 10\n",
        "worker_reserved_concurrency     = null\n",
    )
    assert invariants.run(tree) == []
    for env in ("dev", "staging"):
        tfvars = (tree / f"environments/{env}/terraform.tfvars").read_text()
        assert "worker_reserved_concurrency     = null" in tfvars
        assert "enqueue_reserved_concurrency    = null" in tfvars


def _validations(folder: str, variable: str) -> list[dict]:
    body = hcl.labelled(hcl.load_dir(REPO / folder), "variable")[variable]
    return body.get("validation", [])


def _preconditions(folder: str, rtype: str, name: str) -> list[dict]:
    module = hcl.load_dir(REPO / folder)
    body = next(b for t, n, b in hcl.resources(module) if (t, n) == (rtype, name))
    return [p for lifecycle in body.get("lifecycle", []) for p in lifecycle.get("precondition", [])]


@pytest.mark.parametrize(
    ("rule", "location", "condition_part", "message_part"),
    [
        (
            "queue visibility >= 6x the function timeout (worker and drain)",
            ("modules/sqs_trigger", "aws_lambda_event_source_mapping", "this"),
            "var.queue_visibility_timeout_seconds >= 6 * var.function_timeout_seconds",
            "as AWS asks for SQS-triggered functions: raise "
            "${var.setting_names.queue_visibility_timeout_seconds} or lower "
            "${var.setting_names.function_timeout_seconds}",
        ),
        (
            "mapping concurrency between 2 and the function's reserved concurrency",
            ("modules/sqs_trigger", "aws_lambda_event_source_mapping", "this"),
            "var.maximum_concurrency >= 2 && (var.function_reserved_concurrency == null || "
            "var.maximum_concurrency <= coalesce(var.function_reserved_concurrency, 0))",
            "or the mapping gets throttled: raise "
            "${var.setting_names.function_reserved_concurrency} (or set it to null) or lower "
            "${var.setting_names.maximum_concurrency}",
        ),
        (
            "provisioned concurrency on the alias",
            ("modules/function", "aws_lambda_provisioned_concurrency_config", "this"),
            'aws_lambda_alias.this.function_version != "$LATEST"',
            "keep publish = true",
        ),
    ],
)
def test_terraform_states_the_invariant_as_a_precondition(
    rule, location, condition_part, message_part
):
    preconditions = _preconditions(*location)
    assert any(
        condition_part in p["condition"] and message_part in p["error_message"]
        for p in preconditions
    ), rule


@pytest.mark.parametrize(
    ("rule", "folder", "variable", "message_part"),
    [
        (
            "worker timeout <= 900",
            "modules/function",
            "timeout_seconds",
            "Lower it, or move the work off Lambda",
        ),
        ("maxReceiveCount >= 5", "modules/queue", "max_receive_count", "Raise it to 5"),
        ("no :latest image", "modules/function", "image", 'not \\":latest\\"'),
        ("no :latest image", "infra", "worker_image_uri", 'not \\":latest\\"'),
        ("no wildcard action", "modules/function", "policy_json", 'no \\"*\\" or \\"service:*\\"'),
        (
            "provisioned <= reserved",
            "modules/function",
            "provisioned_concurrency",
            "raise reserved_concurrency",
        ),
        ("log retention never forever", "modules/function", "log_retention_days", "never 0"),
        (
            "overrides name settings of settings.json",
            "infra",
            "settings_overrides",
            "Fix the spelling, or add the setting to settings.json",
        ),
        ("batch above 10 needs a window", "modules/sqs_trigger", "batch_size", "set a batching"),
        (
            "trigger on an alias",
            "modules/sqs_trigger",
            "function_arn",
            "pass the alias ARN, not the function's",
        ),
    ],
)
def test_terraform_states_the_invariant_as_a_validation(rule, folder, variable, message_part):
    messages = [v["error_message"] for v in _validations(folder, variable)]
    assert any(message_part in m for m in messages), (rule, messages)
