"""What a format reader hands back: the reconstructed text and what it had to repair or could not read well."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from corpus.importers.layout import Repairs

# progress(stage, done, total): called once per page (or step) so a caller can draw a bar
Progress = Callable[[str, int, int], None]


@dataclass
class LowConfidenceLine:
    page: int
    text: str
    confidence: float


@dataclass
class Extraction:
    text: str
    format: str  # txt, md, pdf, pdf-ocr, pdf+ocr, image, docx, html
    pages: int = 0
    ocr_pages: int = 0
    repairs: Repairs = field(default_factory=Repairs)
    low_confidence: list[LowConfidenceLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # Chinese remarks for the report (e.g. the web page's 文号)
    hints: dict = field(default_factory=dict)  # meta the format itself carries (a web page's 发文字号, title)
