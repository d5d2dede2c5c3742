"""Pure rules of the share loop, and the photo loader's limits (no AWS)."""
import io
import socket

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from chalicelib.domain import posters, referrals
from chalicelib.domain.errors import InvalidInputError

PAID = "2026-11-22T10:00:00Z"


def touch(at, code="AAAAAA", referrer="u_a"):
    return referrals.Touch(at=at, invite_code=code, referrer_id=referrer)


def test_pick_referrer_takes_the_last_touch_in_the_window_and_never_the_buyer():
    touches = [touch("2026-11-20T10:00:00Z", "AAAAAA", "u_a"), touch("2026-11-21T10:00:00Z", "BBBBBB", "u_b"),
               touch("2026-11-22T09:00:00Z", "CCCCCC", "u_buyer")]
    assert referrals.pick_referrer("u_buyer", PAID, 7, touches).invite_code == "BBBBBB"


@pytest.mark.parametrize("at, credited", [
    ("2026-11-15T10:00:00Z", True),    # exactly the window's start
    ("2026-11-15T10:00:01Z", True),
    ("2026-11-15T09:59:59Z", False),   # a second too early
    ("2026-11-22T10:00:01Z", False),   # after the payment
])
def test_window_edges(at, credited):
    assert (referrals.pick_referrer("u_buyer", PAID, 7, [touch(at)]) is not None) is credited


@given(st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 2 * 10 ** 9), st.text(min_size=1, max_size=8)),
                min_size=2, max_size=30, unique_by=lambda t: t[2]))
def test_scores_rank_by_count_then_first_credit(entries):
    from datetime import datetime, timezone

    from chalicelib.domain.timefmt import iso

    scored = []
    for count, second, user in entries:
        first = iso(datetime.fromtimestamp(second, tz=timezone.utc))
        score = referrals.score_base(first, user) + count * referrals.COUNT_UNIT
        assert referrals.count_of(score) == count
        scored.append((score, count, second))
    ranked = sorted(scored, reverse=True)
    for (_, c1, s1), (_, c2, s2) in zip(ranked, ranked[1:]):
        assert c1 > c2 or (c1 == c2 and s1 <= s2)


def test_codes_use_only_unambiguous_characters():
    for _ in range(200):
        code = referrals.new_code()
        assert len(code) == 6 and not set(code) & set("01ILO")
    assert referrals.normalize_code(" k7qm2x ") == "K7QM2X"
    assert referrals.normalize_code("K7QM0X") is None  # 0 is never issued
    assert referrals.normalize_code("x" * 33) is None


def test_clean_text_normalises_and_limits():
    assert posters.clean_text("  你好\r\n世界 ", None) == "你好\n世界"
    assert posters.clean_text(None, None) == ""
    with pytest.raises(InvalidInputError) as err:
        posters.clean_text("好" * (posters.MAX_TEXT + 1), None)
    assert err.value.code == "TEXT_TOO_LONG"
    with pytest.raises(InvalidInputError) as err:
        posters.clean_text("好吃", frozenset("好"))
    assert err.value.code == "UNSUPPORTED_CHARACTERS" and err.value.extra["characters"] == "吃"


def test_poster_id_is_the_hash_of_everything_shown():
    spec = posters.PosterSpec("chat", "p1", "青团", 2500, 3000, True, None, "", "K7QM2X",
                              posters.poster_path("K7QM2X", "p1", "s1"), "s1")
    from dataclasses import replace

    assert spec.poster_id() == replace(spec).poster_id()
    assert spec.poster_id() != replace(spec, price=2400).poster_id()
    assert spec.poster_id() != replace(spec, format="group").poster_id()


class _Response(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _jpeg(size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(out, format="JPEG")
    return out.getvalue()


def test_photo_loader_fetches_with_a_timeout_and_caps_the_size():
    from chalicelib.adapters.posters.storage import PhotoLoader

    seen = {}

    def opener(request, timeout):
        seen["timeout"] = timeout
        return _Response(_jpeg())

    assert PhotoLoader(lambda: None, timeout=2.5, opener=opener)("https://cdn.example/p.jpg").size == (64, 48)
    assert seen["timeout"] == 2.5
    small_cap = PhotoLoader(lambda: None, max_bytes=100, opener=lambda r, timeout: _Response(_jpeg()))
    assert small_cap("https://cdn.example/p.jpg") is None


@pytest.mark.parametrize("failure", [socket.timeout("slow"), OSError("refused")])
def test_photo_loader_failures_become_none(failure):
    from chalicelib.adapters.posters.storage import PhotoLoader

    def opener(request, timeout):
        raise failure

    assert PhotoLoader(lambda: None, opener=opener)("https://cdn.example/p.jpg") is None
    assert PhotoLoader(lambda: None, opener=lambda r, timeout: _Response(b"not an image"))("https://x/p") is None
    assert PhotoLoader(lambda: None)("ftp://example/p.jpg") is None
