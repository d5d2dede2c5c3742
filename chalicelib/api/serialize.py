"""Domain objects -> response models."""
from __future__ import annotations

from ..domain.catalog import Community, Product
from ..domain.live import LiveSession
from ..domain.orders import PENDING_PAYMENT, Order
from . import schemas as s


def product(p: Product) -> s.ProductOut:
    return s.ProductOut(product_id=p.product_id, title=p.title, description=p.description,
                        images=list(p.images), list_price=p.list_price, stock=p.stock, status=p.status,
                        category=p.category, tags=list(p.tags))


def community(c: Community) -> s.CommunityOut:
    return s.CommunityOut(
        community_id=c.community_id, name=c.name,
        pickup_point=s.PickupPointOut(name=c.pickup_point.name, address=c.pickup_point.address),
        batch_threshold=c.batch_threshold,
        delivery_promise=s.DeliveryPromiseOut(days_after=c.delivery_promise.days_after, at=c.delivery_promise.at),
        below_threshold_policy=c.below_threshold_policy)


def live_session(session: LiveSession, list_prices: dict[str, int]) -> s.LiveSessionOut:
    offers = [s.OfferOut(product_id=o.product_id, live_price=o.live_price,
                         list_price=list_prices.get(o.product_id), capacity=o.capacity,
                         remaining=max(o.remaining, 0), per_user_limit=o.per_user_limit, sold_out=o.sold_out)
              for o in session.offers]
    return s.LiveSessionOut(session_id=session.session_id, title=session.title, platform=session.platform,
                            platform_room_id=session.platform_room_id, scheduled_start=session.scheduled_start,
                            scheduled_end=session.scheduled_end, state=session.state, offers=offers)


def order(o: Order, provider: str) -> s.OrderOut:
    payment = None
    if o.status == PENDING_PAYMENT:
        payment = s.PaymentOut(provider=provider, order_id=o.order_id, amount=o.total,
                               expires_at=o.payment_deadline)
    return s.OrderOut(order_id=o.order_id, status=o.status,
                      items=[s.OrderLineOut(product_id=l.product_id, quantity=l.quantity, unit_price=l.unit_price)
                             for l in o.lines],
                      total=o.total, community_id=o.community_id, live_session_id=o.live_session_id,
                      invite_code=o.invite_code, created_at=o.created_at, payment_deadline=o.payment_deadline,
                      paid_at=o.paid_at, refund_reason=o.refund_reason, payment=payment)
