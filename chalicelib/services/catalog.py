"""Catalog and community use cases."""
from __future__ import annotations

from ..domain.catalog import Community, Product
from ..domain.errors import NotFoundError
from ..domain.timefmt import iso


class CatalogService:
    def __init__(self, repo, clock) -> None:
        self._repo, self._clock = repo, clock

    def put_product(self, product: Product) -> Product:
        self._repo.save_product(product, iso(self._clock.now()))
        return product

    def get_product(self, product_id: str, *, include_unlisted: bool = False) -> Product:
        product = self._repo.get_product(product_id)
        if product is None or (product.status != "active" and not include_unlisted):
            raise NotFoundError(f"Product {product_id} does not exist", code="PRODUCT_NOT_FOUND")
        return product

    def list_products(self, category: str | None, limit: int, cursor: str | None):
        return self._repo.list_active(category, limit, cursor)

    def put_community(self, community: Community) -> Community:
        self._repo.save_community(community, iso(self._clock.now()))
        return community

    def get_community(self, community_id: str) -> Community:
        community = self._repo.get_community(community_id)
        if community is None:
            raise NotFoundError(f"Community {community_id} does not exist", code="COMMUNITY_NOT_FOUND")
        return community

    def set_my_community(self, user_id: str, community_id: str) -> Community:
        community = self.get_community(community_id)
        self._repo.set_user_community(user_id, community_id)
        return community
