import { CapacityProvider } from "../../../components/index";
import { accepted, assertRejected, describeIntegerBounds, IntegerBound, untyped } from "../../support/validation";
import { minimalArgs } from "../../support/worker";

const INTEGER_BOUNDS: IntegerBound[] = [
    {
        path: "capacityProviderStrategy[0].weight",
        min: 0,
        max: 1_000,
        args: (value) =>
            minimalArgs({
                capacityProviderStrategy: [
                    { capacityProvider: CapacityProvider.Fargate, weight: untyped(value) },
                    { capacityProvider: CapacityProvider.FargateSpot, weight: 1 },
                ],
            }),
    },
    {
        path: "capacityProviderStrategy[1].base",
        min: 0,
        max: 100_000,
        args: (value) =>
            minimalArgs({
                capacityProviderStrategy: [
                    { capacityProvider: CapacityProvider.FargateSpot, weight: 4 },
                    { capacityProvider: CapacityProvider.Fargate, weight: 1, base: untyped(value) },
                ],
            }),
    },
];

describe("validation/service: network and capacity providers", () => {
    describe("AWS's numeric limits", () => {
        describeIntegerBounds(INTEGER_BOUNDS);
    });

    describe("required arguments", () => {
        it("requires a cluster ARN", () => {
            assertRejected(minimalArgs({ clusterArn: untyped(undefined) }), "clusterArn", "is required");
            assertRejected(minimalArgs({ clusterArn: "" }), "clusterArn", "is required");
        });

        it("requires at least one subnet", () => {
            assertRejected(minimalArgs({ subnetIds: untyped(undefined) }), "subnetIds", "is required");
            assertRejected(minimalArgs({ subnetIds: [] }), "subnetIds", "at least one subnet", "empty list");
        });

        it("rejects an empty list of security groups and says to omit it instead", () => {
            assertRejected(
                minimalArgs({ securityGroupIds: [] }),
                "securityGroupIds",
                "at least one security group",
                "omit it",
            );
        });
    });

    describe("capacity provider strategy", () => {
        it("accepts the seed's strategy: an on-demand base and Spot weight 4", () => {
            accepted(
                minimalArgs({
                    capacityProviderStrategy: [
                        { capacityProvider: CapacityProvider.Fargate, weight: 1, base: 1 },
                        { capacityProvider: CapacityProvider.FargateSpot, weight: 4 },
                    ],
                }),
            );
        });

        it("rejects an item that is not an object (null from another language) by its position", () => {
            for (const item of [null, "FARGATE_SPOT"]) {
                assertRejected(
                    minimalArgs({
                        capacityProviderStrategy: [{ capacityProvider: CapacityProvider.FargateSpot }, untyped(item)],
                    }),
                    "capacityProviderStrategy[1]",
                    "must be an object with capacityProvider, weight and base",
                    `got ${JSON.stringify(item)}`,
                );
            }
        });

        it("rejects a second provider with a base above 0, naming its index", () => {
            assertRejected(
                minimalArgs({
                    capacityProviderStrategy: [
                        { capacityProvider: CapacityProvider.Fargate, base: 1 },
                        { capacityProvider: CapacityProvider.FargateSpot, base: 2 },
                    ],
                }),
                "capacityProviderStrategy[1].base",
                "only one capacity provider",
                "got 2",
            );
        });

        it("rejects a strategy in which no provider has a weight above 0", () => {
            assertRejected(
                minimalArgs({
                    capacityProviderStrategy: [
                        { capacityProvider: CapacityProvider.Fargate, weight: 0, base: 2 },
                        { capacityProvider: CapacityProvider.FargateSpot, weight: 0 },
                    ],
                }),
                "capacityProviderStrategy",
                "weight above 0",
            );
        });

        it("reports only the bad weight, not also a zero total, when a weight is out of range", () => {
            assertRejected(
                minimalArgs({ capacityProviderStrategy: [{ capacityProvider: CapacityProvider.Fargate, weight: -1 }] }),
                "capacityProviderStrategy[0].weight",
                "between 0 and 1000",
            );
        });

        it("rejects a provider listed twice, naming the second entry and the provider", () => {
            assertRejected(
                minimalArgs({
                    capacityProviderStrategy: [
                        { capacityProvider: CapacityProvider.FargateSpot, weight: 4 },
                        { capacityProvider: CapacityProvider.FargateSpot, weight: 1 },
                    ],
                }),
                "capacityProviderStrategy[1].capacityProvider",
                "only once",
                "FARGATE_SPOT",
            );
        });

        it("rejects an empty strategy and points to the default", () => {
            assertRejected(
                minimalArgs({ capacityProviderStrategy: [] }),
                "capacityProviderStrategy",
                "at least one capacity provider",
                "omit it",
            );
        });
    });
});
