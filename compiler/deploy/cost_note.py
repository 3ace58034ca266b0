"""The cost line of `tsc diff` and `tsc deploy`: the compiled IR of what is deployed and of
what is about to be, handed to a pricing function (the commands pass the cost model's,
compiler.cost.change; deploy imports neither the IR nor the cost model).

The deployed IR is the file its root template names in `Metadata.Tinystack.Ir`, read from
the template bucket under the stack's TemplatePrefix (both are the root stack's
parameters). A stack deployed without one, or whose file is gone, has no before figure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from compiler.deploy.aws import Aws
from compiler.deploy.bundle import Bundle
from compiler.deploy.changes import StackState
from compiler.deploy.errors import AwsError
from compiler.deploy.values import deployed_template

# (deployed IR text or None, new IR text, whether the stack is new) -> lines to print
PriceChange = Callable[[str | None, str, bool], list[str]]
METADATA_KEY = "Tinystack"


def ir_file(template: Any) -> str | None:
    """The IR file a root template names in its Metadata, if any."""
    metadata = template.get("Metadata") if isinstance(template, dict) else None
    named = (metadata or {}).get(METADATA_KEY, {}) if isinstance(metadata, dict) else {}
    found = named.get("Ir") if isinstance(named, dict) else None
    return found if isinstance(found, str) and found else None


def deployed_ir(aws: Aws, state: StackState) -> str | None:
    """The compiled IR the deployed root stack was made from, or None when it has none."""
    try:
        name = ir_file(deployed_template(aws, state.stack_id))
        bucket = state.parameters.get("TemplateBucket")
        if name is None or not bucket:
            return None
        key = f"{state.parameters.get('TemplatePrefix', '')}{name}"
        data = aws.call("s3", "get_object", Bucket=bucket, Key=key)["Body"].read()
        return data.decode("utf-8") if isinstance(data, bytes) else str(data)
    except (AwsError, UnicodeDecodeError, KeyError):
        return None  # an unreadable before is "unknown", never a failed diff


def bundle_ir(bundle: Bundle) -> str | None:
    """The compiled IR of the folder being deployed."""
    name = ir_file(bundle.root)
    data = bundle.files.get(name) if name else None
    return data.decode("utf-8") if data is not None else None


def cost_note(
    aws: Aws, bundle: Bundle, state: StackState | None, price: PriceChange | None
) -> list[str]:
    """The lines `price` makes of the deployed and the new IR (none without either)."""
    after = bundle_ir(bundle)
    if price is None or after is None:
        return []
    if state is None or state.status == "REVIEW_IN_PROGRESS":  # nothing deployed yet
        return price(None, after, True)
    return price(deployed_ir(aws, state), after, False)
