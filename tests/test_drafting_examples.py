"""An accepted draft answers the documents' worked examples exactly (../shared/policy/README.md): all 12 of
anyuan-2021-9, and those of nankang-2023-15 and longnan-2022-40 the draft's inputs can state, on the draft's own input
names. The drafts are accepted as drafted (every rule still 待审核), so this is what the drafter alone achieves."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import yaml

from corpus import default_corpus, load_document
from corpus.packs import load_pack
from tools.calculator import evaluate_pack
from tools.drafting import accept_draft, draft_text, write_draft
from tools.params import parse_parameters

IN_FORCE = date(2023, 6, 30)  # anyuan's examples are computed while the document was in force
TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def accepted(tmp_path_factory):
    """doc id → (pack, parameters) of its draft, installed through accept_draft into a fresh data directory."""
    root = tmp_path_factory.mktemp("drafts")
    out = {}
    for doc_id in ("anyuan-2021-9", "nankang-2023-15", "longnan-2022-40"):
        new_id = f"{doc_id}-draft"
        write_draft(draft_text(default_corpus().document(doc_id).source, new_id), root / "drafts" / new_id)
        folder = accept_draft(root / "drafts" / new_id, root / "corpus").folder
        pack = load_pack(folder, load_document(folder))
        params = parse_parameters(yaml.safe_load((folder / "rules.yaml").read_text(encoding="utf-8")), new_id)
        out[doc_id] = (pack, params)
    return out


def total(accepted, doc_id: str, profile: dict, day: date) -> Decimal:
    pack, params = accepted[doc_id]
    return evaluate_pack(pack, params, profile, day).total


ANYUAN_PLACE = {"registered_place": "安远县"}
ANYUAN = [
    ("1 one title: provincial green factory", {"r3_1_1_titles": ["provincial"]}, IN_FORCE, 200000),
    ("2 two levels: cumulative by default", {"r3_1_1_titles": [{"id": "city", "date": "2021-06"},
                                                                {"id": "provincial", "date": "2023-03"}]}, IN_FORCE, 250000),
    ("2 two levels: highest when chosen", {"r3_1_1_titles": [{"id": "city", "date": "2021-06"},
                                                              {"id": "provincial", "date": "2023-03"}],
                                           "stacking": "highest"}, IN_FORCE, 200000),
    ("3 four design products", {"r3_1_2_count": 4}, IN_FORCE, 120000),
    ("3 seven design products capped", {"r3_1_2_count": 7}, IN_FORCE, 150000),
    ("4 cumulative cap after 9万 received", {"r3_1_2_count": 3, "r3_1_2_received": "9万"}, IN_FORCE, 60000),
    ("5 saving below the threshold", {"r3_2_items": [{"min": 480, "base": "600万"}]}, IN_FORCE, 0),
    ("6 saving exactly at the threshold", {"r3_2_items": [{"min": 500, "base": "650万"}]}, IN_FORCE, 520000),
    ("7 energy base and per-project cap", {"r3_2_items": [{"min": 1200, "base": "1500万"}]}, IN_FORCE, 800000),
    ("8 rooftop PV 1,800 kW", {"r3_3_items": [{"count": 1800}]}, IN_FORCE, 180000),
    ("8 rooftop PV 3.5 MW capped", {"r3_3_items": [{"count": "3.5MW"}]}, IN_FORCE, 300000),
    ("9 clean production fee 7.6万", {"r3_4_base": "7.6万", "r3_4_c2": True}, IN_FORCE, 38000),
    ("9 clean production fee 12万 capped", {"r3_4_base": "12万", "r3_4_c2": True}, IN_FORCE, 50000),
    ("10 county contribution caps the sum", {"r3_1_1_titles": ["provincial"], "r3_3_items": [{"count": 2000}],
                                             "document_cap_base": "32万"}, IN_FORCE, 320000),
    ("11 contribution 0 pays 0", {"r3_1_1_titles": ["provincial"], "r3_3_items": [{"count": 2000}],
                                  "document_cap_base": 0}, IN_FORCE, 0),
    ("11 contribution unknown: uncapped", {"r3_1_1_titles": ["provincial"], "r3_3_items": [{"count": 2000}]},
     IN_FORCE, 400000),
    ("12 city title of 2021-03 covered by the 2021-01-01 window", {"r3_1_1_titles": [{"id": "city", "date": "2021-03"}]},
     date(2021, 6, 30), 50000),
    ("12 PV connected in 2024-05 is outside the validity", {"r3_3_items": [{"count": 1800, "event_date": "2024-05"}]},
     IN_FORCE, 0),
    ("12 today the document has expired", {"r3_1_1_titles": ["provincial"]}, TODAY, 0),
]


@pytest.mark.parametrize(("name", "profile", "day", "expected"), ANYUAN, ids=[c[0] for c in ANYUAN])
def test_the_accepted_anyuan_draft_answers_its_worked_example(accepted, name, profile, day, expected):
    assert total(accepted, "anyuan-2021-9", {**ANYUAN_PLACE, **profile}, day) == Decimal(expected)


def test_the_accepted_anyuan_draft_says_the_document_has_expired_today(accepted):
    pack, params = accepted["anyuan-2021-9"]
    result = evaluate_pack(pack, params, {"r3_1_1_titles": ["provincial"]}, TODAY)
    assert result.doc_status == "expired" and "本文件已于2023年12月31日失效" in result.notes[0]


def test_the_stacking_question_of_the_draft_is_stated_with_the_amount(accepted):
    pack, params = accepted["anyuan-2021-9"]
    result = evaluate_pack(pack, params, {"r3_1_1_titles": ["city", "provincial"]}, IN_FORCE)
    item = next(i for i in result.items if i.rule == "r3_1_1")
    assert "文件未明确不同级别绿色工厂奖励能否叠加，以县工信局解释为准" in item.notes
    assert "ambiguity:stacking" in result.flags


NANKANG = [
    ("1 below the 200万 threshold", {"r2_items": [{"base": "180万"}]}, 0),
    ("1 started in 2022", {"r2_items": [{"base": "900万", "start_date": "2022-11"}]}, 0),
    ("2 at the threshold", {"r2_items": [{"base": "200万"}]}, 200000),
    ("3 across the band edge", {"r2_items": [{"base": "520万"}]}, 516000),
    ("3 one yuan over 500万", {"r2_items": [{"base": 5000001}]}, Decimal("500000.08")),
    ("4 base, not total", {"r2_items": [{"base": "1200万"}]}, 1060000),
    ("5 per-project cap", {"r2_items": [{"base": "3000万"}]}, 2000000),
    ("6 annual enterprise cap", {"r2_items": [{"base": "2600万"}, {"base": "1300万"}, {"base": "160万"}]}, 3000000),
    ("7 top-up from city workshop", {"r3_titles": ["provincial"], "r3_before": ["city"]}, 800000),
    ("7 highest of two", {"r3_titles": ["provincial_2", "city"]}, 500000),
    ("8 network 45万", {"r4_items": [{"base": "45万"}]}, 0),
    ("8 network 199.99万 whole-amount", {"r4_items": [{"base": 1999900}]}, 299985),
    ("8 network 200万", {"r4_items": [{"base": "200万"}]}, 400000),
    ("8 network capped", {"r4_items": [{"base": "350万"}]}, 600000),
    ("9 subscriptions", {"r5_base": "45万"}, 135000),
    ("9 subscriptions capped", {"r5_base": "90万"}, 200000),
    ("10 loan on the LPR", {"r6_items": [{"principal": "4000万", "reference_rate": "3.55%", "actual_rate": "4.20%"}]},
     710000),
    ("10 loan on a lower contract rate", {"r6_items": [{"principal": "4000万", "reference_rate": "3.55%",
                                                        "actual_rate": "3.30%"}]}, 660000),
    ("10 loan capped", {"r6_items": [{"principal": "6500万", "reference_rate": "3.55%", "actual_rate": "3.90%"}]},
     1000000),
    ("10 fourth year of a loan", {"r6_items": [{"principal": "4000万", "reference_rate": "3.55%", "year": 4}]}, 0),
    ("11 first AA", {"r7_1_grade": "AA"}, 100000),
    ("11 diagnosis paid up to 2万", {"r7_2_base": "2.8万"}, 20000),
    ("11 second diagnosis", {"r7_2_base": "2.8万", "r7_2_c1": False}, 0),
]


@pytest.mark.parametrize(("name", "profile", "expected"), NANKANG, ids=[c[0] for c in NANKANG])
def test_the_accepted_nankang_draft_answers_its_worked_example(accepted, name, profile, expected):
    assert total(accepted, "nankang-2023-15", {"registered_place": "南康区", **profile}, TODAY) == Decimal(expected)


def test_the_accepted_longnan_draft_pays_6_percent_of_12_million_of_equipment(accepted):
    profile = {"r4_3_1_items": [{"base": "1200万"}], "r4_3_3_titles": ["national", "provincial"],
               "document_cap_base": "50万"}
    assert total(accepted, "longnan-2022-40", profile, TODAY) == Decimal(500000)  # 72万 + 23万, capped by the tax
    assert total(accepted, "longnan-2022-40", {"r4_3_1_items": [{"base": "3400万"}]}, TODAY) == Decimal(2000000)
    assert total(accepted, "longnan-2022-40", {"r4_3_1_items": [{"base": "499万"}]}, TODAY) == Decimal(0)
