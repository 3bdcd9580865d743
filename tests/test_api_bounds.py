"""Bodies that used to crash a request (500, connection closed) are each a Chinese 4xx, and the server stays up;
/v1/chat/completions replays every user turn within its budget, keeping the facts first."""

from __future__ import annotations

import re

import httpx
import pytest

from assistant.settings import load_settings
from webapp.services import Services
from webapp.testing import served

FACTS = "我们是规上企业，技改项目已竣工并列入国家统计库，符合产业政策，买设备花了1200万"
JSON = {"content-type": "application/json"}
CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_ERRORS = ("Field required", "Input should", "validation error", "Internal Server Error", "Traceback")

server = pytest.fixture(scope="module", name="server")(served)


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, timeout=60) as c:
        yield c


def refusal(r: httpx.Response, status: int) -> str:
    assert r.status_code == status, (r.status_code, r.text[:300])
    message = r.json()["error"]["message"]
    assert CJK.search(message) and not any(e in message for e in ENGLISH_ERRORS), message
    return message


@pytest.mark.parametrize("path", ["/api/ask", "/api/calc", "/v1/chat/completions"])
def test_json_nested_five_thousand_deep_is_a_chinese_400(client, path):
    body = '{"question": ' + "[" * 5000 + "]" * 5000 + "}"
    assert "嵌套" in refusal(client.post(path, content=body, headers=JSON), 400)


def test_json_nested_past_the_depth_limit_but_parseable_is_refused_too(client):
    body = '{"messages": ' + "[" * 100 + "]" * 100 + "}"
    assert "嵌套" in refusal(client.post("/v1/chat/completions", content=body, headers=JSON), 400)


@pytest.mark.parametrize("path,field", [("/api/ask", "question"), ("/api/calc", "local_tax_retained")])
def test_an_integer_of_5001_digits_is_a_chinese_400(client, path, field):
    body = '{"' + field + '": 1' + "0" * 5000 + "}"
    assert "位数过多" in refusal(client.post(path, content=body, headers=JSON), 400)


def test_a_lone_surrogate_is_a_chinese_400(client):
    r = client.post("/api/ask", content='{"question": "上云补贴\\ud800比例是多少？"}', headers=JSON)
    assert "无效的字符" in refusal(r, 400)
    r = client.post("/v1/chat/completions", headers=JSON,
                    content='{"messages": [{"role": "user", "content": "\\udc00上云"}]}')
    assert "无效的字符" in refusal(r, 400)


def test_a_content_part_whose_text_is_not_a_string_is_a_chinese_400_naming_it(client):
    r = client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": [{"type": "text", "text": 5}]}]})
    assert "messages[0].content[0].text" in refusal(r, 400)
    r = client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": 5}]})
    assert "messages[0].content" in refusal(r, 400)
    r = client.post("/v1/chat/completions", json={"messages": "你好"})
    assert "messages" in refusal(r, 400)


@pytest.mark.parametrize("path", ["/api/ask", "/api/reset"])
def test_a_session_id_that_is_a_list_is_a_chinese_400(client, path):
    r = client.post(path, json={"question": "上云补贴比例是多少？", "session_id": ["a", "b"]})
    assert "session_id" in refusal(r, 400)


def test_a_question_that_is_not_text_is_a_chinese_400(client):
    assert "question" in refusal(client.post("/api/ask", json={"question": {"a": 1}}), 400)


def test_fastapis_own_validation_error_is_in_chinese(client):
    assert "k 必须是整数" in refusal(client.get("/api/search", params={"q": "上云", "k": "abc"}), 422)


def test_get_on_a_post_endpoint_is_a_chinese_405_naming_the_method(client):
    r = client.get("/api/ask")
    assert "POST" in refusal(r, 405)
    assert r.headers["allow"] == "POST"
    assert "GET" in refusal(client.post("/api/search", json={}), 405)


def test_nan_is_not_a_json_number(client):
    r = client.post("/api/calc", content='{"local_tax_retained": NaN}', headers=JSON)
    assert "不是合法" in refusal(r, 400)


def test_after_every_refusal_the_server_still_answers(client):
    for body in ['{"question": ' + "[" * 5000 + "]" * 5000 + "}", '{"question": 1' + "0" * 5000 + "}",
                 '{"question": "\\ud800"}']:
        client.post("/api/ask", content=body, headers=JSON)
    r = client.post("/api/ask", json={"question": "上云补贴比例是多少？"})
    assert r.status_code == 200 and r.json()["citations"][0]["clause"] == "4.3.5"


# ---------------------------------------------------------------- replaying the history
def test_chat_completions_replays_facts_from_more_than_ten_turns_back(client):
    messages = [{"role": "user", "content": FACTS}]
    for q in ["上云补贴比例是多少？", "二级节点补多少？", "文号是多少？", "服务型制造怎么奖励？", "两化融合贯标奖多少？",
              "上云补贴比例是多少？", "哪个部门负责？", "有效期到什么时候？", "项目库怎么入库？", "上云补贴比例是多少？",
              "文号是多少？"]:
        messages += [{"role": "user", "content": q}, {"role": "assistant", "content": "……"}]
    messages.append({"role": "user", "content": "能拿多少？"})
    body = client.post("/v1/chat/completions", json={"messages": messages}).json()
    items = {i["rule"]: i["amount"] for i in body["policy_answer"]["award"]["items"]}
    assert items["equipment"] == 720000  # the 1200万 of the first turn, twelve turns back
    assert "略去" not in body["choices"][0]["message"]["content"]


def test_beyond_the_replay_budget_the_fact_turns_are_kept_and_the_answer_says_what_was_left_out():
    services = Services(load_settings(replay_max_chars=300))
    filler = ["上云补贴比例是多少？请说明具体的比例和封顶金额，以及申请需要哪些材料。" * 2] * 6
    answer = services.ask_stateless([FACTS, *filler, "能拿多少？"])
    assert answer["award"]["total"] == 720000
    assert "略去了较早的" in answer["answer"] and "history:trimmed" in answer["flags"]
    assert "未计入" not in answer["answer"]


def test_when_even_the_fact_turns_exceed_the_budget_the_answer_says_facts_were_not_counted():
    services = Services(load_settings(replay_max_chars=150))
    answer = services.ask_stateless(["我们是规上企业，技改项目已竣工并列入国家统计库，符合产业政策" + "。" * 60,
                                      "买设备花了1200万" + "。" * 60, "能拿多少？"])
    assert "说明了企业情况" in answer["answer"] and "未计入" in answer["answer"]
