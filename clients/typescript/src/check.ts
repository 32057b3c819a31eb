// Runs the generated client against a live service (tests/server/test_typescript_client.py):
// health, the rule sets, one decision (as its raw JSON text, to compare byte for byte), the same
// decision in its compact form in nl, fr and en read back with fromCompact, an invalid case (its
// diagnostics) and an unacceptable media type. Prints one JSON object with what it got.
import { readFileSync } from "node:fs";
import { aidrulesClient, COMPACT, fromCompact, type Case, type CompactDecision, type Decision } from "./client.js";

const [baseUrl, caseFile] = process.argv.slice(2);
if (!baseUrl || !caseFile) {
  console.error("usage: node dist/check.js BASE_URL CASE.json  (token in AIDRULES_TOKEN)");
  process.exit(2);
}
const client = aidrulesClient(baseUrl, process.env.AIDRULES_TOKEN);
const facts = JSON.parse(readFileSync(caseFile, "utf-8")) as Case;

const health = await client.GET("/health");
const rulesets = await client.GET("/v1/rulesets");
const decided = await client.POST("/v1/decisions", { body: facts, params: { query: { lang: "fr" } }, parseAs: "text" });
const decision = JSON.parse(decided.data ?? "null") as Decision | null;
const invalid = await client.POST("/v1/decisions", {
  body: { client: { motivation: 9 } } as unknown as Case,
});
const problem = invalid.error as { status?: number; errors?: { code: string; path?: string | null }[] } | undefined;

// The compact form, read back with the rule set's provenance, against the full form in each language.
const compact: Record<string, { status: number; type: string | null; same: boolean; rebuilt: string }> = {};
for (const lang of ["nl", "fr", "en"] as const) {
  const query = { lang };
  const full = await client.POST("/v1/decisions", { body: facts, params: { query }, parseAs: "text" });
  const small = await client.POST("/v1/decisions", {
    body: facts,
    params: { query },
    headers: { Accept: COMPACT },
    parseAs: "text",
  });
  const read = JSON.parse(small.data ?? "null") as CompactDecision;
  const detail = await client.GET("/v1/rulesets/{id}", { params: { path: { id: read.ruleset.id } } });
  const version = (detail.data?.versions ?? []).find((v) => v.version === read.ruleset.version);
  const rebuilt = JSON.stringify(fromCompact(read, version?.provenance ?? {}));
  compact[lang] = {
    status: small.response.status,
    type: small.response.headers.get("content-type"),
    same: rebuilt === JSON.stringify(JSON.parse(full.data ?? "null")),
    rebuilt,
  };
}
const refused = await client.POST("/v1/decisions", { body: facts, headers: { Accept: "text/html" } });
const refusal = refused.error as { errors?: { code: string }[] } | undefined;

console.log(
  JSON.stringify({
    compact,
    unacceptable_status: refused.response.status,
    unacceptable_codes: (refusal?.errors ?? []).map((e) => e.code),
    health: health.data?.status,
    rulesets: (rulesets.data ?? []).map((r) => `${r.id}@${r.version}`),
    decision_status: decided.response.status,
    decision_text: decided.data,
    recommendation: decision?.recommendation,
    invalid_status: invalid.response.status,
    invalid_errors: (problem?.errors ?? []).map((e) => [e.code, e.path]),
  }),
);
