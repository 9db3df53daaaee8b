/** Turns an endpoint's path template and a call's path and query parameters into the URL to send. */

import type { Endpoint, PathParams, Query } from "./endpoint.js";
import { UsageError } from "./errors.js";
import { encodePathSegment } from "./path-segment.js";
import { describe } from "./uploads.js";

/**
 * Templates split once per client and reused: even indices are literal text, odd ones the names of parameters.
 * Keyed by the template string, so every operation sharing a path shares one entry.
 */
export type TemplateCache = Map<string, (string | number)[]>;

/** Builds the URL: path parameters encoded into the template, query parameters appended (undefined skipped). */
export function buildUrl(
  templates: TemplateCache,
  baseUrl: string,
  ep: Endpoint,
  path: PathParams,
  query: Query,
): string {
  let parts = templates.get(ep.path);
  if (!parts) {
    // Even indices are literal text, odd ones the names of parameters.
    parts = ep.path.split(/\{([^}]+)\}/);
    templates.set(ep.path, parts);
  }
  let url = baseUrl;
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 0) {
      url += parts[i];
      continue;
    }
    url += encodePathSegment(ep.id, parts[i] as string, path?.[(i - 1) / 2]);
  }
  if (query) {
    if (typeof query !== "object" || Array.isArray(query)) {
      throw new UsageError(`${ep.id}: query parameters must be an object, got ${describe(query)}`);
    }
    let sep = "?";
    for (const key in query) {
      const value = query[key];
      if (value === undefined || value === null) continue;
      const values = Array.isArray(value) ? value : [value];
      for (const v of values) {
        if (typeof v === "object") throw new UsageError(`${ep.id}: query parameter ${key} cannot be a ${describe(v)}`);
        try {
          url += `${sep}${encodeURIComponent(key)}=${encodeURIComponent(String(v))}`;
        } catch {
          // encodeURIComponent's URIError: a lone surrogate (broken UTF-16) cannot be sent as UTF-8.
          throw new UsageError(`${ep.id}: query parameter ${JSON.stringify(key)} holds a lone surrogate`);
        }
        sep = "&";
      }
    }
  }
  return url;
}
