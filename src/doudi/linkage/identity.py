"""What two IDs say about a pair: the same person, possibly the same (capped at review), or two persons (rejected).

The check character makes a valid ID a fingerprint: two valid IDs that differ are two persons, unless the difference
is what a clerk's slip leaves behind:
- one substitution or one adjacent transposition among the first 17 digits (a system that recomputes the check
  character from a mistyped body turns a typo into a valid ID): possibly the same person, capped at review;
- digits lost to Excel (an ID stored as a number keeps 15 significant digits, the rest become 000): the same as the
  other ID on those 15 digits;
- an old 15-digit number converted to 18 digits (century and check character added): compared on its 15 digits.
Anything else between two valid IDs is two persons (namesakes born the same day, twins, a valid ID copied from a
relative): such a pair is rejected, not sent to review.

A record without an ID has only its household to tell it from a namesake: when the two records' household heads
are themselves two persons by the rule above, the pair is rejected too.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

SAME = "same"  # equal IDs
NEAR = "near"  # both valid, one slip apart: capped at review
TWO_PERSONS = "two_persons"  # both valid, more than one slip apart: rejected
UNKNOWN = ""  # a side without a valid ID: the model decides


def slips(a: str, b: str) -> int:
    """0 when equal, 1 for one substitution or one adjacent transposition, 2 for anything more (same length)."""
    if a == b:
        return 0
    if len(a) != len(b):
        return 2
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(diff) == 1:
        return 1
    if len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]:
        return 1
    return 2


def lost_digits(a: str, b: str) -> bool:
    """One of the IDs is the other with its last digits lost to Excel (15 significant digits kept, maybe rounded)."""
    if not (a.isdigit() and b.isdigit()) or not (a.endswith("000") or b.endswith("000")):
        return False
    return abs(int(a[:15]) - int(b[:15])) <= 1


def fifteen(number: str) -> str:
    """The old 15-digit form of an 18-character ID: without the century and the check character."""
    return number[:6] + number[8:17]


def relation(a: str, valid_a: bool, from15_a: bool, b: str, valid_b: bool, from15_b: bool) -> str:
    """SAME / NEAR / TWO_PERSONS / UNKNOWN for two cleaned IDs (see the module docstring)."""
    if not (a and b):
        return UNKNOWN
    if a == b:
        return SAME
    if not (valid_a and valid_b):
        return UNKNOWN
    if lost_digits(a, b):
        return NEAR
    if from15_a or from15_b:
        return NEAR if slips(fifteen(a), fifteen(b)) <= 1 else TWO_PERSONS
    return NEAR if slips(a[:17], b[:17]) <= 1 else TWO_PERSONS


def relations(left: dict[str, list[Any]], right: dict[str, list[Any]], prefix: str = "") -> list[str]:
    """`relation` for each pair of rows of two column dicts (see `_sides`), on `{prefix}id` and its flags."""
    columns = (f"{prefix}id", f"{prefix}id_valid", f"{prefix}id_from15")
    a, valid_a, from15_a = (left[c] for c in columns)
    b, valid_b, from15_b = (right[c] for c in columns)
    return [relation(*x) for x in zip(a, valid_a, from15_a, b, valid_b, from15_b, strict=True)]


def verdicts(
    pairs: pd.DataFrame, poverty: pd.DataFrame, rolls: pd.DataFrame, *, heads: bool = True
) -> tuple[list[bool], list[bool]]:
    """(capped at review, rejected) for candidate pairs (uid_l, uid_r) over cleaned records. `heads`: also reject a
    pair without an ID on one side whose household heads are two persons (off for pairs found inside households
    already linked, where the heads were compared when the households were)."""
    if pairs.empty:
        return [], []
    left = _sides(poverty, pairs["uid_l"])
    right = _sides(rolls, pairs["uid_r"])
    own = relations(left, right)
    of_heads = relations(left, right, "head_") if heads else [UNKNOWN] * len(own)
    no_id = [not (x and y) for x, y in zip(left["id"], right["id"], strict=True)]
    capped = [r == NEAR for r in own]
    rejected = [
        r == TWO_PERSONS or (blank and h == TWO_PERSONS)
        for r, h, blank in zip(own, of_heads, no_id, strict=True)
    ]
    return capped, rejected


COLUMNS = ("id", "id_valid", "id_from15", "head_id", "head_id_valid", "head_id_from15")


def _sides(records: pd.DataFrame, uids: pd.Series) -> dict[str, list[Any]]:
    """The ID columns of the records named by `uids`, in that order, as lists."""
    position = pd.Index(records["uid"]).get_indexer(uids)
    return {c: records[c].to_numpy(dtype=object)[position].tolist() for c in COLUMNS}
