from tests.matrix import Route, expect  # noqa: F401

ROUTES: list = []
