"""The catalog file format: what a human writes in `catalog/*.yaml`.

```yaml
assignment_groups:                      # every group a task template names
  - name: field-operations
    description: Technicians who work at customer sites   # optional
specifications:
  - code: FTTH_INTERNET_CFS             # unique; what orders and relationships refer to
    name: FTTH internet access
    kind: CUSTOMER_FACING_SERVICE       # PRODUCT | CUSTOMER_FACING_SERVICE
                                        # | RESOURCE_FACING_SERVICE | RESOURCE
    domain: fixed-access                # the fulfillment domain
    description: ...                    # optional
    depends_on_characteristics: [ipVersion]   # optional: the characteristics whose change
                                        # its MODIFY templates react to (absent: any change)
    relationships:                      # optional; towards resources, never upwards
      - type: REALIZED_AS               # BUNDLES | REALIZED_AS | REQUIRES | COMPOSED_OF
        target: GPON_ACCESS_RFS
        quantity: 1                     # optional, default 1
        exclude_when:                   # optional: leave the target out for such items
          characteristic: ipVersion
          in: [IPV4]
        actions: [ADD]                  # optional, default all: the actions it is walked for
    task_templates:                     # optional
      - code: survey                    # unique within the specification
        name: Site survey
        assignment_group: field-operations
        duration_minutes: 60            # optional, default 60
        depends_on: []                  # optional: codes of templates of this specification
        point_of_no_return: false       # optional: once started, the item cannot be cancelled
        compensated_by: release_port    # optional: the template of this specification whose
                                        # task undoes this one's when its item is cancelled
        actions: [ADD]                  # optional, default [ADD]: ADD | MODIFY | DELETE
      - code: allocate_prefix
        name: Allocate the IPv6 prefix
        assignment_group: provisioning  # who follows its fallout up
        kind: AUTOMATED                 # optional: MANUAL (default) | AUTOMATED
        handler: inventory.allocate_ipv6  # AUTOMATED only, required: the workers' topic
        max_attempts: 3                 # AUTOMATED only, optional (default 3)
        backoff_seconds: 30             # optional (30): the wait after the first failure,
        backoff_max_seconds: 600        # doubling after each one, up to this cap (600)
        lock_seconds: 300               # optional (300): longest lock a worker gets at a time
```

Unknown keys are refused, so a misspelt optional key cannot silently drop a rule. Rules that
span entries (references, duplicates, cycles) are in `checks.py`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from models.enums import LineItemAction, RelationshipType, SpecificationKind, TaskKind
from services.automation_policy import DEFAULT_POLICY, RetryPolicy

# Codes are referred to from other entries and from orders: no spaces, no surprises.
Code = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$"
    ),
]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
# YAML integers must stay integers: strict refuses `true` or "2" where a count is meant.
PositiveInt = Annotated[int, Field(strict=True, ge=1)]


def _scalar(value: object) -> object:
    # Checked before the union so that a bad value yields one message, not one per member.
    if not isinstance(value, str | int | float | bool):
        raise ValueError("must be a string, a number or a boolean")
    return value


Scalar = Annotated[str | int | float | bool, BeforeValidator(_scalar)]
# The actions an entry applies to: at least one, each once.
Actions = Annotated[list[LineItemAction], Field(min_length=1)]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AssignmentGroupEntry(_Entry):
    name: Code
    description: str = ""


class ExclusionRule(_Entry):
    """The target is left out when the line item's `characteristic` is one of `values`."""

    characteristic: Code
    values: list[Scalar] = Field(alias="in", min_length=1)


class RelationshipEntry(_Entry):
    type: RelationshipType
    target: Code
    quantity: PositiveInt = 1
    exclude_when: ExclusionRule | None = None
    # Absent: every action (what a product is made of does not depend on the action).
    actions: Actions | None = None


class TaskTemplateEntry(_Entry):
    code: Code
    name: Label
    assignment_group: Code
    duration_minutes: PositiveInt = 60
    depends_on: list[Code] = []
    # Absent: [ADD] (a catalog written before actions existed keeps its meaning).
    actions: Actions | None = None
    # Automation (services/automation/): None means "not given", so that checks.py can refuse
    # a policy on a MANUAL template instead of silently ignoring it.
    kind: TaskKind = TaskKind.MANUAL
    handler: Code | None = None
    max_attempts: PositiveInt | None = None
    backoff_seconds: PositiveInt | None = None
    backoff_max_seconds: PositiveInt | None = None
    lock_seconds: PositiveInt | None = None

    def policy_fields_given(self) -> list[str]:
        names = ("handler", "max_attempts", "backoff_seconds", "backoff_max_seconds")
        return [name for name in (*names, "lock_seconds") if getattr(self, name) is not None]

    def retry_policy(self) -> RetryPolicy:
        """The policy as written, the defaults where it says nothing."""
        return RetryPolicy(
            max_attempts=self.max_attempts or DEFAULT_POLICY.max_attempts,
            backoff_seconds=self.backoff_seconds or DEFAULT_POLICY.backoff_seconds,
            backoff_max_seconds=self.backoff_max_seconds or DEFAULT_POLICY.backoff_max_seconds,
            lock_seconds=self.lock_seconds or DEFAULT_POLICY.lock_seconds,
        )

    # Once a task of it starts, its line item can no longer be cancelled or revised.
    point_of_no_return: Annotated[bool, Field(strict=True)] = False
    # A template of the same specification undoing this one's work (compensation-only).
    compensated_by: Code | None = None


class SpecificationEntry(_Entry):
    code: Code
    name: Label
    kind: SpecificationKind
    domain: Code
    description: str = ""
    depends_on_characteristics: list[Code] | None = None
    relationships: list[RelationshipEntry] = []
    task_templates: list[TaskTemplateEntry] = []


class CatalogDocument(_Entry):
    assignment_groups: list[AssignmentGroupEntry] = []
    specifications: list[SpecificationEntry]
