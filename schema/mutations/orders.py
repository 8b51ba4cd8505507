"""Order mutations: submit, approve, reject, reopen."""

from __future__ import annotations

import strawberry

from resolvers.mutations import orders
from schema.info import Info
from schema.inputs import (
    ApproveServiceOrderInput,
    RejectServiceOrderInput,
    ReopenServiceOrderInput,
    SubmitServiceOrderInput,
)
from schema.payloads import ServiceOrderPayload


@strawberry.type
class OrderMutations:
    @strawberry.mutation(description="Submit a new order (partner systems and managers).")
    @staticmethod
    async def submit_service_order(
        info: Info, input: SubmitServiceOrderInput
    ) -> ServiceOrderPayload:
        outcome = await orders.submit_service_order(
            info.context,
            customer=input.customer,
            line_items=input.line_items,
            external_id=input.external_id,
            priority=input.priority,
            requested_completion_date=input.requested_completion_date,
        )
        return ServiceOrderPayload(outcome=outcome)

    @strawberry.mutation(
        description="Approve a NEW order (managers): it is decomposed into its plan at once."
    )
    @staticmethod
    async def approve_service_order(
        info: Info, input: ApproveServiceOrderInput
    ) -> ServiceOrderPayload:
        outcome = await orders.approve_service_order(
            info.context,
            service_order_id=input.service_order_id,
            note=input.note,
            expected_version=input.expected_version,
        )
        return ServiceOrderPayload(outcome=outcome)

    @strawberry.mutation(description="Send a NEW order back for investigation, with a reason.")
    @staticmethod
    async def reject_service_order(
        info: Info, input: RejectServiceOrderInput
    ) -> ServiceOrderPayload:
        outcome = await orders.reject_service_order(
            info.context,
            service_order_id=input.service_order_id,
            reason=input.reason,
            expected_version=input.expected_version,
        )
        return ServiceOrderPayload(outcome=outcome)

    @strawberry.mutation(description="Bring a REJECTED order back to NEW.")
    @staticmethod
    async def reopen_service_order(
        info: Info, input: ReopenServiceOrderInput
    ) -> ServiceOrderPayload:
        outcome = await orders.reopen_service_order(
            info.context,
            service_order_id=input.service_order_id,
            note=input.note,
            expected_version=input.expected_version,
        )
        return ServiceOrderPayload(outcome=outcome)
