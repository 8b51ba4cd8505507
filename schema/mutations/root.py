"""The Mutation root: the domain's mutation groups, merged."""

from strawberry.tools import merge_types

from schema.mutations.automation import AutomationMutations
from schema.mutations.demo import DemoMutations
from schema.mutations.fallouts import FalloutMutations
from schema.mutations.orders import OrderMutations
from schema.mutations.tasks import TaskMutations

Mutation = merge_types(
    "Mutation",
    (OrderMutations, TaskMutations, FalloutMutations, AutomationMutations, DemoMutations),
)
