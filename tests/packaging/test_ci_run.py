""".ci/run passes make's verdict through, except pytest's "no tests collected" (exit 5)."""

import os
import shutil
import subprocess

import pytest

from tests.packaging.ci_scripts import ROOT

# What `make test` prints last when its pytest recipe exits with a given code.
FAKE_MAKE = """#!/usr/bin/env bash
echo "fake make $*"
echo "make: *** [Makefile:42: test] Error {code}" >&2
exit 2
"""


def run_ci(tmp_path, pytest_code):
    (tmp_path / ".ci").mkdir()
    shutil.copy(ROOT / ".ci" / "run", tmp_path / ".ci" / "run")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "make").write_text(FAKE_MAKE.format(code=pytest_code))
    (bin_dir / "make").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    return subprocess.run(
        ["bash", str(tmp_path / ".ci" / "run")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_ci_run_calls_make_test(tmp_path):
    done = run_ci(tmp_path, 1)
    assert "fake make test" in done.stdout


@pytest.mark.parametrize("pytest_code", [1, 2, 4])
def test_ci_run_fails_when_tests_fail(tmp_path, pytest_code):
    assert run_ci(tmp_path, pytest_code).returncode == 2


def test_ci_run_reports_no_collected_tests_without_failing(tmp_path):
    done = run_ci(tmp_path, 5)
    assert done.returncode == 0
    assert "collected no tests" in done.stdout
