"""Share posters: formats, the text rules, the mini-program path in the QR code, and the content hash
that makes the same inputs return the same poster (pure; rendering lives in an adapter)."""
from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import asdict, dataclass

from .errors import InvalidInputError

TEMPLATE_VERSION = 1  # bump when the layout changes: every poster id changes with it

# format -> (width, height). chat: the 5:4 card of a chat share; moments: a 750×1334 portrait;
# group: a 4:5 card that reads well in a community group chat.
FORMATS: dict[str, tuple[int, int]] = {"chat": (1000, 800), "moments": (750, 1334), "group": (800, 1000)}
DEFAULT_FORMAT = "moments"
MAX_TEXT = 40  # characters of the user's own line; it wraps onto at most three lines on every format
MAX_TEXT_LINES = 3


@dataclass(frozen=True)
class PosterSpec:
    """Everything a poster shows. Its hash is the poster's identity."""
    format: str
    product_id: str
    title: str
    price: int            # fen; the live price inside a live session, else the list price
    list_price: int
    live: bool
    image: str | None     # s3:// or http(s):// reference of the product photo
    text: str
    invite_code: str
    path: str             # the mini-program path the QR code opens
    live_session_id: str | None = None

    @property
    def size(self) -> tuple[int, int]:
        return FORMATS[self.format]

    def poster_id(self) -> str:
        canonical = json.dumps({"v": TEMPLATE_VERSION, **asdict(self)}, sort_keys=True, ensure_ascii=False)
        return "ps_" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def poster_path(invite_code: str, product_id: str, live_session_id: str | None) -> str:
    """The page a scanned poster opens, carrying the invite code (`ic`)."""
    if live_session_id:
        return f"pages/live/index?sid={live_session_id}&pid={product_id}&ic={invite_code}"
    return f"pages/product/index?pid={product_id}&ic={invite_code}"


def clean_text(raw: str | None, drawable: frozenset[str] | None) -> str:
    """The user's line, normalised (NFC, trimmed, runs of blank lines folded) and checked: at most
    MAX_TEXT characters and MAX_TEXT_LINES lines, no control characters, only characters the font draws."""
    if raw is None:
        return ""
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").strip()
    if len(text) > MAX_TEXT:
        raise InvalidInputError(f"text is {len(text)} characters; at most {MAX_TEXT} fit on a poster",
                                code="TEXT_TOO_LONG", max_length=MAX_TEXT)
    if text.count("\n") >= MAX_TEXT_LINES:
        raise InvalidInputError(f"text has more than {MAX_TEXT_LINES} lines", code="TEXT_TOO_LONG",
                                max_length=MAX_TEXT)
    bad = sorted({c for c in text if c != "\n" and unicodedata.category(c).startswith("C")})
    if bad:
        raise InvalidInputError("text contains control characters", code="INVALID_TEXT")
    if drawable is not None:
        missing = sorted({c for c in text if c not in drawable and c != "\n"})
        if missing:
            raise InvalidInputError(f"the poster font cannot draw {''.join(missing[:10])!r}",
                                    code="UNSUPPORTED_CHARACTERS", characters="".join(missing[:20]))
    return text


def yuan(fen: int) -> str:
    return f"¥{fen // 100}.{fen % 100:02d}"
