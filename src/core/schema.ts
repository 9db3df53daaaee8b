/**
 * The runtime schema language of src/generated: the validation keywords of OpenAPI 3.0 schemas (a JSON Schema
 * subset with `nullable`). Generated schemas are plain objects (object literals for matterapi/operations and
 * matterapi/schemas; parsed from JSON text on first use for the client, core/group-tables.ts), compiled to
 * validators on first use (see validation.ts).
 */
export interface Schema {
  /** The component's name, on component schemas. */
  title?: string;
  type?: "string" | "integer" | "number" | "boolean" | "array" | "object";
  nullable?: boolean;
  enum?: readonly unknown[];
  items?: Schema;
  properties?: Readonly<Record<string, Schema>>;
  required?: readonly string[];
  additionalProperties?: Schema;
  allOf?: readonly Schema[];
  oneOf?: readonly Schema[];
  anyOf?: readonly Schema[];
}
