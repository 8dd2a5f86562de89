"""A county with a campaign and users of every role (tests.functional.casework.helpers), for the pages."""

from __future__ import annotations

import pytest

from tests.functional.casework.helpers import County


@pytest.fixture
def county(db: None) -> County:
    return County()
