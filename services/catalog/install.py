"""Installing a catalog into the database: one transaction, idempotent.

Groups and specifications are upserted by name and code; a specification's relationships
(keyed by target), task templates (keyed by code) and template dependencies are made to match
the document exactly. Specifications the document does not mention are left alone: orders may
still refer to them. Installing the same document twice changes no row.
"""

from __future__ import annotations

from typing import Any

from tortoise.models import Model

from models import (
    AssignmentGroup,
    ServiceSpecification,
    SpecificationRelationship,
    TaskTemplate,
    TaskTemplateDependency,
)
from models.catalog import stored_actions
from models.enums import LineItemAction
from services.catalog.checks import find_problems, template_actions
from services.catalog.errors import CatalogError
from services.catalog.format import (
    CatalogDocument,
    RelationshipEntry,
    SpecificationEntry,
    TaskTemplateEntry,
)
from services.unit_of_work import unit_of_work


async def install_catalog(document: CatalogDocument) -> None:
    # A document built in code has skipped the loader: check it here too, before any write.
    problems = find_problems(document)
    if problems:
        raise CatalogError([f"<catalog document>: {problem}" for problem in problems])
    async with unit_of_work(None):
        groups = await _upsert_groups(document)
        specs = await _upsert_specifications(document)
        for entry in document.specifications:
            await _sync_relationships(entry, specs)
            await _sync_templates(entry, specs[entry.code], groups)


async def _upsert_groups(document: CatalogDocument) -> dict[str, AssignmentGroup]:
    names = [group.name for group in document.assignment_groups]
    existing = {g.name: g for g in await AssignmentGroup.filter(name__in=names)}
    for entry in document.assignment_groups:
        group = existing.get(entry.name)
        if group is None:
            existing[entry.name] = await AssignmentGroup.create(
                name=entry.name, description=entry.description
            )
        else:
            await _update(group, description=entry.description)
    return existing


async def _upsert_specifications(document: CatalogDocument) -> dict[str, ServiceSpecification]:
    codes = [spec.code for spec in document.specifications]
    existing = {s.code: s for s in await ServiceSpecification.filter(code__in=codes)}
    for entry in document.specifications:
        values: dict[str, Any] = {
            "name": entry.name,
            "kind": entry.kind,
            "domain": entry.domain,
            "description": entry.description,
            "depends_on_characteristics": entry.depends_on_characteristics,
        }
        spec = existing.get(entry.code)
        if spec is None:
            existing[entry.code] = await ServiceSpecification.create(code=entry.code, **values)
        else:
            await _update(spec, **values)
    return existing


async def _sync_relationships(
    entry: SpecificationEntry, specs: dict[str, ServiceSpecification]
) -> None:
    source = specs[entry.code]
    existing = {r.target_id: r for r in await SpecificationRelationship.filter(source=source)}
    for position, rel in enumerate(entry.relationships):
        target_id = specs[rel.target].id
        values = _relationship_values(rel, position)
        row = existing.pop(target_id, None)
        if row is None:
            await SpecificationRelationship.create(source=source, target_id=target_id, **values)
        else:
            await _update(row, **values)
    if existing:
        await SpecificationRelationship.filter(id__in=[r.id for r in existing.values()]).delete()


def _relationship_values(rel: RelationshipEntry, position: int) -> dict[str, Any]:
    rule = rel.exclude_when
    return {
        "type": rel.type,
        "quantity": rel.quantity,
        "position": position,
        "exclude_characteristic": rule.characteristic if rule else None,
        "exclude_values": list(rule.values) if rule else None,
        "actions": stored_actions(LineItemAction if rel.actions is None else rel.actions),
    }


async def _sync_templates(
    entry: SpecificationEntry, spec: ServiceSpecification, groups: dict[str, AssignmentGroup]
) -> None:
    existing = {t.code: t for t in await TaskTemplate.filter(specification=spec)}
    templates: dict[str, TaskTemplate] = {}
    for position, template_entry in enumerate(entry.task_templates):
        values: dict[str, Any] = {
            "name": template_entry.name,
            "assignment_group_id": groups[template_entry.assignment_group].id,
            "expected_duration_minutes": template_entry.duration_minutes,
            "position": position,
            **_automation_values(template_entry),
            "point_of_no_return": template_entry.point_of_no_return,
            "actions": stored_actions(template_actions(template_entry, entry)),
        }
        template = existing.pop(template_entry.code, None)
        if template is None:
            template = await TaskTemplate.create(
                specification=spec, code=template_entry.code, **values
            )
        else:
            await _update(template, **values)
        templates[template_entry.code] = template
    if existing:
        # Tasks made from a removed template keep their rows (their template becomes null).
        await TaskTemplate.filter(id__in=[t.id for t in existing.values()]).delete()
    # A compensator is a template of the same entry: set once every one of them has an id.
    for template_entry in entry.task_templates:
        compensator = template_entry.compensated_by
        await _update(
            templates[template_entry.code],
            compensated_by_id=None if compensator is None else templates[compensator].id,
        )

    wanted = {
        (templates[t.code].id, templates[code].id)
        for t in entry.task_templates
        for code in t.depends_on
    }
    current: dict[tuple[int, int], int] = {}
    template_ids = [t.id for t in templates.values()]
    for dependency in await TaskTemplateDependency.filter(template_id__in=template_ids):
        current[(dependency.template_id, dependency.depends_on_id)] = dependency.id
    stale = [dep_id for pair, dep_id in current.items() if pair not in wanted]
    if stale:
        await TaskTemplateDependency.filter(id__in=stale).delete()
    missing = sorted(wanted - current.keys())
    if missing:
        await TaskTemplateDependency.bulk_create(
            [TaskTemplateDependency(template_id=t, depends_on_id=d) for t, d in missing]
        )


def _automation_values(entry: TaskTemplateEntry) -> dict[str, Any]:
    policy = entry.retry_policy()
    return {
        "kind": entry.kind,
        "handler": entry.handler,
        "max_attempts": policy.max_attempts,
        "backoff_seconds": policy.backoff_seconds,
        "backoff_max_seconds": policy.backoff_max_seconds,
        "lock_seconds": policy.lock_seconds,
    }


async def _update(row: Model, **values: Any) -> None:
    """Write only the fields that differ, so that an unchanged catalog writes nothing."""
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    if changed:
        for name in changed:
            setattr(row, name, values[name])
        await row.save(update_fields=changed)
