"""Shopper bearer tokens: HS256 JWTs (PyJWT)."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable

import jwt

from ..domain.errors import UnauthenticatedError, UnavailableError

ISSUER = "livecommerce"


class TokenService:
    def __init__(self, secret: Callable[[], str | None], ttl_seconds: int, clock=None) -> None:
        self._secret_source = secret  # resolved on first use (it may live in SSM), never at import
        self._ttl = ttl_seconds
        self._clock = clock  # expiry is judged by the injected clock (PyJWT would use the wall clock)

    @property
    def _secret(self) -> str | None:
        return self._secret_source()

    def _key(self) -> str:
        secret = self._secret
        if not secret:
            raise UnavailableError("Sign-in is not configured on this stage", code="AUTH_NOT_CONFIGURED")
        return secret

    def issue(self, user_id: str, now: datetime) -> tuple[str, datetime]:
        expires = now + timedelta(seconds=self._ttl)
        claims = {"sub": user_id, "iss": ISSUER, "iat": int(now.timestamp()), "exp": int(expires.timestamp())}
        return jwt.encode(claims, self._key(), algorithm="HS256"), expires

    def verify(self, token: str) -> str:
        """Return the user id of a valid token; anything else is 401 (never a 500)."""
        secret = self._secret
        if not secret:
            raise UnauthenticatedError("Sign-in is not configured on this stage")
        try:
            claims = jwt.decode(token, secret, algorithms=["HS256"], issuer=ISSUER,
                                options={"require": ["sub", "exp", "iss"], "verify_exp": self._clock is None,
                                         "verify_iat": False})
        except jwt.ExpiredSignatureError:
            raise UnauthenticatedError("The token has expired", code="TOKEN_EXPIRED") from None
        except jwt.PyJWTError:
            raise UnauthenticatedError("The token is not valid", code="INVALID_TOKEN") from None
        if self._clock is not None:
            expires = claims["exp"]
            if not isinstance(expires, (int, float)) or expires <= self._clock.timestamp():
                raise UnauthenticatedError("The token has expired", code="TOKEN_EXPIRED")
        return str(claims["sub"])
