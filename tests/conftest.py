"""Shared test set-up: every test is marked by the folder it lives in, so `-m unit` etc. work."""

import pathlib

import pytest

TESTS = pathlib.Path(__file__).resolve().parent
FOLDER_MARKERS = {
    "unit": "unit",
    "integration": "integration",
    "terraform": "terraform",
    "packaging": "packaging",
    "lint": "lint",
    "bench": "bench",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        relative = pathlib.Path(item.fspath).resolve().relative_to(TESTS)
        marker = FOLDER_MARKERS.get(relative.parts[0]) if len(relative.parts) > 1 else None
        if marker:
            item.add_marker(getattr(pytest.mark, marker))
