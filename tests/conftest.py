"""Shared fixtures. Django tests run in rolled-back transactions on SQLite or PostgreSQL (DOUDI_DB)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hasher(request: pytest.FixtureRequest) -> None:
    """The default PBKDF2 costs ~0.3 s per login here; tests that touch Django use MD5 instead."""
    if "settings" in request.fixturenames or request.node.get_closest_marker("django_db"):
        settings = request.getfixturevalue("settings")
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
