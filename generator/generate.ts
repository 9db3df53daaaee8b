/** The generator as a function: spec path + overlay path in, generated files (and reports) out. */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { checkRefs } from "./check-refs.js";
import { emit, type Files } from "./emit.js";
import { loadSpec } from "./load-spec.js";
import { buildModel, type Model } from "./model.js";
import { applyOverlay, loadOverlay, type OverlayReport } from "./overlay.js";
import { loadServerFacts } from "./server-facts/facts.js";
import { type DriftReport, reconcile, responseRoots } from "./server-facts/reconcile.js";
import { renderReport } from "./server-facts/report.js";

export interface GenerateResult {
  files: Files;
  report: OverlayReport;
  warnings: string[];
  operations: number;
  groups: number;
  schemas: number;
  model: Model;
  /** The spec against the server's structs, when spec/server/ has facts. */
  drift?: DriftReport | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: the patched OpenAPI document.
  document: any;
}

/** Reads the spec, applies the overlay, builds the model and renders every file. */
export function generate(specPath: string, overlayPath: string, emitSpecPath?: string): GenerateResult {
  const { document, duplicates, locate, locationNote } = loadSpec(specPath);
  const overlay = loadOverlay(overlayPath);
  const report = applyOverlay(document, overlay, duplicates, locate);
  // A $ref to nothing would become code that fails to typecheck in many places: stop here and name it.
  checkRefs(document, locate);
  // Server facts live beside the overlay; answers' models follow the server where it and the spec disagree.
  const facts = loadServerFacts(join(dirname(overlayPath), "server"));
  const drift = facts ? reconcile(document, facts, responseRoots(document)) : undefined;
  const model = buildModel(document, overlay, locate);
  const { files, warnings } = emit(model);
  if (facts && drift) files.set("server-drift.md", renderReport(drift, facts.go, facts.models));
  if (emitSpecPath) {
    mkdirSync(dirname(emitSpecPath), { recursive: true });
    writeFileSync(emitSpecPath, JSON.stringify(document));
  }
  return {
    files,
    report,
    warnings: [
      ...(locationNote ? [`spec lines are those of ${basename(specPath)}: ${locationNote}`] : []),
      ...model.warnings,
      ...warnings,
    ],
    operations: model.operations.length,
    groups: model.groups.size,
    schemas: Object.keys(model.schemas).length,
    model,
    drift,
    document,
  };
}

/** Replaces the folder's content with exactly these files. */
export function writeFiles(out: string, files: Files): void {
  rmSync(out, { recursive: true, force: true });
  for (const [name, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const path = join(out, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
}
