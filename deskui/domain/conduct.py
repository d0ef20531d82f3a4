"""Rules of conduct as guardrails (seed 000:3.2.1.2): what an agent writes to a customer is
checked, as typed, against the site's list of forbidden words and phrases.

The list is data (`deskui/scripts/<locale>/rules/conduct.toml`): each phrase has a kind
(refusal, blame, argue, promise, doubt, harsh) and a suggested alternative. `check` returns
the hits with character offsets, so a widget can underline them.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from deskui.domain.refusal import Refusal

KINDS: frozenset[str] = frozenset({"refusal", "blame", "argue", "promise", "doubt", "harsh"})
"""seed 000:3.2.1.2: never refuse flatly, shift blame, argue, promise lightly, doubt the
customer's honesty, or use harsh words."""

QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"|「[^」]*」|『[^』]*』")
"""Words quoted from the customer inside a reply (“...”, "...", 「...」): only a closed
quotation counts, so an unmatched mark never hides the agent's own words."""


def flagged_phrases(rules: ConductRules, text: str) -> list[str]:
    """The forbidden phrases in `text`, each once, in the order they first appear."""
    return list(dict.fromkeys(hit.phrase for hit in rules.check(text)))


class ConductError(Refusal, ValueError):
    """A conduct list that cannot be used, said with its file and line."""

    def __init__(self, source: str, line: int, message: str) -> None:
        super().__init__(f"{source}:{line}: {message}")
        self.source = source
        self.line = line


@dataclass(frozen=True, slots=True)
class Phrase:
    text: str
    kind: str
    suggest: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class Hit:
    """One forbidden phrase found at `start`..`end` (character offsets into the text)."""

    start: int
    end: int
    phrase: str
    kind: str
    suggest: str


@dataclass(frozen=True)
class ConductRules:
    phrases: tuple[Phrase, ...]
    source: str = ""
    _by_text: dict[str, Phrase] = field(init=False, repr=False, compare=False)
    """Each phrase by its folded text (set in `__post_init__`, as the one below)."""
    _regex: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    """Every phrase at once, longest first; None for no phrases."""

    def __post_init__(self) -> None:
        # longest first, so 肯定没问题 wins over a shorter phrase inside it
        ordered = sorted(self.phrases, key=lambda p: -len(p.text))
        parts = [_pattern(p.text) for p in ordered]
        object.__setattr__(self, "_by_text", {p.text.casefold(): p for p in ordered})
        object.__setattr__(
            self,
            "_regex",
            re.compile("|".join(parts), re.IGNORECASE) if parts else None,
        )

    def check(self, text: str) -> list[Hit]:
        """Every forbidden phrase in `text`, in order, without overlaps."""
        regex = self._regex
        if regex is None or not text:
            return []
        by_text = self._by_text
        quoted = [(q.start(), q.end()) for q in QUOTED.finditer(text)]
        hits = []
        for match in regex.finditer(text):
            if any(start <= match.start() and match.end() <= end for start, end in quoted):
                continue  # the customer's own words, quoted back: not the agent speaking
            phrase = by_text.get(_fold(match.group(0)))
            if phrase is not None:
                hits.append(
                    Hit(match.start(), match.end(), phrase.text, phrase.kind, phrase.suggest)
                )
        return hits


def _fold(text: str) -> str:
    return " ".join(text.casefold().replace("’", "'").split())


def _pattern(phrase: str) -> str:
    """CJK phrases match anywhere; Latin ones on word boundaries, any spacing, ’ or '."""
    words = [re.escape(w).replace("'", "['’]") for w in phrase.split()]
    body = r"\s+".join(words)
    if phrase[:1].isascii() and phrase[:1].isalnum():
        body = r"\b" + body
    if phrase[-1:].isascii() and phrase[-1:].isalnum():
        body += r"\b"
    return body


def parse_conduct(text: str, source: str) -> ConductRules:
    """Read and validate a conduct list; problems name the file and line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = int(m.group(1)) if (m := re.search(r"line (\d+)", str(error))) else 1
        raise ConductError(source, line, f"not valid TOML: {error}") from error
    raw = data.get("phrase")
    if not isinstance(raw, list) or not raw:
        raise ConductError(source, 1, "no [[phrase]] tables")
    starts = [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == "[[phrase]]"]
    phrases: list[Phrase] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        line = starts[index] if index < len(starts) else 1
        for key in ("text", "kind", "suggest"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                raise ConductError(source, line, f"phrase {index + 1} needs a non-empty {key}")
        if item["kind"] not in KINDS:
            raise ConductError(
                source, line, f'unknown kind "{item["kind"]}"; known: {sorted(KINDS)}'
            )
        folded = _fold(item["text"])
        if folded in seen:
            raise ConductError(source, line, f'"{item["text"]}" appears twice')
        seen.add(folded)
        phrases.append(Phrase(item["text"].strip(), item["kind"], item["suggest"].strip(), line))
    rules = ConductRules(tuple(phrases), source)
    for phrase in phrases:
        if rules.check(phrase.suggest):
            raise ConductError(
                source, phrase.line, f'the suggestion for "{phrase.text}" is itself forbidden'
            )
    return rules


@cache
def packaged_conduct(locale: str) -> ConductRules:
    """The site's list shipped in `deskui/scripts/<locale>/rules/conduct.toml`."""
    resource = resources.files("deskui").joinpath("scripts", locale, "rules", "conduct.toml")
    return parse_conduct(resource.read_text("utf-8"), f"{locale}/rules/conduct.toml")
