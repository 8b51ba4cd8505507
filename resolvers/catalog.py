"""Reading the catalog: every specification (partners need the codes to order)."""

from __future__ import annotations

from models import ServiceSpecification
from resolvers.context import Context
from services.queries.batches import all_specifications


async def service_specifications(context: Context) -> list[ServiceSpecification]:
    specifications = await all_specifications()
    for specification in specifications:
        context.loaders.specification.prime(specification.id, specification)
    return specifications
