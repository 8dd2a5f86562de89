"""API authentication: the web session, or a signed bearer token (`doudi campaign token --user NAME`).

A token is the user's id signed with the site's secret, plus a fingerprint of the password hash, so changing
the password revokes every token; it expires after TOKEN_DAYS. No token table is needed.
"""

from __future__ import annotations

import hashlib
import time
from functools import lru_cache
from typing import Any

from django.contrib.auth import get_user_model
from django.core import signing
from django.http import HttpRequest

from doudi.registry import audit

SALT = "doudi.api.token"
TOKEN_DAYS = 30


def _fingerprint(user: Any) -> str:
    return hashlib.sha256(user.password.encode()).hexdigest()[:16]


def issue_token(user: Any) -> str:
    audit.record(user, "api.token", user, region_code=getattr(getattr(user, "profile", None), "scope", ""))
    return signing.dumps({"u": user.pk, "p": _fingerprint(user)}, salt=SALT, compress=True)


@lru_cache(maxsize=1024)
def _verified(token: str) -> tuple[dict[str, Any], float] | None:
    """The token's payload and signing time when its signature is good (cached: a token is checked once per
    process, not on every request); its age is checked by the caller on every request."""
    try:
        data = signing.loads(token, salt=SALT)
        signed_at = signing.b62_decode(token.rsplit(":", 2)[-2])
    except (signing.BadSignature, ValueError, IndexError):
        return None
    return (data, float(signed_at)) if isinstance(data, dict) else None


def user_from_token(token: str) -> Any | None:
    checked = _verified(token)
    if checked is None or time.time() - checked[1] > TOKEN_DAYS * 86400:
        return None
    data = checked[0]
    user = get_user_model().objects.select_related("profile").filter(pk=data.get("u"), is_active=True).first()
    if user is None or data.get("p") != _fingerprint(user):
        return None
    return user


def authenticate(request: HttpRequest) -> tuple[Any | None, str]:
    """(user, how): how is 'token', 'session' or '' when nobody is logged in."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        if not hasattr(request, "_doudi_token_user"):  # once per request, however many times it is asked
            request._doudi_token_user = user_from_token(header.removeprefix("Bearer ").strip())  # type: ignore[attr-defined]
        return request._doudi_token_user, "token"  # type: ignore[attr-defined]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user, "session"
    return None, ""
