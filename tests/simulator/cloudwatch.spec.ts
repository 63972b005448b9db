import * as assert from "assert";
import { backlogQuery, planScaling } from "../../components/plan/scalingPlan";
import { AlarmState, evaluateAlarm, METRICS, MetricStore, SimulatedAlarm } from "../../simulator/cloudwatch";
import { workerSettings } from "./fixtures";

// Publishes one value per minute for minutes [0, values.length), each visible `lag` seconds after its minute ends.
function publish(store: MetricStore, key: string, values: (number | undefined)[], lag = 60): void {
    values.forEach((value, minute) => {
        if (value !== undefined) {
            store.publish(key, minute, value, (minute + 1) * 60 + lag);
        }
    });
}

const backlogHigh: SimulatedAlarm = {
    query: backlogQuery(true),
    periodSeconds: 60,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    threshold: 10,
    comparison: "GreaterThanThreshold",
    treatMissingData: "missing",
};

describe("simulator/cloudwatch", () => {
    it("alarms on the plan's backlog expression only once three published datapoints breach", () => {
        const store = new MetricStore();
        publish(store, METRICS.visible, [0, 0, 50, 50, 50, 50]);
        publish(store, METRICS.inFlight, [0, 0, 0, 0, 0, 0]);
        publish(store, METRICS.desired, [1, 1, 1, 1, 1, 1]);
        // Minutes 2 and 3 breach and are published by 300 s; minute 4 is published at 360 s.
        assert.strictEqual(evaluateAlarm(backlogHigh, store, 300, AlarmState.Ok).state, AlarmState.Ok);
        assert.strictEqual(evaluateAlarm(backlogHigh, store, 360, AlarmState.Ok).state, AlarmState.Alarm);
    });

    it("reports no data for backlog per task while no task runs, so target tracking cannot leave zero", () => {
        const store = new MetricStore();
        publish(store, METRICS.visible, [5, 5, 5, 5]);
        publish(store, METRICS.inFlight, [0, 0, 0, 0]);
        const evaluation = evaluateAlarm(backlogHigh, store, 300, AlarmState.Ok);
        assert.strictEqual(evaluation.state, AlarmState.InsufficientData);
    });

    it("looks past a newest minute whose DesiredTaskCount is not published yet instead of reading it as missing", () => {
        const store = new MetricStore();
        publish(store, METRICS.visible, [50, 50, 50, 50], 60);
        publish(store, METRICS.inFlight, [0, 0, 0, 0], 60);
        publish(store, METRICS.desired, [1, 1, 1, undefined]);
        assert.strictEqual(evaluateAlarm(backlogHigh, store, 300, AlarmState.Ok).state, AlarmState.Alarm);
    });

    it("does not wake on one minute in which RunningTaskCount lags behind the queue: the wake-up alarm needs two", () => {
        const wake = wakeUpAlarm();
        const store = new MetricStore();
        publish(store, METRICS.visible, [3, 3, 3], 60);
        // Tasks run throughout, but the newest RunningTaskCount arrives late; FILL reads it as zero tasks.
        publish(store, METRICS.running, [1, 1, undefined]);
        assert.strictEqual(evaluateAlarm(wake, store, 240, AlarmState.Ok).state, AlarmState.Ok);
        // With no task at all, two minutes of waiting messages wake it.
        const idle = new MetricStore();
        publish(idle, METRICS.visible, [0, 3, 3], 60);
        assert.strictEqual(evaluateAlarm(wake, idle, 240, AlarmState.Ok).state, AlarmState.Alarm);
    });

    it("treats an idle queue that publishes nothing as not breaching for the wake-up alarm", () => {
        assert.strictEqual(evaluateAlarm(wakeUpAlarm(), new MetricStore(), 600, AlarmState.Ok).state, AlarmState.Ok);
    });

    it("aggregates one-minute datapoints to a five-minute Maximum, as CDK's queue metric reads them", () => {
        const store = new MetricStore();
        publish(store, METRICS.visible, [0, 120, 0, 0, 0], 0);
        const alarm: SimulatedAlarm = {
            query: {
                metrics: [
                    {
                        id: "visible",
                        namespace: "AWS/SQS",
                        metricName: "ApproximateNumberOfMessagesVisible",
                        stat: "Maximum",
                    },
                ],
                expressions: [],
                returnId: "visible",
            },
            periodSeconds: 300,
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
            threshold: 100,
            comparison: "GreaterThanOrEqualToThreshold",
            treatMissingData: "missing",
        };
        assert.deepStrictEqual(evaluateAlarm(alarm, store, 300, AlarmState.Ok), {
            state: AlarmState.Alarm,
            datapoints: [120],
        });
    });
});

/** The wake-up alarm exactly as the plan deploys it for a worker that can scale to zero. */
function wakeUpAlarm(): SimulatedAlarm {
    const wakeUp = planScaling(workerSettings({ minTasks: 0 }).scaling).wakeUp;
    if (wakeUp === undefined) {
        throw new Error("a worker with minTasks 0 must have a wake-up policy");
    }
    return wakeUp.alarm;
}
