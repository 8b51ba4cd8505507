"""The other client: the tests arrange data and make changes through the public GraphQL API,
signed in as one of the demo users."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

SIGN_IN = """
mutation ($username: String!) {
  signInAsDemoUser(username: $username) { token userErrors { code message } }
}"""

SUBMIT = """
mutation ($input: SubmitServiceOrderInput!) {
  submitServiceOrder(input: $input) { serviceOrder { id number state } userErrors { code message } }
}"""

APPROVE = """
mutation ($input: ApproveServiceOrderInput!) {
  approveServiceOrder(input: $input) { serviceOrder { id state } userErrors { code message } }
}"""

START = """
mutation ($input: StartTaskInput!) {
  startTask(input: $input) { task { id state } userErrors { code message } }
}"""

COMPLETE = """
mutation ($input: CompleteTaskInput!) {
  completeTask(input: $input) { task { id state } userErrors { code message } }
}"""

CREATE_FALLOUT = """
mutation ($input: CreateFalloutInput!) {
  createFallout(input: $input) { fallout { id number } userErrors { code message } }
}"""

PLAN = """
query ($id: ID!) {
  serviceOrder(id: $id) {
    id number state
    progress { totalTasks completedTasks percent }
    lineItems {
      id
      domainOrders {
        id
        tasks {
          id number name state kind assignee { username } assignmentGroup { name }
          dependsOn { id }
        }
      }
    }
  }
}"""

ME = "query { me { id username } }"

ORDER_COUNT = """
query ($state: ServiceOrderState!) { serviceOrders(filter: {state: $state}) { totalCount } }"""

ORDERS_OF_CUSTOMER = """
query ($customer: String!) {
  serviceOrders(filter: {customer: $customer}, first: 1) { edges { node { id } } }
}"""


class ApiError(AssertionError):
    pass


class Api:
    """GraphQL over HTTP as any demo user; tokens come from the demo sign-in."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._tokens: dict[str, str] = {}

    async def _post(self, query: str, variables: dict[str, Any], token: str | None) -> Any:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        async with httpx.AsyncClient(base_url=self.url, timeout=30) as client:
            response = await client.post(
                "/graphql", json={"query": query, "variables": variables}, headers=headers
            )
        body = response.json()
        if body.get("errors"):
            raise ApiError(f"{body['errors']}")
        return body["data"]

    def use_token(self, username: str, token: str) -> None:
        """Act as a user the demo sign-in does not offer (the `automation` service account)."""
        self._tokens[username] = token

    async def token(self, username: str) -> str:
        if username not in self._tokens:
            data = await self._post(SIGN_IN, {"username": username}, None)
            payload = data["signInAsDemoUser"]
            if not payload["token"]:
                raise ApiError(f"{payload['userErrors']}")
            self._tokens[username] = payload["token"]
        return self._tokens[username]

    async def run(self, username: str, query: str, variables: dict[str, Any] | None = None) -> Any:
        return await self._post(query, variables or {}, await self.token(username))

    async def mutate(self, username: str, document: str, field: str, **input: Any) -> Any:
        data = await self.run(username, document, {"input": input})
        payload = data[field]
        if payload["userErrors"]:
            raise ApiError(f"{field}: {payload['userErrors']}")
        return payload

    async def submit_order(self, customer: str, specification: str = "FIBRE_BROADBAND") -> Any:
        payload = await self.mutate(
            "manager",
            SUBMIT,
            "submitServiceOrder",
            customer=customer,
            externalId=f"ui-{uuid.uuid4().hex[:12]}",
            priority="NORMAL",
            lineItems=[
                {
                    "specificationCode": specification,
                    "action": "ADD",
                    "quantity": 1,
                    "characteristics": {},
                }
            ],
        )
        return payload["serviceOrder"]

    async def approve(self, order_id: str) -> None:
        await self.mutate("manager", APPROVE, "approveServiceOrder", serviceOrderId=order_id)

    async def in_progress_order(self, customer: str, specification: str = "FIBRE_BROADBAND") -> Any:
        """A fresh order of the test's own, approved and so decomposed into its plan."""
        order = await self.submit_order(customer, specification)
        await self.approve(order["id"])
        return await self.plan(order["id"])

    async def create_fallout(self, task_id: str, username: str = "manager") -> Any:
        payload = await self.mutate(
            username,
            CREATE_FALLOUT,
            "createFallout",
            taskId=task_id,
            type="PROVISIONING_FAILURE",
            priority="HIGH",
            description="The port refuses the profile.",
        )
        return payload["fallout"]

    async def plan(self, order_id: str) -> Any:
        data = await self.run("manager", PLAN, {"id": order_id})
        return data["serviceOrder"]

    async def order_of(self, customer: str) -> Any:
        """The plan of a customer's (newest) order, e.g. one of the demo data's."""
        data = await self.run("manager", ORDERS_OF_CUSTOMER, {"customer": customer})
        edges = data["serviceOrders"]["edges"]
        if not edges:
            raise ApiError(f"no order of {customer!r}: has the demo data changed?")
        return await self.plan(edges[0]["node"]["id"])

    async def count_orders(self, state: str) -> int:
        data = await self.run("manager", ORDER_COUNT, {"state": state})
        count: int = data["serviceOrders"]["totalCount"]
        return count

    async def user_id(self, username: str) -> str:
        data = await self.run(username, ME)
        user_id: str = data["me"]["id"]
        return user_id


def tasks_of(plan: Any) -> list[Any]:
    return [
        task
        for item in plan["lineItems"]
        for domain_order in item["domainOrders"]
        for task in domain_order["tasks"]
    ]


def domain_orders_of(plan: Any) -> list[Any]:
    return [domain_order for item in plan["lineItems"] for domain_order in item["domainOrders"]]
