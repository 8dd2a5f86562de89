"""docs/campaign.md names every state, transition, role and reason code the code has."""

from __future__ import annotations

from pathlib import Path

from doudi.campaign import NOT_ELIGIBLE_REASONS, TRANSITIONS, Actor, State, Write

DOC = (Path(__file__).parents[3] / "docs" / "campaign.md").read_text(encoding="utf-8")


def test_the_developer_doc_covers_the_machine() -> None:
    names = [*TRANSITIONS, *(s.value for s in State), *(a.value for a in Actor), *NOT_ELIGIBLE_REASONS]
    names += [w.value for w in Write]
    missing = [n for n in names if f"`{n}`" not in DOC and f" {n} " not in DOC and f"{n}、" not in DOC]
    assert missing == []
