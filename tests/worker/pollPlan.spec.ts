import * as assert from "assert";
import { PollKind, PollPlan, PollSettings, PollSituation, planPoll, receiveAtRoom } from "../../worker/pollPlan";

const NOW_MS = 1_700_000_000_000;

/** A standard queue, concurrency 10 with the default prefetch of 10, default waits, a 300 s queue, a deadline far away. */
const SETTINGS: PollSettings = {
    fifo: false,
    concurrency: 10,
    prefetchMessages: 10,
    waitTimeSeconds: 20,
    idlePollVisibilityTimeoutSeconds: 5,
    visibilityTimeoutSeconds: 300,
    visibilityTimeoutIsOption: false,
    deadlineSeconds: 110,
};

function plan(situation: Partial<PollSituation>, settings: Partial<PollSettings> = {}): PollPlan {
    return planPoll(
        {
            nowMs: NOW_MS,
            inHand: 0,
            last: undefined,
            emptyShortPolls: 0,
            heldGroups: 0,
            groupFreedSinceLastReceive: false,
            ...situation,
        },
        { ...SETTINGS, ...settings },
    );
}

const lastReceive = (asked: number, got: number, agoMs = 0) => ({ asked, got, answeredAtMs: NOW_MS - agoMs });

describe("worker poll plan", () => {
    it("asks for ten once ten fit, or for one when there is no prefetch", () => {
        assert.strictEqual(receiveAtRoom(10, 10), 10);
        assert.strictEqual(receiveAtRoom(4, 1), 2);
        assert.strictEqual(receiveAtRoom(10, 0), 1);
        assert.deepStrictEqual(plan({ inHand: 11 }), { kind: PollKind.Wait, wakeInMs: undefined }, "room for 9");
        assert.strictEqual(plan({ inHand: 10 }).kind, PollKind.Watch, "room for 10");
    });

    it("long-polls with a short visibility, abandoned at stop, when the queue looked empty", () => {
        const expected: PollPlan = {
            kind: PollKind.Watch,
            maxMessages: 10,
            waitTimeSeconds: 20,
            visibilityTimeoutSeconds: 5,
            hiddenForSeconds: 5,
            abandonAtStop: true,
        };
        assert.deepStrictEqual(plan({ last: undefined }), expected, "the first receive");
        assert.deepStrictEqual(plan({ last: lastReceive(10, 0) }), expected, "after an empty receive");
    });

    it("waits at most 1 s, with the full visibility, after a receive that brought messages", () => {
        assert.deepStrictEqual(plan({ last: lastReceive(10, 3) }), {
            kind: PollKind.Backlog,
            maxMessages: 10,
            waitTimeSeconds: 1,
            visibilityTimeoutSeconds: undefined,
            hiddenForSeconds: 300,
            abandonAtStop: false,
        });
    });

    it("asks for the visibility timeout when it is an option, and never hides longer than it", () => {
        const backlog = plan(
            { last: lastReceive(10, 10) },
            { visibilityTimeoutSeconds: 60, visibilityTimeoutIsOption: true },
        );
        assert.deepStrictEqual(
            backlog.kind === PollKind.Wait ? undefined : [backlog.visibilityTimeoutSeconds, backlog.hiddenForSeconds],
            [60, 60],
        );
        const watch = plan({}, { visibilityTimeoutSeconds: 2, idlePollVisibilityTimeoutSeconds: 5 });
        assert.deepStrictEqual(
            watch.kind === PollKind.Wait ? undefined : [watch.visibilityTimeoutSeconds, watch.abandonAtStop],
            [2, true],
        );
    });

    it("with idlePollVisibilityTimeoutSeconds 0, long-polls with the full visibility and lets stop() wait for it", () => {
        assert.deepStrictEqual(plan({ last: lastReceive(10, 0) }, { idlePollVisibilityTimeoutSeconds: 0 }), {
            kind: PollKind.Watch,
            maxMessages: 10,
            waitTimeSeconds: 20,
            visibilityTimeoutSeconds: undefined,
            hiddenForSeconds: 300,
            abandonAtStop: false,
        });
    });

    it("never long-polls past a second before the drain deadline", () => {
        const watch = plan({}, { deadlineSeconds: 5 });
        assert.strictEqual(watch.kind === PollKind.Wait ? undefined : watch.waitTimeSeconds, 4);
        const backlog = plan({ last: lastReceive(10, 10) }, { waitTimeSeconds: 0 });
        assert.strictEqual(backlog.kind === PollKind.Wait ? undefined : backlog.waitTimeSeconds, 0);
    });

    describe("after empty receives that did not wait", () => {
        const shortPolls = { waitTimeSeconds: 0 };

        it("pauses 0.25 s after the first, doubling to 5 s, counted from the last answer", () => {
            const pauses = [1, 2, 3, 4, 5, 6, 7, 20].map((emptyShortPolls) =>
                plan({ last: lastReceive(10, 0), emptyShortPolls }, shortPolls),
            );
            assert.deepStrictEqual(
                pauses.map((next) => (next.kind === PollKind.Wait ? next.wakeInMs : next.kind)),
                [250, 500, 1_000, 2_000, 4_000, 5_000, 5_000, 5_000],
            );
            assert.deepStrictEqual(plan({ last: lastReceive(10, 0, 100), emptyShortPolls: 1 }, shortPolls), {
                kind: PollKind.Wait,
                wakeInMs: 150,
            });
        });

        it("then receives without waiting, as asked", () => {
            const next = plan({ last: lastReceive(10, 0, 250), emptyShortPolls: 1 }, shortPolls);
            assert.deepStrictEqual(next.kind === PollKind.Wait ? undefined : [next.kind, next.waitTimeSeconds], [
                PollKind.Watch,
                0,
            ]);
        });

        it("does not pause once a receive brought messages or waited (the run of empty ones is over)", () => {
            assert.strictEqual(
                plan({ last: lastReceive(10, 3), emptyShortPolls: 0 }, shortPolls).kind,
                PollKind.Backlog,
            );
            assert.strictEqual(plan({ last: lastReceive(10, 0), emptyShortPolls: 0 }).kind, PollKind.Watch);
        });
    });

    describe("on a FIFO queue", () => {
        const FIFO: Partial<PollSettings> = { fifo: true };

        it("does not poll while every group it could get is blocked by its own messages, until the long-poll time passed", () => {
            assert.deepStrictEqual(plan({ heldGroups: 5, inHand: 10, last: lastReceive(10, 0, 3_000) }, FIFO), {
                kind: PollKind.Wait,
                wakeInMs: 17_000,
            });
            assert.deepStrictEqual(
                plan({ heldGroups: 2, inHand: 4, last: lastReceive(10, 4, 500) }, FIFO),
                { kind: PollKind.Wait, wakeInMs: 19_500 },
                "a receive that came back short saw every group it could get",
            );
            const late = plan({ heldGroups: 5, inHand: 10, last: lastReceive(10, 0, 20_000) }, FIFO);
            assert.deepStrictEqual(
                late.kind === PollKind.Wait ? undefined : [late.kind, late.waitTimeSeconds],
                [PollKind.Backlog, 0],
                "then a look for groups it has not seen, without waiting",
            );
        });

        it("polls at once, without waiting, when one of its groups has freed, even during the pause", () => {
            const freed = plan(
                {
                    heldGroups: 4,
                    inHand: 8,
                    last: lastReceive(10, 0),
                    emptyShortPolls: 5,
                    groupFreedSinceLastReceive: true,
                },
                { ...FIFO, waitTimeSeconds: 0 },
            );
            assert.deepStrictEqual(
                freed.kind === PollKind.Wait ? undefined : [freed.kind, freed.waitTimeSeconds, freed.abandonAtStop],
                [PollKind.Backlog, 0, false],
            );
        });

        it("with waitTimeSeconds 0, pauses like any empty receive that did not wait while its groups block everything", () => {
            const blocked = { heldGroups: 3, inHand: 6, last: lastReceive(10, 0) };
            const settings = { ...FIFO, waitTimeSeconds: 0 };
            assert.deepStrictEqual(plan({ ...blocked, emptyShortPolls: 1 }, settings), {
                kind: PollKind.Wait,
                wakeInMs: 250,
            });
            assert.deepStrictEqual(plan({ ...blocked, emptyShortPolls: 9 }, settings), {
                kind: PollKind.Wait,
                wakeInMs: 5_000,
            });
            assert.deepStrictEqual(
                plan({ ...blocked, emptyShortPolls: 9 }, FIFO),
                { kind: PollKind.Wait, wakeInMs: 20_000 },
                "a long-poll time above the pause's cap is the longer wait",
            );
        });

        it("polls again without waiting after a full receive while it holds groups: another group may be there", () => {
            const next = plan({ heldGroups: 1, last: lastReceive(10, 10), inHand: 10 }, FIFO);
            assert.deepStrictEqual(next.kind === PollKind.Wait ? undefined : [next.kind, next.waitTimeSeconds], [
                PollKind.Backlog,
                0,
            ]);
        });

        it("receives past the prefetch while it holds fewer groups than handler slots, up to ten messages a slot", () => {
            const full = lastReceive(10, 10);
            const asks = (situation: Partial<PollSituation>, settings: Partial<PollSettings> = FIFO) => {
                const next = plan({ last: full, ...situation }, settings);
                return next.kind === PollKind.Wait ? next : next.maxMessages;
            };
            assert.strictEqual(asks({ inHand: 20, heldGroups: 2 }), 10, "two groups of ten fill the prefetch");
            assert.strictEqual(asks({ inHand: 95, heldGroups: 9 }), 5, "up to 100 messages at concurrency 10");
            assert.deepStrictEqual(asks({ inHand: 100, heldGroups: 9 }), { kind: PollKind.Wait, wakeInMs: undefined });
            assert.deepStrictEqual(
                asks({ inHand: 30, heldGroups: 10 }),
                { kind: PollKind.Wait, wakeInMs: undefined },
                "every slot has a group",
            );
            assert.deepStrictEqual(
                asks({ inHand: 20 }, { fifo: false }),
                { kind: PollKind.Wait, wakeInMs: undefined },
                "a standard queue stops at concurrency + prefetchMessages",
            );
        });

        it("asks for no more than its free group slots plus the prefetch, so new groups wait for a slot no longer", () => {
            const asks = (heldGroups: number) => {
                const next = plan(
                    { inHand: 10, heldGroups, last: lastReceive(10, 10) },
                    { ...FIFO, prefetchMessages: 0 },
                );
                return next.kind === PollKind.Wait ? 0 : next.maxMessages;
            };
            assert.deepStrictEqual([1, 8, 9].map(asks), [9, 2, 1]);
        });
    });
});
