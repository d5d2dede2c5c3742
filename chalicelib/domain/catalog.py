"""Catalog and community value objects."""
from __future__ import annotations

from dataclasses import dataclass, field

PRODUCT_STATUSES = ("active", "draft", "archived")
BELOW_THRESHOLD_POLICIES = ("refund", "deliver_anyway")


@dataclass(frozen=True)
class Product:
    product_id: str
    title: str
    list_price: int
    stock: int
    status: str = "active"
    description: str = ""
    category: str | None = None
    images: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    @property
    def purchasable(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True)
class PickupPoint:
    name: str
    address: str


@dataclass(frozen=True)
class DeliveryPromise:
    days_after: int = 1
    at: str = "10:00"


@dataclass(frozen=True)
class Community:
    community_id: str
    name: str
    pickup_point: PickupPoint
    batch_threshold: int = 50
    delivery_promise: DeliveryPromise = field(default_factory=DeliveryPromise)
    below_threshold_policy: str = "refund"
