// Rules for the worker's resource name: it prefixes the physical names AWS derives for its children, and each AWS
// service limits those names' characters and length.
import {
    MAX_QUEUE_NAME_LENGTH,
    MAX_ROLE_NAME_LENGTH,
    MAX_SCHEDULE_NAME_LENGTH,
    MAX_SERVICE_NAME_LENGTH,
} from "../../contract/awsLimits";
import { FIFO_SUFFIX } from "../../contract/arns";
import { AUTONAME_SUFFIX_LENGTH, childNames } from "../plan/names";
import { describe, Problems } from "./problems";
import { canScaleToZero, WorkerSettings } from "../plan/settings";
import { BackgroundWorkerArgs } from "../types";

/** SQS queue and ECS service names allow only these characters, and both are generated from the worker's name. */
const WORKER_NAME = /^[A-Za-z0-9_-]+$/;

/** A child whose physical name is its logical name plus autonaming's suffix, and the limit AWS puts on it. */
interface NamedChild {
    logicalName: string;
    /** Appended after the random part: `.fifo` for a FIFO queue. */
    ending: string;
    what: string;
    service: string;
    limit: number;
}

/** The children this worker will create whose physical names AWS limits, as the resource files name them. */
function namedChildren(name: string, args: BackgroundWorkerArgs, settings: WorkerSettings): NamedChild[] {
    const names = childNames(name);
    const children: NamedChild[] = [];
    if (args.container) {
        children.push({
            logicalName: names.executionRole,
            ending: "",
            what: "an IAM role",
            service: "IAM",
            limit: MAX_ROLE_NAME_LENGTH,
        });
        children.push({
            logicalName: names.taskRole,
            ending: "",
            what: "an IAM role",
            service: "IAM",
            limit: MAX_ROLE_NAME_LENGTH,
        });
    }
    // The keep-alive exists when something can bring the service to zero and it is not switched off (planScaling).
    if (
        canScaleToZero(settings.scaling.minTasks, settings.scaling.schedules) &&
        settings.scaling.keepQueueActive === true
    ) {
        children.push({
            logicalName: names.keepActiveRole,
            ending: "",
            what: "an IAM role",
            service: "IAM",
            limit: MAX_ROLE_NAME_LENGTH,
        });
        children.push({
            logicalName: names.keepActiveSchedule,
            ending: "",
            what: "the keep-alive schedule",
            service: "EventBridge Scheduler",
            limit: MAX_SCHEDULE_NAME_LENGTH,
        });
    }
    if (args.existingQueue === undefined) {
        const ending = settings.queue.fifo === true ? FIFO_SUFFIX : "";
        children.push({
            logicalName: names.queue,
            ending,
            what: "the job queue",
            service: "SQS",
            limit: MAX_QUEUE_NAME_LENGTH,
        });
    }
    children.push({
        logicalName: names.service,
        ending: "",
        what: "the ECS service",
        service: "ECS",
        limit: MAX_SERVICE_NAME_LENGTH,
    });
    return children;
}

/** The longest worker name that keeps `child`'s physical name within its limit. */
function longestName(name: string, child: NamedChild): number {
    return child.limit - (child.logicalName.length - name.length) - AUTONAME_SUFFIX_LENGTH - child.ending.length;
}

/** Checks the worker's name against the tightest limit among the children it will have. */
export function validateWorkerName(
    name: string,
    args: BackgroundWorkerArgs,
    settings: WorkerSettings,
    problems: Problems,
): void {
    if (!WORKER_NAME.test(name)) {
        problems.add(
            "name",
            `must use only letters, digits, - and _, since it prefixes the SQS queue and ECS service names; got ${describe(name)}`,
        );
        return;
    }
    const children = namedChildren(name, args, settings);
    const tightest = children.reduce(
        (best, child) => (longestName(name, child) < longestName(name, best) ? child : best),
        children[0],
    );
    const longest = longestName(name, tightest);
    if (name.length > longest) {
        const fifo = tightest.ending === FIFO_SUFFIX ? " for a FIFO queue" : "";
        problems.add(
            "name",
            `must be at most ${longest} characters${fifo}: ${tightest.what} is named ${tightest.logicalName}-<7 random ` +
                `characters>${tightest.ending}, and ${tightest.service} allows ${tightest.limit}; got ${name.length} characters`,
        );
    }
}

/** The longest event rule name (`sources.eventRules[].name`) whose EventBridge rule stays within its name limit. */
export function longestEventRuleName(name: string, ruleNameLimit: number): number {
    return ruleNameLimit - childNames(name).eventRule("").length - AUTONAME_SUFFIX_LENGTH;
}
