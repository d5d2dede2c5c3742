"""Live-room feed wording and the low-stock thresholds (pure)."""
from __future__ import annotations

ORDER_PLACED, LOW_STOCK, SOLD_OUT, BATCH_REACHED = "order_placed", "low_stock", "sold_out", "batch_reached"


def mask_name(name: str | None) -> str:
    """王小明 -> 王**; nothing known -> 顾客** (never the full name)."""
    name = (name or "").strip()
    return (name[0] if name else "顾客") + "**"


def order_placed_text(name: str | None, community_name: str | None, quantity: int) -> str:
    where = f" ({community_name})" if community_name else ""
    return f"{mask_name(name)}{where} just bought {quantity}"


def low_stock_text(remaining: int) -> str:
    return f"only {remaining} left"


def crossed(before: int, after: int, thresholds: tuple[int, ...]) -> list[int]:
    """Thresholds passed on the way down from `before` to `after` (each is announced once)."""
    return sorted((t for t in thresholds if after <= t < before and after > 0), reverse=True)


def event_key(at: str, kind: str, cause: str) -> str:
    """Sortable by time, unique per cause: a re-delivered record rewrites the same key."""
    return f"{at}#{kind}#{cause}"
