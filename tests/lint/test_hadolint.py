"""hadolint over every Dockerfile in the repo (the worker image's is the only one today)."""

import shutil

import pytest

from tests.lint.tools import ROOT, run

DOCKERFILES = sorted(
    p for p in ROOT.glob("**/Dockerfile*") if p.is_file() and not p.name.endswith(".dockerignore")
)
PLANTED = {
    "unpinned yum package": (
        "RUN yum install -y gcc\n",
        "DL3033",
    ),
    "latest base image": ("FROM public.ecr.aws/lambda/python:latest\n", "DL3007"),
    "cd instead of WORKDIR": ("RUN cd /tmp && ls\n", "DL3003"),
}


def test_the_worker_dockerfile_is_found():
    assert ROOT / "worker" / "Dockerfile" in DOCKERFILES


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_hadolint_passes(dockerfile):
    done = run("hadolint", "--no-color", str(dockerfile))
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize("line, rule", PLANTED.values(), ids=PLANTED.keys())
def test_hadolint_catches_a_planted_defect(tmp_path, line, rule):
    planted = tmp_path / "Dockerfile"
    shutil.copy(ROOT / "worker" / "Dockerfile", planted)
    with planted.open("a") as dockerfile:
        dockerfile.write(line)
    done = run("hadolint", "--no-color", str(planted))
    assert done.returncode == 1
    assert rule in done.stdout
