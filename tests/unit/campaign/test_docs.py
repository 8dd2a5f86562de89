"""The campaign docs name everything the code has: docs/campaign.md (Chinese, for caseworkers) every step, state,
action and reason code in the words the pages use; docs/campaign-dev.md every identifier of the machine."""

from __future__ import annotations

from pathlib import Path

from doudi.campaign import NOT_ELIGIBLE_REASONS, TRANSITIONS, Actor, State, Step, Write

DOCS = Path(__file__).parents[3] / "docs"
GUIDE = (DOCS / "campaign.md").read_text(encoding="utf-8")
DEV = (DOCS / "campaign-dev.md").read_text(encoding="utf-8")


def named(doc: str, names: list[str]) -> list[str]:
    return [n for n in names if f"`{n}`" not in doc and f" {n} " not in doc and f"{n}、" not in doc]


def test_the_guide_covers_every_step_state_action_and_reason_in_chinese() -> None:
    texts = [s.text for s in Step] + [s.text for s in State] + [t.text for t in TRANSITIONS.values()]
    assert [t for t in texts if t not in GUIDE] == []
    assert named(GUIDE, list(NOT_ELIGIBLE_REASONS)) == []


def test_the_developer_doc_covers_the_machine() -> None:
    names = [*TRANSITIONS, *(s.value for s in State), *(a.value for a in Actor), *NOT_ELIGIBLE_REASONS]
    names += [w.value for w in Write]
    assert named(DEV, names) == []
