"""Service orders: submission, the approve / reject / reopen decisions, and decomposition."""

from services.orders.approve import approve_service_order
from services.orders.decomposition import decompose_order
from services.orders.reject import reject_service_order
from services.orders.reopen import reopen_service_order
from services.orders.submit import LineItemInput, SubmitOrderInput, submit_service_order

__all__ = [
    "LineItemInput",
    "SubmitOrderInput",
    "approve_service_order",
    "decompose_order",
    "reject_service_order",
    "reopen_service_order",
    "submit_service_order",
]
