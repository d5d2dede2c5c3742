"""Where posters and product photos come from and go: S3 (moto server locally) and, for photos given
as URLs, an HTTP fetch with a timeout and a size cap. Any failure to get a photo yields None, and the
renderer draws a placeholder instead: a poster never fails because a photo host is slow."""
from __future__ import annotations

import io
import urllib.request
from typing import Callable

from aws_lambda_powertools import Logger
from PIL import Image

logger = Logger(service="livecommerce")

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000
FETCH_TIMEOUT_SECONDS = 3.0


def _decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    if image.width * image.height > MAX_PHOTO_PIXELS:
        raise ValueError(f"photo of {image.width}x{image.height} is too large")
    image.draft("RGB", (1500, 1500))  # JPEG: decode at a reduced scale when that is enough
    image.load()
    return image


class PhotoLoader:
    def __init__(self, s3_client: Callable[[], object], timeout: float = FETCH_TIMEOUT_SECONDS,
                 max_bytes: int = MAX_PHOTO_BYTES, opener=urllib.request.urlopen) -> None:
        self._s3, self._timeout, self._max, self._open = s3_client, timeout, max_bytes, opener

    def __call__(self, ref: str) -> Image.Image | None:
        try:
            if ref.startswith("s3://"):
                bucket, _, key = ref[len("s3://"):].partition("/")
                body = self._s3().get_object(Bucket=bucket, Key=key)["Body"]
                data = body.read(self._max + 1)
            elif ref.startswith(("https://", "http://")):
                request = urllib.request.Request(ref, headers={"User-Agent": "livecommerce-poster/1"})
                with self._open(request, timeout=self._timeout) as response:
                    data = response.read(self._max + 1)
            else:
                return None
            if len(data) > self._max:
                raise ValueError(f"photo is larger than {self._max} bytes")
            return _decode(data)
        except Exception as exc:  # slow host, 404, not an image, too big: draw the placeholder
            logger.warning("product photo unavailable", extra={"ref": ref[:200], "error": repr(exc)[:300]})
            return None


class PosterStore:
    """PNG objects in one bucket, keyed by poster id (the content hash)."""

    def __init__(self, s3_client: Callable[[], object], bucket: str, url_seconds: int = 3600) -> None:
        self._s3, self.bucket, self._url_seconds = s3_client, bucket, url_seconds

    @staticmethod
    def key(poster_id: str) -> str:
        return f"posters/{poster_id}.png"

    def put(self, poster_id: str, png: bytes) -> None:
        self._s3().put_object(Bucket=self.bucket, Key=self.key(poster_id), Body=png, ContentType="image/png",
                              CacheControl="public, max-age=31536000, immutable")

    def get(self, poster_id: str) -> bytes:
        return self._s3().get_object(Bucket=self.bucket, Key=self.key(poster_id))["Body"].read()

    def url(self, poster_id: str) -> str:
        return self._s3().generate_presigned_url("get_object", Params={"Bucket": self.bucket,
                                                                       "Key": self.key(poster_id)},
                                                 ExpiresIn=self._url_seconds)
