"""ruff check and ruff format --check over every Python file, with the repo's one config."""

import shutil

from tests.lint.tools import ROOT, RUFF_CONFIG, run


def test_ruff_check_passes_on_the_repo():
    done = run("ruff", "check", "--config", str(RUFF_CONFIG), "--no-cache", ".")
    assert done.returncode == 0, done.stdout


def test_ruff_format_check_passes_on_the_repo():
    done = run("ruff", "format", "--check", "--config", str(RUFF_CONFIG), "--no-cache", ".")
    assert done.returncode == 0, done.stdout


def test_ruff_check_catches_a_planted_violation(tmp_path):
    shutil.copy(ROOT / ".ci" / "build_enqueue_zip.py", tmp_path / "planted.py")
    with (tmp_path / "planted.py").open("a") as planted:
        planted.write("\n\ndef unused():\n    import os\n    return eval('1')\n")
    done = run("ruff", "check", "--config", str(RUFF_CONFIG), "--no-cache", ".", cwd=tmp_path)
    assert done.returncode == 1
    assert "F401" in done.stdout  # unused import
    assert "S307" in done.stdout  # eval


def test_ruff_format_catches_planted_misformatting(tmp_path):
    (tmp_path / "planted.py").write_text("x = {  'a':1,\n'b' :2 }\n")
    done = run(
        "ruff", "format", "--check", "--config", str(RUFF_CONFIG), "--no-cache", ".", cwd=tmp_path
    )
    assert done.returncode == 1
    assert "planted.py" in done.stdout
