"""The plumbing of rulepath: load a case, ground the rule pack once, solve, decode, explain.

No legal condition is written here; the law lives in the rule packs under ``logic/``.
"""
