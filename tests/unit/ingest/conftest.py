from datetime import date

import pytest

TODAY = date(2026, 6, 30)


@pytest.fixture
def today() -> date:
    return TODAY
