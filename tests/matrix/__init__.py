"""The role × URL matrix: every URL the project defines, and what each role gets when it asks for it.

Each app lists its routes in `tests/matrix/<app>.py` as `ROUTES`. A URL without an entry fails
`tests/test_url_matrix.py`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = [
    "anonymous",
    "mediator",
    "mediator_other_team",
    "manager",
    "manager_other_team",
    "director",
    "counsellor",
    "counsellor_other_org",
    "admin",
]


def expect(default: int = 403, *, anonymous: int = 302, **roles: int) -> dict[str, int]:
    """Expected status per role: `default` for every logged-in role not named, 302 (to login) for anonymous."""
    unknown = set(roles) - set(ROLES)
    assert not unknown, f"rôles inconnus : {unknown}"
    return {role: roles.get(role, default) for role in ROLES if role != "anonymous"} | {"anonymous": anonymous}


@dataclass
class Route:
    name: str
    expected: dict[str, int] | Callable  # or world -> dict, when it depends on the data
    kwargs: Callable | None = None  # world -> URL kwargs (objects belong to team A / organisation A)
    method: str = "get"
    data: dict = field(default_factory=dict)
