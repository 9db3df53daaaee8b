/** The generator as a function: spec path + overlay path in, generated files (and reports) out. */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { emit, type Files } from "./emit.js";
import { loadSpec } from "./load-spec.js";
import { buildModel, type Model } from "./model.js";
import { applyOverlay, loadOverlay, type OverlayReport } from "./overlay.js";

export interface GenerateResult {
  files: Files;
  report: OverlayReport;
  warnings: string[];
  operations: number;
  groups: number;
  schemas: number;
  model: Model;
  // biome-ignore lint/suspicious/noExplicitAny: the patched OpenAPI document.
  document: any;
}

/** Reads the spec, applies the overlay, builds the model and renders every file. */
export function generate(specPath: string, overlayPath: string, emitSpecPath?: string): GenerateResult {
  const { document, duplicates } = loadSpec(specPath);
  const overlay = loadOverlay(overlayPath);
  const report = applyOverlay(document, overlay, duplicates);
  const model = buildModel(document, overlay);
  const { files, warnings } = emit(model);
  if (emitSpecPath) {
    mkdirSync(dirname(emitSpecPath), { recursive: true });
    writeFileSync(emitSpecPath, JSON.stringify(document));
  }
  return {
    files,
    report,
    warnings: [...model.warnings, ...warnings],
    operations: model.operations.length,
    groups: model.groups.size,
    schemas: Object.keys(model.schemas).length,
    model,
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
