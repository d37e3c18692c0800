"""Names that must line up across modules, the stack and the environment roots (python-hcl2),
where Terraform itself does not check them (.ci/terraform_checks/wiring.py)."""

from tests.terraform.tf_checks import REPO, plant, tree_copy, wiring


def test_every_variable_and_output_is_documented():
    assert wiring.documentation(REPO) == []


def test_environment_roots_declare_and_set_the_same_variables():
    assert wiring.environments_alike(REPO) == []


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


def test_every_moved_block_moves_into_a_module_call():
    assert wiring.moved_blocks(REPO) == []


def test_moved_block_into_an_undeclared_module_call_is_reported(tmp_path):
    tree = tree_copy(tmp_path)
    plant(
        tree / "infra/main.tf",
        "  to   = module.worker_trigger.aws_lambda_event_source_mapping.this\n",
        "  to   = module.worker_triggers.aws_lambda_event_source_mapping.this\n",
    )
    assert wiring.moved_blocks(tree) == ["infra: module.worker_triggers is not a module call"]
