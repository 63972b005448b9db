// When to receive, and how. Pure, so every rule is tested without a queue.
//
// Three things shape a receive besides the room the worker has:
// - Whether the last receive brought messages. If it did, more are likely waiting and the next receive returns at
//   once, so it waits 1 s at most: a stop then never waits out a 20 s long poll. If it came back empty, the queue
//   looks empty and the next receive is a long poll, which hides what it gets for a short time only, so that stop()
//   may abandon it (see idlePollVisibilityTimeoutSeconds).
// - On a FIFO queue, the message groups this worker holds. SQS gives no one a message of a group while another of its
//   messages is in flight, so once a receive came back short while the worker held groups, every group it could get
//   was blocked by its own messages, or empty. A long poll then would wait its whole time for nothing (and moto's
//   does, even after a group frees). So the worker does not poll until one of its groups frees, or the long-poll time
//   has passed (for groups it has not seen yet), and then it polls briefly.
// - The drain deadline: no poll may still be out when the messages in hand are released (see shutdown.ts).
import { MAX_BATCH_ENTRIES } from "./batcher";
import { receiveWaitSeconds } from "./shutdown";

/** The longest wait of a receive sent after one that brought messages. */
const BACKLOG_WAIT_SECONDS = 1;

export enum PollKind {
    /** No receive now: no room, or every FIFO group the worker could get is blocked by its own messages. */
    Wait = "wait",
    /** The last receive brought messages: a short poll, with the full visibility timeout; stop() waits for it. */
    Backlog = "backlog",
    /** The queue looked empty: a long poll, hiding what it gets for a short time; stop() abandons it. */
    Watch = "watch",
}

/** What the last receive asked for and got, and when its answer came. */
export interface LastReceive {
    asked: number;
    got: number;
    answeredAtMs: number;
}

/** The worker's state as far as receiving goes. */
export interface PollSituation {
    nowMs: number;
    /** Messages the worker could take in now: free handler slots plus free places in the prefetch. */
    room: number;
    /** Undefined before the first receive. */
    last: LastReceive | undefined;
    /** FIFO only: message groups with a message in this worker's hands (SQS gives none of theirs to anyone). */
    heldGroups: number;
    /** FIFO only: one of the held groups was freed since the last receive was sent. */
    groupFreedSinceLastReceive: boolean;
}

export interface PollSettings {
    concurrency: number;
    prefetchMessages: number;
    waitTimeSeconds: number;
    idlePollVisibilityTimeoutSeconds: number;
    /** The worker's visibility timeout (the option, or the queue's own). */
    visibilityTimeoutSeconds: number;
    /** True when the option set it: a receive then asks for it; otherwise the queue's own applies. */
    visibilityTimeoutIsOption: boolean;
    /** Seconds from a stop to the release of what is still in hand. */
    deadlineSeconds: number;
}

export type PollPlan =
    | {
          kind: PollKind.Wait;
          /** Poll after this long even if nothing frees up; undefined: only when woken. */
          wakeInMs: number | undefined;
      }
    | {
          kind: PollKind.Backlog | PollKind.Watch;
          maxMessages: number;
          waitTimeSeconds: number;
          /** The receive's VisibilityTimeout; undefined: the queue's own. */
          visibilityTimeoutSeconds: number | undefined;
          /** How long what it returns is hidden, before the heartbeat's first extension. */
          hiddenForSeconds: number;
          /** stop() abandons it instead of waiting for its answer. */
          abandonAtStop: boolean;
      };

/**
 * Ask for ten once ten could be taken in, not one each time a slot frees: that is what keeps receives near 0.1 per
 * message on a backlog. Without a prefetch, every free slot is worth a receive at once.
 */
export function receiveAtRoom(concurrency: number, prefetchMessages: number): number {
    return Math.min(MAX_BATCH_ENTRIES, concurrency + prefetchMessages, prefetchMessages + 1);
}

export function planPoll(situation: PollSituation, settings: PollSettings): PollPlan {
    const { room, last, nowMs } = situation;
    if (room < receiveAtRoom(settings.concurrency, settings.prefetchMessages)) {
        return { kind: PollKind.Wait, wakeInMs: undefined };
    }
    const longWaitSeconds = receiveWaitSeconds(settings.waitTimeSeconds, settings.deadlineSeconds);
    const blocked =
        situation.heldGroups > 0 &&
        last !== undefined &&
        last.got < last.asked &&
        !situation.groupFreedSinceLastReceive;
    if (blocked) {
        const waitedMs = nowMs - last.answeredAtMs;
        if (waitedMs < longWaitSeconds * 1000) {
            return { kind: PollKind.Wait, wakeInMs: longWaitSeconds * 1000 - waitedMs };
        }
    }
    const maxMessages = Math.min(MAX_BATCH_ENTRIES, room);
    const full = {
        visibilityTimeoutSeconds: settings.visibilityTimeoutIsOption ? settings.visibilityTimeoutSeconds : undefined,
        hiddenForSeconds: settings.visibilityTimeoutSeconds,
    };
    if (situation.heldGroups > 0 || (last !== undefined && last.got > 0)) {
        // While it holds FIFO groups the worker must poll again as soon as one frees, so it does not wait at all.
        const waitTimeSeconds = situation.heldGroups > 0 ? 0 : Math.min(longWaitSeconds, BACKLOG_WAIT_SECONDS);
        return { kind: PollKind.Backlog, maxMessages, waitTimeSeconds, ...full, abandonAtStop: false };
    }
    if (settings.idlePollVisibilityTimeoutSeconds === 0) {
        return { kind: PollKind.Watch, maxMessages, waitTimeSeconds: longWaitSeconds, ...full, abandonAtStop: false };
    }
    const watchSeconds = Math.min(settings.idlePollVisibilityTimeoutSeconds, settings.visibilityTimeoutSeconds);
    return {
        kind: PollKind.Watch,
        maxMessages,
        waitTimeSeconds: longWaitSeconds,
        visibilityTimeoutSeconds: watchSeconds,
        hiddenForSeconds: watchSeconds,
        abandonAtStop: true,
    };
}
