"""The life of a running dossier: review facts, review rules and their evaluation.

Kept light on purpose: :mod:`aidrules.ruleset.compile` imports :mod:`aidrules.lifecycle.spec`
and :mod:`aidrules.lifecycle.compile`, so this package must not import the rule-set compiler.
Use :func:`aidrules.lifecycle.engine.evaluate_review` to review a dossier.
"""
