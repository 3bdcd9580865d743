#!/usr/bin/env bash
# One-time setup: a virtual environment in .venv with the project and its test tools,
# plus Debian's chromium for the browser tests. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
# torch first and pinned: 2.13.0 is a CPU build on this machine's disk; an unpinned one pulls CUDA.
.venv/bin/python -m pip install -q torch==2.13.0
.venv/bin/python -m pip install -q -e '.[dev]'
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "安装浏览器测试所需的 chromium …"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "提示：浏览器测试需要 Debian 的 chromium（sudo apt-get install chromium）。" >&2
  fi
fi
# The printable 测算单 embeds a CJK TrueType font (fonts-wqy-zenhei); its tests read PDFs back with poppler-utils.
if [ ! -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || ! command -v pdftotext >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "安装测算单所需的中文字体与 PDF 工具（fonts-wqy-zenhei、poppler-utils）…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei poppler-utils >/dev/null
  else
    echo "提示：测算单 PDF 需要中文字体，测试需要 PDF 工具（sudo apt-get install fonts-wqy-zenhei poppler-utils）。" >&2
  fi
fi
# Build the retrieval index now so the first start of the app is quick (it is rebuilt when the corpus changes).
.venv/bin/policy-assistant index build
echo "安装完成。"
