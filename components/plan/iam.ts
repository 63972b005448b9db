// IAM policy documents as plain data: the queue policies, the task's two roles and the keep-alive's role are all
// built from these, so a document's shape is decided in one place and tests read it without a provider.
import type * as pulumi from "@pulumi/pulumi";

/** An IAM policy statement as plain data. */
export interface PolicyStatement {
    Sid: string;
    Effect: "Allow" | "Deny";
    Principal?: "*" | { [kind: string]: pulumi.Input<string> | pulumi.Input<string>[] };
    Action: string | string[];
    Resource: pulumi.Input<string> | pulumi.Input<string>[];
    Condition?: { [operator: string]: { [key: string]: pulumi.Input<string> | pulumi.Input<string>[] } };
}

/** A policy document holding `statements`, in IAM's current policy language version. */
export function policyDocument<Statement>(statements: Statement[]): { Version: "2012-10-17"; Statement: Statement[] } {
    return { Version: "2012-10-17", Statement: statements };
}

/** A role's trust policy: `service` may assume the role, only under `condition` (the confused-deputy guard). */
export function serviceAssumeRolePolicy(
    service: string,
    condition: { [operator: string]: { [key: string]: string } },
): string {
    return JSON.stringify(
        policyDocument([
            {
                Effect: "Allow",
                Principal: { Service: service },
                Action: "sts:AssumeRole",
                Condition: condition,
            },
        ]),
    );
}
