"""Which property changes replace a resource, as CloudFormation's change sets say.

moto's change sets mark nothing as a replacement. A property replaces its resource when
the type's registry schema lists it as create-only (cfn-lint ships those schemas), or
when CloudFormation's documentation says "Update requires: Replacement" for a property
the schema misses (`DOCUMENTED`, with the page).
"""

from __future__ import annotations

from functools import cache

# Replacing properties the registry schemas leave out, by type, from the documentation:
DOCUMENTED: dict[str, frozenset[str]] = {
    # https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-dynamodb-table.html
    "AWS::DynamoDB::Table": frozenset({"KeySchema", "LocalSecondaryIndexes"}),
}


@cache
def replacing_properties(resource_type: str) -> frozenset[str]:
    """Top-level properties whose change replaces a resource of this type."""
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    try:
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", resource_type).schema
    except Exception:  # a type cfn-lint does not know (custom resources): nothing known
        return DOCUMENTED.get(resource_type, frozenset())
    paths = schema.get("createOnlyProperties", [])
    names = {p.split("/")[2] for p in paths if p.startswith("/properties/")}
    return frozenset(names) | DOCUMENTED.get(resource_type, frozenset())
