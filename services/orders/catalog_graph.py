"""The part of the catalog a decomposition reads, as plain immutable values.

Planning works on these values rather than on model rows so that it is a pure function of the
catalog and the line item, testable without a database. Only the specifications reachable from
the ordered products through decomposing relationships are loaded.

The fields for planning by action, points of no return and compensation
(docs/design/lifecycle-and-installed-base.md) have defaults that mean today's catalog: every
template is planned for ADD only, every relationship is walked for every action, nothing is a
point of no return or has a compensator. The loader fills them from the catalog tables: the
actions, the characteristics a specification's MODIFY reacts to, the points of no return and
the compensators (a template named as a compensator is planned for no action).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, cast

from models import (
    ServiceSpecification,
    SpecificationRelationship,
    TaskTemplate,
    TaskTemplateDependency,
)
from models.catalog import read_actions
from models.enums import (
    DECOMPOSING_RELATIONSHIPS,
    LineItemAction,
    RelationshipType,
    SpecificationKind,
    TaskKind,
)
from services.automation_policy import Automation, RetryPolicy

ADD_ONLY = frozenset({LineItemAction.ADD})
ALL_ACTIONS = frozenset(LineItemAction)


@dataclass(frozen=True)
class TemplateNode:
    id: int
    code: str
    name: str
    assignment_group_id: int
    expected_duration_minutes: int
    # Ids of the templates this one waits for (of the same specification, if the catalog is sane).
    depends_on: tuple[int, ...] = ()
    # The actions the template is planned for; empty for a compensation-only template.
    actions: frozenset[LineItemAction] = ADD_ONLY
    point_of_no_return: bool = False
    # Id of the template (of the same specification) whose task undoes this one's.
    compensated_by: int | None = None
    # Set for an AUTOMATED template: its handler and retry policy, copied onto its tasks.
    automation: Automation | None = None


@dataclass(frozen=True)
class RelationshipNode:
    target_id: int
    type: RelationshipType
    quantity: int = 1
    exclude_characteristic: str | None = None
    exclude_values: tuple[Any, ...] = ()
    # What a product is made of does not depend on the action; a relationship may still be
    # limited to some (a teardown needs no survey of the premises).
    actions: frozenset[LineItemAction] = ALL_ACTIONS

    def excludes(self, characteristics: Mapping[str, Any]) -> bool:
        """Whether the line item's characteristics rule the target out.

        Only a characteristic the item actually carries can exclude: a missing one never does.
        """
        key = self.exclude_characteristic
        if key is None or key not in characteristics:
            return False
        value = characteristics[key]
        # Python says True == 1; a catalog author writing `[1]` does not mean `true`.
        return any(type(v) is type(value) and v == value for v in self.exclude_values)


@dataclass(frozen=True)
class SpecificationNode:
    id: int
    code: str
    kind: SpecificationKind
    relationships: tuple[RelationshipNode, ...] = ()
    templates: tuple[TemplateNode, ...] = ()
    # The line item characteristics whose change this specification's MODIFY work reacts to;
    # None: it reacts to any MODIFY.
    depends_on_characteristics: frozenset[str] | None = None


@dataclass(frozen=True)
class CatalogGraph:
    specifications: Mapping[int, SpecificationNode]

    def __getitem__(self, specification_id: int) -> SpecificationNode:
        return self.specifications[specification_id]

    @cached_property
    def templates(self) -> Mapping[int, TemplateNode]:
        """Every template of the graph by id: a compensator is named by its id."""
        return {t.id: t for s in self.specifications.values() for t in s.templates}


async def load_catalog_graph(root_ids: Iterable[int]) -> CatalogGraph:
    """Load the specifications reachable from `root_ids`: one query per level, then three."""
    relationships: dict[int, list[RelationshipNode]] = {}
    seen: set[int] = set()
    frontier = set(root_ids)
    while frontier:
        seen |= frontier
        rows = await SpecificationRelationship.filter(
            source_id__in=frontier, type__in=list(DECOMPOSING_RELATIONSHIPS)
        ).order_by("source_id", "position", "id")
        for row in rows:
            relationships.setdefault(row.source_id, []).append(
                RelationshipNode(
                    target_id=row.target_id,
                    type=row.type,
                    quantity=row.quantity,
                    exclude_characteristic=row.exclude_characteristic,
                    exclude_values=tuple(row.exclude_values or ()),
                    actions=read_actions(row.actions),
                )
            )
        # The visited set also stops a cyclic catalog; planning reports the cycle.
        frontier = {row.target_id for row in rows} - seen

    templates = await TaskTemplate.filter(specification_id__in=seen).order_by(
        "specification_id", "position", "id"
    )
    dependency_rows = cast(
        list[tuple[int, int]],
        await TaskTemplateDependency.filter(template_id__in=[t.id for t in templates]).values_list(
            "template_id", "depends_on_id"
        ),
    )
    depends_on: dict[int, list[int]] = {}
    for template_id, depends_on_id in sorted(dependency_rows):
        depends_on.setdefault(template_id, []).append(depends_on_id)
    # A template some other one names as its compensator is planned for no action.
    compensators = {t.compensated_by_id for t in templates if t.compensated_by_id is not None}
    templates_of: dict[int, list[TemplateNode]] = {}
    for t in templates:
        templates_of.setdefault(t.specification_id, []).append(
            TemplateNode(
                id=t.id,
                code=t.code,
                name=t.name,
                assignment_group_id=t.assignment_group_id,
                expected_duration_minutes=t.expected_duration_minutes,
                depends_on=tuple(depends_on.get(t.id, ())),
                automation=_automation_of(t),
                actions=frozenset() if t.id in compensators else read_actions(t.actions),
                point_of_no_return=t.point_of_no_return,
                compensated_by=t.compensated_by_id,
            )
        )

    specifications = await ServiceSpecification.filter(id__in=seen)
    return CatalogGraph(
        {
            s.id: SpecificationNode(
                id=s.id,
                code=s.code,
                kind=s.kind,
                relationships=tuple(relationships.get(s.id, ())),
                templates=tuple(templates_of.get(s.id, ())),
                depends_on_characteristics=(
                    None
                    if s.depends_on_characteristics is None
                    else frozenset(s.depends_on_characteristics)
                ),
            )
            for s in specifications
        }
    )


def _automation_of(template: TaskTemplate) -> Automation | None:
    if template.kind is not TaskKind.AUTOMATED or template.handler is None:
        return None
    return Automation(
        template.handler,
        RetryPolicy(
            max_attempts=template.max_attempts,
            backoff_seconds=template.backoff_seconds,
            backoff_max_seconds=template.backoff_max_seconds,
            lock_seconds=template.lock_seconds,
        ),
    )
