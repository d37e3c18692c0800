"""Every third-party action runs at a full commit SHA, with its release in a trailing comment.

A tag can be moved after review (the tj-actions/changed-files compromise did exactly that), a
commit cannot; these workflows hold AWS deploy roles. The `# vX.Y.Z` comment keeps the pin
readable and is what Dependabot and Renovate update alongside the SHA.

The check reads the files as text, not YAML: a YAML loader drops the comment it has to see.
"""

import pathlib
import re

USES = re.compile(r"""^\s*(?:-\s+)?uses:\s*["']?(?P<ref>[^\s"'#]+)["']?(?P<rest>.*)$""")
COMMIT_PINNED = re.compile(r"^[\w.-]+/[\w.-]+(?:/[\w./-]+)?@[0-9a-f]{40}$")
RELEASE_COMMENT = re.compile(r"^\s+#\s*v\d[\w.+-]*\s*$")


def github_files(github: pathlib.Path) -> list[pathlib.Path]:
    """The workflows and the repo's own (composite) actions under a `.github` folder."""
    return sorted(github.glob("workflows/*.yml")) + sorted(github.glob("actions/*/action.yml"))


def unpinned_uses(github: pathlib.Path) -> list[str]:
    """One problem per `uses:` that is neither a local path nor `owner/repo@<sha> # v...`."""
    problems = []
    for path in github_files(github):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            step = USES.match(line)
            if not step or step["ref"].startswith("./"):
                continue
            if not (COMMIT_PINNED.match(step["ref"]) and RELEASE_COMMENT.match(step["rest"])):
                problems.append(
                    f"{path.relative_to(github).as_posix()}:{number}: {step['ref']} is not"
                    " pinned to a full commit SHA with a '# v...' release comment"
                )
    return problems
