"""Exact routing: a path matches a route only segment by segment, never by substring, so
`/predictXYZ` and `/foo/status/x` are unknown routes (404), and a known path with the wrong
method is a 405 that names the allowed methods."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from asyncinfer_shared.contract import ErrorCode

from .errors import ApiError


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    template: str  # "/status/{request_id}": a {name} segment matches any one non-empty segment

    def match_path(self, path: str) -> dict[str, str] | None:
        """The template's parameters taken from `path`, or None when the path does not match."""
        wanted = _segments(self.template)
        got = _segments(path)
        if wanted is None or got is None or len(wanted) != len(got):
            return None
        params: dict[str, str] = {}
        for pattern, segment in zip(wanted, got, strict=True):
            if pattern.startswith("{") and pattern.endswith("}"):
                if not segment:
                    return None
                params[pattern[1:-1]] = segment
            elif pattern != segment:
                return None
        return params


@dataclass(frozen=True)
class RouteMatch:
    name: str
    params: dict[str, str]


ROUTES = (
    Route("submit", "POST", "/predict"),
    Route("status", "GET", "/status/{request_id}"),
    Route("health", "GET", "/health"),
)


def match_route(
    method: str, path: str, path_parameters: Mapping[str, str] | None = None
) -> RouteMatch:
    """Raise ApiError 404 for an unknown path and 405 for a known path with another method.

    API Gateway's own path parameters win over the ones parsed from the path when present: with
    a `$default` catch-all route (the local emulator's case) there are none.
    """
    matches = [
        (route, params) for route in ROUTES if (params := route.match_path(path)) is not None
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


def _segments(path: str) -> list[str] | None:
    if not path.startswith("/"):
        return None
    return path[1:].split("/")
