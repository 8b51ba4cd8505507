"""Tortoise models: persistence only. Nothing here imports from the layers above."""

from models.catalog import (
    ServiceSpecification,
    SpecificationRelationship,
    TaskTemplate,
    TaskTemplateDependency,
)
from models.domain_orders import DomainOrder
from models.events import Event
from models.fallouts import FalloutRecord
from models.leases import Lease
from models.orders import LineItem, ServiceOrder, SoldProduct
from models.sequences import NumberSequence
from models.tasks import Task, TaskDependency
from models.users import AssignmentGroup, User

__all__ = [
    "AssignmentGroup",
    "DomainOrder",
    "Event",
    "FalloutRecord",
    "Lease",
    "LineItem",
    "NumberSequence",
    "ServiceOrder",
    "ServiceSpecification",
    "SoldProduct",
    "SpecificationRelationship",
    "Task",
    "TaskDependency",
    "TaskTemplate",
    "TaskTemplateDependency",
    "User",
]
