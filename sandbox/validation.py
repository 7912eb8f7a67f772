"""ASGI middleware: every request and response checked against the OpenAPI documents.

A request that breaks the contract is answered 400 `invalid_request` naming the
parameter and the rule, without reaching the handler. A response that breaks it is a
sandbox bug: `strict` turns it into 500 `server_error` naming the operation and the
rule; `log` lets it through; both log it. `off` skips the checks. Errors raised here
would bypass Starlette's exception handlers, so they are rendered here with the same
`render_error` every handler uses.
"""

from __future__ import annotations

import logging

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.contract import Contract
from sandbox.errors import ApiError, InvalidRequest, PayloadTooLarge, ServerError, render_error

log = logging.getLogger("sandbox.contract")
MAX_BODY = 1024 * 1024


class ContractMiddleware:
    def __init__(self, app: ASGIApp, contract: Contract, mode: str) -> None:
        self.app = app
        self.contract = contract
        self.strict = mode == "strict"
        self.enabled = mode != "off"

    async def _reject(self, scope: Scope, receive: Receive, send: Send, exc: ApiError) -> None:
        await render_error(exc)(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        doc, op = self.contract.match(method, path)
        state = scope.setdefault("state", {})
        # The operation id names the request for fault matching and the journal, so it
        # is found even when validation is off.
        state["operation"] = op.operation_id if op else None
        if op is None or not self.enabled:  # not in the spec: the router answers 404/405
            await self.app(scope, receive, send)
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_BODY:
                state["validation"] = "request_too_large"
                await self._reject(scope, receive, send,
                                   PayloadTooLarge(f"The request body is larger than {MAX_BODY} bytes."))
                return
        query = scope.get("query_string", b"")
        problem = self.contract.check_request(doc, method, path, query, scope["headers"], body)
        if problem is not None:
            state["validation"] = f"request: {problem}"
            await self._reject(scope, receive, send, InvalidRequest(problem))
            return

        sent_body = False

        async def replay() -> Message:
            nonlocal sent_body
            if not sent_body:
                sent_body = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                # Set here too so the check sees what the client gets (the outer
                # RequestIdMiddleware sets the same value).
                MutableHeaders(scope=start)["X-Request-Id"] = state.get("request_id", "")
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, replay, capture)
        out = b"".join(chunks)
        problem = self.contract.check_response(
            doc, op, method, path, start["status"], start.get("headers", []), out)
        if problem is None:
            state["validation"] = "ok"
        else:
            description = (f"{op.operation_id}: the sandbox's {start['status']} response "
                           f"breaks the contract: {problem}")
            log.error("contract violation: %s", description)
            state["validation"] = f"response: {problem}"
            if self.strict:
                await self._reject(scope, receive, send, ServerError(description))
                return
        await send(start)
        await send({"type": "http.response.body", "body": out, "more_body": False})
