// When to receive, and how. Pure, so every rule is tested without a queue.
//
// Four things shape a receive besides the room the worker has:
// - Whether the last receive brought messages. If it did, more are likely waiting and the next receive returns at
//   once, so it waits 1 s at most: a stop then never waits out a 20 s long poll. If it came back empty, the queue
//   looks empty and the next receive is a long poll, which hides what it gets for a short time only, so that stop()
//   may abandon it (see idlePollVisibilityTimeoutSeconds).
// - Whether the receives before it waited at all. A receive that does not wait (`waitTimeSeconds: 0`, or any receive
//   while FIFO groups are held) comes back at once from an empty queue, and SQS bills every empty receive: in a loop
//   that is as many requests as SQS answers. So after empty receives that did not wait, the next one pauses, longer
//   each time up to a cap, until a receive brings a message.
// - On a FIFO queue, the message groups this worker holds. SQS gives no one a message of a group while another of its
//   messages is in flight, so once a receive came back short while the worker held groups, every group it could get
//   was blocked by its own messages, or empty. A long poll then would wait its whole time for nothing (and moto's
//   does, even after a group frees). So the worker does not poll until one of its groups frees, or the long-poll time
//   has passed (for groups it has not seen yet), and then it polls briefly. And since SQS hands out as many messages
//   of one group together as it can, the messages in hand may be few groups: while they are fewer groups than
//   handler slots, the worker receives past its usual limit (see fifoHoldLimit).
// - The drain deadline: no poll may still be out when the messages in hand are released (see shutdown.ts).
import { backoffSeconds } from "./backoff";
import { MAX_BATCH_ENTRIES } from "./batcher";
import { receiveWaitSeconds } from "./shutdown";

/** The longest wait of a receive sent after one that brought messages. */
const BACKLOG_WAIT_SECONDS = 1;
/**
 * The pause after empty receives that did not wait: 0.25 s after the first, doubling to 5 s. A queue that ran dry for
 * a moment is looked at again within a quarter second; an idle worker that does not long-poll sends 12 receives a
 * minute at most (a long-polling one sends 3), and a message sent to its idle queue waits 5 s at most.
 */
const EMPTY_POLL_PAUSE_BASE_SECONDS = 0.25;
const EMPTY_POLL_PAUSE_MAX_SECONDS = 5;

export enum PollKind {
    /**
     * No receive now: no room; every FIFO group the worker could get is blocked by its own messages; or the pause
     * after empty receives that did not wait.
     */
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
    /** Messages in the worker's hands that count against its limits: waiting for a handler slot, or running. */
    inHand: number;
    /** Undefined before the first receive. */
    last: LastReceive | undefined;
    /**
     * How many receives in a row, up to the last one, came back empty without waiting (WaitTimeSeconds 0). A receive
     * that brought messages, or one that waited, ends the run.
     */
    emptyShortPolls: number;
    /** FIFO only: message groups with a message in this worker's hands (SQS gives none of theirs to anyone). */
    heldGroups: number;
    /** FIFO only: one of the held groups was freed since the last receive was sent. */
    groupFreedSinceLastReceive: boolean;
}

export interface PollSettings {
    /** The queue is FIFO. */
    fifo: boolean;
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

/**
 * FIFO: the most messages the worker holds while receiving for message groups it lacks. SQS returns up to ten
 * messages of one group in a receive, so ten per handler slot is what it may take for every slot to get a group of
 * its own; more could not add a group. Past `concurrency + prefetchMessages`, what it holds beyond each group's first
 * message hides nothing from anyone (SQS would not deliver those while the first is in flight), and a receive's
 * messages share their heartbeat calls, so the price is memory: ten messages per slot at most.
 */
function fifoHoldLimit(concurrency: number): number {
    return concurrency * MAX_BATCH_ENTRIES;
}

/** The pause after `emptyShortPolls` empty receives in a row that did not wait: 0.25 s, doubling to 5 s. */
function emptyPollPauseSeconds(emptyShortPolls: number): number {
    return emptyShortPolls > 0
        ? backoffSeconds(emptyShortPolls, EMPTY_POLL_PAUSE_BASE_SECONDS, EMPTY_POLL_PAUSE_MAX_SECONDS)
        : 0;
}

export function planPoll(situation: PollSituation, settings: PollSettings): PollPlan {
    const maxMessages = receiveSize(situation, settings);
    if (maxMessages === 0) {
        return { kind: PollKind.Wait, wakeInMs: undefined };
    }
    const longWaitSeconds = receiveWaitSeconds(settings.waitTimeSeconds, settings.deadlineSeconds);
    const pauseMs = remainingPauseMs(situation, longWaitSeconds);
    if (pauseMs > 0) {
        return { kind: PollKind.Wait, wakeInMs: pauseMs };
    }
    const { last, heldGroups } = situation;
    const full = {
        visibilityTimeoutSeconds: settings.visibilityTimeoutIsOption ? settings.visibilityTimeoutSeconds : undefined,
        hiddenForSeconds: settings.visibilityTimeoutSeconds,
    };
    if (heldGroups > 0 || (last !== undefined && last.got > 0)) {
        // While it holds FIFO groups the worker must poll again as soon as one frees, so it does not wait at all.
        const waitTimeSeconds = heldGroups > 0 ? 0 : Math.min(longWaitSeconds, BACKLOG_WAIT_SECONDS);
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

/** How many messages the next receive may ask for; 0: none now. */
function receiveSize(situation: PollSituation, settings: PollSettings): number {
    const { concurrency, prefetchMessages } = settings;
    const room = concurrency + prefetchMessages - situation.inHand;
    if (room >= receiveAtRoom(concurrency, prefetchMessages)) {
        return Math.min(MAX_BATCH_ENTRIES, room);
    }
    const { heldGroups } = situation;
    if (!settings.fifo || heldGroups >= concurrency) {
        return 0;
    }
    // Handler slots without a group of their own, while the prefetch is full of messages of the groups held. A
    // receive may bring several new groups: asking for no more than the free slots plus the prefetch keeps the new
    // groups that must wait for a slot within the prefetch, as on a standard queue.
    return Math.max(
        0,
        Math.min(
            MAX_BATCH_ENTRIES,
            fifoHoldLimit(concurrency) - situation.inHand,
            concurrency - heldGroups + prefetchMessages,
        ),
    );
}

/**
 * How long the next receive must still wait: after a FIFO receive came back short, until a held group frees or the
 * long-poll time has passed; after empty receives that did not wait, the pause. A freed group ends both at once.
 */
function remainingPauseMs(situation: PollSituation, longWaitSeconds: number): number {
    const { last, nowMs, heldGroups, groupFreedSinceLastReceive, emptyShortPolls } = situation;
    if (last === undefined || groupFreedSinceLastReceive) {
        return 0;
    }
    const blocked = heldGroups > 0 && last.got < last.asked;
    const pauseSeconds = Math.max(blocked ? longWaitSeconds : 0, emptyPollPauseSeconds(emptyShortPolls));
    return Math.max(0, last.answeredAtMs + pauseSeconds * 1000 - nowMs);
}
