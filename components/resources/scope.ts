// What every child resource of one worker shares: the worker's name, its children's names (plan/names.ts, their only
// home), the user's tags and the worker itself as parent. BackgroundWorker makes one scope and hands it to each
// resource builder along with the inputs that builder alone needs.
import type * as pulumi from "@pulumi/pulumi";
import { ChildNames, childNames } from "../plan/names";
import { BackgroundWorkerArgs } from "../types";

export interface WorkerScope {
    /** The worker's own resource name. */
    name: string;
    /** The names its children are created under. */
    names: ChildNames;
    /** The user's tags, for every child that takes tags. */
    tags: BackgroundWorkerArgs["tags"];
    /** The worker component: the parent of every child. */
    parent: pulumi.Resource;
}

export function workerScope(name: string, tags: BackgroundWorkerArgs["tags"], parent: pulumi.Resource): WorkerScope {
    return { name, names: childNames(name), tags, parent };
}
