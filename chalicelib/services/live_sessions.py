"""Live sessions: definition by operators, state changes, and the public view."""
from __future__ import annotations

from ..domain.errors import NotFoundError
from ..domain.live import ENDED, LIVE, SESSION_TRANSITIONS, LiveSession
from ..domain.timefmt import iso


class LiveSessionService:
    def __init__(self, sessions, catalog_repo, clock, cache, on_ended=None) -> None:
        self._sessions, self._catalog, self._clock, self._cache = sessions, catalog_repo, clock, cache
        self._on_ended = on_ended  # (session_id, ended_at): batches learn their cut-off

    def put_session(self, session: LiveSession) -> LiveSession:
        missing = sorted({o.product_id for o in session.offers}
                         - set(self._catalog.get_products([o.product_id for o in session.offers])))
        if missing:
            raise NotFoundError(f"Unknown products: {', '.join(missing)}", code="PRODUCT_NOT_FOUND",
                                product_ids=missing)
        existing = self._sessions.get(session.session_id, consistent=True)
        self._sessions.save(session, existing, iso(self._clock.now()))
        self._cache.invalidate(session.session_id)
        return self.get_session(session.session_id)

    def get_session(self, session_id: str, consistent: bool = False) -> LiveSession:
        session = self._sessions.get(session_id, consistent=consistent)
        if session is None:
            raise NotFoundError(f"Live session {session_id} does not exist", code="SESSION_NOT_FOUND")
        return session

    def view(self, session_id: str) -> tuple[LiveSession, dict]:
        """The session with each offer's current list price (one BatchGet for all products)."""
        session = self.get_session(session_id)
        products = self._catalog.get_products([o.product_id for o in session.offers])
        return session, {pid: p.list_price for pid, p in products.items()}

    def for_checkout(self, session_id: str, fresh: bool = False) -> LiveSession:
        """A live session may come from the cache (the checkout transaction re-checks state, price
        and limit); anything not live is always re-read, so a start is never missed."""
        if not fresh:
            cached = self._cache.get(session_id)
            if cached is not None:
                return cached
        session = self.get_session(session_id, consistent=True)
        if session.state == LIVE:
            self._cache.put(session_id, session)
        return session

    def invalidate(self, session_id: str) -> None:
        self._cache.invalidate(session_id)

    def start(self, session_id: str) -> LiveSession:
        return self._move(session_id, LIVE)

    def end(self, session_id: str) -> LiveSession:
        session = self._move(session_id, ENDED)
        if self._on_ended:
            self._on_ended(session_id, iso(self._clock.now()))
        return session

    def _move(self, session_id: str, target: str) -> LiveSession:
        allowed = tuple(s for s, targets in SESSION_TRANSITIONS.items() if target in targets)
        self._sessions.transition(session_id, allowed, target, iso(self._clock.now()))
        self._cache.invalidate(session_id)
        return self.get_session(session_id, consistent=True)
