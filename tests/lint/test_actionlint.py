"""actionlint (with shellcheck for `run:` scripts) over the GitHub workflows."""

from tests.lint.tools import BIN, ROOT, run

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


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
