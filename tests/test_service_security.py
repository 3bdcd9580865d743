"""Cross-site requests and access: JSON endpoints take application/json only, session ids come from the server,
an optional API key guards the API and the UI's uploads, and CORS stays closed."""

from __future__ import annotations

import httpx
import pytest

from assistant.settings import load_settings
from webapp.services import Services
from webapp.testing import served, start_server

QUESTION = "上云补贴比例是多少？"
KEY = "k-7c1f0a9e-test"

server = pytest.fixture(scope="module", name="server")(served)


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, timeout=60) as c:
        yield c


@pytest.fixture(scope="module")
def keyed(tmp_path_factory):
    services = Services(load_settings(api_key=KEY, data_dir=tmp_path_factory.mktemp("keyed")))
    srv = start_server(services, warm=False)
    try:
        yield srv
    finally:
        srv.stop()


def message(r: httpx.Response) -> str:
    return r.json()["error"]["message"]


# ---------------------------------------------------------------- JSON only
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", None])
@pytest.mark.parametrize("path", ["/api/ask", "/api/calc", "/api/reset", "/v1/chat/completions"])
def test_a_post_that_is_not_application_json_is_refused_with_415(client, path, content_type):
    headers = {"content-type": content_type} if content_type else {}
    r = client.post(path, content='{"question": "上云补贴比例是多少？"}'.encode(), headers=headers)
    assert r.status_code == 415
    assert "application/json" in message(r) and "只接受 JSON" in message(r)


def test_json_with_a_charset_is_accepted(client):
    r = client.post("/api/ask", content='{"question": "上云补贴比例是多少？"}'.encode(),
                    headers={"content-type": "application/json; charset=utf-8"})
    assert r.status_code == 200


def test_cors_stays_closed_for_another_site(client):
    pre = client.options("/api/ask", headers={"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST",
                                              "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 405 and "access-control-allow-origin" not in pre.headers
    r = client.post("/api/ask", json={"question": QUESTION}, headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers


# ---------------------------------------------------------------- server-issued session ids
@pytest.mark.parametrize("sid", ["1", "abc", "my-session", "a" * 21, "a" * 23, "../../etc/passwd"])
def test_a_client_chosen_session_id_is_refused(client, sid):
    r = client.post("/api/ask", json={"question": QUESTION, "session_id": sid})
    assert r.status_code == 400 and "由服务器分配" in message(r)


def test_the_server_issues_128_bit_ids_and_accepts_only_its_own(client):
    first = client.post("/api/ask", json={"question": QUESTION}).json()
    sid = first["session_id"]
    assert len(sid) == 22 and sid.replace("-", "").replace("_", "").isalnum()  # 16 random bytes, url-safe
    assert client.post("/api/ask", json={"question": QUESTION, "session_id": sid}).json()["session_id"] == sid
    # well-formed but never issued: replaced by a new id, and the answer says no earlier facts are held
    forged = "A" * 22
    body = client.post("/api/ask", json={"question": QUESTION, "session_id": forged}).json()
    assert body["session_id"] != forged and "会话不存在或已过期" in body["answer"]


# ---------------------------------------------------------------- the API key
def test_with_an_api_key_set_the_api_refuses_requests_without_it(keyed):
    r = httpx.post(keyed.url + "/api/ask", json={"question": QUESTION}, timeout=60)
    assert r.status_code == 401 and "API 密钥" in message(r) and r.headers["www-authenticate"] == "Bearer"
    r = httpx.post(keyed.url + "/api/calc", json={"above_scale": True}, headers={"X-API-Key": "wrong"}, timeout=60)
    assert r.status_code == 401 and "不正确" in message(r)
    r = httpx.post(keyed.url + "/v1/chat/completions", timeout=60, headers={"Authorization": "Bearer wrong"},
                   json={"messages": [{"role": "user", "content": QUESTION}]})
    assert r.status_code == 401


def test_with_the_key_in_either_header_the_api_answers(keyed):
    for headers in ({"Authorization": f"Bearer {KEY}"}, {"X-API-Key": KEY}):
        r = httpx.post(keyed.url + "/api/ask", json={"question": QUESTION}, headers=headers, timeout=60)
        assert r.status_code == 200 and r.json()["citations"][0]["clause"] == "4.3.5"


def test_the_openai_client_passes_the_key_as_its_api_key(keyed):
    openai = pytest.importorskip("openai")
    c = openai.OpenAI(base_url=keyed.url + "/v1", api_key=KEY, max_retries=0, timeout=60)
    reply = c.chat.completions.create(model="policy-assistant", messages=[{"role": "user", "content": QUESTION}])
    assert "四（三）5" in reply.choices[0].message.content


def test_the_health_check_needs_no_key(keyed):
    assert httpx.get(keyed.url + "/api/health", timeout=30).status_code == 200


def test_with_an_api_key_set_the_ui_asks_for_it_before_any_upload(keyed):
    with httpx.Client(base_url=keyed.url, timeout=60) as c:
        upload = c.post("/gradio_api/upload", files={"files": ("cases.yaml", b"cases: []\n")})
        assert upload.status_code == 401
        assert c.get("/config").status_code == 401
        assert c.post("/login", data={"username": "office", "password": "wrong"}).status_code == 400
        assert c.post("/login", data={"username": "office", "password": KEY}).status_code == 200
        assert c.get("/config").status_code == 200
        assert c.post("/gradio_api/upload", files={"files": ("cases.yaml", b"cases: []\n")}).status_code == 200


def test_without_a_key_the_ui_needs_no_login(client):
    assert client.get("/config").status_code == 200
