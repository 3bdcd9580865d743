"""`python -m cli` runs the policy-assistant command line."""

from cli import main

main()
