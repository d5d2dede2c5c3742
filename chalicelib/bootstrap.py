"""The one place where services are wired to real adapters, lazily, on first use.

Nothing here runs at import time: the first request (or test) calls `services()`, which reads the
settings, binds the tables and builds every service once per process. Tests call `reset()` or
`override(...)` to inject fakes (a fixed clock, a fake identity provider).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from .settings import Settings


@dataclass
class Services:
    settings: Settings
    clock: Any
    auth: Any
    catalog: Any
    sessions: Any
    checkout: Any
    orders: Any
    payments: Any
    webhooks: Any
    batching: Any
    feed: Any
    outbox: Any
    referrals: Any
    posters: Any


_lock = threading.Lock()
_services: Services | None = None
_overrides: dict[str, Any] = {}


def _build(settings: Settings) -> Services:
    from .adapters import identity, secrets
    from .adapters.clock import SystemClock
    from .adapters.dynamodb import models
    from .adapters.dynamodb.catalog_repo import CatalogRepository
    from .adapters.dynamodb.orders_repo import OrderRepository
    from .adapters.dynamodb.sessions_repo import SessionRepository
    from .adapters.event_dedupe import EventDeduper
    from .adapters.tokens import TokenService
    from .services.auth import AuthService
    from .services.cache import TtlCache
    from .services.catalog import CatalogService
    from .services.checkout import CheckoutService
    from .services.live_sessions import LiveSessionService
    from .services.orders import OrderService
    from .services.payments import PaymentService
    from .services.webhooks import WebhookService
    from .adapters.dynamodb.automation_repo import AutomationRepository
    from .services.batching import BatchingService
    from .services.feed import FeedService
    from .services.outbox import OutboxService
    from .adapters.dynamodb.referrals_repo import ReferralRepository
    from .adapters.dynamodb.sharing_repo import PosterRepository, ShareRepository
    from .adapters.posters.storage import PosterStore
    from .services.posters import PosterService
    from .services.referrals import ReferralService

    connection = models.configure(settings.table_prefix, settings.region, settings.dynamodb_endpoint)
    clock = _overrides.get("clock") or SystemClock()
    catalog_repo = CatalogRepository(connection)
    orders_repo = OrderRepository(connection)
    if "identity" in _overrides:
        provider = _overrides["identity"]
    elif settings.identity_provider == "sandbox":
        provider = identity.SandboxIdentityProvider()
    else:
        provider = identity.WeChatIdentityProvider(lambda: secrets.resolve(settings.wechat_appid),
                                                   lambda: secrets.resolve(settings.wechat_secret))
    tokens = TokenService(lambda: secrets.resolve(settings.signing_key()), settings.token_ttl_seconds, clock)
    sessions_repo = SessionRepository(connection)
    automation_repo = AutomationRepository(connection)
    outbox = OutboxService(automation_repo, _overrides.get("notifier") or _notifier(settings), clock)
    feed = FeedService(automation_repo, catalog_repo, settings)
    batching = BatchingService(automation_repo, orders_repo, catalog_repo, sessions_repo, outbox, feed, clock,
                               settings)
    sessions = LiveSessionService(sessions_repo, catalog_repo, clock, TtlCache(settings.catalog_cache_seconds),
                                  on_ended=batching.session_ended)
    payments = PaymentService(orders_repo, clock)
    referrals = ReferralService(ReferralRepository(connection), catalog_repo, outbox, clock, settings,
                                **({"new_code": _overrides["new_code"]} if "new_code" in _overrides else {}))
    s3 = _s3_factory(settings)
    posters = PosterService(PosterRepository(), PosterStore(s3, settings.poster_bucket),
                            _overrides.get("renderer") or _renderer_factory(s3), _drawable, referrals, catalog_repo,
                            sessions, orders_repo, ShareRepository(connection), clock)
    deduper = _overrides.get("deduper") or EventDeduper(models.IdempotencyModel.Meta.table_name,
                                                        lambda: _dynamodb_client(settings))
    return Services(
        settings=settings, clock=clock,
        auth=AuthService(provider, tokens, catalog_repo, clock),
        catalog=CatalogService(catalog_repo, clock),
        sessions=sessions,
        checkout=CheckoutService(sessions, catalog_repo, orders_repo, clock,
                                 deadline_seconds=settings.payment_deadline_seconds, tz=settings.tz),
        orders=OrderService(orders_repo, clock),
        payments=payments,
        webhooks=WebhookService(settings, clock, deduper, payments),
        batching=batching, feed=feed, outbox=outbox, referrals=referrals, posters=posters,
    )


def _notifier(settings: Settings):
    from .adapters import notifier, secrets

    sink = settings.outbox_sink
    if sink.startswith("file:"):
        return notifier.FileNotifier(sink[len("file:"):])
    if sink.startswith("wecom:"):
        return notifier.WeComRobotNotifier(lambda: secrets.resolve(sink[len("wecom:"):]))
    return notifier.LogNotifier()


def _once(build):
    """A getter that builds its value on first use (thread-safe) and returns the same value after."""
    box: list = []
    guard = threading.Lock()

    def get():
        if not box:
            with guard:
                if not box:
                    box.append(build())
        return box[0]

    return get


def _s3_factory(settings: Settings):
    """A lazily built, shared S3 client (path-style, so presigned URLs work against a loopback endpoint)."""
    def build():
        import boto3
        from botocore.config import Config

        return boto3.client("s3", region_name=settings.region, endpoint_url=settings.s3_endpoint,
                            config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"))

    return _once(build)


def _renderer_factory(s3):
    """Pillow and the font load on the first render only: routes that never draw don't pay for them."""
    def build():
        from .adapters.posters.render import PosterRenderer
        from .adapters.posters.storage import PhotoLoader

        return PosterRenderer(PhotoLoader(s3))

    return _once(build)


def _load_drawable():
    from .adapters.posters.render import drawable_characters

    return drawable_characters()


_drawable = _once(_load_drawable)


def _dynamodb_client(settings: Settings):
    import boto3

    return boto3.client("dynamodb", region_name=settings.region, endpoint_url=settings.dynamodb_endpoint)


def services() -> Services:
    global _services
    if _services is None:
        with _lock:
            if _services is None:
                _services = _build(_overrides.get("settings") or Settings.from_env())
    return _services


def reset(**overrides: Any) -> None:
    """Forget the wired services; the next call rebuilds them with these overrides (tests)."""
    global _services
    with _lock:
        _services = None
        _overrides.clear()
        _overrides.update(overrides)
