"""Standalone tools of the project (not Sphinx extensions).

lint         every lint check, one report (make lint)
policy_lint  the policy rules for notices
spelling     configuration of the spelling check
"""
