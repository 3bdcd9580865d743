"""Small pieces of the web UI: chat bubbles shown as typed, clause references told from keywords, relevant hits."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from webapp.render import plain_message
from webapp.ui import looks_like_reference, relevant_hits

ROOT = Path(__file__).resolve().parents[1]


def test_a_chat_bubble_escapes_html_and_markdown_images():
    out = plain_message("<b>粗体</b><img src=http://example.invalid/x.png> ![x](http://example.invalid/y.png)")
    assert "<b>" not in out and "<img" not in out and "&lt;b&gt;" in out
    assert "![" not in out and "\\!\\[x\\]" in out


def test_clause_numbers_in_any_notation_are_references_and_words_are_not():
    for ref in ("4.3.5", "9.9", "四（三）5", "第四部分第（三）项第5条", "longnan-2022-40#4.3.1"):
        assert looks_like_reference(ref), ref
    for words in ("上云补贴", "二级节点补助", "申报材料"):
        assert not looks_like_reference(words), words


def test_a_hit_must_contain_most_of_the_querys_words_to_be_shown():
    hits = [{"text": "鼓励支持工业企业上云，根据企业上云的不同阶段给予补贴", "heading_path": [], "units": []},
            {"text": "对规模以上企业已竣工的技改项目给予奖补", "heading_path": [], "units": []}]
    assert relevant_hits("上云补贴", hits) == hits[:1]
    assert relevant_hits("火星移民补贴", hits) == []
    assert relevant_hits("多少", hits) == []  # nothing but question words


def chat(text: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli", "chat", "--no-llm"], input=text, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_the_cli_chat_ends_on_exit_quit_or_tuichu():
    for word in ("退出", "exit", "quit", "QUIT"):
        result = chat(f"{word}\n上云补贴比例是多少？\n")
        assert result.returncode == 0, result.stderr
        assert "四（三）5" not in result.stdout, word  # nothing after the exit word was answered


def test_the_greeting_lists_its_examples_once_and_not_as_facts_still_needed():
    result = chat("你好\n退出\n")
    assert result.returncode == 0, result.stderr
    assert "还需了解" not in result.stdout
    assert result.stdout.count("上云补贴比例是多少？") == 1


# ---------------------------------------------------------------- the calculator form, generated from the pack
from decimal import Decimal  # noqa: E402

import pytest  # noqa: E402

from corpus import default_corpus  # noqa: E402
from tools.errors import ProfileError  # noqa: E402
from tools.sheet import input_specs  # noqa: E402
from webapp.calcform import ITEMS, TRI, UNKNOWN, form_fields, form_profile, form_sections  # noqa: E402

DOCS = [d.id for d in default_corpus()]


def fields_of(doc_id: str):
    return form_fields(form_sections(input_specs(doc_id)))


def blank_values(fields):
    return [f.blank for f in fields]


@pytest.mark.parametrize("doc_id", DOCS)
def test_every_declared_input_of_a_pack_has_a_field_with_an_id_made_from_its_path(doc_id):
    specs = input_specs(doc_id)
    fields = fields_of(doc_id)
    leaves = [p for p, s in specs.items() if not s.fields]
    shown = [f.path for f in fields]
    for path in leaves:
        in_list = specs[path.split(".")[0]].type == "list"
        assert shown.count(path) == (ITEMS if in_list else 1), path
    ids = [f.elem_id for f in fields]
    assert len(ids) == len(set(ids))
    for f in fields:
        assert f.elem_id.startswith("calc-field-") and "." not in f.elem_id
        assert f.label.startswith(f.spec.label)


@pytest.mark.parametrize("doc_id", DOCS)
def test_a_blank_form_gives_an_empty_profile_for_every_document(doc_id):
    fields = fields_of(doc_id)
    assert form_profile(fields, blank_values(fields)) == {}


def test_yes_no_fields_offer_unfilled_which_stays_unknown_and_never_becomes_no():
    fields = {f.elem_id: f for f in fields_of("longnan-2022-40")}
    above = fields["calc-field-above_scale"]
    assert above.widget == "tri" and [v for _, v in above.choices] == TRI and above.blank == UNKNOWN
    assert form_profile([above], [UNKNOWN]) == {}
    assert form_profile([above], ["否"]) == {"above_scale": False}
    assert form_profile([above], ["是"]) == {"above_scale": True}


def test_the_filled_longnan_form_becomes_its_design_profile_with_amounts_read_as_yuan():
    fields = fields_of("longnan-2022-40")
    values = {"calc-field-above_scale": "是", "calc-field-projects-1-equipment": "1200万",
              "calc-field-projects-1-completed": "是", "calc-field-projects-1-in_national_stats": "否",
              "calc-field-titles": ["service_city"], "calc-field-cloud-infrastructure": "10万",
              "calc-field-node-investment": "80万", "calc-field-node-registered_in_longnan": "是",
              "calc-field-local_tax_retained": "0.5亿", "calc-field-stacking": "highest"}
    prof = form_profile(fields, values)
    assert prof == {
        "above_scale": True,
        "projects": [{"equipment": Decimal("12000000"), "completed": True, "in_national_stats": False}],
        "titles": ["service_city"],
        "cloud": {"infrastructure": Decimal("100000")},
        "node": {"investment": Decimal("800000"), "registered_in_longnan": True},
        "local_tax_retained": Decimal("50000000"),
        "stacking": "highest",
    }


def test_a_second_item_filled_alone_becomes_the_only_item_of_the_list():
    fields = fields_of("longnan-2022-40")
    prof = form_profile(fields, {"calc-field-projects-2-equipment": "600万"})
    assert prof == {"projects": [{"equipment": Decimal("6000000")}]}
    both = form_profile(fields, {"calc-field-projects-1-equipment": "1", "calc-field-projects-2-completed": "是"})
    assert both["projects"] == [{"equipment": Decimal("1")}, {"completed": True}]


def test_titles_are_ticked_by_their_chinese_labels_and_a_choice_may_stay_unfilled():
    fields = {f.elem_id: f for f in fields_of("nankang-2023-15")}
    titles = fields["calc-field-smart_titles"]
    assert titles.widget == "options" and ("省级智能工厂", "smart_factory_provincial") in titles.choices
    rating = fields["calc-field-lianghua_rating"]
    assert rating.widget == "choice" and (UNKNOWN, UNKNOWN) in rating.choices and rating.blank == UNKNOWN
    assert form_profile([titles, rating], [["digital_workshop_city"], UNKNOWN]) == {
        "smart_titles": ["digital_workshop_city"]}
    assert form_profile([titles, rating], [[], "AA"]) == {"lianghua_rating": "AA"}


def test_dates_rates_and_quantities_are_read_in_the_packs_units():
    nankang = fields_of("nankang-2023-15")
    prof = form_profile(nankang, {"calc-field-smart_projects-1-start_date": "2023年3月",
                                  "calc-field-loans-1-lpr": "3.55%", "calc-field-loans-1-term": "2年"})
    assert str(prof["smart_projects"][0]["start_date"]) == "2023-03"
    assert prof["loans"] == [{"lpr": Decimal("0.0355"), "term": Decimal("24")}]
    anyuan = fields_of("anyuan-2021-9")
    prof = form_profile(anyuan, {"calc-field-pv_projects-1-capacity": "1.5兆瓦", "calc-field-design_products": "2"})
    assert prof == {"design_products": Decimal("2"), "pv_projects": [{"capacity": Decimal("1500.0")}]}


def test_an_unreadable_amount_is_refused_naming_the_field_and_what_was_typed():
    fields = fields_of("longnan-2022-40")
    with pytest.raises(ProfileError) as e:
        form_profile(fields, {"calc-field-projects-1-equipment": "很多钱"})
    assert "很多钱" in str(e.value) and "购买设备投资额" in str(e.value) and "projects" not in str(e.value)


@pytest.mark.parametrize("doc_id", DOCS)
def test_what_the_form_gives_is_a_valid_profile_of_its_document(doc_id):
    from tools.profile import Profile

    fields = fields_of(doc_id)
    values = []
    for f in fields:
        if f.widget == "tri":
            values.append("是")
        elif f.widget == "options":
            values.append([v for _, v in f.choices][:1])
        elif f.widget == "choice":
            values.append(f.choices[0][1])
        else:
            values.append({"amount": "100万", "rate": "3%", "date": "2023-05-01", "number": "2", "quantity": "3"}
                          .get(f.spec.type, "某某"))
    prof = form_profile(fields, values)
    Profile.from_dict(prof, doc_id)  # raises if the form produced anything the pack does not declare


def test_the_document_picker_lists_every_loaded_document_default_first_by_its_number_and_title():
    from webapp.services import Services
    from webapp.ui import document_choices

    services = Services()
    choices = document_choices(services)
    assert [v for _, v in choices][0] == services.corpus.default_document.id
    assert sorted(v for _, v in choices) == sorted(DOCS)
    for label, value in choices:
        doc = services.corpus.document(value)
        assert label == f"{doc.doc_number}《{doc.title}》"


def test_the_chat_examples_are_the_packs_own_a_few_from_each_default_first():
    from corpus.packs import pack_for
    from webapp.services import Services
    from webapp.ui import chat_examples, ordered_documents

    services = Services()
    examples = chat_examples(services)
    docs = ordered_documents(services)
    first = list(pack_for(docs[0]).lexicon.examples)
    assert examples[0] == first[0]
    for doc in docs:
        own = list(pack_for(doc).lexicon.examples)
        assert own and own[0] in examples  # every document contributes
    every = {q for d in docs for q in pack_for(d).lexicon.examples}
    assert set(examples) <= every and len(examples) < len(every)


def test_quick_replies_answer_a_yes_no_fact_and_leave_figures_to_the_box():
    from webapp.ui import quick_replies

    assert quick_replies({"fact": "completed", "kind": "bool", "question": "是否已竣工？"}) == ["是", "否"]
    assert quick_replies({"fact": "local_tax_retained", "kind": "amount", "question": "是多少？"}) == []
    assert quick_replies(None) == []
