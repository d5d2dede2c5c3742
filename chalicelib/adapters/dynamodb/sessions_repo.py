"""Live sessions and their offers in DynamoDB."""
from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, UpdateError

from ...domain.errors import ConflictError, IllegalTransitionError, NotFoundError
from ...domain.live import SCHEDULED, LiveSession, Offer
from .models import LiveSessionModel, OfferModel
from .transactions import Tx, TxCancelled


def _offer(m: OfferModel) -> Offer:
    return Offer(product_id=m.product_id, live_price=int(m.live_price), capacity=int(m.capacity),
                 per_user_limit=int(m.per_user_limit) if m.per_user_limit is not None else None,
                 reserved=int(m.reserved))


def _session(m: LiveSessionModel, offers: list[Offer]) -> LiveSession:
    return LiveSession(session_id=m.session_id, title=m.title, platform=m.platform,
                       platform_room_id=m.platform_room_id, scheduled_start=m.scheduled_start,
                       scheduled_end=m.scheduled_end, state=m.state, offers=tuple(offers))


class SessionRepository:
    def __init__(self, connection) -> None:
        self._connection = connection

    def get(self, session_id: str, consistent: bool = False) -> LiveSession | None:
        try:
            model = LiveSessionModel.get(session_id, consistent_read=consistent)
        except DoesNotExist:
            return None
        offers = [_offer(o) for o in OfferModel.query(session_id, consistent_read=consistent)]
        return _session(model, offers)

    def get_times(self, session_id: str) -> dict:
        """When a session is scheduled to end and when it really ended (for batch cut-offs)."""
        try:
            m = LiveSessionModel.get(session_id, attributes_to_get=["scheduled_end", "ended_at"])
        except DoesNotExist:
            return {}
        return {"scheduled_end": m.scheduled_end, "ended_at": m.ended_at}

    def save(self, session: LiveSession, existing: LiveSession | None, now: str) -> None:
        """Create or replace a session and its offers in one transaction.

        A kept offer may change price, limit and capacity, but never below what is already reserved;
        a dropped offer must have nothing reserved. The state is kept (a new session is scheduled).
        """
        tx = Tx(self._connection)
        m = LiveSessionModel
        tx.update("session", LiveSessionModel(session.session_id), [
            m.title.set(session.title), m.platform.set(session.platform),
            m.platform_room_id.set(session.platform_room_id),
            m.platform_room.set(f"{session.platform}#{session.platform_room_id}"),
            m.scheduled_start.set(session.scheduled_start) if session.scheduled_start else m.scheduled_start.remove(),
            m.scheduled_end.set(session.scheduled_end) if session.scheduled_end else m.scheduled_end.remove(),
            m.state.set(m.state | SCHEDULED), m.updated_at.set(now),
        ])
        before = {o.product_id: o for o in (existing.offers if existing else ())}
        for offer in session.offers:
            o = OfferModel
            limit = o.per_user_limit.set(offer.per_user_limit) if offer.per_user_limit else o.per_user_limit.remove()
            if offer.product_id in before:
                tx.update(f"offer:{offer.product_id}", OfferModel(session.session_id, offer.product_id), [
                    o.live_price.set(offer.live_price), o.capacity.set(offer.capacity),
                    o.remaining.set(offer.capacity - o.reserved), limit,
                ], condition=o.reserved.exists() & (o.reserved <= offer.capacity))
            else:
                tx.put(f"offer:{offer.product_id}", OfferModel(
                    session.session_id, offer.product_id, live_price=offer.live_price,
                    capacity=offer.capacity, reserved=0, remaining=offer.capacity,
                    per_user_limit=offer.per_user_limit), condition=o.session_id.does_not_exist())
        kept = {o.product_id for o in session.offers}
        for product_id in before.keys() - kept:
            tx.delete(f"offer:{product_id}", OfferModel(session.session_id, product_id),
                      condition=OfferModel.reserved == 0)
        try:
            tx.commit()
        except TxCancelled as exc:
            failed = sorted(label.split(":", 1)[1] for label in exc.failures if label.startswith("offer:"))
            raise ConflictError("Offers changed concurrently, or a capacity is below the units already "
                                "reserved, or a dropped offer has reservations",
                                code="OFFER_CONFLICT", product_ids=failed) from None

    def transition(self, session_id: str, allowed_from: tuple[str, ...], target: str, now: str) -> None:
        stamp = LiveSessionModel.started_at if target == "live" else LiveSessionModel.ended_at
        try:
            LiveSessionModel(session_id).update(
                actions=[LiveSessionModel.state.set(target), stamp.set(now),
                         LiveSessionModel.updated_at.set(now)],
                condition=LiveSessionModel.state.is_in(*allowed_from))
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
            current = self.get(session_id, consistent=True)
            if current is None:
                raise NotFoundError(f"Live session {session_id} does not exist",
                                    code="SESSION_NOT_FOUND") from None
            raise IllegalTransitionError(f"A {current.state} session cannot become {target}",
                                         state=current.state) from None
