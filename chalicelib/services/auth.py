"""Sign-in: a mini-program login code becomes a user and a bearer token."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from ..domain.timefmt import iso


def user_id_for(openid: str) -> str:
    """Opaque, stable user id: the openid itself never leaves the service."""
    return "u_" + hashlib.sha256(openid.encode()).hexdigest()[:24]


@dataclass(frozen=True)
class Session:
    token: str
    user_id: str
    expires_at: datetime


class AuthService:
    def __init__(self, identity, tokens, catalog_repo, clock) -> None:
        self._identity, self._tokens, self._repo, self._clock = identity, tokens, catalog_repo, clock

    def login(self, code: str, nickname: str | None = None) -> Session:
        openid = self._identity.openid_for(code)
        user_id = user_id_for(openid)
        now = self._clock.now()
        token, expires = self._tokens.issue(user_id, now)
        self._repo.upsert_user(user_id, openid, iso(now), nickname)
        return Session(token, user_id, expires)

    def authenticate(self, token: str) -> str:
        return self._tokens.verify(token)
