"""What can be wrong with a roster row or file, said so that the person who keeps the roster can fix it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"  # the row is rejected
    WARNING = "warning"  # the row is accepted; the point goes back to the roster keeper all the same


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in one cell (or one row, when `column` is empty) of the file.

    `row` is the row number as Excel shows it (1-based); `column` is the header as written in the file; `value` is
    the original cell text; `code` is a stable reason code; `reason` and `fix` are Chinese, for the roster keeper.
    """

    row: int
    column: str
    value: str
    code: str
    reason: str
    fix: str
    severity: Severity = Severity.ERROR


class FieldError(ValueError):
    """A cell value that cannot be read as its column's type; turned into a `Problem` by the row parser."""

    def __init__(self, code: str, reason: str, fix: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.fix = fix


class FileProblem(ValueError):
    """The file as a whole cannot be imported (unreadable, empty, no header, a required column missing)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
