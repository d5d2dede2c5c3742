"""One frozen settings object, read from the environment when first needed (never at import)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Mapping

SANDBOX_STAGES = frozenset({"local", "dev"})


class ConfigurationError(RuntimeError):
    """The deployment is misconfigured; the stage must not serve traffic."""


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be an integer, got {raw!r}") from exc


def _list(env: Mapping[str, str], name: str, default: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in env.get(name, default).split(",") if p.strip())


@dataclass(frozen=True)
class Settings:
    stage: str = "local"
    region: str = "us-east-1"
    table_prefix: str = "livecommerce-local"
    dynamodb_endpoint: str | None = None
    payment_deadline_seconds: int = 900
    referral_window_days: int = 7
    batch_cutoff_seconds: int = 3600
    token_ttl_seconds: int = 86400
    webhook_tolerance_seconds: int = 300
    catalog_cache_seconds: int = 5
    identity_provider: str = "sandbox"
    payment_providers: tuple[str, ...] = ("sandbox",)
    live_platforms: tuple[str, ...] = ("demo",)
    jwt_secret: str | None = None
    wechat_appid: str | None = None
    wechat_secret: str | None = None
    webhook_secrets: Mapping[str, str] = field(default_factory=dict)
    timezone: str = "Asia/Shanghai"  # the community's local day and delivery times
    low_stock_thresholds: tuple[int, ...] = (100, 50, 20, 10)
    outbox_sink: str = "log"  # log | file:<path> | wecom:<robot webhook url or ssm:/name>
    poster_bucket: str = "livecommerce-local-posters"
    s3_endpoint: str | None = None

    @property
    def tz(self):
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.timezone)

    @property
    def sandbox_allowed(self) -> bool:
        return self.stage in SANDBOX_STAGES

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        stage = env.get("STAGE", "local")
        prefix = env.get("TABLE_PREFIX", f"livecommerce-{stage}")
        secrets = {
            key[len("WEBHOOK_SECRET_"):].lower(): value
            for key, value in env.items()
            if key.startswith("WEBHOOK_SECRET_") and value
        }
        settings = cls(
            stage=stage,
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
            table_prefix=prefix,
            dynamodb_endpoint=env.get("AWS_ENDPOINT_URL_DYNAMODB") or env.get("AWS_ENDPOINT_URL") or None,
            payment_deadline_seconds=_int(env, "PAYMENT_DEADLINE_SECONDS", 900),
            referral_window_days=_int(env, "REFERRAL_WINDOW_DAYS", 7),
            batch_cutoff_seconds=_int(env, "BATCH_CUTOFF_SECONDS", 3600),
            token_ttl_seconds=_int(env, "TOKEN_TTL_SECONDS", 86400),
            webhook_tolerance_seconds=_int(env, "WEBHOOK_TOLERANCE_SECONDS", 300),
            catalog_cache_seconds=_int(env, "CATALOG_CACHE_SECONDS", 5),
            identity_provider=env.get("IDENTITY_PROVIDER", "sandbox"),
            payment_providers=_list(env, "PAYMENT_PROVIDERS", "sandbox"),
            live_platforms=_list(env, "LIVE_PLATFORMS", "demo"),
            jwt_secret=env.get("JWT_SECRET") or None,
            wechat_appid=env.get("WECHAT_APPID") or None,
            wechat_secret=env.get("WECHAT_SECRET") or None,
            webhook_secrets=secrets,
            timezone=env.get("LOCAL_TIMEZONE", "Asia/Shanghai"),
            low_stock_thresholds=tuple(sorted((int(t) for t in _list(env, "LOW_STOCK_THRESHOLDS", "100,50,20,10")),
                                              reverse=True)),
            outbox_sink=env.get("OUTBOX_SINK", "log"),
            poster_bucket=env.get("POSTER_BUCKET") or f"{prefix}-posters",
            s3_endpoint=env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL") or None,
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        """Refuse to start a production stage with a sandbox provider enabled."""
        if self.sandbox_allowed:
            return
        if self.identity_provider == "sandbox":
            raise ConfigurationError(f"stage {self.stage!r} must not use the sandbox identity provider")
        if "sandbox" in self.payment_providers:
            raise ConfigurationError(f"stage {self.stage!r} must not enable the sandbox payment provider")
        if "demo" in self.live_platforms:
            raise ConfigurationError(f"stage {self.stage!r} must not enable the demo live platform")

    def webhook_secret(self, name: str) -> str | None:
        """The signing secret of one platform/provider, or None (which fails closed).

        Values may be literal or `ssm:/parameter/name` (resolved by the secrets adapter).
        Only sandbox stages fall back to the documented `local-<name>-secret`.
        """
        secret = self.webhook_secrets.get(name.lower())
        if secret:
            return secret
        return f"local-{name.lower()}-secret" if self.sandbox_allowed else None

    def signing_key(self) -> str | None:
        if self.jwt_secret:
            return self.jwt_secret
        return "local-jwt-secret-for-sandbox-stages-only" if self.sandbox_allowed else None
