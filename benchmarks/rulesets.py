"""Generated rule sets of any size, to measure how costs grow with the number of rules.

``ruleset_text(n)`` writes a valid rule file with ``n`` conditions (the rules), grouped five by
five into principles, over the same facts as the reference rule set: comparisons with dated
parameters, arithmetic between amounts, yes/no facts, ``in`` lists and an aggregation. The texts
are placeholders; this is load, not policy.

Example:
    >>> from aidrules.ruleset.compile import compile_text
    >>> compile_text(ruleset_text(10)).id
    'generated-10'
"""

from __future__ import annotations

_TEMPLATES = [
    ("client.motivation >= m{i}", "m{i}", "integer", 1),
    ("total_income >= a{i}", "a{i}", "money", "600.00"),
    ("total_debt <= total_income * m{i}", "m{i}", "integer", 24),
    ("client.consents and not client.is_enterprise", None, None, None),
    ("client.budgeting_skills in ['limited', 'adequate'] or client.wants_to_keep_control", None, None, None),
    ("not (any(d.enforcement in ['bailiff', 'seizure'] for d in debts) or signals.income_seized)", None, None, None),
    ("total_income - fixed_costs >= a{i} or client.participates", "a{i}", "money", "150.00"),
]


def _texts(word: str) -> str:
    return f"{{nl: {word}, fr: {word}, en: {word}}}"


def ruleset_text(conditions: int) -> str:
    """A rule file with ``conditions`` conditions (and the principles and forms that use them)."""
    out = [
        "aidrules: 1",
        "ruleset:",
        f"  id: generated-{conditions}",
        '  version: "1"',
        f"  title: {_texts('Generated')}",
        "  effective: {from: 2024-01-01}",
        "parameters:",
    ]
    conds = []
    for i in range(conditions):
        expr, param, typ, value = _TEMPLATES[i % len(_TEMPLATES)]
        if param is not None:
            name = param.format(i=i)
            out += [
                f"  {name}:",
                f"    title: {_texts(name)}",
                f"    type: {typ}",
                f"    policy_choice: {{rationale: {_texts('Generated')}}}",
                f"    values: [{{from: 2024-01-01, value: {value}, source: generated}}]",
            ]
        conds.append((f"c.r{i}", expr.format(i=i)))
    if not any(t[1] for t in _TEMPLATES[: max(1, min(conditions, len(_TEMPLATES)))]):  # pragma: no cover
        raise ValueError("no parameter")
    out += [
        "derived:",
        "  total_income:",
        f"    title: {_texts('Income')}",
        "    type: money",
        "    expr: sum(i.monthly_net for i in incomes)",
        "  fixed_costs:",
        f"    title: {_texts('Costs')}",
        "    type: money",
        "    expr: sum(e.monthly for e in expenses)",
        "  total_debt:",
        f"    title: {_texts('Debt')}",
        "    type: money",
        "    expr: sum(d.amount for d in debts)",
        "conditions:",
    ]
    for cid, expr in conds:
        out += [
            f"  {cid}:",
            f"    title: {_texts(cid)}",
            f'    when: "{expr}"',
            "    source: generated",
            "    explain:",
            f"      if_true: {_texts('holds')}",
            f"      if_false: {_texts('fails')}",
        ]
    principles = [f"p{k}" for k in range((conditions + 4) // 5)]
    out.append("principles:")
    for k, pid in enumerate(principles):
        members = ", ".join(cid for cid, _ in conds[k * 5 : k * 5 + 5])
        out += [
            f"  {pid}:",
            f"    title: {_texts(pid)}",
            f"    description: {_texts(pid)}",
            "    source: generated",
            f"    requires: [{members}]",
        ]
    forms = [
        ("budget_guidance", 1, principles[::2]),
        ("budget_management", 2, principles[1::2] or principles[:1]),
        ("collective_debt_settlement", 3, principles[:1]),
    ]
    out.append("forms:")
    for fid, level, members in forms:
        out += [
            f"  {fid}:",
            f"    title: {_texts(fid)}",
            f"    description: {_texts(fid)}",
            "    source: generated",
            f"    intrusiveness: {level}",
            f"    principles: [{', '.join(members)}]",
        ]
    out += [
        "recommendation:",
        "  hit_policy: first",
        "  rules:",
        *(f"    - {{recommend: {fid}, because: {_texts(fid)}}}" for fid, _, _ in forms),
        "  otherwise: none",
        f"  otherwise_because: {_texts('none')}",
        "",
    ]
    return "\n".join(out)
