"""The policy office's eval suite: case files, the runner, metrics, the HTML report and run-to-run diffs."""

from evals.schema import BUNDLED_CASES, Case, EvalCaseError, Expect, Group, Suite, load_suite

__all__ = ["BUNDLED_CASES", "Case", "EvalCaseError", "Expect", "Group", "Suite", "load_suite"]
