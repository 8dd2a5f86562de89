"""Masking for public notices (公示): names keep their first and last character, IDs per doudi.core.ids.mask.

Privacy rules: a public notice names who receives assistance without publishing full names or ID numbers:
张三 -> 张*, 张三明 -> 张*明, 欧阳娜娜 -> 欧**娜. Characters are code points, so 𠮷 counts as one.
"""

from __future__ import annotations

from doudi.core.ids import mask


def mask_name(name: str) -> str:
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id(number: str | None) -> str | None:
    return mask(number) if number else None
