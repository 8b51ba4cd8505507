"""Service orders: submission, the approve / reject / reopen decisions, decomposition, hold and
resume, and revision."""

from services.orders.approve import approve_service_order
from services.orders.decomposition import decompose_order
from services.orders.hold import hold_service_order
from services.orders.reject import reject_service_order
from services.orders.reopen import reopen_service_order
from services.orders.resume import resume_service_order
from services.orders.revise import RevisedItemInput, revise_service_order
from services.orders.submit import LineItemInput, SubmitOrderInput, submit_service_order

__all__ = [
    "LineItemInput",
    "RevisedItemInput",
    "SubmitOrderInput",
    "approve_service_order",
    "decompose_order",
    "hold_service_order",
    "reject_service_order",
    "reopen_service_order",
    "resume_service_order",
    "revise_service_order",
    "submit_service_order",
]
