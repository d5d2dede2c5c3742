"""Adapters that need no AWS: settings, identity providers, tokens, cursors, the read cache."""
import json
from datetime import datetime, timezone

import pytest

from chalicelib.adapters.dynamodb import cursors
from chalicelib.adapters.identity import SandboxIdentityProvider, WeChatIdentityProvider
from chalicelib.adapters.tokens import TokenService
from chalicelib.domain.errors import InvalidInputError, UnauthenticatedError, UnavailableError
from chalicelib.services.cache import TtlCache
from chalicelib.settings import ConfigurationError, Settings


def test_production_refuses_sandbox_providers():
    for env in ({"STAGE": "prod"}, {"STAGE": "prod", "IDENTITY_PROVIDER": "wechat"},
                {"STAGE": "prod", "IDENTITY_PROVIDER": "wechat", "PAYMENT_PROVIDERS": "wechatpay"}):
        with pytest.raises(ConfigurationError):
            Settings.from_env(env)
    ok = Settings.from_env({"STAGE": "prod", "IDENTITY_PROVIDER": "wechat", "PAYMENT_PROVIDERS": "wechatpay",
                            "LIVE_PLATFORMS": "channels"})
    assert ok.webhook_secret("wechatpay") is None and ok.signing_key() is None  # fails closed


def test_local_defaults_and_overrides():
    local = Settings.from_env({})
    assert local.webhook_secret("sandbox") == "local-sandbox-secret"
    assert local.webhook_secret("demo") == "local-demo-secret"
    assert local.payment_deadline_seconds == 900 and local.referral_window_days == 7
    custom = Settings.from_env({"WEBHOOK_SECRET_SANDBOX": "x", "PAYMENT_DEADLINE_SECONDS": "60"})
    assert custom.webhook_secret("sandbox") == "x" and custom.payment_deadline_seconds == 60
    with pytest.raises(ConfigurationError):
        Settings.from_env({"PAYMENT_DEADLINE_SECONDS": "soon"})


def test_sandbox_identity_maps_code_to_openid():
    assert SandboxIdentityProvider().openid_for("alice") == "alice"
    with pytest.raises(InvalidInputError):
        SandboxIdentityProvider().openid_for("not valid!")


class FakeWeChat:
    def __init__(self, payload=None, error=None):
        self.payload, self.error, self.urls = payload, error, []

    def __call__(self, url, timeout):
        self.urls.append(url)
        if self.error:
            raise self.error
        return json.dumps(self.payload).encode()


def test_wechat_code2session_success_and_failures():
    fake = FakeWeChat({"openid": "oABC", "session_key": "k"})
    provider = WeChatIdentityProvider(lambda: "wxapp", lambda: "sec", http_get=fake)
    assert provider.openid_for("the-code") == "oABC"
    assert "js_code=the-code" in fake.urls[0] and "appid=wxapp" in fake.urls[0]
    assert "grant_type=authorization_code" in fake.urls[0]
    with pytest.raises(UnauthenticatedError):
        WeChatIdentityProvider(lambda: "a", lambda: "s", http_get=FakeWeChat({"errcode": 40029})).openid_for("c")
    for fake in (FakeWeChat({"errcode": -1}), FakeWeChat(error=OSError("timeout")), FakeWeChat({})):
        with pytest.raises(UnavailableError):
            WeChatIdentityProvider(lambda: "a", lambda: "s", http_get=fake).openid_for("c")
    with pytest.raises(UnavailableError):
        WeChatIdentityProvider(lambda: None, lambda: None, http_get=FakeWeChat({})).openid_for("c")


def test_tokens_round_trip_and_fail_closed_without_secret():
    now = datetime.now(timezone.utc)
    tokens = TokenService(lambda: "a-secret-that-is-long-enough-for-hs256", 3600)
    token, expires = tokens.issue("u_1", now)
    assert tokens.verify(token) == "u_1" and (expires - now).total_seconds() == 3600
    with pytest.raises(UnauthenticatedError):
        TokenService(lambda: "another-secret-that-is-long-enough-xx", 3600).verify(token)
    with pytest.raises(UnavailableError):
        TokenService(lambda: None, 3600).issue("u_1", now)
    with pytest.raises(UnauthenticatedError):
        TokenService(lambda: None, 3600).verify(token)


def test_cursors_round_trip_and_refuse_tampering():
    key = {"user_id": {"S": "u1"}, "order_id": {"S": "o1"}, "created_at": {"S": "t"}}
    cursor = cursors.encode(key)
    assert cursors.decode(cursor, set(key), {"user_id": "u1"}) == key
    assert cursors.encode(None) is None and cursors.decode(None, set(key)) is None
    for bad in ("!!", cursors.encode({"user_id": {"S": "u1"}}), cursor[:-3]):
        with pytest.raises(InvalidInputError):
            cursors.decode(bad, set(key), {"user_id": "u1"})
    with pytest.raises(InvalidInputError):
        cursors.decode(cursor, set(key), {"user_id": "u2"})


def test_ttl_cache_expires_and_can_be_disabled():
    now = [0.0]
    cache = TtlCache(5, monotonic=lambda: now[0])
    cache.put("k", 1)
    assert cache.get("k") == 1
    now[0] = 6
    assert cache.get("k") is None
    off = TtlCache(0)
    off.put("k", 1)
    assert off.get("k") is None
