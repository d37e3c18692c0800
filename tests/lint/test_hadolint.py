"""hadolint over every Dockerfile in the repo (the worker image's is the only one today)."""

import pytest

from tests.lint.tools import ROOT, run

DOCKERFILES = sorted(
    p for p in ROOT.glob("**/Dockerfile*") if p.is_file() and not p.name.endswith(".dockerignore")
)


def test_the_worker_dockerfile_is_found():
    assert ROOT / "worker" / "Dockerfile" in DOCKERFILES


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_hadolint_passes(dockerfile):
    done = run("hadolint", "--no-color", str(dockerfile))
    assert done.returncode == 0, done.stdout
