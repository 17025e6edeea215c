"""Boolean expressions over data elements and facts: `name AND (ssn OR (account_number AND access_code))`."""

from __future__ import annotations

import re
from collections.abc import Set
from dataclasses import dataclass

TOKEN = re.compile(r"\s*(?:(\()|(\))|([A-Za-z_][A-Za-z0-9_]*))")
KEYWORDS = {"AND", "OR", "NOT", "TRUE", "FALSE"}


class ExprError(ValueError):
    """A rule expression that does not parse or names an unknown identifier."""


@dataclass(frozen=True)
class Expr:
    """A parsed expression: ("var", name) | ("const", bool) | ("not", e) | ("and"|"or", [e, …])."""

    node: tuple[object, ...]
    source: str

    def __call__(self, true: Set[str]) -> bool:
        """Return the value with the given identifiers true and every other one false."""
        return _eval(self.node, true)

    @property
    def names(self) -> frozenset[str]:
        """Return the identifiers the expression mentions."""
        return frozenset(_names(self.node))

    @property
    def constant(self) -> bool | None:
        """Return the value when the expression is the literal TRUE or FALSE."""
        return bool(self.node[1]) if self.node[0] == "const" else None


def _tokens(text: str) -> list[str]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ExprError(f"unexpected character at position {pos + 1}")
        out.append(m.group(m.lastindex or 0))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens, self.pos = tokens, 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        tok = self.peek()
        if tok is None:
            raise ExprError("expression ends too early")
        self.pos += 1
        return tok

    def parse_or(self) -> tuple[object, ...]:
        items = [self.parse_and()]
        while (self.peek() or "").upper() == "OR":
            self.take()
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else ("or", items)

    def parse_and(self) -> tuple[object, ...]:
        items = [self.parse_not()]
        while (self.peek() or "").upper() == "AND":
            self.take()
            items.append(self.parse_not())
        return items[0] if len(items) == 1 else ("and", items)

    def parse_not(self) -> tuple[object, ...]:
        if (self.peek() or "").upper() == "NOT":
            self.take()
            return ("not", self.parse_not())
        return self.parse_atom()

    def parse_atom(self) -> tuple[object, ...]:
        tok = self.take()
        if tok == "(":
            inner = self.parse_or()
            if self.take() != ")":
                raise ExprError("missing ')'")
            return inner
        if tok == ")" or tok.upper() in {"AND", "OR", "NOT"}:
            raise ExprError(f"unexpected {tok!r}")
        if tok.upper() in {"TRUE", "FALSE"}:
            return ("const", tok.upper() == "TRUE")
        return ("var", tok.lower())


def parse(text: str, known: Set[str] | None = None) -> Expr:
    """Parse an expression; with `known`, reject identifiers outside it."""
    tokens = _tokens(text)
    if not tokens:
        raise ExprError("empty expression")
    parser = _Parser(tokens)
    node = parser.parse_or()
    if parser.peek() is not None:
        raise ExprError(f"unexpected {parser.peek()!r} after the expression")
    expr = Expr(node, text.strip())
    if known is not None:
        unknown = sorted(expr.names - set(known))
        if unknown:
            raise ExprError(f"unknown identifier(s): {', '.join(unknown)}")
    return expr


def _eval(node: tuple[object, ...], true: Set[str]) -> bool:
    kind = node[0]
    if kind == "var":
        return node[1] in true
    if kind == "const":
        return bool(node[1])
    if kind == "not":
        return not _eval(node[1], true)  # type: ignore[arg-type]
    items: list[tuple[object, ...]] = node[1]  # type: ignore[assignment]
    if kind == "and":
        return all(_eval(i, true) for i in items)
    return any(_eval(i, true) for i in items)


def _names(node: tuple[object, ...]) -> set[str]:
    kind = node[0]
    if kind == "var":
        return {str(node[1])}
    if kind == "const":
        return set()
    if kind == "not":
        return _names(node[1])  # type: ignore[arg-type]
    items: list[tuple[object, ...]] = node[1]  # type: ignore[assignment]
    return set().union(*(_names(i) for i in items))
