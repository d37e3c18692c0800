"""Names that must line up across modules, the stack and the environment roots (python-hcl2)."""

from tests.terraform.tf_checks import REPO, plant, tree_copy, wiring


def test_module_calls_pass_every_required_variable_and_no_other():
    assert wiring.module_arguments(REPO) == []


def test_every_reference_names_something_declared():
    assert wiring.references(REPO) == []


def test_every_variable_and_output_is_documented():
    assert wiring.documentation(REPO) == []


def test_environment_roots_declare_and_set_the_same_variables():
    assert wiring.environments_alike(REPO) == []


def test_missing_required_variable_in_a_module_call_is_reported(tmp_path):
    tree = tree_copy(tmp_path)
    plant(tree / "infra/main.tf", "  api_stage_name            = module.api.stage_name\n", "")
    assert wiring.module_arguments(tree) == [
        "infra: module.alarms misses required variable api_stage_name"
    ]


def test_undeclared_variable_in_a_module_call_is_reported(tmp_path):
    tree = tree_copy(tmp_path)
    plant(
        tree / "infra/main.tf",
        "  alarm_emails              = var.alarm_emails\n",
        "  alarm_email               = var.alarm_emails\n",
    )
    assert wiring.module_arguments(tree) == [
        "infra: module.alarms passes undeclared variable alarm_email"
    ]


def test_reference_to_an_undeclared_module_output_is_reported(tmp_path):
    tree = tree_copy(tmp_path)
    plant(tree / "infra/outputs.tf", "module.queue.dlq_url\n", "module.queue.dead_letter_url\n")
    assert wiring.references(tree) == [
        "infra: module.queue.dead_letter_url is not an output of that module"
    ]


def test_reference_to_an_undeclared_variable_is_reported(tmp_path):
    tree = tree_copy(tmp_path)
    plant(
        tree / "modules/queue/main.tf",
        "  name                       = var.name\n",
        "  name                       = var.queue_name\n",
    )
    assert wiring.references(tree) == ["modules/queue: var.queue_name is not a declared variable"]


def test_reference_to_an_undeclared_local_is_reported(tmp_path):
    tree = tree_copy(tmp_path)
    plant(tree / "infra/main.tf", "local.worker.batch_size", "local.workers.batch_size")
    assert wiring.references(tree) == ["infra: local.workers is not a declared local"]


def test_variable_without_description_and_output_without_description_are_reported(tmp_path):
    tree = tree_copy(tmp_path)
    plant(
        tree / "modules/queue/variables.tf",
        '  description = "Long-polling wait of a receive call."\n',
        "",
    )
    plant(tree / "modules/queue/outputs.tf", '  description = "ARN of the work queue."\n', "")
    assert wiring.documentation(tree) == [
        "modules/queue: variable receive_wait_time_seconds has no description",
        "modules/queue: output queue_arn has no description",
    ]


def test_variable_without_type_is_reported(tmp_path):
    tree = tree_copy(tmp_path)
    plant(
        tree / "modules/alarms/variables.tf",
        '  description = "Name of the work queue."\n  type        = string\n',
        '  description = "Name of the work queue."\n',
    )
    assert wiring.documentation(tree) == ["modules/alarms: variable queue_name has no type"]


def test_environment_that_sets_fewer_variables_is_reported(tmp_path):
    tree = tree_copy(tmp_path)
    plant(
        tree / "environments/staging/terraform.tfvars",
        'log_level                       = "INFO"\n',
        "",
    )
    assert wiring.environments_alike(tree) == [
        "environments/staging: sets in terraform.tfvars without log_level"
        " (another environment has it)"
    ]


def test_tfvars_setting_an_undeclared_variable_is_reported(tmp_path):
    tree = tree_copy(tmp_path)
    for env in ("dev", "staging", "prod"):
        tfvars = tree / f"environments/{env}/terraform.tfvars"
        tfvars.write_text(tfvars.read_text() + 'log_levels = "INFO"\n')
    assert wiring.environments_alike(tree) == [
        f"environments/{env}: terraform.tfvars sets undeclared variable log_levels"
        for env in ("dev", "prod", "staging")
    ]


def test_moved_block_into_an_undeclared_module_call_is_reported(tmp_path):
    tree = tree_copy(tmp_path)
    plant(
        tree / "infra/main.tf",
        "  to   = module.worker_trigger.aws_lambda_event_source_mapping.this\n",
        "  to   = module.worker_triggers.aws_lambda_event_source_mapping.this\n",
    )
    assert wiring.references(tree) == ["infra: module.worker_triggers is not a module call"]
