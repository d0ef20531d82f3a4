"""The domain layer loads neither Textual nor SQLAlchemy (STYLE.md: the layers)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_domain_imports_no_ui_and_no_orm() -> None:
    code = (
        "import sys\n"
        "import deskui.domain.calendar, deskui.domain.deadlines\n"
        "import deskui.domain.phone, deskui.domain.routing\n"
        "loaded = sorted(m for m in ('textual', 'sqlalchemy') if m in sys.modules)\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
