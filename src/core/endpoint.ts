/** How the generated code describes an operation to ClientCore: the types shared by the request pipeline's parts. */
import type { Schema } from "./schema.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE" | "PATCH" | "HEAD" | "OPTIONS";

/** What execute() hands back: parsed (and validated) data, the unread body, or a JSON answer's text unparsed. */
export type Delivery = "parsed" | "raw" | "text";

/** One operation as the generated code describes it. */
export interface Endpoint {
  /** operationId, used in errors and validation reports. */
  readonly id: string;
  readonly method: HttpMethod;
  /** Template with {name} placeholders, starting with / (joined to the site URL). */
  readonly path: string;
  readonly body?: "json" | "multipart" | "binary" | undefined;
  /** The spec requires the body: a call without one is refused before anything is sent. */
  readonly bodyRequired?: true | undefined;
  /** The method takes a query object (after the body, if any). */
  readonly query?: true | undefined;
  readonly response: "json" | "binary" | "text" | "empty" | "unknown";
  readonly schema?: Schema | undefined;
  /** false: never send the Authorization header (login and friends). */
  readonly auth?: false | undefined;
}

export type Query = Record<string, unknown> | undefined;

/** The path parameters of a call, in template order. */
export type PathParams = readonly (string | number)[] | undefined;
