// Packs the three npm packages the way `npm publish` would (each package's prepack/prepare builds it first), so the
// consumer tests and a person trying the packages install exactly what a registry would serve.
//   npm run pack -- [DIRECTORY]     (default: ./packs)
import { execFileSync } from "child_process";
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

if (require.main === module) {
    const destination = path.resolve(process.argv[2] ?? path.join(REPO_ROOT, "packs"));
    for (const packed of packAll(destination)) {
        console.log(
            `${packed.name}@${packed.version}: ${path.relative(process.cwd(), packed.tarball)} (${(packed.size / 1024).toFixed(0)} KiB)`,
        );
    }
}
