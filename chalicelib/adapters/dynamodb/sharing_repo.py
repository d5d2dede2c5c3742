"""Poster records and shares in DynamoDB (the PNGs themselves are in S3)."""
from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, PutError

from .models import OrderModel, PosterModel, ShareModel
from .transactions import Tx, conditional_failed


class PosterRepository:
    def get(self, poster_id: str) -> PosterModel | None:
        try:
            return PosterModel.get(poster_id)
        except DoesNotExist:
            return None

    def put(self, item: PosterModel) -> bool:
        """Record a rendered poster once; a concurrent identical render loses quietly (same bytes)."""
        try:
            item.save(condition=PosterModel.poster_id.does_not_exist())
            return True
        except PutError as exc:
            if conditional_failed(exc):
                return False
            raise


class ShareRepository:
    def __init__(self, connection) -> None:
        self._connection = connection

    def record(self, share: ShareModel) -> None:
        """The share and, for an order, the order's first-share time - together."""
        tx = Tx(self._connection)
        tx.put("share", share, condition=ShareModel.share_key.does_not_exist())
        if share.order_id:
            o = OrderModel
            tx.update("order", OrderModel(share.order_id), [o.shared_at.set(o.shared_at | share.at)],
                      condition=o.user_id == share.user_id)
        tx.commit()

    def of_session(self, session_id: str) -> list[ShareModel]:
        return list(ShareModel.session_index.query(session_id))
