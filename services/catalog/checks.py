"""Rules that span entries of a catalog: references resolve, codes are unique, graphs acyclic.

Each problem names its entry (`specification 'X': task template 'y': ...`); the loader adds
the file name in front.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from models.enums import LineItemAction, SpecificationKind, TaskKind
from services.catalog.format import CatalogDocument, SpecificationEntry, TaskTemplateEntry
from services.orders.catalog_graph import (
    ALL_ACTIONS,
    CatalogGraph,
    RelationshipNode,
    SpecificationNode,
    TemplateNode,
)
from services.orders.planning import unplannable_actions

# Decomposition makes a tree from products down to resources and finishes children before
# parents; a relationship pointing back up (a resource realised as a product) would invert it.
_LEVEL = {
    SpecificationKind.PRODUCT: 0,
    SpecificationKind.CUSTOMER_FACING_SERVICE: 1,
    SpecificationKind.RESOURCE_FACING_SERVICE: 2,
    SpecificationKind.RESOURCE: 3,
}


def find_problems(document: CatalogDocument) -> list[str]:
    problems: list[str] = []
    group_names = [group.name for group in document.assignment_groups]
    problems += [f"assignment group '{name}': declared twice" for name in _repeated(group_names)]
    codes = [spec.code for spec in document.specifications]
    problems += [f"specification '{code}': declared twice" for code in _repeated(codes)]

    kinds = {spec.code: spec.kind for spec in document.specifications}
    for spec in document.specifications:
        where = f"specification '{spec.code}'"
        problems += [f"{where}: {problem}" for problem in _relationship_problems(spec, kinds)]
        problems += [
            f"{where}: {problem}" for problem in _template_problems(spec, set(group_names))
        ]

    targets = {
        spec.code: [rel.target for rel in spec.relationships if rel.target in kinds]
        for spec in document.specifications
    }
    cycle = find_cycle(codes, targets)
    if cycle:
        problems.append(
            f"specification '{cycle[0]}': relationships form a cycle: {' → '.join(cycle)}"
        )
    if not problems:
        # Planning needs a sound graph (references resolve, no cycle) to be tried at all.
        problems += _unplannable_products(document)
    return problems


def _unplannable_products(document: CatalogDocument) -> Iterable[str]:
    """A product that claims an action (a template in its tree declares it) must plan at least
    one task for it: otherwise its MODIFY or DELETE item would complete without doing anything."""
    graph = catalog_graph(document)
    for node in graph.specifications.values():
        if node.kind is not SpecificationKind.PRODUCT:
            continue
        for action in sorted(unplannable_actions(graph, node.id)):
            yield (
                f"specification '{node.code}': some template of its tree is planned for "
                f"{action}, but its {action} plan has no task (a relationship that is not "
                f"walked for {action}?)"
            )


def catalog_graph(document: CatalogDocument) -> CatalogGraph:
    """The document as the graph planning reads (ids by position), for the checks that plan.
    The document's references must resolve."""
    spec_ids = {spec.code: index for index, spec in enumerate(document.specifications)}
    template_ids: dict[tuple[str, str], int] = {}
    for spec in document.specifications:
        for template in spec.task_templates:
            template_ids[(spec.code, template.code)] = len(template_ids)
    nodes = {}
    for spec in document.specifications:
        nodes[spec_ids[spec.code]] = SpecificationNode(
            id=spec_ids[spec.code],
            code=spec.code,
            kind=spec.kind,
            relationships=tuple(
                RelationshipNode(
                    target_id=spec_ids[rel.target],
                    type=rel.type,
                    quantity=rel.quantity,
                    exclude_characteristic=(
                        rel.exclude_when.characteristic if rel.exclude_when else None
                    ),
                    exclude_values=tuple(rel.exclude_when.values if rel.exclude_when else ()),
                    actions=ALL_ACTIONS if rel.actions is None else frozenset(rel.actions),
                )
                for rel in spec.relationships
            ),
            templates=tuple(
                TemplateNode(
                    id=template_ids[(spec.code, template.code)],
                    code=template.code,
                    name=template.name,
                    assignment_group_id=0,
                    expected_duration_minutes=template.duration_minutes,
                    depends_on=tuple(template_ids[(spec.code, d)] for d in template.depends_on),
                    actions=frozenset(template_actions(template, spec)),
                )
                for template in spec.task_templates
            ),
            depends_on_characteristics=(
                None
                if spec.depends_on_characteristics is None
                else frozenset(spec.depends_on_characteristics)
            ),
        )
    return CatalogGraph(nodes)


def template_actions(
    entry: TaskTemplateEntry, spec: SpecificationEntry | None = None
) -> list[LineItemAction]:
    """The actions a template is planned for: as declared, [ADD] when it declares none, none
    for a template that `spec` (its specification) names as a compensator."""
    if spec is not None and any(t.compensated_by == entry.code for t in spec.task_templates):
        return []
    return [LineItemAction.ADD] if entry.actions is None else entry.actions


def _relationship_problems(
    spec: SpecificationEntry, kinds: Mapping[str, SpecificationKind]
) -> Iterable[str]:
    for target in _repeated(rel.target for rel in spec.relationships):
        yield f"relationship to '{target}' is declared twice"
    for code in _repeated(spec.depends_on_characteristics or ()):
        yield f"depends on characteristic '{code}' twice"
    for rel in spec.relationships:
        for action in _repeated(rel.actions or ()):
            yield f"relationship to '{rel.target}' names action {action} twice"
        target_kind = kinds.get(rel.target)
        if target_kind is None:
            yield f"relationship {rel.type} to unknown specification '{rel.target}'"
        elif _LEVEL[target_kind] < _LEVEL[spec.kind]:
            yield (
                f"relationship {rel.type} to '{rel.target}' points upwards "
                f"({spec.kind} → {target_kind}); relationships go from products towards "
                "resources"
            )


def _template_problems(spec: SpecificationEntry, group_names: set[str]) -> Iterable[str]:
    template_codes = [template.code for template in spec.task_templates]
    for code in _repeated(template_codes):
        yield f"task template '{code}' is declared twice"
    for template in spec.task_templates:
        where = f"task template '{template.code}'"
        if template.assignment_group not in group_names:
            yield f"{where} names unknown assignment group '{template.assignment_group}'"
        for code in _repeated(template.depends_on):
            yield f"{where} depends on '{code}' twice"
        for action in _repeated(template.actions or ()):
            yield f"{where} names action {action} twice"
        by_code = {t.code: t for t in spec.task_templates}
        for code in template.depends_on:
            if code not in template_codes:
                yield f"{where} depends on unknown template '{code}'"
            elif _waits_in_no_plan(template, by_code[code], spec):
                yield (
                    f"{where} depends on '{code}', which is planned for none of its actions "
                    f"({', '.join(template_actions(template, spec))})"
                )
        yield from (f"{where}: {problem}" for problem in _automation_problems(template))
    yield from _compensation_problems(spec)
    known = set(template_codes)
    cycle = find_cycle(
        template_codes,
        {t.code: [d for d in t.depends_on if d in known] for t in spec.task_templates},
    )
    if cycle:
        yield f"task templates depend on each other in a cycle: {' → '.join(cycle)}"


def _automation_problems(template: TaskTemplateEntry) -> Iterable[str]:
    given = template.policy_fields_given()
    if template.kind is TaskKind.MANUAL:
        if given:
            yield (
                f"{', '.join(given)} apply only to an AUTOMATED template (add kind: AUTOMATED, "
                "or remove them)"
            )
        return
    if template.handler is None:
        yield "an AUTOMATED template names the handler that works it (handler: ...)"
    yield from template.retry_policy().problems()


def _compensation_problems(spec: SpecificationEntry) -> Iterable[str]:
    """`compensated_by` names a template of this specification that only compensates: it is
    not compensated itself (no chains), is planned for no action, and runs where and when the
    work it undoes says (so it declares no dependencies and is no point of no return)."""
    by_code = {template.code: template for template in spec.task_templates}
    compensators = {t.compensated_by for t in spec.task_templates if t.compensated_by}
    for template in spec.task_templates:
        where = f"task template '{template.code}'"
        code = template.compensated_by
        if code is None:
            continue
        if code == template.code:
            yield f"{where} is compensated by itself"
        elif code not in by_code:
            yield (
                f"{where} is compensated by unknown template '{code}' (a compensating template "
                "is of the same specification)"
            )
        elif by_code[code].compensated_by is not None:
            yield (
                f"{where} is compensated by '{code}', which names a compensator itself "
                "(compensation is not compensated)"
            )
    for code in sorted(compensators & by_code.keys()):
        compensator = by_code[code]
        where = f"task template '{code}'"
        # `actions` is another field's: a compensating template is planned for no action.
        if "actions" in compensator.model_fields_set:
            yield f"{where} only compensates and must not declare actions"
        if compensator.depends_on:
            yield f"{where} only compensates and must not depend on other templates"
        if compensator.point_of_no_return:
            yield f"{where} only compensates and cannot be a point of no return"
    for template in spec.task_templates:
        for code in template.depends_on:
            if code in compensators:
                yield (
                    f"task template '{template.code}' depends on '{code}', which only "
                    "compensates and is never planned"
                )


def _waits_in_no_plan(
    template: TaskTemplateEntry, depends_on: TaskTemplateEntry, spec: SpecificationEntry
) -> bool:
    """Whether the dependency is in no plan: the two share no action. (A compensator, planned
    for none, has checks of its own.)"""
    mine, theirs = template_actions(template, spec), template_actions(depends_on, spec)
    return bool(mine and theirs) and not set(mine) & set(theirs)


def _repeated(values: Iterable[str]) -> list[str]:
    return [value for value, count in Counter(values).items() if count > 1]


def find_cycle(nodes: Sequence[str], edges: Mapping[str, Sequence[str]]) -> list[str] | None:
    """The first cycle found, as a path that starts and ends on the same node, or None."""
    done: set[str] = set()
    path: list[str] = []
    on_path: set[str] = set()

    def visit(node: str) -> list[str] | None:
        if node in on_path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        path.append(node)
        on_path.add(node)
        for successor in edges.get(node, ()):
            cycle = visit(successor)
            if cycle:
                return cycle
        path.pop()
        on_path.discard(node)
        done.add(node)
        return None

    for node in nodes:
        cycle = visit(node)
        if cycle:
            return cycle
    return None
