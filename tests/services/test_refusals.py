"""The runner catches every refusal by one base class; a refusal that forgot it would crash
a worker instead of showing its reason beside the form."""

from __future__ import annotations

import subprocess
import sys

import pytest

from deskui.domain.refusal import Refusal
from deskui.services import errors


@pytest.mark.parametrize("name", sorted(errors._HOMES))
def test_each_named_refusal_is_caught_by_the_runner(name: str) -> None:
    refusal = getattr(errors, name)
    assert refusal.__name__ == name
    assert issubclass(refusal, errors.REFUSALS)
    assert issubclass(refusal, Refusal)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError):
        errors.NoSuchError  # noqa: B018


def test_catching_refusals_imports_no_store() -> None:
    # the first service run of the desk imports services.errors: it must not pull in the
    # callback, handover, pause and survey stores (some 45 ms) that define the refusals
    code = (
        "import sys, deskui.services.errors;"
        "print(sorted(m for m in sys.modules if m.endswith('_store')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
