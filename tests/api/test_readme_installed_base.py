"""The README's installed-base examples, sent as written to the seeded demo: they find
Maple Street Pharmacy's fibre, and the MODIFY and DELETE they submit are refused while the
demo's own MODIFY and DELETE orders are open (as the README says), then taken once those are
cancelled."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from models import ServiceOrder
from services.orders.cancel import cancel_service_order
from services.seed import seed_demo
from tests.api.graphql import Api, pk_of
from tests.api.mutations.helpers import Users

README = Path(__file__).parents[2] / "README.md"
SECTION = "### The installed base: MODIFY and DELETE"
TOKENS = {"$MANAGER": "manager", "$PARTNER": "partner"}


def readme_examples() -> list[tuple[str, str]]:
    """Each curl of the section: who sends it, and its GraphQL document."""
    text = README.read_text()
    section = text[text.index(SECTION) :]
    block = section[section.index("```sh") : section.index("```\n", section.index("```sh") + 5)]
    examples = []
    for token, body in re.findall(r'Bearer (\$\w+)".*?-d \'(\{.*?\})\'', block, re.S):
        examples.append((TOKENS[token], str(json.loads(body)["query"])))
    return examples


async def send(api: Api, username: str, query: str) -> dict[str, Any]:
    return await api.data(username, query)


async def test_the_readme_examples_do_what_the_readme_says(api: Api, users: Users) -> None:
    # given the seeded demo
    await seed_demo()
    listing, modify, delete, history = readme_examples()

    # when each example is sent as written
    products = (await send(api, *listing))["soldProducts"]["edges"]
    refused_modify = (await send(api, *modify))["submitServiceOrder"]
    refused_delete = (await send(api, *delete))["submitServiceOrder"]
    read = await send(api, *history)

    # then the fibre is found, with the id the other examples use
    [fibre] = [e["node"] for e in products]
    assert (fibre["number"], fibre["state"], fibre["specification"]) == (
        f"SP{pk_of(fibre['id']):07d}",
        "ACTIVE",
        {"code": "FIBRE_BROADBAND"},
    )
    assert fibre["id"] in modify[1] and fibre["id"] in history[1]
    # the MODIFY and DELETE are refused, naming the demo's orders that change those products
    for payload, demo in ((refused_modify, "SO0001010"), (refused_delete, "SO0001011")):
        assert payload["serviceOrder"] is None
        [error] = payload["userErrors"]
        assert (error["code"], error["field"]) == ("CONFLICT", "lineItems[0].soldProductId")
        assert demo in error["message"]
    assert {"node": {"number": "SO0001010", "state": "NEW"}} in read["serviceOrders"]["edges"]
    kinds = [e["node"]["kind"] for e in read["node"]["history"]["edges"]]
    assert kinds == ["sold_product.activated"]

    # and once the demo's changes are cancelled, the README's MODIFY and DELETE go through
    for number in ("SO0001010", "SO0001011"):
        order = await ServiceOrder.get(number=number)
        await cancel_service_order(users["manager"], order.id, "Make way for the README")
    taken_modify = (await send(api, *modify))["submitServiceOrder"]
    taken_delete = (await send(api, *delete))["submitServiceOrder"]
    assert taken_modify["userErrors"] == [] and taken_delete["userErrors"] == []
    [line] = taken_modify["serviceOrder"]["lineItems"]
    assert line["soldProduct"]["characteristics"] == fibre["characteristics"]
