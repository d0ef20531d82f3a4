"""Customer profiles from a spreadsheet, and the field checks the profile form shares.

Rows come as dicts (CSV or XLSX, headers in zh-CN or en); each becomes an `ImportRow` with
its problems as catalog keys, so nothing is written until the agent has seen the report.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field  # `Problem.field` names a form field
from datetime import date, datetime

from deskui.domain.field_limits import FieldKind, limit
from deskui.domain.model import ContactRole, Gender
from deskui.domain.phone import normalise_phone

HEADERS: Mapping[str, str] = {
    "公司名称": "name",
    "客户名称": "name",
    "name": "name",
    "地址": "address",
    "address": "address",
    "公司电话": "phone",
    "phone": "phone",
    "铺位号": "unit_number",
    "unit_number": "unit_number",
    "联系人": "contact",
    "contact": "contact",
    "角色": "role",
    "role": "role",
    "职位": "position",
    "position": "position",
    "联系电话": "contact_phone",
    "contact_phone": "contact_phone",
    "电邮": "email",
    "email": "email",
    "性别": "gender",
    "gender": "gender",
    "生日": "birthday",
    "birthday": "birthday",
    "方便联系时间": "convenient_time",
    "convenient_time": "convenient_time",
    "成立日期": "founded_on",
    "公司成立日期": "founded_on",
    "founded_on": "founded_on",
}
"""Accepted column headers (case and spaces ignored for the English ones) -> field."""

LIMITS: Mapping[str, int] = {
    "name": limit(FieldKind.SHORT_TEXT),
    "address": limit(FieldKind.ADDRESS),
    "unit_number": limit(FieldKind.UNIT_NUMBER),
    "contact": limit(FieldKind.NAME),
    "position": 80,
    "email": limit(FieldKind.SHORT_TEXT),
    "convenient_time": 80,
    "personal_notes": limit(FieldKind.NOTE),
}
"""Longest text each field may hold, in characters (the column sizes of the tables)."""

_ROLES: Mapping[str, ContactRole] = {
    "负责人": ContactRole.PRINCIPAL,
    "principal": ContactRole.PRINCIPAL,
    "对接人": ContactRole.LIAISON,
    "liaison": ContactRole.LIAISON,
}
_GENDERS: Mapping[str, Gender] = {
    "女": Gender.FEMALE,
    "female": Gender.FEMALE,
    "f": Gender.FEMALE,
    "男": Gender.MALE,
    "male": Gender.MALE,
    "m": Gender.MALE,
    "": Gender.UNKNOWN,
    "未知": Gender.UNKNOWN,
    "unknown": Gender.UNKNOWN,
}
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one field: a catalog key and the values it is filled with."""

    field: str
    key: str
    values: Mapping[str, object] = dataclass_field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ContactFields:
    """A contact as checked: phone in E.164, role and gender as glossary values."""

    name: str
    role: str = ContactRole.LIAISON
    position: str = ""
    phone_e164: str | None = None
    phone_extension: str | None = None
    email: str = ""
    gender: str = Gender.UNKNOWN
    birthday: date | None = None
    convenient_time: str = ""
    personal_notes: str = ""


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One spreadsheet row: a customer and at most one contact, with what is wrong with it."""

    line: int
    """The row's line in the file (the header is line 1)."""
    name: str
    address: str = ""
    phone_e164: str | None = None
    phone_raw: str = ""
    unit_number: str = ""
    contact: ContactFields | None = None
    problems: tuple[Problem, ...] = ()
    founded_on: date | None = None
    """The company's founding date (seed 000:2.5.1.2: its anniversary is called for)."""

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class ImportReport:
    """Every line of the file is in exactly one place: `ok`, `bad` (with reasons) or
    `blank_lines`; an empty file and a header with no rows are said as such."""

    ok: tuple[ImportRow, ...]
    bad: tuple[ImportRow, ...]
    unknown_columns: tuple[str, ...] = ()
    missing_columns: tuple[str, ...] = ()
    """Required columns the file lacks (only `name`): every row is then bad."""
    blank_lines: tuple[int, ...] = ()
    has_header: bool = False
    """The file had a header line (False: the file is empty)."""

    @property
    def rows(self) -> int:
        """Lines under the header, blank ones included."""
        return len(self.ok) + len(self.bad) + len(self.blank_lines)


# -- field checks, shared with the profile form ---------------------------------------------


def text_problem(name: str, value: str) -> Problem | None:
    """Too long for its column, or holding a NUL, which PostgreSQL cannot store (user text is
    otherwise kept exactly as typed, markup and all)."""
    if "\x00" in value:
        return Problem(name, "profiles.problem.nul_char")
    limit = LIMITS.get(name)
    if limit is not None and len(value) > limit:
        return Problem(name, "profiles.problem.too_long", {"limit": limit, "length": len(value)})
    return None


def check_phone(name: str, raw: str) -> tuple[str | None, str | None, Problem | None]:
    """(E.164, extension, problem) for an optional phone field: empty is allowed."""
    if not raw.strip():
        return None, None, None
    parsed = normalise_phone(raw)
    if not parsed.valid:
        return None, None, Problem(name, f"profiles.{parsed.error}", {"value": raw})
    return parsed.e164, parsed.extension, None


def check_date(name: str, value: object) -> tuple[date | None, Problem | None]:
    """A birthday typed as 1980-05-17, 1980/5/17 or 1980年5月17日, or a spreadsheet date."""
    if value is None or value == "":
        return None, None
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None, None
    match = _DATE.match(text)
    if match is not None:
        try:
            return date(int(match[1]), int(match[2]), int(match[3])), None
        except ValueError:
            pass
    return None, Problem(name, "profiles.problem.bad_date", {"value": text})


def check_founded_on(value: object, today: date) -> tuple[date | None, Problem | None]:
    """A company's founding date (公司成立日期, seed 000:2.5.1.2) as check_date reads it, and
    not after `today`: a company not yet founded has no anniversary to call for."""
    day, problem = check_date("founded_on", value)
    if day is not None and day > today:
        return None, Problem("founded_on", "profiles.problem.founded_later", {"today": today})
    return day, problem


def check_customer(name: str, address: str, phone: str, unit_number: str) -> list[Problem]:
    """What is wrong with a customer's own fields (the form and the import alike)."""
    problems: list[Problem] = []
    if not name.strip():
        problems.append(Problem("name", "profiles.problem.missing_name"))
    for key, value in (("name", name), ("address", address), ("unit_number", unit_number)):
        problem = text_problem(key, value)
        if problem is not None:
            problems.append(problem)
    _, _, phone_problem = check_phone("phone", phone)
    if phone_problem is not None:
        problems.append(phone_problem)
    return problems


def check_contact(values: Mapping[str, object]) -> tuple[ContactFields | None, list[Problem]]:
    """A contact from raw fields (`contact`, `role`, `position`, `contact_phone`, `email`,
    `gender`, `birthday`, `convenient_time`, `personal_notes`); None when it has problems."""
    problems: list[Problem] = []
    text = {key: _cell(values.get(key)) for key in LIMITS}
    name = text["contact"]
    if not name.strip():
        problems.append(Problem("contact", "profiles.problem.missing_contact_name"))
    for key in ("contact", "position", "email", "convenient_time", "personal_notes"):
        problem = text_problem(key, text[key])
        if problem is not None:
            problems.append(problem)
    role_text = _cell(values.get("role")).strip().lower()
    role = _ROLES.get(role_text) if role_text else ContactRole.LIAISON
    if role is None:
        problems.append(Problem("role", "profiles.problem.bad_role", {"value": role_text}))
    gender = _GENDERS.get(_cell(values.get("gender")).strip().lower())
    if gender is None:
        problems.append(
            Problem("gender", "profiles.problem.bad_gender", {"value": _cell(values.get("gender"))})
        )
    phone, extension, phone_problem = check_phone(
        "contact_phone", _cell(values.get("contact_phone"))
    )
    if phone_problem is not None:
        problems.append(phone_problem)
    email = text["email"].strip()
    if email and not _EMAIL.match(email):
        problems.append(Problem("email", "profiles.problem.bad_email", {"value": email}))
    birthday, date_problem = check_date("birthday", values.get("birthday"))
    if date_problem is not None:
        problems.append(date_problem)
    if problems:
        return None, problems
    return (
        ContactFields(
            name=name.strip(),
            role=role or ContactRole.LIAISON,
            position=text["position"].strip(),
            phone_e164=phone,
            phone_extension=extension,
            email=email,
            gender=gender or Gender.UNKNOWN,
            birthday=birthday,
            convenient_time=text["convenient_time"].strip(),
            personal_notes=text["personal_notes"],
        ),
        [],
    )


# -- the import ------------------------------------------------------------------------------


def field_of(header: object) -> str | None:
    """The field a column header names, or None when it is not one we know."""
    text = unicodedata.normalize("NFKC", str(header or "")).strip()
    return HEADERS.get(text) or HEADERS.get(text.lower().replace(" ", "_"))


def parse_rows(
    rows: Iterable[Mapping[str | None, object]],
    existing_phones: Iterable[str] = (),
    headers: Iterable[str] | None = None,
    today: date | None = None,
) -> ImportReport:
    """Check every row; duplicates are phones seen earlier in the file or already on file.
    `headers` is the file's header line (None: taken from the rows). Cells beyond the header
    come under the key None, as `csv.DictReader` gives them: such a row is reported, since
    its columns may have shifted. A founding date after `today` (the desk's, in the site's
    zone) is refused; without `today` no date is too late."""
    known = set(existing_phones)
    seen: dict[str, int] = {}
    ok: list[ImportRow] = []
    bad: list[ImportRow] = []
    blank: list[int] = []
    columns: dict[str, None] = dict.fromkeys(headers) if headers is not None else {}
    for index, raw in enumerate(rows):
        line = index + 2
        if headers is None:
            columns.update(dict.fromkeys(str(h) for h in raw if h is not None))
        extra = [_cell(v) for v in _extra_cells(raw.get(None))]
        values: dict[str, object] = {}
        for header, value in raw.items():
            name = field_of(header) if header is not None else None
            if name is not None:
                values.setdefault(name, value)
        cells = [_cell(v) for h, v in raw.items() if h is not None] + extra
        if not any(cell.strip() for cell in cells):
            blank.append(line)  # a blank line in the sheet, said in the report
            continue
        row = _row(line, values, known, seen, today or date.max)
        if any(cell.strip() for cell in extra):
            shown = "、".join(cell for cell in extra if cell.strip())
            problem = Problem("row", "profiles.problem.extra_cells", {"values": shown})
            row = replace(row, problems=(*row.problems, problem))
        (ok if row.ok else bad).append(row)
    fields = {field_of(header) for header in columns}
    unknown = tuple(h.strip() for h in columns if h.strip() and field_of(h) is None)
    missing = () if "name" in fields or not (columns or ok or bad) else ("name",)
    return ImportReport(
        tuple(ok), tuple(bad), unknown, missing, tuple(blank), has_header=bool(columns)
    )


def _extra_cells(value: object) -> list[object]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _row(
    line: int, values: Mapping[str, object], known: set[str], seen: dict[str, int], today: date
) -> ImportRow:
    name = _cell(values.get("name")).strip()
    address = _cell(values.get("address")).strip()
    phone_raw = _cell(values.get("phone")).strip()
    unit_number = _cell(values.get("unit_number")).strip()
    problems = check_customer(name, address, phone_raw, unit_number)
    phone, _, _ = check_phone("phone", phone_raw)
    if phone is not None:
        if phone in known:
            problems.append(
                Problem("phone", "profiles.problem.duplicate_on_file", {"phone": phone})
            )
        elif phone in seen:
            problems.append(
                Problem("phone", "profiles.problem.duplicate_in_file", {"line": seen[phone]})
            )
        else:
            seen[phone] = line
    founded: date | None = None
    if _cell(values.get("founded_on")).strip():
        founded, founded_problem = check_founded_on(values.get("founded_on"), today)
        if founded_problem is not None:
            problems.append(founded_problem)
    contact = None
    contact_keys = ("contact", "role", "position", "contact_phone", "email", "gender", "birthday")
    if any(_cell(values.get(key)).strip() for key in (*contact_keys, "convenient_time")):
        contact, contact_problems = check_contact(values)
        problems.extend(contact_problems)
    return ImportRow(
        line=line,
        name=name,
        address=address,
        phone_e164=phone,
        phone_raw=phone_raw,
        unit_number=unit_number,
        contact=contact,
        problems=tuple(problems),
        founded_on=founded,
    )


def _cell(value: object) -> str:
    """A spreadsheet cell as text: None is empty, 13812345678.0 (Excel numbers) loses `.0`."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)
