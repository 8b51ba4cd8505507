"""Decomposition of each demo product: the domain order tree, the task graph, and its schedule."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta
from typing import cast

import pytest

from models import (
    AssignmentGroup,
    DomainOrder,
    Event,
    LineItem,
    ServiceOrder,
    ServiceSpecification,
    SoldProduct,
    Task,
    TaskDependency,
    TaskTemplate,
    TaskTemplateDependency,
    User,
)
from models.enums import (
    FulfillmentState,
    Priority,
    SoldProductState,
    SpecificationKind,
    TaskState,
)
from services.events.publisher import RecordingPublisher
from services.orders import (
    LineItemInput,
    SubmitOrderInput,
    approve_service_order,
    decompose_order,
    submit_service_order,
)
from services.orders.planning import PlanError
from services.unit_of_work import unit_of_work
from tests.services.orders.helpers import (
    domain_order_tree,
    snapshot,
    submit,
    task_edges,
    task_labels,
)

CFS = "CUSTOMER_FACING_SERVICE"
RFS = "RESOURCE_FACING_SERVICE"

TREES = {
    "FIBRE_BROADBAND": [
        "FIBRE_BROADBAND PRODUCT",
        f"  FTTH_INTERNET_CFS {CFS}",
        f"    GPON_ACCESS_RFS {RFS}",
        "      ONT_DEVICE RESOURCE",
        f"    IPV6_PREFIX_RFS {RFS}",
    ],
    "BUSINESS_SDWAN": [
        "BUSINESS_SDWAN PRODUCT",
        f"  SDWAN_CFS {CFS}",
        f"    SDWAN_EDGE_RFS {RFS}",
        "      EDGE_APPLIANCE RESOURCE",
        "      EDGE_APPLIANCE RESOURCE",
    ],
    "MOBILE_LINE": [
        "MOBILE_LINE PRODUCT",
        f"  MOBILE_CFS {CFS}",
        f"    MOBILE_CORE_RFS {RFS}",
        "      SIM_CARD RESOURCE",
        "      MSISDN RESOURCE",
    ],
    "TV_VOICE_BUNDLE": [
        "TV_VOICE_BUNDLE PRODUCT",
        f"  IPTV_CFS {CFS}",
        f"    MULTICAST_RFS {RFS}",
        "    SET_TOP_BOX RESOURCE",
        f"  FIXED_VOICE_CFS {CFS}",
        "    GEOGRAPHIC_NUMBER RESOURCE",
    ],
}

# (task, the task it waits for), as SPEC/template.
EDGES = {
    "FIBRE_BROADBAND": Counter(
        {
            ("FIBRE_BROADBAND/start_billing", "FTTH_INTERNET_CFS/activate_internet"): 1,
            ("FTTH_INTERNET_CFS/activate_internet", "GPON_ACCESS_RFS/install_fibre_drop"): 1,
            ("FTTH_INTERNET_CFS/activate_internet", "GPON_ACCESS_RFS/configure_olt_port"): 1,
            ("FTTH_INTERNET_CFS/activate_internet", "IPV6_PREFIX_RFS/allocate_ipv6_prefix"): 1,
            ("GPON_ACCESS_RFS/install_fibre_drop", "GPON_ACCESS_RFS/site_survey"): 1,
            ("GPON_ACCESS_RFS/site_survey", "ONT_DEVICE/ship_ont"): 1,
            ("GPON_ACCESS_RFS/configure_olt_port", "ONT_DEVICE/ship_ont"): 1,
        }
    ),
    "BUSINESS_SDWAN": Counter(
        {
            ("BUSINESS_SDWAN/start_billing", "SDWAN_CFS/acceptance_test"): 1,
            ("SDWAN_CFS/acceptance_test", "SDWAN_CFS/configure_policies"): 1,
            ("SDWAN_CFS/configure_policies", "SDWAN_EDGE_RFS/install_edges"): 1,
            # One edge from each appliance of the pair.
            ("SDWAN_EDGE_RFS/install_edges", "EDGE_APPLIANCE/stage_appliance"): 2,
        }
    ),
    "MOBILE_LINE": Counter(
        {
            ("MOBILE_LINE/start_billing", "MOBILE_CFS/enable_services"): 1,
            ("MOBILE_CFS/enable_services", "MOBILE_CORE_RFS/register_subscriber"): 1,
            ("MOBILE_CORE_RFS/register_subscriber", "SIM_CARD/dispatch_sim"): 1,
            ("MOBILE_CORE_RFS/register_subscriber", "MSISDN/reserve_msisdn"): 1,
            ("SIM_CARD/dispatch_sim", "SIM_CARD/allocate_sim"): 1,
        }
    ),
    "TV_VOICE_BUNDLE": Counter(
        {
            ("TV_VOICE_BUNDLE/start_billing", "IPTV_CFS/activate_channels"): 1,
            ("TV_VOICE_BUNDLE/start_billing", "FIXED_VOICE_CFS/configure_sip_account"): 1,
            ("IPTV_CFS/activate_channels", "MULTICAST_RFS/configure_multicast"): 1,
            ("IPTV_CFS/activate_channels", "SET_TOP_BOX/ship_set_top_box"): 1,
            ("FIXED_VOICE_CFS/configure_sip_account", "GEOGRAPHIC_NUMBER/reserve_number"): 1,
        }
    ),
}

TASKS = {
    "FIBRE_BROADBAND": [
        "Start broadband billing",
        "Activate internet service and test throughput",
        "Survey the premises for the fibre route",
        "Install the fibre drop and mount the ONT",
        "Configure the OLT port and service profile",
        "Ship the ONT to the installer",
        "Allocate a /56 IPv6 prefix",
    ],
    "BUSINESS_SDWAN": [
        "Start SD-WAN billing",
        "Configure routing and application policies",
        "Run the site acceptance test",
        "Install and cable the edge appliances on site",
        "Stage the appliance with its zero-touch configuration",
        "Stage the appliance with its zero-touch configuration",
    ],
    "MOBILE_LINE": [
        "Start mobile billing",
        "Enable voice, data and roaming bars",
        "Register the subscriber in the HSS",
        "Allocate a SIM from stock",
        "Dispatch the SIM to the customer",
        "Reserve the mobile number",
    ],
    "TV_VOICE_BUNDLE": [
        "Start bundle billing",
        "Activate the channel package",
        "Join the line to the multicast TV groups",
        "Ship the set-top box",
        "Configure the SIP account",
        "Reserve a geographic number",
    ],
}

PRODUCTS = list(TREES)


async def approved(
    users: dict[str, User], *items: LineItemInput | str, priority: Priority = Priority.NORMAL
) -> ServiceOrder:
    line_items = [LineItemInput(i) if isinstance(i, str) else i for i in items]
    order = await submit_service_order(
        users["partner"],
        SubmitOrderInput(customer="ACME", line_items=line_items, priority=priority),
    )
    return await approve_service_order(users["manager"], order.id)


@pytest.mark.parametrize("product", PRODUCTS)
async def test_the_domain_order_tree_follows_the_catalog(
    users: dict[str, User], product: str
) -> None:
    order = await approved(users, product)

    assert await domain_order_tree(order.id) == TREES[product]


@pytest.mark.parametrize("product", PRODUCTS)
async def test_the_tasks_are_the_templates_of_each_domain_order(
    users: dict[str, User], product: str
) -> None:
    order = await approved(users, product)

    tasks = await Task.filter(service_order_id=order.id).order_by("id")
    assert [t.name for t in tasks] == TASKS[product]


@pytest.mark.parametrize("product", PRODUCTS)
async def test_children_finish_before_parents_and_templates_keep_their_dependencies(
    users: dict[str, User], product: str
) -> None:
    order = await approved(users, product)

    assert await task_edges(order.id) == EDGES[product]


@pytest.mark.parametrize("product", PRODUCTS)
async def test_the_task_graph_is_acyclic(users: dict[str, User], product: str) -> None:
    order = await approved(users, product)

    ids = set(await Task.filter(service_order_id=order.id).values_list("id", flat=True))
    links = await TaskDependency.filter(task_id__in=ids).values_list("task_id", "depends_on_id")
    remaining = set(ids)
    while remaining:
        # Peel off the tasks whose predecessors are all gone; a cycle leaves none to peel.
        free = {t for t in remaining if not any(a == t and b in remaining for a, b in links)}
        assert free, "the remaining tasks wait for each other"
        remaining -= free


@pytest.mark.parametrize("product", PRODUCTS)
async def test_tasks_without_predecessors_are_ready_and_the_rest_pending(
    users: dict[str, User], product: str
) -> None:
    order = await approved(users, product)

    tasks = await Task.filter(service_order_id=order.id)
    waiting = cast(
        set[int],
        set(
            await TaskDependency.filter(task_id__in=[t.id for t in tasks]).values_list(
                "task_id", flat=True
            )
        ),
    )
    assert {t.id: t.state for t in tasks} == {
        t.id: TaskState.PENDING if t.id in waiting else TaskState.READY for t in tasks
    }


async def test_every_ready_task_has_a_task_ready_event(users: dict[str, User]) -> None:
    order = await approved(users, "FIBRE_BROADBAND", "TV_VOICE_BUNDLE")

    ready = await Task.filter(service_order_id=order.id, state=TaskState.READY)
    events = await Event.filter(service_order_id=order.id, kind="task.ready")
    assert sorted(e.entity_id for e in events) == sorted(t.id for t in ready)
    assert {e.payload["number"] for e in events} == {t.number for t in ready}


async def test_the_exclusion_rule_leaves_out_its_target_when_the_characteristic_matches(
    users: dict[str, User],
) -> None:
    order = await approved(
        users, LineItemInput("FIBRE_BROADBAND", characteristics={"ipVersion": "IPV4"})
    )

    assert await domain_order_tree(order.id) == [
        line for line in TREES["FIBRE_BROADBAND"] if "IPV6_PREFIX_RFS" not in line
    ]
    assert await task_edges(order.id) == Counter(
        {e: n for e, n in EDGES["FIBRE_BROADBAND"].items() if "IPV6" not in e[1]}
    )


@pytest.mark.parametrize("characteristics", [{"ipVersion": "DUAL_STACK"}, {"vlan": "IPV4"}])
async def test_the_exclusion_rule_keeps_its_target_when_the_characteristic_does_not_match(
    users: dict[str, User], characteristics: dict[str, str]
) -> None:
    order = await approved(users, LineItemInput("FIBRE_BROADBAND", characteristics=characteristics))

    assert await domain_order_tree(order.id) == TREES["FIBRE_BROADBAND"]


async def test_a_line_item_quantity_makes_that_many_trees_and_one_sold_product(
    users: dict[str, User],
) -> None:
    order = await approved(users, LineItemInput("MOBILE_LINE", quantity=2))

    assert await domain_order_tree(order.id) == TREES["MOBILE_LINE"] * 2
    assert await task_edges(order.id) == EDGES["MOBILE_LINE"] + EDGES["MOBILE_LINE"]
    assert await SoldProduct.filter(line_item__service_order_id=order.id).count() == 1


async def test_each_line_item_gets_a_pending_sold_product_of_the_customer(
    users: dict[str, User],
) -> None:
    order = await approved(users, "MOBILE_LINE", "TV_VOICE_BUNDLE")

    items = await LineItem.filter(service_order_id=order.id).order_by("position")
    sold = {
        s.line_item_id: s for s in await SoldProduct.filter(line_item_id__in=[i.id for i in items])
    }
    assert [
        (sold[i.id].specification_id, sold[i.id].customer, sold[i.id].state) for i in items
    ] == [(i.specification_id, "ACME", SoldProductState.PENDING) for i in items]


async def test_counters_start_with_every_task_to_do(users: dict[str, User]) -> None:
    order = await approved(users, "FIBRE_BROADBAND", "BUSINESS_SDWAN")

    items = await LineItem.filter(service_order_id=order.id).order_by("position")
    assert [(i.tasks_total, i.tasks_done, i.state) for i in items] == [
        (7, 0, FulfillmentState.PENDING),
        (6, 0, FulfillmentState.PENDING),
    ]
    domain_orders = await DomainOrder.filter(service_order_id=order.id)
    for domain_order in domain_orders:
        own = await Task.filter(domain_order_id=domain_order.id).count()
        assert (domain_order.own_tasks_total, domain_order.own_tasks_done) == (own, 0)
        assert domain_order.state is FulfillmentState.PENDING
    roots = [d for d in domain_orders if d.parent_id is None]
    # A root's subtree is its whole line item.
    assert [(d.tasks_total, d.tasks_done) for d in roots] == [(7, 0), (6, 0)]
    stored = await ServiceOrder.get(id=order.id)
    assert (stored.tasks_total, stored.tasks_done) == (13, 0)


async def test_tasks_take_the_order_priority_and_the_template_group(
    users: dict[str, User],
) -> None:
    order = await approved(users, "MOBILE_LINE", priority=Priority.URGENT)

    tasks = await Task.filter(service_order_id=order.id).prefetch_related(
        "template", "assignment_group"
    )
    assert {t.priority for t in tasks} == {Priority.URGENT}
    assert all(t.template is not None for t in tasks)
    assert [t.assignment_group_id for t in tasks] == [
        t.template.assignment_group_id for t in tasks if t.template is not None
    ]


async def test_domain_orders_and_tasks_are_numbered_uniquely_in_blocks(
    users: dict[str, User],
) -> None:
    await approved(users, "FIBRE_BROADBAND", "MOBILE_LINE")
    second = await approved(users, "TV_VOICE_BUNDLE")

    domain_orders = [
        d.number
        for d in await DomainOrder.all().order_by("service_order_id", "line_item_id", "position")
    ]
    tasks = [t.number for t in await Task.all().order_by("id")]
    assert domain_orders == [f"DO{n:07d}" for n in range(1, 17)]
    assert tasks == [f"TASK{n:07d}" for n in range(1, 20)]
    assert {d.service_order_id for d in await DomainOrder.filter(number="DO0000011")} == {second.id}


@pytest.mark.parametrize("product", PRODUCTS)
async def test_each_task_is_planned_to_start_when_its_longest_chain_of_predecessors_ends(
    users: dict[str, User], product: str
) -> None:
    order = await approved(users, product)

    decided_at = (await ServiceOrder.get(id=order.id)).decided_at
    assert decided_at is not None
    tasks = {t.id: t for t in await Task.filter(service_order_id=order.id)}
    links = await TaskDependency.filter(task_id__in=list(tasks)).values_list(
        "task_id", "depends_on_id"
    )
    for task in tasks.values():
        predecessors = [tasks[b].planned_end_at for a, b in links if a == task.id]
        starts = max([decided_at, *(p for p in predecessors if p is not None)])
        assert task.planned_start_at == starts
        assert task.planned_end_at == starts + timedelta(minutes=task.expected_duration_minutes)


async def test_the_fibre_plan_is_expected_to_complete_after_its_longest_chain(
    users: dict[str, User],
) -> None:
    order = await approved(users, "FIBRE_BROADBAND")

    stored = await ServiceOrder.get(id=order.id)
    assert stored.decided_at is not None
    labels = await task_labels(order.id)
    ends = {labels[t.id]: t.planned_end_at for t in await Task.filter(service_order_id=order.id)}
    # ship ONT 1440, survey 60, install 120, activate 30, billing 15
    assert ends["FIBRE_BROADBAND/start_billing"] == stored.decided_at + timedelta(minutes=1665)
    assert ends["IPV6_PREFIX_RFS/allocate_ipv6_prefix"] == stored.decided_at + timedelta(minutes=10)
    assert stored.expected_completion_at == stored.decided_at + timedelta(minutes=1665)


async def test_without_a_requested_completion_date_no_task_has_a_due_date(
    users: dict[str, User],
) -> None:
    order = await approved(users, "FIBRE_BROADBAND")

    assert {t.due_at for t in await Task.filter(service_order_id=order.id)} == {None}


async def test_decomposing_an_order_again_creates_nothing(users: dict[str, User]) -> None:
    order = await approved(users, "FIBRE_BROADBAND")
    before = await snapshot()

    async with unit_of_work(users["manager"]) as uow:
        await decompose_order(uow, await ServiceOrder.get(id=order.id))

    assert await snapshot() == before


async def _statements_to_approve(
    users: dict[str, User], caplog: pytest.LogCaptureFixture, items: list[LineItemInput]
) -> int:
    order = await submit(users["partner"], *items)
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
        await approve_service_order(users["manager"], order.id)
    count = len([r for r in caplog.records if r.name == "tortoise.db_client"])
    # The statements are long (hundreds of rows each): keep them out of failure reports.
    caplog.clear()
    return count


async def test_the_number_of_statements_does_not_grow_with_the_line_items(
    users: dict[str, User], caplog: pytest.LogCaptureFixture
) -> None:
    # The first approval also creates the number counters: leave it out of the comparison.
    await approved(users, "MOBILE_LINE")
    one = await _statements_to_approve(users, caplog, [LineItemInput("MOBILE_LINE")])

    many = await _statements_to_approve(
        users, caplog, [LineItemInput(p, quantity=5) for p in PRODUCTS for _ in range(6)]
    )

    assert many == one


async def test_a_cyclic_catalog_fails_the_approval_and_writes_nothing(
    users: dict[str, User], published: RecordingPublisher
) -> None:
    # Rows written directly: the catalog loader would refuse this cycle.
    group = await AssignmentGroup.get(name="provisioning")
    product = await ServiceSpecification.create(
        code="LOOPY", name="Loopy", kind=SpecificationKind.PRODUCT, domain="test"
    )
    first, second = [
        await TaskTemplate.create(
            specification=product, code=code, name=code, assignment_group=group
        )
        for code in ("first", "second")
    ]
    await TaskTemplateDependency.create(template=first, depends_on=second)
    await TaskTemplateDependency.create(template=second, depends_on=first)
    order = await submit(users["partner"], "LOOPY")
    before = await snapshot()
    published.published.clear()

    with pytest.raises(PlanError):
        await approve_service_order(users["manager"], order.id)

    assert await snapshot() == before
    assert published.published == []
