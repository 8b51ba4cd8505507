"""Users and the assignment groups that work tasks."""

from __future__ import annotations

import strawberry

import models
from schema.enums import Role
from schema.info import Info
from schema.node import Node, node_type
from schema.types.permissions import UserPermissions
from services import permissions


@node_type(models.AssignmentGroup, description="A team that works tasks; a task belongs to one.")
class AssignmentGroup(Node):
    name: str
    description: str


# What every field that shows a user says: it shows only whom `node(id:)` would.
HIDDEN_USERS = "Null for a user you may not see (a partner system sees only itself)."


@node_type(models.User, description="A person or a partner system.")
class User(Node):
    username: str
    display_name: str
    is_active: bool

    @strawberry.field
    @staticmethod
    def roles(root: models.User) -> list[Role]:
        return [Role(role) for role in root.roles if role in Role.__members__]

    @strawberry.field(graphql_type=list[AssignmentGroup])
    @staticmethod
    async def groups(root: models.User, info: Info) -> list[models.AssignmentGroup]:
        return await info.context.loaders.groups_by_user.load(root.id)

    @strawberry.field(graphql_type=UserPermissions, description="What the user's roles allow.")
    @staticmethod
    def can(root: models.User) -> permissions.RolePermissions:
        return permissions.role_permissions(root)
