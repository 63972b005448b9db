// The time budget of a drain. ECS sends SIGTERM, waits the container's stop timeout, then sends SIGKILL; Fargate Spot
// gives two minutes' warning and the component sets the stop timeout to at most 120 s. Handlers get the budget less a
// margin; at that deadline the worker hands back what is still unfinished, and must be done before SIGKILL.

/** Seconds from the start of a stop until unfinished messages are released; never negative. */
export function drainDeadlineSeconds(stopTimeoutSeconds: number, shutdownMarginSeconds: number): number {
    return Math.max(0, stopTimeoutSeconds - shutdownMarginSeconds);
}

/**
 * The long-poll time each receive asks for: `waitTimeSeconds`, but ending a second before the drain deadline. A poll
 * still out at the deadline could take back a message the worker has just released (costing it a receive towards
 * maxReceiveCount), so the worker waits for the last poll before releasing, and this keeps that wait inside the
 * budget. Never below 1 s unless asked, so a short stop timeout does not turn an idle worker into a busy loop.
 */
export function receiveWaitSeconds(waitTimeSeconds: number, deadlineSeconds: number): number {
    return Math.min(waitTimeSeconds, Math.max(1, deadlineSeconds - 1));
}
