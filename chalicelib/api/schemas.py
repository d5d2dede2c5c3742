"""Request and response models: the same classes validate input and generate /openapi.json."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator, model_validator

from ..domain.timefmt import parse_iso

Id = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
OptId = Field(default=None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
Fen = Field(ge=0, le=100_000_000)  # integer fen, at most 1,000,000 CNY


class In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- requests ---------------------------------------------------------------------------------
class LoginIn(In):
    code: str = Field(min_length=1, max_length=128)
    nickname: str | None = Field(default=None, min_length=1, max_length=32)  # shown masked: 王**


class ProductIn(In):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    images: list[str] = Field(default_factory=list, max_length=20)
    list_price: StrictInt = Fen
    stock: StrictInt = Field(ge=0, le=10_000_000)
    status: Literal["active", "draft", "archived"] = "active"
    category: str | None = Field(default=None, min_length=1, max_length=64)
    tags: list[str] = Field(default_factory=list, max_length=20)

    @field_validator("images")
    @classmethod
    def _urls(cls, images: list[str]) -> list[str]:
        for url in images:
            if not url.startswith(("https://", "http://", "s3://")) or len(url) > 2048:
                raise ValueError("images must be http(s) or s3 URLs")
        return images


class PickupPointIn(In):
    name: str = Field(min_length=1, max_length=100)
    address: str = Field(min_length=1, max_length=300)


class DeliveryPromiseIn(In):
    days_after: StrictInt = Field(default=1, ge=0, le=7)
    at: str = Field(default="10:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")


class CommunityIn(In):
    name: str = Field(min_length=1, max_length=100)
    pickup_point: PickupPointIn
    batch_threshold: StrictInt = Field(default=50, ge=1, le=100_000)
    delivery_promise: DeliveryPromiseIn = Field(default_factory=DeliveryPromiseIn)
    below_threshold_policy: Literal["refund", "deliver_anyway"] = "refund"


class MyCommunityIn(In):
    community_id: str = Id


class OfferIn(In):
    product_id: str = Id
    live_price: StrictInt = Field(ge=1, le=100_000_000)
    capacity: StrictInt = Field(ge=0, le=1_000_000)
    per_user_limit: StrictInt | None = Field(default=None, ge=1, le=1000)


def _timestamp(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        parse_iso(value)
    except ValueError as exc:
        raise ValueError("must be an ISO-8601 timestamp with a timezone, e.g. 2026-04-01T10:00:00Z") from exc
    return value


class LiveSessionIn(In):
    title: str = Field(min_length=1, max_length=200)
    platform: str = Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_-]+$")
    platform_room_id: str = Field(min_length=1, max_length=128)
    scheduled_start: str | None = None
    scheduled_end: str | None = None
    offers: list[OfferIn] = Field(default_factory=list, max_length=40)

    @field_validator("scheduled_start", "scheduled_end")
    @classmethod
    def _iso(cls, value: str | None) -> str | None:
        return _timestamp(value)

    @model_validator(mode="after")
    def _consistent(self) -> "LiveSessionIn":
        if self.scheduled_start and self.scheduled_end and \
                parse_iso(self.scheduled_end) < parse_iso(self.scheduled_start):
            raise ValueError("scheduled_end is before scheduled_start")
        ids = [o.product_id for o in self.offers]
        if len(ids) != len(set(ids)):
            raise ValueError("each product may be offered once per session")
        return self


class OrderItemIn(In):
    product_id: str = Id
    quantity: StrictInt = Field(ge=1, le=99)


class OrderIn(In):
    items: list[OrderItemIn] = Field(min_length=1, max_length=10)
    live_session_id: str | None = Field(default=None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    community_id: str | None = Field(default=None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    invite_code: str | None = Field(default=None, min_length=1, max_length=32, pattern=r"^[A-Za-z0-9]+$")
    coupon_code: str | None = Field(default=None, min_length=1, max_length=32)


class ListQuery(In):
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=2048)


class ProductsQuery(ListQuery):
    category: str | None = Field(default=None, min_length=1, max_length=64)


# -- responses --------------------------------------------------------------------------------
class ErrorOut(BaseModel):
    code: str
    message: str
    fields: dict[str, str] | None = None


class LoginOut(BaseModel):
    token: str
    user_id: str
    expires_at: str


class ProductOut(BaseModel):
    product_id: str
    title: str
    description: str
    images: list[str]
    list_price: int
    stock: int
    status: str
    category: str | None
    tags: list[str]


class ProductListOut(BaseModel):
    items: list[ProductOut]
    next_cursor: str | None


class PickupPointOut(BaseModel):
    name: str
    address: str


class DeliveryPromiseOut(BaseModel):
    days_after: int
    at: str


class CommunityOut(BaseModel):
    community_id: str
    name: str
    pickup_point: PickupPointOut
    batch_threshold: int
    delivery_promise: DeliveryPromiseOut
    below_threshold_policy: str


class OfferOut(BaseModel):
    product_id: str
    live_price: int
    list_price: int | None
    capacity: int
    remaining: int
    per_user_limit: int | None
    sold_out: bool


class LiveSessionOut(BaseModel):
    session_id: str
    title: str
    platform: str
    platform_room_id: str
    scheduled_start: str | None
    scheduled_end: str | None
    state: str
    offers: list[OfferOut]


class OrderLineOut(BaseModel):
    product_id: str
    quantity: int
    unit_price: int


class PaymentOut(BaseModel):
    provider: str
    order_id: str
    amount: int
    currency: str = "CNY"
    expires_at: str


class OrderOut(BaseModel):
    order_id: str
    status: str
    items: list[OrderLineOut]
    total: int
    community_id: str | None
    live_session_id: str | None
    invite_code: str | None
    created_at: str
    payment_deadline: str
    paid_at: str | None
    refund_reason: str | None
    payment: PaymentOut | None


class OrderListOut(BaseModel):
    items: list[OrderOut]
    next_cursor: str | None


class WebhookAckOut(BaseModel):
    event_id: str
    result: str
    order_id: str | None = None
    status: str | None = None


class HealthOut(BaseModel):
    status: str
    stage: str


class FeedQuery(ListQuery):
    since: str | None = Field(default=None, max_length=40)


class ManifestQuery(In):
    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")


class BatchOut(BaseModel):
    community_id: str
    batch_id: str
    units: int
    threshold: int
    state: str
    progress: float
    delivery_at: str | None


class FeedEventOut(BaseModel):
    type: str
    at: str
    text: str
    quantity: int | None = None
    community_id: str | None = None
    product_id: str | None = None
    remaining: int | None = None


class FeedOut(BaseModel):
    items: list[FeedEventOut]
    next_cursor: str | None


class ManifestLineOut(BaseModel):
    product_id: str
    quantity: int


class ManifestOrderOut(BaseModel):
    order_id: str
    buyer: str
    status: str
    items: list[ManifestLineOut]


class PickupPointManifestOut(BaseModel):
    community_id: str
    name: str
    pickup_point: PickupPointOut
    units: int
    products: list[ManifestLineOut]
    orders: list[ManifestOrderOut]


class ManifestOut(BaseModel):
    date: str
    pickup_points: list[PickupPointManifestOut]


# -- the share loop ----------------------------------------------------------------------------
class ReferralStatsOut(BaseModel):
    touches: int
    referred_customers: int  # credited and not reversed
    credited: int
    reversed: int


class ReferralOut(BaseModel):
    invite_code: str
    share_path: str
    stats: ReferralStatsOut


class TouchIn(In):
    invite_code: str = Field(min_length=1, max_length=32)


class TouchOut(BaseModel):
    invite_code: str
    at: str
    recorded: bool  # false when the same code was already recorded this second
    window_days: int


class LeaderboardQuery(ListQuery):
    period: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    community_id: str | None = OptId


class LeaderboardEntryOut(BaseModel):
    rank: int
    user_id: str
    display_name: str
    count: int


class LeaderboardOut(BaseModel):
    period: str
    community_id: str | None
    items: list[LeaderboardEntryOut]
    next_cursor: str | None


class PosterIn(In):
    product_id: str = Id
    live_session_id: str | None = OptId
    text: str | None = Field(default=None, max_length=1000)  # the poster's own limit is checked after NFC
    format: Literal["chat", "moments", "group"] = "moments"


class PosterOut(BaseModel):
    poster_id: str
    url: str
    width: int
    height: int
    format: str
    product_id: str
    live_session_id: str | None
    invite_code: str
    created_at: str


class ShareIn(In):
    order_id: str | None = OptId
    poster_id: str | None = OptId
    channel: Literal["chat", "moments", "group", "other"]

    @model_validator(mode="after")
    def _something(self) -> "ShareIn":
        if not self.order_id and not self.poster_id:
            raise ValueError("share an order_id or a poster_id")
        return self


class ShareOut(BaseModel):
    share_id: str
    order_id: str | None
    poster_id: str | None
    channel: str
    at: str
    live_session_id: str | None
    minutes_after_payment: float | None
