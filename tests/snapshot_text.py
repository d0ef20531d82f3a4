"""A failed snapshot said in text: the lines of the screen that differ, expected beside actual.

pytest-textual-snapshot leaves its comparison (expected and actual SVG) in a pickle per test
and an HTML report on the machine that ran the tests; a CI log shows neither. The hook in
conftest.py adds this text to the failure, so a log alone says what was on the screen.
"""

from __future__ import annotations

import html
import pickle
import re
from pathlib import Path

_TEXT = re.compile(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>')


def svg_lines(svg: str) -> list[str]:
    """The screen's lines from a Textual SVG screenshot, in reading order."""
    rows: dict[float, list[tuple[float, str]]] = {}
    for match in _TEXT.finditer(svg):
        x, y, text = float(match[1]), float(match[2]), html.unescape(match[3])
        rows.setdefault(y, []).append((x, text))
    return ["".join(text for _, text in sorted(row)).rstrip() for _, row in sorted(rows.items())]


def line_diff(expected: list[str], actual: list[str]) -> str:
    """Every line that differs, numbered, expected then actual; "" when the text is the same
    (the difference is then in colour or style only)."""
    out: list[str] = []
    for number in range(max(len(expected), len(actual))):
        want = expected[number] if number < len(expected) else "<none>"
        got = actual[number] if number < len(actual) else "<none>"
        if want != got:
            out.append(f"{number + 1:3} expected: {want}\n{number + 1:3} actual:   {got}")
    return "\n".join(out)


def report_diff(pickle_path: Path) -> str | None:
    """The text diff of one test's snapshot comparison, or None when it left no comparison."""
    if not pickle_path.exists():
        return None
    data = pickle.loads(pickle_path.read_bytes())
    expected_svg, actual_svg = data[1], data[2]
    diff = line_diff(svg_lines(expected_svg or ""), svg_lines(actual_svg or ""))
    return diff or "(the same text: the difference is in colours or styles only)"
