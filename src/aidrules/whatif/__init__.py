"""The what-if toolkit: what a rule reads, where its outcome flips, which cases to try, re-evaluation.

One home for the knowledge that explanations (:mod:`aidrules.explain`), the static checks
(:mod:`aidrules.analysis`) and ``aidrules diff`` (:mod:`aidrules.registry.diff`) need about a
compiled rule set:

- **reads**: which facts, parameters and named values a rule depends on is the compiler's
  dependency graph, ``rs.graph`` (:mod:`aidrules.ruleset.graph`); :mod:`~aidrules.whatif.reads`
  lists the expressions that take part in a decision and the constants written in them;
- **thresholds**: :mod:`~aidrules.whatif.thresholds` (a fact compared with a bound that does not
  depend on the case; values to try around it) and :mod:`~aidrules.whatif.flips` (where a
  condition flips when one number fact of a case moves, by bisection);
- **case space**: :mod:`~aidrules.whatif.space`, the values worth trying per fact, from the fact
  schema and the rule set's constants;
- **re-evaluation**: :mod:`~aidrules.whatif.reevaluate` evaluates copies of a case changed with the
  one case editor, :func:`aidrules.facts.paths.apply`.

Every "what if" claim is the outcome of a real evaluation; the searches only choose what to try.
"""
