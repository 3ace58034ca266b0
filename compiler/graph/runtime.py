"""One stage's runtime in the picture: the front door, the ECS cluster and its capacity,
the service, the alarms that scale it and notify, and its data stores. `STAGE_PARTS`
lists the builders: a new kind of per-stage component is one more entry."""

from __future__ import annotations

from collections.abc import Callable

from compiler.cost.counts import MONITORING_ALARMS
from compiler.graph.labels import wrap
from compiler.graph.model import Component, Flow, Parts
from compiler.ir.model import StackIR, StageIR

CAPACITY = {"ec2": "on EC2 instances", "fargate": "on Fargate"}


def front_door(ir: StackIR, stage: StageIR) -> Parts:
    """Clients -> [custom domain] -> HTTP API -> VPC link -> Cloud Map -> tasks, or
    clients -> [custom domain] -> ALB -> tasks."""
    s, endpoint = stage.name, stage.endpoint
    service = f"{s}_service"
    if endpoint.type == "alb":
        door = Component(f"{s}_alb", "alb", _alb_label(ir, stage))
        chain = [door]
        flows = [Flow(door.id, service, f"request :{stage.app.port}")]
    else:
        door = Component(f"{s}_api", "http-api", _api_label(stage))
        link = Component(f"{s}_vpc_link", "vpc-link", ("VPC link", "into the private subnets"))
        names = stage.names
        discovery = Component(
            f"{s}_cloud_map",
            "cloud-map",
            ("Cloud Map", f"{names.service_discovery}.{names.namespace}", "SRV records"),
        )
        chain = [door, link, discovery]
        flows = [
            Flow(door.id, link.id, "request"),
            Flow(link.id, discovery.id, "request"),
            Flow(discovery.id, service, f"request :{stage.app.port}"),
        ]
    entry = door.id
    if endpoint.domain is not None:
        domain = endpoint.domain
        alias = domain.hosted_zone_id is not None
        record = ("Route 53 alias in", domain.hosted_zone_id) if alias else ("DNS record: yours",)
        named = Component(
            f"{s}_domain",
            "domain-alias" if alias else "domain",
            (domain.name, "ACM certificate", *record),
        )
        chain.insert(0, named)
        flows.insert(0, Flow(named.id, door.id, "request"))
        entry = named.id
    return tuple(chain), (Flow("clients", entry, "request"), *flows)


def _api_label(stage: StageIR) -> tuple[str, ...]:
    endpoint = stage.endpoint
    throttling = endpoint.throttling
    limits = (
        f"throttle {throttling.rate_limit}/s, burst {throttling.burst_limit}"
        if throttling
        else "account throttling"
    )
    extras = [name for name, on in (("CORS", endpoint.cors), ("JWT", endpoint.authorizer)) if on]
    return ("HTTP API", limits, *([" + ".join(extras)] if extras else []))


def _alb_label(ir: StackIR, stage: StageIR) -> tuple[str, ...]:
    listeners = "HTTPS :443, :80 redirects" if stage.endpoint.domain else "HTTP :80"
    zones = ir.network.availability_zones
    return (
        "Application Load Balancer",
        f"{listeners}, {zones} zones",
        f"idle timeout {stage.endpoint.idle_timeout_seconds} s",
    )


def compute(ir: StackIR, stage: StageIR) -> Parts:
    """The service, the ECS cluster it runs in, and the cluster's capacity: an Auto Scaling
    group behind a capacity provider, or Fargate."""
    s, app, scaling, c = stage.name, stage.app, stage.scaling, stage.compute
    public = ir.network.tasks_in_public_subnets
    subnets = "public subnets, public IPs" if public else "private subnets"
    service = Component(
        f"{s}_service",
        "service",
        (
            "ECS service",
            f"{app.cpu / 1024:g} vCPU, {app.memory} MiB",
            f"port {app.port}, image :{s}",
            f"{scaling.min}..{scaling.max} tasks (desired {scaling.desired})",
            subnets,
        ),
    )
    cluster = Component(f"{s}_cluster", "ecs-cluster", ("ECS cluster", CAPACITY[c.type]))
    flows = [Flow(service.id, cluster.id, "runs in")]
    if c.type == "fargate":
        capacity: tuple[Component, ...] = (
            Component(f"{s}_fargate", "fargate", ("Fargate", "no instances to manage")),
        )
        flows.append(Flow(cluster.id, f"{s}_fargate", "capacity"))
    else:
        per = c.tasks_per_instance or 0
        capacity = (
            Component(
                f"{s}_capacity",
                "capacity-provider",
                ("capacity provider", f"managed scaling, target {c.target_capacity_percent}%"),
            ),
            Component(
                f"{s}_instances",
                "auto-scaling-group",
                (
                    "Auto Scaling group",
                    f"{c.instance_type} x {c.instances_min}..{c.instances_max}",
                    f"{per} task{'s' if per != 1 else ''} per instance",
                ),
            ),
        )
        flows += [
            Flow(cluster.id, f"{s}_capacity", "capacity"),
            Flow(f"{s}_capacity", f"{s}_instances", "scales"),
        ]
    return (service, cluster, *capacity), tuple(flows)


def alarms(ir: StackIR, stage: StageIR) -> Parts:
    """CPU alarms (or target tracking) feeding Application Auto Scaling, and the health
    alarms feeding the stage's SNS topic."""
    s, scaling = stage.name, stage.scaling
    if scaling.policy == "step":
        rule: tuple[str, ...] = (
            "CPU alarms (step scaling)",
            f"above {scaling.cpu_percent}% for 3 min: +1 task",
            f"below {scaling.scale_in_cpu_percent}% for 3 min: -1 task",
        )
    else:
        rule = ("CPU target tracking", f"holds CPU at {scaling.cpu_percent}%", "alarms made by AWS")
    emails = ir.alarms.emails
    components = (
        Component(f"{s}_scaling_alarms", "alarm", rule),
        Component(
            f"{s}_autoscaling",
            "app-autoscaling",
            ("Application Auto Scaling", f"{scaling.min}..{scaling.max} tasks"),
        ),
        Component(
            f"{s}_health_alarms",
            "alarm",
            ("health alarms", *wrap(MONITORING_ALARMS[stage.endpoint.type], ", ")),
        ),
        Component(
            f"{s}_topic",
            "topic",
            ("SNS topic", *(wrap(emails, ", ") if emails else ("no email subscribers",))),
        ),
    )
    flows = (
        Flow(f"{s}_service", f"{s}_scaling_alarms", "CPU"),
        Flow(f"{s}_scaling_alarms", f"{s}_autoscaling", "alarm"),
        Flow(f"{s}_autoscaling", f"{s}_service", "desired count", feedback=True),
        Flow(f"{s}_service", f"{s}_health_alarms", "metrics"),
        Flow(f"{s}_health_alarms", f"{s}_topic", "alarm"),
    )
    return components, flows


# How the picture names each engine (the IR keeps the API's names).
ENGINE_NAMES = {"postgres": "PostgreSQL", "mysql": "MySQL", "valkey": "Valkey"}


def data_stores(ir: StackIR, stage: StageIR) -> Parts:
    """The stage's stores (its data-<stage> stack), each reached by the service: what
    flows is named by the variable that gives the service its coordinates."""
    s, data = stage.name, stage.data
    reached: list[tuple[Component, str]] = []
    for table in data.tables:
        keys = f"key {table.partition_key}" + (f", sort {table.sort_key}" if table.sort_key else "")
        ttl = (f"TTL {table.ttl_attribute}",) if table.ttl_attribute else ()
        label = ("DynamoDB table", table.key, keys, "on demand, PITR", *ttl)
        reached.append((Component(f"{s}_table_{table.key}", "table", label), table.variable))
    db = data.database
    if db is not None:
        size = f"{db.instance_class}{', Multi-AZ' if db.multi_az else ''}"
        kept = f"{db.storage_gb} GB, backups {db.backup_retention_days} days"
        label = (f"RDS {ENGINE_NAMES[db.engine]} {db.version}", size, kept, "TLS only")
        reached.append((Component(f"{s}_database", "database", label), f"SQL, TLS :{db.port}"))
    cache = data.cache
    if cache is not None:
        label = (f"ElastiCache {ENGINE_NAMES[cache.engine]}", cache.node_type, "one node, TLS")
        reached.append((Component(f"{s}_cache", "cache", label), f"TLS :{cache.port}"))
    for bucket in data.buckets:
        label = ("S3 bucket", bucket.key, "versioned, private")
        reached.append((Component(f"{s}_bucket_{bucket.key}", "bucket", label), bucket.variable))
    service = f"{s}_service"
    flows = tuple(Flow(service, store.id, what) for store, what in reached)
    return tuple(store for store, _ in reached), flows


# Drawn in this order inside each stage's group.
STAGE_PARTS: tuple[Callable[[StackIR, StageIR], Parts], ...] = (
    front_door,
    compute,
    alarms,
    data_stores,
)
