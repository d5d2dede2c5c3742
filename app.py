"""Wiring only: the Chalice app, its blueprints and its schedules."""
from chalice import Chalice, Rate

from chalicelib.api import admin_routes, openapi, public_routes, shopper_routes, webhook_routes
from chalicelib.automation import schedules

app = Chalice(app_name="livecommerce")

for blueprint in (public_routes.bp, shopper_routes.bp, admin_routes.bp, webhook_routes.bp, openapi.bp):
    app.register_blueprint(blueprint)


@app.schedule(Rate(1, unit=Rate.MINUTES), name="expire-unpaid-orders")
def expire_unpaid_orders(event):
    return schedules.expire_unpaid_orders(event)
