// A typed client of the aidrules decision service. The types come from the service's OpenAPI
// document (openapi.json, generated into schema.d.ts by `npm run generate`); openapi-fetch checks
// every path, parameter and body against them at compile time.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

export type Case = components["schemas"]["Case"];
export type Decision = components["schemas"]["Decision"];
export type CompactDecision = components["schemas"]["CompactDecision"];
export type Reason = components["schemas"]["Reason"];
export type Problem = components["schemas"]["Problem"];

/** The media type of a decision's compact form: send it as `Accept` to `POST /v1/decisions`. */
export const COMPACT = "application/vnd.aidrules.decision.compact+json";
/** The `form` field that opens every compact decision. */
export const COMPACT_FORM = "aidrules.decision.compact/1";

export function aidrulesClient(baseUrl: string, token?: string) {
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  return createClient<paths>({ baseUrl, headers });
}

/**
 * The full decision of a compact one (what `POST /v1/decisions` answers without the compact
 * `Accept`), with the same fields in the same order: every list of indexes into `reason_table`
 * becomes the list of those reasons, and `provenance` is the rule set's map, which the compact
 * form leaves out (`GET /v1/rulesets/{id}`: the `provenance` of the version in `ruleset.version`).
 * Throws on anything that is not a compact decision, or an index outside the table.
 */
export function fromCompact(compact: CompactDecision, provenance: Record<string, string>): Decision {
  if (compact.form !== COMPACT_FORM) {
    throw new Error(`not a compact decision (expected "form": "${COMPACT_FORM}")`);
  }
  const table = compact.reason_table;
  const deref = (indexes: number[]): Reason[] =>
    indexes.map((i) => {
      const reason = table[i];
      if (reason === undefined) throw new Error(`reason ${i} is not in reason_table (${table.length} reasons)`);
      return reason;
    });
  const results = <S>(items: Record<string, { status: S; reasons: number[] }>) =>
    Object.fromEntries(
      Object.entries(items).map(([key, r]) => [key, { status: r.status, reasons: deref(r.reasons) }]),
    );
  return {
    recommendation: compact.recommendation,
    forms: results(compact.forms),
    principles: results(compact.principles),
    actions: compact.actions.map((a) => ({ id: a.id, status: a.status, values: a.values, reasons: deref(a.reasons) })),
    missing_facts: compact.missing_facts,
    values: compact.values,
    ruleset: compact.ruleset,
    on: compact.on,
    lang: compact.lang,
    reasons: deref(compact.reasons),
    provenance: { ...provenance },
  };
}
