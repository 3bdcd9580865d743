"""HTTP API: /api/ask, /api/calc, clause and search look-ups, and an OpenAI-compatible /v1/chat/completions.

Every body is JSON (application/json only), parsed within bounds (size, depth, digits, valid text) and validated by
one pydantic model per contract; every refusal is a Chinese message in OpenAI's error shape."""

from __future__ import annotations

import hmac
import json
import logging
import re
import time
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from tools.jsonutil import plain
from webapp.render import answer_markdown
from webapp.services import Services, UserError, friendly

log = logging.getLogger("policy_assistant.webapp")

MODEL_ID = "policy-assistant"
API_PREFIXES = ("/api/", "/v1/")
OPEN_PATHS = ("/api/health",)  # answered without the API key: a load balancer's probe names no secret
DRAIN_FACTOR = 32  # bodies declared larger than this many times the limit are cut off without reading
MAX_DEPTH = 32  # nesting of JSON arrays and objects in a body
MAX_DIGITS = 40  # digits of one JSON number (a yuan amount needs 15)
ENDPOINTS = "可用接口：POST /api/ask、POST /api/calc、POST /v1/chat/completions。"


# ---------------------------------------------------------------- the bodies (one model per contract)
class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")  # unknown keys are ignored, as OpenAI clients send many


class AskBody(_Body):
    """POST /api/ask"""

    question: StrictStr
    session_id: StrictStr | None = None


class ResetBody(_Body):
    """POST /api/reset"""

    session_id: StrictStr | None = None


class CalcBody(_Body):
    """POST /api/calc: {"profile": {...}} (or the bare profile), which document, on which day, or every document."""

    profile: dict = Field(default_factory=dict)
    doc: StrictStr | None = None  # a loaded document's id; else the profile's `doc`, else the default document
    as_of: date | None = None  # the day validity is judged on (default today)
    all: StrictBool = False  # every document in force (政策找企业) instead of one


class ContentPart(_Body):
    type: StrictStr
    text: StrictStr | None = None


class ChatMessage(_Body):
    role: StrictStr
    content: StrictStr | list[ContentPart] | None = None


class ChatBody(_Body):
    """POST /v1/chat/completions (the OpenAI shape; only what this service uses is checked)."""

    messages: list[ChatMessage] = Field(min_length=1)
    model: StrictStr | None = None
    stream: StrictBool | None = None


_FIELD_ERRORS = {
    "missing": "缺少此字段", "string_type": "必须是文字（字符串）", "list_type": "必须是数组",
    "dict_type": "必须是 JSON 对象", "model_type": "必须是 JSON 对象", "model_attributes_type": "必须是 JSON 对象",
    "bool_type": "必须是 true 或 false", "int_type": "必须是整数", "int_parsing": "必须是整数",
    "float_type": "必须是数字", "float_parsing": "必须是数字", "too_short": "不能为空",
    "union_tag_invalid": "类型不正确", "extra_forbidden": "不是可用的字段",
    "date_from_datetime_parsing": "必须是日期，写成 2024-06-30", "date_parsing": "必须是日期，写成 2024-06-30",
    "date_type": "必须是日期，写成 2024-06-30",
}
# where a field sits in an error, as a user reads it: messages[0].content, not ('messages', 0, 'content', 'str')
_TYPE_LOCS = {"str", "list[ContentPart]", "ContentPart", "int", "bool", "float", "dict", "list"}


def _loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("body", "query", "path") and not out:
            continue
        elif str(part) in _TYPE_LOCS or "[" in str(part):
            continue  # the union branch pydantic tried, not a place in the body
        else:
            out += ("." if out else "") + str(part)
    return out or "请求体"


def validation_message(errors: list[dict]) -> str:
    """FastAPI's / pydantic's English validation errors as one Chinese sentence per field."""
    seen: dict[str, str] = {}
    for err in errors:
        where = _loc(tuple(err.get("loc", ())))
        seen.setdefault(where, _FIELD_ERRORS.get(err.get("type", ""), "格式不正确"))
    # a union tried both ways (content as text, content as parts): name the deeper place only
    seen = {k: v for k, v in seen.items() if not any(o != k and o.startswith(k) for o in seen)}
    return "请求格式不正确：" + "；".join(f"{k} {v}" for k, v in seen.items()) + "。"


def _model(cls: type[BaseModel], data: Any) -> Any:
    if not isinstance(data, dict):
        raise UserError("请求体必须是 JSON 对象。", 422)
    try:
        return cls.model_validate(data)
    except ValidationError as e:
        raise UserError(validation_message(e.errors(include_url=False, include_input=False)), 400) from None


# ---------------------------------------------------------------- reading a body
def error_response(status: int, message: str, headers: dict | None = None) -> JSONResponse:
    # OpenAI's error shape, so its clients surface the Chinese message as-is
    return JSONResponse({"error": {"message": message, "code": status, "type": _error_type(status)}},
                        status_code=status, headers=headers)


def _error_type(status: int) -> str:
    return {400: "invalid_request_error", 401: "authentication_error", 404: "not_found_error",
            405: "invalid_request_error", 413: "request_too_large", 415: "invalid_request_error",
            422: "invalid_request_error", 503: "service_unavailable"}.get(status, "server_error")


def _number(text: str):
    if len(text.lstrip("-").replace(".", "").split("e")[0].split("E")[0]) > MAX_DIGITS:
        raise UserError(f"请求中的数字位数过多（超过{MAX_DIGITS}位），已拒绝。", 400)
    return int(text) if re.fullmatch(r"-?\d+", text) else float(text)


def _constant(name: str):
    raise UserError(f"请求体不是合法的 JSON：{name} 不是合法的数值。", 400)


def _check_tree(data: Any) -> None:
    """Depth and text of a parsed body, without recursion: a lone surrogate cannot be stored or shown."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise UserError(f"请求体嵌套层数过多（超过{MAX_DEPTH}层），已拒绝。", 400)
        if isinstance(value, dict):
            for k, v in value.items():
                _check_text(k)
                stack.append((v, depth + 1))
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
        elif isinstance(value, str):
            _check_text(value)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UserError("请求中含有无效的字符（孤立的 UTF-16 代理码点，如 \\ud800），请检查文字编码后重试。", 400) from None


def is_json(request: Request) -> bool:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return media == "application/json"


async def read_json(request: Request, limit: int) -> Any:
    """The request body as JSON: 415 unless sent as application/json, 413 when too large, 400 with a Chinese
    message when not JSON, nested too deep, with a number of too many digits or with invalid text."""
    if not is_json(request):
        # a form or text/plain post is what another web site can send without asking: refuse it
        raise UserError("只接受 JSON 请求：请设置请求头 Content-Type: application/json。", 415)
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
        data = json.loads(body.decode("utf-8"), parse_int=_number, parse_float=_number, parse_constant=_constant)
    except UnicodeDecodeError:
        raise UserError("请求体不是 UTF-8 编码的文字。", 400) from None
    except RecursionError:
        raise UserError(f"请求体嵌套层数过多（超过{MAX_DEPTH}层），已拒绝。", 400) from None
    except json.JSONDecodeError as e:
        raise UserError(f"请求体不是合法的 JSON：第{e.lineno}行第{e.colno}列附近有误（{_json_problem(e.msg)}）。", 400) from None
    except ValueError:
        raise UserError("请求体不是合法的 JSON。", 400) from None
    _check_tree(data)
    return data


_JSON_PROBLEMS = {"Expecting value": "缺少值", "Expecting ',' delimiter": "缺少逗号",
                  "Expecting ':' delimiter": "缺少冒号", "Unterminated string": "字符串未结束",
                  "Expecting property name enclosed in double quotes": "键名须用双引号",
                  "Extra data": "JSON 之后还有多余内容", "Invalid control character": "字符串中有控制字符",
                  "Invalid \\escape": "无效的转义字符", "Invalid \\uXXXX escape": "无效的 \\u 转义"}


def _json_problem(msg: str) -> str:
    return next((zh for en, zh in _JSON_PROBLEMS.items() if msg.startswith(en)), "格式错误")


# ---------------------------------------------------------------- the routes
def build_router(services: Services) -> APIRouter:
    router = APIRouter()
    limit = services.settings.max_request_bytes

    @router.get("/api/health")
    def health() -> dict:
        return {"status": "ok", "documents": [{"id": d.id, "doc_number": d.doc_number, "title": d.title}
                                              for d in services.corpus]}

    @router.post("/api/ask")
    async def api_ask(request: Request):
        body = _model(AskBody, await read_json(request, limit))
        sid, answer = await run_in_threadpool(services.ask, body.question, body.session_id)
        return JSONResponse(plain({**answer, "session_id": sid}))

    @router.post("/api/reset")
    async def api_reset(request: Request):
        body = _model(ResetBody, await read_json(request, limit))
        await run_in_threadpool(services.reset, body.session_id)
        return {"ok": True}

    @router.post("/api/calc")
    async def api_calc(request: Request):
        data = await read_json(request, limit)
        if not isinstance(data, dict):
            raise UserError("请求体必须是 JSON 对象。", 422)
        # accept the bare profile (DESIGN §4a) or {"profile": {...}, "doc", "as_of", "all"}; the profile's own
        # contract checks its fields
        body = _model(CalcBody, data if isinstance(data.get("profile"), dict) else {"profile": data})
        if body.all:
            return JSONResponse(plain(await run_in_threadpool(services.calc_all, body.profile, body.as_of)))
        award = await run_in_threadpool(services.calc, body.profile, body.doc, body.as_of)
        claim = await run_in_threadpool(services.claimable, body.profile, body.doc, body.as_of)
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
        body = _model(ChatBody, await read_json(request, limit))
        questions = _user_questions(body.messages)
        answer = await run_in_threadpool(services.ask_stateless, questions)
        text = answer_markdown(answer)
        cid, created, model = f"chatcmpl-{uuid.uuid4().hex}", int(time.time()), body.model or MODEL_ID
        if body.stream:
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

    known = _known_methods(router)

    # last: the gradio app mounted at "/" would otherwise answer unknown API paths with its own 404
    methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]

    @router.api_route("/api/{rest:path}", methods=methods, include_in_schema=False)
    @router.api_route("/v1/{rest:path}", methods=methods, include_in_schema=False)
    def unknown(request: Request, rest: str):
        allowed = known.get(request.url.path)
        if allowed:
            # GET /api/ask, and a cross-site preflight (OPTIONS): CORS stays closed, so no Access-Control-* headers
            return error_response(405, f"请求方法不被允许：{request.url.path} 只接受 {'、'.join(sorted(allowed))} 请求。",
                                  headers={"Allow": ", ".join(sorted(allowed))})
        raise UserError("接口不存在。" + ENDPOINTS, 404)

    return router


def _known_methods(router: APIRouter) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for route in router.routes:
        path = getattr(route, "path", "")
        if "{" not in path:
            out.setdefault(path, set()).update(m for m in getattr(route, "methods", ()) if m != "HEAD")
    return out


def _user_questions(messages: list[ChatMessage]) -> list[str]:
    out = []
    for m in messages:
        if m.role != "user":
            continue  # the assistant's own earlier replies and system prompts do not change its state
        content = m.content
        if isinstance(content, list):  # content parts: keep the text ones
            content = "".join(p.text or "" for p in content if p.type == "text")
        out.append(content or "")
    if not out:
        raise UserError("请求中没有用户提问（role 为 user 的消息）。", 400)
    return out  # every turn: the replay keeps within its budget (Services.replay_plan)


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


def _presented_key(request: Request) -> str:
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    return request.headers.get("x-api-key", "").strip()


def key_matches(given: str, key: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode("utf-8", "replace"), key.encode("utf-8"))


def install(app: FastAPI, services: Services) -> None:
    """Add the routes, the key and size guards and the JSON error handlers to `app`."""
    app.include_router(build_router(services))
    limit = services.settings.max_request_bytes
    api_key = services.settings.api_key

    @app.middleware("http")
    async def guard(request: Request, call_next):
        path = request.url.path
        if path.startswith(API_PREFIXES):
            if api_key and path not in OPEN_PATHS and request.method != "OPTIONS":
                given = _presented_key(request)
                if not key_matches(given, api_key):
                    msg = ("API 密钥不正确。" if given else
                           "此服务需要 API 密钥：请在请求头中提供 Authorization: Bearer <密钥> 或 X-API-Key: <密钥>。")
                    return error_response(401, msg, headers={"WWW-Authenticate": "Bearer"})
            # cheap early refusal by the declared length; read_json also counts what actually arrives
            declared = request.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > limit * DRAIN_FACTOR:
                return error_response(413, f"请求内容过大（超过{limit // 1024}KB），已拒绝。")
        return await call_next(request)

    @app.exception_handler(UserError)
    async def on_user_error(request: Request, exc: UserError):
        log.info("refused %s %s: %s", request.method, request.url.path, exc)
        return error_response(exc.status, str(exc))

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, exc: RequestValidationError):
        # e.g. /api/search?k=abc: FastAPI's English 422, said in Chinese
        return error_response(422, validation_message(list(exc.errors())))

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
        msg = {404: "接口不存在。" + ENDPOINTS, 405: "请求方法不被允许，请使用 POST。"}.get(exc.status_code, str(exc.detail))
        return error_response(exc.status_code, msg)

    @app.exception_handler(Exception)
    async def on_any_error(request: Request, exc: Exception):
        status, msg = friendly(exc)
        return error_response(status, msg)


async def on_known_error(request: Request, exc: Exception):
    status, msg = friendly(exc)
    log.info("refused %s %s: %s", request.method, request.url.path, msg)
    return error_response(status, msg)
