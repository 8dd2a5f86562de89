"""The roster kinds that can be issued. Each kind is one small module that builds its sections from the registry
through doudi.registry.access (so the signer's region scope applies) and calls `register` once.

To add a kind (e.g. the campaign's S4 confirmation roster): write `kinds/<name>.py` with a `build(user, region_code,
month)` returning the sections, `register(KindSpec(...))` at the bottom, and add the module to `BUILT_IN` below.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from doudi.signing.canonical import Section

Build = Callable[[Any, str, date | None], tuple[Section, ...]]


@dataclass(frozen=True)
class KindSpec:
    key: str
    title: str
    build: Build
    monthly: bool = False  # needs --month (a payment month); otherwise a snapshot of today
    full_ids: bool = True  # carries full resident IDs: only roles allowed to see them may issue it


_KINDS: dict[str, KindSpec] = {}
BUILT_IN = ("safety_net", "payment", "notice", "campaign", "monthly")


class UnknownKind(LookupError):
    pass


class KindUnavailable(LookupError):
    """The kind cannot be built for this region yet (e.g. no campaign); the message says why."""


def register(spec: KindSpec) -> KindSpec:
    _KINDS[spec.key] = spec
    return spec


def _load() -> None:
    for module in BUILT_IN:
        importlib.import_module(f"{__name__}.{module}")


def all_kinds() -> list[KindSpec]:
    _load()
    return list(_KINDS.values())


def get(key: str) -> KindSpec:
    _load()
    if key not in _KINDS:
        known = "、".join(f"{k.key}({k.title})" for k in _KINDS.values())
        raise UnknownKind(f"未知的名册类型 {key!r}。可用: {known}")
    return _KINDS[key]
