// A typed client of the aidrules decision service. The types come from the service's OpenAPI
// document (openapi.json, generated into schema.d.ts by `npm run generate`); openapi-fetch checks
// every path, parameter and body against them at compile time.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

export type Case = components["schemas"]["Case"];
export type Decision = components["schemas"]["Decision"];
export type Problem = components["schemas"]["Problem"];

export function aidrulesClient(baseUrl: string, token?: string) {
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  return createClient<paths>({ baseUrl, headers });
}
