"""Every URL pattern × every role gets the expected answer; a URL missing from the matrix fails."""

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.matrix import ROLES, Route
from tests.matrix import accounts as accounts_routes
from tests.matrix import altm as altm_routes
from tests.matrix import mediation as mediation_routes
from tests.matrix import partners as partners_routes
from tests.matrix import reporting as reporting_routes

ROUTES: list[Route] = [
    *altm_routes.ROUTES,
    *accounts_routes.ROUTES,
    *mediation_routes.ROUTES,
    *partners_routes.ROUTES,
    *reporting_routes.ROUTES,
]


def named_patterns(resolver=None, namespace=""):
    """(qualified name, pattern) for every URL pattern outside the admin site."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_patterns(entry, ns)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name}" if entry.name else None), str(entry.pattern)


def test_every_url_is_in_the_matrix():
    defined = list(named_patterns())
    unnamed = [pattern for name, pattern in defined if name is None]
    assert not unnamed, f"motifs d'URL sans nom : {unnamed}"
    names = {name for name, _ in defined}
    in_matrix = [route.name for route in ROUTES]
    assert len(in_matrix) == len(set(in_matrix)), "une URL figure deux fois dans la matrice"
    assert names - set(in_matrix) == set(), "URL absentes de la matrice des rôles"
    assert set(in_matrix) - names == set(), "la matrice cite des URL qui n'existent plus"


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_role_matrix(route: Route, world):
    kwargs = route.kwargs(world) if route.kwargs else {}
    url = reverse(route.name, kwargs=kwargs)
    answers = {}
    for role in ROLES:
        client = Client()
        user = world.user(role)
        if user is not None:
            client.force_login(user)
        response = getattr(client, route.method)(url, route.data)
        answers[role] = response.status_code
        if role == "anonymous" and response.status_code == 302 and route.name not in {"logout"}:
            assert response["Location"].startswith(reverse("login")), f"{url} anonyme → {response['Location']}"
    expected = route.expected(world) if callable(route.expected) else route.expected
    assert answers == expected


def admin_urls(admin_user):
    """The admin index, every changelist, and every add form the admin may use."""
    request = RequestFactory().get("/")
    request.user = admin_user
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(request):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_admin_site_is_for_administrators_only(role, world):
    client = Client()
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    for url in admin_urls(world.admin):
        response = client.get(url)
        if role == "admin":
            assert response.status_code == 200, url
        else:
            assert response.status_code == 302, url
            assert "/admin/login/" in response["Location"]
