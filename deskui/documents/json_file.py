"""JSON as the desk writes it for a person asking for their data (PIPL art. 45, issue 28):
one object, a list of records per kind, each record its column keys and values; UTF-8 as
written (Chinese readable), times and dates as ISO text, nothing a reader must run."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import IO, Any

from deskui.documents import Table


def records(tables: Mapping[str, Table]) -> dict[str, list[dict[str, Any]]]:
    """Each table as a list of {column: value}."""
    return {
        name: [dict(zip(headers, (_plain(v) for v in row), strict=True)) for row in rows]
        for name, (headers, rows) in tables.items()
    }


def write_json(tables: Mapping[str, Table], stream: IO[str]) -> None:
    json.dump(records(tables), stream, ensure_ascii=False, indent=2)
    stream.write("\n")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    return str(value)
