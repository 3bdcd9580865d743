"""HTTP API: /api/ask, /api/calc, clause and search look-ups, and an OpenAI-compatible /v1/chat/completions."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from tools.jsonutil import plain
from webapp.render import answer_markdown
from webapp.services import Services, UserError, friendly

log = logging.getLogger("policy_assistant.webapp")

MODEL_ID = "policy-assistant"
API_PREFIXES = ("/api/", "/v1/")
DRAIN_FACTOR = 32  # bodies declared larger than this many times the limit are cut off without reading


def error_response(status: int, message: str) -> JSONResponse:
    # OpenAI's error shape, so its clients surface the Chinese message as-is
    return JSONResponse({"error": {"message": message, "code": status, "type": _error_type(status)}},
                        status_code=status)


def _error_type(status: int) -> str:
    return {400: "invalid_request_error", 404: "not_found_error", 405: "invalid_request_error",
            413: "request_too_large", 422: "invalid_request_error"}.get(status, "server_error")


async def read_json(request: Request, limit: int) -> Any:
    """The request body as JSON; 413 when too large, 400 with a Chinese message when not JSON."""
    body = bytearray()
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size <= limit:
            body.extend(chunk)
        elif size > limit * DRAIN_FACTOR:
            break
        # past the limit, keep draining: a client still sending gets the 413, not a reset connection
    if size > limit:
        raise UserError(f"请求内容过大（超过{limit // 1024}KB），已拒绝。", 413)
    if not body.strip():
        raise UserError("请求体为空，请发送 JSON，例如 {\"question\": \"上云补贴比例是多少？\"}。", 400)
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise UserError(f"请求体不是合法的 JSON：{e}", 400) from None


def _require_object(data: Any) -> dict:
    if not isinstance(data, dict):
        raise UserError("请求体必须是 JSON 对象。", 422)
    return data


def build_router(services: Services) -> APIRouter:
    router = APIRouter()
    limit = services.settings.max_request_bytes

    @router.get("/api/health")
    def health() -> dict:
        return {"status": "ok", "documents": [{"id": d.id, "doc_number": d.doc_number, "title": d.title}
                                              for d in services.corpus]}

    @router.post("/api/ask")
    async def api_ask(request: Request):
        data = _require_object(await read_json(request, limit))
        sid = data.get("session_id")
        if sid is not None and (not isinstance(sid, str) or not re.fullmatch(r"[\w\-]{1,64}", sid)):
            raise UserError("session_id 必须是不超过64位的字母、数字、下划线或连字符。", 422)
        sid, answer = await run_in_threadpool(services.ask, data.get("question"), sid)
        return JSONResponse(plain({**answer, "session_id": sid}))

    @router.post("/api/reset")
    async def api_reset(request: Request):
        data = _require_object(await read_json(request, limit))
        services.reset(data.get("session_id"))
        return {"ok": True}

    @router.post("/api/calc")
    async def api_calc(request: Request):
        data = _require_object(await read_json(request, limit))
        # accept the bare profile (DESIGN §4a) or {"profile": {...}}
        profile = data["profile"] if isinstance(data.get("profile"), dict) else data
        award = await run_in_threadpool(services.calc, profile)
        claim = await run_in_threadpool(services.claimable, profile)
        return JSONResponse(plain({**award, "claimable": claim}))

    @router.get("/api/clause/{ref:path}")
    def api_clause(ref: str):
        return JSONResponse(plain(services.clause(ref)))

    @router.get("/api/search")
    def api_search(q: str = "", k: int = 5):
        return JSONResponse(plain({"query": q, "hits": services.search(q, max(1, min(k, 20)))}))

    @router.get("/v1/models")
    def models() -> dict:
        return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "local"}]}

    @router.post("/v1/chat/completions")
    async def chat_completions(request: Request):
        data = _require_object(await read_json(request, limit))
        questions = _user_questions(data.get("messages"))
        answer = await run_in_threadpool(services.ask_stateless, questions)
        text = answer_markdown(answer)
        cid, created, model = f"chatcmpl-{uuid.uuid4().hex}", int(time.time()), str(data.get("model") or MODEL_ID)
        if data.get("stream"):
            return StreamingResponse(_sse(cid, created, model, text), media_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache"})
        return JSONResponse(plain({
            "id": cid, "object": "chat.completion", "created": created, "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": sum(len(q) for q in questions), "completion_tokens": len(text),
                      "total_tokens": sum(len(q) for q in questions) + len(text)},
            # the structured answer (citations, award) for clients that know to look
            "policy_answer": answer,
        }))

    # last: the gradio app mounted at "/" would otherwise answer unknown API paths with its own 404
    @router.api_route("/api/{rest:path}", methods=["GET", "POST", "PUT", "DELETE", "PATCH"], include_in_schema=False)
    @router.api_route("/v1/{rest:path}", methods=["GET", "POST", "PUT", "DELETE", "PATCH"], include_in_schema=False)
    def unknown(rest: str):
        raise UserError("接口不存在。可用接口：POST /api/ask、POST /api/calc、POST /v1/chat/completions。", 404)

    return router


def _user_questions(messages: Any) -> list[str]:
    if not isinstance(messages, list) or not messages:
        raise UserError("messages 必须是非空数组，例如 [{\"role\": \"user\", \"content\": \"…\"}]。", 422)
    out = []
    for m in messages:
        if not isinstance(m, dict) or "role" not in m:
            raise UserError("messages 中每一项都必须包含 role 和 content。", 422)
        if m["role"] != "user":
            continue  # the assistant's own earlier replies and system prompts do not change its state
        content = m.get("content")
        if isinstance(content, list):  # content parts: keep the text ones
            content = "".join(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text")
        out.append(content if isinstance(content, str) else "")
    if not out:
        raise UserError("请求中没有用户提问（role 为 user 的消息）。", 400)
    return out[-10:]  # replay at most the last ten turns


def _pieces(text: str) -> Iterator[str]:
    """Sentence-sized pieces, so a streaming client renders progressively."""
    for part in re.findall(r"[^。！？；\n]*[。！？；\n]?", text):
        if part:
            yield part


def _sse(cid: str, created: int, model: str, text: str) -> Iterator[str]:
    def chunk(delta: dict, finish: str | None = None) -> str:
        payload = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
                   "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    for piece in _pieces(text):
        yield chunk({"content": piece})
    yield chunk({}, "stop")
    yield "data: [DONE]\n\n"


def install(app: FastAPI, services: Services) -> None:
    """Add the routes, the size guard and the JSON error handlers to `app`."""
    app.include_router(build_router(services))
    limit = services.settings.max_request_bytes

    @app.middleware("http")
    async def refuse_oversized(request: Request, call_next):
        # cheap early refusal by the declared length; read_json also counts what actually arrives
        if request.url.path.startswith(API_PREFIXES):
            declared = request.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > limit * DRAIN_FACTOR:
                return error_response(413, f"请求内容过大（超过{limit // 1024}KB），已拒绝。")
        return await call_next(request)

    @app.exception_handler(UserError)
    async def on_user_error(request: Request, exc: UserError):
        log.info("refused %s %s: %s", request.method, request.url.path, exc)
        return error_response(exc.status, str(exc))

    # user mistakes raised deep in the calculator or corpus: a 4xx, no traceback in the log
    from corpus import CorpusError

    user_errors: list[type[Exception]] = [CorpusError]
    try:
        from tools.errors import CalcError

        user_errors.append(CalcError)
    except ImportError:
        pass
    for cls in user_errors:
        app.add_exception_handler(cls, on_known_error)

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException):
        if not request.url.path.startswith(API_PREFIXES):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        msg = {404: "接口不存在。可用接口：POST /api/ask、POST /api/calc、POST /v1/chat/completions。",
               405: "请求方法不被允许，请使用 POST。"}.get(exc.status_code, str(exc.detail))
        return error_response(exc.status_code, msg)

    @app.exception_handler(Exception)
    async def on_any_error(request: Request, exc: Exception):
        status, msg = friendly(exc)
        return error_response(status, msg)


async def on_known_error(request: Request, exc: Exception):
    status, msg = friendly(exc)
    log.info("refused %s %s: %s", request.method, request.url.path, msg)
    return error_response(status, msg)
