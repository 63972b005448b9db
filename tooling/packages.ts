// Packs the three npm packages the way `npm publish` would (each package's prepack/prepare cleans and builds it
// first), so the consumer tests and a person trying the packages install exactly what a registry would serve. Tests
// take the tarballs from packedPackages(): packed once per change of the packages' inputs, and shared by every spec,
// process and rerun until those inputs change.
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

export const REPO_ROOT = path.resolve(__dirname, "..");

/** The npm packages this repository publishes, by directory. */
export const PACKAGE_DIRECTORIES = ["components", "worker", "policy"] as const;
export type PackageDirectory = (typeof PACKAGE_DIRECTORIES)[number];

export interface PackedPackage {
    directory: PackageDirectory;
    name: string;
    version: string;
    /** Absolute path of the .tgz. */
    tarball: string;
    /** Bytes of the tarball. */
    size: number;
}

interface NpmPackResult {
    name: string;
    version: string;
    filename: string;
    size: number;
}

/** `npm pack` of one package into `destination`. */
function packPackage(directory: PackageDirectory, destination: string): PackedPackage {
    const output = execFileSync("npm", ["pack", "--json", "--pack-destination", destination], {
        cwd: path.join(REPO_ROOT, directory),
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
    });
    // npm prints the build's own output before the JSON when a lifecycle script writes to stdout.
    const [result] = JSON.parse(output.slice(output.indexOf("[\n"))) as NpmPackResult[];
    return {
        directory,
        name: result.name,
        version: result.version,
        tarball: path.join(destination, result.filename),
        size: result.size,
    };
}

export function packAll(destination: string): PackedPackage[] {
    fs.mkdirSync(destination, { recursive: true });
    return PACKAGE_DIRECTORIES.map((directory) => packPackage(directory, destination));
}

/** Where packed tarballs are kept between runs: one directory per hash of the packages' inputs. */
const PACK_CACHE = path.join(REPO_ROOT, "node_modules", ".cache", "background-worker-packs");
/** A packing process that has held the lock this long is taken to have died. */
const STALE_LOCK_MS = 10 * 60_000;
const MANIFEST = "packed.json";
/** Never part of a tarball's inputs: build output, installs, and tarballs themselves. */
const NOT_INPUTS = new Set(["dist", "node_modules", "packs"]);

function hashTree(hash: crypto.Hash, directory: string): void {
    for (const entry of fs
        .readdirSync(directory, { withFileTypes: true })
        .sort((a, b) => a.name.localeCompare(b.name))) {
        const full = path.join(directory, entry.name);
        if (entry.isDirectory() && !NOT_INPUTS.has(entry.name)) {
            hashTree(hash, full);
        } else if (entry.isFile() && !entry.name.endsWith(".tgz")) {
            hash.update(path.relative(REPO_ROOT, full)).update("\0").update(fs.readFileSync(full)).update("\0");
        }
    }
}

/**
 * A hash of everything the three tarballs are built from: each package's files but its build output, the contract
 * compiled into each, the shared compiler options, the lock files (they pin the compiler) and Node's version.
 */
export function packInputsHash(): string {
    const hash = crypto.createHash("sha256").update(process.version);
    for (const directory of [...PACKAGE_DIRECTORIES, "contract"]) {
        hashTree(hash, path.join(REPO_ROOT, directory));
    }
    for (const file of ["tsconfig.base.json", "package-lock.json"]) {
        hash.update(file).update(fs.readFileSync(path.join(REPO_ROOT, file)));
    }
    return hash.digest("hex").slice(0, 16);
}

function readManifest(directory: string): PackedPackage[] | undefined {
    const manifest = path.join(directory, MANIFEST);
    if (!fs.existsSync(manifest)) {
        return undefined;
    }
    const packed = JSON.parse(fs.readFileSync(manifest, "utf8")) as PackedPackage[];
    return packed.map((entry) => ({ ...entry, tarball: path.join(directory, path.basename(entry.tarball)) }));
}

function sleep(milliseconds: number): void {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, milliseconds);
}

/**
 * The three packages, packed once for the current inputs (packInputsHash) and kept under node_modules/.cache: the
 * first caller packs, under a lock, and every later caller (another spec, another process, a rerun) gets the same
 * tarballs. Packing rebuilds each package's dist/, so call it before starting anything that loads a package's build
 * output, as the test runner does (scripts/test.ts).
 */
export function packedPackages(): PackedPackage[] {
    const directory = path.join(PACK_CACHE, packInputsHash());
    const lock = `${directory}.lock`;
    fs.mkdirSync(PACK_CACHE, { recursive: true });
    for (;;) {
        const cached = readManifest(directory);
        if (cached) {
            return cached;
        }
        try {
            fs.mkdirSync(lock);
            break;
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
                throw error;
            }
            if (Date.now() - fs.statSync(lock).mtimeMs > STALE_LOCK_MS) {
                fs.rmSync(lock, { recursive: true, force: true });
            } else {
                sleep(500);
            }
        }
    }
    try {
        const staging = `${directory}.${process.pid}`;
        fs.rmSync(staging, { recursive: true, force: true });
        const packed = packAll(staging);
        fs.writeFileSync(path.join(staging, MANIFEST), `${JSON.stringify(packed, null, 2)}\n`);
        fs.renameSync(staging, directory);
        // Older inputs' tarballs are not needed again.
        for (const entry of fs.readdirSync(PACK_CACHE)) {
            if (entry !== path.basename(directory) && !entry.endsWith(".lock")) {
                fs.rmSync(path.join(PACK_CACHE, entry), { recursive: true, force: true });
            }
        }
        return readManifest(directory) ?? packed;
    } finally {
        fs.rmSync(lock, { recursive: true, force: true });
    }
}
