"""Reading the installed base: the product list and a product's history."""

from __future__ import annotations

from models import Event, SoldProduct
from models.enums import SoldProductState
from resolvers.arguments import filter_text, page_request
from resolvers.context import Context
from resolvers.cursors import decode_event_cursor
from services.limits import CODE, NAME
from services.queries.lists import SoldProductFilter, list_sold_products, sold_product_history
from services.queries.pagination import Page


async def sold_products(
    context: Context,
    *,
    customer: str | None,
    state: SoldProductState | None,
    specification_code: str | None,
    first: int | None,
    after: str | None,
) -> Page[SoldProduct]:
    request = page_request(first, after)
    where = SoldProductFilter(
        customer=filter_text(customer, field="customer", bound=NAME),
        state=state,
        specification_code=filter_text(specification_code, field="specificationCode", bound=CODE),
    )
    page = await list_sold_products(context.actor, where, request)
    context.loaders.prime_sold_products(page.rows)
    return page


async def history(
    context: Context, product: SoldProduct, *, first: int | None, after: str | None
) -> Page[Event]:
    """The product's events, oldest first (the product is already known readable)."""
    request = page_request(first, after, decode=decode_event_cursor)
    return await sold_product_history(context.actor, product.id, request)
