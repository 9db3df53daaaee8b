/** Turning an answer into data or an error: decoding by response kind, JSON validation, and ApiError building. */
import type { ResponseInfo } from "./api-promise.js";
import type { Endpoint } from "./endpoint.js";
import { ApiError, ValidationError } from "./errors.js";
import { INSPECT, namedView, redactHeaders, redactText, redactValue } from "./redact.js";
import type { TransportResponse } from "./transport.js";
import type { ResponseValidator, ValidationMode } from "./validation.js";

/**
 * An answer documented as JSON: parsed and checked against the operation's schema. One that is not JSON (the
 * server disagrees with the docs) comes back as text with a reported issue, or is refused in strict mode.
 */
export function readJson(
  ep: Endpoint,
  text: string,
  contentType: string | undefined,
  mode: ValidationMode,
  validator: ResponseValidator,
): unknown {
  if (text === "") return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    const issue = {
      operation: ep.id,
      schema: ep.schema?.title ?? "JSON",
      path: "",
      schemaPath: "",
      expected: "a JSON body",
      actual: `${contentType ?? "no content type"} (${text.length} bytes)`,
    };
    if (mode === "strict") throw new ValidationError([issue]);
    if (mode === "lenient") validator.report(issue);
    return text;
  }
  if (ep.schema && mode !== "off") validator.check(ep.schema, data, mode, ep.id);
  return data;
}

/** Reads an answer that is not documented as JSON: bytes, text, nothing, or whatever it turns out to be. */
export async function decodeAnswer(res: TransportResponse, ep: Endpoint): Promise<unknown> {
  switch (ep.response) {
    case "binary":
      return res.bytes();
    case "text":
      return res.text();
    case "empty":
      await res.discard();
      return undefined;
    default: {
      const text = await res.text();
      if (text === "") return undefined;
      if (/json/i.test(res.header("content-type") ?? "")) {
        try {
          return JSON.parse(text);
        } catch {
          return text;
        }
      }
      return text;
    }
  }
}

class LazyResponseInfo implements ResponseInfo {
  #res: TransportResponse;
  #headers: Record<string, string> | undefined;
  readonly status: number;
  readonly method: string;
  readonly url: string;
  constructor(res: TransportResponse, method: string, url: string) {
    this.#res = res;
    this.status = res.status;
    this.method = method;
    this.url = url;
  }
  get headers(): Record<string, string> {
    this.#headers ??= this.#res.headers();
    return this.#headers;
  }
  get requestId(): string | undefined {
    return this.#res.header("x-request-id");
  }
  /** For logs: the Token and Set-Cookie headers (a login's answer) masked; `.headers` itself is left whole. */
  toJSON() {
    return {
      status: this.status,
      method: this.method,
      url: this.url,
      requestId: this.requestId,
      headers: redactHeaders(this.headers),
    };
  }
  [INSPECT](): object {
    return namedView("ResponseInfo", this.toJSON());
  }
}

export function responseInfo(res: TransportResponse, method: string, url: string): ResponseInfo {
  return new LazyResponseInfo(res, method, url);
}

/** Reads an error answer into the right ApiError subclass, whatever the body is (AppError JSON, text, HTML, nothing). */
export async function errorFromResponse(
  res: TransportResponse,
  method: string,
  url: string,
  secrets: readonly string[] = [],
): Promise<ApiError> {
  let text = "";
  try {
    text = await res.text();
  } catch {
    // The body is lost; the status still says what happened.
  }
  let body: Record<string, unknown> | undefined;
  if (text) {
    try {
      const parsed = JSON.parse(text);
      // A server may echo the request (its URL, a header) into the message: secrets masked (redact.ts).
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) body = redactValue(parsed, secrets) as never;
    } catch {
      // Not JSON (a proxy's HTML page, the rate limiter's text): kept as text below.
    }
  }
  const trimmed = redactText(text.trim(), secrets);
  return ApiError.from({
    status: res.status,
    method,
    url,
    body,
    text: body ? undefined : trimmed.length > 300 ? `${trimmed.slice(0, 300)}...` : trimmed || undefined,
    headers: res.headers(),
  });
}
