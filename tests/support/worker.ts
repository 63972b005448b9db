// Shared fixtures for the component tests: minimal valid arguments and ways to find what was registered.
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { BackgroundWorker, BackgroundWorkerArgs } from "../../components/index";
import { recordResources, RegisteredResource } from "../../tooling/mocks";

export const CLUSTER_ARN = "arn:aws:ecs:eu-west-1:210987654321:cluster/workers";

/** The smallest valid worker: a cluster, a subnet, an image. */
export function minimalArgs(overrides: Partial<BackgroundWorkerArgs> = {}): BackgroundWorkerArgs {
    return {
        clusterArn: CLUSTER_ARN,
        subnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"],
        container: { image: "public.ecr.aws/example/worker:1.0.0" },
        ...overrides,
    };
}

/** Registers one BackgroundWorker named "jobs" under mocks and returns everything registered. */
export function recordWorker(args: BackgroundWorkerArgs): Promise<RegisteredResource[]> {
    return recordResources(() => new BackgroundWorker("jobs", args));
}

export function ofType(resources: RegisteredResource[], type: string): RegisteredResource[] {
    return resources.filter((resource) => resource.type === type);
}

/** The one resource with this type and logical name; fails the test when there is not exactly one. */
export function one(resources: RegisteredResource[], type: string, name: string): RegisteredResource {
    const found = resources.filter((resource) => resource.type === type && resource.name === name);
    assert.equal(found.length, 1, `expected exactly one ${type} named ${name}; found ${found.length}`);
    return found[0];
}

/** Parses a JSON string input (policies, container definitions). */
export function json<T>(value: unknown): T {
    assert.equal(typeof value, "string", "expected a JSON string");
    return JSON.parse(value as string) as T;
}

export interface Statement {
    Sid?: string;
    Effect: string;
    Principal?: unknown;
    Action: string | string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
}
export interface PolicyDocument {
    Version: string;
    Statement: Statement[];
}

/** Resolves an Output's value (mocks run in update mode, so every value is known). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) =>
        output.apply((value) => {
            resolve(value);
            return value;
        }),
    );
}

/** Registers one worker and also returns the component, to read its outputs. */
export async function recordWorkerWithComponent(
    args: BackgroundWorkerArgs,
): Promise<{ resources: RegisteredResource[]; worker: BackgroundWorker }> {
    let worker: BackgroundWorker | undefined;
    const resources = await recordResources(() => {
        worker = new BackgroundWorker("jobs", args);
    });
    return { resources, worker: worker as BackgroundWorker };
}

/**
 * Expects the component to reject `args` with exactly one problem at `propertyPath`, whose reason starts with that
 * path and matches `reason`.
 */
export async function assertRejectedWith(
    args: BackgroundWorkerArgs,
    propertyPath: string,
    reason: RegExp,
): Promise<void> {
    await assert.rejects(recordWorker(args), (error: unknown) => {
        assert.ok(pulumi.InputPropertyError.isInstance(error), `expected one invalid property; got ${String(error)}`);
        assert.equal(error.propertyPath, propertyPath, error.reason);
        assert.ok(error.reason.startsWith(`${propertyPath} `), error.reason);
        assert.match(error.reason, reason);
        return true;
    });
}
