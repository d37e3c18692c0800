"""Third-party actions are pinned to commit SHAs, and the pin check catches every way to slip."""

import shutil

import pytest

from tests.lint import action_pins
from tests.lint.tools import ROOT

CHECKOUT = "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2"
TERRAFORM = "hashicorp/setup-terraform@b9cd54a3c349d3f38e8881555d616ced269862dd # v3.1.2"
PLANTED = {
    "release tag": ("workflows/checks.yml", CHECKOUT, "actions/checkout@v4.2.2"),
    "quoted release tag": ("workflows/checks.yml", CHECKOUT, '"actions/checkout@v4.2.2"'),
    "moving branch": ("workflows/checks.yml", CHECKOUT, "actions/checkout@main"),
    "abbreviated commit": ("workflows/checks.yml", CHECKOUT, "actions/checkout@11bd719 # v4.2.2"),
    "uppercase commit": ("workflows/checks.yml", CHECKOUT, CHECKOUT.upper().replace("# V", "# v")),
    "commit without its release comment": ("workflows/checks.yml", CHECKOUT, CHECKOUT[:57]),
    "comment that is not a release": (
        "workflows/checks.yml",
        CHECKOUT,
        CHECKOUT.replace("# v4.2.2", "# pinned"),
    ),
    "release tag in the composite action": (
        "actions/setup/action.yml",
        TERRAFORM,
        "hashicorp/setup-terraform@v3.1.2",
    ),
}


def test_every_third_party_action_is_pinned_to_a_commit():
    assert action_pins.unpinned_uses(ROOT / ".github") == []


def test_the_check_reads_the_workflows_and_the_composite_actions():
    files = action_pins.github_files(ROOT / ".github")
    names = {p.relative_to(ROOT / ".github").as_posix() for p in files}
    assert {"workflows/deploy.yml", "actions/setup/action.yml"} <= names


@pytest.mark.parametrize("path, before, after", PLANTED.values(), ids=PLANTED.keys())
def test_a_planted_unpinned_action_is_reported(tmp_path, path, before, after):
    github = tmp_path / ".github"
    shutil.copytree(ROOT / ".github", github)
    planted = github / path
    text = planted.read_text()
    assert before in text
    planted.write_text(text.replace(before, after, 1))
    (problem,) = action_pins.unpinned_uses(github)
    assert problem.startswith(f"{path}:")
    assert after.strip('"').split(" ")[0] in problem
