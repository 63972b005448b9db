// A stand-in for the ECS agent's task protection endpoint: records every request and answers as the agent does.
import { createServer } from "http";
import { AddressInfo } from "net";

/** The path ECS puts in ECS_AGENT_URI before the endpoint's own path. */
const TASK_PATH = "/api/0f1e2d3c-task";

export interface ProtectionRequest {
    /** Date.now() when the request arrived. */
    atMs: number;
    method: string;
    path: string;
    body: { ProtectionEnabled?: boolean; ExpiresInMinutes?: number };
}

export interface FakeEcsAgent {
    /** What ECS_AGENT_URI would hold: http://127.0.0.1:PORT/api/<task>. */
    uri: string;
    requests: ProtectionRequest[];
    /** When set, every request is refused with this HTTP status, as the agent does without ecs:UpdateTaskProtection. */
    refuseWith: number | undefined;
    stop(): Promise<void>;
}

export async function startFakeEcsAgent(): Promise<FakeEcsAgent> {
    const requests: ProtectionRequest[] = [];
    const server = createServer((request, response) => {
        let text = "";
        request.on("data", (chunk: Buffer) => (text += chunk.toString()));
        request.on("end", () => {
            const body = JSON.parse(text || "{}") as ProtectionRequest["body"];
            requests.push({ atMs: Date.now(), method: request.method ?? "", path: request.url ?? "", body });
            if (agent?.refuseWith) {
                response.writeHead(agent.refuseWith, { "Content-Type": "application/json" });
                response.end(
                    JSON.stringify({
                        error: {
                            Code: "AccessDeniedException",
                            Message: "not authorized to perform: ecs:UpdateTaskProtection",
                        },
                    }),
                );
                return;
            }
            response.writeHead(200, { "Content-Type": "application/json" });
            response.end(
                JSON.stringify({
                    protection: {
                        ProtectionEnabled: body.ProtectionEnabled === true,
                        ExpirationDate: body.ProtectionEnabled
                            ? new Date(Date.now() + (body.ExpiresInMinutes ?? 120) * 60_000).toISOString()
                            : null,
                        TaskArn: "arn:aws:ecs:us-east-1:123456789012:task/test/0f1e2d3c",
                    },
                }),
            );
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const agent: FakeEcsAgent = {
        uri: `http://127.0.0.1:${port}${TASK_PATH}`,
        requests,
        refuseWith: undefined,
        stop: () => new Promise((resolve) => server.close(() => resolve())),
    };
    return agent;
}

export const PROTECTION_PATH = `${TASK_PATH}/task-protection/v1/state`;
