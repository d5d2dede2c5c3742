"""The pure domain: pricing, state machines, signatures, idempotency ids (no fixtures, no I/O)."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain import orders, pricing, signatures
from chalicelib.domain.catalog import Product
from chalicelib.domain.errors import (IllegalTransitionError, InvalidInputError, InvalidSignatureError,
                                      LimitExceededError, NotFoundError, OfferNotLiveError)
from chalicelib.domain.idempotency import fingerprint, order_id_for
from chalicelib.domain.live import LIVE, SCHEDULED, LiveSession, Offer, check_session_transition

SESSION = LiveSession("s1", "t", "demo", "r", None, None, LIVE, (Offer("p1", 2500, 10, 2),))


def test_live_pricing_uses_the_offer_price_and_marks_limited_lines():
    (line,) = pricing.price_live(SESSION, [("p1", 2)])
    assert (line.unit_price, line.amount, line.kind, line.limited) == (2500, 5000, "live", True)


def test_live_pricing_rejections():
    with pytest.raises(OfferNotLiveError):
        pricing.price_live(LiveSession("s1", "t", "demo", "r", None, None, SCHEDULED, SESSION.offers), [("p1", 1)])
    with pytest.raises(NotFoundError):
        pricing.price_live(SESSION, [("p9", 1)])
    with pytest.raises(LimitExceededError):
        pricing.price_live(SESSION, [("p1", 3)])
    for bad in ([], [("p1", 0)], [("p1", 100)], [("p1", 1), ("p1", 1)], [(f"p{n}", 1) for n in range(11)]):
        with pytest.raises(InvalidInputError):
            pricing.price_live(SESSION, bad)


def test_regular_pricing_uses_list_price_and_refuses_unlisted_products():
    products = {"a": Product("a", "A", 300, 5), "d": Product("d", "D", 300, 5, status="draft")}
    assert pricing.price_regular(products, [("a", 2)])[0].amount == 600
    for pid in ("d", "zzz"):
        with pytest.raises(NotFoundError):
            pricing.price_regular(products, [(pid, 1)])


@given(st.sampled_from(list(orders.TRANSITIONS)), st.sampled_from(list(orders.TRANSITIONS)))
def test_order_state_machine_allows_exactly_the_listed_moves(current, target):
    allowed = target in orders.TRANSITIONS[current]
    if allowed:
        orders.check_transition(current, target)
    else:
        with pytest.raises(IllegalTransitionError):
            orders.check_transition(current, target)


def test_terminal_states_and_release_states():
    assert orders.TRANSITIONS[orders.COMPLETED] == () and orders.TRANSITIONS[orders.REFUNDED] == ()
    assert set(orders.RELEASING) <= set(orders.TRANSITIONS[orders.PENDING_PAYMENT])


def test_session_state_machine():
    check_session_transition("scheduled", "live")
    check_session_transition("live", "ended")
    for current, target in (("ended", "live"), ("live", "live"), ("ended", "ended"), ("live", "scheduled")):
        with pytest.raises(IllegalTransitionError):
            check_session_transition(current, target)


def test_signature_round_trip_and_every_refusal():
    body = b'{"id":"e1"}'
    header = signatures.sign("s3cret", 1000, body)
    signatures.verify(header, body, "s3cret", now=1200, tolerance=300)
    cases = [(header, b'{"id":"e2"}', "s3cret", 1200), (header, body, "other", 1200),
             (header, body, "s3cret", 1301), (header, body, "s3cret", 699), (None, body, "s3cret", 1000),
             ("t=abc,v1=00", body, "s3cret", 1000), ("v1=00", body, "s3cret", 1000), (header, body, None, 1000)]
    for h, b, secret, now in cases:
        with pytest.raises(InvalidSignatureError):
            signatures.verify(h, b, secret, now=now, tolerance=300)


@given(st.text(min_size=1, max_size=40), st.text(min_size=1, max_size=40))
def test_order_ids_are_stable_per_user_and_key(user, key):
    assert order_id_for(user, key) == order_id_for(user, key)
    assert order_id_for(user, key) != order_id_for(user + "x", key)
    assert len(order_id_for(user, key)) == 26


def test_fingerprint_ignores_key_order_but_not_values():
    assert fingerprint({"a": 1, "b": [1, 2]}) == fingerprint({"b": [1, 2], "a": 1})
    assert fingerprint({"a": 1}) != fingerprint({"a": 2})
