"""Relative links in the repo's Markdown resolve, and the link check catches a moved file or a
renamed heading."""

import pytest

from tests.lint import doc_links
from tests.lint.tools import ROOT

GUIDE = """# Guide

- [Part one](#part-one)
- [`make up`: run it](#make-up-run-it)

## Part one

## `make up`: run it

## Notes

## Notes
"""
FRONT_PAGE = """# Project

See [part one](docs/guide.md#part-one), [the second notes](docs/guide.md#notes-1) and
[the layout](#project). External: [AWS](https://aws.amazon.com/#nothing-checked).

    an indented example, then `[not a link](nowhere.md)` in code
"""
PLANTED = {
    "moved file": ("README.md", "docs/guide.md#part-one", "docs/moved.md#part-one", "no such file"),
    "renamed heading": (
        "docs/guide.md",
        "## `make up`: run it",
        "## `make up`: running it",
        "docs/guide.md:4: #make-up-run-it: no heading with anchor",
    ),
    "anchor of a repeat that is not there": (
        "README.md",
        "#notes-1",
        "#notes-2",
        "no heading with anchor #notes-2",
    ),
    "link to a missing file from a guide": (
        "docs/guide.md",
        "# Guide",
        "# Guide\n\n[Security](security.md)",
        "docs/guide.md:3: security.md: no such file",
    ),
}


def _tree(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_text(GUIDE, encoding="utf-8")
    (tmp_path / "README.md").write_text(FRONT_PAGE, encoding="utf-8")
    return tmp_path


def test_every_relative_link_in_the_repo_resolves():
    assert doc_links.broken_links(ROOT) == []


def test_the_check_reads_the_readme_the_guides_and_the_module_readmes():
    names = {p.relative_to(ROOT).as_posix() for p in doc_links.markdown_files(ROOT)}
    assert {"README.md", "docs/api.md", "docs/worker.md", "modules/queue/README.md"} <= names
    assert not [name for name in names if name.startswith((".venv/", "build/"))]


def test_a_sound_tree_passes(tmp_path):
    assert doc_links.broken_links(_tree(tmp_path)) == []


@pytest.mark.parametrize("path, before, after, expected", PLANTED.values(), ids=PLANTED.keys())
def test_a_planted_broken_link_is_reported(tmp_path, path, before, after, expected):
    root = _tree(tmp_path)
    planted = root / path
    text = planted.read_text(encoding="utf-8")
    assert before in text
    planted.write_text(text.replace(before, after, 1), encoding="utf-8")
    (problem,) = doc_links.broken_links(root)
    assert expected in problem


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("`POST /predict`: submit a text", "post-predict-submit-a-text"),
        ("Offline Terraform plans (`make tf-check`)", "offline-terraform-plans-make-tf-check"),
        ("Differences from real AWS", "differences-from-real-aws"),
        ("Plan role (`<prefix>-<env>-plan`)", "plan-role-prefix-env-plan"),
        ("`GET /status/{request_id}`: poll", "get-statusrequest_id-poll"),
        ("See [the guide](docs/api.md)", "see-the-guide"),
    ],
)
def test_anchors_follow_githubs_rules(title, expected):
    assert doc_links.anchor(title) == expected
