"""Drafting a policy pack from a new document's text: award rules proposed in the pack vocabulary, each with its
clause, verbatim source words, conditions, caps, a confidence and the questions left to the policy office; and the
office's review and acceptance of the draft into the corpus."""

from tools.drafting.draft import Draft, draft_text
from tools.drafting.review import (
    AcceptResult,
    DraftError,
    accept_draft,
    check_id,
    prepare_output,
    read_draft,
    set_rule_status,
    suggest_id,
    validate_draft,
)
from tools.drafting.writer import draft_json, rules_dict, write_draft

__all__ = ["AcceptResult", "Draft", "DraftError", "accept_draft", "check_id", "draft_json", "draft_text",
           "prepare_output", "read_draft", "rules_dict", "set_rule_status", "suggest_id", "validate_draft", "write_draft"]
