"""Poster benchmark (not a test): render time against a same-run baseline, cache hits, font size.

    .venv/bin/python bench/poster_bench.py

Prints (a) the median of 20 renders per format as a ratio of a baseline that only saves a blank PNG
of the same size in the same run (the machine's noise cancels out of the ratio); (b) a cache hit - the
same inputs again - in milliseconds and in DynamoDB/S3 requests, against a miss (render + store);
(c) the packaged font subset against the Debian collection it is cut from.
"""
from __future__ import annotations

import io
import statistics
import time
from collections import Counter
from pathlib import Path

from bench_env import offline_aws

ROOT = offline_aws()
RUNS = 20


def median_ms(fn, runs: int = RUNS) -> float:
    fn()  # warm: fonts loaded, code paths hot
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def render_times() -> None:
    from PIL import Image

    from chalicelib.adapters.posters.render import PosterRenderer
    from chalicelib.domain.posters import FORMATS, PosterSpec, poster_path

    photo = Image.new("RGB", (1200, 900), (120, 170, 90))
    renderer = PosterRenderer(lambda ref: photo)
    print(f"(a) render, median of {RUNS} (photo 1200x900 already decoded; PNG compress level 6)")
    for fmt, size in FORMATS.items():
        spec = PosterSpec(format=fmt, product_id="p1", title="春日青团 (6只装) 手工现做 艾草豆沙馅", price=2500,
                          list_price=3000, live=True, image="photo", text="邻居们一起拼单吧，满50份明早送到北门驿站～",
                          invite_code="K7QM2X", path=poster_path("K7QM2X", "p1", "s1"), live_session_id="s1")

        def blank(size=size):
            Image.new("RGB", size, (255, 255, 255)).save(io.BytesIO(), format="PNG", compress_level=6)

        base, full = median_ms(blank), median_ms(lambda: renderer.render(spec))
        print(f"    {fmt:<8} {size[0]}x{size[1]}: render {full:6.1f} ms, blank PNG {base:5.1f} ms, "
              f"ratio {full / base:5.1f}x")


class Calls:
    def __init__(self) -> None:
        self.calls: Counter = Counter()

    def __call__(self, model, **kwargs) -> None:
        self.calls[model.name] += 1


def cache_hits() -> None:
    from moto import mock_aws

    with mock_aws():
        from chalicelib import bootstrap
        from chalicelib.adapters.dynamodb import models
        from chalicelib.local.tables import create_all

        create_all("livecommerce-local", "us-east-1", None)
        bootstrap.reset()
        from chalicelib.adapters.dynamodb.catalog_repo import CatalogRepository
        from chalicelib.domain.catalog import Product

        svc = bootstrap.services()
        CatalogRepository(None).save_product(Product("p1", "春日青团", 3000, 100, "active"), "2026-11-22T00:00:00Z")
        models.UserModel("u1", openid="o1", created_at="2026-11-22T00:00:00Z").save()
        svc.referrals.ensure_code("u1")
        calls = Calls()
        models.OrderModel._get_connection().connection.client.meta.events.register("before-call.dynamodb", calls)
        n = 0

        def miss():
            nonlocal n
            n += 1
            svc.posters.create("u1", "p1", None, f"第{n}张", "moments")

        miss_ms = median_ms(miss)
        calls.calls.clear()
        svc.posters.create("u1", "p1", None, "第1张", "moments")
        hit_requests = Counter(calls.calls)
        hit_ms = median_ms(lambda: svc.posters.create("u1", "p1", None, "第1张", "moments"))
        print("(b) POST /posters service call, in-process moto")
        print(f"    miss (render + S3 put + record): {miss_ms:6.1f} ms")
        print(f"    hit  (same inputs)             : {hit_ms:6.1f} ms  = {miss_ms / hit_ms:.0f}x faster; requests "
              + ", ".join(f"{op} {k}" for op, k in sorted(hit_requests.items())) + " (user's code, product, poster record)")


def font_size() -> None:
    from chalicelib.adapters.posters.render import CHARS_PATH, FONT_PATH

    source = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    chars = len(CHARS_PATH.read_text(encoding="utf-8"))
    print("(c) poster font")
    line = f"    packaged subset {FONT_PATH.stat().st_size / 2 ** 20:.2f} MiB ({chars} characters)"
    if source.exists():
        line += f" vs {source.name} {source.stat().st_size / 2 ** 20:.1f} MiB (all CJK faces)"
    print(line)


if __name__ == "__main__":
    render_times()
    cache_hits()
    font_size()
