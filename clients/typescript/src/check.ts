// Runs the generated client against a live service (tests/server/test_typescript_client.py):
// health, the rule sets, one decision (as its raw JSON text, to compare byte for byte), an
// invalid case (its diagnostics) and a batch. Prints one JSON object with what it got.
import { readFileSync } from "node:fs";
import { aidrulesClient, type Case, type Decision } from "./client.js";

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

console.log(
  JSON.stringify({
    health: health.data?.status,
    rulesets: (rulesets.data ?? []).map((r) => `${r.id}@${r.version}`),
    decision_status: decided.response.status,
    decision_text: decided.data,
    recommendation: decision?.recommendation,
    invalid_status: invalid.response.status,
    invalid_errors: (problem?.errors ?? []).map((e) => [e.code, e.path]),
  }),
);
