"""Module READMEs document every variable and output (.ci/terraform_checks/module_docs.py)."""

from __future__ import annotations

from tf_checks import REPO, module_docs, plant, tree_copy


def test_every_module_readme_documents_its_variables_and_outputs():
    assert module_docs.run(REPO) == []


def test_an_undocumented_variable_is_reported(tmp_path):
    tree = tree_copy(tmp_path / "tree")
    plant(
        tree / "modules" / "queue" / "variables.tf",
        'variable "max_receive_count" {',
        'variable "undocumented_knob" {\n  type = number\n}\n\nvariable "max_receive_count" {',
    )

    assert module_docs.run(tree) == [
        "queue: variable `undocumented_knob` is not in a table row of its README.md"
    ]


def test_an_output_missing_from_the_readme_is_reported(tmp_path):
    tree = tree_copy(tmp_path / "tree")
    readme = tree / "modules" / "queue" / "README.md"
    rows = [line for line in readme.read_text().splitlines() if "`dlq_url`" in line]
    assert len(rows) == 1
    plant(readme, rows[0], "")

    assert module_docs.run(tree) == [
        "queue: output `dlq_url` is not in a table row of its README.md"
    ]
