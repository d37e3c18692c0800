"""Every relative link in the repo's Markdown resolves: the file exists and, with a `#fragment`
into a Markdown file, that file has a heading with that anchor.

The README is a front page that links into the guides under docs/, and each guide opens with a
table of contents of `#anchor` links; a moved file or a renamed heading breaks them silently,
since nothing renders Markdown here. External links (`https:`, `mailto:`) are not fetched.
"""

import pathlib
import re

SKIPPED_DIRS = {".git", ".venv", ".tools", "build", "node_modules", "__pycache__"}
LINK = re.compile(r"\[[^\]]*\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^\s*(```|~~~)")
INLINE_CODE = re.compile(r"`[^`]*`")
HEADING = re.compile(r"^#{1,6}\s+(?P<title>.+?)\s*#*\s*$")
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def markdown_files(root: pathlib.Path) -> list[pathlib.Path]:
    """The Markdown files under root, outside virtualenvs, tool caches and build output."""
    return sorted(
        path
        for path in root.rglob("*.md")
        if not SKIPPED_DIRS.intersection(path.relative_to(root).parts[:-1])
        and not any(part.endswith(".egg-info") for part in path.parts)
    )


def _prose_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) outside fenced code blocks, with inline code spans blanked out."""
    lines, in_fence = [], False
    for number, line in enumerate(text.splitlines(), start=1):
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        if not in_fence:
            lines.append((number, INLINE_CODE.sub("", line)))
    return lines


def anchor(title: str) -> str:
    """GitHub's anchor for a heading: link text kept, lowercase, punctuation but `-` and `_`
    dropped, spaces to hyphens."""
    plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", title).strip().lower()
    return re.sub(r"[^\w\- ]", "", plain).replace(" ", "-")


def anchors(path: pathlib.Path) -> set[str]:
    """Every heading anchor of a Markdown file, with GitHub's -1, -2 suffixes for repeats."""
    seen: dict[str, int] = {}
    found = set()
    in_fence = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        heading = None if in_fence else HEADING.match(line)
        if heading:
            base = anchor(heading["title"])
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
    return found


def broken_links(root: pathlib.Path) -> list[str]:
    """One problem per relative link whose file or heading anchor does not exist."""
    problems = []
    for path in markdown_files(root):
        for number, line in _prose_lines(path.read_text(encoding="utf-8")):
            for link in LINK.finditer(line):
                target = link["target"]
                if EXTERNAL.match(target):
                    continue
                file_part, _, fragment = target.partition("#")
                linked = (path.parent / file_part).resolve() if file_part else path
                where = f"{path.relative_to(root).as_posix()}:{number}: {target}"
                if not linked.exists():
                    problems.append(f"{where}: no such file")
                elif fragment and linked.suffix == ".md" and fragment not in anchors(linked):
                    problems.append(f"{where}: no heading with anchor #{fragment}")
    return problems
