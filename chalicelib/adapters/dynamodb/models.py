"""The PynamoDB models: the one definition of every table (keys, indexes, streams, TTL).

`infra/build_resources.py` renders `infra/resources.json` from these classes and the local stack
creates tables from them, so the deployed and local schemas cannot drift (a test re-checks both).
Table names and endpoint are bound at first use by `configure()`, never at import.
"""
from __future__ import annotations

from pynamodb.attributes import (BooleanAttribute, ListAttribute, MapAttribute, NumberAttribute,
                                 TTLAttribute, UnicodeAttribute)
from pynamodb.connection import Connection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

NEW_AND_OLD_IMAGES = "NEW_AND_OLD_IMAGES"


class _Base(Model):
    class Meta:
        abstract = True
        table_name = "unconfigured"
        billing_mode = "PAY_PER_REQUEST"


class ProductModel(_Base):
    class Meta(_Base.Meta):
        abstract = False
        table_name = "products"

    class ActiveIndex(GlobalSecondaryIndex):
        class Meta:
            index_name = "active-index"
            projection = AllProjection()
        listing = UnicodeAttribute(hash_key=True)
        product_id = UnicodeAttribute(range_key=True)

    class CategoryIndex(GlobalSecondaryIndex):
        class Meta:
            index_name = "category-index"
            projection = AllProjection()
        category_listing = UnicodeAttribute(hash_key=True)
        product_id = UnicodeAttribute(range_key=True)

    product_id = UnicodeAttribute(hash_key=True)
    title = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    images = ListAttribute(of=UnicodeAttribute, default=list)
    tags = ListAttribute(of=UnicodeAttribute, default=list)
    list_price = NumberAttribute()
    stock = NumberAttribute()
    status = UnicodeAttribute()
    category = UnicodeAttribute(null=True)
    listing = UnicodeAttribute(null=True)           # "active" only while active (sparse index)
    category_listing = UnicodeAttribute(null=True)  # the category only while active
    updated_at = UnicodeAttribute()
    active_index = ActiveIndex()
    category_index = CategoryIndex()


class CommunityModel(_Base):
    class Meta(_Base.Meta):
        abstract = False
        table_name = "communities"

    community_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    pickup_point = MapAttribute()
    batch_threshold = NumberAttribute()
    delivery_promise = MapAttribute()
    below_threshold_policy = UnicodeAttribute()
    updated_at = UnicodeAttribute()


class UserModel(_Base):
    class Meta(_Base.Meta):
        abstract = False
        table_name = "users"

    user_id = UnicodeAttribute(hash_key=True)
    openid = UnicodeAttribute()
    nickname = UnicodeAttribute(null=True)
    community_id = UnicodeAttribute(null=True)
    invite_code = UnicodeAttribute(null=True)  # set once, with the referral-codes item, in one transaction
    created_at = UnicodeAttribute()


class LiveSessionModel(_Base):
    class Meta(_Base.Meta):
        abstract = False
        table_name = "live-sessions"

    class RoomIndex(GlobalSecondaryIndex):
        class Meta:
            index_name = "room-index"
            projection = AllProjection()
        platform_room = UnicodeAttribute(hash_key=True)

    session_id = UnicodeAttribute(hash_key=True)
    title = UnicodeAttribute()
    platform = UnicodeAttribute()
    platform_room_id = UnicodeAttribute()
    platform_room = UnicodeAttribute()  # "<platform>#<room id>", for webhooks
    scheduled_start = UnicodeAttribute(null=True)
    scheduled_end = UnicodeAttribute(null=True)
    state = UnicodeAttribute()
    started_at = UnicodeAttribute(null=True)
    ended_at = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute()
    room_index = RoomIndex()


class OfferModel(_Base):
    """One flash-sale allotment; `remaining` is the counter every reservation conditions on."""

    class Meta(_Base.Meta):
        abstract = False
        table_name = "offers"
        stream_view_type = NEW_AND_OLD_IMAGES

    session_id = UnicodeAttribute(hash_key=True)
    product_id = UnicodeAttribute(range_key=True)
    live_price = NumberAttribute()
    capacity = NumberAttribute()
    reserved = NumberAttribute()
    remaining = NumberAttribute()
    per_user_limit = NumberAttribute(null=True)


class PurchaseLimitModel(_Base):
    """Units one user holds of one offer, so per_user_limit can be a condition."""

    class Meta(_Base.Meta):
        abstract = False
        table_name = "purchase-limits"

    user_id = UnicodeAttribute(hash_key=True)
    offer_key = UnicodeAttribute(range_key=True)  # "<session_id>#<product_id>"
    units = NumberAttribute(default=0)


class OrderLineAttribute(MapAttribute):
    product_id = UnicodeAttribute()
    quantity = NumberAttribute()
    unit_price = NumberAttribute()
    kind = UnicodeAttribute()
    limited = BooleanAttribute(default=False)  # a per-user-limit hold was taken for this line


class OrderModel(_Base):
    class Meta(_Base.Meta):
        abstract = False
        table_name = "orders"
        stream_view_type = NEW_AND_OLD_IMAGES

    class UserIndex(GlobalSecondaryIndex):
        class Meta:
            index_name = "user-index"
            projection = AllProjection()
        user_id = UnicodeAttribute(hash_key=True)
        created_at = UnicodeAttribute(range_key=True)

    class PendingIndex(GlobalSecondaryIndex):
        class Meta:
            index_name = "pending-index"
            projection = AllProjection()
        pending = UnicodeAttribute(hash_key=True)
        payment_deadline = UnicodeAttribute(range_key=True)

    class BatchIndex(GlobalSecondaryIndex):
        class Meta:
            index_name = "batch-index"
            projection = AllProjection()
        batch_key = UnicodeAttribute(hash_key=True)
        order_id = UnicodeAttribute(range_key=True)

    class DeliveryIndex(GlobalSecondaryIndex):
        class Meta:
            index_name = "delivery-index"
            projection = AllProjection()
        delivery_date = UnicodeAttribute(hash_key=True)
        order_id = UnicodeAttribute(range_key=True)

    order_id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()
    status = UnicodeAttribute()
    lines = ListAttribute(of=OrderLineAttribute)
    total = NumberAttribute()
    community_id = UnicodeAttribute(null=True)
    live_session_id = UnicodeAttribute(null=True)
    invite_code = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    payment_deadline = UnicodeAttribute()
    pending = UnicodeAttribute(null=True)  # "1" only while pending_payment (sparse index)
    fingerprint = UnicodeAttribute()
    paid_at = UnicodeAttribute(null=True)
    transaction_id = UnicodeAttribute(null=True)
    refund_reason = UnicodeAttribute(null=True)
    buyer_name = UnicodeAttribute(null=True)     # masked at display time, never shown raw
    batch_key = UnicodeAttribute(null=True)      # "<community>#<batch id>" once paid (batching)
    delivery_at = UnicodeAttribute(null=True)
    delivery_date = UnicodeAttribute(null=True)  # local date of delivery once confirmed (manifests)
    shared_at = UnicodeAttribute(null=True)      # the buyer's first share of this order (pay→share)
    user_index = UserIndex()
    pending_index = PendingIndex()
    batch_index = BatchIndex()
    delivery_index = DeliveryIndex()


class BatchModel(_Base):
    """A community's batch: (community, live session) or (community, day). Units are paid units."""

    class Meta(_Base.Meta):
        abstract = False
        table_name = "batches"
        stream_view_type = NEW_AND_OLD_IMAGES

    class CutoffIndex(GlobalSecondaryIndex):
        class Meta:
            index_name = "cutoff-index"
            projection = AllProjection()
        state = UnicodeAttribute(hash_key=True)
        cutoff_at = UnicodeAttribute(range_key=True)

    class SessionIndex(GlobalSecondaryIndex):
        class Meta:
            index_name = "session-index"
            projection = AllProjection()
        live_session_id = UnicodeAttribute(hash_key=True)
        community_id = UnicodeAttribute(range_key=True)

    community_id = UnicodeAttribute(hash_key=True)
    batch_id = UnicodeAttribute(range_key=True)
    units = NumberAttribute(default=0)
    threshold = NumberAttribute()
    state = UnicodeAttribute()  # open | confirmed | below_threshold
    live_session_id = UnicodeAttribute(null=True)
    cutoff_at = UnicodeAttribute(null=True)
    delivery_at = UnicodeAttribute(null=True)
    decided_at = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)
    cutoff_index = CutoffIndex()
    session_index = SessionIndex()


class EffectModel(_Base):
    """Ledger of stream effects already applied (one item per effect), so re-delivery is a no-op."""

    class Meta(_Base.Meta):
        abstract = False
        table_name = "effects"

    effect_id = UnicodeAttribute(hash_key=True)
    expires = TTLAttribute(null=True)


class FeedModel(_Base):
    """Live-room feed events; the sort key is derived from the cause, so a re-delivery cannot duplicate."""

    class Meta(_Base.Meta):
        abstract = False
        table_name = "feed"

    session_id = UnicodeAttribute(hash_key=True)
    event_key = UnicodeAttribute(range_key=True)  # "<at>#<type>#<cause>"
    type = UnicodeAttribute()
    at = UnicodeAttribute()
    text = UnicodeAttribute()
    data = MapAttribute(default=dict)
    expires = TTLAttribute(null=True)


class OutboxModel(_Base):
    """Outbound messages, written once per cause (deterministic id) and delivered by the stream."""

    class Meta(_Base.Meta):
        abstract = False
        table_name = "outbox"
        stream_view_type = NEW_AND_OLD_IMAGES

    class PendingIndex(GlobalSecondaryIndex):
        class Meta:
            index_name = "undelivered-index"
            projection = AllProjection()
        undelivered = UnicodeAttribute(hash_key=True)
        created_at = UnicodeAttribute(range_key=True)

    message_id = UnicodeAttribute(hash_key=True)
    channel = UnicodeAttribute()       # e.g. "community:<id>"
    kind = UnicodeAttribute()          # batch_reached, below_threshold, ...
    text = UnicodeAttribute()
    status = UnicodeAttribute()        # pending | sending | sent | failed
    attempts = NumberAttribute(default=0)
    last_error = UnicodeAttribute(null=True)
    undelivered = UnicodeAttribute(null=True)  # "1" until sent (sparse retry index)
    created_at = UnicodeAttribute()
    sent_at = UnicodeAttribute(null=True)
    lease_until = UnicodeAttribute(null=True)
    undelivered_index = PendingIndex()


class ReferralCodeModel(_Base):
    """An invite code, owned by one user (unique by `attribute_not_exists`), with its referral stats."""

    class Meta(_Base.Meta):
        abstract = False
        table_name = "referral-codes"

    invite_code = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()
    created_at = UnicodeAttribute()
    touches = NumberAttribute(default=0)
    referred_customers = NumberAttribute(default=0)  # credited and not reversed
    credited = NumberAttribute(default=0)
    reversed = NumberAttribute(default=0)


class TouchModel(_Base):
    """A signed-in user opened someone's shared poster/link; kept for the attribution window."""

    class Meta(_Base.Meta):
        abstract = False
        table_name = "touches"

    user_id = UnicodeAttribute(hash_key=True)     # the viewer
    touch_key = UnicodeAttribute(range_key=True)  # "<at>#<invite code>"
    invite_code = UnicodeAttribute()
    referrer_id = UnicodeAttribute()
    at = UnicodeAttribute()
    expires = TTLAttribute(null=True)


class ReferralModel(_Base):
    """One per customer, written by their first paid order: the referral credit (or that there was none).

    Its `attribute_not_exists` put is what makes "referred at most once" and "only the first order"
    hold under re-delivery and under two first orders paid at the same moment.
    """

    class Meta(_Base.Meta):
        abstract = False
        table_name = "referrals"

    user_id = UnicodeAttribute(hash_key=True)  # the customer
    order_id = UnicodeAttribute()              # their first paid order
    status = UnicodeAttribute()                # credited | reversed | unreferred
    referrer_id = UnicodeAttribute(null=True)
    invite_code = UnicodeAttribute(null=True)
    period = UnicodeAttribute(null=True)       # leaderboard month of the credit
    community_id = UnicodeAttribute(null=True)  # the referrer's community at the time of the credit
    at = UnicodeAttribute()
    reversed_at = UnicodeAttribute(null=True)


class LeaderboardModel(_Base):
    """Referrer standings per board ("<YYYY-MM>" or "<YYYY-MM>#<community>"), ranked by one index."""

    class Meta(_Base.Meta):
        abstract = False
        table_name = "leaderboards"

    class RankIndex(GlobalSecondaryIndex):
        class Meta:
            index_name = "rank-index"
            projection = AllProjection()
        board = UnicodeAttribute(hash_key=True)
        score = NumberAttribute(range_key=True)

    board = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute(range_key=True)
    score = NumberAttribute()  # see domain.referrals: count, then first credit, then a stable tie-break
    count = NumberAttribute()
    rank_index = RankIndex()


class PosterModel(_Base):
    """A rendered poster: who owns it and what it shows. The PNG is in S3 under the same id."""

    class Meta(_Base.Meta):
        abstract = False
        table_name = "posters"

    poster_id = UnicodeAttribute(hash_key=True)  # "ps_" + hash of everything the poster shows
    user_id = UnicodeAttribute()
    format = UnicodeAttribute()
    width = NumberAttribute()
    height = NumberAttribute()
    product_id = UnicodeAttribute()
    live_session_id = UnicodeAttribute(null=True)
    invite_code = UnicodeAttribute()
    bytes = NumberAttribute()
    created_at = UnicodeAttribute()
    expires = TTLAttribute(null=True)  # before the bucket's lifecycle removes the PNG (then it is re-rendered)


class ShareModel(_Base):
    """A share of an order or a poster to a channel (pay→share conversion, minutes to share)."""

    class Meta(_Base.Meta):
        abstract = False
        table_name = "shares"

    class SessionIndex(GlobalSecondaryIndex):
        class Meta:
            index_name = "session-index"
            projection = AllProjection()
        live_session_id = UnicodeAttribute(hash_key=True)
        share_key = UnicodeAttribute(range_key=True)

    user_id = UnicodeAttribute(hash_key=True)
    share_key = UnicodeAttribute(range_key=True)  # "<at>#<share id>"
    share_id = UnicodeAttribute()
    channel = UnicodeAttribute()
    order_id = UnicodeAttribute(null=True)
    poster_id = UnicodeAttribute(null=True)
    live_session_id = UnicodeAttribute(null=True)
    at = UnicodeAttribute()
    minutes_after_payment = NumberAttribute(null=True)
    session_index = SessionIndex()


class IdempotencyModel(_Base):
    """The Powertools Idempotency table (webhook event ids); only its schema is declared here."""

    class Meta(_Base.Meta):
        abstract = False
        table_name = "idempotency"

    id = UnicodeAttribute(hash_key=True)
    expiration = TTLAttribute(null=True)


ALL_MODELS: tuple[type[Model], ...] = (
    ProductModel, CommunityModel, UserModel, LiveSessionModel, OfferModel,
    PurchaseLimitModel, OrderModel, BatchModel, EffectModel, FeedModel, OutboxModel, ReferralCodeModel,
    TouchModel, ReferralModel, LeaderboardModel, PosterModel, ShareModel, IdempotencyModel,
)
_SUFFIX = {model: model.Meta.table_name for model in ALL_MODELS}


def table_suffix(model: type[Model]) -> str:
    return _SUFFIX[model]


def configure(prefix: str, region: str, endpoint: str | None) -> Connection:
    """Bind every model to `<prefix>-<table>` in a region (and a local endpoint, if any).

    All tables share one Connection, hence one botocore client: PynamoDB would otherwise build a
    client per table, and each costs ~0.2 s of a cold start. Returns that connection (transactions
    use it too).
    """
    shared = Connection(region=region, host=endpoint)
    for model in ALL_MODELS:
        model.Meta.table_name = f"{prefix}-{_SUFFIX[model]}"
        model.Meta.region = region
        model.Meta.host = endpoint
        model._connection = None
        table = model._get_connection()
        shared.add_meta_table(table.connection.get_meta_table(table.table_name))
        table.connection = shared
    return shared
