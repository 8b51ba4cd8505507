"""What the reader may do now (`viewerCan`), and what a user's roles allow (`can`).

Each flag says whether its mutation would be accepted now, its inputs aside (a reason, an
assignee, a version): a front end offers exactly the actions whose flag is true. The services
decide (services/permissions.py); these types only show their answers.
"""

from __future__ import annotations

import strawberry


@strawberry.type(description="What you may do to this service order now.")
class ServiceOrderPermissions:
    approve: bool = strawberry.field(description="`approveServiceOrder`.")
    reject: bool = strawberry.field(description="`rejectServiceOrder`.")
    reopen: bool = strawberry.field(description="`reopenServiceOrder`.")
    hold: bool = strawberry.field(description="`holdServiceOrder`.")
    resume: bool = strawberry.field(description="`resumeServiceOrder`.")
    revise: bool = strawberry.field(
        description="`reviseServiceOrder` (its items past their point of no return aside: "
        "see `LineItem.viewerCan.revise`)."
    )
    cancel: bool = strawberry.field(
        description="`cancelServiceOrder` of the whole order: false when an item left to "
        "cancel is past its point of no return (then cancel the others by `lineItemIds`)."
    )


@strawberry.type(description="What you may do to this line item now.")
class LineItemPermissions:
    revise: bool = strawberry.field(
        description="Change or remove it in `reviseServiceOrder`: false past its point of no "
        "return, once cancelled or final."
    )
    cancel: bool = strawberry.field(
        description="`cancelServiceOrder` with this item in `lineItemIds`: false once it is "
        "past its point of no return, cancelled already or final."
    )


@strawberry.type(description="What you may do to this task now.")
class TaskPermissions:
    start: bool = strawberry.field(description="`startTask`.")
    complete: bool = strawberry.field(description="`completeTask`.")
    reassign: bool = strawberry.field(description="`reassignTask`.")
    create_fallout: bool = strawberry.field(description="`createFallout` on this task.")


@strawberry.type(description="What you may do to this fallout record now.")
class FalloutPermissions:
    reassign: bool = strawberry.field(description="`reassignFallout`.")
    resolve: bool = strawberry.field(description="`resolveFallout`.")
    fail_line_item: bool = strawberry.field(
        description="`resolveFallout` with FAIL_LINE_ITEM: false on a compensating task "
        "(resolve it SKIP_TASK to give the undoing up)."
    )


@strawberry.type(
    description="What a user's roles allow, whatever the object; an object's own `viewerCan` "
    "says whether it allows it now."
)
class UserPermissions:
    submit_orders: bool
    approve_orders: bool
    reject_orders: bool
    reopen_orders: bool
    hold_orders: bool
    resume_orders: bool
    revise_orders: bool = strawberry.field(
        description="Partners revise only their own orders, and only before approval."
    )
    cancel_orders: bool
    start_tasks: bool
    complete_tasks: bool
    reassign_tasks: bool
    create_fallouts: bool
    reassign_fallouts: bool
    resolve_fallouts: bool
    be_assigned_tasks: bool = strawberry.field(
        description="Tasks and fallouts can be assigned to the user (`assigneeId`)."
    )
