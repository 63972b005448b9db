import * as assert from "assert";
import { PollKind, PollPlan, PollSettings, PollSituation, planPoll, receiveAtRoom } from "../../worker/pollPlan";

const NOW_MS = 1_700_000_000_000;

/** Concurrency 10 with the default prefetch of 10, default waits, a 300 s queue and a deadline far away. */
const SETTINGS: PollSettings = {
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
        { nowMs: NOW_MS, room: 20, last: undefined, heldGroups: 0, groupFreedSinceLastReceive: false, ...situation },
        { ...SETTINGS, ...settings },
    );
}

const lastReceive = (asked: number, got: number, agoMs = 0) => ({ asked, got, answeredAtMs: NOW_MS - agoMs });

describe("worker poll plan", () => {
    it("asks for ten once ten fit, or for one when there is no prefetch", () => {
        assert.strictEqual(receiveAtRoom(10, 10), 10);
        assert.strictEqual(receiveAtRoom(4, 1), 2);
        assert.strictEqual(receiveAtRoom(10, 0), 1);
        assert.deepStrictEqual(plan({ room: 9 }), { kind: PollKind.Wait, wakeInMs: undefined });
        assert.strictEqual(plan({ room: 10 }).kind, PollKind.Watch);
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

    describe("on a FIFO queue", () => {
        it("does not poll while every group it could get is blocked by its own messages, until the long-poll time passed", () => {
            assert.deepStrictEqual(plan({ heldGroups: 5, last: lastReceive(10, 0, 3_000) }), {
                kind: PollKind.Wait,
                wakeInMs: 17_000,
            });
            assert.deepStrictEqual(
                plan({ heldGroups: 2, last: lastReceive(10, 4, 500) }),
                { kind: PollKind.Wait, wakeInMs: 19_500 },
                "a receive that came back short saw every group it could get",
            );
            const late = plan({ heldGroups: 5, last: lastReceive(10, 0, 20_000) });
            assert.deepStrictEqual(
                late.kind === PollKind.Wait ? undefined : [late.kind, late.waitTimeSeconds],
                [PollKind.Backlog, 0],
                "then a look for groups it has not seen, without waiting",
            );
        });

        it("polls at once, without waiting, when one of its groups has freed", () => {
            const freed = plan({ heldGroups: 4, last: lastReceive(10, 0), groupFreedSinceLastReceive: true });
            assert.deepStrictEqual(
                freed.kind === PollKind.Wait ? undefined : [freed.kind, freed.waitTimeSeconds, freed.abandonAtStop],
                [PollKind.Backlog, 0, false],
            );
        });

        it("polls again without waiting after a full receive while it holds groups: another group may be there", () => {
            const next = plan({ heldGroups: 1, last: lastReceive(10, 10), room: 10 });
            assert.deepStrictEqual(next.kind === PollKind.Wait ? undefined : [next.kind, next.waitTimeSeconds], [
                PollKind.Backlog,
                0,
            ]);
        });
    });
});
