// Rules for scaling: the task bounds, the backlog target, the cooldowns and the scheduled changes of the bounds.
import { MAX_COOLDOWN_SECONDS, MAX_TASKS_LIMIT } from "../../contract/awsLimits";
import { parseScheduleExpression, SCHEDULE_FORMS } from "../../contract/schedule";
import { describe, Problems } from "./problems";
import { ScheduleSettings, WorkerSettings } from "../plan/settings";
import { BackgroundWorkerArgs } from "../types";
import { uniqueName } from "./formats";

/** Is `timezone` an IANA zone name the runtime knows (Node ships the full ICU data)? */
function isTimezone(timezone: string): boolean {
    try {
        new Intl.DateTimeFormat("en-US", { timeZone: timezone });
        return true;
    } catch {
        return false;
    }
}

function positiveNumber(problems: Problems, path: string, value: unknown): boolean {
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
        problems.add(path, `must be a number of seconds above 0; got ${describe(value)}`);
        return false;
    }
    return true;
}

export function validateScaling(args: BackgroundWorkerArgs, settings: WorkerSettings, problems: Problems): void {
    const given = args.scaling ?? {};
    const scaling = settings.scaling;
    const { minTasks, maxTasks } = scaling;
    const minValid = problems.integer("scaling.minTasks", minTasks, 0, MAX_TASKS_LIMIT, "tasks");
    const maxValid = problems.integer("scaling.maxTasks", maxTasks, 1, MAX_TASKS_LIMIT, "tasks");
    if (minValid && maxValid && minTasks > maxTasks) {
        problems.add("scaling.minTasks", `must be at most scaling.maxTasks (${maxTasks}); got ${minTasks}`);
    }

    const latency = given.acceptableLatencySeconds;
    const processing = given.averageProcessingSeconds;
    if (given.targetBacklogPerTask !== undefined) {
        if (
            typeof given.targetBacklogPerTask !== "number" ||
            !(given.targetBacklogPerTask > 0) ||
            !Number.isFinite(given.targetBacklogPerTask)
        ) {
            problems.add(
                "scaling.targetBacklogPerTask",
                `must be a number above 0; got ${describe(given.targetBacklogPerTask)}`,
            );
        } else if (given.targetBacklogPerTask < 1) {
            // Read as tasks per message, 0.1 would mean one task per 10 messages; it means ten tasks per message.
            const tasks = Math.round(1 / given.targetBacklogPerTask);
            problems.warn(
                "scaling.targetBacklogPerTask",
                `(${given.targetBacklogPerTask}) is below one message per task: the service keeps about ${tasks} tasks per ` +
                    "waiting message, up to scaling.maxTasks, and most of them idle. It counts messages per task, not tasks " +
                    `per message: for one task per ${tasks} messages, write ${tasks}`,
            );
        }
        for (const [name, value] of [
            ["acceptableLatencySeconds", latency],
            ["averageProcessingSeconds", processing],
        ] as const) {
            if (value !== undefined) {
                problems.add(
                    `scaling.${name}`,
                    "cannot be given together with scaling.targetBacklogPerTask: give the target directly, or both latency settings to derive it",
                );
            }
        }
    } else if ((latency === undefined) !== (processing === undefined)) {
        const missing = latency === undefined ? "acceptableLatencySeconds" : "averageProcessingSeconds";
        const present = latency === undefined ? "averageProcessingSeconds" : "acceptableLatencySeconds";
        problems.add(
            `scaling.${missing}`,
            `is required when scaling.${present} is given: the backlog target is floor(acceptableLatencySeconds / averageProcessingSeconds)`,
        );
    } else if (latency !== undefined && processing !== undefined) {
        const latencyValid = positiveNumber(problems, "scaling.acceptableLatencySeconds", latency);
        const processingValid = positiveNumber(problems, "scaling.averageProcessingSeconds", processing);
        if (latencyValid && processingValid && latency < processing) {
            problems.add(
                "scaling.acceptableLatencySeconds",
                `(${latency}) must be at least scaling.averageProcessingSeconds (${processing}): a backlog target below one ` +
                    "message per task cannot be met; raise the latency goal or make the job faster",
            );
        }
    }
    problems.boolean("scaling.countInFlight", scaling.countInFlight);
    problems.boolean("scaling.disableScaleIn", scaling.disableScaleIn);
    problems.boolean("scaling.burstScaleOut", scaling.burstScaleOut);
    problems.boolean("scaling.keepQueueActive", scaling.keepQueueActive);
    problems.integer(
        "scaling.scaleOutCooldownSeconds",
        scaling.scaleOutCooldownSeconds,
        0,
        MAX_COOLDOWN_SECONDS,
        "seconds",
    );
    problems.integer(
        "scaling.scaleInCooldownSeconds",
        scaling.scaleInCooldownSeconds,
        0,
        MAX_COOLDOWN_SECONDS,
        "seconds",
    );

    if (given.schedules !== undefined && !Array.isArray(given.schedules)) {
        problems.add("scaling.schedules", `must be a list; got ${describe(given.schedules)}`);
        return;
    }
    const names = new Set<string>();
    scaling.schedules.forEach((schedule, index) =>
        validateSchedule(
            schedule,
            `scaling.schedules[${index}]`,
            names,
            minValid ? minTasks : 0,
            maxValid ? maxTasks : MAX_TASKS_LIMIT,
            problems,
        ),
    );
}

function validateSchedule(
    schedule: ScheduleSettings,
    path: string,
    names: Set<string>,
    minTasks: number,
    maxTasks: number,
    problems: Problems,
): void {
    if (typeof schedule !== "object" || schedule === null) {
        problems.add(path, `must be an object with name, schedule and minTasks or maxTasks; got ${describe(schedule)}`);
        return;
    }
    uniqueName(problems, `${path}.name`, schedule.name, names);
    if (typeof schedule.schedule !== "string") {
        problems.add(`${path}.schedule`, `is required: ${SCHEDULE_FORMS}`);
    } else {
        const parsed = parseScheduleExpression(schedule.schedule);
        if ("problem" in parsed) {
            problems.add(`${path}.schedule`, parsed.problem);
        }
    }
    if (typeof schedule.timezone !== "string" || !isTimezone(schedule.timezone)) {
        problems.add(
            `${path}.timezone`,
            `must be an IANA time zone name such as UTC or Europe/Paris; got ${describe(schedule.timezone)}`,
        );
    }
    if (schedule.minTasks === undefined && schedule.maxTasks === undefined) {
        problems.add(path, "must set minTasks, maxTasks or both");
        return;
    }
    const minValid =
        schedule.minTasks === undefined ||
        problems.integer(`${path}.minTasks`, schedule.minTasks, 0, MAX_TASKS_LIMIT, "tasks");
    const maxValid =
        schedule.maxTasks === undefined ||
        problems.integer(`${path}.maxTasks`, schedule.maxTasks, 0, MAX_TASKS_LIMIT, "tasks");
    const effectiveMin = schedule.minTasks ?? minTasks;
    const effectiveMax = schedule.maxTasks ?? maxTasks;
    if (minValid && maxValid && effectiveMin > effectiveMax) {
        const minSource = schedule.minTasks === undefined ? "scaling.minTasks" : `${path}.minTasks`;
        const maxSource = schedule.maxTasks === undefined ? "scaling.maxTasks" : `${path}.maxTasks`;
        problems.add(
            schedule.minTasks === undefined ? `${path}.maxTasks` : `${path}.minTasks`,
            `leaves the minimum (${minSource} = ${effectiveMin}) above the maximum (${maxSource} = ${effectiveMax}); ` +
                "a scheduled action needs min <= max",
        );
    }
}
