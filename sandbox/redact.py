"""What may be shown of a request target: the one rule for logs and the journal.

Query values are masked unless the parameter is harmless (paging, client id, scope...),
and path segments that are secrets themselves (the hosted flow id) become a short
digest, which still lets one follow a flow. Bodies and headers are never shown.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import parse_qsl, quote

# Query parameters whose values are not secret nor personal; all others print as ***.
SAFE_QUERY = frozenset({"client_id", "redirect_uri", "scope", "response_type",
                        "code_challenge_method", "limit", "offset", "spec", "operation",
                        "status", "patient_id", "method", "resource"})
# Path parameters that are opaque ids, not secrets; any other one is digested.
SAFE_PATH_PARAMS = frozenset({"patient_id", "resource", "record_id", "system_id", "asset",
                              "fault_id", "connection_id"})
MASK = "***"


def digest(value: str) -> str:
    return "~" + hashlib.sha256(value.encode()).hexdigest()[:8]


def safe_target(path: str, query: str, path_params: dict[str, Any] | None = None) -> str:
    """The request target as it may be logged."""
    for name, value in (path_params or {}).items():
        if name not in SAFE_PATH_PARAMS and isinstance(value, str) and value:
            path = path.replace(f"/{value}", f"/{digest(value)}")
    if not query:
        return path
    pairs = parse_qsl(query, keep_blank_values=True)
    shown = "&".join(f"{quote(k, safe='')}=" + (quote(v, safe=':/') if k in SAFE_QUERY else MASK)
                     for k, v in pairs)
    return f"{path}?{shown}" if shown else path
