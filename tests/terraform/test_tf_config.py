"""Configuration errors Terraform reports before it needs a provider (terraform init, offline)."""

from tests.terraform.tf_checks import REPO, config_check, plant, tree_copy


def _problems_about(problems: list[str], root: str) -> list[str]:
    return [p for p in problems if p.startswith(f"{root}: ")]


def test_every_root_loads_up_to_the_provider_stage():
    assert config_check.run(REPO) == []


def test_syntax_error_is_reported(tmp_path):
    tree = tree_copy(tmp_path)
    plant(
        tree / "infra/main.tf",
        "  batch_size                         = local.worker.batch_size\n",
        "  batch_size = [1\n",
    )
    problems = _problems_about(config_check.run(tree), "environments/dev")
    assert any("Missing item separator" in p and "infra/main.tf" in p for p in problems), problems


def test_bad_type_and_duplicate_variable_are_reported(tmp_path):
    tree = tree_copy(tmp_path)
    variables = tree / "modules/results_table/variables.tf"
    plant(
        variables,
        '"Refuse to delete the table (turn off before destroying an environment on purpose)."\n'
        "  type        = bool\n",
        '"x"\n  type        = boool\n',
    )
    variables.write_text(variables.read_text() + 'variable "name" {\n  type = string\n}\n')
    problems = _problems_about(config_check.run(tree), "environments/prod")
    assert any("Invalid type specification" in p and "boool" in p for p in problems), problems
    assert any("Duplicate variable declaration" in p for p in problems), problems


def test_missing_required_module_argument_is_reported(tmp_path):
    tree = tree_copy(tmp_path)
    plant(tree / "infra/main.tf", "  ttl_attribute          = local.results.ttl_attribute\n", "")
    problems = _problems_about(config_check.run(tree), "environments/staging")
    assert any(
        "Missing required argument" in p and '"ttl_attribute" is required' in p for p in problems
    ), problems


def test_bootstrap_root_is_checked_too(tmp_path):
    tree = tree_copy(tmp_path)
    plant(
        tree / "infra/bootstrap/main.tf",
        '  source = "../../modules/ecr_repository"\n',
        '  source = "../../modules/ecr_repository"\n  bogus  = 1\n',
    )
    problems = _problems_about(config_check.run(tree), "infra/bootstrap")
    assert any("Unsupported argument" in p and "bogus" in p for p in problems), problems
