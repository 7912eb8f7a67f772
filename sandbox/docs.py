"""The contract documents, served, and an offline docs page (Swagger UI from a package)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from sandbox.errors import NotFound
from sandbox.services import Services

try:  # swagger-ui-py ships Swagger UI 5 (OpenAPI 3.1) as static files
    import swagger_ui

    ASSETS = Path(swagger_ui.__file__).parent / "static"
except ImportError:  # pragma: no cover - it is a declared dependency
    ASSETS = Path("/nonexistent")

SERVED_ASSETS = {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js",
                 "favicon-32x32.png"}

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Consolidate Health sandbox: API docs</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="icon" href="/docs/assets/favicon-32x32.png"></head>
<body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
<script>
window.ui = SwaggerUIBundle({urls: [
  {url: "/openapi.json", name: "Consolidate Health Connect API (emulated)"},
  {url: "/_sandbox/openapi.json", name: "Sandbox controls"}],
  "urls.primaryName": %s, dom_id: "#ui", deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  plugins: [SwaggerUIBundle.plugins.DownloadUrl], layout: "StandaloneLayout"});
</script></body></html>"""


async def public_json(request: Request) -> Response:
    return JSONResponse(Services.of(request).contract.public.data)


async def public_yaml(request: Request) -> Response:
    text = yaml.safe_dump(Services.of(request).contract.public.data, sort_keys=False, allow_unicode=True)
    return Response(text, media_type="application/yaml")


async def controls_json(request: Request) -> Response:
    return JSONResponse(Services.of(request).contract.controls.data)


async def docs_page(request: Request) -> Response:
    primary = ("Sandbox controls" if request.query_params.get("spec") == "controls"
               else "Consolidate Health Connect API (emulated)")
    return HTMLResponse(PAGE % json.dumps(primary))


async def docs_asset(request: Request) -> Response:
    name = request.path_params["asset"]
    if name not in SERVED_ASSETS:
        raise NotFound(f"No docs asset {name!r}.")
    media = {"css": "text/css", "js": "text/javascript", "png": "image/png"}[name.rsplit(".", 1)[1]]
    return FileResponse(ASSETS / name, media_type=media)


ROUTES = [
    Route("/openapi.json", public_json, methods=["GET"]),
    Route("/openapi.yaml", public_yaml, methods=["GET"]),
    Route("/_sandbox/openapi.json", controls_json, methods=["GET"]),
    Route("/docs", docs_page, methods=["GET"]),
    Route("/docs/assets/{asset}", docs_asset, methods=["GET"]),
]
