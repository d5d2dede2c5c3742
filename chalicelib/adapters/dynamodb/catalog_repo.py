"""Products, communities and users in DynamoDB."""
from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from ...domain.catalog import Community, DeliveryPromise, PickupPoint, Product
from . import cursors
from .models import CommunityModel, ProductModel, UserModel
from .transactions import Tx, TxCancelled
from ...domain.errors import NotFoundError


def _product(m: ProductModel) -> Product:
    return Product(product_id=m.product_id, title=m.title, list_price=int(m.list_price),
                   stock=int(m.stock), status=m.status, description=m.description or "",
                   category=m.category, images=tuple(m.images or ()), tags=tuple(m.tags or ()))


def _community(m: CommunityModel) -> Community:
    promise = m.delivery_promise.as_dict() if m.delivery_promise else {}
    pickup = m.pickup_point.as_dict()
    return Community(community_id=m.community_id, name=m.name,
                     pickup_point=PickupPoint(pickup["name"], pickup["address"]),
                     batch_threshold=int(m.batch_threshold),
                     delivery_promise=DeliveryPromise(int(promise.get("days_after", 1)),
                                                      promise.get("at", "10:00")),
                     below_threshold_policy=m.below_threshold_policy)


class CatalogRepository:
    def __init__(self, connection) -> None:
        self._connection = connection

    # -- products ---------------------------------------------------------------------------
    def save_product(self, p: Product, now: str) -> None:
        active = p.status == "active"
        ProductModel(p.product_id, title=p.title, description=p.description, images=list(p.images),
                     tags=list(p.tags), list_price=p.list_price, stock=p.stock, status=p.status,
                     category=p.category, listing="active" if active else None,
                     category_listing=p.category if active and p.category else None,
                     updated_at=now).save()

    def get_product(self, product_id: str) -> Product | None:
        try:
            return _product(ProductModel.get(product_id))
        except DoesNotExist:
            return None

    def get_products(self, product_ids: list[str]) -> dict[str, Product]:
        if not product_ids:
            return {}
        return {m.product_id: _product(m) for m in ProductModel.batch_get(list(dict.fromkeys(product_ids)))}

    def list_active(self, category: str | None, limit: int, cursor: str | None):
        if category:
            start = cursors.decode(cursor, {"product_id", "category_listing"}, {"category_listing": category})
            result = ProductModel.category_index.query(category, limit=limit, last_evaluated_key=start)
        else:
            start = cursors.decode(cursor, {"product_id", "listing"}, {"listing": "active"})
            result = ProductModel.active_index.query("active", limit=limit, last_evaluated_key=start)
        items = [_product(m) for m in result]
        return items, cursors.encode(result.last_evaluated_key)

    # -- communities -------------------------------------------------------------------------
    def save_community(self, c: Community, now: str) -> None:
        CommunityModel(c.community_id, name=c.name,
                       pickup_point={"name": c.pickup_point.name, "address": c.pickup_point.address},
                       batch_threshold=c.batch_threshold,
                       delivery_promise={"days_after": c.delivery_promise.days_after,
                                         "at": c.delivery_promise.at},
                       below_threshold_policy=c.below_threshold_policy, updated_at=now).save()

    def get_community(self, community_id: str) -> Community | None:
        try:
            return _community(CommunityModel.get(community_id))
        except DoesNotExist:
            return None

    # -- users ------------------------------------------------------------------------------
    def upsert_user(self, user_id: str, openid: str, now: str, nickname: str | None = None) -> None:
        actions = [UserModel.openid.set(openid), UserModel.created_at.set(UserModel.created_at | now)]
        if nickname:
            actions.append(UserModel.nickname.set(nickname))
        UserModel(user_id).update(actions=actions)

    def display_names(self, user_ids: list[str]) -> dict[str, str | None]:
        ids = list(dict.fromkeys(user_ids))
        return {m.user_id: m.nickname for m in UserModel.batch_get(ids, attributes_to_get=["user_id", "nickname"])} \
            if ids else {}

    def community_names(self, community_ids: list[str]) -> dict[str, str]:
        ids = list(dict.fromkeys(community_ids))
        return {m.community_id: m.name for m in CommunityModel.batch_get(ids)} if ids else {}

    def user_community(self, user_id: str) -> str | None:
        try:
            return UserModel.get(user_id, attributes_to_get=["community_id"]).community_id
        except DoesNotExist:
            return None

    def set_user_community(self, user_id: str, community_id: str) -> None:
        """Set the user's community, atomically checking the community exists."""
        tx = Tx(self._connection)
        tx.check("community", CommunityModel, community_id,
                 condition=CommunityModel.community_id.exists())
        tx.update("user", UserModel(user_id), [UserModel.community_id.set(community_id)])
        try:
            tx.commit()
        except TxCancelled as exc:
            if exc.failed("community"):
                raise NotFoundError(f"Community {community_id} does not exist",
                                    code="COMMUNITY_NOT_FOUND") from None
            raise
