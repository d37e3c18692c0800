"""ruff check and ruff format --check over every Python file, with the repo's one config
([tool.ruff] in the root pyproject.toml, which ruff finds on its own)."""

from tests.lint.tools import run


def test_ruff_check_passes_on_the_repo():
    done = run("ruff", "check", "--no-cache", ".")
    assert done.returncode == 0, done.stdout


def test_ruff_format_check_passes_on_the_repo():
    done = run("ruff", "format", "--check", "--no-cache", ".")
    assert done.returncode == 0, done.stdout
