"""The optional LLM path: a scripted chat model calling tools, a hallucinating one, and the real OpenAI client."""

import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from assistant import Session, ask
from assistant.settings import load_settings

DONE_Q = "我们是规上企业，技改项目已竣工并列入国家统计库，符合产业政策，买设备花了1200万，能拿多少？"
PROFILE = {"above_scale": True, "projects": [{"equipment": 12000000, "completed": True, "in_national_stats": True,
                                              "complies_industrial_policy": True}]}


class ScriptedChatModel(BaseChatModel):
    """Replies from a script, one message per call; records what it was sent and which tools it was given."""

    script: list
    seen: list = []
    tool_names: list = []

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def bind_tools(self, tools, **kwargs):
        self.tool_names.extend(t.name for t in tools)
        return self

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        self.seen.append(list(messages))
        return ChatResult(generations=[ChatGeneration(message=self.script.pop(0))])


def tool_round(final_text):
    return [
        AIMessage(content="", tool_calls=[{"name": "calculate_awards", "args": {"profile_json": json.dumps(PROFILE)},
                                           "id": "call-1"}]),
        AIMessage(content=final_text),
    ]


def test_a_scripted_model_calls_the_calculator_and_its_phrasing_is_kept():
    model = ScriptedChatModel(script=tool_round("按四（三）1，贵企业设备投资1,200万元×6%，可获72万元。"), seen=[], tool_names=[])
    ans = ask(DONE_Q, session=Session(), llm=model)
    assert set(model.tool_names) == {"search_policy", "lookup_clause", "calculate_awards"}
    assert "llm:phrased" in ans.flags and "llm:rejected" not in ans.flags
    assert ans.answer.startswith("按四（三）1，贵企业")
    assert ans.award["total"] == Decimal("720000")  # the award object is always the calculator's
    # the second model call saw the calculator's result as a tool message
    assert any(getattr(m, "type", "") == "tool" and "720000" in m.content for m in model.seen[1])


def test_a_hallucinated_rate_is_caught_and_the_deterministic_answer_is_returned():
    model = ScriptedChatModel(script=[AIMessage(content="上云补贴比例为30%，单个企业最高5万元。")], seen=[], tool_names=[])
    ans = ask("上云补贴比例是多少？", session=Session(), llm=model)
    assert "llm:rejected" in ans.flags
    assert "30%" not in ans.answer and "40%" in ans.answer


def test_a_hallucinated_amount_after_a_tool_round_is_caught():
    model = ScriptedChatModel(script=tool_round("可获100万元。"), seen=[], tool_names=[])
    ans = ask(DONE_Q, session=Session(), llm=model)
    assert "llm:rejected" in ans.flags and "72万元" in ans.answer


def test_a_clause_the_tools_never_produced_is_rejected():
    model = ScriptedChatModel(script=[AIMessage(content="依据四（三）6，上云补贴不超过实际支付金额的40%。")], seen=[], tool_names=[])
    ans = ask("上云补贴比例是多少？", session=Session(), llm=model)
    assert "llm:rejected" in ans.flags


def test_a_failing_model_falls_back_to_the_deterministic_answer():
    class Broken(ScriptedChatModel):
        def _generate(self, *a, **k):
            raise ConnectionError("模型服务不可用")

    ans = ask(DONE_Q, session=Session(), llm=Broken(script=[], seen=[], tool_names=[]))
    assert "llm:error" in ans.flags and ans.award["total"] == Decimal("720000")


class _FakeOpenAI(BaseHTTPRequestHandler):
    """A tiny OpenAI-compatible /v1/chat/completions: first a tool call, then a final answer."""

    requests: list = []

    def do_POST(self):  # noqa: N802 - http.server API
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append(body)
        has_tool_result = any(m.get("role") == "tool" for m in body["messages"])
        if not has_tool_result:
            message = {"role": "assistant", "content": None, "tool_calls": [{
                "id": "call_1", "type": "function",
                "function": {"name": "calculate_awards", "arguments": json.dumps({"profile_json": json.dumps(PROFILE)})}}]}
            finish = "tool_calls"
        else:
            message = {"role": "assistant", "content": "按四（三）1，可获72万元（设备投资1,200万元×6%）。"}
            finish = "stop"
        payload = {"id": "cmpl-1", "object": "chat.completion", "created": 0, "model": "fake-qwen",
                   "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                   "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        return None


def test_the_real_openai_client_through_init_chat_model_against_a_local_fake_server():
    from assistant.llm import build_model

    _FakeOpenAI.requests = []
    server = HTTPServer(("127.0.0.1", 0), _FakeOpenAI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings = load_settings(llm="openai:fake-qwen", llm_base_url=f"http://127.0.0.1:{server.server_port}/v1",
                                 llm_api_key="test-key")
        model = build_model(settings)
        assert type(model).__name__ == "ChatOpenAI"
        ans = ask(DONE_Q, session=Session(), llm=model)
    finally:
        server.shutdown()
        server.server_close()
    assert len(_FakeOpenAI.requests) == 2
    assert {t["function"]["name"] for t in _FakeOpenAI.requests[0]["tools"]} == {"search_policy", "lookup_clause", "calculate_awards"}
    assert "llm:phrased" in ans.flags and "72万元" in ans.answer
    assert ans.award["total"] == Decimal("720000")
