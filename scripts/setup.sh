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
# Importing scans and building PDF reports: a CJK font (test fixtures, reports), poppler's pdftoppm,
# and the GL/GLib libraries opencv (pulled in by the OCR package) loads.
if ! dpkg -s fonts-wqy-zenhei poppler-utils libgl1 libglib2.0-0 >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "安装中文字体、poppler-utils 及文字识别所需的系统库 …"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      fonts-wqy-zenhei poppler-utils libgl1 libglib2.0-0 >/dev/null
  else
    echo "提示：导入扫描件及其测试需要 fonts-wqy-zenhei、poppler-utils、libgl1、libglib2.0-0（sudo apt-get install …）。" >&2
  fi
fi
# Build the retrieval index now so the first start of the app is quick (it is rebuilt when the corpus changes).
.venv/bin/policy-assistant index build
echo "安装完成。"
