// Calls the user's hooks. A hook is the user's code running inside the worker's bookkeeping: one that throws must not
// leave a message half-finished, so its error is logged and the worker carries on.
import { describeError, Log, LogLevel, WorkerEvent } from "./log";
import { WorkerHooks } from "./options";

export function callHook(
    hooks: WorkerHooks,
    log: Log,
    name: keyof WorkerHooks,
    call: (hooks: WorkerHooks) => void,
): void {
    try {
        call(hooks);
    } catch (error) {
        log({ level: LogLevel.Error, event: WorkerEvent.HookFailed, hook: name, error: describeError(error) });
    }
}
