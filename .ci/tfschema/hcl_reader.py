"""Read .tf files into blocks, arguments and references, each with its line number.

python-hcl2 8.x serializes to dicts without positions, so we walk its typed rule tree instead
(`hcl2.parses`), whose rules carry lark line metadata.
"""

from __future__ import annotations

import dataclasses
import pathlib
import re

import hcl2
from hcl2.rules.abstract import LarkRule
from hcl2.rules.base import AttributeRule, BlockRule, BodyRule
from hcl2.rules.expressions import ExprTermRule
from hcl2.rules.indexing import (
    AttrSplatExprTermRule,
    AttrSplatRule,
    FullSplatExprTermRule,
    FullSplatRule,
    GetAttrExprTermRule,
    GetAttrRule,
    IndexExprTermRule,
)
from hcl2.rules.literal_rules import IdentifierRule
from hcl2.rules.strings import HeredocTemplateRule
from hcl2.rules.whitespace import NewLineOrCommentRule

TRAVERSALS = (GetAttrExprTermRule, IndexExprTermRule, FullSplatExprTermRule, AttrSplatExprTermRule)
INDEX = "[]"  # a step that indexes or splats: aws_x.y[0], aws_x.y["k"], aws_x.y[*], aws_x.y.*


@dataclasses.dataclass(frozen=True)
class Reference:
    """A traversal: aws_sqs_queue.this[0].arn is steps ("aws_sqs_queue", "this", "[]", "arn")."""

    steps: tuple[str, ...]
    line: int

    def __str__(self) -> str:
        return ".".join(self.steps).replace(".[]", "[i]")


@dataclasses.dataclass
class Argument:
    name: str
    line: int
    references: list[Reference]


@dataclasses.dataclass
class Block:
    type: str
    labels: list[str]
    line: int
    arguments: dict[str, Argument] = dataclasses.field(default_factory=dict)
    blocks: list[Block] = dataclasses.field(default_factory=list)

    def all_references(self):
        for argument in self.arguments.values():
            yield from argument.references
        for block in self.blocks:
            yield from block.all_references()


def read_tf(path: pathlib.Path) -> Block:
    """The file as a root block of type "" holding its top-level blocks and arguments."""
    root = Block(type="", labels=[], line=1)
    _fill(root, hcl2.parses(path.read_text()).body)
    return root


def _line(rule: LarkRule) -> int:
    return getattr(rule._meta, "line", 0) if hasattr(rule, "_meta") else 0


def _label(rule) -> str:
    return str(rule.serialize()).strip('"')


def _fill(block: Block, body: BodyRule) -> None:
    for child in body.children:
        if isinstance(child, AttributeRule):
            name = str(child.identifier.serialize())
            block.arguments[name] = Argument(name, _line(child), list(references(child.expression)))
        elif isinstance(child, BlockRule):
            labels = [_label(label) for label in child.labels]
            nested = Block(type=labels[0], labels=labels[1:], line=_line(child))
            _fill(nested, child.body)
            block.blocks.append(nested)


def _meaningful(children):
    return [
        c for c in children if isinstance(c, LarkRule) and not isinstance(c, NewLineOrCommentRule)
    ]


def _unwrap(rule):
    """ExprTermRule wraps one expression (and maybe parentheses); look through it."""
    while isinstance(rule, ExprTermRule):
        inner = _meaningful(rule.children)
        if len(inner) != 1:
            return rule
        rule = inner[0]
    return rule


def _steps(rule) -> list[str] | None:
    """Flatten a traversal into names and INDEX markers; None if it is not rooted at a name."""
    rule = _unwrap(rule)
    if isinstance(rule, IdentifierRule):
        return [str(rule.serialize())]
    if not isinstance(rule, TRAVERSALS):
        return None
    base = _steps(rule.children[0])
    if base is None:
        return None
    if isinstance(rule, GetAttrExprTermRule):
        return [*base, str(rule.get_attr.identifier.serialize())]
    if isinstance(rule, IndexExprTermRule):
        return [*base, INDEX]
    splat = next(c for c in rule.children if isinstance(c, (FullSplatRule, AttrSplatRule)))
    names = [str(c.identifier.serialize()) for c in splat.children if isinstance(c, GetAttrRule)]
    return [*base, INDEX, *names]


def _index_expressions(rule):
    """The expressions used as indexes along a traversal chain, e.g. `i` in aws_x.y[i].z."""
    while isinstance(rule, TRAVERSALS):
        yield from _meaningful(rule.children[1:])
        rule = _unwrap(rule.children[0])


INTERPOLATION = re.compile(r"(?<!\$)\$\{")


def _heredoc_expressions(text: str):
    """Each `${...}` of a heredoc as parsed expressions (hcl2 keeps heredocs as raw text)."""
    for match in INTERPOLATION.finditer(text):
        depth, end = 1, match.end()
        while end < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            end += 1
        parsed = hcl2.parses(f"x = {text[match.end() : end - 1]}\n").body
        yield from (c.expression for c in parsed.children if isinstance(c, AttributeRule))


def references(rule, line: int = 0):
    """Every maximal traversal rooted at a name inside an expression, with its line."""
    line = _line(rule) or line
    if isinstance(rule, TRAVERSALS):
        steps = _steps(rule)
        if steps:
            yield Reference(tuple(steps), line)
        for index in _index_expressions(rule):
            yield from references(index, line)
        return
    if isinstance(rule, HeredocTemplateRule):
        # Positions inside a heredoc are not tracked: report the heredoc's own line.
        for expression in _heredoc_expressions(str(rule.heredoc.value)):
            yield from (dataclasses.replace(r, line=line) for r in references(expression))
        return
    for child in getattr(rule, "children", None) or []:
        if isinstance(child, LarkRule):
            yield from references(child, line)
