"""reviseServiceOrder in fulfilment: the touched items re-planned (docs/design, section 4).

Kept tasks keep their row (state, work, assignee); tasks only in the old plan are cancelled,
or compensated when completed; tasks only in the new plan are created; a removed item is
cancelled with compensation; a new item is planned as at approval. Refused past the point of
no return. The demo fibre line: ship_ont (READY at once), then site_survey and
configure_olt_port, then install_fibre_drop (the PONR)... allocate_ipv6_prefix only when
ipVersion is not IPV4.
"""

from __future__ import annotations

from typing import Any

from models import DomainOrder, Event, LineItem, ServiceOrder, SoldProduct, Task, TaskDependency
from models.enums import LineItemAction, TaskState
from services.orders import LineItemInput, hold_service_order
from services.orders.cancel import cancel_service_order
from services.tasks import start_task
from tests.api.graphql import Api, gid, pk_of
from tests.api.mutations.helpers import Users, order_id, refused, succeeded
from tests.services.installed_base import active_product, change_order
from tests.services.orders.plan_work import task_by_code, work, work_compensations
from tests.services.task_plans import agent_for, approved_order, snapshot

REVISE = """
mutation Revise($input: ReviseServiceOrderInput!) {
  reviseServiceOrder(input: $input) {
    serviceOrder { state revision progress { totalTasks } lineItems { state } }
    userErrors { code message field }
  }
}"""
FIBRE = "FIBRE_BROADBAND"
IPV4 = {"ipVersion": "IPV4"}
DUAL = {"ipVersion": "DUAL_STACK"}


async def revise(api: Api, order: ServiceOrder, *items: dict[str, Any]) -> dict[str, Any]:
    data = await api.data(
        "manager",
        REVISE,
        {
            "input": {
                "serviceOrderId": order_id(order),
                "reason": "The customer changed their mind",
                "lineItems": list(items),
            }
        },
    )
    payload: dict[str, Any] = data["reviseServiceOrder"]
    return payload


def item_input(item: LineItem, code: str, **values: Any) -> dict[str, Any]:
    return {"id": gid("LineItem", item.id), "specificationCode": code, **values}


async def items_of(order: ServiceOrder) -> list[LineItem]:
    return await LineItem.filter(service_order_id=order.id).order_by("position", "id")


async def fibre_order(users: Users, characteristics: dict[str, str]) -> ServiceOrder:
    return await approved_order(users, LineItemInput(FIBRE, characteristics=characteristics))


async def revised_event(order: ServiceOrder) -> dict[str, Any]:
    event = await Event.filter(service_order_id=order.id, kind="service_order.revised").first()
    assert event is not None
    return event.payload


async def test_a_changed_characteristic_replans_the_item_and_kept_tasks_keep_their_work(
    api: Api, users: Users
) -> None:
    order = await fibre_order(users, IPV4)
    await work(order.id, users, "ship_ont")
    survey = await task_by_code(order.id, "site_survey")
    surveyor = await agent_for(survey, users)
    await start_task(surveyor, survey.id)
    [item] = await items_of(order)

    payload = await revise(api, order, item_input(item, FIBRE, characteristics=DUAL))

    revised = succeeded(payload, "serviceOrder")
    assert (revised["state"], revised["revision"], revised["progress"]) == (
        "IN_PROGRESS",
        1,
        {"totalTasks": 7},
    )
    survey_now = await Task.get(id=survey.id)
    assert (survey_now.state, survey_now.assignee_id) == (TaskState.IN_PROGRESS, surveyor.id)
    assert (await task_by_code(order.id, "ship_ont")).state is TaskState.COMPLETED
    prefix = await task_by_code(order.id, "allocate_ipv6_prefix")
    assert prefix.state is TaskState.READY
    activate = await task_by_code(order.id, "activate_internet")
    waits_on = {link.depends_on_id for link in await TaskDependency.filter(task_id=activate.id)}
    assert prefix.id in waits_on and activate.state is TaskState.PENDING
    [changed] = (await revised_event(order))["changed"]
    assert changed["before"] == {"quantity": 1, "characteristics": IPV4}
    assert changed["after"] == {"quantity": 1, "characteristics": DUAL}
    assert {k: changed[k] for k in ("kept", "created", "cancelled", "compensating")} == {
        "kept": 6,
        "created": 1,
        "cancelled": 0,
        "compensating": 0,
    }
    assert (await LineItem.get(id=item.id)).characteristics == DUAL


async def test_work_dropped_by_a_change_is_compensated_when_it_was_done(
    api: Api, users: Users
) -> None:
    order = await fibre_order(users, DUAL)
    await work(order.id, users, "allocate_ipv6_prefix")
    [item] = await items_of(order)

    payload = await revise(api, order, item_input(item, FIBRE, characteristics=IPV4))

    # The allocation stays done and counted; its release is work to do.
    assert succeeded(payload, "serviceOrder")["progress"] == {"totalTasks": 8}
    release = await task_by_code(order.id, "release_ipv6_prefix", compensating=True)
    allocate = await task_by_code(order.id, "allocate_ipv6_prefix")
    assert (release.state, release.compensates_id) == (TaskState.READY, allocate.id)
    prefix_order = await DomainOrder.get(id=allocate.domain_order_id)
    assert prefix_order.cancelled_at is not None
    [changed] = (await revised_event(order))["changed"]
    assert (changed["kept"], changed["created"], changed["compensating"]) == (6, 0, 1)


async def test_a_new_item_is_planned_as_at_approval(api: Api, users: Users) -> None:
    order = await approved_order(users, "MOBILE_LINE")
    [mobile] = await items_of(order)
    before = await Task.filter(service_order_id=order.id).count()

    payload = await revise(
        api,
        order,
        item_input(mobile, "MOBILE_LINE"),
        {"specificationCode": FIBRE, "characteristics": IPV4},
    )

    revised = succeeded(payload, "serviceOrder")
    assert revised["progress"] == {"totalTasks": before + 6}
    _, fibre = await items_of(order)
    assert (fibre.position, fibre.tasks_total) == (1, 6)
    assert (await SoldProduct.get(line_item_id=fibre.id)).state == "PENDING"
    assert (await task_by_code(order.id, "ship_ont")).state is TaskState.READY
    [added] = (await revised_event(order))["added"]
    assert (added["lineItemId"], added["created"], added["specificationCode"]) == (
        fibre.id,
        6,
        FIBRE,
    )


async def test_a_removed_item_is_cancelled_with_compensation(api: Api, users: Users) -> None:
    order = await approved_order(users, "MOBILE_LINE", LineItemInput(FIBRE, characteristics=IPV4))
    await work(order.id, users, "ship_ont")
    mobile, fibre = await items_of(order)

    payload = await revise(api, order, item_input(mobile, "MOBILE_LINE"))

    assert succeeded(payload, "serviceOrder")["lineItems"][1]["state"] == "CANCELLING"
    recover = await task_by_code(order.id, "recover_ont", compensating=True)
    assert recover.state is TaskState.READY
    assert (await task_by_code(order.id, "site_survey")).state is TaskState.CANCELLED
    [removed] = (await revised_event(order))["removed"]
    assert (removed["lineItemId"], removed["compensating"]) == (fibre.id, 1)
    assert await work_compensations(order.id, users) == ["recover_ont"]
    fibre_now = await LineItem.get(id=fibre.id)
    assert fibre_now.state == "CANCELLED"
    assert (await SoldProduct.get(line_item_id=fibre.id)).state == "CANCELLED"


async def test_an_item_past_its_point_of_no_return_is_not_changed(api: Api, users: Users) -> None:
    order = await fibre_order(users, IPV4)
    await work(order.id, users, "ship_ont", "site_survey")
    drop = await task_by_code(order.id, "install_fibre_drop")
    await start_task(await agent_for(drop, users), drop.id)
    [item] = await items_of(order)
    before = await snapshot()

    changing = await revise(api, order, item_input(item, FIBRE, characteristics=DUAL))
    removing = await revise(api, order, {"specificationCode": "MOBILE_LINE"})

    assert refused(changing, "serviceOrder") == ("INVALID_STATE", "lineItems")
    assert refused(removing, "serviceOrder") == ("INVALID_STATE", "lineItems")
    assert await snapshot() == before
    query = """query($id: ID!) { serviceOrder(id: $id) {
      viewerCan { revise } lineItems { viewerCan { revise } } } }"""
    shown = await api.data("manager", query, {"id": order_id(order)})
    assert shown["serviceOrder"] == {
        "viewerCan": {"revise": True},
        "lineItems": [{"viewerCan": {"revise": False}}],
    }
    adding = await revise(
        api, order, item_input(item, FIBRE, characteristics=IPV4), {"specificationCode": FIBRE}
    )
    assert succeeded(adding, "serviceOrder")["revision"] == 1


async def test_only_a_manager_revises_an_order_in_fulfilment(api: Api, users: Users) -> None:
    order = await fibre_order(users, IPV4)
    [item] = await items_of(order)
    values = {
        "serviceOrderId": order_id(order),
        "reason": "Dual stack",
        "lineItems": [item_input(item, FIBRE, characteristics=DUAL)],
    }

    data = await api.data("partner", REVISE, {"input": values})

    assert refused(data["reviseServiceOrder"], "serviceOrder") == ("FORBIDDEN", "serviceOrderId")
    query = """query($id: ID!) { serviceOrder(id: $id) { viewerCan { revise } } }"""
    shown = await api.data("partner", query, {"id": order_id(order)})
    assert shown["serviceOrder"]["viewerCan"] == {"revise": False}


async def test_a_held_order_stays_held_when_revised(api: Api, users: Users) -> None:
    order = await fibre_order(users, IPV4)
    await hold_service_order(users["manager"], order.id, "Permit pending")
    [item] = await items_of(order)

    payload = await revise(api, order, item_input(item, FIBRE, characteristics=DUAL))

    assert succeeded(payload, "serviceOrder")["state"] == "HELD"
    prefix = await task_by_code(order.id, "allocate_ipv6_prefix")
    assert prefix.state is TaskState.READY


async def test_a_cancelled_item_is_not_changed_and_leaving_it_out_removes_nothing(
    api: Api, users: Users
) -> None:
    order = await approved_order(users, "MOBILE_LINE", LineItemInput(FIBRE, characteristics=IPV4))
    mobile, fibre = await items_of(order)
    await cancel_service_order(users["manager"], order.id, "No fibre after all", [fibre.id])

    changing = await revise(
        api,
        order,
        item_input(mobile, "MOBILE_LINE"),
        item_input(fibre, FIBRE, characteristics=DUAL),
    )
    leaving_out = await revise(api, order, item_input(mobile, "MOBILE_LINE", quantity=2))

    assert refused(changing, "serviceOrder") == ("INVALID_STATE", "lineItems")
    assert succeeded(leaving_out, "serviceOrder")["revision"] == 1
    assert (await revised_event(order))["removed"] == []


async def test_a_revision_keeping_only_a_cancelled_item_is_refused_as_removing_every_item(
    api: Api, users: Users
) -> None:
    order = await approved_order(users, "MOBILE_LINE", LineItemInput(FIBRE, characteristics=IPV4))
    _mobile, fibre = await items_of(order)
    await cancel_service_order(users["manager"], order.id, "No fibre after all", [fibre.id])
    before = await snapshot()

    payload = await revise(api, order, item_input(fibre, FIBRE, characteristics=IPV4))

    assert refused(payload, "serviceOrder") == ("VALIDATION", "lineItems")
    assert await snapshot(before) == before


async def test_a_quantity_change_plans_another_unit_and_keeps_the_first(
    api: Api, users: Users
) -> None:
    order = await approved_order(users, "MOBILE_LINE")
    [item] = await items_of(order)
    first = {t.id: t.state for t in await Task.filter(service_order_id=order.id)}

    payload = await revise(api, order, item_input(item, "MOBILE_LINE", quantity=2))

    assert succeeded(payload, "serviceOrder")["progress"] == {"totalTasks": 2 * len(first)}
    now = {t.id: t.state for t in await Task.filter(service_order_id=order.id)}
    assert {id: now[id] for id in first} == first
    [changed] = (await revised_event(order))["changed"]
    assert (changed["kept"], changed["created"]) == (len(first), len(first))
    assert (await LineItem.get(id=item.id)).quantity == 2


async def test_a_modify_is_replanned_against_what_its_product_has_now(
    api: Api, users: Users
) -> None:
    # given a dual-stack 500M fibre line being modified to 1G
    product = await active_product(users, FIBRE)
    order = await change_order(
        users, LineItemAction.MODIFY, product, {"ipVersion": "DUAL_STACK", "bandwidth": "1G"}
    )
    [item] = await items_of(order)

    # when the change becomes IPv4 at the same bandwidth
    payload = await revise(
        api,
        order,
        item_input(
            item,
            FIBRE,
            action="MODIFY",
            soldProductId=gid("SoldProduct", product.id),
            characteristics={"ipVersion": "IPV4", "bandwidth": "500M"},
        ),
    )

    # then the tariff (it follows the bandwidth) is no longer changed, and the prefix goes
    # (a teardown inside a MODIFY, after the service is reprofiled)
    assert succeeded(payload, "serviceOrder")["revision"] == 1
    assert (await task_by_code(order.id, "change_tariff")).state is TaskState.CANCELLED
    reprofile = await task_by_code(order.id, "reprofile_internet")
    withdraw = await task_by_code(order.id, "withdraw_ipv6_prefix")
    assert withdraw.state is TaskState.PENDING
    waits_on = {link.depends_on_id for link in await TaskDependency.filter(task_id=withdraw.id)}
    assert waits_on == {reprofile.id}


PLAN_AND_HISTORY = """
query($id: ID!) {
  serviceOrder(id: $id) {
    lineItems { domainOrders { tasks {
      id name state assignee { username } dependsOn { name }
    } } }
    history(first: 50) { edges { node { kind payload } } }
  }
}"""
REPROFILE = "Apply the new service profile and test throughput"
ALLOCATE = "Allocate a /56 IPv6 prefix"


async def test_a_started_task_does_not_wait_on_work_the_revision_adds_and_the_event_says_so(
    api: Api, users: Users
) -> None:
    # given an IPv4 fibre line being modified to 1G, its OLT reprofiled and its service
    # reprofiling under way
    product = await active_product(users, FIBRE, {"ipVersion": "IPV4", "bandwidth": "500M"})
    order = await change_order(
        users, LineItemAction.MODIFY, product, {"ipVersion": "IPV4", "bandwidth": "1G"}
    )
    await work(order.id, users, "change_olt_profile")
    reprofile = await task_by_code(order.id, "reprofile_internet")
    agent = await agent_for(reprofile, users)
    await start_task(agent, reprofile.id)
    [item] = await items_of(order)

    # when the change becomes dual stack too: the new plan allocates a prefix before the
    # reprofiling
    dual = {"ipVersion": "DUAL_STACK", "bandwidth": "1G"}
    payload = await revise(
        api,
        order,
        item_input(
            item,
            FIBRE,
            action="MODIFY",
            soldProductId=gid("SoldProduct", product.id),
            characteristics=dual,
        ),
    )

    # then the reprofiling goes on, waiting on nothing new; the allocation is READY; the
    # tariff change still waits on both; and the revised event names the edge not made
    assert succeeded(payload, "serviceOrder")["revision"] == 1
    found = (await api.data("manager", PLAN_AND_HISTORY, {"id": order_id(order)}))["serviceOrder"]
    tasks = {
        task["name"]: task
        for line in found["lineItems"]
        for domain_order in line["domainOrders"]
        for task in domain_order["tasks"]
    }
    reprofiling, allocation = tasks[REPROFILE], tasks[ALLOCATE]
    assert (reprofiling["state"], reprofiling["assignee"], reprofiling["dependsOn"]) == (
        "IN_PROGRESS",
        {"username": agent.username},
        [{"name": "Change the bandwidth profile of the OLT port"}],
    )
    assert (allocation["state"], allocation["dependsOn"]) == ("READY", [])
    tariff = tasks["Change the broadband tariff"]
    assert tariff["state"] == "PENDING"
    assert {d["name"] for d in tariff["dependsOn"]} == {REPROFILE, ALLOCATE}
    [revised] = [
        edge["node"]["payload"]
        for edge in found["history"]["edges"]
        if edge["node"]["kind"] == "service_order.revised"
    ]
    [changed] = revised["changed"]
    assert changed["droppedDependencies"] == [[pk_of(reprofiling["id"]), pk_of(allocation["id"])]]
    assert (changed["kept"], changed["created"], changed["cancelled"]) == (3, 1, 0)
