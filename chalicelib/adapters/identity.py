"""Identity providers: turn a mini-program `wx.login` code into the user's openid."""
from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from abc import ABC, abstractmethod
from typing import Callable

from ..domain.errors import InvalidInputError, UnauthenticatedError, UnavailableError

CODE2SESSION_URL = "https://api.weixin.qq.com/sns/jscode2session"
_SANDBOX_CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class IdentityProvider(ABC):
    @abstractmethod
    def openid_for(self, code: str) -> str:
        """Exchange a login code for a stable openid, or raise UnauthenticatedError."""


class SandboxIdentityProvider(IdentityProvider):
    """Local/dev only: the code *is* the openid, so `{"code": "alice"}` signs in as alice."""

    def openid_for(self, code: str) -> str:
        if not _SANDBOX_CODE.match(code):
            raise InvalidInputError("Sandbox login codes are 1-64 letters, digits, _ or -",
                                    fields={"code": "invalid"})
        return code


HttpGet = Callable[[str, float], bytes]


def _urlopen(url: str, timeout: float) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - fixed https URL
        return response.read(65536)


class WeChatIdentityProvider(IdentityProvider):
    """WeChat `code2session`; the HTTP call is injectable so tests use a fake."""

    def __init__(self, appid: Callable[[], str | None], secret: Callable[[], str | None],
                 http_get: HttpGet = _urlopen, timeout: float = 3.0) -> None:
        """appid and secret are callables so they are resolved (from SSM) on first use only."""
        self._appid, self._secret, self._get, self._timeout = appid, secret, http_get, timeout

    def openid_for(self, code: str) -> str:
        appid, secret = self._appid(), self._secret()
        if not (appid and secret):
            raise UnavailableError("WeChat sign-in is not configured", code="AUTH_NOT_CONFIGURED")
        query = urllib.parse.urlencode({"appid": appid, "secret": secret,
                                        "js_code": code, "grant_type": "authorization_code"})
        try:
            payload = json.loads(self._get(f"{CODE2SESSION_URL}?{query}", self._timeout))
        except (OSError, ValueError) as exc:
            raise UnavailableError("WeChat sign-in is unavailable; please retry",
                                   code="IDENTITY_UNAVAILABLE") from exc
        if payload.get("errcode"):
            if payload["errcode"] == -1:  # WeChat: system busy
                raise UnavailableError("WeChat sign-in is busy; please retry", code="IDENTITY_UNAVAILABLE")
            raise UnauthenticatedError("The login code was refused by WeChat", code="INVALID_LOGIN_CODE",
                                       provider_code=payload["errcode"])
        openid = payload.get("openid")
        if not isinstance(openid, str) or not openid:
            raise UnavailableError("WeChat returned no openid", code="IDENTITY_UNAVAILABLE")
        return openid
