"""The OpenAPI documents, loaded and prepared once, and the checks made with them.

`Contract` bundles each document (external `$ref`s inlined, so /openapi.json is one
self-contained file), builds openapi-core's validators once, and answers two questions
per exchange: does this request conform, does this response conform.

Speed (see bench/): openapi-core costs milliseconds per call, mostly in finding the
operation and walking the schema. Both answers are pure functions of what was exchanged,
so they are memoised in a bounded LRU keyed by a digest of everything the document can
constrain. An identical response (same operation, status, headers, body bytes) is proven
to conform once and then recognised by its digest; anything new is checked in full.

The per-request path works on the raw ASGI values: the operation comes from a memo of
(method, path), the keys are digested straight from the raw header list, and the
werkzeug `Headers` and parsed query openapi-core needs are built only on a memo miss.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import yaml
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.exceptions import OpenAPIError
from openapi_core.validation.request.exceptions import SecurityValidationError
from werkzeug.datastructures import Headers, ImmutableMultiDict

PUBLIC_SPEC = "consolidate-health.yaml"
CONTROLS_SPEC = "sandbox-controls.yaml"
MEMO_SIZE = 4096
MATCH_MEMO_SIZE = 4096
MAX_RULE = 300
# Response headers whose value is unique per request and produced by our own middleware
# in a fixed format; the memo keys on their presence, not their value.
VOLATILE_HEADERS = frozenset({b"x-request-id"})


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~10x faster


def load_yaml(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - safe loader


def bundle(path: Path) -> dict[str, Any]:
    """Load an OpenAPI document and inline `other.yaml#/components/schemas/X` references."""
    doc: dict[str, Any] = load_yaml(path)
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    loaded: dict[str, dict[str, Any]] = {}
    for name, schema in list(schemas.items()):
        ref = schema.get("$ref", "") if isinstance(schema, dict) else ""
        if ref and not ref.startswith("#"):
            file_part, _, pointer = ref.partition("#")
            if file_part not in loaded:
                loaded[file_part] = load_yaml(path.parent / file_part)
            other = loaded[file_part]["components"]["schemas"]
            for other_name, other_schema in other.items():
                if other_name not in schemas or other_name == name:
                    schemas[other_name] = copy.deepcopy(other_schema)
            if pointer.rsplit("/", 1)[-1] != name:
                schemas[name] = {"$ref": "#" + pointer}
    return doc


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    template: str


RawHeaders = list[tuple[bytes, bytes]] | tuple[tuple[bytes, bytes], ...]


def to_headers(raw: RawHeaders) -> Headers:
    """ASGI raw headers as werkzeug `Headers` (what openapi-core reads); only on a miss."""
    return Headers([(k.decode("latin-1"), v.decode("latin-1")) for k, v in raw])


class _Request:
    """The openapi-core request protocol over what the ASGI middleware collected."""

    def __init__(self, method: str, path: str, query: str, headers: Headers, body: bytes) -> None:
        self.host_url = "http://sandbox"
        self.path = path
        self.method = method.lower()
        self.body = body or None
        self.content_type = headers.get("content-type", "").lower()
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qsl(query, keep_blank_values=True)),
            header=headers, cookie=ImmutableMultiDict(), path={})


class _Response:
    def __init__(self, status: int, headers: Headers, body: bytes) -> None:
        self.status_code = status
        self.headers = headers
        self.content_type = headers.get("content-type", "").lower()
        self.data = body


class Document:
    """One OpenAPI document: its operations table and its validators, built once.

    Immutable once built, so one process shares it between app instances
    (`Document.load`), which keeps creating an app in a test cheap."""

    @classmethod
    def load(cls, path: Path) -> Document:
        stat = path.stat()
        return _load_document(path.resolve(), stat.st_mtime_ns, stat.st_size)

    def __init__(self, path: Path) -> None:
        self.data = bundle(path)
        self.openapi = OpenAPI.from_dict(self.data)
        self.request_validator = self.openapi.request_validator
        self.response_validator = self.openapi.response_validator
        self._routes: list[tuple[re.Pattern[str], str, dict[str, str]]] = []
        for template, item in self.data.get("paths", {}).items():
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
            methods = {m.upper(): op.get("operationId", f"{m} {template}")
                       for m, op in item.items() if m in ("get", "post", "put", "patch", "delete")}
            self._routes.append((re.compile(f"^{pattern}$"), template, methods))
        # Literal paths win over templated ones (OpenAPI path matching rule).
        self._routes.sort(key=lambda r: r[1].count("{"))
        # The request headers a verdict can depend on, found once: every header
        # parameter (or apiKey scheme) named anywhere in the document, the body's
        # Content-Type, and Authorization (whose scheme decides the security check).
        self.request_header_keys = frozenset(
            {b"content-type", b"authorization"} | {n.lower().encode("latin-1")
                                                   for n in _header_names(self.data)})

    def operations(self) -> Iterable[Operation]:
        for _, template, methods in self._routes:
            for method, op_id in methods.items():
                yield Operation(op_id, method, template)

    def match(self, method: str, path: str) -> Operation | None:
        for pattern, template, methods in self._routes:
            if pattern.match(path) and method in methods:
                return Operation(methods[method], method, template)
        return None

    def knows_path(self, path: str) -> bool:
        return any(pattern.match(path) for pattern, _, _ in self._routes)


def _header_names(node: Any) -> set[str]:
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("in") == "header" and isinstance(item.get("name"), str):
                found.add(item["name"])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


@functools.lru_cache(maxsize=8)
def _load_document(path: Path, mtime_ns: int, size: int) -> Document:
    return Document(path)


def describe(exc: BaseException) -> str:
    """A person-readable account of an openapi-core error: what, where, which rule."""
    name = getattr(exc, "name", None)
    location = getattr(exc, "location", None)
    where = f"{location} parameter {name!r}" if name and location else ""
    cause = exc.__cause__
    schema_errors = list(getattr(cause, "schema_errors", None) or [])
    if schema_errors:
        err = schema_errors[0]
        at = "/".join(str(p) for p in getattr(err, "absolute_path", getattr(err, "path", [])))
        rule = getattr(err, "message", str(err))
        if len(rule) > MAX_RULE:  # jsonschema quotes the whole offending value
            rule = rule[:MAX_RULE] + "..."
        target = where or ("body" + (f" at {at}" if at else ""))
        return f"{target}: {rule}"
    text = _text(cause) if cause is not None and _text(cause) else _text(exc)
    if "MediaTypeNotFound" in type(cause).__name__ or "media type" in text.lower():
        return f"Content-Type is not accepted here ({text})"
    return f"{where}: {text}" if where else text


def _text(exc: BaseException) -> str:
    # Some openapi-core errors decode the offending body in __str__ and fail on bytes
    # that are not UTF-8; that is still the client's mistake, so say so.
    try:
        text = str(exc)
    except UnicodeError:
        return "the body is not valid UTF-8"
    return text[:MAX_RULE] + "..." if len(text) > MAX_RULE else text


class _Memo:
    def __init__(self, size: int) -> None:
        self._data: OrderedDict[bytes, str | None] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(self, key: bytes) -> tuple[bool, str | None]:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return True, self._data[key]
        return False, None

    def put(self, key: bytes, value: str | None) -> None:
        with self._lock:
            self._data[key] = value
            if len(self._data) > self._size:
                self._data.popitem(last=False)


class Contract:
    """Both documents; request and response checks with memoised verdicts."""

    def __init__(self, openapi_dir: Path) -> None:
        self.public = Document.load(openapi_dir / PUBLIC_SPEC)
        self.controls = Document.load(openapi_dir / CONTROLS_SPEC)
        self._requests = _Memo(MEMO_SIZE)
        self._responses = _Memo(MEMO_SIZE)
        self._matches: dict[tuple[str, str], tuple[Document, Operation | None]] = {}

    def document_for(self, path: str) -> Document:
        return self.public if path.startswith("/connect/") else self.controls

    def match(self, method: str, path: str) -> tuple[Document, Operation | None]:
        """The document and operation of a request; memoised (the tables never change)."""
        key = (method, path)
        found = self._matches.get(key)
        if found is None:
            doc = self.document_for(path)
            found = (doc, doc.match(method, path))
            if len(self._matches) >= MATCH_MEMO_SIZE:
                self._matches.clear()
            self._matches[key] = found
        return found

    def check_request(self, doc: Document, method: str, path: str, query: bytes,
                      raw_headers: RawHeaders, body: bytes) -> str | None:
        """None if the request conforms, else what is wrong. Security is the handler's job
        (it answers 401 with the right challenge), so missing credentials pass here.

        The key holds everything a verdict can depend on: method, path, query, body and
        each header the document can constrain (in order, repeats kept), of which
        Authorization only by its scheme."""
        keys = doc.request_header_keys
        shown = []
        for name, value in raw_headers:
            name = name.lower()
            if name in keys:
                if name == b"authorization":
                    value = value.split(b" ", 1)[0].lower()
                shown.append((name, value))
        key = _digest(repr((method, path, query, shown)).encode(), body)
        hit, verdict = self._requests.get(key)
        if hit:
            return verdict
        try:
            doc.request_validator.validate(
                _Request(method, path, query.decode("latin-1"), to_headers(raw_headers), body))
            verdict = None
        except SecurityValidationError:
            verdict = None
        except OpenAPIError as exc:
            verdict = describe(exc)
        self._requests.put(key, verdict)
        return verdict

    def check_response(self, doc: Document, op: Operation, method: str, path: str,
                       status: int, raw_headers: RawHeaders, body: bytes) -> str | None:
        """None if the response conforms, else what is wrong.

        The key is the operation, status, every header as sent (names and values, in
        order; only X-Request-Id by presence) and the body bytes: a hit is byte-identical
        to a response openapi-core validated."""
        shown = [(k, b"" if k.lower() in VOLATILE_HEADERS else v) for k, v in raw_headers]
        key = _digest(repr((op.operation_id, status, shown)).encode(), body)
        hit, verdict = self._responses.get(key)
        if hit:
            return verdict
        try:
            doc.response_validator.validate(
                _Request(method, path, "", Headers(), b""),
                _Response(status, to_headers(raw_headers), body))
            verdict = None
        except OpenAPIError as exc:
            verdict = describe(exc)
        self._responses.put(key, verdict)
        return verdict


def _digest(*parts: str | bytes) -> bytes:
    # SHA-256: collision-resistant, and where the CPU has SHA instructions (most x86-64
    # and ARMv8 today) OpenSSL hashes a 15 KB page in ~14 us, twice blake2b's speed.
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.digest()
