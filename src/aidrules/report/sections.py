"""The yearly report as sections of tables (and charts), one model for every output format."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

from aidrules.report.data import YearFigures
from aidrules.report.texts import text
from aidrules.words import formatting

Cell = int | Decimal | str | None


@dataclass(frozen=True)
class Chart:
    """A bar chart: ``labels`` along one axis, one or more series of counts."""

    title: str
    labels: list[str]
    series: list[tuple[str, list[int]]]
    columns: bool = False  # vertical columns (months) instead of horizontal bars


@dataclass(frozen=True)
class Row:
    key: str  # stable id for the CSV (``forms.budget_guidance``)
    label: str
    values: list[Cell]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    columns: list[str]  # the first is the label column
    rows: list[Row]
    note: str | None = None
    chart: Chart | None = None
    series_keys: list[str] = field(default_factory=list)  # CSV names of the value columns


def month_name(month: int, lang: str) -> str:
    return str(format_date(date(2000, month, 1), format="LLLL", locale=formatting.LOCALES[lang]))


def build_sections(f: YearFigures, lang: str) -> list[Section]:
    """Every section of the report for ``f``, in reading order, texts in ``lang``."""

    def t(key: str, **fields: object) -> str:
        return text(key, lang, **fields)

    forms = f.forms()
    out: list[Section] = []

    average = f.average_months_in_management
    out.append(
        Section(
            "key_figures",
            t("key_figures"),
            [t("figure"), t("count")],
            [
                Row("decisions", t("decisions"), [f.decisions]),
                Row("started", t("files_started"), [f.started_total]),
                Row("refused", t("files_refused"), [f.refused]),
                Row("reviews", t("review_count"), [f.reviews]),
                Row("stopped", t("files_stopped"), [f.stopped_total]),
                Row("phase_outs_started", t("phase_outs"), [f.review_outcomes["start_phase_out"]]),
                Row("step_downs", t("step_downs"), [f.review_outcomes["step_down"]]),
                Row("reviews_late", t("reviews_late"), [f.reviews_late]),
                Row("overdue_at_year_end", t("overdue_year_end"), [f.overdue_at_year_end]),
                Row("average_months_in_management", t("average_management"), [average]),
                Row("drafts_pending", t("drafts"), [f.drafts_pending]),
            ],
            series_keys=["value"],
        )
    )

    form_labels = [f.label(f"forms.{fid}", lang) for fid in forms]
    out.append(
        Section(
            "by_form",
            t("by_form"),
            [t("form"), t("started"), t("stopped")],
            [Row(f"forms.{fid}", f.label(f"forms.{fid}", lang), [f.started[fid], f.stopped[fid]]) for fid in forms],
            chart=Chart(
                t("chart_by_form", year=f.year),
                form_labels,
                [(t("started"), [f.started[x] for x in forms]), (t("stopped"), [f.stopped[x] for x in forms])],
            ),
            series_keys=["started", "stopped"],
        )
    )

    principles = sorted(
        {k.partition(".")[2] for k in f.labels if k.startswith("principles.")} | set(f.principles_not_met)
    )
    rows = [Row(f"principles.{p}", f.label(f"principles.{p}", lang), [f.principles_not_met[p]]) for p in principles]
    rows.sort(key=lambda r: (-int(r.values[0] or 0), r.label))
    out.append(
        Section(
            "principles_not_met",
            t("principles"),
            [t("principle"), t("refused")],
            rows,
            chart=Chart(
                t("chart_principles"), [r.label for r in rows], [(t("refused"), [int(r.values[0] or 0) for r in rows])]
            ),
            series_keys=["refused"],
        )
    )

    rows = []
    for fid in sorted(f.conditions_not_met):
        for cid, count in sorted(f.conditions_not_met[fid].items(), key=lambda kv: (-kv[1], kv[0])):
            label = f"{f.label(f'forms.{fid}', lang)}: {f.label(f'conditions.{cid}', lang)}"
            rows.append(Row(f"forms.{fid}/conditions.{cid}", label, [count]))
    out.append(
        Section(
            "conditions_not_met",
            t("conditions"),
            [f"{t('form')}: {t('condition')}", t("refused")],
            rows,
            note=t("conditions_note"),
            series_keys=["refused"],
        )
    )

    reasons = sorted({k.partition(".")[2] for k in f.labels if k.startswith("stop_reasons.")} | set(f.stop_reasons))
    rows = [Row(f"stop_reasons.{r}", f.label(f"stop_reasons.{r}", lang), [f.stop_reasons[r]]) for r in reasons]
    rows.sort(key=lambda r: (-int(r.values[0] or 0), r.label))
    out.append(
        Section(
            "stop_reasons",
            t("stop_reasons"),
            [t("reason"), t("stopped")],
            rows,
            chart=Chart(
                t("chart_stop_reasons"),
                [r.label for r in rows],
                [(t("stopped"), [int(r.values[0] or 0) for r in rows])],
            ),
            series_keys=["stopped"],
        )
    )

    outcomes = ["continue", "start_phase_out", "step_down", "stop"]
    rows = [Row(f"outcome.{o}", t(f"outcome.{o}"), [f.review_outcomes[o]]) for o in outcomes]
    rows.append(Row("reviews_late", t("reviews_late"), [f.reviews_late]))
    out.append(
        Section(
            "reviews",
            t("reviews"),
            [t("outcome"), t("count")],
            rows,
            chart=Chart(
                t("chart_reviews"),
                [r.label for r in rows[:4]],
                [(t("review_count"), [int(r.values[0] or 0) for r in rows[:4]])],
            ),
            series_keys=["count"],
        )
    )

    months = sorted(f.management_months)
    out.append(
        Section(
            "management_time",
            t("management_time"),
            [t("figure"), t("count")],
            [
                Row("management_exits", t("management_exits"), [len(months)]),
                Row("average_months_in_management", t("average_management"), [average]),
                Row("shortest_months", t("shortest"), [months[0] if months else None]),
                Row("longest_months", t("longest"), [months[-1] if months else None]),
            ],
            note=t("management_note"),
            series_keys=["value"],
        )
    )

    keys = ["started", "refused", "stopped"]
    rows = [
        Row(f"month.{m:02d}", month_name(m, lang), [f.per_month[m][k] if m in f.per_month else 0 for k in keys])
        for m in range(1, 13)
    ]
    out.append(
        Section(
            "per_month",
            t("per_month"),
            [t("month"), t("started"), t("refused"), t("stopped")],
            rows,
            chart=Chart(
                t("chart_per_month"),
                [r.label[:3] for r in rows],
                [(t(k), [int(r.values[i] or 0) for r in rows]) for i, k in enumerate(keys)],
                columns=True,
            ),
            series_keys=keys,
        )
    )

    versions = sorted(f.per_ruleset)
    rows = [Row(f"ruleset.{v}", v, [f.per_ruleset[v]["decision"], f.per_ruleset[v]["review"]]) for v in versions]
    out.append(
        Section(
            "per_ruleset",
            t("per_ruleset"),
            [t("version"), t("decisions"), t("review_count")],
            rows,
            chart=Chart(
                t("chart_per_ruleset"),
                versions,
                [
                    (t("decisions"), [f.per_ruleset[v]["decision"] for v in versions]),
                    (t("review_count"), [f.per_ruleset[v]["review"] for v in versions]),
                ],
            ),
            series_keys=["decisions", "reviews"],
        )
    )
    return out


def cell_text(value: Cell, lang: str) -> str:
    """A table cell for a reader: Belgian number formatting, a dash for no value."""
    if value is None:
        return text("none_value", lang)
    if isinstance(value, Decimal):
        places = max(0, -int(value.as_tuple().exponent))
        pattern = "#,##0" + ("." + "0" * places if places else "")
        return str(format_decimal(value, format=pattern, locale=formatting.LOCALES[lang]))
    if isinstance(value, int):
        return formatting.number(value, lang)
    return value
