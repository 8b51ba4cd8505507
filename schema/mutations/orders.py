"""Order mutations: submit, approve, reject, reopen, cancel, hold, resume, revise."""

from __future__ import annotations

from typing import Any, cast

import strawberry

import models
from resolvers.global_ids import decode_id, decode_input_id
from schema.info import Info
from schema.inputs import (
    ApproveServiceOrderInput,
    CancelServiceOrderInput,
    HoldServiceOrderInput,
    RejectServiceOrderInput,
    ReopenServiceOrderInput,
    ResumeServiceOrderInput,
    ReviseServiceOrderInput,
    SubmitServiceOrderInput,
)
from schema.mutations.perform import perform_mutation
from schema.payloads import ServiceOrderPayload
from services import orders
from services.inputs import InputId
from services.orders.cancel import cancel_service_order


def _order_id(value: strawberry.ID) -> int:
    return decode_id(value, models.ServiceOrder, field="serviceOrderId")


def _characteristics(value: object) -> Any:
    # Any JSON value: the service checks that it is an object with string keys.
    return {} if value is None else cast(Any, value)


def _sold_product_id(value: strawberry.ID | None, index: int) -> InputId | None:
    """The product a submitted or revised line item names, decoded (an id that does not decode
    arrives at the service as its error)."""
    if value is None:
        return None
    return decode_input_id(value, models.SoldProduct, field=f"lineItems[{index}].soldProductId")


def _submission(input: SubmitServiceOrderInput) -> orders.SubmitOrderInput:
    return orders.SubmitOrderInput(
        customer=input.customer,
        line_items=[
            orders.LineItemInput(
                specification_code=item.specification_code,
                action=item.action,
                quantity=item.quantity,
                characteristics=_characteristics(item.characteristics),
                characteristics_given=item.characteristics is not None,
                sold_product_id=_sold_product_id(item.sold_product_id, index),
            )
            for index, item in enumerate(input.line_items)
        ],
        external_id=input.external_id,
        priority=input.priority,
        requested_completion_date=input.requested_completion_date,
    )


def _revised_items(input: ReviseServiceOrderInput) -> list[orders.RevisedItemInput]:
    return [
        orders.RevisedItemInput(
            id=(
                None
                if item.id is None
                else decode_input_id(item.id, models.LineItem, field=f"lineItems[{index}].id")
            ),
            line_item=orders.LineItemInput(
                specification_code=item.specification_code,
                action=item.action,
                quantity=item.quantity,
                characteristics=_characteristics(item.characteristics),
                characteristics_given=item.characteristics is not None,
            ),
            sold_product_id=_sold_product_id(item.sold_product_id, index),
        )
        for index, item in enumerate(input.line_items)
    ]


@strawberry.type
class OrderMutations:
    @strawberry.mutation(description="Submit a new order (partner systems and managers).")
    @staticmethod
    async def submit_service_order(
        info: Info, input: SubmitServiceOrderInput
    ) -> ServiceOrderPayload:
        return await perform_mutation(
            info,
            ServiceOrderPayload,
            lambda: orders.submit_service_order(info.context.actor, _submission(input)),
        )

    @strawberry.mutation(
        description="Approve a NEW order (managers): it is decomposed into its plan at once."
    )
    @staticmethod
    async def approve_service_order(
        info: Info, input: ApproveServiceOrderInput
    ) -> ServiceOrderPayload:
        return await perform_mutation(
            info,
            ServiceOrderPayload,
            lambda: orders.approve_service_order(
                info.context.actor,
                _order_id(input.service_order_id),
                input.note,
                expected_version=input.expected_version,
            ),
        )

    @strawberry.mutation(description="Send a NEW order back for investigation, with a reason.")
    @staticmethod
    async def reject_service_order(
        info: Info, input: RejectServiceOrderInput
    ) -> ServiceOrderPayload:
        return await perform_mutation(
            info,
            ServiceOrderPayload,
            lambda: orders.reject_service_order(
                info.context.actor,
                _order_id(input.service_order_id),
                input.reason,
                expected_version=input.expected_version,
            ),
        )

    @strawberry.mutation(description="Bring a REJECTED order back to NEW.")
    @staticmethod
    async def reopen_service_order(
        info: Info, input: ReopenServiceOrderInput
    ) -> ServiceOrderPayload:
        return await perform_mutation(
            info,
            ServiceOrderPayload,
            lambda: orders.reopen_service_order(
                info.context.actor,
                _order_id(input.service_order_id),
                input.note,
                expected_version=input.expected_version,
            ),
        )

    @strawberry.mutation(
        description="Hold an IN_PROGRESS order (managers): none of its tasks starts until it "
        "is resumed; work in progress may still be completed or reported as fallout."
    )
    @staticmethod
    async def hold_service_order(info: Info, input: HoldServiceOrderInput) -> ServiceOrderPayload:
        return await perform_mutation(
            info,
            ServiceOrderPayload,
            lambda: orders.hold_service_order(
                info.context.actor,
                _order_id(input.service_order_id),
                input.reason,
                expected_version=input.expected_version,
            ),
        )

    @strawberry.mutation(
        description="Resume a HELD order (managers): it returns to the state it was held from."
    )
    @staticmethod
    async def resume_service_order(
        info: Info, input: ResumeServiceOrderInput
    ) -> ServiceOrderPayload:
        return await perform_mutation(
            info,
            ServiceOrderPayload,
            lambda: orders.resume_service_order(
                info.context.actor,
                _order_id(input.service_order_id),
                input.note,
                expected_version=input.expected_version,
            ),
        )

    @strawberry.mutation(
        description="Replace the order's line items with the given list (with `id`: kept or "
        "changed; without: new; missing: removed). Before approval by the manager or the "
        "submitting partner, changed in place; in fulfilment by the manager, re-planned. "
        "`revision` goes up by one."
    )
    @staticmethod
    async def revise_service_order(
        info: Info, input: ReviseServiceOrderInput
    ) -> ServiceOrderPayload:
        return await perform_mutation(
            info,
            ServiceOrderPayload,
            lambda: orders.revise_service_order(
                info.context.actor,
                _order_id(input.service_order_id),
                input.reason,
                _revised_items(input),
                expected_version=input.expected_version,
            ),
        )

    @strawberry.mutation(
        description="Cancel an order, or some of its line items (managers; partners on the "
        "orders they submitted). Work not started or under way is cancelled; completed work "
        "is undone by compensating tasks, in reverse order, while the item is CANCELLING. "
        "Refused for an item past its point of no return."
    )
    @staticmethod
    async def cancel_service_order(
        info: Info, input: CancelServiceOrderInput
    ) -> ServiceOrderPayload:
        item_ids = input.line_item_ids
        return await perform_mutation(
            info,
            ServiceOrderPayload,
            lambda: cancel_service_order(
                info.context.actor,
                _order_id(input.service_order_id),
                input.reason,
                None
                if item_ids is None
                else [decode_input_id(i, models.LineItem, field="lineItemIds") for i in item_ids],
                expected_version=input.expected_version,
            ),
        )
