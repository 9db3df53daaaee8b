/**
 * Writes the modules of matterapi/operations: every operation (and iterator) of every group as a function of a
 * client, `getUser(client, "me")`, typed as the client's method with the client in front. Each export is an arrow
 * function over its own endpoint constant, so that a bundler keeps only the operations an app imports (and,
 * through their endpoints, only their response schemas) with no PURE annotation needed: a minified dist/ loses
 * those, and with them every bundler's licence to drop a call. The validated module references each operation's
 * response schema; the unvalidated one leaves every schema out.
 */

import {
  type Arg,
  endpointLiteral,
  HEADER,
  iteratorNames,
  methodArgs,
  methodDoc,
  type PlannedOperation,
} from "./emit.js";
import { cleanDoc, docComment } from "./emit-schema.js";
import { groupClassName, upperFirst } from "./names.js";

export interface FunctionGroup {
  group: string;
  plans: PlannedOperation[];
}

const CLIENT_ARG: Arg = {
  name: "client",
  type: "CoreHolder",
  required: true,
  doc: "The client to call with: `createClient()` of matterapi/core, or an AsyncClient or session.",
};

/**
 * The module's files: one per group (`functions/users.ts`) and an index re-exporting them all, under `folder`.
 * The index exports every name once: where two groups have a method of the same name (the client keeps them apart
 * by group), the later group's function is named `<group>_<method>` and a warning says so.
 */
export function emitFunctions(
  groups: FunctionGroup[],
  validated: boolean,
  folder: string,
  warnings: string[] = [],
): Map<string, string> {
  const files = new Map<string, string>();
  const taken = new Map<string, string>();
  const claim = (name: string, group: string): string => {
    const other = taken.get(name);
    const exported = other ? `${group}_${name}` : name;
    if (other && validated) {
      warnings.push(`matterapi/operations: ${name} is a method of both ${other} and ${group}; exported as ${exported}`);
    }
    taken.set(exported, group);
    return exported;
  };
  for (const { group, plans } of groups)
    files.set(`${folder}/${group}.ts`, emitGroupFunctions(group, plans, validated, claim));
  const index = [
    HEADER,
    validated
      ? "// Every operation as a function of a client, with its response schema (matterapi/operations)."
      : "// Every operation as a function of a client, without response schemas (matterapi/operations/unvalidated).",
    'export type { CoreHolder, Operation } from "../../modular/operation.js";',
    ...groups.map((g) => `export * from "./${g.group}.js";`),
    "",
  ];
  files.set(`${folder}/index.ts`, index.join("\n"));
  return files;
}

function emitGroupFunctions(
  group: string,
  plans: PlannedOperation[],
  validated: boolean,
  claim: (name: string, group: string) => string,
): string {
  const api = groupClassName(group);
  const usesComponents = validated && plans.some((p) => hasSchema(p) && !p.inlineResponse);
  const usesInline = validated && plans.some((p) => hasSchema(p) && p.inlineResponse);
  const usesPages = plans.some((p) => p.op.pager);
  const lines = [
    HEADER,
    `// The operations of client.${group} as functions of a client${validated ? "" : ", without response schemas"}.`,
    `import { call${usesPages ? ", iterate" : ""}, type Operation } from "../../modular/operation.js";`,
    ...(usesComponents ? ['import * as S from "../schemas.js";'] : []),
    ...(usesInline ? ['import * as R from "../response-schemas.js";'] : []),
    `import type { ${api} } from "../groups/${group}.js";`,
    'import type { Endpoint } from "../../core/endpoint.js";',
    "",
  ];
  const iterators = iteratorNames(plans);
  for (const plan of plans) {
    const { op } = plan;
    const name = claim(op.name, group);
    const method = `${api}[${JSON.stringify(op.name)}]`;
    const endpoint = endpointLiteral(plan, validated);
    const doc = methodDoc(op, [CLIENT_ARG, ...methodArgs(plan)], "");
    const constant = `${upperFirst(op.name)}Endpoint`;
    lines.push(`const ${constant}: Endpoint = ${endpoint};`);
    lines.push(
      `${doc}export const ${name} = ((client, ...args) => call(client, ${constant}, args)) as Operation<${method}>;`,
    );
    const iterator = iterators.get(plan);
    if (iterator && op.pager) {
      const iteratorExport = claim(iterator, group);
      const iteratorDoc = docComment(
        [
          `Every item of every page of {@link ${name}}, fetched page by page as you iterate`,
          `(\`client.${group}.${iterator}\`).`,
          op.pager.kind === "cursor"
            ? `Pages follow the \`${op.pager.param}\` cursor${op.pager.in === "body" ? " of the body" : ""}.`
            : "Pages are requested with `page` = 0, 1, 2 ... until a short or empty page.",
          `@param client - ${cleanDoc(CLIENT_ARG.doc).join(" ")}`,
        ].join("\n"),
        "",
      );
      const pager = JSON.stringify(op.pager);
      lines.push(
        `${iteratorDoc}export const ${iteratorExport} = ((client, ...args) => iterate(client, ${constant}, ${pager}, args)) as Operation<${api}[${JSON.stringify(iterator)}]>;`,
      );
    }
    lines.push("");
  }
  return lines.join("\n");
}

function hasSchema(plan: PlannedOperation): boolean {
  return plan.op.response.kind === "json";
}
