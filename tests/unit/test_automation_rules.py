"""Pure batching and feed rules, and the WeChat Work robot adapter against a fake HTTP layer."""
import json
from zoneinfo import ZoneInfo

import pytest

from chalicelib.adapters.notifier import DeliveryError, WeComRobotNotifier
from chalicelib.domain import batching, feed
from chalicelib.domain.catalog import DeliveryPromise

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_batch_ids_are_the_session_or_the_local_day():
    assert batching.batch_id_for("s1", "2026-11-22T17:00:00Z", SHANGHAI) == "s1"
    # 17:00Z is already 01:00 the next day in Shanghai
    assert batching.batch_id_for(None, "2026-11-22T17:00:00Z", SHANGHAI) == "2026-11-23"
    assert batching.batch_id_for(None, "2026-11-22T15:59:59Z", SHANGHAI) == "2026-11-22"
    assert batching.split_batch_key(batching.batch_key("c1", "2026-11-22")) == ("c1", "2026-11-22")


def test_delivery_time_is_the_promised_local_time_days_later():
    promise = DeliveryPromise(days_after=1, at="10:00")
    assert batching.delivery_at(promise, "2026-11-22T10:00:00Z", SHANGHAI) == "2026-11-23T02:00:00Z"
    assert batching.delivery_at(promise, "2026-11-22T17:00:00Z", SHANGHAI) == "2026-11-24T02:00:00Z"
    assert batching.delivery_at(DeliveryPromise(0, "18:30"), "2026-11-22T01:00:00Z", SHANGHAI) == "2026-11-22T10:30:00Z"


def test_cutoffs():
    assert batching.day_cutoff("2026-11-22", 3600, SHANGHAI) == "2026-11-22T17:00:00Z"
    assert batching.session_cutoff("2026-11-22T12:00:00Z", 1800) == "2026-11-22T12:30:00Z"
    assert batching.session_cutoff(None, 1800) is None


def test_messages():
    promise = DeliveryPromise(1, "10:00")
    assert batching.reached_message("XX花园", 50, promise) == "XX花园 reached 50 — delivery tomorrow 10:00"
    assert "refunded" in batching.below_threshold_message("XX花园", 12, 50, "refund")
    assert "deliver anyway" in batching.below_threshold_message("XX花园", 12, 50, "deliver_anyway")
    b = batching.Batch("c1", "s1", 30, 50, batching.OPEN)
    assert (b.reached, b.progress) == (False, 0.6)


def test_feed_masks_names_and_finds_crossed_thresholds():
    assert feed.mask_name("王小明") == "王**" and feed.mask_name(None) == "顾客**" and feed.mask_name(" ") == "顾客**"
    assert feed.order_placed_text("王小明", "XX花园", 3) == "王** (XX花园) just bought 3"
    thresholds = (100, 50, 20, 10)
    assert feed.crossed(102, 99, thresholds) == [100]
    assert feed.crossed(120, 15, thresholds) == [100, 50, 20]
    assert feed.crossed(99, 98, thresholds) == []
    assert feed.crossed(12, 0, thresholds) == []  # sold out is its own event
    assert feed.event_key("2026-11-22T10:00:00Z", "sold_out", "p1") < feed.event_key("2026-11-22T10:00:01Z", "a", "b")


def test_wecom_robot_adapter():
    posts = []

    def fake(url, body, timeout):
        posts.append((url, json.loads(body)))
        return b'{"errcode": 0, "errmsg": "ok"}'

    WeComRobotNotifier(lambda: "https://robot/send?key=K", http_post=fake).send("community:c1", "你好", "m1")
    assert posts == [("https://robot/send?key=K", {"msgtype": "text", "text": {"content": "你好"}})]
    for answer in (b'{"errcode": 93000, "errmsg": "invalid"}', b"not json"):
        with pytest.raises(DeliveryError):
            WeComRobotNotifier(lambda: "u", http_post=lambda *a, answer=answer: answer).send("c", "t", "m")
    with pytest.raises(DeliveryError):
        WeComRobotNotifier(lambda: None).send("c", "t", "m")

    def down(*args):
        raise OSError("timeout")

    with pytest.raises(DeliveryError):
        WeComRobotNotifier(lambda: "u", http_post=down).send("c", "t", "m")
