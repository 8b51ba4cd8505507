"""The schedule through the API: planned dates, expected completion, critical path, due dates
and jeopardy as an order is approved and worked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.api.graphql import Api
from tests.api.mutations.helpers import Users, refused, succeeded

SUBMIT = """
mutation Submit($input: SubmitServiceOrderInput!) {
  submitServiceOrder(input: $input) { serviceOrder { id } userErrors { code message field } }
}"""
APPROVE = """
mutation Approve($id: ID!) {
  approveServiceOrder(input: {serviceOrderId: $id}) {
    serviceOrder { id } userErrors { code message field }
  }
}"""
SCHEDULE = """
query Schedule($id: ID!) {
  serviceOrder(id: $id) {
    requestedCompletionDate expectedCompletionAt jeopardy jeopardyReason
    criticalPath { number }
    tasks {
      number name state plannedStartAt plannedEndAt dueAt slackMinutes onCriticalPath
      jeopardy jeopardyReason expectedDurationMinutes
    }
  }
}"""
# FIBRE_BROADBAND's longest chain: ship ONT 1440, survey 60, install 120, activate 30, billing 15.
FIBRE_MINUTES = 1665


def instant(value: str) -> datetime:
    return datetime.fromisoformat(value)


async def approved_fibre(api: Api, requested: datetime | None) -> str:
    values: dict[str, Any] = {
        "customer": "Globex",
        "lineItems": [{"specificationCode": "FIBRE_BROADBAND"}],
    }
    if requested is not None:
        values["requestedCompletionDate"] = requested.isoformat()
    data = await api.data("partner", SUBMIT, {"input": values})
    order_id: str = succeeded(data["submitServiceOrder"], "serviceOrder")["id"]
    approval = await api.data("manager", APPROVE, {"id": order_id})
    succeeded(approval["approveServiceOrder"], "serviceOrder")
    return order_id


async def schedule_of(api: Api, order_id: str) -> dict[str, Any]:
    data = await api.data("manager", SCHEDULE, {"id": order_id})
    order: dict[str, Any] = data["serviceOrder"]
    return order


async def test_an_approved_order_is_expected_to_complete_at_the_end_of_its_longest_chain(
    api: Api, users: Users
) -> None:
    order = await schedule_of(api, await approved_fibre(api, None))

    starts = [instant(t["plannedStartAt"]) for t in order["tasks"]]
    expected = instant(order["expectedCompletionAt"])
    assert expected == min(starts) + timedelta(minutes=FIBRE_MINUTES)
    assert expected == max(instant(t["plannedEndAt"]) for t in order["tasks"])
    assert [t["number"] for t in order["tasks"] if t["onCriticalPath"]] != []


async def test_the_critical_path_is_a_chain_without_slack_that_ends_at_the_expected_completion(
    api: Api, users: Users
) -> None:
    order = await schedule_of(api, await approved_fibre(api, None))

    by_number = {t["number"]: t for t in order["tasks"]}
    path = [by_number[t["number"]] for t in order["criticalPath"]]
    assert all(t["slackMinutes"] == 0 and t["onCriticalPath"] for t in path)
    assert instant(path[-1]["plannedEndAt"]) == instant(order["expectedCompletionAt"])
    total = sum(t["expectedDurationMinutes"] for t in path)
    assert total == FIBRE_MINUTES
    off_path = [t for t in order["tasks"] if t["number"] not in {p["number"] for p in path}]
    assert all(t["slackMinutes"] > 0 for t in off_path)


async def test_each_task_is_due_at_its_latest_finish_for_the_requested_date(
    api: Api, users: Users
) -> None:
    requested = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)

    order = await schedule_of(api, await approved_fibre(api, requested))

    margin = requested - instant(order["expectedCompletionAt"])
    for task in order["tasks"]:
        slack = instant(task["dueAt"]) - instant(task["plannedEndAt"]) - margin
        assert (
            timedelta(minutes=task["slackMinutes"])
            <= slack
            < timedelta(minutes=task["slackMinutes"] + 1)
        )
    assert (order["jeopardy"], order["jeopardyReason"]) == ("NONE", None)


async def test_an_order_expected_within_a_day_of_its_requested_date_is_at_risk(
    api: Api, users: Users
) -> None:
    requested = datetime.now(UTC) + timedelta(minutes=FIBRE_MINUTES + 60)

    order = await schedule_of(api, await approved_fibre(api, requested))

    assert order["jeopardy"] == "AT_RISK"
    assert order["jeopardyReason"].startswith("expected completion")


async def test_an_order_expected_after_its_requested_date_is_late(api: Api, users: Users) -> None:
    requested = datetime.now(UTC) + timedelta(minutes=FIBRE_MINUTES - 120)

    order = await schedule_of(api, await approved_fibre(api, requested))

    assert order["jeopardy"] == "LATE"
    assert "after the requested" in order["jeopardyReason"]
    assert "LATE" in {t["jeopardy"] for t in order["tasks"]}


async def test_a_requested_completion_date_in_the_past_is_refused(api: Api, users: Users) -> None:
    values = {
        "customer": "Globex",
        "lineItems": [{"specificationCode": "FIBRE_BROADBAND"}],
        "requestedCompletionDate": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
    }

    data = await api.data("partner", SUBMIT, {"input": values})

    assert refused(data["submitServiceOrder"], "serviceOrder") == (
        "VALIDATION",
        "requestedCompletionDate",
    )


async def test_a_late_order_is_listed_by_jeopardy_and_an_on_time_one_is_not(
    api: Api, users: Users
) -> None:
    late = await approved_fibre(api, datetime.now(UTC) + timedelta(minutes=FIBRE_MINUTES - 120))
    later = await approved_fibre(api, datetime.now(UTC) + timedelta(minutes=FIBRE_MINUTES - 600))
    await approved_fibre(api, datetime.now(UTC) + timedelta(days=30))
    query = """{ serviceOrders(filter: {jeopardyAtLeast: LATE}) { edges { node { id } } } }"""

    data = await api.data("manager", query)

    assert [e["node"]["id"] for e in data["serviceOrders"]["edges"]] == [later, late]


async def test_overdue_tasks_are_listed_most_late_first(api: Api, users: Users) -> None:
    late = await approved_fibre(api, datetime.now(UTC) + timedelta(minutes=FIBRE_MINUTES - 120))
    await approved_fibre(api, datetime.now(UTC) + timedelta(days=30))
    query = """{ tasks(filter: {overdue: true}) { edges { node {
        number jeopardy serviceOrder { id } plannedEndAt dueAt } } } }"""

    data = await api.data("manager", query)

    tasks = [e["node"] for e in data["tasks"]["edges"]]
    assert tasks and {t["serviceOrder"]["id"] for t in tasks} == {late}
    assert {t["jeopardy"] for t in tasks} <= {"LATE", "CRITICAL"}
    lateness = [instant(t["plannedEndAt"]) - instant(t["dueAt"]) for t in tasks]
    assert lateness == sorted(lateness, reverse=True)


async def test_the_tasks_that_are_not_overdue_are_the_others(api: Api, users: Users) -> None:
    await approved_fibre(api, datetime.now(UTC) + timedelta(minutes=FIBRE_MINUTES - 120))
    query = """query($overdue: Boolean) { tasks(filter: {overdue: $overdue}, first: 100) {
        totalCount edges { node { number jeopardy } } } }"""

    overdue = (await api.data("manager", query, {"overdue": True}))["tasks"]
    others = (await api.data("manager", query, {"overdue": False}))["tasks"]
    every = (await api.data("manager", query, {"overdue": None}))["tasks"]

    assert overdue["totalCount"] + others["totalCount"] == every["totalCount"]
    assert {e["node"]["jeopardy"] for e in others["edges"]} <= {"NONE", "AT_RISK"}


async def test_an_order_requested_on_the_calendar_s_last_day_is_scheduled_and_on_time(
    api: Api, users: Users
) -> None:
    order = await schedule_of(api, await approved_fibre(api, datetime.max.replace(tzinfo=UTC)))

    assert order["jeopardy"] == "NONE"
    assert order["requestedCompletionDate"].startswith("9999-12-31")
