// Types of pack-copy.mjs, for the package test (TypeScript).
export declare const repoRoot: string;
export declare function npmCommand(): [string, string[]];
export declare function npm(args: string[], cwd: string, timeout?: number): Promise<string>;
export interface PackInfo {
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string; size: number }[];
}
export declare function packCopy(into?: string): Promise<{ tarball: string; copy: string; info: PackInfo }>;
export declare function installInto(dir: string, specs: string[]): Promise<string>;
export declare function linkedProject(prefix?: string): string;
