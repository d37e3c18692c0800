"""Naming the exact artifact bytes a predictor serves."""

import hashlib
import pathlib

VERSION_HASH_CHARS = 12


def version_of(path: pathlib.Path) -> str:
    """`<file stem>-<first 12 hex digits of the file's sha256>`, as the worker has always named
    its model: two containers report the same version exactly when they serve the same bytes."""
    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    return f"{path.stem}-{digest[:VERSION_HASH_CHARS]}"
