"""The order in which every transition checks a call, so that the same bad call always gets the
same code whichever of its faults is found first:

1. lock: the object exists, and its order is locked (NOT_FOUND; services/locking.py);
2. permission: the role table, then the object's own rule (FORBIDDEN; services/policy.py);
3. version: the caller saw the object as it is now (CONFLICT; services/versions.py);
4. state: the object's state allows the transition (INVALID_STATE; the package's rules.py);
5. input: the rest of the input (VALIDATION, or NOT_FOUND for an id it names; services/inputs.py).

A transition locks, calls `check_transition` for steps 2 to 4, then reads the rest of its input.
The version comes before the state because a caller who saw an older version decided on a
state that may no longer be there: reloading, not the state rule, is their answer.
"""

from __future__ import annotations

from models import User
from services.errors import ForbiddenError, InvalidStateError
from services.policy import Action, require
from services.versions import Versioned, check_version


def check_transition(
    actor: User,
    action: Action,
    target: Versioned,
    *,
    what: str,
    field: str,
    permitted: bool = True,
    forbidden: str = "",
    expected_version: int | None = None,
    allowed: bool,
    wrong_state: str,
) -> None:
    """Steps 2 to 4 for `action` on `target` (named `what`, given as input `field`).

    `permitted` is the object's own permission rule (`forbidden` the refusal), `allowed` the
    state rule (`wrong_state` the refusal), both already evaluated on the locked row.
    """
    require(actor, action)
    if not permitted:
        raise ForbiddenError(forbidden, field=field)
    check_version(target, expected_version, what=what)
    if not allowed:
        raise InvalidStateError(wrong_state, field=field)
