"""The function's routes, declared once, and exact routing.

A path matches a route only segment by segment, never by substring, so `/predictXYZ` and
`/foo/status/x` are unknown routes (404), and a known path with the wrong method is a 405 that
names the allowed methods. `GATEWAY_ROUTE_KEYS` is what API Gateway must route to the function:
the local emulator serves exactly these, and a test keeps modules/http_api's routes equal to them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from asyncinfer_shared.contract import ErrorCode

from .errors import ApiError

DEFAULT_ROUTE = "$default"


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    template: str  # "/status/{request_id}": a {name} segment matches one non-empty segment

    @property
    def key(self) -> str:
        """API Gateway's route key, "GET /status/{request_id}"."""
        return f"{self.method} {self.template}"


@dataclass(frozen=True)
class RouteMatch:
    name: str
    params: dict[str, str]


ROUTES = (
    Route("submit", "POST", "/predict"),
    Route("status", "GET", "/status/{request_id}"),
    Route("health", "GET", "/health"),
)
GATEWAY_ROUTE_KEYS = (
    *(route.key for route in ROUTES),
    # CORS preflights: their own route, because on AWS they must bypass the JWT authorizer.
    "OPTIONS /{proxy+}",
    # Every other request, so unknown paths and wrong methods get the function's JSON 404 and
    # 405; without it API Gateway itself answers 404 {"message":"Not Found"}.
    DEFAULT_ROUTE,
)


def match_route(
    method: str, path: str, path_parameters: Mapping[str, str] | None = None
) -> RouteMatch:
    """Raise ApiError 404 for an unknown path and 405 for a known path with another method.

    API Gateway's own path parameters win over the ones parsed from the path when present: with
    the `$default` catch-all route there are none.
    """
    matches = [
        (route, params)
        for route in ROUTES
        if (params := match_template(route.template, path)) is not None
    ]
    for route, params in matches:
        if route.method == method:
            given = path_parameters or {}
            return RouteMatch(
                route.name, {name: given.get(name, value) for name, value in params.items()}
            )
    if matches:
        allowed = ", ".join(sorted({route.method for route, _ in matches}))
        # A browser's CORS preflight: API Gateway adds the Access-Control-* headers of the API's
        # CORS settings to this answer (modules/http_api routes OPTIONS here without auth).
        if method == "OPTIONS":
            return RouteMatch("preflight", {"allow": f"{allowed}, OPTIONS"})
        raise ApiError(
            ErrorCode.METHOD_NOT_ALLOWED,
            f"{method or 'This method'} is not allowed on {path}; use {allowed}.",
            [{"allowed_methods": allowed.split(", ")}],
            headers={"Allow": allowed},
        )
    raise ApiError(ErrorCode.ROUTE_NOT_FOUND, f"No route matches {path or 'an empty path'}.")


def match_template(template: str, path: str) -> dict[str, str] | None:
    """The template's parameters taken from `path`, or None when the path does not match.

    A `{name}` segment matches exactly one non-empty segment; a last `{name+}` segment (API
    Gateway's greedy variable) matches the non-empty rest of the path.
    """
    if not (template.startswith("/") and path.startswith("/")):
        return None
    wanted = template[1:].split("/")
    segments = path[1:].split("/")
    if wanted[-1].startswith("{") and wanted[-1].endswith("+}"):
        # Fold the rest of the path into the greedy segment: "/a/b" -> ["a/b"].
        head = len(wanted) - 1
        segments = [*segments[:head], "/".join(segments[head:])]
        wanted = [*wanted[:head], wanted[-1].replace("+}", "}")]
    if len(wanted) != len(segments):
        return None
    params: dict[str, str] = {}
    for pattern, segment in zip(wanted, segments, strict=True):
        if pattern.startswith("{") and pattern.endswith("}"):
            if not segment:
                return None
            params[pattern[1:-1]] = segment
        elif pattern != segment:
            return None
    return params
