"""Changes that would replace a data store, read from a change summary (SPEC.md "Data").

`tsc diff` names them and `tsc deploy` refuses them unless --allow-data-replacement. A
store is a table, a bucket or the database of a `data-<stage>` stack (a cache holds nothing
that cannot be rebuilt). A change replaces one when CloudFormation says so (Replacement
True, or Conditional: it may), or when it changes what makes a new, empty store whatever
CloudFormation calls the update (`NEW_STORE_PROPERTIES`).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console
from rich.markup import escape

from compiler.deploy.changes import ChangeSummary, ResourceChange

DATA_STACK_PREFIX = "data-"  # the template stems of the stages' data stacks
STORE_TYPES = {
    "AWS::DynamoDB::Table": "table",
    "AWS::S3::Bucket": "bucket",
    "AWS::RDS::DBInstance": "database",
}
# CloudFormation calls an engine change an update ("Some interruptions"), but RDS turns
# no engine into another: the update fails or, if forced, the data does not come along.
# https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbinstance.html
NEW_STORE_PROPERTIES = {"AWS::RDS::DBInstance": frozenset({"Engine"})}
ALLOW_FLAG = "--allow-data-replacement"


@dataclass(frozen=True)
class StoreReplacement:
    stack: str  # the data stack's template stem, e.g. data-prod
    change: ResourceChange

    @property
    def kind(self) -> str:
        return STORE_TYPES[self.change.resource_type]

    def why(self) -> str:
        """What changes and what it does to the store, in a clause."""
        props = ", ".join(self.change.properties) or "its properties"
        certainty = "may replace" if self.change.replacement == "Conditional" else "replaces"
        return f"{props} changes, which {certainty} the {self.kind} with a new, empty one"


def _replaces(change: ResourceChange) -> bool:
    if change.action != "Modify" or change.resource_type not in STORE_TYPES:
        return False
    identity = NEW_STORE_PROPERTIES.get(change.resource_type, frozenset())
    return change.replacement in ("True", "Conditional") or bool(identity & set(change.properties))


def store_replacements(summary: ChangeSummary) -> list[StoreReplacement]:
    """Every change of a data stack that would replace one of its stores."""
    return [
        StoreReplacement(section.label, change)
        for section in summary.stacks
        if section.label.startswith(DATA_STACK_PREFIX)
        for change in section.changes
        if _replaces(change)
    ]


def render_store_replacements(console: Console, found: list[StoreReplacement]) -> None:
    """Say which stores a deploy of this change would replace, and that it is refused."""
    if not found:
        return
    console.print("[bold red]Data stores this change would replace:[/]")
    for item in found:
        line = f"{item.stack} {item.change.logical_id} ({item.change.resource_type}): {item.why()}"
        console.print(f"  {escape(line)}", soft_wrap=True)
    console.print(
        "The old store is kept (tables and buckets are retained, a database is snapshotted) "
        f"but the app would use the new one; `tsc deploy` refuses this without {ALLOW_FLAG}.",
        soft_wrap=True,
    )


def refusal(found: list[StoreReplacement]) -> str:
    """The one-line error of a deploy that would replace stores."""
    names = ", ".join(f"{item.stack} {item.change.logical_id}" for item in found)
    return (
        f"refusing to replace data stores ({names}): their data would stay behind in the old "
        f"store; nothing was changed. Rerun with {ALLOW_FLAG} to replace them anyway"
    )
