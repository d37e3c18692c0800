"""actionlint (with shellcheck for `run:` scripts) over the GitHub workflows."""

import shutil

import pytest

from tests.lint.tools import BIN, ROOT, run

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PLANTED = {
    "needs a job that does not exist": (
        "deploy.yml",
        "needs: apply-dev",
        "needs: apply-everything",
        "job-needs",
    ),
    "expression of a wrong type": (
        "terraform-plan.yml",
        "if: inputs.comment",
        "if: inputs.comment.nested",
        "expression",
    ),
    "unquoted variable in a run script": (
        "checks.yml",
        "run: make lint",
        "run: make lint ENV=$ENVIRONMENT",
        "shellcheck",
    ),
    "unknown key": (
        "terraform-apply.yml",
        "timeout-minutes: 60",
        "timeout-minute: 60",
        "syntax-check",
    ),
}


def actionlint(*files, cwd=ROOT):
    return run(
        "actionlint",
        "-oneline",
        "-shellcheck",
        str(BIN / "shellcheck"),
        "-pyflakes",
        "",
        *files,
        cwd=cwd,
    )


def test_every_pipeline_workflow_is_linted():
    names = {p.name for p in WORKFLOWS}
    assert {"pull-request.yml", "deploy.yml", "checks.yml"} <= names


def test_actionlint_passes_on_the_workflows():
    done = actionlint(*map(str, WORKFLOWS))
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize("workflow, before, after, kind", PLANTED.values(), ids=PLANTED.keys())
def test_actionlint_catches_a_planted_defect(tmp_path, workflow, before, after, kind):
    shutil.copytree(ROOT / ".github", tmp_path / ".github")
    planted = tmp_path / ".github" / "workflows" / workflow
    text = planted.read_text()
    assert before in text
    planted.write_text(text.replace(before, after, 1))
    done = actionlint(str(planted), cwd=tmp_path)
    assert done.returncode == 1
    assert kind in done.stdout
