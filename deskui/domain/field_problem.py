"""What is wrong with one field of a form: the field, a catalog key and its values. Every
form's checks return these; a module of its own so a rule needs no phone parser to say so."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str
    key: str
    values: tuple[tuple[str, object], ...] = ()
