"""Referral rules: invite codes, who a first paid order is credited to, and how referrers rank.

Pure functions; the service applies them and DynamoDB conditions make each effect happen once.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from .timefmt import parse_iso

# No 0/O, 1/I/L: a code read aloud or copied off a poster cannot be mistaken.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6  # 31^6 ≈ 8.9e8 codes; a collision is retried, never overwritten
CODE_PATTERN = re.compile(rf"^[{ALPHABET}]{{4,32}}$")
SHARE_PAGE = "pages/live/index"

CREDITED, REVERSED, UNREFERRED = "credited", "reversed", "unreferred"


def new_code(length: int = CODE_LENGTH) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalize_code(raw: str | None) -> str | None:
    """An invite code as typed (case-insensitive, spaces trimmed), or None if it cannot be one."""
    if not raw:
        return None
    code = raw.strip().upper()
    return code if CODE_PATTERN.match(code) else None


def share_path(code: str) -> str:
    return f"{SHARE_PAGE}?ic={code}"


@dataclass(frozen=True)
class Touch:
    at: str            # when the buyer opened the shared poster/link (or placed an order carrying the code)
    invite_code: str
    referrer_id: str


def pick_referrer(buyer_id: str, paid_at: str, window_days: int, touches: list[Touch]) -> Touch | None:
    """The last touch inside the attribution window that ends at the payment; never the buyer."""
    end = parse_iso(paid_at)
    start = end - timedelta(days=window_days)
    eligible = [t for t in touches
                if t.referrer_id != buyer_id and start <= parse_iso(t.at) <= end]
    return max(eligible, key=lambda t: (parse_iso(t.at), t.invite_code), default=None)


def period_of(at: str, tz) -> str:
    """The leaderboard month of a credit, in the communities' local time."""
    return parse_iso(at).astimezone(tz).strftime("%Y-%m")


def week_of(at: str, tz) -> str:
    """The ISO week of a credit in local time: a referrer is honoured at most once per week."""
    year, week, _ = parse_iso(at).astimezone(tz).isocalendar()
    return f"{year}-W{week:02d}"


def boards(period: str, community_id: str | None) -> list[str]:
    """A credit counts on the month's board and on the month's board of the referrer's community."""
    return [period] + ([f"{period}#{community_id}"] if community_id else [])


# A leaderboard entry's score orders it in one index, without scans or a read-modify-write:
#   count × 10^22  +  (10^13 − 1 − first credit in ms) × 10^9  +  a fixed per-user tie-break (< 10^9)
# so more credits rank first; on equal counts, who got there first; then a stable hash of the user id.
COUNT_UNIT = 10 ** 22


def score_base(first_credit_at: str, user_id: str) -> int:
    ms = int(parse_iso(first_credit_at).timestamp() * 1000)
    tiebreak = int.from_bytes(hashlib.sha256(user_id.encode()).digest()[:8], "big") % 10 ** 9
    return (10 ** 13 - 1 - ms) * 10 ** 9 + (10 ** 9 - 1 - tiebreak)  # < COUNT_UNIT for any ms in [0, 10^13)


def count_of(score: int) -> int:
    return int(score) // COUNT_UNIT


def month_start(period: str) -> datetime:
    return datetime.strptime(period, "%Y-%m")
