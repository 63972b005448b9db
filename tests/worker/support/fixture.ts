// The setup every integration spec shares: a moto server for the whole describe block, an SQS client for the test's
// own calls, and in-process workers that are stopped after each test, whatever its outcome.
import { SQSClient } from "@aws-sdk/client-sqs";
import { MotoServer, startMotoServer } from "../../../tooling/moto";
import { sqsClient } from "../../../tooling/sqsQueues";
import { TestWorkers } from "./workers";

export interface MotoFixture {
    /** http://127.0.0.1:PORT of the running moto server. */
    readonly endpoint: string;
    readonly sqs: SQSClient;
    readonly workers: TestWorkers;
}

/** Registers the hooks in the calling describe block; the fixture's server and client exist from its before() on. */
export function useMoto(): MotoFixture {
    let server: MotoServer | undefined;
    let client: SQSClient | undefined;
    const started = <T>(value: T | undefined): T => {
        if (value === undefined) {
            throw new Error("the moto server starts in the describe block's before() hook");
        }
        return value;
    };
    const fixture: MotoFixture = {
        get endpoint() {
            return started(server).endpoint;
        },
        get sqs() {
            return started(client);
        },
        workers: new TestWorkers(() => fixture.sqs),
    };
    before(async () => {
        server = await startMotoServer();
        client = sqsClient(server.endpoint);
    });
    afterEach(() => fixture.workers.stopAll());
    after(async () => {
        client?.destroy();
        await server?.stop();
    });
    return fixture;
}
