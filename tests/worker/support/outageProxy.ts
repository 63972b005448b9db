// A TCP proxy in front of moto that can go down and come back on the same port: an outage of the SQS endpoint as a
// worker sees one. Down, it drops every open connection (calls in flight fail mid-way) and refuses new ones.
import { AddressInfo, createServer, Server, Socket, connect } from "net";

export interface OutageProxy {
    /** http://127.0.0.1:PORT, to give the worker's client instead of moto's endpoint. */
    endpoint: string;
    /** Drops every connection and stops listening. */
    down(): Promise<void>;
    /** Listens again on the same port. */
    up(): Promise<void>;
    close(): Promise<void>;
}

export async function startOutageProxy(targetEndpoint: string): Promise<OutageProxy> {
    const target = new URL(targetEndpoint);
    const sockets = new Set<Socket>();
    const newServer = (): Server =>
        createServer((client) => {
            const upstream = connect(Number(target.port), target.hostname);
            for (const [from, to] of [
                [client, upstream],
                [upstream, client],
            ]) {
                sockets.add(from);
                from.pipe(to);
                from.on("error", () => to.destroy());
                from.on("close", () => {
                    sockets.delete(from);
                    to.destroy();
                });
            }
        });
    let server = newServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    let listening = true;

    const down = async (): Promise<void> => {
        if (!listening) {
            return;
        }
        listening = false;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        sockets.forEach((socket) => socket.destroy());
        await closed;
    };
    return {
        endpoint: `http://127.0.0.1:${port}`,
        down,
        async up() {
            if (listening) {
                return;
            }
            server = newServer();
            await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
            listening = true;
        },
        close: down,
    };
}
