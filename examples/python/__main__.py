"""The seed's job worker on a cluster of its own, from Python.

`pulumi package add` generates the `pulumi_background_worker` SDK from the package's schema (schema.json is a snapshot
of it): one class per component, an `<Type>Args` class (and an `<Type>ArgsDict`) per nested argument type, and the
enums. The nested types are named without an "Args" suffix in TypeScript (WorkerContainer, WorkerQueue, ...), so
Python's input classes read WorkerContainerArgs, WorkerQueueArgs, ... tests/schema.spec.ts checks every keyword below
against the schema.
"""

import pulumi
import pulumi_background_worker as background_worker

config = pulumi.Config()
# Private subnets with a NAT gateway or VPC endpoints.
subnet_ids = config.require_object("subnetIds")
image = config.get("jobWorkerImage") or "123456789012.dkr.ecr.us-east-1.amazonaws.com/job-worker:1.0.0"

cluster = background_worker.WorkerCluster("workers", tags={"team": "jobs"})

job_worker = background_worker.BackgroundWorker(
    "job-worker",
    cluster_arn=cluster.arn,
    subnet_ids=subnet_ids,
    container=background_worker.WorkerContainerArgs(
        image=image,
        cpu=1024,
        memory=2048,
        log_retention_days=90,
    ),
    queue=background_worker.WorkerQueueArgs(
        visibility_timeout_seconds=300,
        message_retention_seconds=604800,
    ),
    # An on-demand base so a Spot shortage cannot stop the worker, then four tasks in five on Spot.
    capacity_provider_strategy=[
        background_worker.CapacityProviderStrategyItemArgs(
            capacity_provider=background_worker.CapacityProvider.FARGATE,
            weight=1,
            base=1,
        ),
        background_worker.CapacityProviderStrategyItemArgs(
            capacity_provider=background_worker.CapacityProvider.FARGATE_SPOT,
            weight=4,
        ),
    ],
    scaling=background_worker.WorkerScalingArgs(
        min_tasks=1,
        max_tasks=50,
        target_backlog_per_task=10,
    ),
    tags={"team": "jobs"},
)

pulumi.export("clusterName", cluster.name)
pulumi.export("jobQueueUrl", job_worker.queue_url)
pulumi.export("jobDeadLetterQueueUrl", job_worker.dead_letter_queue_url)
pulumi.export("jobServiceName", job_worker.service_name)
