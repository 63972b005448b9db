// A real SQS API for the integration tests and the runtime bench: moto_server on 127.0.0.1, on a free port.
import { ChildProcess, spawn } from "child_process";
import { accessSync, constants } from "fs";
import { createServer, Socket } from "net";
import { delimiter, join } from "path";

/** moto_server starts in a second or two; the integration specs start several at once, on a machine that may be busy. */
const STARTUP_TIMEOUT_MS = 60_000;
const STDERR_TAIL_CHARS = 4_000;

export interface MotoServer {
    /** http://127.0.0.1:PORT */
    endpoint: string;
    stop(): Promise<void>;
}

export async function startMotoServer(): Promise<MotoServer> {
    const executable = findOnPath("moto_server");
    const port = await freePort();
    const child = spawn(executable, ["-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL_CHARS);
    });
    try {
        await waitUntilListening(child, port);
    } catch (error) {
        child.kill("SIGKILL");
        throw new Error(`${(error as Error).message}; moto_server's stderr ends:\n${stderr}`, { cause: error });
    }
    return { endpoint: `http://127.0.0.1:${port}`, stop: () => stopProcess(child) };
}

function findOnPath(name: string): string {
    for (const directory of (process.env.PATH ?? "").split(delimiter)) {
        const candidate = join(directory, name);
        try {
            accessSync(candidate, constants.X_OK);
            return candidate;
        } catch {
            // not in this directory
        }
    }
    throw new Error(
        `${name} is not on PATH. The worker integration tests run against a local moto server; install it with ` +
            `pip install "moto[server]" (moto 5 or later) and make sure ${name} is on PATH.`,
    );
}

/** A port nothing listens on right now (the OS picks it; there is a small window before moto binds it). */
function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const address = server.address();
            server.close(() =>
                typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
            );
        });
    });
}

async function waitUntilListening(child: ChildProcess, port: number): Promise<void> {
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    while (Date.now() < deadline) {
        if (child.exitCode !== null) {
            throw new Error(`moto_server exited with code ${child.exitCode} before listening on port ${port}`);
        }
        if (await canConnect(port)) {
            return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`moto_server did not listen on port ${port} within ${STARTUP_TIMEOUT_MS} ms`);
}

function canConnect(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = new Socket();
        socket.once("connect", () => {
            socket.destroy();
            resolve(true);
        });
        socket.once("error", () => resolve(false));
        socket.connect(port, "127.0.0.1");
    });
}

/** SIGTERM, then SIGKILL if it is still there after a few seconds; resolves once it has exited. */
export function stopProcess(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) {
        return Promise.resolve();
    }
    return new Promise((resolve) => {
        const killTimer = setTimeout(() => child.kill("SIGKILL"), 3_000);
        child.once("exit", () => {
            clearTimeout(killTimer);
            resolve();
        });
        child.kill("SIGTERM");
    });
}
