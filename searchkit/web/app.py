"""The web application: routes, templates, and what keeps it safe to leave running.

Starlette (routing, requests, a thread pool for plain functions) and Jinja2 (templates that escape every
value unless told otherwise) do the HTTP and the HTML; nothing here parses a request or escapes text by
hand. Every answer carries a Content-Security-Policy that allows scripts and styles from this server's
own files only, so markup inside a document can never run; a request naming any other ``Host`` than the
one served is refused (DNS rebinding).
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from importlib import resources
from typing import Any, AsyncIterator, Awaitable, Callable, Sequence

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from searchkit import __version__
from searchkit.web import pages, tools
from searchkit.web.library import Library

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Resource-Policy": "same-origin",
}


class SecurityHeaders:
    """Adds ``HEADERS`` to every response (pages, JSON, static files, errors)."""

    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []),
                                      *[(k.lower().encode(), v.encode()) for k, v in HEADERS.items()]]
            await send(message)

        await self.app(scope, receive, with_headers)


def templates() -> Jinja2Templates:
    folder = str(resources.files("searchkit.web") / "templates")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(folder), autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.globals["version"] = __version__
    return Jinja2Templates(env=env)


async def not_found(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 404)
    message = getattr(exc, "detail", "") if status != 404 else f"there is no page {request.url.path[:200]!r} here"
    return pages.problem(request, str(message), request.url.path.startswith("/api/"), status)


def routes() -> list[Any]:
    static = StaticFiles(directory=str(resources.files("searchkit.web") / "static"))
    return [
        Route("/", pages.search_page),
        Route("/search", pages.search_page),
        Route("/api/search", pages.search_api),
        Route("/kwic", pages.kwic_page),
        Route("/api/kwic", pages.kwic_api),
        Route("/passage", pages.passage_page),
        Route("/api/passage", pages.passage_api),
        Route("/cite", tools.cite_page, methods=["GET", "POST"]),
        Route("/api/cite", tools.cite_api, methods=["GET", "POST"]),
        Route("/export", tools.export),
        Mount("/static", static, name="static"),
    ]


def make_app(library: Library, hosts: Sequence[str]) -> Starlette:
    """The application serving ``library``, answering requests whose Host is one of ``hosts`` only."""
    middleware = [Middleware(SecurityHeaders), Middleware(TrustedHostMiddleware, allowed_hosts=list(hosts))]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        library.close()  # the searchers' open files, when the server stops

    app = Starlette(routes=routes(), middleware=middleware, exception_handlers={HTTPException: not_found},
                    lifespan=lifespan)
    app.state.library = library
    app.state.templates = templates()
    return app
