"""docs/DEVELOPING.md lists the event kinds as the code has them."""

from __future__ import annotations

from services.events.kinds import HISTORICAL_KINDS, EventKind
from tests.services.events.kinds_doc import DOC, documented, render, writers


def test_the_doc_lists_the_event_kinds_as_the_code_has_them() -> None:
    assert documented(DOC.read_text()) == render(), "the event kinds table is stale: `make docs`"


def test_every_event_kind_is_written_somewhere_in_the_services() -> None:
    assert set(writers()) == set(EventKind) - HISTORICAL_KINDS
