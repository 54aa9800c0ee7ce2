"""Custom rule packs bring their own regular expressions; Python's `re` backtracks and has no
timeout, so `^(a+)+$` against 30 characters hangs a CI gate. Two guards:

- at pack load (and `mlprodlint rules validate`), `catastrophic(pattern)` rejects the shapes that
  backtrack exponentially: a repeated group whose body can itself repeat with nothing else
  required (`(a+)+`, `(.*)*`, `(\\w+\\s?)*`), whose body can match the empty string (`(a?)*`),
  or whose alternatives can start with the same character (`(a|a)*`, `(a|ab)+`); a repeated
  group with a required separator (`([a-z0-9]+-)*`) is fine;
- at run time, values longer than MAX_MATCH_CHARS are not matched at all (a finding says so),
  which bounds the polynomial cases the structural check lets through.
"""

from __future__ import annotations

import re
from typing import Any

try:  # Python 3.11+: the parser is private; it has been stable for decades.
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

MAX_MATCH_CHARS = 10_000
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)} - {None}
_ALL = frozenset(["any"])  # "could be any character"
# First-character sets hold ("range", low, high), ("category", name) or "any".


def _nullable(items: Any) -> bool:
    return all(_item_nullable(op, av) for op, av in items)


def _item_nullable(op: Any, av: Any) -> bool:
    if op in _REPEATS:
        return av[0] == 0 or _nullable(av[2])
    if op is _c.SUBPATTERN:
        return _nullable(av[-1])
    if op is _c.BRANCH:
        return any(_nullable(branch) for branch in av[1])
    return op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT, _c.GROUPREF)


def _first(items: Any) -> frozenset[Any]:
    """Characters (code points, or "any") a sequence can start with (over-approximated)."""
    found: set[Any] = set()
    for op, av in items:
        found |= _item_first(op, av)
        if not _item_nullable(op, av):
            break
    return frozenset(found)


def _item_first(op: Any, av: Any) -> frozenset[Any]:
    if op is _c.LITERAL:
        return frozenset([("range", av, av)])
    if op is _c.IN:
        chars: set[Any] = set()
        for kind, value in av:
            if kind is _c.LITERAL:
                chars.add(("range", value, value))
            elif kind is _c.RANGE:
                chars.add(("range", value[0], value[1]))
            elif kind is _c.CATEGORY:
                chars.add(("category", str(value)))
            else:  # NEGATE and the rest: could be almost anything
                return _ALL
        return frozenset(chars)
    if op in _REPEATS:
        return _first(av[2])
    if op is _c.SUBPATTERN:
        return _first(av[-1])
    if op is _c.BRANCH:
        return frozenset().union(*(_first(b) for b in av[1]))
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return frozenset()
    return _ALL


_CATEGORY_TESTS = {
    "CATEGORY_DIGIT": re.compile(r"\d"), "CATEGORY_NOT_DIGIT": re.compile(r"\D"),
    "CATEGORY_SPACE": re.compile(r"\s"), "CATEGORY_NOT_SPACE": re.compile(r"\S"),
    "CATEGORY_WORD": re.compile(r"\w"), "CATEGORY_NOT_WORD": re.compile(r"\W"),
}
_DISJOINT = {frozenset(pair) for pair in (
    ("CATEGORY_DIGIT", "CATEGORY_SPACE"), ("CATEGORY_WORD", "CATEGORY_SPACE"), ("CATEGORY_DIGIT", "CATEGORY_NOT_DIGIT"),
    ("CATEGORY_SPACE", "CATEGORY_NOT_SPACE"), ("CATEGORY_WORD", "CATEGORY_NOT_WORD"), ("CATEGORY_DIGIT", "CATEGORY_NOT_WORD"),
)}


def _pair_overlaps(a: Any, b: Any) -> bool:
    if a == "any" or b == "any":
        return True
    if a[0] == "range" and b[0] == "range":
        return a[1] <= b[2] and b[1] <= a[2]
    if a[0] == "category" and b[0] == "category":
        return a[1] == b[1] or frozenset((a[1], b[1])) not in _DISJOINT
    category, span = (a, b) if a[0] == "category" else (b, a)
    test = _CATEGORY_TESTS.get(category[1].rsplit(".", 1)[-1].upper())
    if test is None or span[2] - span[1] > 512:
        return True
    return any(test.match(chr(code)) for code in range(span[1], span[2] + 1))


def _overlap(a: frozenset[Any], b: frozenset[Any]) -> bool:
    return any(_pair_overlaps(x, y) for x in a for y in b)


def _tail_repeats(items: Any) -> list[frozenset[Any]]:
    """First-character sets of the inner repetitions a body can end with (nothing but optional
    parts after them)."""
    found: list[frozenset[Any]] = []
    for op, av in reversed(list(items)):
        if op in _REPEATS and av[1] > 1:
            found.append(_first(av[2]))
        elif op is _c.SUBPATTERN:
            found.extend(_tail_repeats(av[-1]))
        elif op is _c.BRANCH:
            for branch in av[1]:
                found.extend(_tail_repeats(branch))
        if not _item_nullable(op, av):
            break
    return found


def _ambiguous_branch(items: Any) -> bool:
    """An alternation inside the body whose alternatives can match the same text."""
    for op, av in items:
        if op is _c.BRANCH:
            branches = av[1]
            if sum(_nullable(b) for b in branches) > 1:
                return True
            firsts = [_first(b) for b in branches]
            if any(_overlap(firsts[i], firsts[j]) for i in range(len(firsts)) for j in range(i + 1, len(firsts))):
                return True
            if any(_ambiguous_branch(b) for b in branches):
                return True
        elif op is _c.SUBPATTERN and _ambiguous_branch(av[-1]):
            return True
    return False


def _walk(items: Any) -> str | None:
    for op, av in items:
        if op in _REPEATS and op is not getattr(_c, "POSSESSIVE_REPEAT", None):
            low, high, body = av
            if high > 1:
                if _nullable(body):
                    return "a repeated group that can match the empty string"
                start = _first(body)
                if any(_overlap(start, tail) for tail in _tail_repeats(body)):
                    return "a nested quantifier (a repeated group whose body repeats)"
                if _ambiguous_branch(body):
                    return "a repeated group whose alternatives can match the same text"
            found = _walk(body)
        elif op is _c.SUBPATTERN:
            found = _walk(av[-1])
        elif op is _c.BRANCH:
            found = next((f for f in map(_walk, av[1]) if f), None)
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            found = _walk(av[1])
        else:
            found = None
        if found:
            return found
    return None


def catastrophic(pattern: str) -> str | None:
    """Why `pattern` can backtrack exponentially, or None. Invalid patterns are not judged here
    (the schema's `format: regex` reports them)."""
    try:
        parsed = _p.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return None
    found = _walk(parsed)
    return f"{found} can take exponential time; rewrite it without nesting or overlap" if found else None
