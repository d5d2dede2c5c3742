"""Wiring only: the Chalice app, its blueprints, its schedules and its stream consumers."""
from chalice import Chalice, Rate

from chalicelib.api import admin_routes, openapi, public_routes, share_routes, shopper_routes, webhook_routes
from chalicelib.automation import consumers, schedules
from chalicelib.automation.stream_sources import stream_arn

app = Chalice(app_name="livecommerce")
app.api.binary_types.append("image/png")  # GET /posters/{id} answers with the PNG itself

for blueprint in (public_routes.bp, shopper_routes.bp, share_routes.bp, admin_routes.bp, webhook_routes.bp,
                  openapi.bp):
    app.register_blueprint(blueprint)


@app.schedule(Rate(1, unit=Rate.MINUTES), name="expire-unpaid-orders")
def expire_unpaid_orders(event):
    return schedules.expire_unpaid_orders(event)


@app.schedule(Rate(1, unit=Rate.MINUTES), name="cut-off-batches")
def cut_off_batches(event):
    return schedules.cut_off_batches(event)


@app.schedule(Rate(1, unit=Rate.MINUTES), name="retry-outbox")
def retry_outbox(event):
    return schedules.retry_outbox(event)


@app.on_dynamodb_record(stream_arn=stream_arn("orders"), batch_size=100, name="orders-stream")
def orders_stream(event):
    return consumers.orders_stream(event.to_dict(), event.context)


# A second reader of the orders stream: referral credit and poster pre-rendering (Pillow, more memory),
# isolated from batching so a slow render never delays a community's counter.
@app.on_dynamodb_record(stream_arn=stream_arn("orders"), batch_size=20, name="share-loop-stream")
def share_loop_stream(event):
    return consumers.share_loop_stream(event.to_dict(), event.context)


@app.on_dynamodb_record(stream_arn=stream_arn("offers"), batch_size=100, name="offers-stream")
def offers_stream(event):
    return consumers.offers_stream(event.to_dict(), event.context)


@app.on_dynamodb_record(stream_arn=stream_arn("batches"), batch_size=50, name="batches-stream")
def batches_stream(event):
    return consumers.batches_stream(event.to_dict(), event.context)


@app.on_dynamodb_record(stream_arn=stream_arn("outbox"), batch_size=25, name="outbox-stream")
def outbox_stream(event):
    return consumers.outbox_stream(event.to_dict(), event.context)
