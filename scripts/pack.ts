// `npm run pack -- [DIRECTORY]`: the three npm packages packed as `npm publish` would pack them, into DIRECTORY
// (./packs by default), for a person to install or inspect.
import * as path from "path";
import { packAll, REPO_ROOT } from "../tooling/packages";
import { parseFlags, runMain } from "../tooling/cli";

function main(argv: string[]): number {
    const { positionals } = parseFlags("pack", argv, {}, 1);
    const destination = path.resolve(positionals[0] ?? path.join(REPO_ROOT, "packs"));
    for (const packed of packAll(destination)) {
        process.stdout.write(
            `${packed.name}@${packed.version}: ${path.relative(process.cwd(), packed.tarball)} ` +
                `(${(packed.size / 1024).toFixed(0)} KiB)\n`,
        );
    }
    return 0;
}

runMain(module, main);
